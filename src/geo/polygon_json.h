/*
 * polygon_json.h — library-internal: build a polygon from an already parsed jansson
 * geometry, so the GeoJSON reader does not serialise and re-parse footprints.
 */
#ifndef BW_POLYGON_JSON_H
#define BW_POLYGON_JSON_H

#include <jansson.h>

struct bw_diag;
struct bw_polygon;

/** As bw_polygon_parse, from a borrowed jansson value. */
int bw__polygon_from_json(json_t *geom, struct bw_diag *d, struct bw_polygon *out);

#endif
