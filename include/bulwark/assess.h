/*
 * assess.h — the national risk assessment run over the register: the store and the
 * pack turned into the risk engine's inputs (risk.h), the engine run, the result kept.
 *
 * bw_assess_load reads everything one assessment depends on — the sites (class,
 * capacity, footprint area), the latest designation (capacity tiers), the threat levels
 * in force on a date for every site × threat type, the measures in place, the outage
 * each site's loss causes through the dependency graph (the cascade model's criticality
 * sweep over all services, times the pack's restoration times), and the distance from
 * each site to the nearest base of armed response (sites tagged
 * bulwark:armed-response="yes") — and hashes it, so two runs on the same inputs say so.
 * bw_assess_run runs the engine and stores the run with its inputs' hash, pack version,
 * seed, trials and timing (store.h, "risk assessment runs").
 *
 * Ownership: bw_assess_load fills a struct the caller releases with
 * bw_assess_inputs_release; everything in it is owned by it. Thread-safety: one call at
 * a time per store handle; the engine runs its own threads.
 */
#ifndef BW_ASSESS_H
#define BW_ASSESS_H

#include "arena.h"
#include "pack.h"
#include "risk.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The tag that marks a site as a base of armed response (firearms model). */
#define BW_ARMED_RESPONSE_TAG "bulwark:armed-response=\"yes\""

/** Options of a run. */
struct bw_assess_options {
    uint64_t seed;
    uint32_t trials;   /**< Monte Carlo trials (0: deterministic values only) */
    unsigned threads;  /**< 0: the number of online CPUs */
    const char *date;  /**< YYYY-MM-DD the threat levels are read for; NULL: today (UTC) */
    int no_cascade;    /**< 1: leave the cascade out (outage = the site's own population) */
    /** Progress: @p stage names the step ("cascade", "assess", "save"); may be NULL. */
    void (*progress)(void *ud, const char *stage, size_t done, size_t total);
    void *ud;
};

/** Everything an assessment reads, as the engine's arrays (all owned). */
struct bw_assess_inputs {
    size_t nsites;
    const char **ids;                 /**< site ids, ascending (node order of the graph) */
    struct bw_risk_site *sites;
    struct bw_risk_threat threats[BW_RISK_MAX_THREATS];
    size_t nthreats;
    uint8_t *rank;                    /**< [site * nthreats + threat] */
    struct bw_risk_measure *measures; /**< the pack's catalogue, in pack order */
    size_t nmeasures;
    uint32_t *sm_off;                 /**< nsites + 1 */
    struct bw_risk_site_measure *sm;
    size_t nsm;
    struct bw_risk_input in;          /**< the arrays above, as the engine takes them */
    char date[11];                    /**< the day the threat levels were read for */
    char hash[17];                    /**< FNV-1a 64 of everything above and the pack hash */
    size_t armed_response_sites;      /**< sites tagged BW_ARMED_RESPONSE_TAG */
    int cascade;                      /**< 1 when outages came from the cascade model */
    struct bw_arena a;                /**< ids and other strings */
};

/** Loads the inputs; errors fill @p d (the site or entry and field at fault). */
int bw_assess_load(bw_store *s, const bw_pack *p, const struct bw_assess_options *o,
                   struct bw_assess_inputs *out, struct bw_diag *d);
/** Frees everything in @p in. Accepts a zeroed struct. */
void bw_assess_inputs_release(struct bw_assess_inputs *in);
/** The index of site @p id in @p in (binary search), or -1. */
int64_t bw_assess_site_index(const struct bw_assess_inputs *in, const char *id);

/**
 * Loads the inputs, runs the engine and stores the run and its rows in one
 * transaction. Fills @p run (strings static or owned by @p a) and returns BW_OK, or an
 * error with @p d filled; nothing is stored on error.
 */
int bw_assess_run(bw_store *s, const bw_pack *p, const struct bw_assess_options *o,
                  struct bw_arena *a, struct bw_assess_run *run, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
