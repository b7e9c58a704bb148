/*
 * buf.h — a growable byte buffer with a ceiling fixed at init (curl's dynbuf).
 *
 * Appends beyond the ceiling fail with BW_ETOOBIG and leave the buffer as it was.
 * The bytes are always NUL-terminated (the NUL is not counted in len).
 * Ownership: the struct is caller-allocated; its bytes are owned by it until
 * bw_buf_release() or bw_buf_take().
 */
#ifndef BW_BUF_H
#define BW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_buf {
    char *p;    /**< bytes, NUL-terminated; NULL while empty */
    size_t len; /**< bytes used */
    size_t cap; /**< bytes allocated */
    size_t max; /**< ceiling for len */
};

/** Prepares an empty buffer that may grow to @p max bytes. */
void bw_buf_init(struct bw_buf *b, size_t max);
/** Frees the bytes; the buffer is empty and may be reused. Accepts NULL. */
void bw_buf_release(struct bw_buf *b);
/** Empties the buffer, keeping its memory. */
void bw_buf_reset(struct bw_buf *b);
/** Appends @p n bytes. Returns BW_OK, BW_ETOOBIG or BW_ENOMEM. */
int bw_buf_append(struct bw_buf *b, const void *p, size_t n);
/** Appends a NUL-terminated string. */
int bw_buf_puts(struct bw_buf *b, const char *s);
/** Appends one byte. */
int bw_buf_putc(struct bw_buf *b, char c);
/** Appends printf-style formatted text. */
int bw_buf_printf(struct bw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Same, with a va_list. */
int bw_buf_vprintf(struct bw_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/** Returns the NUL-terminated contents ("" when empty); borrowed from @p b. */
const char *bw_buf_cstr(const struct bw_buf *b);
/** Hands the bytes to the caller (frees with bw_free; never NULL unless ENOMEM) and empties @p b. */
char *bw_buf_take(struct bw_buf *b);

#ifdef __cplusplus
}
#endif
#endif
