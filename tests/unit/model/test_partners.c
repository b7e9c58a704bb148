/*
 * test_partners.c — the "partners" pack part (technical-assistance partners and their
 * programmes) and the matching of TA needs to programmes.
 *
 * The default part is checked against partners.json read independently with jansson
 * (counts, every programme's areas in framework.json's ta_area vocabulary, every TA area
 * of framework.json offered by at least one programme, "illustrative" in the source of
 * every entry whose name says so). Parse errors are provoked by changing one thing in
 * the bundled pack; each must name the file, the entry and the field. Matching is
 * checked on a hand-built set of findings against the ranking rule worked out by hand
 * in the comments.
 */
#include "unit.h"
#include "pack_bundle.h"

#include "framework.h"
#include "partners.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *part(json_t *b)
{
    return json_object_get(b, "partners");
}

static json_t *programme(json_t *b, size_t partner, size_t prog)
{
    json_t *t = json_array_get(json_object_get(part(b), "partners"), partner);
    return json_array_get(json_object_get(t, "programmes"), prog);
}

static void test_default_partners(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    json_t *b = bundle(), *ts = json_object_get(part(b), "partners"), *t, *g;
    size_t np, ng, ni, i, k, total = 0, pos = 0;
    const struct bw_ta_partner *pt = bw_pack_ta_partners(p, &np);
    const struct bw_ta_programme *pg = bw_pack_ta_programmes(p, &ng);
    const struct bw_fw_indicator *ind = bw_pack_fw_indicators(p, &ni);

    assert_int_equal(np, json_array_size(ts));
    json_array_foreach(ts, i, t) {
        assert_string_equal(pt[i].id, json_string_value(json_object_get(t, "id")));
        assert_int_equal(pt[i].first, total);
        assert_int_equal(pt[i].n, json_array_size(json_object_get(t, "programmes")));
        json_array_foreach(json_object_get(t, "programmes"), k, g) {
            const struct bw_ta_programme *x = &pg[pos++];
            assert_string_equal(x->id, json_string_value(json_object_get(g, "id")));
            assert_string_equal(x->partner, pt[i].id);
            assert_int_equal(x->nareas, json_array_size(json_object_get(g, "ta_areas")));
            assert_string_equal(x->areas[0], json_string_value(json_array_get(
                                                 json_object_get(g, "ta_areas"), 0)));
            /* An entry named "illustrative" says so in its source too. */
            if (strstr(x->name, "illustrative"))
                assert_non_null(strstr(x->source, "illustrative"));
            assert_ptr_equal(bw_pack_ta_programme(p, x->id), x);
        }
        total += pt[i].n;
    }
    assert_int_equal(ng, total);
    assert_null(bw_pack_ta_programme(p, "no-such-programme"));
    /* Every programme area is a framework ta_area, and every framework ta_area is offered. */
    for (k = 0; k < ng; k++)
        for (size_t a = 0; a < pg[k].nareas; a++) {
            size_t j;
            for (j = 0; j < ni && !(ind[j].ta_area && strcmp(ind[j].ta_area, pg[k].areas[a]) == 0);
                 j++)
                ;
            assert_true(j < ni);
        }
    for (size_t j = 0; j < ni; j++) {
        int offered = 0;
        if (!ind[j].ta_area)
            continue;
        for (k = 0; k < ng && !offered; k++)
            for (size_t a = 0; a < pg[k].nareas; a++)
                offered |= strcmp(pg[k].areas[a], ind[j].ta_area) == 0;
        if (!offered)
            print_error("TA area '%s' (%s) is offered by no programme\n", ind[j].ta_area,
                        ind[j].id);
        assert_true(offered);
    }
    json_decref(b);
    bw_pack_free(p);
}

static void test_bad_partners(void **state)
{
    (void)state;
    json_t *b;

    b = bundle();
    json_array_set_new(json_object_get(programme(b, 0, 0), "ta_areas"), 1,
                       json_string("astrology"));
    expect_bad(b, BW_EREF, "ta_areas", "partners.json: programme 'unoct-vulnerable-targets' of "
                                       "partner 'unoct': unknown TA area 'astrology'");

    /* The vocabulary is exact: case matters. */
    b = bundle();
    json_array_set_new(json_object_get(programme(b, 0, 0), "ta_areas"), 0,
                       json_string("Protective security"));
    expect_bad(b, BW_EREF, "ta_areas", "unknown TA area 'Protective security'");

    b = bundle();
    json_object_del(programme(b, 1, 0), "source");
    expect_bad(b, BW_EINVAL, "source", "partners.json: programme 'unodc-legal-regime' of partner "
                                       "'unodc' has no \"source\"");

    b = bundle();
    json_object_set_new(programme(b, 0, 1), "modalities", json_pack("[s]", "telepathy"));
    expect_bad(b, BW_EINVAL, "modalities", "unknown modality 'telepathy'");

    b = bundle();
    json_object_set_new(programme(b, 0, 1), "regions", json_array());
    expect_bad(b, BW_EINVAL, "regions", "\"regions\" must be a list of 1..64 strings");

    b = bundle();
    json_object_set_new(programme(b, 0, 1), "id", json_string("unoct-vulnerable-targets"));
    expect_bad(b, BW_EINVAL, "id", "programme 'unoct-vulnerable-targets' appears twice");

    b = bundle();
    json_object_set_new(programme(b, 0, 1), "id", json_string("has space"));
    expect_bad(b, BW_EINVAL, "id", "programme 1 of partner 'unoct': bad id 'has space'");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(part(b), "partners"), 2), "kind",
                        json_string("club"));
    expect_bad(b, BW_EINVAL, "kind", "partner 'interpol': unknown kind 'club'");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(part(b), "partners"), 2), "programmes",
                        json_array());
    expect_bad(b, BW_EINVAL, "programmes", "partner 2 needs a non-empty \"programmes\" list");

    b = bundle();
    json_object_set_new(programme(b, 0, 0), "ta_areas", json_pack("[s,s]", "risk assessment",
                                                                  "risk assessment"));
    expect_bad(b, BW_EINVAL, "ta_areas", "lists 'risk assessment' twice");

    b = bundle();
    json_object_set_new(part(b), "partners", json_string("none"));
    expect_bad(b, BW_EINVAL, "partners", "\"partners\" must be a list");

    /* Without a framework part no TA area is known, so partners citing one are refused. */
    b = bundle();
    json_object_del(b, "framework");
    expect_bad(b, BW_EREF, "ta_areas", "unknown TA area 'protective security'");
}

static void test_no_partners_part(void **state)
{
    (void)state;
    json_t *b = bundle();
    char *text;
    bw_pack *p = NULL;
    struct bw_diag d;
    size_t n = 1;

    json_object_del(b, "partners");
    text = json_dumps(b, JSON_COMPACT);
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_parse(text, strlen(text), &d, &p), BW_OK);
    assert_null(bw_pack_ta_partners(p, &n));
    assert_int_equal(n, 0);
    assert_null(bw_pack_ta_programmes(p, &n));
    bw_pack_free(p);
    free(text);
    json_decref(b);
}

/* The matching rule on hand-built needs, with a pack whose partners part is replaced by
 * four programmes:
 *   g-a  areas [risk assessment, protective security]  regions [global]
 *   g-b  areas [protective security]                    regions [osce]
 *   g-c  areas [investigations, risk assessment, protective security] regions [global]
 *   g-d  areas [cybersecurity]                          regions [global]
 * Needs (in findings order): protective security (A8.1), risk assessment (A5.1),
 * cybersecurity (A8.10). Areas in need: {protective security, risk assessment,
 * cybersecurity} = 3. Coverage: g-a 2, g-b 1, g-c 2, g-d 1.
 *   protective security: primary for g-b only -> g-b first; then g-a and g-c (both
 *     secondary, coverage 2 each) in pack order: g-a, g-c. Ranks 1 g-b, 2 g-a, 3 g-c.
 *   risk assessment: primary for g-a -> 1 g-a; then g-c (secondary, coverage 2).
 *   cybersecurity: g-d only.
 * With region "africa": g-b (osce only) drops out of protective security: g-a, g-c.
 */
static void test_match(void **state)
{
    (void)state;
    json_t *b = bundle();
    char *text;
    bw_pack *p = NULL;
    struct bw_diag d;
    struct bw_ta_match *m = NULL;
    size_t n = 0;
    struct bw_fw_finding f[4];
    const char *want[] = {"g-b", "g-a", "g-c", "g-a", "g-c", "g-d"};
    const size_t rank[] = {1, 2, 3, 1, 2, 1};
    const int primary[] = {1, 0, 0, 1, 0, 1};
    const size_t covers[] = {1, 2, 2, 2, 2, 1};

    json_object_set_new(b, "partners", json_pack(
        "{s:[{s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:[s,s],s:[s],s:[s],s:s,s:s},"
        "{s:s,s:s,s:[s],s:[s],s:[s],s:s,s:s},{s:s,s:s,s:[s,s,s],s:[s],s:[s],s:s,s:s},"
        "{s:s,s:s,s:[s],s:[s],s:[s],s:s,s:s}]}]}",
        "partners", "id", "t", "name", "T", "kind", "un", "source", "test", "programmes",
        "id", "g-a", "name", "A", "ta_areas", "risk assessment", "protective security",
        "modalities", "training", "regions", "global", "eligibility", "any", "source", "test",
        "id", "g-b", "name", "B", "ta_areas", "protective security", "modalities", "mentoring",
        "regions", "osce", "eligibility", "any", "source", "test",
        "id", "g-c", "name", "C", "ta_areas", "investigations", "risk assessment",
        "protective security", "modalities", "training", "regions", "global", "eligibility",
        "any", "source", "test",
        "id", "g-d", "name", "D", "ta_areas", "cybersecurity", "modalities", "training",
        "regions", "global", "eligibility", "any", "source", "test"));
    text = json_dumps(b, JSON_COMPACT);
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_parse(text, strlen(text), &d, &p), BW_OK);
    memset(f, 0, sizeof f);
    f[0] = (struct bw_fw_finding){BW_FW_TA_NEED, BW_FW_HIGH, bw_pack_fw_indicator(p, "A8.1"), 1,
                                  "protective security", NULL};
    f[1] = (struct bw_fw_finding){BW_FW_GAP, BW_FW_HIGH, bw_pack_fw_indicator(p, "A5.1"), 1,
                                  "gap text, not an area", NULL};
    f[2] = (struct bw_fw_finding){BW_FW_TA_NEED, BW_FW_MEDIUM, bw_pack_fw_indicator(p, "A5.1"),
                                  2, "risk assessment", NULL};
    f[3] = (struct bw_fw_finding){BW_FW_TA_NEED, BW_FW_MEDIUM, bw_pack_fw_indicator(p, "A8.10"),
                                  2, "cybersecurity", NULL};
    assert_int_equal(bw_ta_match(p, f, 4, NULL, &m, &n), BW_OK);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(m[i].prog->id, want[i]);
        assert_int_equal(m[i].rank, rank[i]);
        assert_int_equal(m[i].primary, primary[i]);
        assert_int_equal(m[i].covers, covers[i]);
        assert_int_equal(m[i].in_need, 3);
    }
    assert_ptr_equal(m[0].need, &f[0]);
    assert_ptr_equal(m[3].need, &f[2]);
    assert_ptr_equal(m[5].need, &f[3]);
    bw_free(m);

    assert_int_equal(bw_ta_match(p, f, 4, "africa", &m, &n), BW_OK);
    assert_int_equal(n, 5);
    assert_string_equal(m[0].prog->id, "g-a");
    assert_int_equal(m[0].rank, 1);
    assert_string_equal(m[1].prog->id, "g-c");
    bw_free(m);

    assert_int_equal(bw_ta_match(p, f, 4, "osce", &m, &n), BW_OK);
    assert_int_equal(n, 6);
    bw_free(m);

    /* No TA need, no match. */
    assert_int_equal(bw_ta_match(p, &f[1], 1, NULL, &m, &n), BW_OK);
    assert_int_equal(n, 0);
    bw_free(m);

    bw_pack_free(p);
    free(text);
    json_decref(b);
}


/* ---- allocation failures: fail the Nth allocation for every N ------------------------- */

static long fail_at = -1, seen_allocs;

static int should_fail(void)
{
    return fail_at >= 0 && seen_allocs++ == fail_at;
}
static void *t_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n);
}
static void *t_calloc(size_t c, size_t n)
{
    return should_fail() ? NULL : calloc(c, n);
}
static void *t_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n);
}
static const struct bw_allocator failing = {t_malloc, t_calloc, t_realloc, free};

/* Matching with every allocation failing in turn on the default pack: BW_ENOMEM and no
 * result, never a crash or a leak (ASan); then the full result. */
static void test_match_nomem(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_fw_finding f[2] = {
        {BW_FW_TA_NEED, BW_FW_HIGH, bw_pack_fw_indicator(p, "A8.1"), 1, "protective security",
         NULL},
        {BW_FW_TA_NEED, BW_FW_HIGH, bw_pack_fw_indicator(p, "A5.1"), 1, "risk assessment",
         NULL}};
    struct bw_ta_match *m = NULL;
    size_t n = 0, full;
    int rc;

    assert_int_equal(bw_ta_match(p, f, 2, NULL, &m, &full), BW_OK);
    assert_true(full > 0);
    bw_free(m);
    for (fail_at = 0;; fail_at++) {
        seen_allocs = 0;
        assert_int_equal(bw_set_allocator(&failing), BW_OK);
        rc = bw_ta_match(p, f, 2, NULL, &m, &n);
        assert_int_equal(bw_set_allocator(NULL), BW_OK);
        if (rc == BW_OK)
            break;
        assert_int_equal(rc, BW_ENOMEM);
        assert_null(m);
        assert_int_equal(n, 0);
    }
    assert_int_equal(n, full);
    bw_free(m);
    fail_at = -1;
    bw_pack_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_partners),
        cmocka_unit_test(test_bad_partners),
        cmocka_unit_test(test_no_partners_part),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_match_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
