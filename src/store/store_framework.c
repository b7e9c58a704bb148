/*
 * store_framework.c — framework assessments and their answers (migration
 * 006_framework.sql).
 *
 * An assessment is one row of fw_assessment named by its unique cycle. Answers are
 * append-only (the schema's triggers refuse UPDATE and DELETE): giving a new answer to
 * an indicator adds a row, and the current answer is the row with the highest id for
 * that (assessment, indicator), so the history of every answer is kept. Every write runs
 * in its own bw_store_begin/commit, which nests as a savepoint inside a caller's
 * transaction (the demo), with its audit entry (store_audit.c) in the same level; an
 * answer file is one entry for the whole file (bw_store_fw_answers_import), not one per
 * answer. Part of the SQLite back end: it shares the handle and helpers of
 * store_internal.h.
 */
#include "store.h"
#include "store_internal.h"
#include "arena.h"
#include "error.h"
#include "framework.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* What a write appends to the audit log once its row is in (NULL: nothing). */
struct audit_after {
    int (*fn)(bw_store *s, const struct audit_after *x, struct bw_diag *d);
    const char *cycle, *pack_version;
    int64_t assessment, *id;
    const struct bw_fw_answer *answer;
};

/* Steps @p q once inside its own transaction level, then appends @p after's audit entry
 * in the same level; BW_OK or the error in @p d. */
static int write_one(bw_store *s, sqlite3_stmt *q, struct bw_diag *d, const char *what,
                     const struct audit_after *after)
{
    int step, rc = BW_OK;

    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    step = sqlite3_step(q);
    if (step != SQLITE_DONE)
        rc = bw_sq_error(s, d, what);
    if (!rc && after)
        rc = after->fn(s, after, d);
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

/* The cycle of assessment @p id into @p out (size @p n); "" when there is none. */
static void cycle_of(bw_store *s, int64_t id, char *out, size_t n)
{
    sqlite3_stmt *q;
    const char *v;

    out[0] = '\0';
    if (sqlite3_prepare_v2(bw_sq_db(s), "SELECT cycle FROM fw_assessment WHERE id=?1", -1, &q,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW && (v = bw_sq_col_text(q, 0)))
        snprintf(out, n, "%s", v);
    sqlite3_finalize(q);
}

static int audit_new(bw_store *s, const struct audit_after *x, struct bw_diag *d)
{
    /* The id first: the audit entry's insert moves the last rowid. */
    *x->id = sqlite3_last_insert_rowid(bw_sq_db(s));
    return bw__audit_log(s, d, "framework.new", "framework", x->cycle, "id=i pack_version=s",
                         *x->id, x->pack_version);
}

static int audit_answer(bw_store *s, const struct audit_after *x, struct bw_diag *d)
{
    char cycle[160];
    cycle_of(s, x->assessment, cycle, sizeof cycle);
    return bw__audit_log(s, d, "framework.answer", "framework", cycle,
                         "indicator=s level=i date=s assessor=s", x->answer->indicator,
                         (int64_t)x->answer->level, x->answer->date, x->answer->assessor);
}

int bw_store_fw_new(bw_store *s, const char *cycle, const char *pack_version, int64_t *id,
                    struct bw_diag *d)
{
    sqlite3_stmt *q;
    int64_t n;
    int rc;

    if (!cycle || !*cycle || strlen(cycle) > 128)
        return bw_diag_set(d, BW_EINVAL, "cycle", "a cycle name of 1..128 bytes is required");
    if (sqlite3_prepare_v2(bw_sq_db(s), "SELECT count(*) FROM fw_assessment WHERE cycle=?", -1,
                           &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "looking up the cycle");
    bw_sq_bind_text(q, 1, cycle);
    n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    if (n < 0)
        return bw_sq_error(s, d, "looking up the cycle");
    if (n > 0)
        return bw_diag_set(d, BW_EEXIST, "cycle", "an assessment of cycle '%s' already exists",
                           cycle);
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "INSERT INTO fw_assessment(cycle,created,pack_version) VALUES(?1,"
                           "strftime('%Y-%m-%dT%H:%M:%SZ','now'),?2)",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing the assessment write");
    bw_sq_bind_text(q, 1, cycle);
    bw_sq_bind_text(q, 2, pack_version ? pack_version : "");
    {
        const struct audit_after after = {audit_new, cycle, pack_version ? pack_version : "",
                                          0, id, NULL};
        rc = write_one(s, q, d, "writing the assessment", &after);
    }
    sqlite3_finalize(q);
    return rc;
}

#define FW_COLS "f.id,f.cycle,f.created,f.pack_version,(SELECT count(DISTINCT indicator) " \
                "FROM fw_answer WHERE assessment=f.id) FROM fw_assessment f "

static void row_fw(sqlite3_stmt *q, struct bw_fw_assessment *f)
{
    f->id = sqlite3_column_int64(q, 0);
    f->cycle = bw_sq_col_text(q, 1);
    f->created = bw_sq_col_text(q, 2);
    f->pack_version = bw_sq_col_text(q, 3);
    f->answers = sqlite3_column_int64(q, 4);
}

struct get_ctx {
    struct bw_arena *a;
    struct bw_fw_assessment *out;
    int found, oom;
};

static int get_row(sqlite3_stmt *q, void *ctx)
{
    struct get_ctx *c = ctx;
    struct bw_fw_assessment f;
    row_fw(q, &f);
    f.cycle = bw_sq_dup(c->a, f.cycle, &c->oom);
    f.created = bw_sq_dup(c->a, f.created, &c->oom);
    f.pack_version = bw_sq_dup(c->a, f.pack_version, &c->oom);
    *c->out = f;
    c->found = 1;
    return 1; /* one row */
}

int bw_store_fw_get(bw_store *s, const char *cycle, struct bw_arena *a,
                    struct bw_fw_assessment *out, struct bw_diag *d)
{
    struct get_ctx c = {a, out, 0, 0};
    int rc = bw_sq_each_row(s, cycle ? "SELECT " FW_COLS "WHERE f.cycle=?1"
                                     : "SELECT " FW_COLS "ORDER BY f.id DESC LIMIT 1",
                            cycle, -1, get_row, &c);
    if (rc < 0)
        return bw_sq_error(s, d, "reading the assessment");
    if (c.oom)
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    if (!c.found) {
        if (cycle)
            return bw_diag_set(d, BW_ENOTFOUND, "cycle", "no assessment of cycle '%s' (see "
                               "`bulwark framework list`)", cycle);
        return bw_diag_set(d, BW_ENOTFOUND, "cycle", "no framework assessment yet (start one "
                           "with `bulwark framework new`)");
    }
    return BW_OK;
}

struct each_ctx {
    int (*fw)(void *ud, const struct bw_fw_assessment *f);
    int (*ans)(void *ud, const struct bw_fw_answer *a);
    void *ud;
};

static int each_row(sqlite3_stmt *q, void *ctx)
{
    struct each_ctx *c = ctx;
    struct bw_fw_assessment f;
    row_fw(q, &f);
    return c->fw(c->ud, &f);
}

int bw_store_fw_each(bw_store *s, int (*cb)(void *ud, const struct bw_fw_assessment *f),
                     void *ud)
{
    struct each_ctx c = {cb, NULL, ud};
    return bw_sq_each_row(s, "SELECT " FW_COLS "ORDER BY f.id", NULL, -1, each_row, &c);
}

/* Appends one answer; with @p audit its own audit entry (an import writes one for all). */
static int answer_add(bw_store *s, int64_t id, const struct bw_fw_answer *a, int audit,
                      struct bw_diag *d)
{
    const struct audit_after after = {audit_answer, NULL, NULL, id, NULL, a};
    sqlite3_stmt *q;
    int rc;

    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "INSERT INTO fw_answer(assessment,indicator,level,evidence,files,"
                           "assessor,date,at) VALUES(?1,?2,?3,?4,?5,?6,coalesce(?7,"
                           "strftime('%Y-%m-%d','now')),strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                           -1, &q, NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "preparing the answer write");
    sqlite3_bind_int64(q, 1, id);
    bw_sq_bind_text(q, 2, a->indicator);
    sqlite3_bind_int(q, 3, a->level);
    bw_sq_bind_text(q, 4, a->evidence);
    bw_sq_bind_text(q, 5, a->files);
    bw_sq_bind_text(q, 6, a->assessor);
    bw_sq_bind_text(q, 7, a->date);
    rc = write_one(s, q, d, "writing the answer", audit ? &after : NULL);
    sqlite3_finalize(q);
    return rc;
}

int bw_store_fw_answer_add(bw_store *s, int64_t id, const struct bw_fw_answer *a,
                           struct bw_diag *d)
{
    return answer_add(s, id, a, 1, d);
}

int bw_store_fw_answers_import(bw_store *s, int64_t id, const struct bw_fw_answer *a, size_t n,
                               const char *file, struct bw_diag *d)
{
    char cycle[160];
    size_t i;
    int rc;

    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting a transaction");
    for (i = 0, rc = BW_OK; i < n && !rc; i++)
        rc = answer_add(s, id, &a[i], 0, d);
    if (!rc) {
        cycle_of(s, id, cycle, sizeof cycle);
        rc = bw__audit_log(s, d, "framework.import", "framework", cycle, "file=s answers=i",
                           file, (int64_t)n);
    }
    if (!rc && bw_store_commit(s))
        rc = bw_sq_error(s, d, "committing the answers");
    if (rc)
        bw_store_rollback(s);
    return rc;
}

static int answer_row(sqlite3_stmt *q, void *ctx)
{
    struct each_ctx *c = ctx;
    struct bw_fw_answer a = {
        .indicator = bw_sq_col_text(q, 0),
        .level = sqlite3_column_int(q, 1),
        .evidence = bw_sq_col_text(q, 2),
        .files = bw_sq_col_text(q, 3),
        .assessor = bw_sq_col_text(q, 4),
        .date = bw_sq_col_text(q, 5),
    };
    return c->ans(c->ud, &a);
}

int bw_store_fw_answers_each(bw_store *s, int64_t id, int history,
                             int (*cb)(void *ud, const struct bw_fw_answer *a), void *ud)
{
    struct each_ctx c = {NULL, cb, ud};
    static const char all[] = "SELECT indicator,level,evidence,files,assessor,date FROM "
                              "fw_answer WHERE assessment=?1 ORDER BY id";
    static const char cur[] = "SELECT indicator,level,evidence,files,assessor,date FROM "
                              "fw_answer a WHERE assessment=?1 AND id=(SELECT max(id) FROM "
                              "fw_answer b WHERE b.assessment=?1 AND b.indicator=a.indicator) "
                              "ORDER BY indicator";
    return bw_sq_each_row(s, history ? all : cur, NULL, id, answer_row, &c);
}
