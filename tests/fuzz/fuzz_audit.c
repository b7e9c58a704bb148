/*
 * fuzz_audit.c — libFuzzer target for the audit log's verification and listing, over
 * whatever rows someone holding the database file could have written.
 *
 * The input is rows separated by '\n', each of up to 11 fields separated by 0x1f, in the
 * order id, at, actor, org, action, kind, object, tlp, detail, prev, hash; a field that
 * is exactly "~" is SQL NULL, and an id that is not a decimal integer is left for SQLite
 * to pick. The rows go into the audit table of a fresh in-memory database exactly as
 * given (a row the schema refuses is skipped), then:
 *   1. bw_store_audit_check either holds (BW_OK, checked = the number of rows, first_bad
 *      0, a 64-hex-digit head) or fails with BW_EINVAL, a diagnostic and first_bad one of
 *      the ids;
 *   2. bw_store_audit_each lists every row, oldest first, and with a limit the latest;
 *   3. an append after an intact chain keeps it intact, one entry longer;
 *   4. --expect-head with the head just printed holds on an intact chain.
 * One in-memory database serves the whole run: its append-only triggers are dropped
 * once (as someone holding the file could) so each input starts from an empty table.
 */
#include "fuzz_common.h"

#include "store.h"
#include "store_internal.h"

#include <sqlite3.h>

static bw_store *s;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct bw_diag d;
    (void)argc;
    (void)argv;
    bw_diag_clear(&d);
    FUZZ_CHECK(bw_store_open(":memory:", &d, &s) == BW_OK, "cannot open a store: %s", d.msg);
    FUZZ_CHECK(sqlite3_exec(bw_sq_db(s), "DROP TRIGGER audit_append_only_update;"
                                         "DROP TRIGGER audit_append_only_delete",
                            NULL, NULL, NULL) == SQLITE_OK,
               "cannot drop the triggers");
    return 0;
}

#define NCOLS 11

struct walk {
    int64_t n, last_id;
    int ordered;
};

static int on_row(void *ud, const struct bw_audit_row *r)
{
    struct walk *w = ud;
    FUZZ_CHECK(r->action && r->kind && r->actor && r->at, "a NOT NULL column is NULL");
    if (w->n && r->id <= w->last_id)
        w->ordered = 0;
    w->last_id = r->id;
    w->n++;
    return 0;
}

/* Inserts one row of the input; returns 1 when the schema took it. */
static int insert_row(sqlite3 *db, sqlite3_stmt *q, const char *p, size_t n)
{
    const char *f[NCOLS] = {0};
    size_t len[NCOLS] = {0}, k = 0, start = 0;

    (void)db;
    for (size_t i = 0; i <= n && k < NCOLS; i++)
        if (i == n || p[i] == 0x1f) {
            f[k] = p + start;
            len[k] = i - start;
            k++;
            start = i + 1;
        }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    for (size_t c = 0; c < NCOLS; c++) {
        int col = (int)c + 1;
        if (c >= k || (len[c] == 1 && f[c][0] == '~'))
            sqlite3_bind_null(q, col);
        else if (c == 0) {
            char num[24];
            char *end;
            long long v;
            if (len[c] == 0 || len[c] >= sizeof num) {
                sqlite3_bind_null(q, col);
                continue;
            }
            memcpy(num, f[c], len[c]);
            num[len[c]] = '\0';
            v = strtoll(num, &end, 10);
            if (*end)
                sqlite3_bind_null(q, col);
            else
                sqlite3_bind_int64(q, col, v);
        } else {
            sqlite3_bind_text(q, col, f[c], (int)len[c], SQLITE_STATIC);
        }
    }
    return sqlite3_step(q) == SQLITE_DONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct bw_diag d;
    sqlite3_stmt *q = NULL;
    struct walk w = {0, 0, 1};
    int64_t checked, bad, rows = 0;
    char head[65];
    int rc;

    if (size > 65536)
        return 0;
    if (sqlite3_exec(bw_sq_db(s), "DELETE FROM audit", NULL, NULL, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_prepare_v2(bw_sq_db(s),
                           "INSERT INTO audit(id,at,actor,org,action,kind,object,tlp,detail,"
                           "prev,hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0, start = 0; i <= size; i++)
        if (i == size || p[i] == '\n') {
            rows += insert_row(bw_sq_db(s), q, p + start, i - start);
            start = i + 1;
        }
    sqlite3_finalize(q);
    q = NULL;

    bw_diag_clear(&d);
    rc = bw_store_audit_check(s, NULL, &checked, &bad, head, &d);
    FUZZ_CHECK(rc == BW_OK || rc == BW_EINVAL, "verify returned %d", rc);
    if (rc == BW_OK) {
        FUZZ_CHECK(checked == rows && bad == 0 && strlen(head) == 64,
                   "intact chain: checked %lld of %lld rows", (long long)checked,
                   (long long)rows);
    } else {
        FUZZ_CHECK(bw_diag_has(&d) && bad >= 0, "a broken chain without a diagnostic");
    }

    FUZZ_CHECK(bw_store_audit_each(s, NULL, NULL, 0, on_row, &w) == BW_OK, "listing failed");
    FUZZ_CHECK(w.n == rows && w.ordered, "listed %lld of %lld rows", (long long)w.n,
               (long long)rows);
    w = (struct walk){0, 0, 1};
    FUZZ_CHECK(bw_store_audit_each(s, "alice", "2026-01", 2, on_row, &w) == BW_OK,
               "filtered listing failed");
    FUZZ_CHECK(w.n <= 2 && w.ordered, "limit 2 listed %lld", (long long)w.n);

    if (rc == BW_OK) {
        const struct bw_audit_entry e = {"fuzz.append", "test", NULL, NULL, "{}"};
        char head2[65];
        bw_diag_clear(&d);
        FUZZ_CHECK(bw_store_audit_check(s, head, &checked, &bad, head2, &d) == BW_OK,
                   "the head just printed is not in the chain: %s", d.msg);
        bw_diag_clear(&d);
        if (bw_store_audit_append(s, &e, &d) == BW_OK) {
            bw_diag_clear(&d);
            rc = bw_store_audit_check(s, head, &checked, &bad, head2, &d);
            FUZZ_CHECK(rc == BW_OK && checked == rows + 1,
                       "an append broke an intact chain: %s", d.msg);
        }
    }
out:
    sqlite3_finalize(q);
    return 0;
}
