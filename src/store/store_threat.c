/*
 * store_threat.c — the threat-level history and the measures at each site (migration
 * 003_threats_measures.sql).
 *
 * Threat levels are append-only: bw_store_threat_level_add inserts a row stamped with
 * the time it was set (UTC, millisecond precision, so that "the latest wins" is
 * well-defined) and the schema's triggers refuse any UPDATE or DELETE. Site measures
 * are one row per (site, measure), replaced by a put and removed by rm. Every write runs
 * in its own bw_store_begin/commit, which nests as a savepoint inside a caller's
 * transaction (the demo), and appends its audit entry (store_audit.c) in that same level,
 * so the entry exists exactly when the write does. Part of the SQLite back end: it shares
 * the handle and helpers of store_internal.h.
 */
#include "store.h"
#include "store_internal.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "measure.h"
#include "threat.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- threat levels --------------------------------------------------------------- */

/* Runs @p q to completion inside its own transaction level, with the audit entry of
 * the write of measure @p m (@p rm: its removal, BW_ENOTFOUND when nothing was there). */
static int write_one(bw_store *s, sqlite3_stmt *q, const struct bw_site_measure *m, int rm,
                     struct bw_diag *d, const char *what)
{
    int step, rc;

    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    step = sqlite3_step(q);
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = bw_sq_error(s, d, what);
        bw_store_rollback(s);
        return rc;
    }
    if (rm && sqlite3_changes(bw_sq_db(s)) == 0)
        rc = bw_diag_set(d, BW_ENOTFOUND, "measure", "site '%s' has no measure '%s'", m->site,
                         m->measure);
    else if (rm)
        rc = bw__audit_log(s, d, "measure.rm", "site", m->site, "measure=s", m->measure);
    else
        rc = bw__audit_log(s, d, "measure.add", "site", m->site,
                           "measure=s quality=f planned=b date=s", m->measure, m->quality,
                           m->planned, m->date);
    if (rc) {
        bw_store_rollback(s);
        return rc;
    }
    if (bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing");
        bw_store_rollback(s);
        return rc;
    }
    return BW_OK;
}

int bw_store_threat_level_add(bw_store *s, struct bw_threat_level *e, struct bw_arena *a,
                              struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    char valid_from[32];
    int rc, oom = 0;

    /* The row is written and read back in one statement, so the stamp the database
     * chose and the default valid_from (the day it was set) come back with the id. */
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "INSERT INTO threat_level(threat,level,region,sector,valid_from,"
                           "valid_to,set_at,note) SELECT ?1,?2,?3,?4,coalesce(?5,substr(t,1,10)),"
                           "?6,t,?8 FROM (SELECT coalesce(?7,strftime('%Y-%m-%dT%H:%M:%fZ',"
                           "'now')) AS t) RETURNING id,valid_from,set_at",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing the threat-level write");
    bw_sq_bind_text(q, 1, e->threat);
    bw_sq_bind_text(q, 2, e->level);
    bw_sq_bind_text(q, 3, e->region);
    bw_sq_bind_text(q, 4, e->sector);
    bw_sq_bind_text(q, 5, e->valid_from);
    bw_sq_bind_text(q, 6, e->valid_to);
    bw_sq_bind_text(q, 7, e->set_at);
    bw_sq_bind_text(q, 8, e->note);
    if (bw_store_begin(s)) {
        sqlite3_finalize(q);
        return bw_sq_error(s, d, "starting a transaction");
    }
    if (sqlite3_step(q) != SQLITE_ROW) {
        rc = bw_sq_error(s, d, "writing the threat level");
        goto fail;
    }
    e->id = sqlite3_column_int64(q, 0);
    snprintf(valid_from, sizeof valid_from, "%s",
             bw_sq_col_text(q, 1) ? bw_sq_col_text(q, 1) : "");
    if (!e->valid_from && a)
        e->valid_from = bw_sq_dup(a, bw_sq_col_text(q, 1), &oom);
    if (!e->set_at && a)
        e->set_at = bw_sq_dup(a, bw_sq_col_text(q, 2), &oom);
    if (oom) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    if (sqlite3_step(q) != SQLITE_DONE) {
        rc = bw_sq_error(s, d, "writing the threat level");
        goto fail;
    }
    {
        char object[24];
        snprintf(object, sizeof object, "%lld", (long long)e->id);
        rc = bw__audit_log(s, d, "threat_level.set", "threat_level", object,
                           "threat=s level=s region=s sector=s valid_from=s valid_to=s",
                           e->threat, e->level, e->region, e->sector, valid_from,
                           e->valid_to);
    }
    if (rc)
        goto fail;
    sqlite3_finalize(q);
    if (bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing the threat level");
        bw_store_rollback(s);
        return rc;
    }
    return BW_OK;
fail:
    sqlite3_finalize(q);
    bw_store_rollback(s);
    return rc;
}

struct level_walk {
    bw_threat_level_cb cb;
    void *ud;
};

static int level_row(sqlite3_stmt *q, void *ctx)
{
    struct level_walk *w = ctx;
    struct bw_threat_level e = {
        .id = sqlite3_column_int64(q, 0),
        .threat = bw_sq_col_text(q, 1),
        .level = bw_sq_col_text(q, 2),
        .rank = 0,
        .region = bw_sq_col_text(q, 3),
        .sector = bw_sq_col_text(q, 4),
        .valid_from = bw_sq_col_text(q, 5),
        .valid_to = bw_sq_col_text(q, 6),
        .set_at = bw_sq_col_text(q, 7),
        .note = bw_sq_col_text(q, 8),
    };
    return w->cb(w->ud, &e);
}

int bw_store_threat_levels_each(bw_store *s, const char *date, bw_threat_level_cb cb, void *ud)
{
    struct level_walk w = {cb, ud};
    static const char all[] = "SELECT id,threat,level,region,sector,valid_from,valid_to,set_at,"
                              "note FROM threat_level ORDER BY id";
    static const char on[] = "SELECT id,threat,level,region,sector,valid_from,valid_to,set_at,"
                             "note FROM threat_level WHERE valid_from<=?1 AND "
                             "(valid_to IS NULL OR valid_to>=?1) ORDER BY id";
    return bw_sq_each_row(s, date ? on : all, date, -1, level_row, &w);
}

/* ---- measures at sites ----------------------------------------------------------- */

/* The rowid of site @p id: >= 0, -1 when absent, -2 on a database error. */
static int64_t site_rowid(bw_store *s, const char *id)
{
    sqlite3_stmt *q;
    int64_t r = -2;
    int step;

    if (sqlite3_prepare_v2(bw_sq_db(s), "SELECT rowid FROM site WHERE id=?", -1, &q, NULL) !=
        SQLITE_OK)
        return -2;
    bw_sq_bind_text(q, 1, id);
    step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        r = sqlite3_column_int64(q, 0);
    else if (step == SQLITE_DONE)
        r = -1;
    sqlite3_finalize(q);
    return r;
}

static int find_site(bw_store *s, const char *id, struct bw_diag *d, int64_t *rowid)
{
    *rowid = site_rowid(s, id);
    if (*rowid == -2)
        return bw_sq_error(s, d, "looking up the site");
    if (*rowid == -1)
        return bw_diag_set(d, BW_EREF, "site", "unknown site '%s'", id);
    return BW_OK;
}

int bw_store_site_measure_put(bw_store *s, const struct bw_site_measure *m, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t site;
    int rc;

    if ((rc = find_site(s, m->site, d, &site)))
        return rc;
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "INSERT INTO site_measure(site,measure,quality,planned,date,note) "
                           "VALUES(?,?,?,?,?,?) ON CONFLICT(site,measure) DO UPDATE SET "
                           "quality=excluded.quality,planned=excluded.planned,"
                           "date=excluded.date,note=excluded.note",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing the site-measure write");
    sqlite3_bind_int64(q, 1, site);
    bw_sq_bind_text(q, 2, m->measure);
    sqlite3_bind_double(q, 3, m->quality);
    sqlite3_bind_int(q, 4, m->planned ? 1 : 0);
    bw_sq_bind_text(q, 5, m->date);
    bw_sq_bind_text(q, 6, m->note);
    rc = write_one(s, q, m, 0, d, "writing the site measure");
    sqlite3_finalize(q);
    return rc;
}

int bw_store_site_measure_rm(bw_store *s, const char *site_id, const char *measure,
                             struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t site;
    int rc;

    if ((rc = find_site(s, site_id, d, &site)))
        return rc;
    if (sqlite3_prepare_v2(bw_sq_db(s), "DELETE FROM site_measure WHERE site=? AND measure=?",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing the site-measure removal");
    sqlite3_bind_int64(q, 1, site);
    bw_sq_bind_text(q, 2, measure);
    {
        const struct bw_site_measure m = {.site = site_id, .measure = measure};
        rc = write_one(s, q, &m, 1, d, "removing the site measure");
    }
    sqlite3_finalize(q);
    return rc;
}

struct measure_walk {
    bw_site_measure_cb cb;
    void *ud;
};

static int measure_row(sqlite3_stmt *q, void *ctx)
{
    struct measure_walk *w = ctx;
    struct bw_site_measure m = {
        .site = bw_sq_col_text(q, 0),
        .measure = bw_sq_col_text(q, 1),
        .quality = sqlite3_column_double(q, 2),
        .planned = sqlite3_column_int(q, 3),
        .date = bw_sq_col_text(q, 4),
        .note = bw_sq_col_text(q, 5),
    };
    return w->cb(w->ud, &m);
}

int bw_store_site_measure_each(bw_store *s, const char *site, bw_site_measure_cb cb, void *ud)
{
    struct measure_walk w = {cb, ud};
    static const char all[] = "SELECT s.id,m.measure,m.quality,m.planned,m.date,m.note "
                              "FROM site_measure m JOIN site s ON s.rowid=m.site "
                              "ORDER BY s.id,m.measure";
    static const char one[] = "SELECT s.id,m.measure,m.quality,m.planned,m.date,m.note "
                              "FROM site_measure m JOIN site s ON s.rowid=m.site "
                              "WHERE s.id=?1 ORDER BY m.measure";
    return bw_sq_each_row(s, site ? one : all, site, -1, measure_row, &w);
}

/* ---- loading into arrays --------------------------------------------------------- */

/* A growable heap array of records whose strings are copied into an arena. */
struct collect {
    void *items;
    size_t n, cap, size;
    struct bw_arena *a;
    const bw_pack *p;
    int oom;
};

static void *collect_next(struct collect *c)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 32, bytes;
        void *nv;
        if (bw_mul_size(ncap, c->size, &bytes) || !(nv = bw_realloc(c->items, bytes)))
            return NULL;
        c->items = nv;
        c->cap = ncap;
    }
    return (char *)c->items + c->n++ * c->size;
}

/* Moves the collected array into the arena (so one bw_arena_release frees everything). */
static int collect_finish(struct collect *c, void **out, size_t *n)
{
    void *dst = NULL;
    size_t bytes = 0;

    if (!c->oom && c->n && (bw_mul_size(c->n, c->size, &bytes) ||
                            !(dst = bw_arena_alloc(c->a, bytes))))
        c->oom = 1;
    if (dst)
        memcpy(dst, c->items, bytes);
    bw_free(c->items);
    if (c->oom)
        return BW_ENOMEM;
    *out = dst;
    *n = c->n;
    return BW_OK;
}

static int collect_level(void *ud, const struct bw_threat_level *e)
{
    struct collect *c = ud;
    struct bw_threat_level *x = collect_next(c);
    const struct bw_threat_level_def *l;

    if (!x)
        return BW_ENOMEM;
    *x = *e;
    x->threat = bw_sq_dup(c->a, e->threat, &c->oom);
    x->level = bw_sq_dup(c->a, e->level, &c->oom);
    x->region = bw_sq_dup(c->a, e->region, &c->oom);
    x->sector = bw_sq_dup(c->a, e->sector, &c->oom);
    x->valid_from = bw_sq_dup(c->a, e->valid_from, &c->oom);
    x->valid_to = bw_sq_dup(c->a, e->valid_to, &c->oom);
    x->set_at = bw_sq_dup(c->a, e->set_at, &c->oom);
    x->note = bw_sq_dup(c->a, e->note, &c->oom);
    l = c->p && e->level ? bw_pack_threat_level(c->p, e->level) : NULL;
    x->rank = l ? l->rank : 0;
    return c->oom ? BW_ENOMEM : 0;
}

int bw_store_threat_levels_load(bw_store *s, const bw_pack *p, const char *date,
                                struct bw_arena *a, struct bw_threat_level **out, size_t *n)
{
    struct collect c = {NULL, 0, 0, sizeof **out, a, p, 0};
    int rc = bw_store_threat_levels_each(s, date, collect_level, &c);

    *out = NULL;
    *n = 0;
    if (rc) {
        bw_free(c.items);
        return rc;
    }
    return collect_finish(&c, (void **)out, n);
}

static int collect_measure(void *ud, const struct bw_site_measure *m)
{
    struct collect *c = ud;
    struct bw_site_measure *x = collect_next(c);

    if (!x)
        return BW_ENOMEM;
    *x = *m;
    x->site = bw_sq_dup(c->a, m->site, &c->oom);
    x->measure = bw_sq_dup(c->a, m->measure, &c->oom);
    x->date = bw_sq_dup(c->a, m->date, &c->oom);
    x->note = bw_sq_dup(c->a, m->note, &c->oom);
    return c->oom ? BW_ENOMEM : 0;
}

int bw_store_site_measures_load(bw_store *s, const char *site, struct bw_arena *a,
                                struct bw_site_measure **out, size_t *n)
{
    struct collect c = {NULL, 0, 0, sizeof **out, a, NULL, 0};
    int rc = bw_store_site_measure_each(s, site, collect_measure, &c);

    *out = NULL;
    *n = 0;
    if (rc) {
        bw_free(c.items);
        return rc;
    }
    return collect_finish(&c, (void **)out, n);
}
