/*
 * store_portfolio.c — risk-reduction portfolios (store.h, "risk-reduction portfolios").
 *
 * A portfolio is one row of portfolio_run (the budgets, what was spent, the national
 * risk before and after, the constraints as JSON, the assessment run it came from) and
 * one row of portfolio_item per measure chosen at a site, written in one transaction
 * level so a portfolio is stored whole or not at all. Items are read by the
 * (run, reduction DESC) index. Part of the SQLite back end: helpers from
 * store_internal.h. Thread-safety: one handle per thread, like the rest of the store.
 */
#include "store.h"
#include "store_internal.h"
#include "arena.h"
#include "error.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

static int check_item(const struct bw_portfolio_item *it, size_t i, struct bw_diag *d)
{
    if (!it->site || !*it->site)
        return bw_diag_set(d, BW_EINVAL, "site", "portfolio item %zu: no site", i);
    if (!it->measure || !*it->measure)
        return bw_diag_set(d, BW_EINVAL, "measure", "portfolio item %zu: no measure", i);
    if (!(it->capital >= 0) || !(it->yearly >= 0) || !isfinite(it->capital) ||
        !isfinite(it->yearly))
        return bw_diag_set(d, BW_ERANGE, "capital", "portfolio item %zu (%s at %s): costs "
                           "must be finite and not negative", i, it->measure, it->site);
    if (!isfinite(it->risk_before) || !isfinite(it->risk_after) || !isfinite(it->reduction))
        return bw_diag_set(d, BW_ERANGE, "risk_before", "portfolio item %zu (%s at %s): "
                           "risks must be finite", i, it->measure, it->site);
    return BW_OK;
}

int bw_store_portfolio_save(bw_store *s, struct bw_portfolio_run *run,
                            const struct bw_portfolio_item *items, size_t n,
                            struct bw_diag *d)
{
    sqlite3 *db = bw_sq_db(s);
    sqlite3_stmt *q = NULL;
    int rc;

    if (!(run->budget >= 0) || !isfinite(run->budget))
        return bw_diag_set(d, BW_ERANGE, "budget", "the budget must be a finite amount, "
                           "0 or more (got %g)", run->budget);
    if (!isfinite(run->yearly) || !(run->capital_used >= 0) || !(run->yearly_used >= 0) ||
        !isfinite(run->risk_before) || !isfinite(run->risk_after))
        return bw_diag_set(d, BW_ERANGE, "yearly", "portfolio run: amounts must be finite "
                           "and spending not negative");
    for (size_t i = 0; i < n; i++)
        if ((rc = check_item(&items[i], i, d)))
            return rc;
    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting the portfolio transaction");
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO portfolio_run(at,assess_run,budget,yearly,capital_used,"
                           "yearly_used,risk_before,risk_after,options) VALUES("
                           "coalesce(?1,strftime('%Y-%m-%dT%H:%M:%fZ','now')),?2,?3,?4,?5,?6,?7,"
                           "?8,?9)",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "storing the portfolio run");
        goto out;
    }
    bw_sq_bind_text(q, 1, run->at);
    sqlite3_bind_int64(q, 2, run->assess_run);
    sqlite3_bind_double(q, 3, run->budget);
    sqlite3_bind_double(q, 4, run->yearly);
    sqlite3_bind_double(q, 5, run->capital_used);
    sqlite3_bind_double(q, 6, run->yearly_used);
    sqlite3_bind_double(q, 7, run->risk_before);
    sqlite3_bind_double(q, 8, run->risk_after);
    bw_sq_bind_text(q, 9, run->options ? run->options : "{}");
    if ((rc = bw_sq_step_done(sqlite3_step(q)))) {
        rc = bw_sq_error(s, d, "storing the portfolio run");
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    run->id = sqlite3_last_insert_rowid(db);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO portfolio_item(run,site,measure,capital,yearly,"
                           "risk_before,risk_after,reduction) VALUES(?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK) {
        rc = bw_sq_error(s, d, "storing the portfolio items");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct bw_portfolio_item *it = &items[i];
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, run->id);
        bw_sq_bind_text(q, 2, it->site);
        bw_sq_bind_text(q, 3, it->measure);
        sqlite3_bind_double(q, 4, it->capital);
        sqlite3_bind_double(q, 5, it->yearly);
        sqlite3_bind_double(q, 6, it->risk_before);
        sqlite3_bind_double(q, 7, it->risk_after);
        sqlite3_bind_double(q, 8, it->reduction);
        if ((rc = bw_sq_step_done(sqlite3_step(q)))) {
            rc = bw_sq_error(s, d, "storing the portfolio items");
            if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
                rc = bw_diag_set(d, BW_EEXIST, "measure", "portfolio item %zu: measure '%s' "
                                 "appears twice at site '%s'", i, it->measure, it->site);
            goto out;
        }
    }
    sqlite3_finalize(q);
    q = NULL;
    if (bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing the portfolio");
        goto out;
    }
    return BW_OK;
out:
    sqlite3_finalize(q);
    bw_store_rollback(s);
    run->id = 0;
    return rc;
}

#define RUN_COLS                                                                             \
    "id,at,assess_run,budget,yearly,capital_used,yearly_used,risk_before,risk_after,options"

struct run_get {
    struct bw_arena *a;
    struct bw_portfolio_run *out;
    int found, oom;
};

static int run_get_row(sqlite3_stmt *q, void *ctx)
{
    struct run_get *g = ctx;
    struct bw_portfolio_run *r = g->out;

    r->id = sqlite3_column_int64(q, 0);
    r->at = bw_sq_dup(g->a, bw_sq_col_text(q, 1), &g->oom);
    r->assess_run = sqlite3_column_int64(q, 2);
    r->budget = sqlite3_column_double(q, 3);
    r->yearly = sqlite3_column_double(q, 4);
    r->capital_used = sqlite3_column_double(q, 5);
    r->yearly_used = sqlite3_column_double(q, 6);
    r->risk_before = sqlite3_column_double(q, 7);
    r->risk_after = sqlite3_column_double(q, 8);
    r->options = bw_sq_dup(g->a, bw_sq_col_text(q, 9), &g->oom);
    g->found = 1;
    return 1; /* one row */
}

int bw_store_portfolio_run(bw_store *s, int64_t id, struct bw_arena *a,
                           struct bw_portfolio_run *out)
{
    struct run_get g = {a, out, 0, 0};
    int rc;

    memset(out, 0, sizeof *out);
    if (id < 0)
        return BW_ENOTFOUND;
    if (id > 0)
        rc = bw_sq_each_row(s, "SELECT " RUN_COLS " FROM portfolio_run WHERE id=?1", NULL, id,
                            run_get_row, &g);
    else
        rc = bw_sq_each_row(s, "SELECT " RUN_COLS " FROM portfolio_run ORDER BY id DESC "
                            "LIMIT 1", NULL, -1, run_get_row, &g);
    if (rc < 0 || rc > 1)
        return rc;
    if (g.oom)
        return BW_ENOMEM;
    return g.found ? BW_OK : BW_ENOTFOUND;
}

struct items_cb {
    int (*fn)(void *ud, const struct bw_portfolio_item *it);
    void *ud;
};

static int item_row(sqlite3_stmt *q, void *ctx)
{
    struct items_cb *c = ctx;
    struct bw_portfolio_item it;

    it.site = bw_sq_col_text(q, 0);
    it.measure = bw_sq_col_text(q, 1);
    it.capital = sqlite3_column_double(q, 2);
    it.yearly = sqlite3_column_double(q, 3);
    it.risk_before = sqlite3_column_double(q, 4);
    it.risk_after = sqlite3_column_double(q, 5);
    it.reduction = sqlite3_column_double(q, 6);
    return c->fn(c->ud, &it);
}

int bw_store_portfolio_items_each(bw_store *s, int64_t id,
                                  int (*cb)(void *ud, const struct bw_portfolio_item *it),
                                  void *ud)
{
    struct items_cb c = {cb, ud};

    return bw_sq_each_row(s,
                          "SELECT site,measure,capital,yearly,risk_before,risk_after,reduction "
                          "FROM portfolio_item WHERE run=?1 ORDER BY reduction DESC, site, "
                          "measure",
                          NULL, id, item_row, &c);
}
