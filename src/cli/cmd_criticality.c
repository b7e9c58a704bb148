/*
 * cmd_criticality.c — `bulwark criticality`: the national criticality sweep.
 *
 * For every site, what its loss alone takes down (sites and population), ranked. One
 * service with 1-of-n redundancy is answered by a dominator tree in one pass; otherwise
 * one cascade per site runs on worker threads (docs/cascade.md).
 */
#include "arena.h"
#include "cascade.h"
#include "cli.h"
#include "str.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: bulwark criticality [--service S] [--top N] [--threads N] [--cascades]\n"
    "                           [--db FILE] [--json]\n\n"
    "For every site, what its loss alone takes down through the dependencies: the number\n"
    "of sites lost and the population they serve, most critical first (ties by id).\n\n"
    "  --service S   one service only (default: all services)\n"
    "  --top N       show the N most critical sites (default 20; 0 = all)\n"
    "  --threads N   worker threads (default: all CPUs)\n"
    "  --cascades    always run one cascade per site, even where dominators apply\n";

struct rank {
    uint32_t v, lost;
    double pop;
    const char *id;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->lost != y->lost)
        return x->lost > y->lost ? -1 : 1;
    return strcmp(x->id, y->id);
}

int cmd_criticality(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"service", required_argument, NULL, 's'},
                                         {"top", required_argument, NULL, 'n'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"cascades", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *service_name = NULL;
    int json = 0, force = 0, c, rc = 1, service;
    int64_t top = 20, threads = 0;
    struct bw_arena a;
    struct bw_graph_data data = {0};
    enum bw_sweep_method method = 0;
    bw_store *s = NULL;
    bw_pack *p = NULL;
    bw_graph *g = NULL;
    uint32_t *lost = NULL;
    double *pop = NULL;
    struct rank *r = NULL;
    size_t shown;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 's': service_name = optarg; break;
        case 'n':
            if (bw_parse_i64(bw_str_c(optarg), &top) || top < 0)
                return cli_usage(usage, "--top must be a whole number >= 0");
            break;
        case 't':
            if (bw_parse_i64(bw_str_c(optarg), &threads) || threads < 1 || threads > 64)
                return cli_usage(usage, "--threads must be a whole number from 1 to 64");
            break;
        case 'c': force = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "criticality takes no arguments");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 64 * 1024);
    if (cli_service(p, service_name, &service) || cli_graph_load(s, p, &a, &data, &g))
        goto out;
    lost = calloc(data.n + 1, sizeof *lost);
    pop = calloc(data.n + 1, sizeof *pop);
    r = calloc(data.n + 1, sizeof *r);
    if (!lost || !pop || !r) {
        cli_failf("out of memory");
        goto out;
    }
    if (bw_criticality_sweep(g, service, (unsigned)threads, force, cli_progress_count, NULL, lost,
                             pop, &method)) {
        cli_failf("criticality sweep failed");
        goto out;
    }
    for (uint32_t v = 0; v < data.n; v++)
        r[v] = (struct rank){v, lost[v], pop[v], data.ids[v]};
    qsort(r, data.n, sizeof *r, rank_cmp);
    shown = top == 0 || (uint64_t)top > data.n ? data.n : (size_t)top;
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < shown; i++)
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "site", r[i].id, "sites_lost",
                                                 (json_int_t)r[i].lost, "population_lost",
                                                 (json_int_t)r[i].pop));
        rc = cli_json_print(arr);
    } else {
        printf("Criticality of %u sites (%s; %s)\n", data.n,
               service_name ? service_name : "all services",
               method == BW_SWEEP_DOMINATORS ? "dominator tree" : "one cascade per site");
        printf("  %-28s %-24s %10s %12s\n", "site", "category", "sites lost", "population");
        for (size_t i = 0; i < shown; i++)
            printf("  %-28s %-24s %10u %12.0f\n", r[i].id, data.categories[r[i].v], r[i].lost,
                   r[i].pop);
        rc = 0;
    }
out:
    free(lost);
    free(pop);
    free(r);
    bw_graph_free(g);
    bw_graph_data_release(&data);
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}
