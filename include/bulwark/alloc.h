/*
 * alloc.h — the allocator hook and overflow-checked size arithmetic.
 *
 * All heap memory libbulwark owns goes through bw_malloc/bw_calloc/bw_realloc/bw_free,
 * so a host (or the torture test) can replace the allocator with bw_set_allocator().
 * Library code returns BW_ENOMEM on failure and never aborts.
 *
 * Thread-safety: bw_set_allocator() must be called before any other thread uses the
 * library; the allocation functions themselves are as thread-safe as the allocator.
 */
#ifndef BW_ALLOC_H
#define BW_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A replacement allocator; all four must be given. */
struct bw_allocator {
    void *(*malloc_fn)(size_t n);
    void *(*calloc_fn)(size_t count, size_t size);
    void *(*realloc_fn)(void *p, size_t n);
    void (*free_fn)(void *p);
};

/**
 * Replaces the allocator (NULL restores libc's). Also routes jansson's allocations
 * through it. Returns BW_OK, or BW_EINVAL if a function pointer is missing.
 */
int bw_set_allocator(const struct bw_allocator *a);

/** Returns new memory the caller frees with bw_free, or NULL. */
void *bw_malloc(size_t n);
/** Returns zeroed memory for count*size bytes (overflow-checked), or NULL. */
void *bw_calloc(size_t count, size_t size);
/** Resizes @p p; on failure returns NULL and @p p stays valid and owned by the caller. */
void *bw_realloc(void *p, size_t n);
/** Frees memory from the functions above. Accepts NULL. */
void bw_free(void *p);
/** Returns a new NUL-terminated copy of @p s (caller frees with bw_free), or NULL. */
char *bw_strdup(const char *s);
/** Returns a new NUL-terminated copy of the first @p n bytes of @p s, or NULL. */
char *bw_strndup(const char *s, size_t n);

/** *out = a * b; returns 0, or -1 (and leaves *out alone) on overflow. */
static inline int bw_mul_size(size_t a, size_t b, size_t *out)
{
    size_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return -1;
    *out = r;
    return 0;
}
/** *out = a + b; returns 0, or -1 (and leaves *out alone) on overflow. */
static inline int bw_add_size(size_t a, size_t b, size_t *out)
{
    size_t r;
    if (__builtin_add_overflow(a, b, &r))
        return -1;
    *out = r;
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif
