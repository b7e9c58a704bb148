/*
 * plan.c — generating the national action plan from the findings of a framework
 * assessment and from a saved risk-reduction portfolio (plan_live.h states the rule).
 *
 * The findings come from bw_framework_state_load (answers, computed indicators on the
 * live register, findings), already sorted by priority, so actions are created in that
 * order. An indicator's sites are the union of the site ids behind its computed
 * figures, sorted and deduplicated. Portfolio items are grouped by measure in the order
 * the store gives them (reduction descending), so the measure that buys the most risk
 * reduction comes first. Everything is written inside one bw_store_begin/commit: a
 * failure rolls the whole generation back. Memory: one arena for the run (the caller's);
 * temporary arrays with bw_malloc, freed before returning. Not thread-safe on one store
 * handle.
 */
#include "plan_live.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "framework.h"
#include "framework_live.h"
#include "measure.h"
#include "plan.h"
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Due dates of generated actions: days after generation, by priority (docs/plan.md). */
#define DUE_HIGH_DAYS 180
#define DUE_OTHER_DAYS 365

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- from the findings ---------------------------------------------------------------- */

/* The sites behind indicator @p ind's computed figures, sorted and unique, at most
 * BW_PLAN_LIST_MAX (*more counts the rest); threat types into @p threats as text. */
static int sites_of(const struct bw_fw_state *st, const struct bw_fw_indicator *ind,
                    struct bw_arena *a, const char ***out, size_t *n, size_t *more,
                    char *threats, size_t tcap)
{
    size_t total = 0, k = 0, m = 0;
    const char **v;

    *out = NULL;
    *n = *more = 0;
    threats[0] = 0;
    for (size_t i = 0; i < st->ncomputed; i++) {
        const struct bw_fw_computed *c = &st->computed[i];
        if (!c->available || strcmp(c->def->indicator, ind->id) != 0)
            continue;
        if (c->ids_are_sites)
            total += c->nids;
        else
            for (size_t j = 0; j < c->nids; j++) {
                size_t l = strlen(threats);
                if (l < tcap)
                    snprintf(threats + l, tcap - l, "%s%s", l ? ", " : "", c->ids[j]);
            }
    }
    if (!total)
        return BW_OK;
    if (!(v = bw_arena_alloc(a, total * sizeof *v)))
        return BW_ENOMEM;
    for (size_t i = 0; i < st->ncomputed; i++) {
        const struct bw_fw_computed *c = &st->computed[i];
        if (c->available && c->ids_are_sites && strcmp(c->def->indicator, ind->id) == 0)
            for (size_t j = 0; j < c->nids; j++)
                v[k++] = c->ids[j];
    }
    qsort(v, k, sizeof *v, cmp_str);
    for (size_t i = 0; i < k; i++)
        if (m == 0 || strcmp(v[m - 1], v[i]) != 0)
            v[m++] = v[i];
    *out = v;
    *n = m > BW_PLAN_LIST_MAX ? BW_PLAN_LIST_MAX : m;
    *more = m - *n;
    return BW_OK;
}

static int from_findings(bw_store *s, const bw_pack *p, const struct bw_plan_gen_opts *o,
                         struct bw_arena *a, struct bw_plan_gen_result *r, struct bw_diag *d)
{
    struct bw_fw_state st;
    size_t na, ni;
    const struct bw_fw_area *areas = bw_pack_fw_areas(p, &na);
    int64_t *objective = NULL;
    unsigned char *done = NULL;
    char origin[160], threats[1024], note[2048], due[11], lv[32];
    int rc, exists;

    bw_pack_fw_indicators(p, &ni);
    rc = bw_framework_state_load(s, p, o->cycle, a, &st, d);
    if (rc == BW_ENOTFOUND && !o->cycle) {
        bw_diag_clear(d); /* not an error: nothing to generate from */
        r->no_assessment = 1;
        return BW_OK;
    }
    if (rc)
        return rc;
    r->cycle = st.fw.cycle;
    snprintf(origin, sizeof origin, "framework:%s", st.fw.cycle);
    if ((rc = bw_store_plan_origin_exists(s, origin, &exists, d)))
        return rc;
    if (exists) {
        r->framework_skipped = 1;
        return BW_OK;
    }
    objective = bw_calloc(na + 1, sizeof *objective);
    done = bw_calloc(ni + 1, 1);
    if (!objective || !done) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < st.nfindings; i++) {
        const struct bw_fw_finding *f = &st.findings[i];
        const struct bw_fw_indicator *ind = f->ind;
        size_t ii = bw_pack_fw_indicator_index(p, ind->id), nsites, more;
        const char **sites;
        struct bw_plan_action act;
        int64_t id;

        if ((f->kind != BW_FW_RECOMMENDATION && f->kind != BW_FW_VULNERABILITY) || done[ii])
            continue;
        done[ii] = 1;
        if (!objective[ind->area_index]) {
            char title[512];
            struct bw_plan_objective ob = {0, title, areas[ind->area_index].id, origin};
            snprintf(title, sizeof title, "%s (%s): close the gaps found in framework "
                     "assessment '%s'", areas[ind->area_index].name, areas[ind->area_index].id,
                     st.fw.cycle);
            if ((rc = bw_store_plan_objective_add(s, &ob, &objective[ind->area_index], d)))
                goto out;
            r->objectives++;
        }
        if ((rc = sites_of(&st, ind, a, &sites, &nsites, &more, threats, sizeof threats))) {
            rc = bw_diag_set(d, rc, NULL, "out of memory");
            goto out;
        }
        if (f->level < 0)
            snprintf(lv, sizeof lv, "not assessed");
        else
            snprintf(lv, sizeof lv, "level %d", f->level);
        snprintf(note, sizeof note, "from the %s findings on %s (%s, target %d)%s%s%s%s",
                 bw_fw_priority_name(f->priority), ind->id, lv, ind->target,
                 ind->ta_area ? "; technical assistance: " : "", ind->ta_area ? ind->ta_area : "", threats[0] ? "; threat types with no measure: "
                                                              : "", threats);
        if (more) {
            size_t l = strlen(note);
            snprintf(note + l, sizeof note - l, "; and %zu more sites (see `bulwark framework "
                     "findings --json`)", more);
        }
        if (bw_plan_date_add(o->today, f->priority == BW_FW_HIGH ? DUE_HIGH_DAYS
                                                                 : DUE_OTHER_DAYS, due)) {
            rc = bw_diag_set(d, BW_EINVAL, "today", "'%s' is not a date", o->today);
            goto out;
        }
        act = (struct bw_plan_action){
            .objective = objective[ind->area_index],
            .title = ind->recommendation,
            .indicators = &ind->id,
            .nindicators = 1,
            .sites = sites,
            .nsites = nsites,
            .due = due,
            .status = BW_PLAN_PLANNED,
            .priority = bw_fw_priority_name(f->priority),
            .origin = origin,
            .note = note,
        };
        if ((rc = bw_plan_action_check(p, &act, d)) ||
            (rc = bw_store_plan_action_add(s, &act, NULL, 0, o->today, o->who, &id, d)))
            goto out;
        r->actions++;
    }
out:
    bw_free(objective);
    bw_free(done);
    return rc;
}

/* ---- from a portfolio ----------------------------------------------------------------- */

struct group {
    const char *measure;
    const char **sites;
    size_t nsites, cap;
    double capital, yearly;
};

struct groups {
    bw_store *s;
    struct bw_arena *a;
    struct group *g;
    size_t n, cap, gone;
    int rc;
};

static int on_item(void *ud, const struct bw_portfolio_item *it)
{
    struct groups *w = ud;
    struct group *g = NULL;
    struct bw_site site;
    int rc;

    /* Items keep site ids as text: a site removed from the register since is left out. */
    rc = bw_store_site_get(w->s, it->site, w->a, &site);
    if (rc == BW_ENOTFOUND) {
        w->gone++;
        return 0;
    }
    if (rc) {
        w->rc = rc;
        return 1;
    }
    for (size_t i = 0; i < w->n && !g; i++)
        if (strcmp(w->g[i].measure, it->measure) == 0)
            g = &w->g[i];
    if (!g) {
        if (w->n == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 16, bytes;
            struct group *v;
            if (bw_mul_size(cap, sizeof *v, &bytes) || !(v = bw_realloc(w->g, bytes)))
                goto oom;
            w->g = v;
            w->cap = cap;
        }
        g = &w->g[w->n++];
        memset(g, 0, sizeof *g);
        if (!(g->measure = bw_arena_strndup(w->a, it->measure, strlen(it->measure))))
            goto oom;
    }
    if (g->nsites < BW_PLAN_LIST_MAX) {
        if (g->nsites == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 16, bytes;
            const char **v;
            if (bw_mul_size(cap, sizeof *v, &bytes) || !(v = bw_realloc((void *)g->sites, bytes)))
                goto oom;
            g->sites = v;
            g->cap = cap;
        }
        if (!(g->sites[g->nsites] = bw_arena_strndup(w->a, it->site, strlen(it->site))))
            goto oom;
        g->nsites++;
    }
    g->capital += it->capital;
    g->yearly += it->yearly;
    return 0;
oom:
    w->rc = BW_ENOMEM;
    return 1;
}

static int from_portfolio(bw_store *s, const bw_pack *p, const struct bw_plan_gen_opts *o,
                          struct bw_arena *a, struct bw_plan_gen_result *r, struct bw_diag *d)
{
    struct bw_portfolio_run run;
    struct groups w = {s, a, NULL, 0, 0, 0, BW_OK};
    char origin[64], title[512], due[11];
    int64_t obj;
    int rc, exists;

    rc = bw_store_portfolio_run(s, o->portfolio, a, &run);
    if (rc == BW_ENOTFOUND) {
        if (o->portfolio > 0)
            return bw_diag_set(d, BW_ENOTFOUND, "portfolio", "no portfolio run %lld (see "
                               "`bulwark optimise`)", (long long)o->portfolio);
        r->no_portfolio = 1;
        return BW_OK;
    }
    if (rc)
        return bw_diag_set(d, rc, "portfolio", "reading the portfolio run failed");
    r->portfolio = run.id;
    snprintf(origin, sizeof origin, "portfolio:%lld", (long long)run.id);
    if ((rc = bw_store_plan_origin_exists(s, origin, &exists, d)))
        return rc;
    if (exists) {
        r->portfolio_skipped = 1;
        return BW_OK;
    }
    rc = bw_store_portfolio_items_each(s, run.id, on_item, &w);
    if (w.rc || rc) {
        rc = bw_diag_set(d, w.rc ? w.rc : rc, "portfolio", "reading the items of portfolio run "
                         "%lld failed", (long long)run.id);
        goto out;
    }
    r->sites_gone = w.gone;
    if (!w.n)
        goto out;
    snprintf(title, sizeof title, "Reduce national risk with the measures of portfolio run %lld "
             "(capital budget %.0f; risk %.0f -> %.0f a year)", (long long)run.id, run.budget,
             run.risk_before, run.risk_after);
    {
        struct bw_plan_objective ob = {0, title, NULL, origin};
        if ((rc = bw_store_plan_objective_add(s, &ob, &obj, d)))
            goto out;
        r->objectives++;
    }
    if (bw_plan_date_add(o->today, DUE_OTHER_DAYS, due)) {
        rc = bw_diag_set(d, BW_EINVAL, "today", "'%s' is not a date", o->today);
        goto out;
    }
    for (size_t i = 0; i < w.n; i++) {
        const struct bw_measure *m = bw_pack_measure(p, w.g[i].measure);
        char atitle[512];
        struct bw_plan_action act;
        int64_t id;
        snprintf(atitle, sizeof atitle, "Put %s in place at %zu site%s", m ? m->name
                                                                            : w.g[i].measure,
                 w.g[i].nsites, w.g[i].nsites == 1 ? "" : "s");
        act = (struct bw_plan_action){
            .objective = obj,
            .title = atitle,
            .sites = w.g[i].sites,
            .nsites = w.g[i].nsites,
            .due = due,
            .status = BW_PLAN_PLANNED,
            .capital = w.g[i].capital,
            .yearly = w.g[i].yearly,
            .origin = origin,
            .note = w.g[i].measure,
        };
        if ((rc = bw_plan_action_check(p, &act, d)) ||
            (rc = bw_store_plan_action_add(s, &act, NULL, 0, o->today, o->who, &id, d)))
            goto out;
        r->actions++;
    }
out:
    for (size_t i = 0; i < w.n; i++)
        bw_free((void *)w.g[i].sites);
    bw_free(w.g);
    return rc;
}

int bw_plan_generate(bw_store *s, const bw_pack *p, const struct bw_plan_gen_opts *o,
                     struct bw_arena *a, struct bw_plan_gen_result *r, struct bw_diag *d)
{
    int rc = BW_OK;

    memset(r, 0, sizeof *r);
    if (bw_store_begin(s))
        return bw_diag_set(d, BW_ESTORE, NULL, "cannot start a transaction");
    if (o->framework)
        rc = from_findings(s, p, o, a, r, d);
    if (!rc && o->portfolio >= 0)
        rc = from_portfolio(s, p, o, a, r, d);
    if (!rc && bw_store_commit(s))
        rc = bw_diag_set(d, BW_ESTORE, NULL, "committing the plan failed");
    if (rc) {
        bw_store_rollback(s);
        memset(r, 0, sizeof *r);
    }
    return rc;
}
