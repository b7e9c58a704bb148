/*
 * optimise.c — the risk-reduction portfolio over the register (optimise.h).
 *
 * Loading reads the assessment run's rows once (site, threat, risk), sorts the distinct
 * site ids so every later lookup is a binary search, and fills portfolio.h's flat
 * arrays: risk per site × threat type (threat order of the pack), each catalogue
 * measure's effect per threat (its effectiveness where it acts, 0 for a barrier whose
 * rating does not stop the threat's vehicle), costs, the human-rights review flags,
 * the measures in place per site (a bit mask; planned ones are still candidates), the
 * must-cover sites and one group per --min-category (a site joins the first whose
 * taxonomy id is its category or a sector holding it). portfolio.c then builds the
 * options and solves; this file turns the answer back into sites, measures and the
 * rows the store keeps, crediting each measure with a share of its site's reduction in
 * proportion to what it would achieve there alone.
 */
#include "optimise.h"
#include "alloc.h"
#include "buf.h"
#include "effects.h"
#include "error.h"
#include "json.h"
#include "measure.h"
#include "risk.h"
#include "threat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
    uint32_t site_row; /* index into the row's site string table before sorting */
    uint32_t threat;
    double risk;
};

struct loader {
    struct bw_arena *a;
    const bw_pack *p;
    struct bw_risk_threat threats[BW_RISK_MAX_THREATS];
    size_t nthreats;
    struct row *rows;
    const char **row_site;
    size_t nrows, caprows;
    int oom, bad;
    char bad_threat[128];
};

struct problem {
    size_t nsites, nthreats, nmeasures;
    const char **ids;        /* sorted site ids */
    const char **cats;       /* category per site (NULL when the site left the register) */
    double *risk, *effect, *capital, *yearly;
    uint8_t *review, *must;
    uint64_t *in_place;
    uint32_t *group;
    double *gmin;
    const struct bw_measure *catalogue;
    struct bw_portfolio_instance in;
    int64_t assess_run;
};

static void problem_release(struct problem *pr)
{
    bw_free(pr->ids);
    bw_free(pr->cats);
    bw_free(pr->risk);
    bw_free(pr->effect);
    bw_free(pr->capital);
    bw_free(pr->yearly);
    bw_free(pr->review);
    bw_free(pr->must);
    bw_free(pr->in_place);
    bw_free(pr->group);
    bw_free(pr->gmin);
    memset(pr, 0, sizeof *pr);
}

static int on_row(void *ud, const struct bw_risk_row *r)
{
    struct loader *l = ud;
    size_t k;

    for (k = 0; k < l->nthreats; k++)
        if (strcmp(l->threats[k].id, r->threat) == 0)
            break;
    if (k == l->nthreats) {
        snprintf(l->bad_threat, sizeof l->bad_threat, "%s", r->threat);
        l->bad = 1;
        return 1;
    }
    if (l->nrows == l->caprows) {
        size_t n = l->caprows ? l->caprows * 2 : 4096;
        void *q = bw_realloc(l->rows, n * sizeof *l->rows);
        if (!q)
            goto oom;
        l->rows = q;
        if (!(q = bw_realloc(l->row_site, n * sizeof *l->row_site)))
            goto oom;
        l->row_site = q;
        l->caprows = n;
    }
    if (!(l->row_site[l->nrows] = bw_arena_strndup(l->a, r->site, strlen(r->site))))
        goto oom;
    l->rows[l->nrows] = (struct row){(uint32_t)l->nrows, (uint32_t)k, r->risk};
    l->nrows++;
    return 0;
oom:
    l->oom = 1;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int64_t find_site(const struct problem *pr, const char *id)
{
    size_t lo = 0, hi = pr->nsites;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pr->ids[mid], id);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

struct side_ctx {
    struct problem *pr;
    struct bw_arena *a;
    int oom;
};

static int on_site_measure(void *ud, const struct bw_site_measure *m)
{
    struct side_ctx *x = ud;
    int64_t s = find_site(x->pr, m->site);

    if (s < 0 || m->planned)
        return 0;
    for (size_t i = 0; i < x->pr->nmeasures; i++)
        if (strcmp(x->pr->catalogue[i].id, m->measure) == 0)
            x->pr->in_place[s] |= 1ull << i;
    return 0;
}

static int on_site(void *ud, const struct bw_site *site)
{
    struct side_ctx *x = ud;
    int64_t s = find_site(x->pr, site->id);

    if (s >= 0 && site->category &&
        !(x->pr->cats[s] = bw_arena_strndup(x->a, site->category, strlen(site->category))))
        x->oom = 1;
    return x->oom;
}

/* Is a site of category @p cat counted for taxonomy id @p id? */
static int in_category(const bw_pack *p, const char *cat, const char *id)
{
    const struct bw_class *c;

    if (!cat)
        return 0;
    if (strcmp(cat, id) == 0)
        return 1;
    c = bw_pack_class(p, cat, strlen(cat));
    return c && bw_pack_class_in_sector(p, c, id);
}

static int load(bw_store *s, const bw_pack *p, const struct bw_optimise_options *o,
                struct bw_arena *a, struct problem *pr, struct bw_diag *d)
{
    struct loader l;
    struct bw_assess_run run;
    struct bw_risk_query q = {0};
    struct side_ctx sx = {pr, a, 0};
    size_t nm = 0, nt;
    int rc;

    memset(pr, 0, sizeof *pr);
    memset(&l, 0, sizeof l);
    l.a = a;
    l.p = p;
    if (!(o->budget >= 0) || !isfinite(o->budget))
        return bw_diag_set(d, BW_ERANGE, "budget", "the budget must be an amount of 0 or more "
                           "(got %g)", o->budget);
    if (!isfinite(o->yearly))
        return bw_diag_set(d, BW_ERANGE, "yearly", "the yearly budget must be a finite amount");
    for (size_t i = 0; i < o->nmin; i++)
        if (!(o->min_amount[i] >= 0) || !isfinite(o->min_amount[i]))
            return bw_diag_set(d, BW_ERANGE, "min-category", "category '%s': the minimum must "
                               "be an amount of 0 or more (got %g)", o->min_category[i],
                               o->min_amount[i]);
    if ((rc = bw_store_assess_run(s, o->run, a, &run)) == BW_ENOTFOUND)
        return o->run ? bw_diag_set(d, BW_ENOTFOUND, "run", "no assessment run %lld",
                                    (long long)o->run)
                      : bw_diag_set(d, BW_ENOTFOUND, "run", "no assessment run yet: run "
                                    "`bulwark assess` first");
    if (rc)
        return bw_diag_set(d, rc, "run", "reading the assessment run: %s", bw_strerror(rc));
    pr->assess_run = run.id;
    if ((rc = bw_risk_threats_from_pack(p, l.threats, BW_RISK_MAX_THREATS, &l.nthreats)))
        return bw_diag_set(d, rc, "threats", "the pack's threat types: %s", bw_strerror(rc));
    pr->catalogue = bw_pack_measures(p, &nm);
    if (nm > BW_PORTFOLIO_MAX_MEASURES)
        return bw_diag_set(d, BW_ETOOBIG, "measures", "the catalogue has %zu measures; the "
                           "optimiser takes at most %d", nm, BW_PORTFOLIO_MAX_MEASURES);
    q.run = run.id;
    rc = bw_store_risks_each(s, &q, on_row, &l);
    if (l.oom) {
        rc = BW_ENOMEM;
        goto out;
    }
    if (l.bad) {
        rc = bw_diag_set(d, BW_EREF, "threat", "assessment run %lld has threat type '%s', "
                         "which the pack does not have", (long long)run.id, l.bad_threat);
        goto out;
    }
    if (rc) {
        rc = bw_diag_set(d, BW_ESTORE, "run", "reading the risk register: %s", bw_strerror(rc));
        goto out;
    }
    /* Distinct site ids, sorted. */
    rc = BW_ENOMEM;
    if (!(pr->ids = bw_malloc((l.nrows ? l.nrows : 1) * sizeof *pr->ids)))
        goto out;
    if (l.nrows)
        memcpy(pr->ids, l.row_site, l.nrows * sizeof *pr->ids);
    qsort(pr->ids, l.nrows, sizeof *pr->ids, cmp_str);
    for (size_t i = 0; i < l.nrows; i++)
        if (pr->nsites == 0 || strcmp(pr->ids[pr->nsites - 1], pr->ids[i]) != 0)
            pr->ids[pr->nsites++] = pr->ids[i];
    nt = l.nthreats;
    pr->nthreats = nt;
    pr->nmeasures = nm;
    {
        size_t ns = pr->nsites ? pr->nsites : 1, nmx = nm ? nm : 1;
        if (!(pr->cats = bw_calloc(ns, sizeof *pr->cats)) ||
            !(pr->risk = bw_calloc(ns * nt, sizeof *pr->risk)) ||
            !(pr->effect = bw_calloc(nmx * nt, sizeof *pr->effect)) ||
            !(pr->capital = bw_calloc(nmx, sizeof *pr->capital)) ||
            !(pr->yearly = bw_calloc(nmx, sizeof *pr->yearly)) ||
            !(pr->review = bw_calloc(nmx, 1)) || !(pr->must = bw_calloc(ns, 1)) ||
            !(pr->in_place = bw_calloc(ns, sizeof *pr->in_place)) ||
            !(pr->group = bw_calloc(ns, sizeof *pr->group)) ||
            !(pr->gmin = bw_calloc(o->nmin + 1, sizeof *pr->gmin)))
            goto out;
    }
    for (size_t i = 0; i < l.nrows; i++) {
        int64_t si = find_site(pr, l.row_site[l.rows[i].site_row]);
        pr->risk[(size_t)si * nt + l.rows[i].threat] += l.rows[i].risk;
    }
    for (size_t m = 0; m < nm; m++) {
        const struct bw_measure *me = &pr->catalogue[m];
        pr->capital[m] = me->cost_capital;
        pr->yearly[m] = me->cost_yearly;
        pr->review[m] = me->privacy_review != 0;
        for (size_t k = 0; k < nt; k++) {
            const struct bw_threat *t = bw_pack_threat(p, l.threats[k].id);
            double e = t && bw_measure_acts_on(p, me, t) ? me->effectiveness : 0;
            if (e > 0 && me->barrier_mass_kg > 0 && l.threats[k].vehicle_kg > 0) {
                struct bw_barrier_rating b = {me->barrier_mass_kg, me->barrier_speed_kmh, 0};
                struct bw_ramming rr;
                if (bw_ramming_check(&b, l.threats[k].vehicle_kg, l.threats[k].speed_kmh, 0,
                                     &rr) ||
                    !rr.stopped)
                    e = 0;
            }
            pr->effect[m * nt + k] = e;
        }
    }
    if ((rc = bw_store_site_measure_each(s, NULL, on_site_measure, &sx))) {
        rc = bw_diag_set(d, BW_ESTORE, "measure", "reading the measures in place: %s",
                         bw_strerror(rc));
        goto out;
    }
    if ((rc = bw_store_sites_each(s, NULL, on_site, &sx)) || sx.oom) {
        rc = sx.oom ? BW_ENOMEM
                    : bw_diag_set(d, BW_ESTORE, "site", "reading the sites: %s", bw_strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < o->nmust; i++) {
        int64_t si = find_site(pr, o->must_cover[i]);
        if (si < 0) {
            rc = bw_diag_set(d, BW_EREF, "must-cover", "site '%s' is not in assessment run %lld",
                             o->must_cover[i], (long long)run.id);
            goto out;
        }
        pr->must[si] = 1;
    }
    /* Group nmin (the last) holds the sites no minimum applies to. */
    for (size_t g = 0; g < o->nmin; g++) {
        const char *id = o->min_category[g];
        if (!bw_pack_class(p, id, strlen(id))) {
            rc = bw_diag_set(d, BW_EREF, "min-category", "'%s' is not a category or sector of "
                             "the pack's taxonomy", id);
            goto out;
        }
        pr->gmin[g] = o->min_amount[g];
    }
    for (size_t si = 0; si < pr->nsites; si++) {
        pr->group[si] = (uint32_t)o->nmin;
        for (size_t g = 0; g < o->nmin; g++)
            if (in_category(p, pr->cats[si], o->min_category[g])) {
                pr->group[si] = (uint32_t)g;
                break;
            }
    }
    pr->in = (struct bw_portfolio_instance){
        .nsites = pr->nsites, .nthreats = nt, .nmeasures = nm, .risk = pr->risk,
        .effect = pr->effect, .capital = pr->capital, .yearly = pr->yearly,
        .review = pr->review, .in_place = pr->in_place, .must_cover = pr->must,
        .group = o->nmin ? pr->group : NULL, .ngroups = o->nmin ? o->nmin + 1 : 0,
        .group_min = pr->gmin};
    rc = BW_OK;
out:
    bw_free(l.rows);
    bw_free(l.row_site);
    if (rc)
        problem_release(pr);
    return rc;
}

/* The constraints as JSON, for the stored run. */
static int options_json(const struct bw_optimise_options *o, struct bw_buf *b)
{
    int rc = bw_buf_printf(b, "{\"allow_review\":%s,\"must_cover\":[",
                           o->allow_review ? "true" : "false");

    for (size_t i = 0; i < o->nmust && !rc; i++) {
        if (i)
            rc = bw_buf_putc(b, ',');
        if (!rc)
            rc = bw_json_put_string(b, o->must_cover[i], strlen(o->must_cover[i]));
    }
    if (!rc)
        rc = bw_buf_puts(b, "],\"min_category\":{");
    for (size_t i = 0; i < o->nmin && !rc; i++) {
        if (i)
            rc = bw_buf_putc(b, ',');
        if (!rc)
            rc = bw_json_put_string(b, o->min_category[i], strlen(o->min_category[i]));
        if (!rc)
            rc = bw_buf_printf(b, ":%.17g", o->min_amount[i]);
    }
    if (!rc)
        rc = bw_buf_puts(b, "}}");
    return rc;
}

static int cmp_item(const void *x, const void *y)
{
    const struct bw_portfolio_item *a = x, *b = y;
    int c;

    if (a->reduction != b->reduction)
        return a->reduction > b->reduction ? -1 : 1;
    if ((c = strcmp(a->site, b->site)))
        return c;
    return strcmp(a->measure, b->measure);
}

static int cmp_site(const void *x, const void *y)
{
    const struct bw_optimise_site *a = x, *b = y;
    double ra = a->risk_before - a->risk_after, rb = b->risk_before - b->risk_after;

    if (ra != rb)
        return ra > rb ? -1 : 1;
    return strcmp(a->id, b->id);
}

int bw_optimise_run(bw_store *s, const bw_pack *p, const struct bw_optimise_options *o,
                    struct bw_arena *a, struct bw_optimise_result *out, struct bw_diag *d)
{
    struct problem pr;
    struct bw_portfolio_options po = {0};
    bw_portfolio *pf = NULL;
    uint64_t *chosen = NULL;
    struct bw_portfolio_item *items = NULL;
    struct bw_optimise_site *sites = NULL;
    struct bw_buf opts;
    size_t nitems = 0, nsc = 0;
    int rc;

    memset(out, 0, sizeof *out);
    bw_buf_init(&opts, 1 << 20);
    if ((rc = load(s, p, o, a, &pr, d)))
        return rc;
    po.budget = o->budget;
    po.yearly = o->yearly;
    po.allow_review = o->allow_review;
    po.progress = o->progress;
    po.ud = o->ud;
    if ((rc = bw_portfolio_new(&pr.in, &po, d, &pf))) {
        if (rc == BW_EINVAL && strcmp(d->field, "must_cover") == 0) {
            /* portfolio.c names the site by its index: name it by its id. */
            const char *n = strstr(d->msg, "site ");
            size_t si = n ? (size_t)strtoull(n + 5, NULL, 10) : pr.nsites;
            if (si < pr.nsites) {
                bw_diag_clear(d);
                bw_diag_set(d, BW_EINVAL, "must-cover", "site '%s' must be covered, but no "
                            "allowed measure that is not already there acts on its risks",
                            pr.ids[si]);
            }
        }
        goto out;
    }
    out->nsites = pr.nsites;
    out->noptions = bw_portfolio_noptions(pf);
    out->nmeasures = pr.nmeasures;
    {
        const char **ids = bw_arena_alloc(a, (pr.nmeasures ? pr.nmeasures : 1) * sizeof *ids);
        if (!ids) {
            rc = BW_ENOMEM;
            goto out;
        }
        for (size_t m = 0; m < pr.nmeasures; m++)
            ids[m] = pr.catalogue[m].id;
        out->measure_ids = ids;
    }
    rc = BW_ENOMEM;
    if (!(chosen = bw_calloc(pr.nsites ? pr.nsites : 1, sizeof *chosen)))
        goto out;
    if ((rc = bw_portfolio_solve(pf, o->budget, o->yearly, chosen, &out->r, d)))
        goto out;
    if (o->curve) {
        double *lv = bw_arena_alloc(a, o->curve * sizeof *lv);
        double *sp = bw_arena_alloc(a, o->curve * sizeof *sp);
        double *rd = bw_arena_alloc(a, o->curve * sizeof *rd);
        if (!lv || !sp || !rd) {
            rc = BW_ENOMEM;
            goto out;
        }
        if ((rc = bw_portfolio_curve(pf, o->budget, o->yearly, o->curve, lv, sp, rd, d)))
            goto out;
        out->curve_budget = lv;
        out->curve_capital = sp;
        out->curve_reduction = rd;
        out->ncurve = o->curve;
    }
    /* Items and sites. */
    nitems = out->r.measures;
    nsc = out->r.sites;
    rc = BW_ENOMEM;
    if (!(items = bw_arena_alloc(a, (nitems ? nitems : 1) * sizeof *items)) ||
        !(sites = bw_arena_alloc(a, (nsc ? nsc : 1) * sizeof *sites)))
        goto out;
    {
        size_t ni = 0, ns = 0;
        for (size_t si = 0; si < pr.nsites; si++) {
            double credit[BW_PORTFOLIO_MAX_MEASURES], before = 0, red;
            if (!chosen[si])
                continue;
            for (size_t k = 0; k < pr.nthreats; k++)
                before += pr.risk[si * pr.nthreats + k];
            red = bw_portfolio_benefit(&pr.in, si, chosen[si], credit);
            sites[ns++] = (struct bw_optimise_site){pr.ids[si], pr.cats[si], before,
                                                    before - red, chosen[si]};
            for (size_t m = 0; m < pr.nmeasures; m++)
                if (chosen[si] >> m & 1)
                    items[ni++] = (struct bw_portfolio_item){
                        .site = pr.ids[si], .measure = pr.catalogue[m].id,
                        .capital = pr.capital[m], .yearly = pr.yearly[m],
                        .risk_before = before, .risk_after = before - red,
                        .reduction = credit[m]};
        }
        nitems = ni;
        nsc = ns;
    }
    qsort(items, nitems, sizeof *items, cmp_item);
    qsort(sites, nsc, sizeof *sites, cmp_site);
    out->items = items;
    out->nitems = nitems;
    out->sites = sites;
    out->nsites_chosen = nsc;
    out->run = (struct bw_portfolio_run){
        .assess_run = pr.assess_run, .budget = o->budget, .yearly = o->yearly < 0 ? -1 : o->yearly,
        .capital_used = out->r.capital, .yearly_used = out->r.yearly,
        .risk_before = out->r.risk_before, .risk_after = out->r.risk_after};
    if ((rc = options_json(o, &opts)))
        goto out;
    if (!(out->run.options = bw_arena_strndup(a, bw_buf_cstr(&opts), strlen(bw_buf_cstr(&opts))))) {
        rc = BW_ENOMEM;
        goto out;
    }
    if (o->save) {
        if ((rc = bw_store_portfolio_save(s, &out->run, items, nitems, d)))
            goto out;
        {
            struct bw_portfolio_run back;
            if (bw_store_portfolio_run(s, out->run.id, a, &back) == BW_OK)
                out->run.at = back.at;
        }
    }
    rc = BW_OK;
out:
    bw_free(chosen);
    bw_buf_release(&opts);
    bw_portfolio_free(pf);
    problem_release(&pr);
    return rc;
}

int bw_optimise_lp(bw_store *s, const bw_pack *p, const struct bw_optimise_options *o,
                   char **out, struct bw_diag *d)
{
    struct problem pr;
    struct bw_portfolio_options po = {0};
    bw_portfolio *pf = NULL;
    struct bw_arena a;
    struct bw_buf b;
    int rc;

    *out = NULL;
    bw_arena_init(&a, 1 << 16);
    bw_buf_init(&b, (size_t)1 << 34);
    if ((rc = load(s, p, o, &a, &pr, d)))
        goto out;
    po.budget = o->budget;
    po.yearly = o->yearly;
    po.allow_review = o->allow_review;
    if ((rc = bw_portfolio_new(&pr.in, &po, d, &pf)))
        goto out;
    if ((rc = bw_portfolio_write_lp(pf, o->budget, o->yearly, &b)))
        goto out;
    if (!(*out = bw_buf_take(&b)))
        rc = BW_ENOMEM;
out:
    bw_portfolio_free(pf);
    problem_release(&pr);
    bw_buf_release(&b);
    bw_arena_release(&a);
    return rc;
}
