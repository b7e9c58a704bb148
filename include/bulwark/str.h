/*
 * str.h — length-counted string slices, UTF-8 validation, strict number parsing and
 * shortest round-trip number formatting.
 *
 * A struct bw_str borrows bytes it does not own; they need not be NUL-terminated.
 * All functions here are pure and thread-safe.
 */
#ifndef BW_STR_H
#define BW_STR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A borrowed slice of bytes. */
struct bw_str {
    const char *p;
    size_t n;
};

/** A slice of a NUL-terminated string (NULL gives an empty slice). */
struct bw_str bw_str_c(const char *s);
/** True when @p a holds exactly the bytes of the NUL-terminated @p s. */
int bw_str_eq(struct bw_str a, const char *s);
/** The slice without leading and trailing ASCII spaces and tabs. */
struct bw_str bw_str_trim(struct bw_str s);
/** The index of @p key in @p sorted[0..n) (ascending by strcmp), or -1. */
int64_t bw_str_bsearch(const char *const *sorted, size_t n, const char *key);

/**
 * True when @p p[0..n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF). When false and @p bad is not NULL, *bad is the offset of the first
 * bad byte.
 */
int bw_utf8_valid(const char *p, size_t n, size_t *bad);

/**
 * Parses the whole slice as a finite decimal number (no hex, no inf/nan, no spaces).
 * Returns BW_OK or BW_EINVAL.
 */
int bw_parse_double(struct bw_str s, double *out);
/** Parses the whole slice as a base-10 signed 64-bit integer. BW_OK, BW_EINVAL or BW_ERANGE. */
int bw_parse_i64(struct bw_str s, int64_t *out);

/** Longest text bw_fmt_double writes, with its NUL. */
#define BW_FMT_DOUBLE_MAX 32
/**
 * Writes the shortest decimal text that parses back to exactly @p v ("%.15g" .. "%.17g"),
 * so export → import → export is byte-identical. Returns @p buf.
 */
char *bw_fmt_double(double v, char buf[BW_FMT_DOUBLE_MAX]);

#ifdef __cplusplus
}
#endif
#endif
