/*
 * osm.h — turning an OpenStreetMap GeoJSON export (osmium export) into register records
 * through a documented tag mapping (data/demo/osm-mapping.json is the demo's).
 *
 * Each feature is matched against the mapping's site rules ("key=value"; the first
 * match wins) and handed to a callback as a site bw_record, ready for
 * bw_site_from_record; LineStrings matching a line rule are handed over as their two
 * end points. Ownership: records and strings passed to callbacks are valid only during
 * the call. Thread-safety: reentrant.
 */
#ifndef BW_OSM_H
#define BW_OSM_H

#include "record.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

struct bw_osm_cbs {
    /** A mapped site; @p match is the rule's "key=value". Nonzero stops the walk. */
    int (*site)(void *ud, const struct bw_record *r, const char *match);
    /** A mapped line's end points; @p rule is its index in line_rules. */
    int (*line)(void *ud, const char *osm_id, size_t rule, double lat0, double lon0,
                double lat1, double lon1);
    void *ud;
};

struct bw_osm_stats {
    size_t features, sites, lines, skipped;
};

/**
 * Walks the FeatureCollection @p geojson with the mapping document @p mapping.
 * Errors (bad JSON, unknown geometry, a mapping without rules) fill @p d.
 */
int bw_osm_map(const char *geojson, size_t n, const char *mapping, size_t mn,
               const struct bw_osm_cbs *cbs, struct bw_osm_stats *stats, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
