/*
 * test_geodesic.c — distances, azimuths and radius search boxes on WGS84, held to
 * GeographicLib's GeodSolve (run at test time through popen) and to hand-worked values.
 *
 * Inverse problem: ~200 pseudo-random pairs (uniform, short, nearly antipodal) plus
 * known hard pairs (antipodal, poles, antimeridian, coincident points) must agree with
 * `GeodSolve -i` to 1e-6 m. Search boxes: around many centres (near the poles and the
 * antimeridian too) GeodSolve's direct problem gives points at 0.999 r in every
 * direction; each must fall in one of bw_geo_bbox_radius's boxes, and the boxes must
 * not be much larger than the circle they bound.
 */
#include "unit.h"

#include "geo.h"

#ifndef BW_GEODSOLVE
#define BW_GEODSOLVE "GeodSolve"
#endif

#define DIST_TOL 1e-6 /* metres */
#define AZI_TOL 1e-9  /* degrees; about 0.1 mm at the Earth's radius */

/* ---- GeodSolve ---------------------------------------------------------------------- */

/*
 * Runs GeodSolve with @p flags on @p input (one problem per line) and returns a new
 * array of nlines * ncols numbers (free with free()).
 */
static double *geodsolve(const char *flags, const char *input, size_t nlines, size_t ncols)
{
    char path[] = "/tmp/bw-geodsolve-XXXXXX";
    char cmd[512];
    double *out;
    size_t got = 0, cap = 0;
    char *line = NULL;
    FILE *f, *p;
    int fd, status, bad = 0;

    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fputs(input, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof cmd, "'%s' %s < '%s'", BW_GEODSOLVE, flags, path);
    p = popen(cmd, "r");
    assert_non_null(p);
    out = calloc(nlines * ncols, sizeof *out);
    assert_non_null(out);
    /* Read everything and clean up before judging, so a failure leaves no file behind. */
    while (getline(&line, &cap, p) > 0) {
        const char *s = line;
        if (got >= nlines)
            bad = 1;
        for (size_t k = 0; !bad && k < ncols; k++) {
            char *end;
            out[got * ncols + k] = strtod(s, &end);
            if (end == s) {
                print_error("GeodSolve %s: cannot read '%s'\n", flags, line);
                bad = 1;
            }
            s = end;
        }
        got++;
    }
    free(line);
    status = pclose(p);
    unlink(path);
    assert_false(bad);
    assert_int_equal(status, 0);
    assert_int_equal(got, nlines);
    return out;
}

/* The difference of two azimuths in degrees, in (-180, 180]. */
static double azi_diff(double a, double b)
{
    double d = fmod(a - b, 360.0);
    if (d > 180.0)
        d -= 360.0;
    if (d <= -180.0)
        d += 360.0;
    return d;
}

/* ---- inverse problem ------------------------------------------------------------------ */

struct pair {
    double lat1, lon1, lat2, lon2;
};

static const struct pair known[] = {
    {0, 0, 0, 180},                          /* antipodal on the equator */
    {0, 0, 0.5, 179.5},                      /* nearly antipodal */
    {30, 0, -30, 180},                       /* antipodal, off the equator */
    {45, 45, -45, -135},                     /* antipodal */
    {0, 0, -1e-6, 179.99999},                /* the hardest nearly antipodal case */
    {-30.12345, 0, 29.9, 179.8},             /* nearly antipodal, off the equator */
    {90, 0, -90, 0},                         /* pole to pole */
    {90, 0, 0, 0},                           /* quarter meridian */
    {-90, 30, 10, 20},                       /* from the south pole */
    {89.9999999, 0, 89.9999999, 180},        /* across the north pole */
    {90, 0, 90, 100},                        /* the same pole, written twice */
    {10, 179.9, 10, -179.9},                 /* across the antimeridian */
    {-20, -179.999, -21, 179.999},           /* across the antimeridian */
    {0, 180, 0, -180},                       /* the same point, written twice */
    {51.5, -0.1, 51.5, -0.1},                /* the same point */
    {0, 0, 0, 1},                            /* along the equator */
    {0, 0, 1e-9, 1e-9},                      /* very short */
    {51.5074, -0.1278, 48.8566, 2.3522},     /* London to Paris */
    {-33.8688, 151.2093, 40.7128, -74.0060}, /* Sydney to New York */
};

static size_t build_pairs(struct pair *out, size_t max)
{
    uint64_t rng = 20261123;
    size_t n = 0;

    for (size_t i = 0; i < sizeof known / sizeof known[0] && n < max; i++)
        out[n++] = known[i];
    /* Uniform over the sphere's lat/lon box. */
    for (int i = 0; i < 120 && n < max; i++)
        out[n++] = (struct pair){unit_uniform(&rng, -90, 90), unit_uniform(&rng, -180, 180),
                                 unit_uniform(&rng, -90, 90), unit_uniform(&rng, -180, 180)};
    /* Short distances (metres to kilometres), where cancellation would show. */
    for (int i = 0; i < 40 && n < max; i++) {
        double lat = unit_uniform(&rng, -89, 89), lon = unit_uniform(&rng, -180, 180);
        out[n++] = (struct pair){lat, lon, lat + unit_uniform(&rng, -0.01, 0.01),
                                 lon + unit_uniform(&rng, -0.01, 0.01)};
    }
    /* Nearly antipodal, where the inverse problem is hardest. */
    for (int i = 0; i < 40 && n < max; i++) {
        double lat = unit_uniform(&rng, -80, 80), lon = unit_uniform(&rng, -180, 0);
        out[n++] = (struct pair){lat, lon, -lat + unit_uniform(&rng, -0.5, 0.5),
                                 lon + 180 + unit_uniform(&rng, -0.5, 0.5)};
    }
    return n;
}

static void test_inverse_vs_geodsolve(void **state)
{
    (void)state;
    struct pair pairs[256];
    size_t n = build_pairs(pairs, 256);
    char *input = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&input, &len);
    double *ref;

    assert_true(n >= 200);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.25f %.25f %.25f %.25f\n", pairs[i].lat1, pairs[i].lon1, pairs[i].lat2,
                pairs[i].lon2);
    fclose(f);
    /* Output: azi1 azi2 s12, with s12 to 1e-9 m. */
    ref = geodsolve("-i -p 9", input, n, 3);
    for (size_t i = 0; i < n; i++) {
        const struct pair *q = &pairs[i];
        double s = bw_geo_distance(q->lat1, q->lon1, q->lat2, q->lon2);
        double s12 = -1, azi1 = 999, azi2 = 999;

        bw_geo_inverse(q->lat1, q->lon1, q->lat2, q->lon2, &s12, &azi1, &azi2);
        if (fabs(s - ref[3 * i + 2]) > DIST_TOL || fabs(s12 - ref[3 * i + 2]) > DIST_TOL ||
            fabs(azi_diff(azi1, ref[3 * i])) > AZI_TOL ||
            fabs(azi_diff(azi2, ref[3 * i + 1])) > AZI_TOL) {
            print_error("pair %zu (%.17g, %.17g) -> (%.17g, %.17g):\n"
                        "  bulwark   s %.9f / %.9f azi1 %.12f azi2 %.12f\n"
                        "  GeodSolve s %.9f azi1 %.12f azi2 %.12f\n",
                        i, q->lat1, q->lon1, q->lat2, q->lon2, s, s12, azi1, azi2, ref[3 * i + 2],
                        ref[3 * i], ref[3 * i + 1]);
            fail();
        }
    }
    free(ref);
    free(input);
}

static void test_inverse_optional_outputs(void **state)
{
    (void)state;
    double s = -1, a1 = 999, a2 = 999;

    /* Any out-parameter may be NULL. */
    bw_geo_inverse(0, 0, 0, 1, NULL, NULL, NULL);
    bw_geo_inverse(0, 0, 0, 1, &s, NULL, NULL);
    bw_geo_inverse(0, 0, 0, 1, NULL, &a1, &a2);
    assert_close(s, BW_WGS84_A * M_PI / 180.0, 1e-9);
    assert_close(a1, 90.0, 1e-12);
    assert_close(a2, 90.0, 1e-12);
}

static void test_hand_worked(void **state)
{
    (void)state;
    /* Along the equator the geodesic is the equator: s = a * dlon (in radians). */
    assert_close(bw_geo_distance(0, 0, 0, 1), BW_WGS84_A * M_PI / 180.0, 1e-8);
    assert_close(bw_geo_distance(0, 10, 0, 40), BW_WGS84_A * M_PI / 6.0, 1e-7);
    /* The WGS84 quarter meridian, 10 001 965.729 3127 m (GeographicLib's documentation). */
    assert_close(bw_geo_distance(0, 0, 90, 0), 10001965.7293127, 1e-6);
    assert_close(bw_geo_distance(-90, 0, 90, 0), 2 * 10001965.7293127, 2e-6);
    /* Coincident points, however written. */
    assert_true(bw_geo_distance(51.5, -0.1, 51.5, -0.1) == 0.0);
    assert_true(bw_geo_distance(0, 180, 0, -180) == 0.0);
    assert_close(bw_geo_distance(90, 0, 90, 135), 0.0, 1e-9);
    /* Symmetry. */
    assert_close(bw_geo_distance(51.5074, -0.1278, -33.8688, 151.2093),
                 bw_geo_distance(-33.8688, 151.2093, 51.5074, -0.1278), 1e-8);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(bw_geo_valid(0, 0));
    assert_true(bw_geo_valid(90, 180));
    assert_true(bw_geo_valid(-90, -180));
    assert_false(bw_geo_valid(90.000001, 0));
    assert_false(bw_geo_valid(-95, 0));
    assert_false(bw_geo_valid(0, 180.000001));
    assert_false(bw_geo_valid(0, -181));
    assert_false(bw_geo_valid(NAN, 0));
    assert_false(bw_geo_valid(0, NAN));
    assert_false(bw_geo_valid(INFINITY, 0));
    assert_false(bw_geo_valid(0, -INFINITY));
}

/* ---- search boxes ------------------------------------------------------------------- */

#define AZ_STEPS 180 /* every 2 degrees */

static const double centres[][2] = {
    {0, 0},        {51.5, -0.12}, {-33.9, 151.2}, {60, 10},  {-60, -70}, {75, 100},
    {89.5, 0},     {89.99, 45},   {-89.9, -120},  {90, 0},   {-90, 0},   {0, 179.99},
    {10, -179.95}, {-45, 180},    {70, 179.5},    {0, -180}, {-5, 178},  {45, -179},
};
static const double radii[] = {10, 1000, 1e5, 1e6, 5e6};

static int in_boxes(const struct bw_bbox *b, int nb, double lat, double lon)
{
    for (int k = 0; k < nb; k++)
        if (lat >= b[k].min_lat && lat <= b[k].max_lat && lon >= b[k].min_lon &&
            lon <= b[k].max_lon)
            return 1;
    return 0;
}

static void test_bbox_radius(void **state)
{
    (void)state;
    const size_t nc = sizeof centres / sizeof centres[0], nr = sizeof radii / sizeof radii[0];
    const size_t nlines = nc * nr * AZ_STEPS;
    const double m_per_deg = 110574.0; /* a meridian degree at the equator, the shortest */
    char *input = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&input, &len);
    double *pts;
    size_t line = 0;

    for (size_t c = 0; c < nc; c++)
        for (size_t r = 0; r < nr; r++)
            for (int k = 0; k < AZ_STEPS; k++)
                fprintf(f, "%.25f %.25f %.25f %.25f\n", centres[c][0], centres[c][1],
                        k * (360.0 / AZ_STEPS), radii[r] * 0.999);
    fclose(f);
    /* Output: lat2 lon2 azi2 (lon2 reduced to [-180, 180)). */
    pts = geodsolve("-p 9", input, nlines, 3);

    for (size_t c = 0; c < nc; c++) {
        for (size_t r = 0; r < nr; r++) {
            const double lat = centres[c][0], lon = centres[c][1], rad = radii[r];
            struct bw_bbox b[2];
            int nb = bw_geo_bbox_radius(lat, lon, rad, b);
            double max_lat = -90, min_lat = 90, max_dlon = 0, width = 0;
            int east = 0, west = 0, full = 0;

            assert_true(nb == 1 || nb == 2);
            for (int k = 0; k < nb; k++) {
                assert_true(b[k].min_lat <= b[k].max_lat);
                assert_true(b[k].min_lon <= b[k].max_lon);
                assert_true(b[k].min_lat >= -90 && b[k].max_lat <= 90);
                assert_true(b[k].min_lon >= -180 && b[k].max_lon <= 180);
                width += b[k].max_lon - b[k].min_lon;
            }
            full = nb == 1 && b[0].min_lon == -180 && b[0].max_lon == 180;

            for (int k = 0; k < AZ_STEPS; k++, line++) {
                double plat = pts[3 * line], plon = pts[3 * line + 1];
                double dlon = azi_diff(plon, lon);
                /* The oracle's point really is at 0.999 r (guards the harness itself). */
                assert_close(bw_geo_distance(lat, lon, plat, plon), rad * 0.999,
                             1e-6 + rad * 1e-12);
                if (!in_boxes(b, nb, plat, plon)) {
                    print_error("centre (%g, %g) r %g m: point (%.12f, %.12f) at azimuth %g "
                                "is outside the %d box(es): [%.9f..%.9f] x [%.9f..%.9f]%s\n",
                                lat, lon, rad, plat, plon, k * (360.0 / AZ_STEPS), nb, b[0].min_lat,
                                b[0].max_lat, b[0].min_lon, b[0].max_lon, nb == 2 ? " (+1)" : "");
                    fail();
                }
                max_lat = plat > max_lat ? plat : max_lat;
                min_lat = plat < min_lat ? plat : min_lat;
                max_dlon = fabs(dlon) > max_dlon ? fabs(dlon) : max_dlon;
                east |= plon > 170;
                west |= plon < -170;
            }

            /*
             * Not absurdly large. Latitude: the box uses the smallest meridional radius,
             * at most (1 - e^2)^-1.5 ~ 1.0101 times too small, plus its 0.1 % and 1 m
             * margins, against points at 0.999 r: within 1.5 % and 2 m of the circle.
             */
            if (b[0].max_lat < 90)
                assert_true(b[0].max_lat - lat <= 1.015 * (max_lat - lat) + 2.0 / m_per_deg);
            if (b[0].min_lat > -90)
                assert_true(lat - b[0].min_lat <= 1.015 * (lat - min_lat) + 2.0 / m_per_deg);
            /*
             * Longitude: all longitudes only when the box reaches a pole or the circle
             * spans a wide range of them. Otherwise the box uses the parallel at its most
             * poleward latitude, so it is wider than the circle by about cos(centre) /
             * cos(poleward edge): up to ~2.4 for 1000 km at 75 degrees, hence at most 3
             * times; within 10 % up to 60 degrees for r <= 100 km (cos 60 / cos 60.9 is
             * 1.03), and within 1 % near the equator.
             */
            if (full) {
                assert_true(b[0].min_lat <= -90 || b[0].max_lat >= 90 || max_dlon > 45);
            } else {
                double half = width / 2;
                if (!(half <= 3.0 * max_dlon + 1e-9))
                    print_error("centre (%g, %g) r %g: half %.9g, circle %.9g, lat %g..%g\n", lat,
                                lon, rad, half, max_dlon, b[0].min_lat, b[0].max_lat);
                assert_true(half <= 3.0 * max_dlon + 1e-9);
                if (fabs(lat) <= 60 && rad <= 1e5)
                    assert_true(half <= 1.1 * max_dlon + 2.0 / m_per_deg);
                if (fabs(lat) <= 10 && rad <= 1e5)
                    assert_true(half <= 1.01 * max_dlon + 2.0 / m_per_deg);
                /* A circle that crosses the antimeridian needs the split. */
                if (east && west)
                    assert_int_equal(nb, 2);
            }
        }
    }
    free(pts);
    free(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inverse_vs_geodsolve),
        cmocka_unit_test(test_inverse_optional_outputs),
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_bbox_radius),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
