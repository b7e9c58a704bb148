/*
 * test_isotime.c — ISO 8601 UTC times (isotime.h). Expected seconds are Python's
 * datetime.fromisoformat(...).replace(tzinfo=timezone.utc).timestamp() (an
 * independent implementation), written out here.
 */
#include "unit.h"

#include "isotime.h"

static void test_parse_known(void **state)
{
    static const struct {
        const char *s;
        double secs;
    } cases[] = {
        {"1970-01-01", 0},
        {"2026-12-01T10:00:00Z", 1796119200.0},
        {"2026-12-01T10:00Z", 1796119200.0},
        {"2026-12-01T10:00:00.250Z", 1796119200.25},
        {"2024-02-29T23:59:59", 1709251199.0},
        {"2000-03-01", 951868800.0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        assert_int_equal(bw_isotime_parse(cases[i].s, &v), 0);
        assert_close(v, cases[i].secs, 1e-6);
    }
}

static void test_parse_refuses(void **state)
{
    static const char *const bad[] = {
        "", "2026-13-01", "2026-02-29", "2023-02-29T00:00", "2026-12-01T24:00",
        "2026-12-01T10:60", "2026-12-01T10:00:60", "2026-12-01 10:00", "+026-12-01",
        "2026-12-1", "2026-12-01T10:00:00+01:00", "2026-12-01T10:00:00.", "1969-12-31",
        "2026-12-01Zjunk",
    };
    double v;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (bw_isotime_parse(bad[i], &v) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    assert_int_equal(bw_isotime_parse(NULL, &v), -1);
}

static void test_format_round_trip(void **state)
{
    char out[BW_ISOTIME_SIZE];
    double v;
    (void)state;
    bw_isotime_format(1796119200.25, out);
    assert_string_equal(out, "2026-12-01T10:00:00.250Z");
    bw_isotime_format(1709251199.9996, out); /* rounds into the next second */
    assert_string_equal(out, "2024-03-01T00:00:00.000Z");
    assert_int_equal(bw_isotime_parse(out, &v), 0);
    assert_close(v, 1709251200.0, 1e-9);
    assert_true(bw_isotime_now() > 1796000000.0 - 86400.0 * 365 * 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_known),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_format_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
