/*
 * server.c — `bulwark serve`: routing, authentication, per-thread stores, the access
 * log and the JSON helpers every route uses (server.h).
 *
 * The router is a linear walk over the route tables of the routes_<area>.c files
 * (a few dozen rows: a walk costs less than the hash of a table would); a pattern
 * matches segment by segment, "{name}" taking one non-empty segment. A path that
 * matches no pattern is 404; one that matches with another method is 405 with Allow.
 * Authentication happens here, before the route runs, for every row marked auth: the
 * bearer token is hashed and looked up (bw_token_checker_auth), so a route never sees an
 * unauthenticated request by mistake.
 *
 * Each worker thread opens its own store handle on its first request (SQLite handles
 * are one per thread), with a token checker whose statement is prepared once (preparing
 * it per request halved the throughput), and registers both, so bw_server_stop can
 * free them all after the workers have stopped. The access log is one JSON object per line, written under a
 * mutex and flushed per line, so a crash loses at most the line being written.
 */
#include "server.h"
#include "alloc.h"
#include "error.h"
#include "json_jansson.h"
#include "limits.h"
#include "user.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define STORES_MAX 256

struct bw_server {
    struct bw_server_options o;
    char *db;
    bw_http *http;
    FILE *log;
    int own_log;
    pthread_mutex_t lock; /* guards log writes and the store registry */
    bw_store *stores[STORES_MAX];
    bw_token_checker *checkers[STORES_MAX]; /* one per store, freed before it */
    int nstores;
    bw_pack *pack;  /* loaded once at start; read-only and shared by the workers */
    srv_auditq *auditq; /* the audit entries of reads, appended in batches (auditq.c) */
    struct srv_list_cache *lists; /* recent warning lists (routes_share.c) */
    char *key_dir;
    struct srv_delivery *delivery; /* the webhook and escalation worker (delivery.c) */
    struct srv_events *events;     /* the server-sent events hub (events.c) */
};

static _Thread_local bw_store *tls_store;
static _Thread_local bw_token_checker *tls_checker;
static _Thread_local const bw_server *tls_server;
static char dummy_hash[BW_PWHASH_SIZE];

static const struct srv_route *const tables[] = {srv_routes_meta, srv_routes_auth,
                                                 srv_routes_register, srv_routes_share,
                                                 srv_routes_public, srv_routes_events};

void srv_routes_each(void (*cb)(void *ud, const struct srv_route *r), void *ud)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const struct srv_route *r = tables[t]; r->method; r++)
            cb(ud, r);
}

int64_t srv_now(void)
{
    return (int64_t)time(NULL);
}

const char *srv_dummy_hash(void)
{
    return dummy_hash;
}

/* ---- answers --------------------------------------------------------------------------- */

void srv_json(struct srv_ctx *x, int status, json_t *j)
{
    /* bw__json_dumps allocates through the project's allocator (bw_free frees it) and
     * reports a failed allocation instead of returning damaged text. */
    char *text = j ? bw__json_dumps(j, JSON_COMPACT) : NULL;
    char *body = NULL;
    size_t n;

    json_decref(j);
    if (text) {
        n = strlen(text);
        body = bw_realloc(text, n + 2);
        if (!body)
            bw_free(text);
    }
    if (!body) {
        x->res->status = 500;
        return;
    }
    body[n++] = '\n';
    body[n] = '\0';
    bw_http_response_set_body(x->res, body, n, "application/json");
    x->res->status = status;
}

void srv_text(struct srv_ctx *x, int status, const char *content_type, const char *text,
              size_t n)
{
    char *body = bw_malloc(n + 1);
    if (!body) {
        x->res->status = 500;
        return;
    }
    memcpy(body, text, n);
    body[n] = '\0';
    bw_http_response_set_body(x->res, body, n, content_type);
    x->res->status = status;
}

/* @p s as a JSON string; bytes that are not valid UTF-8 (echoed from a bad request, say)
 * become '?', so an error can always be answered. */
static json_t *safe_string(const char *s)
{
    json_t *j = json_string(s);
    char buf[600];
    size_t n = 0;

    if (j || !s)
        return j;
    for (; *s && n + 1 < sizeof buf; s++)
        buf[n++] = (unsigned char)*s < 0x80 && (unsigned char)*s >= 0x20 ? *s : '?';
    buf[n] = 0;
    return json_string(buf);
}

void srv_error_with(struct srv_ctx *x, int status, const char *code, const char *field,
                    json_t *extra, const char *msg)
{
    json_t *e = json_pack("{s:i,s:s,s:o}", "status", status, "code", code, "message",
                          safe_string(msg));
    if (e && field)
        json_object_set_new(e, "field", safe_string(field));
    if (e && extra)
        json_object_update(e, extra);
    json_decref(extra);
    srv_json(x, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

void srv_error(struct srv_ctx *x, int status, const char *code, const char *field,
               const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    srv_error_with(x, status, code, field, NULL, msg);
}

/* ---- request bodies -------------------------------------------------------------------- */

/* The deepest nesting of arrays and objects in @p p, outside strings; stops counting
 * past @p limit. Malformed input is left to the parser. */
static int json_depth(const char *p, size_t n, int limit)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max && (max = depth) > limit)
                return max;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

int srv_body_check(struct srv_ctx *x)
{
    const char *ct = bw_http_header(x->req, "Content-Type");
    size_t ctn = ct ? strcspn(ct, "; \t") : 0;

    if (!ct || ctn != 16 || strncasecmp(ct, "application/json", 16) != 0) {
        srv_error(x, 415, "unsupported_media_type", "Content-Type",
                  "the body must be JSON, sent as Content-Type: application/json (got %s)",
                  ct ? ct : "none");
        return 0;
    }
    if (x->req->body_len == 0) {
        srv_error(x, 400, "bad_json", NULL, "the request needs a JSON object as its body");
        return 0;
    }
    if (json_depth(x->req->body, x->req->body_len, BW_JSON_DEPTH_MAX) > BW_JSON_DEPTH_MAX) {
        srv_error(x, 400, "bad_json", NULL, "JSON nested deeper than %d levels",
                  BW_JSON_DEPTH_MAX);
        return 0;
    }
    return 1;
}

void srv_diag(struct srv_ctx *x, int rc, const struct bw_diag *d)
{
    const char *field = d->field[0] ? d->field : NULL;
    const char *msg = d->msg[0] ? d->msg : bw_strerror(rc);
    int status = 500;
    const char *code = "internal";

    switch (rc) {
    case BW_ENOTFOUND: status = 404; code = "not_found"; break;
    case BW_ETOOBIG: status = 413; code = "too_large"; break;
    case BW_EDENIED: status = 403; code = "forbidden"; break;
    case BW_ESTATE: status = 409; code = "conflict"; break;
    case BW_EINVAL: case BW_EPARSE: case BW_ERANGE: case BW_EREF: case BW_EEXIST:
    case BW_EENCODING:
        status = 400;
        code = rc == BW_EREF ? "unknown_reference" : rc == BW_EPARSE ? "bad_json" : "bad_request";
        break;
    case BW_ENOMEM: status = 503; code = "out_of_memory"; break;
    default: break;
    }
    srv_error(x, status, code, field, "%s", msg);
}

json_t *srv_body_object(struct srv_ctx *x, const char *const *allowed)
{
    json_error_t err;
    json_t *j;
    const char *key;
    json_t *v;

    if (!srv_body_check(x))
        return NULL;
    j = json_loadb(x->req->body, x->req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        json_t *pos = json_pack("{s:i,s:i,s:i}", "line", err.line, "column", err.column,
                                "position", err.position);
        char msg[300];
        snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d (byte %d): %s",
                 err.line, err.column, err.position, err.text);
        srv_error_with(x, 400, "bad_json", NULL, pos, msg);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        srv_error(x, 400, "bad_json", NULL, "the body must be a JSON object");
        return NULL;
    }
    json_object_foreach(j, key, v) {
        int known = 0;
        for (const char *const *a = allowed; a && *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            srv_error(x, 400, "unknown_field", key, "unknown field '%s'", key);
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

/* ---- routing --------------------------------------------------------------------------- */

/* Matches @p path against @p pattern, filling x->params; 1 on a match. */
static int match(const char *pattern, const char *path, struct srv_ctx *x)
{
    int np = 0;
    const char *p = pattern, *s = path;

    while (*p && *s) {
        if (*p == '{') {
            size_t n = strcspn(s, "/");
            char *seg;
            if (n == 0 || np == SRV_PARAMS_MAX)
                return 0;
            seg = bw_arena_strndup(&x->arena, s, n);
            if (!seg)
                return 0;
            x->params[np++] = seg;
            s += n;
            p = strchr(p, '}');
            if (!p)
                return 0;
            p++;
        } else if (*p++ != *s++) {
            return 0;
        }
    }
    return *p == '\0' && *s == '\0';
}

/* Authenticates the bearer token of the request into x->who; answers 401 otherwise. */
static int authenticate(struct srv_ctx *x)
{
    const char *h = bw_http_header(x->req, "Authorization");
    char hash[BW_TOKEN_HASH_SIZE];
    const char *tok;
    size_t n;
    int rc;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
        bw_http_response_header(x->res, "WWW-Authenticate", "Bearer realm=\"bulwark\"");
        srv_error(x, 401, "unauthenticated", "Authorization",
                  "this needs a token: Authorization: Bearer TOKEN (POST /api/v1/login)");
        return 0;
    }
    tok = h + 7;
    n = strlen(tok);
    if (n != BW_TOKEN_SIZE - 1 || strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789-_") != n) {
        bw_http_response_header(x->res, "WWW-Authenticate",
                                "Bearer realm=\"bulwark\", error=\"invalid_token\"");
        srv_error(x, 401, "invalid_token", "Authorization", "the token is malformed");
        return 0;
    }
    bw_token_hash(tok, n, hash);
    rc = bw_token_checker_auth(x->checker, hash, &x->arena, &x->who);
    if (rc == BW_ENOTFOUND) {
        bw_http_response_header(x->res, "WWW-Authenticate",
                                "Bearer realm=\"bulwark\", error=\"invalid_token\"");
        srv_error(x, 401, "invalid_token", "Authorization",
                  "the token is unknown, expired or revoked, or its account is disabled");
        return 0;
    }
    if (rc) {
        srv_error(x, 503, "store", NULL, "the database could not check the token: %s",
                  bw_strerror(rc));
        return 0;
    }
    x->authed = 1;
    snprintf(x->log_user, 64, "%.63s", x->who.user);
    return 1;
}

/* This thread's store handle and token checker, made on first use and registered for
 * closing. */
static bw_store *thread_store(bw_server *srv, bw_token_checker **checker)
{
    struct bw_diag d;
    bw_store *s = NULL;
    bw_token_checker *c = NULL;

    if (tls_store && tls_server == srv) {
        *checker = tls_checker;
        return tls_store;
    }
    bw_diag_clear(&d);
    if (bw_store_open(srv->db, &d, &s))
        return NULL;
    if (bw_store_set_durability(s, srv->o.sync_full) || bw_token_checker_new(s, &c) ||
        bw_store_set_autocheckpoint(s, 0)) {
        bw_store_close(s);
        return NULL;
    }
    pthread_mutex_lock(&srv->lock);
    if (srv->nstores == STORES_MAX) {
        pthread_mutex_unlock(&srv->lock);
        bw_token_checker_free(c);
        bw_store_close(s);
        return NULL;
    }
    srv->stores[srv->nstores] = s;
    srv->checkers[srv->nstores++] = c;
    pthread_mutex_unlock(&srv->lock);
    bw_store_set_read_audit(s, srv_auditq_push, srv->auditq);
    tls_store = s;
    tls_checker = c;
    tls_server = srv;
    *checker = c;
    return s;
}

static void handle(void *ud, const struct bw_http_request *req, struct bw_http_response *res,
                   char user[64])
{
    bw_server *srv = ud;
    struct srv_ctx x;
    const struct srv_route *found = NULL;
    char allow[128] = "";

    memset(&x, 0, sizeof x);
    x.req = req;
    x.res = res;
    x.log_user = user;
    bw_arena_init(&x.arena, 4096);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !found; t++)
        for (const struct srv_route *r = tables[t]; r->method && !found; r++) {
            if (!match(r->pattern, req->path, &x))
                continue;
            if (strcmp(r->method, req->method) == 0) {
                found = r;
            } else if (strlen(allow) + strlen(r->method) + 3 < sizeof allow) {
                if (*allow)
                    memcpy(allow + strlen(allow), ", ", 3);
                memcpy(allow + strlen(allow), r->method, strlen(r->method) + 1);
            }
        }
    if (!found && *allow) {
        bw_http_response_header(res, "Allow", allow);
        srv_error(&x, 405, "method_not_allowed", NULL, "%s is not allowed on %s (allowed: %s)",
                  req->method, req->path, allow);
        goto out;
    }
    if (!found) {
        srv_error(&x, 404, "not_found", NULL, "no such resource: %s", req->path);
        goto out;
    }
    x.store = thread_store(srv, &x.checker);
    if (!x.store) {
        srv_error(&x, 503, "store", NULL, "the database cannot be opened");
        goto out;
    }
    x.pack = srv->pack;
    x.lists = srv->lists;
    x.key_dir = srv->key_dir;
    x.public_url = srv->o.public_url;
    x.events = srv->events;
    if (found->auth && !authenticate(&x))
        goto out;
    /* Writes and audited reads of this request are attributed to its caller. */
    if (x.authed)
        bw_store_set_actor(x.store, x.who.user, x.who.org);
    else
        bw_store_set_actor(x.store, "anonymous", NULL);
    found->fn(&x);
out:
    bw_arena_release(&x.arena);
}

/* ---- access log ------------------------------------------------------------------------ */

static void log_entry(void *ud, const struct bw_http_log *e)
{
    bw_server *srv = ud;
    struct timespec now;
    struct tm tm;
    char at[40];
    json_t *j;
    char *line;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(at, 24, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(at + strlen(at), sizeof at - strlen(at), ".%03ldZ", now.tv_nsec / 1000000);
    j = json_pack("{s:s,s:s,s:s,s:i,s:I,s:I,s:s,s:s}", "time", at, "method", e->method,
                  "path", e->path, "status", e->status, "bytes", (json_int_t)e->bytes,
                  "duration_us", (json_int_t)e->duration_us, "user", e->user, "address",
                  e->address);
    line = j ? bw__json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!line)
        return;
    pthread_mutex_lock(&srv->lock);
    fputs(line, srv->log);
    fputc('\n', srv->log);
    fflush(srv->log);
    pthread_mutex_unlock(&srv->lock);
    bw_free(line);
}

/* ---- life cycle ------------------------------------------------------------------------ */

static void wake_delivery(void *ud)
{
    srv_delivery_wake(ud);
}

/* The key directory: the option, else the database's directory (a copy to free). */
static char *key_dir_of(const struct bw_server_options *o)
{
    const char *src = o->key_dir, *slash = strrchr(o->db, '/');
    size_t n = src ? strlen(src) : slash ? (size_t)(slash - o->db) : 1;
    char *k = bw_malloc(n + 2);

    if (!k)
        return NULL;
    memcpy(k, src ? src : slash ? o->db : ".", n);
    if (!src && slash && n == 0)
        k[n++] = '/';
    k[n] = 0;
    return k;
}

int bw_server_start(const struct bw_server_options *o, char err[256], bw_server **out)
{
    struct bw_http_options ho;
    struct bw_diag d;
    bw_server *srv;
    bw_store *probe = NULL;
    bw_pack *pack = NULL;
    int rc;

    *out = NULL;
    if (bw_user_crypto_init()) {
        snprintf(err, 256, "libsodium cannot start");
        return BW_EINVAL;
    }
    /* Opening the database once here brings its schema up to date before any worker
     * opens it, and fails early on a bad path. */
    bw_diag_clear(&d);
    if (bw_store_open(o->db, &d, &probe)) {
        bw_diag_format(&d, err, 256);
        return BW_ESTORE;
    }
    rc = bw_store_pack_get(probe, &d, &pack);
    bw_store_close(probe);
    if (rc) {
        if (rc == BW_ENOTFOUND)
            snprintf(err, 256, "%s: the database has no pack; run `bulwark init` first", o->db);
        else
            bw_diag_format(&d, err, 256);
        return rc;
    }
    /* One seed for jansson's hash tables before any thread parses JSON. */
    json_object_seed(0);
    if (!dummy_hash[0] && bw_password_hash("bulwark-no-such-user", 20, dummy_hash)) {
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    srv = bw_calloc(1, sizeof *srv);
    if (!srv) {
        bw_pack_free(pack);
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    srv->o = *o;
    srv->pack = pack;
    srv->key_dir = key_dir_of(o);
    if (!srv->key_dir) {
        bw_pack_free(pack);
        bw_free(srv);
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    srv->db = bw_malloc(strlen(o->db) + 1);
    if (!srv->db) {
        bw_free(srv);
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    memcpy(srv->db, o->db, strlen(o->db) + 1);
    pthread_mutex_init(&srv->lock, NULL);
    srv->log = stderr;
    if (o->access_log) {
        srv->log = fopen(o->access_log, "a");
        if (!srv->log) {
            snprintf(err, 256, "%s: cannot open the access log", o->access_log);
            rc = BW_EIO;
            goto fail;
        }
        srv->own_log = 1;
    }
    /* The worker first, the hub that wakes it next, both before the first request. */
    {
        struct srv_delivery_options dopt = {srv->db, o->delivery_attempts ? o->delivery_attempts : 6,
                                            o->retry_base ? o->retry_base : 10,
                                            o->escalate_every ? o->escalate_every : 30,
                                            o->sync_full};
        rc = srv_delivery_start(&dopt, err, &srv->delivery);
        if (!rc)
            rc = srv_events_start(srv->db, o->sync_full, wake_delivery, srv->delivery, err,
                                  &srv->events);
        if (rc)
            goto fail;
    }
    srv->lists = srv_list_cache_new();
    if (srv_auditq_start(srv->db, o->sync_full, &srv->auditq)) {
        snprintf(err, 256, "%s: cannot start the audit writer", srv->db);
        rc = BW_ESTORE;
        goto fail;
    }
    memset(&ho, 0, sizeof ho);
    ho.host = o->host ? o->host : "127.0.0.1";
    ho.port = o->port;
    ho.threads = o->threads ? o->threads : 2;
    ho.handler = handle;
    ho.logger = log_entry;
    ho.ud = srv;
    rc = bw_http_start(&ho, err, &srv->http);
    if (rc)
        goto fail;
    *out = srv;
    return BW_OK;
fail:
    srv_events_stop(srv->events);
    srv_delivery_stop(srv->delivery);
    srv_auditq_stop(srv->auditq);
    srv_list_cache_free(srv->lists);
    if (srv->own_log)
        fclose(srv->log);
    pthread_mutex_destroy(&srv->lock);
    bw_pack_free(srv->pack);
    bw_free(srv->key_dir);
    bw_free(srv->db);
    bw_free(srv);
    return rc;
}

uint16_t bw_server_port(const bw_server *s)
{
    return bw_http_port(s->http);
}

void bw_server_stop(bw_server *s)
{
    if (!s)
        return;
    /* The workers are joined before the stores close: every write a response
     * acknowledged was committed before the response was queued, and nothing is
     * writing once the workers are gone. */
    bw_http_stop(s->http, 10000);
    /* The hub after the workers (routes subscribe to it), the worker after the hub (the
     * hub wakes it). */
    srv_events_stop(s->events);
    srv_delivery_stop(s->delivery);
    for (int i = 0; i < s->nstores; i++) {
        bw_token_checker_free(s->checkers[i]);
        bw_store_close(s->stores[i]);
    }
    /* Last: it appends what the workers read until they stopped. */
    srv_auditq_stop(s->auditq);
    srv_list_cache_free(s->lists);
    if (s->own_log)
        fclose(s->log);
    else
        fflush(s->log);
    pthread_mutex_destroy(&s->lock);
    bw_pack_free(s->pack);
    bw_free(s->key_dir);
    bw_free(s->db);
    bw_free(s);
}
