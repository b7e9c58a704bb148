/*
 * cmd_taxonomy.c — `bulwark taxonomy list`: the State's taxonomy from the stored pack.
 */
#include "cli.h"

#include <string.h>

static const char usage[] =
    "usage: bulwark taxonomy list [--db FILE] [--json]\n\n"
    "Lists the sectors and subsectors (critical infrastructure), the soft-target\n"
    "categories, the services, the organisation types and the phases of the pack\n"
    "stored in the database, with their ids and sources.\n";

static json_t *terms_json(const struct bw_term *t, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "id", t[i].id, "name", t[i].name,
                                           "source", t[i].source));
    return a;
}

static void print_terms(const char *title, const struct bw_term *t, size_t n)
{
    printf("\n%s\n", title);
    for (size_t i = 0; i < n; i++)
        printf("  %-24s %s\n", t[i].id, t[i].name);
}

int cmd_taxonomy(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, c;
    bw_store *s;
    bw_pack *p;
    size_t n, ns, no, np;
    const struct bw_class *cl;
    const struct bw_term *svc, *types, *phases;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind >= argc || strcmp(argv[optind], "list") != 0 || optind + 1 != argc)
        return cli_usage(usage, optind < argc ? "unknown subcommand" : "missing subcommand");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    cl = bw_pack_classes(p, &n);
    svc = bw_pack_services(p, &ns);
    types = bw_pack_org_types(p, &no);
    phases = bw_pack_phases(p, &np);
    if (json) {
        json_t *sectors = json_array(), *cats = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_pack("{s:s,s:s,s:s}", "id", cl[i].id, "name", cl[i].name, "source",
                                  cl[i].source);
            if (cl[i].sector)
                json_object_set_new(e, "sector", json_string(cl[i].sector));
            if (cl[i].kind == BW_CLASS_CATEGORY)
                json_array_append_new(cats, e);
            else {
                json_object_set_new(e, "kind", json_string(cl[i].kind == BW_CLASS_SECTOR
                                                               ? "sector" : "subsector"));
                json_array_append_new(sectors, e);
            }
        }
        c = cli_json_print(json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "pack", bw_pack_id(p),
                                     "version", bw_pack_version(p), "sectors", sectors,
                                     "categories", cats, "services", terms_json(svc, ns),
                                     "organisation_types", terms_json(types, no), "phases",
                                     terms_json(phases, np)));
    } else {
        printf("pack %s %s\n\nCritical-infrastructure sectors (kind: critical infrastructure)\n",
               bw_pack_id(p), bw_pack_version(p));
        for (size_t i = 0; i < n; i++)
            if (cl[i].kind != BW_CLASS_CATEGORY)
                printf("  %s%-*s %s\n", cl[i].kind == BW_CLASS_SUBSECTOR ? "  " : "",
                       cl[i].kind == BW_CLASS_SUBSECTOR ? 30 : 32, cl[i].id, cl[i].name);
        printf("\nSoft-target categories (kind: soft target)\n");
        for (size_t i = 0; i < n; i++)
            if (cl[i].kind == BW_CLASS_CATEGORY)
                printf("  %-32s %s\n", cl[i].id, cl[i].name);
        print_terms("Services", svc, ns);
        print_terms("Organisation types", types, no);
        print_terms("Phases", phases, np);
        c = 0;
    }
    cli_close(s, p);
    return c;
}
