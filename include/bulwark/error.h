/*
 * error.h — result codes and the diagnostics record.
 *
 * Every fallible libbulwark function returns BW_OK (0) or a negative BW_E* code.
 * Parsers and importers also fill a struct bw_diag that names the file, the line or
 * feature, the field and what is wrong, so "bad input gets a clear error" is
 * structural rather than a matter of each caller's care.
 *
 * Ownership: struct bw_diag is caller-allocated plain data; nothing in it is heap memory.
 */
#ifndef BW_ERROR_H
#define BW_ERROR_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The closed set of result codes. */
enum bw_error {
    BW_OK = 0,
    BW_ENOMEM = -1,    /**< an allocation failed */
    BW_EINVAL = -2,    /**< a value is invalid (the diag says which) */
    BW_EIO = -3,       /**< reading or writing a file failed */
    BW_ENOTFOUND = -4, /**< no such record */
    BW_EEXIST = -5,    /**< a record with that id already exists */
    BW_ERANGE = -6,    /**< a number is outside its allowed range */
    BW_EPARSE = -7,    /**< malformed input (CSV, JSON, GeoJSON) */
    BW_ETOOBIG = -8,   /**< input exceeds a limit of limits.h */
    BW_ESTORE = -9,    /**< the database reported an error */
    BW_EENCODING = -10, /**< text is not valid UTF-8 */
    BW_EREF = -11,     /**< a reference to an unknown record or taxonomy entry */
    BW_ESCHEMA = -12,  /**< database schema is newer than this program */
    BW_EUSAGE = -13,   /**< wrong command-line usage */
    BW_EDENIED = -14,  /**< the caller's role may not do this (the diag says why) */
    BW_ESTATE = -15,   /**< the record's state does not allow this step */
    BW_ELAST = -16     /**< not an error: one past the last code */
};

/** A short English description of @p code. Never NULL; thread-safe. */
const char *bw_strerror(int code);

#define BW_DIAG_FILE_MAX 256
#define BW_DIAG_FIELD_MAX 64
#define BW_DIAG_MSG_MAX 512

/**
 * Where and why input was rejected. line is 0 and feature is -1 when unknown.
 * Initialise with bw_diag_clear(); fill with bw_diag_set*().
 */
struct bw_diag {
    char file[BW_DIAG_FILE_MAX];   /**< file name, or "" */
    uint64_t line;                 /**< 1-based line, 0 if not applicable */
    int64_t feature;               /**< 0-based GeoJSON feature index, -1 if n/a */
    char field[BW_DIAG_FIELD_MAX]; /**< field or column name, or "" */
    char msg[BW_DIAG_MSG_MAX];     /**< what is wrong, in plain words */
    int code;                      /**< the bw_error code that went with it */
};

/** Resets @p d to "no diagnostic". Accepts NULL. */
void bw_diag_clear(struct bw_diag *d);

/** Sets the file name (truncated to fit). Accepts d == NULL. */
void bw_diag_file(struct bw_diag *d, const char *file);

/**
 * Records an error: @p field (may be NULL) and a printf-style message. Returns @p code
 * so callers can write `return bw_diag_set(d, BW_EINVAL, "lat", "...")`.
 * Does not overwrite an earlier message (the first error is the one reported).
 * Accepts d == NULL (then only returns code).
 */
int bw_diag_set(struct bw_diag *d, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** True when a message has been recorded. */
int bw_diag_has(const struct bw_diag *d);

/**
 * Formats the diagnostic as one line, e.g. "sites.csv:3: field 'lat': 95 is not a
 * latitude (-90..90)". Writes at most @p n bytes including the NUL; returns @p buf.
 */
char *bw_diag_format(const struct bw_diag *d, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
