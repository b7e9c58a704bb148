/*
 * store_audit.c — the hash-chained audit log (migration 009_audit.sql, docs/audit.md).
 *
 * Every entry carries the hash of the entry before it (prev) and its own hash, the hex
 * BLAKE2b-256 (libsodium's crypto_generichash) of a canonical encoding of prev and its
 * fields: the 16 bytes "bulwark.audit.v1", then for each of prev, id (decimal text),
 * at, actor, org, action, kind, object, tlp and detail either the byte 0x00 (SQL NULL)
 * or the byte 0x01, the length as 8 bytes big-endian and the UTF-8 bytes. Length
 * prefixes make the encoding unambiguous ("ab","c" and "a","bc" differ) and the tag
 * byte keeps NULL apart from "". docs/audit.md gives the same byte by byte, so that
 * the chain can be re-verified by anyone with the file and a BLAKE2b implementation
 * (tests/cli/test_audit.py does, in Python).
 *
 * An append runs in its own transaction level (bw_store_begin nests as a savepoint):
 * the outermost level is BEGIN IMMEDIATE, which holds the database's write lock, so
 * reading the head (the last entry's id, time and hash) and inserting the next entry
 * cannot interleave with another writer on any handle or process, and the entry
 * commits or rolls back with the write it records. The id is the head's plus one and
 * the time never goes backwards along the chain (a clock stepped back repeats the
 * head's time), so the chain has no gaps and `show --since` matches the order of ids.
 * The two statements of an append are prepared once per handle and kept on it
 * (bw_sq_audit_slot), so an append costs two indexed statements and one hash.
 *
 * Verification walks the table in id order in one statement (one snapshot) and stops
 * at the first entry whose id, link, time or hash does not hold. Part of the SQLite
 * back end: helpers from store_internal.h. Thread-safety: one handle per thread.
 */
#include "store.h"
#include "store_internal.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json.h"
#include "str.h"

#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define TAG "bulwark.audit.v1"
#define TAG_LEN 16
#define HASH_BYTES 32
#define HEX_LEN 64
#define AT_LEN 24 /* YYYY-MM-DDTHH:MM:SS.sssZ */

static const char zero_hash[HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct bw_audit_stmts {
    sqlite3_stmt *head;   /* the last entry: id, at, hash */
    sqlite3_stmt *insert; /* one entry */
};

void bw__audit_stmts_free(struct bw_audit_stmts *a)
{
    if (!a)
        return;
    sqlite3_finalize(a->head);
    sqlite3_finalize(a->insert);
    bw_free(a);
}

/* The handle's statements, prepared on first use. NULL on error (*rc says which). */
static struct bw_audit_stmts *stmts(bw_store *s, int *rc)
{
    struct bw_audit_stmts **slot = bw_sq_audit_slot(s), *a = *slot;

    if (a)
        return a;
    /* sodium_init is idempotent and thread-safe; it picks the fastest BLAKE2b. */
    if (sodium_init() < 0) {
        *rc = BW_EINVAL;
        return NULL;
    }
    a = bw_calloc(1, sizeof *a);
    if (!a) {
        *rc = BW_ENOMEM;
        return NULL;
    }
    if (sqlite3_prepare_v3(bw_sq_db(s), "SELECT id,at,hash FROM audit ORDER BY id DESC LIMIT 1",
                           -1, SQLITE_PREPARE_PERSISTENT, &a->head, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(bw_sq_db(s),
                           "INSERT INTO audit(id,at,actor,org,action,kind,object,tlp,detail,"
                           "prev,hash) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                           -1, SQLITE_PREPARE_PERSISTENT, &a->insert, NULL) != SQLITE_OK) {
        bw__audit_stmts_free(a);
        *rc = BW_ESTORE;
        return NULL;
    }
    *slot = a;
    return a;
}

/* ---- the canonical encoding ------------------------------------------------------ */

/* One field: 0x00 for NULL, else 0x01, the length (8 bytes, big-endian), the bytes. */
static void hash_field(crypto_generichash_state *h, const char *p, size_t n)
{
    unsigned char head[9];

    if (!p) {
        head[0] = 0x00;
        crypto_generichash_update(h, head, 1);
        return;
    }
    head[0] = 0x01;
    for (int i = 0; i < 8; i++)
        head[1 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    crypto_generichash_update(h, head, sizeof head);
    crypto_generichash_update(h, (const unsigned char *)p, n);
}

/* A text field: pointer and length (pointer NULL for SQL NULL). */
struct field {
    const char *p;
    size_t n;
};

static struct field text(const char *p)
{
    return (struct field){p, p ? strlen(p) : 0};
}

/* hex(BLAKE2b-256(TAG || f[0] || ... || f[9])) into @p out (65 bytes); the fields in
 * the order prev, id, at, actor, org, action, kind, object, tlp, detail. */
static void entry_hash(const struct field f[10], char out[HEX_LEN + 1])
{
    crypto_generichash_state h;
    unsigned char md[HASH_BYTES];

    crypto_generichash_init(&h, NULL, 0, sizeof md);
    crypto_generichash_update(&h, (const unsigned char *)TAG, TAG_LEN);
    for (int i = 0; i < 10; i++)
        hash_field(&h, f[i].p, f[i].n);
    crypto_generichash_final(&h, md, sizeof md);
    sodium_bin2hex(out, HEX_LEN + 1, md, sizeof md);
}

/* ---- append ---------------------------------------------------------------------- */

/* The current UTC time as YYYY-MM-DDTHH:MM:SS.sssZ. */
static void now_iso(char out[AT_LEN + 1])
{
    struct timespec ts;
    struct tm tm;
    char sec[20];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, AT_LEN + 1, "%.19s.%03dZ", sec, (int)(ts.tv_nsec / 1000000));
}

/* Checks one field of an entry: present when @p required, valid UTF-8, at most @p max. */
static int check_field(const char *v, const char *name, int required, size_t max,
                       struct bw_diag *d)
{
    size_t n;

    if (!v)
        return required ? bw_diag_set(d, BW_EINVAL, name, "an audit entry needs a %s", name)
                        : BW_OK;
    n = strlen(v);
    if (required && n == 0)
        return bw_diag_set(d, BW_EINVAL, name, "an audit entry needs a non-empty %s", name);
    if (n > max)
        return bw_diag_set(d, BW_ETOOBIG, name, "%zu bytes, more than the %zu allowed", n,
                           max);
    if (!bw_utf8_valid(v, n, NULL))
        return bw_diag_set(d, BW_EENCODING, name, "not valid UTF-8");
    return BW_OK;
}

int bw_store_audit_append(bw_store *s, const struct bw_audit_entry *e, struct bw_diag *d)
{
    struct bw_audit_stmts *a;
    sqlite3_stmt *q;
    const char *actor, *org;
    char at[AT_LEN + 1], prev[HEX_LEN + 1], hash[HEX_LEN + 1], idtext[24];
    int64_t id = 1;
    int rc = BW_OK, step;

    actor = bw_sq_actor(s, &org);
    if ((rc = check_field(e->action, "action", 1, BW_AUDIT_NAME_MAX, d)) ||
        (rc = check_field(e->kind, "kind", 1, BW_AUDIT_NAME_MAX, d)) ||
        (rc = check_field(e->object, "object", 0, BW_AUDIT_TEXT_MAX, d)) ||
        (rc = check_field(e->tlp, "tlp", 0, BW_AUDIT_NAME_MAX, d)) ||
        (rc = check_field(e->detail, "detail", 0, BW_AUDIT_DETAIL_MAX, d)) ||
        (rc = check_field(actor, "actor", 1, BW_AUDIT_TEXT_MAX, d)) ||
        (rc = check_field(org, "org", 0, BW_AUDIT_TEXT_MAX, d)))
        return rc;
    if (!(a = stmts(s, &rc)))
        return rc == BW_ESTORE ? bw_sq_error(s, d, "preparing the audit log")
                               : bw_diag_set(d, rc, NULL, "cannot start the audit log: %s",
                                             bw_strerror(rc));
    if (bw_store_begin(s))
        return bw_sq_error(s, d, "starting the audit entry's transaction");

    /* The head, read under the write lock that the transaction holds. */
    now_iso(at);
    memcpy(prev, zero_hash, sizeof prev);
    q = a->head;
    sqlite3_reset(q);
    step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        const char *h = bw_sq_col_text(q, 2), *t = bw_sq_col_text(q, 1);
        id = sqlite3_column_int64(q, 0);
        if (!h || strlen(h) != HEX_LEN || id < 0 || id == INT64_MAX) {
            sqlite3_reset(q);
            rc = bw_diag_set(d, BW_ESTORE, "hash", "the audit log's last entry has no valid "
                             "id or hash (run `bulwark audit verify`)");
            goto fail;
        }
        memcpy(prev, h, sizeof prev);
        id++;
        /* Time never goes backwards along the chain. */
        if (t && strlen(t) == AT_LEN && strcmp(t, at) > 0)
            memcpy(at, t, sizeof at);
    } else if (step != SQLITE_DONE) {
        sqlite3_reset(q);
        rc = bw_sq_error(s, d, "reading the audit log's head");
        goto fail;
    }
    sqlite3_reset(q);
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    {
        const struct field f[10] = {{prev, HEX_LEN}, text(idtext),   text(at),
                                    text(actor),     text(org),      text(e->action),
                                    text(e->kind),   text(e->object), text(e->tlp),
                                    text(e->detail)};
        entry_hash(f, hash);
    }
    q = a->insert;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    sqlite3_bind_int64(q, 1, id);
    bw_sq_bind_text(q, 2, at);
    bw_sq_bind_text(q, 3, actor);
    bw_sq_bind_text(q, 4, org);
    bw_sq_bind_text(q, 5, e->action);
    bw_sq_bind_text(q, 6, e->kind);
    bw_sq_bind_text(q, 7, e->object);
    bw_sq_bind_text(q, 8, e->tlp);
    bw_sq_bind_text(q, 9, e->detail);
    bw_sq_bind_text(q, 10, prev);
    bw_sq_bind_text(q, 11, hash);
    step = sqlite3_step(q);
    if (step != SQLITE_DONE) {
        rc = bw_sq_error(s, d, "appending to the audit log");
        sqlite3_reset(q);
        goto fail;
    }
    /* Reset now: the bindings point at this frame's buffers. */
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing the audit entry");
        goto fail;
    }
    return BW_OK;
fail:
    bw_store_rollback(s);
    return rc;
}

/* ---- entries written by the store's own write functions ------------------------------ */

/* Appends "key":value pairs described by @p spec to @p b (see bw__audit_log). */
static int put_detail(struct bw_buf *b, const char *spec, va_list ap)
{
    const char *p = spec;
    int rc = bw_buf_putc(b, '{'), first = 1;

    while (!rc && *p) {
        const char *key = p, *eq;
        size_t klen;
        char type;

        while (*p == ' ')
            p++;
        if (!*p)
            break;
        key = p;
        eq = strchr(p, '=');
        if (!eq || !eq[1])
            return BW_EINVAL; /* a malformed spec is a programming error */
        klen = (size_t)(eq - key);
        type = eq[1];
        p = eq + 2;
        if (!first)
            rc = bw_buf_putc(b, ',');
        first = 0;
        rc = rc ? rc : bw_json_put_string(b, key, klen);
        rc = rc ? rc : bw_buf_putc(b, ':');
        if (rc)
            break;
        switch (type) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? bw_json_put_string(b, v, strlen(v)) : bw_buf_puts(b, "null");
            break;
        }
        case 'i':
            rc = bw_buf_printf(b, "%" PRId64, va_arg(ap, int64_t));
            break;
        case 'b':
            rc = bw_buf_puts(b, va_arg(ap, int) ? "true" : "false");
            break;
        case 'f': {
            double v = va_arg(ap, double);
            char num[BW_FMT_DOUBLE_MAX];
            rc = bw_buf_puts(b, isfinite(v) ? bw_fmt_double(v, num) : "null");
            break;
        }
        default:
            return BW_EINVAL;
        }
    }
    return rc ? rc : bw_buf_putc(b, '}');
}

int bw__audit_log(bw_store *s, struct bw_diag *d, const char *action, const char *kind,
                  const char *object, const char *spec, ...)
{
    struct bw_buf b;
    struct bw_audit_entry e = {action, kind, object, NULL, NULL};
    va_list ap;
    int rc = BW_OK;

    bw_buf_init(&b, BW_AUDIT_DETAIL_MAX);
    if (spec && *spec) {
        va_start(ap, spec);
        rc = put_detail(&b, spec, ap);
        va_end(ap);
        if (rc) {
            bw_buf_release(&b);
            return bw_diag_set(d, rc, "detail", "cannot write the audit entry's detail: %s",
                               bw_strerror(rc));
        }
        e.detail = bw_buf_cstr(&b);
    }
    rc = bw_store_audit_append(s, &e, d);
    bw_buf_release(&b);
    return rc;
}

/* ---- reading ----------------------------------------------------------------------- */

#define ROW_COLS "id,at,actor,org,action,kind,object,tlp,detail,prev,hash"

static void row_entry(sqlite3_stmt *q, struct bw_audit_row *r)
{
    r->id = sqlite3_column_int64(q, 0);
    r->at = bw_sq_col_text(q, 1);
    r->actor = bw_sq_col_text(q, 2);
    r->org = bw_sq_col_text(q, 3);
    r->action = bw_sq_col_text(q, 4);
    r->kind = bw_sq_col_text(q, 5);
    r->object = bw_sq_col_text(q, 6);
    r->tlp = bw_sq_col_text(q, 7);
    r->detail = bw_sq_col_text(q, 8);
    r->prev = bw_sq_col_text(q, 9);
    r->hash = bw_sq_col_text(q, 10);
}

int bw_store_audit_each(bw_store *s, const char *actor, const char *since, size_t limit,
                        int (*cb)(void *ud, const struct bw_audit_row *r), void *ud)
{
    char sql[384], *bound = NULL;
    sqlite3_stmt *q = NULL;
    int rc = BW_OK, step;

    /* "2026-12-01T10:00:00Z" must admit "2026-12-01T10:00:00.250Z": compare without
     * the zone letter, which sorts after the digits and the '.' of the milliseconds. */
    if (since) {
        size_t n = strlen(since);
        if (n && since[n - 1] == 'Z')
            n--;
        if (!(bound = bw_strndup(since, n)))
            return BW_ENOMEM;
    }
    /* The latest @p limit entries (id DESC), given back oldest first. */
    snprintf(sql, sizeof sql,
             "SELECT " ROW_COLS " FROM (SELECT " ROW_COLS " FROM audit%s%s%s%s "
             "ORDER BY id DESC LIMIT ?3) ORDER BY id",
             actor || bound ? " WHERE " : "", actor ? "actor=?1" : "",
             actor && bound ? " AND " : "", bound ? "at>=?2" : "");
    if (sqlite3_prepare_v2(bw_sq_db(s), sql, -1, &q, NULL) != SQLITE_OK) {
        bw_free(bound);
        return BW_ESTORE;
    }
    if (actor)
        bw_sq_bind_text(q, 1, actor);
    if (bound)
        bw_sq_bind_text(q, 2, bound);
    sqlite3_bind_int64(q, 3, limit ? (int64_t)(limit > INT64_MAX ? INT64_MAX : limit) : -1);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_audit_row r;
        row_entry(q, &r);
        if ((rc = cb(ud, &r)) != 0)
            break;
    }
    if (!rc)
        rc = bw_sq_step_done(step);
    sqlite3_finalize(q);
    bw_free(bound);
    return rc;
}

/* ---- verification ------------------------------------------------------------------ */

static int is_hex64(const char *p, size_t n)
{
    if (!p || n != HEX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

/* Column @p i as a field (bytes and length; NULL pointer for SQL NULL). */
static struct field col_field(sqlite3_stmt *q, int i)
{
    struct field f = {NULL, 0};
    if (sqlite3_column_type(q, i) != SQLITE_NULL) {
        f.p = (const char *)sqlite3_column_text(q, i);
        f.n = (size_t)sqlite3_column_bytes(q, i);
        if (!f.p) /* out of memory converting the value to text */
            f.p = "";
    }
    return f;
}

int bw_store_audit_check(bw_store *s, const char *expect_head, int64_t *checked,
                         int64_t *first_bad, char head[65], struct bw_diag *d)
{
    sqlite3_stmt *q = NULL;
    char prev[HEX_LEN + 1], hash[HEX_LEN + 1], last_at[AT_LEN + 1] = "";
    int64_t n = 0, last_id = 0;
    int rc = BW_OK, step, found = 0;

    *checked = 0;
    *first_bad = 0;
    memcpy(prev, zero_hash, sizeof prev);
    memcpy(head, zero_hash, HEX_LEN + 1);
    if (expect_head && !is_hex64(expect_head, strlen(expect_head)))
        return bw_diag_set(d, BW_EINVAL, "expect-head",
                           "'%.80s' is not a head hash (64 lowercase hex digits)", expect_head);
    /* The start of the chain is in every chain. */
    if (expect_head && strcmp(expect_head, zero_hash) == 0)
        found = 1;
    if (sqlite3_prepare_v2(bw_sq_db(s), "SELECT " ROW_COLS " FROM audit ORDER BY id", -1, &q,
                           NULL) != SQLITE_OK)
        return bw_sq_error(s, d, "reading the audit log");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        struct field f[10], stored_prev = col_field(q, 9), stored = col_field(q, 10),
                            at = col_field(q, 1);
        char idtext[24];

        *first_bad = id;
        if (id != last_id + 1) {
            if (last_id == 0)
                rc = bw_diag_set(d, BW_EINVAL, "id", "entry %" PRId64 " is the first: "
                                 "entries 1 to %" PRId64 " are missing", id, id - 1);
            else if (id == last_id + 2)
                rc = bw_diag_set(d, BW_EINVAL, "id", "entry %" PRId64 " follows entry %" PRId64
                                 ": entry %" PRId64 " is missing", id, last_id, last_id + 1);
            else
                rc = bw_diag_set(d, BW_EINVAL, "id", "entry %" PRId64 " follows entry %" PRId64
                                 ": entries %" PRId64 " to %" PRId64 " are missing", id,
                                 last_id, last_id + 1, id - 1);
            break;
        }
        if (!stored_prev.p || stored_prev.n != HEX_LEN || memcmp(stored_prev.p, prev, HEX_LEN)) {
            rc = bw_diag_set(d, BW_EINVAL, "prev", "entry %" PRId64 " does not link to %s: an "
                             "entry before it was changed, removed, inserted or reordered",
                             id, id == 1 ? "the start of the chain" : "the entry before it");
            break;
        }
        if (!at.p || at.n != AT_LEN || (last_at[0] && memcmp(at.p, last_at, AT_LEN) < 0)) {
            rc = bw_diag_set(d, BW_EINVAL, "at", "entry %" PRId64 " has a time %s", id,
                             at.p && at.n == AT_LEN ? "earlier than the entry before it"
                                                    : "that is not YYYY-MM-DDTHH:MM:SS.sssZ");
            break;
        }
        snprintf(idtext, sizeof idtext, "%" PRId64, id);
        f[0] = stored_prev;
        f[1] = text(idtext);
        for (int i = 2; i < 10; i++)
            f[i] = col_field(q, i - 1);
        entry_hash(f, hash);
        if (!stored.p || stored.n != HEX_LEN || memcmp(stored.p, hash, HEX_LEN)) {
            rc = bw_diag_set(d, BW_EINVAL, "hash", "entry %" PRId64 " does not match its hash: "
                             "it was changed after it was written", id);
            break;
        }
        if (expect_head && memcmp(hash, expect_head, HEX_LEN) == 0)
            found = 1;
        memcpy(prev, hash, sizeof prev);
        memcpy(last_at, at.p, AT_LEN);
        last_id = id;
        n++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = bw_sq_error(s, d, "reading the audit log");
    sqlite3_finalize(q);
    if (rc)
        return rc;
    *first_bad = 0;
    *checked = n;
    memcpy(head, prev, HEX_LEN + 1);
    if (expect_head && !found)
        return bw_diag_set(d, BW_EINVAL, "expect-head",
                           "the chain no longer contains the head %s recorded earlier: entries "
                           "up to it were rewritten, or the log was cut short before it",
                           expect_head);
    return BW_OK;
}

int bw_store_audit_verify(bw_store *s, int64_t *checked, int64_t *first_bad, struct bw_diag *d)
{
    char head[HEX_LEN + 1];
    return bw_store_audit_check(s, NULL, checked, first_bad, head, d);
}
