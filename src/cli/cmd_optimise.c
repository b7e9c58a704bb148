/*
 * cmd_optimise.c — `bulwark optimise`: the risk-reduction portfolio for a budget.
 *
 * Parses the budgets and constraints, calls bw_optimise_run (src/app/optimise.c) and
 * prints the portfolio: national risk before and after, money spent, whether the answer
 * is proven optimal or how far from the LP bound it can be at most, the sites with the
 * largest reductions and their measures, and the marginal-benefit curve. --lp writes the
 * same problem as an ILP file for an external solver (CBC, GLPK, HiGHS) instead.
 * Nothing is written to the database unless a portfolio was found.
 */
#include "arena.h"
#include "alloc.h"
#include "cli.h"
#include "measure.h"
#include "optimise.h"
#include "riskparams.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char optimise_usage[] =
    "usage: bulwark optimise --budget AMOUNT [--yearly AMOUNT] [--must-cover SITE]...\n"
    "                        [--min-category CAT=AMOUNT]... [--allow-review] [--run ID]\n"
    "                        [--curve N] [--top N] [--json] [--no-save] [--lp FILE]\n"
    "                        [--db FILE]\n\n"
    "Chooses which protective measures of the pack's catalogue to put at which sites to\n"
    "reduce national risk (the risk register of an assessment run) most within a capital\n"
    "budget and, optionally, a yearly budget. A measure acts on a site's risk under the\n"
    "threat types it covers as in the assessment: the vulnerability is multiplied by\n"
    "(1 - effectiveness) for each measure. Measures already in place are not proposed\n"
    "again; measures flagged for human-rights review are left out unless allowed. Small\n"
    "problems are solved to proven optimality; large ones by a greedy with local search,\n"
    "with a bound on how far from optimal they can be. The portfolio is kept for the\n"
    "action plan unless --no-save. See docs/optimise.md.\n\n"
    "  --budget A          capital budget (currency of the pack), 0 or more (required)\n"
    "  --yearly A          yearly budget for running costs (default: no limit)\n"
    "  --must-cover SITE   this site must get at least one measure (repeatable)\n"
    "  --min-category C=A  spend at least A of capital at sites of category or sector C\n"
    "                      (repeatable; a site counts for the first that covers it)\n"
    "  --allow-review      allow measures flagged for human-rights review\n"
    "  --run ID            the assessment run to use (an id or latest; default latest)\n"
    "  --curve N           levels of the marginal-benefit curve (default 10; 0 = none)\n"
    "  --top N             sites to print (default 15)\n"
    "  --json              machine-readable output\n"
    "  --no-save           do not keep the portfolio\n"
    "  --lp FILE           write the problem as an ILP (CPLEX LP format) and stop\n";

/* A finite amount: the whole string is one number. */
static int parse_amount(const char *v, double *out)
{
    char *end;
    double x;

    if (*v == '\0')
        return -1;
    x = strtod(v, &end);
    if (*end != '\0' || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int parse_count(const char *v, size_t *out, size_t max)
{
    char *end;
    unsigned long long n;

    if (*v == '\0' || *v == '-')
        return -1;
    n = strtoull(v, &end, 10);
    if (*end != '\0' || n > max)
        return -1;
    *out = (size_t)n;
    return 0;
}

static void measures_text(const struct bw_optimise_result *r, uint64_t mask, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t m = 0; m < r->nmeasures && len + 1 < n; m++)
        if (mask >> m & 1) {
            int w = snprintf(buf + len, n - len, "%s%s", len ? ", " : "", r->measure_ids[m]);
            if (w < 0)
                break;
            len += (size_t)w;
            if (len >= n)
                len = n - 1;
        }
}

static json_t *result_json(const struct bw_optimise_result *r, size_t top)
{
    json_t *j = json_object(), *sites = json_array(), *curve = json_array(), *pf;
    double red = r->r.risk_before - r->r.risk_after;

    pf = json_pack("{s:o,s:I,s:f,s:o,s:f,s:f,s:f,s:f,s:f,s:f,s:b,s:f,s:I,s:I,s:I,s:I}",
                   "id", r->run.id ? json_integer(r->run.id) : json_null(),
                   "assess_run", (json_int_t)r->run.assess_run, "budget", r->run.budget,
                   "yearly_budget", r->run.yearly < 0 ? json_null() : json_real(r->run.yearly),
                   "capital_used", r->r.capital, "yearly_used", r->r.yearly,
                   "risk_before", r->r.risk_before, "risk_after", r->r.risk_after,
                   "reduction", red, "reduction_share",
                   r->r.risk_before > 0 ? red / r->r.risk_before : 0.0, "exact", r->r.exact,
                   "upper_bound", r->r.upper_bound, "sites", (json_int_t)r->r.sites,
                   "measures", (json_int_t)r->r.measures, "sites_assessed",
                   (json_int_t)r->nsites, "options", (json_int_t)r->noptions);
    if (pf && r->run.options)
        json_object_set_new(pf, "constraints", json_loads(r->run.options, 0, NULL));
    json_object_set_new(j, "portfolio", pf);
    for (size_t i = 0; i < r->nsites_chosen && (top == 0 || i < top); i++) {
        const struct bw_optimise_site *s = &r->sites[i];
        json_t *ms = json_array();
        for (size_t m = 0; m < r->nmeasures; m++)
            if (s->mask >> m & 1)
                json_array_append_new(ms, json_string(r->measure_ids[m]));
        json_array_append_new(sites, json_pack("{s:s,s:o,s:f,s:f,s:o}", "site", s->id,
                                               "category", cli_str_or_null(s->category),
                                               "risk_before", s->risk_before, "risk_after",
                                               s->risk_after, "measures", ms));
    }
    json_object_set_new(j, "sites", sites);
    {
        json_t *items = json_array();
        for (size_t i = 0; i < r->nitems; i++) {
            const struct bw_portfolio_item *it = &r->items[i];
            json_array_append_new(items, json_pack("{s:s,s:s,s:f,s:f,s:f}", "site", it->site,
                                                   "measure", it->measure, "capital",
                                                   it->capital, "yearly", it->yearly,
                                                   "reduction", it->reduction));
        }
        json_object_set_new(j, "items", items);
    }
    for (size_t i = 0; i < r->ncurve; i++)
        json_array_append_new(curve, json_pack("{s:f,s:o,s:o}", "budget", r->curve_budget[i],
                                               "capital_used", cli_num(r->curve_capital[i]),
                                               "reduction", cli_num(r->curve_reduction[i])));
    json_object_set_new(j, "curve", curve);
    return j;
}

static void result_text(const struct bw_optimise_result *r, const char *cur, size_t top)
{
    double red = r->r.risk_before - r->r.risk_after;
    char ms[512];

    if (r->run.id)
        printf("Portfolio %" PRId64 " from assessment run %" PRId64, r->run.id,
               r->run.assess_run);
    else
        printf("Portfolio (not saved) from assessment run %" PRId64, r->run.assess_run);
    printf(": %zu sites, %zu options\n", r->nsites, r->noptions);
    printf("  budget %.0f %s", r->run.budget, cur);
    if (r->run.yearly >= 0)
        printf(" and %.0f %s a year", r->run.yearly, cur);
    printf("; spent %.0f %s and %.0f %s a year\n", r->r.capital, cur, r->r.yearly, cur);
    printf("  national risk %.4g -> %.4g %s a year (%.1f %% less)\n", r->r.risk_before,
           r->r.risk_after, cur, r->r.risk_before > 0 ? 100 * red / r->r.risk_before : 0.0);
    if (r->r.exact)
        printf("  proven optimal (branch and bound, %" PRIu64 " nodes)\n", r->r.nodes);
    else
        printf("  at most %.2f %% below the optimum (LP bound %.4g)\n",
               r->r.upper_bound > 0 ? 100 * (r->r.upper_bound - red) / r->r.upper_bound : 0.0,
               r->r.upper_bound);
    printf("  %zu measures at %zu sites\n", r->r.measures, r->r.sites);
    if (r->nsites_chosen && top) {
        printf("\n%-24s %-22s %11s %11s  %s\n", "site", "category", "risk before", "after",
               "measures");
        for (size_t i = 0; i < r->nsites_chosen && i < top; i++) {
            const struct bw_optimise_site *s = &r->sites[i];
            measures_text(r, s->mask, ms, sizeof ms);
            printf("%-24s %-22s %11.4g %11.4g  %s\n", s->id, s->category ? s->category : "-",
                   s->risk_before, s->risk_after, ms);
        }
        if (r->nsites_chosen > top)
            printf("... and %zu more sites (--top, --json)\n", r->nsites_chosen - top);
    }
    if (r->ncurve) {
        printf("\nMarginal-benefit curve (risk reduction per capital budget):\n%14s %14s %14s\n",
               "budget", "spent", "reduction");
        for (size_t i = 0; i < r->ncurve; i++)
            printf("%14.0f %14.0f %14.4g\n", r->curve_budget[i], r->curve_capital[i],
                   r->curve_reduction[i]);
    }
}

int cmd_optimise(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"budget", required_argument, NULL, 'b'},
                                         {"yearly", required_argument, NULL, 'y'},
                                         {"must-cover", required_argument, NULL, 'm'},
                                         {"min-category", required_argument, NULL, 'c'},
                                         {"allow-review", no_argument, NULL, 'a'},
                                         {"run", required_argument, NULL, 'r'},
                                         {"curve", required_argument, NULL, 'v'},
                                         {"top", required_argument, NULL, 't'},
                                         {"no-save", no_argument, NULL, 'n'},
                                         {"lp", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_optimise_options o = {.yearly = -1, .curve = 10, .save = 1};
    struct bw_optimise_result res;
    const char *db = NULL, *lp = NULL, **must = NULL, **cats = NULL;
    double *amounts = NULL;
    size_t top = 15;
    int json = 0, c, rc = 2, have_budget = 0;
    struct bw_arena a;
    struct bw_diag d;
    bw_store *s = NULL;
    bw_pack *p = NULL;

    bw_arena_init(&a, 1 << 16);
    if (!(must = bw_calloc((size_t)argc + 1, sizeof *must)) ||
        !(cats = bw_calloc((size_t)argc + 1, sizeof *cats)) ||
        !(amounts = bw_calloc((size_t)argc + 1, sizeof *amounts))) {
        rc = cli_failf("out of memory");
        goto out;
    }
    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'b':
            if (parse_amount(optarg, &o.budget)) {
                rc = cli_usage(optimise_usage, "--budget takes an amount, e.g. 2500000");
                goto out;
            }
            have_budget = 1;
            break;
        case 'y':
            if (parse_amount(optarg, &o.yearly)) {
                rc = cli_usage(optimise_usage, "--yearly takes an amount, e.g. 400000");
                goto out;
            }
            if (o.yearly < 0) {
                rc = cli_failf("--yearly: the yearly budget must be an amount of 0 or more "
                               "(got %s); nothing was written", optarg);
                goto out;
            }
            break;
        case 'm': must[o.nmust++] = optarg; break;
        case 'c': {
            char *eq = strrchr(optarg, '=');
            if (!eq || eq == optarg || parse_amount(eq + 1, &amounts[o.nmin])) {
                rc = cli_usage(optimise_usage, "--min-category takes CATEGORY=AMOUNT");
                goto out;
            }
            *eq = '\0';
            cats[o.nmin++] = optarg;
            break;
        }
        case 'a': o.allow_review = 1; break;
        case 'r':
            if (cli_parse_run(optarg, &o.run) || o.run < 0) {
                rc = cli_usage(optimise_usage, "--run takes an assessment run id or latest");
                goto out;
            }
            break;
        case 'v':
            if (parse_count(optarg, &o.curve, 1000)) {
                rc = cli_usage(optimise_usage, "--curve takes a number from 0 to 1000");
                goto out;
            }
            break;
        case 't':
            if (parse_count(optarg, &top, SIZE_MAX)) {
                rc = cli_usage(optimise_usage, "--top takes a whole number");
                goto out;
            }
            break;
        case 'n': o.save = 0; break;
        case 'l': lp = optarg; break;
        case 'h': rc = cli_help(optimise_usage); goto out;
        default: rc = cli_usage(optimise_usage, "unknown option"); goto out;
        }
    }
    if (optind != argc) {
        rc = cli_usage(optimise_usage, "optimise takes no arguments");
        goto out;
    }
    if (!have_budget) {
        rc = cli_usage(optimise_usage, "--budget is required");
        goto out;
    }
    o.must_cover = must;
    o.min_category = cats;
    o.min_amount = amounts;
    if (cli_open(cli_db_path(db), 1, &s, &p)) {
        rc = 1;
        goto out;
    }
    bw_diag_clear(&d);
    if (lp) {
        char *text = NULL;
        FILE *f;
        if ((rc = bw_optimise_lp(s, p, &o, &text, &d))) {
            rc = cli_fail(&d);
            goto out;
        }
        if (!(f = fopen(lp, "w")) || fputs(text, f) < 0 || fclose(f)) {
            rc = cli_failf("%s: cannot write the ILP file", lp);
            bw_free(text);
            goto out;
        }
        bw_free(text);
        rc = 0;
        goto out;
    }
    o.progress = cli_progress_count;
    if ((rc = bw_optimise_run(s, p, &o, &a, &res, &d))) {
        if (!bw_diag_has(&d))
            bw_diag_set(&d, rc, NULL, "%s", bw_strerror(rc));
        rc = cli_fail(&d);
        goto out;
    }
    if (json)
        rc = cli_json_print(result_json(&res, top));
    else {
        result_text(&res, bw_pack_riskparams(p)->currency, top);
        rc = 0;
    }
out:
    bw_free(must);
    bw_free(cats);
    bw_free(amounts);
    bw_arena_release(&a);
    if (s || p)
        cli_close(s, p);
    return rc;
}
