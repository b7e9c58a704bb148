/*
 * auditq.c — the audit entries of reads, appended in batches by one thread, and the
 * database's checkpoints, kept off the request threads.
 *
 * A request that reads TLP:AMBER+ items must leave an audit entry (docs/audit.md). Made
 * at once, that entry is a write transaction per read: the readers then queue behind
 * each other for the database's one writer. Instead every request thread's store hands
 * the entry to srv_auditq_push (bw_store_set_read_audit), which copies it into a queue;
 * this thread appends the queue every BATCH_MS in one transaction, entry by entry with
 * its own actor, so the hash chain is exactly what one append per read would have made,
 * only later by at most a batch interval. Identical reads queued close together (the
 * same actor, organisation, action, object and items, as a client polling its list
 * makes) are folded into one entry whose detail counts them ("reads": N), so a busy
 * reader costs one entry per batch, not one per request. Writes never come here: their
 * entries commit with them. A crash may lose the entries of the reads of the last interval; a push into
 * a full queue waits for the next batch rather than dropping anything.
 *
 * The same thread runs a passive WAL checkpoint every CHECKPOINT_MS: the request
 * threads' handles have automatic checkpoints turned off, so that no request waits for
 * the flush a checkpoint makes.
 *
 * Thread-safety: push from any thread; start and stop from the server's thread.
 */
#include "server.h"
#include "alloc.h"
#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BATCH_MS 50
#define CHECKPOINT_MS 1000
#define QUEUE_MAX 65536

struct entry {
    char *actor, *org, *action, *kind, *object, *tlp, *detail;
    unsigned long reads; /* identical reads folded into this entry */
};

/* How many of the latest queued entries a new one is compared with for folding. */
#define FOLD_WINDOW 16

struct srv_auditq {
    pthread_mutex_t lock;
    pthread_cond_t wake, room;
    pthread_t thread;
    struct entry *v, *spare;
    size_t n, cap, spare_cap;
    int stop;
    bw_store *store;
    unsigned long lost; /* entries that could not be appended (reported at stop) */
};

static char *dup_or_null(const char *s)
{
    return s ? bw_strndup(s, strlen(s)) : NULL;
}

static void entry_free(struct entry *e)
{
    bw_free(e->actor);
    bw_free(e->org);
    bw_free(e->action);
    bw_free(e->kind);
    bw_free(e->object);
    bw_free(e->tlp);
    bw_free(e->detail);
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void srv_auditq_push(void *ud, const char *actor, const char *org, const struct bw_audit_entry *e)
{
    struct srv_auditq *q = ud;
    struct entry x = {dup_or_null(actor), dup_or_null(org), dup_or_null(e->action),
                      dup_or_null(e->kind), dup_or_null(e->object), dup_or_null(e->tlp),
                      dup_or_null(e->detail), 1};

    pthread_mutex_lock(&q->lock);
    for (size_t i = q->n; i > 0 && i + FOLD_WINDOW > q->n; i--) {
        struct entry *o = &q->v[i - 1];
        if (same(o->actor, x.actor) && same(o->org, x.org) && same(o->action, x.action) &&
            same(o->kind, x.kind) && same(o->object, x.object) && same(o->tlp, x.tlp) &&
            same(o->detail, x.detail)) {
            o->reads++;
            pthread_mutex_unlock(&q->lock);
            entry_free(&x);
            return;
        }
    }
    while (q->n == QUEUE_MAX && !q->stop)
        pthread_cond_wait(&q->room, &q->lock);
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 256;
        struct entry *v = bw_realloc(q->v, cap * sizeof *v);
        if (!v) {
            q->lost++;
            pthread_mutex_unlock(&q->lock);
            entry_free(&x);
            return;
        }
        q->v = v;
        q->cap = cap;
    }
    q->v[q->n++] = x;
    pthread_mutex_unlock(&q->lock);
}

/* Appends @p n entries in one transaction; on failure each is tried alone, so one bad
 * entry cannot take the others with it. */
static void append(struct srv_auditq *q, struct entry *v, size_t n)
{
    struct bw_diag d;
    int rc;

    if (!n)
        return;
    bw_diag_clear(&d);
    rc = bw_store_begin(q->store);
    for (size_t i = 0; !rc && i < n; i++) {
        struct bw_audit_entry e = {v[i].action, v[i].kind, v[i].object, v[i].tlp, v[i].detail};
        char *folded = NULL;
        /* A folded entry's detail object gains "reads": N. */
        if (v[i].reads > 1 && v[i].detail && strlen(v[i].detail) >= 2 &&
            (folded = bw_malloc(strlen(v[i].detail) + 32))) {
            size_t len = strlen(v[i].detail) - 1; /* without the closing brace */
            memcpy(folded, v[i].detail, len);
            snprintf(folded + len, 32, "%s\"reads\":%lu}", len > 1 ? "," : "", v[i].reads);
            e.detail = folded;
        }
        rc = bw_store_set_actor(q->store, v[i].actor, v[i].org);
        if (!rc)
            rc = bw_store_audit_append(q->store, &e, &d);
        bw_free(folded);
    }
    if (!rc && bw_store_commit(q->store) == BW_OK)
        return;
    bw_store_rollback(q->store);
    if (n == 1) {
        q->lost++;
        fprintf(stderr, "bulwark: audit entry of a read (%s by %s) not appended: %s\n",
                v[0].action ? v[0].action : "?", v[0].actor ? v[0].actor : "?", d.msg);
        return;
    }
    for (size_t i = 0; i < n; i++)
        append(q, v + i, 1);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void *run(void *ud)
{
    struct srv_auditq *q = ud;
    double last_checkpoint = mono_ms();
    int stop = 0;

    while (!stop) {
        struct entry *batch;
        size_t n;
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += BATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&q->lock);
        if (!q->stop)
            pthread_cond_timedwait(&q->wake, &q->lock, &until);
        stop = q->stop;
        /* Swap the queue for the spare buffer, so pushes go on while this batch is
         * written. */
        batch = q->v;
        n = q->n;
        q->v = q->spare;
        q->spare = batch;
        {
            size_t c = q->cap;
            q->cap = q->spare_cap;
            q->spare_cap = c;
        }
        q->n = 0;
        pthread_cond_broadcast(&q->room);
        pthread_mutex_unlock(&q->lock);
        append(q, batch, n);
        for (size_t i = 0; i < n; i++)
            entry_free(&batch[i]);
        if (mono_ms() - last_checkpoint >= CHECKPOINT_MS || stop) {
            bw_store_checkpoint(q->store);
            last_checkpoint = mono_ms();
        }
    }
    return NULL;
}

int srv_auditq_start(const char *db, int sync_full, srv_auditq **out)
{
    struct srv_auditq *q = bw_calloc(1, sizeof *q);
    struct bw_diag d;

    *out = NULL;
    if (!q)
        return BW_ENOMEM;
    bw_diag_clear(&d);
    if (bw_store_open(db, &d, &q->store) || bw_store_set_durability(q->store, sync_full)) {
        bw_store_close(q->store);
        bw_free(q);
        return BW_ESTORE;
    }
    bw_store_set_autocheckpoint(q->store, 0);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    pthread_cond_init(&q->room, NULL);
    if (pthread_create(&q->thread, NULL, run, q) != 0) {
        pthread_cond_destroy(&q->room);
        pthread_cond_destroy(&q->wake);
        pthread_mutex_destroy(&q->lock);
        bw_store_close(q->store);
        bw_free(q);
        return BW_ENOMEM;
    }
    *out = q;
    return BW_OK;
}

void srv_auditq_stop(srv_auditq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stop = 1;
    pthread_cond_broadcast(&q->wake);
    pthread_cond_broadcast(&q->room);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    /* Pushes that raced with the last batch (none once the workers are joined). */
    append(q, q->v, q->n);
    for (size_t i = 0; i < q->n; i++)
        entry_free(&q->v[i]);
    if (q->lost)
        fprintf(stderr, "bulwark: %lu audit entries of reads could not be appended\n", q->lost);
    bw_free(q->v);
    bw_free(q->spare);
    bw_store_close(q->store);
    pthread_cond_destroy(&q->room);
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    bw_free(q);
}
