/*
 * graph.h — the dependency graph in compact arrays (CSR), built once per run.
 *
 * Sites are dense uint32_t node ids 0..n-1 (at most BW_GRAPH_MAX_NODES); services are
 * small ids 0..nservices-1 (at most BW_GRAPH_MAX_SERVICES). For every service the graph
 * keeps, per node, the list of nodes it passes that service to: network neighbours
 * (both ends of an undirected link) and supply dependants (each through its redundancy
 * group, which counts how many of its suppliers still have the service). Nothing is
 * allocated per node: a graph is a handful of flat arrays.
 *
 * Memory: per node 4 bytes (source mask) + 4 (needs mask) + 8 (population) + 4 per
 * service that has dependencies (CSR offset) + 4 (one shared array of zero offsets for
 * the services without any); per link 16 bytes (two directed entries of 8); per supply
 * dependency 8 bytes plus 12 bytes per redundancy group. 1,000,000 sites and
 * 3,000,000 dependencies over 4 services take about 80 MB (bw_graph_bytes).
 *
 * Ownership: bw_graph_new returns a graph the caller frees with bw_graph_free; the
 * input arrays are copied. Thread-safety: a built graph is immutable and may be read
 * by many threads at once.
 */
#ifndef BW_GRAPH_H
#define BW_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;
typedef struct bw_graph bw_graph;

/** Largest number of nodes (sites) in one graph. */
#define BW_GRAPH_MAX_NODES 50000000u
/** Largest number of services (bits of a uint32_t mask). */
#define BW_GRAPH_MAX_SERVICES 32u
/** Marks a CSR entry as a network link rather than a supply group. */
#define BW_GRAPH_LINK UINT32_MAX

/** One dependency, with node and service ids already resolved. */
struct bw_graph_dep {
    uint32_t site;     /**< dependant (or one end of a link) */
    uint32_t supplier; /**< supplier (or the other end of a link) */
    uint32_t group;    /**< redundancy group key of (site, service); 0 = the default group */
    uint16_t needs;    /**< k of n for the group (>= 1) */
    uint8_t service;
    uint8_t kind;     /**< 0 supply, 1 link (as enum bw_dep_kind) */
    uint8_t directed; /**< links only: carries the service supplier -> site only */
    float buffer_hours;
};

/**
 * Builds the graph of @p n nodes and @p nservices services. @p supplies[v] is the mask
 * of services node v is a source of; @p population[v] the population it serves (>= 0).
 * Returns BW_EINVAL (bad ids, with @p d filled), BW_ETOOBIG or BW_ENOMEM.
 */
int bw_graph_new(uint32_t n, uint32_t nservices, const uint32_t *supplies, const double *population,
                 const struct bw_graph_dep *deps, size_t ndeps, struct bw_diag *d, bw_graph **out);
/** Frees a graph. Accepts NULL. */
void bw_graph_free(bw_graph *g);

uint32_t bw_graph_nodes(const bw_graph *g);
uint32_t bw_graph_services(const bw_graph *g);
/** Number of redundancy groups (supply dependants' counters). */
uint32_t bw_graph_groups(const bw_graph *g);
/** Mask of services node @p v is a source of. */
uint32_t bw_graph_supplies(const bw_graph *g, uint32_t v);
/** Mask of services node @p v needs (docs/cascade.md, "What a site needs"). */
uint32_t bw_graph_needs(const bw_graph *g, uint32_t v);
double bw_graph_population(const bw_graph *g, uint32_t v);
/** True when every redundancy group needs exactly one supplier. */
int bw_graph_all_one_of_n(const bw_graph *g);

/**
 * The nodes @p v passes service @p s to: *targets[i] is the receiving node and
 * *via[i] its group id, or BW_GRAPH_LINK for a network link. Borrowed from the graph.
 */
size_t bw_graph_out(const bw_graph *g, uint32_t s, uint32_t v, const uint32_t **targets,
                    const uint32_t **via);
/** Group @p k: the node it belongs to and how many suppliers it needs. */
void bw_graph_group(const bw_graph *g, uint32_t k, uint32_t *owner, uint32_t *needs);
/** Bytes the graph occupies. */
size_t bw_graph_bytes(const bw_graph *g);

#ifdef __cplusplus
}
#endif
#endif
