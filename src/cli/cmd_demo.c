/*
 * cmd_demo.c — `bulwark demo`: build the demo register from real OpenStreetMap data.
 *
 * Steps, all inside one transaction (a failure leaves the database untouched):
 *   1. the default pack, if the database has none;
 *   2. the demo organisations (data/demo/orgs.csv) through the ordinary CSV importer;
 *   3. sites from the Liechtenstein extracts (data/osm/: critical infrastructure and
 *      soft targets, then telecom masts) through the tag mapping
 *      (data/demo/osm-mapping.json) and the ordinary site validation;
 *   4. power-line links: each line end snaps to the nearest grid site within snap_m;
 *   5. supply dependencies: for each site and service the last matching rule wins and
 *      the `nearest` suppliers (geodesic distance) are chosen;
 *   6. roles of organisations per site and phase;
 *   7. the demo threat picture: threat levels set by the demo authority
 *      (data/demo/threat-levels.csv) and measures in place or planned at sites
 *      (data/demo/measures.csv), checked like `threat-level set` and `measure add`;
 *   8. the demo framework assessment: cycle "demo-2026" with the fictional answers of
 *      data/demo/framework-answers.csv, read and checked like `framework import`;
 *   9. the demo sharing network: users of every role (data/demo/users.csv, all with the
 *      documented demo password DEMO_PASSWORD, hashed once), and fictional warnings in
 *      every state with acknowledgements and a report from the field
 *      (data/demo/warnings.json), each step taken through the same functions as
 *      `bulwark warning` (warning.h), so the CAP messages are real and signed.
 * The rules and their rationale are data in the mapping file, documented in
 * docs/demo.md. The register is a few hundred sites, so nearest-site searches are
 * brute force over an in-memory list.
 */
#include "alloc.h"
#include "arena.h"
#include "cli.h"
#include "geo.h"
#include "import.h"
#include "osm.h"
#include "csv.h"
#include "framework_answers.h"
#include "measure.h"
#include "threat.h"
#include "report.h"
#include "share.h"
#include "user.h"
#include "warning.h"

#include <libgen.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: bulwark demo [--db FILE] [--json]\n\n"
    "Builds the demo register in an empty database: the demo State's organisations, the\n"
    "sites of the OpenStreetMap extract of Liechtenstein (ODbL, (c) OpenStreetMap\n"
    "contributors) mapped to the pack's taxonomy, with the extract's telecom masts, their\n"
    "power, water and telecom dependencies and the roles of the organisations at each\n"
    "site. The mapping and its rules are in data/demo/osm-mapping.json (docs/demo.md).\n";

#define PATH_OSM "/data/osm/liechtenstein-2024-03-04-ci-softtargets.geojson"
#define PATH_TELECOM "/data/osm/liechtenstein-telecom.geojson"
#define PATH_MAP "/data/demo/osm-mapping.json"
#define PATH_ORGS "/data/demo/orgs.csv"
#define PATH_LEVELS "/data/demo/threat-levels.csv"
#define PATH_MEASURES "/data/demo/measures.csv"
#define PATH_FRAMEWORK "/data/demo/framework-answers.csv"
#define PATH_USERS "/data/demo/users.csv"
#define PATH_WARNINGS "/data/demo/warnings.json"
/* The demo accounts' password: for the demo database only (docs/demo.md). */
#define DEMO_PASSWORD "bulwark-demo-2026"

struct dsite {
    char *id, *category, *match, *op;
    double lat, lon;
    int soft;
};

struct dline {
    double lat[2], lon[2];
    size_t rule;
};

struct demo {
    bw_store *s;
    const bw_pack *p;
    struct bw_arena a;
    struct dsite *sites;
    size_t nsites, capsites;
    struct dline *lines;
    size_t nlines, caplines;
    struct bw_diag d;
    size_t deps, links, roles, levels, measures, answers, users, warnings, reports;
    const char *key_dir;
};

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
    void *nv;
    if (n < *cap)
        return 0;
    nv = bw_realloc(*v, (*cap ? *cap * 2 : 64) * elem);
    if (!nv)
        return BW_ENOMEM;
    *v = nv;
    *cap = *cap ? *cap * 2 : 64;
    return 0;
}

static char *keep(struct demo *x, const char *s)
{
    return s ? bw_arena_strndup(&x->a, s, strlen(s)) : NULL;
}

static int on_site(void *ud, const struct bw_record *r, const char *match)
{
    struct demo *x = ud;
    struct bw_arena tmp;
    struct bw_site site;
    const struct bw_class *c;
    struct dsite *ds;
    int rc;

    bw_arena_init(&tmp, 4096);
    rc = bw_site_from_record(x->p, r, &tmp, &x->d, &site);
    if (!rc)
        rc = bw_store_site_put(x->s, &site, 0, &x->d);
    if (!rc)
        rc = grow((void **)&x->sites, &x->capsites, x->nsites, sizeof *x->sites);
    if (!rc) {
        ds = &x->sites[x->nsites++];
        c = bw_pack_class(x->p, site.category, strlen(site.category));
        *ds = (struct dsite){keep(x, site.id), keep(x, site.category), keep(x, match),
                             keep(x, site.operator_id), site.lat, site.lon,
                             c && c->kind == BW_CLASS_CATEGORY};
        if (!ds->id || !ds->category || !ds->match)
            rc = BW_ENOMEM;
    }
    bw_arena_release(&tmp);
    return rc;
}

static int on_line(void *ud, const char *osm_id, size_t rule, double lat0, double lon0,
                   double lat1, double lon1)
{
    struct demo *x = ud;
    (void)osm_id;
    if (grow((void **)&x->lines, &x->caplines, x->nlines, sizeof *x->lines))
        return BW_ENOMEM;
    x->lines[x->nlines++] = (struct dline){{lat0, lat1}, {lon0, lon1}, rule};
    return 0;
}

/* True when string @p s is in the JSON array @p arr (or arr is the string "*"). */
static int in_list(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    if (json_is_string(arr))
        return strcmp(json_string_value(arr), "*") == 0 || strcmp(json_string_value(arr), s) == 0;
    json_array_foreach(arr, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    return 0;
}

/* Index of the nearest site (other than @p self) whose match is in @p matches, within
 * @p max_m metres and not excluded by @p taken; -1 when none. */
static long nearest(const struct demo *x, double lat, double lon, json_t *matches, long self,
                    const char *taken, double max_m)
{
    double best = DBL_MAX;
    long bi = -1;
    for (size_t i = 0; i < x->nsites; i++) {
        double dist;
        if ((long)i == self || (taken && taken[i]) || !in_list(matches, x->sites[i].match))
            continue;
        dist = bw_geo_distance(lat, lon, x->sites[i].lat, x->sites[i].lon);
        if (dist < best && dist <= max_m) {
            best = dist;
            bi = (long)i;
        }
    }
    return bi;
}

static int put_dep(struct demo *x, const char *site, const char *supplier, const char *service,
                   enum bw_dep_kind kind, const char *group, double buffer)
{
    struct bw_dep d = {site, supplier, service, kind, group, buffer, 0, 1};
    return bw_store_dep_put(x->s, &d, kind == BW_DEP_LINK, &x->d);
}

static int add_links(struct demo *x, json_t *map)
{
    json_t *rules = json_object_get(map, "line_rules");
    for (size_t i = 0; i < x->nlines; i++) {
        json_t *r = json_array_get(rules, x->lines[i].rule);
        double snap = json_number_value(json_object_get(r, "snap_m"));
        json_t *to = json_object_get(r, "snap_to");
        long a = nearest(x, x->lines[i].lat[0], x->lines[i].lon[0], to, -1, NULL, snap);
        long b = nearest(x, x->lines[i].lat[1], x->lines[i].lon[1], to, -1, NULL, snap);
        const char *sa, *sb;
        int rc;
        if (a < 0 || b < 0 || a == b)
            continue;
        /* One row per undirected pair: the smaller id is the "site" end. */
        sa = x->sites[a].id;
        sb = x->sites[b].id;
        if (strcmp(sa, sb) > 0) {
            const char *t = sa;
            sa = sb;
            sb = t;
        }
        rc = put_dep(x, sa, sb, json_string_value(json_object_get(r, "service")), BW_DEP_LINK,
                     NULL, 0);
        if (rc)
            return rc;
        x->links++;
    }
    return 0;
}

/* True when rule @p r applies to site @p s as a dependant. */
static int rule_applies(json_t *r, const struct dsite *s)
{
    json_t *ex = json_object_get(r, "except_match");
    if (ex && in_list(ex, s->match))
        return 0;
    return in_list(json_object_get(r, "dependants"), s->category);
}

static int add_supply(struct demo *x, json_t *map)
{
    json_t *rules = json_object_get(map, "dependency_rules");
    size_t nr = json_array_size(rules);
    char *taken = bw_calloc(x->nsites ? x->nsites : 1, 1);
    int rc = 0;

    if (!taken)
        return BW_ENOMEM;
    for (size_t i = 0; i < x->nsites && !rc; i++) {
        for (size_t k = 0; k < nr && !rc; k++) {
            json_t *r = json_array_get(rules, k);
            const char *svc = json_string_value(json_object_get(r, "service"));
            size_t later, want;
            if (!rule_applies(r, &x->sites[i]))
                continue;
            /* A later rule for the same service overrides this one. */
            for (later = k + 1; later < nr; later++) {
                json_t *r2 = json_array_get(rules, later);
                if (strcmp(json_string_value(json_object_get(r2, "service")), svc) == 0 &&
                    rule_applies(r2, &x->sites[i]))
                    break;
            }
            if (later < nr)
                continue;
            want = (size_t)json_integer_value(json_object_get(r, "nearest"));
            memset(taken, 0, x->nsites);
            for (size_t m = 0; m < want && !rc; m++) {
                long j = nearest(x, x->sites[i].lat, x->sites[i].lon,
                                 json_object_get(r, "suppliers"), (long)i, taken, DBL_MAX);
                if (j < 0)
                    break;
                taken[j] = 1;
                rc = put_dep(x, x->sites[i].id, x->sites[j].id, svc, BW_DEP_SUPPLY,
                             json_string_value(json_object_get(r, "redundancy_group")),
                             json_number_value(json_object_get(r, "buffer_hours")));
                x->deps += rc == 0;
            }
        }
    }
    bw_free(taken);
    return rc;
}

static int add_roles(struct demo *x, json_t *map)
{
    json_t *rules = json_object_get(map, "role_rules"), *r, *ph;
    size_t k, m;

    for (size_t i = 0; i < x->nsites; i++) {
        const struct dsite *s = &x->sites[i];
        json_array_foreach(rules, k, r) {
            const char *org = json_string_value(json_object_get(r, "org"));
            json_t *kinds = json_object_get(r, "kinds"), *cats = json_object_get(r, "categories");
            if (kinds && !in_list(kinds, s->soft ? "soft target" : "critical infrastructure"))
                continue;
            if (cats && !in_list(cats, s->category))
                continue;
            if (org && strcmp(org, "$operator") == 0)
                org = s->op;
            if (!org)
                continue;
            json_array_foreach(json_object_get(r, "phases"), m, ph) {
                struct bw_role role = {org, s->id, json_string_value(ph), NULL};
                /* Upsert: two rules may give one organisation the same phase at a site. */
                int rc = bw_store_role_put(x->s, &role, 1, &x->d);
                if (rc)
                    return rc;
                x->roles++;
            }
        }
    }
    return 0;
}

/* ---- the demo threat picture ---------------------------------------------------------- */

/* Reads the CSV @p text (a header with exactly the columns @p cols, then records) and
 * calls @p row for each record with its fields as NUL-terminated strings in x->a (an
 * empty field is NULL). Errors name the file, line and column in x->d. */
static int each_csv(struct demo *x, const char *file, const char *text, size_t n,
                    const char *const *cols, size_t ncols,
                    int (*row)(struct demo *x, const char **v))
{
    bw_csv *r = NULL;
    struct bw_str *f;
    size_t nf;
    uint64_t line;
    const char *v[16];
    int rc, got, header = 1;

    bw_diag_clear(&x->d);
    bw_diag_file(&x->d, file);
    if ((rc = bw_csv_open(text, n, &r)))
        return bw_diag_set(&x->d, rc, NULL, "cannot read");
    while ((got = bw_csv_next(r, &f, &nf, &line, &x->d)) == 1) {
        x->d.line = line;
        if (nf != ncols) {
            rc = bw_diag_set(&x->d, BW_EPARSE, NULL, "expected %zu fields, found %zu", ncols, nf);
            goto out;
        }
        for (size_t i = 0; i < nf; i++) {
            if (header) {
                if (f[i].n != strlen(cols[i]) || memcmp(f[i].p, cols[i], f[i].n) != 0) {
                    rc = bw_diag_set(&x->d, BW_EPARSE, cols[i], "header: expected column '%s'",
                                     cols[i]);
                    goto out;
                }
            } else if (!f[i].n) {
                v[i] = NULL;
            } else if (!(v[i] = bw_arena_strndup(&x->a, f[i].p, f[i].n))) {
                rc = bw_diag_set(&x->d, BW_ENOMEM, NULL, "out of memory");
                goto out;
            }
        }
        if (!header && (rc = row(x, v)))
            goto out;
        header = 0;
    }
    rc = got; /* 0 at the end, or the reader's error (x->d filled) */
out:
    bw_csv_free(r);
    return rc;
}

static int level_row(struct demo *x, const char **v)
{
    struct bw_threat_level e = {0, v[0], v[1], 0, v[2], v[3], v[4], v[5], v[6], v[7]};
    char day[11] = "";
    int rc;

    /* set_at is given so the demo is reproducible; only its shape is checked. */
    if (e.set_at && strlen(e.set_at) >= 20 && strlen(e.set_at) <= 30 && e.set_at[10] == 'T') {
        memcpy(day, e.set_at, 10);
        day[10] = 0;
    }
    if (!bw_date_valid(day) || e.set_at[strlen(e.set_at) - 1] != 'Z')
        return bw_diag_set(&x->d, BW_EINVAL, "set_at", "'%s' is not a time YYYY-MM-DDTHH:MM:SSZ",
                           e.set_at ? e.set_at : "");
    if ((rc = bw_threat_level_check(x->p, &e, &x->d)) ||
        (rc = bw_store_threat_level_add(x->s, &e, &x->a, &x->d)))
        return rc;
    x->levels++;
    return 0;
}

static int measure_row(struct demo *x, const char **v)
{
    struct bw_site_measure m = {v[0], v[1], -1, 0, v[4], v[5]};
    char *end = NULL;
    int rc;

    if (v[2])
        m.quality = strtod(v[2], &end);
    if (!v[2] || *end || !isfinite(m.quality))
        return bw_diag_set(&x->d, BW_EINVAL, "quality", "'%s' is not a number 0..1",
                           v[2] ? v[2] : "");
    if (!v[3] || (strcmp(v[3], "0") && strcmp(v[3], "1")))
        return bw_diag_set(&x->d, BW_EINVAL, "planned", "must be 0 or 1");
    m.planned = v[3][0] == '1';
    if ((rc = bw_site_measure_check(x->p, &m, &x->d)) ||
        (rc = bw_store_site_measure_put(x->s, &m, &x->d)))
        return rc;
    x->measures++;
    return 0;
}

static int add_threat_picture(struct demo *x, const char *levels, size_t nlevels,
                              const char *measures, size_t nmeasures)
{
    static const char *const lcols[] = {"threat", "level",  "region", "sector",
                                        "valid_from", "valid_to", "set_at", "note"};
    static const char *const mcols[] = {"site", "measure", "quality", "planned", "date", "note"};
    int rc;

    if ((rc = each_csv(x, PATH_LEVELS + 1, levels, nlevels, lcols, 8, level_row)))
        return rc;
    return each_csv(x, PATH_MEASURES + 1, measures, nmeasures, mcols, 6, measure_row);
}

/* Opens the demo framework assessment and gives it the answers of @p text. */
static int add_framework(struct demo *x, const char *text, size_t n)
{
    struct bw_fw_answer *ans;
    size_t na;
    int64_t id;
    int rc;

    bw_diag_clear(&x->d);
    bw_diag_file(&x->d, PATH_FRAMEWORK + 1);
    if ((rc = bw_fw_answers_read(x->p, text, n, &x->a, &ans, &na, &x->d)))
        return rc;
    bw_diag_clear(&x->d);
    if ((rc = bw_store_fw_new(x->s, "demo-2026", bw_pack_version(x->p), &id, &x->d)))
        return rc;
    if ((rc = bw_store_fw_answers_import(x->s, id, ans, na, PATH_FRAMEWORK + 1, &x->d)))
        return rc;
    x->answers = na;
    return BW_OK;
}

/* The principal of demo user @p name (strings in the demo's arena). */
static int demo_user(struct demo *x, const char *name, struct bw_principal *p)
{
    int rc = cli_principal(x->s, name, &x->a, p, &x->d);
    if (!rc)
        p->token_kind = "demo";
    return rc;
}

static int demo_users(struct demo *x, const char *text, size_t n)
{
    char hash[BW_PWHASH_SIZE];
    char *copy = bw_arena_strndup(&x->a, text, n), *line, *save = NULL;
    int first = 1, rc;

    if (!copy || bw_password_hash(DEMO_PASSWORD, strlen(DEMO_PASSWORD), hash))
        return BW_ENOMEM;
    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[3], *fs = NULL;
        struct bw_user u = {0};
        if (first) { /* the header line */
            first = 0;
            continue;
        }
        f[0] = strtok_r(line, ",\r", &fs);
        f[1] = strtok_r(NULL, ",\r", &fs);
        f[2] = strtok_r(NULL, ",\r", &fs);
        if (!f[0] || !f[1] || !f[2])
            return bw_diag_set(&x->d, BW_EPARSE, NULL, "%s: a line needs name,org,role",
                               PATH_USERS + 1);
        if ((rc = bw_user_name_check(f[0], &x->d)) || (rc = bw_role_parse(f[2], &x->d, &u.role)))
            return rc;
        u.name = f[0];
        u.org = f[1];
        u.password_hash = hash;
        if ((rc = bw_store_user_add(x->s, &u, &x->d)))
            return rc;
        x->users++;
    }
    return BW_OK;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* One demo warning: its document, then each step by its user, then acknowledgements. */
static int demo_warning(struct demo *x, json_t *w)
{
    struct bw_warning_env env = {x->key_dir, NULL, "demo"};
    struct bw_principal who;
    struct bw_warning_result res;
    json_t *steps = json_object_get(w, "steps"), *acks = json_object_get(w, "acks"), *st;
    char *doc = json_dumps(json_object_get(w, "document"), JSON_COMPACT);
    int64_t id = 0;
    size_t i;
    int rc = doc ? BW_OK : BW_ENOMEM;

    json_array_foreach(steps, i, st) {
        const char *step = json_string_value(json_array_get(st, 0));
        if (rc || (rc = demo_user(x, json_string_value(json_array_get(st, 1)), &who)))
            break;
        if (strcmp(step, "draft") == 0)
            rc = bw_warning_draft(x->s, x->p, &who, &env, doc, strlen(doc), PATH_WARNINGS + 1,
                                  &id, &x->d);
        else if (strcmp(step, "approve") == 0)
            rc = bw_warning_approve(x->s, &who, &env, id, NULL, &x->d);
        else
            rc = bw_warning_publish(x->s, x->p, &who, &env, id,
                                    strcmp(step, "issue") == 0 ? BW_WSTEP_ISSUE : BW_WSTEP_CANCEL,
                                    NULL, 0, NULL, &x->a, &res, &x->d);
    }
    json_array_foreach(acks, i, st) {
        if (rc || (rc = demo_user(x, json_string_value(json_array_get(st, 0)), &who)))
            break;
        rc = bw_warning_ack(x->s, &who, &env, id, NULL, json_string_value(json_array_get(st, 1)),
                            json_string_value(json_array_get(st, 2)), &x->d);
    }
    free(doc);
    if (!rc)
        x->warnings++;
    return rc;
}

static int demo_network(struct demo *x, const char *users, size_t nusers, const char *text,
                        size_t n)
{
    json_t *root, *arr, *e;
    size_t i;
    int rc;

    bw_diag_clear(&x->d);
    bw_diag_file(&x->d, PATH_USERS + 1);
    if ((rc = demo_users(x, users, nusers)))
        return rc;
    bw_diag_clear(&x->d);
    bw_diag_file(&x->d, PATH_WARNINGS + 1);
    root = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
    if (!root)
        return bw_diag_set(&x->d, BW_EPARSE, NULL, "not valid JSON");
    arr = json_object_get(root, "warnings");
    json_array_foreach(arr, i, e) {
        if ((rc = demo_warning(x, e)))
            break;
    }
    json_array_foreach(json_object_get(root, "reports"), i, e) {
        struct bw_principal who;
        struct bw_report r;
        json_t *lat = json_object_get(e, "lat"), *lon = json_object_get(e, "lon");
        if (rc || (rc = demo_user(x, jstr(e, "as"), &who)))
            break;
        memset(&r, 0, sizeof r);
        r.lat = lat ? json_number_value(lat) : NAN;
        r.lon = lon ? json_number_value(lon) : NAN;
        r.description = jstr(e, "description");
        if ((rc = bw_tlp_parse(jstr(e, "tlp"), "tlp", &x->d, &r.item.tlp)) ||
            (rc = bw_report_type_parse(jstr(e, "type"), &x->d, &r.type)) ||
            (rc = bw_report_file(x->s, &who, &r, NULL, &x->d)))
            break;
        x->reports++;
    }
    json_decref(root);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    char path[4096], *osm = NULL, *telecom = NULL, *mapping = NULL, *orgs = NULL;
    char *levels = NULL, *measures = NULL, *answers = NULL, *users = NULL, *warnings = NULL;
    char dbdir[4096];
    size_t nosm, ntel, nmap, norgs, nlevels, nmeasures, nanswers, norg_records = 0;
    size_t nusers, nwarnings;
    struct demo x = {0};
    struct bw_store_counts counts;
    struct bw_osm_stats st, st2;
    struct bw_osm_cbs cbs = {on_site, on_line, &x};
    struct bw_import_opts io = {.entity = BW_ENTITY_ORGS, .format = BW_FORMAT_CSV};
    bw_pack *p = NULL;
    json_t *map = NULL;
    int json = 0, c, rc = 1;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "demo takes no arguments");
    snprintf(path, sizeof path, "%s" PATH_OSM, cli_home());
    if (cli_read_file(path, 64u << 20, &osm, &nosm))
        return 1;
    snprintf(path, sizeof path, "%s" PATH_TELECOM, cli_home());
    if (cli_read_file(path, 64u << 20, &telecom, &ntel))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_MAP, cli_home());
    if (cli_read_file(path, 1u << 20, &mapping, &nmap))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_ORGS, cli_home());
    if (cli_read_file(path, 1u << 20, &orgs, &norgs))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_LEVELS, cli_home());
    if (cli_read_file(path, 1u << 20, &levels, &nlevels))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_MEASURES, cli_home());
    if (cli_read_file(path, 1u << 20, &measures, &nmeasures))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_FRAMEWORK, cli_home());
    if (cli_read_file(path, 1u << 20, &answers, &nanswers))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_USERS, cli_home());
    if (cli_read_file(path, 1u << 20, &users, &nusers))
        goto out;
    snprintf(path, sizeof path, "%s" PATH_WARNINGS, cli_home());
    if (cli_read_file(path, 1u << 20, &warnings, &nwarnings))
        goto out;
    if (bw_user_crypto_init()) {
        cli_failf("libsodium cannot start");
        goto out;
    }
    snprintf(dbdir, sizeof dbdir, "%s", cli_db_path(db));
    x.key_dir = dirname(dbdir);
    map = json_loadb(mapping, nmap, JSON_REJECT_DUPLICATES, NULL);
    if (!map) {
        cli_failf("%s: not valid JSON", PATH_MAP + 1);
        goto out;
    }
    if (cli_open(cli_db_path(db), 0, &x.s, &p))
        goto out;
    bw_arena_init(&x.a, 64 * 1024);
    bw_diag_clear(&x.d);
    if (bw_store_begin(x.s)) {
        cli_failf("cannot start a transaction");
        goto out;
    }
    if (!p) {
        /* Inside the transaction, so a failed demo leaves no pack behind either. */
        snprintf(path, sizeof path, "%s/packs/default", cli_home());
        if (cli_store_pack(x.s, path, &p))
            goto fail_quiet;
    }
    x.p = p;
    if (bw_store_counts(x.s, &counts) || counts.sites || counts.orgs) {
        cli_failf("%s already holds a register (%lld sites, %lld organisations); "
                  "use an empty database (--db NEW.db)",
                  cli_db_path(db), (long long)counts.sites, (long long)counts.orgs);
        goto fail_quiet;
    }
    snprintf(path, sizeof path, "%s" PATH_ORGS, cli_home());
    if (bw_import_mem(x.s, p, path, orgs, norgs, &io, &norg_records, &x.d))
        goto fail;
    bw_diag_file(&x.d, PATH_OSM + 1);
    if (bw_osm_map(osm, nosm, mapping, nmap, &cbs, &st, &x.d))
        goto fail;
    bw_diag_clear(&x.d);
    bw_diag_file(&x.d, PATH_TELECOM + 1);
    if (bw_osm_map(telecom, ntel, mapping, nmap, &cbs, &st2, &x.d))
        goto fail;
    st.features += st2.features;
    st.sites += st2.sites;
    st.lines += st2.lines;
    st.skipped += st2.skipped;
    bw_diag_clear(&x.d);
    bw_diag_file(&x.d, PATH_MAP + 1);
    if (add_links(&x, map) || add_supply(&x, map) || add_roles(&x, map))
        goto fail;
    if (add_threat_picture(&x, levels, nlevels, measures, nmeasures))
        goto fail;
    if (add_framework(&x, answers, nanswers))
        goto fail;
    if (demo_network(&x, users, nusers, warnings, nwarnings))
        goto fail;
    {
        /* The register built from OpenStreetMap is one audited import (the levels,
         * measures and answers above have their own entries). */
        char detail[256];
        const struct bw_audit_entry e = {"import", "register", NULL, NULL, detail};
        snprintf(detail, sizeof detail,
                 "{\"source\":\"demo\",\"sites\":%zu,\"links\":%zu,\"supply_dependencies\":%zu,"
                 "\"roles\":%zu}",
                 st.sites, x.links, x.deps, x.roles);
        if (bw_store_audit_append(x.s, &e, &x.d))
            goto fail;
    }
    if (bw_store_commit(x.s)) {
        cli_failf("commit failed: nothing was written");
        goto fail_quiet;
    }
    if (json) {
        cli_json_print(json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                                 "organisations",
                                 (json_int_t)norg_records, "features", (json_int_t)st.features,
                                 "sites", (json_int_t)st.sites, "skipped",
                                 (json_int_t)st.skipped, "links", (json_int_t)x.links,
                                 "supply_dependencies", (json_int_t)x.deps, "roles",
                                 (json_int_t)x.roles, "threat_levels", (json_int_t)x.levels,
                                 "site_measures", (json_int_t)x.measures,
                                 "framework_answers", (json_int_t)x.answers, "users",
                                 (json_int_t)x.users, "warnings", (json_int_t)x.warnings,
                                 "reports", (json_int_t)x.reports));
    } else {
        printf("Demo register built in %s from OpenStreetMap (c) OpenStreetMap contributors, "
               "ODbL:\n"
               "  %zu organisations, %zu sites from %zu features (%zu skipped by the mapping),\n"
               "  %zu power-line links, %zu supply dependencies, %zu roles\n"
               "  %zu threat levels set, %zu measures at sites (demo threat picture)\n"
               "  framework assessment 'demo-2026': %zu answers (fictional demo set)\n"
               "  sharing network: %zu users (password '" DEMO_PASSWORD "', demo only), %zu "
               "warnings, %zu report\n",
               cli_db_path(db), norg_records, st.sites, st.features, st.skipped, x.links, x.deps,
               x.roles, x.levels, x.measures, x.answers, x.users, x.warnings, x.reports);
    }
    rc = 0;
    goto out;
fail:
    cli_fail(&x.d);
fail_quiet:
    bw_store_rollback(x.s);
    fprintf(stderr, "bulwark: demo not built; the database is unchanged\n");
out:
    json_decref(map);
    bw_free(osm);
    bw_free(telecom);
    bw_free(mapping);
    bw_free(orgs);
    bw_free(users);
    bw_free(warnings);
    bw_free(levels);
    bw_free(measures);
    bw_free(answers);
    bw_free(x.sites);
    bw_free(x.lines);
    bw_arena_release(&x.a);
    cli_close(x.s, p);
    return rc;
}
