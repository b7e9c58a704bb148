/*
 * cmd_ta.c — `bulwark ta match|partners`: the technical-assistance needs of a framework
 * assessment's findings matched to the partners' programmes of the pack (partners.h),
 * with each match explained, and the partners and programmes themselves.
 *
 * The findings come from bw_framework_state_load; the ranking is bw_ta_match's. Text
 * groups the needs by TA area (the ranking of programmes depends only on the area), in
 * the order of the area's first need, i.e. the highest priority first; --json lists
 * every need with its matches.
 */
#include "alloc.h"
#include "arena.h"
#include "cli.h"
#include "framework.h"
#include "framework_live.h"
#include "partners.h"
#include "str.h"

#include <string.h>

static const char usage[] =
    "usage: bulwark ta match [--cycle NAME] [--region REGION] [--top N] [--json]\n"
    "       bulwark ta partners [--json]\n\n"
    "  match     every technical-assistance need among the findings of framework cycle NAME\n"
    "            (default: the latest assessment opened) with the programmes that offer its\n"
    "            TA area, ranked: programmes whose primary (first-listed) area it is first,\n"
    "            then those covering more of the State's areas in need, then pack order;\n"
    "            each match says why. --region keeps programmes serving REGION or \"global\";\n"
    "            --top shows at most N programmes per area in text (default 3; --json has all)\n"
    "  partners  the partners of the pack, their programmes, TA areas, modalities, regions\n\n"
    "Partners are pack data (packs/default/partners.json); rules in docs/plan.md. All take\n"
    "--db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

static void why(const struct bw_ta_match *m, char *buf, size_t cap)
{
    snprintf(buf, cap, "offers %s as its %s area; covers %zu of the %zu TA areas in need; "
             "rank %zu", m->need->text, m->primary ? "primary" : "secondary", m->covers,
             m->in_need, m->rank);
}

static json_t *list_json(const char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    return arr;
}

static void list_text(const char *const *v, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", v[i]);
}

static int ta_partners(const bw_pack *p, int json)
{
    size_t np, ng;
    const struct bw_ta_partner *t = bw_pack_ta_partners(p, &np);
    const struct bw_ta_programme *g = bw_pack_ta_programmes(p, &ng);
    json_t *arr = json ? json_array() : NULL;
    char a[512], m[256], r[256];

    for (size_t i = 0; i < np; i++) {
        json_t *progs = json ? json_array() : NULL;
        if (!json)
            printf("%s — %s (%s)\n", t[i].id, t[i].name, t[i].kind);
        for (size_t k = t[i].first; k < t[i].first + t[i].n; k++) {
            if (json) {
                json_array_append_new(
                    progs, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s}", "id", g[k].id, "name",
                                     g[k].name, "ta_areas", list_json(g[k].areas, g[k].nareas),
                                     "modalities", list_json(g[k].modalities, g[k].nmodalities),
                                     "regions", list_json(g[k].regions, g[k].nregions),
                                     "eligibility", g[k].eligibility, "source", g[k].source));
                continue;
            }
            list_text(g[k].areas, g[k].nareas, a, sizeof a);
            list_text(g[k].modalities, g[k].nmodalities, m, sizeof m);
            list_text(g[k].regions, g[k].nregions, r, sizeof r);
            printf("  %-34s %s\n  %-34s areas: %s; %s; regions: %s\n", g[k].id, g[k].name, "",
                   a, m, r);
        }
        if (json)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", t[i].id, "name",
                                                 t[i].name, "kind", t[i].kind, "source",
                                                 t[i].source, "programmes", progs));
    }
    if (json)
        return cli_json_print(arr);
    printf("(%zu partners, %zu programmes; \"illustrative\" in an entry's source marks an "
           "example, not a real programme)\n", np, ng);
    (void)ng;
    return 0;
}

static int ta_match(bw_store *s, const bw_pack *p, const char *cycle, const char *region,
                    int64_t top, int json)
{
    struct bw_fw_state st;
    struct bw_arena ar;
    struct bw_ta_match *m = NULL;
    struct bw_diag d;
    size_t nm = 0, nneeds = 0, nprog;
    int rc = 1;

    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    bw_pack_ta_programmes(p, &nprog);
    if (!nprog) {
        cli_failf("the pack has no technical-assistance partners (pack.json \"files\": "
                  "\"partners\")");
        goto out;
    }
    if (bw_framework_state_load(s, p, cycle, &ar, &st, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (bw_ta_match(p, st.findings, st.nfindings, region, &m, &nm)) {
        cli_failf("out of memory");
        goto out;
    }
    for (size_t i = 0; i < st.nfindings; i++)
        nneeds += st.findings[i].kind == BW_FW_TA_NEED;
    if (json) {
        json_t *arr = json_array();
        size_t k = 0;
        for (size_t i = 0; i < st.nfindings; i++) {
            const struct bw_fw_finding *f = &st.findings[i];
            json_t *ms, *o;
            if (f->kind != BW_FW_TA_NEED)
                continue;
            ms = json_array();
            for (; k < nm && m[k].need == f; k++) {
                char w[512];
                why(&m[k], w, sizeof w);
                json_array_append_new(
                    ms, json_pack("{s:I,s:s,s:s,s:s,s:b,s:I,s:I,s:o,s:o,s:s}", "rank",
                                  (json_int_t)m[k].rank, "programme", m[k].prog->id, "name",
                                  m[k].prog->name, "partner", m[k].prog->partner, "primary",
                                  m[k].primary, "covers", (json_int_t)m[k].covers, "in_need",
                                  (json_int_t)m[k].in_need, "modalities",
                                  list_json(m[k].prog->modalities, m[k].prog->nmodalities),
                                  "regions", list_json(m[k].prog->regions, m[k].prog->nregions),
                                  "why", w));
            }
            o = json_pack("{s:s,s:s,s:s,s:o,s:i,s:s,s:o}", "ta_area", f->text, "indicator",
                          f->ind->id, "priority", bw_fw_priority_name(f->priority), "level",
                          f->level >= 0 ? json_integer(f->level) : json_null(), "target",
                          f->ind->target, "recommendation", f->ind->recommendation, "matches", ms);
            json_array_append_new(arr, o);
        }
        rc = cli_json_print(json_pack("{s:s,s:o,s:s,s:o}", "cycle", st.fw.cycle, "region",
                                      cli_str_or_null(region), "rule",
                                      "primary area first, then coverage of the State's TA "
                                      "areas in need (more first), then pack order", "needs",
                                      arr));
        goto out;
    }
    printf("Technical-assistance needs of framework assessment '%s': %zu, against the %zu "
           "programmes of the pack%s%s\n", st.fw.cycle, nneeds, nprog, region ? " serving " : "",
           region ? region : "");
    printf("(rank: the area is the programme's primary one first, then programmes covering "
           "more of the areas in need, then pack order)\n");
    for (size_t i = 0; i < st.nfindings; i++) {
        const struct bw_fw_finding *f = &st.findings[i];
        size_t k, shown = 0, count = 0;
        int seen = 0;
        if (f->kind != BW_FW_TA_NEED)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = st.findings[j].kind == BW_FW_TA_NEED && strcmp(st.findings[j].text, f->text) == 0;
        if (seen)
            continue; /* the area was printed with its first need */
        printf("\n%s — needs:", f->text);
        for (size_t j = i; j < st.nfindings; j++)
            if (st.findings[j].kind == BW_FW_TA_NEED && strcmp(st.findings[j].text, f->text) == 0)
                printf(" %s (%s)", st.findings[j].ind->id,
                       bw_fw_priority_name(st.findings[j].priority));
        printf("\n");
        for (k = 0; k < nm && m[k].need != f; k++)
            ;
        for (; k < nm && m[k].need == f; k++, count++) {
            char w[512];
            if ((int64_t)shown >= top)
                continue;
            why(&m[k], w, sizeof w);
            printf("  %zu. %s: %s\n     %s\n", m[k].rank, m[k].prog->partner, m[k].prog->name, w);
            shown++;
        }
        if (!count)
            printf("  (no programme of the pack offers this area%s)\n",
                   region ? " in this region" : "");
        else if (count > shown)
            printf("  ... and %zu more (--top, --json)\n", count - shown);
    }
    rc = 0;
out:
    bw_free(m);
    bw_arena_release(&ar);
    return rc;
}

int cmd_ta(int argc, char **argv)
{
    enum { O_CYCLE = 1, O_REGION, O_TOP };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"cycle", required_argument, NULL, O_CYCLE},
                                         {"region", required_argument, NULL, O_REGION},
                                         {"top", required_argument, NULL, O_TOP},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *cycle = NULL, *region = NULL, *top_s = NULL, *what;
    int64_t top = 3;
    int json = 0, c, rc;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case O_CYCLE: cycle = optarg; break;
        case O_REGION: region = optarg; break;
        case O_TOP: top_s = optarg; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown or incomplete option");
        }
    }
    if (optind >= argc || argc - optind != 1)
        return cli_usage(usage, "expected match or partners");
    what = argv[optind];
    if (strcmp(what, "match") != 0 && strcmp(what, "partners") != 0)
        return cli_usage(usage, "expected match or partners");
    if (strcmp(what, "partners") == 0 && (cycle || region || top_s))
        return cli_usage(usage, "--cycle, --region and --top belong to `match`");
    if (top_s && (bw_parse_i64(bw_str_c(top_s), &top) != BW_OK || top < 1))
        return cli_usage(usage, "--top takes a whole number >= 1");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (strcmp(what, "partners") == 0)
        rc = ta_partners(p, json);
    else
        rc = ta_match(s, p, cycle, region, top, json);
    cli_close(s, p);
    return rc;
}
