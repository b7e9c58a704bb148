/*
 * test_framework.c — the "framework" pack part (the framework-assessment questionnaire)
 * and its scoring.
 *
 * The default pack is checked against methodology.md §3.5 (13 areas, A8.1..A8.11 one
 * indicator per protection stream of 2341, the 0..4 scale) and against framework.json
 * read independently with jansson. Scoring is checked on hand-worked answer sets: odd
 * and even counts (the lower median), a single answer, missing answers (excluded and
 * counted; an area with none has no score) and gaps (below the indicator's target).
 * Validation errors are provoked by changing one thing in the bundled pack.
 */
#include "unit.h"
#include "pack_bundle.h"

#include "framework.h"

#include <jansson.h>

static void test_default_questionnaire(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    const struct bw_fw_level *l;
    const struct bw_fw_area *a;
    const struct bw_fw_indicator *ind, *x;
    const struct bw_fw_computed_def *c;
    size_t n, na, ni, nc;
    char id[48];
    static const size_t per_area[] = {3, 4, 4, 5, 6, 3, 4, 12, 5, 2, 5, 3, 1};

    l = bw_pack_fw_levels(p, &n);
    assert_int_equal(n, 5);
    for (int i = 0; i <= 4; i++)
        assert_int_equal(l[i].level, i);
    assert_string_equal(l[0].name, "Absent");
    assert_string_equal(l[0].evidence, "nothing exists");
    assert_string_equal(l[4].name, "Adaptive");

    a = bw_pack_fw_areas(p, &na);
    ind = bw_pack_fw_indicators(p, &ni);
    assert_int_equal(na, 13);
    assert_int_equal(ni, 57);
    for (size_t i = 0, first = 0; i < na; i++) {
        snprintf(id, sizeof id, "A%zu", i + 1);
        assert_string_equal(a[i].id, id);
        assert_int_equal(a[i].n, per_area[i]);
        assert_int_equal(a[i].first, first);
        for (size_t k = 0; k < a[i].n; k++) {
            snprintf(id, sizeof id, "A%zu.%zu", i + 1, k + 1);
            assert_string_equal(ind[first + k].id, id);
            assert_string_equal(ind[first + k].area, a[i].id);
            assert_int_equal(ind[first + k].area_index, i);
            assert_true(ind[first + k].anchor && *ind[first + k].anchor);
        }
        first += a[i].n;
    }
    /* The 2341 protection streams, one indicator each. */
    x = bw_pack_fw_indicator(p, "A8.6");
    assert_non_null(x);
    assert_non_null(strstr(x->text, "screening, search and detection"));
    assert_non_null(strstr(bw_pack_fw_indicator(p, "A8.11")->text, "supply-chain"));
    assert_non_null(strstr(bw_pack_fw_indicator(p, "A2.1")->anchor, "2341 (2017) op. 3"));
    /* Targets: the default 3, A13.1 its own 4. */
    assert_int_equal(bw_pack_fw_indicator(p, "A1.1")->target, 3);
    assert_int_equal(bw_pack_fw_indicator(p, "A13.1")->target, 4);
    assert_null(bw_pack_fw_indicator(p, "A8"));
    assert_int_equal(bw_pack_fw_indicator_index(p, "A14.1"), (size_t)-1);

    c = bw_pack_fw_computed(p, &nc);
    assert_int_equal(nc, bw_fw_ncomputed_ids);
    assert_string_equal(c[0].id, "designated-assessed");
    assert_string_equal(c[0].indicator, "A5.5");
    for (size_t i = 0; i < nc; i++)
        assert_non_null(bw_pack_fw_indicator(p, c[i].indicator));
    bw_pack_free(p);
}

static void test_median(void **state)
{
    (void)state;
    static const int odd[] = {4, 1, 2}, even[] = {0, 3, 1, 4}, two[] = {2, 4},
                     same[] = {3, 3, 3, 3}, one[] = {1};
    assert_int_equal(bw_fw_median(odd, 3), 2);  /* 1 2 4 */
    assert_int_equal(bw_fw_median(even, 4), 1); /* 0 1 | 3 4: the lower of 1 and 3 */
    assert_int_equal(bw_fw_median(two, 2), 2);
    assert_int_equal(bw_fw_median(same, 4), 3);
    assert_int_equal(bw_fw_median(one, 1), 1);
    assert_int_equal(bw_fw_median(NULL, 0), -1);
}

static void test_score(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    size_t ni, na;
    struct bw_fw_area_score s[13];
    int lv[57];

    bw_pack_fw_indicators(p, &ni);
    bw_pack_fw_areas(p, &na);
    for (size_t i = 0; i < ni; i++)
        lv[i] = -1;
    /* A1 (3): 4, 1, 2 -> 2, two below target 3. */
    lv[0] = 4, lv[1] = 1, lv[2] = 2;
    /* A2 (4): 0, 3, 1, 4 -> lower median 1. */
    lv[3] = 0, lv[4] = 3, lv[5] = 1, lv[6] = 4;
    /* A3 (4): only A3.2 = 3 -> 3, three missing. */
    lv[8] = 3;
    /* A8 (12): 2 2 2 3 3 3 answered, six missing -> lower median of six = 2. */
    for (size_t i = 0; i < 6; i++)
        lv[bw_pack_fw_indicator_index(p, "A8.1") + i] = i < 3 ? 2 : 3;
    /* A13.1 = 3, below its target 4. */
    lv[56] = 3;
    assert_int_equal(bw_fw_score(p, lv, s), BW_OK);
    assert_int_equal(s[0].score, 2);
    assert_int_equal(s[0].answered, 3);
    assert_int_equal(s[0].below, 2);
    assert_int_equal(s[1].score, 1);
    assert_int_equal(s[1].below, 2);
    assert_int_equal(s[2].score, 3);
    assert_int_equal(s[2].answered, 1);
    assert_int_equal(s[2].missing, 3);
    assert_int_equal(s[3].score, -1); /* A4: nothing answered */
    assert_int_equal(s[3].missing, 5);
    assert_int_equal(s[7].score, 2);
    assert_int_equal(s[7].answered, 6);
    assert_int_equal(s[7].below, 3);
    assert_int_equal(s[12].score, 3);
    assert_int_equal(s[12].below, 1);
    lv[0] = 5;
    assert_int_equal(bw_fw_score(p, lv, s), BW_EINVAL);
    bw_pack_free(p);
}

static void test_answer_check(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_fw_answer a = {"A8.3", 2, "text", "a.pdf;b.pdf", "me", "2026-11-30"};
    struct bw_diag d;

    bw_diag_clear(&d);
    assert_int_equal(bw_fw_answer_check(p, &a, &d), BW_OK);
    a.indicator = "A8.13";
    assert_int_equal(bw_fw_answer_check(p, &a, &d), BW_EREF);
    assert_string_equal(d.field, "indicator");
    a.indicator = "A8.3";
    for (int bad = -1; bad <= 7; bad += 6) {
        a.level = bad;
        bw_diag_clear(&d);
        assert_int_equal(bw_fw_answer_check(p, &a, &d), BW_ERANGE);
        assert_string_equal(d.field, "level");
    }
    a.level = 4;
    a.date = "2026-13-01";
    bw_diag_clear(&d);
    assert_int_equal(bw_fw_answer_check(p, &a, &d), BW_EINVAL);
    assert_string_equal(d.field, "date");
    bw_pack_free(p);
}

/* ---- broken packs --------------------------------------------------------------------- */

static json_t *fw(json_t *b)
{
    return json_object_get(b, "framework");
}

static json_t *indicator(json_t *b, size_t area, size_t k)
{
    return json_array_get(json_object_get(json_array_get(json_object_get(fw(b), "areas"), area),
                                          "indicators"), k);
}

static void test_bad_framework(void **state)
{
    (void)state;
    json_t *b;

    b = bundle();
    json_array_remove(json_object_get(fw(b), "scale"), 4);
    expect_bad(b, BW_EINVAL, "scale", "must list the levels 0..4");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(fw(b), "scale"), 2), "level",
                        json_integer(3));
    expect_bad(b, BW_EINVAL, "level", "scale entry 2");

    b = bundle();
    json_object_set_new(indicator(b, 1, 2), "id", json_string("A1.1"));
    expect_bad(b, BW_EINVAL, "id", "indicator 'A1.1' appears twice");

    b = bundle();
    json_object_del(indicator(b, 7, 10), "anchor");
    expect_bad(b, BW_EINVAL, "anchor", "indicator 10 of area A8 has no \"anchor\"");

    b = bundle();
    json_object_set_new(indicator(b, 0, 0), "target", json_integer(5));
    expect_bad(b, BW_EINVAL, "target", "indicator 'A1.1': target must be a level 0..4");

    b = bundle();
    json_object_set_new(fw(b), "default_target", json_integer(-1));
    expect_bad(b, BW_EINVAL, "default_target", "default_target");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(fw(b), "computed"), 0), "indicator",
                        json_string("A5.9"));
    expect_bad(b, BW_EREF, "indicator", "informs unknown indicator 'A5.9'");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(fw(b), "computed"), 0), "id",
                        json_string("warnings-read"));
    expect_bad(b, BW_EREF, "id", "unknown computed indicator 'warnings-read'");

    b = bundle();
    json_object_del(indicator(b, 1, 0), "recommendation");
    expect_bad(b, BW_EINVAL, "recommendation", "indicator 0 of area A2 has no "
               "\"recommendation\"");

    b = bundle();
    json_object_set_new(indicator(b, 1, 0), "ta_area", json_string(""));
    expect_bad(b, BW_EINVAL, "ta_area", "indicator 'A2.1': ta_area must be a non-empty string");

    b = bundle();
    json_object_set_new(indicator(b, 1, 0), "critical", json_string("yes"));
    expect_bad(b, BW_EINVAL, "critical", "indicator 'A2.1': critical must be true or false");
}

/* The pack's findings data: a recommendation everywhere, TA areas and critical marks. */
static void test_findings_data(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    const struct bw_fw_indicator *ind, *x;
    size_t ni, ncrit = 0;

    ind = bw_pack_fw_indicators(p, &ni);
    for (size_t i = 0; i < ni; i++) {
        assert_true(ind[i].recommendation && *ind[i].recommendation);
        ncrit += (size_t)ind[i].critical;
    }
    /* A2.1, A3.1, A4.1, A5.2, A9.1, A13.1 (framework.json "findings_note"). */
    assert_int_equal(ncrit, 6);
    x = bw_pack_fw_indicator(p, "A2.1");
    assert_true(x->critical);
    assert_string_equal(x->ta_area, "legislative drafting");
    assert_non_null(strstr(x->recommendation, "UNSCR 2341 op. 3"));
    assert_null(bw_pack_fw_indicator(p, "A3.2")->ta_area);
    assert_false(bw_pack_fw_indicator(p, "A3.2")->critical);
    assert_string_equal(bw_pack_fw_indicator(p, "A9.1")->ta_area, "crisis management training");
    bw_pack_free(p);
}

/*
 * Hand-worked findings. Answers (target 3 unless said):
 *   A1.1=4 good (low); A1.2=1 gap high (level <= 1), TA "strategy development", rec;
 *   A1.3=2 gap medium (one below, not critical), TA, rec; A2.1=0 critical: vulnerability,
 *   gap high, TA "legislative drafting", rec; A2.2=3 good; A2.3=1 gap high, TA, rec;
 *   A2.4=4 good; A3.1=3 critical but at target: good; A3.2=2 gap medium, no TA area: rec
 *   only; A13.1=3 target 4, critical: gap high (critical), TA, rec.
 * Computed: threats-unmeasured 2/24 -> vulnerability on A8.9; sites-no-contact 0/5 -> none;
 * soft-plan-evacuation 2/4 -> vulnerability on A9.2; designated-assessed unavailable -> none.
 * Totals: vulnerability 3, gap 6, TA 5, rec 6, good 4 = 24.
 */
static void test_findings(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    size_t ni, nc, n = 0, max;
    const struct bw_fw_computed_def *defs = bw_pack_fw_computed(p, &nc);
    int level[1024];
    static const struct {
        const char *id;
        int level;
    } ans[] = {{"A1.1", 4}, {"A1.2", 1}, {"A1.3", 2}, {"A2.1", 0}, {"A2.2", 3},
               {"A2.3", 1}, {"A2.4", 4}, {"A3.1", 3}, {"A3.2", 2}, {"A13.1", 3}};
    struct bw_fw_computed c[8];
    struct bw_fw_finding f[300];
    /* Expected order: priority, then kind, then indicator in pack order. */
    static const struct {
        const char *kind, *ind, *prio;
    } want[] = {
        {"vulnerability", "A2.1", "high"},   {"vulnerability", "A8.9", "high"},
        {"vulnerability", "A9.2", "high"},   {"gap", "A1.2", "high"},
        {"gap", "A2.1", "high"},             {"gap", "A2.3", "high"},
        {"gap", "A13.1", "high"},            {"ta-need", "A1.2", "high"},
        {"ta-need", "A2.1", "high"},         {"ta-need", "A2.3", "high"},
        {"ta-need", "A13.1", "high"},        {"recommendation", "A1.2", "high"},
        {"recommendation", "A2.1", "high"},  {"recommendation", "A2.3", "high"},
        {"recommendation", "A13.1", "high"}, {"gap", "A1.3", "medium"},
        {"gap", "A3.2", "medium"},           {"ta-need", "A1.3", "medium"},
        {"recommendation", "A1.3", "medium"}, {"recommendation", "A3.2", "medium"},
        {"good-practice", "A1.1", "low"},    {"good-practice", "A2.2", "low"},
        {"good-practice", "A2.4", "low"},    {"good-practice", "A3.1", "low"},
    };

    bw_pack_fw_indicators(p, &ni);
    assert_true(ni <= 1024 && nc == 8);
    for (size_t i = 0; i < ni; i++)
        level[i] = -1;
    for (size_t i = 0; i < sizeof ans / sizeof ans[0]; i++)
        level[bw_pack_fw_indicator_index(p, ans[i].id)] = ans[i].level;
    memset(c, 0, sizeof c);
    for (size_t k = 0; k < nc; k++) {
        c[k].def = &defs[k];
        c[k].available = 1;
        c[k].num = c[k].den = 4; /* a full share: no exposure */
    }
    c[0].available = 0; /* designated-assessed */
    c[0].num = 0;
    c[1].num = 2, c[1].den = 24, c[1].note = "uas-small, firearms-lone"; /* threats-unmeasured */
    c[2].num = 0, c[2].den = 5;                                          /* sites-no-contact */
    c[3].num = 2;                                                        /* soft-plan-evacuation */
    max = bw_fw_findings_max(p, nc);
    assert_int_equal(max, 4 * 57 + 8);
    assert_true(max <= sizeof f / sizeof f[0]);
    assert_int_equal(bw_fw_findings(p, level, c, nc, f, max, &n), BW_OK);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(bw_fw_finding_kind_name(f[i].kind), want[i].kind);
        assert_string_equal(f[i].ind->id, want[i].ind);
        assert_string_equal(bw_fw_priority_name(f[i].priority), want[i].prio);
    }
    /* What each finding carries. */
    assert_int_equal(f[0].level, 0);
    assert_null(f[0].computed);
    assert_ptr_equal(f[1].computed, &c[1]);
    assert_int_equal(f[1].level, -1);
    assert_string_equal(f[1].text, defs[1].name);
    assert_ptr_equal(f[2].computed, &c[3]);
    assert_string_equal(f[8].text, "legislative drafting");
    assert_non_null(strstr(f[12].text, "Criminalise attacks"));
    assert_int_equal(f[6].level, 3);
    assert_int_equal(f[6].ind->target, 4);
    /* Deterministic: the same input gives the same list. */
    {
        struct bw_fw_finding g[300];
        size_t m = 0;
        assert_int_equal(bw_fw_findings(p, level, c, nc, g, max, &m), BW_OK);
        assert_int_equal(m, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(f[i].kind, g[i].kind);
            assert_ptr_equal(f[i].ind, g[i].ind);
            assert_ptr_equal(f[i].computed, g[i].computed);
            assert_ptr_equal(f[i].text, g[i].text);
        }
    }
    /* Too little room, a bad level, nothing answered. */
    assert_int_equal(bw_fw_findings(p, level, c, nc, f, n - 1, &n), BW_ETOOBIG);
    level[5] = 5;
    assert_int_equal(bw_fw_findings(p, level, c, nc, f, max, &n), BW_EINVAL);
    for (size_t i = 0; i < ni; i++)
        level[i] = -1;
    assert_int_equal(bw_fw_findings(p, level, NULL, 0, f, max, &n), BW_OK);
    assert_int_equal(n, 0);
    bw_pack_free(p);
}

static void test_no_framework_part(void **state)
{
    (void)state;
    json_t *b = bundle();
    char *text;
    bw_pack *p = NULL;
    struct bw_diag d;
    size_t n = 1;

    json_object_del(b, "framework");
    json_object_del(b, "partners"); /* its TA areas are the framework's: it goes too */
    text = json_dumps(b, JSON_COMPACT);
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_parse(text, strlen(text), &d, &p), BW_OK);
    assert_null(bw_pack_fw_indicators(p, &n));
    assert_int_equal(n, 0);
    assert_null(bw_pack_fw_indicator(p, "A1.1"));
    bw_pack_free(p);
    free(text);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_questionnaire),
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_answer_check),
        cmocka_unit_test(test_bad_framework),
        cmocka_unit_test(test_no_framework_part),
        cmocka_unit_test(test_findings_data),
        cmocka_unit_test(test_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
