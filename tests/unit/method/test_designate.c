/*
 * test_designate.c — the designation rule on hand-worked cases with the default pack:
 * capacity tiers (Terrorism (Protection of Premises) Act 2025: standard 200–799,
 * enhanced 800+, places of worship and education capped at standard) and CER Art. 7(1)
 * criteria (users >= 50 000, dependants >= 3, reach >= 10 km) for CI sites and
 * categories linked to a sector. Every decision's reasons are checked word for word.
 */
#include "unit.h"

#include "buf.h"
#include "designate.h"

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

/* A site of @p category with @p capacity and @p population (-1 = unknown). */
static struct bw_site site(const char *category, int64_t capacity, int64_t population)
{
    return (struct bw_site){.id = "x",
                            .name = "X",
                            .category = category,
                            .lat = 0,
                            .lon = 0,
                            .capacity = capacity,
                            .population = population};
}

/* Decides and checks tier (NULL = none), critical, designated and the reasons JSON. */
static void expect(const struct bw_site *s, const struct bw_site_links *l, const char *tier,
                   int critical, const char *reasons)
{
    struct bw_designation out;
    struct bw_buf b;

    bw_buf_init(&b, 4096);
    memset(&out, 0x5A, sizeof out);
    assert_int_equal(bw_designate_site(pack, s, l, &out, &b), BW_OK);
    if (tier) {
        assert_non_null(out.tier);
        assert_string_equal(out.tier->id, tier);
    } else {
        assert_null(out.tier);
    }
    assert_int_equal(out.critical, critical);
    assert_int_equal(out.designated, tier != NULL || critical);
    assert_string_equal(bw_buf_cstr(&b), reasons);
    bw_buf_release(&b);
}

static void test_capacity_tiers(void **state)
{
    (void)state;
    struct bw_site s;

    /* A 1200-person stadium (sport event): enhanced. No sector, so no CI criteria. */
    s = site("sport-event", 1200, -1);
    expect(&s, NULL, "enhanced", 0, "[\"capacity 1200 >= 800: enhanced tier\"]");
    s = site("mass-gathering", 1200, 2000000);
    expect(&s, NULL, "enhanced", 0, "[\"capacity 1200 >= 800: enhanced tier\"]");
    /* 150 people: below every tier. */
    s = site("sport-event", 150, -1);
    expect(&s, NULL, NULL, 0, "[]");
    /* The boundaries, inclusive at the bottom of each tier. */
    s = site("urban-centre", 800, -1);
    expect(&s, NULL, "enhanced", 0, "[\"capacity 800 >= 800: enhanced tier\"]");
    s = site("urban-centre", 799, -1);
    expect(&s, NULL, "standard", 0, "[\"capacity 799 >= 200: standard tier\"]");
    s = site("urban-centre", 200, -1);
    expect(&s, NULL, "standard", 0, "[\"capacity 200 >= 200: standard tier\"]");
    s = site("urban-centre", 199, -1);
    expect(&s, NULL, NULL, 0, "[]");
    s = site("urban-centre", 0, -1);
    expect(&s, NULL, NULL, 0, "[]");
    /* Unknown capacity never qualifies. */
    s = site("urban-centre", -1, -1);
    expect(&s, NULL, NULL, 0, "[]");
}

static void test_tier_caps(void **state)
{
    (void)state;
    struct bw_site s;

    /* A 1200-person place of worship reaches enhanced but is capped at standard. */
    s = site("religious-site", 1200, -1);
    expect(&s, NULL, "standard", 0,
           "[\"capacity 1200 >= 800: enhanced tier\","
           "\"religious-site is capped at the standard tier\"]");
    s = site("educational-institution", 5000, -1);
    expect(&s, NULL, "standard", 0,
           "[\"capacity 5000 >= 800: enhanced tier\","
           "\"educational-institution is capped at the standard tier\"]");
    /* Already standard: the cap changes nothing and says nothing. */
    s = site("religious-site", 300, -1);
    expect(&s, NULL, "standard", 0, "[\"capacity 300 >= 200: standard tier\"]");
    s = site("religious-site", 150, -1);
    expect(&s, NULL, NULL, 0, "[]");
}

static void test_ci_criteria(void **state)
{
    (void)state;
    struct bw_site s = site("energy.electricity", -1, -1);
    struct bw_site_links l = {.dependants = 3, .reach_km = 5};

    /* A substation three sites depend on: critical by the dependants criterion. */
    expect(&s, &l, NULL, 1, "[\"dependants 3 >= 3: criterion 'dependants'\"]");
    l.dependants = 2;
    expect(&s, &l, NULL, 0, "[]");
    /* Unknown population and no dependency data: not critical. */
    expect(&s, NULL, NULL, 0, "[]");
    l = (struct bw_site_links){0, 0};
    expect(&s, &l, NULL, 0, "[]");
    /* Users served: 50 000 is the threshold. */
    s.population = 50000;
    expect(&s, NULL, NULL, 1, "[\"population served 50000 >= 50000: criterion 'users'\"]");
    s.population = 49999;
    expect(&s, NULL, NULL, 0, "[]");
    /* Reach counts only when someone depends on the site. */
    s.population = -1;
    l = (struct bw_site_links){.dependants = 1, .reach_km = 12.5};
    expect(&s, &l, NULL, 1, "[\"reach km 12.5 >= 10: criterion 'reach'\"]");
    l = (struct bw_site_links){.dependants = 0, .reach_km = 100};
    expect(&s, &l, NULL, 0, "[]");
    /* Every criterion met: every reason, in pack order. */
    s.population = 100000;
    l = (struct bw_site_links){.dependants = 5, .reach_km = 20};
    expect(&s, &l, NULL, 1,
           "[\"population served 100000 >= 50000: criterion 'users'\","
           "\"dependants 5 >= 3: criterion 'dependants'\","
           "\"reach km 20 >= 10: criterion 'reach'\"]");
    /* A sector itself (not only a subsector) is evaluated too. */
    s = site("drinking-water", -1, 60000);
    expect(&s, NULL, NULL, 1, "[\"population served 60000 >= 50000: criterion 'users'\"]");
}

static void test_linked_categories(void **state)
{
    (void)state;
    struct bw_site s;

    /* A hospital is a soft target linked to the health sector: tier and criteria both. */
    s = site("hospital", 900, 60000);
    expect(&s, NULL, "enhanced", 1,
           "[\"capacity 900 >= 800: enhanced tier\","
           "\"population served 60000 >= 50000: criterion 'users'\"]");
    /* A place of worship has no sector: population is not a CI criterion for it. */
    s = site("religious-site", 100, 900000);
    expect(&s, NULL, NULL, 0, "[]");
    {
        struct bw_site_links l = {.dependants = 10, .reach_km = 50};
        expect(&s, &l, NULL, 0, "[]");
    }
}

static void test_errors(void **state)
{
    (void)state;
    struct bw_site s = site("stadium", 1200, -1);
    struct bw_designation out;
    struct bw_buf b;

    bw_buf_init(&b, 4096);
    assert_int_equal(bw_designate_site(pack, &s, NULL, &out, &b), BW_EREF);
    assert_null(out.tier);
    assert_int_equal(out.designated, 0);
    bw_buf_release(&b);
    /* A reasons buffer too small for the reasons: the buffer's error, not a silent cut. */
    s = site("religious-site", 1200, -1);
    bw_buf_init(&b, 20);
    assert_int_equal(bw_designate_site(pack, &s, NULL, &out, &b), BW_ETOOBIG);
    bw_buf_release(&b);
    /* Reasons are appended, so one buffer can collect several sites. */
    bw_buf_init(&b, 4096);
    assert_int_equal(bw_buf_puts(&b, "prefix:"), BW_OK);
    s = site("sport-event", 150, -1);
    assert_int_equal(bw_designate_site(pack, &s, NULL, &out, &b), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), "prefix:[]");
    bw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_tiers), cmocka_unit_test(test_tier_caps),
        cmocka_unit_test(test_ci_criteria),    cmocka_unit_test(test_linked_categories),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
