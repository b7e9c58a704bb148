/*
 * cmd_framework.c — `bulwark framework new|answer|import|score|findings|list`: the
 * national framework assessment (framework.h) kept by cycle in the store, scored by area,
 * with the computed indicators of the live register (framework_live.h) beside the answers,
 * and the findings derived from both (bw_fw_findings).
 *
 * Answers are history in the store; what is scored is each indicator's latest answer.
 * An import is one transaction: the whole file is read and checked first
 * (bw_fw_answers_read), then written, so a bad file writes nothing.
 */
#include "alloc.h"
#include "arena.h"
#include "cli.h"
#include "framework.h"
#include "framework_answers.h"
#include "framework_live.h"
#include "str.h"

#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: bulwark framework new [--cycle NAME]\n"
    "       bulwark framework answer IND LEVEL [--evidence TEXT] [--files REFS]\n"
    "                                [--assessor NAME] [--date DATE] [--cycle NAME]\n"
    "       bulwark framework import FILE [--cycle NAME]\n"
    "       bulwark framework score [--cycle NAME] [--compare NAME] [--short] [--json]\n"
    "       bulwark framework findings [--cycle NAME] [--json]\n"
    "       bulwark framework list [--json]\n\n"
    "  new     opens an assessment (one per cycle or visit); NAME defaults to this year\n"
    "  answer  gives indicator IND (e.g. A8.3) maturity LEVEL 0..4 with its evidence (text,\n"
    "          ';'-separated file references), assessor and date (default today); earlier\n"
    "          answers are kept as history, the latest counts\n"
    "  import  answers from a CSV (header indicator,level[,evidence,files,assessor,date]) or\n"
    "          JSON file (a list of objects with those keys); all or nothing\n"
    "  score   area scores (lower median of the answered indicators), indicators below\n"
    "          target, indicators not assessed, and the indicators computed from the\n"
    "          register beside the answers they inform; --compare sets another cycle\n"
    "          beside it; --short prints the area table only\n"
    "  findings  vulnerabilities, gaps, technical-assistance needs, recommendations and\n"
    "          good practice, tied to indicators and, for those computed from the register,\n"
    "          to the sites or threat types behind them (text shows the first 5 and \"and K\n"
    "          more\", --json all of them), by priority\n"
    "  list    the assessments kept\n\n"
    "--cycle defaults to the latest assessment opened. All take --db FILE (default\n"
    "$BULWARK_DB, else ./bulwark.db).\n";

/* An assessment loaded for scoring: the current answer of each indicator (by index). */
struct loaded {
    struct bw_fw_assessment fw;
    int *level;                 /* per indicator, -1 = not assessed */
    struct bw_fw_answer *ans;   /* per indicator (strings in the arena) */
    struct bw_fw_area_score *areas;
    const bw_pack *p;
    struct bw_arena *a;
    int oom;
};

static const char *dup(struct bw_arena *a, const char *s, int *oom)
{
    char *r;
    if (!s)
        return NULL;
    if (!(r = bw_arena_strndup(a, s, strlen(s))))
        *oom = 1;
    return r;
}

static int on_answer(void *ud, const struct bw_fw_answer *x)
{
    struct loaded *l = ud;
    size_t i = bw_pack_fw_indicator_index(l->p, x->indicator);
    if (i == (size_t)-1)
        return 0; /* an indicator the pack no longer has: not scored */
    l->level[i] = x->level;
    l->ans[i] = *x;
    l->ans[i].indicator = bw_pack_fw_indicators(l->p, &(size_t){0})[i].id;
    l->ans[i].evidence = dup(l->a, x->evidence, &l->oom);
    l->ans[i].files = dup(l->a, x->files, &l->oom);
    l->ans[i].assessor = dup(l->a, x->assessor, &l->oom);
    l->ans[i].date = dup(l->a, x->date, &l->oom);
    return l->oom;
}

/* Loads assessment @p cycle (NULL = latest) and scores it. Prints errors; 0 or 1. */
static int load(bw_store *s, const bw_pack *p, const char *cycle, struct bw_arena *a,
                struct loaded *l)
{
    struct bw_diag d;
    size_t ni, na;
    int rc;

    bw_pack_fw_indicators(p, &ni);
    bw_pack_fw_areas(p, &na);
    memset(l, 0, sizeof *l);
    l->p = p;
    l->a = a;
    bw_diag_clear(&d);
    if ((rc = bw_store_fw_get(s, cycle, a, &l->fw, &d)))
        return cli_fail(&d);
    l->level = bw_arena_alloc(a, (ni + 1) * sizeof *l->level);
    l->ans = bw_arena_alloc(a, (ni + 1) * sizeof *l->ans);
    l->areas = bw_arena_alloc(a, (na + 1) * sizeof *l->areas);
    if (!l->level || !l->ans || !l->areas)
        return cli_failf("out of memory");
    for (size_t i = 0; i < ni; i++)
        l->level[i] = -1;
    memset(l->ans, 0, (ni + 1) * sizeof *l->ans);
    if (bw_store_fw_answers_each(s, l->fw.id, 0, on_answer, l) || l->oom)
        return cli_failf("reading the answers of cycle '%s' failed", l->fw.cycle);
    if (bw_fw_score(p, l->level, l->areas))
        return cli_failf("scoring cycle '%s' failed", l->fw.cycle);
    return 0;
}

static int need_framework(const bw_pack *p)
{
    size_t n;
    if (!bw_pack_fw_indicators(p, &n) || !n)
        return cli_failf("the pack has no framework questionnaire (pack.json \"files\": "
                         "\"framework\")");
    return 0;
}

/* ---- new, answer, import, list ---------------------------------------------------- */

static int fw_new(bw_store *s, const bw_pack *p, const char *cycle)
{
    char year[8];
    struct bw_diag d;
    int64_t id;
    size_t n;

    if (!cycle) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(year, sizeof year, "%Y", &tm);
        cycle = year;
    }
    bw_diag_clear(&d);
    if (bw_store_fw_new(s, cycle, bw_pack_version(p), &id, &d))
        return cli_fail(&d);
    bw_pack_fw_indicators(p, &n);
    printf("framework assessment '%s' opened (pack %s %s, %zu indicators)\n", cycle,
           bw_pack_id(p), bw_pack_version(p), n);
    return 0;
}

static int fw_answer(bw_store *s, const bw_pack *p, const char *cycle, const char *ind,
                     const char *level, struct bw_fw_answer *a)
{
    struct bw_fw_assessment fw;
    struct bw_arena ar;
    struct bw_diag d;
    int64_t lv;
    int rc;

    bw_diag_clear(&d);
    a->indicator = ind;
    if (bw_parse_i64(bw_str_c(level), &lv) != BW_OK)
        return cli_failf("field 'level': '%s' is not a whole number 0..%d", level,
                         BW_FW_LEVEL_MAX);
    a->level = lv < 0 || lv > BW_FW_LEVEL_MAX ? -1 : (int)lv;
    if (!bw_pack_fw_indicator(p, ind) || a->level >= 0) {
        if (bw_fw_answer_check(p, a, &d))
            return cli_fail(&d);
    } else
        return cli_failf("field 'level': level %lld is outside 0..%d", (long long)lv,
                         BW_FW_LEVEL_MAX);
    if (bw_fw_answer_check(p, a, &d))
        return cli_fail(&d);
    bw_arena_init(&ar, 1024);
    if ((rc = bw_store_fw_get(s, cycle, &ar, &fw, &d)) ||
        (rc = bw_store_fw_answer_add(s, fw.id, a, &d))) {
        bw_arena_release(&ar);
        return cli_fail(&d);
    }
    printf("%s = %d (%s) in cycle '%s'\n", a->indicator, a->level,
           bw_pack_fw_levels(p, &(size_t){0})[a->level].name, fw.cycle);
    bw_arena_release(&ar);
    return 0;
}

static int fw_import(bw_store *s, const bw_pack *p, const char *cycle, const char *path)
{
    struct bw_fw_assessment fw;
    struct bw_fw_answer *ans;
    struct bw_arena ar;
    struct bw_diag d;
    char *text = NULL;
    size_t len, n = 0;
    int rc = 1;

    bw_diag_clear(&d);
    bw_arena_init(&ar, 1 << 16);
    if (cli_read_file(path, (size_t)16 << 20, &text, &len))
        goto out;
    if (bw_store_fw_get(s, cycle, &ar, &fw, &d)) {
        cli_fail(&d);
        goto fail;
    }
    bw_diag_file(&d, path);
    if (bw_fw_answers_read(p, text, len, &ar, &ans, &n, &d)) {
        cli_fail(&d);
        goto fail;
    }
    if (bw_store_fw_answers_import(s, fw.id, ans, n, path, &d)) {
        cli_fail(&d);
        goto fail;
    }
    printf("imported %zu answers into cycle '%s'\n", n, fw.cycle);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "bulwark: nothing was imported; the database is unchanged\n");
out:
    bw_free(text);
    bw_arena_release(&ar);
    return rc;
}

struct list_ctx {
    json_t *arr;
};

static int on_fw(void *ud, const struct bw_fw_assessment *f)
{
    struct list_ctx *c = ud;
    if (c->arr)
        json_array_append_new(c->arr, json_pack("{s:s,s:s,s:s,s:I}", "cycle", f->cycle,
                                                "created", f->created, "pack_version",
                                                f->pack_version, "answers",
                                                (json_int_t)f->answers));
    else
        printf("%-16s %-22s %-12s %lld\n", f->cycle, f->created, f->pack_version,
               (long long)f->answers);
    return 0;
}

static int fw_list(bw_store *s, int json)
{
    struct list_ctx c = {json ? json_array() : NULL};
    if (!json)
        printf("%-16s %-22s %-12s %s\n", "CYCLE", "CREATED", "PACK", "ANSWERED");
    if (bw_store_fw_each(s, on_fw, &c)) {
        json_decref(c.arr);
        return cli_failf("reading the assessments failed");
    }
    return json ? cli_json_print(c.arr) : 0;
}

/* ---- score ------------------------------------------------------------------------- */

/* Writes the first BW_FW_IDS_SHOWN ids of @p c as "a, b, c and K more" into @p buf. */
static void ids_text(const struct bw_fw_computed *c, char *buf, size_t cap)
{
    size_t k = 0, shown = c->nids < BW_FW_IDS_SHOWN ? c->nids : BW_FW_IDS_SHOWN;
    buf[0] = 0;
    for (size_t i = 0; i < shown && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", c->ids[i]);
    if (c->nids > shown && k < cap)
        snprintf(buf + k, cap - k, " and %zu more", c->nids - shown);
}

/* The ids of @p c as a JSON array (all of them). */
static json_t *ids_json(const struct bw_fw_computed *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->nids; i++)
        json_array_append_new(arr, json_string(c->ids[i]));
    return arr;
}

static json_t *opt_level(int l)
{
    return l >= 0 ? json_integer(l) : json_null();
}

/* A level or score 0..4 as one character, "-" when absent. */
static void score_text(int score, char buf[4])
{
    buf[0] = score < 0 ? '-' : (char)('0' + (score > BW_FW_LEVEL_MAX ? BW_FW_LEVEL_MAX : score));
    buf[1] = 0;
}

static json_t *score_json(const bw_pack *p, const struct loaded *l, const struct loaded *cmp,
                          const struct bw_fw_computed *c, size_t nc)
{
    size_t na, ni;
    const struct bw_fw_area *ar = bw_pack_fw_areas(p, &na);
    const struct bw_fw_indicator *ind = bw_pack_fw_indicators(p, &ni);
    json_t *areas = json_array(), *gaps = json_array(), *missing = json_array(),
           *comp = json_array(), *j;

    for (size_t a = 0; a < na; a++) {
        json_t *inds = json_array();
        for (size_t i = ar[a].first; i < ar[a].first + ar[a].n; i++) {
            const struct bw_fw_answer *x = &l->ans[i];
            json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:o}", "id", ind[i].id, "text", ind[i].text,
                                  "anchor", ind[i].anchor, "target", ind[i].target, "level",
                                  opt_level(l->level[i]));
            if (l->level[i] >= 0) {
                json_object_set_new(o, "evidence", cli_str_or_null(x->evidence));
                json_object_set_new(o, "files", cli_str_or_null(x->files));
                json_object_set_new(o, "assessor", cli_str_or_null(x->assessor));
                json_object_set_new(o, "date", cli_str_or_null(x->date));
                json_object_set_new(o, "below_target", json_boolean(l->level[i] < ind[i].target));
                if (l->level[i] < ind[i].target)
                    json_array_append_new(gaps, json_string(ind[i].id));
            } else
                json_array_append_new(missing, json_string(ind[i].id));
            if (cmp)
                json_object_set_new(o, "compare_level", opt_level(cmp->level[i]));
            json_array_append_new(inds, o);
        }
        j = json_pack("{s:s,s:s,s:o,s:I,s:I,s:I,s:o}", "id", ar[a].id, "name", ar[a].name,
                      "score", opt_level(l->areas[a].score), "answered",
                      (json_int_t)l->areas[a].answered, "not_assessed",
                      (json_int_t)l->areas[a].missing, "below_target",
                      (json_int_t)l->areas[a].below, "indicators", inds);
        if (cmp)
            json_object_set_new(j, "compare_score", opt_level(cmp->areas[a].score));
        json_array_append_new(areas, j);
    }
    for (size_t k = 0; k < nc; k++) {
        size_t i = bw_pack_fw_indicator_index(p, c[k].def->indicator);
        json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:I,s:I,s:o,s:o,s:o}", "id", c[k].def->id,
                              "indicator", c[k].def->indicator, "name", c[k].def->name,
                              "available", c[k].available, "count", (json_int_t)c[k].num,
                              "of", (json_int_t)c[k].den, "share",
                              c[k].available && c[k].den ? json_real((double)c[k].num /
                                                                     (double)c[k].den)
                                                         : json_null(),
                              "note", cli_str_or_null(c[k].note), "answer", opt_level(l->level[i]));
        json_object_set_new(o, c[k].ids_are_sites ? "sites" : "threats", ids_json(&c[k]));
        json_array_append_new(comp, o);
    }
    j = json_pack("{s:{s:s,s:s,s:s},s:s,s:o,s:o,s:o,s:o}", "assessment", "cycle", l->fw.cycle,
                  "created", l->fw.created, "pack_version", l->fw.pack_version, "scoring",
                  "area score = lower median of the levels of its answered indicators; "
                  "indicators not answered are excluded and listed in not_assessed",
                  "areas", areas, "below_target", gaps, "not_assessed", missing, "computed", comp);
    if (cmp)
        json_object_set_new(j, "compare", json_pack("{s:s,s:s}", "cycle", cmp->fw.cycle,
                                                    "created", cmp->fw.created));
    return j;
}

static void print_computed(const bw_pack *p, const struct loaded *l,
                           const struct bw_fw_computed *c, size_t nc)
{
    printf("\nComputed from the register (beside the answer they inform):\n");
    for (size_t k = 0; k < nc; k++) {
        size_t i = bw_pack_fw_indicator_index(p, c[k].def->indicator);
        char ans[4], val[48], ids[1024];
        const char *note = c[k].note;
        score_text(l->level[i], ans);
        if (c[k].available && c[k].nids) {
            ids_text(&c[k], ids, sizeof ids);
            note = ids;
        }
        if (!c[k].available)
            snprintf(val, sizeof val, "n/a");
        else if (c[k].den)
            snprintf(val, sizeof val, "%lld/%lld (%.1f%%)", (long long)c[k].num,
                     (long long)c[k].den, 100.0 * (double)c[k].num / (double)c[k].den);
        else
            snprintf(val, sizeof val, "%lld", (long long)c[k].num);
        if (note)
            printf("  %-6s answer %-2s %-24s %-18s %s\n", c[k].def->indicator, ans, c[k].def->id,
                   val, note);
        else
            printf("  %-6s answer %-2s %-24s %s\n", c[k].def->indicator, ans, c[k].def->id, val);
    }
}

static int fw_score(bw_store *s, const bw_pack *p, const char *cycle, const char *compare,
                    int json, int brief)
{
    struct loaded l, cmp;
    struct bw_arena ar;
    struct bw_fw_computed *c = NULL;
    struct bw_diag d;
    size_t na, ni, nc = 0, answered = 0, ngaps = 0, nmiss = 0;
    const struct bw_fw_area *areas = bw_pack_fw_areas(p, &na);
    const struct bw_fw_indicator *ind = bw_pack_fw_indicators(p, &ni);
    int rc = 1;

    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    if (load(s, p, cycle, &ar, &l) || (compare && load(s, p, compare, &ar, &cmp)))
        goto out;
    if (bw_framework_computed(s, p, &ar, &c, &nc, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (json) {
        rc = cli_json_print(score_json(p, &l, compare ? &cmp : NULL, c, nc));
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        answered += l.level[i] >= 0;
    printf("Framework assessment '%s' (opened %s, pack %s): %zu of %zu indicators answered\n\n",
           l.fw.cycle, l.fw.created, l.fw.pack_version, answered, ni);
    if (compare)
        printf("WAS = cycle '%s'\n%-5s %-5s %-7s %-6s %-8s %-5s %s\n", cmp.fw.cycle, "AREA",
               "SCORE", "WAS", "CHANGE", "ANSWERED", "BELOW", "NAME");
    else
        printf("%-5s %-5s %-8s %-5s %s\n", "AREA", "SCORE", "ANSWERED", "BELOW", "NAME");
    for (size_t a = 0; a < na; a++) {
        char sc[4], cs[4], frac[24], ch[16] = "";
        score_text(l.areas[a].score, sc);
        snprintf(frac, sizeof frac, "%zu/%zu", l.areas[a].answered, areas[a].n);
        if (compare) {
            score_text(cmp.areas[a].score, cs);
            if (l.areas[a].score >= 0 && cmp.areas[a].score >= 0)
                snprintf(ch, sizeof ch, "%+d", l.areas[a].score - cmp.areas[a].score);
            printf("%-5s %-5s %-7s %-6s %-8s %-5zu %s\n", areas[a].id, sc, cs, ch, frac,
                   l.areas[a].below, areas[a].name);
        } else
            printf("%-5s %-5s %-8s %-5zu %s\n", areas[a].id, sc, frac, l.areas[a].below,
                   areas[a].name);
    }
    printf("(area score = lower median of the answered indicators' levels; - = none answered)\n");
    if (brief) {
        rc = 0;
        goto out;
    }
    for (size_t i = 0; i < ni; i++) {
        ngaps += l.level[i] >= 0 && l.level[i] < ind[i].target;
        nmiss += l.level[i] < 0;
    }
    printf("\nBelow target (%zu):\n", ngaps);
    for (size_t i = 0; i < ni; i++)
        if (l.level[i] >= 0 && l.level[i] < ind[i].target)
            printf("  %-6s %d < %d  %s\n", ind[i].id, l.level[i], ind[i].target, ind[i].text);
    if (nmiss) {
        printf("\nNot assessed (%zu):", nmiss);
        for (size_t i = 0; i < ni; i++)
            if (l.level[i] < 0)
                printf(" %s", ind[i].id);
        printf("\n");
    }
    if (compare) {
        size_t changed = 0;
        printf("\nChanged since '%s':\n", cmp.fw.cycle);
        for (size_t i = 0; i < ni; i++) {
            char now[4], was[4];
            if (l.level[i] == cmp.level[i])
                continue;
            score_text(l.level[i], now);
            score_text(cmp.level[i], was);
            printf("  %-6s %s -> %s  %s\n", ind[i].id, was, now, ind[i].text);
            changed++;
        }
        if (!changed)
            printf("  (no indicator changed)\n");
    }
    print_computed(p, &l, c, nc);
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

/* ---- findings ---------------------------------------------------------------------- */

static int fw_findings(bw_store *s, const bw_pack *p, const char *cycle, int json)
{
    struct bw_fw_state st;
    struct bw_arena ar;
    const struct bw_fw_finding *f;
    struct bw_diag d;
    size_t nf, count[BW_FW_GOOD_PRACTICE + 1] = {0};
    int rc = 1;

    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    if (bw_framework_state_load(s, p, cycle, &ar, &st, &d)) {
        cli_fail(&d);
        goto out;
    }
    f = st.findings;
    nf = st.nfindings;
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nf; i++) {
            json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:i,s:s,s:s}", "kind",
                                  bw_fw_finding_kind_name(f[i].kind), "indicator", f[i].ind->id,
                                  "area", f[i].ind->area, "level", opt_level(f[i].level),
                                  "target", f[i].ind->target, "priority",
                                  bw_fw_priority_name(f[i].priority), "text", f[i].text);
            if (f[i].computed) {
                const struct bw_fw_computed *x = f[i].computed;
                json_object_set_new(o, "computed", json_string(x->def->id));
                json_object_set_new(o, "count", json_integer((json_int_t)x->num));
                json_object_set_new(o, "of", json_integer((json_int_t)x->den));
                json_object_set_new(o, x->ids_are_sites ? "sites" : "threats", ids_json(x));
            }
            json_array_append_new(arr, o);
        }
        rc = cli_json_print(arr);
        goto out;
    }
    for (size_t i = 0; i < nf; i++)
        count[f[i].kind]++;
    printf("Findings of framework assessment '%s': %zu vulnerabilities, %zu gaps, %zu "
           "technical-assistance needs, %zu recommendations, %zu good practices\n\n",
           st.fw.cycle, count[BW_FW_VULNERABILITY], count[BW_FW_GAP], count[BW_FW_TA_NEED],
           count[BW_FW_RECOMMENDATION], count[BW_FW_GOOD_PRACTICE]);
    printf("%-8s %-15s %-6s %-5s %s\n", "PRIORITY", "KIND", "IND", "LEVEL", "FINDING");
    for (size_t i = 0; i < nf; i++) {
        char lv[8], tg[4];
        score_text(f[i].level, lv);
        score_text(f[i].ind->target, tg);
        snprintf(lv + strlen(lv), sizeof lv - strlen(lv), "/%s", tg);
        if (f[i].computed) {
            const struct bw_fw_computed *x = f[i].computed;
            char ids[1024];
            ids_text(x, ids, sizeof ids);
            printf("%-8s %-15s %-6s %-5s %s: %lld of %lld%s%s%s\n",
                   bw_fw_priority_name(f[i].priority), bw_fw_finding_kind_name(f[i].kind),
                   f[i].ind->id, lv, x->def->name, (long long)x->num, (long long)x->den,
                   x->nids ? " — " : "", x->nids && x->ids_are_sites ? "sites " : "", ids);
        } else
            printf("%-8s %-15s %-6s %-5s %s\n", bw_fw_priority_name(f[i].priority),
                   bw_fw_finding_kind_name(f[i].kind), f[i].ind->id, lv, f[i].text);
    }
    printf("(LEVEL = answer/target; rules in docs/methodology.md, \"Framework assessment\")\n");
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

int cmd_framework(int argc, char **argv)
{
    enum { O_CYCLE = 1, O_COMPARE, O_EVIDENCE, O_FILES, O_ASSESSOR, O_DATE, O_SHORT };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"cycle", required_argument, NULL, O_CYCLE},
                                         {"compare", required_argument, NULL, O_COMPARE},
                                         {"evidence", required_argument, NULL, O_EVIDENCE},
                                         {"files", required_argument, NULL, O_FILES},
                                         {"assessor", required_argument, NULL, O_ASSESSOR},
                                         {"date", required_argument, NULL, O_DATE},
                                         {"short", no_argument, NULL, O_SHORT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_fw_answer a = {0};
    const char *db = NULL, *cycle = NULL, *compare = NULL, *what;
    int json = 0, brief = 0, c, rc, nargs;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case O_CYCLE: cycle = optarg; break;
        case O_COMPARE: compare = optarg; break;
        case O_EVIDENCE: a.evidence = optarg; break;
        case O_FILES: a.files = optarg; break;
        case O_ASSESSOR: a.assessor = optarg; break;
        case O_DATE: a.date = optarg; break;
        case O_SHORT: brief = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown or incomplete option");
        }
    }
    if (optind >= argc)
        return cli_usage(usage, "expected new, answer, import, score, findings or list");
    what = argv[optind];
    nargs = argc - optind - 1;
    if (strcmp(what, "new") == 0 || strcmp(what, "score") == 0 || strcmp(what, "list") == 0 ||
        strcmp(what, "findings") == 0) {
        if (nargs != 0)
            return cli_usage(usage, "too many arguments");
    } else if (strcmp(what, "answer") == 0) {
        if (nargs != 2)
            return cli_usage(usage, "answer takes an indicator and a level");
    } else if (strcmp(what, "import") == 0) {
        if (nargs != 1)
            return cli_usage(usage, "import takes one file");
    } else
        return cli_usage(usage, "expected new, answer, import, score, findings or list");
    if (strcmp(what, "answer") != 0 && (a.evidence || a.files || a.assessor || a.date))
        return cli_usage(usage, "--evidence, --files, --assessor and --date belong to `answer`");
    if (strcmp(what, "score") != 0 && (compare || brief))
        return cli_usage(usage, "--compare and --short belong to `score`");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (need_framework(p))
        rc = 1;
    else if (strcmp(what, "new") == 0)
        rc = fw_new(s, p, cycle);
    else if (strcmp(what, "answer") == 0)
        rc = fw_answer(s, p, cycle, argv[optind + 1], argv[optind + 2], &a);
    else if (strcmp(what, "import") == 0)
        rc = fw_import(s, p, cycle, argv[optind + 1]);
    else if (strcmp(what, "score") == 0)
        rc = fw_score(s, p, cycle, compare, json, brief);
    else if (strcmp(what, "findings") == 0)
        rc = fw_findings(s, p, cycle, json);
    else
        rc = fw_list(s, json);
    cli_close(s, p);
    return rc;
}
