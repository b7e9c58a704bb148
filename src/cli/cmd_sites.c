/*
 * cmd_sites.c — `bulwark sites list|show|near|summary`.
 *
 * list filters by category or by sector (a sector includes its subsectors and the
 * categories linked to it); near answers radius queries through the R*Tree and the
 * exact geodesic distance, nearest first; summary counts the register for people.
 */
#include "alloc.h"
#include "arena.h"
#include "cli.h"
#include "geo.h"
#include "limits.h"
#include "str.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: bulwark sites list [--category C] [--sector S] [--json]\n"
    "       bulwark sites show ID [--json]\n"
    "       bulwark sites near LAT LON RADIUS_M [--limit N] [--json]\n"
    "       bulwark sites summary [--json]\n\n"
    "  list     sites in id order; --category takes a category or (sub)sector id,\n"
    "           --sector a sector id (its subsectors and linked categories included)\n"
    "  show     one site with its dependencies and the roles at it\n"
    "  near     sites within RADIUS_M metres (geodesic, WGS84), nearest first\n"
    "  summary  sites by category, capacities, largest venues\n\n"
    "All take --db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

static json_t *site_json(const struct bw_site *s)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:f,s:f}", "id", s->id, "name", s->name, "category",
                          s->category, "lat", s->lat, "lon", s->lon);
    if (s->capacity >= 0)
        json_object_set_new(j, "capacity", json_integer(s->capacity));
    if (s->operator_id)
        json_object_set_new(j, "operator", json_string(s->operator_id));
    if (s->supplies)
        json_object_set_new(j, "supplies", json_string(s->supplies));
    if (s->population >= 0)
        json_object_set_new(j, "population_served", json_integer(s->population));
    if (s->region)
        json_object_set_new(j, "region", json_string(s->region));
    if (s->tags)
        json_object_set_new(j, "tags", json_string(s->tags));
    if (s->footprint)
        json_object_set_new(j, "footprint", json_loads(s->footprint, 0, NULL));
    return j;
}

struct list_ctx {
    json_t *arr;
    size_t n;
};

static int on_list(void *ud, const struct bw_site *s)
{
    struct list_ctx *x = ud;
    x->n++;
    if (x->arr)
        return json_array_append_new(x->arr, site_json(s)) ? BW_ENOMEM : 0;
    if (s->capacity >= 0)
        printf("%-24s %-28s %8lld  %s\n", s->id, s->category, (long long)s->capacity, s->name);
    else
        printf("%-24s %-28s %8s  %s\n", s->id, s->category, "-", s->name);
    return 0;
}

static int do_list(bw_store *s, bw_pack *p, const char *cat, const char *sector, int json)
{
    struct list_ctx x = {json ? json_array() : NULL, 0};
    const char **ids = NULL;
    struct bw_site_query q = {NULL, 0};
    size_t n;
    const struct bw_class *cl = bw_pack_classes(p, &n);
    int rc;

    if (cat) {
        const struct bw_class *c = bw_pack_class(p, cat, strlen(cat));
        if (!c)
            return cli_failf("unknown category '%s' (see bulwark taxonomy list)", cat);
        q.categories = &c->id;
        q.ncategories = 1;
    } else if (sector) {
        const struct bw_class *c = bw_pack_class(p, sector, strlen(sector));
        if (!c || c->kind != BW_CLASS_SECTOR)
            return cli_failf("unknown sector '%s' (see bulwark taxonomy list)", sector);
        ids = bw_calloc(n, sizeof *ids);
        if (!ids)
            return cli_failf("out of memory");
        for (size_t i = 0; i < n; i++)
            if (bw_pack_class_in_sector(p, &cl[i], sector))
                ids[q.ncategories++] = cl[i].id;
        q.categories = ids;
    }
    rc = bw_store_sites_each(s, &q, on_list, &x);
    bw_free(ids);
    if (rc) {
        json_decref(x.arr);
        return cli_failf("listing sites: %s", bw_strerror(rc));
    }
    if (json)
        return cli_json_print(x.arr);
    fprintf(stderr, "%zu sites\n", x.n);
    return 0;
}

static int on_dep_json(void *ud, const struct bw_dep *d)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "site", d->site, "supplier", d->supplier,
                          "service", d->service, "kind", bw_dep_kind_name(d->kind));
    if (d->redundancy_group)
        json_object_set_new(j, "redundancy_group", json_string(d->redundancy_group));
    if (d->buffer_hours > 0)
        json_object_set_new(j, "buffer_hours", json_real(d->buffer_hours));
    if (d->needs > 1)
        json_object_set_new(j, "needs", json_integer(d->needs));
    return json_array_append_new(ud, j) ? BW_ENOMEM : 0;
}

static int on_role_json(void *ud, const struct bw_role *r)
{
    json_t *j = json_pack("{s:s,s:s}", "org", r->org, "phase", r->phase);
    if (r->description)
        json_object_set_new(j, "description", json_string(r->description));
    return json_array_append_new(ud, j) ? BW_ENOMEM : 0;
}

static int do_show(bw_store *s, bw_pack *p, const char *id, int json)
{
    struct bw_arena a;
    struct bw_site x;
    json_t *j, *deps = json_array(), *roles = json_array();
    const struct bw_class *c;
    int rc;

    bw_arena_init(&a, 4096);
    rc = bw_store_site_get(s, id, &a, &x);
    if (rc) {
        bw_arena_release(&a);
        json_decref(deps);
        json_decref(roles);
        return cli_failf("site '%s': %s", id, bw_strerror(rc));
    }
    j = site_json(&x);
    c = bw_pack_class(p, x.category, strlen(x.category));
    json_object_set_new(j, "kind", json_string(c && c->kind == BW_CLASS_CATEGORY
                                                   ? "soft target" : "critical infrastructure"));
    if (c)
        json_object_set_new(j, "category_name", json_string(c->name));
    bw_store_deps_each(s, id, on_dep_json, deps);
    bw_store_roles_each(s, id, on_role_json, roles);
    json_object_set_new(j, "dependencies", deps);
    json_object_set_new(j, "roles", roles);
    bw_arena_release(&a);
    if (json)
        return cli_json_print(j);
    {
        const char *key;
        json_t *v;
        size_t i;
        json_object_foreach(j, key, v) {
            if (json_is_array(v) || json_is_object(v))
                continue;
            if (json_is_string(v))
                printf("%-18s %s\n", key, json_string_value(v));
            else if (json_is_integer(v))
                printf("%-18s %lld\n", key, (long long)json_integer_value(v));
            else if (json_is_real(v))
                printf("%-18s %.7f\n", key, json_real_value(v));
        }
        printf("%-18s %s\n", "footprint", json_object_get(j, "footprint") ? "polygon" : "none");
        printf("\ndependencies (%zu)\n", json_array_size(deps));
        json_array_foreach(deps, i, v) {
            const char *site = json_string_value(json_object_get(v, "site"));
            const int dependant = strcmp(site, id) == 0;
            printf("  %s %-8s %-6s %s %s\n", dependant ? "needs" : "feeds",
                   json_string_value(json_object_get(v, "service")),
                   json_string_value(json_object_get(v, "kind")), dependant ? "from" : "to",
                   dependant ? json_string_value(json_object_get(v, "supplier")) : site);
        }
        printf("\nroles (%zu)\n", json_array_size(roles));
        json_array_foreach(roles, i, v)
            printf("  %-12s %s\n", json_string_value(json_object_get(v, "phase")),
                   json_string_value(json_object_get(v, "org")));
    }
    json_decref(j);
    return 0;
}

static int do_near(bw_store *s, char **args, long limit, int json)
{
    struct bw_arena a;
    struct bw_near *v;
    double lat, lon, r;
    size_t n;
    int rc;

    if (bw_parse_double(bw_str_c(args[0]), &lat) || bw_parse_double(bw_str_c(args[1]), &lon) ||
        !bw_geo_valid(lat, lon))
        return cli_failf("LAT LON must be WGS84 degrees (latitude -90..90, longitude -180..180)");
    if (bw_parse_double(bw_str_c(args[2]), &r) || r < 0 || r > BW_RADIUS_MAX_M)
        return cli_failf("RADIUS_M must be metres between 0 and 20003932");
    bw_arena_init(&a, 64 * 1024);
    rc = bw_store_sites_near(s, lat, lon, r, limit > 0 ? (size_t)limit : 0, &a, &v, &n);
    if (rc) {
        bw_arena_release(&a);
        return cli_failf("radius query: %s", bw_strerror(rc));
    }
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *j = site_json(&v[i].site);
            json_object_set_new(j, "distance_m", json_real(v[i].distance_m));
            json_array_append_new(arr, j);
        }
        bw_arena_release(&a);
        return cli_json_print(arr);
    }
    for (size_t i = 0; i < n; i++)
        printf("%10.1f m  %-24s %-26s %s\n", v[i].distance_m, v[i].site.id, v[i].site.category,
               v[i].site.name);
    fprintf(stderr, "%zu sites within %g m\n", n, r);
    bw_arena_release(&a);
    return 0;
}

/* ---- summary ---------------------------------------------------------------------- */

struct summary_ctx {
    const bw_pack *p;
    json_t *cats;
    int64_t ci, soft, ci_cap, soft_cap;
};

static int on_category(void *ud, const char *category, int64_t n, int64_t cap)
{
    struct summary_ctx *x = ud;
    const struct bw_class *c = bw_pack_class(x->p, category, strlen(category));
    int soft = c && c->kind == BW_CLASS_CATEGORY;

    if (soft) {
        x->soft += n;
        x->soft_cap += cap;
    } else {
        x->ci += n;
        x->ci_cap += cap;
    }
    return json_array_append_new(x->cats, json_pack("{s:s,s:s,s:s,s:I,s:I}", "category",
                                                    category, "name", c ? c->name : "?", "kind",
                                                    soft ? "soft target"
                                                         : "critical infrastructure",
                                                    "sites", (json_int_t)n, "capacity",
                                                    (json_int_t)cap))
               ? BW_ENOMEM
               : 0;
}

struct top_ctx {
    struct bw_arena *a;
    struct bw_site top[10];
    size_t n;
};

static int on_top(void *ud, const struct bw_site *s)
{
    struct top_ctx *x = ud;
    size_t i;

    if (s->capacity < 0)
        return 0;
    for (i = x->n; i > 0 && x->top[i - 1].capacity < s->capacity; i--)
        ;
    if (i >= 10)
        return 0;
    if (x->n < 10)
        x->n++;
    memmove(&x->top[i + 1], &x->top[i], (x->n - 1 - i) * sizeof x->top[0]);
    x->top[i] = *s;
    x->top[i].id = bw_arena_strndup(x->a, s->id, strlen(s->id));
    x->top[i].name = bw_arena_strndup(x->a, s->name, strlen(s->name));
    x->top[i].category = bw_arena_strndup(x->a, s->category, strlen(s->category));
    return x->top[i].id && x->top[i].name && x->top[i].category ? 0 : BW_ENOMEM;
}

static int do_summary(bw_store *s, bw_pack *p, int json)
{
    struct summary_ctx x = {p, json_array(), 0, 0, 0, 0};
    struct bw_store_counts c;
    struct bw_arena a;
    struct top_ctx t = {&a, {{0}}, 0};
    json_t *top = json_array();
    size_t i;
    json_t *v;
    int rc;

    bw_arena_init(&a, 4096);
    if ((rc = bw_store_counts(s, &c)) || (rc = bw_store_category_counts(s, on_category, &x)) ||
        (rc = bw_store_sites_each(s, NULL, on_top, &t))) {
        bw_arena_release(&a);
        json_decref(x.cats);
        json_decref(top);
        return cli_failf("summary: %s", bw_strerror(rc));
    }
    for (i = 0; i < t.n; i++)
        json_array_append_new(top, json_pack("{s:s,s:s,s:s,s:I}", "id", t.top[i].id, "name",
                                             t.top[i].name, "category", t.top[i].category,
                                             "capacity", (json_int_t)t.top[i].capacity));
    bw_arena_release(&a);
    if (json)
        return cli_json_print(json_pack(
            "{s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "sites", (json_int_t)c.sites,
            "critical_infrastructure", (json_int_t)x.ci, "soft_targets", (json_int_t)x.soft,
            "organisations", (json_int_t)c.orgs, "dependencies", (json_int_t)c.deps, "roles",
            (json_int_t)c.roles, "categories", x.cats, "largest", top));
    printf("Register: %lld sites (%lld critical infrastructure, %lld soft targets), "
           "%lld organisations, %lld dependencies, %lld roles\n\n",
           (long long)c.sites, (long long)x.ci, (long long)x.soft, (long long)c.orgs,
           (long long)c.deps, (long long)c.roles);
    printf("  %-28s %-24s %6s %10s\n", "category", "kind", "sites", "capacity");
    json_array_foreach(x.cats, i, v)
        printf("  %-28s %-24s %6lld %10lld\n", json_string_value(json_object_get(v, "category")),
               json_string_value(json_object_get(v, "kind")),
               (long long)json_integer_value(json_object_get(v, "sites")),
               (long long)json_integer_value(json_object_get(v, "capacity")));
    printf("\nLargest venues by capacity\n");
    json_array_foreach(top, i, v)
        printf("  %8lld  %-22s %s\n", (long long)json_integer_value(json_object_get(v, "capacity")),
               json_string_value(json_object_get(v, "category")),
               json_string_value(json_object_get(v, "name")));
    json_decref(x.cats);
    json_decref(top);
    return 0;
}

int cmd_sites(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"category", required_argument, NULL, 'c'},
                                         {"sector", required_argument, NULL, 's'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *cat = NULL, *sector = NULL, *sub;
    int json = 0, c, rc;
    int64_t limit = 0;
    bw_store *s;
    bw_pack *p;
    char *pos[4];
    int npos = 0;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'c': cat = optarg; break;
        case 's': sector = optarg; break;
        case 'l':
            if (bw_parse_i64(bw_str_c(optarg), &limit) || limit < 0)
                return cli_usage(usage, "--limit must be a whole number >= 0");
            break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    while (optind < argc) {
        if (npos == 4)
            return cli_usage(usage, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0)
        return cli_usage(usage, "missing subcommand");
    sub = pos[0];
    if (strcmp(sub, "list") == 0 && npos != 1)
        return cli_usage(usage, "list takes no arguments");
    if (strcmp(sub, "show") == 0 && npos != 2)
        return cli_usage(usage, "show takes one ID");
    if (strcmp(sub, "near") == 0 && npos != 4)
        return cli_usage(usage, "near takes LAT LON RADIUS_M");
    if (strcmp(sub, "summary") == 0 && npos != 1)
        return cli_usage(usage, "summary takes no arguments");
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "near") && strcmp(sub, "summary"))
        return cli_usage(usage, "unknown subcommand");
    if (cat && sector)
        return cli_usage(usage, "give --category or --sector, not both");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (strcmp(sub, "list") == 0)
        rc = do_list(s, p, cat, sector, json);
    else if (strcmp(sub, "show") == 0)
        rc = do_show(s, p, pos[1], json);
    else if (strcmp(sub, "near") == 0)
        rc = do_near(s, pos + 1, (long)limit, json);
    else
        rc = do_summary(s, p, json);
    cli_close(s, p);
    return rc;
}
