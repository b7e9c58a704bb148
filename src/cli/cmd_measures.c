/*
 * cmd_measures.c — `bulwark measures list` (the pack's good-practice catalogue),
 * `bulwark measure add|rm|list` (measures in place or planned at sites) and
 * `bulwark gaps` (recommended measures a site lacks, given the threat picture).
 *
 * The gap rule (docs/methodology.md, "Threat picture and protective measures"): a
 * catalogue measure is a gap at a site when
 *   1. it is recommended for the site's class or capacity tier (bw_measure_recommended;
 *      the tier comes from the designation criteria applied to the site as it is now),
 *   2. it acts on at least one threat type whose level in force at the site (its region
 *      and category, on the date) is at or above the pack's gap threshold, and
 *   3. the site does not have it in place at quality >= GAP_QUALITY_MIN: it is missing,
 *      only planned, or in place but weak.
 */
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "designate.h"
#include "measure.h"
#include "threat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A measure in place below this quality is reported as a weak gap (assumption: below
 * half of what the catalogue's effectiveness assumes, it should be brought up to standard). */
#define GAP_QUALITY_MIN 0.5

static const char usage_measures[] =
    "usage: bulwark measures list [--json]\n\n"
    "The pack's good-practice catalogue: kind, effectiveness (reduction of an attack's\n"
    "probability of success at quality 1), the physical parameter (stand-off, barrier\n"
    "rating, detection range), cost in EUR (capital / yearly), the privacy-review flag and\n"
    "what it is recommended for. --json adds sources and the reasoning behind each figure.\n";

static const char usage_measure[] =
    "usage: bulwark measure add SITE MEASURE [--quality Q] [--planned] [--date DATE]\n"
    "                                        [--note TEXT]\n"
    "       bulwark measure rm SITE MEASURE\n"
    "       bulwark measure list [SITE] [--json]\n\n"
    "  add   records MEASURE (a catalogue id, `bulwark measures list`) at SITE, replacing\n"
    "        an earlier record of it: Q in 0..1 (default 1: as the catalogue assumes),\n"
    "        --planned when not yet in place, DATE YYYY-MM-DD (default today)\n"
    "  rm    removes it\n"
    "  list  the measures at SITE, or at every site\n";

static const char usage_gaps[] =
    "usage: bulwark gaps [SITE] [--date DATE] [--json]\n\n"
    "The recommended measures a site lacks (every site, or SITE). A catalogue measure is a\n"
    "gap when it is recommended for the site's category (or its sector) or capacity tier,\n"
    "acts on a threat type whose level in force at the site on DATE (default today) is at\n"
    "or above the pack's gap threshold (`bulwark threats levels`), and is missing, only\n"
    "planned, or in place at a quality below 0.5.\n";

static json_t *strs_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

/* ---- measures list ------------------------------------------------------------------ */

static json_t *measure_json(const struct bw_measure *m)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:o,s:f,s:s}", "id", m->id, "name", m->name, "kind",
                          m->kind, "threats", strs_json(m->threats, m->nthreats),
                          "effectiveness", m->effectiveness, "effect_basis", m->effect_note);
    if (m->standoff_m > 0)
        json_object_set_new(j, "standoff_m", json_real(m->standoff_m));
    if (m->barrier_standard)
        json_object_set_new(j, "barrier",
                            json_pack("{s:s,s:s,s:f,s:f,s:f}", "standard", m->barrier_standard,
                                      "rating", m->barrier_rating, "vehicle_kg",
                                      m->barrier_mass_kg, "speed_kmh", m->barrier_speed_kmh,
                                      "penetration_m", m->barrier_penetration_m));
    if (m->sensor)
        json_object_set_new(j, "detection", json_pack("{s:s,s:f}", "sensor", m->sensor,
                                                      "range_m", m->detection_range_m));
    json_object_set_new(j, "cost", json_pack("{s:f,s:f,s:s,s:s}", "capital", m->cost_capital,
                                             "yearly", m->cost_yearly, "currency", m->currency,
                                             "basis", m->cost_note));
    json_object_set_new(j, "privacy_review", json_boolean(m->privacy_review));
    if (m->privacy_note)
        json_object_set_new(j, "privacy_reason", json_string(m->privacy_note));
    json_object_set_new(j, "recommended_for", strs_json(m->recommended_for, m->nrecommended));
    json_object_set_new(j, "source", json_string(m->source));
    return j;
}

/* The physical parameter of @p m as short text ("M30/P1 6800 kg 48 km/h", "30 m", ...). */
static void param_text(const struct bw_measure *m, char *buf, size_t n)
{
    if (m->barrier_standard)
        snprintf(buf, n, "%s %s", m->barrier_standard, m->barrier_rating);
    else if (m->sensor)
        snprintf(buf, n, "%s %g m", m->sensor, m->detection_range_m);
    else if (m->standoff_m > 0)
        snprintf(buf, n, "stand-off %g m", m->standoff_m);
    else
        snprintf(buf, n, "-");
}

int cmd_measures(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, c, rc = 0;
    bw_store *s;
    bw_pack *p;
    size_t n;
    const struct bw_measure *m;
    char buf[96];

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage_measures);
        default: return cli_usage(usage_measures, "unknown option");
        }
    }
    if (optind + 1 != argc || strcmp(argv[optind], "list") != 0)
        return cli_usage(usage_measures, "expected list");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    m = bw_pack_measures(p, &n);
    if (!n) {
        rc = cli_failf("the pack has no measures catalogue (pack.json \"files\": \"measures\")");
    } else if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, measure_json(&m[i]));
        rc = cli_json_print(a);
    } else {
        printf("%-20s %-16s %5s  %-30s %9s %9s %-7s %s\n", "ID", "KIND", "EFF", "PARAMETER",
               "CAPITAL", "YEARLY", "PRIVACY", "ACTS ON");
        for (size_t i = 0; i < n; i++) {
            param_text(&m[i], buf, sizeof buf);
            printf("%-20s %-16s %5.2f  %-30s %9.0f %9.0f %-7s", m[i].id, m[i].kind,
                   m[i].effectiveness, buf, m[i].cost_capital, m[i].cost_yearly,
                   m[i].privacy_review ? "REVIEW" : "-");
            for (size_t k = 0; k < m[i].nthreats; k++)
                printf("%s%s", k ? "," : " ", m[i].threats[k]);
            printf("\n");
        }
        printf("\n%zu measures; costs in %s (order of magnitude); `--json` gives sources, "
               "recommendations and the reasoning behind each figure\n",
               n, m[0].currency);
    }
    cli_close(s, p);
    return rc;
}

/* ---- measure add|rm|list ------------------------------------------------------------ */

static json_t *site_measure_json(const struct bw_site_measure *m)
{
    return json_pack("{s:s,s:s,s:f,s:b,s:o,s:o}", "site", m->site, "measure", m->measure,
                     "quality", m->quality, "planned", m->planned, "date", cli_str_or_null(m->date),
                     "note", cli_str_or_null(m->note));
}

static int on_site_measure(void *ud, const struct bw_site_measure *m)
{
    if (ud)
        return json_array_append_new(ud, site_measure_json(m)) ? BW_ENOMEM : 0;
    printf("%-22s %-20s %7.2f  %-8s %-10s %s\n", m->site, m->measure, m->quality,
           m->planned ? "planned" : "in place", m->date ? m->date : "-", m->note ? m->note : "");
    return 0;
}

/* Parses a quality: a plain decimal number, then range-checked by bw_site_measure_check. */
static int parse_quality(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtod(s, &end);
    return *end || !isfinite(*out) ? -1 : 0;
}

int cmd_measure(int argc, char **argv)
{
    enum { O_QUALITY = 1, O_PLANNED, O_DATE, O_NOTE };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"quality", required_argument, NULL, O_QUALITY},
                                         {"planned", no_argument, NULL, O_PLANNED},
                                         {"date", required_argument, NULL, O_DATE},
                                         {"note", required_argument, NULL, O_NOTE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *quality = NULL, *pos[3] = {NULL, NULL, NULL};
    struct bw_site_measure m = {0};
    struct bw_diag d;
    char now[11];
    int json = 0, c, rc = 0, npos = 0, add_opts = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case O_QUALITY: quality = optarg; add_opts = 1; break;
        case O_PLANNED: m.planned = 1; add_opts = 1; break;
        case O_DATE: m.date = optarg; add_opts = 1; break;
        case O_NOTE: m.note = optarg; add_opts = 1; break;
        case 'h': return cli_help(usage_measure);
        default: return cli_usage(usage_measure, "unknown or incomplete option");
        }
    }
    while (optind < argc) {
        if (npos == 3)
            return cli_usage(usage_measure, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0)
        return cli_usage(usage_measure, "expected add, rm or list");
    if (strcmp(pos[0], "add") == 0 || strcmp(pos[0], "rm") == 0) {
        if (npos != 3)
            return cli_usage(usage_measure, "add and rm take SITE MEASURE");
    } else if (strcmp(pos[0], "list") == 0) {
        if (npos > 2)
            return cli_usage(usage_measure, "list takes at most SITE");
    } else {
        return cli_usage(usage_measure, "expected add, rm or list");
    }
    if (add_opts && strcmp(pos[0], "add") != 0)
        return cli_usage(usage_measure, "--quality, --planned, --date and --note belong to add");
    m.quality = 1;
    if (quality && parse_quality(quality, &m.quality))
        return cli_failf("--quality: '%s' is not a number (0..1)", quality);
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_diag_clear(&d);
    if (strcmp(pos[0], "add") == 0) {
        cli_today(now);
        m.site = pos[1];
        m.measure = pos[2];
        if (!m.date)
            m.date = now;
        if ((rc = bw_site_measure_check(p, &m, &d)) || (rc = bw_store_site_measure_put(s, &m, &d)))
            rc = cli_fail(&d);
        else
            printf("%s: %s %s at quality %.2f since %s\n", m.site, m.measure,
                   m.planned ? "planned" : "in place", m.quality, m.date);
    } else if (strcmp(pos[0], "rm") == 0) {
        if ((rc = bw_store_site_measure_rm(s, pos[1], pos[2], &d)))
            rc = cli_fail(&d);
        else
            printf("%s: %s removed\n", pos[1], pos[2]);
    } else {
        struct bw_arena a;
        struct bw_site site;
        json_t *arr = json ? json_array() : NULL;
        bw_arena_init(&a, 4096);
        if (pos[1] && bw_store_site_get(s, pos[1], &a, &site)) {
            rc = cli_failf("unknown site '%s'", pos[1]);
            json_decref(arr);
        } else {
            if (!json)
                printf("%-22s %-20s %7s  %-8s %-10s %s\n", "SITE", "MEASURE", "QUALITY",
                       "STATUS", "DATE", "NOTE");
            rc = bw_store_site_measure_each(s, pos[1], on_site_measure, arr);
            if (rc)
                rc = cli_failf("listing measures: %s", bw_strerror(rc));
            else if (json)
                rc = cli_json_print(arr);
        }
        bw_arena_release(&a);
    }
    cli_close(s, p);
    return rc;
}

/* ---- gaps --------------------------------------------------------------------------- */

struct gaps {
    const bw_pack *p;
    const char *only;             /* one site id, or NULL for all */
    const char *date;
    struct bw_threat_level *lv;   /* levels valid on the date */
    size_t nlv;
    struct bw_site_measure *sm;   /* every site's measures, by site id */
    size_t nsm;
    size_t cur, ncur;             /* sm[cur, cur + ncur) are the current site's */
    int threshold;                /* gap threshold rank */
    int *rank;                    /* per threat type: rank in force at the current site */
    json_t *out;                  /* JSON sites array, or NULL for text */
    struct bw_buf reasons, why;
    size_t ngaps, nsites, found;
    double capital, yearly;
    int oom;
};

/* Moves the cursor to the records of @p site. Sites and records both come in site id
 * order (the same BINARY collation), so one pass over the records serves all sites. */
static void seek_site(struct gaps *g, const char *site)
{
    while (g->cur < g->nsm && strcmp(g->sm[g->cur].site, site) < 0)
        g->cur++;
    g->ncur = 0;
    while (g->cur + g->ncur < g->nsm && strcmp(g->sm[g->cur + g->ncur].site, site) == 0)
        g->ncur++;
}

/* The record of @p measure at the current site, or NULL. */
static const struct bw_site_measure *at_site(const struct gaps *g, const char *measure)
{
    for (size_t i = g->cur; i < g->cur + g->ncur; i++)
        if (strcmp(g->sm[i].measure, measure) == 0)
            return &g->sm[i];
    return NULL;
}

/* Writes why @p m is recommended for (class, tier) into g->why: the matching entries. */
static void why_text(struct gaps *g, const struct bw_measure *m, const char *class_id,
                     const char *tier)
{
    bw_buf_reset(&g->why);
    for (size_t i = 0; i < m->nrecommended; i++) {
        const char *r = m->recommended_for[i];
        const char *one[1] = {r};
        struct bw_measure probe = *m;
        probe.recommended_for = one;
        probe.nrecommended = 1;
        if (!bw_measure_recommended(g->p, &probe, class_id, tier))
            continue;
        if (bw_pack_class(g->p, r, strlen(r)))
            g->oom |= bw_buf_printf(&g->why, "%s%s %s", g->why.len ? ", " : "",
                                    strcmp(r, class_id) == 0 ? "category" : "sector", r) != 0;
        else
            g->oom |= bw_buf_printf(&g->why, "%stier %s%s%s%s", g->why.len ? ", " : "", r,
                                    strcmp(r, tier) ? " (site is " : "",
                                    strcmp(r, tier) ? tier : "", strcmp(r, tier) ? ")" : "") != 0;
    }
}

static int on_gap_site(void *ud, const struct bw_site *site, const struct bw_site_links *l)
{
    struct gaps *g = ud;
    struct bw_designation des;
    size_t nt, nm;
    const struct bw_threat *t = bw_pack_threats(g->p, &nt);
    const struct bw_measure *m = bw_pack_measures(g->p, &nm);
    const char *tier;
    json_t *jgaps = NULL;
    int header = 0, rc;

    if (g->only && strcmp(site->id, g->only) != 0)
        return 0;
    g->found = 1;
    seek_site(g, site->id);
    bw_buf_reset(&g->reasons);
    if ((rc = bw_designate_site(g->p, site, l, &des, &g->reasons)))
        return rc;
    tier = des.tier ? des.tier->id : NULL;
    for (size_t i = 0; i < nt; i++)
        g->rank[i] = bw_threat_level_resolve(g->p, g->lv, g->nlv, g->date, t[i].id, site->region,
                                             site->category);
    for (size_t k = 0; k < nm; k++) {
        const struct bw_site_measure *have;
        const char *status;
        json_t *jt = NULL;
        int acts = 0;
        if (!bw_measure_recommended(g->p, &m[k], site->category, tier))
            continue;
        for (size_t i = 0; i < nt; i++)
            if (g->rank[i] >= g->threshold && bw_measure_acts_on(g->p, &m[k], &t[i]))
                acts++;
        if (!acts)
            continue;
        have = at_site(g, m[k].id);
        if (have && !have->planned && have->quality >= GAP_QUALITY_MIN)
            continue;
        status = !have ? "missing" : have->planned ? "planned" : "weak";
        why_text(g, &m[k], site->category, tier);
        g->ngaps++;
        g->capital += m[k].cost_capital;
        g->yearly += m[k].cost_yearly;
        if (g->out) {
            if (!jgaps)
                jgaps = json_array();
            jt = json_array();
            for (size_t i = 0; i < nt; i++)
                if (g->rank[i] >= g->threshold && bw_measure_acts_on(g->p, &m[k], &t[i]))
                    json_array_append_new(
                        jt, json_pack("{s:s,s:s}", "threat", t[i].id, "level",
                                      bw_pack_threat_level_rank(g->p, g->rank[i])->id));
            json_array_append_new(
                jgaps, json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:f,s:f,s:b}", "measure", m[k].id,
                                 "name", m[k].name, "status", status, "quality",
                                 have ? json_real(have->quality) : json_null(), "why",
                                 bw_buf_cstr(&g->why), "threats", jt, "cost_capital",
                                 m[k].cost_capital, "cost_yearly", m[k].cost_yearly,
                                 "privacy_review", m[k].privacy_review));
            continue;
        }
        if (!header) {
            printf("%s  %s (%s, %s)\n", site->id, site->name, site->category,
                   tier ? tier : "no tier");
            header = 1;
        }
        printf("  %-20s %-8s recommended for %s\n", m[k].id, status, bw_buf_cstr(&g->why));
        /* Acts on: each family once, with the highest level in force among its types. */
        printf("  %-20s %-8s acts on", "", "");
        for (size_t f = 0; f < bw_threat_nfamilies; f++) {
            int best = 0;
            for (size_t i = 0; i < nt; i++)
                if (strcmp(t[i].family, bw_threat_families[f]) == 0 &&
                    g->rank[i] >= g->threshold && bw_measure_acts_on(g->p, &m[k], &t[i]) &&
                    g->rank[i] > best)
                    best = g->rank[i];
            if (best)
                printf(" %s %s", bw_threat_families[f],
                       bw_pack_threat_level_rank(g->p, best)->id);
        }
        printf("\n");
    }
    if (g->out && jgaps)
        json_array_append_new(g->out,
                              json_pack("{s:s,s:s,s:s,s:o,s:o}", "site", site->id, "name",
                                        site->name, "category", site->category, "tier",
                                        cli_str_or_null(tier), "gaps", jgaps));
    g->nsites += header || jgaps;
    return g->oom ? BW_ENOMEM : 0;
}

int cmd_gaps(int argc, char **argv)
{
    enum { O_DATE = 1 };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"date", required_argument, NULL, O_DATE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *date = NULL;
    struct gaps g = {0};
    struct bw_arena a;
    char now[11];
    size_t nt, nm;
    int json = 0, c, rc;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case O_DATE: date = optarg; break;
        case 'h': return cli_help(usage_gaps);
        default: return cli_usage(usage_gaps, "unknown or incomplete option");
        }
    }
    if (argc - optind > 1)
        return cli_usage(usage_gaps, "at most one SITE");
    g.only = optind < argc ? argv[optind] : NULL;
    cli_today(now);
    g.date = date ? date : now;
    if (!bw_date_valid(g.date))
        return cli_failf("--date: '%s' is not a date (YYYY-MM-DD)", g.date);
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    g.p = p;
    bw_pack_threats(p, &nt);
    bw_pack_measures(p, &nm);
    if (!nt || !nm) {
        cli_close(s, p);
        return cli_failf("the pack has no threats or no measures catalogue");
    }
    g.threshold = bw_pack_threat_level_gap_threshold(p);
    bw_arena_init(&a, 64 * 1024);
    bw_buf_init(&g.reasons, 1u << 16);
    bw_buf_init(&g.why, 1u << 16);
    g.rank = bw_arena_alloc(&a, nt * sizeof *g.rank);
    rc = g.rank ? BW_OK : BW_ENOMEM;
    if (!rc)
        rc = bw_store_threat_levels_load(s, p, g.date, &a, &g.lv, &g.nlv);
    if (!rc)
        rc = bw_store_site_measures_load(s, g.only, &a, &g.sm, &g.nsm);
    if (rc) {
        rc = cli_failf("reading the threat picture: %s", bw_strerror(rc));
        goto out;
    }
    g.out = json ? json_array() : NULL;
    rc = bw_store_sites_links_each(s, on_gap_site, &g);
    if (rc) {
        json_decref(g.out);
        rc = cli_failf("finding gaps: %s", bw_strerror(rc));
        goto out;
    }
    if (g.only && !g.found) {
        json_decref(g.out);
        rc = cli_failf("unknown site '%s'", g.only);
        goto out;
    }
    if (json) {
        rc = cli_json_print(json_pack(
            "{s:s,s:s,s:f,s:o,s:{s:I,s:I,s:f,s:f,s:s}}", "date", g.date, "threshold",
            bw_pack_threat_level_rank(p, g.threshold)->id, "quality_min", GAP_QUALITY_MIN,
            "sites", g.out, "total", "gaps", (json_int_t)g.ngaps, "sites", (json_int_t)g.nsites,
            "capital", g.capital, "yearly", g.yearly, "currency", "EUR"));
    } else {
        printf("%s%zu gap%s at %zu site%s on %s (threats at %s or above); closing them costs "
               "about EUR %.0f capital and EUR %.0f a year\n",
               g.nsites ? "\n" : "", g.ngaps, g.ngaps == 1 ? "" : "s", g.nsites,
               g.nsites == 1 ? "" : "s", g.date,
               bw_pack_threat_level_rank(p, g.threshold)->id, g.capital, g.yearly);
        rc = 0;
    }
out:
    bw_buf_release(&g.reasons);
    bw_buf_release(&g.why);
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}
