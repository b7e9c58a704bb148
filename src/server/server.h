/*
 * server.h — `bulwark serve`: the router, the request context the routes work in, and
 * the server's life cycle (private to src/server/ and cmd_serve.c).
 *
 * A request goes http.c → server.c (route lookup, authentication, the per-thread store,
 * the request arena) → one route function in a routes_<area>.c file, which reads the
 * context and answers through srv_json / srv_error. Every route is one row of a table
 * (srv_route): method, path pattern ("{id}" matches one segment), whether it needs an
 * authenticated caller, and the function. Later capabilities (TLP policy, warnings,
 * reports, audit) add route files and rows; the context already carries who is asking
 * (struct bw_principal, store.h), which the store's reads take.
 *
 * Ownership: the context, its arena and everything allocated from it live for one
 * request. Thread-safety: routes run on several worker threads at once; each thread
 * has its own store handle (store handles are one per thread) and its own context.
 */
#ifndef BW_SERVER_H
#define BW_SERVER_H

#include "arena.h"
#include "http.h"
#include "store.h"

#include <jansson.h>
#include <stdint.h>

typedef struct bw_server bw_server;

/** What `bulwark serve` was asked for. */
struct bw_server_options {
    const char *db;         /**< database path (must exist and be initialised) */
    const char *host;       /**< numeric address to bind; "127.0.0.1" by default */
    uint16_t port;          /**< 0 for an ephemeral port */
    unsigned threads;       /**< worker threads */
    const char *access_log; /**< file to append the access log to, or NULL for stderr */
};

/** Opens the access log, binds and starts serving. Fills @p err on failure. */
int bw_server_start(const struct bw_server_options *o, char err[256], bw_server **out);
/** The port the server listens on. */
uint16_t bw_server_port(const bw_server *s);
/**
 * Stops accepting, lets requests in flight finish (up to 10 s), stops the workers and
 * closes every thread's store handle and the access log. Accepts NULL.
 */
void bw_server_stop(bw_server *s);

/* ---- for the route files -------------------------------------------------------------- */

/** Most "{...}" parameters in one route pattern. */
#define SRV_PARAMS_MAX 4

/** One request as the routes see it. */
struct srv_ctx {
    const struct bw_http_request *req;
    struct bw_http_response *res;
    bw_store *store;             /**< this thread's handle */
    bw_token_checker *checker;   /**< this thread's prepared token check */
    struct bw_arena arena;       /**< freed when the request ends */
    struct bw_principal who;     /**< the caller, when authed */
    int authed;
    const char *params[SRV_PARAMS_MAX]; /**< the "{...}" segments, in order */
    char *log_user;              /**< the access log's user field (64 bytes) */
};

/** One row of the router. */
struct srv_route {
    const char *method;  /**< "GET", "POST", ... */
    const char *pattern; /**< "/api/v1/sites/{id}" */
    int auth;            /**< 1: 401 unless a valid token is presented */
    void (*fn)(struct srv_ctx *x);
};

/** The route tables of each area, each ending with a row of NULLs. */
extern const struct srv_route srv_routes_meta[];
extern const struct srv_route srv_routes_auth[];
extern const struct srv_route srv_routes_register[];

/** Calls @p cb for every route of the router, in table order (for `serve --routes`). */
void srv_routes_each(void (*cb)(void *ud, const struct srv_route *r), void *ud);

/**
 * Answers @p status with {"error": {"status", "code", "message"[, "field"]}}. @p field
 * names the offending input (NULL when none).
 */
void srv_error(struct srv_ctx *x, int status, const char *code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/** Like srv_error, with the extra members of @p extra (taken) added to the error object. */
void srv_error_with(struct srv_ctx *x, int status, const char *code, const char *field,
                    json_t *extra, const char *msg);
/** Answers @p status with @p j as the JSON body (takes @p j; NULL answers 500). */
void srv_json(struct srv_ctx *x, int status, json_t *j);
/** Answers with @p n bytes of @p text as @p content_type (copied). */
void srv_text(struct srv_ctx *x, int status, const char *content_type, const char *text,
              size_t n);

/**
 * The request body as a JSON object: 415 unless Content-Type is application/json, 400
 * for an empty body, nesting deeper than BW_JSON_DEPTH_MAX, malformed JSON (naming
 * line, column and byte position), duplicate keys, a non-object, or a member not in
 * @p allowed (NULL-terminated; naming the field). On failure the error is answered
 * and NULL returned; otherwise the caller owns the result (json_decref).
 */
json_t *srv_body_object(struct srv_ctx *x, const char *const *allowed);

/** The current Unix time. */
int64_t srv_now(void);

/** A constant-cost argon2id hash to verify against when the user does not exist. */
const char *srv_dummy_hash(void);

#endif
