/*
 * json_jansson.h — library-internal: calling jansson's parser and serialiser without
 * mistaking a failed allocation for malformed input or accepting damaged output.
 *
 * jansson reports a failed allocation during parsing as an ordinary syntax error (or,
 * when a token buffer cannot grow, not at all: the byte is dropped and parsing goes
 * on), and json_dumps ignores a failed append of an object key, returning text with the
 * key missing. These wrappers watch the allocator hook instead: if any allocation
 * failed during the call, the result is discarded and *rc is BW_ENOMEM; otherwise a
 * NULL result means BW_EPARSE (load) or BW_ENOMEM (dump). Allocation failures are
 * counted per thread by alloc.c, for allocations made through bw_malloc & co. and,
 * once bw_set_allocator has been called, jansson's.
 */
#ifndef BW_JSON_JANSSON_H
#define BW_JSON_JANSSON_H

#include <jansson.h>
#include <stdio.h>

/** Failed allocations so far on this thread (alloc.c). */
unsigned long bw__alloc_failures(void);

/** json_loadb; *rc is BW_OK, BW_EPARSE (see @p err) or BW_ENOMEM. */
json_t *bw__json_loadb(const char *p, size_t n, size_t flags, json_error_t *err, int *rc);
/** json_loadf; *rc as above. */
json_t *bw__json_loadf(FILE *f, size_t flags, json_error_t *err, int *rc);
/** json_dumps (free the text with bw_free); NULL when out of memory. */
char *bw__json_dumps(const json_t *j, size_t flags);

#endif
