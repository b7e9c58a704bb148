/*
 * graph_internal.h — library-internal accessors of the graph used by the cascade code.
 */
#ifndef BW_GRAPH_INTERNAL_H
#define BW_GRAPH_INTERNAL_H

#include "graph.h"

/** The longest buffer (hours) among the dependencies of group @p k. */
float bw__graph_group_buffer(const bw_graph *g, uint32_t k);

#endif
