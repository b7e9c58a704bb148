/*
 * portfolio.h — the risk-reduction portfolio: which protective measures to put at which
 * sites to reduce national risk most within a capital and a yearly budget.
 *
 * The problem (docs/methodology.md, "Risk-reduction portfolio"; docs/optimise.md) is a
 * multiple-choice knapsack with two budget rows. Each site has candidate *options*,
 * sets of measures not yet in place there: every non-empty subset of its candidate
 * measures when it has at most BW_PORTFOLIO_SUBSET_MAX of them, otherwise every single
 * measure plus the nested chain of best additions (each step adds the measure with the
 * largest extra benefit per weighted cost). An option's benefit is
 *     Σ_k risk_sk × (1 − Π_{m ∈ option} (1 − e_mk))
 * with risk_sk the site's current risk under threat k and e_mk the measure's effect on
 * threat k (0 when it does not act on k); its costs are the sums of the capital and
 * yearly costs. At most one option is chosen per site (exactly one at a must-cover
 * site); Σ capital ≤ budget; Σ yearly ≤ yearly budget; the capital spent at the sites
 * of a group (a site category) is at least the group's minimum. The option set is fixed
 * when the portfolio is built, so the heuristic, the exact search and the ILP written
 * for an external solver (bw_portfolio_write_lp) all solve the same problem.
 *
 * Solving: the greedy of the multiple-choice knapsack (each site's options reduced to
 * the upper convex hull of benefit against weighted cost, the sites' next hull
 * increments in a priority queue by benefit per cost, taken while they fit both
 * budgets) for a few Lagrangian weights of the yearly budget, each followed by a local
 * search (switch one site to a better option that fits the money left; drop or
 * downgrade one site to fund another); the best is kept. When the instance is small
 * enough a depth-first branch and bound proves the optimum (result.exact = 1).
 *
 * Ownership: bw_portfolio_new copies what it needs from the instance (the instance may
 * be freed afterwards); the handle is freed with bw_portfolio_free. Results go to
 * caller-allocated arrays. Thread-safety: a handle is used by one thread at a time;
 * different handles are independent. No SQL, files or I/O.
 */
#ifndef BW_PORTFOLIO_H
#define BW_PORTFOLIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_buf;
struct bw_diag;

/** Most measures in a catalogue (options are bit masks of 64 bits). */
#define BW_PORTFOLIO_MAX_MEASURES 64
/** Most threat types. */
#define BW_PORTFOLIO_MAX_THREATS 64
/** A site with at most this many candidate measures gets every subset as an option. */
#define BW_PORTFOLIO_SUBSET_MAX 6
/** Longest chain of best additions for a site with more candidates. */
#define BW_PORTFOLIO_CHAIN_MAX 12
/** Most site groups (categories) with a minimum. */
#define BW_PORTFOLIO_MAX_GROUPS 4096

/** The selection problem as flat arrays (all borrowed for bw_portfolio_new only). */
struct bw_portfolio_instance {
    size_t nsites, nthreats, nmeasures;
    const double *risk;       /**< [site * nthreats + k]: current risk, currency per year, >= 0 */
    const double *effect;     /**< [measure * nthreats + k]: e_mk in 0..1 */
    const double *capital;    /**< [measure]: one-off cost, >= 0 */
    const double *yearly;     /**< [measure]: running cost per year, >= 0 */
    const uint8_t *review;    /**< [measure]: 1 = flagged for human-rights review; or NULL */
    const uint64_t *in_place; /**< [site]: bit m = measure m already there; or NULL */
    const uint8_t *must_cover; /**< [site]: 1 = at least one measure must be chosen; or NULL */
    const uint32_t *group;    /**< [site]: group index (< ngroups), or NULL */
    size_t ngroups;
    const double *group_min;  /**< [group]: least capital to spend at its sites (0: none) */
};

/** How the options are built and the portfolio is searched. */
struct bw_portfolio_options {
    double budget;        /**< capital budget, >= 0 */
    double yearly;        /**< yearly budget, >= 0; < 0 (e.g. -1) = no yearly budget */
    int allow_review;     /**< 1: measures flagged for human-rights review may be chosen */
    size_t exact_max_options; /**< branch and bound when the instance has at most this many
                                   options (0: BW_PORTFOLIO_EXACT_OPTIONS; SIZE_MAX: always) */
    uint64_t exact_max_nodes; /**< give up the exact search after this many nodes (0: 2e7) */
    /** Called from the calling thread with the sites whose options are built so far
     *  and the total, while bw_portfolio_new builds them (may be NULL). */
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
};

#define BW_PORTFOLIO_EXACT_OPTIONS 400

typedef struct bw_portfolio bw_portfolio;

/**
 * Checks the instance and the options and builds every site's options. BW_ERANGE /
 * BW_EINVAL with @p d naming the field ("budget", "yearly", "risk", "effect", "capital",
 * "group", "must_cover") and the site or measure index; BW_ETOOBIG beyond the limits
 * above; BW_ENOMEM.
 */
int bw_portfolio_new(const struct bw_portfolio_instance *in,
                     const struct bw_portfolio_options *o, struct bw_diag *d,
                     bw_portfolio **out);
/** Frees the handle. Accepts NULL. */
void bw_portfolio_free(bw_portfolio *p);

/** Number of options over all sites (the ILP's columns). */
size_t bw_portfolio_noptions(const bw_portfolio *p);
/** Site @p s's options are first .. first + n − 1. */
void bw_portfolio_site_options(const bw_portfolio *p, size_t s, size_t *first, size_t *n);
/** Option @p j: its site, measures (bit mask), benefit and costs. */
void bw_portfolio_option(const bw_portfolio *p, size_t j, size_t *site, uint64_t *mask,
                         double *benefit, double *capital, double *yearly);

/** A solution's figures. */
struct bw_portfolio_result {
    double benefit;      /**< risk reduction, currency per year */
    double capital, yearly; /**< spent */
    double risk_before, risk_after; /**< national risk (sum over sites and threats) */
    double upper_bound;  /**< a proven upper bound on the benefit (LP relaxation), or the
                              optimum when exact */
    size_t sites;        /**< sites that get at least one measure */
    size_t measures;     /**< measures chosen in all */
    int exact;           /**< 1: proven optimal by branch and bound */
    uint64_t nodes;      /**< branch-and-bound nodes explored (0 when not run) */
};

/**
 * Chooses the portfolio for capital @p budget and yearly @p yearly (< 0: none) over the
 * options built by bw_portfolio_new, writing each site's chosen measures to
 * @p chosen[site] (0: none; caller-allocated, nsites entries). BW_ERANGE (field "budget")
 * for a negative or non-finite budget; BW_EINVAL (field "must_cover" or "group") when
 * no portfolio meeting the constraints was found within the budgets; BW_ENOMEM.
 */
int bw_portfolio_solve(bw_portfolio *p, double budget, double yearly, uint64_t *chosen,
                       struct bw_portfolio_result *out, struct bw_diag *d);

/**
 * The marginal-benefit curve: for i = 1 .. n, the portfolio for capital budget
 * budget × i / n (the yearly budget unchanged), its capital spent and risk reduction in
 * @p level[i−1], @p spent[i−1], @p reduction[i−1] (caller-allocated). Each level starts
 * from the previous level's portfolio, which is feasible there too, so the reduction
 * never falls as the budget grows. Levels without a feasible portfolio get NaN.
 */
int bw_portfolio_curve(bw_portfolio *p, double budget, double yearly, size_t n, double *level,
                       double *spent, double *reduction, struct bw_diag *d);

/**
 * Writes the same selection problem as an integer linear program in the CPLEX LP format
 * (read by CBC, GLPK, HiGHS): maximise Σ benefit_j x_j over binary x_j (column name
 * "x<j>", j the option index), one row "site<s>" per site with options (Σ x ≤ 1, or
 * ≥ 1 and ≤ 1 at a must-cover site), rows "capital" and "yearly" (when a yearly
 * budget is given) and one row "group<g>" per group minimum. Appends to @p out.
 */
int bw_portfolio_write_lp(const bw_portfolio *p, double budget, double yearly,
                          struct bw_buf *out);

/**
 * The risk reduction of measures @p mask at site @p s of @p in (the benefit formula
 * above, independent of any handle), and, when @p credit is not NULL, each measure's
 * credited share in credit[m] (the reduction split in proportion to what each measure
 * would achieve alone there; entries of measures not in the mask are left alone).
 */
double bw_portfolio_benefit(const struct bw_portfolio_instance *in, size_t s, uint64_t mask,
                            double *credit);

#ifdef __cplusplus
}
#endif
#endif
