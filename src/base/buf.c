/*
 * buf.c — growable byte buffer with a ceiling.
 *
 * Capacity doubles (bounded by max + 1 for the NUL); a failed append leaves the buffer
 * unchanged. Thread-safety: one buffer per thread.
 */
#include "buf.h"
#include "alloc.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

void bw_buf_init(struct bw_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void bw_buf_release(struct bw_buf *b)
{
    if (!b)
        return;
    bw_free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void bw_buf_reset(struct bw_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int reserve(struct bw_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (bw_add_size(b->len, extra, &need) || need > b->max)
        return BW_ETOOBIG;
    if (need + 1 <= b->cap)
        return BW_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need + 1) {
        if (bw_mul_size(cap, 2, &cap))
            return BW_ETOOBIG;
    }
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = bw_realloc(b->p, cap);
    if (!p)
        return BW_ENOMEM;
    b->p = p;
    b->cap = cap;
    return BW_OK;
}

int bw_buf_append(struct bw_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);

    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return BW_OK;
}

int bw_buf_puts(struct bw_buf *b, const char *s)
{
    return bw_buf_append(b, s, strlen(s));
}

int bw_buf_putc(struct bw_buf *b, char c)
{
    return bw_buf_append(b, &c, 1);
}

int bw_buf_vprintf(struct bw_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, rc;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return BW_EINVAL;
    rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return BW_OK;
}

int bw_buf_printf(struct bw_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = bw_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *bw_buf_cstr(const struct bw_buf *b)
{
    return b->p ? b->p : "";
}

char *bw_buf_take(struct bw_buf *b)
{
    char *p;

    if (!b->p) {
        if (reserve(b, 0))
            return NULL;
        b->p[0] = '\0';
    }
    p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
