/*
 * cmd_risks.c — reading the national risk register: `bulwark risks` (the rows of a
 * run, highest risk first, as a table, JSON or CSV) and `bulwark runs` (the runs kept,
 * and what changed between two of them).
 *
 * Everything here reads what `bulwark assess` stored; nothing is recomputed. A run is
 * named by its id, or "latest" / "previous" (also 0 / -1).
 */
#include "arena.h"
#include "cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char risks_usage[] =
    "usage: bulwark risks [--run ID] [--top N] [--site ID] [--threat T] [--json|--csv]\n"
    "                     [--db FILE]\n\n"
    "Prints the national risk register of an assessment run (default: the latest), one\n"
    "row per site and threat type, highest risk first: likelihood of an attempt T,\n"
    "vulnerability V, consequence score C, risk = T x V x C with its Monte Carlo P5-P95,\n"
    "conditional risk (T = 1) and the expected fatalities of a successful attack.\n\n"
    "  --run ID     a run id, or latest, or previous\n"
    "  --top N      only the N highest rows (default 20 in the table, all with --json\n"
    "               or --csv, --site or --threat)\n"
    "  --site ID    only this site\n"
    "  --threat T   only this threat type\n"
    "  --json       machine-readable output: {\"run\":..., \"risks\":[...]}\n"
    "  --csv        RFC 4180 CSV with a header line\n";

static const char runs_usage[] =
    "usage: bulwark runs list [--json] [--db FILE]\n"
    "       bulwark runs diff A B [--top N] [--json] [--db FILE]\n\n"
    "list  the assessment runs kept, newest first: when, pack version, hash of the\n"
    "      inputs, seed, trials, threads, size and time taken\n"
    "diff  what changed from run A to run B (ids, or latest/previous): every site and\n"
    "      threat type whose risk changed, largest change first, with its rank in each\n"
    "      run; rows present in one run only are shown as added or removed\n\n"
    "  --top N   at most N changes (default 20 in text, all with --json)\n"
    "  --json    machine-readable output\n";

/* Parses a run name into an id for bw_store_assess_run (0 latest, -1 previous). */
int cli_parse_run(const char *v, int64_t *out)
{
    char *end;
    long long n;

    if (strcmp(v, "latest") == 0) {
        *out = 0;
        return 0;
    }
    if (strcmp(v, "previous") == 0) {
        *out = -1;
        return 0;
    }
    n = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < -1)
        return -1;
    *out = n;
    return 0;
}

static int parse_count(const char *v, size_t *out)
{
    char *end;
    long long n = strtoll(v, &end, 10);

    if (*v == '\0' || *end != '\0' || n < 1)
        return -1;
    *out = (size_t)n;
    return 0;
}

/* Resolves @p name to a stored run (strings in @p a); prints the error. */
int cli_load_run(bw_store *s, int64_t name, struct bw_arena *a, struct bw_assess_run *run)
{
    int rc = bw_store_assess_run(s, name, a, run);

    if (rc == BW_ENOTFOUND) {
        if (name > 0)
            return cli_failf("no assessment run %" PRId64 " (see `bulwark runs list`)", name);
        return cli_failf("no %sassessment run yet (run `bulwark assess`)",
                         name < 0 ? "previous " : "");
    }
    if (rc)
        return cli_failf("reading the assessment runs: %s", bw_strerror(rc));
    return 0;
}

json_t *cli_run_json(const struct bw_assess_run *r)
{
    char seed[24];

    snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:s?}", "id",
                     (json_int_t)r->id, "at", r->at, "pack", r->pack_id, "pack_version",
                     r->pack_version, "pack_hash", r->pack_hash, "inputs_hash", r->inputs_hash,
                     "threat_levels_of", r->date, "cascade", r->cascade ? "yes" : "no",
                     "seed", seed, "trials", (json_int_t)r->trials, "threads",
                     (json_int_t)r->threads, "sites", (json_int_t)r->sites, "threats",
                     (json_int_t)r->threats, "elapsed_s", r->elapsed_s, "note", r->note);
}

/* ---- risks ------------------------------------------------------------------------ */

enum out_mode { OUT_TABLE, OUT_JSON, OUT_CSV };

struct risks_ctx {
    enum out_mode mode;
    json_t *rows;
    size_t n;
};

/* CSV field: quoted only when needed (RFC 4180). */
static void csv_field(const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, stdout);
        return;
    }
    putchar('"');
    for (; *v; v++) {
        if (*v == '"')
            putchar('"');
        putchar(*v);
    }
    putchar('"');
}

static int on_risk(void *ud, const struct bw_risk_row *r)
{
    struct risks_ctx *x = ud;

    x->n++;
    switch (x->mode) {
    case OUT_JSON:
        return json_array_append_new(
                   x->rows,
                   json_pack("{s:I,s:s,s:s,s:f,s:f,s:f,s:f,s:o,s:o,s:o,s:f,s:{s:f,s:f,s:f,s:f,s:f}}",
                             "rank", (json_int_t)x->n, "site", r->site, "threat", r->threat,
                             "likelihood", r->likelihood, "vulnerability", r->vulnerability,
                             "consequence", r->consequence, "risk", r->risk, "risk_p5",
                             cli_num(r->risk_p5), "risk_p50", cli_num(r->risk_p50), "risk_p95",
                             cli_num(r->risk_p95),
                             "conditional_risk", r->conditional_risk, "consequences",
                             "fatalities", r->fatalities, "injuries", r->injuries,
                             "outage_population_hours", r->outage_ph, "economic_eur",
                             r->economic, "symbolic", r->symbolic))
                   ? BW_ENOMEM
                   : 0;
    case OUT_CSV:
        printf("%zu,", x->n);
        csv_field(r->site);
        putchar(',');
        csv_field(r->threat);
        printf(",%.6g,%.6g,%.6g,%.6g", r->likelihood, r->vulnerability, r->consequence,
               r->risk);
        for (int k = 0; k < 3; k++) { /* empty when the run had no trials */
            double v = k == 0 ? r->risk_p5 : k == 1 ? r->risk_p50 : r->risk_p95;
            if (isnan(v))
                printf(",");
            else
                printf(",%.6g", v);
        }
        printf(",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", r->conditional_risk, r->fatalities,
               r->injuries, r->outage_ph, r->economic, r->symbolic);
        return 0;
    case OUT_TABLE:
        printf("%4zu  %-24s %-20s %8.2e %5.3f %10.3e %10.3e  [%9.2e %9.2e]  %7.1f\n", x->n,
               r->site, r->threat, r->likelihood, r->vulnerability, r->consequence, r->risk,
               r->risk_p5, r->risk_p95, r->fatalities);
        return 0;
    }
    return 0;
}

int cmd_risks(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"run", required_argument, NULL, 'r'},
                                         {"top", required_argument, NULL, 'n'},
                                         {"site", required_argument, NULL, 's'},
                                         {"threat", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int c, rc;
    int64_t name = 0;
    struct bw_risk_query q = {0};
    struct risks_ctx x = {OUT_TABLE, NULL, 0};
    struct bw_assess_run run;
    struct bw_arena a;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: x.mode = OUT_JSON; break;
        case 'c': x.mode = OUT_CSV; break;
        case 'r':
            if (cli_parse_run(optarg, &name))
                return cli_usage(risks_usage, "--run takes a run id, latest or previous");
            break;
        case 'n':
            if (parse_count(optarg, &q.limit))
                return cli_usage(risks_usage, "--top takes a positive whole number");
            break;
        case 's': q.site = optarg; break;
        case 't': q.threat = optarg; break;
        case 'h': return cli_help(risks_usage);
        default: return cli_usage(risks_usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(risks_usage, "risks takes no arguments");
    if (x.mode == OUT_TABLE && !q.limit && !q.site && !q.threat)
        q.limit = 20;
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 4096);
    if ((rc = cli_load_run(s, name, &a, &run)))
        goto out;
    q.run = run.id;
    if (x.mode == OUT_JSON)
        x.rows = json_array();
    else if (x.mode == OUT_CSV)
        printf("rank,site,threat,likelihood,vulnerability,consequence,risk,risk_p5,risk_p50,"
               "risk_p95,conditional_risk,fatalities,injuries,outage_population_hours,"
               "economic_eur,symbolic\n");
    else
        printf("National risk register, run %" PRId64 " (%s, pack %s %s, %" PRId64
               " trials)\n%4s  %-24s %-20s %8s %5s %10s %10s  %-21s  %7s\n",
               run.id, run.at, run.pack_id, run.pack_version, run.trials, "rank", "site",
               "threat", "T", "V", "C", "risk", "[P5 .. P95]", "deaths");
    rc = bw_store_risks_each(s, &q, on_risk, &x);
    if (rc) {
        json_decref(x.rows);
        rc = cli_failf("reading the risk register: %s", bw_strerror(rc));
        goto out;
    }
    if (x.mode == OUT_JSON) {
        json_t *o = json_pack("{s:o,s:o}", "run", cli_run_json(&run), "risks", x.rows);
        rc = cli_json_print(o);
    } else if (x.mode == OUT_TABLE && x.n == 0) {
        printf("  (no rows match)\n");
    }
out:
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}

/* ---- runs ------------------------------------------------------------------------- */

struct runs_ctx {
    json_t *list;
};

static int on_run(void *ud, const struct bw_assess_run *r)
{
    struct runs_ctx *x = ud;

    if (x->list)
        return json_array_append_new(x->list, cli_run_json(r)) ? BW_ENOMEM : 0;
    printf("%5" PRId64 "  %-20s %-8s %-12s %-16s %10" PRIu64 " %6" PRId64 " %3" PRId64
           " %9" PRId64 " %4" PRId64 " %8.2f s\n",
           r->id, r->at, r->pack_id, r->pack_version, r->inputs_hash, r->seed, r->trials,
           r->threads, r->sites, r->threats, r->elapsed_s);
    return 0;
}

struct diff_ctx {
    json_t *list;
    size_t n;
};

static int on_change(void *ud, const struct bw_risk_change *c)
{
    struct diff_ctx *x = ud;
    const char *what = !c->present_a ? "added" : !c->present_b ? "removed" : "changed";

    x->n++;
    if (x->list)
        return json_array_append_new(
                   x->list, json_pack("{s:s,s:s,s:s,s:f,s:f,s:f,s:I,s:I}", "site", c->site,
                                      "threat", c->threat, "change", what, "risk_a", c->risk_a,
                                      "risk_b", c->risk_b, "delta", c->risk_b - c->risk_a,
                                      "rank_a", (json_int_t)c->rank_a, "rank_b",
                                      (json_int_t)c->rank_b))
                   ? BW_ENOMEM
                   : 0;
    printf("  %-24s %-20s %-8s %10.3e -> %10.3e  (%+10.3e)  rank %" PRId64 " -> %" PRId64 "\n",
           c->site, c->threat, what, c->risk_a, c->risk_b, c->risk_b - c->risk_a, c->rank_a,
           c->rank_b);
    return 0;
}

/* The diff stops at the first unchanged row: rows come by |change| descending. */
static int on_change_stop(void *ud, const struct bw_risk_change *c)
{
    if (c->present_a && c->present_b && c->risk_a == c->risk_b)
        return 1;
    return on_change(ud, c);
}

int cmd_runs(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"top", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *verb;
    int json = 0, c, rc;
    size_t top = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'n':
            if (parse_count(optarg, &top))
                return cli_usage(runs_usage, "--top takes a positive whole number");
            break;
        case 'h': return cli_help(runs_usage);
        default: return cli_usage(runs_usage, "unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage(runs_usage, "say list or diff");
    verb = argv[optind];
    if (strcmp(verb, "list") == 0) {
        struct runs_ctx x = {json ? json_array() : NULL};
        if (optind + 1 != argc)
            return cli_usage(runs_usage, "runs list takes no arguments");
        if (cli_open(cli_db_path(db), 1, &s, &p)) {
            json_decref(x.list);
            return 1;
        }
        if (!json)
            printf("%5s  %-20s %-8s %-12s %-16s %10s %6s %3s %9s %4s %10s\n", "run", "at",
                   "pack", "version", "inputs", "seed", "trials", "thr", "sites", "thr.",
                   "time");
        rc = bw_store_assess_runs_each(s, on_run, &x);
        if (rc) {
            json_decref(x.list);
            rc = cli_failf("reading the assessment runs: %s", bw_strerror(rc));
        } else if (json) {
            rc = cli_json_print(x.list);
        }
        cli_close(s, p);
        return rc;
    }
    if (strcmp(verb, "diff") == 0) {
        int64_t na, nb;
        struct bw_assess_run ra, rb;
        struct bw_arena a;
        struct diff_ctx x = {NULL, 0};
        if (optind + 3 != argc)
            return cli_usage(runs_usage, "runs diff takes two runs");
        if (cli_parse_run(argv[optind + 1], &na) || cli_parse_run(argv[optind + 2], &nb))
            return cli_usage(runs_usage, "a run is an id, latest or previous");
        if (!json && !top)
            top = 20;
        if (cli_open(cli_db_path(db), 1, &s, &p))
            return 1;
        bw_arena_init(&a, 4096);
        if ((rc = cli_load_run(s, na, &a, &ra)) || (rc = cli_load_run(s, nb, &a, &rb)))
            goto diff_out;
        if (json)
            x.list = json_array();
        else
            printf("Risk changes from run %" PRId64 " (%s) to run %" PRId64 " (%s)%s\n", ra.id,
                   ra.at, rb.id, rb.at,
                   strcmp(ra.inputs_hash, rb.inputs_hash) == 0 ? ", same inputs" : "");
        rc = bw_store_risks_diff(s, ra.id, rb.id, top, on_change_stop, &x);
        if (rc == 1)
            rc = 0;
        if (rc) {
            json_decref(x.list);
            rc = cli_failf("comparing the runs: %s", bw_strerror(rc));
        } else if (json) {
            rc = cli_json_print(json_pack("{s:o,s:o,s:o}", "a", cli_run_json(&ra), "b",
                                          cli_run_json(&rb), "changes", x.list));
        } else if (x.n == 0) {
            printf("  no risk changed\n");
        }
    diff_out:
        bw_arena_release(&a);
        cli_close(s, p);
        return rc;
    }
    return cli_usage(runs_usage, "say list or diff");
}
