/*
 * test_polygon.c — GeoJSON Polygon/MultiPolygon: strict parsing, byte-exact canonical
 * writing, containment and centroid.
 *
 * Containment and centroids are checked against GEOS (an independent implementation
 * of planar geometry) on thousands of random points for a concave polygon with holes,
 * a multipolygon with an island inside a hole, a clockwise star with 400 vertices and a
 * square with a grid of holes; the centroid also against hand-worked numbers.
 */
#include "unit.h"

#include "buf.h"
#include "geo.h"
#include "limits.h"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

/* ---- shapes: rings of (lon, lat), closed, built into GeoJSON and WKT ------------------ */

#define MAX_RINGS 16
#define MAX_POLYS 4
#define MAX_PTS 512

struct shape {
    size_t npolys;
    size_t nrings[MAX_POLYS];          /* rings per polygon, outer first */
    size_t npts[MAX_POLYS][MAX_RINGS]; /* positions per ring, closing one included */
    double xy[MAX_POLYS][MAX_RINGS][MAX_PTS][2];
};

/* Adds a ring to polygon @p k from @p n (lon, lat) pairs, closing it. */
static void add_ring(struct shape *s, size_t k, const double *xy, size_t n)
{
    size_t r = s->nrings[k]++;

    assert_true(r < MAX_RINGS && n + 1 <= MAX_PTS);
    if (k >= s->npolys)
        s->npolys = k + 1;
    for (size_t i = 0; i < n; i++) {
        s->xy[k][r][i][0] = xy[2 * i];
        s->xy[k][r][i][1] = xy[2 * i + 1];
    }
    s->xy[k][r][n][0] = xy[0];
    s->xy[k][r][n][1] = xy[1];
    s->npts[k][r] = n + 1;
}

/* An axis-aligned rectangle ring, counter-clockwise. */
static void add_rect(struct shape *s, size_t k, double x0, double y0, double x1, double y1)
{
    const double xy[4][2] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    add_ring(s, k, &xy[0][0], 4);
}

/* GeoJSON text (Polygon when one polygon, else MultiPolygon); free with free(). */
static char *shape_geojson(const struct shape *s, int force_multi)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int multi = force_multi || s->npolys > 1;

    fprintf(f, "{\"type\":\"%s\",\"coordinates\":%s", multi ? "MultiPolygon" : "Polygon",
            multi ? "[" : "");
    for (size_t k = 0; k < s->npolys; k++) {
        fprintf(f, "%s[", k ? "," : "");
        for (size_t r = 0; r < s->nrings[k]; r++) {
            fprintf(f, "%s[", r ? "," : "");
            for (size_t i = 0; i < s->npts[k][r]; i++)
                fprintf(f, "%s[%.17g,%.17g]", i ? "," : "", s->xy[k][r][i][0], s->xy[k][r][i][1]);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fprintf(f, "%s}", multi ? "]" : "");
    fclose(f);
    return text;
}

/* WKT text for GEOS; free with free(). */
static char *shape_wkt(const struct shape *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    fputs("MULTIPOLYGON (", f);
    for (size_t k = 0; k < s->npolys; k++) {
        fprintf(f, "%s(", k ? ", " : "");
        for (size_t r = 0; r < s->nrings[k]; r++) {
            fprintf(f, "%s(", r ? ", " : "");
            for (size_t i = 0; i < s->npts[k][r]; i++)
                fprintf(f, "%s%.17g %.17g", i ? ", " : "", s->xy[k][r][i][0], s->xy[k][r][i][1]);
            fputc(')', f);
        }
        fputc(')', f);
    }
    fputc(')', f);
    fclose(f);
    return text;
}

/* A "U" (concave) with a hole in its left arm and another in its base. */
static void shape_u_with_holes(struct shape *s)
{
    const double outer[8][2] = {{0, 0}, {10, 0}, {10, 10}, {7, 10},
                                {7, 3}, {3, 3},  {3, 10},  {0, 10}};
    const double arm_hole[4][2] = {{1, 4}, {2, 4}, {2, 8}, {1, 8}};
    const double base_hole[4][2] = {{4, 1}, {6, 1}, {6.5, 2}, {4, 2.5}};

    memset(s, 0, sizeof *s);
    add_ring(s, 0, &outer[0][0], 8);
    add_ring(s, 0, &arm_hole[0][0], 4);
    add_ring(s, 0, &base_hole[0][0], 4);
}

/* A square with a lake, an island in the lake, and a separate triangle. */
static void shape_island_in_lake(struct shape *s)
{
    const double tri[3][2] = {{35, 20}, {40, 20}, {37, 25}};

    memset(s, 0, sizeof *s);
    add_rect(s, 0, 20, 20, 30, 30);
    add_rect(s, 0, 22, 22, 28, 28);
    add_rect(s, 1, 24, 24, 26, 26);
    add_ring(s, 2, &tri[0][0], 3);
}

/* A star of 400 vertices, clockwise, in the south-western quadrant (negative coords). */
static void shape_star(struct shape *s, uint64_t seed)
{
    double xy[400][2];
    uint64_t rng = seed;

    memset(s, 0, sizeof *s);
    for (int i = 0; i < 400; i++) {
        double t = -2 * M_PI * i / 400; /* clockwise */
        double rad = (i % 2 ? 0.4 : 1.0) * unit_uniform(&rng, 0.5, 1.0);
        xy[i][0] = -70.123 + rad * cos(t);
        xy[i][1] = -30.456 + rad * sin(t);
    }
    add_ring(s, 0, &xy[0][0], 400);
}

/* A square with a 3 x 3 grid of square holes. */
static void shape_grid(struct shape *s)
{
    memset(s, 0, sizeof *s);
    add_rect(s, 0, 100, 40, 106, 46);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            add_rect(s, 0, 100.5 + 2 * i, 40.5 + 2 * j, 101.5 + 2 * i, 41.5 + 2 * j);
}

static void parse_ok(const char *text, struct bw_polygon *p)
{
    struct bw_diag d;
    char msg[1024];

    bw_diag_clear(&d);
    if (bw_polygon_parse(text, strlen(text), &d, p) != BW_OK) {
        print_error("parse failed: %s\n", bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
}

static char *write_text(const struct bw_polygon *p)
{
    struct bw_buf b;
    bw_buf_init(&b, 1u << 24);
    assert_int_equal(bw_polygon_write(p, &b), BW_OK);
    return bw_buf_take(&b);
}

/* ---- parse and write -------------------------------------------------------------------- */

static void test_round_trip_canonical(void **state)
{
    (void)state;
    static const char *const canonical[] = {
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[-0.1276,51.5072],[-0.1,51.5072],"
        "[-0.1,51.52],[-0.1276,51.5072]],[[-0.12,51.51],[-0.11,51.51],[-0.11,51.515],"
        "[-0.12,51.51]]]}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],"
        "[[[179.99999999999997,-89.99999999999999],[180,-90],[-180,-90],"
        "[179.99999999999997,-89.99999999999999]]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0.1,0.2],[0.30000000000000004,0.2],"
        "[0.30000000000000004,1e-05],[0.1,0.2]]]}",
    };
    struct bw_polygon p;

    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
        char *out;
        parse_ok(canonical[i], &p);
        out = write_text(&p);
        assert_string_equal(out, canonical[i]);
        bw_free(out);
        bw_polygon_release(&p);
    }

    /* Random coordinates survive byte for byte: parse(write(x)) == x. */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        struct shape s;
        char *in, *out, *again;
        shape_star(&s, seed);
        in = shape_geojson(&s, 0);
        parse_ok(in, &p);
        assert_int_equal(p.npts, 401);
        for (uint32_t k = 0; k < p.npts; k++) {
            assert_true(p.pts[2 * k] == s.xy[0][0][k][0]);
            assert_true(p.pts[2 * k + 1] == s.xy[0][0][k][1]);
        }
        out = write_text(&p);
        bw_polygon_release(&p);
        parse_ok(out, &p);
        again = write_text(&p);
        assert_string_equal(out, again);
        bw_free(out);
        bw_free(again);
        bw_polygon_release(&p);
        free(in);
    }
}

static void test_write_canonicalises(void **state)
{
    (void)state;
    struct bw_polygon p;
    char *out;

    /* Whitespace, member order, spellings of numbers and altitudes are normalised. */
    parse_ok("{ \"coordinates\" : [ [ [0.0, 0, 12.5], [1e0, -0.0], [1.50, 1], [0,1],"
             " [0, 0, 3] ] ], \"type\": \"Polygon\", \"bbox\": [0, 0, 1, 1] }",
             &p);
    out = write_text(&p);
    assert_string_equal(
        out, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1.5,1],[0,1],[0,0]]]}");
    bw_free(out);
    bw_polygon_release(&p);

    /* A MultiPolygon of one polygon is written as a Polygon (the same shape). */
    parse_ok("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]]]}", &p);
    assert_int_equal(p.npolys, 1);
    out = write_text(&p);
    assert_string_equal(out, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}");
    bw_free(out);
    bw_polygon_release(&p);

    /* The structure arrays describe the rings and polygons. */
    {
        struct shape s;
        char *in;
        shape_island_in_lake(&s);
        in = shape_geojson(&s, 0);
        parse_ok(in, &p);
        assert_int_equal(p.npolys, 3);
        assert_int_equal(p.nrings, 4);
        assert_int_equal(p.npts, 5 + 5 + 5 + 4);
        assert_int_equal(p.poly_start[0], 0);
        assert_int_equal(p.poly_start[1], 2);
        assert_int_equal(p.poly_start[2], 3);
        assert_int_equal(p.poly_start[3], 4);
        assert_int_equal(p.ring_start[1], 5);
        assert_int_equal(p.ring_start[4], 19);
        bw_polygon_release(&p);
        free(in);
    }
    bw_polygon_release(NULL);
}

/* Expects @p text to be refused with @p code, the field "geometry" and @p msg_part. */
static void expect_reject(const char *text, size_t n, int code, const char *msg_part)
{
    struct bw_polygon p;
    struct bw_diag d;
    char msg[1024];
    int rc;

    memset(&p, 0x5A, sizeof p);
    bw_diag_clear(&d);
    rc = bw_polygon_parse(text, n, &d, &p);
    if (rc != code || strcmp(d.field, "geometry") != 0 || !strstr(d.msg, msg_part) ||
        d.code != code) {
        print_error("'%.80s': rc %d (want %d), diag '%s'\n", text, rc, code,
                    bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    /* On error the polygon is empty and safe to release. */
    assert_null(p.pts);
    assert_null(p.ring_start);
    assert_null(p.poly_start);
    assert_int_equal(p.npts, 0);
    bw_polygon_release(&p);
}

#define REJECT(text, code, part) expect_reject((text), strlen(text), (code), (part))

static void test_rejects(void **state)
{
    (void)state;
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", BW_EINVAL,
           "not closed");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
           "[[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.3]]]}",
           BW_EINVAL, "ring 1 is not closed");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", BW_EINVAL, "at least 4");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[]]}", BW_EINVAL, "at least 4");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[]}", BW_EINVAL, "at least one ring");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,95],[1,1],[0,0]]]}", BW_EINVAL,
           "not a valid [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[181,0],[1,1],[0,0]]]}", BW_EINVAL,
           "not a valid [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0,0,0],[1,1],[0,0]]]}", BW_EINVAL,
           "is not [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"1\",0],[1,1],[0,0]]]}", BW_EINVAL,
           "is not [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1],[1,1],[0,0]]]}", BW_EINVAL,
           "is not [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[0,0,1,1]]}", BW_EINVAL,
           "position 0 is not [lon, lat]");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[5]}", BW_EINVAL, "ring 0 is not an array");
    REJECT("{\"type\":\"Point\",\"coordinates\":[0,0]}", BW_EINVAL, "not Point");
    REJECT("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}", BW_EINVAL, "not LineString");
    REJECT("{\"type\":\"polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", BW_EINVAL,
           "not polygon");
    REJECT("{\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", BW_EINVAL, "no \"type\"");
    REJECT("{\"type\":7,\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", BW_EINVAL, "no \"type\"");
    REJECT("{\"type\":\"Polygon\"}", BW_EINVAL, "not an array");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":{}}", BW_EINVAL, "not an array");
    REJECT("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", BW_EINVAL, "empty MultiPolygon");
    REJECT("{\"type\":\"MultiPolygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", BW_EINVAL,
           "ring 0 has 2 positions");
    REJECT("[1,2]", BW_EINVAL, "not an object");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]", BW_EPARSE,
           "not valid JSON");
    REJECT("", BW_EPARSE, "not valid JSON");
    REJECT("{\"type\":\"Polygon\",\"type\":\"Polygon\",\"coordinates\":"
           "[[[0,0],[1,0],[1,1],[0,0]]]}",
           BW_EPARSE, "not valid JSON");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]} x", BW_EPARSE,
           "not valid JSON");
    REJECT("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[NaN,0],[1,1],[0,0]]]}", BW_EPARSE,
           "not valid JSON");
    /* The length is honoured: a valid prefix is not a valid polygon. */
    expect_reject("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", 20,
                  BW_EPARSE, "not valid JSON");
}

/* A ring of @p n positions (closed) around the unit circle, as GeoJSON text. */
static char *big_ring(size_t n, size_t nrings)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    fputs("{\"type\":\"Polygon\",\"coordinates\":[", f);
    for (size_t r = 0; r < nrings; r++) {
        fprintf(f, "%s[", r ? "," : "");
        for (size_t i = 0; i + 1 < n; i++) {
            double t = 2 * M_PI * (double)i / (double)(n - 1);
            fprintf(f, "[%.6f,%.6f],", 10 * cos(t) + (double)r * 1e-3, 10 * sin(t));
        }
        fprintf(f, "[%.6f,%.6f]]", 10.0 + (double)r * 1e-3, 0.0);
    }
    fputs("]}", f);
    fclose(f);
    return text;
}

static void test_limits(void **state)
{
    (void)state;
    struct bw_polygon p;
    char *text;

    /* Exactly the vertex limit is accepted; one more is refused. */
    text = big_ring(BW_POLYGON_VERTICES_MAX, 1);
    parse_ok(text, &p);
    assert_int_equal(p.npts, BW_POLYGON_VERTICES_MAX);
    bw_polygon_release(&p);
    free(text);
    text = big_ring(BW_POLYGON_VERTICES_MAX + 1, 1);
    expect_reject(text, strlen(text), BW_ETOOBIG, "vertices");
    free(text);
    /* The limit counts all rings together. */
    text = big_ring(BW_POLYGON_VERTICES_MAX / 4 + 1, 4);
    expect_reject(text, strlen(text), BW_ETOOBIG, "vertices");
    free(text);
    /* Rings: the limit, then one more. */
    text = big_ring(4, BW_POLYGON_RINGS_MAX);
    parse_ok(text, &p);
    assert_int_equal(p.nrings, BW_POLYGON_RINGS_MAX);
    bw_polygon_release(&p);
    free(text);
    text = big_ring(4, BW_POLYGON_RINGS_MAX + 1);
    expect_reject(text, strlen(text), BW_ETOOBIG, "rings");
    free(text);
}

/* ---- containment and centroid against GEOS -------------------------------------------- */

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt;
}

static void check_against_geos(const struct shape *s, uint64_t seed, int npoints)
{
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
    char *wkt = shape_wkt(s), *json = shape_geojson(s, 0);
    GEOSGeometry *g, *bnd, *cg;
    const GEOSPreparedGeometry *pg;
    struct bw_polygon p;
    double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9, gx, gy, clat, clon;
    uint64_t rng = seed;
    int inside = 0, outside = 0, skipped = 0;

    GEOSContext_setErrorHandler_r(h, geos_quiet);
    g = GEOSWKTReader_read_r(h, rd, wkt);
    assert_non_null(g);
    assert_int_equal(GEOSisValid_r(h, g), 1); /* the oracle's input is a valid shape */
    pg = GEOSPrepare_r(h, g);
    bnd = GEOSBoundary_r(h, g);
    assert_non_null(pg);
    assert_non_null(bnd);
    parse_ok(json, &p);

    for (size_t k = 0; k < s->npolys; k++)
        for (size_t i = 0; i < s->npts[k][0]; i++) {
            minx = fmin(minx, s->xy[k][0][i][0]);
            maxx = fmax(maxx, s->xy[k][0][i][0]);
            miny = fmin(miny, s->xy[k][0][i][1]);
            maxy = fmax(maxy, s->xy[k][0][i][1]);
        }
    for (int i = 0; i < npoints; i++) {
        double x = unit_uniform(&rng, minx - 0.1 * (maxx - minx), maxx + 0.1 * (maxx - minx));
        double y = unit_uniform(&rng, miny - 0.1 * (maxy - miny), maxy + 0.1 * (maxy - miny));
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        double dist = 0;
        char want;
        int got;

        assert_non_null(pt);
        /* Boundary points may go either way (geo.h); none should occur, but skip them. */
        assert_int_equal(GEOSDistance_r(h, bnd, pt, &dist), 1);
        if (dist < 1e-9) {
            skipped++;
            GEOSGeom_destroy_r(h, pt);
            continue;
        }
        want = GEOSPreparedContains_r(h, pg, pt);
        assert_true(want == 0 || want == 1);
        got = bw_polygon_contains(&p, y, x);
        if (got != want) {
            print_error("point lon %.17g lat %.17g: bulwark says %s, GEOS says %s\n", x, y,
                        got ? "inside" : "outside", want ? "inside" : "outside");
            fail();
        }
        inside += want;
        outside += !want;
        GEOSGeom_destroy_r(h, pt);
    }
    /* The sample exercises both answers. */
    assert_true(inside > npoints / 20);
    assert_true(outside > npoints / 20);
    assert_true(skipped < 3);

    /* Planar area-weighted centroid, holes subtracted. */
    cg = GEOSGetCentroid_r(h, g);
    assert_non_null(cg);
    assert_int_equal(GEOSGeomGetX_r(h, cg, &gx), 1);
    assert_int_equal(GEOSGeomGetY_r(h, cg, &gy), 1);
    bw_polygon_centroid(&p, &clat, &clon);
    assert_close(clon, gx, 1e-9);
    assert_close(clat, gy, 1e-9);

    GEOSGeom_destroy_r(h, cg);
    bw_polygon_release(&p);
    GEOSPreparedGeom_destroy_r(h, pg);
    GEOSGeom_destroy_r(h, bnd);
    GEOSGeom_destroy_r(h, g);
    GEOSWKTReader_destroy_r(h, rd);
    GEOS_finish_r(h);
    free(wkt);
    free(json);
}

static void test_contains_concave_with_holes(void **state)
{
    (void)state;
    struct shape s;
    struct bw_polygon p;
    char *json;

    shape_u_with_holes(&s);
    check_against_geos(&s, 1, 5000);
    /* Hand-picked points: the notch of the U, each hole, each arm, outside. */
    json = shape_geojson(&s, 0);
    parse_ok(json, &p);
    assert_false(bw_polygon_contains(&p, 6, 5));   /* in the notch between the arms */
    assert_false(bw_polygon_contains(&p, 6, 1.5)); /* in the arm's hole */
    assert_false(bw_polygon_contains(&p, 1.5, 5)); /* in the base's hole */
    assert_true(bw_polygon_contains(&p, 9, 0.5));  /* left arm, beside its hole */
    assert_true(bw_polygon_contains(&p, 9, 8.5));  /* right arm */
    assert_true(bw_polygon_contains(&p, 0.5, 5));  /* base, below its hole */
    assert_false(bw_polygon_contains(&p, 5, -1));  /* west of everything */
    assert_false(bw_polygon_contains(&p, 11, 5));  /* north of everything */
    bw_polygon_release(&p);
    free(json);
}

static void test_contains_multipolygon(void **state)
{
    (void)state;
    struct shape s;
    struct bw_polygon p;
    char *json;

    shape_island_in_lake(&s);
    check_against_geos(&s, 2, 5000);
    json = shape_geojson(&s, 0);
    parse_ok(json, &p);
    assert_true(bw_polygon_contains(&p, 21, 21));  /* land around the lake */
    assert_false(bw_polygon_contains(&p, 23, 23)); /* the lake */
    assert_true(bw_polygon_contains(&p, 25, 25));  /* the island in the lake */
    assert_true(bw_polygon_contains(&p, 21, 37));  /* the triangle */
    assert_false(bw_polygon_contains(&p, 25, 33)); /* between them */
    bw_polygon_release(&p);
    free(json);
}

static void test_contains_star_and_grid(void **state)
{
    (void)state;
    struct shape s;

    for (uint64_t seed = 10; seed < 13; seed++) {
        shape_star(&s, seed);
        check_against_geos(&s, seed, 4000);
    }
    shape_grid(&s);
    check_against_geos(&s, 99, 5000);
}

static void test_centroid_hand_worked(void **state)
{
    (void)state;
    struct bw_polygon p;
    double lat, lon;

    /* A 2 x 2 square: its middle. */
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}", &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 1.0, 1e-12);
    assert_close(lat, 1.0, 1e-12);
    bw_polygon_release(&p);

    /*
     * A 4 x 4 square (area 16, centroid (2, 2)) less a unit hole at [1,2] x [1,2]
     * (area 1, centroid (1.5, 1.5)): ((16 * 2 - 1 * 1.5) / 15) = 30.5 / 15 on each axis.
     * The hole is wound the same way as the outer ring; the result must not care.
     */
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
             "[[1,1],[2,1],[2,2],[1,2],[1,1]]]}",
             &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 30.5 / 15, 1e-12);
    assert_close(lat, 30.5 / 15, 1e-12);
    bw_polygon_release(&p);
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,4],[4,4],[4,0],[0,0]],"
             "[[1,1],[2,1],[2,2],[1,2],[1,1]]]}",
             &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 30.5 / 15, 1e-12);
    assert_close(lat, 30.5 / 15, 1e-12);
    bw_polygon_release(&p);

    /* Two unit squares side by side, as a MultiPolygon: (1.5, 0.5). */
    parse_ok("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"
             "[[[2,0],[3,0],[3,1],[2,1],[2,0]]]]}",
             &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 1.5, 1e-12);
    assert_close(lat, 0.5, 1e-12);
    bw_polygon_release(&p);

    /* A square far from the origin, where naive shoelace sums lose digits. */
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[179.0001,89.0001],[179.0002,89.0001],"
             "[179.0002,89.0002],[179.0001,89.0002],[179.0001,89.0001]]]}",
             &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 179.00015, 1e-10);
    assert_close(lat, 89.00015, 1e-10);
    bw_polygon_release(&p);

    /* Zero area (collinear): the mean of the outer ring's distinct vertices. */
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[3,3],[0,0]]]}", &p);
    bw_polygon_centroid(&p, &lat, &lon);
    assert_close(lon, 4.0 / 3, 1e-12);
    assert_close(lat, 4.0 / 3, 1e-12);
    bw_polygon_release(&p);
}

/* Areas against GeographicLib's Planimeter 2.1.2 (geographiclib-tools), which prints
 * them to 0.1 m²: `printf '47.14 9.52\n47.14 9.53\n47.15 9.53\n47.15 9.52\n' | Planimeter`. */
static void test_area_vs_planimeter(void **state)
{
    struct bw_polygon p;

    (void)state;
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[9.52,47.14],[9.53,47.14],"
             "[9.53,47.15],[9.52,47.15],[9.52,47.14]]]}", &p);
    assert_close(bw_polygon_area_m2(&p), 843252.2, 0.1);
    bw_polygon_release(&p);
    /* Orientation does not matter; a hole is subtracted (1 degree square at the equator
     * minus a quarter-degree square of 769301603.3 m²). */
#define HOLE_M2 769301603.3
    parse_ok("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,1],[1,1],[1,0],[0,0]],"
             "[[0.25,0.25],[0.5,0.25],[0.5,0.5],[0.25,0.5],[0.25,0.25]]]}", &p);
    assert_close(bw_polygon_area_m2(&p), 12308778361.5 - HOLE_M2, 0.2);
    bw_polygon_release(&p);
    parse_ok("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"
             "[[[0.25,0.25],[0.5,0.25],[0.5,0.5],[0.25,0.5],[0.25,0.25]]]]}", &p);
    assert_close(bw_polygon_area_m2(&p), 12308778361.5 + HOLE_M2, 0.2);
    bw_polygon_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_canonical),
        cmocka_unit_test(test_write_canonicalises),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_contains_concave_with_holes),
        cmocka_unit_test(test_contains_multipolygon),
        cmocka_unit_test(test_contains_star_and_grid),
        cmocka_unit_test(test_centroid_hand_worked),
        cmocka_unit_test(test_area_vs_planimeter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
