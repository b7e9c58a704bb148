/*
 * graph.c — building the CSR dependency graph.
 *
 * Two passes over the dependencies: the first counts, per service and node, how many
 * entries the node passes on (two for an undirected link, one for a directed link or a
 * supply dependency) and collects the redundancy groups; the second fills the arrays
 * (backwards, so no separate fill cursors are needed). Groups are (site, service, group
 * key) triples, numbered in the order of a counting sort of the supply dependencies by
 * site followed by a stable sort of each site's few dependencies, so equal inputs always
 * give equal graphs. A group needs the largest `needs` given by any of its
 * dependencies, and keeps the longest buffer. Offsets are kept only for services that
 * have entries; the others read one shared array of zeros.
 * Thread-safety: building is single-threaded; the result is immutable.
 */
#include "graph.h"
#include "graph_internal.h"
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

struct bw_graph {
    uint32_t n, nservices, ngroups, nslots;
    uint32_t *supplies; /* n: source masks */
    uint32_t *needs;    /* n: needed-service masks */
    double *population; /* n */
    uint32_t *offs;     /* nslots * (n + 1): CSR offsets of the services with entries */
    uint32_t *zero;     /* n + 1 zeros: the offsets of services without entries */
    const uint32_t *off[BW_GRAPH_MAX_SERVICES]; /* per service: offs + slot * (n + 1), or zero */
    uint32_t *target;                           /* entries: receiving node */
    uint32_t *via;                              /* entries: group id, or BW_GRAPH_LINK */
    uint32_t *group_owner, *group_needs;        /* ngroups */
    float *group_buffer; /* ngroups: longest buffer among the group's dependencies */
    size_t nentries;
    int all_one;
};

void bw_graph_free(bw_graph *g)
{
    if (!g)
        return;
    bw_free(g->supplies);
    bw_free(g->needs);
    bw_free(g->population);
    bw_free(g->offs);
    bw_free(g->zero);
    bw_free(g->target);
    bw_free(g->via);
    bw_free(g->group_owner);
    bw_free(g->group_needs);
    bw_free(g->group_buffer);
    bw_free(g);
}

/* Orders one site's supply dependencies (indices into deps, ascending) by (service,
 * group key), keeping index order among equals: insertion sort for the usual handful,
 * qsort on copied keys with the index as the last key for long lists. */
struct skey {
    uint32_t group, idx;
    uint8_t service;
};

static int skey_cmp(const void *a, const void *b)
{
    const struct skey *x = a, *y = b;
    if (x->service != y->service)
        return x->service < y->service ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int dep_before(const struct bw_graph_dep *x, const struct bw_graph_dep *y)
{
    return x->service != y->service ? x->service < y->service : x->group < y->group;
}

static int sort_site(const struct bw_graph_dep *deps, uint32_t *idx, size_t k)
{
    if (k > 32) {
        struct skey *keys = bw_calloc(k, sizeof *keys);
        if (!keys)
            return BW_ENOMEM;
        for (size_t i = 0; i < k; i++)
            keys[i] = (struct skey){deps[idx[i]].group, idx[i], deps[idx[i]].service};
        qsort(keys, k, sizeof *keys, skey_cmp);
        for (size_t i = 0; i < k; i++)
            idx[i] = keys[i].idx;
        bw_free(keys);
        return BW_OK;
    }
    for (size_t i = 1; i < k; i++) {
        uint32_t v = idx[i];
        size_t j = i;
        while (j > 0 && dep_before(&deps[v], &deps[idx[j - 1]])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    return BW_OK;
}

int bw_graph_new(uint32_t n, uint32_t nservices, const uint32_t *supplies, const double *population,
                 const struct bw_graph_dep *deps, size_t ndeps, struct bw_diag *d, bw_graph **out)
{
    bw_graph *g = NULL;
    uint32_t *order = NULL, *sbeg = NULL, *dep_group = NULL;
    uint32_t present = 0, slot[BW_GRAPH_MAX_SERVICES];
    size_t nsupply = 0, nent = 0, offn;
    int rc = BW_OK;

    *out = NULL;
    if (n > BW_GRAPH_MAX_NODES)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %u sites in one graph",
                           BW_GRAPH_MAX_NODES);
    if (nservices == 0 || nservices > BW_GRAPH_MAX_SERVICES)
        return bw_diag_set(d, BW_EINVAL, "service", "between 1 and %u services are supported",
                           BW_GRAPH_MAX_SERVICES);
    if (ndeps > UINT32_MAX - 1)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "too many dependencies in one graph");
    for (size_t i = 0; i < ndeps; i++) {
        const struct bw_graph_dep *e = &deps[i];
        if (e->site >= n || e->supplier >= n || e->service >= nservices || e->kind > 1 ||
            e->needs == 0)
            return bw_diag_set(d, BW_EINVAL, NULL,
                               "dependency %zu refers to an unknown site, "
                               "service or kind",
                               i);
        if (e->site == e->supplier)
            return bw_diag_set(d, BW_EINVAL, "supplier", "dependency %zu is a self-loop", i);
        if (!(e->buffer_hours >= 0))
            return bw_diag_set(d, BW_EINVAL, "buffer_hours", "dependency %zu has a negative buffer",
                               i);
        nsupply += e->kind == 0;
        nent += (e->kind == 1 && !e->directed) ? 2 : 1;
        present |= 1u << e->service;
    }
    if (nent > UINT32_MAX - 1)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "too many dependencies in one graph");
    g = bw_calloc(1, sizeof *g);
    if (!g)
        return BW_ENOMEM;
    g->n = n;
    g->nservices = nservices;
    g->nentries = nent;
    g->all_one = 1;
    /* Offsets only for the services that have entries; the others share zeros. */
    for (uint32_t s = 0; s < nservices; s++)
        slot[s] = (present >> s) & 1u ? g->nslots++ : UINT32_MAX;
    offn = (size_t)(g->nslots ? g->nslots : 1) * ((size_t)n + 1);
    g->supplies = bw_calloc(n ? n : 1, sizeof *g->supplies);
    g->needs = bw_calloc(n ? n : 1, sizeof *g->needs);
    g->population = bw_calloc(n ? n : 1, sizeof *g->population);
    g->offs = bw_calloc(offn, sizeof *g->offs);
    g->zero = bw_calloc((size_t)n + 1, sizeof *g->zero);
    g->target = bw_calloc(nent ? nent : 1, sizeof *g->target);
    g->via = bw_calloc(nent ? nent : 1, sizeof *g->via);
    order = bw_calloc(nsupply ? nsupply : 1, sizeof *order);
    sbeg = bw_calloc((size_t)n + 1, sizeof *sbeg);
    dep_group = bw_calloc(ndeps ? ndeps : 1, sizeof *dep_group);
    if (!g->supplies || !g->needs || !g->population || !g->offs || !g->zero || !g->target ||
        !g->via || !order || !sbeg || !dep_group) {
        rc = BW_ENOMEM;
        goto out;
    }
    for (uint32_t s = 0; s < nservices; s++)
        g->off[s] = slot[s] == UINT32_MAX ? g->zero : g->offs + (size_t)slot[s] * ((size_t)n + 1);
    for (uint32_t v = 0; v < n; v++) {
        g->supplies[v] = supplies ? supplies[v] : 0;
        g->population[v] = population && population[v] > 0 ? population[v] : 0;
    }
    /* Redundancy groups: supply dependencies ordered by (site, service, group key, index)
     * — a counting sort by site (filled backwards, so each site's list is in index
     * order), then a stable sort of each site's short list — and numbered in that order,
     * so equal inputs always give equal graphs. */
    for (size_t i = 0; i < ndeps; i++)
        if (deps[i].kind == 0)
            sbeg[deps[i].site]++;
    {
        uint32_t run = 0;
        for (uint32_t v = 0; v <= n; v++) {
            run += sbeg[v];
            sbeg[v] = run; /* end of v's list; the fill below moves it to the start */
        }
    }
    for (size_t i = ndeps; i-- > 0;)
        if (deps[i].kind == 0)
            order[--sbeg[deps[i].site]] = (uint32_t)i;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t a = sbeg[v], b = sbeg[v + 1];
        if (sort_site(deps, order + a, b - a)) {
            rc = BW_ENOMEM;
            goto out;
        }
        for (uint32_t j = a; j < b; j++) {
            const struct bw_graph_dep *e = &deps[order[j]];
            if (j == a || e->service != deps[order[j - 1]].service ||
                e->group != deps[order[j - 1]].group)
                g->ngroups++;
            dep_group[order[j]] = g->ngroups - 1;
        }
    }
    g->group_owner = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_owner);
    g->group_needs = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_needs);
    g->group_buffer = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_buffer);
    if (!g->group_owner || !g->group_needs || !g->group_buffer) {
        rc = BW_ENOMEM;
        goto out;
    }
    /* Count entries per (service, node) in offs[slot][node], needs masks, group
     * parameters. */
    for (size_t i = 0; i < ndeps; i++) {
        const struct bw_graph_dep *e = &deps[i];
        uint32_t *o = g->offs + (size_t)slot[e->service] * ((size_t)n + 1);
        uint32_t bit = 1u << e->service;
        if (e->kind == 0) {
            uint32_t k = dep_group[i];
            g->group_owner[k] = e->site;
            if (e->needs > g->group_needs[k])
                g->group_needs[k] = e->needs;
            if (e->buffer_hours > g->group_buffer[k])
                g->group_buffer[k] = e->buffer_hours;
            o[e->supplier]++;
            g->needs[e->site] |= bit;
        } else {
            o[e->supplier]++;
            if (!e->directed)
                o[e->site]++;
            /* Link endpoints that are not sources need the service. */
            g->needs[e->site] |= bit;
            g->needs[e->supplier] |= bit;
        }
    }
    for (uint32_t v = 0; v < n; v++)
        g->needs[v] &= ~g->supplies[v];
    for (uint32_t k = 0; k < g->ngroups; k++)
        if (g->group_needs[k] != 1)
            g->all_one = 0;
    /* Running ends: each service's entries continue where the previous one's ended, and
     * offs[slot][v] becomes the end of v's list (offs[slot][n], the service's end). */
    {
        uint32_t run = 0;
        for (size_t x = 0; x < offn; x++) {
            run += g->offs[x];
            g->offs[x] = run;
        }
    }
    /* Fill backwards, decrementing the ends: offs[slot][v] becomes the start of v's list
     * and offs[slot][v + 1] its end; each list is in dependency order, the entry of an
     * undirected link at its supplier before the one at its site. */
    for (size_t i = ndeps; i-- > 0;) {
        const struct bw_graph_dep *e = &deps[i];
        uint32_t *o = g->offs + (size_t)slot[e->service] * ((size_t)n + 1);
        uint32_t p;
        if (e->kind == 1 && !e->directed) {
            p = --o[e->site];
            g->target[p] = e->supplier;
            g->via[p] = BW_GRAPH_LINK;
        }
        p = --o[e->supplier];
        g->target[p] = e->site;
        g->via[p] = e->kind == 0 ? dep_group[i] : BW_GRAPH_LINK;
    }
    *out = g;
    g = NULL;
out:
    bw_free(order);
    bw_free(sbeg);
    bw_free(dep_group);
    bw_graph_free(g);
    if (rc == BW_ENOMEM)
        bw_diag_set(d, rc, NULL, "out of memory building the graph");
    return rc;
}

uint32_t bw_graph_nodes(const bw_graph *g)
{
    return g->n;
}

uint32_t bw_graph_services(const bw_graph *g)
{
    return g->nservices;
}

uint32_t bw_graph_groups(const bw_graph *g)
{
    return g->ngroups;
}

uint32_t bw_graph_supplies(const bw_graph *g, uint32_t v)
{
    return g->supplies[v];
}

uint32_t bw_graph_needs(const bw_graph *g, uint32_t v)
{
    return g->needs[v];
}

double bw_graph_population(const bw_graph *g, uint32_t v)
{
    return g->population[v];
}

int bw_graph_all_one_of_n(const bw_graph *g)
{
    return g->all_one;
}

size_t bw_graph_out(const bw_graph *g, uint32_t s, uint32_t v, const uint32_t **targets,
                    const uint32_t **via)
{
    const uint32_t *o = g->off[s];
    uint32_t a = o[v], b = o[v + 1];
    *targets = g->target + a;
    *via = g->via + a;
    return b - a;
}

void bw_graph_group(const bw_graph *g, uint32_t k, uint32_t *owner, uint32_t *needs)
{
    *owner = g->group_owner[k];
    *needs = g->group_needs[k];
}

float bw__graph_group_buffer(const bw_graph *g, uint32_t k)
{
    return g->group_buffer[k];
}

size_t bw_graph_bytes(const bw_graph *g)
{
    return sizeof *g + (size_t)g->n * (4 + 4 + 8) +
           (size_t)(g->nslots + 1) * ((size_t)g->n + 1) * 4 + g->nentries * 8 +
           (size_t)g->ngroups * 12;
}
