/*
 * test_graph.c — the CSR dependency graph (src/method/graph.c) on hand-worked graphs
 * built directly from arrays of struct bw_graph_dep: the per-service out-lists (links
 * both ways, directed links one way, supply entries through their group), the needs
 * masks of docs/cascade.md ("What a site needs"), redundancy groups (key, k of n,
 * all-one flag) and the rejected inputs with their diagnostics.
 */
#include "unit.h"

#include "graph.h"

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

/* Network link of service @p s between @p a (site) and @p b (supplier). */
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

/* Checks bw_graph_out(g, s, v) against @p k expected (target, via) pairs, in order. */
static void expect_out(const bw_graph *g, uint32_t s, uint32_t v, size_t k, const uint32_t *targets,
                       const uint32_t *vias)
{
    const uint32_t *t, *via;
    size_t got = bw_graph_out(g, s, v, &t, &via);

    if (got != k) {
        print_error("service %u node %u: %zu entries, expected %zu\n", s, v, got, k);
        fail();
    }
    for (size_t i = 0; i < k; i++) {
        if (t[i] != targets[i] || via[i] != vias[i]) {
            print_error("service %u node %u entry %zu: (%u, %u), expected (%u, %u)\n", s, v, i,
                        t[i], via[i], targets[i], vias[i]);
            fail();
        }
    }
}

#define L BW_GRAPH_LINK
#define OUT(g, s, v, ...)                                                                          \
    do {                                                                                           \
        const uint32_t pairs_[] = {__VA_ARGS__};                                                   \
        uint32_t t_[16], w_[16];                                                                   \
        size_t k_ = sizeof pairs_ / sizeof pairs_[0] / 2;                                          \
        for (size_t i_ = 0; i_ < k_; i_++) {                                                       \
            t_[i_] = pairs_[2 * i_];                                                               \
            w_[i_] = pairs_[2 * i_ + 1];                                                           \
        }                                                                                          \
        expect_out((g), (s), (v), k_, t_, w_);                                                     \
    } while (0)
#define EMPTY(g, s, v) expect_out((g), (s), (v), 0, NULL, NULL)

/*
 * Five nodes, services 0 (power) and 1 (water). Node 0 is a power source, node 3 a
 * water source.
 *   d0  link  0 -- 1  power          d3  supply 4 <- 3  water, group key 0
 *   d1  link  1 -- 2  power          d4  supply 2 <- 3  water, group key 0
 *   d2  link  2 -> 4  power, directed (supplier 2, site 4)
 * Entries are filled in dependency order; an undirected link puts its supplier-side
 * entry first, then its site-side entry:
 *   power: 0: [1]      1: [0 (d0), 2 (d1, site side)]    2: [1 (d1), 4 (d2)]    3,4: []
 *   water: 3: [4 via group of (4, water, 0), 2 via group of (2, water, 0)]
 * Groups sorted by (site, service, key): (2, water, 0) = group 0, (4, water, 0) = 1.
 * Needs: 0 is a power source (link end, masked) -> 0; 1 link end -> power; 2 link end
 * and water dependant -> power|water; 3 is only a supplier -> 0; 4 directed link end and
 * water dependant -> power|water (the receiving end of a directed link needs power, and
 * so does its supplying end 2).
 */
static void test_csr(void **state)
{
    (void)state;
    const uint32_t supplies[5] = {1, 0, 0, 2, 0};
    const double pop[5] = {0, 10, 20.5, -3, 40};
    const struct bw_graph_dep deps[] = {
        net(0, 1, 0, 0),       net(1, 2, 0, 0),       net(4, 2, 0, 1),
        sup(4, 3, 1, 0, 1, 0), sup(2, 3, 1, 0, 1, 6),
    };
    struct bw_diag d;
    bw_graph *g = NULL;
    uint32_t owner, needs;

    bw_diag_clear(&d);
    assert_int_equal(bw_graph_new(5, 2, supplies, pop, deps, 5, &d, &g), BW_OK);
    assert_non_null(g);
    assert_false(bw_diag_has(&d));
    assert_int_equal(bw_graph_nodes(g), 5);
    assert_int_equal(bw_graph_services(g), 2);
    assert_int_equal(bw_graph_groups(g), 2);
    assert_true(bw_graph_all_one_of_n(g));
    assert_true(bw_graph_bytes(g) > 0);

    OUT(g, 0, 0, 1, L);
    OUT(g, 0, 1, 0, L, 2, L);
    OUT(g, 0, 2, 1, L, 4, L);
    EMPTY(g, 0, 3);
    EMPTY(g, 0, 4); /* the directed link 2 -> 4 does not come back */
    EMPTY(g, 1, 0);
    EMPTY(g, 1, 1);
    EMPTY(g, 1, 2);
    OUT(g, 1, 3, 4, 1, 2, 0);
    EMPTY(g, 1, 4);

    bw_graph_group(g, 0, &owner, &needs);
    assert_int_equal(owner, 2);
    assert_int_equal(needs, 1);
    bw_graph_group(g, 1, &owner, &needs);
    assert_int_equal(owner, 4);
    assert_int_equal(needs, 1);

    assert_int_equal(bw_graph_supplies(g, 0), 1);
    assert_int_equal(bw_graph_supplies(g, 3), 2);
    assert_int_equal(bw_graph_supplies(g, 1), 0);
    assert_int_equal(bw_graph_needs(g, 0), 0);
    assert_int_equal(bw_graph_needs(g, 1), 1);
    assert_int_equal(bw_graph_needs(g, 2), 3);
    assert_int_equal(bw_graph_needs(g, 3), 0);
    assert_int_equal(bw_graph_needs(g, 4), 3);
    /* Populations are copied; a negative one counts as 0. */
    assert_close(bw_graph_population(g, 1), 10, 0);
    assert_close(bw_graph_population(g, 2), 20.5, 0);
    assert_close(bw_graph_population(g, 3), 0, 0);
    assert_close(bw_graph_population(g, 4), 40, 0);
    bw_graph_free(g);
}

/*
 * Sources never need: a node that is a source of power and also an end of a power link
 * and a power dependant needs nothing of power, but still needs water from its own
 * water dependency. NULL supplies/population mean "none" and 0.
 *   node 0: power source; link 0 -- 1 power; supply 0 <- 2 power; supply 0 <- 3 water
 *   node 1: power link end -> power
 *   node 2, 3: only suppliers -> 0
 */
static void test_needs(void **state)
{
    (void)state;
    const uint32_t supplies[4] = {1, 0, 0, 2};
    const struct bw_graph_dep deps[] = {net(0, 1, 0, 0), sup(0, 2, 0, 0, 1, 0),
                                        sup(0, 3, 1, 0, 1, 0)};
    bw_graph *g = NULL;

    assert_int_equal(bw_graph_new(4, 2, supplies, NULL, deps, 3, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_needs(g, 0), 2);
    assert_int_equal(bw_graph_needs(g, 1), 1);
    assert_int_equal(bw_graph_needs(g, 2), 0);
    assert_int_equal(bw_graph_needs(g, 3), 0);
    assert_close(bw_graph_population(g, 0), 0, 0);
    /* The supply entry 2 -> 0 exists even though 0 is a source (group 0 = (0, power, 0)),
     * and node 0's water entry from 3 is group 1 = (0, water, 0). */
    OUT(g, 0, 2, 0, 0);
    OUT(g, 1, 3, 0, 1);
    OUT(g, 0, 0, 1, L);
    OUT(g, 0, 1, 0, L);
    bw_graph_free(g);

    /* Nothing supplied, nothing needed, no dependencies at all. */
    assert_int_equal(bw_graph_new(3, 1, NULL, NULL, NULL, 0, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_groups(g), 0);
    assert_true(bw_graph_all_one_of_n(g));
    for (uint32_t v = 0; v < 3; v++) {
        assert_int_equal(bw_graph_needs(g, v), 0);
        assert_int_equal(bw_graph_supplies(g, v), 0);
        EMPTY(g, 0, v);
    }
    bw_graph_free(g);

    /* An empty graph is valid. */
    assert_int_equal(bw_graph_new(0, 1, NULL, NULL, NULL, 0, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_nodes(g), 0);
    bw_graph_free(g);
    bw_graph_free(NULL);
}

/*
 * Groups are (site, service, key) triples, numbered in that sorted order:
 *   d0 supply 3 <- 0 power key 7 needs 1  \  same triple (3, power, 7): group 1,
 *   d1 supply 3 <- 1 power key 7 needs 2  /  needs max(1, 2) = 2
 *   d2 supply 3 <- 2 power key 0 needs 1     (3, power, 0): group 0 (key 0 sorts first)
 *   d3 supply 3 <- 5 water key 7 needs 1     (3, water, 7): group 2 (other service)
 *   d4 supply 4 <- 0 power key 7 needs 1     (4, power, 7): group 3 (other site)
 * Out-lists: power 0: [3 via 1, 4 via 3]; power 1: [3 via 1]; power 2: [3 via 0];
 * water 5: [3 via 2]. One group needs 2, so not all one-of-n.
 */
static void test_groups(void **state)
{
    (void)state;
    const uint32_t supplies[6] = {1, 1, 1, 0, 0, 2};
    struct bw_graph_dep deps[] = {sup(3, 0, 0, 7, 1, 0), sup(3, 1, 0, 7, 2, 0),
                                  sup(3, 2, 0, 0, 1, 0), sup(3, 5, 1, 7, 1, 0),
                                  sup(4, 0, 0, 7, 1, 0)};
    const uint32_t owners[4] = {3, 3, 3, 4}, needs[4] = {1, 2, 1, 1};
    bw_graph *g = NULL;
    uint32_t o, k;

    assert_int_equal(bw_graph_new(6, 2, supplies, NULL, deps, 5, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_groups(g), 4);
    for (uint32_t i = 0; i < 4; i++) {
        bw_graph_group(g, i, &o, &k);
        assert_int_equal(o, owners[i]);
        assert_int_equal(k, needs[i]);
    }
    assert_false(bw_graph_all_one_of_n(g));
    OUT(g, 0, 0, 3, 1, 4, 3);
    OUT(g, 0, 1, 3, 1);
    OUT(g, 0, 2, 3, 0);
    OUT(g, 1, 5, 3, 2);
    EMPTY(g, 1, 0);
    assert_int_equal(bw_graph_needs(g, 3), 3);
    assert_int_equal(bw_graph_needs(g, 4), 1);
    bw_graph_free(g);

    /* The same dependencies with needs 1 everywhere: all one-of-n, same numbering. */
    deps[1].needs = 1;
    assert_int_equal(bw_graph_new(6, 2, supplies, NULL, deps, 5, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_groups(g), 4);
    assert_true(bw_graph_all_one_of_n(g));
    bw_graph_group(g, 1, &o, &k);
    assert_int_equal(o, 3);
    assert_int_equal(k, 1);
    bw_graph_free(g);

    /* Input order does not change the numbering: reversed dependencies, same groups. */
    {
        struct bw_graph_dep rev[5];
        deps[1].needs = 2;
        for (int i = 0; i < 5; i++)
            rev[i] = deps[4 - i];
        assert_int_equal(bw_graph_new(6, 2, supplies, NULL, rev, 5, NULL, &g), BW_OK);
        for (uint32_t i = 0; i < 4; i++) {
            bw_graph_group(g, i, &o, &k);
            assert_int_equal(o, owners[i]);
            assert_int_equal(k, needs[i]);
        }
        /* Fill order follows the (reversed) input: node 0 sees d4 before d0. */
        OUT(g, 0, 0, 4, 3, 3, 1);
        bw_graph_free(g);
    }
}

/*
 * Many dependencies on one site (more than the 32 that are ordered by insertion, so the
 * other ordering path runs too): site 0 needs service i % 2 from supplier i (1..45) with
 * group key (7 * i) % 3; site 46 needs service 0 from 1, 2, 3 with key 5. Groups are
 * numbered by (site, service, key): (0, 0, 0) = 0, (0, 0, 1) = 1, (0, 0, 2) = 2,
 * (0, 1, 0) = 3, (0, 1, 1) = 4, (0, 1, 2) = 5, (46, 0, 5) = 6, whatever the input order;
 * each supplier's out-list holds site 0 through its group, then site 46 for 1..3.
 */
static void test_groups_many(void **state)
{
    (void)state;
    enum { N = 47 };
    uint32_t supplies[N] = {0};
    struct bw_graph_dep deps[48], shuffled[48];
    size_t nd = 0;
    uint64_t st = 4;

    for (uint32_t i = 1; i <= 45; i++)
        deps[nd++] = sup(0, i, (uint8_t)(i % 2), (7 * i) % 3, 1, 0);
    for (uint32_t i = 1; i <= 3; i++)
        deps[nd++] = sup(46, i, 0, 5, 1, 0);
    memcpy(shuffled, deps, sizeof deps);
    for (size_t i = nd - 1; i > 0; i--) {
        size_t j = (size_t)(unit_rand(&st) % (i + 1));
        struct bw_graph_dep t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
    }
    for (int pass = 0; pass < 2; pass++) {
        bw_graph *g = NULL;
        assert_int_equal(bw_graph_new(N, 2, supplies, NULL, pass ? shuffled : deps, nd, NULL, &g),
                         BW_OK);
        assert_int_equal(bw_graph_groups(g), 7);
        for (uint32_t i = 1; i <= 45; i++) {
            const uint32_t *t, *via;
            uint32_t s = i % 2, want = 3 * s + (7 * i) % 3, o, k;
            size_t n = bw_graph_out(g, s, i, &t, &via);
            assert_int_equal(n, i <= 3 && s == 0 ? 2 : 1);
            if (n == 2 && !pass) { /* dependency order: site 0's before site 46's */
                assert_int_equal(t[0], 0);
                assert_int_equal(t[1], 46);
            }
            for (size_t e = 0; e < n; e++) {
                assert_int_equal(via[e], t[e] == 0 ? want : 6);
                bw_graph_group(g, via[e], &o, &k);
                assert_int_equal(o, t[e]);
                assert_int_equal(k, 1);
            }
        }
        bw_graph_free(g);
    }
}

/* 32 services is the limit: service 31 works and sets bit 31 of the masks. */
static void test_max_services(void **state)
{
    (void)state;
    const uint32_t supplies[2] = {1u << 31, 0};
    const struct bw_graph_dep deps[] = {net(1, 0, 31, 0)};
    bw_graph *g = NULL;

    assert_int_equal(bw_graph_new(2, 32, supplies, NULL, deps, 1, NULL, &g), BW_OK);
    assert_int_equal(bw_graph_needs(g, 1), 1u << 31);
    assert_int_equal(bw_graph_needs(g, 0), 0);
    OUT(g, 31, 0, 1, L);
    OUT(g, 31, 1, 0, L);
    EMPTY(g, 0, 0);
    bw_graph_free(g);
}

/* Builds and expects failure with @p code, a diagnostic naming @p field and containing
 * @p needle, and no graph. */
static void expect_error(uint32_t n, uint32_t ns, const struct bw_graph_dep *deps, size_t nd,
                         int code, const char *field, const char *needle)
{
    struct bw_diag d;
    bw_graph *g = (bw_graph *)&d; /* must be reset to NULL */

    bw_diag_clear(&d);
    assert_int_equal(bw_graph_new(n, ns, NULL, NULL, deps, nd, &d, &g), code);
    assert_null(g);
    assert_true(bw_diag_has(&d));
    assert_int_equal(d.code, code);
    assert_string_equal(d.field, field);
    if (!strstr(d.msg, needle)) {
        print_error("diagnostic \"%s\" lacks \"%s\"\n", d.msg, needle);
        fail();
    }
}

static void test_errors(void **state)
{
    (void)state;
    struct bw_graph_dep ok = sup(1, 0, 0, 0, 1, 0), deps[2];

    /* Unknown site and unknown supplier (dependency 1, the first being fine). */
    deps[0] = ok;
    deps[1] = sup(3, 0, 0, 0, 1, 0);
    expect_error(3, 1, deps, 2, BW_EINVAL, "", "dependency 1 refers to an unknown");
    deps[1] = net(0, 7, 0, 0);
    expect_error(3, 1, deps, 2, BW_EINVAL, "", "dependency 1 refers to an unknown");
    /* Unknown service and kind. */
    deps[1] = sup(2, 0, 1, 0, 1, 0);
    expect_error(3, 1, deps, 2, BW_EINVAL, "", "dependency 1 refers to an unknown");
    deps[1] = ok;
    deps[1].kind = 2;
    expect_error(3, 1, deps, 2, BW_EINVAL, "", "dependency 1 refers to an unknown");
    /* needs 0. */
    deps[1] = sup(2, 0, 0, 0, 0, 0);
    expect_error(3, 1, deps, 2, BW_EINVAL, "", "dependency 1");
    /* Self-loops, for supply and for link. */
    deps[1] = sup(2, 2, 0, 0, 1, 0);
    expect_error(3, 1, deps, 2, BW_EINVAL, "supplier", "dependency 1 is a self-loop");
    deps[1] = net(0, 0, 0, 1);
    expect_error(3, 1, deps, 2, BW_EINVAL, "supplier", "dependency 1 is a self-loop");
    /* Negative and NaN buffers. */
    deps[1] = sup(2, 0, 0, 0, 1, -0.5f);
    expect_error(3, 1, deps, 2, BW_EINVAL, "buffer_hours", "dependency 1 has a negative buffer");
    deps[1] = sup(2, 0, 0, 0, 1, NAN);
    expect_error(3, 1, deps, 2, BW_EINVAL, "buffer_hours", "dependency 1");
    /* Service counts: 0 and 33 are refused before anything is read. */
    expect_error(3, 0, NULL, 0, BW_EINVAL, "service", "between 1 and 32 services");
    expect_error(3, 33, NULL, 0, BW_EINVAL, "service", "between 1 and 32 services");
    /* Too many nodes. */
    expect_error(BW_GRAPH_MAX_NODES + 1, 1, NULL, 0, BW_ETOOBIG, "", "more than 50000000");
    /* A NULL diag is accepted. */
    {
        bw_graph *g = NULL;
        deps[1] = sup(2, 2, 0, 0, 1, 0);
        assert_int_equal(bw_graph_new(3, 1, NULL, NULL, deps, 2, NULL, &g), BW_EINVAL);
        assert_null(g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csr),          cmocka_unit_test(test_needs),
        cmocka_unit_test(test_groups),       cmocka_unit_test(test_groups_many),
        cmocka_unit_test(test_max_services), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
