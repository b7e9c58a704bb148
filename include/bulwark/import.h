/*
 * import.h — all-or-nothing import and byte-stable export of the register.
 *
 * An import reads a whole CSV (RFC 4180) or GeoJSON (RFC 7946) file of sites,
 * organisations, dependencies or roles, validates every record against the pack and
 * writes them in one transaction: on the first bad record nothing is written and the
 * diag names the file, the line (or feature index) and the field. Export writes the
 * canonical form, so export → import → export gives the same bytes.
 *
 * Ownership: all inputs are borrowed. Thread-safety: one store handle per thread.
 */
#ifndef BW_IMPORT_H
#define BW_IMPORT_H

#include "pack.h"
#include "store.h"

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a file holds. */
enum bw_entity { BW_ENTITY_SITES, BW_ENTITY_ORGS, BW_ENTITY_DEPS, BW_ENTITY_ROLES };
/** How it is written. */
enum bw_format { BW_FORMAT_CSV, BW_FORMAT_GEOJSON };

/** Parses "sites", "orgs", "deps" or "roles". Returns BW_OK or BW_EINVAL. */
int bw_entity_parse(const char *name, enum bw_entity *out);
/** Parses "csv" or "geojson". Returns BW_OK or BW_EINVAL. */
int bw_format_parse(const char *name, enum bw_format *out);
/** Guesses the format from a file name (.csv, .geojson/.json); CSV when unsure. */
enum bw_format bw_format_guess(const char *path);

struct bw_import_opts {
    enum bw_entity entity;
    enum bw_format format;
    int upsert; /**< replace records whose id exists instead of failing */
    /** Called now and then with bytes consumed and total; may be NULL. */
    void (*progress)(void *ud, size_t done, size_t total);
    void *progress_ud;
};

/**
 * Imports @p n bytes at @p p, named @p name in diagnostics. With @p s NULL it only
 * parses and validates (a dry run, also used by the fuzz targets). *records receives
 * the number of records imported.
 */
int bw_import_mem(bw_store *s, const bw_pack *pack, const char *name, const char *p, size_t n,
                  const struct bw_import_opts *o, size_t *records, struct bw_diag *d);

/** Maps the file at @p path into memory (bounded by BW_IMPORT_MAX_BYTES) and imports it. */
int bw_import_file(bw_store *s, const bw_pack *pack, const char *path,
                   const struct bw_import_opts *o, size_t *records, struct bw_diag *d);

/** Writes every record of @p entity to @p out in @p format; *records gets the count. */
int bw_export(bw_store *s, enum bw_entity entity, enum bw_format format, FILE *out,
              size_t *records, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
