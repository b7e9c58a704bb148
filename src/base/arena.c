/*
 * arena.c — chunked region allocator.
 *
 * Chunks form a singly linked list, newest first; allocation bumps a pointer in the
 * newest chunk and opens a new chunk (at least chunk_size, or the request if larger)
 * when it does not fit. Everything is max_align_t aligned. One arena per thread.
 */
#include "arena.h"
#include "alloc.h"

#include <stdalign.h>
#include <stddef.h>
#include <string.h>

struct bw_arena_chunk {
    struct bw_arena_chunk *next;
    size_t size; /* payload bytes */
    size_t off;  /* payload bytes used */
    alignas(max_align_t) unsigned char data[];
};

void bw_arena_init(struct bw_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    a->used = 0;
}

void bw_arena_release(struct bw_arena *a)
{
    struct bw_arena_chunk *c, *next;

    if (!a)
        return;
    for (c = a->head; c; c = next) {
        next = c->next;
        bw_free(c);
    }
    a->head = NULL;
    a->used = 0;
}

void bw_arena_reset(struct bw_arena *a)
{
    struct bw_arena_chunk *c, *next;

    if (!a || !a->head)
        return;
    /* Keep the oldest chunk: it is the last in the list. */
    for (c = a->head; c->next; c = next) {
        next = c->next;
        bw_free(c);
    }
    c->off = 0;
    a->head = c;
    a->used = 0;
}

void *bw_arena_alloc(struct bw_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    struct bw_arena_chunk *c = a->head;
    size_t need, total;
    void *p;

    if (bw_add_size(n, align - 1, &need))
        return NULL;
    need &= ~(align - 1);
    if (need == 0)
        need = align;
    if (!c || c->size - c->off < need) {
        size_t payload = need > a->chunk_size ? need : a->chunk_size;
        if (bw_add_size(sizeof *c, payload, &total))
            return NULL;
        c = bw_malloc(total);
        if (!c)
            return NULL;
        c->size = payload;
        c->off = 0;
        c->next = a->head;
        a->head = c;
    }
    p = c->data + c->off;
    c->off += need;
    a->used += need;
    return p;
}

char *bw_arena_strndup(struct bw_arena *a, const char *s, size_t n)
{
    size_t sz;
    char *d;

    if (bw_add_size(n, 1, &sz))
        return NULL;
    d = bw_arena_alloc(a, sz);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
