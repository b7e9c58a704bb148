/*
 * cmd_orgs.c — `bulwark orgs list|show`: the stakeholder map.
 */
#include "arena.h"
#include "cli.h"

#include <string.h>

static const char usage[] =
    "usage: bulwark orgs list [--json]\n"
    "       bulwark orgs show ID [--json]\n\n"
    "  list   organisations in id order with their type and 24/7 contact\n"
    "  show   one organisation with its roles at sites, by phase\n\n"
    "Both take --db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

static json_t *org_json(const struct bw_org *o)
{
    json_t *j = json_pack("{s:s,s:s,s:s}", "id", o->id, "name", o->name, "type", o->type);
    const char *keys[] = {"mandate", "sectors", "regions", "contact_name", "contact_phone",
                          "contact_email"};
    const char *vals[] = {o->mandate, o->sectors, o->regions, o->contact_name, o->contact_phone,
                          o->contact_email};
    for (int i = 0; i < 6; i++)
        if (vals[i])
            json_object_set_new(j, keys[i], json_string(vals[i]));
    return j;
}

static int on_org(void *ud, const struct bw_org *o)
{
    if (ud)
        return json_array_append_new(ud, org_json(o)) ? BW_ENOMEM : 0;
    printf("%-24s %-22s %-34s %s\n", o->id, o->type, o->name,
           o->contact_phone ? o->contact_phone : "-");
    return 0;
}

struct roles_ctx {
    const char *org;
    json_t *arr;
};

static int on_role(void *ud, const struct bw_role *r)
{
    struct roles_ctx *x = ud;
    if (strcmp(r->org, x->org) != 0)
        return 0;
    return json_array_append_new(x->arr, json_pack("{s:s,s:s}", "site", r->site, "phase",
                                                   r->phase))
               ? BW_ENOMEM
               : 0;
}

int cmd_orgs(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    char *pos[2];
    int npos = 0, json = 0, c, rc = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    while (optind < argc) {
        if (npos == 2)
            return cli_usage(usage, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0 || (strcmp(pos[0], "list") == 0 && npos != 1) ||
        (strcmp(pos[0], "show") == 0 && npos != 2) ||
        (strcmp(pos[0], "list") && strcmp(pos[0], "show")))
        return cli_usage(usage, "expected list, or show ID");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (strcmp(pos[0], "list") == 0) {
        json_t *arr = json ? json_array() : NULL;
        rc = bw_store_orgs_each(s, on_org, arr);
        if (rc)
            rc = cli_failf("listing organisations: %s", bw_strerror(rc));
        else if (json)
            rc = cli_json_print(arr);
    } else {
        struct bw_arena a;
        struct bw_org o;
        bw_arena_init(&a, 4096);
        rc = bw_store_org_get(s, pos[1], &a, &o);
        if (rc) {
            rc = cli_failf("organisation '%s': %s", pos[1], bw_strerror(rc));
        } else {
            json_t *j = org_json(&o);
            struct roles_ctx x = {pos[1], json_array()};
            bw_store_roles_each(s, NULL, on_role, &x);
            json_object_set_new(j, "roles", x.arr);
            if (json) {
                rc = cli_json_print(j);
            } else {
                const char *key;
                json_t *v;
                size_t i;
                json_object_foreach(j, key, v)
                    if (json_is_string(v))
                        printf("%-14s %s\n", key, json_string_value(v));
                printf("\nroles (%zu)\n", json_array_size(x.arr));
                json_array_foreach(x.arr, i, v)
                    printf("  %-12s %s\n", json_string_value(json_object_get(v, "phase")),
                           json_string_value(json_object_get(v, "site")));
                json_decref(j);
            }
        }
        bw_arena_release(&a);
    }
    cli_close(s, p);
    return rc;
}
