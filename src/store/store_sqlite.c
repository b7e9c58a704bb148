/*
 * store_sqlite.c — the SQLite back end of store.h, the embedded default.
 *
 * Connection set-up: no connection mutex (a handle belongs to one thread), foreign keys
 * on, WAL journal, synchronous=FULL (a committed import survives power loss), defensive
 * mode, untrusted schema off, a busy timeout, 16 KiB
 * pages for new files, a 64 MiB page cache and reads through a memory map (up to
 * 1 GiB). The schema version lives in PRAGMA user_version and migrations from
 * src/store/migrations/ run forward inside one transaction each.
 *
 * Statements used per record (inserts, lookups, radius queries) are prepared once
 * and cached in the handle, which is what lets an import write a million sites in a
 * few seconds and a radius query answer in tens of microseconds. Sites have an
 * integer rowid shared with the R*Tree (point boxes; the R*Tree's 32-bit floats are
 * rounded outward by SQLite, and every candidate is then checked with the exact
 * geodesic distance). Inside a transaction the R*Tree entries of new sites wait in
 * the handle until the transaction (or savepoint) commits or a radius query runs: then
 * a few go in one by one, and many rebuild the whole R*Tree by a bulk load
 * (rtree_flush), since an insert through the R*Tree module costs ~20 us, most of the
 * time of a large import. Thread-safety: one handle per thread.
 */
#include "store.h"
#include "store_migrations.h"
#include "store_internal.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "geo.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* Most statements bw_sq_cached keeps per handle. */
#define STMT_CACHE_MAX 96

/*
 * One writer at a time within the process. SQLite serialises writers itself, but a
 * writer that finds the database locked sleeps in its busy handler (1 to 100 ms at a
 * time), which under a server's concurrent writes costs far more than the writes; the
 * threads of one process therefore queue here, in order, without sleeping. Other
 * processes (the CLI beside a running server) still meet SQLite's lock and busy timeout.
 * Held from the outermost bw_store_begin to its commit or rollback; one thread uses one
 * handle at a time (store.h), so it is never taken twice by one thread.
 */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

/* Commits made by the handles of this process (bw_store_generation). */
static _Atomic uint64_t commits;

enum stmt_id {
    ST_SITE_INSERT,
    ST_SITE_UPDATE,
    ST_SITE_ROWID,
    ST_RTREE_PUT,
    ST_ORG_EXISTS,
    ST_ORG_INSERT,
    ST_ORG_UPSERT,
    ST_DEP_INSERT,
    ST_DEP_UPSERT,
    ST_ROLE_INSERT,
    ST_ROLE_UPSERT,
    ST_NEAR,
    ST_SITE_GET,
    ST_ORG_GET,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_SITE_INSERT] = "INSERT INTO site(id,name,category,lat,lon,footprint,capacity,operator,"
                       "supplies,population,region,tags) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_SITE_UPDATE] = "UPDATE site SET name=?2,category=?3,lat=?4,lon=?5,footprint=?6,"
                       "capacity=?7,operator=?8,supplies=?9,population=?10,region=?11,tags=?12 "
                       "WHERE id=?1",
    [ST_SITE_ROWID] = "SELECT rowid FROM site WHERE id=?",
    [ST_RTREE_PUT] = "INSERT OR REPLACE INTO site_rtree(id,min_lat,max_lat,min_lon,max_lon) "
                     "VALUES(?,?,?,?,?)",
    [ST_ORG_EXISTS] = "SELECT 1 FROM org WHERE id=?",
    [ST_ORG_INSERT] = "INSERT INTO org(id,name,type,mandate,sectors,regions,contact_name,"
                      "contact_phone,contact_email) VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_ORG_UPSERT] = "INSERT INTO org(id,name,type,mandate,sectors,regions,contact_name,"
                      "contact_phone,contact_email) VALUES(?,?,?,?,?,?,?,?,?) "
                      "ON CONFLICT(id) DO UPDATE SET name=excluded.name,type=excluded.type,"
                      "mandate=excluded.mandate,sectors=excluded.sectors,"
                      "regions=excluded.regions,contact_name=excluded.contact_name,"
                      "contact_phone=excluded.contact_phone,contact_email=excluded.contact_email",
    [ST_DEP_INSERT] = "INSERT INTO dep(site,supplier,service,kind,redundancy_group,buffer_hours,"
                      "directed,needs) VALUES(?,?,?,?,?,?,?,?)",
    [ST_DEP_UPSERT] = "INSERT OR REPLACE INTO dep(site,supplier,service,kind,redundancy_group,"
                      "buffer_hours,directed,needs) VALUES(?,?,?,?,?,?,?,?)",
    [ST_ROLE_INSERT] = "INSERT INTO role(org,site,phase,description) VALUES(?,?,?,?)",
    [ST_ROLE_UPSERT] = "INSERT OR REPLACE INTO role(org,site,phase,description) VALUES(?,?,?,?)",
    [ST_NEAR] = "SELECT s.id,s.name,s.category,s.lat,s.lon,s.footprint,s.capacity,s.operator,"
                "s.supplies,s.population,s.region,s.tags FROM site_rtree r "
                "JOIN site s ON s.rowid=r.id "
                "WHERE r.max_lat>=?1 AND r.min_lat<=?2 AND r.max_lon>=?3 AND r.min_lon<=?4",
    [ST_SITE_GET] = "SELECT id,name,category,lat,lon,footprint,capacity,operator,supplies,"
                    "population,region,tags FROM site WHERE id=?",
    [ST_ORG_GET] = "SELECT id,name,type,mandate,sectors,regions,contact_name,contact_phone,"
                   "contact_email FROM org WHERE id=?",
};

/* A site whose R*Tree entry is not written yet (rtree_flush). */
struct rtree_pending {
    int64_t rowid;
    double lat, lon;
};

struct bw_store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int in_tx;
    /* Statements of bw_sq_cached, by SQL text; replaced round-robin when full. */
    struct { char *sql; sqlite3_stmt *q; } cache[STMT_CACHE_MAX];
    int ncache, cache_next;
    /* R*Tree entries of the innermost open transaction level, not yet written. */
    struct rtree_pending *pend;
    size_t npend, cappend;
    /* Who writes are attributed to (bw_store_set_actor; NULL: "system") and the audit
     * log's statements, prepared once per handle (store_audit.c). */
    char *actor, *actor_org;
    struct bw_audit_stmts *audit;
    /* Where the audit entries of reads go (bw_store_set_read_audit), or NULL. */
    bw_read_audit_fn read_fn;
    void *read_ud;
};

static int rtree_flush(bw_store *s);

/* ---- helpers ---------------------------------------------------------------------- */

sqlite3 *bw_sq_db(bw_store *s)
{
    return s->db;
}

int bw_sq_error(bw_store *s, struct bw_diag *d, const char *what)
{
    return bw_diag_set(d, BW_ESTORE, NULL, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *stmt(bw_store *s, enum stmt_id id)
{
    if (!s->st[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                         &s->st[id], NULL) != SQLITE_OK)
        return NULL;
    sqlite3_reset(s->st[id]);
    sqlite3_clear_bindings(s->st[id]);
    return s->st[id];
}

void bw_sq_bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

void bw_sq_bind_opt_i64(sqlite3_stmt *q, int i, int64_t v)
{
    if (v >= 0)
        sqlite3_bind_int64(q, i, v);
    else
        sqlite3_bind_null(q, i);
}

const char *bw_sq_col_text(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

int64_t bw_sq_col_opt_i64(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, i);
}

int bw_sq_exec(bw_store *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? BW_OK : BW_ESTORE;
}

/* ---- the actor of the audit log (store_audit.c) ----------------------------------- */

int bw_store_set_actor(bw_store *s, const char *actor, const char *org)
{
    char *a = NULL, *o = NULL;

    if (actor && !(a = bw_strndup(actor, strlen(actor))))
        return BW_ENOMEM;
    if (org && !(o = bw_strndup(org, strlen(org)))) {
        bw_free(a);
        return BW_ENOMEM;
    }
    bw_free(s->actor);
    bw_free(s->actor_org);
    s->actor = a;
    s->actor_org = o;
    return BW_OK;
}

void bw_store_set_read_audit(bw_store *s, bw_read_audit_fn fn, void *ud)
{
    s->read_fn = fn;
    s->read_ud = ud;
}

bw_read_audit_fn bw_sq_read_audit(bw_store *s, void **ud)
{
    *ud = s->read_ud;
    return s->read_fn;
}

int bw_store_generation(bw_store *s, uint64_t gen[2])
{
    sqlite3_stmt *q = bw_sq_cached(s, "PRAGMA data_version");
    int rc;

    if (!q)
        return BW_ESTORE;
    gen[0] = commits;
    rc = sqlite3_step(q) == SQLITE_ROW ? BW_OK : BW_ESTORE;
    gen[1] = rc ? 0 : (uint64_t)sqlite3_column_int64(q, 0);
    bw_sq_release(s, q);
    return rc;
}

int bw_store_checkpoint(bw_store *s)
{
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? BW_OK : BW_ESTORE;
}

int bw_store_set_autocheckpoint(bw_store *s, int on)
{
    return sqlite3_wal_autocheckpoint(s->db, on ? 1000 : 0) == SQLITE_OK ? BW_OK : BW_ESTORE;
}

const char *bw_sq_actor(bw_store *s, const char **org)
{
    *org = s->actor_org;
    return s->actor ? s->actor : "system";
}

struct bw_audit_stmts **bw_sq_audit_slot(bw_store *s)
{
    return &s->audit;
}

/* ---- open, migrate, close --------------------------------------------------------- */

static int migrate(bw_store *s, struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    int version = 0;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "reading schema version");
    if (sqlite3_step(q) == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (version > (int)bw__store_nmigrations)
        return bw_diag_set(d, BW_ESCHEMA, NULL,
                           "database schema version %d is newer than this program's %u", version,
                           bw__store_nmigrations);
    for (unsigned v = (unsigned)version; v < bw__store_nmigrations; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%u", v + 1);
        if (bw_sq_exec(s, "BEGIN IMMEDIATE") || bw_sq_exec(s, bw__store_migrations[v]) || bw_sq_exec(s, pragma)) {
            int rc = bw_sq_error(s, d, "migrating the schema");
            bw_sq_exec(s, "ROLLBACK");
            return rc;
        }
        if (bw_sq_exec(s, "COMMIT"))
            return bw_sq_error(s, d, "committing the schema migration");
    }
    return BW_OK;
}

int bw_store_open(const char *path, struct bw_diag *d, bw_store **out)
{
    bw_store *s;
    int rc;

    *out = NULL;
    s = bw_calloc(1, sizeof *s);
    if (!s)
        return BW_ENOMEM;
    /* One handle per thread (store.h), so SQLite's per-call connection mutex only costs
     * time: a column read takes and releases it (a third of a full scan's time). */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) !=
        SQLITE_OK) {
        bw_diag_file(d, path);
        rc = bw_diag_set(d, BW_ESTORE, NULL, "cannot open database: %s",
                         s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* 16 KiB pages (takes effect only when the file is new): a quarter of the I/O
     * calls of the default 4 KiB on a large import. Reads go through a memory map. */
    if (bw_sq_exec(s, "PRAGMA page_size=16384") || bw_sq_exec(s, "PRAGMA foreign_keys=ON") ||
        bw_sq_exec(s, "PRAGMA journal_mode=WAL") || bw_sq_exec(s, "PRAGMA synchronous=FULL") ||
        bw_sq_exec(s, "PRAGMA cache_size=-65536") || bw_sq_exec(s, "PRAGMA mmap_size=1073741824")) {
        bw_diag_file(d, path);
        rc = bw_sq_error(s, d, "configuring the database (is it a bulwark database?)");
        goto fail;
    }
    rc = migrate(s, d);
    if (rc) {
        bw_diag_file(d, path);
        goto fail;
    }
    *out = s;
    return BW_OK;
fail:
    bw_store_close(s);
    return rc;
}

int bw_store_set_durability(bw_store *s, int full)
{
    return bw_sq_exec(s, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

void bw_store_close(bw_store *s)
{
    if (!s)
        return;
    while (s->in_tx)
        bw_store_rollback(s);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (int i = 0; i < s->ncache; i++) {
        sqlite3_finalize(s->cache[i].q);
        bw_free(s->cache[i].sql);
    }
    bw__audit_stmts_free(s->audit);
    bw_free(s->actor);
    bw_free(s->actor_org);
    bw_free(s->pend);
    if (s->db) {
        /* Fold the WAL back into the main file so the database is one file at rest. */
        sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        sqlite3_close(s->db);
    }
    bw_free(s);
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE … COMMIT, inner ones are
 * savepoints, so an importer can run inside a larger all-or-nothing job (the demo). */
int bw_store_begin(bw_store *s)
{
    char sql[48];

    if (s->in_tx == 0) {
        pthread_mutex_lock(&writer);
        if (bw_sq_exec(s, "BEGIN IMMEDIATE")) {
            pthread_mutex_unlock(&writer);
            return BW_ESTORE;
        }
    } else {
        /* Pending R*Tree entries always belong to the innermost level. */
        if (rtree_flush(s))
            return BW_ESTORE;
        snprintf(sql, sizeof sql, "SAVEPOINT bw%d", s->in_tx);
        if (bw_sq_exec(s, sql))
            return BW_ESTORE;
    }
    s->in_tx++;
    return BW_OK;
}

int bw_store_commit(bw_store *s)
{
    char sql[48];

    if (s->in_tx <= 0 || rtree_flush(s))
        return BW_ESTORE;
    if (s->in_tx == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE bw%d", s->in_tx - 1);
    if (bw_sq_exec(s, sql))
        return BW_ESTORE;
    if (--s->in_tx == 0) {
        commits++;
        pthread_mutex_unlock(&writer);
    }
    return BW_OK;
}

void bw_store_rollback(bw_store *s)
{
    char sql[64];

    if (s->in_tx <= 0)
        return;
    s->npend = 0;
    if (s->in_tx == 1) {
        bw_sq_exec(s, "ROLLBACK");
    } else {
        snprintf(sql, sizeof sql, "ROLLBACK TO bw%d", s->in_tx - 1);
        bw_sq_exec(s, sql);
        snprintf(sql, sizeof sql, "RELEASE bw%d", s->in_tx - 1);
        bw_sq_exec(s, sql);
    }
    if (--s->in_tx == 0)
        pthread_mutex_unlock(&writer);
}

sqlite3_stmt *bw_sq_cached(bw_store *s, const char *sql)
{
    sqlite3_stmt *q = NULL;
    char *copy;
    int slot;

    for (int i = 0; i < s->ncache; i++)
        if (strcmp(s->cache[i].sql, sql) == 0) {
            sqlite3_reset(s->cache[i].q);
            sqlite3_clear_bindings(s->cache[i].q);
            return s->cache[i].q;
        }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q, NULL) != SQLITE_OK)
        return NULL;
    copy = bw_malloc(strlen(sql) + 1);
    if (!copy)
        return q; /* uncached: bw_sq_release finalizes what it does not know */
    memcpy(copy, sql, strlen(sql) + 1);
    if (s->ncache < STMT_CACHE_MAX) {
        slot = s->ncache++;
    } else {
        slot = s->cache_next;
        s->cache_next = (s->cache_next + 1) % STMT_CACHE_MAX;
        sqlite3_finalize(s->cache[slot].q);
        bw_free(s->cache[slot].sql);
    }
    s->cache[slot].sql = copy;
    s->cache[slot].q = q;
    return q;
}

void bw_sq_release(bw_store *s, sqlite3_stmt *q)
{
    if (!q)
        return;
    for (int i = 0; i < s->ncache; i++)
        if (s->cache[i].q == q) {
            sqlite3_reset(q);
            return;
        }
    sqlite3_finalize(q);
}

/* ---- pack ------------------------------------------------------------------------- */

static int meta_put(bw_store *s, const char *key, const char *value)
{
    sqlite3_stmt *q;
    int rc;

    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)", -1, &q,
                           NULL) != SQLITE_OK)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, key);
    bw_sq_bind_text(q, 2, value);
    rc = sqlite3_step(q) == SQLITE_DONE ? BW_OK : BW_ESTORE;
    sqlite3_finalize(q);
    return rc;
}

int bw_store_pack_set(bw_store *s, const char *bundle)
{
    sqlite3_stmt *q = NULL;
    int rc = bw_store_begin(s), same = 0;

    if (rc)
        return rc;
    /* Storing the pack already there changes nothing, and is neither written nor
     * audited (`bulwark init` on an initialised database). */
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='pack'", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && bw_sq_col_text(q, 0))
        same = strcmp(bw_sq_col_text(q, 0), bundle) == 0;
    sqlite3_finalize(q);
    rc = same ? BW_OK : meta_put(s, "pack", bundle);
    if (!rc && !same)
        rc = bw__audit_log(s, NULL, "pack.set", "pack", NULL, "bytes=i",
                           (int64_t)strlen(bundle));
    if (!rc)
        rc = bw_store_commit(s);
    if (rc)
        bw_store_rollback(s);
    return rc;
}

int bw_store_pack_get(bw_store *s, struct bw_diag *d, bw_pack **out)
{
    sqlite3_stmt *q;
    int rc;

    *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='pack'", -1, &q, NULL) !=
        SQLITE_OK)
        return bw_sq_error(s, d, "reading the pack");
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return bw_diag_set(d, BW_ENOTFOUND, NULL,
                           "the database has no pack yet: run `bulwark init` first");
    }
    rc = bw_pack_parse((const char *)sqlite3_column_text(q, 0),
                       (size_t)sqlite3_column_bytes(q, 0), d, out);
    sqlite3_finalize(q);
    return rc;
}

/* ---- writes ----------------------------------------------------------------------- */

static int64_t site_rowid(bw_store *s, const char *id)
{
    sqlite3_stmt *q = stmt(s, ST_SITE_ROWID);
    int64_t r = -1;

    if (!q)
        return -2;
    bw_sq_bind_text(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW)
        r = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return r;
}

static int org_exists(bw_store *s, const char *id)
{
    sqlite3_stmt *q = stmt(s, ST_ORG_EXISTS);
    int r;

    if (!q)
        return -1;
    bw_sq_bind_text(q, 1, id);
    r = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_reset(q);
    return r;
}

/* ---- spatial index ---------------------------------------------------------------- */

/* Writes one R*Tree entry (a point box) through the virtual table. */
static int rtree_put(bw_store *s, int64_t rowid, double lat, double lon)
{
    sqlite3_stmt *r = stmt(s, ST_RTREE_PUT);
    int step;

    if (!r)
        return BW_ESTORE;
    sqlite3_bind_int64(r, 1, rowid);
    sqlite3_bind_double(r, 2, lat);
    sqlite3_bind_double(r, 3, lat);
    sqlite3_bind_double(r, 4, lon);
    sqlite3_bind_double(r, 5, lon);
    step = sqlite3_step(r);
    sqlite3_reset(r);
    return step == SQLITE_DONE ? BW_OK : BW_ESTORE;
}

/*
 * Bulk load. The R*Tree module keeps its tree in three shadow tables (SQLite's
 * ext/rtree/rtree.c): site_rtree_node(nodeno, data) holds nodes of a fixed size (that
 * of the root, node 1), each "2-byte depth (root only), 2-byte cell count, cells"; a
 * cell is an 8-byte rowid (leaves) or child node number, then min_lat, max_lat,
 * min_lon, max_lon as 32-bit floats, all big-endian. site_rtree_rowid maps each rowid
 * to its leaf, site_rtree_parent each non-root node to its parent. The rebuild packs
 * every site into full nodes by Sort-Tile-Recursive (Leutenegger et al., 1997) and
 * writes the three tables directly, which takes ~1 us a site instead of ~20 us for an
 * insert through the virtual table, and gives a tree that answers queries as fast.
 */

/* Outward roundings to float, exactly as rtree.c's rtreeValueDown/rtreeValueUp, so a
 * bulk-loaded cell has the bytes an insert through the virtual table would give. */
#define RT_RNDTOWARDS (1.0 - 1.0 / 8388608.0)
#define RT_RNDAWAY (1.0 + 1.0 / 8388608.0)

static float rt_down(double d)
{
    float f = (float)d;
    if (f > d)
        f = (float)(d * (d < 0 ? RT_RNDAWAY : RT_RNDTOWARDS));
    return f;
}

static float rt_up(double d)
{
    float f = (float)d;
    if (f < d)
        f = (float)(d * (d < 0 ? RT_RNDTOWARDS : RT_RNDAWAY));
    return f;
}

/* A cell: a site (leaf level) or a node (above) and its box: min/max lat, min/max lon. */
struct rt_cell {
    int64_t id;
    float box[4];
    uint32_t idx; /* leaf level: the site's position in rowid order */
};

static int rt_cmp(double a, double b, int64_t ia, int64_t ib)
{
    if (a != b)
        return a < b ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

static int rt_cmp_lon(const void *a, const void *b)
{
    const struct rt_cell *x = a, *y = b;
    return rt_cmp((double)x->box[2] + x->box[3], (double)y->box[2] + y->box[3], x->id, y->id);
}

static int rt_cmp_lat(const void *a, const void *b)
{
    const struct rt_cell *x = a, *y = b;
    return rt_cmp((double)x->box[0] + x->box[1], (double)y->box[0] + y->box[1], x->id, y->id);
}

static void rt_put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xFF);
}

struct rt_build {
    sqlite3_stmt *node, *parent;
    unsigned char *blob; /* one node, nsz bytes */
    int nsz;
    size_t maxcells;
    int64_t next; /* next node number; 1 is the root's */
    uint32_t *leafno; /* leaf node of each site, by rowid position */
};

/* Writes one node from @p n cells and sets @p out to the node's own cell. */
static int rt_node(struct rt_build *b, const struct rt_cell *c, size_t n, int depth, int root,
                   struct rt_cell *out)
{
    struct rt_cell u = {root ? 1 : b->next++, {0, 0, 0, 0}, 0};

    if (n)
        memcpy(u.box, c[0].box, sizeof u.box);
    memset(b->blob, 0, (size_t)b->nsz);
    if (root)
        rt_put_be(b->blob, (uint64_t)depth, 2);
    rt_put_be(b->blob + 2, n, 2);
    for (size_t k = 0; k < n; k++) {
        unsigned char *p = b->blob + 4 + k * 24;
        rt_put_be(p, (uint64_t)c[k].id, 8);
        for (int j = 0; j < 4; j++) {
            uint32_t bits;
            memcpy(&bits, &c[k].box[j], 4);
            rt_put_be(p + 8 + 4 * j, bits, 4);
        }
        if (c[k].box[0] < u.box[0])
            u.box[0] = c[k].box[0];
        if (c[k].box[1] > u.box[1])
            u.box[1] = c[k].box[1];
        if (c[k].box[2] < u.box[2])
            u.box[2] = c[k].box[2];
        if (c[k].box[3] > u.box[3])
            u.box[3] = c[k].box[3];
        if (depth == 0) {
            b->leafno[c[k].idx] = (uint32_t)u.id;
        } else {
            sqlite3_bind_int64(b->parent, 1, c[k].id);
            sqlite3_bind_int64(b->parent, 2, u.id);
            if (sqlite3_step(b->parent) != SQLITE_DONE)
                return BW_ESTORE;
            sqlite3_reset(b->parent);
        }
    }
    sqlite3_bind_int64(b->node, 1, u.id);
    sqlite3_bind_blob(b->node, 2, b->blob, b->nsz, SQLITE_STATIC);
    if (sqlite3_step(b->node) != SQLITE_DONE)
        return BW_ESTORE;
    sqlite3_reset(b->node);
    *out = u;
    return BW_OK;
}

/* Packs the @p n cells of one level into nodes (STR), writes them and leaves one cell
 * per node at the front of @p c; *nout is the node count. */
static int rt_level(struct rt_build *b, struct rt_cell *c, size_t n, int depth, size_t *nout)
{
    size_t m = b->maxcells, nodes = (n + m - 1) / m, slices, per_slice, out = 0;
    int rc;

    if (n <= m) {
        *nout = 1;
        return rt_node(b, c, n, depth, 1, &c[0]);
    }
    slices = (size_t)ceil(sqrt((double)nodes));
    per_slice = slices * m;
    qsort(c, n, sizeof *c, rt_cmp_lon);
    for (size_t i = 0; i < n; i += per_slice)
        qsort(c + i, n - i < per_slice ? n - i : per_slice, sizeof *c, rt_cmp_lat);
    for (size_t i = 0; i < n; i += per_slice) {
        size_t end = n - i < per_slice ? n : i + per_slice;
        for (size_t j = i; j < end; j += m) {
            struct rt_cell u;
            /* Node `out` is built from cells at j >= out, so c[out] is free to reuse. */
            if ((rc = rt_node(b, c + j, end - j < m ? end - j : m, depth, 0, &u)))
                return rc;
            c[out++] = u;
        }
    }
    *nout = out;
    return BW_OK;
}

/* Rebuilds the whole R*Tree from the site table (inside the caller's transaction). */
static int rtree_rebuild(bw_store *s)
{
    sqlite3_stmt *q = NULL;
    struct rt_build b = {0};
    struct rt_cell *c = NULL;
    int64_t *rowids = NULL;
    size_t n = 0, cap = 0, level;
    int rc = BW_ESTORE, defensive = -1, depth = 0, step;

    /* Node size and capacity, as the module chose them when the table was created. */
    if (sqlite3_prepare_v2(s->db, "SELECT length(data) FROM site_rtree_node WHERE nodeno=1", -1,
                           &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    if (sqlite3_step(q) == SQLITE_ROW)
        b.nsz = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (b.nsz < 4 + 3 * 24 || b.nsz > 65536)
        return BW_ESTORE;
    b.maxcells = (size_t)(b.nsz - 4) / 24;
    b.next = 2;

    /* Every site's point box, in rowid order. */
    if (sqlite3_prepare_v2(s->db, "SELECT rowid,lat,lon FROM site ORDER BY rowid", -1, &q,
                           NULL) != SQLITE_OK)
        return BW_ESTORE;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        double lat = sqlite3_column_double(q, 1), lon = sqlite3_column_double(q, 2);
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 4096, b1, b2;
            void *nc, *nr;
            if (ncap > UINT32_MAX || bw_mul_size(ncap, sizeof *c, &b1) ||
                bw_mul_size(ncap, sizeof *rowids, &b2)) {
                rc = BW_ENOMEM;
                goto out;
            }
            if ((nc = bw_realloc(c, b1)) != NULL)
                c = nc;
            if ((nr = bw_realloc(rowids, b2)) != NULL)
                rowids = nr;
            if (!nc || !nr) {
                rc = BW_ENOMEM;
                goto out;
            }
            cap = ncap;
        }
        rowids[n] = sqlite3_column_int64(q, 0);
        c[n] = (struct rt_cell){rowids[n], {rt_down(lat), rt_up(lat), rt_down(lon), rt_up(lon)},
                                (uint32_t)n};
        n++;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (step != SQLITE_DONE)
        goto out;
    b.blob = bw_malloc((size_t)b.nsz);
    b.leafno = bw_malloc((n ? n : 1) * sizeof *b.leafno);
    if (!b.blob || !b.leafno) {
        rc = BW_ENOMEM;
        goto out;
    }

    /* Shadow tables are read-only in defensive mode: lift it for these statements only. */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
    if (bw_sq_exec(s, "DELETE FROM site_rtree_node") || bw_sq_exec(s, "DELETE FROM site_rtree_rowid") ||
        bw_sq_exec(s, "DELETE FROM site_rtree_parent") ||
        sqlite3_prepare_v2(s->db, "INSERT INTO site_rtree_node(nodeno,data) VALUES(?,?)", -1,
                           &b.node, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO site_rtree_parent(nodeno,parentnode) VALUES(?,?)", -1,
                           &b.parent, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO site_rtree_rowid(rowid,nodeno) VALUES(?,?)", -1,
                           &q, NULL) != SQLITE_OK)
        goto out;
    /* Levels bottom-up until one node, the root, is left. */
    level = n;
    do {
        size_t nodes;
        if ((rc = rt_level(&b, c, level, depth, &nodes)))
            goto out;
        level = nodes;
        depth++;
    } while (level > 1);
    rc = BW_ESTORE;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(q, 1, rowids[i]);
        sqlite3_bind_int64(q, 2, b.leafno[i]);
        if (sqlite3_step(q) != SQLITE_DONE)
            goto out;
        sqlite3_reset(q);
    }
    rc = BW_OK;
out:
    sqlite3_finalize(q);
    sqlite3_finalize(b.node);
    sqlite3_finalize(b.parent);
    if (defensive >= 0)
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
    bw_free(b.blob);
    bw_free(b.leafno);
    bw_free(c);
    bw_free(rowids);
    return rc;
}

/* Pending entries of at least RT_BULK_MIN, and at least 1/RT_BULK_RATIO of all sites,
 * rebuild the R*Tree in bulk; fewer are inserted one by one. */
#define RT_BULK_MIN 4096
#define RT_BULK_RATIO 8

/* Writes the pending R*Tree entries of the innermost transaction level. */
static int rtree_flush(bw_store *s)
{
    size_t n = s->npend;
    int rc = BW_OK, bulk = 0;

    if (!n)
        return BW_OK;
    s->npend = 0;
    if (n >= RT_BULK_MIN) {
        sqlite3_stmt *q = NULL;
        int64_t sites = -1;
        if (sqlite3_prepare_v2(s->db, "SELECT max(rowid) FROM site", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            sites = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        if (sites < 0)
            return BW_ESTORE;
        bulk = (int64_t)n >= sites / RT_BULK_RATIO;
    }
    if (bulk)
        rc = rtree_rebuild(s);
    else
        for (size_t i = 0; i < n && !rc; i++)
            rc = rtree_put(s, s->pend[i].rowid, s->pend[i].lat, s->pend[i].lon);
    if (s->cappend > RT_BULK_MIN) {
        /* Give a large list's memory back. */
        bw_free(s->pend);
        s->pend = NULL;
        s->cappend = 0;
    }
    return rc;
}

int bw_store_site_put(bw_store *s, const struct bw_site *x, int upsert, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t rowid = -1;
    int step;

    if (x->operator_id) {
        int e = org_exists(s, x->operator_id);
        if (e < 0)
            return bw_sq_error(s, d, "looking up the operator");
        if (!e)
            return bw_diag_set(d, BW_EREF, "operator",
                               "unknown organisation '%s' (import organisations first)",
                               x->operator_id);
    }
    if (upsert) {
        rowid = site_rowid(s, x->id);
        if (rowid == -2)
            return bw_sq_error(s, d, "looking up the site");
    }
    q = stmt(s, rowid >= 0 ? ST_SITE_UPDATE : ST_SITE_INSERT);
    if (!q)
        return bw_sq_error(s, d, "preparing the site write");
    bw_sq_bind_text(q, 1, x->id);
    bw_sq_bind_text(q, 2, x->name);
    bw_sq_bind_text(q, 3, x->category);
    sqlite3_bind_double(q, 4, x->lat);
    sqlite3_bind_double(q, 5, x->lon);
    bw_sq_bind_text(q, 6, x->footprint);
    bw_sq_bind_opt_i64(q, 7, x->capacity);
    bw_sq_bind_text(q, 8, x->operator_id);
    bw_sq_bind_text(q, 9, x->supplies);
    bw_sq_bind_opt_i64(q, 10, x->population);
    bw_sq_bind_text(q, 11, x->region);
    bw_sq_bind_text(q, 12, x->tags);
    step = sqlite3_step(q);
    sqlite3_reset(q);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        return bw_diag_set(d, BW_EEXIST, "id", "duplicate site id '%s'", x->id);
    if (step != SQLITE_DONE)
        return bw_sq_error(s, d, "writing the site");
    if (rowid < 0)
        rowid = sqlite3_last_insert_rowid(s->db);
    if (s->in_tx > 0) {
        /* Written by rtree_flush before this transaction level ends. */
        if (s->npend == s->cappend) {
            size_t ncap = s->cappend ? s->cappend * 2 : 1024, bytes;
            struct rtree_pending *np;
            if (bw_mul_size(ncap, sizeof *np, &bytes) || !(np = bw_realloc(s->pend, bytes)))
                return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            s->pend = np;
            s->cappend = ncap;
        }
        s->pend[s->npend++] = (struct rtree_pending){rowid, x->lat, x->lon};
        return BW_OK;
    }
    return rtree_put(s, rowid, x->lat, x->lon) ? bw_sq_error(s, d, "writing the spatial index")
                                                : BW_OK;
}

int bw_store_org_put(bw_store *s, const struct bw_org *o, int upsert, struct bw_diag *d)
{
    sqlite3_stmt *q = stmt(s, upsert ? ST_ORG_UPSERT : ST_ORG_INSERT);
    int step;

    if (!q)
        return bw_sq_error(s, d, "preparing the organisation write");
    bw_sq_bind_text(q, 1, o->id);
    bw_sq_bind_text(q, 2, o->name);
    bw_sq_bind_text(q, 3, o->type);
    bw_sq_bind_text(q, 4, o->mandate);
    bw_sq_bind_text(q, 5, o->sectors);
    bw_sq_bind_text(q, 6, o->regions);
    bw_sq_bind_text(q, 7, o->contact_name);
    bw_sq_bind_text(q, 8, o->contact_phone);
    bw_sq_bind_text(q, 9, o->contact_email);
    step = sqlite3_step(q);
    sqlite3_reset(q);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE)
        return bw_diag_set(d, BW_EEXIST, "id", "duplicate organisation id '%s'", o->id);
    return step == SQLITE_DONE ? BW_OK : bw_sq_error(s, d, "writing the organisation");
}

/* Resolves a site id to its rowid, reporting an unknown site against @p field. */
static int resolve_site(bw_store *s, const char *id, const char *field, struct bw_diag *d,
                        int64_t *rowid)
{
    *rowid = site_rowid(s, id);
    if (*rowid == -2)
        return bw_sq_error(s, d, "looking up a site");
    if (*rowid < 0)
        return bw_diag_set(d, BW_EREF, field, "unknown site '%s'", id);
    return BW_OK;
}

int bw_store_dep_put(bw_store *s, const struct bw_dep *x, int upsert, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t a, b;
    int rc, step;

    if ((rc = resolve_site(s, x->site, "site", d, &a)) ||
        (rc = resolve_site(s, x->supplier, "supplier", d, &b)))
        return rc;
    q = stmt(s, upsert ? ST_DEP_UPSERT : ST_DEP_INSERT);
    if (!q)
        return bw_sq_error(s, d, "preparing the dependency write");
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    bw_sq_bind_text(q, 3, x->service);
    sqlite3_bind_int(q, 4, (int)x->kind);
    bw_sq_bind_text(q, 5, x->redundancy_group);
    sqlite3_bind_double(q, 6, x->buffer_hours);
    sqlite3_bind_int(q, 7, x->directed);
    sqlite3_bind_int(q, 8, x->needs > 0 ? x->needs : 1);
    step = sqlite3_step(q);
    sqlite3_reset(q);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY)
        return bw_diag_set(d, BW_EEXIST, "supplier",
                           "duplicate dependency: '%s' already has %s '%s' from '%s'", x->site,
                           bw_dep_kind_name(x->kind), x->service, x->supplier);
    return step == SQLITE_DONE ? BW_OK : bw_sq_error(s, d, "writing the dependency");
}

int bw_store_role_put(bw_store *s, const struct bw_role *x, int upsert, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t site;
    int rc, step, e;

    e = org_exists(s, x->org);
    if (e < 0)
        return bw_sq_error(s, d, "looking up the organisation");
    if (!e)
        return bw_diag_set(d, BW_EREF, "org", "unknown organisation '%s'", x->org);
    if ((rc = resolve_site(s, x->site, "site", d, &site)))
        return rc;
    q = stmt(s, upsert ? ST_ROLE_UPSERT : ST_ROLE_INSERT);
    if (!q)
        return bw_sq_error(s, d, "preparing the role write");
    bw_sq_bind_text(q, 1, x->org);
    sqlite3_bind_int64(q, 2, site);
    bw_sq_bind_text(q, 3, x->phase);
    bw_sq_bind_text(q, 4, x->description);
    step = sqlite3_step(q);
    sqlite3_reset(q);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY)
        return bw_diag_set(d, BW_EEXIST, "phase",
                           "duplicate role: '%s' already has phase '%s' at '%s'", x->org,
                           x->phase, x->site);
    return step == SQLITE_DONE ? BW_OK : bw_sq_error(s, d, "writing the role");
}

/* ---- reads ------------------------------------------------------------------------ */

/* Fills @p x from the 12 site columns starting at column 0 (strings borrowed). */
static void row_site(sqlite3_stmt *q, struct bw_site *x)
{
    x->id = bw_sq_col_text(q, 0);
    x->name = bw_sq_col_text(q, 1);
    x->category = bw_sq_col_text(q, 2);
    x->lat = sqlite3_column_double(q, 3);
    x->lon = sqlite3_column_double(q, 4);
    x->footprint = bw_sq_col_text(q, 5);
    x->capacity = bw_sq_col_opt_i64(q, 6);
    x->operator_id = bw_sq_col_text(q, 7);
    x->supplies = bw_sq_col_text(q, 8);
    x->population = bw_sq_col_opt_i64(q, 9);
    x->region = bw_sq_col_text(q, 10);
    x->tags = bw_sq_col_text(q, 11);
}

static void row_org(sqlite3_stmt *q, struct bw_org *o)
{
    o->id = bw_sq_col_text(q, 0);
    o->name = bw_sq_col_text(q, 1);
    o->type = bw_sq_col_text(q, 2);
    o->mandate = bw_sq_col_text(q, 3);
    o->sectors = bw_sq_col_text(q, 4);
    o->regions = bw_sq_col_text(q, 5);
    o->contact_name = bw_sq_col_text(q, 6);
    o->contact_phone = bw_sq_col_text(q, 7);
    o->contact_email = bw_sq_col_text(q, 8);
}

const char *bw_sq_dup(struct bw_arena *a, const char *s, int *oom)
{
    char *c;

    if (!s)
        return NULL;
    c = bw_arena_strndup(a, s, strlen(s));
    if (!c)
        *oom = 1;
    return c;
}

static int copy_site(struct bw_arena *a, struct bw_site *x)
{
    int oom = 0;

    x->id = bw_sq_dup(a, x->id, &oom);
    x->name = bw_sq_dup(a, x->name, &oom);
    x->category = bw_sq_dup(a, x->category, &oom);
    x->footprint = bw_sq_dup(a, x->footprint, &oom);
    x->operator_id = bw_sq_dup(a, x->operator_id, &oom);
    x->supplies = bw_sq_dup(a, x->supplies, &oom);
    x->region = bw_sq_dup(a, x->region, &oom);
    x->tags = bw_sq_dup(a, x->tags, &oom);
    return oom ? BW_ENOMEM : BW_OK;
}

int bw_sq_step_done(int step)
{
    return step == SQLITE_DONE ? BW_OK : BW_ESTORE;
}

int bw_sq_each_row(bw_store *s, const char *sql, const char *arg, int64_t iarg,
                    int (*row)(sqlite3_stmt *q, void *ctx), void *ctx)
{
    sqlite3_stmt *q;
    int rc = BW_OK, step;

    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    if (arg)
        bw_sq_bind_text(q, 1, arg);
    else if (iarg >= 0)
        sqlite3_bind_int64(q, 1, iarg);
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        if ((rc = row(q, ctx)) != 0)
            break;
    if (!rc)
        rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    return rc;
}

/* A user callback and its argument, for the row adapters below. */
typedef void (*any_fn)(void);
struct cb {
    any_fn fn; /* the caller's callback; ISO C allows casts between function pointers */
    void *ud;
};

static int org_row(sqlite3_stmt *q, void *ctx)
{
    struct cb *c = ctx;
    struct bw_org o;
    row_org(q, &o);
    return ((bw_org_cb)c->fn)(c->ud, &o);
}

static int dep_row(sqlite3_stmt *q, void *ctx)
{
    struct cb *c = ctx;
    struct bw_dep x = {bw_sq_col_text(q, 0),
                       bw_sq_col_text(q, 1),
                       bw_sq_col_text(q, 2),
                       (enum bw_dep_kind)sqlite3_column_int(q, 3),
                       bw_sq_col_text(q, 4),
                       sqlite3_column_double(q, 5),
                       sqlite3_column_int(q, 6),
                       sqlite3_column_int(q, 7)};
    return ((bw_dep_cb)c->fn)(c->ud, &x);
}

static int role_row(sqlite3_stmt *q, void *ctx)
{
    struct cb *c = ctx;
    struct bw_role x = {bw_sq_col_text(q, 0), bw_sq_col_text(q, 1), bw_sq_col_text(q, 2), bw_sq_col_text(q, 3)};
    return ((bw_role_cb)c->fn)(c->ud, &x);
}

int bw_store_sites_each(bw_store *s, const struct bw_site_query *qry, bw_site_cb cb, void *ud)
{
    static const char base[] = "SELECT id,name,category,lat,lon,footprint,capacity,operator,"
                               "supplies,population,region,tags FROM site";
    sqlite3_stmt *q = NULL;
    char *sql = NULL;
    size_t nc = qry ? qry->ncategories : 0;
    int rc = BW_OK, step;

    /* "category IN (?,?,...)" with one placeholder per category. */
    sql = bw_malloc(sizeof base + 64 + nc * 2);
    if (!sql)
        return BW_ENOMEM;
    memcpy(sql, base, sizeof base);
    if (nc) {
        size_t off = sizeof base - 1;
        memcpy(sql + off, " WHERE category IN (", 20);
        off += 20;
        for (size_t i = 0; i < nc; i++) {
            sql[off++] = i ? ',' : '?';
            if (i)
                sql[off++] = '?';
        }
        sql[off++] = ')';
        sql[off] = '\0';
    }
    memcpy(sql + strlen(sql), " ORDER BY id", 13);
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        bw_free(sql);
        return BW_ESTORE;
    }
    bw_free(sql);
    for (size_t i = 0; i < nc; i++)
        bw_sq_bind_text(q, (int)i + 1, qry->categories[i]);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_site x;
        row_site(q, &x);
        if ((rc = cb(ud, &x)) != 0)
            break;
    }
    if (!rc)
        rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    return rc;
}

int bw_store_site_get(bw_store *s, const char *id, struct bw_arena *a, struct bw_site *out)
{
    sqlite3_stmt *q = stmt(s, ST_SITE_GET);
    int rc = BW_ENOTFOUND;

    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW) {
        row_site(q, out);
        rc = copy_site(a, out);
    }
    sqlite3_reset(q);
    return rc;
}

int bw_store_org_get(bw_store *s, const char *id, struct bw_arena *a, struct bw_org *out)
{
    sqlite3_stmt *q = stmt(s, ST_ORG_GET);
    int rc = BW_ENOTFOUND, oom = 0;

    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW) {
        row_org(q, out);
        out->id = bw_sq_dup(a, out->id, &oom);
        out->name = bw_sq_dup(a, out->name, &oom);
        out->type = bw_sq_dup(a, out->type, &oom);
        out->mandate = bw_sq_dup(a, out->mandate, &oom);
        out->sectors = bw_sq_dup(a, out->sectors, &oom);
        out->regions = bw_sq_dup(a, out->regions, &oom);
        out->contact_name = bw_sq_dup(a, out->contact_name, &oom);
        out->contact_phone = bw_sq_dup(a, out->contact_phone, &oom);
        out->contact_email = bw_sq_dup(a, out->contact_email, &oom);
        rc = oom ? BW_ENOMEM : BW_OK;
    }
    sqlite3_reset(q);
    return rc;
}

int bw_store_orgs_each(bw_store *s, bw_org_cb cb, void *ud)
{
    struct cb c = {(any_fn)cb, ud};
    return bw_sq_each_row(s,
                    "SELECT id,name,type,mandate,sectors,regions,contact_name,contact_phone,"
                    "contact_email FROM org ORDER BY id",
                    NULL, -1, org_row, &c);
}

int bw_store_deps_each(bw_store *s, const char *site_id, bw_dep_cb cb, void *ud)
{
    struct cb c = {(any_fn)cb, ud};
    return bw_sq_each_row(s,
                    site_id ? "SELECT a.id,b.id,d.service,d.kind,d.redundancy_group,"
                              "d.buffer_hours,d.directed,d.needs FROM dep d "
                              "JOIN site a ON a.rowid=d.site JOIN site b ON b.rowid=d.supplier "
                              "WHERE a.id=?1 OR b.id=?1 ORDER BY a.id,b.id,d.service,d.kind"
                            : "SELECT a.id,b.id,d.service,d.kind,d.redundancy_group,"
                              "d.buffer_hours,d.directed,d.needs FROM dep d "
                              "JOIN site a ON a.rowid=d.site JOIN site b ON b.rowid=d.supplier "
                              "ORDER BY a.id,b.id,d.service,d.kind",
                    site_id, -1, dep_row, &c);
}

int bw_store_roles_each(bw_store *s, const char *site_id, bw_role_cb cb, void *ud)
{
    struct cb c = {(any_fn)cb, ud};
    return bw_sq_each_row(s,
                    site_id ? "SELECT r.org,s.id,r.phase,r.description FROM role r "
                              "JOIN site s ON s.rowid=r.site WHERE s.id=?1 "
                              "ORDER BY r.org,s.id,r.phase"
                            : "SELECT r.org,s.id,r.phase,r.description FROM role r "
                              "JOIN site s ON s.rowid=r.site ORDER BY r.org,s.id,r.phase",
                    site_id, -1, role_row, &c);
}

static int near_cmp(const void *a, const void *b)
{
    const struct bw_near *x = a, *y = b;
    if (x->distance_m != y->distance_m)
        return x->distance_m < y->distance_m ? -1 : 1;
    return strcmp(x->site.id, y->site.id);
}

int bw_store_sites_near(bw_store *s, double lat, double lon, double radius_m, size_t limit,
                        struct bw_arena *a, struct bw_near **out, size_t *n)
{
    struct bw_bbox box[2];
    struct bw_near *v = NULL;
    size_t cap = 0, len = 0;
    int nbox, rc = BW_OK;

    *out = NULL;
    *n = 0;
    if (!bw_geo_valid(lat, lon) || !(radius_m >= 0))
        return BW_EINVAL;
    if (rtree_flush(s))
        return BW_ESTORE;
    nbox = bw_geo_bbox_radius(lat, lon, radius_m, box);
    for (int b = 0; b < nbox && !rc; b++) {
        sqlite3_stmt *q = stmt(s, ST_NEAR);
        int step;
        if (!q)
            return BW_ESTORE;
        sqlite3_bind_double(q, 1, box[b].min_lat);
        sqlite3_bind_double(q, 2, box[b].max_lat);
        sqlite3_bind_double(q, 3, box[b].min_lon);
        sqlite3_bind_double(q, 4, box[b].max_lon);
        while ((step = sqlite3_step(q)) == SQLITE_ROW) {
            struct bw_site x;
            double dist;
            row_site(q, &x);
            dist = bw_geo_distance(lat, lon, x.lat, x.lon);
            if (dist > radius_m)
                continue;
            if (len == cap) {
                size_t ncap = cap ? cap * 2 : 64, bytes;
                struct bw_near *nv;
                if (bw_mul_size(ncap, sizeof *nv, &bytes) || !(nv = bw_realloc(v, bytes))) {
                    rc = BW_ENOMEM;
                    break;
                }
                v = nv;
                cap = ncap;
            }
            v[len].site = x;
            v[len].distance_m = dist;
            if ((rc = copy_site(a, &v[len].site)) != 0)
                break;
            len++;
        }
        if (!rc && step != SQLITE_DONE)
            rc = BW_ESTORE;
        sqlite3_reset(q);
    }
    if (!rc && len) {
        size_t keep = limit && limit < len ? limit : len;
        qsort(v, len, sizeof *v, near_cmp);
        *out = bw_arena_alloc(a, keep * sizeof *v);
        if (!*out)
            rc = BW_ENOMEM;
        else {
            memcpy(*out, v, keep * sizeof *v);
            *n = keep;
        }
    }
    bw_free(v);
    return rc;
}

int64_t bw_sq_count(bw_store *s, const char *sql)
{
    sqlite3_stmt *q;
    int64_t n = -1;

    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

int bw_store_counts(bw_store *s, struct bw_store_counts *c)
{
    c->sites = bw_sq_count(s, "SELECT count(*) FROM site");
    c->orgs = bw_sq_count(s, "SELECT count(*) FROM org");
    c->deps = bw_sq_count(s, "SELECT count(*) FROM dep");
    c->roles = bw_sq_count(s, "SELECT count(*) FROM role");
    c->designation_runs = bw_sq_count(s, "SELECT count(*) FROM designation_run");
    return (c->sites < 0 || c->orgs < 0 || c->deps < 0 || c->roles < 0 || c->designation_runs < 0)
               ? BW_ESTORE
               : BW_OK;
}

static int category_row(sqlite3_stmt *q, void *ctx)
{
    struct cb *c = ctx;
    int (*fn)(void *, const char *, int64_t, int64_t) =
        (int (*)(void *, const char *, int64_t, int64_t))c->fn;
    return fn(c->ud, bw_sq_col_text(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2));
}

int bw_store_category_counts(bw_store *s,
                             int (*cb)(void *ud, const char *category, int64_t n, int64_t cap),
                             void *ud)
{
    struct cb c = {(any_fn)cb, ud};
    return bw_sq_each_row(s,
                    "SELECT category,count(*),coalesce(sum(capacity),0) FROM site "
                    "GROUP BY category ORDER BY count(*) DESC, category",
                    NULL, -1, category_row, &c);
}

/* ---- designation ------------------------------------------------------------------ */

int bw_store_designation_save(bw_store *s, struct bw_designation_run *run,
                              const struct bw_decision *dec, size_t n)
{
    sqlite3_stmt *q;
    int rc = BW_OK;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO designation_run(at,pack_id,pack_version,pack_hash,"
                           "criteria_version,sites_considered,designated) VALUES(?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, run->at);
    bw_sq_bind_text(q, 2, run->pack_id);
    bw_sq_bind_text(q, 3, run->pack_version);
    bw_sq_bind_text(q, 4, run->pack_hash);
    bw_sq_bind_text(q, 5, run->criteria_version);
    sqlite3_bind_int64(q, 6, run->sites_considered);
    sqlite3_bind_int64(q, 7, run->designated);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    if (rc)
        return rc;
    run->id = sqlite3_last_insert_rowid(s->db);
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO designation(run,site,tier,critical,reasons) "
                           "VALUES(?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, run->id);
        bw_sq_bind_text(q, 2, dec[i].site);
        bw_sq_bind_text(q, 3, dec[i].tier);
        sqlite3_bind_int(q, 4, dec[i].critical);
        bw_sq_bind_text(q, 5, dec[i].reasons);
        rc = bw_sq_step_done(sqlite3_step(q));
    }
    sqlite3_finalize(q);
    if (!rc) {
        char object[24];
        snprintf(object, sizeof object, "%lld", (long long)run->id);
        rc = bw__audit_log(s, NULL, "designation.run", "designation_run", object,
                           "sites_considered=i designated=i criteria_version=s pack_version=s",
                           run->sites_considered, run->designated, run->criteria_version,
                           run->pack_version);
    }
    return rc;
}

int bw_store_designation_run(bw_store *s, int64_t run_id, struct bw_arena *a,
                             struct bw_designation_run *out)
{
    sqlite3_stmt *q;
    int rc = BW_ENOTFOUND, oom = 0;
    const char *sql = run_id > 0 ? "SELECT * FROM designation_run WHERE id=?1"
                      : run_id == 0
                          ? "SELECT * FROM designation_run ORDER BY id DESC LIMIT 1"
                          : "SELECT * FROM designation_run ORDER BY id DESC LIMIT 1 OFFSET 1";

    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    if (run_id > 0)
        sqlite3_bind_int64(q, 1, run_id);
    if (sqlite3_step(q) == SQLITE_ROW) {
        out->id = sqlite3_column_int64(q, 0);
        out->at = bw_sq_dup(a, bw_sq_col_text(q, 1), &oom);
        out->pack_id = bw_sq_dup(a, bw_sq_col_text(q, 2), &oom);
        out->pack_version = bw_sq_dup(a, bw_sq_col_text(q, 3), &oom);
        out->pack_hash = bw_sq_dup(a, bw_sq_col_text(q, 4), &oom);
        out->criteria_version = bw_sq_dup(a, bw_sq_col_text(q, 5), &oom);
        out->sites_considered = sqlite3_column_int64(q, 6);
        out->designated = sqlite3_column_int64(q, 7);
        rc = oom ? BW_ENOMEM : BW_OK;
    }
    sqlite3_finalize(q);
    return rc;
}

static int decision_row(sqlite3_stmt *q, void *ctx)
{
    struct cb *c = ctx;
    struct bw_decision d = {bw_sq_col_text(q, 0), bw_sq_col_text(q, 1), sqlite3_column_int(q, 2),
                            bw_sq_col_text(q, 3)};
    return ((int (*)(void *, const struct bw_decision *))c->fn)(c->ud, &d);
}

int bw_store_designation_each(bw_store *s, int64_t run_id,
                              int (*cb)(void *ud, const struct bw_decision *d), void *ud)
{
    struct cb c = {(any_fn)cb, ud};
    return bw_sq_each_row(s,
                    "SELECT site,tier,critical,reasons FROM designation WHERE run=? "
                    "ORDER BY site",
                    NULL, run_id, decision_row, &c);
}

int bw_store_sites_links_each(bw_store *s,
                              int (*cb)(void *ud, const struct bw_site *site,
                                        const struct bw_site_links *l),
                              void *ud)
{
    /* Per supplier: distinct dependants and the farthest one, from one ordered scan of
     * the supply dependencies; then one ordered scan of the sites. */
    sqlite3_stmt *q = NULL;
    struct bw_site_links *links = NULL;
    int64_t maxrow = bw_sq_count(s, "SELECT coalesce(max(rowid),0) FROM site"), prev_sup = -1,
            prev_site = -1;
    int rc = BW_OK, step;

    if (maxrow < 0)
        return BW_ESTORE;
    links = bw_calloc((size_t)maxrow + 1, sizeof *links);
    if (!links)
        return BW_ENOMEM;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT d.supplier,d.site,a.lat,a.lon,b.lat,b.lon FROM dep d "
                           "JOIN site a ON a.rowid=d.site JOIN site b ON b.rowid=d.supplier "
                           "WHERE d.kind=0 ORDER BY d.supplier,d.site",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = BW_ESTORE;
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t sup = sqlite3_column_int64(q, 0), site = sqlite3_column_int64(q, 1);
        double km;
        if (sup == prev_sup && site == prev_site)
            continue;
        prev_sup = sup;
        prev_site = site;
        km = bw_geo_distance(sqlite3_column_double(q, 4), sqlite3_column_double(q, 5),
                             sqlite3_column_double(q, 2), sqlite3_column_double(q, 3)) /
             1000.0;
        links[sup].dependants++;
        if (km > links[sup].reach_km)
            links[sup].reach_km = km;
    }
    rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    q = NULL;
    if (rc)
        goto out;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id,name,category,lat,lon,footprint,capacity,operator,"
                           "supplies,population,region,tags,rowid FROM site ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = BW_ESTORE;
        goto out;
    }
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_site x;
        row_site(q, &x);
        if ((rc = cb(ud, &x, &links[sqlite3_column_int64(q, 12)])) != 0)
            break;
    }
    if (!rc)
        rc = bw_sq_step_done(step);
out:
    sqlite3_finalize(q);
    bw_free(links);
    return rc;
}
