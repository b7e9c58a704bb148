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

static json_t *bundle(void)
{
    struct bw_diag d;
    char *text = NULL;
    json_t *j;
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &text), BW_OK);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    bw_free(text);
    return j;
}

static json_t *fw(json_t *b)
{
    return json_object_get(b, "framework");
}

static json_t *indicator(json_t *b, size_t area, size_t k)
{
    return json_array_get(json_object_get(json_array_get(json_object_get(fw(b), "areas"), area),
                                          "indicators"), k);
}

static void expect_bad(json_t *b, int code, const char *field, const char *part)
{
    struct bw_diag d;
    char *text = json_dumps(b, JSON_COMPACT);
    bw_pack *p = (bw_pack *)1;
    char msg[1024];
    int rc;

    bw_diag_clear(&d);
    rc = bw_pack_parse(text, strlen(text), &d, &p);
    if (rc != code || strcmp(d.field, field) != 0 || !strstr(d.msg, part)) {
        print_error("rc %d (want %d), diag '%s' (want field '%s', message with '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field, part);
        fail();
    }
    assert_null(p);
    free(text);
    json_decref(b);
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
                        json_string("warnings-acknowledged"));
    expect_bad(b, BW_EREF, "id", "unknown computed indicator 'warnings-acknowledged'");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
