/*
 * osm.c — OpenStreetMap GeoJSON (as written by `osmium export`) to site records.
 *
 * Site ids are "osm-" plus osmium's unique id (n…, w…, r… for nodes, ways, relations),
 * so re-running the demo gives the same ids. Names come from the `name` tag, else the
 * rule's category and the OSM id. Capacity is OSM's `capacity` tag when it is a whole
 * number, else the rule's default. Points give the location; (Multi)Polygons give the
 * footprint and the location is its centroid. Each site is tagged osm:id and osm:tag
 * (the matched key=value) so later rules can find it. The feature collection is small
 * (a country's extract), so it is parsed as one jansson tree.
 */
#include "osm.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "geo.h"
#include "limits.h"
#include "polygon_json.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* True when feature properties @p props carry the tag "key=value" of @p match. */
static int tag_matches(json_t *props, const char *match)
{
    const char *eq = strchr(match, '=');
    char key[128];
    const char *v;

    if (!eq || (size_t)(eq - match) >= sizeof key)
        return 0;
    memcpy(key, match, (size_t)(eq - match));
    key[eq - match] = '\0';
    v = json_string_value(json_object_get(props, key));
    return v && strcmp(v, eq + 1) == 0;
}

static int map_site(json_t *f, json_t *props, json_t *rule, const struct bw_osm_cbs *cbs,
                    struct bw_arena *a, struct bw_diag *d)
{
    static const char *const names[] = {"id", "name", "category", "lat", "lon", "capacity",
                                        "operator", "supplies", "population_served", "region",
                                        "tags", "footprint"};
    struct bw_str v[12] = {{0}};
    const char *osm_id = json_string_value(json_object_get(f, "id"));
    const char *match = json_string_value(json_object_get(rule, "match"));
    const char *name = json_string_value(json_object_get(props, "name"));
    const char *cap = json_string_value(json_object_get(props, "capacity"));
    json_t *geom = json_object_get(f, "geometry");
    const char *gt = json_string_value(json_object_get(geom, "type"));
    char buf[512];
    struct bw_record r = {12, names, v};
    int64_t capacity;

    if (!osm_id)
        return bw_diag_set(d, BW_EINVAL, "id", "feature has no OSM id");
    snprintf(buf, sizeof buf, "osm-%s", osm_id);
    v[0] = bw_value_str(bw_arena_strndup(a, buf, strlen(buf)));
    if (name) {
        v[1] = bw_value_str(name);
    } else {
        snprintf(buf, sizeof buf, "%s %s",
                 json_string_value(json_object_get(rule, "category")), osm_id);
        v[1] = bw_value_str(bw_arena_strndup(a, buf, strlen(buf)));
    }
    v[2] = bw_value_str(json_string_value(json_object_get(rule, "category")));
    if (cap && bw_parse_i64(bw_str_c(cap), &capacity) == BW_OK && capacity >= 0)
        v[5] = bw_value_str(cap);
    else if (json_is_integer(json_object_get(rule, "capacity")))
        v[5] = bw_value_i64(a, json_integer_value(json_object_get(rule, "capacity")), 1);
    v[6] = bw_value_str(json_string_value(json_object_get(rule, "operator")));
    v[7] = bw_value_str(json_string_value(json_object_get(rule, "supplies")));
    if (json_is_integer(json_object_get(rule, "population_served")))
        v[8] = bw_value_i64(a, json_integer_value(json_object_get(rule, "population_served")), 1);
    v[9] = bw_value_str(json_string_value(json_object_get(props, "addr:city")));
    /* The rule's own tags (e.g. bulwark:armed-response="yes") follow the OSM ones. */
    {
        const char *extra = json_string_value(json_object_get(rule, "tags"));
        int len = snprintf(buf, sizeof buf, "osm:id=\"%s\";osm:tag=\"%s\"%s%s", osm_id, match,
                           extra ? ";" : "", extra ? extra : "");
        if (len < 0 || (size_t)len >= sizeof buf)
            return bw_diag_set(d, BW_ETOOBIG, "tags", "the tags of rule '%s' are too long",
                               match);
    }
    v[10] = bw_value_str(bw_arena_strndup(a, buf, strlen(buf)));
    if (gt && strcmp(gt, "Point") == 0) {
        json_t *c = json_object_get(geom, "coordinates");
        v[4] = bw_value_real(a, json_number_value(json_array_get(c, 0)));
        v[3] = bw_value_real(a, json_number_value(json_array_get(c, 1)));
    } else if (gt && (strcmp(gt, "Polygon") == 0 || strcmp(gt, "MultiPolygon") == 0)) {
        struct bw_polygon poly;
        struct bw_buf b;
        int rc = bw__polygon_from_json(geom, d, &poly);
        if (rc)
            return rc;
        bw_buf_init(&b, BW_CSV_FIELD_MAX);
        rc = bw_polygon_write(&poly, &b);
        bw_polygon_release(&poly);
        if (!rc)
            v[11] = bw_value_str(bw_arena_strndup(a, b.p, b.len));
        bw_buf_release(&b);
        if (rc)
            return bw_diag_set(d, rc, "geometry", "footprint too large");
    } else {
        return bw_diag_set(d, BW_EINVAL, "geometry", "a %s cannot be a site",
                           gt ? gt : "missing geometry");
    }
    return cbs->site(cbs->ud, &r, match);
}

int bw_osm_map(const char *geojson, size_t n, const char *mapping, size_t mn,
               const struct bw_osm_cbs *cbs, struct bw_osm_stats *st, struct bw_diag *d)
{
    json_error_t err;
    json_t *fc = NULL, *map = NULL, *rules, *lines, *features, *f;
    struct bw_arena a;
    size_t i;
    int rc = BW_OK;

    memset(st, 0, sizeof *st);
    bw_arena_init(&a, 16 * 1024);
    map = json_loadb(mapping, mn, JSON_REJECT_DUPLICATES, &err);
    if (!map) {
        rc = bw_diag_set(d, BW_EPARSE, NULL, "mapping is not valid JSON: %s (line %d)", err.text,
                         err.line);
        goto out;
    }
    rules = json_object_get(map, "site_rules");
    lines = json_object_get(map, "line_rules");
    if (!json_is_array(rules) || json_array_size(rules) == 0) {
        rc = bw_diag_set(d, BW_EINVAL, "site_rules", "the mapping has no site rules");
        goto out;
    }
    fc = json_loadb(geojson, n, JSON_REJECT_DUPLICATES, &err);
    if (!fc) {
        if (d)
            d->line = (uint64_t)(err.line > 0 ? err.line : 0);
        rc = bw_diag_set(d, BW_EPARSE, NULL, "not valid JSON: %s", err.text);
        goto out;
    }
    features = json_object_get(fc, "features");
    if (!json_is_array(features)) {
        rc = bw_diag_set(d, BW_EINVAL, "features", "not a GeoJSON FeatureCollection");
        goto out;
    }
    json_array_foreach(features, i, f) {
        json_t *props = json_object_get(f, "properties"), *rule = NULL, *geom;
        const char *gt;
        size_t k;

        st->features++;
        bw_arena_reset(&a);
        if (d)
            d->feature = (int64_t)i;
        geom = json_object_get(f, "geometry");
        gt = json_string_value(json_object_get(geom, "type"));
        if (gt && strcmp(gt, "LineString") == 0) {
            json_t *lr, *c = json_object_get(geom, "coordinates");
            size_t np = json_array_size(c);
            json_array_foreach(lines, k, lr) {
                if (!tag_matches(props, json_string_value(json_object_get(lr, "match"))))
                    continue;
                if (np >= 2) {
                    json_t *p0 = json_array_get(c, 0), *p1 = json_array_get(c, np - 1);
                    rc = cbs->line(cbs->ud, json_string_value(json_object_get(f, "id")), k,
                                   json_number_value(json_array_get(p0, 1)),
                                   json_number_value(json_array_get(p0, 0)),
                                   json_number_value(json_array_get(p1, 1)),
                                   json_number_value(json_array_get(p1, 0)));
                    if (rc)
                        goto out;
                    st->lines++;
                }
                break;
            }
            if (k == json_array_size(lines))
                st->skipped++;
            continue;
        }
        json_array_foreach(rules, k, rule) {
            if (tag_matches(props, json_string_value(json_object_get(rule, "match"))))
                break;
        }
        if (k == json_array_size(rules)) {
            st->skipped++;
            continue;
        }
        rc = map_site(f, props, rule, cbs, &a, d);
        if (rc)
            goto out;
        st->sites++;
    }
    if (d)
        d->feature = -1;
out:
    json_decref(fc);
    json_decref(map);
    bw_arena_release(&a);
    return rc;
}
