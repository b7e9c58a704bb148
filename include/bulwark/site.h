/*
 * site.h — a registered site: critical infrastructure or a soft target.
 *
 * The record is plain data whose strings are borrowed (from an arena or the store's
 * row buffer); validation from a bw_record copies into the caller's arena. Kind
 * (critical infrastructure or soft target) follows from the category in the pack.
 * Thread-safety: pure functions.
 */
#ifndef BW_SITE_H
#define BW_SITE_H

#include "pack.h"
#include "record.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/** A site. Optional strings are NULL when absent; optional numbers are -1. */
struct bw_site {
    const char *id;        /**< the State's own identifier, unique */
    const char *name;
    const char *category;  /**< a taxonomy id: sector, subsector or soft-target category */
    double lat, lon;       /**< WGS84 degrees: the point, or the footprint's centroid */
    const char *footprint; /**< canonical GeoJSON Polygon/MultiPolygon, or NULL */
    int64_t capacity;      /**< people present at once, or -1 */
    const char *operator_id; /**< organisation id, or NULL */
    const char *supplies;  /**< services supplied, canonical ';' list, or NULL */
    int64_t population;    /**< population served, or -1 */
    const char *region;    /**< administrative region, or NULL */
    const char *tags;      /**< MISP-style machine tags, canonical ';' list, or NULL */
};

/** The columns of a site in CSV and GeoJSON, in export order. */
extern const struct bw_column bw_site_columns[];
extern const size_t bw_site_ncolumns;

/**
 * Validates @p r against @p pack into @p out (strings copied into @p a). On error fills
 * @p d with the field and returns a BW_E* code.
 */
int bw_site_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                        struct bw_diag *d, struct bw_site *out);

/**
 * Renders @p s as text values in bw_site_columns order into @p vals (bw_site_ncolumns
 * slices; absent values are {NULL, 0}). Numbers are formatted into @p a.
 */
int bw_site_to_values(const struct bw_site *s, struct bw_arena *a, struct bw_str *vals);

/** True when @p tag is a MISP machine tag: namespace[:predicate[="value"]]. */
int bw_site_tag_valid(struct bw_str tag);

#ifdef __cplusplus
}
#endif
#endif
