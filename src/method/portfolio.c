/*
 * portfolio.c — the risk-reduction portfolio (portfolio.h): options, greedy with lazy
 * evaluation over convex hulls, local search, branch and bound, the ILP for CBC.
 *
 * Building (bw_portfolio_new) turns the instance into options, once: per site the
 * candidate measures are those not in place, allowed (the human-rights review flag),
 * and acting on a threat the site has risk under. With few candidates every subset is
 * an option; otherwise the singles and the nested chain of best additions by benefit per
 * weighted cost (capital + λ × yearly, λ = budget / yearly budget). Options live in four
 * flat arrays (mask, benefit, capital, yearly) with per-site offsets, so the ILP, the
 * exact search and the heuristic read the same problem.
 *
 * Solving runs, for each of a few Lagrangian weights λ of the yearly budget, the greedy
 * of the multiple-choice knapsack (Sinha and Zoltners 1979): each site's options reduced
 * to the upper convex hull of benefit against weight, and a binary heap holding every
 * site's *next* hull increment only (lazy evaluation: a site's following increment is
 * computed when its current one is taken); an increment is taken when it fits both
 * budgets, else the site drops out. Must-cover sites and group minimums are met first,
 * best benefit per cost first. A local search then switches single sites to better
 * options that fit the money left and tries pairs (downgrade one of the least efficient
 * sites, to a cheaper option or none, to upgrade one of the most promising), until
 * nothing improves (on instances of more than a million options, from the best greedy
 * portfolio only). The best solution over the weights is kept. When the instance has few
 * options, a depth-first branch and bound (pruned by the remaining sites' best benefits
 * and by the group minimums still reachable) starts from that solution and proves the
 * optimum.
 *
 * The LP relaxation of a surrogate budget row (capital + λ × yearly ≤ budget + λ ×
 * yearly budget; fractional greedy over the hulls by that weight) is a valid upper
 * bound of the whole problem for every λ ≥ 0 — the surrogate row, dropping the
 * must-cover rows and the group minimums only enlarge the feasible set — and the least
 * over the weights tried is reported, so a user can see how far from optimal a large
 * portfolio can be at most.
 *
 * Memory: 36 bytes per option (32 for the option, 4 for its hull slot) and about 60
 * bytes per site of scratch. Thread-safety:
 * one thread per handle; no global state.
 */
#include "portfolio.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Most pair-switch rounds of the local search, and the candidates on each side. */
#define LS_ROUNDS 64
#define LS_SWAP_K 48
#define DEFAULT_MAX_NODES 20000000ull
/* Up to this many options the local search runs from every weight's greedy portfolio. */
#define LS_ALL_WEIGHTS_OPTIONS 1000000

struct bw_portfolio {
    size_t nsites, nthreats, nmeasures, ngroups;
    size_t nopt, capopt;
    size_t *off;         /* nsites + 1 */
    uint64_t *mask;      /* option arrays */
    double *ben, *cap, *yr;
    uint8_t *must;       /* nsites, or NULL */
    uint32_t *group;     /* nsites, or NULL */
    double *gmin;        /* ngroups */
    double *site_risk;   /* nsites: Σ_k risk */
    double *top;         /* nsites: the largest benefit of any option */
    double lambda;       /* the weight the chains were built with */
    size_t exact_max;
    uint64_t max_nodes;
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
    /* Scratch for solving. */
    int32_t *cur, *best, *tmp; /* chosen option per site (absolute index), -1 none */
    int32_t *hull;       /* hull option indices, per site at off[s] */
    uint32_t *hn;        /* hull length per site */
    uint32_t *hp;        /* hull position per site (0 = none, UINT32_MAX: off the hull) */
    double *gsp;         /* ngroups: capital spent per group */
    double *key;         /* per-site keys for sorting */
    size_t *idx;
};

/* ---- benefit --------------------------------------------------------------------- */

double bw_portfolio_benefit(const struct bw_portfolio_instance *in, size_t s, uint64_t mask,
                            double *credit)
{
    const double *r = &in->risk[s * in->nthreats];
    double total = 0, sum_single = 0;

    for (size_t k = 0; k < in->nthreats; k++) {
        double keep = 1;
        if (r[k] <= 0)
            continue;
        for (size_t m = 0; m < in->nmeasures; m++)
            if (mask & (1ull << m))
                keep *= 1 - in->effect[m * in->nthreats + k];
        total += r[k] * (1 - keep);
    }
    if (!credit)
        return total;
    for (size_t m = 0; m < in->nmeasures; m++)
        if (mask & (1ull << m)) {
            double alone = 0;
            for (size_t k = 0; k < in->nthreats; k++)
                if (r[k] > 0)
                    alone += r[k] * in->effect[m * in->nthreats + k];
            credit[m] = alone;
            sum_single += alone;
        }
    for (size_t m = 0; m < in->nmeasures; m++)
        if (mask & (1ull << m))
            credit[m] = sum_single > 0 ? total * credit[m] / sum_single : 0;
    return total;
}

/* ---- building ---------------------------------------------------------------------- */

static int check_instance(const struct bw_portfolio_instance *in,
                          const struct bw_portfolio_options *o, struct bw_diag *d)
{
    if (!(o->budget >= 0) || !isfinite(o->budget))
        return bw_diag_set(d, BW_ERANGE, "budget", "the budget must be an amount of 0 or more "
                           "(got %g)", o->budget);
    if (isnan(o->yearly) || isinf(o->yearly))
        return bw_diag_set(d, BW_ERANGE, "yearly", "the yearly budget must be a finite amount "
                           "(got %g)", o->yearly);
    if (in->nmeasures > BW_PORTFOLIO_MAX_MEASURES)
        return bw_diag_set(d, BW_ETOOBIG, "measure", "%zu measures: at most %d can be chosen "
                           "from", in->nmeasures, BW_PORTFOLIO_MAX_MEASURES);
    if (in->nthreats > BW_PORTFOLIO_MAX_THREATS)
        return bw_diag_set(d, BW_ETOOBIG, "threat", "%zu threat types: at most %d",
                           in->nthreats, BW_PORTFOLIO_MAX_THREATS);
    if (in->ngroups > BW_PORTFOLIO_MAX_GROUPS)
        return bw_diag_set(d, BW_ETOOBIG, "group", "%zu groups: at most %d", in->ngroups,
                           BW_PORTFOLIO_MAX_GROUPS);
    if (in->nsites && in->nthreats && !in->risk)
        return bw_diag_set(d, BW_EINVAL, "risk", "no risks given");
    for (size_t m = 0; m < in->nmeasures; m++) {
        if (!(in->capital[m] >= 0) || !isfinite(in->capital[m]))
            return bw_diag_set(d, BW_ERANGE, "capital", "measure %zu: capital cost %g must be "
                               "finite and 0 or more", m, in->capital[m]);
        if (!(in->yearly[m] >= 0) || !isfinite(in->yearly[m]))
            return bw_diag_set(d, BW_ERANGE, "yearly", "measure %zu: yearly cost %g must be "
                               "finite and 0 or more", m, in->yearly[m]);
        for (size_t k = 0; k < in->nthreats; k++) {
            double e = in->effect[m * in->nthreats + k];
            if (!(e >= 0 && e <= 1))
                return bw_diag_set(d, BW_ERANGE, "effect", "measure %zu, threat %zu: effect "
                                   "%g is outside 0..1", m, k, e);
        }
    }
    for (size_t s = 0; s < in->nsites; s++) {
        for (size_t k = 0; k < in->nthreats; k++) {
            double r = in->risk[s * in->nthreats + k];
            if (!(r >= 0) || !isfinite(r))
                return bw_diag_set(d, BW_ERANGE, "risk", "site %zu, threat %zu: risk %g must "
                                   "be finite and 0 or more", s, k, r);
        }
        if (in->group && in->group[s] >= in->ngroups)
            return bw_diag_set(d, BW_ERANGE, "group", "site %zu: group %u of %zu", s,
                               (unsigned)in->group[s], in->ngroups);
    }
    for (size_t g = 0; g < in->ngroups; g++)
        if (!(in->group_min[g] >= 0) || !isfinite(in->group_min[g]))
            return bw_diag_set(d, BW_ERANGE, "group", "group %zu: minimum %g must be finite "
                               "and 0 or more", g, in->group_min[g]);
    return BW_OK;
}

static int push_option(bw_portfolio *p, uint64_t mask, double ben, double cap, double yr)
{
    if (p->nopt == p->capopt) {
        size_t n = p->capopt ? p->capopt * 2 : 1024, bytes;
        void *q;
        if (bw_mul_size(n, sizeof(uint64_t), &bytes))
            return BW_ENOMEM;
        if (!(q = bw_realloc(p->mask, bytes)))
            return BW_ENOMEM;
        p->mask = q;
        if (!(q = bw_realloc(p->ben, bytes)))
            return BW_ENOMEM;
        p->ben = q;
        if (!(q = bw_realloc(p->cap, bytes)))
            return BW_ENOMEM;
        p->cap = q;
        if (!(q = bw_realloc(p->yr, bytes)))
            return BW_ENOMEM;
        p->yr = q;
        p->capopt = n;
    }
    p->mask[p->nopt] = mask;
    p->ben[p->nopt] = ben;
    p->cap[p->nopt] = cap;
    p->yr[p->nopt] = yr;
    p->nopt++;
    return BW_OK;
}

/* Benefit of @p mask at site s, from the per-threat "kept" products of the candidates. */
static double subset_benefit(const struct bw_portfolio_instance *in, const double *r,
                             const uint32_t *cand, size_t nc, unsigned sub)
{
    double total = 0;

    for (size_t k = 0; k < in->nthreats; k++) {
        double keep = 1;
        if (r[k] <= 0)
            continue;
        for (size_t i = 0; i < nc; i++)
            if (sub & (1u << i))
                keep *= 1 - in->effect[cand[i] * in->nthreats + k];
        total += r[k] * (1 - keep);
    }
    return total;
}

static int build_site(bw_portfolio *p, const struct bw_portfolio_instance *in, int allow_review,
                      size_t s)
{
    const double *r = &in->risk[s * in->nthreats];
    uint32_t cand[BW_PORTFOLIO_MAX_MEASURES];
    size_t nc = 0;
    int rc;

    for (size_t m = 0; m < in->nmeasures; m++) {
        int acts = 0;
        if (in->in_place && (in->in_place[s] & (1ull << m)))
            continue;
        if (in->review && in->review[m] && !allow_review)
            continue;
        for (size_t k = 0; k < in->nthreats && !acts; k++)
            acts = r[k] > 0 && in->effect[m * in->nthreats + k] > 0;
        if (acts)
            cand[nc++] = (uint32_t)m;
    }
    if (nc == 0)
        return BW_OK;
    if (nc <= BW_PORTFOLIO_SUBSET_MAX) {
        for (unsigned sub = 1; sub < (1u << nc); sub++) {
            uint64_t mask = 0;
            double cap = 0, yr = 0;
            for (size_t i = 0; i < nc; i++)
                if (sub & (1u << i)) {
                    mask |= 1ull << cand[i];
                    cap += in->capital[cand[i]];
                    yr += in->yearly[cand[i]];
                }
            if ((rc = push_option(p, mask, subset_benefit(in, r, cand, nc, sub), cap, yr)))
                return rc;
        }
        return BW_OK;
    }
    /* Singles, then the chain of best additions (its first step is a single). */
    for (size_t i = 0; i < nc; i++) {
        const double *e = &in->effect[cand[i] * in->nthreats];
        double ben = 0;
        for (size_t k = 0; k < in->nthreats; k++)
            ben += r[k] * e[k]; /* one measure: 1 − (1 − e) = e */
        if ((rc = push_option(p, 1ull << cand[i], ben, in->capital[cand[i]],
                              in->yearly[cand[i]])))
            return rc;
    }
    {
        double keep[BW_PORTFOLIO_MAX_THREATS];
        uint64_t mask = 0, used = 0;
        double ben = 0, cap = 0, yr = 0;
        for (size_t k = 0; k < in->nthreats; k++)
            keep[k] = 1;
        for (size_t step = 0; step < BW_PORTFOLIO_CHAIN_MAX && step < nc; step++) {
            double best_ratio = -1, best_gain = 0;
            size_t bi = nc;
            for (size_t i = 0; i < nc; i++) {
                double gain = 0, w, ratio;
                const double *e = &in->effect[cand[i] * in->nthreats];
                if (used & (1ull << i))
                    continue;
                for (size_t k = 0; k < in->nthreats; k++)
                    gain += r[k] * keep[k] * e[k];
                if (gain <= 0)
                    continue;
                w = in->capital[cand[i]] + p->lambda * in->yearly[cand[i]];
                ratio = w > 0 ? gain / w : HUGE_VAL;
                if (ratio > best_ratio || (ratio == best_ratio && gain > best_gain)) {
                    best_ratio = ratio;
                    best_gain = gain;
                    bi = i;
                }
            }
            if (bi == nc)
                break;
            used |= 1ull << bi;
            mask |= 1ull << cand[bi];
            for (size_t k = 0; k < in->nthreats; k++)
                keep[k] *= 1 - in->effect[cand[bi] * in->nthreats + k];
            ben += best_gain;
            cap += in->capital[cand[bi]];
            yr += in->yearly[cand[bi]];
            if (step > 0 && (rc = push_option(p, mask, ben, cap, yr)))
                return rc;
        }
    }
    return BW_OK;
}

void bw_portfolio_free(bw_portfolio *p)
{
    if (!p)
        return;
    bw_free(p->off);
    bw_free(p->mask);
    bw_free(p->ben);
    bw_free(p->cap);
    bw_free(p->yr);
    bw_free(p->must);
    bw_free(p->group);
    bw_free(p->gmin);
    bw_free(p->site_risk);
    bw_free(p->top);
    bw_free(p->cur);
    bw_free(p->best);
    bw_free(p->tmp);
    bw_free(p->hull);
    bw_free(p->hn);
    bw_free(p->hp);
    bw_free(p->gsp);
    bw_free(p->key);
    bw_free(p->idx);
    bw_free(p);
}

int bw_portfolio_new(const struct bw_portfolio_instance *in,
                     const struct bw_portfolio_options *o, struct bw_diag *d,
                     bw_portfolio **out)
{
    bw_portfolio *p = NULL;
    size_t n = in->nsites;
    int rc;

    *out = NULL;
    if ((rc = check_instance(in, o, d)))
        return rc;
    if (n > INT32_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "site", "%zu sites: at most %d", n, (int)INT32_MAX);
    if (!(p = bw_calloc(1, sizeof *p)))
        return BW_ENOMEM;
    p->nsites = n;
    p->nthreats = in->nthreats;
    p->nmeasures = in->nmeasures;
    p->ngroups = in->group ? in->ngroups : 0;
    p->lambda = o->yearly > 0 ? (o->budget > 0 ? o->budget / o->yearly : 1) : 0;
    p->exact_max = o->exact_max_options ? o->exact_max_options : BW_PORTFOLIO_EXACT_OPTIONS;
    p->max_nodes = o->exact_max_nodes ? o->exact_max_nodes : DEFAULT_MAX_NODES;
    p->progress = o->progress;
    p->ud = o->ud;
    rc = BW_ENOMEM;
    if (!(p->off = bw_calloc(n + 1, sizeof *p->off)) ||
        !(p->site_risk = bw_calloc(n ? n : 1, sizeof *p->site_risk)) ||
        !(p->top = bw_calloc(n ? n : 1, sizeof *p->top)) ||
        !(p->cur = bw_calloc(n ? n : 1, sizeof *p->cur)) ||
        !(p->best = bw_calloc(n ? n : 1, sizeof *p->best)) ||
        !(p->tmp = bw_calloc(n ? n : 1, sizeof *p->tmp)) ||
        !(p->hn = bw_calloc(n ? n : 1, sizeof *p->hn)) ||
        !(p->hp = bw_calloc(n ? n : 1, sizeof *p->hp)) ||
        !(p->key = bw_calloc(n ? n : 1, sizeof *p->key)) ||
        !(p->idx = bw_calloc(n ? n : 1, sizeof *p->idx)) ||
        !(p->gsp = bw_calloc(p->ngroups ? p->ngroups : 1, sizeof *p->gsp)) ||
        !(p->gmin = bw_calloc(p->ngroups ? p->ngroups : 1, sizeof *p->gmin)))
        goto fail;
    if (in->must_cover) {
        if (!(p->must = bw_malloc(n ? n : 1)))
            goto fail;
        if (n)
            memcpy(p->must, in->must_cover, n);
    }
    if (p->ngroups) {
        if (!(p->group = bw_calloc(n ? n : 1, sizeof *p->group)))
            goto fail;
        if (n)
            memcpy(p->group, in->group, n * sizeof *p->group);
        memcpy(p->gmin, in->group_min, p->ngroups * sizeof *p->gmin);
    }
    for (size_t s = 0; s < n; s++) {
        for (size_t k = 0; k < in->nthreats; k++)
            p->site_risk[s] += in->risk[s * in->nthreats + k];
        p->off[s] = p->nopt;
        if ((rc = build_site(p, in, o->allow_review, s)))
            goto fail;
        for (size_t j = p->off[s]; j < p->nopt; j++)
            p->top[s] = p->ben[j] > p->top[s] ? p->ben[j] : p->top[s];
        if (p->must && p->must[s] && p->nopt == p->off[s]) {
            rc = bw_diag_set(d, BW_EINVAL, "must_cover", "site %zu must be covered, but no "
                             "allowed measure that is not already there acts on its risks", s);
            goto fail;
        }
        if (p->progress && (s & 0xffff) == 0)
            p->progress(p->ud, s, n);
    }
    if (p->progress)
        p->progress(p->ud, n, n);
    p->off[n] = p->nopt;
    rc = BW_ENOMEM;
    if (!(p->hull = bw_calloc(p->nopt ? p->nopt : 1, sizeof *p->hull)))
        goto fail;
    *out = p;
    return BW_OK;
fail:
    bw_portfolio_free(p);
    return rc;
}

size_t bw_portfolio_noptions(const bw_portfolio *p)
{
    return p->nopt;
}

void bw_portfolio_site_options(const bw_portfolio *p, size_t s, size_t *first, size_t *n)
{
    *first = p->off[s];
    *n = p->off[s + 1] - p->off[s];
}

void bw_portfolio_option(const bw_portfolio *p, size_t j, size_t *site, uint64_t *mask,
                         double *benefit, double *capital, double *yearly)
{
    size_t lo = 0, hi = p->nsites;

    /* The site whose range holds j: the last s with off[s] <= j. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->off[mid] <= j)
            lo = mid;
        else
            hi = mid;
    }
    while (lo + 1 < p->nsites && p->off[lo + 1] <= j) /* empty sites share an offset */
        lo++;
    if (site)
        *site = lo;
    if (mask)
        *mask = p->mask[j];
    if (benefit)
        *benefit = p->ben[j];
    if (capital)
        *capital = p->cap[j];
    if (yearly)
        *yearly = p->yr[j];
}

/* ---- solution state ----------------------------------------------------------------- */

struct state {
    double cap, yr, ben;
    double B, Y; /* budgets; Y = HUGE_VAL when none */
};

/* A small slack so sums of costs that equal the budget in exact arithmetic still fit. */
static int fits(const struct state *st, double dcap, double dyr)
{
    return st->cap + dcap <= st->B * (1 + 1e-12) + 1e-9 &&
           (isinf(st->Y) || st->yr + dyr <= st->Y * (1 + 1e-12) + 1e-9);
}

static double opt_ben(const bw_portfolio *p, int32_t j)
{
    return j < 0 ? 0 : p->ben[j];
}
static double opt_cap(const bw_portfolio *p, int32_t j)
{
    return j < 0 ? 0 : p->cap[j];
}
static double opt_yr(const bw_portfolio *p, int32_t j)
{
    return j < 0 ? 0 : p->yr[j];
}

/* Would switching site s from its option to @p j keep its group's minimum? */
static int group_ok(const bw_portfolio *p, size_t s, int32_t from, int32_t j)
{
    if (!p->group)
        return 1;
    {
        uint32_t g = p->group[s];
        double after = p->gsp[g] - opt_cap(p, from) + opt_cap(p, j);
        return p->gmin[g] <= 0 || after >= p->gmin[g] * (1 - 1e-12) - 1e-9 ||
               after >= p->gsp[g];
    }
}

static void apply(bw_portfolio *p, struct state *st, int32_t *sol, size_t s, int32_t j)
{
    int32_t from = sol[s];

    st->cap += opt_cap(p, j) - opt_cap(p, from);
    st->yr += opt_yr(p, j) - opt_yr(p, from);
    st->ben += opt_ben(p, j) - opt_ben(p, from);
    if (p->group)
        p->gsp[p->group[s]] += opt_cap(p, j) - opt_cap(p, from);
    sol[s] = j;
}

static void recompute(bw_portfolio *p, struct state *st, const int32_t *sol)
{
    st->cap = st->yr = st->ben = 0;
    for (size_t g = 0; g < p->ngroups; g++)
        p->gsp[g] = 0;
    for (size_t s = 0; s < p->nsites; s++) {
        st->cap += opt_cap(p, sol[s]);
        st->yr += opt_yr(p, sol[s]);
        st->ben += opt_ben(p, sol[s]);
        if (p->group)
            p->gsp[p->group[s]] += opt_cap(p, sol[s]);
    }
}

static int constraints_met(const bw_portfolio *p, const int32_t *sol)
{
    for (size_t g = 0; g < p->ngroups; g++)
        if (p->gmin[g] > 0 && p->gsp[g] < p->gmin[g] * (1 - 1e-12) - 1e-9)
            return 0;
    if (p->must)
        for (size_t s = 0; s < p->nsites; s++)
            if (p->must[s] && sol[s] < 0)
                return 0;
    return 1;
}

/* ---- convex hulls and the greedy ------------------------------------------------------ */

static double weight(const bw_portfolio *p, int32_t j, double lam)
{
    return opt_cap(p, j) + lam * opt_yr(p, j);
}

/* Upper convex hull of site s's options in (weight, benefit) from the origin. The
 * site's weights and benefits are copied to local arrays first: sites have few options
 * (at most 2^BW_PORTFOLIO_SUBSET_MAX − 1 or BW_PORTFOLIO_MAX_MEASURES +
 * BW_PORTFOLIO_CHAIN_MAX), so an insertion sort over them is the fastest sort. */
#define HULL_MAX 128
_Static_assert(HULL_MAX >= BW_PORTFOLIO_MAX_MEASURES + BW_PORTFOLIO_CHAIN_MAX &&
                   HULL_MAX >= (1 << BW_PORTFOLIO_SUBSET_MAX) && HULL_MAX <= 256,
               "a site's options fit the hull's local arrays and uint8_t indices");
static void build_hull(bw_portfolio *p, size_t s, double lam)
{
    size_t a = p->off[s], n = p->off[s + 1] - a;
    int32_t *h = &p->hull[a];
    double w[HULL_MAX], b[HULL_MAX], hw[HULL_MAX], hb[HULL_MAX];
    uint8_t ord[HULL_MAX];
    uint32_t m = 0;

    for (size_t i = 0; i < n; i++) {
        double wi = p->cap[a + i] + lam * p->yr[a + i], bi = p->ben[a + i];
        size_t k = i;
        while (k > 0 && (w[k - 1] > wi || (w[k - 1] == wi && b[k - 1] < bi))) {
            w[k] = w[k - 1];
            b[k] = b[k - 1];
            ord[k] = ord[k - 1];
            k--;
        }
        w[k] = wi;
        b[k] = bi;
        ord[k] = (uint8_t)i;
    }
    for (size_t i = 0; i < n; i++) {
        double wj = w[i], bj = b[i];
        if (bj <= (m ? hb[m - 1] : 0))
            continue; /* dominated: costs at least as much for no more benefit */
        while (m > 0) {
            double w0 = m > 1 ? hw[m - 2] : 0, b0 = m > 1 ? hb[m - 2] : 0;
            /* Pop the last point when it lies on or under the chord to the new one. */
            if ((hw[m - 1] - w0) * (bj - b0) - (hb[m - 1] - b0) * (wj - w0) >= 0)
                m--;
            else
                break;
        }
        hw[m] = wj;
        hb[m] = bj;
        h[m++] = (int32_t)(a + ord[i]);
    }
    p->hn[s] = m;
}

struct heap {
    double *k;
    uint32_t *s;
    size_t n;
};

static void heap_push(struct heap *h, double key, uint32_t s)
{
    size_t i = h->n++;

    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (h->k[up] >= key)
            break;
        h->k[i] = h->k[up];
        h->s[i] = h->s[up];
        i = up;
    }
    h->k[i] = key;
    h->s[i] = s;
}

static void heap_pop(struct heap *h)
{
    double key = h->k[--h->n];
    uint32_t s = h->s[h->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->k[c + 1] > h->k[c])
            c++;
        if (h->k[c] <= key)
            break;
        h->k[i] = h->k[c];
        h->s[i] = h->s[c];
        i = c;
    }
    h->k[i] = key;
    h->s[i] = s;
}

/* Benefit per weight of moving site s from its hull position to the next. */
static double next_slope(const bw_portfolio *p, size_t s, double lam)
{
    uint32_t pos = p->hp[s];
    int32_t from = pos ? p->hull[p->off[s] + pos - 1] : -1, to = p->hull[p->off[s] + pos];
    double dw = weight(p, to, lam) - weight(p, from, lam), db = opt_ben(p, to) - opt_ben(p, from);

    return dw > 0 ? db / dw : HUGE_VAL;
}

/* Meets the must-cover sites and the group minimums first. 0, or -1 when it cannot. */
static int greedy_constraints(bw_portfolio *p, struct state *st, int32_t *sol, double lam)
{
    if (p->must)
        for (size_t s = 0; s < p->nsites; s++) {
            int32_t pick = -1;
            if (!p->must[s] || sol[s] >= 0)
                continue;
            /* The first hull point (best benefit per cost) when it fits, else the option
             * with the best benefit per cost among those that fit. */
            if (p->hn[s] && fits(st, opt_cap(p, p->hull[p->off[s]]), opt_yr(p, p->hull[p->off[s]])))
                pick = p->hull[p->off[s]];
            else {
                double br = -1;
                for (size_t j = p->off[s]; j < p->off[s + 1]; j++) {
                    double w = weight(p, (int32_t)j, lam), r = w > 0 ? p->ben[j] / w : HUGE_VAL;
                    if (fits(st, p->cap[j], p->yr[j]) && r > br) {
                        br = r;
                        pick = (int32_t)j;
                    }
                }
            }
            if (pick < 0)
                return -1;
            apply(p, st, sol, s, pick);
            p->hp[s] = pick == p->hull[p->off[s]] ? 1 : UINT32_MAX;
        }
    for (size_t g = 0; g < p->ngroups; g++) {
        while (p->gmin[g] > 0 && p->gsp[g] < p->gmin[g]) {
            /* The switch at a site of the group that raises its capital and fits, with the
             * most benefit per extra weight. */
            double br = -HUGE_VAL;
            size_t bs = 0;
            int32_t bj = -1;
            for (size_t s = 0; s < p->nsites; s++) {
                if (p->group[s] != g)
                    continue;
                for (size_t j = p->off[s]; j < p->off[s + 1]; j++) {
                    double dc = p->cap[j] - opt_cap(p, sol[s]), dy = p->yr[j] - opt_yr(p, sol[s]);
                    double db = p->ben[j] - opt_ben(p, sol[s]), dw = dc + lam * dy, r;
                    if (dc <= 0 || !fits(st, dc, dy))
                        continue;
                    r = dw > 0 ? db / dw : HUGE_VAL;
                    if (r > br) {
                        br = r;
                        bs = s;
                        bj = (int32_t)j;
                    }
                }
            }
            if (bj < 0)
                return -1;
            apply(p, st, sol, bs, bj);
            p->hp[bs] = UINT32_MAX;
            for (uint32_t i = 0; i < p->hn[bs]; i++)
                if (p->hull[p->off[bs] + i] == bj)
                    p->hp[bs] = i + 1;
        }
    }
    return 0;
}

static int greedy(bw_portfolio *p, struct state *st, int32_t *sol, double lam)
{
    struct heap h = {NULL, NULL, 0};
    size_t n = p->nsites;

    for (size_t s = 0; s < n; s++) {
        sol[s] = -1;
        p->hp[s] = 0;
        build_hull(p, s, lam);
    }
    recompute(p, st, sol);
    if (greedy_constraints(p, st, sol, lam))
        return 1;
    if (!(h.k = bw_malloc((n ? n : 1) * sizeof *h.k)) ||
        !(h.s = bw_malloc((n ? n : 1) * sizeof *h.s))) {
        bw_free(h.k);
        bw_free(h.s);
        return BW_ENOMEM;
    }
    for (size_t s = 0; s < n; s++)
        if (p->hp[s] != UINT32_MAX && p->hp[s] < p->hn[s])
            heap_push(&h, next_slope(p, s, lam), (uint32_t)s);
    while (h.n) {
        uint32_t s = h.s[0];
        int32_t to = p->hull[p->off[s] + p->hp[s]];
        heap_pop(&h);
        if (!fits(st, opt_cap(p, to) - opt_cap(p, sol[s]), opt_yr(p, to) - opt_yr(p, sol[s])))
            continue; /* the site drops out; the local search may still use it */
        apply(p, st, sol, s, to);
        p->hp[s]++;
        if (p->hp[s] < p->hn[s])
            heap_push(&h, next_slope(p, s, lam), s);
    }
    bw_free(h.k);
    bw_free(h.s);
    return 0;
}

/* ---- local search --------------------------------------------------------------------- */

/* Switches single sites to their best affordable option; returns the number of switches. */
static size_t ls_switch(bw_portfolio *p, struct state *st, int32_t *sol)
{
    size_t moves = 0;

    for (int pass = 0; pass < 20; pass++) {
        int freed = 0;
        for (size_t s = 0; s < p->nsites; s++) {
            int32_t from = sol[s], bj = from;
            double bb = opt_ben(p, from);
            if (p->off[s] == p->off[s + 1])
                continue;
            for (size_t j = p->off[s]; j < p->off[s + 1]; j++)
                if (p->ben[j] > bb * (1 + 1e-12) &&
                    fits(st, p->cap[j] - opt_cap(p, from), p->yr[j] - opt_yr(p, from)) &&
                    group_ok(p, s, from, (int32_t)j)) {
                    bb = p->ben[j];
                    bj = (int32_t)j;
                }
            if (bj != from) {
                /* Upgrades only spend more, so another pass can find something new only
                 * when a switch gave money back. */
                freed |= opt_cap(p, bj) < opt_cap(p, from) || opt_yr(p, bj) < opt_yr(p, from);
                apply(p, st, sol, s, bj);
                moves++;
            }
        }
        if (!freed)
            break;
    }
    return moves;
}

static int cmp_key_asc(const void *a, const void *b, void *keys)
{
    double x = ((const double *)keys)[*(const size_t *)a];
    double y = ((const double *)keys)[*(const size_t *)b];
    if (x != y)
        return x < y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : *(const size_t *)a > *(const size_t *)b;
}

/* The k indices with the smallest keys, ascending, into out (k <= n). Partial selection
 * by a bounded max-heap so a large register is not sorted whole. */
static size_t smallest_k(const double *key, size_t n, size_t k, size_t *out)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        if (isnan(key[i]))
            continue;
        if (m < k) {
            size_t c = m++;
            out[c] = i;
            while (c > 0 && key[out[(c - 1) / 2]] < key[out[c]]) {
                size_t t = out[c];
                out[c] = out[(c - 1) / 2];
                out[(c - 1) / 2] = t;
                c = (c - 1) / 2;
            }
        } else if (key[i] < key[out[0]]) {
            size_t c = 0;
            out[0] = i;
            for (;;) {
                size_t l = 2 * c + 1, r = l + 1, big = c, t;
                if (l < m && key[out[l]] > key[out[big]])
                    big = l;
                if (r < m && key[out[r]] > key[out[big]])
                    big = r;
                if (big == c)
                    break;
                t = out[c];
                out[c] = out[big];
                out[big] = t;
                c = big;
            }
        }
    }
    qsort_r(out, m, sizeof *out, cmp_key_asc, (void *)key);
    return m;
}

/* Would the pair of switches r: rj → rr and a: from → j keep the group minimums? */
static int pair_group_ok(const bw_portfolio *p, size_t r, int32_t rj, int32_t rr, size_t a,
                         int32_t from, int32_t j)
{
    if (!p->group)
        return 1;
    if (p->group[a] != p->group[r])
        return group_ok(p, r, rj, rr) && group_ok(p, a, from, j);
    {
        uint32_t g = p->group[a];
        double after = p->gsp[g] - opt_cap(p, rj) + opt_cap(p, rr) - opt_cap(p, from) +
                       opt_cap(p, j);
        return p->gmin[g] <= 0 || after >= p->gmin[g] * (1 - 1e-12) - 1e-9 ||
               after >= p->gsp[g];
    }
}

/* Downgrade one site (among the least efficient: to a cheaper option or to none) to
 * fund a better option at another (among those that could gain most). Returns 1 when
 * a pair was switched. */
static int ls_swap(bw_portfolio *p, struct state *st, int32_t *sol, double lam)
{
    size_t R[LS_SWAP_K], A[LS_SWAP_K], nr, na;
    double best_gain = 0;
    size_t br = 0, ba = 0;
    int32_t bj = -1, brr = -1;

    for (size_t s = 0; s < p->nsites; s++) {
        double w = weight(p, sol[s], lam);
        int movable = sol[s] >= 0;
        p->key[s] = movable ? (w > 0 ? p->ben[sol[s]] / w : HUGE_VAL) : NAN;
    }
    nr = smallest_k(p->key, p->nsites, LS_SWAP_K, R);
    for (size_t s = 0; s < p->nsites; s++) {
        double top = p->top[s];
        p->key[s] = top > opt_ben(p, sol[s]) ? -(top - opt_ben(p, sol[s])) : NAN;
    }
    na = smallest_k(p->key, p->nsites, LS_SWAP_K, A);
    for (size_t i = 0; i < nr; i++) {
        size_t r = R[i];
        int32_t rj = sol[r];
        /* r's alternatives: none (k = off[r+1]) or any of its other options. */
        for (size_t k = p->off[r]; k <= p->off[r + 1]; k++) {
            int32_t rr = k == p->off[r + 1] ? -1 : (int32_t)k;
            struct state t = *st;
            double loss = opt_ben(p, rj) - opt_ben(p, rr);
            if (rr == rj || (rr < 0 && p->must && p->must[r]))
                continue;
            if (opt_cap(p, rr) >= opt_cap(p, rj) && opt_yr(p, rr) >= opt_yr(p, rj))
                continue; /* frees nothing */
            t.cap += opt_cap(p, rr) - opt_cap(p, rj);
            t.yr += opt_yr(p, rr) - opt_yr(p, rj);
            for (size_t q = 0; q < na; q++) {
                size_t a = A[q];
                int32_t from = sol[a];
                if (a == r)
                    continue;
                for (size_t j = p->off[a]; j < p->off[a + 1]; j++) {
                    double gain = p->ben[j] - opt_ben(p, from) - loss;
                    if (gain > best_gain * (1 + 1e-12) + 1e-12 &&
                        fits(&t, p->cap[j] - opt_cap(p, from), p->yr[j] - opt_yr(p, from)) &&
                        pair_group_ok(p, r, rj, rr, a, from, (int32_t)j)) {
                        best_gain = gain;
                        br = r;
                        brr = rr;
                        ba = a;
                        bj = (int32_t)j;
                    }
                }
            }
        }
    }
    if (bj < 0)
        return 0;
    apply(p, st, sol, br, brr);
    apply(p, st, sol, ba, bj);
    return 1;
}

static void local_search(bw_portfolio *p, struct state *st, int32_t *sol, double lam)
{
    ls_switch(p, st, sol);
    for (int round = 0; round < LS_ROUNDS; round++) {
        if (!ls_swap(p, st, sol, lam))
            break;
        ls_switch(p, st, sol);
    }
}

/* ---- bounds and branch and bound ------------------------------------------------------- */

/* The LP relaxation of the surrogate budget row "capital + lam × yearly <= C" (C = the
 * capital budget + lam × the yearly budget; lam = 0: the capital row alone): the
 * fractional greedy over each site's hull by that weight. Every portfolio that meets
 * both budgets meets the surrogate row, so this is an upper bound for every lam. */
static double lp_bound(bw_portfolio *p, double C, double lam, int hulls_built)
{
    struct heap h = {NULL, NULL, 0};
    double total = 0, used = 0;
    size_t n = p->nsites;
    uint32_t *pos = NULL;

    if (!(h.k = bw_malloc((n ? n : 1) * sizeof *h.k)) ||
        !(h.s = bw_malloc((n ? n : 1) * sizeof *h.s)) ||
        !(pos = bw_calloc(n ? n : 1, sizeof *pos))) {
        total = HUGE_VAL; /* no memory for the bound: no bound */
        goto out;
    }
    for (size_t s = 0; s < n; s++) {
        if (!hulls_built)
            build_hull(p, s, lam);
        if (p->hn[s]) {
            int32_t to = p->hull[p->off[s]];
            double w = weight(p, to, lam);
            heap_push(&h, w > 0 ? p->ben[to] / w : HUGE_VAL, (uint32_t)s);
        }
    }
    while (h.n) {
        uint32_t s = h.s[0];
        int32_t from = pos[s] ? p->hull[p->off[s] + pos[s] - 1] : -1;
        int32_t to = p->hull[p->off[s] + pos[s]];
        double dw = weight(p, to, lam) - weight(p, from, lam);
        double db = opt_ben(p, to) - opt_ben(p, from);
        heap_pop(&h);
        if (used + dw > C) {
            total += dw > 0 ? db * (C - used) / dw : db;
            break;
        }
        used += dw;
        total += db;
        pos[s]++;
        if (pos[s] < p->hn[s]) {
            int32_t nt = p->hull[p->off[s] + pos[s]];
            double w2 = weight(p, nt, lam) - weight(p, to, lam);
            heap_push(&h, w2 > 0 ? (opt_ben(p, nt) - opt_ben(p, to)) / w2 : HUGE_VAL, s);
        }
    }
out:
    bw_free(h.k);
    bw_free(h.s);
    bw_free(pos);
    return total;
}

struct bnb {
    bw_portfolio *p;
    size_t *order;     /* sites with options, by best benefit descending */
    size_t n;
    double *suffix;    /* suffix[i]: Σ best benefits of order[i..] */
    double *gcap;      /* [i * ngroups + g]: Σ best capital of group g's sites in order[i..] */
    double best;
    uint64_t nodes, max_nodes;
    int aborted;
};

static void bnb_rec(struct bnb *b, struct state *st, size_t i)
{
    bw_portfolio *p = b->p;

    if (b->aborted)
        return;
    if (++b->nodes > b->max_nodes) {
        b->aborted = 1;
        return;
    }
    if (st->ben + b->suffix[i] <= b->best * (1 + 1e-12) + 1e-12 && i < b->n)
        return;
    for (size_t g = 0; g < p->ngroups; g++)
        if (p->gmin[g] > 0 && p->gsp[g] + b->gcap[i * p->ngroups + g] <
                                  p->gmin[g] * (1 - 1e-12) - 1e-9)
            return; /* the group can no longer reach its minimum */
    if (i == b->n) {
        if (st->ben > b->best * (1 + 1e-12) + 1e-12 && constraints_met(p, p->cur)) {
            b->best = st->ben;
            memcpy(p->best, p->cur, p->nsites * sizeof *p->best);
        }
        return;
    }
    {
        size_t s = b->order[i];
        /* Options by benefit descending: the site's options are few, so a selection
         * sort over them per node is cheap. */
        size_t a = p->off[s], cnt = p->off[s + 1] - a;
        uint8_t tried[HULL_MAX] = {0};
        for (size_t t = 0; t < cnt; t++) {
            size_t bi = cnt;
            for (size_t j = 0; j < cnt; j++)
                if (!tried[j] && (bi == cnt || p->ben[a + j] > p->ben[a + bi]))
                    bi = j;
            tried[bi] = 1;
            if (!fits(st, p->cap[a + bi], p->yr[a + bi]))
                continue;
            apply(p, st, p->cur, s, (int32_t)(a + bi));
            bnb_rec(b, st, i + 1);
            apply(p, st, p->cur, s, -1);
        }
        if (!(p->must && p->must[s]))
            bnb_rec(b, st, i + 1);
    }
}

static int cmp_desc_ben(const void *x, const void *y, void *keys)
{
    double a = ((const double *)keys)[*(const size_t *)x];
    double c = ((const double *)keys)[*(const size_t *)y];
    if (a != c)
        return a > c ? -1 : 1;
    return *(const size_t *)x < *(const size_t *)y ? -1 : *(const size_t *)x > *(const size_t *)y;
}

/* Branch and bound from the incumbent in p->best (benefit @p incumbent). Returns 1 when
 * the search finished (p->best is optimal), 0 when it gave up, < 0 on error. */
static int exact(bw_portfolio *p, double B, double Y, double *incumbent, uint64_t *nodes)
{
    struct bnb b = {p, NULL, 0, NULL, NULL, *incumbent, 0, p->max_nodes, 0};
    struct state st = {0, 0, 0, B, Y};
    size_t n = p->nsites, ng = p->ngroups;
    int rc = BW_ENOMEM;

    if (!(b.order = bw_malloc((n ? n : 1) * sizeof *b.order)) ||
        !(b.suffix = bw_calloc(n + 1, sizeof *b.suffix)) ||
        !(b.gcap = bw_calloc((n + 1) * (ng ? ng : 1), sizeof *b.gcap)))
        goto out;
    for (size_t s = 0; s < n; s++) {
        double top = 0;
        for (size_t j = p->off[s]; j < p->off[s + 1]; j++)
            top = p->ben[j] > top ? p->ben[j] : top;
        p->key[s] = top;
        if (p->off[s + 1] > p->off[s])
            b.order[b.n++] = s;
        p->cur[s] = -1;
    }
    qsort_r(b.order, b.n, sizeof *b.order, cmp_desc_ben, p->key);
    for (size_t i = b.n; i-- > 0;) {
        size_t s = b.order[i];
        b.suffix[i] = b.suffix[i + 1] + p->key[s];
        for (size_t g = 0; g < ng; g++)
            b.gcap[i * ng + g] = b.gcap[(i + 1) * ng + g];
        if (ng) {
            double mc = 0;
            for (size_t j = p->off[s]; j < p->off[s + 1]; j++)
                mc = p->cap[j] > mc ? p->cap[j] : mc;
            b.gcap[i * ng + p->group[s]] += mc;
        }
    }
    recompute(p, &st, p->cur);
    st.B = B;
    st.Y = Y;
    bnb_rec(&b, &st, 0);
    *nodes = b.nodes;
    *incumbent = b.best;
    rc = b.aborted ? 0 : 1;
out:
    bw_free(b.order);
    bw_free(b.suffix);
    bw_free(b.gcap);
    return rc;
}

/* ---- solving --------------------------------------------------------------------------- */

static int solve_into(bw_portfolio *p, double budget, double yearly, const int32_t *seed,
                      struct bw_portfolio_result *out, struct bw_diag *d)
{
    double base = yearly > 0 ? (budget > 0 ? budget / yearly : 1) : 0;
    double lams[10];
    size_t nl = 0;
    struct state st = {0, 0, 0, budget, yearly < 0 ? HUGE_VAL : yearly};
    double best = -1, best_lam = base;
    int rc;

    if (!(budget >= 0) || !isfinite(budget))
        return bw_diag_set(d, BW_ERANGE, "budget", "the budget must be an amount of 0 or more "
                           "(got %g)", budget);
    if (isnan(yearly) || isinf(yearly))
        return bw_diag_set(d, BW_ERANGE, "yearly", "the yearly budget must be a finite amount "
                           "(got %g)", yearly);
    /* The weight of a currency unit of yearly cost against one of capital: the ratio of
     * the budgets, then a geometric grid around it, and 0 (capital alone). */
    lams[nl++] = base;
    if (yearly >= 0) {
        static const double grid[] = {0.5, 2, 0.25, 4, 0.125, 8, 1.0 / 16, 16};
        /* A large instance tries the four nearest; each weight costs a pass over every
         * option. */
        size_t ng = p->nopt > LS_ALL_WEIGHTS_OPTIONS ? 4 : sizeof grid / sizeof grid[0];
        for (size_t g = 0; g < ng; g++)
            lams[nl++] = base > 0 ? base * grid[g] : grid[g];
        lams[nl++] = 0;
    }
    /* Each weight: the greedy, and the surrogate bound over the hulls it built. On a
     * large instance the local search then runs from the best greedy portfolio only;
     * on a smaller one from every weight's. */
    memset(out, 0, sizeof *out);
    out->upper_bound = HUGE_VAL;
    for (size_t l = 0; l < nl; l++) {
        double u;
        if ((rc = greedy(p, &st, p->tmp, lams[l])) < 0)
            return rc;
        u = lp_bound(p, budget + (yearly >= 0 ? lams[l] * yearly : 0), lams[l], 1);
        if (u < out->upper_bound)
            out->upper_bound = u;
        if (rc > 0)
            continue; /* the constraints could not be met this way */
        if (p->nopt <= LS_ALL_WEIGHTS_OPTIONS)
            local_search(p, &st, p->tmp, lams[l]);
        recompute(p, &st, p->tmp);
        if (constraints_met(p, p->tmp) && fits(&st, 0, 0) && st.ben > best) {
            best = st.ben;
            best_lam = lams[l];
            memcpy(p->best, p->tmp, p->nsites * sizeof *p->best);
        }
    }
    if (best >= 0 && p->nopt > LS_ALL_WEIGHTS_OPTIONS) {
        memcpy(p->tmp, p->best, p->nsites * sizeof *p->tmp);
        recompute(p, &st, p->tmp);
        local_search(p, &st, p->tmp, best_lam);
        recompute(p, &st, p->tmp);
        if (constraints_met(p, p->tmp) && fits(&st, 0, 0) && st.ben > best) {
            best = st.ben;
            memcpy(p->best, p->tmp, p->nsites * sizeof *p->best);
        }
    }
    if (seed) {
        /* A given starting portfolio (the previous curve level), improved in place. */
        memcpy(p->tmp, seed, p->nsites * sizeof *p->tmp);
        recompute(p, &st, p->tmp);
        if (fits(&st, 0, 0) && constraints_met(p, p->tmp)) {
            local_search(p, &st, p->tmp, base);
            recompute(p, &st, p->tmp);
            if (st.ben > best) {
                best = st.ben;
                memcpy(p->best, p->tmp, p->nsites * sizeof *p->best);
            }
        }
    }
    if (p->nopt <= p->exact_max) {
        int ex = exact(p, budget, st.Y, &best, &out->nodes);
        if (ex < 0)
            return ex;
        out->exact = ex == 1;
    }
    if (best < 0)
        return 1;
    recompute(p, &st, p->best);
    out->benefit = st.ben;
    out->capital = st.cap;
    out->yearly = st.yr;
    if (out->exact)
        out->upper_bound = st.ben;
    for (size_t s = 0; s < p->nsites; s++) {
        out->risk_before += p->site_risk[s];
        if (p->best[s] >= 0) {
            out->sites++;
            out->measures += (size_t)__builtin_popcountll(p->mask[p->best[s]]);
        }
    }
    out->risk_after = out->risk_before - out->benefit;
    return 0;
}

static int no_solution(const bw_portfolio *p, struct bw_diag *d)
{
    if (p->must)
        for (size_t s = 0; s < p->nsites; s++)
            if (p->must[s])
                return bw_diag_set(d, BW_EINVAL, "must_cover", "no portfolio within the "
                                   "budgets covers every must-cover site and meets every "
                                   "category minimum");
    return bw_diag_set(d, BW_EINVAL, "group", "no portfolio within the budgets meets every "
                       "category minimum");
}

int bw_portfolio_solve(bw_portfolio *p, double budget, double yearly, uint64_t *chosen,
                       struct bw_portfolio_result *out, struct bw_diag *d)
{
    int rc = solve_into(p, budget, yearly, NULL, out, d);

    if (rc < 0)
        return rc;
    if (rc > 0) {
        memset(out, 0, sizeof *out);
        return no_solution(p, d);
    }
    for (size_t s = 0; s < p->nsites; s++)
        chosen[s] = p->best[s] >= 0 ? p->mask[p->best[s]] : 0;
    return BW_OK;
}

int bw_portfolio_curve(bw_portfolio *p, double budget, double yearly, size_t n, double *level,
                       double *spent, double *reduction, struct bw_diag *d)
{
    int32_t *prev = NULL;
    int have_prev = 0, rc = BW_OK;

    if (!(budget >= 0) || !isfinite(budget))
        return bw_diag_set(d, BW_ERANGE, "budget", "the budget must be an amount of 0 or more "
                           "(got %g)", budget);
    if (n == 0)
        return BW_OK;
    if (!(prev = bw_malloc((p->nsites ? p->nsites : 1) * sizeof *prev)))
        return BW_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct bw_portfolio_result r;
        double B = budget * (double)(i + 1) / (double)n;
        level[i] = B;
        rc = solve_into(p, B, yearly, have_prev ? prev : NULL, &r, d);
        if (rc < 0)
            goto out;
        if (rc > 0) {
            spent[i] = reduction[i] = NAN;
            rc = BW_OK;
            continue;
        }
        spent[i] = r.capital;
        reduction[i] = r.benefit;
        memcpy(prev, p->best, p->nsites * sizeof *prev);
        have_prev = 1;
    }
out:
    bw_free(prev);
    return rc;
}

/* ---- the ILP in CPLEX LP format --------------------------------------------------------- */

/* Appends " + c xj" terms, eight to a line (LP readers limit line lengths). */
static int lp_term(struct bw_buf *b, size_t *on_line, int first, double c, size_t j)
{
    int rc = bw_buf_printf(b, "%s%.17g x%zu", first ? " " : " + ", c, j);

    if (!rc && ++*on_line % 8 == 0)
        rc = bw_buf_puts(b, "\n ");
    return rc;
}

int bw_portfolio_write_lp(const bw_portfolio *p, double budget, double yearly,
                          struct bw_buf *out)
{
    size_t k = 0;
    int rc, first = 1;

#define TRY(x)                                                                                 \
    do {                                                                                       \
        if ((rc = (x)))                                                                        \
            return rc;                                                                         \
    } while (0)
    TRY(bw_buf_puts(out, "\\ risk-reduction portfolio (bulwark optimise): a multiple-choice "
                         "knapsack, one column per option\nMaximize\n obj:"));
    for (size_t j = 0; j < p->nopt; j++, first = 0)
        TRY(lp_term(out, &k, first, p->ben[j], j));
    if (p->nopt == 0)
        TRY(bw_buf_puts(out, " 0 x0"));
    TRY(bw_buf_puts(out, "\nSubject To\n"));
    for (size_t s = 0; s < p->nsites; s++) {
        if (p->off[s] == p->off[s + 1])
            continue;
        TRY(bw_buf_printf(out, " site%zu:", s));
        k = 0;
        for (size_t j = p->off[s]; j < p->off[s + 1]; j++)
            TRY(lp_term(out, &k, j == p->off[s], 1, j));
        TRY(bw_buf_puts(out, p->must && p->must[s] ? " = 1\n" : " <= 1\n"));
    }
    TRY(bw_buf_puts(out, " capital:"));
    k = 0;
    first = 1;
    for (size_t j = 0; j < p->nopt; j++)
        if (p->cap[j] != 0) {
            TRY(lp_term(out, &k, first, p->cap[j], j));
            first = 0;
        }
    if (first)
        TRY(bw_buf_puts(out, " 0 x0"));
    TRY(bw_buf_printf(out, " <= %.17g\n", budget));
    if (yearly >= 0) {
        TRY(bw_buf_puts(out, " yearly:"));
        k = 0;
        first = 1;
        for (size_t j = 0; j < p->nopt; j++)
            if (p->yr[j] != 0) {
                TRY(lp_term(out, &k, first, p->yr[j], j));
                first = 0;
            }
        if (first)
            TRY(bw_buf_puts(out, " 0 x0"));
        TRY(bw_buf_printf(out, " <= %.17g\n", yearly));
    }
    for (size_t g = 0; g < p->ngroups; g++) {
        if (p->gmin[g] <= 0)
            continue;
        TRY(bw_buf_printf(out, " group%zu:", g));
        k = 0;
        first = 1;
        for (size_t s = 0; s < p->nsites; s++)
            if (p->group[s] == g)
                for (size_t j = p->off[s]; j < p->off[s + 1]; j++)
                    if (p->cap[j] != 0) {
                        TRY(lp_term(out, &k, first, p->cap[j], j));
                        first = 0;
                    }
        if (first)
            TRY(bw_buf_puts(out, " 0 x0"));
        TRY(bw_buf_printf(out, " >= %.17g\n", p->gmin[g]));
    }
    TRY(bw_buf_puts(out, "Binary\n"));
    k = 0;
    for (size_t j = 0; j < p->nopt; j++)
        TRY(bw_buf_printf(out, " x%zu%s", j, ++k % 16 == 0 ? "\n" : ""));
    if (p->nopt == 0)
        TRY(bw_buf_puts(out, " x0"));
    TRY(bw_buf_puts(out, "\nEnd\n"));
#undef TRY
    return BW_OK;
}
