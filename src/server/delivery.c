/*
 * delivery.c — the delivery worker of `bulwark serve`: webhook deliveries of CAP
 * messages with retries and a dead-letter state, and the escalation of overdue
 * acknowledgements (docs/delivery.md).
 *
 * Issuing, updating or cancelling a warning queues, in the same transaction, one
 * `delivery` row per recipient organisation with a webhook endpoint (store.h). This
 * worker is one thread with its own store handle. Every second, or at once when woken
 * (the events hub wakes it whenever it sees a warning published), it takes the due
 * deliveries, oldest first, and POSTs each one's CAP message with libcurl: the exact
 * bytes that were signed, with the Ed25519 signature (X-Bulwark-Signature), the
 * delivery and the warning (X-Bulwark-Delivery, X-Bulwark-Warning) and an HMAC-SHA256
 * of the body under the organisation's shared secret (X-Bulwark-HMAC), so a receiver can
 * tell that the message comes from us (HMAC) and that the authority signed it
 * (signature). A 2xx answer is a delivery; anything else (another status, a refused
 * connection, a timeout: 5 s to connect, 10 s in all) is retried after a wait that grows
 * with each failure — retry_base × 1, 3, 12, 60, 360 (10 s, 30 s, 2 min, 10 min, 1 h by
 * default) — until the last attempt, after which the delivery is dead: the dead-letter
 * list (`bulwark warning deliveries --state dead`, GET /api/v1/deliveries?state=dead).
 * Redirects are not followed and only http and https are spoken, so an endpoint cannot
 * send the message elsewhere.
 *
 * The due deliveries are copied out of the store's callback before any request is made,
 * so no statement is open during the network wait. One request is in flight at a time:
 * the receivers are a few dozen organisations and a slow one costs at most the 10 s
 * limit. Stopping the worker aborts a request in flight (libcurl's progress callback)
 * without counting it as an attempt, so bw_server_stop never waits for a receiver.
 *
 * Every escalate_every seconds the worker also calls bw_store_escalate: each recipient
 * that has not acknowledged by its deadline is escalated once to its organisation's
 * 24/7 contact; the store records it (and audits it), and the worker writes one line
 * per escalation to the server's standard error. Sending e-mail or SMS to that contact
 * is left to gateways that plug in later (docs/delivery.md, "Gateways").
 *
 * Thread-safety: the worker's store handle and libcurl handle are its own; wake and
 * stop may be called from any thread.
 */
#include "server.h"
#include "alloc.h"
#include "error.h"
#include "sign.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/** Due deliveries taken per query. */
#define BATCH 16
/** Connect and total timeouts of one POST (milliseconds). */
#define CONNECT_MS 5000L
#define TOTAL_MS 10000L
/** Most bytes of a receiver's answer kept (for nothing but draining it). */
#define ANSWER_MAX 4096
/** The waits after each failure, in units of retry_base; the last repeats. */
static const unsigned backoff[] = {1, 3, 12, 60, 360};

struct srv_delivery {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    atomic_int stop;
    int woken;
    struct srv_delivery_options o;
    char *db;
    bw_store *store;
    CURL *curl;
};

/* One due delivery, copied out of the store's callback. */
struct due {
    int64_t id, warning, seq, attempts;
    char *org, *channel, *url, *secret;
};

struct batch {
    struct due d[BATCH];
    int n;
    struct bw_arena *a;
};

static char *dup_in(struct bw_arena *a, const char *s)
{
    return s ? bw_arena_strndup(a, s, strlen(s)) : NULL;
}

static int on_due(void *ud, const struct bw_delivery *dl)
{
    struct batch *b = ud;
    struct due *d;

    if (b->n == BATCH)
        return 1;
    d = &b->d[b->n];
    d->id = dl->id;
    d->warning = dl->warning;
    d->seq = dl->seq;
    d->attempts = dl->attempts;
    d->org = dup_in(b->a, dl->org);
    d->channel = dup_in(b->a, dl->channel);
    d->url = dup_in(b->a, dl->url);
    d->secret = dup_in(b->a, dl->secret);
    if (!d->org || !d->channel || (dl->url && !d->url) || (dl->secret && !d->secret))
        return BW_ENOMEM;
    b->n++;
    return 0;
}

/* ---- one POST ---------------------------------------------------------------------------- */

static size_t drain(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n; /* the answer's body is not used */
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct srv_delivery *w = ud;
    (void)dt;
    (void)dn;
    (void)ut;
    (void)un;
    return atomic_load(&w->stop) ? 1 : 0;
}

/* The HMAC-SHA256 of @p body under @p secret in lowercase hex (65 bytes). */
static void hmac_hex(const char *secret, const char *body, size_t n, char out[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

enum outcome { SENT, FAILED, DEAD, ABORTED };

/*
 * POSTs CAP message @p cap of delivery @p d. Returns SENT, FAILED (worth retrying),
 * DEAD (never worth retrying) or ABORTED (the worker is stopping); @p err (256 bytes)
 * says why for the last three.
 */
static enum outcome post(struct srv_delivery *w, const struct due *d,
                         const struct bw_warning_cap *cap, char err[256])
{
    char keyid[BW_SIGN_KEYID_MAX], sig[BW_SIGN_SIG_B64_MAX], sighdr[BW_SIGN_HEADER_MAX];
    char line[320], mac[65], cerr[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = NULL, *t;
    struct bw_diag dg;
    enum outcome out = FAILED;
    CURLcode cc;
    long status = 0;

    bw_diag_clear(&dg);
    if (!cap->signature ||
        bw_sign_line_parse(cap->signature, strlen(cap->signature), keyid, sig, &dg)) {
        snprintf(err, 256, "the CAP message has no valid signature line");
        return DEAD;
    }
    bw_sign_header_format(keyid, sig, sighdr);
    hmac_hex(d->secret ? d->secret : "", cap->xml, cap->xml_len, mac);

    /* Every header is checked as it is added: a list cut short by a failed allocation
     * would send an unauthenticated message. */
#define ADD(...)                                                                                   \
    do {                                                                                           \
        snprintf(line, sizeof line, __VA_ARGS__);                                                  \
        if (!(t = curl_slist_append(h, line))) {                                                   \
            snprintf(err, 256, "out of memory");                                                   \
            goto out;                                                                              \
        }                                                                                          \
        h = t;                                                                                     \
    } while (0)
    ADD("Content-Type: application/cap+xml");
    ADD("%s: %s", BW_SIGN_HEADER, sighdr);
    ADD("X-Bulwark-HMAC: sha256=%s", mac);
    ADD("X-Bulwark-Delivery: %lld", (long long)d->id);
    ADD("X-Bulwark-Warning: %lld; seq=%lld", (long long)d->warning, (long long)d->seq);
    ADD("Expect:"); /* no 100-continue round trip */
#undef ADD

    curl_easy_reset(w->curl);
    curl_easy_setopt(w->curl, CURLOPT_URL, d->url);
    curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_MS);
    curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, TOTAL_MS);
    curl_easy_setopt(w->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, cap->xml);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)cap->xml_len);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "bulwark-webhook");
    curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, drain);
    curl_easy_setopt(w->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)ANSWER_MAX);
    curl_easy_setopt(w->curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(w->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(w->curl, CURLOPT_XFERINFODATA, w);
    curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, cerr);
    cc = curl_easy_perform(w->curl);
    curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&w->stop)) {
        snprintf(err, 256, "stopped");
        out = ABORTED;
    } else if (cc == CURLE_OK || (cc == CURLE_FILESIZE_EXCEEDED && status > 0)) {
        /* A long answer is cut, which does not change what the status said. */
        if (status >= 200 && status < 300) {
            out = SENT;
        } else {
            snprintf(err, 256, "HTTP %ld from the endpoint", status);
            out = FAILED;
        }
    } else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
        snprintf(err, 256, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
        out = DEAD;
    } else {
        snprintf(err, 256, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
        out = FAILED;
    }
out:
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(h);
    return out;
}

/* ---- the queue --------------------------------------------------------------------------- */

/* The ISO 8601 UTC time @p secs from now, in the store's format with milliseconds
 * (32 bytes), so that a retry never comes early by the part of a second elapsed. */
static void iso_in(unsigned secs, char out[32])
{
    struct timespec ts;
    struct tm tm;
    time_t t;

    long ms;

    clock_gettime(CLOCK_REALTIME, &ts);
    t = ts.tv_sec + (time_t)secs;
    ms = (ts.tv_nsec + 999999L) / 1000000L; /* rounded up */
    if (ms == 1000) {
        t++;
        ms = 0;
    }
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + strlen(out), 32 - strlen(out), ".%03ldZ", ms);
}

/* The wait after failed attempt number @p k (1 = the first attempt), in seconds. */
static unsigned wait_after(const struct srv_delivery *w, int64_t k)
{
    size_t i = k < 1 ? 0 : (size_t)(k - 1);
    size_t last = sizeof backoff / sizeof backoff[0] - 1;
    return w->o.retry_base * backoff[i < last ? i : last];
}

/* Attempts delivery @p d once and records the outcome. */
static void attempt(struct srv_delivery *w, const struct due *d, struct bw_arena *a)
{
    struct bw_warning_cap cap;
    struct bw_diag dg;
    char err[256] = "", retry[32];
    enum outcome o;
    int rc;

    if (strcmp(d->channel, "webhook") != 0) {
        snprintf(err, 256,
                 "no output for the '%s' channel is configured (docs/delivery.md, "
                 "\"Gateways\")",
                 d->channel);
        o = DEAD;
    } else if (!d->url) {
        snprintf(err, 256, "the organisation has no webhook endpoint any more");
        o = DEAD;
    } else if (strncasecmp(d->url, "http://", 7) != 0 && strncasecmp(d->url, "https://", 8) != 0) {
        snprintf(err, 256, "only http:// and https:// endpoints are delivered to");
        o = DEAD;
    } else if ((rc = bw_store_warning_cap_get(w->store, NULL, 0, d->warning, d->seq, a, &cap))) {
        snprintf(err, 256, "reading CAP message %lld of warning %lld: %s", (long long)d->seq,
                 (long long)d->warning, bw_strerror(rc));
        o = rc == BW_ENOTFOUND ? DEAD : FAILED;
    } else {
        o = post(w, d, &cap, err);
    }
    if (o == ABORTED)
        return;
    if (o == FAILED && d->attempts + 1 >= (int64_t)w->o.attempts)
        o = DEAD;
    if (o == FAILED)
        iso_in(wait_after(w, d->attempts + 1), retry);
    bw_diag_clear(&dg);
    rc = bw_store_delivery_result(w->store, d->id, o == SENT, o == SENT ? NULL : err,
                                  o == FAILED ? retry : NULL, &dg);
    if (rc) {
        char msg[300];
        fprintf(stderr, "bulwark: recording delivery %lld: %s\n", (long long)d->id,
                bw_diag_format(&dg, msg, sizeof msg));
    } else if (o == DEAD) {
        fprintf(stderr,
                "bulwark: delivery %lld of warning %lld to %s is dead after %lld attempt%s: "
                "%s\n",
                (long long)d->id, (long long)d->warning, d->org, (long long)d->attempts + 1,
                d->attempts ? "s" : "", err);
    }
}

/* Delivers what is due; returns when nothing is, or when stopping. */
static void run_due(struct srv_delivery *w, struct bw_arena *a)
{
    while (!atomic_load(&w->stop)) {
        struct batch b;
        int rc;

        b.n = 0;
        b.a = a;
        bw_arena_reset(a);
        rc = bw_store_deliveries_due(w->store, NULL, BATCH, on_due, &b);
        if (rc != BW_OK && rc != 1)
            return; /* busy or out of memory: the next tick tries again */
        for (int i = 0; i < b.n && !atomic_load(&w->stop); i++)
            attempt(w, &b.d[i], a);
        if (b.n < BATCH)
            return;
    }
}

static int on_escalation(void *ud, int64_t warning, const struct bw_ack *a)
{
    (void)ud;
    fprintf(stderr,
            "bulwark: warning %lld: %s has not acknowledged by its deadline; "
            "escalated to its 24/7 contact %s (%s)\n",
            (long long)warning, a->org, a->contact_name ? a->contact_name : "(none on record)",
            a->contact_phone ? a->contact_phone : "no phone on record");
    return 0;
}

static void escalate(struct srv_delivery *w)
{
    struct bw_diag d;
    size_t n = 0;

    bw_diag_clear(&d);
    if (bw_store_escalate(w->store, NULL, &n, on_escalation, NULL, &d)) {
        char msg[300];
        fprintf(stderr, "bulwark: escalation: %s\n", bw_diag_format(&d, msg, sizeof msg));
    }
}

/* ---- the thread ------------------------------------------------------------------------- */

static void *worker_main(void *arg)
{
    struct srv_delivery *w = arg;
    struct bw_arena a;
    struct timespec now, next_escalation;

    bw_arena_init(&a, 8192);
    clock_gettime(CLOCK_MONOTONIC, &next_escalation);
    while (!atomic_load(&w->stop)) {
        struct timespec until;

        run_due(w, &a);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!atomic_load(&w->stop) && now.tv_sec >= next_escalation.tv_sec) {
            escalate(w);
            next_escalation = now;
            next_escalation.tv_sec += w->o.escalate_every;
        }
        until = now;
        until.tv_sec += 1;
        pthread_mutex_lock(&w->lock);
        while (!atomic_load(&w->stop) && !w->woken &&
               pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
            ;
        w->woken = 0;
        pthread_mutex_unlock(&w->lock);
    }
    bw_arena_release(&a);
    return NULL;
}

int srv_delivery_start(const struct srv_delivery_options *o, char err[256],
                       struct srv_delivery **out)
{
    struct srv_delivery *w;
    struct bw_diag d;
    pthread_condattr_t ca;
    int rc;

    *out = NULL;
    if (o->attempts < 1 || o->attempts > 20 || o->retry_base < 1 || o->escalate_every < 1) {
        snprintf(err, 256,
                 "delivery attempts must be 1 to 20, retry base and escalation "
                 "period at least 1 s");
        return BW_EINVAL;
    }
    w = bw_calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    /* Thread-safe since libcurl 7.84 and reference-counted; undone in stop. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, 256, "libcurl cannot start");
        bw_free(w);
        return BW_EIO;
    }
    w->o = *o;
    w->db = bw_strdup(o->db);
    w->curl = curl_easy_init();
    if (!w->db || !w->curl) {
        snprintf(err, 256, "the delivery worker cannot start (out of memory)");
        rc = BW_ENOMEM;
        goto fail;
    }
    w->o.db = w->db;
    bw_diag_clear(&d);
    rc = bw_store_open(w->db, &d, &w->store);
    if (rc) {
        bw_diag_format(&d, err, 256);
        goto fail;
    }
    rc = bw_store_set_durability(w->store, o->sync_full);
    if (rc) {
        snprintf(err, 256, "the delivery worker cannot set the database's durability");
        goto fail;
    }
    atomic_init(&w->stop, 0);
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        snprintf(err, 256, "cannot start the delivery thread");
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        rc = BW_EIO;
        goto fail;
    }
    *out = w;
    return BW_OK;
fail:
    bw_store_close(w->store);
    if (w->curl)
        curl_easy_cleanup(w->curl);
    bw_free(w->db);
    bw_free(w);
    curl_global_cleanup();
    return rc;
}

void srv_delivery_wake(struct srv_delivery *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->woken = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void srv_delivery_stop(struct srv_delivery *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->stop, 1);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    bw_store_close(w->store);
    curl_easy_cleanup(w->curl);
    bw_free(w->db);
    bw_free(w);
    curl_global_cleanup();
}
