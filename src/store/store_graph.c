/*
 * store_graph.c — the register's dependency graph as flat arrays for bw_graph_new.
 *
 * Three scans inside one read transaction fill the arrays of struct bw_graph_data: the
 * covering index on site id gives the node numbers (id order) and the ids, a plain scan
 * of the site table the other site columns, and a plain scan of the dep table the
 * dependencies. Site rowids map to node numbers through one array (not read at all when
 * rowids are already in id order); text columns are read as bytes, and categories,
 * supplies, services and redundancy-group names are interned, so each distinct value is
 * copied and parsed once whatever the number of rows. Most of the time is SQLite's own
 * (bench/RESULTS.md, "The graph load and SQLite's floor"). Part of the SQLite back end:
 * it shares the handle and helpers of store_internal.h.
 */
#include "store.h"
#include "store_internal.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "str.h"

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

/* Interns text values (pointer and length; not NUL-terminated) as small integers 1, 2,
 * ... in order of first sight (0 is left for "no value"), with an open-addressing FNV-1a
 * table that grows at half load; each distinct key is copied into the arena once, with
 * a terminating NUL. */
struct intern {
    const char **keys;
    size_t *lens;
    uint32_t *vals;
    size_t cap, len;
};

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static void intern_release(struct intern *t)
{
    bw_free(t->keys);
    bw_free(t->lens);
    bw_free(t->vals);
}

static int intern_get(struct intern *t, struct bw_arena *a, const char *key, size_t n,
                      uint32_t *out, const char **interned)
{
    size_t i;

    if ((t->len + 1) * 2 > t->cap) {
        struct intern nt = {0};
        nt.cap = t->cap ? t->cap * 2 : 64;
        nt.keys = bw_calloc(nt.cap, sizeof *nt.keys);
        nt.lens = bw_calloc(nt.cap, sizeof *nt.lens);
        nt.vals = bw_calloc(nt.cap, sizeof *nt.vals);
        if (!nt.keys || !nt.lens || !nt.vals) {
            intern_release(&nt);
            return BW_ENOMEM;
        }
        for (size_t k = 0; k < t->cap; k++) {
            if (!t->keys[k])
                continue;
            for (i = fnv1a(t->keys[k], t->lens[k]) & (nt.cap - 1); nt.keys[i];
                 i = (i + 1) & (nt.cap - 1))
                ;
            nt.keys[i] = t->keys[k];
            nt.lens[i] = t->lens[k];
            nt.vals[i] = t->vals[k];
        }
        intern_release(t);
        nt.len = t->len;
        *t = nt;
    }
    for (i = fnv1a(key, n) & (t->cap - 1); t->keys[i]; i = (i + 1) & (t->cap - 1))
        if (t->lens[i] == n && memcmp(t->keys[i], key, n) == 0) {
            *out = t->vals[i];
            *interned = t->keys[i];
            return BW_OK;
        }
    t->keys[i] = bw_arena_strndup(a, n ? key : "", n);
    if (!t->keys[i])
        return BW_ENOMEM;
    t->lens[i] = n;
    t->vals[i] = (uint32_t)++t->len;
    *out = t->vals[i];
    *interned = t->keys[i];
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
    return bw_str_bsearch(g->ids, g->n, id);
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

/* Parses a `supplies` value (service ids separated by ';') into a mask over the pack's
 * services; BW_EREF (with @p d naming site @p id) for a service not in the pack. */
static int parse_supplies(const struct bw_term *svc, size_t ns, const char *sup, const char *id,
                          uint32_t *mask, struct bw_diag *d)
{
    *mask = 0;
    while (sup && *sup) {
        const char *end = strchr(sup, ';');
        size_t len = end ? (size_t)(end - sup) : strlen(sup);
        int si = service_index(svc, ns, sup, len);
        if (si < 0)
            return bw_diag_set(d, BW_EREF, "supplies",
                               "site '%s' supplies '%.*s', a service "
                               "not in the pack",
                               id, (int)len, sup);
        *mask |= 1u << si;
        sup += len + (end != NULL);
    }
    return BW_OK;
}

/* Column @p i as bytes, without the NUL terminator that sqlite3_column_text would copy
 * the value to add: the bytes (*n of them), "" for an empty value, or NULL for SQL
 * NULL. Valid until the next step. */
static const char *col_bytes(sqlite3_stmt *q, int i, size_t *n)
{
    const char *p = sqlite3_column_blob(q, i);
    *n = (size_t)sqlite3_column_bytes(q, i);
    if (!p)
        return sqlite3_column_type(q, i) == SQLITE_NULL ? NULL : "";
    return p;
}

/* A small cache of text column values seen before (categories, supplies, services,
 * group names: a handful of distinct values over millions of rows), so each distinct
 * value is copied, parsed and hashed into the intern table once: the last value of the
 * column is compared first, which is the common case for rows in key order. */
struct last {
    const char *key; /* interned copy, or NULL */
    size_t len;
    uint32_t val;
};

static int cached_intern(struct intern *t, struct last *l, struct bw_arena *a, const char *key,
                         size_t len, uint32_t *val, const char **interned)
{
    int rc;
    size_t i = 0;

    /* A byte loop: the values are a few bytes long, and a call to memcmp per row of
     * millions costs more than the comparison. */
    if (l->key && l->len == len)
        while (i < len && l->key[i] == key[i])
            i++;
    if (l->key && l->len == len && i == len) {
        *val = l->val;
        if (interned)
            *interned = l->key;
        return BW_OK;
    }
    if ((rc = intern_get(t, a, key, len, val, &l->key)))
        return rc;
    l->len = len;
    l->val = *val;
    if (interned)
        *interned = l->key;
    return BW_OK;
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
    uint32_t *node_of = NULL; /* site rowid -> node + 1 (0: none) */
    struct intern cats = {0}, sups = {0}, svcs = {0}, groups = {0};
    struct last lcat = {0}, lsup = {0}, lsvc = {0}, lgroup = {0};
    uint32_t *sup_mask = NULL; /* per interned supplies value: its mask */
    int *svc_index = NULL;     /* per interned service name: pack index, or -1 */
    size_t sup_cap = 0, svc_cap = 0;
    uint32_t sup_n = 0, svc_n = 0; /* distinct values handled so far */
    int identity = 1;              /* node_of[row] == row for every site */
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
    /* 1. Node numbers and ids: the unique index on id is a covering index for
     *    (id, rowid), so this reads the index alone, in id order. */
    if (sqlite3_prepare_v2(bw_sq_db(s), "SELECT rowid,id FROM site ORDER BY id", -1, &q, NULL) !=
        SQLITE_OK) {
        rc = bw_sq_error(s, d, "reading sites");
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW && i < out->n) {
        int64_t row = sqlite3_column_int64(q, 0);
        size_t idn;
        const char *id = col_bytes(q, 1, &idn);
        if (row < 1 || row > maxrow || !id) {
            rc = bw_diag_set(d, BW_ESTORE, NULL, "site rowid %lld out of range", (long long)row);
            goto out;
        }
        node_of[row] = i + 1;
        identity &= row == (int64_t)i + 1;
        out->ids[i] = bw_arena_strndup(a, id, idn);
        if (!out->ids[i]) {
            rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory loading the graph");
            goto out;
        }
        i++;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = bw_sq_error(s, d, "reading sites");
        goto out;
    }
    if (i != out->n) {
        rc = bw_diag_set(d, BW_ESTORE, NULL, "the site table changed during the load");
        goto out;
    }
    /* 2. The other site columns, in rowid order (a plain scan of the table). Categories
     *    are interned (one copy per distinct value) and each distinct supplies value is
     *    parsed once. */
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "SELECT rowid,category,supplies,ifnull(population,0) FROM site", -1, &q,
                           NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "reading sites");
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(q, 0);
        size_t catn, supn;
        const char *cat = col_bytes(q, 1, &catn), *sup = col_bytes(q, 2, &supn), *supz;
        uint32_t node, v;
        if (row < 1 || row > maxrow || !node_of[row] || !cat) {
            rc = bw_diag_set(d, BW_ESTORE, NULL, "site rowid %lld changed during the load",
                             (long long)row);
            goto out;
        }
        node = node_of[row] - 1;
        if ((rc = cached_intern(&cats, &lcat, a, cat, catn, &v, &out->categories[node])))
            goto oom;
        if (sup && supn) {
            if ((rc = cached_intern(&sups, &lsup, a, sup, supn, &v, &supz)))
                goto oom;
            if (v > sup_n) {
                /* A new distinct value (values are numbered 1, 2, ... in order). */
                if (v >= sup_cap) {
                    uint32_t *m = bw_realloc(sup_mask, ((size_t)v + 16) * sizeof *m);
                    if (!m) {
                        rc = BW_ENOMEM;
                        goto oom;
                    }
                    sup_mask = m;
                    sup_cap = (size_t)v + 16;
                }
                sup_n = v;
                if ((rc = parse_supplies(svc, ns, supz, out->ids[node], &sup_mask[v], d)))
                    goto out;
            }
            out->supplies[node] = sup_mask[v];
        }
        out->population[node] = (double)sqlite3_column_int64(q, 3);
    }
    sqlite3_finalize(q);
    q = NULL;
    if (step != SQLITE_DONE) {
        rc = bw_sq_error(s, d, "reading sites");
        goto out;
    }
    /* 3. Dependencies in the table's key order. Rowids become node numbers through
     *    node_of; service and group names are interned, so the text of each row is only
     *    compared with the previous row's value (or hashed when it differs). */
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "SELECT site,supplier,service,redundancy_group,buffer_hours,"
                           "kind|(directed<<1)|(needs<<2) FROM dep",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "reading dependencies");
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW && k < (size_t)ndeps) {
        struct bw_graph_dep *e = &out->deps[k];
        int64_t site = sqlite3_column_int64(q, 0), supplier = sqlite3_column_int64(q, 1);
        size_t servicen, groupn;
        const char *service = col_bytes(q, 2, &servicen), *group = col_bytes(q, 3, &groupn);
        int64_t bits;
        uint32_t v;
        if (site < 1 || site > maxrow || supplier < 1 || supplier > maxrow ||
            (!identity && (!node_of[site] || !node_of[supplier])) || !service) {
            rc = bw_diag_set(d, BW_ESTORE, NULL,
                             "a dependency refers to a site that is not "
                             "in the register");
            goto out;
        }
        if ((rc = cached_intern(&svcs, &lsvc, a, service, servicen, &v, NULL)))
            goto oom;
        if (v > svc_n) {
            if (v >= svc_cap) {
                int *m = bw_realloc(svc_index, ((size_t)v + 16) * sizeof *m);
                if (!m) {
                    rc = BW_ENOMEM;
                    goto oom;
                }
                svc_index = m;
                svc_cap = (size_t)v + 16;
            }
            svc_n = v;
            svc_index[v] = service_index(svc, ns, service, servicen);
        }
        if (svc_index[v] < 0) {
            rc = bw_diag_set(d, BW_EREF, "service",
                             "a dependency uses '%.*s', a service not "
                             "in the pack",
                             (int)servicen, service);
            goto out;
        }
        /* Rowids in id order (a register imported in id order) need no lookup: the
         * random reads of node_of[supplier] would be cache misses. */
        e->site = identity ? (uint32_t)site - 1 : node_of[site] - 1;
        e->supplier = identity ? (uint32_t)supplier - 1 : node_of[supplier] - 1;
        e->service = (uint8_t)svc_index[v];
        e->group = 0;
        if (group && (rc = cached_intern(&groups, &lgroup, a, group, groupn, &e->group, NULL)))
            goto oom;
        e->buffer_hours = (float)sqlite3_column_double(q, 4);
        bits = sqlite3_column_int64(q, 5);
        e->kind = (uint8_t)(bits & 1);
        e->directed = (uint8_t)((bits >> 1) & 1);
        e->needs = (uint16_t)(bits >> 2);
        k++;
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = bw_sq_error(s, d, "reading dependencies");
        goto out;
    }
    out->ndeps = k;
    goto out;
oom:
    bw_diag_set(d, rc, NULL, "out of memory loading the graph");
out:
    sqlite3_finalize(q);
    bw_free(node_of);
    bw_free(sup_mask);
    bw_free(svc_index);
    intern_release(&cats);
    intern_release(&sups);
    intern_release(&svcs);
    intern_release(&groups);
    if (rc)
        bw_graph_data_release(out);
    return rc;
}
