/*
 * test_dep.c — validating dependencies (supply and link) against the default pack:
 * self-loops, services, kinds, buffer hours, direction; rendering back to values.
 */
#include "unit.h"

#include "arena.h"
#include "dep.h"

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

static int from_pairs(const char *const *pairs, struct bw_arena *a, struct bw_diag *d,
                      struct bw_dep *out)
{
    struct unit_record u;
    bw_diag_clear(d);
    return bw_dep_from_record(pack, unit_record(&u, pairs), a, d, out);
}

static void expect_bad(const char *const *pairs, int code, const char *field, const char *part)
{
    struct bw_arena a;
    struct bw_diag d;
    struct bw_dep x;
    char msg[1024];
    int rc;

    bw_arena_init(&a, 0);
    rc = from_pairs(pairs, &a, &d, &x);
    if (rc != code || d.code != code || strcmp(d.field, field) != 0 || !strstr(d.msg, part)) {
        print_error("rc %d (want %d), diag '%s' (want field '%s' and '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field, part);
        fail();
    }
    bw_arena_release(&a);
}

static void test_valid(void **state)
{
    (void)state;
    struct bw_arena a;
    struct bw_diag d;
    struct bw_dep x;

    bw_arena_init(&a, 0);
    {
        const char *const p[] = {
            "site",  "hospital-1",       "supplier",   "substation-2", "service",
            "power", "redundancy_group", "grid-north", "buffer_hours", "48.5",
            NULL};
        assert_int_equal(from_pairs(p, &a, &d, &x), BW_OK);
        assert_string_equal(x.site, "hospital-1");
        assert_string_equal(x.supplier, "substation-2");
        assert_string_equal(x.service, "power");
        assert_int_equal(x.kind, BW_DEP_SUPPLY); /* the default kind */
        assert_string_equal(x.redundancy_group, "grid-north");
        assert_true(x.buffer_hours == 48.5);
        assert_int_equal(x.directed, 0);
    }
    {
        const char *const p[] = {"site",         "a",    "supplier", "b",        "service",
                                 "water",        "kind", "link",     "directed", "true",
                                 "buffer_hours", "0",    NULL};
        assert_int_equal(from_pairs(p, &a, &d, &x), BW_OK);
        assert_int_equal(x.kind, BW_DEP_LINK);
        assert_int_equal(x.directed, 1);
        assert_true(x.buffer_hours == 0);
        assert_null(x.redundancy_group);
    }
    {
        /* Limits: a year of buffer; "0"/"1" for booleans; explicit "supply". */
        const char *const p[] = {"site",         "a",    "supplier", "b",        "service",
                                 "telecom",      "kind", "supply",   "directed", "0",
                                 "buffer_hours", "8760", NULL};
        assert_int_equal(from_pairs(p, &a, &d, &x), BW_OK);
        assert_int_equal(x.kind, BW_DEP_SUPPLY);
        assert_true(x.buffer_hours == 8760);
    }
    bw_arena_release(&a);
}

static void test_rejected(void **state)
{
    (void)state;
    {
        const char *const p[] = {"site", "s1", "supplier", "s1", "service", "power", NULL};
        expect_bad(p, BW_EINVAL, "supplier", "self-loop");
    }
    {
        const char *const p[] = {"site",  "s1",           "supplier", "s2", "service",
                                 "power", "buffer_hours", "-1",       NULL};
        expect_bad(p, BW_ERANGE, "buffer_hours", "outside");
    }
    {
        const char *const p[] = {"site",  "s1",           "supplier", "s2", "service",
                                 "power", "buffer_hours", "8760.5",   NULL};
        expect_bad(p, BW_ERANGE, "buffer_hours", "outside");
    }
    {
        const char *const p[] = {"site",  "s1",           "supplier", "s2", "service",
                                 "power", "buffer_hours", "two days", NULL};
        expect_bad(p, BW_EINVAL, "buffer_hours", "not a number");
    }
    {
        const char *const p[] = {"site", "s1", "supplier", "s2", "service", "electricity", NULL};
        expect_bad(p, BW_EREF, "service", "unknown service 'electricity'");
    }
    {
        const char *const p[] = {"site", "s1", "supplier", "s2", "service", "Power", NULL};
        expect_bad(p, BW_EREF, "service", "unknown service");
    }
    {
        const char *const p[] = {"site", "s1", "supplier", "s2", NULL};
        expect_bad(p, BW_EINVAL, "service", "required");
    }
    {
        const char *const p[] = {"site",  "s1",       "supplier", "s2", "service",
                                 "power", "directed", "true",     NULL};
        expect_bad(p, BW_EINVAL, "directed", "only links");
    }
    {
        const char *const p[] = {"site", "s1",     "supplier", "s2", "service", "power",
                                 "kind", "supply", "directed", "1",  NULL};
        expect_bad(p, BW_EINVAL, "directed", "only links");
    }
    {
        const char *const p[] = {"site", "s1",   "supplier", "s2",  "service", "power",
                                 "kind", "link", "directed", "yes", NULL};
        expect_bad(p, BW_EINVAL, "directed", "true or false");
    }
    {
        const char *const p[] = {"site",  "s1",   "supplier", "s2", "service",
                                 "power", "kind", "pipe",     NULL};
        expect_bad(p, BW_EINVAL, "kind", "not supply or link");
    }
    {
        const char *const p[] = {"supplier", "s2", "service", "power", NULL};
        expect_bad(p, BW_EINVAL, "site", "required");
    }
    {
        const char *const p[] = {"site", "s1", "service", "power", NULL};
        expect_bad(p, BW_EINVAL, "supplier", "required");
    }
    {
        const char *const p[] = {"site", "s1", "supplier", "s;2", "service", "power", NULL};
        expect_bad(p, BW_EINVAL, "supplier", "';'");
    }
    {
        const char *const p[] = {
            "site", "s1", "supplier", "s2", "service", "power", "redundancy_group", "g\n1", NULL};
        expect_bad(p, BW_EINVAL, "redundancy_group", "control character");
    }
}

static void test_to_values(void **state)
{
    (void)state;
    struct bw_arena a;
    struct bw_str v[8];
    const struct bw_dep supply = {"h1", "s2", "power", BW_DEP_SUPPLY, "g", 48.5, 0, 2};
    const struct bw_dep link = {"a", "b", "water", BW_DEP_LINK, NULL, 0, 1, 1};

    assert_int_equal(bw_dep_ncolumns, 8);
    assert_string_equal(bw_dep_kind_name(BW_DEP_SUPPLY), "supply");
    assert_string_equal(bw_dep_kind_name(BW_DEP_LINK), "link");
    bw_arena_init(&a, 0);
    assert_int_equal(bw_dep_to_values(&supply, &a, v), BW_OK);
    assert_true(bw_str_eq(v[0], "h1") && bw_str_eq(v[1], "s2") && bw_str_eq(v[2], "power"));
    assert_true(bw_str_eq(v[3], "supply") && bw_str_eq(v[4], "g"));
    assert_true(bw_str_eq(v[5], "48.5"));
    assert_null(v[6].p); /* not directed: absent */
    assert_true(bw_str_eq(v[7], "2")); /* 2 of n */
    assert_int_equal(bw_dep_to_values(&link, &a, v), BW_OK);
    assert_true(bw_str_eq(v[3], "link"));
    assert_null(v[4].p);
    assert_null(v[5].p); /* no buffer: absent */
    assert_true(bw_str_eq(v[6], "true"));
    assert_null(v[7].p); /* 1 of n: absent */
    bw_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_to_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
