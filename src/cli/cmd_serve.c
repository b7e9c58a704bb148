/*
 * cmd_serve.c — `bulwark serve`: run the HTTP server (src/server/) until SIGTERM or
 * SIGINT.
 *
 * The signals are blocked before any worker thread starts, so they inherit the mask and
 * only the main thread, waiting in sigwait, ever receives them; no handler runs in the
 * middle of a request. On a signal the server stops accepting, lets the requests in
 * flight finish, closes the store handles and the command exits 0. The address it
 * listens on is printed on stdout as soon as it is bound ("bulwark: serving on
 * http://HOST:PORT"), which is how scripts learn an ephemeral port (--listen HOST:0).
 */
#include "cli.h"
#include "server.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: bulwark serve [--listen HOST:PORT] [--db FILE] [--threads N]\n"
    "                     [--access-log FILE] [--key-dir DIR] [--public-url URL]\n"
    "                     [--delivery-attempts N] [--retry-base SECONDS]\n"
    "                     [--escalate-every SECONDS] [--routes]\n\n"
    "Serves the JSON API (docs/api.md) until SIGTERM or SIGINT, delivers warnings to\n"
    "the organisations' webhooks, escalates overdue acknowledgements and streams\n"
    "events to connected clients (docs/delivery.md).\n\n"
    "  --listen HOST:PORT  numeric address and port (default 127.0.0.1:8080; port 0 picks\n"
    "                      a free one; IPv6 as [::1]:8080). Put nginx with TLS in front for\n"
    "                      anything but loopback (docs/operations.md)\n"
    "  --threads N         worker threads (default 2, at most 64)\n"
    "  --access-log FILE   append the access log (one JSON object per line) to FILE\n"
    "                      instead of stderr\n"
    "  --key-dir DIR       where the CAP signing key lives (default: the database's\n"
    "                      directory; created on the first warning issued)\n"
    "  --sync normal|full  durability of each write (default normal: every answered\n"
    "                      write survives a crash of the server; full: also a power\n"
    "                      failure, at about 200 writes/s; docs/operations.md)\n"
    "  --public-url URL    base URL of the public feed's links (default: from the Host\n"
    "                      header), e.g. https://warnings.example.gov\n"
    "  --delivery-attempts N  webhook attempts before a delivery is dead (default 6,\n"
    "                      1 to 20)\n"
    "  --retry-base SECONDS  wait before the first retry (default 10); later retries\n"
    "                      wait 3, 12, 60 and 360 times as long (10 s, 30 s, 2 min,\n"
    "                      10 min, 1 h by default)\n"
    "  --escalate-every SECONDS  how often overdue acknowledgements are escalated to\n"
    "                      the 24/7 contact (default 30)\n"
    "  --routes            print the router's routes (METHOD PATH) and exit\n"
    "  --db FILE           the database (default $BULWARK_DB, else ./bulwark.db)\n";

/* Splits "HOST:PORT" or "[V6]:PORT" into @p host (64 bytes) and *port. */
static int parse_listen(const char *v, char host[64], uint16_t *port)
{
    const char *colon, *h = v;
    size_t hn;
    char *end;
    unsigned long p;

    if (*v == '[') {
        const char *close = strchr(v, ']');
        if (!close || close[1] != ':')
            return -1;
        h = v + 1;
        hn = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(v, ':');
        if (!colon)
            return -1;
        hn = (size_t)(colon - v);
    }
    if (hn == 0 || hn >= 64 || !colon[1])
        return -1;
    p = strtoul(colon + 1, &end, 10);
    if (*end || p > 65535)
        return -1;
    memcpy(host, h, hn);
    host[hn] = '\0';
    *port = (uint16_t)p;
    return 0;
}

/* Parses a whole number from @p lo to @p hi into *out; -1 otherwise. */
static int parse_count(const char *v, unsigned long lo, unsigned long hi, unsigned *out)
{
    char *end;
    unsigned long n;

    if (*v < '0' || *v > '9')
        return -1;
    n = strtoul(v, &end, 10);
    if (*end || n < lo || n > hi)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static void print_route(void *ud, const struct srv_route *r)
{
    (void)ud;
    printf("%s %s\n", r->method, r->pattern);
}

int cmd_serve(int argc, char **argv)
{
    enum { OPT_LISTEN = 1000, OPT_THREADS, OPT_LOG, OPT_ROUTES, OPT_KEYDIR, OPT_URL, OPT_SYNC,
           OPT_ATTEMPTS, OPT_RETRY, OPT_ESCALATE };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"listen", required_argument, NULL, OPT_LISTEN},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"access-log", required_argument, NULL, OPT_LOG},
                                         {"routes", no_argument, NULL, OPT_ROUTES},
                                         {"key-dir", required_argument, NULL, OPT_KEYDIR},
                                         {"public-url", required_argument, NULL, OPT_URL},
                                         {"sync", required_argument, NULL, OPT_SYNC},
                                         {"delivery-attempts", required_argument, NULL,
                                          OPT_ATTEMPTS},
                                         {"retry-base", required_argument, NULL, OPT_RETRY},
                                         {"escalate-every", required_argument, NULL,
                                          OPT_ESCALATE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_server_options o = {0};
    char host[64] = "127.0.0.1", err[256];
    const char *db = NULL;
    uint16_t port = 8080;
    unsigned long threads = 2;
    bw_server *srv = NULL;
    sigset_t set;
    int c, sig = 0;
    char *end;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case OPT_LISTEN:
            if (parse_listen(optarg, host, &port))
                return cli_usage(usage, "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
            break;
        case OPT_THREADS:
            threads = strtoul(optarg, &end, 10);
            if (*end || threads < 1 || threads > 64)
                return cli_usage(usage, "--threads takes a number from 1 to 64");
            break;
        case OPT_LOG: o.access_log = optarg; break;
        case OPT_KEYDIR: o.key_dir = optarg; break;
        case OPT_SYNC:
            if (strcmp(optarg, "full") && strcmp(optarg, "normal"))
                return cli_usage(usage, "--sync takes normal or full");
            o.sync_full = strcmp(optarg, "full") == 0;
            break;
        case OPT_URL:
            if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8))
                return cli_usage(usage, "--public-url takes an http:// or https:// URL");
            o.public_url = optarg;
            break;
        case OPT_ATTEMPTS:
            if (parse_count(optarg, 1, 20, &o.delivery_attempts))
                return cli_usage(usage, "--delivery-attempts takes a number from 1 to 20");
            break;
        case OPT_RETRY:
            if (parse_count(optarg, 1, 86400, &o.retry_base))
                return cli_usage(usage, "--retry-base takes seconds from 1 to 86400");
            break;
        case OPT_ESCALATE:
            if (parse_count(optarg, 1, 86400, &o.escalate_every))
                return cli_usage(usage, "--escalate-every takes seconds from 1 to 86400");
            break;
        case OPT_ROUTES: srv_routes_each(print_route, NULL); return 0;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage(usage, "serve takes no arguments");
    o.db = cli_db_path(db);
    if (access(o.db, F_OK) != 0)
        return cli_failf("%s: no such database (create it with `bulwark init` or "
                         "`bulwark demo`)", o.db);
    o.host = host;
    o.port = port;
    o.threads = (unsigned)threads;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* A client that goes away mid-response must not kill the server. */
    signal(SIGPIPE, SIG_IGN);
    if (bw_server_start(&o, err, &srv))
        return cli_failf("%s", err);
    printf("bulwark: serving on http://%s%s%s:%u\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", (unsigned)bw_server_port(srv));
    fflush(stdout);
    while (sigwait(&set, &sig) != 0)
        ;
    fprintf(stderr, "bulwark: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    bw_server_stop(srv);
    fprintf(stderr, "bulwark: stopped\n");
    return 0;
}
