/*
 * record.h — one row of named text fields, the common currency of CSV and GeoJSON.
 *
 * Importers turn a CSV row or a GeoJSON feature's properties into a bw_record; each
 * model noun (site, org, dep, role) validates a record into its typed struct and
 * renders its struct back into a record for export. A bw_column table per noun says
 * which columns exist, which are required and how GeoJSON types them, so unknown or
 * missing columns are caught in one place.
 *
 * Ownership: a record borrows its names and values; whoever builds it keeps them alive.
 */
#ifndef BW_RECORD_H
#define BW_RECORD_H

#include "str.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/** How a column is typed in GeoJSON properties (CSV is all text). */
enum bw_vtype {
    BW_V_STR,  /**< JSON string */
    BW_V_INT,  /**< JSON integer */
    BW_V_REAL, /**< JSON number */
    BW_V_LIST, /**< JSON array of strings; ';'-separated in CSV */
    BW_V_BOOL  /**< JSON true/false; "true"/"false" in CSV */
};

/** One column of an entity. */
struct bw_column {
    const char *name;
    enum bw_vtype type;
    int required;
};

/** Names and values; a value with p == NULL is absent (an empty CSV cell is absent too). */
struct bw_record {
    size_t n;
    const char *const *names; /**< borrowed */
    struct bw_str *vals;      /**< borrowed */
};

/** The value of column @p name, or an absent slice {NULL, 0}. Empty values count as absent. */
struct bw_str bw_record_get(const struct bw_record *r, const char *name);

/**
 * Checks a header against @p cols: every name known, none repeated, every required one
 * present. On error fills @p d with the offending column and returns BW_EINVAL.
 */
int bw_record_check_header(const char *const *names, size_t n, const struct bw_column *cols,
                           size_t ncols, struct bw_diag *d);

/* --- field validators shared by the nouns; each names @p field in its diagnostic --- */

/** Required or optional text: valid UTF-8, no control characters, at most @p max bytes.
 *  Copies into @p a; *out is NULL when absent and not required. */
int bw_field_text(struct bw_str v, const char *field, int required, size_t max, struct bw_arena *a,
                  struct bw_diag *d, const char **out);
/** An id: 1..BW_ID_MAX bytes, no control characters, no ';', no leading/trailing space. */
int bw_field_id(struct bw_str v, const char *field, int required, struct bw_arena *a,
                struct bw_diag *d, const char **out);
/** A number in [lo, hi]. *out is @p dflt when absent and not required. */
int bw_field_real(struct bw_str v, const char *field, int required, double lo, double hi,
                  double dflt, struct bw_diag *d, double *out);
/** An integer in [lo, hi]. *out is @p dflt when absent and not required. */
int bw_field_int(struct bw_str v, const char *field, int required, int64_t lo, int64_t hi,
                 int64_t dflt, struct bw_diag *d, int64_t *out);
/** "true"/"false"/"1"/"0"; *out is @p dflt when absent. */
int bw_field_bool(struct bw_str v, const char *field, int dflt, struct bw_diag *d, int *out);
/**
 * A ';'-separated list: items trimmed, empty items dropped, each checked by @p check
 * (may be NULL; returns nonzero to reject, having set the diag). Stores the canonical
 * ';'-joined text in *out (NULL when empty).
 */
int bw_field_list(struct bw_str v, const char *field,
                  int (*check)(const void *ctx, struct bw_str item, const char *field,
                               struct bw_diag *d),
                  const void *ctx, struct bw_arena *a, struct bw_diag *d, const char **out);

/* --- value renderers for export; text lives in @p a, {NULL,0} on ENOMEM --- */

/** A borrowed string as a value ({NULL, 0} for NULL). */
struct bw_str bw_value_str(const char *s);
/** An integer as text, or absent when @p v < 0 and @p absent_if_negative. */
struct bw_str bw_value_i64(struct bw_arena *a, int64_t v, int absent_if_negative);
/** A number as its shortest round-trip text. */
struct bw_str bw_value_real(struct bw_arena *a, double v);

#ifdef __cplusplus
}
#endif
#endif
