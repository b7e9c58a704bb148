/*
 * cmd_cascade.c — `bulwark cascade`: what removing sites takes down with them.
 *
 * Loads the dependency graph, runs the deterministic cascade (docs/cascade.md) and,
 * with --timed, the Monte Carlo restoration model with the pack's restoration times.
 */
#include "arena.h"
#include "cascade.h"
#include "cli.h"
#include "str.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: bulwark cascade --remove ID[,ID...] [--service S] [--timed] [--trials N]\n"
    "                       [--seed N] [--attack T] [--db FILE] [--json]\n\n"
    "Removes the given sites (an attack) and follows the loss through the dependencies:\n"
    "network links, supply dependencies with their redundancy (k of n) and buffers, and\n"
    "interdependent services to a fixpoint (docs/cascade.md). Lists the sites lost (not\n"
    "counting the removed ones) and the population they serve.\n\n"
    "  --remove IDS   comma-separated site ids to remove\n"
    "  --service S    follow one service only (default: all)\n"
    "  --timed        also simulate restoration: outage hours and population-hours\n"
    "  --trials N     Monte Carlo trials for --timed (default 1000)\n"
    "  --seed N       random seed for --timed (default 1)\n"
    "  --attack T     attack type for restoration times (default generic; see the pack)\n";

int cmd_cascade(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"remove", required_argument, NULL, 'r'},
                                         {"service", required_argument, NULL, 's'},
                                         {"timed", no_argument, NULL, 't'},
                                         {"trials", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 'e'},
                                         {"attack", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *remove = NULL, *service_name = NULL, *attack = "generic";
    int json = 0, timed = 0, c, rc = 1, service;
    int64_t trials = 1000, seed = 1;
    struct bw_arena a;
    struct bw_graph_data data = {0};
    struct bw_timed_result tr;
    bw_store *s = NULL;
    bw_pack *p = NULL;
    bw_graph *g = NULL;
    bw_cascade *cas = NULL;
    uint32_t *removed = NULL;
    double *median = NULL, *sigma = NULL;
    size_t nremoved = 0, nlost, critical = 0;
    const uint32_t *lost;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'r': remove = optarg; break;
        case 's': service_name = optarg; break;
        case 't': timed = 1; break;
        case 'n':
            if (bw_parse_i64(bw_str_c(optarg), &trials) || trials < 1 || trials > 10000000)
                return cli_usage(usage, "--trials must be a whole number from 1 to 10000000");
            break;
        case 'e':
            if (bw_parse_i64(bw_str_c(optarg), &seed) || seed < 0)
                return cli_usage(usage, "--seed must be a whole number >= 0");
            break;
        case 'a': attack = optarg; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "cascade takes no arguments (use --remove)");
    if (!remove || !*remove)
        return cli_usage(usage, "--remove is required");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 64 * 1024);
    if (cli_service(p, service_name, &service))
        goto out;
    if (timed && !bw_pack_attack_known(p, attack)) {
        cli_failf("unknown attack type '%s' (the pack's restoration attack_types)", attack);
        goto out;
    }
    if (cli_graph_load(s, p, &a, &data, &g))
        goto out;
    removed = calloc(strlen(remove) + 1, sizeof *removed);
    if (!removed) {
        cli_failf("out of memory");
        goto out;
    }
    for (const char *q = remove; *q;) {
        const char *end = strchr(q, ',');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        char id[256];
        int64_t v;
        if (len == 0 || len >= sizeof id) {
            cli_failf("--remove: empty or overlong site id");
            goto out;
        }
        memcpy(id, q, len);
        id[len] = '\0';
        v = bw_graph_data_find(&data, id);
        if (v < 0) {
            cli_failf("--remove: unknown site '%s'", id);
            goto out;
        }
        removed[nremoved++] = (uint32_t)v;
        q += len + (end != NULL);
    }
    if (bw_cascade_new(g, &cas) || bw_cascade_run(cas, removed, nremoved, service)) {
        cli_failf("cascade failed");
        goto out;
    }
    nlost = bw_cascade_lost(cas, &lost);
    for (size_t i = 0; i < nlost; i++)
        critical += (size_t)bw_pack_critical_category(p, data.categories[lost[i]]);
    if (timed) {
        median = calloc(nremoved, sizeof *median);
        sigma = calloc(nremoved, sizeof *sigma);
        if (!median || !sigma) {
            cli_failf("out of memory");
            goto out;
        }
        for (size_t i = 0; i < nremoved; i++)
            bw_pack_restoration(p, data.categories[removed[i]], attack, &median[i], &sigma[i]);
        if (bw_cascade_timed(cas, median, sigma, (uint32_t)trials, (uint64_t)seed, &tr)) {
            cli_failf("timed cascade failed");
            goto out;
        }
    }
    if (json) {
        json_t *o = json_object(), *rj = json_array(), *lj = json_array();
        for (size_t i = 0; i < nremoved; i++)
            json_array_append_new(rj, json_string(data.ids[removed[i]]));
        for (size_t i = 0; i < nlost; i++)
            json_array_append_new(lj, json_string(data.ids[lost[i]]));
        json_object_set_new(o, "removed", rj);
        json_object_set_new(o, "lost", lj);
        json_object_set_new(o, "sites_lost", json_integer((json_int_t)nlost));
        json_object_set_new(o, "population_lost",
                            json_integer((json_int_t)bw_cascade_population_lost(cas)));
        json_object_set_new(o, "critical_services_lost", json_integer((json_int_t)critical));
        json_object_set_new(o, "baseline_unserved",
                            json_integer(bw_cascade_baseline_unserved(cas)));
        json_object_set_new(o, "service", json_string(service_name ? service_name : "all"));
        if (timed) {
            json_t *t = json_pack("{s:s,s:I,s:I,s:f,s:f,s:f,s:f,s:f}", "attack", attack,
                                  "trials", (json_int_t)trials, "seed", (json_int_t)seed,
                                  "restore_hours_p50", tr.restore_hours_p50,
                                  "population_hours_mean", tr.pop_hours_mean,
                                  "population_hours_p5", tr.pop_hours_p5,
                                  "population_hours_p50", tr.pop_hours_p50,
                                  "population_hours_p95", tr.pop_hours_p95);
            json_t *sites = json_array();
            for (size_t i = 0; i < nlost; i++)
                json_array_append_new(sites, json_pack("{s:s,s:f,s:f}", "site",
                                                       data.ids[lost[i]], "hours_until_loss",
                                                       tr.hours_until_loss[i], "outage_hours_mean",
                                                       tr.outage_mean[i]));
            json_object_set_new(t, "sites", sites);
            json_object_set_new(o, "timed", t);
        }
        rc = cli_json_print(o);
    } else {
        printf("Removing %zu site%s (%s) takes down %zu more site%s serving %.0f people",
               nremoved, nremoved == 1 ? "" : "s", remove, nlost, nlost == 1 ? "" : "s",
               bw_cascade_population_lost(cas));
        printf("%s\n", critical ? "" : ".");
        if (critical) {
            /* Name the critical categories hit, each once, in order of first loss. */
            printf("  including %zu critical service%s:", critical, critical == 1 ? "" : "s");
            for (size_t i = 0, shown = 0; i < nlost; i++) {
                const char *cat = data.categories[lost[i]];
                int seen = 0;
                if (!bw_pack_critical_category(p, cat))
                    continue;
                for (size_t j = 0; j < i && !seen; j++)
                    seen = strcmp(data.categories[lost[j]], cat) == 0;
                if (!seen)
                    printf("%s %s", shown++ ? "," : "", cat);
            }
            printf(".\n");
        }
        for (size_t i = 0; i < nlost && i < 50; i++) {
            if (timed)
                printf("  %-28s %-24s after %6.1f h, out %7.1f h (mean)\n", data.ids[lost[i]],
                       data.categories[lost[i]], tr.hours_until_loss[i], tr.outage_mean[i]);
            else
                printf("  %-28s %s\n", data.ids[lost[i]], data.categories[lost[i]]);
        }
        if (nlost > 50)
            printf("  ... and %zu more (see --json)\n", nlost - 50);
        if (timed)
            printf("Restoration (%s, %lld trials, seed %lld): median %.0f h; population-hours "
                   "without service: mean %.0f, P5 %.0f, P50 %.0f, P95 %.0f\n",
                   attack, (long long)trials, (long long)seed, tr.restore_hours_p50,
                   tr.pop_hours_mean, tr.pop_hours_p5, tr.pop_hours_p50, tr.pop_hours_p95);
        rc = 0;
    }
out:
    free(removed);
    free(median);
    free(sigma);
    bw_cascade_free(cas);
    bw_graph_free(g);
    bw_graph_data_release(&data);
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}
