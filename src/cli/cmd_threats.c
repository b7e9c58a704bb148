/*
 * cmd_threats.c — `bulwark threats list|levels|gtd` (the threat picture of the pack) and
 * `bulwark threat-level set|history|show` (the levels set by the authority).
 *
 * Levels are history: `set` only ever adds an entry; `show` resolves, for a date, the
 * national level of every threat type and each regional or sectoral level that
 * overrides it, with the rule of bw_threat_level_find (threat.h).
 */
#include "arena.h"
#include "cli.h"
#include "threat.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char usage_threats[] =
    "usage: bulwark threats list [--json]\n"
    "       bulwark threats levels [--json]\n"
    "       bulwark threats gtd [--json]\n\n"
    "  list    the pack's threat types (modus operandi) with their family, physical\n"
    "          parameters (TNT kg, vehicle kg and speed, drone mass/speed/range/payload),\n"
    "          GTD codes and the restoration attack type they map to\n"
    "  levels  the national threat-level scale, its default and the gap threshold\n"
    "  gtd     the GTD target types mapped onto the taxonomy\n\n"
    "All take --db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

static const char usage_level[] =
    "usage: bulwark threat-level set --type T --level L [--region R] [--sector S]\n"
    "                                [--from DATE] [--to DATE] [--note TEXT]\n"
    "       bulwark threat-level history [--json]\n"
    "       bulwark threat-level show [--date DATE] [--json]\n\n"
    "  set      adds a level to the history (never changes an earlier one). T is a threat\n"
    "           type id, a family (e.g. vbied) or '*' (or all) for all; L a level of the\n"
    "           scale (`bulwark threats levels`, any case); S a sector, subsector or\n"
    "           category; DATE is YYYY-MM-DD, --from defaults to today, --to (the last\n"
    "           day in force) to open-ended\n"
    "  history  every level ever set, oldest first\n"
    "  show     the levels in force on DATE (default today): the national level of every\n"
    "           threat type and each regional or sectoral level that overrides it. The\n"
    "           most specific entry wins (threat type > family > '*', then region, then\n"
    "           sector); ties go to the latest set; none set gives the pack's default\n\n"
    "All take --db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

static json_t *codes_json(const int *c, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(c[i]));
    return a;
}

/* The parameters that apply, as "TNT 227 kg, 2100 kg at 48 km/h" (empty when none). */
static void params_text(const struct bw_threat *t, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    if (t->tnt_kg > 0)
        k += (size_t)snprintf(buf + k, n - k, "TNT %g kg", t->tnt_kg);
    if (t->vehicle_kg > 0 && k < n)
        k += (size_t)snprintf(buf + k, n - k, "%s%g kg at %g km/h", k ? ", " : "", t->vehicle_kg,
                              t->speed_kmh);
    if (t->uas_mass_g > 0 && k < n)
        snprintf(buf + k, n - k, "%s%g g, %g m/s, %g km, payload %g g", k ? ", " : "",
                 t->uas_mass_g, t->uas_speed_ms, t->uas_range_km, t->uas_payload_g);
}

static json_t *threat_json(const struct bw_threat *t)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "id", t->id, "name", t->name, "family", t->family,
                          "restoration_attack", t->restoration_attack);
    json_t *par = json_object();
    static const char *const keys[] = {"tnt_kg",   "vehicle_kg", "speed_kmh", "uas_mass_g",
                                       "uas_speed_ms", "uas_range_km", "uas_payload_g"};
    const double vals[] = {t->tnt_kg,       t->vehicle_kg,   t->speed_kmh,   t->uas_mass_g,
                           t->uas_speed_ms, t->uas_range_km, t->uas_payload_g};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        if (vals[i] > 0)
            json_object_set_new(par, keys[i], json_real(vals[i]));
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "gtd", json_pack("{s:o,s:o}", "attacktype",
                                            codes_json(t->gtd_attacktypes, t->ngtd_attacktypes),
                                            "weaptype",
                                            codes_json(t->gtd_weaptypes, t->ngtd_weaptypes)));
    json_object_set_new(j, "source", json_string(t->source));
    if (t->note)
        json_object_set_new(j, "note", json_string(t->note));
    return j;
}

static int threats_list(const bw_pack *p, int json)
{
    size_t n;
    const struct bw_threat *t = bw_pack_threats(p, &n);
    char buf[160];

    if (!n)
        return cli_failf("the pack has no threat types (pack.json \"files\": \"threats\")");
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, threat_json(&t[i]));
        return cli_json_print(a);
    }
    printf("%-22s %-15s %-15s %s\n", "ID", "FAMILY", "RESTORATION", "PARAMETERS");
    for (size_t i = 0; i < n; i++) {
        params_text(&t[i], buf, sizeof buf);
        printf("%-22s %-15s %-15s %s\n", t[i].id, t[i].family, t[i].restoration_attack,
               buf[0] ? buf : "-");
    }
    printf("\n%zu threat types; `--json` gives names, GTD codes, sources and assumptions\n", n);
    return 0;
}

static int threats_levels(const bw_pack *p, int json)
{
    size_t n;
    const struct bw_threat_level_def *l = bw_pack_threat_levels(p, &n);
    const struct bw_threat_level_def *def, *gap;

    if (!n)
        return cli_failf("the pack has no threat-level scale");
    def = bw_pack_threat_level_rank(p, bw_pack_threat_level_default(p));
    gap = bw_pack_threat_level_rank(p, bw_pack_threat_level_gap_threshold(p));
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:i,s:s,s:s,s:s,s:s}", "rank", l[i].rank, "id",
                                               l[i].id, "name", l[i].name, "meaning",
                                               l[i].meaning, "source", l[i].source));
        return cli_json_print(json_pack("{s:o,s:s,s:s}", "levels", a, "default", def->id,
                                        "gap_threshold", gap->id));
    }
    for (size_t i = 0; i < n; i++)
        printf("%d  %-12s %s\n", l[i].rank, l[i].id, l[i].meaning);
    printf("\ndefault (no level set): %s; gaps count threats at %s or above\n", def->id, gap->id);
    return 0;
}

static int threats_gtd(const bw_pack *p, int json)
{
    size_t n;
    const struct bw_gtd_target *g = bw_pack_gtd_targets(p, &n);
    json_t *a = json ? json_array() : NULL;

    for (size_t i = 0; i < n; i++) {
        if (json) {
            json_t *cl = json_array();
            for (size_t k = 0; k < g[i].nclasses; k++)
                json_array_append_new(cl, json_string(g[i].classes[k]));
            json_array_append_new(a, json_pack("{s:i,s:s,s:o,s:s}", "code", g[i].code, "name",
                                               g[i].name, "classes", cl, "source", g[i].source));
            continue;
        }
        printf("%2d %-32s", g[i].code, g[i].name);
        for (size_t k = 0; k < g[i].nclasses; k++)
            printf("%s%s", k ? ", " : " ", g[i].classes[k]);
        printf("%s\n", g[i].nclasses ? "" : " (not mapped)");
    }
    return json ? cli_json_print(a) : 0;
}

int cmd_threats(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *what;
    int json = 0, c, rc;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage_threats);
        default: return cli_usage(usage_threats, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(usage_threats, "expected list, levels or gtd");
    what = argv[optind];
    if (strcmp(what, "list") && strcmp(what, "levels") && strcmp(what, "gtd"))
        return cli_usage(usage_threats, "expected list, levels or gtd");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (strcmp(what, "list") == 0)
        rc = threats_list(p, json);
    else if (strcmp(what, "levels") == 0)
        rc = threats_levels(p, json);
    else
        rc = threats_gtd(p, json);
    cli_close(s, p);
    return rc;
}

/* ---- threat-level ------------------------------------------------------------------- */

static json_t *level_json(const struct bw_threat_level *e)
{
    return json_pack("{s:I,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o}", "id", (json_int_t)e->id, "threat",
                     e->threat, "level", e->level, "region", cli_str_or_null(e->region), "sector",
                     cli_str_or_null(e->sector), "valid_from", e->valid_from, "valid_to",
                     cli_str_or_null(e->valid_to), "set_at", e->set_at, "note", cli_str_or_null(e->note));
}

/* The canonical id of level @p name, matched without regard to case, or NULL. */
static const char *level_id(const bw_pack *p, const char *name)
{
    size_t n;
    const struct bw_threat_level_def *l = bw_pack_threat_levels(p, &n);
    for (size_t i = 0; name && i < n; i++)
        if (strcasecmp(l[i].id, name) == 0)
            return l[i].id;
    return NULL;
}

static int level_set(bw_store *s, const bw_pack *p, struct bw_threat_level *e)
{
    struct bw_diag d;
    struct bw_arena a;
    size_t n;
    int rc;

    bw_diag_clear(&d);
    if (!e->threat)
        return cli_usage(usage_level, "set needs --type");
    if (!e->level)
        return cli_usage(usage_level, "set needs --level");
    if (strcmp(e->threat, "all") == 0)
        e->threat = "*"; /* '*' needs quoting in a shell */
    if (level_id(p, e->level))
        e->level = level_id(p, e->level);
    if ((rc = bw_threat_level_check(p, e, &d))) {
        if (strcmp(d.field, "level") == 0) {
            const struct bw_threat_level_def *l = bw_pack_threat_levels(p, &n);
            fprintf(stderr, "bulwark: unknown threat level '%s' (levels:", e->level);
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, " %s", l[i].id);
            fprintf(stderr, ")\n");
            return 1;
        }
        return cli_fail(&d);
    }
    bw_arena_init(&a, 1024);
    rc = bw_store_threat_level_add(s, e, &a, &d);
    if (rc) {
        rc = cli_fail(&d);
    } else {
        printf("threat level #%lld: %s %s", (long long)e->id, e->threat, e->level);
        if (e->region || e->sector)
            printf(" (%s%s%s%s%s)", e->region ? "region " : "", e->region ? e->region : "",
                   e->region && e->sector ? ", " : "", e->sector ? "sector " : "",
                   e->sector ? e->sector : "");
        printf(" from %s%s%s, set %s\n", e->valid_from, e->valid_to ? " to " : "",
               e->valid_to ? e->valid_to : "", e->set_at);
    }
    bw_arena_release(&a);
    return rc;
}

static int level_history(bw_store *s, const bw_pack *p, int json)
{
    struct bw_arena a;
    struct bw_threat_level *e;
    size_t n;
    int rc;

    bw_arena_init(&a, 16384);
    rc = bw_store_threat_levels_load(s, p, NULL, &a, &e, &n);
    if (rc) {
        bw_arena_release(&a);
        return cli_failf("reading the threat-level history: %s", bw_strerror(rc));
    }
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, level_json(&e[i]));
        rc = cli_json_print(arr);
    } else {
        printf("%-4s %-24s %-20s %-12s %-12s %-24s %-10s %-10s %s\n", "#", "SET", "THREAT",
               "LEVEL", "REGION", "SECTOR", "FROM", "TO", "NOTE");
        for (size_t i = 0; i < n; i++)
            printf("%-4lld %-24s %-20s %-12s %-12s %-24s %-10s %-10s %s\n", (long long)e[i].id,
                   e[i].set_at, e[i].threat, e[i].level, e[i].region ? e[i].region : "*",
                   e[i].sector ? e[i].sector : "*", e[i].valid_from,
                   e[i].valid_to ? e[i].valid_to : "-", e[i].note ? e[i].note : "");
        if (!n)
            printf("(no threat level set: every threat is at the pack default)\n");
    }
    bw_arena_release(&a);
    return rc;
}

/* A scope (region, sector) some entry valid on the date names, besides the national one. */
struct scope {
    const char *region, *sector;
};

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int level_show(bw_store *s, const bw_pack *p, const char *date, int json)
{
    struct bw_arena a;
    struct bw_threat_level *e;
    struct scope *sc = NULL;
    size_t n, nt, nsc = 0;
    const struct bw_threat *t = bw_pack_threats(p, &nt);
    const struct bw_threat_level_def *def = bw_pack_threat_level_rank(p,
                                                                    bw_pack_threat_level_default(p));
    json_t *arr = json ? json_array() : NULL;
    int rc;

    bw_arena_init(&a, 16384);
    rc = bw_store_threat_levels_load(s, p, date, &a, &e, &n);
    if (rc) {
        bw_arena_release(&a);
        json_decref(arr);
        return cli_failf("reading the threat levels: %s", bw_strerror(rc));
    }
    /* The national scope first, then each distinct (region, sector) in entry order. */
    sc = bw_arena_alloc(&a, (n + 1) * sizeof *sc);
    if (!sc) {
        bw_arena_release(&a);
        json_decref(arr);
        return cli_failf("out of memory");
    }
    sc[nsc++] = (struct scope){NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < nsc; k++)
            if (same(sc[k].region, e[i].region) && same(sc[k].sector, e[i].sector))
                break;
        if (k == nsc)
            sc[nsc++] = (struct scope){e[i].region, e[i].sector};
    }
    if (!json) {
        printf("threat levels in force on %s (default %s)\n", date, def ? def->id : "-");
        printf("%-22s %-12s %-24s %-12s %-10s %-10s %s\n", "THREAT", "REGION", "SECTOR", "LEVEL",
               "FROM", "TO", "ENTRY");
    }
    for (size_t i = 0; i < nt; i++) {
        for (size_t k = 0; k < nsc; k++) {
            const struct bw_threat_level *f = bw_threat_level_find(p, e, n, date, t[i].id,
                                                                   sc[k].region, sc[k].sector);
            int rank = bw_threat_level_resolve(p, e, n, date, t[i].id, sc[k].region,
                                               sc[k].sector);
            const struct bw_threat_level_def *l = bw_pack_threat_level_rank(p, rank);
            /* A scope other than the national one is shown only where an entry for that
             * region or sector is what decides. */
            if (k > 0 && (!f || (!f->region && !f->sector)))
                continue;
            if (json) {
                json_t *j = json_pack("{s:s,s:o,s:o,s:s,s:i}", "threat", t[i].id, "region",
                                      cli_str_or_null(sc[k].region), "sector", cli_str_or_null(sc[k].sector),
                                      "level", l ? l->id : "?", "rank", rank);
                json_object_set_new(j, "entry", f ? json_integer(f->id) : json_null());
                json_object_set_new(j, "valid_from", cli_str_or_null(f ? f->valid_from : NULL));
                json_object_set_new(j, "valid_to", cli_str_or_null(f ? f->valid_to : NULL));
                json_array_append_new(arr, j);
                continue;
            }
            printf("%-22s %-12s %-24s %-12s %-10s %-10s %s", t[i].id,
                   sc[k].region ? sc[k].region : "*", sc[k].sector ? sc[k].sector : "*",
                   l ? l->id : "?", f ? f->valid_from : "-",
                   f && f->valid_to ? f->valid_to : "-", f ? "#" : "default\n");
            if (f)
                printf("%lld (%s)\n", (long long)f->id, f->threat);
        }
    }
    if (json)
        rc = cli_json_print(json_pack("{s:s,s:s,s:o}", "date", date, "default",
                                      def ? def->id : "", "levels", arr));
    bw_arena_release(&a);
    return rc;
}

int cmd_threat_level(int argc, char **argv)
{
    enum { O_TYPE = 1, O_LEVEL, O_REGION, O_SECTOR, O_FROM, O_TO, O_NOTE, O_DATE };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"type", required_argument, NULL, O_TYPE},
                                         {"level", required_argument, NULL, O_LEVEL},
                                         {"region", required_argument, NULL, O_REGION},
                                         {"sector", required_argument, NULL, O_SECTOR},
                                         {"from", required_argument, NULL, O_FROM},
                                         {"to", required_argument, NULL, O_TO},
                                         {"note", required_argument, NULL, O_NOTE},
                                         {"date", required_argument, NULL, O_DATE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_threat_level e = {0};
    const char *db = NULL, *what, *date = NULL;
    char now[11];
    int json = 0, c, rc;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case O_TYPE: e.threat = optarg; break;
        case O_LEVEL: e.level = optarg; break;
        case O_REGION: e.region = optarg; break;
        case O_SECTOR: e.sector = optarg; break;
        case O_FROM: e.valid_from = optarg; break;
        case O_TO: e.valid_to = optarg; break;
        case O_NOTE: e.note = optarg; break;
        case O_DATE: date = optarg; break;
        case 'h': return cli_help(usage_level);
        default: return cli_usage(usage_level, "unknown or incomplete option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(usage_level, "expected set, history or show");
    what = argv[optind];
    if (strcmp(what, "set") && strcmp(what, "history") && strcmp(what, "show"))
        return cli_usage(usage_level, "expected set, history or show");
    if (strcmp(what, "set") != 0 && (e.threat || e.level || e.region || e.sector ||
                                     e.valid_from || e.valid_to || e.note))
        return cli_usage(usage_level, "--type, --level, --region, --sector, --from, --to and "
                                      "--note belong to `set`");
    if (strcmp(what, "show") != 0 && date)
        return cli_usage(usage_level, "--date belongs to `show`");
    cli_today(now);
    if (date && !bw_date_valid(date))
        return cli_failf("--date: '%s' is not a date (YYYY-MM-DD)", date);
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (!bw_pack_threat_level_default(p))
        rc = cli_failf("the pack has no threat-level scale (pack.json \"files\": \"threats\")");
    else if (strcmp(what, "set") == 0)
        rc = level_set(s, p, &e);
    else if (strcmp(what, "history") == 0)
        rc = level_history(s, p, json);
    else
        rc = level_show(s, p, date ? date : now, json);
    cli_close(s, p);
    return rc;
}
