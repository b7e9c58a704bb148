/*
 * optimise.h — the risk-reduction portfolio over the register: the latest (or a given)
 * risk-assessment run, the pack's measure catalogue, the measures in place and the
 * sites' categories turned into portfolio.h's instance, solved, and kept.
 *
 * Each site × threat row of the run gives risk_sk; each catalogue measure's effect on a
 * threat is its effectiveness when it acts on the threat (bw_measure_acts_on), except a
 * hostile-vehicle barrier against a vehicle threat its rating does not stop
 * (bw_ramming_check: 0); stand-off measures act against blast threats through their
 * catalogue effectiveness (the engine applies them through the blast distance instead:
 * docs/optimise.md says why the portfolio uses the catalogue figure). Measures in place
 * (not planned) are not candidates at their site.
 *
 * Ownership: results live in the caller's arena. Thread-safety: one call at a time per
 * store handle.
 */
#ifndef BW_OPTIMISE_H
#define BW_OPTIMISE_H

#include "arena.h"
#include "pack.h"
#include "portfolio.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** What to optimise for (all borrowed). */
struct bw_optimise_options {
    double budget;             /**< capital budget, >= 0 */
    double yearly;             /**< yearly budget; < 0: none */
    int allow_review;          /**< 1: measures flagged for human-rights review may be chosen */
    int64_t run;               /**< assessment run id; 0 = the latest */
    const char *const *must_cover; /**< site ids that must get at least one measure */
    size_t nmust;
    const char *const *min_category; /**< taxonomy ids: a site counts for the first one
                                          that is its category or a sector containing it */
    const double *min_amount;  /**< least capital to spend at the sites of each */
    size_t nmin;
    size_t curve;              /**< levels of the marginal-benefit curve (0: none) */
    int save;                  /**< 1: keep the portfolio (store.h) */
    /** Progress while the options are built: sites done and total (may be NULL). */
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
};

/** A site that gets measures. */
struct bw_optimise_site {
    const char *id, *category;
    double risk_before, risk_after;
    uint64_t mask;             /**< measures chosen (bit = catalogue order) */
};

/** A portfolio and its figures (everything in the caller's arena). */
struct bw_optimise_result {
    struct bw_portfolio_run run;       /**< id 0 when not saved */
    struct bw_portfolio_result r;
    const struct bw_portfolio_item *items; /**< by reduction descending */
    size_t nitems;
    const struct bw_optimise_site *sites;  /**< sites with measures, by reduction descending */
    size_t nsites_chosen;
    size_t nsites, noptions;           /**< sites in the run; options of the problem */
    const double *curve_budget, *curve_capital, *curve_reduction; /**< curve levels */
    size_t ncurve;
    const char *const *measure_ids;    /**< the catalogue, in pack order */
    size_t nmeasures;
};

/**
 * Builds the problem from the store and the pack, solves it and, with o->save, stores
 * it (one transaction: nothing is stored on error). Errors fill @p d: BW_ERANGE for a
 * bad budget (field "budget"/"yearly"), BW_ENOTFOUND when there is no assessment run,
 * BW_EREF for an unknown must-cover site or category, BW_EINVAL when no portfolio meets
 * the constraints, BW_ESTORE, BW_ENOMEM.
 */
int bw_optimise_run(bw_store *s, const bw_pack *p, const struct bw_optimise_options *o,
                    struct bw_arena *a, struct bw_optimise_result *out, struct bw_diag *d);

/**
 * The same problem written as an ILP in the CPLEX LP format (bw_portfolio_write_lp),
 * into a new NUL-terminated string the caller frees with bw_free.
 */
int bw_optimise_lp(bw_store *s, const bw_pack *p, const struct bw_optimise_options *o,
                   char **out, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
