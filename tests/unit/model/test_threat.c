/*
 * test_threat.c — the "threats" pack part and the threat-level resolver.
 *
 * The default pack's threat types, scale and GTD mapping are checked against the figures
 * of methodology.md (NCTC 2014 sizes, ASTM/IWA vehicle masses, DJI drone data, the UK
 * threat levels) and against threats.json read independently with jansson. Every
 * validation error is provoked by changing one thing in the bundled pack. The resolver
 * is checked on hand-worked cases: specificity (threat > family > '*', region, sector),
 * dates (both ends inclusive), ties (latest set_at, then id) and the pack default.
 */
#include "unit.h"
#include "pack_bundle.h"

#include "threat.h"

#include <jansson.h>

static json_t *load_threats_json(void)
{
    char path[4096];
    json_error_t err;
    json_t *j;
    snprintf(path, sizeof path, "%s/threats.json", BW_PACK_DIR);
    j = json_load_file(path, 0, &err);
    if (!j) {
        print_error("%s: %s\n", path, err.text);
        fail();
    }
    return j;
}

/* ---- the default pack --------------------------------------------------------------- */

static void test_default_threats(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    json_t *tj = load_threats_json(), *types = json_object_get(tj, "threat_types"), *e;
    const struct bw_threat *t, *x;
    size_t n, i;

    t = bw_pack_threats(p, &n);
    assert_int_equal(n, json_array_size(types));
    assert_int_equal(n, 24);
    json_array_foreach(types, i, e) {
        assert_string_equal(t[i].id, json_string_value(json_object_get(e, "id")));
        assert_string_equal(t[i].family, json_string_value(json_object_get(e, "family")));
        assert_true(bw_threat_family_known(t[i].family));
        assert_true(bw_pack_attack_known(p, t[i].restoration_attack));
        assert_non_null(t[i].source);
        assert_int_equal(t[i].ngtd_attacktypes,
                         json_array_size(json_object_get(json_object_get(e, "gtd"), "attacktype")));
        assert_ptr_equal(bw_pack_threat(p, t[i].id), &t[i]);
        assert_int_equal(bw_pack_threat_index(p, t[i].id), i);
    }
    assert_null(bw_pack_threat(p, "vbied")); /* a family, not a threat type */
    assert_null(bw_pack_threat(p, "pbied-pipe"));
    assert_int_equal(bw_pack_threat_index(p, "nope"), (size_t)-1);

    /* NCTC 2014 Bomb Threat Stand-Off chart capacities (methodology.md §2.1). */
    assert_true(bw_pack_threat(p, "pbied-pipe-bomb")->tnt_kg == 2.3);
    assert_true(bw_pack_threat(p, "pbied-suicide-vest")->tnt_kg == 9.2);
    assert_true(bw_pack_threat(p, "pbied-briefcase")->tnt_kg == 23);
    assert_true(bw_pack_threat(p, "vbied-sedan")->tnt_kg == 227);
    assert_true(bw_pack_threat(p, "vbied-suv-van")->tnt_kg == 454);
    assert_true(bw_pack_threat(p, "vbied-small-truck")->tnt_kg == 1814);
    assert_true(bw_pack_threat(p, "vbied-water-truck")->tnt_kg == 4536);
    assert_true(bw_pack_threat(p, "vbied-semi-trailer")->tnt_kg == 27216);
    /* Ramming classes (ASTM F2656 / IWA 14-1, §2.5) at the assumed urban speed. */
    x = bw_pack_threat(p, "ramming-car");
    assert_true(x->vehicle_kg == 1500 && x->speed_kmh == 48 && x->tnt_kg == 0);
    assert_string_equal(x->family, "ramming");
    assert_true(bw_pack_threat(p, "ramming-pickup")->vehicle_kg == 2300);
    assert_true(bw_pack_threat(p, "ramming-medium-truck")->vehicle_kg == 6800);
    assert_true(bw_pack_threat(p, "ramming-hgv")->vehicle_kg == 29500);
    assert_non_null(strstr(x->note, "assumption"));
    /* Drones (§2.7): Mavic 3 Classic 895 g, 21 m/s; Matrice 30 3,998 g MTOM, 228 g margin. */
    x = bw_pack_threat(p, "uas-mavic");
    assert_true(x->uas_mass_g == 895 && x->uas_speed_ms == 21 && x->uas_range_km == 6);
    x = bw_pack_threat(p, "uas-matrice");
    assert_true(x->uas_mass_g == 3998 && x->uas_speed_ms == 23 && x->uas_payload_g == 228);
    assert_true(bw_pack_threat(p, "uas-sub250")->uas_mass_g < 250);
    /* Every family has at least one threat type. */
    for (size_t f = 0; f < bw_threat_nfamilies; f++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(t[k].family, bw_threat_families[f]) == 0)
                break;
        assert_true(k < n);
    }
    json_decref(tj);
    bw_pack_free(p);
}

static void test_default_levels_and_gtd(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    static const char *const uk[] = {"LOW", "MODERATE", "SUBSTANTIAL", "SEVERE", "CRITICAL"};
    const struct bw_threat_level_def *l = NULL;
    const struct bw_gtd_target *g;
    const struct bw_threat *found[32];
    size_t n, m;

    l = bw_pack_threat_levels(p, &n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(l[i].id, uk[i]);
        assert_int_equal(l[i].rank, (int)i + 1);
        assert_ptr_equal(bw_pack_threat_level(p, uk[i]), &l[i]);
        assert_ptr_equal(bw_pack_threat_level_rank(p, (int)i + 1), &l[i]);
    }
    assert_string_equal(l[2].meaning, "an attack is likely");
    assert_null(bw_pack_threat_level(p, "moderate")); /* exact ids */
    assert_null(bw_pack_threat_level_rank(p, 0));
    assert_null(bw_pack_threat_level_rank(p, 6));
    assert_int_equal(bw_pack_threat_level_default(p), 2);       /* MODERATE */
    assert_int_equal(bw_pack_threat_level_gap_threshold(p), 2); /* MODERATE */

    /* GTD target types: all 22 codes, mapped onto known classes. */
    g = bw_pack_gtd_targets(p, &n);
    assert_int_equal(n, 22);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(g[i].code, (int)i + 1);
        for (size_t k = 0; k < g[i].nclasses; k++)
            assert_non_null(bw_pack_class(p, g[i].classes[k], strlen(g[i].classes[k])));
    }
    assert_string_equal(g[14].classes[0], "religious-site"); /* 15 Religious */
    assert_int_equal(g[11].nclasses, 0);                     /* 12 NGO: not mapped */

    /* GTD 3 Bombing/Explosion with weapon 6 Explosives: 3 PBIED + 5 VBIED + 3 UAS. */
    m = bw_pack_threats_for_gtd(p, 3, 6, found, 32);
    assert_int_equal(m, 11);
    assert_string_equal(found[0]->id, "pbied-pipe-bomb");
    /* Any weapon adds the chemical and the radiological threat (attack type 3 too). */
    assert_int_equal(bw_pack_threats_for_gtd(p, 3, 0, found, 32), 13);
    /* 10 Vehicle ramming under 2 Armed Assault: the four ramming classes. */
    assert_int_equal(bw_pack_threats_for_gtd(p, 2, 10, found, 32), 4);
    /* Counting goes on past @p max. */
    assert_int_equal(bw_pack_threats_for_gtd(p, 3, 6, found, 2), 11);
    assert_int_equal(bw_pack_threats_for_gtd(p, 4, 0, found, 32), 0); /* hijacking */
    bw_pack_free(p);
}

/* ---- broken packs --------------------------------------------------------------------- */

/* The default bundle as JSON (the caller changes it and passes it to expect_bad). */

static json_t *threat_type(json_t *b, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(b, "threats"), "threat_types"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
            return e;
    }
    fail_msg("no threat type %s", id);
    return NULL;
}

static json_t *levels(json_t *b)
{
    return json_object_get(json_object_get(b, "threats"), "threat_levels");
}

/* Parses @p b (and frees it) expecting @p code, field @p field and @p part in the message. */

static void test_bad_threats(void **state)
{
    (void)state;
    json_t *b;

    b = bundle();
    json_object_set_new(threat_type(b, "ramming-car"), "family", json_string("vehicle"));
    expect_bad(b, BW_EINVAL, "family", "threat type 'ramming-car': unknown family 'vehicle'");

    b = bundle();
    json_object_del(threat_type(b, "ramming-car"), "family");
    expect_bad(b, BW_EINVAL, "family", "unknown family ''");

    b = bundle();
    json_object_set_new(threat_type(b, "arson-incendiary"), "restoration_attack",
                        json_string("fire"));
    expect_bad(b, BW_EREF, "restoration_attack",
               "threat type 'arson-incendiary': restoration_attack 'fire' is not an attack type");

    b = bundle();
    json_object_set_new(threat_type(b, "uas-mavic"), "id", json_string("uas-sub250"));
    expect_bad(b, BW_EINVAL, "id", "threat type id 'uas-sub250' appears twice");

    b = bundle();
    json_object_set_new(threat_type(b, "uas-mavic"), "id", json_string("uas"));
    expect_bad(b, BW_EINVAL, "id", "threat type id 'uas' is a family name");

    b = bundle();
    json_object_set_new(threat_type(b, "uas-mavic"), "id", json_string("*"));
    expect_bad(b, BW_EINVAL, "id", "bad id '*'");

    b = bundle();
    json_object_del(threat_type(b, "uas-mavic"), "source");
    expect_bad(b, BW_EINVAL, "source", "threat_types entry 17 has no \"source\"");

    b = bundle();
    json_object_set_new(json_object_get(threat_type(b, "ramming-hgv"), "parameters"), "vehicle_kg",
                        json_integer(-29500));
    expect_bad(b, BW_EINVAL, "vehicle_kg", "threat type 'ramming-hgv': vehicle_kg must be a "
                                           "number >= 0");

    b = bundle();
    json_object_set_new(json_object_get(threat_type(b, "vbied-sedan"), "parameters"), "tnt_kg",
                        json_string("227"));
    expect_bad(b, BW_EINVAL, "tnt_kg", "vbied-sedan': tnt_kg must be a number >= 0");

    b = bundle();
    json_object_set_new(json_object_get(threat_type(b, "vbied-sedan"), "parameters"), "tnt_lb",
                        json_integer(500));
    expect_bad(b, BW_EINVAL, "tnt_lb", "unknown parameter 'tnt_lb'");

    b = bundle();
    json_object_set_new(threat_type(b, "vbied-sedan"), "parameters", json_integer(1));
    expect_bad(b, BW_EINVAL, "parameters", "parameters must be an object");

    b = bundle();
    json_array_append_new(json_object_get(json_object_get(threat_type(b, "edged-weapon"), "gtd"),
                                          "attacktype"),
                          json_integer(10));
    expect_bad(b, BW_EINVAL, "attacktype", "'edged-weapon': gtd.attacktype code 2 must be an "
                                           "integer 1..9");

    b = bundle();
    json_array_append_new(json_object_get(json_object_get(threat_type(b, "edged-weapon"), "gtd"),
                                          "weaptype"),
                          json_integer(14));
    expect_bad(b, BW_EINVAL, "weaptype", "gtd.weaptype code 1 must be an integer 1..13");

    b = bundle();
    json_object_del(threat_type(b, "edged-weapon"), "gtd");
    expect_bad(b, BW_EINVAL, "gtd", "threat type 'edged-weapon': needs a \"gtd\" object");

    b = bundle();
    json_object_set_new(threat_type(b, "edged-weapon"), "note", json_integer(3));
    expect_bad(b, BW_EINVAL, "note", "note must be text");

    b = bundle();
    json_array_clear(json_object_get(json_object_get(b, "threats"), "threat_types"));
    expect_bad(b, BW_EINVAL, "threat_types", "must be a non-empty list");

    b = bundle();
    json_object_set_new(b, "threats", json_array());
    expect_bad(b, BW_EINVAL, "threats", "the threats part must be an object");
}

static void test_bad_levels_and_gtd(void **state)
{
    (void)state;
    json_t *b, *g;

    b = bundle();
    json_object_set_new(levels(b), "default", json_string("ELEVATED"));
    expect_bad(b, BW_EREF, "default", "threat_levels: default 'ELEVATED' is not a level");

    b = bundle();
    json_object_set_new(levels(b), "gap_threshold", json_string("HIGH"));
    expect_bad(b, BW_EREF, "gap_threshold", "gap_threshold 'HIGH' is not a level");

    b = bundle();
    json_object_set_new(json_array_get(json_object_get(levels(b), "levels"), 3), "id",
                        json_string("LOW"));
    expect_bad(b, BW_EINVAL, "id", "threat level 'LOW' appears twice");

    b = bundle();
    json_object_del(json_array_get(json_object_get(levels(b), "levels"), 1), "meaning");
    expect_bad(b, BW_EINVAL, "meaning", "threat level 'MODERATE' has no \"meaning\"");

    b = bundle();
    json_array_clear(json_object_get(levels(b), "levels"));
    expect_bad(b, BW_EINVAL, "threat_levels", "needs a non-empty \"levels\" list");

    b = bundle();
    g = json_array_get(json_object_get(json_object_get(b, "threats"), "gtd_targets"), 14);
    json_array_append_new(json_object_get(g, "classes"), json_string("mosque"));
    expect_bad(b, BW_EREF, "classes", "GTD target type 15: unknown class 'mosque'");

    b = bundle();
    g = json_array_get(json_object_get(json_object_get(b, "threats"), "gtd_targets"), 1);
    json_object_set_new(g, "code", json_integer(1));
    expect_bad(b, BW_EINVAL, "code", "GTD target type 1 appears twice");

    b = bundle();
    g = json_array_get(json_object_get(json_object_get(b, "threats"), "gtd_targets"), 1);
    json_object_set_new(g, "code", json_integer(23));
    expect_bad(b, BW_EINVAL, "code", "gtd_targets entry 1: code must be an integer 1..22");

    b = bundle();
    g = json_array_get(json_object_get(json_object_get(b, "threats"), "gtd_targets"), 1);
    json_object_del(g, "source");
    expect_bad(b, BW_EINVAL, "source", "GTD target type 2 needs a name and a source");
}

/* A pack without the threats part (and so without measures) still parses: lookups are empty. */
static void test_no_threats_part(void **state)
{
    (void)state;
    json_t *b = bundle();
    struct bw_diag d;
    char *text;
    bw_pack *p = NULL;
    size_t n = 9;

    json_object_del(b, "threats");
    json_object_del(b, "measures");
    text = json_dumps(b, JSON_COMPACT);
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_parse(text, strlen(text), &d, &p), BW_OK);
    assert_null(bw_pack_threats(p, &n));
    assert_int_equal(n, 0);
    assert_null(bw_pack_threat(p, "ramming-car"));
    assert_int_equal(bw_pack_threat_level_default(p), 0);
    assert_int_equal(bw_threat_level_resolve(p, NULL, 0, "2026-01-01", "x", NULL, NULL), 0);
    bw_pack_free(p);
    free(text);
    json_decref(b);
}

/* ---- levels set by the authority ------------------------------------------------------ */

static void test_date_valid(void **state)
{
    (void)state;
    assert_true(bw_date_valid("2026-11-02"));
    assert_true(bw_date_valid("2024-02-29"));  /* leap year */
    assert_true(bw_date_valid("2000-02-29"));  /* divisible by 400 */
    assert_false(bw_date_valid("2100-02-29")); /* divisible by 100 only */
    assert_false(bw_date_valid("2026-02-29"));
    assert_false(bw_date_valid("2026-04-31"));
    assert_false(bw_date_valid("2026-13-01"));
    assert_false(bw_date_valid("2026-00-10"));
    assert_false(bw_date_valid("2026-1-01"));
    assert_false(bw_date_valid("2026-01-01T00:00Z"));
    assert_false(bw_date_valid("2026/01/01"));
    assert_false(bw_date_valid(""));
    assert_false(bw_date_valid(NULL));
}

static void expect_level(const bw_pack *p, struct bw_threat_level e, int code, const char *field,
                         const char *part)
{
    struct bw_diag d;
    char msg[1024];
    int rc;

    bw_diag_clear(&d);
    rc = bw_threat_level_check(p, &e, &d);
    if (rc != code || (code && (strcmp(d.field, field) != 0 || !strstr(d.msg, part)))) {
        print_error("rc %d (want %d), diag '%s' (want field '%s', message with '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field, part);
        fail();
    }
}

static void test_level_check(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_diag d;
    struct bw_threat_level e = {.threat = "vbied-sedan", .level = "SEVERE",
                                .valid_from = "2026-01-01"};

    bw_diag_clear(&d);
    assert_int_equal(bw_threat_level_check(p, &e, &d), BW_OK);
    assert_int_equal(e.rank, 4);
    expect_level(p, (struct bw_threat_level){.threat = "vbied", .level = "LOW"}, BW_OK, "", "");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "CRITICAL", .region = "Vaduz",
                                             .sector = "transport.rail"},
                 BW_OK, "", "");
    expect_level(p, (struct bw_threat_level){.threat = "truck-bomb", .level = "LOW"}, BW_EREF,
                 "threat", "unknown threat type 'truck-bomb'");
    expect_level(p, (struct bw_threat_level){.level = "LOW"}, BW_EINVAL, "threat", "required");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "HIGH"}, BW_EREF, "level",
                 "unknown threat level 'HIGH'");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "low"}, BW_EREF, "level",
                 "unknown threat level 'low'");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW", .region = ""},
                 BW_EINVAL, "region", "region must be");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW", .sector = "stadiums"},
                 BW_EREF, "sector", "unknown sector, subsector or category 'stadiums'");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW",
                                             .valid_from = "2026-02-30"},
                 BW_EINVAL, "valid_from", "'2026-02-30' is not a date");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW", .valid_to = "tomorrow"},
                 BW_EINVAL, "valid_to", "'tomorrow' is not a date");
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW",
                                             .valid_from = "2026-05-01", .valid_to = "2026-04-30"},
                 BW_EINVAL, "valid_to", "ends (2026-04-30) before it starts (2026-05-01)");
    /* One day is fine: both ends are inclusive. */
    expect_level(p, (struct bw_threat_level){.threat = "*", .level = "LOW",
                                             .valid_from = "2026-05-01", .valid_to = "2026-05-01"},
                 BW_OK, "", "");
    bw_pack_free(p);
}

/* An entry with its rank looked up from the default scale. */
static struct bw_threat_level L(int64_t id, const char *threat, const char *level,
                                const char *region, const char *sector, const char *from,
                                const char *to, const char *set_at)
{
    static const char *const uk[] = {"LOW", "MODERATE", "SUBSTANTIAL", "SEVERE", "CRITICAL"};
    int rank = 0;
    for (int i = 0; i < 5; i++)
        if (strcmp(uk[i], level) == 0)
            rank = i + 1;
    return (struct bw_threat_level){id, threat, level, rank, region, sector, from, to, set_at,
                                    NULL};
}

#define RESOLVE(date, threat, region, cls) bw_threat_level_resolve(p, e, n, date, threat, region, cls)

static void test_resolve_default(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_threat_level e[1];
    size_t n = 0;

    /* No entry: the pack default, MODERATE (2), whatever is asked. */
    assert_int_equal(RESOLVE("2026-06-01", "vbied-sedan", NULL, NULL), 2);
    assert_int_equal(RESOLVE("2026-06-01", "vbied-sedan", "Vaduz", "hospital"), 2);
    assert_null(bw_threat_level_find(p, e, n, "2026-06-01", "vbied-sedan", NULL, NULL));
    /* An entry that does not apply (another threat) leaves the default. */
    e[0] = L(1, "ramming", "SEVERE", NULL, NULL, "2026-01-01", NULL, "2026-01-01T00:00:00Z");
    n = 1;
    assert_int_equal(RESOLVE("2026-06-01", "vbied-sedan", NULL, NULL), 2);
    assert_int_equal(RESOLVE("2026-06-01", "ramming-car", NULL, NULL), 4);
    bw_pack_free(p);
}

static void test_resolve_specificity(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    /* Set in this order; set_at grows with the id, so "latest" is the highest id. */
    struct bw_threat_level e[] = {
        L(1, "*", "SUBSTANTIAL", NULL, NULL, "2026-01-01", NULL, "2026-01-01T09:00:00Z"),
        L(2, "vbied", "SEVERE", NULL, NULL, "2026-01-01", NULL, "2026-01-01T08:00:00Z"),
        L(3, "vbied-sedan", "LOW", NULL, NULL, "2026-01-01", NULL, "2026-01-01T07:00:00Z"),
        L(4, "*", "CRITICAL", "Vaduz", NULL, "2026-01-01", NULL, "2026-01-02T00:00:00Z"),
        L(5, "ramming", "SEVERE", NULL, "transport", "2026-01-01", NULL, "2026-01-02T00:00:00Z"),
        L(6, "ramming", "LOW", NULL, "transport-hub", "2026-01-01", NULL, "2026-01-01T00:00:00Z"),
        L(7, "ramming", "CRITICAL", "Vaduz", "transport", "2026-01-01", NULL,
          "2026-01-01T00:00:00Z"),
    };
    size_t n = sizeof e / sizeof e[0];
    const char *d = "2026-06-01";

    /* '*' applies to every threat; a family entry beats it even though it is older. */
    assert_int_equal(RESOLVE(d, "firearms-handgun", NULL, NULL), 3); /* #1 */
    assert_int_equal(RESOLVE(d, "vbied-suv-van", NULL, NULL), 4);    /* #2 beats #1 */
    /* The threat type itself beats its family (and '*'). */
    assert_int_equal(RESOLVE(d, "vbied-sedan", NULL, NULL), 1); /* #3 */
    /* Threat before region: in Vaduz, '*' CRITICAL (#4) loses to the vbied entries... */
    assert_int_equal(RESOLVE(d, "vbied-suv-van", "Vaduz", NULL), 4); /* #2 */
    assert_int_equal(RESOLVE(d, "vbied-sedan", "Vaduz", NULL), 1);   /* #3 */
    /* ...but beats the national '*' (#1) for threats without their own entry. */
    assert_int_equal(RESOLVE(d, "firearms-handgun", "Vaduz", NULL), 5); /* #4 */
    assert_int_equal(RESOLVE(d, "firearms-handgun", "Schaan", NULL), 3);
    /* A region entry does not apply to a site without a region. */
    assert_ptr_equal(bw_threat_level_find(p, e, n, d, "firearms-handgun", NULL, NULL), &e[0]);

    /* Sector: the transport entry (#5) covers its subsectors and linked categories, not
     * other sectors; the category's own entry (#6) beats its sector's, although older. */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, "transport"), 4);      /* #5, the sector */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, "transport.rail"), 4); /* #5, subsector */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, "transport-hub"), 1);  /* #6 beats #5 */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, "hospital"), 3);       /* #1 */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, NULL), 3);             /* #1 */
    /* Region before sector: in Vaduz #7 (region + sector) beats #6 (class only). */
    assert_int_equal(RESOLVE(d, "ramming-car", "Vaduz", "transport-hub"), 5); /* #7 */
    assert_int_equal(RESOLVE(d, "ramming-car", "Vaduz", "hospital"), 5);      /* #4: '*' + region */
    /* An unknown class matches no sector entry. */
    assert_int_equal(RESOLVE(d, "ramming-car", NULL, "no-such-class"), 3);
    bw_pack_free(p);
}

static void test_resolve_dates_and_ties(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_threat_level e[] = {
        L(1, "uas", "SUBSTANTIAL", NULL, NULL, "2026-02-01", "2026-02-28", "2026-01-20T00:00:00Z"),
        L(2, "uas", "SEVERE", NULL, NULL, "2026-02-15", NULL, "2026-02-10T00:00:00Z"),
        /* Same specificity, same day, set later: wins from 2026-03-01. */
        L(3, "uas", "LOW", NULL, NULL, "2026-03-01", NULL, "2026-02-20T00:00:00Z"),
        /* The same set_at as #4: the higher id wins the tie. */
        L(4, "edged", "SEVERE", NULL, NULL, "2026-01-01", NULL, "2026-01-01T00:00:00Z"),
        L(5, "edged", "LOW", NULL, NULL, "2026-01-01", NULL, "2026-01-01T00:00:00Z"),
    };
    size_t n = sizeof e / sizeof e[0];

    assert_int_equal(RESOLVE("2026-01-31", "uas-mavic", NULL, NULL), 2); /* before: default */
    assert_int_equal(RESOLVE("2026-02-01", "uas-mavic", NULL, NULL), 3); /* first day of #1 */
    assert_int_equal(RESOLVE("2026-02-14", "uas-mavic", NULL, NULL), 3);
    assert_int_equal(RESOLVE("2026-02-15", "uas-mavic", NULL, NULL), 4); /* #2 set later */
    assert_int_equal(RESOLVE("2026-02-28", "uas-mavic", NULL, NULL), 4); /* last day of #1 */
    assert_int_equal(RESOLVE("2026-03-01", "uas-mavic", NULL, NULL), 1); /* #3 set latest */
    assert_int_equal(RESOLVE("2030-01-01", "uas-mavic", NULL, NULL), 1); /* open-ended */
    /* Without #2 and #3, #1 ends on 2026-02-28 (inclusive) and the default returns. */
    assert_int_equal(bw_threat_level_resolve(p, e, 1, "2026-02-28", "uas-mavic", NULL, NULL), 3);
    assert_int_equal(bw_threat_level_resolve(p, e, 1, "2026-03-01", "uas-mavic", NULL, NULL), 2);
    /* Ties on set_at go to the higher id. */
    assert_int_equal(RESOLVE("2026-06-01", "edged-weapon", NULL, NULL), 1);
    assert_ptr_equal(bw_threat_level_find(p, e, n, "2026-06-01", "edged-weapon", NULL, NULL), &e[4]);
    /* No date: every entry counts as valid (#3 is the latest uas entry). */
    assert_int_equal(RESOLVE(NULL, "uas-mavic", NULL, NULL), 1);
    /* An entry without its rank is ranked by its level id. */
    e[2].rank = 0;
    assert_int_equal(RESOLVE("2026-03-01", "uas-mavic", NULL, NULL), 1);
    bw_pack_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_threats),
        cmocka_unit_test(test_default_levels_and_gtd),
        cmocka_unit_test(test_bad_threats),
        cmocka_unit_test(test_bad_levels_and_gtd),
        cmocka_unit_test(test_no_threats_part),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_level_check),
        cmocka_unit_test(test_resolve_default),
        cmocka_unit_test(test_resolve_specificity),
        cmocka_unit_test(test_resolve_dates_and_ties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
