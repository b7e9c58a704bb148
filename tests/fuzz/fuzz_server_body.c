/*
 * fuzz_server_body.c — libFuzzer target for the server's checks of request bodies:
 * srv_body_check (the Content-Type, an empty body, json_depth's nesting limit) and
 * srv_body_object (strict JSON, duplicate keys, an object, only the members a route
 * takes), src/server/server.c, linked with every file of src/server but http.c.
 *
 * The harness stands in for the libmicrohttpd adapter (http.c): a request is a body and
 * a Content-Type chosen by the input's first byte; responses are built by the server's
 * own http_response.c (linked like the rest of src/server). Listening, streaming and starting a
 * server are never reached from these two functions and answer BW_EIO here.
 *
 * Invariants:
 * 1. Refused: the response is 400 or 415 with a JSON body {"error": {"status", "code",
 *    "message"}} whose status is the response's; nothing is returned.
 * 2. Accepted: a JSON object holding only allowed members, nested at most
 *    BW_JSON_DEPTH_MAX deep, with no response written.
 * 3. A second judge: when jansson itself reads the body as an object with only allowed
 *    members, no duplicate keys and a nesting depth within the limit, and the
 *    Content-Type is JSON, the body must be accepted (json_depth may not refuse what is
 *    within the limit, e.g. because of brackets inside strings or escapes).
 */
#include "fuzz_common.h"

#include "http.h"
#include "limits.h"
#include "server.h"

#include <jansson.h>
#include <strings.h>

/* ---- the stand-in for http.c ------------------------------------------------------------- */

struct fake_conn {
    const char *content_type;
};

const char *bw_http_header(const struct bw_http_request *r, const char *name)
{
    const struct fake_conn *c = r->conn;
    return strcasecmp(name, "Content-Type") == 0 ? c->content_type : NULL;
}

const char *bw_http_query(const struct bw_http_request *r, const char *name)
{
    (void)r;
    (void)name;
    return NULL;
}

void bw_http_response_release(struct bw_http_response *res)
{
    bw_free(res->body);
    res->body = NULL;
}

int bw_http_response_stream(struct bw_http_response *res, bw_http_stream **out)
{
    (void)res;
    *out = NULL;
    return BW_EIO;
}

int bw_http_stream_write(bw_http_stream *st, const char *p, size_t n)
{
    (void)st;
    (void)p;
    (void)n;
    return BW_EIO;
}

void bw_http_stream_close(bw_http_stream *st)
{
    (void)st;
}

void bw_http_stream_release(bw_http_stream *st)
{
    (void)st;
}

int bw_http_start(const struct bw_http_options *o, char err[256], bw_http **out)
{
    (void)o;
    *out = NULL;
    snprintf(err, 256, "the fuzz harness does not listen");
    return BW_EIO;
}

uint16_t bw_http_port(const bw_http *h)
{
    (void)h;
    return 0;
}

void bw_http_stop(bw_http *h, unsigned grace_ms)
{
    (void)h;
    (void)grace_ms;
}

/* ---- the target ------------------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fuzz_pack; /* the body checks need no pack */
    json_object_seed(1);
    return 0;
}

static const char *const content_types[] = {"application/json", "application/json; charset=utf-8",
                                            "APPLICATION/JSON", "text/plain", "application/jsonp",
                                            NULL};
static const char *const allowed_sets[][8] = {
    {"tlp", "title", "body", "site", "orgs", "users", NULL},
    {"status", "note", NULL},
    {NULL},
};

static int depth_of(json_t *j)
{
    int deepest = 0;
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            int d = depth_of(v);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            int d = depth_of(v);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    return 0;
}

static int only_allowed(json_t *o, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, k) == 0;
        if (!known)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fake_conn conn;
    struct bw_http_request req;
    struct bw_http_response res;
    struct srv_ctx x;
    const char *const *allowed;
    char *body;
    json_t *got, *judge;
    json_error_t je;
    int json_ct, sel;

    if (size < 1)
        return 0;
    sel = data[0];
    conn.content_type = content_types[sel % 6]; /* index 5: no Content-Type at all */
    json_ct = sel % 6 < 3;
    allowed = allowed_sets[(sel / 6) % 3];
    body = bw_malloc(size);
    FUZZ_CHECK(body != NULL, "out of memory");
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = req.url = "/fuzz";
    req.body = body;
    req.body_len = size - 1;
    req.address = "127.0.0.1";
    req.conn = &conn;
    bw_http_response_init(&res);
    memset(&x, 0, sizeof x);
    x.req = &req;
    x.res = &res;
    bw_arena_init(&x.arena, 1024);

    got = srv_body_object(&x, allowed);
    if (got) {
        FUZZ_CHECK(json_is_object(got), "accepted a body that is not an object");
        FUZZ_CHECK(only_allowed(got, allowed), "accepted a member that is not allowed");
        FUZZ_CHECK(depth_of(got) <= BW_JSON_DEPTH_MAX, "accepted depth %d", depth_of(got));
        FUZZ_CHECK(json_ct, "accepted the Content-Type '%s'",
                   conn.content_type ? conn.content_type : "(none)");
        FUZZ_CHECK(res.body == NULL, "an accepted body left a response");
        json_decref(got);
    } else {
        json_t *e, *err;
        FUZZ_CHECK(res.status == 400 || res.status == 415, "refused with status %d", res.status);
        FUZZ_CHECK(res.body != NULL, "refused without a body");
        e = json_loadb(res.body, res.body_len, 0, &je);
        FUZZ_CHECK(e != NULL, "the error is not JSON: %s", res.body);
        err = json_object_get(e, "error");
        FUZZ_CHECK(json_is_object(err) &&
                       json_integer_value(json_object_get(err, "status")) == res.status &&
                       json_is_string(json_object_get(err, "code")) &&
                       json_string_length(json_object_get(err, "message")) > 0,
                   "the error body is not {error: {status, code, message}}: %s", res.body);
        json_decref(e);
        /* The second judge: what jansson reads as acceptable must not be refused. */
        judge = json_loadb(body, size - 1, JSON_REJECT_DUPLICATES, &je);
        if (judge && json_ct && size > 1 && json_is_object(judge) &&
            only_allowed(judge, allowed) && depth_of(judge) <= BW_JSON_DEPTH_MAX)
            FUZZ_CHECK(0, "refused an acceptable body (%d): %s", res.status, res.body);
        json_decref(judge);
    }
    bw_http_response_release(&res);
    bw_arena_release(&x.arena);
    bw_free(body);
    return 0;
}
