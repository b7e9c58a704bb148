/*
 * routes_events.c — the pushing side of the information-sharing network over HTTP:
 * GET /api/v1/events, the server-sent events stream of warnings, and GET
 * /api/v1/deliveries, the authority's view of the webhook queue and its dead letters
 * (docs/api.md, docs/delivery.md).
 *
 * The events route only opens the stream and hands it to the hub (events.c), which
 * decides per event and per subscriber who may hear of what; the route never writes an
 * event itself. The stream outlives the request: the handler returns at once and the
 * worker thread serves other requests while the connection is parked (http.h).
 */
#include "server.h"
#include "alloc.h"
#include "error.h"
#include "user.h"

#include <stdlib.h>
#include <string.h>

/* ---- GET /api/v1/events ------------------------------------------------------------------ */

static void events(struct srv_ctx *x)
{
    static const char hello[] = ": bulwark events\nretry: 5000\n\n";
    const char *auth = bw_http_header(x->req, "Authorization");
    char hash[BW_TOKEN_HASH_SIZE];
    bw_http_stream *st = NULL;
    int rc;

    /* The route is authenticated, so the header is a well-formed bearer token. */
    bw_token_hash(auth + 7, strlen(auth + 7), hash);
    if (bw_http_response_stream(x->res, &st)) {
        srv_error(x, 503, "out_of_memory", NULL, "no memory for another event stream");
        return;
    }
    /* The first bytes go out with the headers, so a client knows it is subscribed. */
    rc = bw_http_stream_write(st, hello, sizeof hello - 1);
    if (!rc)
        rc = srv_events_subscribe(x->events, st, hash);
    if (rc) {
        bw_http_stream_release(x->res->stream);
        x->res->stream = NULL;
        bw_http_stream_release(st);
        if (rc == BW_ETOOBIG)
            srv_error(x, 503, "too_many_streams", NULL,
                      "the server already serves %d event streams; retry later", SRV_EVENTS_MAX);
        else
            srv_error(x, 503, "out_of_memory", NULL, "no memory for another event stream");
        return;
    }
    /* The caller's reference now belongs to the hub. */
    x->res->status = 200;
    x->res->content_type = "text/event-stream";
    /* nginx would otherwise hold the events back to fill its buffer. */
    bw_http_response_header(x->res, "X-Accel-Buffering", "no");
}

/* ---- GET /api/v1/deliveries -------------------------------------------------------------- */

static int on_delivery(void *ud, const struct bw_delivery *dl)
{
    json_t *j =
        json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)dl->id, "warning",
                  (json_int_t)dl->warning, "seq", (json_int_t)dl->seq, "org", dl->org, "channel",
                  dl->channel, "state", dl->state, "attempts", (json_int_t)dl->attempts, "next_at",
                  dl->next_at, "url", dl->url ? json_string(dl->url) : json_null(), "last_error",
                  dl->last_error ? json_string(dl->last_error) : json_null());
    return j && json_array_append_new(ud, j) == 0 ? BW_OK : BW_ENOMEM;
}

/*
 * Keeps in @p arr only the deliveries of warnings the caller's organisation issued and
 * the caller may read: who received a warning is its author's to know (the TLP rules,
 * docs/sharing.md), so another authority organisation sees none of them and a RED
 * warning's deliveries stay with those named on it. Each warning is asked about once
 * (bw_store_warning_get with the caller: the store's TLP predicate, audited as a read).
 */
static int keep_own(struct srv_ctx *x, json_t *arr)
{
    json_t *seen = json_object();
    size_t i = 0;

    if (!seen)
        return BW_ENOMEM;
    while (i < json_array_size(arr)) {
        json_int_t w = json_integer_value(json_object_get(json_array_get(arr, i), "warning"));
        char key[24];
        json_t *v;

        snprintf(key, sizeof key, "%lld", (long long)w);
        v = json_object_get(seen, key);
        if (!v) {
            struct bw_warning wr;
            int rc = bw_store_warning_get(x->store, &x->who, (int64_t)w, &x->arena, &wr);
            int own;
            if (rc && rc != BW_ENOTFOUND) {
                json_decref(seen);
                return rc;
            }
            own = rc == BW_OK && wr.item.author_org && strcmp(wr.item.author_org, x->who.org) == 0;
            v = json_boolean(own);
            if (json_object_set_new(seen, key, v)) {
                json_decref(seen);
                return BW_ENOMEM;
            }
        }
        if (json_is_true(v))
            i++;
        else
            json_array_remove(arr, i);
    }
    json_decref(seen);
    return BW_OK;
}

static void deliveries(struct srv_ctx *x)
{
    const char *state = bw_http_query(x->req, "state");
    const char *warning = bw_http_query(x->req, "warning");
    long long id = 0;
    json_t *arr;
    int rc;

    if (!bw_role_is_authority(x->who.role)) {
        srv_error(x, 403, "forbidden", "role",
                  "the delivery queue is for the national authority (admin, analyst)");
        return;
    }
    if (state && strcmp(state, "queued") && strcmp(state, "sent") && strcmp(state, "dead")) {
        srv_error(x, 400, "bad_field", "state", "state must be queued, sent or dead (got '%.40s')",
                  state);
        return;
    }
    if (warning) {
        char *end;
        id = strtoll(warning, &end, 10);
        if (*end || id <= 0 || end - warning > 18) {
            srv_error(x, 400, "bad_field", "warning",
                      "warning must be a warning id (a positive number), got '%.40s'", warning);
            return;
        }
    }
    arr = json_array();
    if (!arr) {
        srv_error(x, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    rc = bw_store_deliveries_each(x->store, (int64_t)id, state, on_delivery, arr);
    if (!rc)
        rc = keep_own(x, arr);
    if (rc) {
        json_decref(arr);
        srv_error(x, rc == BW_ENOMEM ? 503 : 500, "store", NULL, "reading the deliveries: %s",
                  bw_strerror(rc));
        return;
    }
    srv_json(x, 200, json_pack("{s:o}", "deliveries", arr));
}

const struct srv_route srv_routes_events[] = {
    {"GET", "/api/v1/events", 1, events},
    {"GET", "/api/v1/deliveries", 1, deliveries},
    {NULL, NULL, 0, NULL},
};
