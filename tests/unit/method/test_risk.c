/*
 * test_risk.c — the risk engine (src/method/risk.c) and its pack part
 * (src/model/riskparams.c):
 *   - a five-site fixture with simple parameters (PARAMS below), every expected T, V, C
 *     and risk worked out by hand in the comment above its check;
 *   - the blast geometry (share of a crowd's disc inside a blast radius) against a
 *     second implementation: counting grid points;
 *   - a barrier rated for the vehicle, and a counter-UAS warning, worked by hand;
 *   - the Monte Carlo against a second implementation in this file (the documented key
 *     scheme, triangular inverse CDF, qsort and linear interpolation);
 *   - properties over random sites of the default pack: adding a measure never raises
 *     risk, more stand-off never raises a blast's consequence, a higher threat level
 *     never lowers likelihood, the same seed gives identical results on 1, 2 and 4
 *     threads, P5 <= P50 <= P95, bw_risk_explain gives the run's numbers bit for bit;
 *   - bad parameters and bad inputs rejected with a clear error;
 *   - the default pack's part parses and its threats and measures feed the engine.
 */
#include "unit.h"

#include "effects.h"
#include "measure.h"
#include "risk.h"
#include "riskparams.h"
#include "threat.h"

/* Test parameters: round numbers so that the fixture can be worked by hand. Family
 * shares: ied .1 vbied .1 firearms .2 ramming .1 edged .2 arson .1 uas .05 cbrn .05
 * insider .05 cyber-physical .05. */
static const char PARAMS[] =
    "{\"version\":\"t\",\"currency\":\"EUR\",\"source\":\"test\","
    "\"likelihood\":{\"source\":\"test\",\"base_rate\":["
    "{\"rank\":1,\"rate\":[0.5e-4,1e-4,2e-4],\"source\":\"s\"},"
    "{\"rank\":2,\"rate\":[1e-4,2e-4,4e-4],\"source\":\"s\"},"
    "{\"rank\":3,\"rate\":[1.5e-4,3e-4,6e-4],\"source\":\"s\"},"
    "{\"rank\":4,\"rate\":[2e-4,4e-4,8e-4],\"source\":\"s\"},"
    "{\"rank\":5,\"rate\":[2.5e-4,5e-4,10e-4],\"source\":\"s\"}],"
    "\"tiers\":[{\"tier\":\"enhanced\",\"factor\":2,\"source\":\"s\"},"
    "{\"tier\":\"standard\",\"factor\":1.5,\"source\":\"s\"},"
    "{\"tier\":\"none\",\"factor\":1,\"source\":\"s\"}]},"
    "\"families\":["
    "{\"family\":\"ied\",\"share\":0.1,\"exposure\":\"blast\",\"exposed_fraction\":1,\"max_exposed\":0,"
    "\"fatal_fraction\":[0.5,0.5,0.5],\"injury_fraction\":[0.5,0.5,0.5],\"outage_factor\":0.2,"
    "\"property_factor\":0.05,\"source\":\"s\"},"
    "{\"family\":\"vbied\",\"share\":0.1,\"exposure\":\"blast\",\"exposed_fraction\":1,\"max_exposed\":0,"
    "\"fatal_fraction\":[0.3,0.5,0.8],\"injury_fraction\":[0.3,0.5,0.8],\"outage_factor\":1,"
    "\"property_factor\":0.5,\"source\":\"s\"},"
    "{\"family\":\"firearms\",\"share\":0.2,\"exposure\":\"firearms\",\"exposed_fraction\":1,"
    "\"max_exposed\":500,\"fatal_fraction\":[0.2,0.4,0.6],\"injury_fraction\":[0.4,0.6,0.8],"
    "\"outage_factor\":0.1,\"property_factor\":0.01,\"source\":\"s\"},"
    "{\"family\":\"ramming\",\"share\":0.1,\"exposure\":\"ramming\",\"exposed_fraction\":1,"
    "\"max_exposed\":500,\"fatal_fraction\":[0.1,0.1,0.1],\"injury_fraction\":[0.5,0.5,0.5],"
    "\"outage_factor\":0,\"property_factor\":0.01,\"source\":\"s\"},"
    "{\"family\":\"edged\",\"share\":0.2,\"exposure\":\"crowd\",\"exposed_fraction\":0.01,"
    "\"max_exposed\":20,\"fatal_fraction\":[0.1,0.25,0.5],\"injury_fraction\":[0.5,0.7,0.9],"
    "\"outage_factor\":0,\"property_factor\":0,\"source\":\"s\"},"
    "{\"family\":\"arson\",\"share\":0.1,\"exposure\":\"crowd\",\"exposed_fraction\":0.02,"
    "\"max_exposed\":100,\"fatal_fraction\":[0.1,0.1,0.1],\"injury_fraction\":[0.5,0.5,0.5],"
    "\"outage_factor\":0.5,\"property_factor\":0.3,\"source\":\"s\"},"
    "{\"family\":\"uas\",\"share\":0.05,\"exposure\":\"uas\",\"exposed_fraction\":0.01,"
    "\"max_exposed\":10,\"fatal_fraction\":[0.3,0.3,0.3],\"injury_fraction\":[0.5,0.5,0.5],"
    "\"outage_factor\":0.1,\"property_factor\":0.01,\"source\":\"s\"},"
    "{\"family\":\"cbrn\",\"share\":0.05,\"exposure\":\"crowd\",\"exposed_fraction\":0.1,"
    "\"max_exposed\":2000,\"fatal_fraction\":[0.05,0.05,0.05],\"injury_fraction\":[0.4,0.4,0.4],"
    "\"outage_factor\":0.5,\"property_factor\":0.1,\"source\":\"s\"},"
    "{\"family\":\"insider\",\"share\":0.05,\"exposure\":\"crowd\",\"exposed_fraction\":0.005,"
    "\"max_exposed\":20,\"fatal_fraction\":[0.2,0.2,0.2],\"injury_fraction\":[0.4,0.4,0.4],"
    "\"outage_factor\":0.5,\"property_factor\":0.1,\"source\":\"s\"},"
    "{\"family\":\"cyber-physical\",\"share\":0.05,\"exposure\":\"crowd\",\"exposed_fraction\":0,"
    "\"max_exposed\":0,\"fatal_fraction\":[0,0,0],\"injury_fraction\":[0,0,0],"
    "\"outage_factor\":1,\"property_factor\":0.05,\"source\":\"s\"}],"
    "\"classes\":["
    "{\"class\":\"*\",\"attractiveness\":1,\"occupancy\":[0.2,0.5,0.9],\"density_pm2\":1,"
    "\"min_present\":10,\"property_value\":[5e5,1e6,2e6],\"symbolic\":0,\"source\":\"s\"},"
    "{\"class\":\"religious-site\",\"attractiveness\":2,\"occupancy\":[0.5,0.8,1],\"density_pm2\":2,"
    "\"min_present\":5,\"property_value\":[1e6,2e6,4e6],\"symbolic\":0.5,\"source\":\"s\"}],"
    "\"vulnerability\":["
    "{\"class\":\"*\",\"family\":\"*\",\"v\":[0.3,0.5,0.7],\"source\":\"s\"},"
    "{\"class\":\"religious-site\",\"family\":\"edged\",\"v\":[0.6,0.8,0.9],\"source\":\"s\"}],"
    "\"blast\":{\"fatal_kpa\":103,\"injury_kpa\":13.8,\"source\":\"s\"},"
    "\"firearms\":{\"dispatch_min\":5,\"speed_kmh\":60,\"road_factor\":1,"
    "\"default_distance_m\":6000,\"rate_per_min\":2,\"source\":\"s\"},"
    "\"ramming\":{\"approach_m\":100,\"width_m\":2,\"ref_mass_kg\":7200,\"ref_speed_kmh\":48,"
    "\"source\":\"s\"},"
    "\"uas\":{\"shelter_s\":60,\"max_sheltered\":0.8,\"source\":\"s\"},"
    "\"economic\":{\"vsl\":{\"value\":[5e5,1e6,2e6],\"source\":\"s\"},"
    "\"injury_value\":{\"value\":[5e4,1e5,2e5],\"source\":\"s\"},"
    "\"person_hour\":{\"value\":10,\"source\":\"s\"},"
    "\"symbolic_value\":{\"value\":1e6,\"source\":\"s\"}},"
    "\"weights\":{\"fatalities\":1,\"injuries\":1,\"economic\":1,\"symbolic\":1,\"source\":\"s\"}}";

/* Class, tier and family indices of PARAMS. */
enum { C_STAR = 0, C_REL = 1, T_ENH = 0, T_STD = 1, T_NONE = 2 };
enum { F_IED, F_VBIED, F_FIRE, F_RAM, F_EDGED, F_ARSON, F_UAS, F_CBRN, F_INSIDER, F_CYBER };

static bw_pack *pack;

static int setup(void **state)
{
    (void)state;
    pack = unit_default_pack();
    return pack ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bw_pack_free(pack);
    return 0;
}

static struct bw_riskparams *params(const char *text)
{
    struct bw_diag d;
    struct bw_riskparams *rp = NULL;
    char msg[1024];
    bw_diag_clear(&d);
    if (bw_riskparams_parse(pack, text, strlen(text), &d, &rp) != BW_OK)
        fail_msg("%s", bw_diag_format(&d, msg, sizeof msg));
    return rp;
}

/* The fixture's four threat types. */
static const struct bw_risk_threat THREATS[4] = {
    {.id = "knife", .family = F_EDGED, .share = 1},
    {.id = "gun", .family = F_FIRE, .share = 0.5},
    {.id = "truck-bomb", .family = F_VBIED, .share = 1, .tnt_kg = 1000, .vehicle_kg = 7000,
     .speed_kmh = 48},
    {.id = "scada", .family = F_CYBER, .share = 1},
};
enum { K_EDGED, K_FIRE, K_VBIED, K_CYBER };

/* The fixture's measures: a stand-off perimeter, a car-rated barrier, screening. */
static const struct bw_risk_measure MEASURES[3] = {
    {.id = "standoff-50", .effectiveness = 0.2, .standoff_m = 50, .acts_on = 1u << K_VBIED},
    {.id = "barrier-car", .effectiveness = 0.9, .barrier_kg = 1500, .barrier_kmh = 48,
     .acts_on = 1u << K_VBIED},
    {.id = "screening", .effectiveness = 0.5, .acts_on = 1u << K_EDGED},
};

/* Five sites (see each check for its hand computation). */
static const struct bw_risk_site SITES[5] = {
    {.cls = C_REL, .tier = T_STD, .capacity = 500, .police_m = NAN},
    {.cls = C_STAR, .tier = T_NONE, .capacity = 0, .area_m2 = 1000, .police_m = 3000,
     .outage_lo = 100, .outage_mode = 200, .outage_hi = 400},
    {.cls = C_REL, .tier = T_ENH, .capacity = 2000, .area_m2 = 100, .police_m = 0},
    {.cls = C_STAR, .tier = T_NONE, .capacity = 100, .police_m = NAN},
    {.cls = C_REL, .tier = T_STD, .capacity = 400, .police_m = NAN},
};
static const uint8_t RANKS[5 * 4] = {3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4,
                                     5, 5, 5, 5, 1, 1, 1, 1};
static const uint32_t SM_OFF[6] = {0, 0, 0, 1, 1, 3};
static const struct bw_risk_site_measure SM[3] = {{0, 1.0f}, {1, 0.5f}, {2, 1.0f}};

static struct bw_risk_input fixture(void)
{
    return (struct bw_risk_input){SITES, 5, THREATS, 4, RANKS, MEASURES, 3, SM_OFF, SM};
}

/* Relative closeness for floats stored by the engine. */
#define assert_rel(a, b) assert_close((a), (b), 2e-6 * fabs((double)(b)) + 1e-12)

static void check(const struct bw_risk_result *r, double lambda, double v, double c)
{
    double t = -expm1(-lambda);
    assert_rel(r->t, t);
    assert_rel(r->v, v);
    assert_rel(r->c, c);
    assert_rel(r->risk, t * v * c);
}

static void test_fixture_by_hand(void **state)
{
    struct bw_riskparams *rp = params(PARAMS);
    struct bw_risk_input in = fixture();
    struct bw_risk_result out[20];
    struct bw_risk_options o = {.seed = 7, .trials = 0, .threads = 2};
    struct bw_diag d;
    double rf = 0, ri = 0;
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_risk_run(rp, &in, &o, out, &d), BW_OK);
    assert_int_equal(bw_blast_range_for_incident(1000, 103, &rf), BW_OK);
    assert_int_equal(bw_blast_range_for_incident(1000, 13.8, &ri), BW_OK);

    /* Site 0 × knife: religious (attractiveness 2), standard tier (1.5), rank 3 (3e-4),
     * family share 0.2, threat share 1: λ = 3e-4·2·1.5·0.2 = 1.8e-4. V = religious ×
     * edged rule 0.8. People: 500 × occupancy 0.8; exposed 1 % → 4 (cap 20). F = 0.25·4 =
     * 1, I = 0.7·4 = 2.8; no outage, no property. C = 1·1e6 + 2.8·1e5 + 0.5·1e6 = 1.78e6. */
    check(&out[0 * 4 + K_EDGED], 1.8e-4, 0.8, 1.78e6);
    assert_rel(out[0].fatalities, 1.0);
    assert_rel(out[0].injuries, 2.8);
    /* Site 0 × gun: λ = 3e-4·2·1.5·0.2·0.5 = 9e-5; V = "*" rule 0.5. No police site:
     * 6,000 m at 60 km/h after 5 min dispatch = 11 min; 2 per minute → 22 harmed (< 500
     * present). occupancy 0.8·500 = 400 > 22 → 22: F = 0.4·22 = 8.8, I = 0.6·22 = 13.2.
     * Economic: 2e6 × 0.01 = 2e4. C = 8.8e6 + 1.32e6 + 2e4 + 5e5 = 1.064e7. */
    check(&out[0 * 4 + K_FIRE], 9e-5, 0.5, 1.064e7);
    /* Site 1 × gun: class "*", no tier, rank 2: λ = 2e-4·1·1·0.2·0.5 = 2e-5; V 0.5.
     * 10 people (min_present), 3 km: 5 + 3 = 8 min → cap min(10, 16) = 10; occupancy 0.5
     * → 5 exposed: F = 2, I = 3. Outage 200 × 0.1 = 20 ph → 200 EUR; property 1e6 × 0.01
     * = 1e4. C = 2e6 + 3e5 + 10,200 = 2,310,200. */
    check(&out[1 * 4 + K_FIRE], 2e-5, 0.5, 2310200.0);
    assert_rel(out[1 * 4 + K_FIRE].outage_ph, 20.0);
    /* Site 1 × scada: λ = 2e-4·0.05 = 1e-5; V 0.5; nobody exposed; outage 200 ph × 1 →
     * 2,000 EUR; property 1e6 × 0.05 = 5e4. C = 52,000. */
    check(&out[1 * 4 + K_CYBER], 1e-5, 0.5, 52000.0);
    assert_rel(out[1 * 4 + K_CYBER].economic, 52000.0);
    /* Site 2 × truck-bomb, 1,000 kg TNT, 50 m stand-off at quality 1: λ = 4e-4·2·2·0.1 =
     * 1.6e-4; the stand-off acts through distance, not V: V = 0.5. Footprint 100 m² →
     * radius 5.642 m; charge at 5.642 + 50 m from the centre. Fatal radius (103 kPa) < 50
     * m: nobody in it; injury radius (13.8 kPa) > 61.3 m: everyone in it. Occupancy 0.8
     * → 1,600 people, I = 0.5·1600 = 800, F = 0. Property 2e6 × 0.5 = 1e6. C = 800·1e5 +
     * 1e6 + 5e5 = 8.15e7. */
    assert_true(rf < 50.0 && ri > 50.0 + 2 * sqrt(100 / M_PI));
    check(&out[2 * 4 + K_VBIED], 1.6e-4, 0.5, 8.15e7);
    assert_rel(out[2 * 4 + K_VBIED].fatalities + 1.0, 1.0);
    /* Site 3 × truck-bomb, no measures: λ = 5e-4·1·1·0.1 = 5e-5, V = 0.5. 100 people at
     * density 1 → 100 m², radius 5.642; charge at the edge (5.642 m from the centre): the
     * whole disc lies within 2·5.642 m < fatal radius → all in the fatal zone. Occupancy
     * 0.5 → 50: F = 25, I = (1 − 0.5)·50 = 25. Property 1e6 × 0.5 = 5e5. C = 2.5e7 + 2.5e6
     * + 5e5 = 2.8e7. */
    assert_true(rf > 2 * sqrt(100 / M_PI));
    check(&out[3 * 4 + K_VBIED], 5e-5, 0.5, 2.8e7);
    /* Site 4 × truck-bomb: the barrier is rated for 1,500 kg, the truck is 7,000 kg: no
     * effect, V = 0.5. λ = 1e-4·2·1.5·0.1 = 3e-5. 400 people at density 2 → 200 m² (radius
     * 7.979 m), all within the fatal radius; occupancy 0.8 → 320: F = I = 160. C = 1.6e8 +
     * 1.6e7 + 1e6 + 5e5 = 1.775e8. */
    check(&out[4 * 4 + K_VBIED], 3e-5, 0.5, 1.775e8);
    /* Site 4 × knife, screening 0.5 at quality 1: V = 0.8·0.5 = 0.4; λ = 1e-4·2·1.5·0.2 =
     * 6e-5. Exposed 400·0.8·0.01 = 3.2: F = 0.8, I = 2.24. C = 8e5 + 2.24e5 + 5e5 =
     * 1.524e6. */
    check(&out[4 * 4 + K_EDGED], 6e-5, 0.4, 1.524e6);
    /* Without trials the percentiles are NaN. */
    assert_true(isnan(out[0].risk_p50));

    /* explain gives the same numbers and names the factors. */
    {
        struct bw_risk_explanation ex;
        int found = 0;
        assert_int_equal(bw_risk_explain(rp, &in, 4, K_VBIED, &ex, &d), BW_OK);
        assert_rel(ex.r.risk, out[4 * 4 + K_VBIED].risk);
        assert_rel(ex.conditional_risk, 0.5 * 1.775e8);
        for (size_t i = 0; i < ex.n; i++) {
            assert_non_null(ex.f[i].name);
            assert_non_null(ex.f[i].source);
            if (ex.f[i].detail && strcmp(ex.f[i].detail, "barrier-car") == 0)
                found = 1;
        }
        assert_true(found); /* the unrated barrier is listed with "no effect" */
        assert_int_equal(bw_risk_explain(rp, &in, 4, K_EDGED, &ex, &d), BW_OK);
        assert_rel(ex.r.v, 0.4);
    }
    bw_riskparams_free(rp);
}

/* Share of the crowd disc (radius rs, centre at the origin) within r of (dist, 0), counted
 * on a grid: the second implementation of the lens formula. */
static double grid_share(double r, double rs, double dist)
{
    long in = 0, all = 0;
    int n = 1000;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double x = -rs + (i + 0.5) * 2 * rs / n, y = -rs + (j + 0.5) * 2 * rs / n;
            if (x * x + y * y > rs * rs)
                continue;
            all++;
            in += (x - dist) * (x - dist) + y * y <= r * r;
        }
    return (double)in / (double)all;
}

static double factor(const struct bw_risk_explanation *ex, const char *name)
{
    for (size_t i = 0; i < ex->n; i++)
        if (strcmp(ex->f[i].name, name) == 0)
            return ex->f[i].value;
    fail_msg("no factor '%s'", name);
    return NAN;
}

static void test_blast_geometry(void **state)
{
    struct bw_riskparams *rp = params(PARAMS);
    /* A 2,000 m² crowd (radius 25.2 m) and a stand-off that puts the fatal radius across
     * part of it: the lens formula against the grid count. */
    struct bw_risk_site site = {.cls = C_STAR, .tier = T_NONE, .capacity = 2000,
                                .area_m2 = 2000, .police_m = NAN};
    struct bw_risk_measure m = {.id = "so", .standoff_m = 10, .acts_on = 1u << K_VBIED};
    struct bw_risk_site_measure sm = {0, 1.0f};
    uint32_t off[2] = {0, 1};
    uint8_t ranks[4] = {1, 1, 1, 1};
    struct bw_risk_input in = {&site, 1, THREATS, 4, ranks, &m, 1, off, &sm};
    struct bw_risk_explanation ex;
    struct bw_diag d;
    double rs = sqrt(2000 / M_PI), rf, ri;
    (void)state;

    assert_int_equal(bw_risk_explain(rp, &in, 0, K_VBIED, &ex, &d), BW_OK);
    rf = factor(&ex, "fatal radius");
    ri = factor(&ex, "injury radius");
    assert_close(factor(&ex, "charge to centre of the crowd"), rs + 10, 1e-9);
    assert_close(factor(&ex, "share of the crowd in the fatal zone"), grid_share(rf, rs, rs + 10),
                 2e-3);
    assert_close(factor(&ex, "share of the crowd in the injury zone"),
                 grid_share(ri, rs, rs + 10) - grid_share(rf, rs, rs + 10), 2e-3);
    bw_riskparams_free(rp);
}

/* ---- the Monte Carlo against a second implementation ----------------------------------- */

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double tri_inv(struct bw_tri t, double u)
{
    double fc;
    if (t.hi <= t.lo)
        return t.lo;
    fc = (t.mode - t.lo) / (t.hi - t.lo);
    if (u < fc)
        return t.lo + sqrt(u * (t.hi - t.lo) * (t.mode - t.lo));
    return t.hi - sqrt((1 - u) * (t.hi - t.lo) * (t.hi - t.mode));
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *sorted, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    return k + 1 < n ? sorted[k] + (pos - (double)k) * (sorted[k + 1] - sorted[k]) : sorted[k];
}

/* A barrier whose rating covers the vehicle counts; a counter-UAS sensor's warning
 * shelters people from a drone. */
static void test_barrier_and_uas(void **state)
{
    struct bw_riskparams *rp = params(PARAMS);
    static const struct bw_risk_threat th[2] = {
        {.id = "truck-bomb", .family = F_VBIED, .share = 1, .tnt_kg = 1000,
         .vehicle_kg = 7000, .speed_kmh = 48},
        {.id = "drone", .family = F_UAS, .share = 1, .uas_speed_ms = 20, .uas_payload_g = 0},
    };
    struct bw_risk_measure m[2] = {
        {.id = "barrier-truck", .effectiveness = 0.9, .barrier_kg = 7200, .barrier_kmh = 48,
         .acts_on = 1u},
        {.id = "radar", .effectiveness = 0, .detection_m = 600, .acts_on = 2u},
    };
    struct bw_risk_site site = {.cls = C_STAR, .tier = T_NONE, .capacity = 1000, .police_m = NAN};
    struct bw_risk_site_measure sm[2] = {{0, 0.5f}, {1, 1.0f}};
    uint32_t off[2] = {0, 2}, none[2] = {0, 0};
    uint8_t ranks[2] = {1, 1};
    struct bw_risk_input in = {&site, 1, th, 2, ranks, m, 2, off, sm};
    struct bw_risk_explanation ex, bare;
    struct bw_diag d;
    (void)state;

    /* Rated for 7,200 kg at 48 km/h ≥ the 7,000 kg truck at 48 km/h: V = 0.5 × (1 − 0.9 ×
     * 0.5) = 0.275. */
    assert_int_equal(bw_risk_explain(rp, &in, 0, 0, &ex, &d), BW_OK);
    assert_close(ex.r.v, 0.275, 1e-7);
    /* A drone without payload reaches 1 % of the people present, at most 10: 1000 × 0.5 ×
     * 0.01 = 5. Radar at 600 m, drone at 20 m/s: 30 s of warning, half of the 60 s the pack
     * asks for, so 0.8 × 0.5 = 40 % take cover: 3 people exposed, F = 0.3 × 3 = 0.9. */
    assert_int_equal(bw_risk_explain(rp, &in, 0, 1, &ex, &d), BW_OK);
    assert_close(ex.r.fatalities, 0.9, 1e-6);
    in.sm_off = none;
    assert_int_equal(bw_risk_explain(rp, &in, 0, 1, &bare, &d), BW_OK);
    assert_close(bare.r.fatalities, 1.5, 1e-6);
    assert_close(bare.r.v, 0.5, 1e-7);
    bw_riskparams_free(rp);
}

static void test_monte_carlo_second_implementation(void **state)
{
    static const uint32_t counts[] = {1, 2, 3, 7, 101, 1000};
    struct bw_riskparams *rp = params(PARAMS);
    struct bw_risk_input in = fixture();
    struct bw_risk_result out[20];
    struct bw_diag d;
    (void)state;

    for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
        struct bw_risk_options o = {.seed = 12345, .trials = counts[ci], .threads = 1};
        double *risk = calloc(o.trials, sizeof *risk), *fat = calloc(o.trials, sizeof *fat);
        assert_non_null(risk);
        assert_non_null(fat);
        assert_int_equal(bw_risk_run(rp, &in, &o, out, &d), BW_OK);
        /* Site 1 × gun (all of λ, V, occupancy, fractions, values and outage uncertain),
         * and site 3 × truck-bomb. Model as in the fixture: e1 = min(occ·p1, emax). */
        for (int c = 0; c < 2; c++) {
            size_t s = c == 0 ? 1 : 3, k = c == 0 ? K_FIRE : K_VBIED;
            const struct bw_risk_site *st = &SITES[s];
            uint64_t key = mix(mix(12345 + 0x9E3779B97F4A7C15ull) ^ ((s << 16) | k));
            const struct bw_risk_family *fm = &rp->families[THREATS[k].family];
            const struct bw_risk_class *cl = &rp->classes[st->cls];
            double mid;
            for (uint32_t t = 0; t < o.trials; t++) {
                uint64_t x[3];
                double u[6], rate, v, occ, ff, fi, vsl, iv, prop, out_ph, e1, inj, econ, cc, T;
                for (int j = 0; j < 3; j++) {
                    x[j] = mix(key + ((uint64_t)t * 3 + (uint64_t)j + 1) * 0x9E3779B97F4A7C15ull);
                    u[2 * j] = ((double)(x[j] >> 32) + 0.5) / 4294967296.0;
                    u[2 * j + 1] = ((double)(x[j] & 0xffffffffu) + 0.5) / 4294967296.0;
                }
                rate = tri_inv(rp->rates[RANKS[s * 4 + k] - 1].rate, u[0]);
                v = tri_inv(rp->vuln[st->cls * BW_RISK_NFAMILIES + (size_t)THREATS[k].family]->v,
                            u[1]);
                occ = tri_inv(cl->occupancy, u[2]);
                ff = tri_inv(fm->fatal, u[3]);
                fi = tri_inv(fm->injury, u[3]);
                vsl = tri_inv(rp->vsl, u[4]);
                iv = tri_inv(rp->injury_value, u[4]);
                prop = tri_inv(cl->property_value, u[4]);
                out_ph = tri_inv((struct bw_tri){st->outage_lo, st->outage_mode, st->outage_hi},
                                 u[5]);
                if (c == 0) { /* 10 people, cap 10 */
                    e1 = fmin(occ * 10, 10);
                    inj = fi * e1;
                } else { /* 100 people all in the fatal zone */
                    e1 = occ * 100;
                    inj = (1 - ff) * e1;
                }
                econ = prop * fm->property_factor + out_ph * fm->outage_factor * 10;
                cc = ff * e1 * vsl + inj * iv + econ + cl->symbolic * 1e6;
                T = -expm1(-rate * cl->attractiveness * rp->tiers[st->tier].factor * fm->share *
                           THREATS[k].share);
                risk[t] = T * v * cc;
                fat[t] = ff * e1;
            }
            qsort(risk, o.trials, sizeof risk[0], cmp_d);
            qsort(fat, o.trials, sizeof fat[0], cmp_d);
            mid = pct(risk, o.trials, 0.5);
            assert_close(out[s * 4 + k].risk_p5, pct(risk, o.trials, 0.05), 1e-5 * mid);
            assert_close(out[s * 4 + k].risk_p50, mid, 1e-5 * mid);
            assert_close(out[s * 4 + k].risk_p95, pct(risk, o.trials, 0.95), 1e-5 * mid);
            mid = pct(fat, o.trials, 0.5);
            assert_close(out[s * 4 + k].fat_p5, pct(fat, o.trials, 0.05), 1e-5 * mid + 1e-9);
            assert_close(out[s * 4 + k].fat_p50, mid, 1e-5 * mid + 1e-9);
            assert_close(out[s * 4 + k].fat_p95, pct(fat, o.trials, 0.95), 1e-5 * mid + 1e-9);
        }
        /* Site 1 × scada: nobody exposed, fatalities all 0 (a constant sample). */
        assert_true(out[1 * 4 + K_CYBER].fat_p5 == 0 && out[1 * 4 + K_CYBER].fat_p95 == 0);
        free(risk);
        free(fat);
    }
    bw_riskparams_free(rp);
}

/* ---- properties on random sites of the default pack ------------------------------------- */

struct world {
    const struct bw_riskparams *rp;
    struct bw_risk_threat threats[BW_RISK_MAX_THREATS];
    size_t nthreats;
    struct bw_risk_measure measures[64];
    size_t nmeasures;
    size_t nsites;
    struct bw_risk_site *sites;
    uint8_t *ranks;
    uint32_t *off;
    struct bw_risk_site_measure *sm;
};

static void world_make(struct world *w, size_t nsites, uint64_t seed)
{
    uint64_t st = seed;
    size_t nlevels = 0;
    w->rp = bw_pack_riskparams(pack);
    assert_non_null(w->rp);
    assert_int_equal(bw_risk_threats_from_pack(pack, w->threats, BW_RISK_MAX_THREATS,
                                               &w->nthreats), BW_OK);
    assert_int_equal(bw_risk_measures_from_pack(pack, w->threats, w->nthreats, w->measures, 64,
                                                &w->nmeasures), BW_OK);
    bw_pack_threat_levels(pack, &nlevels);
    w->nsites = nsites;
    w->sites = calloc(nsites, sizeof *w->sites);
    w->ranks = calloc(nsites * w->nthreats, 1);
    w->off = calloc(nsites + 1, sizeof *w->off);
    w->sm = calloc(nsites * 4 + 1, sizeof *w->sm);
    assert_true(w->sites && w->ranks && w->off && w->sm);
    for (size_t s = 0; s < nsites; s++) {
        struct bw_risk_site *x = &w->sites[s];
        double lo = unit_uniform(&st, 0, 1000);
        x->cls = (uint32_t)(unit_rand(&st) % w->rp->nclasses);
        x->tier = (uint32_t)(unit_rand(&st) % w->rp->ntiers);
        x->capacity = (float)(unit_rand(&st) % 4 ? unit_uniform(&st, 0, 50000) : 0);
        x->area_m2 = (float)(unit_rand(&st) % 2 ? unit_uniform(&st, 10, 1e5) : 0);
        x->police_m = (float)(unit_rand(&st) % 3 ? unit_uniform(&st, 0, 20000) : NAN);
        x->outage_lo = (float)lo;
        x->outage_mode = (float)(lo + unit_uniform(&st, 0, 1000));
        x->outage_hi = (float)(x->outage_mode + unit_uniform(&st, 0, 1000));
        for (size_t k = 0; k < w->nthreats; k++)
            w->ranks[s * w->nthreats + k] = (uint8_t)(1 + unit_rand(&st) % nlevels);
        w->off[s + 1] = w->off[s];
        for (int j = 0, nm = (int)(unit_rand(&st) % 4); j < nm; j++)
            w->sm[w->off[s + 1]++] = (struct bw_risk_site_measure){
                (uint32_t)(unit_rand(&st) % w->nmeasures), (float)unit_uniform(&st, 0, 1)};
    }
}

static void world_free(struct world *w)
{
    free(w->sites);
    free(w->ranks);
    free(w->off);
    free(w->sm);
}

static struct bw_risk_input world_input(const struct world *w)
{
    return (struct bw_risk_input){w->sites, w->nsites, w->threats, w->nthreats, w->ranks,
                                  w->measures, w->nmeasures, w->off, w->sm};
}

static struct bw_risk_result *run(const struct world *w, const struct bw_risk_input *in,
                                  uint32_t trials, unsigned threads)
{
    struct bw_risk_result *out = calloc(in->nsites * in->nthreats, sizeof *out);
    struct bw_risk_options o = {.seed = 99, .trials = trials, .threads = threads};
    struct bw_diag d;
    char msg[1024];
    (void)w;
    bw_diag_clear(&d);
    assert_non_null(out);
    if (bw_risk_run(w->rp, in, &o, out, &d) != BW_OK)
        fail_msg("%s", bw_diag_format(&d, msg, sizeof msg));
    return out;
}

static void test_threads_and_percentiles(void **state)
{
    struct world w;
    struct bw_risk_input in;
    struct bw_risk_result *r1, *r2, *r4;
    size_t n;
    (void)state;

    world_make(&w, 300, 1);
    in = world_input(&w);
    n = w.nsites * w.nthreats;
    r1 = run(&w, &in, 50, 1);
    r2 = run(&w, &in, 50, 2);
    r4 = run(&w, &in, 50, 4);
    assert_memory_equal(r1, r2, n * sizeof *r1);
    assert_memory_equal(r1, r4, n * sizeof *r1);
    for (size_t i = 0; i < n; i++) {
        assert_true(r1[i].risk_p5 <= r1[i].risk_p50 && r1[i].risk_p50 <= r1[i].risk_p95);
        assert_true(r1[i].fat_p5 <= r1[i].fat_p50 && r1[i].fat_p50 <= r1[i].fat_p95);
        assert_true(r1[i].t >= 0 && r1[i].t <= 1 && r1[i].v >= 0 && r1[i].v <= 1);
        assert_true(r1[i].risk >= 0 && isfinite(r1[i].risk));
    }
    /* bw_risk_explain gives the run's deterministic numbers, bit for bit. */
    for (size_t i = 0; i < n; i += 37) {
        struct bw_risk_explanation ex;
        struct bw_diag d;
        size_t s = i / w.nthreats, k = i % w.nthreats;
        assert_int_equal(bw_risk_explain(w.rp, &in, s, k, &ex, &d), BW_OK);
        assert_memory_equal(&ex.r, &r1[i], offsetof(struct bw_risk_result, risk_p5));
        assert_true(ex.n > 20);
    }
    free(r1);
    free(r2);
    free(r4);
    world_free(&w);
}

static void test_measure_never_raises_risk(void **state)
{
    struct world w;
    struct bw_risk_input in;
    uint64_t st = 5;
    (void)state;

    world_make(&w, 200, 2);
    for (int round = 0; round < 20; round++) {
        struct bw_risk_result *before, *after;
        uint32_t *off2 = calloc(w.nsites + 1, sizeof *off2);
        struct bw_risk_site_measure *sm2 = calloc(w.off[w.nsites] + w.nsites, sizeof *sm2);
        in = world_input(&w);
        before = run(&w, &in, 20, 2);
        /* Every site gets one more random measure at a random quality. */
        for (size_t s = 0; s < w.nsites; s++) {
            off2[s + 1] = off2[s];
            for (uint32_t j = w.off[s]; j < w.off[s + 1]; j++)
                sm2[off2[s + 1]++] = w.sm[j];
            sm2[off2[s + 1]++] = (struct bw_risk_site_measure){
                (uint32_t)(unit_rand(&st) % w.nmeasures), (float)unit_uniform(&st, 0, 1)};
        }
        in.sm_off = off2;
        in.sm = sm2;
        after = run(&w, &in, 20, 2);
        for (size_t i = 0; i < w.nsites * w.nthreats; i++) {
            assert_true(after[i].risk <= before[i].risk * (1 + 1e-6f));
            assert_true(after[i].risk_p50 <= before[i].risk_p50 * (1 + 1e-6f));
            assert_true(after[i].risk_p95 <= before[i].risk_p95 * (1 + 1e-6f));
        }
        free(before);
        free(after);
        free(off2);
        free(sm2);
    }
    world_free(&w);
}

static void test_standoff_never_raises_blast_consequence(void **state)
{
    struct world w;
    uint64_t st = 9;
    (void)state;

    world_make(&w, 1, 3);
    for (int round = 0; round < 100; round++) {
        struct bw_risk_measure m[2] = {
            {.id = "a", .standoff_m = unit_uniform(&st, 0, 300), .acts_on = ~0ull},
            {.id = "b", .acts_on = ~0ull}};
        struct bw_risk_site_measure sm = {0, 1.0f};
        uint32_t off[2] = {0, 1};
        struct bw_risk_input in = world_input(&w);
        double prev_c = INFINITY, prev_f = INFINITY;
        w.sites[0].cls = (uint32_t)(unit_rand(&st) % w.rp->nclasses);
        w.sites[0].capacity = (float)unit_uniform(&st, 1, 60000);
        w.sites[0].area_m2 = (float)(unit_rand(&st) % 2 ? unit_uniform(&st, 10, 1e5) : 0);
        m[1].standoff_m = m[0].standoff_m;
        in.measures = m;
        in.nmeasures = 2;
        in.sm_off = off;
        in.sm = &sm;
        for (size_t k = 0; k < w.nthreats; k++) {
            prev_c = prev_f = INFINITY;
            if (w.threats[k].tnt_kg <= 0)
                continue;
            for (double so = 0; so <= 400; so += 20) {
                struct bw_risk_explanation ex;
                struct bw_diag d;
                m[0].standoff_m = so;
                assert_int_equal(bw_risk_explain(w.rp, &in, 0, k, &ex, &d), BW_OK);
                assert_true(ex.r.c <= prev_c * (1 + 1e-6));
                assert_true(ex.r.fatalities <= prev_f * (1 + 1e-6) + 1e-6);
                prev_c = ex.r.c;
                prev_f = ex.r.fatalities;
            }
        }
    }
    world_free(&w);
}

static void test_threat_level_never_lowers_likelihood(void **state)
{
    struct world w;
    struct bw_risk_input in;
    struct bw_risk_result *lo, *hi;
    uint8_t *raised;
    size_t n, nlevels = 0;
    (void)state;

    world_make(&w, 300, 4);
    bw_pack_threat_levels(pack, &nlevels);
    in = world_input(&w);
    n = w.nsites * w.nthreats;
    raised = malloc(n);
    assert_non_null(raised);
    for (size_t i = 0; i < n; i++)
        raised[i] = (uint8_t)(w.ranks[i] < nlevels ? w.ranks[i] + 1 : w.ranks[i]);
    lo = run(&w, &in, 30, 2);
    in.rank = raised;
    hi = run(&w, &in, 30, 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(hi[i].t >= lo[i].t);
        assert_true(hi[i].risk >= lo[i].risk);
        assert_true(hi[i].risk_p5 >= lo[i].risk_p5 && hi[i].risk_p50 >= lo[i].risk_p50 &&
                    hi[i].risk_p95 >= lo[i].risk_p95);
    }
    free(lo);
    free(hi);
    free(raised);
    world_free(&w);
}

/* ---- errors ----------------------------------------------------------------------------- */

/* PARAMS with the first occurrence of @p from replaced by @p to (a new string). */
static char *patched(const char *from, const char *to)
{
    const char *at = strstr(PARAMS, from);
    size_t n = strlen(PARAMS) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(at);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - PARAMS), PARAMS, to, at + strlen(from));
    return s;
}

static void expect_bad(const char *from, const char *to, int code, const char *field,
                       const char *msg_part)
{
    char *text = patched(from, to);
    struct bw_riskparams *rp = NULL;
    struct bw_diag d;
    bw_diag_clear(&d);
    assert_int_equal(bw_riskparams_parse(pack, text, strlen(text), &d, &rp), code);
    assert_null(rp);
    assert_string_equal(d.field, field);
    if (!strstr(d.msg, msg_part))
        fail_msg("message '%s' lacks '%s'", d.msg, msg_part);
    free(text);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    expect_bad("[2e-4,4e-4,8e-4]", "[2e-4,2.5e-4,8e-4]", BW_EINVAL, "base_rate",
               "rank 4: rate below that of rank 3");
    expect_bad("\"v\":[0.6,0.8,0.9]", "\"v\":[0.6,0.8,1.5]", BW_ERANGE, "vulnerability",
               "\"v\" high 1.5 is outside 0..1");
    expect_bad("\"occupancy\":[0.2,0.5,0.9]", "\"occupancy\":[0.6,0.5,0.9]", BW_EINVAL, "classes",
               "low <= mode <= high");
    expect_bad("{\"class\":\"*\",", "{\"class\":\"nowhere\",", BW_EREF, "classes",
               "class 'nowhere': not a taxonomy class");
    expect_bad("\"family\":\"ied\",\"share\":0.1", "\"family\":\"ied\",\"share\":0.2", BW_EINVAL,
               "families", "sum to 1.1");
    expect_bad("\"family\":\"ied\",", "\"family\":\"knives\",", BW_EREF, "families",
               "family 'knives': not a threat family");
    expect_bad("{\"class\":\"*\",\"family\":\"*\"", "{\"class\":\"*\",\"family\":\"ied\"",
               BW_EINVAL, "vulnerability", "no rule for class '*' and family 'vbied'");
    expect_bad("\"rank\":3,\"rate\":[1.5e-4,3e-4,6e-4],\"source\":\"s\"",
               "\"rank\":3,\"rate\":[1.5e-4,3e-4,6e-4]", BW_EINVAL, "base_rate",
               "rate 2 has no \"source\"");
    expect_bad("\"fatal_kpa\":103", "\"fatal_kpa\":10", BW_EINVAL, "blast",
               "injury_kpa (13.8) must be below fatal_kpa (10)");
    expect_bad("{\"tier\":\"none\",", "{\"tier\":\"gold\",", BW_EREF, "tiers",
               "tier 'gold': not a tier of the pack");
    expect_bad("\"person_hour\":{\"value\":10", "\"person_hour\":{\"value\":-10", BW_ERANGE,
               "economic", "person_hour: \"value\" = -10 is outside");
}

static void expect_bad_input(struct bw_risk_input *in, int code, const char *field,
                             const char *msg_part)
{
    struct bw_riskparams *rp = params(PARAMS);
    struct bw_risk_result out[20];
    struct bw_risk_options o = {.seed = 1, .trials = 10, .threads = 1};
    struct bw_diag d;
    bw_diag_clear(&d);
    assert_int_equal(bw_risk_run(rp, in, &o, out, &d), code);
    assert_string_equal(d.field, field);
    if (!strstr(d.msg, msg_part))
        fail_msg("message '%s' lacks '%s'", d.msg, msg_part);
    bw_riskparams_free(rp);
}

static void test_bad_input(void **state)
{
    struct bw_risk_input in = fixture();
    struct bw_risk_site sites[5];
    struct bw_risk_site_measure sm[3];
    uint8_t ranks[20];
    struct bw_risk_threat th[4];
    (void)state;

    memcpy(sm, SM, sizeof sm);
    sm[2].quality = 1.5f;
    in.sm = sm;
    expect_bad_input(&in, BW_ERANGE, "quality", "site 4, measure 'screening': quality 1.5 is "
                                                "outside 0..1");
    in = fixture();
    memcpy(ranks, RANKS, sizeof ranks);
    ranks[6] = 0;
    in.rank = ranks;
    expect_bad_input(&in, BW_ERANGE, "rank", "site 1, threat 2: threat-level rank 0 is outside "
                                             "1..5");
    in = fixture();
    memcpy(sites, SITES, sizeof sites);
    sites[3].capacity = -5;
    in.sites = sites;
    expect_bad_input(&in, BW_ERANGE, "capacity", "site 3: capacity -5");
    sites[3].capacity = 10;
    sites[2].cls = 9;
    expect_bad_input(&in, BW_EINVAL, "class", "site 2: class index 9 (of 2)");
    in = fixture();
    memcpy(th, THREATS, sizeof th);
    th[2].tnt_kg = -1;
    in.threats = th;
    expect_bad_input(&in, BW_ERANGE, "threat", "threat 2 ('truck-bomb')");
}

static void test_default_pack(void **state)
{
    const struct bw_riskparams *rp = bw_pack_riskparams(pack);
    struct bw_risk_threat th[BW_RISK_MAX_THREATS];
    size_t n = 0, nlevels = 0;
    double sum = 0;
    (void)state;

    assert_non_null(rp);
    bw_pack_threat_levels(pack, &nlevels);
    assert_int_equal(rp->nrates, nlevels);
    assert_int_equal(bw_risk_threats_from_pack(pack, th, BW_RISK_MAX_THREATS, &n), BW_OK);
    assert_true(n >= 10);
    /* Threat shares within a family sum to 1 for every family present. */
    for (int f = 0; f < BW_RISK_NFAMILIES; f++) {
        double s = 0;
        for (size_t k = 0; k < n; k++)
            if (th[k].family == f)
                s += th[k].share;
        assert_true(s == 0 || fabs(s - 1) < 1e-12);
        sum += rp->families[f].share;
    }
    assert_close(sum, 1.0, 1e-9);
    /* Class lookup: own entry, sector, "*". */
    assert_string_equal(rp->classes[bw_riskparams_class_for(rp, pack, "hospital")].class_id,
                        "hospital");
    assert_string_equal(
        rp->classes[bw_riskparams_class_for(rp, pack, "energy.electricity")].class_id, "energy");
    assert_string_equal(rp->classes[bw_riskparams_class_for(rp, pack, "space")].class_id, "*");
    assert_true(bw_riskparams_tier_index(rp, NULL) >= 0);
    assert_true(bw_riskparams_tier_index(rp, "enhanced") >= 0);
    assert_int_equal(bw_riskparams_tier_index(rp, "gold"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_by_hand),
        cmocka_unit_test(test_blast_geometry),
        cmocka_unit_test(test_barrier_and_uas),
        cmocka_unit_test(test_monte_carlo_second_implementation),
        cmocka_unit_test(test_threads_and_percentiles),
        cmocka_unit_test(test_measure_never_raises_risk),
        cmocka_unit_test(test_standoff_never_raises_blast_consequence),
        cmocka_unit_test(test_threat_level_never_lowers_likelihood),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_default_pack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
