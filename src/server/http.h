/*
 * http.h — the HTTP adapter of `bulwark serve`: requests in, responses out.
 *
 * The rest of the server sees only this header; http.c is the one file that includes
 * <microhttpd.h>, so replacing libmicrohttpd (by its 1.x line or by our own server)
 * touches one file. The adapter reads a whole request, bounded by the limits below,
 * before it calls the handler once; it answers the limits it enforces itself with a
 * JSON error (413 body, 431 header count, 414 URL length). Requests past libmicrohttpd's
 * per-connection memory limit (BW_HTTP_CONN_MEMORY) are refused by libmicrohttpd
 * itself before any handler runs, with the same status and its own short body.
 *
 * Ownership: a request and everything it points to belong to the adapter and are valid
 * during the handler call only. The handler fills a caller-initialised response whose
 * body it sets with bw_http_response_set_body (the response takes the buffer).
 * Thread-safety: the handler runs on the server's worker threads, several at once.
 */
#ifndef BW_HTTP_H
#define BW_HTTP_H

#include <stddef.h>
#include <stdint.h>

/** Largest request body accepted by default (1 MiB); 413 beyond. */
#define BW_HTTP_BODY_MAX (1u << 20)
/** Most request headers; 431 beyond. */
#define BW_HTTP_HEADERS_MAX 100
/** Longest request target (path and query) in bytes; 414 beyond. */
#define BW_HTTP_URL_MAX 8192
/** libmicrohttpd's memory per connection (request line, headers, read buffer). */
#define BW_HTTP_CONN_MEMORY (32u << 10)
/** Most simultaneous connections, and per client address. */
#define BW_HTTP_CONN_MAX 1024
#define BW_HTTP_CONN_PER_IP 256
/** Idle connection timeout (seconds). */
#define BW_HTTP_TIMEOUT_S 30
/** Most response headers a handler may add. */
#define BW_HTTP_RESPONSE_HEADERS_MAX 8
/** Room for one response header value with its NUL (a signature header needs 130). */
#define BW_HTTP_HEADER_VALUE_MAX 192

/** A request, complete (body included) when the handler sees it. */
struct bw_http_request {
    const char *method;   /**< "GET", "POST", ... */
    const char *path;     /**< decoded path, without the query */
    const char *url;      /**< the path as received (for the log) */
    const char *body;     /**< NUL-terminated body bytes, or "" */
    size_t body_len;
    const char *address;  /**< client address, numeric */
    void *conn;           /**< adapter-private, for bw_http_header / bw_http_query */
};

/** A response under construction. Initialise with bw_http_response_init. */
struct bw_http_response {
    int status;
    char *body;            /**< bw_malloc'ed; owned by the response */
    size_t body_len;
    const char *content_type; /**< static string */
    const char *header_names[BW_HTTP_RESPONSE_HEADERS_MAX];  /**< static strings */
    char header_values[BW_HTTP_RESPONSE_HEADERS_MAX][BW_HTTP_HEADER_VALUE_MAX];
    int nheaders;
    struct bw_http_stream *stream; /**< set by bw_http_response_stream; the body is ignored */
};

/** The value of request header @p name (case-insensitive), or NULL. */
const char *bw_http_header(const struct bw_http_request *r, const char *name);
/** The value of query argument @p name, or NULL. */
const char *bw_http_query(const struct bw_http_request *r, const char *name);

/** Sets status 500 and no body. */
void bw_http_response_init(struct bw_http_response *res);
/** Takes @p body (from bw_malloc; freed with the response) as the response body. */
void bw_http_response_set_body(struct bw_http_response *res, char *body, size_t n,
                               const char *content_type);
/** Adds a header (name static; value copied, truncated to BW_HTTP_HEADER_VALUE_MAX - 1
 *  bytes). Ignored when full. */
void bw_http_response_header(struct bw_http_response *res, const char *name, const char *value);
/** Frees the body (and drops the stream of a streaming response never queued). */
void bw_http_response_release(struct bw_http_response *res);

/* ---- streaming responses (server-sent events) ------------------------------------------ */

/**
 * A response body written piece by piece, from any thread, for as long as the client
 * stays: the server-sent events of GET /api/v1/events. The adapter sends it with chunked
 * transfer encoding. While nothing is waiting to be sent the connection is suspended
 * (parked outside libmicrohttpd's event loop), so an open stream occupies no worker
 * thread; a write resumes it. The connection timeout does not run while it is parked,
 * so the writer sends something (an SSE comment) more often than BW_HTTP_TIMEOUT_S, and
 * the write after a client has gone fails (a parked connection cannot see the peer
 * close, the next send does).
 *
 * Ownership: a stream is reference-counted: the response being sent holds one
 * reference, and bw_http_response_stream gives the caller another, dropped with
 * bw_http_stream_release. Thread-safety: write, close and release may be called from
 * any thread, concurrently with the adapter sending.
 */
typedef struct bw_http_stream bw_http_stream;

/** Most bytes a stream keeps unsent; a write past it closes the stream (a client that
 *  does not read must not grow the server's memory). */
#define BW_HTTP_STREAM_BACKLOG (256u << 10)

/**
 * Makes @p res a streaming response: its status and headers are sent when the handler
 * returns, then whatever is written to the stream. *out is the caller's reference.
 * Returns BW_OK or BW_ENOMEM.
 */
int bw_http_response_stream(struct bw_http_response *res, bw_http_stream **out);
/**
 * Queues @p n bytes of @p p (copied) to be sent. Returns BW_OK; BW_EIO when the stream
 * is closed or its client has gone; BW_ETOOBIG when the client has fallen more than
 * BW_HTTP_STREAM_BACKLOG bytes behind (the stream is then closed).
 */
int bw_http_stream_write(bw_http_stream *st, const char *p, size_t n);
/** Ends the stream once what is queued has been sent. Idempotent. */
void bw_http_stream_close(bw_http_stream *st);
/** Drops the caller's reference. Accepts NULL. */
void bw_http_stream_release(bw_http_stream *st);

/**
 * What the adapter tells its owner after each request (for the access log): the
 * request, the status and body size sent, the time from the first byte of the request
 * line being handled to the response being queued (µs), and the user the handler named
 * in @p user (or "").
 */
struct bw_http_log {
    const char *method, *path, *address, *user;
    int status;
    uint64_t bytes, duration_us;
};

/** Handles one complete request. @p user (64 bytes) may be set to the caller's name. */
typedef void (*bw_http_handler)(void *ud, const struct bw_http_request *req,
                                struct bw_http_response *res, char user[64]);
typedef void (*bw_http_logger)(void *ud, const struct bw_http_log *entry);

typedef struct bw_http bw_http;

/** Options of bw_http_start. */
struct bw_http_options {
    const char *host;     /**< numeric IPv4 or IPv6 address to bind */
    uint16_t port;        /**< 0: an ephemeral port (see bw_http_port) */
    unsigned threads;     /**< worker threads (libmicrohttpd's pool) */
    size_t body_max;      /**< 0: BW_HTTP_BODY_MAX */
    bw_http_handler handler;
    bw_http_logger logger; /**< may be NULL */
    void *ud;
};

/**
 * Binds and starts serving on @p o->threads threads (epoll, internal polling). Fills
 * @p err (256 bytes) and returns BW_EIO on failure; *out is freed with bw_http_stop.
 */
int bw_http_start(const struct bw_http_options *o, char err[256], bw_http **out);
/** The port bound (the ephemeral one when 0 was asked). */
uint16_t bw_http_port(const bw_http *h);
/**
 * Stops accepting connections, closes every open stream (their clients receive what
 * was queued, then the end of the response), waits up to @p grace_ms for requests
 * being handled to finish, then stops the workers and frees @p h. Accepts NULL.
 */
void bw_http_stop(bw_http *h, unsigned grace_ms);

#endif
