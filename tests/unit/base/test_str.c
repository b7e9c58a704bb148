/*
 * test_str.c — slices, UTF-8 validation (RFC 3629), strict number parsing and the
 * shortest round-trip number formatting that export relies on.
 */
#include "unit.h"

#include "str.h"

#include <float.h>

static void test_slice_helpers(void **state)
{
    (void)state;
    struct bw_str s = bw_str_c("abc");
    assert_int_equal(s.n, 3);
    assert_true(bw_str_eq(s, "abc"));
    assert_false(bw_str_eq(s, "ab"));
    assert_false(bw_str_eq(s, "abcd"));
    assert_false(bw_str_eq(s, "abd"));

    s = bw_str_c(NULL);
    assert_non_null(s.p);
    assert_int_equal(s.n, 0);
    assert_true(bw_str_eq(s, ""));

    /* A slice need not be NUL-terminated: only the first n bytes count. */
    s = (struct bw_str){"abcdef", 3};
    assert_true(bw_str_eq(s, "abc"));

    s = bw_str_trim(bw_str_c(" \t a b \t "));
    assert_int_equal(s.n, 3);
    assert_memory_equal(s.p, "a b", 3);
    s = bw_str_trim(bw_str_c(" \t "));
    assert_int_equal(s.n, 0);
    /* Only spaces and tabs are trimmed, not newlines. */
    s = bw_str_trim(bw_str_c("\nx\n"));
    assert_int_equal(s.n, 3);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        int ok;
        size_t bad;
    } cases[] = {
        {"", 0, 1, 0},
        {"plain ascii", 11, 1, 0},
        {"caf\xC3\xA9", 5, 1, 0},      /* é, 2 bytes */
        {"\xE2\x82\xAC", 3, 1, 0},     /* €, 3 bytes */
        {"\xF0\x9F\x98\x80", 4, 1, 0}, /* U+1F600, 4 bytes */
        {"\xF4\x8F\xBF\xBF", 4, 1, 0}, /* U+10FFFF, the last code point */
        {"\xED\x9F\xBF", 3, 1, 0},     /* U+D7FF, just below the surrogates */
        {"ab\xC0\x80", 4, 0, 2},       /* overlong NUL */
        {"\xC1\xBF", 2, 0, 0},         /* overlong '\x7f' */
        {"\xE0\x80\xAF", 3, 0, 0},     /* overlong '/' in 3 bytes */
        {"\xF0\x80\x80\xAF", 4, 0, 0}, /* overlong '/' in 4 bytes */
        {"x\xED\xA0\x80", 4, 0, 1},    /* U+D800, a surrogate */
        {"\xED\xBF\xBF", 3, 0, 0},     /* U+DFFF */
        {"\xF4\x90\x80\x80", 4, 0, 0}, /* U+110000 */
        {"\xF5\x80\x80\x80", 4, 0, 0}, /* lead byte F5 */
        {"\xFF", 1, 0, 0},
        {"abc\x80", 4, 0, 3},      /* stray continuation byte */
        {"ab\xC3", 3, 0, 2},       /* truncated sequence */
        {"\xE2\x82", 2, 0, 0},     /* truncated 3-byte sequence */
        {"\xE2\x28\xA1", 3, 0, 0}, /* bad continuation */
        {"ok\xC3\xA9\xC3", 5, 0, 4},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bad = 999;
        int ok = bw_utf8_valid(cases[i].s, cases[i].n, &bad);
        if (ok != cases[i].ok) {
            print_error("case %zu: bw_utf8_valid = %d, expected %d\n", i, ok, cases[i].ok);
            fail();
        }
        if (!ok && bad != cases[i].bad) {
            print_error("case %zu: bad offset %zu, expected %zu\n", i, bad, cases[i].bad);
            fail();
        }
    }
    /* The bad-offset pointer is optional. */
    assert_false(bw_utf8_valid("\xFF", 1, NULL));
    /* An embedded NUL is valid UTF-8 (callers reject control characters separately). */
    assert_true(bw_utf8_valid("a\0b", 3, NULL));
}

static void test_parse_double(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } good[] = {
        {"0", 0.0},      {"-0", -0.0},   {"1", 1.0},
        {"+2", 2.0},     {"-1.5", -1.5}, {"51.5072", 51.5072},
        {"1e3", 1000.0}, {"1E-2", 0.01}, {"-2.5e+2", -250},
        {"0.1", 0.1},    {"180", 180.0}, {"1.7976931348623157e308", DBL_MAX},
    };
    static const char *const bad[] = {
        "",    " 1",   "1 ",  "1e",   "1e+", ".5",   "1.",  "-",  "+",  "0x10",  "inf",
        "nan", "-inf", "1,5", "1..2", "--1", "1e5.", "abc", "1f", "e5", "1e400", "-1e400",
    };
    double v;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = 12345;
        if (bw_parse_double(bw_str_c(good[i].s), &v) != BW_OK || v != good[i].v) {
            print_error("'%s' parsed as %.17g\n", good[i].s, v);
            fail();
        }
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 12345;
        if (bw_parse_double(bw_str_c(bad[i]), &v) != BW_EINVAL || v != 12345) {
            print_error("'%s' was accepted (%.17g) or *out was touched\n", bad[i], v);
            fail();
        }
    }
    /* A slice stops where it says, whatever follows in memory. */
    assert_int_equal(bw_parse_double((struct bw_str){"12.5xyz", 4}, &v), BW_OK);
    assert_true(v == 12.5);
    /* The sign of zero survives. */
    assert_int_equal(bw_parse_double(bw_str_c("-0.0"), &v), BW_OK);
    assert_true(v == 0.0 && signbit(v));
}

static void test_parse_i64(void **state)
{
    (void)state;
    int64_t v = 0;

    assert_int_equal(bw_parse_i64(bw_str_c("0"), &v), BW_OK);
    assert_true(v == 0);
    assert_int_equal(bw_parse_i64(bw_str_c("-42"), &v), BW_OK);
    assert_true(v == -42);
    assert_int_equal(bw_parse_i64(bw_str_c("+42"), &v), BW_OK);
    assert_true(v == 42);
    assert_int_equal(bw_parse_i64(bw_str_c("9223372036854775807"), &v), BW_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(bw_parse_i64(bw_str_c("-9223372036854775808"), &v), BW_OK);
    assert_true(v == INT64_MIN);

    v = 7;
    assert_int_equal(bw_parse_i64(bw_str_c("9223372036854775808"), &v), BW_ERANGE);
    assert_int_equal(bw_parse_i64(bw_str_c("-9223372036854775809"), &v), BW_ERANGE);
    assert_int_equal(bw_parse_i64(bw_str_c("1.0"), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c("1e3"), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c(""), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c(" 1"), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c("0x10"), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c("-"), &v), BW_EINVAL);
    assert_int_equal(bw_parse_i64(bw_str_c("12a"), &v), BW_EINVAL);
    assert_true(v == 7);
    assert_int_equal(bw_parse_i64((struct bw_str){"123456", 3}, &v), BW_OK);
    assert_true(v == 123);
}

static void test_fmt_double_known(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0.0, "0"},
        {-0.0, "0"},
        {1.0, "1"},
        {-1.5, "-1.5"},
        {0.1, "0.1"},
        {51.5072, "51.5072"},
        {-0.1276, "-0.1276"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e300, "1e+300"},
        {100000000.0, "100000000"},
        {1.0 / 3.0, "0.3333333333333333"},
        {179.99999999999997, "179.99999999999997"},
        {DBL_MAX, "1.7976931348623157e+308"},
    };
    char buf[BW_FMT_DOUBLE_MAX];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(bw_fmt_double(cases[i].v, buf), cases[i].s);
}

static void test_fmt_double_round_trip(void **state)
{
    (void)state;
    uint64_t rng = 42;
    char buf[BW_FMT_DOUBLE_MAX], shorter[BW_FMT_DOUBLE_MAX];

    for (int i = 0; i < 20000; i++) {
        double v;
        uint64_t bits = unit_rand(&rng);
        if (i % 2) {
            v = unit_uniform(&rng, -180, 180); /* coordinates, the common case */
        } else {
            memcpy(&v, &bits, sizeof v); /* any finite double */
            if (!isfinite(v))
                continue;
        }
        bw_fmt_double(v, buf);
        assert_true(strlen(buf) < BW_FMT_DOUBLE_MAX);
        if (strtod(buf, NULL) != v) {
            print_error("%.17g formatted as '%s' does not round-trip\n", v, buf);
            fail();
        }
        /* Shortest within the %.15g..%.17g ladder: one digit fewer must not round-trip. */
        for (int prec = 15; prec < 17; prec++) {
            snprintf(shorter, sizeof shorter, "%.*g", prec, v);
            if (strtod(shorter, NULL) == v) {
                if (strlen(buf) > strlen(shorter)) {
                    print_error("%.17g: '%s' is longer than '%s'\n", v, buf, shorter);
                    fail();
                }
                break;
            }
        }
        /* And what it writes parses back through our own strict parser. */
        {
            double w;
            assert_int_equal(bw_parse_double(bw_str_c(buf), &w), BW_OK);
            assert_true(w == v || (v == 0 && w == 0));
        }
    }
}

/* Binary search over sorted ids: every member found at its index, every gap and both
 * ends missed, the empty array. */
static void test_bsearch(void **state)
{
    static const char *const ids[] = {"a", "ab", "b", "osm-n1", "osm-n10", "osm-n2", "z"};
    const size_t n = sizeof ids / sizeof ids[0];
    (void)state;

    for (size_t i = 0; i < n; i++)
        assert_int_equal(bw_str_bsearch(ids, n, ids[i]), (int64_t)i);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(bw_str_bsearch(ids, i, ids[i]), -1); /* only the first i */
    assert_int_equal(bw_str_bsearch(ids, n, ""), -1);
    assert_int_equal(bw_str_bsearch(ids, n, "aa"), -1);
    assert_int_equal(bw_str_bsearch(ids, n, "osm-n"), -1);
    assert_int_equal(bw_str_bsearch(ids, n, "zz"), -1);
    assert_int_equal(bw_str_bsearch(ids, 0, "a"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bsearch),
        cmocka_unit_test(test_slice_helpers),    cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_parse_double),     cmocka_unit_test(test_parse_i64),
        cmocka_unit_test(test_fmt_double_known), cmocka_unit_test(test_fmt_double_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
