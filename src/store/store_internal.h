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
#endif
