/*
 * http_response.c — building a response (http.h): status, body, headers. Plain data, no
 * libmicrohttpd, so that whatever links the server without the adapter (the fuzz
 * target of the body checks) builds responses with this very code; http.c sends them
 * and releases streams.
 */
#include "http.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

void bw_http_response_init(struct bw_http_response *res)
{
    memset(res, 0, sizeof *res);
    res->status = 500;
}

void bw_http_response_set_body(struct bw_http_response *res, char *body, size_t n,
                               const char *content_type)
{
    bw_free(res->body);
    res->body = body;
    res->body_len = n;
    res->content_type = content_type;
}

void bw_http_response_header(struct bw_http_response *res, const char *name, const char *value)
{
    if (res->nheaders >= BW_HTTP_RESPONSE_HEADERS_MAX)
        return;
    res->header_names[res->nheaders] = name;
    snprintf(res->header_values[res->nheaders], sizeof res->header_values[0], "%s", value);
    res->nheaders++;
}
