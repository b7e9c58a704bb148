/*
 * polygon.c — GeoJSON Polygon/MultiPolygon: parse, write, contain, centroid.
 *
 * Parsing is strict (RFC 7946 §3.1.6): each ring is an array of at least four
 * [lon, lat] positions (an optional third element, altitude, is accepted and
 * dropped) whose first and last positions are equal. Bounds from limits.h are checked
 * before anything is allocated for a ring. Containment uses the even-odd crossing
 * rule on each polygon (outer ring and holes together), so a point in a hole is out.
 * Pure functions; thread-safe on distinct or read-only polygons.
 */
#include "geo.h"
#include "polygon_json.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json_jansson.h"
#include "limits.h"
#include "str.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

void bw_polygon_release(struct bw_polygon *p)
{
    if (!p)
        return;
    bw_free(p->pts);
    bw_free(p->ring_start);
    bw_free(p->poly_start);
    memset(p, 0, sizeof *p);
}

/* Counts rings and positions of one polygon's coordinate array, validating shape. */
static int count_polygon(json_t *rings, struct bw_diag *d, size_t *nrings, size_t *npts)
{
    size_t i, j;
    json_t *ring, *pos;

    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return bw_diag_set(d, BW_EINVAL, "geometry", "a polygon needs at least one ring");
    json_array_foreach(rings, i, ring) {
        if (!json_is_array(ring))
            return bw_diag_set(d, BW_EINVAL, "geometry", "ring %zu is not an array", i);
        if (json_array_size(ring) < 4)
            return bw_diag_set(d, BW_EINVAL, "geometry",
                               "ring %zu has %zu positions; a closed ring needs at least 4", i,
                               json_array_size(ring));
        json_array_foreach(ring, j, pos) {
            size_t k = json_array_size(pos);
            if (!json_is_array(pos) || k < 2 || k > 3 ||
                !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1)))
                return bw_diag_set(d, BW_EINVAL, "geometry",
                                   "ring %zu position %zu is not [lon, lat]", i, j);
        }
        *npts += json_array_size(ring);
        *nrings += 1;
        if (*npts > BW_POLYGON_VERTICES_MAX)
            return bw_diag_set(d, BW_ETOOBIG, "geometry", "more than %d vertices",
                               BW_POLYGON_VERTICES_MAX);
        if (*nrings > BW_POLYGON_RINGS_MAX)
            return bw_diag_set(d, BW_ETOOBIG, "geometry", "more than %d rings",
                               BW_POLYGON_RINGS_MAX);
    }
    return BW_OK;
}

static int fill_polygon(json_t *rings, struct bw_diag *d, struct bw_polygon *p)
{
    size_t i, j;
    json_t *ring, *pos;

    json_array_foreach(rings, i, ring) {
        uint32_t first = p->npts;
        p->ring_start[p->nrings] = first;
        json_array_foreach(ring, j, pos) {
            double lon = json_number_value(json_array_get(pos, 0));
            double lat = json_number_value(json_array_get(pos, 1));
            if (!bw_geo_valid(lat, lon))
                return bw_diag_set(d, BW_EINVAL, "geometry",
                                   "ring %zu position %zu: [%g, %g] is not a valid [lon, lat]",
                                   i, j, lon, lat);
            p->pts[2 * p->npts] = lon;
            p->pts[2 * p->npts + 1] = lat;
            p->npts++;
        }
        if (p->pts[2 * first] != p->pts[2 * (p->npts - 1)] ||
            p->pts[2 * first + 1] != p->pts[2 * (p->npts - 1) + 1])
            return bw_diag_set(d, BW_EINVAL, "geometry",
                               "ring %zu is not closed (first and last positions differ)", i);
        p->nrings++;
        p->ring_start[p->nrings] = p->npts;
    }
    return BW_OK;
}

int bw__polygon_from_json(json_t *geom, struct bw_diag *d, struct bw_polygon *out)
{
    const char *type;
    json_t *coords, *poly;
    size_t nrings = 0, npts = 0, npolys, i;
    int multi, rc;

    memset(out, 0, sizeof *out);
    if (!json_is_object(geom))
        return bw_diag_set(d, BW_EINVAL, "geometry", "geometry is not an object");
    type = json_string_value(json_object_get(geom, "type"));
    coords = json_object_get(geom, "coordinates");
    if (!type)
        return bw_diag_set(d, BW_EINVAL, "geometry", "geometry has no \"type\"");
    if (strcmp(type, "Polygon") == 0)
        multi = 0;
    else if (strcmp(type, "MultiPolygon") == 0)
        multi = 1;
    else
        return bw_diag_set(d, BW_EINVAL, "geometry",
                           "footprint must be a Polygon or MultiPolygon, not %s", type);
    if (!json_is_array(coords))
        return bw_diag_set(d, BW_EINVAL, "geometry", "\"coordinates\" is not an array");
    if (multi) {
        npolys = json_array_size(coords);
        if (npolys == 0)
            return bw_diag_set(d, BW_EINVAL, "geometry", "empty MultiPolygon");
        json_array_foreach(coords, i, poly) {
            rc = count_polygon(poly, d, &nrings, &npts);
            if (rc)
                return rc;
        }
    } else {
        npolys = 1;
        rc = count_polygon(coords, d, &nrings, &npts);
        if (rc)
            return rc;
    }
    out->pts = bw_calloc(npts * 2, sizeof(double));
    out->ring_start = bw_calloc(nrings + 1, sizeof(uint32_t));
    out->poly_start = bw_calloc(npolys + 1, sizeof(uint32_t));
    if (!out->pts || !out->ring_start || !out->poly_start) {
        bw_polygon_release(out);
        return bw_diag_set(d, BW_ENOMEM, "geometry", "out of memory");
    }
    for (i = 0; i < npolys; i++) {
        out->poly_start[i] = out->nrings;
        rc = fill_polygon(multi ? json_array_get(coords, i) : coords, d, out);
        if (rc) {
            bw_polygon_release(out);
            return rc;
        }
        out->npolys++;
    }
    out->poly_start[npolys] = out->nrings;
    return BW_OK;
}

int bw_polygon_parse(const char *text, size_t n, struct bw_diag *d, struct bw_polygon *out)
{
    json_error_t err;
    json_t *geom;
    int rc;

    memset(out, 0, sizeof *out);
    geom = bw__json_loadb(text, n, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!geom)
        return rc == BW_ENOMEM ? bw_diag_set(d, rc, "geometry", "out of memory")
                               : bw_diag_set(d, rc, "geometry", "not valid JSON: %s", err.text);
    rc = bw__polygon_from_json(geom, d, out);
    json_decref(geom);
    return rc;
}

static int write_ring(const struct bw_polygon *p, uint32_t r, struct bw_buf *b)
{
    char x[BW_FMT_DOUBLE_MAX], y[BW_FMT_DOUBLE_MAX];
    int rc = bw_buf_putc(b, '[');

    for (uint32_t i = p->ring_start[r]; !rc && i < p->ring_start[r + 1]; i++)
        rc = bw_buf_printf(b, "%s[%s,%s]", i == p->ring_start[r] ? "" : ",",
                           bw_fmt_double(p->pts[2 * i], x), bw_fmt_double(p->pts[2 * i + 1], y));
    return rc ? rc : bw_buf_putc(b, ']');
}

static int write_poly(const struct bw_polygon *p, uint32_t k, struct bw_buf *b)
{
    int rc = bw_buf_putc(b, '[');

    for (uint32_t r = p->poly_start[k]; !rc && r < p->poly_start[k + 1]; r++) {
        if (r != p->poly_start[k])
            rc = bw_buf_putc(b, ',');
        if (!rc)
            rc = write_ring(p, r, b);
    }
    return rc ? rc : bw_buf_putc(b, ']');
}

int bw_polygon_write(const struct bw_polygon *p, struct bw_buf *b)
{
    int rc;

    if (p->npolys == 1) {
        rc = bw_buf_puts(b, "{\"type\":\"Polygon\",\"coordinates\":");
        if (!rc)
            rc = write_poly(p, 0, b);
    } else {
        rc = bw_buf_puts(b, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (uint32_t k = 0; !rc && k < p->npolys; k++) {
            if (k)
                rc = bw_buf_putc(b, ',');
            if (!rc)
                rc = write_poly(p, k, b);
        }
        if (!rc)
            rc = bw_buf_putc(b, ']');
    }
    return rc ? rc : bw_buf_putc(b, '}');
}

/* Even-odd crossing test of one ring (W. R. Franklin's PNPOLY). */
static int ring_crossings(const struct bw_polygon *p, uint32_t r, double x, double y)
{
    int in = 0;
    uint32_t a = p->ring_start[r], b = p->ring_start[r + 1];

    for (uint32_t i = a, j = b - 1; i < b; j = i++) {
        double xi = p->pts[2 * i], yi = p->pts[2 * i + 1];
        double xj = p->pts[2 * j], yj = p->pts[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

int bw_polygon_contains(const struct bw_polygon *p, double lat, double lon)
{
    for (uint32_t k = 0; k < p->npolys; k++) {
        int in = 0;
        for (uint32_t r = p->poly_start[k]; r < p->poly_start[k + 1]; r++)
            in ^= ring_crossings(p, r, lon, lat);
        if (in)
            return 1;
    }
    return 0;
}

void bw_polygon_centroid(const struct bw_polygon *p, double *lat, double *lon)
{
    double a = 0, cx = 0, cy = 0, x0, y0;
    uint32_t n;

    *lat = *lon = 0;
    if (p->npts == 0)
        return;
    /* Work relative to the first vertex to keep the shoelace sums well conditioned. */
    x0 = p->pts[0];
    y0 = p->pts[1];
    for (uint32_t k = 0; k < p->npolys; k++) {
        for (uint32_t r = p->poly_start[k]; r < p->poly_start[k + 1]; r++) {
            double ra = 0, rx = 0, ry = 0;
            for (uint32_t i = p->ring_start[r]; i + 1 < p->ring_start[r + 1]; i++) {
                double xa = p->pts[2 * i] - x0, ya = p->pts[2 * i + 1] - y0;
                double xb = p->pts[2 * i + 2] - x0, yb = p->pts[2 * i + 3] - y0;
                double c = xa * yb - xb * ya;
                ra += c;
                rx += (xa + xb) * c;
                ry += (ya + yb) * c;
            }
            /* Outer rings add and holes subtract, whatever their winding. */
            if ((r == p->poly_start[k]) != (ra >= 0)) {
                ra = -ra;
                rx = -rx;
                ry = -ry;
            }
            a += ra;
            cx += rx;
            cy += ry;
        }
    }
    if (fabs(a) > 1e-18) {
        *lon = x0 + cx / (3.0 * a);
        *lat = y0 + cy / (3.0 * a);
        return;
    }
    n = p->ring_start[1] - 1;
    for (uint32_t i = 0; i < n; i++) {
        *lon += p->pts[2 * i];
        *lat += p->pts[2 * i + 1];
    }
    *lon /= n;
    *lat /= n;
}

double bw_polygon_area_m2(const struct bw_polygon *p)
{
    double area = 0;

    for (uint32_t k = 0; k < p->npolys; k++)
        for (uint32_t r = p->poly_start[k]; r < p->poly_start[k + 1]; r++) {
            double a = bw_geo_ring_area(p->pts + 2 * (size_t)p->ring_start[r],
                                        p->ring_start[r + 1] - p->ring_start[r]);
            area += r == p->poly_start[k] ? a : -a;
        }
    return area > 0 ? area : 0;
}
