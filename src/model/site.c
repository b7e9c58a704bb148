/*
 * site.c — validation and rendering of sites.
 *
 * A site's category must exist in the pack; coordinates must be WGS84 degrees; a
 * footprint must be a valid GeoJSON Polygon or MultiPolygon and is stored in the
 * canonical form bw_polygon_write gives (so exports round-trip byte for byte); tags
 * must be MISP machine tags. When a footprint is given without lat/lon, the location
 * is the footprint's centroid. Pure functions.
 */
#include "site.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "geo.h"
#include "limits.h"

#include <stdio.h>
#include <string.h>

const struct bw_column bw_site_columns[] = {
    {"id", BW_V_STR, 1},        {"name", BW_V_STR, 1},     {"category", BW_V_STR, 1},
    {"lat", BW_V_REAL, 1},      {"lon", BW_V_REAL, 1},     {"capacity", BW_V_INT, 0},
    {"operator", BW_V_STR, 0},  {"supplies", BW_V_LIST, 0}, {"population_served", BW_V_INT, 0},
    {"region", BW_V_STR, 0},    {"tags", BW_V_LIST, 0},    {"footprint", BW_V_STR, 0},
};
const size_t bw_site_ncolumns = sizeof bw_site_columns / sizeof bw_site_columns[0];

static int is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

int bw_site_tag_valid(struct bw_str t)
{
    size_t i = 0, start;

    /* namespace */
    for (start = i; i < t.n && is_ident_char(t.p[i]); i++)
        ;
    if (i == start)
        return 0;
    if (i == t.n)
        return 1;
    if (t.p[i] != ':')
        return 0;
    /* predicate */
    for (start = ++i; i < t.n && (is_ident_char(t.p[i]) || t.p[i] == ' '); i++)
        ;
    if (i == start)
        return 0;
    if (i == t.n)
        return 1;
    /* ="value" with no inner quote */
    if (t.n - i < 3 || t.p[i] != '=' || t.p[i + 1] != '"' || t.p[t.n - 1] != '"')
        return 0;
    return memchr(t.p + i + 2, '"', t.n - i - 3) == NULL;
}

static int check_tag(const void *ctx, struct bw_str item, const char *field, struct bw_diag *d)
{
    (void)ctx;
    if (!bw_site_tag_valid(item))
        return bw_diag_set(d, BW_EINVAL, field,
                           "'%.*s' is not a machine tag (namespace:predicate=\"value\")",
                           (int)(item.n > 60 ? 60 : item.n), item.p);
    return BW_OK;
}

static int check_service(const void *ctx, struct bw_str item, const char *field,
                         struct bw_diag *d)
{
    size_t n;
    const struct bw_term *t = bw_pack_services(ctx, &n);
    if (!bw_pack_term(t, n, item.p, item.n))
        return bw_diag_set(d, BW_EREF, field, "unknown service '%.*s' (see bulwark taxonomy list)",
                           (int)(item.n > 60 ? 60 : item.n), item.p);
    return BW_OK;
}

int bw_site_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                        struct bw_diag *d, struct bw_site *out)
{
    struct bw_str cat = bw_record_get(r, "category"), fp = bw_record_get(r, "footprint");
    struct bw_str lat = bw_record_get(r, "lat"), lon = bw_record_get(r, "lon");
    struct bw_polygon poly = {0};
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = bw_field_id(bw_record_get(r, "id"), "id", 1, a, d, &out->id)) ||
        (rc = bw_field_text(bw_record_get(r, "name"), "name", 1, BW_TEXT_MAX, a, d, &out->name)))
        return rc;
    if (!cat.p)
        return bw_diag_set(d, BW_EINVAL, "category", "is required but empty");
    {
        const struct bw_class *c = bw_pack_class(pack, cat.p, cat.n);
        if (!c)
            return bw_diag_set(d, BW_EREF, "category",
                               "unknown category '%.*s' (see bulwark taxonomy list)",
                               (int)(cat.n > 60 ? 60 : cat.n), cat.p);
        out->category = c->id;
    }
    if (fp.p) {
        struct bw_buf b;
        rc = bw_polygon_parse(fp.p, fp.n, d, &poly);
        if (rc) {
            if (d)
                snprintf(d->field, sizeof d->field, "footprint");
            return rc;
        }
        bw_buf_init(&b, BW_CSV_FIELD_MAX);
        rc = bw_polygon_write(&poly, &b);
        if (!rc) {
            out->footprint = bw_arena_strndup(a, b.p, b.len);
            if (!out->footprint)
                rc = BW_ENOMEM;
        }
        bw_buf_release(&b);
        if (rc) {
            bw_polygon_release(&poly);
            return bw_diag_set(d, rc, "footprint", "%s", rc == BW_ETOOBIG
                                   ? "footprint too long to store" : "out of memory");
        }
    }
    if (poly.npts && !lat.p && !lon.p) {
        bw_polygon_centroid(&poly, &out->lat, &out->lon);
        /* The parser checks positions, not topology: a self-intersecting ring or a hole
         * outside its outer ring cancels area and can throw the centroid anywhere, even
         * off the globe. A centroid outside the footprint's bounding box betrays it. */
        {
            double lo_lat = 90, hi_lat = -90, lo_lon = 180, hi_lon = -180;
            for (uint32_t i = 0; i < poly.npts; i++) {
                double x = poly.pts[2 * i], y = poly.pts[2 * i + 1];
                lo_lon = x < lo_lon ? x : lo_lon;
                hi_lon = x > hi_lon ? x : hi_lon;
                lo_lat = y < lo_lat ? y : lo_lat;
                hi_lat = y > hi_lat ? y : hi_lat;
            }
            if (!(out->lat >= lo_lat && out->lat <= hi_lat && out->lon >= lo_lon &&
                  out->lon <= hi_lon)) {
                bw_polygon_release(&poly);
                return bw_diag_set(d, BW_EINVAL, "footprint",
                                   "its centroid (%.6g, %.6g) lies outside the footprint (a "
                                   "ring crossing itself, or a hole outside its outer ring?); "
                                   "give lat and lon",
                                   out->lat, out->lon);
            }
        }
    } else {
        if ((rc = bw_field_real(lat, "lat", 1, -90, 90, 0, d, &out->lat)) ||
            (rc = bw_field_real(lon, "lon", 1, -180, 180, 0, d, &out->lon))) {
            bw_polygon_release(&poly);
            return rc;
        }
    }
    bw_polygon_release(&poly);
    if ((rc = bw_field_int(bw_record_get(r, "capacity"), "capacity", 0, 0, INT64_C(100000000), -1,
                           d, &out->capacity)) ||
        (rc = bw_field_id(bw_record_get(r, "operator"), "operator", 0, a, d, &out->operator_id)) ||
        (rc = bw_field_list(bw_record_get(r, "supplies"), "supplies", check_service, pack, a, d,
                            &out->supplies)) ||
        (rc = bw_field_int(bw_record_get(r, "population_served"), "population_served", 0, 0,
                           INT64_C(10000000000), -1, d, &out->population)) ||
        (rc = bw_field_text(bw_record_get(r, "region"), "region", 0, BW_TEXT_MAX, a, d,
                            &out->region)) ||
        (rc = bw_field_list(bw_record_get(r, "tags"), "tags", check_tag, NULL, a, d, &out->tags)))
        return rc;
    return BW_OK;
}

int bw_site_to_values(const struct bw_site *s, struct bw_arena *a, struct bw_str *v)
{
    v[0] = bw_value_str(s->id);
    v[1] = bw_value_str(s->name);
    v[2] = bw_value_str(s->category);
    v[3] = bw_value_real(a, s->lat);
    v[4] = bw_value_real(a, s->lon);
    v[5] = bw_value_i64(a, s->capacity, 1);
    v[6] = bw_value_str(s->operator_id);
    v[7] = bw_value_str(s->supplies);
    v[8] = bw_value_i64(a, s->population, 1);
    v[9] = bw_value_str(s->region);
    v[10] = bw_value_str(s->tags);
    v[11] = bw_value_str(s->footprint);
    /* A number that could not be formatted must not export as an absent value. */
    return (v[3].p && v[4].p && (s->capacity < 0 || v[5].p) && (s->population < 0 || v[8].p))
               ? BW_OK
               : BW_ENOMEM;
}
