/*
 * cascade.h — cascades through the dependency graph and the national criticality sweep.
 *
 * The model is specified in docs/cascade.md: a site has a service when a working
 * source reaches it through working network sites or through enough working suppliers
 * of one of its redundancy groups; a site works when it has every service it needs;
 * interdependent services iterate to a fixpoint. A workspace (bw_cascade) holds the
 * per-run state of one thread; the graph itself is shared read-only.
 *
 * A workspace computes the baseline (nothing removed) once per service choice; each run
 * then only touches the sites whose state can change and undoes them at the start of
 * the next run, so a run's cost follows the size of its cascade, not of the graph.
 * Memory per workspace: about 55 bytes per site plus 8 per site and needed service
 * (ranks), 12 per redundancy group, and an index of in-entries (8 bytes per CSR entry
 * and 4 per site and needed service) unless shared by the sweep.
 *
 * Ownership: bw_cascade_new returns a workspace the caller frees with bw_cascade_free;
 * it borrows the graph, which must outlive it. Arrays returned by bw_cascade_lost are
 * owned by the workspace and valid until its next run. Thread-safety: one workspace
 * per thread; bw_criticality_sweep and bw_cascade_timed create their own.
 */
#ifndef BW_CASCADE_H
#define BW_CASCADE_H

#include "graph.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bw_cascade bw_cascade;

/** Service argument meaning "all services". */
#define BW_ALL_SERVICES (-1)

int bw_cascade_new(const bw_graph *g, bw_cascade **out);
void bw_cascade_free(bw_cascade *c);

/**
 * Runs the deterministic cascade of removing @p removed (node ids) over @p service (or
 * BW_ALL_SERVICES). Returns BW_OK or BW_EINVAL for an unknown node or service.
 */
int bw_cascade_run(bw_cascade *c, const uint32_t *removed, size_t nremoved, int service);
/** The lost nodes of the last run, ascending; excludes the removed ones. */
size_t bw_cascade_lost(const bw_cascade *c, const uint32_t **lost);
/** Sum of the population served by the lost nodes of the last run. */
double bw_cascade_population_lost(const bw_cascade *c);
/** Nodes not working even with nothing removed (for the last run's service choice). */
uint32_t bw_cascade_baseline_unserved(const bw_cascade *c);

/** How a sweep was computed. */
enum bw_sweep_method {
    BW_SWEEP_DOMINATORS = 1, /**< one service, 1-of-n groups: dominator tree, near-linear */
    BW_SWEEP_CASCADES = 2    /**< one incremental cascade per site, in parallel */
};

/**
 * For every node v, what removing v alone takes down: writes sites_lost[v] and
 * population_lost[v] (arrays of bw_graph_nodes entries, caller-allocated). @p threads
 * 0 means the number of online CPUs. @p progress (may be NULL) is called from the
 * calling thread with nodes done and total. The numbers do not depend on @p threads.
 * *method (may be NULL) receives the method used; @p force_cascades disables the
 * dominator method (for cross-checks and benchmarks).
 */
int bw_criticality_sweep(const bw_graph *g, int service, unsigned threads, int force_cascades,
                         void (*progress)(void *ud, size_t done, size_t total), void *ud,
                         uint32_t *sites_lost, double *population_lost,
                         enum bw_sweep_method *method);

/** Result of a timed (Monte Carlo) cascade. */
struct bw_timed_result {
    uint32_t trials;
    double pop_hours_mean, pop_hours_p5, pop_hours_p50, pop_hours_p95;
    double restore_hours_p50; /**< median restoration time of the removed sites */
    double *hours_until_loss; /**< per lost node (bw_cascade_lost order); owned by the workspace */
    double *outage_mean;      /**< per lost node: mean hours out of service */
};

/**
 * After bw_cascade_run on @p c, simulates @p trials restorations: removed site i is
 * restored after a log-normal time with median @p median_h[i] and dispersion
 * @p sigma[i]; each lost site is out for max(0, T - u) hours, u being how long it keeps
 * working (buffers), T the latest restoration. Seeded by @p seed; independent of threads.
 */
int bw_cascade_timed(bw_cascade *c, const double *median_h, const double *sigma, uint32_t trials,
                     uint64_t seed, struct bw_timed_result *out);

#ifdef __cplusplus
}
#endif
#endif
