/*
 * cascade.c — deterministic and timed cascades, and the criticality sweep.
 *
 * Deterministic cascade (docs/cascade.md). The baseline (nothing removed) is computed
 * once per workspace by the plain fixpoint: for each service a breadth-first
 * propagation from the working sources through network links and supply groups (a
 * counter per group reaches `needs`), then every working site lacking a service it
 * needs fails; repeat until nothing changes. The baseline propagation also gives every
 * site that has service S a rank, its position in S's breadth-first queue: a site's
 * baseline derivation (the link or the `needs` suppliers it got S from) uses only sites
 * of lower rank.
 *
 * A run then starts from the baseline and is incremental. Removed and failed sites are
 * queued; for each service S the sites that failed since S was last updated are
 * deleted from S's set with a decremental update that touches only the region that can
 * change (the "delete and re-derive" method of incremental view maintenance, with ranks
 * to keep the deleted region small):
 *   1. Candidates are the S-receivers of deleted or doubtful sites that rank higher
 *      than them, taken in rank order from a heap. A candidate that still has a
 *      derivation from lower-ranked sites outside the doubtful set D keeps S (by
 *      induction on rank, its old derivation or the one found is intact); otherwise it
 *      joins D and its own higher-ranked receivers become candidates.
 *   2. The sites of D lose S; those that get S again from sites outside D, or through
 *      sites of D that got it back, regain it (a breadth-first pass inside D, with group
 *      counters initialised from the suppliers outside D) and receive fresh ranks above
 *      all others, so every site with S keeps a derivation from lower ranks.
 *   3. The sites of D that stay without S fail, and are queued for the other services.
 * The result is the least fixpoint of S for the current working set, exactly as a full
 * propagation would give; when the candidates exceed n/8 + 1024 the update falls back to
 * a full propagation of S (same result, better for huge regions). Failing a site that
 * lacks a service given a working set that only shrinks is always right (has-S is
 * monotone in the working set), so the order of the updates does not change the
 * fixpoint. Every site a run changes is recorded and restored at the start of the next
 * run, so a run costs what it touches, not the size of the graph, and allocates nothing.
 *
 * Sweep: with one service and 1-of-n groups, "what v takes down" is exactly the set v
 * dominates in the flow graph from a super-source, so one Lengauer–Tarjan pass (with
 * path compression, O(m log n)) and subtree sums give every site's answer. Otherwise one
 * incremental cascade per site runs on worker threads, each with its own workspace,
 * writing to the site's own slot: results do not depend on the thread count. The
 * workers share one read-only index of in-entries (who passes S to a site).
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

#define NOSLOT 0xFFu

/* In-entries per service: for site x and service s, the sites y whose CSR list of s
 * holds x, with the entry's group (or BW_GRAPH_LINK), in (y, entry) order. Built from
 * the graph's out-lists for the services some site needs; read-only once built. */
struct inlists {
    uint32_t n, nu;
    uint8_t slot[BW_GRAPH_MAX_SERVICES]; /* service -> index of its lists, or NOSLOT */
    uint32_t *off;                       /* nu * (n + 1) */
    uint32_t *src, *via;
};

struct bw_cascade {
    const bw_graph *g;
    uint32_t n, ngroups;
    uint8_t *working, *base, *removed;
    uint32_t *has;           /* per node: mask of services it has */
    uint32_t *base_has;      /* has[] at the baseline fixpoint, where every run starts */
    uint32_t *needs;         /* per node: bw_graph_needs (a copy, read without a call) */
    uint32_t *cnt;           /* per group: propagation counter (counts down from gneed); widest()
                              * counts up from 0 */
    uint32_t *gneed;         /* per group: suppliers it needs (a copy, read without a call) */
    uint32_t used;           /* services some node needs: the others cannot change working[] */
    uint32_t *src_off, *src; /* per service: its sources (src[src_off[s]..src_off[s+1]]) */
    uint32_t *queue;         /* BFS queue */
    uint32_t *lost;
    size_t nlost;
    double pop_lost;
    int base_service; /* service the baseline was computed for; -2 = none yet */
    uint32_t base_unserved;
    /* incremental runs */
    const struct inlists *in;
    struct inlists *own_in;     /* in, when this workspace built it */
    uint32_t *rank, *base_rank; /* in->nu * n: rank per service slot and node */
    uint32_t *tmark;            /* per node: run id that last touched it */
    uint32_t *dmark, *cmark;    /* per node: update epoch when doubtful / a candidate */
    uint32_t *gstamp;           /* per group: stamp when cnt[] was last initialised */
    uint32_t run, stamp;
    uint32_t *touched, *flist, *dlist;
    size_t ntouched, nfail;
    int all_touched;                   /* a full update ran: restore everything */
    uint64_t *pq;                      /* candidate heap: rank << 32 | node */
    size_t pos[BW_GRAPH_MAX_SERVICES]; /* per service: flist entries already deleted */
    uint32_t next_rank[BW_GRAPH_MAX_SERVICES];
    /* timed mode */
    double *u, *h, *hours, *outage, *trial_ph;
    uint32_t *heap_node;
    double *heap_key;
    size_t heap_cap;
};

/* ---- in-entries ----------------------------------------------------------------------- */

static void inlists_free(struct inlists *l)
{
    if (!l)
        return;
    bw_free(l->off);
    bw_free(l->src);
    bw_free(l->via);
    bw_free(l);
}

static int inlists_new(const bw_graph *g, uint32_t used, struct inlists **out)
{
    uint32_t n = bw_graph_nodes(g), ns = bw_graph_services(g);
    struct inlists *l = bw_calloc(1, sizeof *l);
    size_t offn, total = 0;

    *out = NULL;
    if (!l)
        return BW_ENOMEM;
    l->n = n;
    for (uint32_t s = 0; s < BW_GRAPH_MAX_SERVICES; s++)
        l->slot[s] = (s < ns && (used >> s) & 1u) ? (uint8_t)l->nu++ : NOSLOT;
    if (bw_mul_size(l->nu ? l->nu : 1, (size_t)n + 1, &offn) ||
        !(l->off = bw_calloc(offn, sizeof *l->off))) {
        inlists_free(l);
        return BW_ENOMEM;
    }
    /* Counts in off[base + x], then running ends (off[base + x] = end of x's list). */
    for (uint32_t s = 0; s < ns; s++) {
        size_t base;
        if (l->slot[s] == NOSLOT)
            continue;
        base = (size_t)l->slot[s] * ((size_t)n + 1);
        for (uint32_t y = 0; y < n; y++) {
            const uint32_t *t, *via;
            size_t k = bw_graph_out(g, s, y, &t, &via);
            for (size_t i = 0; i < k; i++)
                l->off[base + t[i]]++;
        }
        for (uint32_t x = 0; x <= n; x++) {
            total += l->off[base + x];
            l->off[base + x] = (uint32_t)total;
        }
    }
    l->src = bw_calloc(total ? total : 1, sizeof *l->src);
    l->via = bw_calloc(total ? total : 1, sizeof *l->via);
    if (!l->src || !l->via) {
        inlists_free(l);
        return BW_ENOMEM;
    }
    /* Fill backwards, decrementing the ends: off[base + x] becomes the start of x's
     * list, off[base + x + 1] its end, and each list is in (y, entry) order. */
    for (uint32_t s = 0; s < ns; s++) {
        size_t base;
        if (l->slot[s] == NOSLOT)
            continue;
        base = (size_t)l->slot[s] * ((size_t)n + 1);
        for (uint32_t y = n; y-- > 0;) {
            const uint32_t *t, *via;
            size_t k = bw_graph_out(g, s, y, &t, &via);
            for (size_t i = k; i-- > 0;) {
                uint32_t p = --l->off[base + t[i]];
                l->src[p] = y;
                l->via[p] = via[i];
            }
        }
    }
    *out = l;
    return BW_OK;
}

/* The in-entries of x for service s (which must have a slot). */
static inline size_t in_of(const struct inlists *l, uint32_t s, uint32_t x, const uint32_t **src,
                           const uint32_t **via)
{
    size_t base = (size_t)l->slot[s] * ((size_t)l->n + 1);
    uint32_t a = l->off[base + x], b = l->off[base + x + 1];
    *src = l->src + a;
    *via = l->via + a;
    return b - a;
}

/* ---- workspace ------------------------------------------------------------------------ */

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
    inlists_free(c->own_in);
    bw_free(c->rank);
    bw_free(c->base_rank);
    bw_free(c->tmark);
    bw_free(c->dmark);
    bw_free(c->cmark);
    bw_free(c->gstamp);
    bw_free(c->touched);
    bw_free(c->flist);
    bw_free(c->dlist);
    bw_free(c->pq);
    bw_free(c->u);
    bw_free(c->h);
    bw_free(c->hours);
    bw_free(c->outage);
    bw_free(c->trial_ph);
    bw_free(c->heap_node);
    bw_free(c->heap_key);
    bw_free(c);
}

/* Mask of the services some node needs. */
static uint32_t needed_services(const bw_graph *g)
{
    uint32_t n = bw_graph_nodes(g), used = 0;
    for (uint32_t v = 0; v < n; v++)
        used |= bw_graph_needs(g, v);
    return used;
}

/* A workspace for @p g; @p shared (may be NULL) is an in-entry index of g for at least
 * the services g's nodes need, borrowed; without it the workspace builds its own. With
 * @p baseline_only the workspace only computes baselines (no index, no ranks; for the
 * dominator sweep) and must not run cascades. */
static int cascade_new(const bw_graph *g, const struct inlists *shared, int baseline_only,
                       bw_cascade **out)
{
    bw_cascade *c = bw_calloc(1, sizeof *c);
    uint32_t n = bw_graph_nodes(g), ng = bw_graph_groups(g);
    size_t nrank;

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
    c->tmark = bw_calloc(n + 1, sizeof *c->tmark);
    c->dmark = bw_calloc(n + 1, sizeof *c->dmark);
    c->cmark = bw_calloc(n + 1, sizeof *c->cmark);
    c->gstamp = bw_calloc(ng + 1, sizeof *c->gstamp);
    c->touched = bw_calloc(n + 1, sizeof *c->touched);
    c->flist = bw_calloc(n + 1, sizeof *c->flist);
    c->dlist = bw_calloc(n + 1, sizeof *c->dlist);
    c->pq = bw_calloc(n + 1, sizeof *c->pq);
    if (!c->working || !c->base || !c->removed || !c->has || !c->cnt || !c->queue || !c->lost ||
        !c->gneed || !c->src_off || !c->base_has || !c->needs || !c->tmark || !c->dmark ||
        !c->cmark || !c->gstamp || !c->touched || !c->flist || !c->dlist || !c->pq)
        goto oom;
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
            goto oom;
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
    if (baseline_only) {
        *out = c;
        return BW_OK;
    }
    if (shared) {
        c->in = shared;
    } else {
        if (inlists_new(g, c->used, &c->own_in))
            goto oom;
        c->in = c->own_in;
    }
    if (bw_mul_size(c->in->nu ? c->in->nu : 1, (size_t)n + 1, &nrank) ||
        !(c->rank = bw_calloc(nrank, sizeof *c->rank)) ||
        !(c->base_rank = bw_calloc(nrank, sizeof *c->base_rank)))
        goto oom;
    *out = c;
    return BW_OK;
oom:
    bw_cascade_free(c);
    return BW_ENOMEM;
}

int bw_cascade_new(const bw_graph *g, bw_cascade **out)
{
    return cascade_new(g, NULL, 0, out);
}

/* The services a run considers, as a mask. */
static uint32_t service_mask(const bw_graph *g, int service)
{
    uint32_t ns = bw_graph_services(g);
    return service < 0 ? (ns >= 32 ? UINT32_MAX : (1u << ns) - 1) : 1u << service;
}

/* Rank array of service s (which must be a needed service). */
static inline uint32_t *rank_of(const bw_cascade *c, uint32_t s)
{
    return c->rank + (size_t)c->in->slot[s] * c->n;
}

/* ---- full propagation (the baseline, and the fallback of an update) ------------------- */

/* Propagates service s from the working sources; sets bit s of has[] and, when @p rank
 * is not NULL, each reached node's rank (its position in the queue). The group
 * counters of s must have been reset to gneed[] (a group belongs to one service). */
static void propagate(bw_cascade *c, uint32_t s, uint32_t *rank)
{
    const bw_graph *g = c->g;
    uint32_t bit = 1u << s, head = 0, tail = 0;

    for (uint32_t i = c->src_off[s]; i < c->src_off[s + 1]; i++) {
        uint32_t v = c->src[i];
        if (c->working[v]) {
            c->has[v] |= bit;
            if (rank)
                rank[v] = tail;
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
            if (rank)
                rank[x] = tail;
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

/* Runs the fixpoint from the current working[] set by full propagations. Only the
 * services in @p dirty are propagated again; for the others has[] must already be right
 * for the working sites. A service needs propagating again only when a site that passes
 * it on stops working. */
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
                propagate(c, s, NULL);
        for (uint32_t v = 0; v < c->n; v++) {
            if (c->working[v] && (c->needs[v] & mask & ~c->has[v])) {
                c->working[v] = 0;
                next |= carries(g, v, mask);
            }
        }
        dirty = next;
    }
}

/* The baseline of @p service: working set and has[] at the fixpoint with nothing
 * removed, and the ranks of one more propagation of each service over that working set
 * (the same has[], now with every site's queue position). Resets all run state. */
static void baseline(bw_cascade *c, int service)
{
    uint32_t mask = service_mask(c->g, service) & c->used, ns = bw_graph_services(c->g);

    if (c->base_service == service)
        return;
    memset(c->working, 1, c->n);
    memset(c->has, 0, (size_t)c->n * sizeof *c->has);
    fixpoint(c, mask, mask);
    memcpy(c->cnt, c->gneed, (size_t)c->ngroups * sizeof *c->cnt);
    for (uint32_t v = 0; v < c->n; v++)
        c->has[v] &= ~mask;
    for (uint32_t s = 0; s < ns; s++) {
        uint32_t *rank;
        if (!(mask & (1u << s)))
            continue;
        rank = c->in ? rank_of(c, s) : NULL;
        if (rank)
            for (uint32_t v = 0; v < c->n; v++)
                rank[v] = UINT32_MAX;
        propagate(c, s, rank);
    }
    memcpy(c->base, c->working, c->n);
    memcpy(c->base_has, c->has, (size_t)c->n * sizeof *c->has);
    if (c->in)
        memcpy(c->base_rank, c->rank, (size_t)c->in->nu * c->n * sizeof *c->rank);
    memset(c->removed, 0, c->n);
    c->base_unserved = 0;
    for (uint32_t v = 0; v < c->n; v++)
        c->base_unserved += !c->base[v];
    c->base_service = service;
    c->ntouched = 0;
    c->all_touched = 0;
    c->nlost = 0;
    c->pop_lost = 0;
}

/* ---- incremental run ------------------------------------------------------------------ */

/* Puts the state of every node the last run changed back to the baseline. */
static void restore(bw_cascade *c)
{
    uint32_t nu = c->in->nu, n = c->n;

    if (c->all_touched) {
        memcpy(c->working, c->base, n);
        memcpy(c->has, c->base_has, (size_t)n * sizeof *c->has);
        memcpy(c->rank, c->base_rank, (size_t)nu * n * sizeof *c->rank);
        memset(c->removed, 0, n);
    } else {
        for (size_t i = 0; i < c->ntouched; i++) {
            uint32_t v = c->touched[i];
            c->working[v] = c->base[v];
            c->has[v] = c->base_has[v];
            c->removed[v] = 0;
            for (uint32_t sl = 0; sl < nu; sl++)
                c->rank[(size_t)sl * n + v] = c->base_rank[(size_t)sl * n + v];
        }
    }
    c->ntouched = 0;
    c->all_touched = 0;
    if (c->run == UINT32_MAX) {
        memset(c->tmark, 0, (size_t)n * sizeof *c->tmark);
        c->run = 0;
    }
    c->run++;
    c->nfail = 0;
    memset(c->pos, 0, sizeof c->pos);
    for (uint32_t s = 0; s < BW_GRAPH_MAX_SERVICES; s++)
        c->next_rank[s] = n;
}

static inline void touch(bw_cascade *c, uint32_t v)
{
    if (c->tmark[v] != c->run) {
        c->tmark[v] = c->run;
        c->touched[c->ntouched++] = v;
    }
}

/* Site x stops working: queued for every service's update. Its has[] bits are cleared
 * by those updates (a non-working site's bits are never read as support). */
static inline void fail(bw_cascade *c, uint32_t x)
{
    touch(c, x);
    c->working[x] = 0;
    c->flist[c->nfail++] = x;
}

/* A fresh stamp for dmark/cmark/gstamp; the arrays are cleared before the counter could
 * wrap (an update takes at most 2n + 2 stamps). */
static uint32_t new_epoch(bw_cascade *c)
{
    if (c->stamp > UINT32_MAX - 2 * c->n - 16) {
        memset(c->dmark, 0, (size_t)c->n * sizeof *c->dmark);
        memset(c->cmark, 0, (size_t)c->n * sizeof *c->cmark);
        memset(c->gstamp, 0, (size_t)c->ngroups * sizeof *c->gstamp);
        c->stamp = 0;
    }
    return ++c->stamp;
}

static inline void pq_push(bw_cascade *c, size_t *len, uint64_t key)
{
    size_t i = (*len)++;
    while (i > 0 && c->pq[(i - 1) / 2] > key) {
        c->pq[i] = c->pq[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    c->pq[i] = key;
}

static inline uint64_t pq_pop(bw_cascade *c, size_t *len)
{
    uint64_t top = c->pq[0], key = c->pq[--*len];
    size_t i = 0, m = *len;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, j = l;
        if (l >= m)
            break;
        if (r < m && c->pq[r] < c->pq[l])
            j = r;
        if (c->pq[j] >= key)
            break;
        c->pq[i] = c->pq[j];
        i = j;
    }
    c->pq[i] = key;
    return top;
}

/* Does x (working, with s) still get s from lower-ranked sites with s outside D? */
static int lower_support(bw_cascade *c, uint32_t s, uint32_t x, const uint32_t *rank,
                         uint32_t epoch)
{
    uint32_t bit = 1u << s, rx = rank[x], st = ++c->stamp;
    const uint32_t *src, *via;
    size_t k;

    if (bw_graph_supplies(c->g, x) & bit)
        return 1; /* a working source always has s */
    k = in_of(c->in, s, x, &src, &via);

    for (size_t i = 0; i < k; i++) {
        uint32_t y = src[i], gk = via[i];
        if (!c->working[y] || !(c->has[y] & bit) || c->dmark[y] == epoch || rank[y] >= rx)
            continue;
        if (gk == BW_GRAPH_LINK)
            return 1;
        if (c->gstamp[gk] != st) {
            c->gstamp[gk] = st;
            c->cnt[gk] = 0;
        }
        if (++c->cnt[gk] >= c->gneed[gk])
            return 1;
    }
    return 0;
}

/* Full update of s (the fallback): propagates s again over the current working set
 * with fresh ranks, then fails the working sites that need s and lost it. */
static void full_update(bw_cascade *c, uint32_t s)
{
    const bw_graph *g = c->g;
    uint32_t bit = 1u << s, *rank = rank_of(c, s);

    c->all_touched = 1;
    for (uint32_t v = 0; v < c->n; v++)
        c->has[v] &= ~bit;
    for (uint32_t y = 0; y < c->n; y++) {
        const uint32_t *t, *via;
        size_t k = bw_graph_out(g, s, y, &t, &via);
        for (size_t i = 0; i < k; i++)
            if (via[i] != BW_GRAPH_LINK)
                c->cnt[via[i]] = c->gneed[via[i]];
    }
    propagate(c, s, rank);
    c->next_rank[s] = c->n;
    for (uint32_t v = 0; v < c->n; v++)
        if (c->working[v] && (c->needs[v] & bit) && !(c->has[v] & bit))
            fail(c, v);
}

/* Deletes from service s the sites that failed since its last update (see the top of
 * the file), then fails the sites that lost s. */
static void update(bw_cascade *c, uint32_t s)
{
    const bw_graph *g = c->g;
    uint32_t bit = 1u << s, *rank = rank_of(c, s), epoch, p2;
    size_t end = c->nfail, hlen = 0, npush = 0, nd = 0, head = 0, tail = 0;
    size_t limit = (size_t)c->n / 8 + 1024;

    epoch = new_epoch(c);
    if (c->next_rank[s] > UINT32_MAX - c->n - 1) {
        c->pos[s] = end;
        full_update(c, s);
        return;
    }
    /* Phase 1: the deleted sites, then candidates in rank order. */
    for (size_t i = c->pos[s]; i < end; i++) {
        uint32_t f = c->flist[i];
        const uint32_t *t, *via;
        size_t k;
        if (!(c->has[f] & bit))
            continue;
        c->has[f] &= ~bit;
        k = bw_graph_out(g, s, f, &t, &via);
        for (size_t j = 0; j < k; j++) {
            uint32_t x = t[j];
            if (c->working[x] && (c->has[x] & bit) && rank[x] > rank[f] && c->cmark[x] != epoch) {
                c->cmark[x] = epoch;
                pq_push(c, &hlen, (uint64_t)rank[x] << 32 | x);
                npush++;
            }
        }
    }
    c->pos[s] = end;
    while (hlen) {
        uint32_t x = (uint32_t)pq_pop(c, &hlen);
        const uint32_t *t, *via;
        size_t k;
        if (npush > limit) {
            full_update(c, s);
            return;
        }
        if (lower_support(c, s, x, rank, epoch))
            continue;
        c->dmark[x] = epoch;
        c->dlist[nd++] = x;
        touch(c, x);
        k = bw_graph_out(g, s, x, &t, &via);
        for (size_t j = 0; j < k; j++) {
            uint32_t z = t[j];
            if (c->working[z] && (c->has[z] & bit) && rank[z] > rank[x] && c->cmark[z] != epoch) {
                c->cmark[z] = epoch;
                pq_push(c, &hlen, (uint64_t)rank[z] << 32 | z);
                npush++;
            }
        }
    }
    if (!nd)
        return;
    /* Phase 2: D loses s; seeds get it back from outside D, then a BFS inside D. */
    for (size_t i = 0; i < nd; i++)
        c->has[c->dlist[i]] &= ~bit;
    p2 = ++c->stamp;
    for (size_t i = 0; i < nd; i++) {
        uint32_t x = c->dlist[i];
        const uint32_t *src, *via;
        size_t k = in_of(c->in, s, x, &src, &via);
        for (size_t j = 0; j < k; j++) {
            uint32_t y = src[j], gk = via[j];
            int good = c->working[y] && (c->has[y] & bit) && c->dmark[y] != epoch;
            if (gk != BW_GRAPH_LINK) {
                if (c->gstamp[gk] != p2) {
                    c->gstamp[gk] = p2;
                    c->cnt[gk] = c->gneed[gk];
                }
                if (!good || --c->cnt[gk] > 0)
                    continue;
            } else if (!good) {
                continue;
            }
            c->has[x] |= bit;
            rank[x] = c->next_rank[s]++;
            c->queue[tail++] = x;
            break;
        }
    }
    while (head < tail) {
        uint32_t y = c->queue[head++];
        const uint32_t *t, *via;
        size_t k = bw_graph_out(g, s, y, &t, &via);
        for (size_t j = 0; j < k; j++) {
            uint32_t z = t[j];
            if (c->dmark[z] != epoch || !c->working[z] || (c->has[z] & bit))
                continue;
            if (via[j] != BW_GRAPH_LINK && --c->cnt[via[j]] > 0)
                continue;
            c->has[z] |= bit;
            rank[z] = c->next_rank[s]++;
            c->queue[tail++] = z;
        }
    }
    /* Phase 3: the sites of D without s fail. */
    for (size_t i = 0; i < nd; i++) {
        uint32_t x = c->dlist[i];
        if (!(c->has[x] & bit) && c->working[x] && (c->needs[x] & bit))
            fail(c, x);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int bw_cascade_run(bw_cascade *c, const uint32_t *removed, size_t nremoved, int service)
{
    uint32_t mask, ns = bw_graph_services(c->g);
    int more;

    if (service != BW_ALL_SERVICES && (service < 0 || (uint32_t)service >= ns))
        return BW_EINVAL;
    for (size_t i = 0; i < nremoved; i++)
        if (removed[i] >= c->n)
            return BW_EINVAL;
    baseline(c, service);
    restore(c);
    mask = service_mask(c->g, service) & c->used;
    for (size_t i = 0; i < nremoved; i++) {
        uint32_t r = removed[i];
        if (c->removed[r])
            continue;
        touch(c, r);
        c->removed[r] = 1;
        if (c->working[r])
            fail(c, r);
    }
    /* Each service deletes the sites failed since its last update, until none is new. */
    do {
        more = 0;
        for (uint32_t s = 0; s < ns; s++)
            if ((mask & (1u << s)) && c->pos[s] < c->nfail) {
                update(c, s);
                more = 1;
            }
    } while (more);
    c->nlost = 0;
    c->pop_lost = 0;
    for (size_t i = 0; i < c->nfail; i++)
        if (!c->removed[c->flist[i]])
            c->lost[c->nlost++] = c->flist[i];
    qsort(c->lost, c->nlost, sizeof *c->lost, cmp_u32);
    for (size_t i = 0; i < c->nlost; i++)
        c->pop_lost += bw_graph_population(c->g, c->lost[i]);
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
    uint32_t *dfn, *vertex, *parent, *semi, *idom, *label, *ancestor, *bucket_head, *bucket_next,
        *pred_off, *pred, *stack, *stack_pos;
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
    const struct inlists *in;
    int service;
    atomic_uint next;
    atomic_uint done;
    atomic_int rc;
    uint32_t *sites_lost;
    double *population_lost;
};

#define SWEEP_CHUNK 64u

static void *sweep_worker(void *arg)
{
    struct sweep_job *j = arg;
    uint32_t n = bw_graph_nodes(j->g);
    bw_cascade *c;
    int rc = cascade_new(j->g, j->in, 0, &c);

    if (rc) {
        atomic_store(&j->rc, rc);
        return NULL;
    }
    /* Sites are handed out in chunks: most cascades take microseconds. */
    for (;;) {
        uint32_t v0 = atomic_fetch_add(&j->next, SWEEP_CHUNK), v1;
        if (v0 >= n || atomic_load(&j->rc))
            break;
        v1 = n - v0 < SWEEP_CHUNK ? n : v0 + SWEEP_CHUNK;
        for (uint32_t v = v0; v < v1; v++) {
            bw_cascade_run(c, &v, 1, j->service);
            j->sites_lost[v] = (uint32_t)c->nlost;
            j->population_lost[v] = c->pop_lost;
        }
        atomic_fetch_add(&j->done, v1 - v0);
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
    struct inlists *in = NULL;
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
        if ((rc = cascade_new(g, NULL, 1, &c)))
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
    /* One in-entry index for all workers (read-only). */
    if ((rc = inlists_new(g, needed_services(g), &in)))
        return rc;
    job.g = g;
    job.in = in;
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
        usleep(20000);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    rc = atomic_load(&job.rc);
    inlists_free(in);
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
