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
#include "pack.h"
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
    const char *key_dir;    /**< directory of the CAP signing key (NULL: the database's) */
    const char *public_url; /**< base URL the public feed links to (NULL: from Host) */
    unsigned delivery_attempts; /**< webhook attempts before a delivery is dead (0: 6) */
    unsigned retry_base;    /**< first retry wait in seconds (0: 10; docs/delivery.md) */
    unsigned escalate_every; /**< seconds between escalation sweeps (0: 30) */
    int sync_full;          /**< 1: every commit waits for the disk (bw_store_set_durability) */
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
    const bw_pack *pack;         /**< the database's methodology pack (read-only, shared) */
    const char *key_dir;         /**< where the CAP signing key lives */
    const char *public_url;      /**< base URL for links in the public feed, or NULL */
    struct srv_events *events;   /**< the server-sent events hub (events.c) */
    struct srv_list_cache *lists; /**< recent warning lists by caller (routes_share.c) */
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
extern const struct srv_route srv_routes_share[];
extern const struct srv_route srv_routes_public[];
extern const struct srv_route srv_routes_events[];

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

/**
 * Checks the request body is JSON a handler may parse itself: 415 unless Content-Type is
 * application/json, 400 for an empty body or nesting deeper than BW_JSON_DEPTH_MAX. On
 * failure the error is answered and 0 returned.
 */
int srv_body_check(struct srv_ctx *x);

/**
 * Answers the error in @p d as the right status: 404 for BW_ENOTFOUND, 413 for
 * BW_ETOOBIG, 403 for BW_EDENIED (the caller's role may not do this), 409 for BW_ESTATE
 * (the record's state does not allow it), 400 for other bad input, 500 otherwise.
 */
void srv_diag(struct srv_ctx *x, int rc, const struct bw_diag *d);

/* ---- the warning lists' cache (routes_share.c) ------------------------------------------- */

struct srv_list_cache;
/** A cache of the warning lists recently answered, per caller; NULL when out of memory
 *  (the routes then read every time). */
struct srv_list_cache *srv_list_cache_new(void);
void srv_list_cache_free(struct srv_list_cache *c);

/* ---- the audit writer of reads (auditq.c) ---------------------------------------------- */

typedef struct srv_auditq srv_auditq;
/** Starts the thread that appends the audit entries of reads in batches and runs the
 *  database's checkpoints, on its own handle of @p db. */
int srv_auditq_start(const char *db, int sync_full, srv_auditq **out);
/** A bw_read_audit_fn: queues a copy of the entry (waits when the queue is full). */
void srv_auditq_push(void *ud, const char *actor, const char *org,
                     const struct bw_audit_entry *e);
/** Appends what is queued and stops the thread. Accepts NULL. */
void srv_auditq_stop(srv_auditq *q);

/** The current Unix time. */
int64_t srv_now(void);

/* ---- the delivery worker (delivery.c) and the events hub (events.c) ----------------- */

/** Most server-sent-event clients at once; 503 beyond. Half of libmicrohttpd's
 *  connections per address (BW_HTTP_CONN_PER_IP): behind nginx every client comes from
 *  127.0.0.1, and open streams must leave room for the requests. */
#define SRV_EVENTS_MAX 128

struct srv_delivery;
struct srv_events;

/** What the delivery worker is told at start. */
struct srv_delivery_options {
    const char *db;            /**< the worker opens its own store handle on it */
    unsigned attempts;         /**< attempts before dead (1..20) */
    unsigned retry_base;       /**< first retry wait, seconds */
    unsigned escalate_every;   /**< seconds between escalation sweeps */
    int sync_full;             /**< the durability of the worker's writes (bw_store_set_durability) */
};

/**
 * Starts the delivery worker: a thread with its own store handle that every second (or
 * when woken) POSTs the due webhook deliveries and records each result, and every
 * @p o->escalate_every seconds escalates overdue recipients. Fills @p err on failure.
 */
int srv_delivery_start(const struct srv_delivery_options *o, char err[256],
                       struct srv_delivery **out);
/** Wakes the worker now (a warning was published). Any thread. Accepts NULL. */
void srv_delivery_wake(struct srv_delivery *w);
/** Stops the worker, aborting a request in flight, joins it and frees @p w. Accepts NULL. */
void srv_delivery_stop(struct srv_delivery *w);

/**
 * Starts the events hub: a thread with its own store handle that every 500 ms looks for
 * warnings issued, updated or cancelled since its last look (by this server or any
 * other process on the database), and sends an event to every subscriber that may read
 * the warning, plus a heartbeat comment every 15 s. @p wake (may be NULL) is called
 * with @p wake_ud after each look that found something. @p sync_full is the durability
 * of its writes (the audit entries of the subscribers' reads).
 */
int srv_events_start(const char *db, int sync_full, void (*wake)(void *ud), void *wake_ud,
                     char err[256], struct srv_events **out);
/**
 * Subscribes @p st for the caller whose bearer token hashes
 * to @p token_hash: the token is checked again before every event and heartbeat, so a
 * revoked or expired token ends the stream. On BW_OK the hub takes over the caller's
 * reference to @p st (it releases it when the stream ends); on BW_ETOOBIG (SRV_EVENTS_MAX
 * streams are open, or the hub is stopping) the caller keeps it. Any thread.
 */
int srv_events_subscribe(struct srv_events *ev, bw_http_stream *st, const char *token_hash);
/** Ends every stream, stops and joins the hub and frees @p ev. Accepts NULL. */
void srv_events_stop(struct srv_events *ev);

/** A constant-cost argon2id hash to verify against when the user does not exist. */
const char *srv_dummy_hash(void);

#endif
