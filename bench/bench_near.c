/*
 * bench_near.c — radius-query throughput of a bulwark database.
 *
 * Opens DB with bw_store_open and times K radius queries per radius through
 * bw_store_sites_near (R*Tree candidates, then the exact geodesic distance), at query
 * points drawn uniformly in a box by a fixed-seed PRNG (xorshift64*), so every run asks
 * the same questions. Prints queries per second and the mean number of sites found.
 *
 * As a reference it then answers the first few of the same queries the naive way: a
 * plain SQL scan of the site table with the same bounding box on the lat/lon columns
 * (no R*Tree, no index on lat/lon), then the same exact-distance filter, on a second
 * read-only connection. The counts must equal those of the R*Tree queries; a mismatch
 * is reported and makes the exit status 1. With --check it also runs SQLite's
 * rtreecheck() on the R*Tree.
 *
 * usage: bench_near DB [-k K] [--naive K2] [--seed S] [--radius M]... [--check]
 *                      [--box LAT0,LAT1,LON0,LON1]
 *   defaults: -k 20000 --naive 20 --seed 42 --radius 1000 --radius 5000
 *             --box 47,55,6,15
 */
#include "arena.h"
#include "error.h"
#include "geo.h"
#include "store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RADII 8

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* Uniform in [lo, hi). */
static double rng_uniform(double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The naive way: scan every site with a lat/lon bounding box, then the exact distance. */
static int naive_near(sqlite3_stmt *q, double lat, double lon, double radius_m, size_t *found)
{
    struct bw_bbox box[2];
    int nbox = bw_geo_bbox_radius(lat, lon, radius_m, box), step = SQLITE_DONE;

    *found = 0;
    for (int b = 0; b < nbox; b++) {
        sqlite3_reset(q);
        sqlite3_bind_double(q, 1, box[b].min_lat);
        sqlite3_bind_double(q, 2, box[b].max_lat);
        sqlite3_bind_double(q, 3, box[b].min_lon);
        sqlite3_bind_double(q, 4, box[b].max_lon);
        while ((step = sqlite3_step(q)) == SQLITE_ROW)
            if (bw_geo_distance(lat, lon, sqlite3_column_double(q, 1),
                                sqlite3_column_double(q, 2)) <= radius_m)
                (*found)++;
        if (step != SQLITE_DONE)
            return -1;
    }
    return 0;
}

static void usage(void)
{
    fputs("usage: bench_near DB [-k K] [--naive K2] [--seed S] [--radius M]... [--check]\n"
          "                     [--box LAT0,LAT1,LON0,LON1]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long k = 20000, k_naive = 20;
    uint64_t seed = 42;
    double radii[MAX_RADII], lat0 = 47, lat1 = 55, lon0 = 6, lon1 = 15;
    int nradii = 0, check = 0, status = 0;
    struct bw_diag d;
    bw_store *s = NULL;
    sqlite3 *raw = NULL;
    sqlite3_stmt *q = NULL;
    struct bw_arena a;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
            k = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--naive") == 0 && i + 1 < argc)
            k_naive = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--radius") == 0 && i + 1 < argc && nradii < MAX_RADII)
            radii[nradii++] = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--box") == 0 && i + 1 < argc) {
            double *v[4] = {&lat0, &lat1, &lon0, &lon1};
            char *p = argv[++i], *end;
            for (int j = 0; j < 4; j++, p = end + 1) {
                *v[j] = strtod(p, &end);
                if (end == p || *end != (j < 3 ? ',' : '\0'))
                    usage();
            }
        } else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (argv[i][0] != '-' && !db)
            db = argv[i];
        else
            usage();
    }
    if (!db || k <= 0 || k_naive < 0)
        usage();
    if (!nradii) {
        radii[nradii++] = 1000;
        radii[nradii++] = 5000;
    }
    if (k_naive > k)
        k_naive = k;

    bw_diag_clear(&d);
    if (bw_store_open(db, &d, &s)) {
        char buf[1024];
        fprintf(stderr, "bench_near: %s\n", bw_diag_format(&d, buf, sizeof buf));
        return 1;
    }
    if (sqlite3_open_v2(db, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(raw,
                           "SELECT id,lat,lon FROM site NOT INDEXED "
                           "WHERE lat BETWEEN ?1 AND ?2 AND lon BETWEEN ?3 AND ?4",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_near: %s: %s\n", db, raw ? sqlite3_errmsg(raw) : "cannot open");
        sqlite3_close(raw);
        bw_store_close(s);
        return 1;
    }
    {
        sqlite3_stmt *c;
        if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM site", -1, &c, NULL) == SQLITE_OK &&
            sqlite3_step(c) == SQLITE_ROW)
            printf("database: %s, %lld sites\n", db, (long long)sqlite3_column_int64(c, 0));
        sqlite3_finalize(c);
    }
    if (check) {
        sqlite3_stmt *c;
        double t = now();
        if (sqlite3_prepare_v2(raw, "SELECT rtreecheck('site_rtree')", -1, &c, NULL) == SQLITE_OK &&
            sqlite3_step(c) == SQLITE_ROW) {
            const char *r = (const char *)sqlite3_column_text(c, 0);
            printf("rtreecheck: %s (%.2f s)\n", r ? r : "(null)", now() - t);
            if (!r || strcmp(r, "ok"))
                status = 1;
        } else {
            printf("rtreecheck: failed: %s\n", sqlite3_errmsg(raw));
            status = 1;
        }
        sqlite3_finalize(c);
    }
    printf("query points: %ld uniform in lat %g..%g, lon %g..%g, seed %llu\n", k, lat0, lat1, lon0,
           lon1, (unsigned long long)seed);

    bw_arena_init(&a, 64 * 1024);
    for (int r = 0; r < nradii; r++) {
        size_t *counts = calloc((size_t)k_naive + 1, sizeof *counts);
        double t, el, total = 0, tn = 0;
        size_t mism = 0;

        /* Warm-up: the same number of queries at other points, so the page cache holds
         * what the timed queries need, as in a server that has been running a while. */
        rng_state = seed * 2 + 1 + (uint64_t)r * 7919;
        for (long i = 0; i < k; i++) {
            struct bw_near *v;
            size_t n;
            double la = rng_uniform(lat0, lat1), lo = rng_uniform(lon0, lon1);
            bw_arena_reset(&a);
            bw_store_sites_near(s, la, lo, radii[r], 0, &a, &v, &n);
        }
        rng_state = seed | 1;
        t = now();
        for (long i = 0; i < k; i++) {
            struct bw_near *v;
            size_t n;
            double la = rng_uniform(lat0, lat1), lo = rng_uniform(lon0, lon1);
            bw_arena_reset(&a);
            if (bw_store_sites_near(s, la, lo, radii[r], 0, &a, &v, &n)) {
                fprintf(stderr, "bench_near: query %ld failed\n", i);
                status = 1;
                break;
            }
            if (i < k_naive)
                counts[i] = n;
            total += (double)n;
        }
        el = now() - t;
        printf("rtree  radius %6.0f m: %ld queries in %.3f s = %.0f queries/s, "
               "mean %.2f sites per query\n",
               radii[r], k, el, (double)k / el, total / (double)k);

        rng_state = seed | 1;
        t = now();
        for (long i = 0; i < k_naive; i++) {
            size_t n;
            double la = rng_uniform(lat0, lat1), lo = rng_uniform(lon0, lon1);
            if (naive_near(q, la, lo, radii[r], &n)) {
                fprintf(stderr, "bench_near: naive query failed: %s\n", sqlite3_errmsg(raw));
                status = 1;
                break;
            }
            if (n != counts[i])
                mism++;
        }
        tn = now() - t;
        if (k_naive > 0) {
            printf("naive  radius %6.0f m: %ld queries in %.3f s = %.1f queries/s "
                   "(full scan, lat/lon box); R*Tree is %.0fx faster; results %s\n",
                   radii[r], k_naive, tn, (double)k_naive / tn,
                   ((double)k / el) / ((double)k_naive / tn), mism ? "DIFFER" : "identical");
            if (mism) {
                fprintf(stderr, "bench_near: %zu of %ld naive results differ from the R*Tree's\n",
                        mism, k_naive);
                status = 1;
            }
        }
        free(counts);
    }
    bw_arena_release(&a);
    sqlite3_finalize(q);
    sqlite3_close(raw);
    bw_store_close(s);
    return status;
}
