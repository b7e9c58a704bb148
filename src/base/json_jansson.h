/*
 * json_load.h — library-internal: parsing JSON with jansson without mistaking an
 * allocation failure for malformed input.
 *
 * jansson reports a failed allocation during parsing as an ordinary syntax error (or,
 * when a token buffer cannot grow, not at all: the byte is dropped and parsing goes
 * on). These wrappers watch the allocator hook instead: if any allocation failed during
 * the call, the result is discarded and *rc is BW_ENOMEM; otherwise a NULL result means
 * BW_EPARSE. Allocation failures are counted per thread by alloc.c, for allocations
 * made through bw_set_allocator's hook (jansson is routed through it once set).
 */
#ifndef BW_JSON_LOAD_H
#define BW_JSON_LOAD_H

#include <jansson.h>
#include <stdio.h>

/** Failed allocations so far on this thread (alloc.c). */
unsigned long bw__alloc_failures(void);

/** json_loadb; *rc is BW_OK, BW_EPARSE (see @p err) or BW_ENOMEM. */
json_t *bw__json_loadb(const char *p, size_t n, size_t flags, json_error_t *err, int *rc);
/** json_loadf; *rc as above. */
json_t *bw__json_loadf(FILE *f, size_t flags, json_error_t *err, int *rc);

#endif
