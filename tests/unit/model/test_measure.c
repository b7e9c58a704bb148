/*
 * test_measure.c — the "measures" pack part (the good-practice catalogue) and the check
 * of a measure recorded at a site.
 *
 * The default catalogue is compared with measures.json read independently and with the
 * ratings of methodology.md (ASTM F2656 M30 = 6,800 kg at 30 mph = 48 km/h, P1 <= 1 m;
 * counter-UAS sensor ranges of §2.7); which threats a measure acts on and which sites it
 * is recommended for are checked on hand-picked cases; every validation error is
 * provoked by changing one thing in the bundled pack.
 */
#include "unit.h"
#include "pack_bundle.h"

#include "measure.h"
#include "threat.h"

#include <jansson.h>

static void test_default_catalogue(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    char path[4096];
    json_t *mj, *arr, *e;
    const struct bw_measure *m, *x;
    size_t n, i;
    static const char *const procedures[] = {"plan-evacuation", "plan-invacuation",
                                             "plan-lockdown", "plan-communication"};

    snprintf(path, sizeof path, "%s/measures.json", BW_PACK_DIR);
    mj = json_load_file(path, 0, NULL);
    assert_non_null(mj);
    arr = json_object_get(mj, "measures");
    m = bw_pack_measures(p, &n);
    assert_int_equal(n, json_array_size(arr));
    assert_int_equal(n, 24);
    json_array_foreach(arr, i, e) {
        json_t *eff = json_object_get(e, "effect"), *cost = json_object_get(e, "cost");
        assert_string_equal(m[i].id, json_string_value(json_object_get(e, "id")));
        assert_true(bw_measure_kind_known(m[i].kind));
        assert_true(m[i].effectiveness ==
                    json_number_value(json_object_get(eff, "effectiveness")));
        assert_true(m[i].effectiveness > 0 && m[i].effectiveness <= 1);
        assert_non_null(m[i].effect_note);
        assert_non_null(strstr(m[i].effect_note, "assumption"));
        assert_true(m[i].cost_capital == json_number_value(json_object_get(cost, "capital")));
        assert_true(m[i].cost_yearly == json_number_value(json_object_get(cost, "yearly")));
        assert_string_equal(m[i].currency, "EUR");
        assert_int_equal(m[i].privacy_review,
                         json_is_true(json_object_get(json_object_get(e, "privacy"), "review")));
        assert_int_equal(m[i].nthreats, json_array_size(json_object_get(e, "threats")));
        for (size_t k = 0; k < m[i].nthreats; k++)
            assert_true(bw_pack_threat(p, m[i].threats[k]) ||
                        bw_threat_family_known(m[i].threats[k]));
        assert_ptr_equal(bw_pack_measure(p, m[i].id), &m[i]);
    }
    assert_null(bw_pack_measure(p, "moat"));

    /* ASTM F2656 M30/P1: medium-duty truck 6,800 kg at 30 mph (48 km/h), <= 1 m. */
    x = bw_pack_measure(p, "hvm-astm-m30-p1");
    assert_string_equal(x->kind, "barrier");
    assert_string_equal(x->barrier_standard, "ASTM F2656");
    assert_string_equal(x->barrier_rating, "M30/P1");
    assert_true(x->barrier_mass_kg == 6800 && x->barrier_speed_kmh == 48 &&
                x->barrier_penetration_m == 1);
    assert_true(bw_pack_measure(p, "hvm-astm-m50-p1")->barrier_speed_kmh == 80);
    assert_true(bw_pack_measure(p, "hvm-iwa-7200-48")->barrier_mass_kg == 7200);
    assert_true(bw_pack_measure(p, "hvm-astm-h30-p1")->barrier_mass_kg == 29500);
    /* Stand-off and counter-UAS detection (§2.1, §2.7). */
    assert_true(bw_pack_measure(p, "standoff-30m")->standoff_m == 30);
    assert_true(bw_pack_measure(p, "standoff-100m")->standoff_m == 100);
    x = bw_pack_measure(p, "cuas-rf");
    assert_string_equal(x->sensor, "rf");
    assert_true(x->detection_range_m == 3000);
    assert_true(bw_pack_measure(p, "cuas-acoustic")->detection_range_m == 300);
    assert_null(bw_pack_measure(p, "screening-search")->sensor);
    assert_null(bw_pack_measure(p, "screening-search")->barrier_standard);
    /* Privacy: biometric CCTV is flagged, plain CCTV is not. */
    assert_true(bw_pack_measure(p, "cctv-biometric")->privacy_review);
    assert_non_null(strstr(bw_pack_measure(p, "cctv-biometric")->privacy_note, "GDPR Art. 9"));
    assert_false(bw_pack_measure(p, "cctv-monitoring")->privacy_review);
    assert_true(bw_pack_measure(p, "staff-vetting")->privacy_review);
    /* Martyn's Law public protection procedures: four separate measures for all tiers. */
    for (i = 0; i < 4; i++) {
        x = bw_pack_measure(p, procedures[i]);
        assert_non_null(x);
        assert_string_equal(x->kind, "procedure");
        assert_int_equal(x->nrecommended, 1);
        assert_string_equal(x->recommended_for[0], "standard");
    }
    json_decref(mj);
    bw_pack_free(p);
}

static void test_acts_on_and_recommended(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    const struct bw_measure *hvm = bw_pack_measure(p, "hvm-astm-m30-p1");
    const struct bw_measure *scr = bw_pack_measure(p, "screening-search");
    const struct bw_measure *acc = bw_pack_measure(p, "access-control");
    const struct bw_measure *evac = bw_pack_measure(p, "plan-evacuation");
    const struct bw_measure *comm = bw_pack_measure(p, "plan-communication");
    const struct bw_measure *bio = bw_pack_measure(p, "cctv-biometric");
    size_t nt;
    const struct bw_threat *t = bw_pack_threats(p, &nt);

    /* By family: barriers act on ramming and VBIEDs, not on firearms or drones. */
    assert_true(bw_measure_acts_on(p, hvm, bw_pack_threat(p, "ramming-hgv")));
    assert_true(bw_measure_acts_on(p, hvm, bw_pack_threat(p, "vbied-sedan")));
    assert_false(bw_measure_acts_on(p, hvm, bw_pack_threat(p, "firearms-automatic")));
    assert_false(bw_measure_acts_on(p, hvm, bw_pack_threat(p, "uas-mavic")));
    assert_true(bw_measure_acts_on(p, scr, bw_pack_threat(p, "pbied-suicide-vest")));
    assert_false(bw_measure_acts_on(p, scr, bw_pack_threat(p, "vbied-sedan")));
    /* Communication of information acts on every threat type. */
    for (size_t i = 0; i < nt; i++)
        assert_true(bw_measure_acts_on(p, comm, &t[i]));

    /* Tiers: a tier covers itself and every higher one. */
    assert_true(bw_measure_recommended(p, scr, "tourist-site", "enhanced"));
    assert_false(bw_measure_recommended(p, scr, "tourist-site", "standard"));
    assert_false(bw_measure_recommended(p, scr, "tourist-site", NULL));
    assert_true(bw_measure_recommended(p, evac, "tourist-site", "standard"));
    assert_true(bw_measure_recommended(p, evac, "religious-site", "enhanced"));
    assert_false(bw_measure_recommended(p, evac, "religious-site", NULL));
    /* Classes: the category itself; a sector covers subsectors and linked categories. */
    assert_true(bw_measure_recommended(p, scr, "sport-event", NULL));
    assert_true(bw_measure_recommended(p, acc, "transport", NULL));
    assert_true(bw_measure_recommended(p, acc, "transport.rail", NULL));
    assert_true(bw_measure_recommended(p, acc, "transport-hub", NULL)); /* linked to transport */
    assert_true(bw_measure_recommended(p, acc, "hospital", NULL));
    assert_false(bw_measure_recommended(p, acc, "religious-site", NULL));
    /* A subsector recommendation does not cover its parent sector or siblings. */
    assert_true(bw_measure_recommended(p, hvm, "energy.electricity", NULL));
    assert_false(bw_measure_recommended(p, hvm, "energy", NULL));
    assert_false(bw_measure_recommended(p, hvm, "energy.gas", NULL));
    assert_false(bw_measure_recommended(p, hvm, "no-such-class", "no-such-tier"));
    /* Biometric CCTV is recommended for nothing by default. */
    assert_int_equal(bio->nrecommended, 0);
    assert_false(bw_measure_recommended(p, bio, "sport-event", "enhanced"));
    bw_pack_free(p);
}

/* ---- broken catalogues ------------------------------------------------------------------ */

static json_t *measure(json_t *b, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(b, "measures"), "measures"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
            return e;
    }
    fail_msg("no measure %s", id);
    return NULL;
}

static void test_bad_measures(void **state)
{
    (void)state;
    json_t *b;

    b = bundle();
    json_object_set_new(measure(b, "cctv-monitoring"), "kind", json_string("camera"));
    expect_bad(b, BW_EINVAL, "kind", "measure 'cctv-monitoring': unknown kind 'camera'");

    b = bundle();
    json_array_append_new(json_object_get(measure(b, "cctv-monitoring"), "threats"),
                          json_string("graffiti"));
    expect_bad(b, BW_EREF, "threats",
               "measure 'cctv-monitoring': threat type or family 'graffiti' is unknown");

    b = bundle();
    json_array_clear(json_object_get(measure(b, "cctv-monitoring"), "threats"));
    expect_bad(b, BW_EINVAL, "threats", "measure 'cctv-monitoring': acts on no threat");

    b = bundle();
    json_array_append_new(json_object_get(measure(b, "cctv-monitoring"), "recommended_for"),
                          json_string("premium"));
    expect_bad(b, BW_EREF, "recommended_for",
               "measure 'cctv-monitoring': class or tier 'premium' is unknown");

    b = bundle();
    json_object_set_new(json_object_get(measure(b, "cuas-rf"), "effect"), "effectiveness",
                        json_real(1.5));
    expect_bad(b, BW_EINVAL, "effectiveness",
               "measure 'cuas-rf': effectiveness must be a number in [0, 1]");

    b = bundle();
    json_object_del(json_object_get(measure(b, "cuas-rf"), "effect"), "basis");
    expect_bad(b, BW_EINVAL, "basis", "measure 'cuas-rf': effect needs a \"basis\"");

    b = bundle();
    json_object_set_new(json_object_get(json_object_get(measure(b, "cuas-rf"), "effect"),
                                        "detection"),
                        "sensor", json_string("lidar"));
    expect_bad(b, BW_EINVAL, "sensor", "measure 'cuas-rf': unknown sensor 'lidar'");

    b = bundle();
    json_object_set_new(json_object_get(json_object_get(measure(b, "cuas-rf"), "effect"),
                                        "detection"),
                        "range_m", json_integer(-5));
    expect_bad(b, BW_EINVAL, "range_m", "measure 'cuas-rf': range_m must be a number");

    b = bundle();
    json_object_del(json_object_get(measure(b, "cuas-rf"), "effect"), "detection");
    expect_bad(b, BW_EINVAL, "detection", "a detection measure needs effect.detection");

    b = bundle();
    json_object_del(json_object_get(json_object_get(measure(b, "hvm-astm-m30-p1"), "effect"),
                                    "barrier"),
                    "rating");
    expect_bad(b, BW_EINVAL, "barrier", "barrier needs a \"standard\" and a \"rating\"");

    b = bundle();
    json_object_set_new(json_object_get(json_object_get(measure(b, "hvm-astm-m30-p1"), "effect"),
                                        "barrier"),
                        "vehicle_kg", json_integer(-6800));
    expect_bad(b, BW_EINVAL, "vehicle_kg", "'hvm-astm-m30-p1': vehicle_kg must be a number");

    b = bundle();
    json_object_del(json_object_get(measure(b, "hvm-astm-m30-p1"), "effect"), "barrier");
    expect_bad(b, BW_EINVAL, "barrier", "a barrier needs its rating");

    b = bundle();
    json_object_del(json_object_get(measure(b, "standoff-30m"), "effect"), "standoff_m");
    expect_bad(b, BW_EINVAL, "standoff_m", "a stand-off measure needs effect.standoff_m > 0");

    b = bundle();
    json_object_set_new(json_object_get(measure(b, "staff-vetting"), "privacy"), "reason",
                        json_string(""));
    expect_bad(b, BW_EINVAL, "reason", "'staff-vetting': a privacy review needs its \"reason\"");

    b = bundle();
    json_object_set_new(measure(b, "staff-vetting"), "privacy", json_true());
    expect_bad(b, BW_EINVAL, "privacy", "needs \"privacy\": {\"review\": true|false}");

    b = bundle();
    json_object_set_new(json_object_get(measure(b, "staff-vetting"), "cost"), "currency",
                        json_string("eur"));
    expect_bad(b, BW_EINVAL, "currency", "currency must be an ISO 4217 code");

    b = bundle();
    json_object_set_new(json_object_get(measure(b, "staff-vetting"), "cost"), "capital",
                        json_integer(-1));
    expect_bad(b, BW_EINVAL, "capital", "'staff-vetting': capital must be a number");

    b = bundle();
    json_object_del(measure(b, "staff-vetting"), "cost");
    expect_bad(b, BW_EINVAL, "cost", "'staff-vetting': needs a \"cost\" object");

    b = bundle();
    json_object_set_new(measure(b, "plan-lockdown"), "id", json_string("plan-evacuation"));
    expect_bad(b, BW_EINVAL, "id", "measure id 'plan-evacuation' appears twice");

    b = bundle();
    json_object_del(measure(b, "plan-lockdown"), "source");
    expect_bad(b, BW_EINVAL, "source", "measure 20 has no \"source\"");

    b = bundle();
    json_array_clear(json_object_get(json_object_get(b, "measures"), "measures"));
    expect_bad(b, BW_EINVAL, "measures", "needs a non-empty \"measures\" list");

    /* A catalogue needs the threats it refers to. */
    b = bundle();
    json_object_del(b, "threats");
    expect_bad(b, BW_EREF, "measures", "the measures part needs the threats part");
}

/* ---- measures at sites ------------------------------------------------------------------ */

static void expect_site(const bw_pack *p, struct bw_site_measure m, int code, const char *field,
                        const char *part)
{
    struct bw_diag d;
    char msg[1024];
    int rc;

    bw_diag_clear(&d);
    rc = bw_site_measure_check(p, &m, &d);
    if (rc != code || (code && (strcmp(d.field, field) != 0 || !strstr(d.msg, part)))) {
        print_error("rc %d (want %d), diag '%s' (want field '%s', message with '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field, part);
        fail();
    }
}

static void test_site_measure_check(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();

    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", 1, 0, "2026-11-02", NULL},
                BW_OK, "", "");
    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", 0, 1, NULL, "planned"}, BW_OK,
                "", "");
    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", 1.5, 0, NULL, NULL}, BW_ERANGE,
                "quality", "quality 1.5 is outside 0..1");
    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", -0.1, 0, NULL, NULL}, BW_ERANGE,
                "quality", "quality -0.1 is outside 0..1");
    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", NAN, 0, NULL, NULL}, BW_ERANGE,
                "quality", "outside 0..1");
    expect_site(p, (struct bw_site_measure){"osm-n1", "moat", 1, 0, NULL, NULL}, BW_EREF,
                "measure", "unknown measure 'moat'");
    expect_site(p, (struct bw_site_measure){"osm-n1", NULL, 1, 0, NULL, NULL}, BW_EREF, "measure",
                "unknown measure ''");
    expect_site(p, (struct bw_site_measure){"", "cuas-rf", 1, 0, NULL, NULL}, BW_EINVAL, "site",
                "a site id");
    expect_site(p, (struct bw_site_measure){"osm-n1", "cuas-rf", 1, 0, "02/11/2026", NULL},
                BW_EINVAL, "date", "'02/11/2026' is not a date");
    bw_pack_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_catalogue),
        cmocka_unit_test(test_acts_on_and_recommended),
        cmocka_unit_test(test_bad_measures),
        cmocka_unit_test(test_site_measure_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
