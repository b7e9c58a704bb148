/*
 * fuzz_polygon.c — libFuzzer target for GeoJSON Polygon/MultiPolygon parsing and writing.
 *
 * When bw_polygon_parse accepts the input, the polygon must be well formed (offsets
 * increasing, rings closed with >= 4 valid positions, limits respected) and its
 * canonical form must be stable: write it, parse that again (must succeed, same
 * shape, same coordinates) and write again: the two texts must be byte-identical. This
 * is what makes footprints round-trip through export and import. Then containment and
 * the centroid run on the result (the centroid must be finite). Anything else aborts.
 * A rejected input must leave the polygon empty and a diagnostic.
 *
 * The input is also given to the site model as the footprint of a site without lat/lon
 * (bw_site_from_record with the default pack): a site it accepts must have a valid
 * WGS84 location and the canonical footprint, since both go to the register as they are.
 */
#include "fuzz_common.h"

#include "arena.h"
#include "buf.h"
#include "geo.h"
#include "limits.h"
#include "record.h"
#include "site.h"

#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_load_pack(); /* for the site check */
    return 0;
}

static void check_shape(const struct bw_polygon *p)
{
    FUZZ_CHECK(p->npolys >= 1 && p->nrings >= p->npolys && p->npts >= 4 * p->nrings,
               "%u polygons, %u rings, %u positions", p->npolys, p->nrings, p->npts);
    FUZZ_CHECK(p->npts <= BW_POLYGON_VERTICES_MAX && p->nrings <= BW_POLYGON_RINGS_MAX,
               "limits exceeded: %u positions, %u rings", p->npts, p->nrings);
    FUZZ_CHECK(p->poly_start[0] == 0 && p->poly_start[p->npolys] == p->nrings, "poly offsets");
    FUZZ_CHECK(p->ring_start[0] == 0 && p->ring_start[p->nrings] == p->npts, "ring offsets");
    for (uint32_t k = 0; k < p->npolys; k++)
        FUZZ_CHECK(p->poly_start[k + 1] > p->poly_start[k], "polygon %u has no ring", k);
    for (uint32_t r = 0; r < p->nrings; r++) {
        uint32_t a = p->ring_start[r], b = p->ring_start[r + 1];
        FUZZ_CHECK(b >= a + 4, "ring %u has %u positions", r, b - a);
        FUZZ_CHECK(p->pts[2 * a] == p->pts[2 * (b - 1)] &&
                       p->pts[2 * a + 1] == p->pts[2 * (b - 1) + 1],
                   "ring %u not closed", r);
    }
    for (uint32_t i = 0; i < p->npts; i++)
        FUZZ_CHECK(bw_geo_valid(p->pts[2 * i + 1], p->pts[2 * i]), "position %u invalid", i);
}

static void check_same(const struct bw_polygon *a, const struct bw_polygon *b)
{
    FUZZ_CHECK(a->npts == b->npts && a->nrings == b->nrings && a->npolys == b->npolys,
               "shape changed: %u/%u/%u -> %u/%u/%u", a->npolys, a->nrings, a->npts, b->npolys,
               b->nrings, b->npts);
    FUZZ_CHECK(memcmp(a->ring_start, b->ring_start, (a->nrings + 1) * sizeof *a->ring_start) == 0,
               "ring offsets changed");
    FUZZ_CHECK(memcmp(a->poly_start, b->poly_start, (a->npolys + 1) * sizeof *a->poly_start) == 0,
               "polygon offsets changed");
    for (uint32_t i = 0; i < 2 * a->npts; i++) /* == so that -0 and 0 agree */
        FUZZ_CHECK(a->pts[i] == b->pts[i], "coordinate %u changed: %.17g -> %.17g", i, a->pts[i],
                   b->pts[i]);
}

/* The footprint as a site's only location; returns the site's canonical footprint. */
static void check_site(const char *text, size_t n, const char *canonical)
{
    static const char *const names[] = {"id", "name", "category", "footprint"};
    struct bw_str vals[] = {{"s1", 2}, {"Site", 4}, {"hospital", 8}, {text, n}};
    struct bw_record rec = {4, names, vals};
    struct bw_arena a;
    struct bw_site site;
    struct bw_diag d;
    int rc;

    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    rc = bw_site_from_record(fuzz_pack, &rec, &a, &d, &site);
    fuzz_check_diag(rc, &d);
    if (canonical)
        FUZZ_CHECK(rc == BW_OK || rc == BW_EINVAL || rc == BW_ETOOBIG,
                   "site refused a footprint the parser accepts: %d %s", rc, d.msg);
    else
        FUZZ_CHECK(rc != BW_OK, "site accepted a footprint the parser refuses");
    if (rc == BW_OK) {
        FUZZ_CHECK(bw_geo_valid(site.lat, site.lon),
                   "site accepted with location (%.17g, %.17g), outside WGS84", site.lat, site.lon);
        FUZZ_CHECK(site.footprint && strcmp(site.footprint, canonical) == 0,
                   "site footprint is not the canonical text");
    }
    bw_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bw_polygon p, q;
    struct bw_buf w1, w2;
    struct bw_diag d;
    double lat, lon;
    int rc;

    bw_diag_clear(&d);
    rc = bw_polygon_parse((const char *)data, size, &d, &p);
    fuzz_check_diag(rc, &d);
    if (rc != BW_OK) {
        FUZZ_CHECK(!p.pts && !p.ring_start && !p.poly_start && !p.npts && !p.nrings && !p.npolys,
                   "rejected input left a non-empty polygon");
        check_site((const char *)data, size, NULL);
        return 0;
    }
    check_shape(&p);

    bw_buf_init(&w1, (size_t)1 << 30);
    bw_buf_init(&w2, (size_t)1 << 30);
    rc = bw_polygon_write(&p, &w1);
    FUZZ_CHECK(rc == BW_OK, "write failed: %s", bw_strerror(rc));
    bw_diag_clear(&d);
    rc = bw_polygon_parse(w1.p, w1.len, &d, &q);
    FUZZ_CHECK(rc == BW_OK, "own output does not parse: %s: %s", d.msg, w1.p);
    check_same(&p, &q);
    rc = bw_polygon_write(&q, &w2);
    FUZZ_CHECK(rc == BW_OK, "second write failed: %s", bw_strerror(rc));
    FUZZ_CHECK(w1.len == w2.len && memcmp(w1.p, w2.p, w1.len) == 0,
               "write/parse/write not byte-identical:\n%s\n%s", w1.p, w2.p);

    bw_polygon_centroid(&p, &lat, &lon);
    FUZZ_CHECK(isfinite(lat) && isfinite(lon), "centroid (%g, %g)", lat, lon);
    (void)bw_polygon_contains(&p, lat, lon);
    (void)bw_polygon_contains(&p, p.pts[1], p.pts[0]);
    (void)bw_polygon_contains(&p, 0, 0);
    (void)bw_polygon_contains(&p, 90, 180);
    (void)bw_polygon_contains(&p, -90, -180);

    check_site((const char *)data, size, w1.p);

    bw_buf_release(&w1);
    bw_buf_release(&w2);
    bw_polygon_release(&q);
    bw_polygon_release(&p);
    return 0;
}
