/*
 * store_internal.h — what the files of the SQLite back end share (not a public header).
 *
 * store_sqlite.c owns the handle (connection, statement cache, transactions, the
 * register's sites, organisations, dependencies and roles); each further noun of the
 * store lives in its own store_<noun>.c and reaches the connection and the row helpers
 * through this header. Only files under src/store/ include it.
 *
 * Ownership: strings returned by bw_sq_col_text belong to the statement and are valid
 * until its next step; bw_sq_dup copies them into an arena.
 */
#ifndef BW_STORE_INTERNAL_H
#define BW_STORE_INTERNAL_H

#include "store.h"

#include <sqlite3.h>
#include <stdint.h>

struct bw_arena;
struct bw_diag;

/** The connection of @p s. */
sqlite3 *bw_sq_db(bw_store *s);
/** Fills @p d with "what: <SQLite's message>" and returns BW_ESTORE. */
int bw_sq_error(bw_store *s, struct bw_diag *d, const char *what);
/** Binds @p v as text (static lifetime), or NULL. */
void bw_sq_bind_text(sqlite3_stmt *q, int i, const char *v);
/** Binds @p v, or NULL when negative. */
void bw_sq_bind_opt_i64(sqlite3_stmt *q, int i, int64_t v);
/** Column @p i as text (NULL for SQL NULL). */
const char *bw_sq_col_text(sqlite3_stmt *q, int i);
/** Column @p i as an integer, or -1 for SQL NULL. */
int64_t bw_sq_col_opt_i64(sqlite3_stmt *q, int i);
/**
 * A prepared statement for @p sql kept on the handle (reset, bindings cleared), prepared
 * on first use; NULL when it does not prepare. Give it back with bw_sq_release (which
 * resets it, ending its read) instead of finalizing it; a statement is in use by one
 * caller at a time. For the statements of hot paths (the server's reads and writes).
 */
sqlite3_stmt *bw_sq_cached(bw_store *s, const char *sql);
/** Ends the use of a statement from bw_sq_cached (finalizes one it did not cache). */
void bw_sq_release(bw_store *s, sqlite3_stmt *q);
/** Runs SQL without results; BW_OK or BW_ESTORE. */
int bw_sq_exec(bw_store *s, const char *sql);
/** BW_OK when @p step is SQLITE_DONE, else BW_ESTORE. */
int bw_sq_step_done(int step);
/** The single integer a query returns, or -1 on error. */
int64_t bw_sq_count(bw_store *s, const char *sql);
/** Copies @p s into @p a (NULL stays NULL); sets *oom on failure. */
const char *bw_sq_dup(struct bw_arena *a, const char *s, int *oom);
/**
 * Runs @p sql (with ?1 bound to @p arg when not NULL, or to @p iarg when arg is NULL and
 * iarg >= 0) and calls @p row for each result row; a nonzero return stops the walk and
 * is returned.
 */
int bw_sq_each_row(bw_store *s, const char *sql, const char *arg, int64_t iarg,
                   int (*row)(sqlite3_stmt *q, void *ctx), void *ctx);

/* ---- the audit log (store_audit.c; the actor lives on the handle, store_sqlite.c) ---- */

struct bw_audit_stmts;
/** The handle's actor ("system" until bw_store_set_actor) and, in *org, its
 *  organisation or NULL. Borrowed from the handle until the next bw_store_set_actor. */
const char *bw_sq_actor(bw_store *s, const char **org);
/** The handle's sink for the audit entries of reads (bw_store_set_read_audit), or NULL. */
bw_read_audit_fn bw_sq_read_audit(bw_store *s, void **ud);
/** Where the handle keeps the audit log's prepared statements (store_audit.c fills it). */
struct bw_audit_stmts **bw_sq_audit_slot(bw_store *s);
/** Finalises and frees what bw_sq_audit_slot holds (bw_store_close). Accepts NULL. */
void bw__audit_stmts_free(struct bw_audit_stmts *a);
/**
 * Appends an audit entry whose detail is a JSON object built from @p spec, a
 * space-separated list of "key=T" with T one of s (const char *, NULL gives null),
 * i (int64_t), b (int, a boolean) or f (double, null when not finite), each taking
 * one argument in order; @p spec NULL or "" gives no detail. Writes inside the current
 * transaction level, as bw_store_audit_append. For the store's own write functions.
 */
int bw__audit_log(bw_store *s, struct bw_diag *d, const char *action, const char *kind,
                  const char *object, const char *spec, ...);
/**
 * Calls @p row for the id (column 0) of every site that a note @p who may read is about:
 * a site detail shared with the caller makes the site visible to it (store_share.c).
 */
int bw_sq_shared_sites(bw_store *s, const struct bw_principal *who,
                       int (*row)(sqlite3_stmt *q, void *ctx), void *ctx);
#endif
