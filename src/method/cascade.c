/*
 * cascade.c — deterministic and timed cascades, and the criticality sweep.
 *
 * Deterministic cascade (docs/cascade.md): for each service a breadth-first
 * propagation from the working sources through network links and supply groups (a
 * counter per group reaches `needs`), then every working site lacking a service it
 * needs fails; repeat until nothing changes. A run starts from the baseline's has[] and
 * propagates again only the services that a failed site passes on (the others cannot
 * change), so removing a site that supplies nothing costs no propagation at all. All
 * per-run state lives in the workspace (flat arrays sized once), so a run allocates
 * nothing.
 *
 * Sweep: with one service and 1-of-n groups, "what v takes down" is exactly the set v
 * dominates in the flow graph from a super-source, so one Lengauer–Tarjan pass (with
 * path compression, O(m log n)) and subtree sums give every site's answer. Otherwise one
 * cascade per site runs on worker threads, each with its own workspace, writing to the
 * site's own slot: results do not depend on the thread count.
 *
 * Timed cascade: u(x), the hours a lost site keeps working, is a bottleneck (widest)
 * path from the surviving sources computed with a max-heap, services alternating to a
 * fixpoint; restoration times are log-normal draws from a counter-based generator
 * (SplitMix64 keyed by seed and trial), so trial t gives the same number on any thread.
 */
#include "cascade.h"
#include "alloc.h"
#include "error.h"
#include "graph_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bw_cascade {
    const bw_graph *g;
    uint32_t n, ngroups;
    uint8_t *working, *base, *removed;
    uint32_t *has;   /* per node: mask of services it has */
    uint32_t *base_has; /* has[] at the baseline fixpoint, where every run starts */
    uint32_t *needs; /* per node: bw_graph_needs (a copy, read without a call) */
    uint32_t *cnt;   /* per group: propagate(): suppliers still missing (counts down from
                      * gneed); widest(): suppliers passed on (counts up from 0) */
    uint32_t *gneed; /* per group: suppliers it needs (a copy, read without a call) */
    uint32_t used;   /* services some node needs: the others cannot change working[] */
    uint32_t *src_off, *src; /* per service: its sources (src[src_off[s]..src_off[s+1]]) */
    uint32_t *queue; /* BFS queue */
    uint32_t *lost;
    size_t nlost;
    double pop_lost;
    int base_service; /* service the baseline was computed for; -2 = none yet */
    uint32_t base_unserved;
    /* timed mode */
    double *u, *h, *hours, *outage, *trial_ph;
    uint32_t *heap_node;
    double *heap_key;
    size_t heap_cap;
};

void bw_cascade_free(bw_cascade *c)
{
    if (!c)
        return;
    bw_free(c->working);
    bw_free(c->base);
    bw_free(c->removed);
    bw_free(c->has);
    bw_free(c->cnt);
    bw_free(c->gneed);
    bw_free(c->base_has);
    bw_free(c->needs);
    bw_free(c->src_off);
    bw_free(c->src);
    bw_free(c->queue);
    bw_free(c->lost);
    bw_free(c->u);
    bw_free(c->h);
    bw_free(c->hours);
    bw_free(c->outage);
    bw_free(c->trial_ph);
    bw_free(c->heap_node);
    bw_free(c->heap_key);
    bw_free(c);
}

int bw_cascade_new(const bw_graph *g, bw_cascade **out)
{
    bw_cascade *c = bw_calloc(1, sizeof *c);
    uint32_t n = bw_graph_nodes(g), ng = bw_graph_groups(g);

    *out = NULL;
    if (!c)
        return BW_ENOMEM;
    c->g = g;
    c->n = n;
    c->ngroups = ng;
    c->base_service = -2;
    c->working = bw_calloc(n + 1, 1);
    c->base = bw_calloc(n + 1, 1);
    c->removed = bw_calloc(n + 1, 1);
    c->has = bw_calloc(n + 1, sizeof *c->has);
    c->cnt = bw_calloc(ng + 1, sizeof *c->cnt);
    c->queue = bw_calloc(n + 1, sizeof *c->queue);
    c->lost = bw_calloc(n + 1, sizeof *c->lost);
    c->gneed = bw_calloc(ng + 1, sizeof *c->gneed);
    c->src_off = bw_calloc(BW_GRAPH_MAX_SERVICES + 1, sizeof *c->src_off);
    c->base_has = bw_calloc(n + 1, sizeof *c->base_has);
    c->needs = bw_calloc(n + 1, sizeof *c->needs);
    if (!c->working || !c->base || !c->removed || !c->has || !c->cnt || !c->queue || !c->lost ||
        !c->gneed || !c->src_off || !c->base_has || !c->needs) {
        bw_cascade_free(c);
        return BW_ENOMEM;
    }
    for (uint32_t k = 0; k < ng; k++) {
        uint32_t owner;
        bw_graph_group(g, k, &owner, &c->gneed[k]);
    }
    /* Sources per service, in node order (counting pass, then filling pass). */
    {
        uint32_t ns = bw_graph_services(g), *fill;
        for (uint32_t v = 0; v < n; v++) {
            uint32_t sup = bw_graph_supplies(g, v);
            c->needs[v] = bw_graph_needs(g, v);
            c->used |= c->needs[v];
            for (uint32_t s = 0; s < ns; s++)
                c->src_off[s + 1] += (sup >> s) & 1u;
        }
        for (uint32_t s = 0; s < ns; s++)
            c->src_off[s + 1] += c->src_off[s];
        for (uint32_t s = ns; s < BW_GRAPH_MAX_SERVICES; s++)
            c->src_off[s + 1] = c->src_off[s];
        c->src = bw_calloc((size_t)c->src_off[ns] + 1, sizeof *c->src);
        fill = bw_calloc(ns + 1, sizeof *fill);
        if (!c->src || !fill) {
            bw_free(fill);
            bw_cascade_free(c);
            return BW_ENOMEM;
        }
        memcpy(fill, c->src_off, ns * sizeof *fill);
        for (uint32_t v = 0; v < n; v++) {
            uint32_t sup = bw_graph_supplies(g, v);
            for (uint32_t s = 0; s < ns; s++)
                if ((sup >> s) & 1u)
                    c->src[fill[s]++] = v;
        }
        bw_free(fill);
    }
    *out = c;
    return BW_OK;
}

/* The services a run considers, as a mask. */
static uint32_t service_mask(const bw_graph *g, int service)
{
    uint32_t ns = bw_graph_services(g);
    return service < 0 ? (ns >= 32 ? UINT32_MAX : (1u << ns) - 1) : 1u << service;
}

/* Propagates service s from the working sources; sets bit s of has[]. The group
 * counters of s must have been reset to gneed[] (fixpoint() does it once for all
 * services: a group belongs to one service only). */
static void propagate(bw_cascade *c, uint32_t s)
{
    const bw_graph *g = c->g;
    uint32_t bit = 1u << s, head = 0, tail = 0;

    for (uint32_t i = c->src_off[s]; i < c->src_off[s + 1]; i++) {
        uint32_t v = c->src[i];
        if (c->working[v]) {
            c->has[v] |= bit;
            c->queue[tail++] = v;
        }
    }
    while (head < tail) {
        uint32_t y = c->queue[head++];
        const uint32_t *t, *via;
        size_t k = bw_graph_out(g, s, y, &t, &via);
        for (size_t i = 0; i < k; i++) {
            uint32_t x = t[i];
            if (!c->working[x] || (c->has[x] & bit))
                continue;
            /* x lacks s, so its groups of s have not reached 0 yet. */
            if (via[i] != BW_GRAPH_LINK && --c->cnt[via[i]] > 0)
                continue;
            c->has[x] |= bit;
            c->queue[tail++] = x;
        }
    }
}

/* The services of @p mask that site v passes on (it has entries for them in the CSR). */
static uint32_t carries(const bw_graph *g, uint32_t v, uint32_t mask)
{
    uint32_t ns = bw_graph_services(g), out = 0;

    for (uint32_t s = 0; s < ns; s++) {
        const uint32_t *t, *via;
        if ((mask & (1u << s)) && bw_graph_out(g, s, v, &t, &via))
            out |= 1u << s;
    }
    return out;
}

/* Runs the fixpoint from the current working[] set. Only the services in @p dirty are
 * propagated again; for the others has[] must already be right for the working sites
 * (stale bits of sites that do not work are never read). A service needs propagating
 * again only when a site that passes it on stops working: a site that only receives it
 * just loses it, which changes no other site's has[]. */
static void fixpoint(bw_cascade *c, uint32_t mask, uint32_t dirty)
{
    const bw_graph *g = c->g;
    uint32_t ns = bw_graph_services(g);

    mask &= c->used; /* a service nobody needs cannot make a site fail */
    dirty &= mask;
    while (dirty) {
        uint32_t next = 0;
        for (uint32_t v = 0; v < c->n; v++)
            c->has[v] &= ~dirty;
        memcpy(c->cnt, c->gneed, (size_t)c->ngroups * sizeof *c->cnt);
        for (uint32_t s = 0; s < ns; s++)
            if (dirty & (1u << s))
                propagate(c, s);
        for (uint32_t v = 0; v < c->n; v++) {
            if (c->working[v] && (c->needs[v] & mask & ~c->has[v])) {
                c->working[v] = 0;
                next |= carries(g, v, mask);
            }
        }
        dirty = next;
    }
}

static void baseline(bw_cascade *c, int service)
{
    uint32_t mask = service_mask(c->g, service);

    if (c->base_service == service)
        return;
    memset(c->working, 1, c->n);
    memset(c->has, 0, (size_t)c->n * sizeof *c->has);
    fixpoint(c, mask, mask);
    memcpy(c->base, c->working, c->n);
    memcpy(c->base_has, c->has, (size_t)c->n * sizeof *c->has);
    c->base_unserved = 0;
    for (uint32_t v = 0; v < c->n; v++)
        c->base_unserved += !c->base[v];
    c->base_service = service;
}

int bw_cascade_run(bw_cascade *c, const uint32_t *removed, size_t nremoved, int service)
{
    uint32_t mask, dirty = 0;

    if (service != BW_ALL_SERVICES && (service < 0 || (uint32_t)service >= bw_graph_services(c->g)))
        return BW_EINVAL;
    for (size_t i = 0; i < nremoved; i++)
        if (removed[i] >= c->n)
            return BW_EINVAL;
    baseline(c, service);
    mask = service_mask(c->g, service);
    memcpy(c->working, c->base, c->n);
    memcpy(c->has, c->base_has, (size_t)c->n * sizeof *c->has);
    memset(c->removed, 0, c->n);
    for (size_t i = 0; i < nremoved; i++) {
        c->working[removed[i]] = 0;
        c->removed[removed[i]] = 1;
        dirty |= carries(c->g, removed[i], mask);
    }
    fixpoint(c, mask, dirty);
    c->nlost = 0;
    c->pop_lost = 0;
    for (uint32_t v = 0; v < c->n; v++)
        if (c->base[v] && !c->working[v] && !c->removed[v]) {
            c->lost[c->nlost++] = v;
            c->pop_lost += bw_graph_population(c->g, v);
        }
    return BW_OK;
}

size_t bw_cascade_lost(const bw_cascade *c, const uint32_t **lost)
{
    *lost = c->lost;
    return c->nlost;
}

double bw_cascade_population_lost(const bw_cascade *c)
{
    return c->pop_lost;
}

uint32_t bw_cascade_baseline_unserved(const bw_cascade *c)
{
    return c->base_unserved;
}

/* ---- criticality by dominators ----------------------------------------------------- */

/* Lengauer–Tarjan over the flow graph of service s restricted to nodes with s in the
 * baseline, rooted at a super-source joined to the working sources. Vertices are
 * handled by DFS number (1..N); 0 means "not reached". */
struct lt {
    uint32_t *dfn, *vertex, *parent, *semi, *idom, *label, *ancestor, *bucket_head,
        *bucket_next, *pred_off, *pred, *stack, *stack_pos;
};

static uint32_t lt_eval(struct lt *t, uint32_t v, uint32_t *path)
{
    uint32_t top = 0, x = v;

    if (t->ancestor[v] == 0)
        return v;
    /* Collect the ancestor chain, then compress from the top down. */
    while (t->ancestor[t->ancestor[x]] != 0) {
        path[top++] = x;
        x = t->ancestor[x];
    }
    while (top > 0) {
        uint32_t y = path[--top], a = t->ancestor[y];
        if (t->semi[t->label[a]] < t->semi[t->label[y]])
            t->label[y] = t->label[a];
        t->ancestor[y] = t->ancestor[a];
    }
    return t->label[v];
}

static int sweep_dominators(const bw_graph *g, uint32_t s, const uint8_t *base,
                            uint32_t *sites_lost, double *population_lost)
{
    uint32_t n = bw_graph_nodes(g), root = n, N = 0, bit = 1u << s;
    size_t npred = 0;
    struct lt t = {0};
    uint32_t *path = NULL;
    double *pop = NULL;
    uint32_t *size = NULL;
    int rc = BW_ENOMEM;

    /* Arrays indexed by node (0..n, n = root) or by DFS number (1..n+1); pred_off (and
     * bucket_next, its scratch copy) also has the end offset at N + 1 = n + 2. */
#define ALLOC(field) (t.field = bw_calloc((size_t)n + 3, sizeof *t.field))
    if (!ALLOC(dfn) || !ALLOC(vertex) || !ALLOC(parent) || !ALLOC(semi) || !ALLOC(idom) ||
        !ALLOC(label) || !ALLOC(ancestor) || !ALLOC(bucket_head) || !ALLOC(bucket_next) ||
        !ALLOC(pred_off) || !ALLOC(stack) || !ALLOC(stack_pos))
        goto out;
#undef ALLOC
    path = bw_calloc((size_t)n + 2, sizeof *path);
    pop = bw_calloc((size_t)n + 2, sizeof *pop);
    size = bw_calloc((size_t)n + 2, sizeof *size);
    if (!path || !pop || !size)
        goto out;

    /* Iterative DFS from the root; the root's children are the working sources. */
    N = 1;
    t.dfn[root] = 1;
    t.vertex[1] = root;
    t.stack[0] = root;
    t.stack_pos[0] = 0;
    {
        size_t sp = 1;
        while (sp) {
            uint32_t y = t.stack[sp - 1], x = UINT32_MAX;
            if (y == root) {
                for (uint32_t v = t.stack_pos[sp - 1]; v < n; v++) {
                    t.stack_pos[sp - 1] = v + 1;
                    if (base[v] && (bw_graph_supplies(g, v) & bit) && !t.dfn[v]) {
                        x = v;
                        break;
                    }
                }
            } else {
                const uint32_t *tg, *via;
                size_t k = bw_graph_out(g, s, y, &tg, &via);
                while (t.stack_pos[sp - 1] < k) {
                    uint32_t cand = tg[t.stack_pos[sp - 1]++];
                    if (base[cand] && !t.dfn[cand] && (bw_graph_needs(g, cand) & bit)) {
                        x = cand;
                        break;
                    }
                }
            }
            if (x == UINT32_MAX) {
                sp--;
                continue;
            }
            t.dfn[x] = ++N;
            t.vertex[N] = x;
            t.parent[N] = t.dfn[y];
            t.stack[sp] = x;
            t.stack_pos[sp] = 0;
            sp++;
        }
    }
    /* Predecessor lists in DFS numbers (counting pass, then filling pass). Sources hang
     * from the root only: edges into a source carry nothing it needs, and leaving them
     * out keeps the DFS tree a DFS tree of exactly the graph the predecessors describe. */
    for (uint32_t w = 2; w <= N; w++) {
        uint32_t y = t.vertex[w];
        const uint32_t *tg, *via;
        size_t k = bw_graph_out(g, s, y, &tg, &via);
        if (bw_graph_supplies(g, y) & bit)
            t.pred_off[w + 1]++; /* from the root */
        for (size_t i = 0; i < k; i++)
            if (t.dfn[tg[i]] > 1 && !(bw_graph_supplies(g, tg[i]) & bit))
                t.pred_off[t.dfn[tg[i]] + 1]++;
    }
    for (uint32_t w = 1; w <= N + 1; w++)
        t.pred_off[w] += t.pred_off[w - 1];
    npred = t.pred_off[N + 1];
    t.pred = bw_calloc(npred ? npred : 1, sizeof *t.pred);
    if (!t.pred)
        goto out;
    {
        uint32_t *fill = t.bucket_next; /* borrowed as scratch, reset below */
        memcpy(fill, t.pred_off, ((size_t)N + 2) * sizeof *fill);
        for (uint32_t w = 2; w <= N; w++) {
            uint32_t y = t.vertex[w];
            const uint32_t *tg, *via;
            size_t k = bw_graph_out(g, s, y, &tg, &via);
            if (bw_graph_supplies(g, y) & bit)
                t.pred[fill[w]++] = 1;
            for (size_t i = 0; i < k; i++)
                if (t.dfn[tg[i]] > 1 && !(bw_graph_supplies(g, tg[i]) & bit))
                    t.pred[fill[t.dfn[tg[i]]]++] = w;
        }
        memset(fill, 0, ((size_t)n + 2) * sizeof *fill);
    }
    for (uint32_t w = 1; w <= N; w++) {
        t.semi[w] = w;
        t.label[w] = w;
    }
    for (uint32_t w = N; w >= 2; w--) {
        uint32_t p = t.parent[w];
        for (uint32_t i = t.pred_off[w]; i < t.pred_off[w + 1]; i++) {
            uint32_t u = lt_eval(&t, t.pred[i], path);
            if (t.semi[u] < t.semi[w])
                t.semi[w] = t.semi[u];
        }
        /* bucket[vertex[semi[w]]] gets w (buckets keyed by DFS number). */
        t.bucket_next[w] = t.bucket_head[t.semi[w]];
        t.bucket_head[t.semi[w]] = w;
        t.ancestor[w] = p;
        for (uint32_t v = t.bucket_head[p]; v; v = t.bucket_next[v]) {
            uint32_t u = lt_eval(&t, v, path);
            t.idom[v] = t.semi[u] < t.semi[v] ? u : p;
        }
        t.bucket_head[p] = 0;
    }
    for (uint32_t w = 2; w <= N; w++)
        if (t.idom[w] != t.semi[w])
            t.idom[w] = t.idom[t.idom[w]];
    /* Subtree sizes and populations, children before parents (reverse DFS order). */
    for (uint32_t w = N; w >= 2; w--) {
        size[w] += 1;
        pop[w] += bw_graph_population(g, t.vertex[w]);
        size[t.idom[w]] += size[w];
        pop[t.idom[w]] += pop[w];
    }
    for (uint32_t v = 0; v < n; v++) {
        uint32_t w = t.dfn[v];
        sites_lost[v] = w > 1 ? size[w] - 1 : 0;
        population_lost[v] = w > 1 ? pop[w] - bw_graph_population(g, v) : 0;
    }
    rc = BW_OK;
out:
    bw_free(t.dfn);
    bw_free(t.vertex);
    bw_free(t.parent);
    bw_free(t.semi);
    bw_free(t.idom);
    bw_free(t.label);
    bw_free(t.ancestor);
    bw_free(t.bucket_head);
    bw_free(t.bucket_next);
    bw_free(t.pred_off);
    bw_free(t.pred);
    bw_free(t.stack);
    bw_free(t.stack_pos);
    bw_free(path);
    bw_free(pop);
    bw_free(size);
    return rc;
}

/* ---- criticality by parallel cascades ---------------------------------------------- */

struct sweep_job {
    const bw_graph *g;
    int service;
    atomic_uint next;
    atomic_uint done;
    atomic_int rc;
    uint32_t *sites_lost;
    double *population_lost;
};

static void *sweep_worker(void *arg)
{
    struct sweep_job *j = arg;
    uint32_t n = bw_graph_nodes(j->g);
    bw_cascade *c;
    int rc = bw_cascade_new(j->g, &c);

    if (rc) {
        atomic_store(&j->rc, rc);
        return NULL;
    }
    for (;;) {
        uint32_t v = atomic_fetch_add(&j->next, 1);
        if (v >= n || atomic_load(&j->rc))
            break;
        bw_cascade_run(c, &v, 1, j->service);
        j->sites_lost[v] = (uint32_t)c->nlost;
        j->population_lost[v] = c->pop_lost;
        atomic_fetch_add(&j->done, 1);
    }
    bw_cascade_free(c);
    return NULL;
}

int bw_criticality_sweep(const bw_graph *g, int service, unsigned threads, int force_cascades,
                         void (*progress)(void *ud, size_t done, size_t total), void *ud,
                         uint32_t *sites_lost, double *population_lost,
                         enum bw_sweep_method *method)
{
    uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g), used = 0, s_used = 0;
    struct sweep_job job;
    pthread_t tid[64];
    unsigned started = 0;
    int rc;

    if (service != BW_ALL_SERVICES && (service < 0 || (uint32_t)service >= ns))
        return BW_EINVAL;
    /* Which services actually occur among the nodes' needs? */
    for (uint32_t v = 0; v < n; v++)
        used |= bw_graph_needs(g, v) & service_mask(g, service);
    for (uint32_t s = 0; s < ns; s++)
        if (used & (1u << s)) {
            s_used = s;
            if (used & ~(1u << s))
                break;
        }
    if (!force_cascades && bw_graph_all_one_of_n(g) && used && (used & (used - 1)) == 0) {
        bw_cascade *c;
        if ((rc = bw_cascade_new(g, &c)))
            return rc;
        baseline(c, (int)s_used);
        rc = sweep_dominators(g, s_used, c->base, sites_lost, population_lost);
        bw_cascade_free(c);
        if (method)
            *method = BW_SWEEP_DOMINATORS;
        if (progress && !rc)
            progress(ud, n, n);
        return rc;
    }
    if (!used) {
        memset(sites_lost, 0, (size_t)n * sizeof *sites_lost);
        memset(population_lost, 0, (size_t)n * sizeof *population_lost);
        if (method)
            *method = BW_SWEEP_DOMINATORS;
        return BW_OK;
    }
    if (method)
        *method = BW_SWEEP_CASCADES;
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = online > 0 ? (unsigned)online : 1;
    }
    if (threads > 64)
        threads = 64;
    job.g = g;
    job.service = service;
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    atomic_init(&job.rc, 0);
    job.sites_lost = sites_lost;
    job.population_lost = population_lost;
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&tid[i], NULL, sweep_worker, &job) != 0)
            break;
        started++;
    }
    if (!started)
        sweep_worker(&job);
    while (progress && started && atomic_load(&job.done) < n && !atomic_load(&job.rc)) {
        progress(ud, atomic_load(&job.done), n);
        usleep(100000);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    rc = atomic_load(&job.rc);
    if (progress && !rc)
        progress(ud, n, n);
    return rc;
}

/* ---- timed cascade ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Uniform in (0, 1) from a 64-bit value. */
static double unit(uint64_t x)
{
    return ((double)(x >> 11) + 0.5) / 9007199254740992.0;
}

/* Max-heap of (key, node) with lazy deletion. */
static int heap_push(bw_cascade *c, size_t *len, double key, uint32_t node)
{
    size_t i;
    if (*len == c->heap_cap) {
        size_t cap = c->heap_cap ? c->heap_cap * 2 : 1024;
        double *k = bw_realloc(c->heap_key, cap * sizeof *k);
        uint32_t *nd;
        if (!k)
            return BW_ENOMEM;
        c->heap_key = k;
        nd = bw_realloc(c->heap_node, cap * sizeof *nd);
        if (!nd)
            return BW_ENOMEM;
        c->heap_node = nd;
        c->heap_cap = cap;
    }
    i = (*len)++;
    while (i > 0 && c->heap_key[(i - 1) / 2] < key) {
        c->heap_key[i] = c->heap_key[(i - 1) / 2];
        c->heap_node[i] = c->heap_node[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    c->heap_key[i] = key;
    c->heap_node[i] = node;
    return BW_OK;
}

static void heap_pop(bw_cascade *c, size_t *len, double *key, uint32_t *node)
{
    double k;
    uint32_t nd;
    size_t i = 0;

    *key = c->heap_key[0];
    *node = c->heap_node[0];
    k = c->heap_key[--*len];
    nd = c->heap_node[*len];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        double mk = k;
        if (l < *len && c->heap_key[l] > mk) {
            m = l;
            mk = c->heap_key[l];
        }
        if (r < *len && c->heap_key[r] > mk)
            m = r;
        if (m == i)
            break;
        c->heap_key[i] = c->heap_key[m];
        c->heap_node[i] = c->heap_node[m];
        i = m;
    }
    c->heap_key[i] = k;
    c->heap_node[i] = nd;
}

/* buf[x] = the longest buffer among x's supply groups for service s (0 if none). */
static void group_buffers(const bw_cascade *c, uint32_t s, double *buf)
{
    const bw_graph *g = c->g;

    memset(buf, 0, (size_t)c->n * sizeof *buf);
    for (uint32_t y = 0; y < c->n; y++) {
        const uint32_t *t, *via;
        size_t k = bw_graph_out(g, s, y, &t, &via);
        for (size_t i = 0; i < k; i++)
            if (via[i] != BW_GRAPH_LINK && buf[t[i]] < bw__graph_group_buffer(g, via[i]))
                buf[t[i]] = bw__graph_group_buffer(g, via[i]);
    }
}

/* One service: h[x] = the longest time x still receives s (bottleneck over paths from
 * the sources, each site on the way passing s on only while it works, u[]). A lost site
 * that needs s keeps passing it on for u[x] hours, its own buffers included, even when
 * no surviving source reaches it: it is also seeded with key u[x] (flag SEED), an entry
 * that passes s on but does not set h[x]. passed[] makes every site pass s on once, so
 * each group counts each supplier once. */
#define SEED 0x80000000u
static int widest(bw_cascade *c, uint32_t s, uint8_t *passed)
{
    const bw_graph *g = c->g;
    uint32_t bit = 1u << s;
    size_t len = 0;
    int rc;

    memset(c->cnt, 0, (size_t)c->ngroups * sizeof *c->cnt);
    memset(passed, 0, c->n);
    for (uint32_t v = 0; v < c->n; v++) {
        c->h[v] = -1;
        if (!c->removed[v] && c->base[v] && (bw_graph_supplies(g, v) & bit))
            if ((rc = heap_push(c, &len, c->u[v], v)))
                return rc;
    }
    for (size_t i = 0; i < c->nlost; i++)
        if (bw_graph_needs(g, c->lost[i]) & bit)
            if ((rc = heap_push(c, &len, c->u[c->lost[i]], c->lost[i] | SEED)))
                return rc;
    while (len) {
        double hy;
        uint32_t y;
        const uint32_t *t, *via;
        size_t k;
        heap_pop(c, &len, &hy, &y);
        if (!(y & SEED) && c->h[y] < 0)
            c->h[y] = hy;
        y &= ~SEED;
        if (passed[y])
            continue; /* passed on with a longer time already */
        passed[y] = 1;
        /* y passes s on only while y itself works. */
        if (c->u[y] < hy)
            hy = c->u[y];
        k = bw_graph_out(g, s, y, &t, &via);
        for (size_t i = 0; i < k; i++) {
            uint32_t x = t[i];
            double cand;
            if (c->removed[x] || !c->base[x] || c->h[x] >= 0)
                continue;
            if (via[i] != BW_GRAPH_LINK) {
                uint32_t owner, needs;
                bw_graph_group(g, via[i], &owner, &needs);
                if (++c->cnt[via[i]] < needs)
                    continue;
            }
            cand = hy;
            if ((rc = heap_push(c, &len, cand, x)))
                return rc;
        }
    }
    return BW_OK;
}
#undef SEED

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bw_cascade_timed(bw_cascade *c, const double *median_h, const double *sigma, uint32_t trials,
                     uint64_t seed, struct bw_timed_result *out)
{
    const bw_graph *g = c->g;
    uint32_t ns = bw_graph_services(g), mask = service_mask(g, c->base_service);
    size_t nremoved = 0;
    double *buf = NULL, *newu = NULL;
    uint8_t *passed = NULL;
    int rc = BW_OK, changed, iter = 0;

    memset(out, 0, sizeof *out);
    if (trials == 0)
        return BW_EINVAL;
    for (uint32_t v = 0; v < c->n; v++)
        nremoved += c->removed[v];
    bw_free(c->u);
    bw_free(c->h);
    bw_free(c->hours);
    bw_free(c->outage);
    bw_free(c->trial_ph);
    c->u = bw_calloc(c->n + 1, sizeof *c->u);
    c->h = bw_calloc(c->n + 1, sizeof *c->h);
    c->hours = bw_calloc(c->nlost + 1, sizeof *c->hours);
    c->outage = bw_calloc(c->nlost + 1, sizeof *c->outage);
    c->trial_ph = bw_calloc(trials, sizeof *c->trial_ph);
    buf = bw_calloc(c->n + 1, sizeof *buf);
    newu = bw_calloc(c->n + 1, sizeof *newu);
    passed = bw_calloc(c->n + 1, 1);
    if (!c->u || !c->h || !c->hours || !c->outage || !c->trial_ph || !buf || !newu || !passed) {
        rc = BW_ENOMEM;
        goto out;
    }
    /* u: removed 0, surviving sites forever, lost sites start at 0 and only grow. */
    for (uint32_t v = 0; v < c->n; v++)
        c->u[v] = c->removed[v] ? 0 : (c->working[v] || !c->base[v]) ? INFINITY : 0;
    do {
        for (size_t i = 0; i < c->nlost; i++)
            newu[c->lost[i]] = INFINITY;
        for (uint32_t s = 0; s < ns; s++) {
            if (!(mask & (1u << s)))
                continue;
            if ((rc = widest(c, s, passed)))
                goto out;
            group_buffers(c, s, buf);
            for (size_t i = 0; i < c->nlost; i++) {
                uint32_t x = c->lost[i];
                double hx;
                if (!(bw_graph_needs(g, x) & (1u << s)))
                    continue;
                hx = (c->h[x] > 0 ? c->h[x] : 0) + buf[x];
                if (hx < newu[x])
                    newu[x] = hx;
            }
        }
        changed = 0;
        for (size_t i = 0; i < c->nlost; i++) {
            uint32_t x = c->lost[i];
            if (newu[x] == INFINITY)
                newu[x] = 0;
            if (newu[x] > c->u[x] + 1e-9) {
                c->u[x] = newu[x];
                changed = 1;
            }
        }
    } while (changed && ++iter < 1000);
    for (size_t i = 0; i < c->nlost; i++)
        c->hours[i] = c->u[c->lost[i]];
    /* Trials: T = latest restoration among the removed sites. */
    {
        double *restore = bw_calloc(trials, sizeof *restore);
        if (!restore) {
            rc = BW_ENOMEM;
            goto out;
        }
        for (uint32_t t = 0; t < trials; t++) {
            double T = 0, ph = 0;
            for (size_t r = 0; r < nremoved; r++) {
                uint64_t key = splitmix64(seed ^ splitmix64(((uint64_t)t << 20) ^ r));
                double u1 = unit(key), u2 = unit(splitmix64(key));
                double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
                double tr = median_h[r] * exp(sigma[r] * z);
                if (tr > T)
                    T = tr;
            }
            restore[t] = T;
            for (size_t i = 0; i < c->nlost; i++) {
                double o = T - c->hours[i];
                if (o > 0) {
                    c->outage[i] += o;
                    ph += o * bw_graph_population(g, c->lost[i]);
                }
            }
            c->trial_ph[t] = ph;
        }
        for (size_t i = 0; i < c->nlost; i++)
            c->outage[i] /= trials;
        qsort(restore, trials, sizeof *restore, cmp_double);
        out->restore_hours_p50 = restore[trials / 2];
        bw_free(restore);
    }
    {
        double sum = 0;
        for (uint32_t t = 0; t < trials; t++)
            sum += c->trial_ph[t];
        qsort(c->trial_ph, trials, sizeof *c->trial_ph, cmp_double);
        out->trials = trials;
        out->pop_hours_mean = sum / trials;
        out->pop_hours_p5 = c->trial_ph[(size_t)(0.05 * (trials - 1) + 0.5)];
        out->pop_hours_p50 = c->trial_ph[(size_t)(0.50 * (trials - 1) + 0.5)];
        out->pop_hours_p95 = c->trial_ph[(size_t)(0.95 * (trials - 1) + 0.5)];
        out->hours_until_loss = c->hours;
        out->outage_mean = c->outage;
    }
out:
    bw_free(buf);
    bw_free(newu);
    bw_free(passed);
    return rc;
}
