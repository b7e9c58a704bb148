/*
 * arena.h — region allocation for bounded lifetimes (one import batch, one query).
 *
 * Memory comes from chunks owned by the arena; nothing is freed individually, and
 * bw_arena_release() frees everything in one call. Thread-safety: one arena per thread.
 */
#ifndef BW_ARENA_H
#define BW_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena_chunk;

/** Caller-allocated; initialise with bw_arena_init, free with bw_arena_release. */
struct bw_arena {
    struct bw_arena_chunk *head; /**< newest chunk; owned */
    size_t chunk_size;           /**< default chunk payload size */
    size_t used;                 /**< bytes handed out, for statistics */
};

/** Prepares an empty arena whose chunks hold at least @p chunk_size bytes. */
void bw_arena_init(struct bw_arena *a, size_t chunk_size);
/** Frees every chunk. The arena may be reused after bw_arena_init. Accepts NULL. */
void bw_arena_release(struct bw_arena *a);
/** Frees all chunks but the first and rewinds it, keeping one chunk for reuse. */
void bw_arena_reset(struct bw_arena *a);
/** Returns @p n bytes aligned for any type, owned by the arena, or NULL on ENOMEM. */
void *bw_arena_alloc(struct bw_arena *a, size_t n);
/** Returns a NUL-terminated copy of @p n bytes of @p s, owned by the arena, or NULL. */
char *bw_arena_strndup(struct bw_arena *a, const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
