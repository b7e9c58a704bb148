/*
 * events.c — the hub of server-sent events (GET /api/v1/events, docs/delivery.md): who
 * is subscribed, what changed, and who may hear of it.
 *
 * Warnings are issued, updated and cancelled through the API of this server, through
 * the API of another server on the same database, or from the command line in another
 * process, so the hub does not wait to be told: one thread looks at the database every
 * 500 ms. What it reads is the audit log, which every publication writes in its own
 * transaction ("warning.issue", "warning.update", "warning.cancel", with the warning's
 * id as the object). Audit ids grow in commit order (SQLite has one writer at a time and
 * the id is taken inside the writing transaction), so "entries with an id above the
 * last one seen" is exact; the time bound given to the query (the previous look minus a
 * minute) only keeps the scan short, and would miss an entry only if its transaction
 * had stayed open for over a minute.
 *
 * For each new publication the hub reads the warning once as the local administrator
 * (its TLP, its event, the latest CAP sequence number), then, per subscriber, checks
 * the subscriber's bearer token again (revoked, expired or disabled ends the stream)
 * and asks the store whether that principal may read the warning (bw_store_warning_get
 * with the principal: the TLP predicate of the store, and the read is audited as any
 * other). The reads of one publication are audited in one transaction, and only once it
 * has committed is `event: warning` written to the streams of the subscribers that may
 * read it. The delivery worker is woken first, so webhooks go out meanwhile. Every 15 s
 * each stream gets a comment line as a heartbeat, which also finds the streams whose
 * client has gone (a parked connection notices only when written to) and keeps proxies
 * from timing the stream out.
 *
 * Thread-safety: the subscriber table is guarded by the hub's mutex, which the hub
 * thread holds while it writes to the streams (a write only copies into the stream's
 * buffer); subscribe runs on the HTTP worker threads. The store handle and the token
 * checker are the hub thread's alone.
 */
#include "server.h"
#include "alloc.h"
#include "error.h"
#include "json_jansson.h"
#include "share.h"
#include "user.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** How often the database is looked at, and the heartbeat period. */
#define POLL_MS 500
#define HEARTBEAT_S 15
/** The time bound of the audit query: this much before the previous look (seconds). */
#define LOOKBACK_S 60
/** Most publications handled per look (the rest wait for the next). */
#define BATCH_MAX 64

struct sub {
    bw_http_stream *st;
    char hash[BW_TOKEN_HASH_SIZE];
};

struct pub {
    int64_t audit_id, warning;
    int status; /* enum bw_warning_status after the step */
};

struct srv_events {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop;
    struct sub subs[SRV_EVENTS_MAX];
    int nsubs;
    bw_store *store;
    bw_token_checker *checker;
    int64_t last_id; /* the last audit entry looked at */
    time_t last_look;
    void (*wake)(void *ud);
    void *wake_ud;
};

/* ---- subscribers ------------------------------------------------------------------------ */

int srv_events_subscribe(struct srv_events *ev, bw_http_stream *st, const char *token_hash)
{
    int rc = BW_OK;

    pthread_mutex_lock(&ev->lock);
    if (ev->stop || ev->nsubs == SRV_EVENTS_MAX) {
        rc = BW_ETOOBIG;
    } else {
        struct sub *s = &ev->subs[ev->nsubs++];
        s->st = st;
        snprintf(s->hash, sizeof s->hash, "%s", token_hash);
    }
    pthread_mutex_unlock(&ev->lock);
    return rc;
}

/* Ends and forgets subscriber @p i (the last one takes its place). Lock held. */
static void sub_drop(struct srv_events *ev, int i)
{
    bw_http_stream_close(ev->subs[i].st);
    bw_http_stream_release(ev->subs[i].st);
    ev->subs[i] = ev->subs[--ev->nsubs];
}

/* The principal of subscriber @p s now (strings in @p a); 0 when its token no longer
 * holds. */
static int sub_principal(struct srv_events *ev, const struct sub *s, struct bw_arena *a,
                         struct bw_principal *p)
{
    return bw_token_checker_auth(ev->checker, s->hash, a, p) == BW_OK;
}

/* ---- publications ----------------------------------------------------------------------- */

struct scan {
    struct srv_events *ev;
    struct pub pubs[BATCH_MAX];
    int n;
    int64_t max_id;
};

static int on_audit(void *ud, const struct bw_audit_row *r)
{
    struct scan *sc = ud;
    int status;
    char *end;
    long long w;

    if (r->id <= sc->ev->last_id)
        return 0;
    if (sc->n == BATCH_MAX)
        return 1; /* the rest at the next look */
    sc->max_id = r->id;
    if (strcmp(r->action, "warning.issue") == 0 || strcmp(r->action, "warning.update") == 0)
        status = BW_WARN_ISSUED;
    else if (strcmp(r->action, "warning.cancel") == 0)
        status = BW_WARN_CANCELLED;
    else
        return 0;
    if (!r->object)
        return 0;
    w = strtoll(r->object, &end, 10);
    if (*end || w <= 0)
        return 0;
    sc->pubs[sc->n].audit_id = r->id;
    sc->pubs[sc->n].warning = w;
    sc->pubs[sc->n].status = status;
    sc->n++;
    return 0;
}

/* The text of the SSE message for publication @p pb, or NULL (warning gone, or out of
 * memory). Read as the local administrator: who may hear of it is decided per
 * subscriber. */
static char *event_text(struct srv_events *ev, const struct pub *pb, struct bw_arena *a)
{
    struct bw_warning w;
    struct bw_warning_cap cap;
    json_t *doc = NULL, *j;
    const char *event = NULL;
    char *data, *text = NULL;
    int64_t seq = 0;

    if (bw_store_warning_get(ev->store, NULL, pb->warning, a, &w) != BW_OK)
        return NULL;
    if (bw_store_warning_cap_get(ev->store, NULL, 0, pb->warning, 0, a, &cap) == BW_OK)
        seq = cap.seq;
    if (w.doc)
        doc = json_loads(w.doc, 0, NULL);
    if (doc && json_is_string(json_object_get(doc, "event")))
        event = json_string_value(json_object_get(doc, "event"));
    j = json_pack("{s:I,s:s,s:o,s:s,s:o}", "id", (json_int_t)pb->warning, "status",
                  bw_warning_status_name(pb->status), "seq", seq ? json_integer(seq) : json_null(),
                  "tlp", bw_tlp_name(w.item.tlp), "event",
                  event ? json_string(event) : json_null());
    json_decref(doc);
    data = j ? bw__json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (data) {
        /* JSON text has no raw newline, so it fits one "data:" line. */
        size_t n = strlen(data) + 64;
        text = bw_malloc(n);
        if (text)
            snprintf(text, n, "id: %lld\nevent: warning\ndata: %s\n\n", (long long)pb->audit_id,
                     data);
        bw_free(data);
    }
    return text;
}

/* Sends publication @p pb to every subscriber that may read its warning. Lock held.
 * The subscribers' reads are audited in one transaction, committed before any event is
 * written: nothing is disclosed whose read was not recorded. */
static void publish(struct srv_events *ev, const struct pub *pb, struct bw_arena *a)
{
    char *text = event_text(ev, pb, a);
    unsigned char verdict[SRV_EVENTS_MAX]; /* 0 skip, 1 send, 2 token gone: drop */
    int tx, n = ev->nsubs;

    if (!text)
        return;
    tx = bw_store_begin(ev->store) == BW_OK;
    for (int i = 0; i < n; i++) {
        struct bw_principal p;
        struct bw_warning w;

        if (!sub_principal(ev, &ev->subs[i], a, &p)) {
            verdict[i] = 2;
            continue;
        }
        /* The read is the subscriber's, attributed to it in the audit log. */
        bw_store_set_actor(ev->store, p.user, p.org);
        verdict[i] = bw_store_warning_get(ev->store, &p, pb->warning, a, &w) == BW_OK;
    }
    bw_store_set_actor(ev->store, "system", NULL);
    if (tx && bw_store_commit(ev->store) != BW_OK) {
        bw_store_rollback(ev->store);
        fprintf(stderr,
                "bulwark: events: recording the reads of warning %lld failed; "
                "event not sent\n",
                (long long)pb->warning);
        memset(verdict, 0, (size_t)n);
    }
    /* Backwards, so that dropping (the last subscriber takes the place) skips nobody. */
    for (int i = n - 1; i >= 0; i--) {
        if (verdict[i] == 1 && bw_http_stream_write(ev->subs[i].st, text, strlen(text)) != BW_OK)
            verdict[i] = 2;
        if (verdict[i] == 2)
            sub_drop(ev, i);
    }
    bw_free(text);
}

/* One look at the database; wakes the delivery worker when it finds a publication.
 * Lock held. Returns the number of publications found. */
static int look(struct srv_events *ev, struct bw_arena *a)
{
    struct scan sc;
    char since[32];
    time_t t = ev->last_look - LOOKBACK_S;
    struct tm tm;
    int rc;

    memset(&sc, 0, sizeof sc);
    sc.ev = ev;
    sc.max_id = ev->last_id;
    gmtime_r(&t, &tm);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* on_audit answers 1 to stop early when the batch is full. */
    rc = bw_store_audit_each(ev->store, NULL, since, 0, on_audit, &sc);
    if (rc != BW_OK && rc != 1)
        return 0; /* busy or failing: try again at the next look */
    ev->last_look = time(NULL);
    ev->last_id = sc.max_id;
    /* The webhooks first: the worker sends while the events are prepared. */
    if (sc.n && ev->wake)
        ev->wake(ev->wake_ud);
    for (int i = 0; i < sc.n; i++) {
        publish(ev, &sc.pubs[i], a);
        bw_arena_reset(a);
    }
    return sc.n;
}

static void heartbeat(struct srv_events *ev, struct bw_arena *a)
{
    static const char beat[] = ": heartbeat\n\n";

    for (int i = 0; i < ev->nsubs;) {
        struct bw_principal p;
        if (!sub_principal(ev, &ev->subs[i], a, &p) ||
            bw_http_stream_write(ev->subs[i].st, beat, sizeof beat - 1) != BW_OK) {
            sub_drop(ev, i);
            continue;
        }
        i++;
    }
    bw_arena_reset(a);
}

/* ---- the thread ------------------------------------------------------------------------- */

static int on_latest(void *ud, const struct bw_audit_row *r)
{
    *(int64_t *)ud = r->id;
    return 0;
}

static void *hub_main(void *arg)
{
    struct srv_events *ev = arg;
    struct bw_arena a;
    struct timespec next_beat;

    bw_arena_init(&a, 8192);
    clock_gettime(CLOCK_MONOTONIC, &next_beat);
    next_beat.tv_sec += HEARTBEAT_S;
    pthread_mutex_lock(&ev->lock);
    while (!ev->stop) {
        struct timespec now, until;

        look(ev, &a);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next_beat.tv_sec ||
            (now.tv_sec == next_beat.tv_sec && now.tv_nsec >= next_beat.tv_nsec)) {
            heartbeat(ev, &a);
            next_beat = now;
            next_beat.tv_sec += HEARTBEAT_S;
        }
        /* The condition variable runs on the monotonic clock (set at creation). */
        until = now;
        until.tv_nsec += POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!ev->stop && pthread_cond_timedwait(&ev->cond, &ev->lock, &until) == 0)
            ;
    }
    while (ev->nsubs > 0)
        sub_drop(ev, ev->nsubs - 1);
    pthread_mutex_unlock(&ev->lock);
    bw_arena_release(&a);
    return NULL;
}

int srv_events_start(const char *db, int sync_full, void (*wake)(void *ud), void *wake_ud,
                     char err[256], struct srv_events **out)
{
    struct srv_events *ev;
    struct bw_diag d;
    pthread_condattr_t ca;
    int rc;

    *out = NULL;
    ev = bw_calloc(1, sizeof *ev);
    if (!ev) {
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    bw_diag_clear(&d);
    rc = bw_store_open(db, &d, &ev->store);
    if (rc) {
        bw_diag_format(&d, err, 256);
        bw_free(ev);
        return rc;
    }
    rc = bw_store_set_durability(ev->store, sync_full);
    if (!rc)
        rc = bw_token_checker_new(ev->store, &ev->checker);
    /* Events start after the newest audit entry there is now. */
    if (!rc)
        rc = bw_store_audit_each(ev->store, NULL, NULL, 1, on_latest, &ev->last_id);
    if (rc) {
        snprintf(err, 256, "the events hub cannot read the database: %s", bw_strerror(rc));
        bw_token_checker_free(ev->checker);
        bw_store_close(ev->store);
        bw_free(ev);
        return rc;
    }
    ev->last_look = time(NULL);
    ev->wake = wake;
    ev->wake_ud = wake_ud;
    pthread_mutex_init(&ev->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ev->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&ev->thread, NULL, hub_main, ev) != 0) {
        snprintf(err, 256, "cannot start the events thread");
        pthread_cond_destroy(&ev->cond);
        pthread_mutex_destroy(&ev->lock);
        bw_token_checker_free(ev->checker);
        bw_store_close(ev->store);
        bw_free(ev);
        return BW_EIO;
    }
    *out = ev;
    return BW_OK;
}

void srv_events_stop(struct srv_events *ev)
{
    if (!ev)
        return;
    pthread_mutex_lock(&ev->lock);
    ev->stop = 1;
    pthread_cond_signal(&ev->cond);
    pthread_mutex_unlock(&ev->lock);
    pthread_join(ev->thread, NULL);
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->lock);
    bw_token_checker_free(ev->checker);
    bw_store_close(ev->store);
    bw_free(ev);
}
