/*
 * test_portfolio.c — the risk-reduction portfolio (src/method/portfolio.c):
 *   - a hand-worked example (below), solved at several budgets;
 *   - an exhaustive-search oracle on 400 random small instances: every combination of
 *     measure subsets at every site, benefits computed here from "risk after =
 *     Σ_k r_k Π(1 − e_mk)" (a second implementation), budgets, must-cover sites and
 *     category minimums checked here; the optimiser's answer must equal the optimum
 *     and be feasible, and the heuristic alone (branch and bound off) must come close;
 *   - more budget never gives less reduction (exact instances and a larger curve);
 *   - measures flagged for human-rights review are never chosen unless allowed;
 *   - the ILP written for CBC, compared with a hand-written LP file;
 *   - bad input (negative budget, bad risks and effects, impossible must-cover);
 *   - every allocation failing in turn gives BW_ENOMEM, then the right answer.
 */
#include "unit.h"

#include "buf.h"
#include "portfolio.h"

/* ---- the hand-worked example ----------------------------------------------------------
 * One threat. Site 0 has risk 1000, site 1 risk 300. Measure A: effect 0.5, capital 100;
 * measure B: effect 0.4, capital 60; no yearly costs.
 *   site 0: {A} 1000 × 0.5 = 500 (100), {B} 400 (60), {A,B} 1000 × (1 − 0.5 × 0.6) = 700 (160)
 *   site 1: {A} 150 (100), {B} 120 (60), {A,B} 210 (160)
 * Budget  59: nothing fits                                    → 0
 * Budget 100: best of {A}@0 500, {B}@0 400, {B}@1 120          → 500
 * Budget 160: {A,B}@0 700 > {A}@0+{B}@1 620 > {B}@0+{B}@1 520 → 700
 * Budget 200: {A,B}@0 700 > {A}@0+{A}@1 650                   → 700
 * Budget 220: {A,B}@0 + {B}@1 = 820                           → 820
 * Budget 320: {A,B} at both = 910                             → 910
 */
static const double HW_RISK[2] = {1000, 300};
static const double HW_EFFECT[2] = {0.5, 0.4};
static const double HW_CAP[2] = {100, 60};
static const double HW_YR[2] = {0, 0};

static struct bw_portfolio_instance hw_instance(void)
{
    return (struct bw_portfolio_instance){.nsites = 2, .nthreats = 1, .nmeasures = 2,
                                          .risk = HW_RISK, .effect = HW_EFFECT,
                                          .capital = HW_CAP, .yearly = HW_YR};
}

static void test_hand_worked(void **state)
{
    struct bw_portfolio_instance in = hw_instance();
    struct bw_portfolio_options o = {.budget = 320, .yearly = -1};
    static const double budgets[] = {59, 100, 160, 200, 220, 320};
    static const double expect[] = {0, 500, 700, 700, 820, 910};
    bw_portfolio *p = NULL;
    struct bw_diag d;
    uint64_t chosen[2];
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_int_equal(bw_portfolio_noptions(p), 6);
    for (size_t i = 0; i < 6; i++) {
        struct bw_portfolio_result r;
        assert_int_equal(bw_portfolio_solve(p, budgets[i], -1, chosen, &r, &d), BW_OK);
        assert_close(r.benefit, expect[i], 1e-9);
        assert_close(r.risk_before, 1300, 1e-9);
        assert_close(r.risk_after, 1300 - expect[i], 1e-9);
        assert_true(r.capital <= budgets[i]);
        assert_int_equal(r.exact, 1);
    }
    /* At 220: both measures at site 0, B at site 1. */
    {
        struct bw_portfolio_result r;
        assert_int_equal(bw_portfolio_solve(p, 220, -1, chosen, &r, &d), BW_OK);
        assert_true(chosen[0] == 3 && chosen[1] == 2);
        assert_int_equal(r.sites, 2);
        assert_int_equal(r.measures, 3);
    }
    /* Credit of site 0's 700 between A (500 alone) and B (400 alone): 700 × 5/9, 700 × 4/9. */
    {
        double credit[2] = {0, 0};
        assert_close(bw_portfolio_benefit(&in, 0, 3, credit), 700, 1e-9);
        assert_close(credit[0], 700.0 * 5 / 9, 1e-9);
        assert_close(credit[1], 700.0 * 4 / 9, 1e-9);
    }
    bw_portfolio_free(p);
}

/* The LP file of the hand-worked example with a yearly budget of 0 and site 1 a
 * must-cover site, written out by hand. Options in order: site 0 {A} {B} {A,B}, site 1
 * {A} {B} {A,B}. */
static void test_lp_file(void **state)
{
    struct bw_portfolio_instance in = hw_instance();
    static const uint8_t must[2] = {0, 1};
    struct bw_portfolio_options o = {.budget = 220, .yearly = 0};
    bw_portfolio *p = NULL;
    struct bw_buf b;
    struct bw_diag d;
    static const char expect[] =
        "\\ risk-reduction portfolio (bulwark optimise): a multiple-choice knapsack, one "
        "column per option\n"
        "Maximize\n"
        " obj: 500 x0 + 400 x1 + 700 x2 + 150 x3 + 120 x4 + 210 x5\n"
        "Subject To\n"
        " site0: 1 x0 + 1 x1 + 1 x2 <= 1\n"
        " site1: 1 x3 + 1 x4 + 1 x5 = 1\n"
        " capital: 100 x0 + 60 x1 + 160 x2 + 100 x3 + 60 x4 + 160 x5 <= 220\n"
        " yearly: 0 x0 <= 0\n"
        "Binary\n"
        " x0 x1 x2 x3 x4 x5\n"
        "End\n";
    (void)state;

    in.must_cover = must;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    bw_buf_init(&b, 1 << 20);
    assert_int_equal(bw_portfolio_write_lp(p, 220, 0, &b), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), expect);
    bw_buf_release(&b);
    bw_portfolio_free(p);
}

/* ---- the exhaustive oracle ---------------------------------------------------------------- */

#define MAXS 6
#define MAXM 5
#define MAXK 3

struct rnd_inst {
    size_t ns, nm, nk, ng;
    double risk[MAXS * MAXK], effect[MAXM * MAXK], cap[MAXM], yr[MAXM];
    uint8_t review[MAXM], must[MAXS];
    uint64_t in_place[MAXS];
    uint32_t group[MAXS];
    double gmin[2];
    double budget, yearly;
    int allow_review;
};

static void make_random(uint64_t seed, struct rnd_inst *x)
{
    uint64_t st = seed * 7919 + 17;
    size_t bits;

    memset(x, 0, sizeof *x);
    do {
        x->ns = 1 + unit_rand(&st) % MAXS;
        x->nm = 2 + unit_rand(&st) % (MAXM - 1);
        bits = x->ns * x->nm;
    } while (bits > 16);
    x->nk = 1 + unit_rand(&st) % MAXK;
    for (size_t i = 0; i < x->ns * x->nk; i++)
        x->risk[i] = unit_rand(&st) % 4 == 0 ? 0 : unit_uniform(&st, 10, 1000);
    for (size_t i = 0; i < x->nm * x->nk; i++)
        x->effect[i] = unit_rand(&st) % 3 == 0 ? 0 : unit_uniform(&st, 0.05, 0.9);
    for (size_t m = 0; m < x->nm; m++) {
        x->cap[m] = unit_rand(&st) % 5 == 0 ? 0 : (double)(10 + unit_rand(&st) % 90);
        x->yr[m] = (double)(unit_rand(&st) % 30);
        x->review[m] = unit_rand(&st) % 4 == 0;
    }
    for (size_t s = 0; s < x->ns; s++) {
        x->in_place[s] = unit_rand(&st) % 3 == 0 ? (1ull << (unit_rand(&st) % x->nm)) : 0;
        x->must[s] = unit_rand(&st) % 8 == 0;
        x->group[s] = (uint32_t)(unit_rand(&st) % 2);
    }
    x->ng = 2;
    x->gmin[0] = unit_rand(&st) % 6 == 0 ? unit_uniform(&st, 10, 80) : 0;
    x->gmin[1] = 0;
    x->budget = unit_uniform(&st, 0, 40.0 * (double)x->ns);
    x->yearly = unit_rand(&st) % 3 == 0 ? -1 : unit_uniform(&st, 0, 15.0 * (double)x->ns);
    x->allow_review = (int)(unit_rand(&st) % 2);
}

static struct bw_portfolio_instance rnd_instance(struct rnd_inst *x)
{
    return (struct bw_portfolio_instance){.nsites = x->ns, .nthreats = x->nk, .nmeasures = x->nm,
                                          .risk = x->risk, .effect = x->effect,
                                          .capital = x->cap, .yearly = x->yr,
                                          .review = x->review, .in_place = x->in_place,
                                          .must_cover = x->must, .group = x->group,
                                          .ngroups = x->ng, .group_min = x->gmin};
}

/* Risk left at site s under measure set mask (the second implementation). */
static double risk_left(const struct rnd_inst *x, size_t s, uint64_t mask)
{
    double left = 0;

    for (size_t k = 0; k < x->nk; k++) {
        double r = x->risk[s * x->nk + k];
        for (size_t m = 0; m < x->nm; m++)
            if (mask >> m & 1)
                r *= 1 - x->effect[m * x->nk + k];
        left += r;
    }
    return left;
}

/* The measures the problem lets the site choose: not in place, allowed, and acting on a
 * threat the site has risk under. */
static uint64_t allowed(const struct rnd_inst *x, size_t s)
{
    uint64_t a = 0;

    for (size_t m = 0; m < x->nm; m++) {
        int acts = 0;
        for (size_t k = 0; k < x->nk; k++)
            acts |= x->risk[s * x->nk + k] > 0 && x->effect[m * x->nk + k] > 0;
        if (acts && !(x->in_place[s] >> m & 1) && !(x->review[m] && !x->allow_review))
            a |= 1ull << m;
    }
    return a;
}

/* Is this assignment feasible? Fills its benefit. */
static int feasible(const struct rnd_inst *x, const uint64_t *ch, double budget, double yearly,
                    double *benefit)
{
    double cap = 0, yr = 0, gsp[2] = {0, 0};

    *benefit = 0;
    for (size_t s = 0; s < x->ns; s++) {
        if (ch[s] & ~allowed(x, s))
            return 0;
        if (x->must[s] && !ch[s])
            return 0;
        for (size_t m = 0; m < x->nm; m++)
            if (ch[s] >> m & 1) {
                cap += x->cap[m];
                yr += x->yr[m];
                gsp[x->group[s]] += x->cap[m];
            }
        *benefit += risk_left(x, s, 0) - risk_left(x, s, ch[s]);
    }
    if (cap > budget + 1e-9 || (yearly >= 0 && yr > yearly + 1e-9))
        return 0;
    for (size_t g = 0; g < 2; g++)
        if (gsp[g] < x->gmin[g] - 1e-9)
            return 0;
    return 1;
}

/* Exhaustive search: every subset of the allowed measures at every site. -1: infeasible. */
static double oracle(const struct rnd_inst *x, double budget, double yearly)
{
    uint64_t ch[MAXS] = {0}, sub[MAXS] = {0};
    double best = -1;

    for (;;) {
        double b;
        size_t s;
        for (s = 0; s < x->ns; s++)
            ch[s] = sub[s];
        if (feasible(x, ch, budget, yearly, &b) && b > best)
            best = b;
        /* Next combination: a mixed-radix counter over each site's subsets of allowed(s). */
        for (s = 0; s < x->ns; s++) {
            uint64_t a = allowed(x, s);
            sub[s] = (sub[s] - a) & a; /* next subset of a */
            if (sub[s])
                break;
        }
        if (s == x->ns)
            break;
    }
    return best;
}

static void test_exhaustive_oracle(void **state)
{
    double sum_ratio = 0;
    size_t feasible_cases = 0, exact_cases = 0;
    (void)state;

    for (uint64_t seed = 0; seed < 400; seed++) {
        struct rnd_inst x;
        struct bw_portfolio_instance in;
        struct bw_portfolio_options o;
        bw_portfolio *p = NULL, *h = NULL;
        struct bw_portfolio_result r, rh;
        struct bw_diag d;
        uint64_t ch[MAXS];
        double opt, b;
        int rc;

        make_random(seed, &x);
        in = rnd_instance(&x);
        o = (struct bw_portfolio_options){.budget = x.budget, .yearly = x.yearly,
                                          .allow_review = x.allow_review};
        opt = oracle(&x, x.budget, x.yearly);
        bw_diag_clear(&d);
        rc = bw_portfolio_new(&in, &o, &d, &p);
        if (rc == BW_EINVAL) {
            /* A must-cover site with nothing allowed to choose: the oracle agrees. */
            assert_string_equal(d.field, "must_cover");
            assert_true(opt < 0);
            continue;
        }
        assert_int_equal(rc, BW_OK);
        rc = bw_portfolio_solve(p, x.budget, x.yearly, ch, &r, &d);
        if (opt < 0) {
            assert_int_equal(rc, BW_EINVAL);
            bw_portfolio_free(p);
            continue;
        }
        if (rc != BW_OK)
            fail_msg("seed %llu: no portfolio found, optimum %g", (unsigned long long)seed, opt);
        assert_int_equal(r.exact, 1);
        exact_cases++;
        assert_true(feasible(&x, ch, x.budget, x.yearly, &b));
        assert_close(b, opt, 1e-9 * (1 + opt));
        assert_close(r.benefit, opt, 1e-9 * (1 + opt));
        assert_true(r.upper_bound >= opt - 1e-9 * (1 + opt));

        /* The heuristic alone (branch and bound off). */
        o.exact_max_options = 1;
        assert_int_equal(bw_portfolio_new(&in, &o, &d, &h), BW_OK);
        if (bw_portfolio_noptions(h) > 1 &&
            bw_portfolio_solve(h, x.budget, x.yearly, ch, &rh, &d) == BW_OK) {
            assert_int_equal(rh.exact, 0);
            assert_true(feasible(&x, ch, x.budget, x.yearly, &b));
            assert_close(b, rh.benefit, 1e-9 * (1 + opt));
            assert_true(rh.benefit <= opt + 1e-9 * (1 + opt));
            assert_true(rh.upper_bound >= opt - 1e-9 * (1 + opt));
            sum_ratio += opt > 0 ? rh.benefit / opt : 1;
            feasible_cases++;
        }
        bw_portfolio_free(h);
        bw_portfolio_free(p);
    }
    print_message("exhaustive oracle: %zu instances proven optimal; heuristic alone reaches "
                  "%.4f of the optimum on average over %zu\n",
                  exact_cases, sum_ratio / (double)feasible_cases, feasible_cases);
    assert_true(exact_cases >= 200);
    assert_true(sum_ratio / (double)feasible_cases >= 0.97);
}

/* ---- monotonicity ---------------------------------------------------------------------------- */

static void test_monotone_exact(void **state)
{
    (void)state;
    for (uint64_t seed = 1000; seed < 1060; seed++) {
        struct rnd_inst x;
        struct bw_portfolio_instance in;
        struct bw_portfolio_options o;
        bw_portfolio *p = NULL;
        struct bw_diag d;
        double prev = -1;

        make_random(seed, &x);
        memset(x.must, 0, sizeof x.must);
        x.gmin[0] = 0;
        in = rnd_instance(&x);
        o = (struct bw_portfolio_options){.budget = x.budget, .yearly = x.yearly,
                                          .allow_review = x.allow_review};
        bw_diag_clear(&d);
        assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
        for (int i = 0; i <= 12; i++) {
            struct bw_portfolio_result r;
            uint64_t ch[MAXS];
            double B = x.budget * i / 8.0;
            assert_int_equal(bw_portfolio_solve(p, B, x.yearly, ch, &r, &d), BW_OK);
            assert_true(r.benefit >= prev - 1e-9);
            prev = r.benefit;
        }
        bw_portfolio_free(p);
    }
}

/* A larger instance (150 sites, 12 measures, 4 threats; not solved exactly): the curve's
 * reduction never falls, and each level spends no more than it may. */
static void test_monotone_curve(void **state)
{
    enum { NS = 150, NM = 12, NK = 4, LV = 8 };
    static double risk[NS * NK], effect[NM * NK], cap[NM], yr[NM];
    double level[LV], spent[LV], red[LV];
    uint64_t st = 99;
    struct bw_portfolio_instance in = {.nsites = NS, .nthreats = NK, .nmeasures = NM,
                                       .risk = risk, .effect = effect, .capital = cap,
                                       .yearly = yr};
    struct bw_portfolio_options o = {.budget = 2e6, .yearly = 3e5};
    bw_portfolio *p = NULL;
    struct bw_diag d;
    (void)state;

    for (size_t i = 0; i < NS * NK; i++)
        risk[i] = unit_uniform(&st, 0, 1e5);
    for (size_t i = 0; i < NM * NK; i++)
        effect[i] = unit_rand(&st) % 2 ? unit_uniform(&st, 0.05, 0.6) : 0;
    for (size_t m = 0; m < NM; m++) {
        cap[m] = unit_uniform(&st, 1e3, 5e4);
        yr[m] = unit_uniform(&st, 0, 1e4);
    }
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_true(bw_portfolio_noptions(p) > BW_PORTFOLIO_EXACT_OPTIONS);
    assert_int_equal(bw_portfolio_curve(p, 2e6, 3e5, LV, level, spent, red, &d), BW_OK);
    for (size_t i = 0; i < LV; i++) {
        assert_close(level[i], 2e6 * (double)(i + 1) / LV, 1e-6);
        assert_true(spent[i] <= level[i] * (1 + 1e-12));
        assert_true(red[i] > 0);
        if (i)
            assert_true(red[i] >= red[i - 1]);
    }
    bw_portfolio_free(p);
}

/* ---- human-rights review --------------------------------------------------------------------- */

/* Measure 0 (flagged) is by far the best buy; measure 1 is weaker. */
static void test_review_excluded(void **state)
{
    static const double risk[3] = {1000, 2000, 500};
    static const double effect[2] = {0.9, 0.2};
    static const double cap[2] = {10, 10}, yr[2] = {0, 0};
    static const uint8_t review[2] = {1, 0};
    struct bw_portfolio_instance in = {.nsites = 3, .nthreats = 1, .nmeasures = 2,
                                       .risk = risk, .effect = effect, .capital = cap,
                                       .yearly = yr, .review = review};
    struct bw_portfolio_options o = {.budget = 60, .yearly = -1};
    struct bw_portfolio_result r;
    struct bw_diag d;
    uint64_t ch[3];
    bw_portfolio *p = NULL;
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_int_equal(bw_portfolio_solve(p, 60, -1, ch, &r, &d), BW_OK);
    for (size_t s = 0; s < 3; s++)
        assert_true(ch[s] == 2); /* measure 1 only, everywhere: 0.2 × 3500 = 700 */
    assert_close(r.benefit, 700, 1e-9);
    bw_portfolio_free(p);

    o.allow_review = 1;
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_int_equal(bw_portfolio_solve(p, 60, -1, ch, &r, &d), BW_OK);
    /* Both at every site: 3500 × (1 − 0.1 × 0.8) = 3220. */
    assert_close(r.benefit, 3220, 1e-9);
    for (size_t s = 0; s < 3; s++)
        assert_true(ch[s] == 3);
    bw_portfolio_free(p);
}

/* ---- bad input -------------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    struct bw_portfolio_instance in = hw_instance();
    struct bw_portfolio_options o = {.budget = -1, .yearly = -1};
    struct bw_portfolio_result r;
    bw_portfolio *p = NULL;
    struct bw_diag d;
    uint64_t ch[2];
    double bad_risk[2] = {1000, NAN}, bad_effect[2] = {0.5, 1.5};
    static const uint8_t must[2] = {0, 1};
    double zero_risk[2] = {1000, 0};
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_ERANGE);
    assert_null(p);
    assert_string_equal(d.field, "budget");
    assert_non_null(strstr(d.msg, "-1"));

    o.budget = 100;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_int_equal(bw_portfolio_solve(p, -1, -1, ch, &r, &d), BW_ERANGE);
    assert_string_equal(d.field, "budget");
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_solve(p, NAN, -1, ch, &r, &d), BW_ERANGE);
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_curve(p, -5, -1, 3, bad_risk, bad_risk, bad_risk, &d),
                     BW_ERANGE);
    bw_portfolio_free(p);
    p = NULL;

    in.risk = bad_risk;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_ERANGE);
    assert_string_equal(d.field, "risk");
    assert_non_null(strstr(d.msg, "site 1"));

    in = hw_instance();
    in.effect = bad_effect;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_ERANGE);
    assert_string_equal(d.field, "effect");
    assert_non_null(strstr(d.msg, "measure 1"));

    /* Site 1 has no risk, so nothing acts on it: it cannot be covered. */
    in = hw_instance();
    in.risk = zero_risk;
    in.must_cover = must;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_EINVAL);
    assert_string_equal(d.field, "must_cover");

    /* A must-cover site the budget cannot reach: site 1's cheapest option costs 60. */
    in = hw_instance();
    in.must_cover = must;
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_new(&in, &o, &d, &p), BW_OK);
    assert_int_equal(bw_portfolio_solve(p, 50, -1, ch, &r, &d), BW_EINVAL);
    assert_string_equal(d.field, "must_cover");
    /* With 160 it must cover site 1: {A}@0 + {B}@1 = 620, not {A,B}@0 = 700. */
    bw_diag_clear(&d);
    assert_int_equal(bw_portfolio_solve(p, 160, -1, ch, &r, &d), BW_OK);
    assert_close(r.benefit, 620, 1e-9);
    bw_portfolio_free(p);
}

/* ---- allocation failures ---------------------------------------------------------------- */

static long alloc_budget = -1; /* allocations left before failing; -1: never fail */

static int take(void)
{
    if (alloc_budget == 0)
        return 0;
    if (alloc_budget > 0)
        alloc_budget--;
    return 1;
}
static void *t_malloc(size_t n)
{
    return take() ? malloc(n) : NULL;
}
static void *t_calloc(size_t c, size_t n)
{
    return take() ? calloc(c, n) : NULL;
}
static void *t_realloc(void *q, size_t n)
{
    return take() ? realloc(q, n) : NULL;
}

/* Fails the Nth allocation for every N: building, solving, the curve and the LP file
 * return BW_ENOMEM (never crash, never leak: the sanitizer build checks) until N is past
 * the last allocation, and then give the hand-worked answer. */
static void test_torture(void **state)
{
    static const struct bw_allocator hook = {t_malloc, t_calloc, t_realloc, free};
    struct bw_portfolio_instance in = hw_instance();
    struct bw_portfolio_options o = {.budget = 220, .yearly = -1};
    int done = 0;
    (void)state;

    assert_int_equal(bw_set_allocator(&hook), BW_OK);
    for (long n = 0; n < 10000 && !done; n++) {
        bw_portfolio *p = NULL;
        struct bw_portfolio_result r;
        struct bw_diag d;
        struct bw_buf b;
        uint64_t ch[2];
        double lv[3], sp[3], rd[3];
        int rc;

        bw_diag_clear(&d);
        alloc_budget = n;
        rc = bw_portfolio_new(&in, &o, &d, &p);
        if (rc == BW_OK)
            rc = bw_portfolio_solve(p, 220, -1, ch, &r, &d);
        if (rc == BW_OK)
            rc = bw_portfolio_curve(p, 220, -1, 3, lv, sp, rd, &d);
        bw_buf_init(&b, 1 << 20);
        if (rc == BW_OK)
            rc = bw_portfolio_write_lp(p, 220, -1, &b);
        bw_buf_release(&b);
        bw_portfolio_free(p);
        alloc_budget = -1;
        if (rc == BW_OK) {
            assert_close(r.benefit, 820, 1e-9);
            assert_close(rd[2], 820, 1e-9);
            done = 1;
        } else
            assert_int_equal(rc, BW_ENOMEM);
    }
    assert_true(done);
    assert_int_equal(bw_set_allocator(NULL), BW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_lp_file),
        cmocka_unit_test(test_exhaustive_oracle),
        cmocka_unit_test(test_monotone_exact),
        cmocka_unit_test(test_monotone_curve),
        cmocka_unit_test(test_review_excluded),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_torture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
