/*
 * cascade_bench.c — timings of the dependency graph and cascade engine on a database.
 *
 * Opens DB (bw_store_open, bw_store_pack_get) and times, each on its own:
 *   1. loading into CSR: bw_store_graph_load (SQLite -> arrays) and bw_graph_new;
 *   2. the baseline (bw_cascade_run with nothing removed: the fixpoint every later run
 *      of a workspace starts from; computed once per workspace and service);
 *   3. one deterministic cascade (bw_cascade_run) of one site: --remove ID, or else
 *      the site with the most outgoing entries in the CSR over the chosen services
 *      (ties: lowest node), run --repeat times (first, fastest and median reported);
 *   4. --trials Monte Carlo trials of that attack (bw_cascade_timed with the pack's
 *      restoration time for the site's category and --attack);
 *   5. the criticality sweep (bw_criticality_sweep) over --service on --threads
 *      threads, with a progress line on stderr every 10 s. When it has not finished after
 *      --sweep-limit seconds the program prints how far it got and the extrapolated
 *      time of the whole sweep (elapsed * nodes / nodes done; site ids of the generated
 *      graph are in random order, so the nodes done are a uniform sample), and exits at
 *      once without waiting for the sweep threads (status 0).
 * Every figure is also printed as a machine-readable line "RESULT key value" (seconds,
 * counts), which bench/run-cascade.sh reads.
 *
 * usage: cascade_bench DB [--service S|all] [--threads N] [--remove ID] [--repeat N]
 *                         [--trials N] [--seed N] [--attack T] [--sweep-limit S]
 *                         [--no-sweep] [--cascades] [--sweep-out FILE]
 *   defaults: --service all --threads 2 --repeat 5 --trials 1000 --seed 1
 *             --attack generic --sweep-limit 600
 *   --cascades   force one cascade per site in the sweep (no dominator tree)
 *   --sweep-out  write "id<TAB>sites_lost<TAB>population_lost" for every site
 */
#include "arena.h"
#include "cascade.h"
#include "error.h"
#include "graph.h"
#include "pack.h"
#include "store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void result(const char *key, double v)
{
    printf("RESULT %s %.6g\n", key, v);
}

/* ---- the sweep on a helper thread, watched by the main thread ---------------------- */

struct sweep {
    const bw_graph *g;
    int service, force;
    unsigned threads;
    uint32_t *lost;
    double *pop;
    enum bw_sweep_method method;
    int rc;
    double t0, last_print;
    atomic_size_t done;
    atomic_int finished;
};

static void sweep_progress(void *ud, size_t done, size_t total)
{
    struct sweep *sw = ud;
    double t = now();
    atomic_store(&sw->done, done);
    if (t - sw->last_print >= 10.0 && done < total) {
        double el = t - sw->t0;
        fprintf(stderr, "cascade_bench: sweep %zu / %zu nodes after %.0f s (%.1f nodes/s, "
                        "whole sweep ~%.0f s)\n",
                done, total, el, done / el, done ? el * (double)total / (double)done : 0.0);
        sw->last_print = t;
    }
}

static void *sweep_main(void *arg)
{
    struct sweep *sw = arg;
    sw->rc = bw_criticality_sweep(sw->g, sw->service, sw->threads, sw->force, sweep_progress,
                                  sw, sw->lost, sw->pop, &sw->method);
    atomic_store(&sw->finished, 1);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *service_name = "all", *remove_id = NULL, *attack = "generic",
               *sweep_out = NULL;
    unsigned threads = 2;
    int repeat = 5, service = BW_ALL_SERVICES, do_sweep = 1, force = 0;
    long trials = 1000;
    unsigned long long seed = 1;
    double sweep_limit = 600;
    struct bw_diag d;
    struct bw_arena a;
    struct bw_graph_data data = {0};
    bw_store *s = NULL;
    bw_pack *p = NULL;
    bw_graph *g = NULL;
    bw_cascade *c = NULL;
    size_t ns, nent = 0;
    const struct bw_term *svc;
    double t, t_load, t_build;
    uint32_t v = 0;

    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int more = i + 1 < argc;
        if (strcmp(o, "--service") == 0 && more)
            service_name = argv[++i];
        else if (strcmp(o, "--threads") == 0 && more)
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(o, "--remove") == 0 && more)
            remove_id = argv[++i];
        else if (strcmp(o, "--repeat") == 0 && more)
            repeat = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(o, "--trials") == 0 && more)
            trials = strtol(argv[++i], NULL, 10);
        else if (strcmp(o, "--seed") == 0 && more)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(o, "--attack") == 0 && more)
            attack = argv[++i];
        else if (strcmp(o, "--sweep-limit") == 0 && more)
            sweep_limit = strtod(argv[++i], NULL);
        else if (strcmp(o, "--sweep-out") == 0 && more)
            sweep_out = argv[++i];
        else if (strcmp(o, "--no-sweep") == 0)
            do_sweep = 0;
        else if (strcmp(o, "--cascades") == 0)
            force = 1;
        else if (o[0] != '-' && !db)
            db = o;
        else {
            fprintf(stderr, "usage: cascade_bench DB [--service S|all] [--threads N] "
                            "[--remove ID] [--repeat N] [--trials N] [--seed N] [--attack T] "
                            "[--sweep-limit S] [--no-sweep] [--cascades] [--sweep-out FILE]\n");
            return 2;
        }
    }
    if (!db || repeat < 1 || trials < 0 || sweep_limit <= 0) {
        fprintf(stderr, "cascade_bench: a database is required; --repeat >= 1, --trials >= 0\n");
        return 2;
    }
    bw_diag_clear(&d);
    bw_arena_init(&a, 1 << 20);
    if (bw_store_open(db, &d, &s) || bw_store_pack_get(s, &d, &p)) {
        char buf[1024];
        fprintf(stderr, "cascade_bench: %s: %s\n", db, bw_diag_format(&d, buf, sizeof buf));
        return 1;
    }
    svc = bw_pack_services(p, &ns);
    if (strcmp(service_name, "all") != 0) {
        service = -1;
        for (size_t i = 0; i < ns; i++)
            if (strcmp(svc[i].id, service_name) == 0)
                service = (int)i;
        if (service < 0) {
            fprintf(stderr, "cascade_bench: unknown service '%s'\n", service_name);
            return 1;
        }
    }

    /* 1. Load into CSR. */
    t = now();
    if (bw_store_graph_load(s, p, &a, &data, &d)) {
        char buf[1024];
        fprintf(stderr, "cascade_bench: loading: %s\n", bw_diag_format(&d, buf, sizeof buf));
        return 1;
    }
    t_load = now() - t;
    t = now();
    if (bw_graph_new(data.n, (uint32_t)ns, data.supplies, data.population, data.deps,
                     data.ndeps, &d, &g)) {
        char buf[1024];
        fprintf(stderr, "cascade_bench: graph: %s\n", bw_diag_format(&d, buf, sizeof buf));
        return 1;
    }
    t_build = now() - t;
    for (uint32_t s_ = 0; s_ < ns; s_++)
        for (uint32_t x = 0; x < data.n; x++) {
            const uint32_t *tg, *via;
            nent += bw_graph_out(g, s_, x, &tg, &via);
        }
    printf("graph: %u sites, %zu deps, %zu CSR entries, %u redundancy groups, %zu services; "
           "graph %.1f MiB\n",
           data.n, data.ndeps, nent, bw_graph_groups(g), ns,
           (double)bw_graph_bytes(g) / 1048576.0);
    printf("load into CSR: bw_store_graph_load %.3f s + bw_graph_new %.3f s = %.3f s\n", t_load,
           t_build, t_load + t_build);
    result("sites", data.n);
    result("deps", (double)data.ndeps);
    result("load_s", t_load);
    result("build_s", t_build);
    result("csr_s", t_load + t_build);
    result("graph_mib", (double)bw_graph_bytes(g) / 1048576.0);

    /* 2. Baseline. */
    if (bw_cascade_new(g, &c)) {
        fprintf(stderr, "cascade_bench: out of memory\n");
        return 1;
    }
    t = now();
    bw_cascade_run(c, NULL, 0, service);
    t = now() - t;
    printf("baseline (%s): %.3f s, %u sites unserved with nothing removed\n", service_name, t,
           bw_cascade_baseline_unserved(c));
    result("baseline_s", t);
    result("baseline_unserved", bw_cascade_baseline_unserved(c));

    /* 3. One deterministic cascade. */
    if (remove_id) {
        int64_t k = bw_graph_data_find(&data, remove_id);
        if (k < 0) {
            fprintf(stderr, "cascade_bench: unknown site '%s'\n", remove_id);
            return 1;
        }
        v = (uint32_t)k;
    } else {
        size_t best = 0;
        for (uint32_t x = 0; x < data.n; x++) {
            size_t deg = 0;
            for (uint32_t s_ = 0; s_ < ns; s_++) {
                const uint32_t *tg, *via;
                if (service < 0 || (int)s_ == service)
                    deg += bw_graph_out(g, s_, x, &tg, &via);
            }
            if (deg > best) {
                best = deg;
                v = x;
            }
        }
        printf("high-degree site: %s (%s), %zu outgoing entries\n", data.ids[v],
               data.categories[v], best);
        result("remove_degree", (double)best);
    }
    {
        double *ts = calloc((size_t)repeat, sizeof *ts);
        const uint32_t *lost;
        size_t nlost = 0;
        if (!ts)
            return 1;
        for (int r = 0; r < repeat; r++) {
            t = now();
            bw_cascade_run(c, &v, 1, service);
            ts[r] = now() - t;
        }
        double first = ts[0];
        nlost = bw_cascade_lost(c, &lost);
        qsort(ts, (size_t)repeat, sizeof *ts, cmp_double);
        printf("cascade of %s (%s): %zu sites lost, population %.0f; first run %.2f ms, "
               "fastest %.2f ms, median %.2f ms of %d\n",
               data.ids[v], service_name, nlost, bw_cascade_population_lost(c), first * 1e3,
               ts[0] * 1e3, ts[repeat / 2] * 1e3, repeat);
        result("cascade_first_s", first);
        result("cascade_s", ts[repeat / 2]);
        result("cascade_min_s", ts[0]);
        result("cascade_lost", (double)nlost);
        result("cascade_pop", bw_cascade_population_lost(c));
        free(ts);
    }

    /* 4. Monte Carlo trials of the same attack. */
    if (trials > 0) {
        struct bw_timed_result tr;
        double median, sigma;
        bw_pack_restoration(p, data.categories[v], attack, &median, &sigma);
        t = now();
        if (bw_cascade_timed(c, &median, &sigma, (uint32_t)trials, seed, &tr)) {
            fprintf(stderr, "cascade_bench: timed cascade failed\n");
            return 1;
        }
        t = now() - t;
        printf("timed cascade: %ld trials in %.3f s (restoration median %.0f h, sigma %.2f); "
               "population-hours mean %.0f, P5 %.0f, P50 %.0f, P95 %.0f\n",
               trials, t, median, sigma, tr.pop_hours_mean, tr.pop_hours_p5, tr.pop_hours_p50,
               tr.pop_hours_p95);
        result("trials", (double)trials);
        result("timed_s", t);
    }
    bw_cascade_free(c);
    c = NULL;

    /* 5. The criticality sweep. */
    if (do_sweep) {
        struct sweep sw = {0};
        pthread_t tid;
        double el;
        sw.g = g;
        sw.service = service;
        sw.force = force;
        sw.threads = threads;
        sw.lost = calloc((size_t)data.n + 1, sizeof *sw.lost);
        sw.pop = calloc((size_t)data.n + 1, sizeof *sw.pop);
        if (!sw.lost || !sw.pop)
            return 1;
        atomic_init(&sw.done, 0);
        atomic_init(&sw.finished, 0);
        sw.t0 = sw.last_print = now();
        if (pthread_create(&tid, NULL, sweep_main, &sw) != 0)
            return 1;
        fflush(stdout);
        while (!atomic_load(&sw.finished) && now() - sw.t0 < sweep_limit)
            usleep(20000);
        el = now() - sw.t0;
        if (!atomic_load(&sw.finished)) {
            size_t done = atomic_load(&sw.done);
            double full = done ? el * (double)data.n / (double)done : 0;
            printf("sweep (%s, %u threads): STOPPED at the %.0f s limit after %zu of %u sites "
                   "(%.2f %%); extrapolated whole sweep %.0f s (%.1f h), %.2f ms per site per "
                   "thread\n",
                   service_name, threads, sweep_limit, done, data.n, 100.0 * done / data.n,
                   full, full / 3600, done ? el * threads * 1e3 / (double)done : 0.0);
            result("sweep_done", (double)done);
            result("sweep_elapsed_s", el);
            result("sweep_s", full);
            result("sweep_extrapolated", 1);
            fflush(stdout);
            fflush(stderr);
            _exit(0); /* the sweep threads are still running: do not wait for them */
        }
        pthread_join(tid, NULL);
        if (sw.rc) {
            fprintf(stderr, "cascade_bench: sweep failed (%d)\n", sw.rc);
            return 1;
        }
        {
            uint64_t sum = 0;
            uint32_t top = 0;
            for (uint32_t x = 0; x < data.n; x++) {
                sum += sw.lost[x];
                if (sw.lost[x] > sw.lost[top])
                    top = x;
            }
            printf("sweep (%s, %u threads, %s): %.3f s for %u sites; most critical %s "
                   "(%u sites lost); sum of sites lost %llu\n",
                   service_name, threads,
                   sw.method == BW_SWEEP_DOMINATORS ? "dominator tree" : "one cascade per site",
                   el, data.n, data.ids[top], sw.lost[top], (unsigned long long)sum);
        }
        result("sweep_s", el);
        result("sweep_extrapolated", 0);
        result("sweep_method", sw.method);
        if (sweep_out) {
            FILE *f = fopen(sweep_out, "w");
            if (!f)
                return 1;
            for (uint32_t x = 0; x < data.n; x++)
                fprintf(f, "%s\t%u\t%.0f\n", data.ids[x], sw.lost[x], sw.pop[x]);
            fclose(f);
        }
        free(sw.lost);
        free(sw.pop);
    }
    bw_graph_free(g);
    bw_graph_data_release(&data);
    bw_arena_release(&a);
    bw_pack_free(p);
    bw_store_close(s);
    return 0;
}
