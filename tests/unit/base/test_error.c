/*
 * test_error.c — result-code names and the diagnostics record: first error wins,
 * formatting of file/line/feature/field, truncation, NULL handling.
 */
#include "unit.h"

static void test_strerror(void **state)
{
    (void)state;
    /* Every code of the closed enum has its own text; anything else is "unknown". */
    for (int c = BW_OK; c > BW_ELAST; c--) {
        const char *s = bw_strerror(c);
        assert_non_null(s);
        assert_string_not_equal(s, "unknown error");
        for (int k = BW_OK; k > c; k--)
            assert_string_not_equal(s, bw_strerror(k));
    }
    assert_string_equal(bw_strerror(BW_OK), "success");
    assert_string_equal(bw_strerror(BW_ENOMEM), "out of memory");
    assert_string_equal(bw_strerror(BW_ELAST), "unknown error");
    assert_string_equal(bw_strerror(1), "unknown error");
    assert_string_equal(bw_strerror(-1000), "unknown error");
}

static void test_diag_set_first_wins(void **state)
{
    (void)state;
    struct bw_diag d;

    memset(&d, 0x5A, sizeof d);
    bw_diag_clear(&d);
    assert_false(bw_diag_has(&d));
    assert_int_equal(d.feature, -1);
    assert_int_equal(d.line, 0);
    assert_int_equal(d.code, BW_OK);
    assert_string_equal(d.file, "");
    assert_string_equal(d.field, "");

    assert_int_equal(bw_diag_set(&d, BW_ERANGE, "lat", "%d is not a latitude", 95), BW_ERANGE);
    assert_true(bw_diag_has(&d));
    assert_string_equal(d.field, "lat");
    assert_string_equal(d.msg, "95 is not a latitude");
    assert_int_equal(d.code, BW_ERANGE);
    /* A later error is a consequence: it returns its code but does not overwrite. */
    assert_int_equal(bw_diag_set(&d, BW_ENOMEM, "x", "later"), BW_ENOMEM);
    assert_string_equal(d.field, "lat");
    assert_string_equal(d.msg, "95 is not a latitude");
    assert_int_equal(d.code, BW_ERANGE);

    /* An empty message falls back to the code's text; a NULL field is "". */
    bw_diag_clear(&d);
    assert_int_equal(bw_diag_set(&d, BW_EREF, NULL, "%s", ""), BW_EREF);
    assert_string_equal(d.msg, "unknown reference");
    assert_string_equal(d.field, "");

    /* NULL diag: only the code comes back. */
    assert_int_equal(bw_diag_set(NULL, BW_EINVAL, "f", "m"), BW_EINVAL);
    assert_false(bw_diag_has(NULL));
    bw_diag_clear(NULL);
    bw_diag_file(NULL, "x");

    /* A long field name is truncated, not overflowed. */
    {
        char longf[200];
        memset(longf, 'f', sizeof longf - 1);
        longf[sizeof longf - 1] = '\0';
        bw_diag_clear(&d);
        bw_diag_set(&d, BW_EINVAL, longf, "m");
        assert_int_equal(strlen(d.field), BW_DIAG_FIELD_MAX - 1);
    }
}

static void test_diag_format(void **state)
{
    (void)state;
    struct bw_diag d;
    char buf[1024];

    bw_diag_clear(&d);
    bw_diag_file(&d, "sites.csv");
    d.line = 3;
    bw_diag_set(&d, BW_ERANGE, "lat", "95 is not a latitude (-90..90)");
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf),
                        "sites.csv:3: field 'lat': 95 is not a latitude (-90..90)");

    bw_diag_clear(&d);
    bw_diag_file(&d, "sites.geojson");
    d.line = 12;
    d.feature = 4;
    bw_diag_set(&d, BW_EINVAL, "geometry", "ring 0 is not closed");
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf),
                        "sites.geojson:12: feature 4: field 'geometry': ring 0 is not closed");

    /* No file: "line N: ". No line: "file: ". Feature 0 is a real index. */
    bw_diag_clear(&d);
    d.line = 7;
    bw_diag_set(&d, BW_EPARSE, NULL, "bad");
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf), "line 7: bad");
    bw_diag_clear(&d);
    bw_diag_file(&d, "pack.json");
    d.feature = 0;
    bw_diag_set(&d, BW_EIO, NULL, "cannot open");
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf), "pack.json: feature 0: cannot open");

    /* Only a code: its text. Nothing at all: "success". */
    bw_diag_clear(&d);
    d.code = BW_ETOOBIG;
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf), "input exceeds a limit");
    bw_diag_clear(&d);
    assert_string_equal(bw_diag_format(&d, buf, sizeof buf), "success");
    assert_string_equal(bw_diag_format(NULL, buf, sizeof buf), "");
    assert_null(bw_diag_format(&d, NULL, 10));

    /* Truncation: never more than n bytes including the NUL, and always terminated. */
    bw_diag_clear(&d);
    bw_diag_file(&d, "sites.csv");
    d.line = 3;
    bw_diag_set(&d, BW_ERANGE, "lat", "95 is not a latitude");
    for (size_t n = 1; n < 50; n++) {
        char small[64];
        memset(small, '#', sizeof small);
        bw_diag_format(&d, small, n);
        assert_true(strlen(small) < n);
        assert_int_equal(small[n], '#');
        /* What is there is a prefix of the full line. */
        assert_memory_equal(small, "sites.csv:3: field 'lat': 95 is not a latitude", strlen(small));
    }
}

static void test_diag_file_truncates(void **state)
{
    (void)state;
    struct bw_diag d;
    char longname[600];

    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    bw_diag_clear(&d);
    bw_diag_file(&d, longname);
    assert_int_equal(strlen(d.file), BW_DIAG_FILE_MAX - 1);
    bw_diag_file(&d, NULL);
    assert_string_equal(d.file, "");
    /* The message is bounded too. */
    {
        char longmsg[2000];
        memset(longmsg, 'm', sizeof longmsg - 1);
        longmsg[sizeof longmsg - 1] = '\0';
        bw_diag_set(&d, BW_EINVAL, NULL, "%s", longmsg);
        assert_int_equal(strlen(d.msg), BW_DIAG_MSG_MAX - 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_diag_set_first_wins),
        cmocka_unit_test(test_diag_format),
        cmocka_unit_test(test_diag_file_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
