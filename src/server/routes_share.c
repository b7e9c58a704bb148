/*
 * routes_share.c — the information-sharing network over HTTP: warnings and their life
 * cycle, CAP messages, recipients and acknowledgements, reports from the field, notes
 * and shared site details (docs/api.md, "Warnings", "Reports", "Notes").
 *
 * Every read goes through a store function that takes the caller's principal, so what a
 * caller may see is decided in the store's SQL (the TLP predicate) and an item it may
 * not see is a 404 exactly like one that does not exist. Every write goes through the
 * app layer (warning.h, report.h), which checks the role and the life cycle; errors
 * come back as a bw_diag and srv_diag picks the status (403 role, 409 state, 400 input,
 * 404 absent). Routes only translate between JSON and those calls.
 */
#include "server.h"
#include "alloc.h"
#include "error.h"
#include "report.h"
#include "share.h"
#include "sign.h"
#include "warning.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Parses x->params[0] as an id; answers 400 and returns 0 when it is not one. */
static int param_id(struct srv_ctx *x, int64_t *id)
{
    char *end;
    long long v = strtoll(x->params[0], &end, 10);
    if (*end || v <= 0 || end - x->params[0] > 18) {
        srv_error(x, 400, "bad_id", "id", "'%.40s' is not an id (a positive number)",
                  x->params[0]);
        return 0;
    }
    *id = v;
    return 1;
}

static void store_failed(struct srv_ctx *x, int rc, const char *what)
{
    if (rc == BW_ENOTFOUND)
        srv_error(x, 404, "not_found", "id", "no %s '%s'", what, x->params[0]);
    else
        srv_error(x, 500, "store", NULL, "reading the %s: %s", what, bw_strerror(rc));
}

/* Answers a list read: {"count", KEY: arr}; or, when @p rc is an error, frees @p arr and
 * answers 404 (BW_ENOTFOUND: no such item, or not one the caller may read) or 500. */
static void answer_list(struct srv_ctx *x, int rc, json_t *arr, const char *key,
                        const char *what)
{
    if (rc) {
        json_decref(arr);
        store_failed(x, rc, what);
        return;
    }
    srv_json(x, 200, json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(arr), key,
                               arr));
}

static int to_array(void *ud, json_t *j)
{
    return j && json_array_append_new(ud, j) == 0 ? BW_OK : BW_ENOMEM;
}

static void env_of(struct srv_ctx *x, struct bw_warning_env *env)
{
    memset(env, 0, sizeof *env);
    env->key_dir = x->key_dir;
}

/* ---- warnings --------------------------------------------------------------------------- */

/* The generic body checks (content type, malformed JSON with its position, depth,
 * unknown members) for a warning document; the app layer then checks its values. */
static int doc_body(struct srv_ctx *x)
{
    json_t *j = srv_body_object(x, bw_warning_doc_members);
    json_decref(j);
    return j != NULL;
}

static int on_warning(void *ud, const struct bw_warning *w)
{
    return to_array(ud, bw_warning_json(w, 0));
}

/*
 * The warning list is what clients poll. A caller's list is kept for up to LIST_TTL_S
 * seconds and served again while the database's generation is unchanged (no commit by
 * this process, none by another: bw_store_generation) — the same bytes the store read
 * would give but for the clock, which the time limit bounds (a deadline passing). A
 * list served from the cache still leaves its audit entry (bw_store_audit_read), the very
 * entry the read would have made. Keyed by user and state filter: what a caller may read
 * depends only on who it is.
 */
#define LIST_SLOTS 64
#define LIST_TTL_S 1.0

struct list_slot {
    int64_t user;
    int status;
    uint64_t gen[2];
    double at;
    char *body, *audit;  /* the answer; the audit entry's detail, or NULL */
    size_t len;
    int worst;           /* the worst TLP marking read */
};

struct srv_list_cache {
    pthread_mutex_t lock;
    struct list_slot slot[LIST_SLOTS];
};

struct srv_list_cache *srv_list_cache_new(void)
{
    struct srv_list_cache *c = bw_calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void srv_list_cache_free(struct srv_list_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < LIST_SLOTS; i++) {
        bw_free(c->slot[i].body);
        bw_free(c->slot[i].audit);
    }
    pthread_mutex_destroy(&c->lock);
    bw_free(c);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The slot of (user, status), or the one to replace; under the lock. */
static struct list_slot *list_slot(struct srv_list_cache *c, int64_t user, int status)
{
    size_t h = ((size_t)user * 31u + (size_t)(status + 1)) % LIST_SLOTS;
    return &c->slot[h];
}

/* Serves the list from the cache when it is current; 1 when answered. */
static int list_cached(struct srv_ctx *x, int status, const uint64_t gen[2])
{
    struct list_slot *sl;
    char *body = NULL, *audit = NULL;
    size_t len = 0;
    int worst = 0, hit = 0;

    if (!x->lists)
        return 0;
    pthread_mutex_lock(&x->lists->lock);
    sl = list_slot(x->lists, x->who.user_id, status);
    if (sl->body && sl->user == x->who.user_id && sl->status == status &&
        sl->gen[0] == gen[0] && sl->gen[1] == gen[1] && mono_s() - sl->at < LIST_TTL_S) {
        body = bw_malloc(sl->len + 1);
        audit = sl->audit ? bw_strndup(sl->audit, strlen(sl->audit)) : NULL;
        if (body && (audit || !sl->audit)) {
            memcpy(body, sl->body, sl->len + 1);
            len = sl->len;
            worst = sl->worst;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&x->lists->lock);
    if (hit) {
        struct bw_diag d;
        bw_diag_clear(&d);
        if (audit && bw_store_audit_read(x->store, "warning.list", "warning", worst, audit, &d)) {
            bw_free(audit);
            bw_free(body);
            return 0; /* read it again: the store's read makes its own entry */
        }
        bw_http_response_set_body(x->res, body, len, "application/json");
        x->res->status = 200;
        body = NULL;
    }
    bw_free(audit);
    bw_free(body);
    return hit;
}

/* Keeps the answer just made for (caller, status) with the audit entry it made. */
static void list_keep(struct srv_ctx *x, int status, const uint64_t gen[2], json_t *arr)
{
    struct bw_buf ids;
    struct list_slot *sl;
    size_t i;
    json_t *w;
    int worst = 0, n = 0;
    char *body, *audit = NULL;

    if (!x->lists || x->res->status != 200 || !x->res->body)
        return;
    bw_buf_init(&ids, 1u << 20);
    json_array_foreach(arr, i, w) {
        int t = BW_TLP_RED;
        if (bw_tlp_parse(json_string_value(json_object_get(w, "tlp")), NULL, NULL, &t) ||
            !bw_tlp_audited(t))
            continue;
        bw_buf_printf(&ids, "%s%lld", n++ ? "," : "",
                      (long long)json_integer_value(json_object_get(w, "id")));
        if (t > worst)
            worst = t;
    }
    if (n) {
        struct bw_buf det;
        bw_buf_init(&det, 1u << 21);
        if (bw_buf_printf(&det, "{\"ids\":[%s]}", bw_buf_cstr(&ids)) == BW_OK)
            audit = bw_strndup(det.p, det.len);
        bw_buf_release(&det);
    }
    bw_buf_release(&ids);
    body = bw_malloc(x->res->body_len + 1);
    if (!body || (n && !audit)) {
        bw_free(body);
        bw_free(audit);
        return;
    }
    memcpy(body, x->res->body, x->res->body_len);
    body[x->res->body_len] = 0;
    pthread_mutex_lock(&x->lists->lock);
    sl = list_slot(x->lists, x->who.user_id, status);
    bw_free(sl->body);
    bw_free(sl->audit);
    *sl = (struct list_slot){x->who.user_id, status, {gen[0], gen[1]}, mono_s(), body, audit,
                             x->res->body_len, worst};
    pthread_mutex_unlock(&x->lists->lock);
}

static void warnings_list(struct srv_ctx *x)
{
    const char *st = bw_http_query(x->req, "status");
    json_t *arr;
    struct bw_diag d;
    uint64_t gen[2];
    int status = -1, rc, cacheable;

    bw_diag_clear(&d);
    if (st && bw_warning_status_parse(st, &d, &status)) {
        srv_diag(x, BW_EINVAL, &d);
        return;
    }
    /* The generation is read before the list, so a commit in between makes the kept
     * answer stale rather than served. */
    cacheable = bw_store_generation(x->store, gen) == BW_OK;
    if (cacheable && list_cached(x, status, gen))
        return;
    arr = json_array();
    rc = arr ? bw_store_warnings_each(x->store, &x->who, status, 0, on_warning, arr) : BW_ENOMEM;
    if (!rc)
        json_incref(arr);
    answer_list(x, rc, arr, "warnings", "warnings");
    if (!rc) {
        if (cacheable)
            list_keep(x, status, gen, arr);
        json_decref(arr);
    }
}

static void warning_draft(struct srv_ctx *x)
{
    struct bw_warning_env env;
    struct bw_diag d;
    int64_t id = 0;
    int rc;

    if (!doc_body(x))
        return;
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_draft(x->store, x->pack, &x->who, &env, x->req->body, x->req->body_len,
                          "body", &id, &d);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "draft"));
}

static void warning_get(struct srv_ctx *x)
{
    struct bw_warning w;
    json_t *j, *doc;
    int64_t id;
    int rc;

    if (!param_id(x, &id))
        return;
    rc = bw_store_warning_get(x->store, &x->who, id, &x->arena, &w);
    if (rc) {
        store_failed(x, rc, "warning");
        return;
    }
    j = bw_warning_json(&w, 1);
    doc = j ? json_object_get(j, "document") : NULL;
    /* Who else received it is the issuer's to know (as the counts and lists are): the
     * named organisations and, but for a RED warning whose CAP addresses them, the named
     * users leave the document a recipient reads. */
    if (doc && strcmp(x->who.org, w.item.author_org) != 0) {
        json_object_del(doc, "orgs");
        if (w.item.tlp != BW_TLP_RED)
            json_object_del(doc, "users");
    }
    srv_json(x, 200, j);
}

static void warning_edit(struct srv_ctx *x)
{
    struct bw_warning_env env;
    struct bw_diag d;
    int64_t id;
    int rc;

    if (!param_id(x, &id) || !doc_body(x))
        return;
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_edit(x->store, x->pack, &x->who, &env, id, x->req->body, x->req->body_len,
                         "body", &d);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "draft"));
}

/* The optional {"note": "..."} of a step; 1 when the body (if any) is acceptable. */
static int step_note(struct srv_ctx *x, json_t **body, const char **note)
{
    static const char *const allowed[] = {"note", NULL};
    json_t *v;

    *body = NULL;
    *note = NULL;
    if (x->req->body_len == 0)
        return 1;
    if (!(*body = srv_body_object(x, allowed)))
        return 0;
    v = json_object_get(*body, "note");
    if (v && (!json_is_string(v) || json_string_length(v) > 4096)) {
        srv_error(x, 400, "bad_request", "note", "'note' must be a string of at most 4096 bytes");
        json_decref(*body);
        return 0;
    }
    *note = v ? json_string_value(v) : NULL;
    return 1;
}

static void warning_approve(struct srv_ctx *x)
{
    struct bw_warning_env env;
    struct bw_diag d;
    json_t *body;
    const char *note;
    int64_t id;
    int rc;

    if (!param_id(x, &id) || !step_note(x, &body, &note))
        return;
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_approve(x->store, &x->who, &env, id, note, &d);
    json_decref(body);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 200, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "status", "approved",
                                   "approved_by", x->who.user));
}

static void publish(struct srv_ctx *x, int action)
{
    struct bw_warning_env env;
    struct bw_warning_result r;
    struct bw_diag d;
    json_t *body = NULL;
    const char *note = NULL, *doc = NULL;
    size_t ndoc = 0;
    int64_t id;
    int rc;

    if (!param_id(x, &id))
        return;
    if (action == BW_WSTEP_UPDATE) {
        if (!doc_body(x))
            return;
        doc = x->req->body;
        ndoc = x->req->body_len;
    } else if (!step_note(x, &body, &note)) {
        return;
    }
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_publish(x->store, x->pack, &x->who, &env, id, action, doc, ndoc, note,
                            &x->arena, &r, &d);
    json_decref(body);
    if (rc) {
        srv_diag(x, rc, &d);
        return;
    }
    srv_json(x, 200, json_pack("{s:I,s:s,s:I,s:I,s:I,s:o,s:o}", "id", (json_int_t)id, "status",
                               action == BW_WSTEP_CANCEL ? "cancelled" : "issued", "seq",
                               (json_int_t)r.seq, "recipients", (json_int_t)r.recipients,
                               "sites", (json_int_t)r.sites, "identifier",
                               r.identifier ? json_string(r.identifier) : json_null(),
                               "signature",
                               r.signature ? json_string(r.signature) : json_null()));
}

static void warning_issue(struct srv_ctx *x)
{
    publish(x, BW_WSTEP_ISSUE);
}

static void warning_update(struct srv_ctx *x)
{
    publish(x, BW_WSTEP_UPDATE);
}

static void warning_cancel(struct srv_ctx *x)
{
    publish(x, BW_WSTEP_CANCEL);
}

/* Answers a stored CAP message with its signature header. */
static void cap_answer(struct srv_ctx *x, const struct bw_warning_cap *c)
{
    char keyid[BW_SIGN_KEYID_MAX], sig[BW_SIGN_SIG_B64_MAX], hdr[BW_SIGN_HEADER_MAX];
    struct bw_diag d;

    bw_diag_clear(&d);
    if (bw_sign_line_parse(c->signature, strlen(c->signature), keyid, sig, &d) == BW_OK) {
        bw_sign_header_format(keyid, sig, hdr);
        bw_http_response_header(x->res, BW_SIGN_HEADER, hdr);
    }
    srv_text(x, 200, "application/cap+xml", c->xml, c->xml_len);
}

static void warning_cap(struct srv_ctx *x)
{
    const char *sq = bw_http_query(x->req, "seq");
    struct bw_warning_cap c;
    char *end = NULL;
    long long seq = sq ? strtoll(sq, &end, 10) : 0;
    int64_t id;
    int rc;

    if (!param_id(x, &id))
        return;
    if (sq && (*end || seq < 1)) {
        srv_error(x, 400, "bad_request", "seq", "'seq' is a message number (1, 2, ...)");
        return;
    }
    rc = bw_store_warning_cap_get(x->store, &x->who, 0, id, seq, &x->arena, &c);
    if (rc)
        store_failed(x, rc, "CAP message of warning");
    else
        cap_answer(x, &c);
}

static int on_recipient(void *ud, const struct bw_recipient *r)
{
    return to_array(ud, json_pack("{s:o,s:o,s:s}", "org", r->org ? json_string(r->org) : json_null(),
                                  "user", r->user ? json_string(r->user) : json_null(), "reason",
                                  r->reason));
}

static void warning_recipients(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int64_t id;
    int rc;

    if (!param_id(x, &id)) {
        json_decref(arr);
        return;
    }
    rc = arr ? bw_store_recipients_each(x->store, &x->who, id, on_recipient, arr) : BW_ENOMEM;
    answer_list(x, rc, arr, "recipients", "warning");
}

static int on_ack(void *ud, const struct bw_ack *a)
{
    return to_array(ud, bw_ack_json(a));
}

static void warning_acks(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int64_t id;
    int rc;

    if (!param_id(x, &id)) {
        json_decref(arr);
        return;
    }
    rc = arr ? bw_store_acks_each(x->store, &x->who, id, NULL, on_ack, arr) : BW_ENOMEM;
    answer_list(x, rc, arr, "acks", "warning");
}

static void warning_ack(struct srv_ctx *x)
{
    static const char *const allowed[] = {"status", "note", NULL};
    struct bw_warning_env env;
    struct bw_diag d;
    json_t *body, *st, *nt;
    int64_t id;
    int rc;

    if (!param_id(x, &id) || !(body = srv_body_object(x, allowed)))
        return;
    st = json_object_get(body, "status");
    nt = json_object_get(body, "note");
    if (!json_is_string(st) || (nt && !json_is_string(nt))) {
        json_decref(body);
        srv_error(x, 400, "bad_request", json_is_string(st) ? "note" : "status",
                  "'status' (received, acting, not-concerned) is required; 'note' is text");
        return;
    }
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_ack(x->store, &x->who, &env, id, NULL, json_string_value(st),
                        nt ? json_string_value(nt) : NULL, &d);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 200, json_pack("{s:I,s:s,s:s}", "warning", (json_int_t)id, "org",
                                   x->who.org, "status", json_string_value(st)));
    json_decref(body);
}

/* ---- reports and notes --------------------------------------------------------------------- */

/* Reads the optional string array @p key of @p body into *out (in the request arena). */
static int str_array(struct srv_ctx *x, json_t *body, const char *key, const char *const **out,
                     size_t *n)
{
    json_t *v = json_object_get(body, key), *e;
    const char **arr;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!v)
        return 1;
    if (!json_is_array(v) || json_array_size(v) > 1000) {
        srv_error(x, 400, "bad_request", key, "'%s' must be an array of at most 1000 names", key);
        return 0;
    }
    arr = bw_arena_alloc(&x->arena, (json_array_size(v) + 1) * sizeof *arr);
    if (!arr) {
        srv_error(x, 503, "out_of_memory", NULL, "out of memory");
        return 0;
    }
    json_array_foreach(v, i, e) {
        if (!json_is_string(e) || json_string_length(e) == 0 || json_string_length(e) > 256) {
            srv_error(x, 400, "bad_request", key, "'%s'[%zu] must be a name", key, i);
            return 0;
        }
        arr[i] = json_string_value(e);
    }
    *out = arr;
    *n = json_array_size(v);
    return 1;
}

/* A string member of at most @p max bytes (NULL when absent); 0 after answering 400. */
static int opt_str(struct srv_ctx *x, json_t *body, const char *key, size_t max,
                   const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v)
        return 1;
    if (!json_is_string(v) || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        srv_error(x, 400, "bad_request", key, "'%s' must be text of at most %zu bytes", key,
                  max);
        return 0;
    }
    *out = json_string_value(v);
    return 1;
}

static int item_tlp(struct srv_ctx *x, json_t *body, int *tlp)
{
    const char *t;
    struct bw_diag d;

    bw_diag_clear(&d);
    if (!opt_str(x, body, "tlp", 32, &t))
        return 0;
    if (!t) {
        srv_error(x, 400, "bad_request", "tlp", "'tlp' is required (CLEAR, GREEN, AMBER, "
                  "AMBER+STRICT, RED)");
        return 0;
    }
    if (bw_tlp_parse(t, "tlp", &d, tlp)) {
        srv_diag(x, BW_EINVAL, &d);
        return 0;
    }
    return 1;
}

static void report_add(struct srv_ctx *x)
{
    static const char *const allowed[] = {"type", "tlp", "lat", "lon", "occurred",
                                          "description", "site", "orgs", "users", NULL};
    json_t *body = srv_body_object(x, allowed), *lat, *lon;
    struct bw_report r;
    struct bw_named named = {0};
    struct bw_diag d;
    const char *type;
    int rc;

    if (!body)
        return;
    memset(&r, 0, sizeof r);
    r.lat = r.lon = NAN;
    bw_diag_clear(&d);
    lat = json_object_get(body, "lat");
    lon = json_object_get(body, "lon");
    if (!item_tlp(x, body, &r.item.tlp) || !opt_str(x, body, "type", 64, &type) ||
        !opt_str(x, body, "occurred", 64, &r.occurred) ||
        !opt_str(x, body, "description", 16384, &r.description) ||
        !opt_str(x, body, "site", 256, &r.item.site) ||
        !str_array(x, body, "orgs", &named.orgs, &named.norgs) ||
        !str_array(x, body, "users", &named.users, &named.nusers))
        goto out;
    if ((lat && !json_is_number(lat)) || (lon && !json_is_number(lon))) {
        srv_error(x, 400, "bad_request", "lat", "'lat' and 'lon' are numbers (degrees)");
        goto out;
    }
    if (lat)
        r.lat = json_number_value(lat);
    if (lon)
        r.lon = json_number_value(lon);
    if (bw_report_type_parse(type, &d, &r.type)) {
        srv_diag(x, BW_EINVAL, &d);
        goto out;
    }
    rc = bw_report_file(x->store, &x->who, &r, &named, &d);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 201, json_pack("{s:I,s:s}", "id", (json_int_t)r.item.id, "triage", "new"));
out:
    json_decref(body);
}

static int on_report(void *ud, const struct bw_report *r)
{
    return to_array(ud, bw_report_json(r));
}

static void reports_list(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int rc = arr ? bw_store_reports_each(x->store, &x->who, 0, on_report, arr) : BW_ENOMEM;

    answer_list(x, rc, arr, "reports", "reports");
}

static void report_get(struct srv_ctx *x)
{
    struct bw_report r;
    int64_t id;
    int rc;

    if (!param_id(x, &id))
        return;
    rc = bw_store_report_get(x->store, &x->who, id, &x->arena, &r);
    if (rc)
        store_failed(x, rc, "report");
    else
        srv_json(x, 200, bw_report_json(&r));
}

static void report_triage(struct srv_ctx *x)
{
    static const char *const allowed[] = {"triage", NULL};
    json_t *body;
    const char *t;
    struct bw_diag d;
    int64_t id;
    int rc;

    if (!param_id(x, &id) || !(body = srv_body_object(x, allowed)))
        return;
    if (opt_str(x, body, "triage", 32, &t)) {
        bw_diag_clear(&d);
        rc = bw_report_triage(x->store, &x->who, id, t, &d);
        if (rc)
            srv_diag(x, rc, &d);
        else
            srv_json(x, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "triage", t));
    }
    json_decref(body);
}

static void note_add(struct srv_ctx *x)
{
    static const char *const allowed[] = {"tlp", "title", "body", "site", "orgs", "users", NULL};
    json_t *body = srv_body_object(x, allowed);
    struct bw_note n;
    struct bw_named named = {0};
    struct bw_diag d;
    int rc;

    if (!body)
        return;
    memset(&n, 0, sizeof n);
    bw_diag_clear(&d);
    if (item_tlp(x, body, &n.item.tlp) && opt_str(x, body, "title", 256, &n.title) &&
        opt_str(x, body, "body", 65536, &n.body) && opt_str(x, body, "site", 256, &n.item.site) &&
        str_array(x, body, "orgs", &named.orgs, &named.norgs) &&
        str_array(x, body, "users", &named.users, &named.nusers)) {
        rc = bw_note_add(x->store, &x->who, &n, &named, &d);
        if (rc)
            srv_diag(x, rc, &d);
        else
            srv_json(x, 201, json_pack("{s:I}", "id", (json_int_t)n.item.id));
    }
    json_decref(body);
}

static int on_note(void *ud, const struct bw_note *n)
{
    return to_array(ud, bw_note_json(n));
}

static void notes_list(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int rc = arr ? bw_store_notes_each(x->store, &x->who, 0, on_note, arr) : BW_ENOMEM;

    answer_list(x, rc, arr, "notes", "notes");
}

static void note_get(struct srv_ctx *x)
{
    struct bw_note n;
    int64_t id;
    int rc;

    if (!param_id(x, &id))
        return;
    rc = bw_store_note_get(x->store, &x->who, id, &x->arena, &n);
    if (rc)
        store_failed(x, rc, "note");
    else
        srv_json(x, 200, bw_note_json(&n));
}

static void item_share(struct srv_ctx *x)
{
    static const char *const allowed[] = {"orgs", NULL};
    json_t *body;
    const char *const *orgs;
    size_t n;
    struct bw_diag d;
    int64_t id;
    int rc;

    if (!param_id(x, &id) || !(body = srv_body_object(x, allowed)))
        return;
    if (str_array(x, body, "orgs", &orgs, &n)) {
        bw_diag_clear(&d);
        if (!n)
            srv_error(x, 400, "bad_request", "orgs", "'orgs' names the organisations to add");
        else if ((rc = bw_store_item_share(x->store, &x->who, id, orgs, n, &d)))
            srv_diag(x, rc, &d);
        else
            srv_json(x, 200, json_pack("{s:I,s:I}", "id", (json_int_t)id, "added",
                                       (json_int_t)n));
    }
    json_decref(body);
}

static void cap_import(struct srv_ctx *x)
{
    const char *ct = bw_http_header(x->req, "Content-Type");
    struct bw_warning_env env;
    struct bw_diag d;
    int64_t id = 0;
    int rc;

    if (!ct || (strncasecmp(ct, "application/cap+xml", 19) && strncasecmp(ct, "application/xml", 15) &&
                strncasecmp(ct, "text/xml", 8))) {
        srv_error(x, 415, "unsupported_media_type", "Content-Type",
                  "send the CAP file as Content-Type: application/cap+xml (got %s)",
                  ct ? ct : "none");
        return;
    }
    env_of(x, &env);
    bw_diag_clear(&d);
    rc = bw_warning_import(x->store, &x->who, &env, x->req->body, x->req->body_len, "body", NULL,
                           &id, &d);
    if (rc)
        srv_diag(x, rc, &d);
    else
        srv_json(x, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "kind", "note"));
}

const struct srv_route srv_routes_share[] = {
    {"POST", "/api/v1/cap/import", 1, cap_import},
    {"GET", "/api/v1/warnings", 1, warnings_list},
    {"POST", "/api/v1/warnings", 1, warning_draft},
    {"GET", "/api/v1/warnings/{id}", 1, warning_get},
    {"PUT", "/api/v1/warnings/{id}", 1, warning_edit},
    {"POST", "/api/v1/warnings/{id}/approve", 1, warning_approve},
    {"POST", "/api/v1/warnings/{id}/issue", 1, warning_issue},
    {"POST", "/api/v1/warnings/{id}/update", 1, warning_update},
    {"POST", "/api/v1/warnings/{id}/cancel", 1, warning_cancel},
    {"GET", "/api/v1/warnings/{id}/cap", 1, warning_cap},
    {"GET", "/api/v1/warnings/{id}/recipients", 1, warning_recipients},
    {"GET", "/api/v1/warnings/{id}/acks", 1, warning_acks},
    {"POST", "/api/v1/warnings/{id}/ack", 1, warning_ack},
    {"GET", "/api/v1/reports", 1, reports_list},
    {"POST", "/api/v1/reports", 1, report_add},
    {"GET", "/api/v1/reports/{id}", 1, report_get},
    {"POST", "/api/v1/reports/{id}/triage", 1, report_triage},
    {"GET", "/api/v1/notes", 1, notes_list},
    {"POST", "/api/v1/notes", 1, note_add},
    {"GET", "/api/v1/notes/{id}", 1, note_get},
    {"POST", "/api/v1/items/{id}/share", 1, item_share},
    {NULL, NULL, 0, NULL},
};
