/*
 * graph.c — building the CSR dependency graph.
 *
 * Two passes over the dependencies: the first counts, per service and node, how many
 * entries the node passes on (two for an undirected link, one for a directed link or a
 * supply dependency) and collects the redundancy groups; the second fills the arrays.
 * Groups are (site, service, group key) triples, numbered by sorting the supply
 * dependencies on that triple, so equal inputs always give equal graphs. A group needs
 * the largest `needs` given by any of its dependencies, and keeps the longest buffer.
 * Thread-safety: building is single-threaded; the result is immutable.
 */
#include "graph.h"
#include "graph_internal.h"
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

struct bw_graph {
    uint32_t n, nservices, ngroups;
    uint32_t *supplies;   /* n: source masks */
    uint32_t *needs;      /* n: needed-service masks */
    double *population;   /* n */
    uint32_t *off;        /* nservices * (n + 1): CSR offsets per service */
    uint32_t *target;     /* entries: receiving node */
    uint32_t *via;        /* entries: group id, or BW_GRAPH_LINK */
    uint32_t *group_owner, *group_needs; /* ngroups */
    float *group_buffer;  /* ngroups: longest buffer among the group's dependencies */
    size_t nentries;
    int all_one;
};

/* Index of a supply dependency, for sorting by (site, service, group). */
struct gkey {
    uint32_t site, group;
    uint8_t service;
    size_t dep;
};

static int gkey_cmp(const void *a, const void *b)
{
    const struct gkey *x = a, *y = b;
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    if (x->service != y->service)
        return x->service < y->service ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->dep < y->dep ? -1 : x->dep > y->dep;
}

void bw_graph_free(bw_graph *g)
{
    if (!g)
        return;
    bw_free(g->supplies);
    bw_free(g->needs);
    bw_free(g->population);
    bw_free(g->off);
    bw_free(g->target);
    bw_free(g->via);
    bw_free(g->group_owner);
    bw_free(g->group_needs);
    bw_free(g->group_buffer);
    bw_free(g);
}

int bw_graph_new(uint32_t n, uint32_t nservices, const uint32_t *supplies,
                 const double *population, const struct bw_graph_dep *deps, size_t ndeps,
                 struct bw_diag *d, bw_graph **out)
{
    bw_graph *g = NULL;
    struct gkey *keys = NULL;
    uint32_t *dep_group = NULL, *fill = NULL;
    size_t nsupply = 0, nent = 0, offn;
    int rc = BW_OK;

    *out = NULL;
    if (n > BW_GRAPH_MAX_NODES)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %u sites in one graph",
                           BW_GRAPH_MAX_NODES);
    if (nservices == 0 || nservices > BW_GRAPH_MAX_SERVICES)
        return bw_diag_set(d, BW_EINVAL, "service", "between 1 and %u services are supported",
                           BW_GRAPH_MAX_SERVICES);
    for (size_t i = 0; i < ndeps; i++) {
        const struct bw_graph_dep *e = &deps[i];
        if (e->site >= n || e->supplier >= n || e->service >= nservices || e->kind > 1 ||
            e->needs == 0)
            return bw_diag_set(d, BW_EINVAL, NULL, "dependency %zu refers to an unknown site, "
                               "service or kind", i);
        if (e->site == e->supplier)
            return bw_diag_set(d, BW_EINVAL, "supplier", "dependency %zu is a self-loop", i);
        if (!(e->buffer_hours >= 0))
            return bw_diag_set(d, BW_EINVAL, "buffer_hours", "dependency %zu has a negative buffer",
                               i);
        nsupply += e->kind == 0;
        nent += (e->kind == 1 && !e->directed) ? 2 : 1;
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
    offn = (size_t)nservices * ((size_t)n + 1);
    g->supplies = bw_calloc(n ? n : 1, sizeof *g->supplies);
    g->needs = bw_calloc(n ? n : 1, sizeof *g->needs);
    g->population = bw_calloc(n ? n : 1, sizeof *g->population);
    g->off = bw_calloc(offn, sizeof *g->off);
    g->target = bw_calloc(nent ? nent : 1, sizeof *g->target);
    g->via = bw_calloc(nent ? nent : 1, sizeof *g->via);
    keys = bw_calloc(nsupply ? nsupply : 1, sizeof *keys);
    dep_group = bw_calloc(ndeps ? ndeps : 1, sizeof *dep_group);
    fill = bw_calloc(offn, sizeof *fill);
    if (!g->supplies || !g->needs || !g->population || !g->off || !g->target || !g->via ||
        !keys || !dep_group || !fill) {
        rc = BW_ENOMEM;
        goto out;
    }
    for (uint32_t v = 0; v < n; v++) {
        g->supplies[v] = supplies ? supplies[v] : 0;
        g->population[v] = population && population[v] > 0 ? population[v] : 0;
    }
    /* Redundancy groups: sort supply dependencies by (site, service, group key). */
    nsupply = 0;
    for (size_t i = 0; i < ndeps; i++)
        if (deps[i].kind == 0)
            keys[nsupply++] = (struct gkey){deps[i].site, deps[i].group, deps[i].service, i};
    qsort(keys, nsupply, sizeof *keys, gkey_cmp);
    for (size_t i = 0; i < nsupply; i++) {
        if (i == 0 || keys[i].site != keys[i - 1].site ||
            keys[i].service != keys[i - 1].service || keys[i].group != keys[i - 1].group)
            g->ngroups++;
        dep_group[keys[i].dep] = g->ngroups - 1;
    }
    g->group_owner = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_owner);
    g->group_needs = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_needs);
    g->group_buffer = bw_calloc(g->ngroups ? g->ngroups : 1, sizeof *g->group_buffer);
    if (!g->group_owner || !g->group_needs || !g->group_buffer) {
        rc = BW_ENOMEM;
        goto out;
    }
    /* Count entries per (service, node), needs masks, group parameters. */
    for (size_t i = 0; i < ndeps; i++) {
        const struct bw_graph_dep *e = &deps[i];
        size_t base = (size_t)e->service * ((size_t)n + 1);
        uint32_t bit = 1u << e->service;
        if (e->kind == 0) {
            uint32_t k = dep_group[i];
            g->group_owner[k] = e->site;
            if (e->needs > g->group_needs[k])
                g->group_needs[k] = e->needs;
            if (e->buffer_hours > g->group_buffer[k])
                g->group_buffer[k] = e->buffer_hours;
            g->off[base + e->supplier + 1]++;
            g->needs[e->site] |= bit;
        } else {
            g->off[base + e->supplier + 1]++;
            if (!e->directed)
                g->off[base + e->site + 1]++;
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
    /* Prefix sums: each service's offsets continue where the previous one ended. */
    {
        uint32_t run = 0;
        for (uint32_t s = 0; s < nservices; s++) {
            size_t base = (size_t)s * ((size_t)n + 1);
            g->off[base] = run;
            for (uint32_t v = 0; v < n; v++) {
                run += g->off[base + v + 1];
                g->off[base + v + 1] = run;
            }
        }
    }
    memcpy(fill, g->off, offn * sizeof *fill);
    for (size_t i = 0; i < ndeps; i++) {
        const struct bw_graph_dep *e = &deps[i];
        size_t base = (size_t)e->service * ((size_t)n + 1);
        uint32_t p = fill[base + e->supplier]++;
        g->target[p] = e->site;
        g->via[p] = e->kind == 0 ? dep_group[i] : BW_GRAPH_LINK;
        if (e->kind == 1 && !e->directed) {
            p = fill[base + e->site]++;
            g->target[p] = e->supplier;
            g->via[p] = BW_GRAPH_LINK;
        }
    }
    *out = g;
    g = NULL;
out:
    bw_free(keys);
    bw_free(dep_group);
    bw_free(fill);
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
    size_t base = (size_t)s * ((size_t)g->n + 1);
    uint32_t a = g->off[base + v], b = g->off[base + v + 1];
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
           (size_t)g->nservices * ((size_t)g->n + 1) * 4 + g->nentries * 8 +
           (size_t)g->ngroups * 12;
}
