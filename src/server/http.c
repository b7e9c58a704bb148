/*
 * http.c — the HTTP adapter over libmicrohttpd 0.9.75 (http.h). The only file that
 * includes <microhttpd.h>.
 *
 * libmicrohttpd runs an internal epoll polling thread per worker of a small pool
 * (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, MHD_OPTION_THREAD_POOL_SIZE); a
 * connection stays on one worker, so the handler of a request always runs on the
 * thread that read it. libmicrohttpd calls the access handler several times per
 * request. Answering on the first call, before the body is read, makes 0.9.75 close
 * the connection after the response (stack.md §2.1), so this file answers in exactly
 * one place: the call where the body is complete (*upload_data_size == 0 after the
 * first call). The first call only checks the limits it can see (URL length, header
 * count, Content-Length); the body is gathered into a buffer of at most body_max
 * bytes, and a longer body is read and dropped so the 413 can be answered on the same,
 * still usable connection (up to 16 times the limit; past that the connection is cut).
 *
 * Per request, a struct conn_req is made by the URI log callback (the first thing
 * libmicrohttpd does with a new request, with the raw request target) and freed by the
 * completion callback, which also writes the access-log entry. A counter of requests
 * in flight lets bw_http_stop wait for them after it stops accepting.
 *
 * Streaming responses (server-sent events) use libmicrohttpd's content-reader callback
 * with suspend and resume (MHD_ALLOW_SUSPEND_RESUME), the pattern microhttpd.h
 * prescribes: the reader hands over what is queued in the stream's buffer and, when
 * the buffer is empty, suspends the connection and returns 0, so the worker thread
 * goes back to its other connections; bw_http_stream_write appends under the stream's
 * lock and resumes a suspended connection. The suspend happens inside the reader with
 * the lock held and the resume under the same lock, so a resume always follows its
 * suspend. Every stream being sent is in a registry, because libmicrohttpd must not be
 * stopped with suspended connections: bw_http_stop closes and resumes them all first.
 * Lock order: registry, then stream, then libmicrohttpd's own.
 */
#include "http.h"
#include "alloc.h"
#include "error.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct bw_http {
    struct MHD_Daemon *d;
    struct bw_http_options o;
    atomic_int inflight;
    uint16_t port;
    pthread_mutex_t streams_lock; /* guards the registry and stopping */
    struct bw_http_stream *streams; /* being sent: a doubly linked list */
    int stopping;
};

/* A streaming response (http.h). buf[off, len) is waiting to be sent. */
struct bw_http_stream {
    pthread_mutex_t lock;
    int refs;
    struct bw_http *h;            /* set when queued */
    struct MHD_Connection *conn;  /* set when queued */
    char *buf;
    size_t off, len, cap;
    uint64_t sent;
    int suspended;                /* the reader parked the connection */
    int closed;                   /* end the response once buf is sent */
    int gone;                     /* the response is finished: writes fail */
    struct bw_http_stream *prev, *next;
};

/* One request's state, from its request line to the end of its response. */
struct conn_req {
    struct timespec start;
    size_t url_len;       /* raw request target length */
    char *body;           /* bw_malloc'ed, body_max + 1 bytes once a body arrives */
    size_t body_len;
    size_t dropped;       /* bytes read past body_max and dropped */
    int begun;            /* the access handler has seen this request */
    int reject;           /* status to answer instead of calling the handler, or 0 */
    const char *reject_msg;
    int status;           /* status queued */
    uint64_t bytes;       /* response body bytes queued */
    char method[16];
    char path[256];       /* truncated copy for the log */
    char address[64];
    char user[64];
    struct bw_http *h;
    struct bw_http_stream *stream; /* a reference, for the log's byte count */
};

static uint64_t elapsed_us(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)((t.tv_sec - t0->tv_sec) * 1000000LL + (t.tv_nsec - t0->tv_nsec) / 1000);
}

/* ---- requests and responses (http.h) -------------------------------------------------- */

const char *bw_http_header(const struct bw_http_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *bw_http_query(const struct bw_http_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void bw_http_response_release(struct bw_http_response *res)
{
    bw_free(res->body);
    res->body = NULL;
    if (res->stream) {
        /* Never queued: nobody will read it. */
        bw_http_stream_close(res->stream);
        bw_http_stream_release(res->stream);
        res->stream = NULL;
    }
}

/* ---- streams (http.h) ------------------------------------------------------------------- */

static struct bw_http_stream *stream_ref(struct bw_http_stream *st)
{
    pthread_mutex_lock(&st->lock);
    st->refs++;
    pthread_mutex_unlock(&st->lock);
    return st;
}

void bw_http_stream_release(bw_http_stream *st)
{
    int last;

    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    last = --st->refs == 0;
    pthread_mutex_unlock(&st->lock);
    if (!last)
        return;
    pthread_mutex_destroy(&st->lock);
    bw_free(st->buf);
    bw_free(st);
}

int bw_http_response_stream(struct bw_http_response *res, bw_http_stream **out)
{
    struct bw_http_stream *st = bw_calloc(1, sizeof *st);

    *out = NULL;
    if (!st)
        return BW_ENOMEM;
    pthread_mutex_init(&st->lock, NULL);
    st->refs = 2; /* the response's and the caller's */
    bw_http_stream_release(res->stream);
    res->stream = st;
    *out = st;
    return BW_OK;
}

/* Resumes the connection if the reader parked it. Called with st->lock held. */
static void stream_wake(struct bw_http_stream *st)
{
    if (st->suspended) {
        st->suspended = 0;
        MHD_resume_connection(st->conn);
    }
}

int bw_http_stream_write(bw_http_stream *st, const char *p, size_t n)
{
    int rc = BW_OK;

    pthread_mutex_lock(&st->lock);
    if (st->closed || st->gone) {
        rc = BW_EIO;
    } else if (st->len - st->off + n > BW_HTTP_STREAM_BACKLOG) {
        st->closed = 1;
        rc = BW_ETOOBIG;
    } else {
        if (st->off > 0) {
            memmove(st->buf, st->buf + st->off, st->len - st->off);
            st->len -= st->off;
            st->off = 0;
        }
        if (st->len + n > st->cap) {
            size_t cap = st->cap ? st->cap : 1024;
            char *b;
            while (cap < st->len + n)
                cap *= 2;
            b = bw_realloc(st->buf, cap);
            if (!b) {
                pthread_mutex_unlock(&st->lock);
                return BW_ENOMEM;
            }
            st->buf = b;
            st->cap = cap;
        }
        memcpy(st->buf + st->len, p, n);
        st->len += n;
    }
    /* New bytes to send, or (too far behind) the end to send: either way the reader
     * must run. */
    if (rc != BW_EIO && st->conn && !st->gone)
        stream_wake(st);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

void bw_http_stream_close(bw_http_stream *st)
{
    pthread_mutex_lock(&st->lock);
    st->closed = 1;
    if (st->conn && !st->gone)
        stream_wake(st);
    pthread_mutex_unlock(&st->lock);
}

/* libmicrohttpd's content reader: what is queued, else park the connection. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct bw_http_stream *st = cls;
    ssize_t n;

    (void)pos;
    pthread_mutex_lock(&st->lock);
    if (st->len > st->off) {
        size_t k = st->len - st->off < max ? st->len - st->off : max;
        memcpy(buf, st->buf + st->off, k);
        st->off += k;
        if (st->off == st->len)
            st->off = st->len = 0;
        st->sent += k;
        n = (ssize_t)k;
    } else if (st->closed) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        st->suspended = 1;
        MHD_suspend_connection(st->conn);
        n = 0;
    }
    pthread_mutex_unlock(&st->lock);
    return n;
}

/* libmicrohttpd is done with the response: out of the registry, writes fail. */
static void stream_done(void *cls)
{
    struct bw_http_stream *st = cls;
    struct bw_http *h = st->h;

    if (h) {
        pthread_mutex_lock(&h->streams_lock);
        if (st->prev)
            st->prev->next = st->next;
        else if (h->streams == st)
            h->streams = st->next;
        if (st->next)
            st->next->prev = st->prev;
        st->prev = st->next = NULL;
        pthread_mutex_unlock(&h->streams_lock);
    }
    pthread_mutex_lock(&st->lock);
    st->gone = 1;
    st->closed = 1;
    pthread_mutex_unlock(&st->lock);
    bw_http_stream_release(st);
}

/* ---- libmicrohttpd callbacks ----------------------------------------------------------- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct bw_http *h = cls;
    struct conn_req *r = bw_calloc(1, sizeof *r);
    const union MHD_ConnectionInfo *ci;

    (void)c;
    if (!r)
        return NULL; /* the access handler answers 503 for a request without state */
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    r->h = h;
    r->url_len = uri ? strlen(uri) : 0;
    snprintf(r->path, sizeof r->path, "%s", uri ? uri : "");
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        if (getnameinfo(ci->client_addr, len, r->address, sizeof r->address, NULL, 0,
                        NI_NUMERICHOST) != 0)
            snprintf(r->address, sizeof r->address, "?");
    }
    atomic_fetch_add(&h->inflight, 1);
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct bw_http *h = cls;
    struct conn_req *r = *con_cls;

    (void)c;
    (void)toe;
    if (!r)
        return;
    if (r->stream) {
        pthread_mutex_lock(&r->stream->lock);
        r->bytes = r->stream->sent;
        pthread_mutex_unlock(&r->stream->lock);
        bw_http_stream_release(r->stream);
        r->stream = NULL;
    }
    if (h->o.logger && r->begun) {
        struct bw_http_log e = {r->method, r->path, r->address, r->user,
                                r->status, r->bytes, elapsed_us(&r->start)};
        h->o.logger(h->o.ud, &e);
    }
    bw_free(r->body);
    bw_free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&h->inflight, 1);
}

/* The libmicrohttpd response of streaming response @p res, whose reference to the
 * stream it takes (released when libmicrohttpd is done with it, or now on failure). */
static struct MHD_Response *stream_response(struct MHD_Connection *c, struct conn_req *r,
                                            struct bw_http_response *res)
{
    struct bw_http_stream *st = res->stream;
    struct bw_http *h = r ? r->h : NULL;
    struct MHD_Response *m;

    res->stream = NULL;
    if (!h) {
        bw_http_stream_close(st);
        bw_http_stream_release(st);
        return NULL;
    }
    pthread_mutex_lock(&h->streams_lock);
    pthread_mutex_lock(&st->lock);
    st->h = h;
    st->conn = c;
    if (h->stopping)
        st->closed = 1;
    pthread_mutex_unlock(&st->lock);
    st->next = h->streams;
    if (h->streams)
        h->streams->prev = st;
    h->streams = st;
    pthread_mutex_unlock(&h->streams_lock);
    r->stream = stream_ref(st);
    /* Once made, the response calls stream_done when it is destroyed (also when queueing
     * fails); if it cannot be made, nothing will, so this does. */
    m = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_done);
    if (!m)
        stream_done(st);
    return m;
}

/* Queues @p res on @p c; returns libmicrohttpd's verdict. */
static enum MHD_Result queue(struct MHD_Connection *c, struct conn_req *r,
                             struct bw_http_response *res)
{
    struct MHD_Response *m;
    enum MHD_Result ok;

    if (res->stream)
        m = stream_response(c, r, res);
    else
        m = MHD_create_response_from_buffer(res->body_len, res->body ? res->body : (void *)"",
                                            MHD_RESPMEM_MUST_COPY);
    if (!m)
        return MHD_NO;
    if (res->content_type)
        MHD_add_response_header(m, "Content-Type", res->content_type);
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "Cache-Control", "no-store");
    for (int i = 0; i < res->nheaders; i++)
        MHD_add_response_header(m, res->header_names[i], res->header_values[i]);
    ok = MHD_queue_response(c, (unsigned)res->status, m);
    MHD_destroy_response(m);
    if (r) {
        r->status = res->status;
        r->bytes = res->body_len;
    }
    return ok;
}

/* Answers a limit the adapter enforces, with the JSON error shape of the API. */
static enum MHD_Result queue_error(struct MHD_Connection *c, struct conn_req *r, int status,
                                   const char *code, const char *msg)
{
    struct bw_http_response res;
    char buf[512];
    int n;

    bw_http_response_init(&res);
    n = snprintf(buf, sizeof buf, "{\"error\":{\"status\":%d,\"code\":\"%s\",\"message\":\"%s\"}}\n",
                 status, code, msg);
    res.status = status;
    res.body = buf;
    res.body_len = n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0;
    res.content_type = "application/json";
    return queue(c, r, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    struct bw_http *h = cls;
    struct conn_req *r = *con_cls;
    size_t max = h->o.body_max ? h->o.body_max : BW_HTTP_BODY_MAX;

    (void)version;
    if (!r)
        return queue_error(c, NULL, 503, "unavailable", "out of memory");
    if (!r->begun) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int nheaders = MHD_get_connection_values(c, MHD_HEADER_KIND, NULL, NULL);

        r->begun = 1;
        snprintf(r->method, sizeof r->method, "%s", method);
        if (r->url_len > BW_HTTP_URL_MAX) {
            r->reject = 414;
            r->reject_msg = "the request target is longer than 8192 bytes";
        } else if (nheaders > BW_HTTP_HEADERS_MAX) {
            r->reject = 431;
            r->reject_msg = "the request has more than 100 header fields";
        } else if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*end == '\0' && n > max) {
                r->reject = 413;
                r->reject_msg = "the request body is larger than the limit";
                /* Far past the limit, reading the body only to drop it is not worth
                 * it: answer now; libmicrohttpd then closes the connection. */
                if (n / 16 > max)
                    return queue_error(c, r, 413, "body_too_large", r->reject_msg);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->reject) {
            /* Dropping what is past the limit; give up (close) far past it. */
            r->dropped += n;
            return r->dropped / 16 > max ? MHD_NO : MHD_YES;
        }
        if (r->body_len + n > max) {
            r->reject = 413;
            r->reject_msg = "the request body is larger than the limit";
            r->dropped = r->body_len + n;
            return MHD_YES;
        }
        if (!r->body) {
            r->body = bw_malloc(max + 1);
            if (!r->body) {
                r->reject = 503;
                r->reject_msg = "out of memory";
                return MHD_YES;
            }
        }
        memcpy(r->body + r->body_len, upload, n);
        r->body_len += n;
        return MHD_YES;
    }
    /* The request is complete: answer it, once. */
    if (r->reject) {
        const char *code = r->reject == 413   ? "body_too_large"
                           : r->reject == 414 ? "uri_too_long"
                           : r->reject == 431 ? "too_many_headers"
                                              : "unavailable";
        return queue_error(c, r, r->reject, code, r->reject_msg);
    }
    {
        struct bw_http_request req = {method, url, r->path, r->body ? r->body : "",
                                      r->body_len, r->address, c};
        struct bw_http_response res;
        enum MHD_Result ok;

        if (r->body)
            r->body[r->body_len] = '\0';
        bw_http_response_init(&res);
        h->o.handler(h->o.ud, &req, &res, r->user);
        ok = queue(c, r, &res);
        bw_http_response_release(&res);
        return ok;
    }
}

/* ---- the daemon ----------------------------------------------------------------------- */

int bw_http_start(const struct bw_http_options *o, char err[256], bw_http **out)
{
    struct bw_http *h;
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    const union MHD_DaemonInfo *di;

    *out = NULL;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, o->host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(o->port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, o->host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(o->port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, 256, "'%s' is not a numeric IPv4 or IPv6 address", o->host);
        return BW_EINVAL;
    }
    h = bw_calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, 256, "out of memory");
        return BW_ENOMEM;
    }
    h->o = *o;
    atomic_init(&h->inflight, 0);
    pthread_mutex_init(&h->streams_lock, NULL);
    h->d = MHD_start_daemon(
        flags, o->port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 1),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)BW_HTTP_CONN_MEMORY,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)BW_HTTP_CONN_MAX,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)BW_HTTP_CONN_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)BW_HTTP_TIMEOUT_S,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, 256, "cannot listen on %s port %u (address in use, or not allowed)",
                 o->host, (unsigned)o->port);
        pthread_mutex_destroy(&h->streams_lock);
        bw_free(h);
        return BW_EIO;
    }
    di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : o->port;
    *out = h;
    return BW_OK;
}

uint16_t bw_http_port(const bw_http *h)
{
    return h->port;
}

void bw_http_stop(bw_http *h, unsigned grace_ms)
{
    MHD_socket fd;

    if (!h)
        return;
    /* Stop accepting first, so no request starts while the ones in flight finish. */
    fd = MHD_quiesce_daemon(h->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* Then end every stream: a parked connection must be resumed before the daemon
     * stops, and a stream queued from now on starts closed. */
    pthread_mutex_lock(&h->streams_lock);
    h->stopping = 1;
    for (struct bw_http_stream *st = h->streams; st; st = st->next)
        bw_http_stream_close(st);
    pthread_mutex_unlock(&h->streams_lock);
    for (unsigned waited = 0; atomic_load(&h->inflight) > 0 && waited < grace_ms; waited += 10) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    MHD_stop_daemon(h->d);
    pthread_mutex_destroy(&h->streams_lock);
    bw_free(h);
}
