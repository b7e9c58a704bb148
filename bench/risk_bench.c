/*
 * risk_bench.c — times the risk engine (bw_risk_run) on a generated register.
 *
 * Reads the methodology pack from PACK_DIR (bw_pack_read_dir, bw_pack_parse: the "risk",
 * "threats" and "measures" parts), then DATA_DIR/levels.csv and DATA_DIR/sites.csv as
 * written by bench/risk_gen.py, and fills the engine's flat inputs the way the store
 * glue does: class and tier indices of the risk part, the rank in force per site ×
 * threat (from the site's region), measures in place as offsets into one array. It then
 * times one bw_risk_run over every site × threat type with --trials Monte Carlo trials on
 * --threads threads, and prints "RESULT key value" lines (bench/run-risk.sh reads them):
 * sites, threats, trials, threads, load_s (reading and filling), assess_s (the run,
 * wall clock), assess_cpu_s (its CPU time, all threads),
 * evaluations per second, the national sums of deterministic risk and of P50 risk, and
 * the result array's size. With --sample-out it writes every --sample-step-th site's
 * results (all threats) as TSV, for bench/risk_numpy.py --check.
 *
 * usage: risk_bench PACK_DIR DATA_DIR [--threads N] [--trials N] [--seed N]
 *                   [--sample-step K] [--sample-out FILE]
 *   defaults: --threads 2 --trials 100 --seed 1 --sample-step 1000
 */
#include "alloc.h"
#include "error.h"
#include "pack.h"
#include "risk.h"
#include "riskparams.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void result(const char *key, double v)
{
    printf("RESULT %s %.6g\n", key, v);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long len;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    b = malloc((size_t)len + 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[len] = 0;
        *n = (size_t)len;
    }
    return b;
}

/* Splits the line at *p into up to max fields (modified in place: commas become NULs);
 * advances *p past the newline. Returns the number of fields. */
static int split(char **p, char **f, int max)
{
    char *s = *p;
    int n = 0;
    f[n++] = s;
    while (*s && *s != '\n') {
        if (*s == ',' && n < max) {
            *s = 0;
            f[n++] = s + 1;
        }
        s++;
    }
    if (s > *p && s[-1] == '\r')
        s[-1] = 0;
    if (*s == '\n')
        *s++ = 0;
    *p = s;
    return n;
}

static double num(const char *s)
{
    char *e;
    double v = strtod(s, &e);
    return e == s ? NAN : v;
}

#define MAX_CLASSES 256
#define MAX_REGIONS 64

int main(int argc, char **argv)
{
    const char *packdir = NULL, *datadir = NULL, *sample_out = NULL;
    unsigned threads = 2;
    unsigned long trials = 100, seed = 1, step = 1000;
    struct bw_diag d;
    char *text = NULL, *sites_txt = NULL, *levels_txt = NULL, path[4096], *p, *f[16];
    bw_pack *pack = NULL;
    const struct bw_riskparams *rp;
    struct bw_risk_threat th[BW_RISK_MAX_THREATS];
    struct bw_risk_measure ms[256];
    size_t nth = 0, nms = 0, n = 0, len, cap_sm = 0, nsm = 0;
    const char *cls_names[MAX_CLASSES];
    uint32_t cls_idx[MAX_CLASSES];
    size_t ncls = 0;
    uint8_t levels[MAX_REGIONS][BW_RISK_MAX_THREATS];
    struct bw_risk_site *sites = NULL;
    uint8_t *rank = NULL;
    uint32_t *off = NULL;
    struct bw_risk_site_measure *sm = NULL;
    struct bw_risk_result *out = NULL;
    struct bw_risk_input in;
    struct bw_risk_options o;
    double t0, c0, t_load, t_run, c_run, sum = 0, sum50 = 0;
    char msg[1024];

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--trials") && i + 1 < argc)
            trials = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--sample-step") && i + 1 < argc)
            step = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--sample-out") && i + 1 < argc)
            sample_out = argv[++i];
        else if (!packdir)
            packdir = argv[i];
        else if (!datadir)
            datadir = argv[i];
        else {
            fprintf(stderr, "risk_bench: unexpected argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!packdir || !datadir || step == 0) {
        fprintf(stderr, "usage: risk_bench PACK_DIR DATA_DIR [--threads N] [--trials N] "
                        "[--seed N] [--sample-step K] [--sample-out FILE]\n");
        return 2;
    }
    t0 = now();
    bw_diag_clear(&d);
    if (bw_pack_read_dir(packdir, &d, &text) || bw_pack_parse(text, strlen(text), &d, &pack)) {
        fprintf(stderr, "risk_bench: %s\n", bw_diag_format(&d, msg, sizeof msg));
        return 1;
    }
    rp = bw_pack_riskparams(pack);
    if (!rp || bw_risk_threats_from_pack(pack, th, BW_RISK_MAX_THREATS, &nth) ||
        bw_risk_measures_from_pack(pack, th, nth, ms, 256, &nms)) {
        fprintf(stderr, "risk_bench: the pack lacks risk, threats or measures\n");
        return 1;
    }
    /* levels.csv: region,threat,rank */
    memset(levels, 2, sizeof levels);
    snprintf(path, sizeof path, "%s/levels.csv", datadir);
    if (!(levels_txt = slurp(path, &len))) {
        fprintf(stderr, "risk_bench: cannot read %s\n", path);
        return 1;
    }
    p = levels_txt;
    split(&p, f, 16);
    while (*p) {
        if (split(&p, f, 16) == 3) {
            long r = strtol(f[0], NULL, 10);
            for (size_t k = 0; k < nth; k++)
                if (r >= 0 && r < MAX_REGIONS && !strcmp(th[k].id, f[1]))
                    levels[r][k] = (uint8_t)strtol(f[2], NULL, 10);
        }
    }
    /* sites.csv */
    snprintf(path, sizeof path, "%s/sites.csv", datadir);
    if (!(sites_txt = slurp(path, &len))) {
        fprintf(stderr, "risk_bench: cannot read %s\n", path);
        return 1;
    }
    for (size_t i = 0; i < len; i++)
        n += sites_txt[i] == '\n';
    sites = calloc(n, sizeof *sites);
    rank = malloc(n * nth);
    off = calloc(n + 1, sizeof *off);
    cap_sm = n * 2 + 16;
    sm = malloc(cap_sm * sizeof *sm);
    if (!sites || !rank || !off || !sm) {
        fprintf(stderr, "risk_bench: out of memory\n");
        return 1;
    }
    p = sites_txt;
    split(&p, f, 16);
    n = 0;
    while (*p) {
        struct bw_risk_site *s = &sites[n];
        size_t c;
        long region;
        int tier;
        char *m;
        if (split(&p, f, 16) != 10)
            continue;
        for (c = 0; c < ncls; c++)
            if (!strcmp(cls_names[c], f[0]))
                break;
        if (c == ncls) {
            if (ncls == MAX_CLASSES) {
                fprintf(stderr, "risk_bench: too many classes\n");
                return 1;
            }
            cls_names[ncls] = f[0];
            cls_idx[ncls++] = (uint32_t)bw_riskparams_class_for(rp, pack, f[0]);
        }
        s->cls = cls_idx[c];
        tier = bw_riskparams_tier_index(rp, strcmp(f[1], "none") ? f[1] : NULL);
        s->tier = (uint32_t)(tier < 0 ? 0 : tier);
        s->capacity = (float)num(f[2]);
        s->area_m2 = (float)num(f[3]);
        s->police_m = *f[4] ? (float)num(f[4]) : NAN;
        s->outage_lo = (float)num(f[5]);
        s->outage_mode = (float)num(f[6]);
        s->outage_hi = (float)num(f[7]);
        region = strtol(f[8], NULL, 10);
        if (region < 0 || region >= MAX_REGIONS)
            region = 0;
        memcpy(&rank[n * nth], levels[region], nth);
        off[n] = (uint32_t)nsm;
        for (m = f[9]; *m;) {
            char *colon = strchr(m, ':'), *semi;
            if (!colon)
                break;
            *colon = 0;
            semi = strchr(colon + 1, ';');
            if (semi)
                *semi = 0;
            for (size_t j = 0; j < nms; j++)
                if (!strcmp(ms[j].id, m)) {
                    if (nsm == cap_sm) {
                        cap_sm *= 2;
                        sm = realloc(sm, cap_sm * sizeof *sm);
                        if (!sm)
                            return 1;
                    }
                    sm[nsm++] = (struct bw_risk_site_measure){(uint32_t)j, (float)num(colon + 1)};
                }
            m = semi ? semi + 1 : colon + 1 + strlen(colon + 1);
        }
        n++;
    }
    off[n] = (uint32_t)nsm;
    out = malloc(n * nth * sizeof *out);
    if (!out) {
        fprintf(stderr, "risk_bench: out of memory for %zu results\n", n * nth);
        return 1;
    }
    t_load = now() - t0;
    in = (struct bw_risk_input){sites, n, th, nth, rank, ms, nms, off, sm};
    o = (struct bw_risk_options){.seed = seed, .trials = (uint32_t)trials, .threads = threads};
    t0 = now();
    c0 = cpu_now();
    if (bw_risk_run(rp, &in, &o, out, &d)) {
        fprintf(stderr, "risk_bench: %s\n", bw_diag_format(&d, msg, sizeof msg));
        return 1;
    }
    t_run = now() - t0;
    c_run = cpu_now() - c0;
    for (size_t i = 0; i < n * nth; i++) {
        sum += out[i].risk;
        sum50 += out[i].risk_p50;
    }
    printf("risk_bench: %zu sites x %zu threat types x %lu trials on %u threads: %.2f s "
           "(load %.2f s)\n", n, nth, trials, threads, t_run, t_load);
    result("sites", (double)n);
    result("threats", (double)nth);
    result("measures_in_place", (double)nsm);
    result("trials", (double)trials);
    result("threads", threads);
    result("load_s", t_load);
    result("assess_s", t_run);
    result("assess_cpu_s", c_run);
    result("evals_per_s", (double)n * (double)nth * (double)(trials ? trials : 1) / t_run);
    result("sum_risk", sum);
    result("sum_risk_p50", sum50);
    result("result_mib", (double)(n * nth * sizeof *out) / 1048576.0);
    if (sample_out) {
        FILE *so = fopen(sample_out, "w");
        if (!so)
            return 1;
        fprintf(so, "site\tthreat\tt\tv\tc\trisk\tfatalities\tinjuries\toutage_ph\teconomic\t"
                    "risk_p5\trisk_p50\trisk_p95\tfat_p5\tfat_p50\tfat_p95\n");
        for (size_t s = 0; s < n; s += step)
            for (size_t k = 0; k < nth; k++) {
                const struct bw_risk_result *r = &out[s * nth + k];
                fprintf(so, "%zu\t%s\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g"
                            "\t%.9g\t%.9g\t%.9g\t%.9g\n",
                        s, th[k].id, r->t, r->v, r->c, r->risk, r->fatalities, r->injuries,
                        r->outage_ph, r->economic, r->risk_p5, r->risk_p50, r->risk_p95,
                        r->fat_p5, r->fat_p50, r->fat_p95);
            }
        fclose(so);
    }
    free(out);
    free(sites);
    free(rank);
    free(off);
    free(sm);
    free(sites_txt);
    free(levels_txt);
    bw_pack_free(pack);
    bw_free(text);
    return 0;
}
