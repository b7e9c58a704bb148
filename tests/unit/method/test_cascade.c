/*
 * test_cascade.c — the cascade model of docs/cascade.md (src/method/cascade.c) on
 * graphs built directly with bw_graph_new:
 *   - the deterministic cascade on hand-worked graphs: supply chains, 1-of-2 and k-of-n
 *     redundancy, alternative groups, network rings and paths, directed links,
 *     interdependent services, sourceless cycles, service filters, invalid arguments;
 *   - the criticality sweep: the dominator method against brute-force cascades node by
 *     node on random one-service graphs, the cascade method against a sequential loop of
 *     bw_cascade_run on random multi-service and k-of-n graphs, and independence of the
 *     thread count;
 *   - the incremental engine against a plain implementation of the model written in this
 *     file (full propagations to a fixpoint): sweeps and random removal sets on random
 *     interdependent graphs with k-of-n groups, cycles and links, and large regions that
 *     make an update fall back to a full propagation;
 *   - the timed cascade: hours until loss through buffers, outages max(0, T - u) with a
 *     deterministic T (sigma 0), population-hours, seeding and percentiles.
 * Every expected number is worked out by hand in the comment above its check.
 */
#include "unit.h"

#include "cascade.h"
#include "graph.h"

enum { POWER = 0, WATER = 1, TELECOM = 2 };
#define P_ (1u << POWER)
#define W_ (1u << WATER)
#define ALL BW_ALL_SERVICES

/* Supply dependency: @p site needs service @p s from @p sup (group key, k, buffer). */
static struct bw_graph_dep sup(uint32_t site, uint32_t supplier, uint8_t s, uint32_t group,
                               uint16_t needs, float buffer)
{
    return (struct bw_graph_dep){.site = site,
                                 .supplier = supplier,
                                 .group = group,
                                 .needs = needs,
                                 .service = s,
                                 .kind = 0,
                                 .directed = 0,
                                 .buffer_hours = buffer};
}

/* Network link of service @p s between @p a and @p b; if directed, from @p b to @p a. */
static struct bw_graph_dep net(uint32_t a, uint32_t b, uint8_t s, int directed)
{
    return (struct bw_graph_dep){.site = a,
                                 .supplier = b,
                                 .group = 0,
                                 .needs = 1,
                                 .service = s,
                                 .kind = 1,
                                 .directed = (uint8_t)directed,
                                 .buffer_hours = 0};
}

#define NDEPS(a) (sizeof(a) / sizeof((a)[0]))

static bw_graph *build(uint32_t n, uint32_t ns, const uint32_t *supplies, const double *pop,
                       const struct bw_graph_dep *deps, size_t nd)
{
    struct bw_diag d;
    bw_graph *g = NULL;
    char msg[1024];

    bw_diag_clear(&d);
    if (bw_graph_new(n, ns, supplies, pop, deps, nd, &d, &g) != BW_OK) {
        print_error("bw_graph_new: %s\n", bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    return g;
}

static bw_cascade *workspace(const bw_graph *g)
{
    bw_cascade *c = NULL;
    assert_int_equal(bw_cascade_new(g, &c), BW_OK);
    assert_non_null(c);
    return c;
}

/* Runs the cascade of @p removed and checks the lost list (ascending) and population. */
static void expect_run(bw_cascade *c, const uint32_t *removed, size_t nr, int service,
                       const uint32_t *want, size_t nwant, double pop, int line)
{
    const uint32_t *lost = NULL;
    size_t k;

    if (bw_cascade_run(c, removed, nr, service) != BW_OK) {
        print_error("line %d: bw_cascade_run failed\n", line);
        fail();
    }
    k = bw_cascade_lost(c, &lost);
    if (k != nwant) {
        print_error("line %d: %zu lost, expected %zu\n", line, k, nwant);
        for (size_t i = 0; i < k; i++)
            print_error("  lost %u\n", lost[i]);
        fail();
    }
    for (size_t i = 0; i < k; i++) {
        if (lost[i] != want[i]) {
            print_error("line %d: lost[%zu] = %u, expected %u\n", line, i, lost[i], want[i]);
            fail();
        }
    }
    if (bw_cascade_population_lost(c) != pop) {
        print_error("line %d: population lost %.17g, expected %.17g\n", line,
                    bw_cascade_population_lost(c), pop);
        fail();
    }
}

/* A node list as (array, count); NONE is the empty list. */
#define R(...)                                                                                     \
    (const uint32_t[]){__VA_ARGS__}, (sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))
#define NONE NULL, (size_t)0
#define RUN(c, removed, service, lost, pop)                                                        \
    expect_run((c), removed, (service), lost, (pop), __LINE__)

/* ---- deterministic cascade ----------------------------------------------------------- */

/*
 * Supply chain 0 (power source) -> 1 -> 2: 1 needs power from 0, 2 from 1.
 * Populations 10, 100, 1000.
 *   remove 0: 1 loses its only supplier, then 2 -> lost {1, 2}, population 1100
 *   remove 1: 2 -> lost {2}, 1000 (the removed node itself is not "lost")
 *   remove 2: nothing; remove nothing: nothing.
 */
static void test_chain(void **state)
{
    (void)state;
    const uint32_t supplies[3] = {P_, 0, 0};
    const double pop[3] = {10, 100, 1000};
    const struct bw_graph_dep deps[] = {sup(1, 0, POWER, 0, 1, 0), sup(2, 1, POWER, 0, 1, 0)};
    bw_graph *g = build(3, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    RUN(c, R(0), ALL, R(1, 2), 1100);
    assert_int_equal(bw_cascade_baseline_unserved(c), 0);
    RUN(c, R(1), ALL, R(2), 1000);
    RUN(c, R(2), ALL, NONE, 0);
    RUN(c, NONE, ALL, NONE, 0);
    /* Service 0 explicitly gives the same answers. */
    RUN(c, R(0), POWER, R(1, 2), 1100);
    /* Removing a node twice is removing it once. */
    RUN(c, R(1, 1), ALL, R(2), 1000);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Redundancy. Sources 0, 1, 2 (power).
 *   3: one group {0, 1}, needs 1 (1-of-2)
 *   4: one group {0, 1, 2}, needs 2 (2-of-3)
 *   5: one group {0, 1, 2}, needs 3 (3-of-3)
 *   remove 0:       3 has 1; 4 has 1, 2; 5 has only 2 of 3 -> lost {5}
 *   remove 1:       likewise -> {5}
 *   remove {0, 1}:  3 has none; 4 has only 2; 5 -> {3, 4, 5}
 *   remove {0, 2}:  3 has 1; 4 has only 1; 5 -> {4, 5}
 *   remove {1, 2}:  3 has 0; 4 has only 0 -> {4, 5}
 *   remove 2:       -> {5}
 */
static void test_redundancy(void **state)
{
    (void)state;
    const uint32_t supplies[6] = {P_, P_, P_, 0, 0, 0};
    const double pop[6] = {0, 0, 0, 3, 40, 500};
    const struct bw_graph_dep deps[] = {
        sup(3, 0, POWER, 0, 1, 0), sup(3, 1, POWER, 0, 1, 0), sup(4, 0, POWER, 0, 2, 0),
        sup(4, 1, POWER, 0, 2, 0), sup(4, 2, POWER, 0, 2, 0), sup(5, 0, POWER, 9, 3, 0),
        sup(5, 1, POWER, 9, 3, 0), sup(5, 2, POWER, 9, 3, 0),
    };
    bw_graph *g = build(6, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    assert_false(bw_graph_all_one_of_n(g));
    RUN(c, R(0), ALL, R(5), 500);
    RUN(c, R(1), ALL, R(5), 500);
    RUN(c, R(2), ALL, R(5), 500);
    RUN(c, R(0, 1), ALL, R(3, 4, 5), 543);
    RUN(c, R(0, 2), ALL, R(4, 5), 540);
    RUN(c, R(1, 2), ALL, R(4, 5), 540);
    RUN(c, R(2, 1, 0), ALL, R(3, 4, 5), 543);
    assert_int_equal(bw_cascade_baseline_unserved(c), 0);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Alternatives: two groups of one site for one service are OR'ed.
 * Sources 0..3 (water). Site 4: group key 1 = {0, 1} needs 2, group key 2 = {2, 3}
 * needs 2.
 *   remove 0:       group 1 fails, group 2 holds -> nothing lost
 *   remove {0, 1}:  group 2 holds -> nothing
 *   remove {0, 2}:  both groups fail -> {4}
 *   remove 3:       group 1 holds -> nothing
 *   remove {1, 3}:  both fail -> {4}
 */
static void test_alternatives(void **state)
{
    (void)state;
    const uint32_t supplies[5] = {W_, W_, W_, W_, 0};
    const double pop[5] = {1, 1, 1, 1, 77};
    const struct bw_graph_dep deps[] = {
        sup(4, 0, WATER, 1, 2, 0),
        sup(4, 1, WATER, 1, 2, 0),
        sup(4, 2, WATER, 2, 2, 0),
        sup(4, 3, WATER, 2, 2, 0),
    };
    bw_graph *g = build(5, 2, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    assert_int_equal(bw_graph_groups(g), 2);
    RUN(c, R(0), ALL, NONE, 0);
    RUN(c, R(0, 1), ALL, NONE, 0);
    RUN(c, R(0, 2), ALL, R(4), 77);
    RUN(c, R(3), ALL, NONE, 0);
    RUN(c, R(1, 3), ALL, R(4), 77);
    RUN(c, R(1, 3), WATER, R(4), 77);
    /* Nothing needs power: a power-only run loses nothing. */
    RUN(c, R(1, 3), POWER, NONE, 0);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Networks. Ring 0-1-2-3-4-0 (power) with the single source 0; path 5-6-7-8-9 with the
 * single source 5, and a 10-node path 10..19 with source 10 for the ordering check.
 *   ring: remove 2 -> 1 is fed through 0-1, 3 through 0-4-3: nothing lost
 *         remove 0 -> {1, 2, 3, 4}
 *         remove {1, 4} -> 2 and 3 cut off -> {2, 3}
 *   path: remove 7 -> {8, 9}; remove 6 -> {7, 8, 9}; remove 9 -> nothing
 *   long path: remove 15 -> {16, 17, 18, 19}, ascending
 * Population of node v is v.
 */
static void test_networks(void **state)
{
    (void)state;
    uint32_t supplies[20] = {0};
    double pop[20];
    struct bw_graph_dep deps[32];
    size_t nd = 0;
    bw_graph *g;
    bw_cascade *c;

    for (uint32_t v = 0; v < 20; v++)
        pop[v] = v;
    supplies[0] = supplies[5] = supplies[10] = P_;
    for (uint32_t v = 0; v < 5; v++)
        deps[nd++] = net(v, (v + 1) % 5, POWER, 0);
    for (uint32_t v = 5; v < 9; v++)
        deps[nd++] = net(v + 1, v, POWER, 0);
    for (uint32_t v = 10; v < 19; v++)
        deps[nd++] = net(v, v + 1, POWER, 0); /* site/supplier order is irrelevant */
    g = build(20, 1, supplies, pop, deps, nd);
    c = workspace(g);

    RUN(c, R(2), ALL, NONE, 0);
    RUN(c, R(3), ALL, NONE, 0);
    RUN(c, R(0), ALL, R(1, 2, 3, 4), 10);
    RUN(c, R(1, 4), ALL, R(2, 3), 5);
    RUN(c, R(7), ALL, R(8, 9), 17);
    RUN(c, R(6), ALL, R(7, 8, 9), 24);
    RUN(c, R(9), ALL, NONE, 0);
    RUN(c, R(15), ALL, R(16, 17, 18, 19), 70);
    /* Several removals across components: ring node 0 (1+2+3+4), path node 8 (9), long
     * path node 18 (19): 38. */
    RUN(c, R(18, 8, 0), ALL, R(1, 2, 3, 4, 9, 19), 38);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Directed links carry the service only from supplier to site.
 * Graph A: source 0, 0 -> 1, 1 -> 2 (telecom). Remove 1 -> {2}; remove 0 -> {1, 2}.
 * Graph B: source 3, 4 -> 3 and 5 -> 4: the links point into the source, so 4 and 5
 *   (link ends, not sources) never get telecom: baseline unserved 2; removing 3 loses
 *   nothing; removing 4 loses nothing.
 * Both in one graph of 6 nodes.
 */
static void test_directed(void **state)
{
    (void)state;
    const uint32_t supplies[6] = {1u << TELECOM, 0, 0, 1u << TELECOM, 0, 0};
    const double pop[6] = {1, 2, 4, 8, 16, 32};
    const struct bw_graph_dep deps[] = {net(1, 0, TELECOM, 1), net(2, 1, TELECOM, 1),
                                        net(3, 4, TELECOM, 1), net(4, 5, TELECOM, 1)};
    bw_graph *g = build(6, 3, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    RUN(c, R(1), ALL, R(2), 4);
    assert_int_equal(bw_cascade_baseline_unserved(c), 2);
    RUN(c, R(0), ALL, R(1, 2), 6);
    RUN(c, R(3), ALL, NONE, 0);
    RUN(c, R(4), ALL, NONE, 0);
    RUN(c, R(4), TELECOM, NONE, 0);
    assert_int_equal(bw_cascade_baseline_unserved(c), 2);
    bw_cascade_free(c);
    bw_graph_free(g);

    /* The same links undirected: everything is served and 3 feeds 4 and 5. */
    {
        struct bw_graph_dep und[4];
        memcpy(und, deps, sizeof und);
        for (int i = 0; i < 4; i++)
            und[i].directed = 0;
        g = build(6, 3, supplies, pop, und, 4);
        c = workspace(g);
        RUN(c, R(3), ALL, R(4, 5), 48);
        assert_int_equal(bw_cascade_baseline_unserved(c), 0);
        RUN(c, R(1), ALL, R(2), 4);
        bw_cascade_free(c);
        bw_graph_free(g);
    }
}

/*
 * Interdependent pair. P = 0 is a power source that needs water from W = 1; W is a
 * water source that needs power from P. H = 2 needs power from P and water from W.
 * Baseline: P has power (source) and water (W is a water source) -> works; W likewise;
 * H has both. Nothing unserved.
 *   all services, remove P: W loses power -> fails; H loses both -> lost {1, 2}
 *   all services, remove W: P loses water -> {0, 2}
 *   power only,   remove P: W and H need power -> {1, 2}
 *   power only,   remove W: W is not a power source and P needs no power -> nothing
 *   water only,   remove W: P and H -> {0, 2};   remove P: nothing
 * Populations 1, 10, 100.
 */
static void test_interdependent(void **state)
{
    (void)state;
    const uint32_t supplies[3] = {P_, W_, 0};
    const double pop[3] = {1, 10, 100};
    const struct bw_graph_dep deps[] = {sup(0, 1, WATER, 0, 1, 0), sup(1, 0, POWER, 0, 1, 0),
                                        sup(2, 0, POWER, 0, 1, 0), sup(2, 1, WATER, 0, 1, 0)};
    bw_graph *g = build(3, 2, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    assert_int_equal(bw_graph_needs(g, 0), W_);
    assert_int_equal(bw_graph_needs(g, 1), P_);
    assert_int_equal(bw_graph_needs(g, 2), P_ | W_);
    RUN(c, R(0), ALL, R(1, 2), 110);
    assert_int_equal(bw_cascade_baseline_unserved(c), 0);
    RUN(c, R(1), ALL, R(0, 2), 101);
    RUN(c, R(0), POWER, R(1, 2), 110);
    RUN(c, R(1), POWER, NONE, 0);
    RUN(c, R(1), WATER, R(0, 2), 101);
    RUN(c, R(0), WATER, NONE, 0);
    /* Back to all services after the filtered runs: the baseline is recomputed. */
    RUN(c, R(1), ALL, R(0, 2), 101);
    RUN(c, R(0, 1), ALL, R(2), 100);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Interdependency through several fixpoint rounds (a source may need another service):
 *   0: power source.  1: water source, needs power from 0.
 *   2: power source (a plant) that needs water from 1.   3: needs power from 2.
 * Remove 0: round 1 -> 1 fails (no power); round 2 -> 2 has no water, fails; round 3
 * -> 3 has no power, fails. Lost {1, 2, 3}.
 */
static void test_fixpoint_rounds(void **state)
{
    (void)state;
    const uint32_t supplies[4] = {P_, W_, P_, 0};
    const double pop[4] = {1, 2, 4, 8};
    const struct bw_graph_dep deps[] = {sup(1, 0, POWER, 0, 1, 0), sup(2, 1, WATER, 0, 1, 0),
                                        sup(3, 2, POWER, 0, 1, 0)};
    bw_graph *g = build(4, 2, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    RUN(c, R(0), ALL, R(1, 2, 3), 14);
    RUN(c, R(1), ALL, R(2, 3), 12);
    RUN(c, R(2), ALL, R(3), 8);
    /* Power only: 2 is a power source needing nothing of power; removing 0 takes 1. */
    RUN(c, R(0), POWER, R(1), 2);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Unserved sites are never lost. Nodes 0, 1, 2: a supply cycle 0 <- 1 <- 2 <- 0 with no
 * source (power). Nodes 3 (source) -> 4 (supply). Nodes 5 -- 6: a power link with no
 * source. Baseline unserved: 0, 1, 2, 5, 6 = 5.
 *   remove 0:       already unserved, nothing lost
 *   remove 5:       nothing
 *   remove 3:       {4}
 *   remove {0, 3}:  {4}
 */
static void test_unserved(void **state)
{
    (void)state;
    const uint32_t supplies[7] = {0, 0, 0, P_, 0, 0, 0};
    const double pop[7] = {1, 2, 4, 8, 16, 32, 64};
    const struct bw_graph_dep deps[] = {sup(0, 1, POWER, 0, 1, 0), sup(1, 2, POWER, 0, 1, 0),
                                        sup(2, 0, POWER, 0, 1, 0), sup(4, 3, POWER, 0, 1, 0),
                                        net(5, 6, POWER, 0)};
    bw_graph *g = build(7, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    RUN(c, R(0), ALL, NONE, 0);
    assert_int_equal(bw_cascade_baseline_unserved(c), 5);
    RUN(c, R(5), ALL, NONE, 0);
    RUN(c, R(3), ALL, R(4), 16);
    RUN(c, R(0, 3), ALL, R(4), 16);
    RUN(c, NONE, POWER, NONE, 0);
    assert_int_equal(bw_cascade_baseline_unserved(c), 5);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * A site needing two services, and the service filter. Power source 0, water source 1.
 * 2 needs power from 0 and water from 1. 3 needs power from 0 and water through a
 * water link to 4 (no water source in that network: 3 and 4 lack water).
 *   all:   baseline unserved {3, 4} = 2. remove 0 -> {2} (3 was unserved already);
 *          remove 1 -> {2}
 *   power: 3 needs only power, 4 nothing: unserved 0. remove 0 -> {2, 3}; remove 1 ->
 *          nothing (water is not considered)
 *   water: unserved {3, 4}. remove 0 -> nothing; remove 1 -> {2}
 */
static void test_two_services(void **state)
{
    (void)state;
    const uint32_t supplies[5] = {P_, W_, 0, 0, 0};
    const double pop[5] = {0, 0, 100, 1000, 10000};
    const struct bw_graph_dep deps[] = {sup(2, 0, POWER, 0, 1, 0), sup(2, 1, WATER, 0, 1, 0),
                                        sup(3, 0, POWER, 0, 1, 0), net(3, 4, WATER, 0)};
    bw_graph *g = build(5, 2, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);

    RUN(c, R(0), ALL, R(2), 100);
    assert_int_equal(bw_cascade_baseline_unserved(c), 2);
    RUN(c, R(1), ALL, R(2), 100);
    RUN(c, R(0), POWER, R(2, 3), 1100);
    assert_int_equal(bw_cascade_baseline_unserved(c), 0);
    RUN(c, R(1), POWER, NONE, 0);
    RUN(c, R(0), WATER, NONE, 0);
    assert_int_equal(bw_cascade_baseline_unserved(c), 2);
    RUN(c, R(1), WATER, R(2), 100);
    RUN(c, R(0, 1), ALL, R(2), 100);
    bw_cascade_free(c);
    bw_graph_free(g);
}

static void test_invalid(void **state)
{
    (void)state;
    const uint32_t supplies[2] = {P_, 0};
    const struct bw_graph_dep deps[] = {sup(1, 0, POWER, 0, 1, 0)};
    bw_graph *g = build(2, 2, supplies, NULL, deps, 1);
    bw_cascade *c = workspace(g);
    const uint32_t bad = 2, ok = 0;
    uint32_t sl[2];
    double pl[2];

    assert_int_equal(bw_cascade_run(c, &bad, 1, ALL), BW_EINVAL);
    assert_int_equal(bw_cascade_run(c, &ok, 1, 2), BW_EINVAL);
    assert_int_equal(bw_cascade_run(c, &ok, 1, -2), BW_EINVAL);
    assert_int_equal(bw_cascade_run(c, &ok, 1, 99), BW_EINVAL);
    /* A valid run after the refused ones works. */
    RUN(c, R(0), ALL, R(1), 0);
    assert_int_equal(bw_criticality_sweep(g, 2, 1, 0, NULL, NULL, sl, pl, NULL), BW_EINVAL);
    assert_int_equal(bw_criticality_sweep(g, -5, 1, 0, NULL, NULL, sl, pl, NULL), BW_EINVAL);
    bw_cascade_free(c);
    bw_cascade_free(NULL);
    bw_graph_free(g);
}

/* ---- criticality sweep ---------------------------------------------------------------- */

struct progress {
    size_t calls, done, total;
};

static void on_progress(void *ud, size_t done, size_t total)
{
    struct progress *p = ud;
    p->calls++;
    p->done = done;
    p->total = total;
}

/* Sweeps and returns the method; arrays are caller-allocated. */
static enum bw_sweep_method sweep(const bw_graph *g, int service, unsigned threads, int force,
                                  uint32_t *sl, double *pl)
{
    enum bw_sweep_method m = 0;
    struct progress p = {0};
    uint32_t n = bw_graph_nodes(g);

    for (uint32_t v = 0; v < n; v++) {
        sl[v] = UINT32_MAX;
        pl[v] = -1;
    }
    assert_int_equal(bw_criticality_sweep(g, service, threads, force, on_progress, &p, sl, pl, &m),
                     BW_OK);
    /* The last progress report is "all done". */
    assert_true(p.calls >= 1);
    assert_int_equal(p.done, n);
    assert_int_equal(p.total, n);
    return m;
}

/*
 * A one-service graph (power), populations 2^v:
 *   0 source; links 0-1, 1-2, 2-3, 3-1 (a triangle hanging off 1), 3-4;
 *   5 needs power from 4; 6 needs power from 4 or 0 (one group, 1-of-2);
 *   7 -- 8 a link without a source (unserved); 9 isolated.
 *   remove 0: {1..6}   6 sites, 2+4+8+16+32+64 = 126
 *   remove 1: {2, 3, 4, 5} (6 still via 0)       4, 4+8+16+32 = 60
 *   remove 2: 3 still reached through 1-3        0
 *   remove 3: {4, 5}                             2, 16+32 = 48
 *   remove 4: {5}                                1, 32
 *   5, 6, 7, 8, 9: 0
 */
static void test_sweep_hand(void **state)
{
    (void)state;
    const uint32_t supplies[10] = {P_};
    double pop[10];
    const struct bw_graph_dep deps[] = {
        net(0, 1, POWER, 0),       net(1, 2, POWER, 0),       net(2, 3, POWER, 0),
        net(3, 1, POWER, 0),       net(3, 4, POWER, 0),       sup(5, 4, POWER, 0, 1, 0),
        sup(6, 4, POWER, 0, 1, 0), sup(6, 0, POWER, 0, 1, 0), net(7, 8, POWER, 0),
    };
    const uint32_t want_sl[10] = {6, 4, 0, 2, 1, 0, 0, 0, 0, 0};
    const double want_pl[10] = {126, 60, 0, 48, 32, 0, 0, 0, 0, 0};
    uint32_t sl[10];
    double pl[10];
    bw_graph *g;

    for (int v = 0; v < 10; v++)
        pop[v] = (double)(1u << v);
    g = build(10, 1, supplies, pop, deps, NDEPS(deps));
    for (int force = 0; force <= 1; force++) {
        for (unsigned th = 0; th <= 2; th++) {
            enum bw_sweep_method m = sweep(g, ALL, th, force, sl, pl);
            assert_int_equal(m, force ? BW_SWEEP_CASCADES : BW_SWEEP_DOMINATORS);
            for (int v = 0; v < 10; v++) {
                assert_int_equal(sl[v], want_sl[v]);
                assert_close(pl[v], want_pl[v], 0);
            }
            m = sweep(g, POWER, th, force, sl, pl);
            assert_int_equal(m, force ? BW_SWEEP_CASCADES : BW_SWEEP_DOMINATORS);
            for (int v = 0; v < 10; v++)
                assert_int_equal(sl[v], want_sl[v]);
        }
    }
    bw_graph_free(g);
}

/*
 * Sweeps that must use cascades, by hand:
 *   the interdependent pair of test_interdependent: P -> 2 (W, H), W -> 2 (P, H), H -> 0
 *   (two services in use); per service: power only P -> 2, W -> 0, H -> 0 (one service
 *   and all groups 1-of-n: dominators).
 *   2-of-3 and 3-of-3 of test_redundancy: each source -> {5}; 3, 4, 5 -> 0 (k > 1).
 */
static void test_sweep_methods(void **state)
{
    (void)state;
    uint32_t sl[6];
    double pl[6];
    {
        const uint32_t supplies[3] = {P_, W_, 0};
        const double pop[3] = {1, 10, 100};
        const struct bw_graph_dep deps[] = {sup(0, 1, WATER, 0, 1, 0), sup(1, 0, POWER, 0, 1, 0),
                                            sup(2, 0, POWER, 0, 1, 0), sup(2, 1, WATER, 0, 1, 0)};
        bw_graph *g = build(3, 2, supplies, pop, deps, NDEPS(deps));
        assert_int_equal(sweep(g, ALL, 2, 0, sl, pl), BW_SWEEP_CASCADES);
        assert_int_equal(sl[0], 2);
        assert_int_equal(sl[1], 2);
        assert_int_equal(sl[2], 0);
        assert_close(pl[0], 110, 0);
        assert_close(pl[1], 101, 0);
        assert_close(pl[2], 0, 0);
        assert_int_equal(sweep(g, POWER, 2, 0, sl, pl), BW_SWEEP_DOMINATORS);
        assert_int_equal(sl[0], 2);
        assert_int_equal(sl[1], 0);
        assert_int_equal(sl[2], 0);
        assert_close(pl[0], 110, 0);
        bw_graph_free(g);
    }
    {
        const uint32_t supplies[6] = {P_, P_, P_, 0, 0, 0};
        const double pop[6] = {0, 0, 0, 3, 40, 500};
        const struct bw_graph_dep deps[] = {sup(3, 0, POWER, 0, 1, 0), sup(3, 1, POWER, 0, 1, 0),
                                            sup(4, 0, POWER, 0, 2, 0), sup(4, 1, POWER, 0, 2, 0),
                                            sup(4, 2, POWER, 0, 2, 0), sup(5, 0, POWER, 9, 3, 0),
                                            sup(5, 1, POWER, 9, 3, 0), sup(5, 2, POWER, 9, 3, 0)};
        const uint32_t want[6] = {1, 1, 1, 0, 0, 0};
        bw_graph *g = build(6, 1, supplies, pop, deps, NDEPS(deps));
        assert_int_equal(sweep(g, ALL, 3, 0, sl, pl), BW_SWEEP_CASCADES);
        for (int v = 0; v < 6; v++) {
            assert_int_equal(sl[v], want[v]);
            assert_close(pl[v], want[v] ? 500 : 0, 0);
        }
        bw_graph_free(g);
    }
    {
        /* Nothing needs anything: all zero, without cascades. */
        const uint32_t supplies[3] = {P_, 0, 0};
        bw_graph *g = build(3, 1, supplies, NULL, NULL, 0);
        enum bw_sweep_method m = 0;
        assert_int_equal(bw_criticality_sweep(g, ALL, 1, 0, NULL, NULL, sl, pl, &m), BW_OK);
        for (int v = 0; v < 3; v++) {
            assert_int_equal(sl[v], 0);
            assert_close(pl[v], 0, 0);
        }
        bw_graph_free(g);
    }
}

/* Random graph parameters. */
struct rparams {
    uint32_t n, ns;
    double src;      /* probability that a node is a source of a service (each service) */
    double links;    /* links per node (over all services) */
    double supplies; /* supply dependencies per node */
    double directed; /* fraction of links that are directed */
    uint16_t kmax;   /* needs drawn from 1..kmax */
};

/*
 * A random graph: mostly local edges (endpoints within 12 ids of each other, so chains
 * and trees form and many sites have a single point of failure) plus some long ones,
 * integer populations (sums are exact in any order) and a few sourceless pieces.
 */
static bw_graph *random_graph(uint64_t seed, const struct rparams *p)
{
    uint64_t st = seed;
    uint32_t n = p->n;
    uint32_t *supplies = calloc(n, sizeof *supplies);
    double *pop = calloc(n, sizeof *pop);
    size_t nl = (size_t)(p->links * n), ns = (size_t)(p->supplies * n), nd = 0;
    struct bw_graph_dep *deps = calloc(nl + ns + 1, sizeof *deps);
    bw_graph *g;

    assert_non_null(supplies);
    assert_non_null(pop);
    assert_non_null(deps);
    for (uint32_t v = 0; v < n; v++) {
        for (uint32_t s = 0; s < p->ns; s++)
            if (unit_uniform(&st, 0, 1) < p->src)
                supplies[v] |= 1u << s;
        pop[v] = (double)(unit_rand(&st) % 1000);
    }
    supplies[0] |= 1u; /* at least one source of service 0 */
    for (size_t i = 0; i < nl + ns; i++) {
        uint32_t a = (uint32_t)(unit_rand(&st) % n), b;
        if (unit_uniform(&st, 0, 1) < 0.85) {
            int32_t off = (int32_t)(unit_rand(&st) % 25) - 12;
            int64_t bb = (int64_t)a + off;
            b = (uint32_t)(bb < 0 ? bb + n : bb >= n ? bb - n : bb);
        } else {
            b = (uint32_t)(unit_rand(&st) % n);
        }
        if (a == b)
            continue;
        uint8_t s = (uint8_t)(unit_rand(&st) % p->ns);
        if (i < nl) {
            deps[nd++] = net(a, b, s, unit_uniform(&st, 0, 1) < p->directed);
        } else {
            uint16_t k = (uint16_t)(1 + unit_rand(&st) % p->kmax);
            deps[nd++] = sup(a, b, s, (uint32_t)(unit_rand(&st) % 3), k, 0);
        }
    }
    g = build(n, p->ns, supplies, pop, deps, nd);
    free(supplies);
    free(pop);
    free(deps);
    return g;
}

/* The sweep of @p g for @p service by a sequential loop of bw_cascade_run. */
static void sequential(const bw_graph *g, int service, uint32_t *sl, double *pl)
{
    bw_cascade *c = workspace(g);
    uint32_t n = bw_graph_nodes(g);

    for (uint32_t v = 0; v < n; v++) {
        const uint32_t *lost;
        assert_int_equal(bw_cascade_run(c, &v, 1, service), BW_OK);
        sl[v] = (uint32_t)bw_cascade_lost(c, &lost);
        pl[v] = bw_cascade_population_lost(c);
    }
    bw_cascade_free(c);
}

static void expect_same(const uint32_t *sl_a, const double *pl_a, const uint32_t *sl_b,
                        const double *pl_b, uint32_t n, const char *what, uint64_t seed)
{
    for (uint32_t v = 0; v < n; v++) {
        if (sl_a[v] != sl_b[v] || pl_a[v] != pl_b[v]) {
            print_error("%s, seed %llu, node %u: %u sites / %.17g people vs %u / %.17g\n", what,
                        (unsigned long long)seed, v, sl_a[v], pl_a[v], sl_b[v], pl_b[v]);
            fail();
        }
    }
}

/* Dominators = brute-force cascades on random one-service, one-of-n graphs. */
static void test_sweep_dominators_random(void **state)
{
    (void)state;
    static const struct {
        uint64_t seed;
        struct rparams p;
    } cases[] = {
        {1, {200, 1, 0.02, 0.8, 0.6, 0.0, 1}},   {2, {200, 1, 0.05, 0.5, 1.0, 0.1, 1}},
        {3, {500, 1, 0.01, 1.0, 0.5, 0.2, 1}},   {4, {1000, 1, 0.01, 0.7, 0.7, 0.1, 1}},
        {5, {1000, 1, 0.003, 1.2, 0.3, 0.0, 1}}, {6, {2000, 1, 0.005, 0.8, 0.8, 0.1, 1}},
        {7, {2000, 1, 0.02, 0.4, 1.2, 0.3, 1}},  {8, {300, 1, 0.0, 1.5, 1.5, 0.5, 1}},
    };
    size_t total_lost = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bw_graph *g = random_graph(cases[i].seed, &cases[i].p);
        uint32_t n = bw_graph_nodes(g);
        uint32_t *sl_d = calloc(n, sizeof *sl_d), *sl_c = calloc(n, sizeof *sl_c);
        double *pl_d = calloc(n, sizeof *pl_d), *pl_c = calloc(n, sizeof *pl_c);

        assert_true(bw_graph_all_one_of_n(g));
        assert_int_equal(sweep(g, ALL, 2, 0, sl_d, pl_d), BW_SWEEP_DOMINATORS);
        assert_int_equal(sweep(g, ALL, 2, 1, sl_c, pl_c), BW_SWEEP_CASCADES);
        expect_same(sl_d, pl_d, sl_c, pl_c, n, "dominators vs cascades", cases[i].seed);
        sequential(g, ALL, sl_c, pl_c);
        expect_same(sl_d, pl_d, sl_c, pl_c, n, "dominators vs sequential", cases[i].seed);
        assert_int_equal(sweep(g, POWER, 1, 0, sl_c, pl_c), BW_SWEEP_DOMINATORS);
        expect_same(sl_d, pl_d, sl_c, pl_c, n, "all services vs power", cases[i].seed);
        for (uint32_t v = 0; v < n; v++)
            total_lost += sl_d[v];
        free(sl_d);
        free(sl_c);
        free(pl_d);
        free(pl_c);
        bw_graph_free(g);
    }
    /* The graphs are not trivial: removals do take sites down. */
    assert_true(total_lost > 1000);
}

/*
 * Cascades = sequential bw_cascade_run on random multi-service graphs (all services:
 * cascades; one service of several: dominators when all groups are 1-of-n) and on
 * random k-of-n graphs; identical with 1, 2 and 4 threads.
 */
static void test_sweep_cascades_random(void **state)
{
    (void)state;
    static const struct {
        uint64_t seed;
        struct rparams p;
    } cases[] = {
        {11, {200, 2, 0.03, 2.4, 0.6, 0.1, 1}},  {12, {600, 3, 0.08, 4.5, 0.6, 0.1, 1}},
        {13, {1000, 2, 0.02, 2.2, 0.8, 0.2, 1}}, {14, {400, 1, 0.05, 0.8, 1.5, 0.1, 3}},
        {15, {800, 2, 0.04, 2.4, 1.0, 0.1, 2}},  {16, {1500, 3, 0.08, 4.5, 0.8, 0.1, 2}},
    };
    size_t total_lost = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bw_graph *g = random_graph(cases[i].seed, &cases[i].p);
        uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g);
        uint32_t *sl_s = calloc(n, sizeof *sl_s), *sl_t = calloc(n, sizeof *sl_t);
        double *pl_s = calloc(n, sizeof *pl_s), *pl_t = calloc(n, sizeof *pl_t);
        int all_one = bw_graph_all_one_of_n(g);

        assert_int_equal(all_one, cases[i].p.kmax == 1);
        sequential(g, ALL, sl_s, pl_s);
        for (unsigned th = 1; th <= 4; th *= 2) {
            assert_int_equal(sweep(g, ALL, th, 0, sl_t, pl_t), BW_SWEEP_CASCADES);
            expect_same(sl_s, pl_s, sl_t, pl_t, n, "all services", cases[i].seed);
        }
        for (uint32_t v = 0; v < n; v++)
            total_lost += sl_s[v];
        for (uint32_t s = 0; s < ns; s++) {
            sequential(g, (int)s, sl_s, pl_s);
            for (unsigned th = 1; th <= 4; th *= 2) {
                enum bw_sweep_method m = sweep(g, (int)s, th, 0, sl_t, pl_t);
                assert_int_equal(m, all_one ? BW_SWEEP_DOMINATORS : BW_SWEEP_CASCADES);
                expect_same(sl_s, pl_s, sl_t, pl_t, n, "one service", cases[i].seed);
                assert_int_equal(sweep(g, (int)s, th, 1, sl_t, pl_t), BW_SWEEP_CASCADES);
                expect_same(sl_s, pl_s, sl_t, pl_t, n, "one service, forced", cases[i].seed);
            }
        }
        free(sl_s);
        free(sl_t);
        free(pl_s);
        free(pl_t);
        bw_graph_free(g);
    }
    assert_true(total_lost > 500);
}

/* ---- the incremental engine against a plain implementation of the model ---------------- */

/*
 * The model of docs/cascade.md written out plainly, as the oracle for the incremental
 * engine: full propagations of every service from the working sources (a counter per
 * group), then every working site lacking a needed service fails, until nothing
 * changes. Fills working[] (n entries) for the removed set @p removed.
 */
static void ref_fixpoint(const bw_graph *g, uint32_t mask, const uint8_t *removed, uint8_t *working)
{
    uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g), ng = bw_graph_groups(g);
    uint32_t *has = calloc(n + 1, sizeof *has), *cnt = calloc(ng + 1, sizeof *cnt);
    uint32_t *queue = calloc(n + 1, sizeof *queue);
    int changed = 1;

    assert_non_null(has);
    assert_non_null(cnt);
    assert_non_null(queue);
    for (uint32_t v = 0; v < n; v++)
        working[v] = !removed[v];
    while (changed) {
        memset(has, 0, (size_t)n * sizeof *has);
        for (uint32_t s = 0; s < ns; s++) {
            uint32_t bit = 1u << s, head = 0, tail = 0;
            if (!(mask & bit))
                continue;
            for (uint32_t k = 0; k < ng; k++) {
                uint32_t owner;
                bw_graph_group(g, k, &owner, &cnt[k]);
            }
            for (uint32_t v = 0; v < n; v++)
                if (working[v] && (bw_graph_supplies(g, v) & bit)) {
                    has[v] |= bit;
                    queue[tail++] = v;
                }
            while (head < tail) {
                const uint32_t *t, *via;
                uint32_t y = queue[head++];
                size_t k = bw_graph_out(g, s, y, &t, &via);
                for (size_t i = 0; i < k; i++) {
                    if (!working[t[i]] || (has[t[i]] & bit))
                        continue;
                    if (via[i] != BW_GRAPH_LINK && --cnt[via[i]] > 0)
                        continue;
                    has[t[i]] |= bit;
                    queue[tail++] = t[i];
                }
            }
        }
        changed = 0;
        for (uint32_t v = 0; v < n; v++)
            if (working[v] && (bw_graph_needs(g, v) & mask & ~has[v])) {
                working[v] = 0;
                changed = 1;
            }
    }
    free(has);
    free(cnt);
    free(queue);
}

/* The oracle's cascade of @p removed: lost[] (0/1 per node), their count and population
 * (summed in node order). */
static void reference(const bw_graph *g, const uint32_t *removed, size_t nr, int service,
                      uint8_t *lost, uint32_t *nlost, double *pop)
{
    uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g);
    uint32_t mask = service < 0 ? (1u << ns) - 1 : 1u << service;
    uint8_t *rm = calloc(n + 1, 1), *base = calloc(n + 1, 1), *w = calloc(n + 1, 1);

    assert_non_null(rm);
    assert_non_null(base);
    assert_non_null(w);
    ref_fixpoint(g, mask, rm, base);
    for (size_t i = 0; i < nr; i++)
        rm[removed[i]] = 1;
    ref_fixpoint(g, mask, rm, w);
    *nlost = 0;
    *pop = 0;
    for (uint32_t v = 0; v < n; v++) {
        lost[v] = base[v] && !w[v] && !rm[v];
        if (lost[v]) {
            ++*nlost;
            *pop += bw_graph_population(g, v);
        }
    }
    free(rm);
    free(base);
    free(w);
}

/* Checks bw_cascade_run on @p c against the oracle, lost site by lost site. */
static void expect_reference(bw_cascade *c, const bw_graph *g, const uint32_t *removed, size_t nr,
                             int service, uint64_t seed)
{
    uint32_t n = bw_graph_nodes(g), nlost;
    uint8_t *want = calloc(n + 1, 1);
    const uint32_t *lost;
    size_t k;
    double pop;

    assert_non_null(want);
    reference(g, removed, nr, service, want, &nlost, &pop);
    assert_int_equal(bw_cascade_run(c, removed, nr, service), BW_OK);
    k = bw_cascade_lost(c, &lost);
    if (k != nlost || bw_cascade_population_lost(c) != pop) {
        print_error("seed %llu, service %d, %zu removed (first %u): %zu lost / %.17g people, "
                    "oracle %u / %.17g\n",
                    (unsigned long long)seed, service, nr, nr ? removed[0] : 0, k,
                    bw_cascade_population_lost(c), nlost, pop);
        fail();
    }
    for (size_t i = 0; i < k; i++) {
        assert_true(want[lost[i]]);
        if (i > 0)
            assert_true(lost[i] > lost[i - 1]);
    }
    free(want);
}

/* The oracle's sweep: one plain cascade per site. */
static void reference_sweep(const bw_graph *g, int service, uint32_t *sl, double *pl)
{
    uint32_t n = bw_graph_nodes(g);
    uint8_t *lost = calloc(n + 1, 1);

    assert_non_null(lost);
    for (uint32_t v = 0; v < n; v++)
        reference(g, &v, 1, service, lost, &sl[v], &pl[v]);
    free(lost);
}

/*
 * Random interdependent registers with k-of-n groups, alternative groups, cycles,
 * directed and undirected links: the sweep (all services and each service, 1 and 3
 * threads, dominators allowed or not) equals the oracle site by site; then random
 * removal sets of 1 to 6 sites, run one after another in one workspace (each run
 * starts from what the previous one changed), equal the oracle lost site by lost site.
 */
static void test_incremental_vs_reference(void **state)
{
    (void)state;
    static const struct {
        uint64_t seed;
        struct rparams p;
    } cases[] = {
        {21, {300, 2, 0.03, 2.0, 1.2, 0.1, 2}}, {22, {500, 3, 0.05, 3.0, 1.5, 0.2, 3}},
        {23, {400, 4, 0.04, 3.5, 2.0, 0.1, 2}}, {24, {800, 2, 0.01, 1.6, 1.0, 0.3, 1}},
        {25, {600, 3, 0.10, 4.0, 2.5, 0.0, 4}}, {26, {1000, 2, 0.02, 2.4, 1.4, 0.1, 3}},
        {27, {250, 1, 0.02, 1.2, 1.0, 0.2, 3}}, {28, {700, 4, 0.02, 4.0, 1.2, 0.1, 2}},
    };
    size_t total_lost = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bw_graph *g = random_graph(cases[i].seed, &cases[i].p);
        uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g);
        uint32_t *sl_r = calloc(n, sizeof *sl_r), *sl_t = calloc(n, sizeof *sl_t);
        double *pl_r = calloc(n, sizeof *pl_r), *pl_t = calloc(n, sizeof *pl_t);
        uint64_t st = cases[i].seed * 7919;
        bw_cascade *c = workspace(g);

        for (int service = ALL; service < (int)ns; service++) {
            reference_sweep(g, service, sl_r, pl_r);
            for (unsigned th = 1; th <= 3; th += 2)
                for (int force = 0; force <= 1; force++) {
                    sweep(g, service, th, force, sl_t, pl_t);
                    expect_same(sl_r, pl_r, sl_t, pl_t, n, "sweep vs oracle", cases[i].seed);
                }
            for (uint32_t v = 0; v < n; v++)
                total_lost += service == ALL ? sl_r[v] : 0;
        }
        for (int r = 0; r < 300; r++) {
            uint32_t removed[6];
            size_t nr = 1 + unit_rand(&st) % 6;
            int service = (int)(unit_rand(&st) % (ns + 1)) - 1;
            for (size_t j = 0; j < nr; j++)
                removed[j] = (uint32_t)(unit_rand(&st) % n);
            expect_reference(c, g, removed, nr, service, cases[i].seed);
        }
        bw_cascade_free(c);
        free(sl_r);
        free(sl_t);
        free(pl_r);
        free(pl_t);
        bw_graph_free(g);
    }
    assert_true(total_lost > 2000);
}

/*
 * Large regions: a power line of 3,000 sites fed from one end (0) and, through a
 * directed link, from a second source at the far end only for its last 500 sites;
 * every tenth site on the line needs telecom from a chain of telecom hubs that need
 * power (interdependence), and every site of the line supplies a consumer (1-of-2 with
 * its neighbour's consumer supplier, k-of-n 2 for every seventh). Removing a site near
 * the start deletes more candidates than the incremental update handles (n/8 + 1024),
 * so the update falls back to a full propagation: both paths must equal the oracle.
 */
static void test_incremental_large_region(void **state)
{
    (void)state;
    enum { L = 3000, H = 40 };
    uint32_t n = 2 * L + H + 1;
    uint32_t *supplies = calloc(n, sizeof *supplies);
    double *pop = calloc(n, sizeof *pop);
    struct bw_graph_dep *deps = calloc(8 * (size_t)n, sizeof *deps);
    size_t nd = 0;
    uint32_t removed[] = {0,    1,    2, 5,     17,    400,       1500,      2499,      2500,
                          2501, 2999, L, L + 1, 2 * L, 2 * L + 1, 2 * L + 7, 2 * L + H, 3 * L / 2};
    bw_graph *g;
    bw_cascade *c;
    uint32_t *sl_r, *sl_t;
    double *pl_r, *pl_t;

    assert_non_null(supplies);
    assert_non_null(pop);
    assert_non_null(deps);
    supplies[0] = P_;
    supplies[2 * L + H] = P_ | (1u << TELECOM); /* far source, also the telecom core */
    for (uint32_t v = 0; v < n; v++)
        pop[v] = (double)(v % 97);
    for (uint32_t v = 1; v < L; v++)
        deps[nd++] = net(v, v - 1, POWER, 0);
    deps[nd++] = net(L - 500, 2 * L + H, POWER, 1); /* far source -> line, directed */
    for (uint32_t v = 0; v < L; v++) {
        uint32_t consumer = L + v, other = v + 1 < L ? v + 1 : v - 1;
        uint16_t k = v % 7 == 0 ? 2 : 1;
        deps[nd++] = sup(consumer, v, POWER, 0, k, 0);
        deps[nd++] = sup(consumer, other, POWER, 0, k, 0);
        if (v % 10 == 5)
            deps[nd++] = sup(v, 2 * L + (v / 10) % H, TELECOM, 0, 1, 0);
    }
    /* Telecom hubs 2L .. 2L+H-1: a chain from the core; each needs power from the line. */
    for (uint32_t h = 0; h < H; h++) {
        uint32_t hub = 2 * L + h;
        deps[nd++] = net(hub, h + 1 < H ? hub + 1 : 2 * L + H, TELECOM, 0);
        deps[nd++] = sup(hub, (h * 71) % L, POWER, 1, 1, 0);
    }
    g = build(n, 3, supplies, pop, deps, nd);
    c = workspace(g);
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
        expect_reference(c, g, &removed[i], 1, ALL, i);
        expect_reference(c, g, &removed[i], 1, POWER, i);
    }
    expect_reference(c, g, removed, sizeof removed / sizeof removed[0], ALL, 99);
    expect_reference(c, g, removed + 3, 4, ALL, 98);
    sl_r = calloc(n, sizeof *sl_r);
    sl_t = calloc(n, sizeof *sl_t);
    pl_r = calloc(n, sizeof *pl_r);
    pl_t = calloc(n, sizeof *pl_t);
    assert_non_null(sl_r);
    assert_non_null(sl_t);
    assert_non_null(pl_r);
    assert_non_null(pl_t);
    reference_sweep(g, ALL, sl_r, pl_r);
    assert_int_equal(sweep(g, ALL, 2, 0, sl_t, pl_t), BW_SWEEP_CASCADES);
    expect_same(sl_r, pl_r, sl_t, pl_t, n, "large regions", 0);
    assert_true(sl_r[0] > 2000);
    free(sl_r);
    free(sl_t);
    free(pl_r);
    free(pl_t);
    bw_cascade_free(c);
    bw_graph_free(g);
    free(supplies);
    free(pop);
    free(deps);
}

/* ---- timed cascade -------------------------------------------------------------------- */

static void timed(bw_cascade *c, const double *median, const double *sigma, uint32_t trials,
                  uint64_t seed, struct bw_timed_result *r)
{
    assert_int_equal(bw_cascade_timed(c, median, sigma, trials, seed, r), BW_OK);
    assert_int_equal(r->trials, trials);
}

/* Checks the per-lost-node hours until loss and mean outages. */
static void expect_hours(const struct bw_timed_result *r, size_t k, const double *u,
                         const double *outage)
{
    for (size_t i = 0; i < k; i++) {
        assert_close(r->hours_until_loss[i], u[i], 1e-9);
        assert_close(r->outage_mean[i], outage[i], 1e-9);
    }
}

static void expect_ph(const struct bw_timed_result *r, double ph)
{
    assert_close(r->pop_hours_mean, ph, 1e-9 * (1 + ph));
    assert_close(r->pop_hours_p5, ph, 1e-9 * (1 + ph));
    assert_close(r->pop_hours_p50, ph, 1e-9 * (1 + ph));
    assert_close(r->pop_hours_p95, ph, 1e-9 * (1 + ph));
}

/*
 * Chain with buffers: 0 (power source) -> 1 (buffer 12 h) -> 2 (buffer 5 h).
 * Populations 0, 100, 1000. Remove 0: lost {1, 2}.
 *   u(1) = 0 + 12 = 12 (its supplier is gone at once; its generator lasts 12 h)
 *   u(2) = u(1) + 5 = 17 (1 passes power on for 12 h, then 2's own 5 h)
 * sigma 0: T = the median exactly.
 *   median 24: outages 12 and 7; population-hours 100*12 + 1000*7 = 8200
 *   median 15: outages 3 and 0; 300
 *   median 10: outages 0 and 0; 0
 */
static void test_timed_chain(void **state)
{
    (void)state;
    const uint32_t supplies[3] = {P_, 0, 0};
    const double pop[3] = {0, 100, 1000};
    const struct bw_graph_dep deps[] = {sup(1, 0, POWER, 0, 1, 12), sup(2, 1, POWER, 0, 1, 5)};
    bw_graph *g = build(3, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);
    struct bw_timed_result r;
    const double sigma[1] = {0};

    RUN(c, R(0), ALL, R(1, 2), 1100);
    timed(c, (const double[]){24}, sigma, 9, 7, &r);
    expect_hours(&r, 2, (const double[]){12, 17}, (const double[]){12, 7});
    expect_ph(&r, 8200);
    assert_close(r.restore_hours_p50, 24, 1e-12);
    timed(c, (const double[]){15}, sigma, 5, 7, &r);
    expect_hours(&r, 2, (const double[]){12, 17}, (const double[]){3, 0});
    expect_ph(&r, 300);
    timed(c, (const double[]){10}, sigma, 1, 7, &r);
    expect_hours(&r, 2, (const double[]){12, 17}, (const double[]){0, 0});
    expect_ph(&r, 0);
    /* Remove 1 instead: u(2) = 0 + 5. Median 24: outage 19, 19000 population-hours. */
    RUN(c, R(1), ALL, R(2), 1000);
    timed(c, (const double[]){24}, sigma, 3, 7, &r);
    expect_hours(&r, 1, (const double[]){5}, (const double[]){19});
    expect_ph(&r, 19000);
    assert_int_equal(bw_cascade_timed(c, (const double[]){24}, sigma, 0, 7, &r), BW_EINVAL);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Links add no buffer: 0 (source) -- 1 -- 2 (power links); 3 needs power from 2 with a
 * 4 h buffer; 4 needs power from 3 with 2 h. Remove 0: lost {1, 2, 3, 4};
 * u = 0, 0, 0 + 4 = 4, 4 + 2 = 6. Median 10: outages 10, 10, 6, 4.
 * Populations 1, 10, 100, 1000: 10 + 100 + 600 + 4000 = 4710.
 */
static void test_timed_links(void **state)
{
    (void)state;
    const uint32_t supplies[5] = {P_, 0, 0, 0, 0};
    const double pop[5] = {0, 1, 10, 100, 1000};
    const struct bw_graph_dep deps[] = {net(0, 1, POWER, 0), net(1, 2, POWER, 0),
                                        sup(3, 2, POWER, 0, 1, 4), sup(4, 3, POWER, 0, 1, 2)};
    bw_graph *g = build(5, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);
    struct bw_timed_result r;

    RUN(c, R(0), ALL, R(1, 2, 3, 4), 1111);
    timed(c, (const double[]){10}, (const double[]){0}, 4, 1, &r);
    expect_hours(&r, 4, (const double[]){0, 0, 4, 6}, (const double[]){10, 10, 6, 4});
    expect_ph(&r, 4710);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * k-of-n and alternatives in time. 0 is the only power source and is removed.
 *   1, 2, 3 need power from 0 with buffers 10, 20, 30: u = 10, 20, 30
 *   4 needs 2 of {1, 2, 3} (buffer 1 on each): the 2nd longest-lasting supplier is 2
 *     (20 h), plus 1 -> 21
 *   5 has two alternative groups, {1} and {3}, buffer 2 each: the longest, 30, + 2 -> 32
 *   6 needs all 3 of {1, 2, 3}, no buffer: the 3rd longest, 10 -> 10
 * Median 40, sigma 0: outages 30, 20, 10, 19, 8, 30. Populations 1 each: 117.
 */
static void test_timed_groups(void **state)
{
    (void)state;
    const uint32_t supplies[7] = {P_};
    const double pop[7] = {0, 1, 1, 1, 1, 1, 1};
    const struct bw_graph_dep deps[] = {
        sup(1, 0, POWER, 0, 1, 10), sup(2, 0, POWER, 0, 1, 20), sup(3, 0, POWER, 0, 1, 30),
        sup(4, 1, POWER, 0, 2, 1),  sup(4, 2, POWER, 0, 2, 1),  sup(4, 3, POWER, 0, 2, 1),
        sup(5, 1, POWER, 1, 1, 2),  sup(5, 3, POWER, 2, 1, 2),  sup(6, 1, POWER, 0, 3, 0),
        sup(6, 2, POWER, 0, 3, 0),  sup(6, 3, POWER, 0, 3, 0),
    };
    bw_graph *g = build(7, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);
    struct bw_timed_result r;

    RUN(c, R(0), ALL, R(1, 2, 3, 4, 5, 6), 6);
    timed(c, (const double[]){40}, (const double[]){0}, 2, 3, &r);
    expect_hours(&r, 6, (const double[]){10, 20, 30, 21, 32, 10},
                 (const double[]){30, 20, 10, 19, 8, 30});
    expect_ph(&r, 117);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Interdependency in time. Power 0, water 1.
 *   0: power source (removed)      2: power source (survives)
 *   1: water source, needs power from 0 with a 12 h generator -> u(1) = 12
 *   3: needs power from 2 and water from 1 (no buffer): power lasts, water ends at 12
 *      -> fails at 12
 *   4: needs power from 2 and water from 1 with a 6 h tank -> 18
 *   5: needs power from 2 and water from 3 (3 passes water on while it works, 12 h)
 *      with a 3 h tank -> 15
 * Remove 0: lost {1, 3, 4, 5}. Median 30: outages 18, 18, 12, 15.
 * Populations 1, 10, 100, 1000: 18 + 180 + 1200 + 15000 = 16398.
 */
static void test_timed_interdependent(void **state)
{
    (void)state;
    const uint32_t supplies[6] = {P_, W_, P_, 0, 0, 0};
    const double pop[6] = {0, 1, 0, 10, 100, 1000};
    const struct bw_graph_dep deps[] = {
        sup(1, 0, POWER, 0, 1, 12), sup(3, 2, POWER, 0, 1, 0), sup(3, 1, WATER, 0, 1, 0),
        sup(4, 2, POWER, 0, 1, 0),  sup(4, 1, WATER, 0, 1, 6), sup(5, 2, POWER, 0, 1, 0),
        sup(5, 3, WATER, 0, 1, 3),
    };
    bw_graph *g = build(6, 2, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);
    struct bw_timed_result r;

    RUN(c, R(0), ALL, R(1, 3, 4, 5), 1111);
    timed(c, (const double[]){30}, (const double[]){0}, 3, 9, &r);
    expect_hours(&r, 4, (const double[]){12, 12, 18, 15}, (const double[]){18, 18, 12, 15});
    expect_ph(&r, 16398);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/*
 * Several removed sites and Monte Carlo. 0 and 1 are power sources; 2 needs power from
 * 0 or from 1 (two alternative groups, 2 h buffer each); 3 needs power from 2 with 4 h.
 * Remove {0, 1}: lost {2, 3}; u = 2, 2 + 4 = 6.
 * sigma 0, medians 10 and 30: T = the latest = 30; outages 28, 24;
 * populations 10, 20: 280 + 480 = 760 (either order of medians).
 * sigma 0.5: same seed -> same numbers; another seed -> another mean; P5 <= P50 <= P95;
 * the mean equals sum(pop * mean outage) by linearity.
 */
static void test_timed_monte_carlo(void **state)
{
    (void)state;
    const uint32_t supplies[4] = {P_, P_, 0, 0};
    const double pop[4] = {0, 0, 10, 20};
    const struct bw_graph_dep deps[] = {sup(2, 0, POWER, 0, 1, 2), sup(2, 1, POWER, 1, 1, 2),
                                        sup(3, 2, POWER, 0, 1, 4)};
    bw_graph *g = build(4, 1, supplies, pop, deps, NDEPS(deps));
    bw_cascade *c = workspace(g);
    struct bw_timed_result r, r2;
    const double sig[2] = {0.5, 0.5};
    double hours[2], outage[2], mean;

    RUN(c, R(0), ALL, NONE, 0);
    RUN(c, R(0, 1), ALL, R(2, 3), 30);
    timed(c, (const double[]){10, 30}, (const double[]){0, 0}, 5, 1, &r);
    expect_hours(&r, 2, (const double[]){2, 6}, (const double[]){28, 24});
    expect_ph(&r, 760);
    assert_close(r.restore_hours_p50, 30, 1e-12);
    timed(c, (const double[]){30, 10}, (const double[]){0, 0}, 5, 1, &r);
    expect_ph(&r, 760);

    timed(c, (const double[]){10, 30}, sig, 1001, 42, &r);
    memcpy(hours, r.hours_until_loss, sizeof hours);
    memcpy(outage, r.outage_mean, sizeof outage);
    assert_close(hours[0], 2, 1e-9);
    assert_close(hours[1], 6, 1e-9);
    assert_true(r.pop_hours_p5 <= r.pop_hours_p50);
    assert_true(r.pop_hours_p50 <= r.pop_hours_p95);
    assert_true(r.pop_hours_p5 < r.pop_hours_p95);
    assert_true(r.pop_hours_mean > r.pop_hours_p5 && r.pop_hours_mean < r.pop_hours_p95);
    /* Median of max(T1, T2) with medians 10 and 30, sigma 0.5: about 30.2. */
    assert_true(r.restore_hours_p50 > 27 && r.restore_hours_p50 < 34);
    mean = 10 * outage[0] + 20 * outage[1];
    assert_close(r.pop_hours_mean, mean, 1e-9 * mean);
    assert_true(outage[0] > outage[1] && outage[1] > 0);
    /* The same seed again: bit-identical. */
    timed(c, (const double[]){10, 30}, sig, 1001, 42, &r2);
    assert_true(r2.pop_hours_mean == r.pop_hours_mean);
    assert_true(r2.pop_hours_p5 == r.pop_hours_p5);
    assert_true(r2.pop_hours_p50 == r.pop_hours_p50);
    assert_true(r2.pop_hours_p95 == r.pop_hours_p95);
    assert_true(r2.restore_hours_p50 == r.restore_hours_p50);
    assert_true(r2.outage_mean[0] == outage[0] && r2.outage_mean[1] == outage[1]);
    /* Another seed: other draws. */
    timed(c, (const double[]){10, 30}, sig, 1001, 43, &r2);
    assert_true(r2.pop_hours_mean != r.pop_hours_mean);
    assert_true(r2.pop_hours_p5 <= r2.pop_hours_p50 && r2.pop_hours_p50 <= r2.pop_hours_p95);
    bw_cascade_free(c);
    bw_graph_free(g);
}

/* ---- allocation failures ------------------------------------------------------------- */

static long fail_at = -1; /* 0-based index of the allocation to fail; -1: none */
static long nallocs, live;
static int injected;

static int should_fail(void)
{
    if (nallocs++ == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t n)
{
    void *p = should_fail() ? NULL : malloc(n);
    live += p != NULL;
    return p;
}

static void *t_calloc(size_t c, size_t n)
{
    void *p = should_fail() ? NULL : calloc(c, n);
    live += p != NULL;
    return p;
}

static void *t_realloc(void *old, size_t n)
{
    void *p;
    if (should_fail())
        return NULL;
    p = realloc(old, n);
    live += p != NULL && old == NULL;
    return p;
}

static void t_free(void *p)
{
    live -= p != NULL;
    free(p);
}

/* One workload: build a two-service k-of-n graph, run cascades, the timed cascade and
 * both sweeps. Returns the first error, BW_OK when everything ran. */
static int alloc_workload(void)
{
    const uint32_t supplies[8] = {P_, P_, W_, 0, 0, 0, 0, 0};
    const double pop[8] = {0, 0, 0, 10, 20, 30, 40, 50};
    const struct bw_graph_dep deps[] = {net(3, 0, POWER, 0),       net(4, 3, POWER, 0),
                                        net(4, 1, POWER, 0),       sup(5, 3, POWER, 0, 2, 4),
                                        sup(5, 4, POWER, 0, 2, 4), sup(2, 4, POWER, 0, 1, 1),
                                        sup(6, 2, WATER, 0, 1, 2), sup(7, 6, WATER, 0, 1, 0),
                                        sup(7, 5, POWER, 1, 1, 0), sup(3, 2, WATER, 0, 1, 8)};
    const double median = 10, sigma = 0.5;
    uint32_t sl[8], removed = 4;
    double pl[8];
    struct bw_timed_result tr;
    bw_graph *g = NULL;
    bw_cascade *c = NULL;
    int rc;

    if ((rc = bw_graph_new(8, 2, supplies, pop, deps, NDEPS(deps), NULL, &g)))
        return rc;
    if (!(rc = bw_cascade_new(g, &c)) && !(rc = bw_cascade_run(c, &removed, 1, ALL)) &&
        !(rc = bw_cascade_timed(c, &median, &sigma, 20, 1, &tr)) &&
        !(rc = bw_criticality_sweep(g, ALL, 1, 0, NULL, NULL, sl, pl, NULL)))
        rc = bw_criticality_sweep(g, POWER, 1, 0, NULL, NULL, sl, pl, NULL);
    bw_cascade_free(c);
    bw_graph_free(g);
    return rc;
}

/* Fails the Nth allocation for N = 0, 1, ...: every run ends in BW_OK or BW_ENOMEM and
 * frees everything it allocated. */
static void test_allocation_failures(void **state)
{
    (void)state;
    const struct bw_allocator failing = {t_malloc, t_calloc, t_realloc, t_free};
    long n;

    for (n = 0;; n++) {
        int rc;
        fail_at = n;
        nallocs = live = 0;
        injected = 0;
        assert_int_equal(bw_set_allocator(&failing), BW_OK);
        rc = alloc_workload();
        assert_int_equal(bw_set_allocator(NULL), BW_OK);
        if (rc != BW_OK && rc != BW_ENOMEM) {
            print_error("allocation %ld failed: code %d\n", n, rc);
            fail();
        }
        assert_int_equal(live, 0);
        if (!injected) {
            assert_int_equal(rc, BW_OK);
            break;
        }
    }
    assert_true(n > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_redundancy),
        cmocka_unit_test(test_alternatives),
        cmocka_unit_test(test_networks),
        cmocka_unit_test(test_directed),
        cmocka_unit_test(test_interdependent),
        cmocka_unit_test(test_fixpoint_rounds),
        cmocka_unit_test(test_unserved),
        cmocka_unit_test(test_two_services),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_sweep_hand),
        cmocka_unit_test(test_sweep_methods),
        cmocka_unit_test(test_sweep_dominators_random),
        cmocka_unit_test(test_sweep_cascades_random),
        cmocka_unit_test(test_incremental_vs_reference),
        cmocka_unit_test(test_incremental_large_region),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_timed_chain),
        cmocka_unit_test(test_timed_links),
        cmocka_unit_test(test_timed_groups),
        cmocka_unit_test(test_timed_interdependent),
        cmocka_unit_test(test_timed_monte_carlo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
