/*
 * cmd_assess.c — `bulwark assess` (run the national risk assessment and keep it) and
 * `bulwark explain` (every factor of one site × threat type, with its source).
 *
 * assess prints the run id, what it read, how long it took, whether the inputs are the
 * same as the previous run's, and the top of the register; the register itself is read
 * with `bulwark risks`. explain recomputes one site × threat from the current register
 * (the engine's deterministic values are exactly those of a run on the same inputs) and
 * says so when the register changed since the run it is compared with.
 */
#include "arena.h"
#include "assess.h"
#include "cli.h"
#include "riskparams.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char assess_usage[] =
    "usage: bulwark assess [--seed N] [--trials N] [--threads N] [--date YYYY-MM-DD]\n"
    "                      [--no-cascade] [--top N] [--json] [--db FILE]\n\n"
    "Runs the common risk assessment over the whole register: for every site and threat\n"
    "type, the likelihood of an attempt T (threat level in force x attractiveness), the\n"
    "vulnerability V (probability of success, reduced by the measures in place), the\n"
    "consequence C (fatalities, injuries, service outage through dependencies, economic\n"
    "loss, symbolic value, weighted) and risk = T x V x C, with Monte Carlo percentiles\n"
    "over the input ranges. The run is kept with the hash of its inputs, the pack\n"
    "version, the seed and its timing; read it with `bulwark risks`, compare runs with\n"
    "`bulwark runs diff`. The same seed gives the same register whatever the threads.\n\n"
    "  --seed N       random seed (default 1)\n"
    "  --trials N     Monte Carlo trials per site and threat type (default 100; 0 = none)\n"
    "  --threads N    worker threads (default: all CPUs)\n"
    "  --date D       read the threat levels in force on this day (default: today, UTC)\n"
    "  --no-cascade   leave out outages through dependencies (the site's own only)\n"
    "  --top N        rows of the register to print (default 10)\n"
    "  --json         machine-readable output: the run and the top rows\n";

static const char explain_usage[] =
    "usage: bulwark explain SITE THREAT [--run ID] [--date YYYY-MM-DD] [--json] [--db FILE]\n\n"
    "Shows every factor of the risk of SITE under threat type THREAT: its value, unit and\n"
    "the pack entry (or computation) it comes from, then T, V, C and risk. The factors are\n"
    "computed from the current register with the threat levels of the run's day and its\n"
    "choice of cascade (the latest run, or --run; --date without runs); when the\n"
    "register changed since that run, explain says so and shows the run's stored risk.\n\n"
    "  --run ID    compare with this run (an id, latest or previous)\n"
    "  --date D    the day of the threat levels (default: the run's, else today)\n"
    "  --json      machine-readable output\n";

static int parse_u64(const char *v, uint64_t *out, uint64_t max)
{
    char *end;
    unsigned long long n;

    if (*v == '\0' || *v == '-')
        return -1;
    n = strtoull(v, &end, 10);
    if (*end != '\0' || n > max)
        return -1;
    *out = n;
    return 0;
}

struct top_ctx {
    json_t *rows;
    size_t n;
};

static int on_top(void *ud, const struct bw_risk_row *r)
{
    struct top_ctx *x = ud;

    x->n++;
    if (x->rows)
        return json_array_append_new(
                   x->rows, json_pack("{s:I,s:s,s:s,s:f,s:f,s:f,s:f,s:o,s:o,s:f}", "rank",
                                      (json_int_t)x->n, "site", r->site, "threat", r->threat,
                                      "likelihood", r->likelihood, "vulnerability",
                                      r->vulnerability, "consequence", r->consequence, "risk",
                                      r->risk, "risk_p5", cli_num(r->risk_p5), "risk_p95",
                                      cli_num(r->risk_p95),
                                      "fatalities", r->fatalities))
                   ? BW_ENOMEM
                   : 0;
    printf("%4zu  %-24s %-20s %8.2e %5.3f %10.3e %10.3e  [%9.2e .. %9.2e]\n", x->n, r->site,
           r->threat, r->likelihood, r->vulnerability, r->consequence, r->risk, r->risk_p5,
           r->risk_p95);
    return 0;
}

struct total_ctx {
    double risk;
};

static int on_total(void *ud, const struct bw_risk_row *r)
{
    ((struct total_ctx *)ud)->risk += r->risk;
    return 0;
}

int cmd_assess(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"seed", required_argument, NULL, 's'},
                                         {"trials", required_argument, NULL, 't'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"date", required_argument, NULL, 'd'},
                                         {"no-cascade", no_argument, NULL, 'n'},
                                         {"top", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_assess_options o = {1, 100, 0, NULL, 0, NULL, NULL};
    const char *db = NULL;
    uint64_t v, top = 10;
    int json = 0, c, rc;
    struct bw_assess_run run, prev;
    struct bw_arena a;
    struct bw_diag d;
    struct top_ctx tx = {NULL, 0};
    struct total_ctx tot = {0};
    struct bw_risk_query q = {0};
    int have_prev;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 's':
            if (parse_u64(optarg, &o.seed, UINT64_MAX))
                return cli_usage(assess_usage, "--seed takes a whole number");
            break;
        case 't':
            if (parse_u64(optarg, &v, 1000000))
                return cli_usage(assess_usage, "--trials takes a whole number up to 1000000");
            o.trials = (uint32_t)v;
            break;
        case 'j':
            if (parse_u64(optarg, &v, 256) || v == 0)
                return cli_usage(assess_usage, "--threads takes a number from 1 to 256");
            o.threads = (unsigned)v;
            break;
        case 'd': o.date = optarg; break;
        case 'n': o.no_cascade = 1; break;
        case 'k':
            if (parse_u64(optarg, &top, 1000000))
                return cli_usage(assess_usage, "--top takes a whole number");
            break;
        case 'h': return cli_help(assess_usage);
        default: return cli_usage(assess_usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(assess_usage, "assess takes no arguments");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    o.progress = cli_progress_stage;
    have_prev = bw_store_assess_run(s, 0, &a, &prev) == BW_OK;
    if ((rc = bw_assess_run(s, p, &o, &a, &run, &d))) {
        rc = cli_fail(&d);
        goto out;
    }
    q.run = run.id;
    bw_store_risks_each(s, &q, on_total, &tot);
    q.limit = (size_t)top;
    if (json) {
        json_t *o_run = cli_run_json(&run);
        tx.rows = json_array();
        if (top)
            bw_store_risks_each(s, &q, on_top, &tx);
        json_object_set_new(o_run, "national_risk", json_real(tot.risk));
        json_object_set_new(o_run, "same_inputs_as_previous",
                            json_boolean(have_prev &&
                                         strcmp(prev.inputs_hash, run.inputs_hash) == 0));
        rc = cli_json_print(json_pack("{s:o,s:o}", "run", o_run, "top", tx.rows));
        goto out;
    }
    printf("Assessment run %" PRId64 ": %" PRId64 " sites x %" PRId64
           " threat types, %" PRId64 " trials, seed %" PRIu64 ", threat levels of %s\n"
           "  pack %s %s, inputs %s%s, %.2f s\n"
           "  national risk (sum of T x V x C): %.4g %s a year\n",
           run.id, run.sites, run.threats, run.trials, run.seed, run.date, run.pack_id,
           run.pack_version, run.inputs_hash,
           have_prev && strcmp(prev.inputs_hash, run.inputs_hash) == 0
               ? " (same as the previous run)"
               : "",
           run.elapsed_s, tot.risk, bw_pack_riskparams(p)->currency);
    if (top) {
        printf("\nTop %" PRIu64 " (bulwark risks --run %" PRId64 " for the register):\n%4s  "
               "%-24s %-20s %8s %5s %10s %10s  %-24s\n",
               top, run.id, "rank", "site", "threat", "T", "V", "C", "risk", "[P5 .. P95]");
        bw_store_risks_each(s, &q, on_top, &tx);
    }
    rc = 0;
out:
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}

/* ---- explain ----------------------------------------------------------------------- */

struct stored_ctx {
    struct bw_risk_row row;
    int found;
};

static int on_stored(void *ud, const struct bw_risk_row *r)
{
    struct stored_ctx *x = ud;
    x->row = *r;
    x->found = 1;
    return 1; /* strings are not kept: only the numbers are used */
}

int cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"run", required_argument, NULL, 'r'},
                                         {"date", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_assess_options o = {1, 0, 1, NULL, 0, NULL, NULL};
    const char *db = NULL, *site, *threat;
    int json = 0, c, rc, have_run = 0, run_given = 0, changed = 0;
    int64_t run_name = 0, si = -1, ti = -1;
    struct bw_assess_run run;
    struct bw_assess_inputs in;
    struct bw_risk_explanation ex;
    struct stored_ctx st = {0};
    struct bw_arena a;
    struct bw_diag d;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'r':
            if (cli_parse_run(optarg, &run_name))
                return cli_usage(explain_usage, "--run takes a run id, latest or previous");
            run_given = 1;
            break;
        case 'd': o.date = optarg; break;
        case 'h': return cli_help(explain_usage);
        default: return cli_usage(explain_usage, "unknown option");
        }
    }
    if (optind + 2 != argc)
        return cli_usage(explain_usage, "explain takes a site and a threat type");
    site = argv[optind];
    threat = argv[optind + 1];
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    memset(&in, 0, sizeof in);
    if (run_given) {
        if ((rc = cli_load_run(s, run_name, &a, &run)))
            goto out;
        have_run = 1;
    } else {
        have_run = bw_store_assess_run(s, 0, &a, &run) == BW_OK;
    }
    if (have_run && !o.date)
        o.date = run.date;
    if (have_run)
        o.no_cascade = !run.cascade;
    if (bw_assess_load(s, p, &o, &in, &d)) {
        rc = cli_fail(&d);
        goto out;
    }
    si = bw_assess_site_index(&in, site);
    for (size_t t = 0; t < in.nthreats; t++)
        if (strcmp(in.threats[t].id, threat) == 0)
            ti = (int64_t)t;
    if (si < 0) {
        rc = cli_failf("no site '%s' in the register", site);
        goto out;
    }
    if (ti < 0) {
        rc = cli_failf("no threat type '%s' in the pack (see `bulwark threats list`)", threat);
        goto out;
    }
    if (bw_risk_explain(bw_pack_riskparams(p), &in.in, (size_t)si, (size_t)ti, &ex, &d)) {
        rc = cli_fail(&d);
        goto out;
    }
    if (have_run) {
        struct bw_risk_query q = {run.id, site, threat, 1};
        bw_store_risks_each(s, &q, on_stored, &st);
        changed = strcmp(run.inputs_hash, in.hash) != 0;
    }
    if (json) {
        json_t *f = json_array(), *o2;
        for (size_t i = 0; i < ex.n; i++)
            json_array_append_new(f, json_pack("{s:s,s:s?,s:f,s:s?,s:s?}", "name", ex.f[i].name,
                                               "detail", ex.f[i].detail, "value",
                                               isfinite(ex.f[i].value) ? ex.f[i].value : 0.0,
                                               "unit", ex.f[i].unit, "source", ex.f[i].source));
        o2 = json_pack("{s:s,s:s,s:s,s:s,s:o,s:f,s:f,s:f,s:f,s:f,s:{s:f,s:f,s:f,s:f,s:f}}",
                       "site", site, "threat", threat, "threat_levels_of", in.date,
                       "inputs_hash", in.hash, "factors", f, "likelihood", ex.r.t,
                       "vulnerability", ex.r.v, "consequence", ex.r.c, "risk", ex.r.risk,
                       "conditional_risk", ex.conditional_risk, "consequences", "fatalities",
                       ex.r.fatalities, "injuries", ex.r.injuries, "outage_population_hours",
                       ex.r.outage_ph, "economic", ex.r.economic, "symbolic", ex.symbolic);
        if (have_run) {
            json_object_set_new(o2, "run", json_integer(run.id));
            json_object_set_new(o2, "register_changed_since_run", json_boolean(changed));
            if (st.found)
                json_object_set_new(o2, "run_risk", json_real(st.row.risk));
        }
        rc = cli_json_print(o2);
        goto out;
    }
    printf("Risk of %s under %s (threat levels of %s)\n\n", site, threat, in.date);
    {
        /* Sources are long: each distinct one is printed once, as a numbered note. */
        const char *notes[BW_RISK_EXPLAIN_MAX];
        size_t nnotes = 0, k;
        printf("  %-38s %-22s %14s  %-18s %s\n", "factor", "detail", "value", "unit", "source");
        for (size_t i = 0; i < ex.n; i++) {
            const char *src = ex.f[i].source ? ex.f[i].source : "";
            for (k = 0; k < nnotes && strcmp(notes[k], src) != 0; k++)
                ;
            if (k == nnotes)
                notes[nnotes++] = src;
            printf("  %-38s %-22s %14.6g  %-18s [%zu]\n", ex.f[i].name,
                   ex.f[i].detail ? ex.f[i].detail : "", ex.f[i].value,
                   ex.f[i].unit ? ex.f[i].unit : "", k + 1);
        }
        printf("\n");
        for (k = 0; k < nnotes; k++)
            printf("  [%zu] %s\n", k + 1, notes[k]);
    }
    printf("\n  T (likelihood of an attempt in a year)  %.6g\n"
           "  V (probability of success)              %.6g\n"
           "  C (weighted consequence, %s)           %.6g\n"
           "  risk = T x V x C                        %.6g %s a year\n"
           "  conditional risk (T = 1) = V x C        %.6g\n",
           (double)ex.r.t, (double)ex.r.v, bw_pack_riskparams(p)->currency, (double)ex.r.c,
           (double)ex.r.risk, bw_pack_riskparams(p)->currency, ex.conditional_risk);
    if (have_run && changed)
        printf("\nThe register changed since run %" PRId64 " (inputs %s, now %s): the factors "
               "above are today's; the run recorded risk %.6g.\n",
               run.id, run.inputs_hash, in.hash, st.found ? st.row.risk : 0.0);
    else if (have_run)
        printf("\nSame inputs as run %" PRId64 ", which recorded risk %.6g.\n", run.id,
               st.found ? st.row.risk : 0.0);
    rc = 0;
out:
    bw_assess_inputs_release(&in);
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}
