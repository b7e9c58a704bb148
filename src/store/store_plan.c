/*
 * store_plan.c — the national action plan (migration 008_plan.sql): objectives, actions
 * with their supporting organisations, indicators, sites and milestones, and the
 * append-only history of status and progress updates.
 *
 * Writes check what only the register knows (that the lead and supporting organisations
 * and the sites exist) and name the field at fault; what the pack knows (indicators) and
 * the lifecycle (transitions) are checked before, by plan.c. Every write runs in its own
 * bw_store_begin/commit, which nests as a savepoint inside a caller's transaction (plan
 * generation), so a failure anywhere leaves the database as it was. Loading counts each
 * table first and fills arrays of exactly that size in the caller's arena; rows come in
 * id order, so the lists of an action are contiguous and found by binary search on the
 * action id. Part of the SQLite back end (store_internal.h). Not thread-safe on one
 * handle.
 */
#include "store.h"
#include "store_internal.h"
#include "arena.h"
#include "error.h"
#include "plan.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------------------- */

static int prepare(bw_store *s, const char *sql, sqlite3_stmt **q, struct bw_diag *d)
{
    if (sqlite3_prepare_v2(bw_sq_db(s), sql, -1, q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing a plan statement");
    return BW_OK;
}

/* Whether @p sql, with ?1 bound to @p id (or to @p iid when id is NULL), returns a row. */
static int exists(bw_store *s, const char *sql, const char *id, int64_t iid, int *out,
                  struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc, step;
    if ((rc = prepare(s, sql, &q, d)))
        return rc;
    if (id)
        bw_sq_bind_text(q, 1, id);
    else
        sqlite3_bind_int64(q, 1, iid);
    step = sqlite3_step(q);
    *out = step == SQLITE_ROW;
    sqlite3_finalize(q);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return bw_sq_error(s, d, "looking up a reference");
    return BW_OK;
}

static int org_known(bw_store *s, const char *org, const char *field, struct bw_diag *d)
{
    int found, rc;
    if ((rc = exists(s, "SELECT 1 FROM org WHERE id=?1", org, 0, &found, d)))
        return rc;
    if (!found)
        return bw_diag_set(d, BW_EREF, field, "unknown organisation '%s' (see `bulwark orgs`)",
                           org);
    return BW_OK;
}

static int run(sqlite3_stmt *q, bw_store *s, const char *what, struct bw_diag *d)
{
    int step = sqlite3_step(q);
    sqlite3_reset(q);
    if (step != SQLITE_DONE)
        return bw_sq_error(s, d, what);
    return BW_OK;
}

/* Ends the transaction level opened by a write: commits when rc is BW_OK, else rolls
 * back; returns the result. */
static int finish(bw_store *s, int rc, struct bw_diag *d)
{
    if (rc == BW_OK && bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing");
        bw_store_rollback(s);
    } else if (rc != BW_OK)
        bw_store_rollback(s);
    return rc;
}

int bw_store_plan_objective_add(bw_store *s, const struct bw_plan_objective *o, int64_t *id,
                                struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (!o->title || !*o->title)
        return bw_diag_set(d, BW_EINVAL, "title", "an objective needs a title");
    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    if (!(rc = prepare(s, "INSERT INTO plan_objective(title,area,origin,created) VALUES(?1,?2,"
                          "?3,strftime('%Y-%m-%d','now'))", &q, d))) {
        bw_sq_bind_text(q, 1, o->title);
        bw_sq_bind_text(q, 2, o->area);
        bw_sq_bind_text(q, 3, o->origin ? o->origin : "manual");
        rc = run(q, s, "writing the objective", d);
        *id = sqlite3_last_insert_rowid(bw_sq_db(s));
    }
    sqlite3_finalize(q);
    return finish(s, rc, d);
}

static int add_history(bw_store *s, const struct bw_plan_update *u, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc;
    if ((rc = prepare(s, "INSERT INTO plan_update(action,date,who,status,progress,spent,note,at) "
                         "VALUES(?1,?2,?3,?4,?5,?6,?7,strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                      &q, d)))
        return rc;
    sqlite3_bind_int64(q, 1, u->action);
    bw_sq_bind_text(q, 2, u->date);
    bw_sq_bind_text(q, 3, u->who);
    bw_sq_bind_text(q, 4, bw_plan_status_name(u->status));
    sqlite3_bind_int(q, 5, u->progress);
    sqlite3_bind_double(q, 6, u->spent);
    bw_sq_bind_text(q, 7, u->note);
    rc = run(q, s, "writing the history entry", d);
    sqlite3_finalize(q);
    return rc;
}

/* Inserts @p n pairs (action, v[i]) with @p sql, after checking each with @p check. */
static int add_list(bw_store *s, const char *sql, int64_t action, const char *const *v, size_t n,
                    const char *field, const char *check_sql, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc = BW_OK, found;

    for (size_t i = 0; i < n; i++) {
        if (check_sql) {
            if ((rc = exists(s, check_sql, v[i], 0, &found, d)))
                return rc;
            if (!found)
                return bw_diag_set(d, BW_EREF, field, "unknown %s '%s' (see `bulwark %s`)",
                                   strcmp(field, "site") == 0 ? "site" : "organisation", v[i],
                                   strcmp(field, "site") == 0 ? "sites list" : "orgs");
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(v[k], v[i]) == 0)
                return bw_diag_set(d, BW_EINVAL, field, "'%s' is listed twice", v[i]);
    }
    if ((rc = prepare(s, sql, &q, d)))
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_bind_int64(q, 1, action);
        bw_sq_bind_text(q, 2, v[i]);
        rc = run(q, s, "writing the action's list", d);
    }
    sqlite3_finalize(q);
    return rc;
}

int bw_store_plan_action_add(bw_store *s, const struct bw_plan_action *a,
                             const struct bw_plan_milestone *m, size_t nm, const char *date,
                             const char *who, int64_t *id, struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    int rc, found;
    int64_t aid = 0;

    if ((rc = exists(s, "SELECT 1 FROM plan_objective WHERE id=?1", NULL, a->objective, &found,
                     d)))
        return rc;
    if (!found)
        return bw_diag_set(d, BW_ENOTFOUND, "objective", "no objective %lld (see `bulwark plan "
                           "show`)", (long long)a->objective);
    if (a->lead && (rc = org_known(s, a->lead, "lead", d)))
        return rc;
    for (size_t i = 0; i < nm; i++)
        if (!m[i].title || !*m[i].title || !m[i].date)
            return bw_diag_set(d, BW_EINVAL, "milestone", "milestone %zu needs a date and a "
                               "title", i + 1);
    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    if ((rc = prepare(s, "INSERT INTO plan_action(objective,title,lead,due,status,progress,"
                         "capital,yearly,spent,priority,origin,note,created) VALUES(?1,?2,?3,?4,"
                         "?5,?6,?7,?8,?9,?10,?11,?12,coalesce(?13,strftime('%Y-%m-%d','now')))",
                      &q, d)))
        goto out;
    sqlite3_bind_int64(q, 1, a->objective);
    bw_sq_bind_text(q, 2, a->title);
    bw_sq_bind_text(q, 3, a->lead);
    bw_sq_bind_text(q, 4, a->due);
    bw_sq_bind_text(q, 5, bw_plan_status_name(a->status));
    sqlite3_bind_int(q, 6, a->progress);
    sqlite3_bind_double(q, 7, a->capital);
    sqlite3_bind_double(q, 8, a->yearly);
    sqlite3_bind_double(q, 9, a->spent);
    bw_sq_bind_text(q, 10, a->priority);
    bw_sq_bind_text(q, 11, a->origin ? a->origin : "manual");
    bw_sq_bind_text(q, 12, a->note);
    bw_sq_bind_text(q, 13, date);
    if ((rc = run(q, s, "writing the action", d)))
        goto out;
    aid = sqlite3_last_insert_rowid(bw_sq_db(s));
    if ((rc = add_list(s, "INSERT INTO plan_action_support(action,org) VALUES(?1,?2)", aid,
                       a->support, a->nsupport, "support", "SELECT 1 FROM org WHERE id=?1", d)) ||
        (rc = add_list(s, "INSERT INTO plan_action_indicator(action,indicator) VALUES(?1,?2)",
                       aid, a->indicators, a->nindicators, "indicator", NULL, d)) ||
        (rc = add_list(s, "INSERT INTO plan_action_site(action,site) VALUES(?1,?2)", aid,
                       a->sites, a->nsites, "site", "SELECT 1 FROM site WHERE id=?1", d)))
        goto out;
    sqlite3_finalize(q);
    q = NULL;
    if ((rc = prepare(s, "INSERT INTO plan_milestone(action,date,title,done) VALUES(?1,?2,?3,?4)",
                      &q, d)))
        goto out;
    for (size_t i = 0; i < nm && !rc; i++) {
        sqlite3_bind_int64(q, 1, aid);
        bw_sq_bind_text(q, 2, m[i].date);
        bw_sq_bind_text(q, 3, m[i].title);
        sqlite3_bind_int(q, 4, m[i].done ? 1 : 0);
        rc = run(q, s, "writing a milestone", d);
    }
    if (!rc) {
        struct bw_plan_update u = {0, aid, date, who, a->status, a->progress, a->spent,
                                   "created"};
        if (!date) {
            /* The history's first entry carries the action's creation date. */
            sqlite3_stmt *c;
            if ((rc = prepare(s, "SELECT created FROM plan_action WHERE id=?1", &c, d)))
                goto out;
            sqlite3_bind_int64(c, 1, aid);
            if (sqlite3_step(c) == SQLITE_ROW) {
                char day[11];
                const char *t = bw_sq_col_text(c, 0);
                memcpy(day, t ? t : "0000-00-00", 10);
                day[10] = 0;
                u.date = day;
                rc = add_history(s, &u, d);
            } else
                rc = bw_sq_error(s, d, "reading the action back");
            sqlite3_finalize(c);
        } else
            rc = add_history(s, &u, d);
    }
out:
    sqlite3_finalize(q);
    rc = finish(s, rc, d);
    if (!rc)
        *id = aid;
    return rc;
}

int bw_store_plan_action_update(bw_store *s, const struct bw_plan_action *next,
                                const struct bw_plan_update *u, struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (next->lead && (rc = org_known(s, next->lead, "lead", d)))
        return rc;
    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    if ((rc = prepare(s, "UPDATE plan_action SET lead=?2,due=?3,status=?4,progress=?5,spent=?6 "
                         "WHERE id=?1", &q, d)))
        goto out;
    sqlite3_bind_int64(q, 1, next->id);
    bw_sq_bind_text(q, 2, next->lead);
    bw_sq_bind_text(q, 3, next->due);
    bw_sq_bind_text(q, 4, bw_plan_status_name(next->status));
    sqlite3_bind_int(q, 5, next->progress);
    sqlite3_bind_double(q, 6, next->spent);
    if ((rc = run(q, s, "updating the action", d)))
        goto out;
    if (sqlite3_changes(bw_sq_db(s)) != 1) {
        rc = bw_diag_set(d, BW_ENOTFOUND, "action", "no action %lld", (long long)next->id);
        goto out;
    }
    rc = add_history(s, u, d);
out:
    sqlite3_finalize(q);
    return finish(s, rc, d);
}

int bw_store_plan_milestone_done(bw_store *s, int64_t action, int64_t id, struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    if (!(rc = prepare(s, "UPDATE plan_milestone SET done=1 WHERE id=?1 AND action=?2", &q, d))) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, action);
        if (!(rc = run(q, s, "updating the milestone", d)) && sqlite3_changes(bw_sq_db(s)) != 1)
            rc = bw_diag_set(d, BW_ENOTFOUND, "milestone", "action %lld has no milestone %lld",
                             (long long)action, (long long)id);
    }
    sqlite3_finalize(q);
    return finish(s, rc, d);
}

int bw_store_plan_origin_exists(bw_store *s, const char *origin, int *out, struct bw_diag *d)
{
    int a, b, rc;
    if ((rc = exists(s, "SELECT 1 FROM plan_objective WHERE origin=?1", origin, 0, &a, d)) ||
        (rc = exists(s, "SELECT 1 FROM plan_action WHERE origin=?1", origin, 0, &b, d)))
        return rc;
    *out = a || b;
    return BW_OK;
}

/* ---- loading -------------------------------------------------------------------------- */

struct load {
    struct bw_plan *pl;
    struct bw_arena *a;
    int oom;
    size_t i, cap;                 /* rows filled, rows counted */
    const char **list;             /* a list column's strings */
    int which;                     /* 0 support, 1 indicators, 2 sites */
};

static const char *dup(struct load *l, sqlite3_stmt *q, int col)
{
    return bw_sq_dup(l->a, bw_sq_col_text(q, col), &l->oom);
}

static int status_of(const char *name)
{
    enum bw_plan_status st = BW_PLAN_PLANNED;
    struct bw_diag d;
    bw_diag_clear(&d);
    bw_plan_status_parse(name, &st, &d);
    return (int)st;
}

static int objective_row(sqlite3_stmt *q, void *ctx)
{
    struct load *l = ctx;
    struct bw_plan_objective *o;
    if (l->i >= l->cap)
        return 0; /* rows added since counting: not part of this snapshot */
    o = &l->pl->objectives[l->i++];
    o->id = sqlite3_column_int64(q, 0);
    o->title = dup(l, q, 1);
    o->area = dup(l, q, 2);
    o->origin = dup(l, q, 3);
    return l->oom;
}

static int action_row(sqlite3_stmt *q, void *ctx)
{
    struct load *l = ctx;
    struct bw_plan_action *a;
    if (l->i >= l->cap)
        return 0;
    a = &l->pl->actions[l->i++];
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(q, 0);
    a->objective = sqlite3_column_int64(q, 1);
    a->title = dup(l, q, 2);
    a->lead = dup(l, q, 3);
    a->due = dup(l, q, 4);
    a->status = (enum bw_plan_status)status_of(bw_sq_col_text(q, 5));
    a->progress = sqlite3_column_int(q, 6);
    a->capital = sqlite3_column_double(q, 7);
    a->yearly = sqlite3_column_double(q, 8);
    a->spent = sqlite3_column_double(q, 9);
    a->priority = dup(l, q, 10);
    a->origin = dup(l, q, 11);
    a->note = dup(l, q, 12);
    a->created = dup(l, q, 13);
    return l->oom;
}

static struct bw_plan_action *find_action(struct bw_plan *pl, int64_t id)
{
    size_t lo = 0, hi = pl->nactions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->actions[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pl->nactions && pl->actions[lo].id == id ? &pl->actions[lo] : NULL;
}

static int list_row(sqlite3_stmt *q, void *ctx)
{
    struct load *l = ctx;
    struct bw_plan_action *a = find_action(l->pl, sqlite3_column_int64(q, 0));
    const char **slot;
    if (!a || l->i >= l->cap)
        return 0;
    slot = &l->list[l->i++];
    *slot = dup(l, q, 1);
    /* Rows come ordered by action, so an action's entries are contiguous. */
    switch (l->which) {
    case 0:
        if (!a->nsupport)
            a->support = slot;
        a->nsupport++;
        break;
    case 1:
        if (!a->nindicators)
            a->indicators = slot;
        a->nindicators++;
        break;
    default:
        if (!a->nsites)
            a->sites = slot;
        a->nsites++;
    }
    return l->oom;
}

static int milestone_row(sqlite3_stmt *q, void *ctx)
{
    struct load *l = ctx;
    struct bw_plan_milestone *m;
    if (l->i >= l->cap)
        return 0;
    m = &l->pl->milestones[l->i++];
    m->id = sqlite3_column_int64(q, 0);
    m->action = sqlite3_column_int64(q, 1);
    m->date = dup(l, q, 2);
    m->title = dup(l, q, 3);
    m->done = sqlite3_column_int(q, 4);
    return l->oom;
}

static int update_row(sqlite3_stmt *q, void *ctx)
{
    struct load *l = ctx;
    struct bw_plan_update *u;
    if (l->i >= l->cap)
        return 0;
    u = &l->pl->updates[l->i++];
    u->id = sqlite3_column_int64(q, 0);
    u->action = sqlite3_column_int64(q, 1);
    u->date = dup(l, q, 2);
    u->who = dup(l, q, 3);
    u->status = (enum bw_plan_status)status_of(bw_sq_col_text(q, 4));
    u->progress = sqlite3_column_int(q, 5);
    u->spent = sqlite3_column_double(q, 6);
    u->note = dup(l, q, 7);
    return l->oom;
}

/* Counts @p count_sql's rows, allocates @p size bytes each in the arena, and walks @p sql. */
static int load_table(bw_store *s, struct load *l, const char *count_sql, const char *sql,
                      size_t size, void **arr, size_t *n, int (*row)(sqlite3_stmt *, void *),
                      struct bw_diag *d)
{
    int64_t c = bw_sq_count(s, count_sql);
    int rc;
    if (c < 0)
        return bw_sq_error(s, d, "counting the plan's rows");
    l->i = 0;
    l->cap = (size_t)c;
    if (!(*arr = bw_arena_alloc(l->a, ((size_t)c + 1) * size)))
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    if (row == list_row)
        l->list = *arr;
    rc = bw_sq_each_row(s, sql, NULL, -1, row, l);
    if (l->oom)
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    if (rc)
        return bw_sq_error(s, d, "reading the plan");
    if (n)
        *n = l->i;
    return BW_OK;
}

int bw_store_plan_load(bw_store *s, struct bw_arena *a, struct bw_plan *out, struct bw_diag *d)
{
    struct load l = {out, a, 0, 0, 0, NULL, 0};
    void *lists[3];
    static const char *const list_sql[3][2] = {
        {"SELECT count(*) FROM plan_action_support",
         "SELECT action,org FROM plan_action_support ORDER BY action,org"},
        {"SELECT count(*) FROM plan_action_indicator",
         "SELECT action,indicator FROM plan_action_indicator ORDER BY action,indicator"},
        {"SELECT count(*) FROM plan_action_site",
         "SELECT action,site FROM plan_action_site ORDER BY action,site"}};
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = load_table(s, &l, "SELECT count(*) FROM plan_objective",
                         "SELECT id,title,area,origin FROM plan_objective ORDER BY id",
                         sizeof *out->objectives, (void **)&out->objectives, &out->nobjectives,
                         objective_row, d)) ||
        (rc = load_table(s, &l, "SELECT count(*) FROM plan_action",
                         "SELECT id,objective,title,lead,due,status,progress,capital,yearly,"
                         "spent,priority,origin,note,created FROM plan_action ORDER BY id",
                         sizeof *out->actions, (void **)&out->actions, &out->nactions,
                         action_row, d)))
        return rc;
    for (int k = 0; k < 3; k++) {
        l.which = k;
        if ((rc = load_table(s, &l, list_sql[k][0], list_sql[k][1], sizeof(const char *),
                             &lists[k], NULL, list_row, d)))
            return rc;
    }
    if ((rc = load_table(s, &l, "SELECT count(*) FROM plan_milestone",
                         "SELECT id,action,date,title,done FROM plan_milestone ORDER BY action,"
                         "date,id", sizeof *out->milestones, (void **)&out->milestones,
                         &out->nmilestones, milestone_row, d)) ||
        (rc = load_table(s, &l, "SELECT count(*) FROM plan_update",
                         "SELECT id,action,date,who,status,progress,spent,note FROM plan_update "
                         "ORDER BY date,id", sizeof *out->updates, (void **)&out->updates,
                         &out->nupdates, update_row, d)))
        return rc;
    return BW_OK;
}
