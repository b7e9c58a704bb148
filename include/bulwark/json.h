/*
 * json.h — writing JSON text directly into a bw_buf.
 *
 * Ownership: appends to the caller's buffer. Thread-safety: pure functions.
 */
#ifndef BW_JSON_H
#define BW_JSON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_buf;

/**
 * Appends @p n bytes of UTF-8 at @p s as a JSON string literal, escaping '"', '\\' and
 * control characters. Returns BW_OK, BW_ETOOBIG or BW_ENOMEM.
 */
int bw_json_put_string(struct bw_buf *b, const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
