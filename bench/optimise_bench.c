/*
 * optimise_bench.c — the portfolio optimiser against CBC on the same ILP, in one run
 * (bench/run-optimise.sh, bench/README.md "Portfolio").
 *
 * Generates a register of N sites × T threat types with a catalogue of M measures
 * (SplitMix64 from a seed, so every run sees the same instance): each measure acts on
 * a random third of the threat types with an effect of 0.05..0.6 and costs 1,000..500,000
 * capital and 0..100,000 a year; each site has a risk under each threat type drawn from
 * a heavy-tailed distribution (most small, a few large; a quarter zero) and a random
 * fifth of the measures already in place. Then:
 *   1. builds the options and solves with bw_portfolio_new + bw_portfolio_solve, timed
 *      (wall clock, CLOCK_MONOTONIC);
 *   2. writes the same problem as an LP file (bw_portfolio_write_lp) and runs
 *      `cbc FILE timeMode elapsed sec LIMIT solve solu SOL` as a subprocess (the limit
 *      in wall-clock seconds from CBC's start), timed the same way;
 *   3. reads CBC's objective from the first line of its solution file
 *      ("Optimal - objective value X" or "Stopped on time - objective value X") and
 *      prints both objectives, times and ratios, and our LP upper bound. CBC's own
 *      output goes to LPFILE.cbc.log.
 * Usage: optimise_bench N M T BUDGET YEARLY CBC_SECONDS LPFILE [SEED]; CBC_SECONDS 0
 * runs bulwark's side only. Wall and CPU times are both printed: on a shared machine the
 * CPU seconds say more about the code.
 */
#include "buf.h"
#include "error.h"
#include "portfolio.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(rng(s) >> 11) * 0x1.0p-53;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int parse_num(const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    return *v == '\0' || *end != '\0' || !isfinite(*out);
}

int main(int argc, char **argv)
{
    double n_d, m_d, t_d, budget, yearly, cbc_sec, seed_d = 1;
    size_t ns, nm, nt;
    double *risk, *effect, *cap, *yr;
    uint64_t *in_place, *chosen, st;
    bw_portfolio *p = NULL;
    struct bw_portfolio_options o = {0};
    struct bw_portfolio_instance in;
    struct bw_portfolio_result r;
    struct bw_diag d;
    struct bw_buf b;
    double t0, t_build, t_solve, t_cbc, cbc_obj = NAN, c_build, c_solve, c_gen;
    char cmd_sec[32], sol[4096], line[512];
    FILE *f;
    pid_t pid;
    int status;

    if (argc < 8 || parse_num(argv[1], &n_d) || parse_num(argv[2], &m_d) ||
        parse_num(argv[3], &t_d) || parse_num(argv[4], &budget) ||
        parse_num(argv[5], &yearly) || parse_num(argv[6], &cbc_sec) ||
        (argc > 8 && parse_num(argv[8], &seed_d)) || m_d > 64 || t_d > 64 || n_d < 1) {
        fprintf(stderr, "usage: optimise_bench N M T BUDGET YEARLY CBC_SECONDS LPFILE [SEED]\n");
        return 2;
    }
    ns = (size_t)n_d;
    nm = (size_t)m_d;
    nt = (size_t)t_d;
    st = (uint64_t)seed_d;
    risk = malloc(ns * nt * sizeof *risk);
    effect = calloc(nm * nt, sizeof *effect);
    cap = malloc(nm * sizeof *cap);
    yr = malloc(nm * sizeof *yr);
    in_place = calloc(ns, sizeof *in_place);
    chosen = calloc(ns, sizeof *chosen);
    if (!risk || !effect || !cap || !yr || !in_place || !chosen)
        return 1;
    for (size_t m = 0; m < nm; m++) {
        for (size_t k = 0; k < nt; k++)
            if (rng(&st) % 3 == 0)
                effect[m * nt + k] = 0.05 + 0.55 * unif(&st);
        cap[m] = 1000 + 499000 * unif(&st) * unif(&st);
        yr[m] = 100000 * unif(&st) * unif(&st);
    }
    for (size_t s = 0; s < ns; s++) {
        for (size_t k = 0; k < nt; k++)
            /* Heavy tail: exp of a uniform over 0..12, a quarter zero. */
            risk[s * nt + k] = rng(&st) % 4 == 0 ? 0 : exp(12 * unif(&st) * unif(&st)) * 10;
        for (size_t m = 0; m < nm; m++)
            if (rng(&st) % 5 == 0)
                in_place[s] |= 1ull << m;
    }
    c_gen = (double)clock() / CLOCKS_PER_SEC;
    in = (struct bw_portfolio_instance){.nsites = ns, .nthreats = nt, .nmeasures = nm,
                                        .risk = risk, .effect = effect, .capital = cap,
                                        .yearly = yr, .in_place = in_place};
    o.budget = budget;
    o.yearly = yearly;
    o.exact_max_options = 1; /* heuristic only: the exact search is for small instances */
    bw_diag_clear(&d);
    t0 = now();
    if (bw_portfolio_new(&in, &o, &d, &p)) {
        fprintf(stderr, "optimise_bench: %s\n", d.msg);
        return 1;
    }
    t_build = now() - t0;
    c_build = (double)clock() / CLOCKS_PER_SEC;
    t0 = now();
    if (bw_portfolio_solve(p, budget, yearly, chosen, &r, &d)) {
        fprintf(stderr, "optimise_bench: %s\n", d.msg);
        return 1;
    }
    t_solve = now() - t0;
    c_solve = (double)clock() / CLOCKS_PER_SEC - c_build;
    printf("instance: %zu sites x %zu measures x %zu threat types, %zu options (ILP columns), "
           "budget %.0f, yearly %.0f\n",
           ns, nm, nt, bw_portfolio_noptions(p), budget, yearly);
    printf("bulwark: objective %.6f  build %.3f s  solve %.3f s  total %.3f s wall "
           "(CPU: generation %.3f s, build %.3f s, solve %.3f s)  LP bound %.6f (gap <= %.4f %%)"
           "  %zu sites, %zu measures\n",
           r.benefit, t_build, t_solve, t_build + t_solve, c_gen, c_build - c_gen, c_solve,
           r.upper_bound, 100 * (r.upper_bound - r.benefit) / r.upper_bound, r.sites,
           r.measures);
    fflush(stdout);
    if (cbc_sec <= 0) /* our side only */
        return 0;

    bw_buf_init(&b, (size_t)1 << 36);
    if (bw_portfolio_write_lp(p, budget, yearly, &b) || !(f = fopen(argv[7], "w")) ||
        fwrite(bw_buf_cstr(&b), 1, b.len, f) != b.len || fclose(f)) {
        fprintf(stderr, "optimise_bench: cannot write %s\n", argv[7]);
        return 1;
    }
    printf("lp file: %s, %.1f MiB\n", argv[7], (double)b.len / 1048576);
    bw_buf_release(&b);
    fflush(stdout);

    snprintf(cmd_sec, sizeof cmd_sec, "%g", cbc_sec);
    snprintf(sol, sizeof sol, "%s.sol", argv[7]);
    unlink(sol);
    t0 = now();
    if ((pid = fork()) == 0) {
        char log[4096];
        snprintf(log, sizeof log, "%s.cbc.log", argv[7]);
        if (!freopen(log, "w", stdout))
            _exit(127);
        /* The limit in wall-clock seconds from CBC's start (reading the file included),
         * so a run on a shared machine ends on time; CBC's default counts CPU seconds. */
        execlp("cbc", "cbc", argv[7], "timeMode", "elapsed", "sec", cmd_sec, "solve", "solu",
               sol, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "optimise_bench: cannot run cbc\n");
        return 1;
    }
    t_cbc = now() - t0;
    if ((f = fopen(sol, "r"))) {
        if (fgets(line, sizeof line, f)) {
            char *v = strstr(line, "objective value");
            if (v)
                cbc_obj = strtod(v + strlen("objective value"), NULL);
            line[strcspn(line, "\n")] = '\0';
        }
        fclose(f);
    } else
        snprintf(line, sizeof line, "(no solution file)");
    printf("cbc: objective %.6f  time %.3f s (limit %g s)  status \"%s\"\n", cbc_obj, t_cbc,
           cbc_sec, line);
    if (strstr(line, "no integer solution"))
        printf("note: CBC found no integer solution within its limit; its objective above is "
               "the LP relaxation, an upper bound, not a portfolio\n");
    printf("ratios: objective bulwark/cbc %.5f  time bulwark/cbc %.5f (%.2f %%)\n",
           r.benefit / cbc_obj, (t_build + t_solve) / t_cbc,
           100 * (t_build + t_solve) / t_cbc);
    bw_portfolio_free(p);
    free(risk);
    free(effect);
    free(cap);
    free(yr);
    free(in_place);
    free(chosen);
    return 0;
}
