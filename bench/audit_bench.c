/*
 * audit_bench.c — audit-log append and verification throughput.
 *
 * Creates a fresh database at DB (which must not exist), then times:
 *   1. M appends each in its own transaction (BEGIN IMMEDIATE ... COMMIT, the cost of a
 *      server request that writes only its audit entry: synchronous=FULL makes every
 *      commit wait for the disk);
 *   2. N appends inside one transaction (the cost an entry adds to a write request's
 *      own transaction: two prepared statements and one BLAKE2b);
 *   3. M appends from T threads at once, each thread with its own handle and its own
 *      transactions (the server's shape: writers serialise on the database's lock),
 *      counting the appends refused because the lock stayed busy past the store's busy
 *      timeout;
 *   4. bw_store_audit_verify over the whole log.
 * Each entry has a 100-byte JSON detail. The chain is verified at the end; a broken
 * chain makes the exit status 1.
 *
 * usage: audit_bench DB [-n N] [-m M] [-t T]     defaults: -n 20000 -m 2000 -t 4
 */
#include "error.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *db_path;
static long per_thread;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct bw_audit_entry entry = {
    "warning.read", "warning", "12345", "AMBER",
    "{\"items\":[12345],\"route\":\"GET /api/v1/warnings/12345\",\"bytes\":4096,\"ok\":true}"};

/* Appends @p n entries; returns how many were refused (the first reason is printed). */
static long append_n(bw_store *s, long n)
{
    struct bw_diag d;
    long failed = 0;
    for (long i = 0; i < n; i++) {
        bw_diag_clear(&d);
        if (bw_store_audit_append(s, &entry, &d)) {
            char buf[600];
            if (!failed++)
                fprintf(stderr, "append: %s\n", bw_diag_format(&d, buf, sizeof buf));
        }
    }
    return failed;
}

static void *writer(void *arg)
{
    struct bw_diag d;
    bw_store *s = NULL;
    intptr_t rc;

    (void)arg;
    bw_diag_clear(&d);
    if (bw_store_open(db_path, &d, &s))
        return (void *)(intptr_t)per_thread;
    bw_store_set_actor(s, "bench", "org-1");
    rc = (intptr_t)append_n(s, per_thread);
    bw_store_close(s);
    return (void *)rc;
}

int main(int argc, char **argv)
{
    struct bw_diag d;
    bw_store *s = NULL;
    long n = 20000, m = 2000, threads = 4, failed = 0;
    int64_t checked, bad;
    double t0, t;
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: audit_bench DB [-n N] [-t T]\n");
        return 2;
    }
    db_path = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            n = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "-m") == 0)
            m = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "-t") == 0)
            threads = strtol(argv[i + 1], NULL, 10);
    }
    if (n < 1 || m < 1 || threads < 1 || threads > 64 || access(db_path, F_OK) == 0) {
        fprintf(stderr, "audit_bench: N, M and T must be positive and DB must not exist\n");
        return 2;
    }
    bw_diag_clear(&d);
    if (bw_store_open(db_path, &d, &s)) {
        char buf[600];
        fprintf(stderr, "%s\n", bw_diag_format(&d, buf, sizeof buf));
        return 1;
    }
    bw_store_set_actor(s, "bench", "org-1");

    t0 = now_s();
    if (append_n(s, m))
        return 1;
    t = now_s() - t0;
    printf("own transaction each:   %8ld appends  %7.3f s  %9.0f /s  %7.1f us each\n", m, t,
           (double)m / t, t / (double)m * 1e6);

    t0 = now_s();
    if (bw_store_begin(s) || append_n(s, n) || bw_store_commit(s))
        return 1;
    t = now_s() - t0;
    printf("one transaction:        %8ld appends  %7.3f s  %9.0f /s  %7.1f us each\n", n, t,
           (double)n / t, t / (double)n * 1e6);

    {
        pthread_t tid[64];
        per_thread = m / threads;
        t0 = now_s();
        for (long i = 0; i < threads; i++)
            pthread_create(&tid[i], NULL, writer, NULL);
        for (long i = 0; i < threads; i++) {
            void *r;
            pthread_join(tid[i], &r);
            failed += (long)(intptr_t)r;
        }
        t = now_s() - t0;
        printf("%2ld threads, own txs:    %8ld appends  %7.3f s  %9.0f /s  (%ld refused: busy)\n",
               threads, per_thread * threads - failed, t,
               (double)(per_thread * threads - failed) / t, failed);
    }

    t0 = now_s();
    bw_diag_clear(&d);
    if (bw_store_audit_verify(s, &checked, &bad, &d)) {
        fprintf(stderr, "chain broken at entry %lld: %s\n", (long long)bad, d.msg);
        rc = 1;
    }
    t = now_s() - t0;
    printf("verify:                 %8lld entries  %7.3f s  %9.0f /s\n", (long long)checked, t,
           (double)checked / t);
    bw_store_close(s);
    return rc;
}
