/*
 * store_assess.c — risk-assessment runs and the national risk register (store.h).
 *
 * A run is one row of assess_run (what it read, how, how long) and one row of
 * assess_result per site x threat type, written with one prepared statement inside the
 * caller's transaction. Reads go by the (run, risk DESC) index, so the top of a
 * register of millions of rows comes back at once. Rank comparison between runs uses
 * window functions (RANK over risk) and a FULL OUTER JOIN, both in the SQLite Debian 12
 * ships (3.40). Saving a run appends one audit entry (store_audit.c) when its header is
 * written, in the caller's transaction, whatever the number of rows. Part of the SQLite
 * back end: helpers from store_internal.h.
 */
#include "store.h"
#include "store_internal.h"
#include "arena.h"
#include "error.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int bw_store_assess_save(bw_store *s, struct bw_assess_run *run, const struct bw_risk_row *rows,
                         size_t n, struct bw_diag *d)
{
    sqlite3 *db = bw_sq_db(s);
    sqlite3_stmt *q;
    int rc = BW_OK;

    if (run->id > 0)
        goto rows; /* appending a further batch of rows */
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO assess_run(at,pack_id,pack_version,pack_hash,inputs_hash,"
                           "seed,trials,threads,sites,threats,elapsed_s,note,levels_date,cascade) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "storing the assessment run");
    bw_sq_bind_text(q, 1, run->at);
    bw_sq_bind_text(q, 2, run->pack_id);
    bw_sq_bind_text(q, 3, run->pack_version);
    bw_sq_bind_text(q, 4, run->pack_hash);
    bw_sq_bind_text(q, 5, run->inputs_hash);
    /* SQLite integers are signed: the seed's bits are stored as they are. */
    sqlite3_bind_int64(q, 6, (sqlite3_int64)run->seed);
    sqlite3_bind_int64(q, 7, run->trials);
    sqlite3_bind_int64(q, 8, run->threads);
    sqlite3_bind_int64(q, 9, run->sites);
    sqlite3_bind_int64(q, 10, run->threats);
    sqlite3_bind_double(q, 11, run->elapsed_s);
    bw_sq_bind_text(q, 12, run->note);
    bw_sq_bind_text(q, 13, run->date);
    sqlite3_bind_int(q, 14, run->cascade != 0);
    rc = bw_sq_step_done(sqlite3_step(q));
    if (rc)
        rc = bw_sq_error(s, d, "storing the assessment run");
    sqlite3_finalize(q);
    if (rc)
        return rc;
    run->id = sqlite3_last_insert_rowid(db);
    {
        char object[24], seed[24];
        snprintf(object, sizeof object, "%lld", (long long)run->id);
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
        rc = bw__audit_log(s, d, "assess.run", "assess_run", object,
                           "sites=i threats=i trials=i seed=s date=s cascade=b inputs_hash=s "
                           "pack_version=s",
                           run->sites, run->threats, run->trials, seed, run->date, run->cascade,
                           run->inputs_hash, run->pack_version);
        if (rc)
            return rc;
    }
rows:
    if (n == 0)
        return BW_OK;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO assess_result(run,site,threat,likelihood,vulnerability,"
                           "consequence,risk,conditional_risk,risk_p5,risk_p50,risk_p95,"
                           "fatalities,injuries,outage_ph,economic,symbolic) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "storing the risk register");
    for (size_t i = 0; i < n && !rc; i++) {
        const struct bw_risk_row *r = &rows[i];
        const double v[] = {r->likelihood, r->vulnerability, r->consequence, r->risk,
                            r->conditional_risk, r->risk_p5, r->risk_p50, r->risk_p95,
                            r->fatalities, r->injuries, r->outage_ph, r->economic,
                            r->symbolic};
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, run->id);
        bw_sq_bind_text(q, 2, r->site);
        bw_sq_bind_text(q, 3, r->threat);
        for (int k = 0; k < (int)(sizeof v / sizeof v[0]); k++)
            if (isnan(v[k])) /* percentiles of a run without trials */
                sqlite3_bind_null(q, 4 + k);
            else
                sqlite3_bind_double(q, 4 + k, v[k]);
        if ((rc = bw_sq_step_done(sqlite3_step(q))))
            rc = bw_sq_error(s, d, "storing the risk register");
    }
    sqlite3_finalize(q);
    return rc;
}

#define RUN_COLS                                                                             \
    "id,at,pack_id,pack_version,pack_hash,inputs_hash,seed,trials,threads,sites,threats,"  \
    "elapsed_s,note,levels_date,cascade"

static void row_run(sqlite3_stmt *q, struct bw_assess_run *r)
{
    r->id = sqlite3_column_int64(q, 0);
    r->at = bw_sq_col_text(q, 1);
    r->pack_id = bw_sq_col_text(q, 2);
    r->pack_version = bw_sq_col_text(q, 3);
    r->pack_hash = bw_sq_col_text(q, 4);
    r->inputs_hash = bw_sq_col_text(q, 5);
    r->seed = (uint64_t)sqlite3_column_int64(q, 6);
    r->trials = sqlite3_column_int64(q, 7);
    r->threads = sqlite3_column_int64(q, 8);
    r->sites = sqlite3_column_int64(q, 9);
    r->threats = sqlite3_column_int64(q, 10);
    r->elapsed_s = sqlite3_column_double(q, 11);
    r->note = bw_sq_col_text(q, 12);
    r->date = bw_sq_col_text(q, 13);
    r->cascade = sqlite3_column_int(q, 14);
}

struct run_get {
    struct bw_arena *a;
    struct bw_assess_run *out;
    int found, oom;
};

static int run_get_row(sqlite3_stmt *q, void *ctx)
{
    struct run_get *g = ctx;
    struct bw_assess_run *r = g->out;

    row_run(q, r);
    r->at = bw_sq_dup(g->a, r->at, &g->oom);
    r->pack_id = bw_sq_dup(g->a, r->pack_id, &g->oom);
    r->pack_version = bw_sq_dup(g->a, r->pack_version, &g->oom);
    r->pack_hash = bw_sq_dup(g->a, r->pack_hash, &g->oom);
    r->inputs_hash = bw_sq_dup(g->a, r->inputs_hash, &g->oom);
    r->note = bw_sq_dup(g->a, r->note, &g->oom);
    r->date = bw_sq_dup(g->a, r->date, &g->oom);
    g->found = 1;
    return 1; /* one row */
}

int bw_store_assess_run(bw_store *s, int64_t run_id, struct bw_arena *a,
                        struct bw_assess_run *out)
{
    struct run_get g = {a, out, 0, 0};
    int rc;

    memset(out, 0, sizeof *out);
    if (run_id > 0)
        rc = bw_sq_each_row(s, "SELECT " RUN_COLS " FROM assess_run WHERE id=?1", NULL, run_id,
                            run_get_row, &g);
    else
        rc = bw_sq_each_row(s,
                            "SELECT " RUN_COLS " FROM assess_run ORDER BY id DESC "
                            "LIMIT 1 OFFSET ?1",
                            NULL, -run_id, run_get_row, &g);
    if (rc < 0 || rc > 1)
        return rc;
    if (g.oom)
        return BW_ENOMEM;
    return g.found ? BW_OK : BW_ENOTFOUND;
}

/* A user callback and its argument, for the row adapters below. */
struct runs_cb {
    int (*fn)(void *ud, const struct bw_assess_run *r);
    void *ud;
};

static int runs_row(sqlite3_stmt *q, void *ctx)
{
    struct runs_cb *c = ctx;
    struct bw_assess_run r;

    row_run(q, &r);
    return c->fn(c->ud, &r);
}

int bw_store_assess_runs_each(bw_store *s, int (*cb)(void *ud, const struct bw_assess_run *r),
                              void *ud)
{
    struct runs_cb c = {cb, ud};

    return bw_sq_each_row(s, "SELECT " RUN_COLS " FROM assess_run ORDER BY id DESC", NULL, -1,
                          runs_row, &c);
}

int bw_store_risks_each(bw_store *s, const struct bw_risk_query *rq,
                        int (*cb)(void *ud, const struct bw_risk_row *r), void *ud)
{
    sqlite3_stmt *q;
    int rc = BW_OK, step;

    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "SELECT site,threat,likelihood,vulnerability,consequence,risk,"
                           "conditional_risk,risk_p5,risk_p50,risk_p95,fatalities,injuries,"
                           "outage_ph,economic,symbolic FROM assess_result "
                           "WHERE run=?1 AND (?2 IS NULL OR site=?2) AND (?3 IS NULL OR threat=?3) "
                           "ORDER BY risk DESC, site, threat LIMIT ?4",
                           -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, rq->run);
    bw_sq_bind_text(q, 2, rq->site);
    bw_sq_bind_text(q, 3, rq->threat);
    sqlite3_bind_int64(q, 4, rq->limit ? (sqlite3_int64)rq->limit : -1);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_risk_row r;
        double *v[] = {&r.likelihood, &r.vulnerability, &r.consequence, &r.risk,
                       &r.conditional_risk, &r.risk_p5, &r.risk_p50, &r.risk_p95,
                       &r.fatalities, &r.injuries, &r.outage_ph, &r.economic, &r.symbolic};
        r.site = bw_sq_col_text(q, 0);
        r.threat = bw_sq_col_text(q, 1);
        for (int k = 0; k < (int)(sizeof v / sizeof v[0]); k++)
            *v[k] = sqlite3_column_type(q, 2 + k) == SQLITE_NULL ? NAN
                                                                 : sqlite3_column_double(q, 2 + k);
        if ((rc = cb(ud, &r)) != 0)
            break;
    }
    if (!rc)
        rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    return rc;
}

int bw_store_risks_diff(bw_store *s, int64_t a, int64_t b, size_t limit,
                        int (*cb)(void *ud, const struct bw_risk_change *c), void *ud)
{
    sqlite3_stmt *q;
    int rc = BW_OK, step;

    if (sqlite3_prepare_v2(
            bw_sq_db(s),
            "WITH ra AS (SELECT site,threat,risk,RANK() OVER (ORDER BY risk DESC) AS rk "
            "FROM assess_result WHERE run=?1), "
            "rb AS (SELECT site,threat,risk,RANK() OVER (ORDER BY risk DESC) AS rk "
            "FROM assess_result WHERE run=?2) "
            "SELECT coalesce(ra.site,rb.site) AS st, coalesce(ra.threat,rb.threat) AS th, "
            "ra.site IS NOT NULL, rb.site IS NOT NULL, coalesce(ra.risk,0), coalesce(rb.risk,0), "
            "coalesce(ra.rk,0), coalesce(rb.rk,0) "
            "FROM ra FULL OUTER JOIN rb ON ra.site=rb.site AND ra.threat=rb.threat "
            "ORDER BY abs(coalesce(rb.risk,0)-coalesce(ra.risk,0)) DESC, st, th LIMIT ?3",
            -1, &q, NULL) != SQLITE_OK)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    sqlite3_bind_int64(q, 3, limit ? (sqlite3_int64)limit : -1);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_risk_change c;
        c.site = bw_sq_col_text(q, 0);
        c.threat = bw_sq_col_text(q, 1);
        c.present_a = sqlite3_column_int(q, 2);
        c.present_b = sqlite3_column_int(q, 3);
        c.risk_a = sqlite3_column_double(q, 4);
        c.risk_b = sqlite3_column_double(q, 5);
        c.rank_a = sqlite3_column_int64(q, 6);
        c.rank_b = sqlite3_column_int64(q, 7);
        if ((rc = cb(ud, &c)) != 0)
            break;
    }
    if (!rc)
        rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    return rc;
}
