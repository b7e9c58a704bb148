/*
 * limits.h — every bound on input that comes from outside, in one place.
 *
 * Each buffer fed from a file, a request or a pack has a ceiling fixed here; exceeding
 * one is BW_ETOOBIG with a diagnostic naming the limit. docs/formats.md lists them.
 */
#ifndef BW_LIMITS_H
#define BW_LIMITS_H

/** Largest file `bulwark import` reads (8 GiB). */
#define BW_IMPORT_MAX_BYTES (8ull << 30)
/** Largest CSV field after unquoting (1 MiB; a footprint polygon can be long). */
#define BW_CSV_FIELD_MAX (1u << 20)
/** Largest CSV record (all fields of one row, 4 MiB). */
#define BW_CSV_RECORD_MAX (4u << 20)
/** Most columns in a CSV header. */
#define BW_CSV_COLUMNS_MAX 256
/** Largest single GeoJSON feature (16 MiB). */
#define BW_GEOJSON_FEATURE_MAX (16u << 20)
/** Most vertices in one polygon (all rings). */
#define BW_POLYGON_VERTICES_MAX 100000
/** Most rings in one polygon or multipolygon. */
#define BW_POLYGON_RINGS_MAX 1000
/** Deepest JSON nesting accepted anywhere (jansson's own limit is 2048). */
#define BW_JSON_DEPTH_MAX 64
/** Largest pack file (taxonomy, criteria) (8 MiB). */
#define BW_PACK_FILE_MAX (8u << 20)
/** Longest id (site, organisation) in bytes. */
#define BW_ID_MAX 128
/** Longest name or other one-line text in bytes. */
#define BW_TEXT_MAX 4096
/** Most items in a ';'-separated list field (tags, sectors, regions, services). */
#define BW_LIST_ITEMS_MAX 256
/** Largest radius accepted by a radius query (metres): just above the WGS84 antipodal distance, 20003931.46 m. */
#define BW_RADIUS_MAX_M 20003932.0

#endif
