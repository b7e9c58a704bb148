/*
 * routes_public.c — what anyone may fetch without an account: the Atom feed of TLP:CLEAR
 * warnings (GET /cap/feed.atom), each one's CAP file as sent (GET /cap/warnings/{id})
 * with its signature header, and the public key the signatures verify against (GET
 * /.well-known/bulwark/cap-signing-key).
 *
 * Only CLEAR warnings that were issued appear: the store's public reads filter on the
 * marking (bw_store_public_caps_each, bw_store_warning_cap_get with public_only), and
 * the Atom writer itself refuses any alert whose scope is not Public. The feed's links
 * use the configured public URL (`serve --public-url`) or, failing that, the request's
 * Host header.
 */
#include "server.h"
#include "alloc.h"
#include "atom.h"
#include "cap.h"
#include "error.h"
#include "sign.h"
#include "warning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_MAX 100

struct feed {
    struct srv_ctx *x;
    struct bw_cap_alert alerts[FEED_MAX];
    struct bw_atom_entry entries[FEED_MAX];
    size_t n;
    const char *base;
    int rc;
};

static int on_cap(void *ud, int64_t warning, const struct bw_warning_cap *c)
{
    struct feed *f = ud;
    struct bw_diag d;
    char url[600];

    bw_diag_clear(&d);
    if (f->n == FEED_MAX)
        return BW_OK;
    if (bw_cap_parse(c->xml, c->xml_len, "stored CAP", &f->x->arena, &f->alerts[f->n], &d))
        return BW_OK; /* written by this server; a damaged one is left out, not served */
    snprintf(url, sizeof url, "%s/cap/warnings/%lld", f->base, (long long)warning);
    f->entries[f->n].alert = &f->alerts[f->n];
    f->entries[f->n].cap_url = bw_arena_strndup(&f->x->arena, url, strlen(url));
    if (!f->entries[f->n].cap_url)
        return BW_ENOMEM;
    f->n++;
    return BW_OK;
}

/* The base URL for links: the configured one, else http://HOST from the request. */
static const char *base_url(struct srv_ctx *x)
{
    const char *host = bw_http_header(x->req, "Host");
    char buf[300];

    if (x->public_url)
        return x->public_url;
    if (!host || strlen(host) > 255 || strpbrk(host, "\"<>& /\\"))
        host = "localhost";
    snprintf(buf, sizeof buf, "http://%s", host);
    return bw_arena_strndup(&x->arena, buf, strlen(buf));
}

static void feed(struct srv_ctx *x)
{
    struct feed *f = bw_arena_alloc(&x->arena, sizeof *f);
    struct bw_atom_feed af;
    struct bw_buf out;
    struct bw_diag d;
    char self[400];
    int rc;

    if (!f) {
        srv_error(x, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    memset(f, 0, sizeof *f);
    f->x = x;
    f->base = base_url(x);
    rc = bw_store_public_caps_each(x->store, FEED_MAX, on_cap, f);
    if (rc) {
        srv_error(x, 500, "store", NULL, "reading the public warnings: %s", bw_strerror(rc));
        return;
    }
    snprintf(self, sizeof self, "%s/cap/feed.atom", f->base ? f->base : "");
    af = (struct bw_atom_feed){"urn:bulwark:cap:feed:public", "Public warnings", self,
                               "National authority (bulwark)",
                               f->n ? NULL : "1970-01-01T00:00:00+00:00"};
    bw_buf_init(&out, 64u << 20);
    bw_diag_clear(&d);
    rc = bw_atom_write(&af, f->entries, f->n, &out, &d);
    if (rc)
        srv_error(x, 500, "feed", NULL, "writing the feed: %s", d.msg);
    else
        srv_text(x, 200, "application/atom+xml", out.p ? out.p : "", out.len);
    bw_buf_release(&out);
}

static void public_cap(struct srv_ctx *x)
{
    struct bw_warning_cap c;
    char keyid[BW_SIGN_KEYID_MAX], sig[BW_SIGN_SIG_B64_MAX], hdr[BW_SIGN_HEADER_MAX];
    struct bw_diag d;
    char *end;
    long long id = strtoll(x->params[0], &end, 10);
    int rc;

    if (*end || id <= 0 || end - x->params[0] > 18) {
        srv_error(x, 404, "not_found", "id", "no public warning '%.40s'", x->params[0]);
        return;
    }
    rc = bw_store_warning_cap_get(x->store, NULL, 1, id, 0, &x->arena, &c);
    if (rc == BW_ENOTFOUND) {
        srv_error(x, 404, "not_found", "id", "no public warning %lld", id);
        return;
    }
    if (rc) {
        srv_error(x, 500, "store", NULL, "reading the warning: %s", bw_strerror(rc));
        return;
    }
    bw_diag_clear(&d);
    if (bw_sign_line_parse(c.signature, strlen(c.signature), keyid, sig, &d) == BW_OK) {
        bw_sign_header_format(keyid, sig, hdr);
        bw_http_response_header(x->res, BW_SIGN_HEADER, hdr);
    }
    srv_text(x, 200, "application/cap+xml", c.xml, c.xml_len);
}

static void signing_key(struct srv_ctx *x)
{
    struct bw_warning_env env = {x->key_dir, NULL, NULL};
    unsigned char sk[BW_SIGN_SK_BYTES];
    char keyid[BW_SIGN_KEYID_MAX], pk[BW_SIGN_PK_B64_MAX], body[160];
    struct bw_diag d;
    int rc;

    bw_diag_clear(&d);
    rc = bw_warning_key(&env, sk, keyid, pk, &d);
    memset(sk, 0, sizeof sk);
    if (rc) {
        srv_error(x, 500, "key", NULL, "the signing key cannot be read: %s", d.msg);
        return;
    }
    /* The body is the public key file's text (what `verify-cap --key-file` reads); the
     * key id, which the signatures name, goes in a header. */
    snprintf(body, sizeof body, "%s\n", pk);
    bw_http_response_header(x->res, "X-Bulwark-Key-Id", keyid);
    srv_text(x, 200, "text/plain; charset=utf-8", body, strlen(body));
}

const struct srv_route srv_routes_public[] = {
    {"GET", "/cap/feed.atom", 0, feed},
    {"GET", "/cap/warnings/{id}", 0, public_cap},
    {"GET", "/.well-known/bulwark/cap-signing-key", 0, signing_key},
    {NULL, NULL, 0, NULL},
};
