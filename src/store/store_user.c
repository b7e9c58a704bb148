/*
 * store_user.c — accounts: users, session and API tokens, login attempts, and the
 * register as one caller may see it (store.h).
 *
 * Tokens are looked up by their hash (a UNIQUE index), and the row found is accepted
 * only when it is neither revoked nor expired and its user is not disabled, all in the
 * one query, so a token check is a single indexed read. Times are compared as ISO 8601
 * UTC text made by SQLite's strftime, which orders as time does. The visibility rules
 * of bw_store_sites_visible_each live here, below every caller, so that the server's
 * routes cannot forget them; sites shared through notes come from store_share.c's TLP
 * predicate (bw_sq_shared_sites). Part of the
 * SQLite back end: helpers from store_internal.h. Thread-safety: one handle per thread.
 */
#include "store.h"
#include "store_internal.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "user.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* Prepares @p sql on the handle's connection; NULL on error. */
static sqlite3_stmt *prep(bw_store *s, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(bw_sq_db(s), sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    return q;
}

/* The one text value @p sql returns for ?1 = @p id, copied into @p out (size @p n);
 * "" when there is no row. */
static void text_by_id(bw_store *s, const char *sql, int64_t id, char *out, size_t n)
{
    sqlite3_stmt *q = prep(s, sql);
    const char *v;

    out[0] = '\0';
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW && (v = bw_sq_col_text(q, 0)))
        snprintf(out, n, "%s", v);
    sqlite3_finalize(q);
}

int bw_store_ping(bw_store *s)
{
    sqlite3_stmt *q = prep(s, "SELECT count(*) FROM user");
    int rc;

    if (!q)
        return BW_ESTORE;
    rc = sqlite3_step(q) == SQLITE_ROW ? BW_OK : BW_ESTORE;
    sqlite3_finalize(q);
    return rc;
}

/* ---- users --------------------------------------------------------------------------- */

int bw_store_user_add(bw_store *s, struct bw_user *u, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc, step;

    q = prep(s, "SELECT 1 FROM org WHERE id=?1");
    if (!q)
        return bw_sq_error(s, d, "adding the user");
    bw_sq_bind_text(q, 1, u->org);
    step = sqlite3_step(q);
    sqlite3_finalize(q);
    if (step != SQLITE_ROW)
        return bw_diag_set(d, BW_EREF, "org", "no organisation '%s' in the register", u->org);
    q = prep(s, "INSERT INTO user(name,org,role,password_hash,disabled,created) "
                "VALUES(?1,?2,?3,?4,0," NOW_SQL ")");
    if (!q)
        return bw_sq_error(s, d, "adding the user");
    bw_sq_bind_text(q, 1, u->name);
    bw_sq_bind_text(q, 2, u->org);
    bw_sq_bind_text(q, 3, bw_role_name(u->role));
    bw_sq_bind_text(q, 4, u->password_hash);
    if (bw_store_begin(s)) {
        sqlite3_finalize(q);
        return bw_sq_error(s, d, "adding the user");
    }
    step = sqlite3_step(q);
    if (step == SQLITE_DONE) {
        u->id = sqlite3_last_insert_rowid(bw_sq_db(s));
        rc = bw__audit_log(s, d, "user.add", "user", u->name, "org=s role=s", u->org,
                           bw_role_name(u->role));
    } else if (sqlite3_extended_errcode(bw_sq_db(s)) == SQLITE_CONSTRAINT_UNIQUE) {
        rc = bw_diag_set(d, BW_EEXIST, "name", "a user '%s' already exists", u->name);
    } else {
        rc = bw_sq_error(s, d, "adding the user");
    }
    sqlite3_finalize(q);
    if (!rc && bw_store_commit(s))
        rc = bw_sq_error(s, d, "adding the user");
    if (rc)
        bw_store_rollback(s);
    return rc;
}

/* Fills @p u from a row of (id,name,org,role,password_hash,disabled,created). */
static void row_user(sqlite3_stmt *q, struct bw_user *u)
{
    u->id = sqlite3_column_int64(q, 0);
    u->name = bw_sq_col_text(q, 1);
    u->org = bw_sq_col_text(q, 2);
    u->role = -1;
    bw_role_parse(bw_sq_col_text(q, 3), NULL, &u->role);
    u->password_hash = bw_sq_col_text(q, 4);
    u->disabled = sqlite3_column_int(q, 5);
    u->created = bw_sq_col_text(q, 6);
}

int bw_store_user_get(bw_store *s, const char *name, struct bw_arena *a, struct bw_user *out)
{
    sqlite3_stmt *q = prep(s, "SELECT id,name,org,role,password_hash,disabled,created "
                              "FROM user WHERE name=?1");
    int rc = BW_ENOTFOUND, oom = 0;

    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, name);
    if (sqlite3_step(q) == SQLITE_ROW) {
        row_user(q, out);
        out->name = bw_sq_dup(a, out->name, &oom);
        out->org = bw_sq_dup(a, out->org, &oom);
        out->password_hash = bw_sq_dup(a, out->password_hash, &oom);
        out->created = bw_sq_dup(a, out->created, &oom);
        rc = oom ? BW_ENOMEM : BW_OK;
    }
    sqlite3_finalize(q);
    return rc;
}

struct users_ctx {
    int (*cb)(void *ud, const struct bw_user *u);
    void *ud;
};

static int user_row(sqlite3_stmt *q, void *ctx)
{
    struct users_ctx *x = ctx;
    struct bw_user u;
    row_user(q, &u);
    u.password_hash = NULL;
    return x->cb(x->ud, &u);
}

int bw_store_users_each(bw_store *s, int (*cb)(void *ud, const struct bw_user *u), void *ud)
{
    struct users_ctx x = {cb, ud};
    return bw_sq_each_row(s, "SELECT id,name,org,role,NULL,disabled,created FROM user "
                             "ORDER BY name",
                          NULL, -1, user_row, &x);
}

int bw_store_user_disable(bw_store *s, const char *name, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc;

    rc = bw_store_begin(s);
    if (rc)
        return bw_sq_error(s, d, "disabling the user");
    q = prep(s, "UPDATE user SET disabled=1 WHERE name=?1");
    if (!q) {
        rc = bw_sq_error(s, d, "disabling the user");
        goto out;
    }
    bw_sq_bind_text(q, 1, name);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    if (rc) {
        rc = bw_sq_error(s, d, "disabling the user");
        goto out;
    }
    if (sqlite3_changes(bw_sq_db(s)) == 0) {
        rc = bw_diag_set(d, BW_ENOTFOUND, "name", "no user '%s'", name);
        goto out;
    }
    /* A disabled account keeps no live credentials: its tokens are revoked as well, so
     * re-enabling it later does not bring old tokens back. */
    q = prep(s, "UPDATE token SET revoked=" NOW_SQL " WHERE revoked IS NULL AND "
                "user=(SELECT id FROM user WHERE name=?1)");
    if (!q) {
        rc = bw_sq_error(s, d, "revoking the user's tokens");
        goto out;
    }
    bw_sq_bind_text(q, 1, name);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    if (rc)
        rc = bw_sq_error(s, d, "revoking the user's tokens");
    else
        rc = bw__audit_log(s, d, "user.disable", "user", name, "tokens_revoked=i",
                           (int64_t)sqlite3_changes(bw_sq_db(s)));
out:
    if (rc) {
        bw_store_rollback(s);
        return rc;
    }
    rc = bw_store_commit(s);
    return rc ? bw_sq_error(s, d, "disabling the user") : BW_OK;
}

int bw_store_user_set_password_hash(bw_store *s, int64_t id, const char *hash)
{
    sqlite3_stmt *q = prep(s, "UPDATE user SET password_hash=?2 WHERE id=?1");
    char name[256];
    int rc;

    if (!q)
        return BW_ESTORE;
    if (bw_store_begin(s)) {
        sqlite3_finalize(q);
        return BW_ESTORE;
    }
    sqlite3_bind_int64(q, 1, id);
    bw_sq_bind_text(q, 2, hash);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    /* The entry names the account, never the hash. */
    if (!rc && sqlite3_changes(bw_sq_db(s)) > 0) {
        text_by_id(s, "SELECT name FROM user WHERE id=?1", id, name, sizeof name);
        rc = bw__audit_log(s, NULL, "user.password", "user", name, "id=i", id);
    }
    if (!rc)
        rc = bw_store_commit(s);
    if (rc)
        bw_store_rollback(s);
    return rc;
}

/* ---- tokens -------------------------------------------------------------------------- */

int bw_store_token_add(bw_store *s, int64_t user_id, const char *kind, const char *hash,
                       int64_t seconds, int64_t *id, char expires[21], struct bw_diag *d)
{
    sqlite3_stmt *q = prep(s, "INSERT INTO token(hash,user,kind,created,expires) "
                              "VALUES(?1,?2,?3," NOW_SQL ",strftime('%Y-%m-%dT%H:%M:%SZ',"
                              "'now','+'||?4||' seconds')) RETURNING id,expires");
    char name[256], object[24];
    int rc = BW_ESTORE;

    if (!q)
        return bw_sq_error(s, d, "storing the token");
    if (bw_store_begin(s)) {
        sqlite3_finalize(q);
        return bw_sq_error(s, d, "storing the token");
    }
    bw_sq_bind_text(q, 1, hash);
    sqlite3_bind_int64(q, 2, user_id);
    bw_sq_bind_text(q, 3, kind);
    sqlite3_bind_int64(q, 4, seconds);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *e = bw_sq_col_text(q, 1);
        *id = sqlite3_column_int64(q, 0);
        snprintf(expires, 21, "%s", e ? e : "");
        /* RETURNING rows are produced before the statement completes: step to the end
         * so that the insert is done before the statement is finalised. */
        rc = bw_sq_step_done(sqlite3_step(q));
    }
    if (rc)
        rc = bw_sq_error(s, d, "storing the token");
    sqlite3_finalize(q);
    /* A login is a new session token: the entry names the user, never the token. */
    if (!rc) {
        text_by_id(s, "SELECT name FROM user WHERE id=?1", user_id, name, sizeof name);
        snprintf(object, sizeof object, "%lld", (long long)*id);
        rc = bw__audit_log(s, d, "token.add", "token", object, "user=s kind=s expires=s",
                           name, kind, expires);
    }
    if (!rc && bw_store_commit(s))
        rc = bw_sq_error(s, d, "storing the token");
    if (rc)
        bw_store_rollback(s);
    return rc;
}

struct bw_token_checker {
    sqlite3_stmt *q;
};

int bw_token_checker_new(bw_store *s, bw_token_checker **out)
{
    bw_token_checker *c = bw_calloc(1, sizeof *c);

    *out = NULL;
    if (!c)
        return BW_ENOMEM;
    if (sqlite3_prepare_v3(bw_sq_db(s),
                           "SELECT t.hash,t.id,t.kind,t.expires,u.id,u.name,u.org,u.role "
                           "FROM token t JOIN user u ON u.id=t.user "
                           "WHERE t.hash=?1 AND t.revoked IS NULL AND u.disabled=0 "
                           "AND t.expires>" NOW_SQL,
                           -1, SQLITE_PREPARE_PERSISTENT, &c->q, NULL) != SQLITE_OK) {
        bw_free(c);
        return BW_ESTORE;
    }
    *out = c;
    return BW_OK;
}

void bw_token_checker_free(bw_token_checker *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->q);
    bw_free(c);
}

int bw_token_checker_auth(bw_token_checker *c, const char *hash, struct bw_arena *a,
                          struct bw_principal *out)
{
    sqlite3_stmt *q = c->q;
    int rc = BW_ENOTFOUND, oom = 0;

    sqlite3_reset(q);
    bw_sq_bind_text(q, 1, hash);
    /* The index finds the row; the hash is compared once more in constant time so that
     * the decision never rests on a comparison whose time depends on the secret. */
    if (sqlite3_step(q) == SQLITE_ROW && bw_token_hash_equal(bw_sq_col_text(q, 0), hash)) {
        out->token_id = sqlite3_column_int64(q, 1);
        out->token_kind = bw_sq_dup(a, bw_sq_col_text(q, 2), &oom);
        out->expires = bw_sq_dup(a, bw_sq_col_text(q, 3), &oom);
        out->user_id = sqlite3_column_int64(q, 4);
        out->user = bw_sq_dup(a, bw_sq_col_text(q, 5), &oom);
        out->org = bw_sq_dup(a, bw_sq_col_text(q, 6), &oom);
        out->role = -1;
        bw_role_parse(bw_sq_col_text(q, 7), NULL, &out->role);
        rc = oom ? BW_ENOMEM : out->role < 0 ? BW_ESTORE : BW_OK;
    }
    /* Reset now: a statement left mid-step would hold the read snapshot open. */
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc;
}

int bw_store_token_auth(bw_store *s, const char *hash, struct bw_arena *a,
                        struct bw_principal *out)
{
    bw_token_checker *c;
    int rc = bw_token_checker_new(s, &c);

    if (rc)
        return rc;
    rc = bw_token_checker_auth(c, hash, a, out);
    bw_token_checker_free(c);
    return rc;
}

int bw_store_token_revoke(bw_store *s, int64_t id)
{
    sqlite3_stmt *q = prep(s, "UPDATE token SET revoked=" NOW_SQL
                              " WHERE id=?1 AND revoked IS NULL");
    char name[256], object[24];
    int rc;

    if (!q)
        return BW_ESTORE;
    if (bw_store_begin(s)) {
        sqlite3_finalize(q);
        return BW_ESTORE;
    }
    sqlite3_bind_int64(q, 1, id);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    if (!rc && sqlite3_changes(bw_sq_db(s)) == 0)
        rc = BW_ENOTFOUND;
    if (!rc) {
        text_by_id(s, "SELECT u.name FROM token t JOIN user u ON u.id=t.user WHERE t.id=?1",
                   id, name, sizeof name);
        snprintf(object, sizeof object, "%lld", (long long)id);
        rc = bw__audit_log(s, NULL, "token.revoke", "token", object, "user=s", name);
    }
    if (!rc)
        rc = bw_store_commit(s);
    if (rc)
        bw_store_rollback(s);
    return rc;
}

/* ---- login attempts ------------------------------------------------------------------ */

int bw_store_login_record(bw_store *s, const char *name, const char *address, int ok,
                          int64_t now)
{
    sqlite3_stmt *q = prep(s, "INSERT INTO login_attempt(at,name,address,ok) VALUES(?1,?2,?3,?4)");
    int rc;

    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, now);
    bw_sq_bind_text(q, 2, name);
    bw_sq_bind_text(q, 3, address);
    sqlite3_bind_int(q, 4, ok != 0);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    if (rc)
        return rc;
    /* Throttling looks back 15 minutes; a day of history is plenty and keeps the table
     * small however long the server runs. */
    q = prep(s, "DELETE FROM login_attempt WHERE at<?1");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, now - 86400);
    rc = bw_sq_step_done(sqlite3_step(q));
    sqlite3_finalize(q);
    return rc;
}

int bw_store_login_failures(bw_store *s, const char *name, const char *address, int64_t since,
                            int64_t *by_name, int64_t *oldest_name, int64_t *by_address,
                            int64_t *oldest_address)
{
    sqlite3_stmt *q = prep(
        s, "SELECT (SELECT count(*) FROM login_attempt WHERE name=?1 AND ok=0 AND at>=?3 "
           "        AND at>=coalesce((SELECT max(at) FROM login_attempt WHERE name=?1 AND ok=1),0)),"
           "       (SELECT coalesce(min(at),0) FROM login_attempt WHERE name=?1 AND ok=0 AND at>=?3 "
           "        AND at>=coalesce((SELECT max(at) FROM login_attempt WHERE name=?1 AND ok=1),0)),"
           "       (SELECT count(*) FROM login_attempt WHERE address=?2 AND ok=0 AND at>=?3),"
           "       (SELECT coalesce(min(at),0) FROM login_attempt WHERE address=?2 AND ok=0 "
           "        AND at>=?3)");
    int rc = BW_ESTORE;

    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, name);
    bw_sq_bind_text(q, 2, address);
    sqlite3_bind_int64(q, 3, since);
    if (sqlite3_step(q) == SQLITE_ROW) {
        *by_name = sqlite3_column_int64(q, 0);
        *oldest_name = sqlite3_column_int64(q, 1);
        *by_address = sqlite3_column_int64(q, 2);
        *oldest_address = sqlite3_column_int64(q, 3);
        rc = BW_OK;
    }
    sqlite3_finalize(q);
    return rc;
}

/* ---- the register as a caller may see it ---------------------------------------------- */

/* Sorted ids of the sites where @p org holds a role (a responder's sites). */
struct id_set {
    char **ids;
    size_t n, cap;
};

static int add_id(sqlite3_stmt *q, void *ctx)
{
    struct id_set *set = ctx;
    const char *id = bw_sq_col_text(q, 0);
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        char **p = bw_realloc(set->ids, cap * sizeof *p);
        if (!p)
            return BW_ENOMEM;
        set->ids = p;
        set->cap = cap;
    }
    set->ids[set->n] = bw_malloc(strlen(id) + 1);
    if (!set->ids[set->n])
        return BW_ENOMEM;
    memcpy(set->ids[set->n], id, strlen(id) + 1);
    set->n++;
    return BW_OK;
}

static void id_set_release(struct id_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        bw_free(set->ids[i]);
    bw_free(set->ids);
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int id_set_has(const struct id_set *set, const char *id)
{
    return set->n && bsearch(&id, set->ids, set->n, sizeof *set->ids, cmp_id) != NULL;
}

/* The sites @p who sees besides its own: those where a responder's organisation holds a
 * role, and those a note shared with the caller is about; sorted for id_set_has. */
static int load_extra_sites(bw_store *s, const struct bw_principal *who, struct id_set *set)
{
    int rc = BW_OK;

    if (who->role == BW_ROLE_RESPONDER)
        rc = bw_sq_each_row(s, "SELECT DISTINCT s.id FROM role r JOIN site s ON "
                               "s.rowid=r.site WHERE r.org=?1",
                            who->org, -1, add_id, set);
    if (!rc)
        rc = bw_sq_shared_sites(s, who, add_id, set);
    if (!rc && set->n)
        qsort(set->ids, set->n, sizeof *set->ids, cmp_id);
    return rc;
}

/* May @p who see @p site? @p extra holds the further sites of load_extra_sites. */
static int may_see(const struct bw_principal *who, const struct bw_site *site,
                   const struct id_set *extra)
{
    if (bw_role_is_authority(who->role))
        return 1;
    if (site->operator_id && who->org && strcmp(site->operator_id, who->org) == 0)
        return 1;
    return id_set_has(extra, site->id);
}

struct visible_ctx {
    const struct bw_principal *who;
    const struct id_set *roles;
    bw_site_cb cb;
    void *ud;
};

static int visible_site(void *ud, const struct bw_site *site)
{
    struct visible_ctx *x = ud;
    return may_see(x->who, site, x->roles) ? x->cb(x->ud, site) : 0;
}

int bw_store_sites_visible_each(bw_store *s, const struct bw_principal *who, bw_site_cb cb,
                                void *ud)
{
    struct id_set roles = {0};
    struct visible_ctx x = {who, &roles, cb, ud};
    int rc = BW_OK;

    if (!who || who->role < 0 || who->role >= BW_ROLE_COUNT)
        return BW_EINVAL;
    if (!bw_role_is_authority(who->role))
        rc = load_extra_sites(s, who, &roles);
    if (!rc)
        rc = bw_store_sites_each(s, NULL, visible_site, &x);
    id_set_release(&roles);
    return rc;
}

int bw_store_site_visible_get(bw_store *s, const struct bw_principal *who, const char *id,
                              struct bw_arena *a, struct bw_site *out)
{
    struct id_set roles = {0};
    int rc;

    if (!who || who->role < 0 || who->role >= BW_ROLE_COUNT)
        return BW_EINVAL;
    rc = bw_store_site_get(s, id, a, out);
    if (!rc && !bw_role_is_authority(who->role))
        rc = load_extra_sites(s, who, &roles);
    /* A site the caller may not see is reported as absent: its existence is itself
     * information. */
    if (!rc && !may_see(who, out, &roles))
        rc = BW_ENOTFOUND;
    id_set_release(&roles);
    return rc;
}
