/*
 * test_framework_answers.c — files of framework-assessment answers
 * (src/formats/framework_answers.c): CSV with the columns in any order, a byte-order
 * mark, CRLF, quoting and empty optional fields; JSON as a list and as {"answers": ...};
 * and the errors, each with its line (CSV) or entry (JSON) and field: unknown indicator,
 * level out of range or not a whole number, an indicator twice, a bad date, an unknown
 * or missing column, a short record, an unterminated quote, unknown JSON keys.
 */
#include "unit.h"

#include "arena.h"
#include "framework_answers.h"

static bw_pack *pack;

static int setup(void **state)
{
    (void)state;
    pack = unit_default_pack();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bw_pack_free(pack);
    return 0;
}

static int read_text(const char *text, struct bw_arena *a, struct bw_fw_answer **ans, size_t *n,
                     struct bw_diag *d)
{
    bw_diag_clear(d);
    return bw_fw_answers_read(pack, text, strlen(text), a, ans, n, d);
}

static void test_csv(void **state)
{
    static const char text[] = "\xEF\xBB\xBF" "level,indicator,assessor,evidence\r\n"
                               "2,A8.3,Assessor A,\"drills, twice a year\"\r\n"
                               "\r\n"
                               " 0 ,A13.1,,\r\n";
    struct bw_fw_answer *ans;
    struct bw_arena a;
    struct bw_diag d;
    size_t n;
    (void)state;

    bw_arena_init(&a, 1024);
    assert_int_equal(read_text(text, &a, &ans, &n, &d), BW_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ans[0].indicator, "A8.3");
    assert_int_equal(ans[0].level, 2);
    assert_string_equal(ans[0].evidence, "drills, twice a year");
    assert_string_equal(ans[0].assessor, "Assessor A");
    assert_null(ans[0].files);
    assert_null(ans[0].date);
    assert_string_equal(ans[1].indicator, "A13.1");
    assert_int_equal(ans[1].level, 0);
    assert_null(ans[1].assessor);
    assert_null(ans[1].evidence);
    bw_arena_release(&a);
}

static void test_json(void **state)
{
    struct bw_fw_answer *ans;
    struct bw_arena a;
    struct bw_diag d;
    size_t n;
    (void)state;

    bw_arena_init(&a, 1024);
    assert_int_equal(read_text("  {\"answers\": [{\"indicator\": \"A1.1\", \"level\": 4, "
                               "\"files\": \"s.pdf;r.pdf\", \"date\": \"2026-11-30\"}, "
                               "{\"indicator\": \"A1.2\", \"level\": 0, \"evidence\": null}]}",
                               &a, &ans, &n, &d),
                     BW_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ans[0].files, "s.pdf;r.pdf");
    assert_string_equal(ans[0].date, "2026-11-30");
    assert_int_equal(ans[0].level, 4);
    assert_null(ans[1].evidence);
    assert_int_equal(read_text("[]", &a, &ans, &n, &d), BW_OK);
    assert_int_equal(n, 0);
    bw_arena_release(&a);
}

/* Reads @p text expecting @p code at @p line (CSV) or entry @p feature (JSON, else -1)
 * with field @p field and @p part in the message; nothing must be returned. */
static void expect_bad(const char *text, int code, uint64_t line, int64_t feature,
                       const char *field, const char *part)
{
    struct bw_fw_answer *ans = (struct bw_fw_answer *)1;
    struct bw_arena a;
    struct bw_diag d;
    size_t n = 7;
    char msg[1024];
    int rc;

    bw_arena_init(&a, 1024);
    rc = read_text(text, &a, &ans, &n, &d);
    if (rc != code || d.line != line || d.feature != feature || strcmp(d.field, field) != 0 ||
        !strstr(d.msg, part)) {
        print_error("rc %d (want %d): '%s' (want line %llu, feature %lld, field '%s', '%s')\n",
                    rc, code, bw_diag_format(&d, msg, sizeof msg), (unsigned long long)line,
                    (long long)feature, field, part);
        fail();
    }
    assert_null(ans);
    assert_int_equal(n, 0);
    bw_arena_release(&a);
}

static void test_errors(void **state)
{
    (void)state;
    expect_bad("indicator,level\nA1.1,2\nA1.9,2\n", BW_EREF, 3, -1, "indicator",
               "unknown indicator 'A1.9'");
    expect_bad("indicator,level\nA1.1,2\nA1.2,5\n", BW_ERANGE, 3, -1, "level",
               "level 5 is outside 0..4");
    expect_bad("indicator,level\nA1.1,2.5\n", BW_EPARSE, 2, -1, "level", "not a whole number");
    expect_bad("indicator,level\nA1.1,\n", BW_EPARSE, 2, -1, "level", "not a whole number");
    expect_bad("indicator,level\nA1.1,2\nA1.1,3\n", BW_EINVAL, 3, -1, "indicator",
               "answered twice");
    expect_bad("indicator,level,date\nA1.1,2,30/11/2026\n", BW_EINVAL, 2, -1, "date",
               "not a date");
    expect_bad("indicator,level,grade\n", BW_EPARSE, 1, -1, "", "unknown column 'grade'");
    expect_bad("indicator,level,level\n", BW_EPARSE, 1, -1, "", "repeated column 'level'");
    expect_bad("indicator,evidence\nA1.1,x\n", BW_EPARSE, 1, -1, "level",
               "the column 'level' is required");
    expect_bad("indicator,level\nA1.1\n", BW_EPARSE, 2, -1, "", "1 fields, the header has 2");
    expect_bad("indicator,level,evidence\nA1.1,2,ok\nA1.2,3,\"open\n", BW_EPARSE, 3, -1,
               "evidence", "never ends");
    expect_bad("", BW_EPARSE, 0, -1, "", "header line is required");
    expect_bad("[{\"indicator\": \"A1.1\", \"level\": 1}, {\"indicator\": \"A1.2\", "
               "\"level\": 7}]", BW_ERANGE, 0, 1, "level", "level 7 is outside");
    expect_bad("[{\"indicator\": \"A1.1\", \"level\": \"2\"}]", BW_EPARSE, 0, 0, "level",
               "whole number");
    expect_bad("[{\"indicator\": \"A1.1\", \"level\": 2, \"grade\": 1}]", BW_EPARSE, 0, 0,
               "grade", "unknown key");
    expect_bad("[{\"indicator\": 3, \"level\": 2}]", BW_EPARSE, 0, 0, "indicator",
               "must be a string");
    expect_bad("[{\"indicator\": \"A1.1\", \"level\": 2}, 3]", BW_EPARSE, 0, 1, "",
               "must be an object");
    expect_bad("{\"answers\": {}}", BW_EPARSE, 0, -1, "", "expected a list");
    expect_bad("[{\"indicator\": \"A1.1\",\n \"level\": 2,]", BW_EPARSE, 2, -1, "", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
