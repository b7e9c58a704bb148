/*
 * geojson.h — library-internal: a streaming reader of GeoJSON FeatureCollections.
 *
 * The envelope is scanned by hand and each feature's bytes are handed to jansson one
 * at a time, so a million-feature file needs memory for one feature, not the whole
 * tree. Every value is still parsed strictly by jansson (duplicate keys, bad UTF-8,
 * NUL, trailing garbage are refused). Ownership: the reader borrows the input;
 * features returned are new references the caller must json_decref.
 */
#ifndef BW_GEOJSON_H
#define BW_GEOJSON_H

#include <jansson.h>
#include <stdint.h>

struct bw_diag;
struct bw_buf;
typedef struct bw_geojson bw_geojson;

int bw_geojson_open(const char *p, size_t n, bw_geojson **out);
void bw_geojson_free(bw_geojson *g);

/**
 * The next feature object: returns 1 with *feature (new reference), *index (0-based)
 * and *line set; 0 when the collection is complete and well-formed; or a negative
 * code with @p d filled.
 */
int bw_geojson_next(bw_geojson *g, json_t **feature, int64_t *index, uint64_t *line,
                    struct bw_diag *d);

/** Bytes consumed so far. */
size_t bw_geojson_offset(const bw_geojson *g);

#endif
