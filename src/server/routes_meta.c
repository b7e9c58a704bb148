/*
 * routes_meta.c — what describes the server rather than the register: /healthz (is
 * the process up and does its database answer) and /api/v1/openapi.json (the API's
 * OpenAPI 3.0 document, src/server/openapi.json, embedded at build time by
 * scripts/embed-text.py and served byte for byte). Neither needs a token: a load
 * balancer probes /healthz, and a client reads the document before it can log in.
 */
#include "server.h"
#include "error.h"

#include <stddef.h>

extern const char bw__openapi_json[];
extern const size_t bw__openapi_json_len;

static void healthz(struct srv_ctx *x)
{
    int rc = bw_store_ping(x->store);
    srv_json(x, rc ? 503 : 200,
             json_pack("{s:s,s:s}", "status", rc ? "degraded" : "ok", "db", rc ? "error" : "ok"));
}

static void openapi(struct srv_ctx *x)
{
    srv_text(x, 200, "application/json", bw__openapi_json, bw__openapi_json_len);
}

const struct srv_route srv_routes_meta[] = {
    {"GET", "/healthz", 0, healthz},
    {"GET", "/api/v1/openapi.json", 0, openapi},
    {NULL, NULL, 0, NULL},
};
