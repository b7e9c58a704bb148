/*
 * store_graph.c — the register's dependency graph as flat arrays for bw_graph_new.
 *
 * Two ordered scans (sites by id, then dependencies) fill the arrays of struct
 * bw_graph_data; site rowids map to node numbers through one array, and redundancy
 * group names are interned as small integers. Part of the SQLite back end: it shares
 * the handle and helpers of store_internal.h.
 */
#include "store.h"
#include "store_internal.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

/* ---- dependency graph ------------------------------------------------------------- */

/* Index of service @p name (n bytes) in the pack, or -1. */
static int service_index(const struct bw_term *svc, size_t ns, const char *name, size_t n)
{
    for (size_t i = 0; i < ns; i++)
        if (strlen(svc[i].id) == n && memcmp(svc[i].id, name, n) == 0)
            return (int)i;
    return -1;
}

/* Interns redundancy-group names as small integers (0 = no group), with an
 * open-addressing FNV-1a table that grows at half load. */
struct intern {
    const char **keys;
    uint32_t *vals;
    size_t cap, len;
};

static int intern_get(struct intern *t, struct bw_arena *a, const char *key, uint32_t *out)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;

    if ((t->len + 1) * 2 > t->cap) {
        struct intern nt = {0};
        nt.cap = t->cap ? t->cap * 2 : 64;
        nt.keys = bw_calloc(nt.cap, sizeof *nt.keys);
        nt.vals = bw_calloc(nt.cap, sizeof *nt.vals);
        if (!nt.keys || !nt.vals) {
            bw_free(nt.keys);
            bw_free(nt.vals);
            return BW_ENOMEM;
        }
        for (size_t k = 0; k < t->cap; k++) {
            uint64_t hh = 0xcbf29ce484222325ull;
            if (!t->keys[k])
                continue;
            for (const char *p = t->keys[k]; *p; p++)
                hh = (hh ^ (unsigned char)*p) * 1099511628211ull;
            for (i = hh & (nt.cap - 1); nt.keys[i]; i = (i + 1) & (nt.cap - 1))
                ;
            nt.keys[i] = t->keys[k];
            nt.vals[i] = t->vals[k];
        }
        bw_free(t->keys);
        bw_free(t->vals);
        nt.len = t->len;
        *t = nt;
    }
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (i = h & (t->cap - 1); t->keys[i]; i = (i + 1) & (t->cap - 1))
        if (strcmp(t->keys[i], key) == 0) {
            *out = t->vals[i];
            return BW_OK;
        }
    t->keys[i] = bw_arena_strndup(a, key, strlen(key));
    if (!t->keys[i])
        return BW_ENOMEM;
    t->vals[i] = (uint32_t)++t->len;
    *out = t->vals[i];
    return BW_OK;
}

void bw_graph_data_release(struct bw_graph_data *g)
{
    if (!g)
        return;
    bw_free((void *)g->ids);
    bw_free((void *)g->categories);
    bw_free(g->supplies);
    bw_free(g->population);
    bw_free(g->deps);
    memset(g, 0, sizeof *g);
}

int64_t bw_graph_data_find(const struct bw_graph_data *g, const char *id)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->ids[mid], id);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int graph_read(bw_store *s, const bw_pack *pack, struct bw_arena *a,
                      struct bw_graph_data *out, struct bw_diag *d);

/* One read transaction around both scans, so the sites and the dependencies are one
 * snapshot even while another connection writes (WAL). */
int bw_store_graph_load(bw_store *s, const bw_pack *pack, struct bw_arena *a,
                        struct bw_graph_data *out, struct bw_diag *d)
{
    int own = sqlite3_get_autocommit(bw_sq_db(s)), rc;

    if (own && bw_sq_exec(s, "BEGIN"))
        return bw_sq_error(s, d, "starting a read transaction");
    rc = graph_read(s, pack, a, out, d);
    if (own)
        bw_sq_exec(s, rc ? "ROLLBACK" : "COMMIT");
    return rc;
}

static int graph_read(bw_store *s, const bw_pack *pack, struct bw_arena *a,
                      struct bw_graph_data *out, struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    size_t ns;
    const struct bw_term *svc = bw_pack_services(pack, &ns);
    int64_t nsites = bw_sq_count(s, "SELECT count(*) FROM site"),
            ndeps = bw_sq_count(s, "SELECT count(*) FROM dep"),
            maxrow = bw_sq_count(s, "SELECT coalesce(max(rowid),0) FROM site");
    uint32_t *node_of = NULL; /* site rowid -> node */
    struct intern groups = {0};
    uint32_t i = 0;
    size_t k = 0;
    int rc = BW_OK, step;

    memset(out, 0, sizeof *out);
    if (nsites < 0 || ndeps < 0 || maxrow < 0)
        return bw_sq_error(s, d, "counting the register");
    if ((uint64_t)nsites > BW_GRAPH_MAX_NODES)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %u sites", BW_GRAPH_MAX_NODES);
    out->n = (uint32_t)nsites;
    out->ids = bw_calloc((size_t)nsites + 1, sizeof *out->ids);
    out->categories = bw_calloc((size_t)nsites + 1, sizeof *out->categories);
    out->supplies = bw_calloc((size_t)nsites + 1, sizeof *out->supplies);
    out->population = bw_calloc((size_t)nsites + 1, sizeof *out->population);
    out->deps = bw_calloc((size_t)ndeps + 1, sizeof *out->deps);
    node_of = bw_calloc((size_t)maxrow + 1, sizeof *node_of);
    if (!out->ids || !out->categories || !out->supplies || !out->population || !out->deps ||
        !node_of) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory loading the graph");
        goto out;
    }
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "SELECT rowid,id,category,supplies,population FROM site ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "reading sites");
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW && i < out->n) {
        const char *sup = bw_sq_col_text(q, 3);
        node_of[sqlite3_column_int64(q, 0)] = i;
        out->ids[i] = bw_arena_strndup(a, bw_sq_col_text(q, 1), (size_t)sqlite3_column_bytes(q, 1));
        out->categories[i] =
            bw_arena_strndup(a, bw_sq_col_text(q, 2), (size_t)sqlite3_column_bytes(q, 2));
        if (!out->ids[i] || !out->categories[i]) {
            rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory loading the graph");
            goto out;
        }
        while (sup && *sup) {
            const char *end = strchr(sup, ';');
            size_t len = end ? (size_t)(end - sup) : strlen(sup);
            int si = service_index(svc, ns, sup, len);
            if (si < 0) {
                rc = bw_diag_set(d, BW_EREF, "supplies", "site '%s' supplies '%.*s', a service "
                                 "not in the pack", out->ids[i], (int)len, sup);
                goto out;
            }
            out->supplies[i] |= 1u << si;
            sup += len + (end != NULL);
        }
        out->population[i] = sqlite3_column_type(q, 4) == SQLITE_NULL
                                 ? 0
                                 : (double)sqlite3_column_int64(q, 4);
        i++;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "SELECT site,supplier,service,kind,redundancy_group,buffer_hours,"
                           "directed,needs FROM dep",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "reading dependencies");
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW && k < (size_t)ndeps) {
        struct bw_graph_dep *e = &out->deps[k];
        const char *service = bw_sq_col_text(q, 2), *group = bw_sq_col_text(q, 4);
        int si = service_index(svc, ns, service, strlen(service));
        if (si < 0) {
            rc = bw_diag_set(d, BW_EREF, "service", "a dependency uses '%s', a service not in "
                             "the pack", service);
            goto out;
        }
        e->site = node_of[sqlite3_column_int64(q, 0)];
        e->supplier = node_of[sqlite3_column_int64(q, 1)];
        e->service = (uint8_t)si;
        e->kind = (uint8_t)sqlite3_column_int(q, 3);
        e->group = 0;
        if (group && (rc = intern_get(&groups, a, group, &e->group))) {
            bw_diag_set(d, rc, NULL, "out of memory loading the graph");
            goto out;
        }
        e->buffer_hours = (float)sqlite3_column_double(q, 5);
        e->directed = (uint8_t)sqlite3_column_int(q, 6);
        e->needs = (uint16_t)sqlite3_column_int(q, 7);
        k++;
    }
    out->ndeps = k;
out:
    sqlite3_finalize(q);
    bw_free(node_of);
    bw_free(groups.keys);
    bw_free(groups.vals);
    if (rc)
        bw_graph_data_release(out);
    return rc;
}
