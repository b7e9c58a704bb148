/*
 * test_audit.c — the audit log's chain through the store API, on a temporary database.
 *
 * Checked: entries carry the handle's actor ("system" until set) and chain from 64
 * zeros; an entry appended inside a savepoint that rolls back is gone and the chain
 * still verifies; bad entries are refused naming the field; the filters of
 * bw_store_audit_each; two entries whose hashes were computed independently (Python's
 * hashlib.blake2b(digest_size=32) over the encoding of docs/audit.md, values in the
 * comments) verify, and a one-byte change does not; four threads, each with its own
 * handle, appending at once give one gap-free chain that verifies.
 */
#include "unit.h"

#include "store.h"

#include <pthread.h>
#include <sqlite3.h>

static char dir[256], path[300];

static int setup(void **state)
{
    (void)state;
    unit_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/audit.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_rmdir(dir);
    return 0;
}

static bw_store *open_store(void)
{
    struct bw_diag d;
    bw_store *s = NULL;
    bw_diag_clear(&d);
    assert_int_equal(bw_store_open(path, &d, &s), BW_OK);
    return s;
}

struct seen {
    int64_t ids[64];
    char actors[64][32];
    size_t n;
};

static int collect(void *ud, const struct bw_audit_row *r)
{
    struct seen *x = ud;
    if (x->n < 64) {
        x->ids[x->n] = r->id;
        snprintf(x->actors[x->n], sizeof x->actors[0], "%s%s%s", r->actor, r->org ? "@" : "",
                 r->org ? r->org : "");
    }
    x->n++;
    return 0;
}

static void entry(bw_store *s, const char *action, const char *detail)
{
    struct bw_diag d;
    const struct bw_audit_entry e = {action, "test", "1", NULL, detail};
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_append(s, &e, &d), BW_OK);
}

static void verify_ok(bw_store *s, int64_t want)
{
    struct bw_diag d;
    int64_t n = -1, bad = -1;
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_verify(s, &n, &bad, &d), BW_OK);
    assert_int_equal(n, want);
    assert_int_equal(bad, 0);
}

static void test_actor_rollback_and_filters(void **state)
{
    bw_store *s = open_store();
    struct seen x = {0};
    struct bw_diag d;
    char head[65];
    int64_t n, bad;

    (void)state;
    entry(s, "a.one", NULL);                              /* 1: system */
    assert_int_equal(bw_store_set_actor(s, "alice", "org-1"), BW_OK);
    entry(s, "a.two", "{}");                              /* 2: alice@org-1 */
    /* An entry in a savepoint that rolls back disappears with the write it records. */
    assert_int_equal(bw_store_begin(s), BW_OK);
    entry(s, "a.kept", NULL);                             /* 3 */
    assert_int_equal(bw_store_begin(s), BW_OK);
    entry(s, "a.dropped", NULL);
    bw_store_rollback(s);
    assert_int_equal(bw_store_commit(s), BW_OK);
    assert_int_equal(bw_store_set_actor(s, NULL, NULL), BW_OK);
    entry(s, "a.four", NULL);                             /* 4: system again */
    verify_ok(s, 4);

    assert_int_equal(bw_store_audit_each(s, NULL, NULL, 0, collect, &x), BW_OK);
    assert_int_equal(x.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(x.ids[i], (int64_t)i + 1);
    assert_string_equal(x.actors[0], "system");
    assert_string_equal(x.actors[1], "alice@org-1");
    assert_string_equal(x.actors[2], "alice@org-1");
    assert_string_equal(x.actors[3], "system");
    memset(&x, 0, sizeof x);
    assert_int_equal(bw_store_audit_each(s, "alice", NULL, 0, collect, &x), BW_OK);
    assert_int_equal(x.n, 2);
    assert_int_equal(x.ids[0], 2);
    assert_int_equal(x.ids[1], 3);
    memset(&x, 0, sizeof x);
    assert_int_equal(bw_store_audit_each(s, NULL, NULL, 3, collect, &x), BW_OK);
    assert_int_equal(x.n, 3);
    assert_int_equal(x.ids[0], 2);
    memset(&x, 0, sizeof x);
    assert_int_equal(bw_store_audit_each(s, NULL, "2999", 0, collect, &x), BW_OK);
    assert_int_equal(x.n, 0);

    /* Refused entries name their field and write nothing. */
    {
        const struct bw_audit_entry no_action = {NULL, "k", NULL, NULL, NULL};
        const struct bw_audit_entry empty_kind = {"a", "", NULL, NULL, NULL};
        const struct bw_audit_entry bad_utf8 = {"a", "k", "\xc3\x28", NULL, NULL};
        char big[BW_AUDIT_NAME_MAX + 2];
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        const struct bw_audit_entry long_tlp = {"a", "k", NULL, big, NULL};
        bw_diag_clear(&d);
        assert_int_equal(bw_store_audit_append(s, &no_action, &d), BW_EINVAL);
        assert_string_equal(d.field, "action");
        bw_diag_clear(&d);
        assert_int_equal(bw_store_audit_append(s, &empty_kind, &d), BW_EINVAL);
        assert_string_equal(d.field, "kind");
        bw_diag_clear(&d);
        assert_int_equal(bw_store_audit_append(s, &bad_utf8, &d), BW_EENCODING);
        assert_string_equal(d.field, "object");
        bw_diag_clear(&d);
        assert_int_equal(bw_store_audit_append(s, &long_tlp, &d), BW_ETOOBIG);
        assert_string_equal(d.field, "tlp");
    }
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_check(s, NULL, &n, &bad, head, &d), BW_OK);
    assert_int_equal(n, 4);
    assert_int_equal(strlen(head), 64);
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_check(s, head, &n, &bad, head, &d), BW_OK);
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_check(s, "not-a-hash", &n, &bad, head, &d), BW_EINVAL);
    assert_string_equal(d.field, "expect-head");
    bw_store_close(s);
}

/*
 * Two entries hashed by Python, independently of store_audit.c:
 *   H(prev, id, at, actor, org, action, kind, object, tlp, detail) =
 *   hashlib.blake2b(b"bulwark.audit.v1" + enc(prev) + enc("1") + ..., digest_size=32)
 * with enc(None) = b"\x00", enc(v) = b"\x01" + len(v).to_bytes(8, "big") + v:
 *   1: (64 zeros, "1", "2026-01-01T00:00:00.000Z", "alice", "org-1", "report.read",
 *       "report", "7", "AMBER", '{"items":[7]}')
 *      -> 192e29bde282106852c4f2b37999003a2d88ea1b39d3cf4c0f385bcace4d1a6f
 *   2: (that hash, "2", "2026-01-01T00:00:00.001Z", "system", None, "x", "y", None, None,
 *       "") -> 5e63663777c14f4e58df2675f95f50ebd37d903aa782727aa0db806238b0c704
 */
#define H1 "192e29bde282106852c4f2b37999003a2d88ea1b39d3cf4c0f385bcace4d1a6f"
#define H2 "5e63663777c14f4e58df2675f95f50ebd37d903aa782727aa0db806238b0c704"

static void test_independent_vector(void **state)
{
    sqlite3 *db;
    bw_store *s;
    struct bw_diag d;
    int64_t n, bad;

    (void)state;
    s = open_store(); /* creates the schema */
    bw_store_close(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO audit VALUES(1,'2026-01-01T00:00:00.000Z','alice','org-1',"
                     "'report.read','report','7','AMBER','{\"items\":[7]}',"
                     "'0000000000000000000000000000000000000000000000000000000000000000','" H1
                     "');"
                     "INSERT INTO audit VALUES(2,'2026-01-01T00:00:00.001Z','system',NULL,'x',"
                     "'y',NULL,NULL,'','" H1 "','" H2 "');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    s = open_store();
    verify_ok(s, 2);
    entry(s, "after", NULL); /* continues the chain written elsewhere */
    verify_ok(s, 3);
    bw_store_close(s);
    /* "" and NULL differ: entry 2's detail made NULL no longer matches its hash. */
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER audit_append_only_update;"
                                  "UPDATE audit SET detail=NULL WHERE id=2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = open_store();
    bw_diag_clear(&d);
    assert_int_equal(bw_store_audit_verify(s, &n, &bad, &d), BW_EINVAL);
    assert_int_equal(bad, 2);
    assert_string_equal(d.field, "hash");
    bw_store_close(s);
}

/* ---- several handles at once ------------------------------------------------------- */

#define THREADS 4
#define PER_THREAD 100

static void *writer(void *arg)
{
    bw_store *s = NULL;
    struct bw_diag d;
    char actor[16];
    intptr_t failures = 0;

    bw_diag_clear(&d);
    if (bw_store_open(path, &d, &s))
        return (void *)(intptr_t)PER_THREAD;
    snprintf(actor, sizeof actor, "writer-%d", (int)(intptr_t)arg);
    bw_store_set_actor(s, actor, NULL);
    for (int i = 0; i < PER_THREAD; i++) {
        const struct bw_audit_entry e = {"t.write", "test", NULL, NULL, NULL};
        bw_diag_clear(&d);
        failures += bw_store_audit_append(s, &e, &d) != BW_OK;
    }
    bw_store_close(s);
    return (void *)failures;
}

static void test_threads(void **state)
{
    pthread_t t[THREADS];
    bw_store *s;
    struct seen x = {0};

    (void)state;
    s = open_store();
    bw_store_close(s);
    for (intptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *failures;
        assert_int_equal(pthread_join(t[i], &failures), 0);
        assert_int_equal((intptr_t)failures, 0);
    }
    s = open_store();
    verify_ok(s, THREADS * PER_THREAD);
    for (int i = 0; i < THREADS; i++) {
        char actor[16];
        memset(&x, 0, sizeof x);
        snprintf(actor, sizeof actor, "writer-%d", i);
        assert_int_equal(bw_store_audit_each(s, actor, NULL, 0, collect, &x), BW_OK);
        assert_int_equal(x.n, PER_THREAD);
    }
    bw_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_actor_rollback_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_independent_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
