/*
 * alloc.c — the replaceable allocator behind bw_malloc and friends.
 *
 * The active allocator is a process-wide table, libc's by default. bw_set_allocator
 * also points jansson at it so JSON trees obey the same hook (the torture test relies
 * on this). Not thread-safe to change while other threads allocate.
 */
#include "alloc.h"
#include "error.h"
#include "json_jansson.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct bw_allocator cur = {malloc, calloc, realloc, free};
/* Failed allocations on this thread, so JSON parsing can tell ENOMEM from bad input. */
static _Thread_local unsigned long failures;

unsigned long bw__alloc_failures(void)
{
    return failures;
}

static void *counted(void *p)
{
    if (!p)
        failures++;
    return p;
}

static void *json_malloc(size_t n)
{
    return counted(cur.malloc_fn(n));
}

static void json_free(void *p)
{
    cur.free_fn(p);
}

int bw_set_allocator(const struct bw_allocator *a)
{
    if (!a) {
        cur = (struct bw_allocator){malloc, calloc, realloc, free};
        json_set_alloc_funcs(malloc, free);
        return BW_OK;
    }
    if (!a->malloc_fn || !a->calloc_fn || !a->realloc_fn || !a->free_fn)
        return BW_EINVAL;
    cur = *a;
    json_set_alloc_funcs(json_malloc, json_free);
    return BW_OK;
}

void *bw_malloc(size_t n)
{
    return counted(cur.malloc_fn(n ? n : 1));
}

void *bw_calloc(size_t count, size_t size)
{
    size_t total;

    if (bw_mul_size(count, size, &total))
        return NULL;
    return counted(cur.calloc_fn(count ? count : 1, size ? size : 1));
}

void *bw_realloc(void *p, size_t n)
{
    return counted(cur.realloc_fn(p, n ? n : 1));
}

void bw_free(void *p)
{
    if (p)
        cur.free_fn(p);
}

char *bw_strndup(const char *s, size_t n)
{
    char *d;
    size_t sz;

    if (bw_add_size(n, 1, &sz))
        return NULL;
    d = bw_malloc(sz);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *bw_strdup(const char *s)
{
    return s ? bw_strndup(s, strlen(s)) : NULL;
}
