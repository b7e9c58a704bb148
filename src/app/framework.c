/*
 * framework.c — the computed indicators of the framework assessment
 * (framework_live.h): counts over the live register shown beside the assessor's answers.
 *
 * Everything is read through the store's iterators in id order, so the sets kept
 * (designated sites, operators with a 24/7 phone, soft-target sites) come out sorted and
 * are searched with bw_str_bsearch; the risk register of the latest run is walked once.
 * Memory: id lists grow with bw_realloc and are freed before returning; strings and
 * results live in the caller's arena. Not thread-safe on one store handle.
 */
#include "framework_live.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "measure.h"
#include "str.h"
#include "threat.h"

#include <stdio.h>
#include <string.h>

/* A growing list of ids (strings in the arena), kept in the order added. */
struct ids {
    const char **v;
    size_t n, cap;
    struct bw_arena *a;
    int oom;
};

static int ids_add(struct ids *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64, bytes;
        const char **v;
        if (bw_mul_size(cap, sizeof *v, &bytes) || !(v = bw_realloc((void *)l->v, bytes))) {
            l->oom = 1;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = bw_arena_strndup(l->a, s, strlen(s)))) {
        l->oom = 1;
        return 1;
    }
    l->n++;
    return 0;
}

/* ---- designated-assessed ----------------------------------------------------------- */

static int on_decision(void *ud, const struct bw_decision *dec)
{
    return ids_add(ud, dec->site);
}

struct assessed {
    const struct ids *designated;
    unsigned char *seen;
    int64_t count;
};

static int on_risk(void *ud, const struct bw_risk_row *r)
{
    struct assessed *x = ud;
    int64_t i = bw_str_bsearch(x->designated->v, x->designated->n, r->site);
    if (i >= 0 && !x->seen[i]) {
        x->seen[i] = 1;
        x->count++;
    }
    return 0;
}

/* ---- sites and operators ----------------------------------------------------------- */

static int on_org(void *ud, const struct bw_org *o)
{
    if (o->contact_phone && *o->contact_phone)
        return ids_add(ud, o->id);
    return 0;
}

struct site_walk {
    const bw_pack *p;
    const struct ids *phones;
    struct ids *soft, *no_contact;
    int64_t sites;
};

static int on_site(void *ud, const struct bw_site *s)
{
    struct site_walk *w = ud;
    const struct bw_class *c = bw_pack_class(w->p, s->category, strlen(s->category));
    w->sites++;
    if ((!s->operator_id || bw_str_bsearch(w->phones->v, w->phones->n, s->operator_id) < 0) &&
        ids_add(w->no_contact, s->id))
        return 1;
    if (c && c->kind == BW_CLASS_CATEGORY)
        return ids_add(w->soft, s->id);
    return 0;
}

/* ---- measures ---------------------------------------------------------------------- */

/* The four plans of the soft-target computed indicators, in bw_fw_computed_ids order. */
static const char *const plans[] = {"plan-evacuation", "plan-invacuation", "plan-lockdown",
                                    "plan-communication"};
#define NPLANS 4

struct measure_walk {
    const bw_pack *p;
    const struct ids *soft;
    unsigned char *in_place; /* per catalogue measure: in place at some site */
    unsigned char *soft_plan; /* per soft site x plan */
    int64_t with_plan[NPLANS];
};

static int on_measure(void *ud, const struct bw_site_measure *m)
{
    struct measure_walk *w = ud;
    size_t nm;
    const struct bw_measure *cat = bw_pack_measures(w->p, &nm);

    if (m->planned)
        return 0;
    for (size_t i = 0; i < nm; i++)
        if (strcmp(cat[i].id, m->measure) == 0)
            w->in_place[i] = 1;
    for (size_t k = 0; k < NPLANS; k++) {
        int64_t i;
        if (strcmp(m->measure, plans[k]) != 0)
            continue;
        i = bw_str_bsearch(w->soft->v, w->soft->n, m->site);
        if (i >= 0 && !w->soft_plan[(size_t)i * NPLANS + k]) {
            w->soft_plan[(size_t)i * NPLANS + k] = 1;
            w->with_plan[k]++;
        }
    }
    return 0;
}

/* ---- the whole --------------------------------------------------------------------- */

static const char *unavailable(struct bw_arena *a, const char *why)
{
    return bw_arena_strndup(a, why, strlen(why));
}

/* Copies the pointers of @p l (strings already in the arena) into the arena as a result's
 * id list; 0, or 1 when out of memory. */
static int keep_ids(struct bw_arena *a, const struct ids *l, struct bw_fw_computed *r,
                    int sites)
{
    const char **v;
    r->ids = NULL;
    r->nids = 0;
    r->ids_are_sites = sites;
    if (!l->n)
        return 0;
    if (!(v = bw_arena_alloc(a, l->n * sizeof *v)))
        return 1;
    memcpy(v, l->v, l->n * sizeof *v);
    r->ids = v;
    r->nids = l->n;
    return 0;
}

int bw_framework_computed(bw_store *s, const bw_pack *p, struct bw_arena *a,
                          struct bw_fw_computed **out, size_t *n, struct bw_diag *d)
{
    size_t nc, nt, nm;
    const struct bw_fw_computed_def *defs = bw_pack_fw_computed(p, &nc);
    const struct bw_threat *threats = bw_pack_threats(p, &nt);
    struct ids designated = {.a = a}, phones = {.a = a}, soft = {.a = a}, nocontact = {.a = a},
               missing = {.a = a}, unmeasured_ids = {.a = a}, lacking = {.a = a};
    struct site_walk sw = {p, &phones, &soft, &nocontact, 0};
    struct measure_walk mw = {.p = p, .soft = &soft};
    struct bw_designation_run drun;
    struct bw_assess_run arun;
    struct bw_fw_computed *res = NULL;
    int has_drun = 0, has_arun = 0, rc = BW_OK;
    int64_t assessed = 0;
    size_t used = 0;

    *out = NULL;
    *n = 0;
    bw_pack_measures(p, &nm);
    /* Designated sites of the latest designation run, present in the latest assessment. */
    rc = bw_store_designation_run(s, 0, a, &drun);
    if (rc == BW_OK) {
        has_drun = 1;
        if ((rc = bw_store_designation_each(s, drun.id, on_decision, &designated)))
            goto store;
    } else if (rc != BW_ENOTFOUND)
        goto store;
    rc = bw_store_assess_run(s, 0, a, &arun);
    if (rc == BW_OK) {
        has_arun = 1;
        if (designated.n) {
            struct bw_risk_query q = {arun.id, NULL, NULL, 0};
            struct assessed x = {&designated, bw_calloc(designated.n, 1), 0};
            if (!x.seen) {
                rc = BW_ENOMEM;
                goto store;
            }
            rc = bw_store_risks_each(s, &q, on_risk, &x);
            assessed = x.count;
            /* The designated sites the run did not cover, in id order. */
            for (size_t i = 0; !rc && i < designated.n; i++)
                if (!x.seen[i] && ids_add(&missing, designated.v[i]))
                    rc = BW_ENOMEM;
            bw_free(x.seen);
            if (rc)
                goto store;
        }
    } else if (rc != BW_ENOTFOUND)
        goto store;
    /* Operators, sites, measures. */
    if ((rc = bw_store_orgs_each(s, on_org, &phones)) ||
        (rc = bw_store_sites_each(s, NULL, on_site, &sw)))
        goto store;
    mw.in_place = bw_calloc(nm + 1, 1);
    mw.soft_plan = bw_calloc(soft.n * NPLANS + 1, 1);
    if (!mw.in_place || !mw.soft_plan) {
        rc = BW_ENOMEM;
        goto store;
    }
    if ((rc = bw_store_site_measure_each(s, NULL, on_measure, &mw)))
        goto store;
    for (size_t t = 0; t < nt; t++) {
        int covered = 0;
        for (size_t m = 0; m < nm && !covered; m++)
            covered = mw.in_place[m] && bw_measure_acts_on(p, &bw_pack_measures(p, &nm)[m],
                                                           &threats[t]);
        if (!covered && ids_add(&unmeasured_ids, threats[t].id)) {
            rc = BW_ENOMEM;
            goto store;
        }
    }
    res = bw_arena_alloc(a, (nc + 1) * sizeof *res);
    if (!res) {
        rc = BW_ENOMEM;
        goto store;
    }
    for (size_t i = 0; i < nc; i++) {
        struct bw_fw_computed *r = &res[used++];
        const char *id = defs[i].id;
        memset(r, 0, sizeof *r);
        r->def = &defs[i];
        r->available = 1;
        if (strcmp(id, "designated-assessed") == 0) {
            r->num = assessed;
            r->den = (int64_t)designated.n;
            if (keep_ids(a, &missing, r, 1))
                goto oom;
            if (!has_drun || !has_arun) {
                r->ids = NULL;
                r->nids = 0;
                r->available = 0;
                r->note = unavailable(a, !has_drun ? "no designation run yet (bulwark designate)"
                                                   : "no risk-assessment run yet (bulwark assess)");
            }
        } else if (strcmp(id, "threats-unmeasured") == 0) {
            r->num = (int64_t)unmeasured_ids.n;
            r->den = (int64_t)nt;
            if (keep_ids(a, &unmeasured_ids, r, 0))
                goto oom;
            if (nt == 0) {
                r->available = 0;
                r->note = unavailable(a, "the pack has no threat types");
            }
        } else if (strcmp(id, "warnings-acknowledged") == 0) {
            if (bw_store_ack_stats(s, NULL, &r->num, &r->den)) {
                rc = BW_ESTORE;
                goto store;
            }
            if (!r->den) {
                r->available = 0;
                r->note = unavailable(a, "no acknowledgement owed yet (no issued warning past "
                                         "its deadline)");
            }
        } else if (strcmp(id, "sites-no-contact") == 0) {
            r->num = (int64_t)nocontact.n;
            r->den = sw.sites;
            if (keep_ids(a, &nocontact, r, 1))
                goto oom;
            if (!sw.sites) {
                r->available = 0;
                r->note = unavailable(a, "no sites in the register");
            }
        } else {
            for (size_t k = 0; k < NPLANS; k++) {
                if (strcmp(id + strlen("soft-"), plans[k]) != 0)
                    continue;
                r->num = mw.with_plan[k];
                /* The soft-target sites without this plan in place, in id order. */
                lacking.n = 0;
                for (size_t j = 0; j < soft.n; j++)
                    if (!mw.soft_plan[j * NPLANS + k] && ids_add(&lacking, soft.v[j]))
                        goto oom;
                if (keep_ids(a, &lacking, r, 1))
                    goto oom;
            }
            r->den = (int64_t)soft.n;
            if (!soft.n) {
                r->available = 0;
                r->note = unavailable(a, "no soft-target sites in the register");
            }
        }
    }
    *out = res;
    *n = used;
    rc = BW_OK;
    goto out;
oom:
    rc = BW_ENOMEM;
store:
    if (designated.oom || phones.oom || soft.oom || nocontact.oom || missing.oom ||
        unmeasured_ids.oom || lacking.oom || rc == BW_ENOMEM)
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    else
        rc = bw_diag_set(d, rc < 0 ? rc : BW_ESTORE, NULL, "reading the register for the "
                         "computed indicators failed");
out:
    bw_free((void *)designated.v);
    bw_free((void *)phones.v);
    bw_free((void *)soft.v);
    bw_free((void *)nocontact.v);
    bw_free((void *)missing.v);
    bw_free((void *)unmeasured_ids.v);
    bw_free((void *)lacking.v);
    bw_free(mw.in_place);
    bw_free(mw.soft_plan);
    return rc;
}

/* ---- an assessment with its findings ---------------------------------------------- */

struct answers {
    const bw_pack *p;
    int *level;
};

static int on_answer(void *ud, const struct bw_fw_answer *x)
{
    struct answers *w = ud;
    size_t i = bw_pack_fw_indicator_index(w->p, x->indicator);
    if (i != (size_t)-1) /* an indicator the pack no longer has is not scored */
        w->level[i] = x->level;
    return 0;
}

int bw_framework_state_load(bw_store *s, const bw_pack *p, const char *cycle,
                            struct bw_arena *a, struct bw_fw_state *out, struct bw_diag *d)
{
    size_t ni, max;
    struct answers w = {p, NULL};
    int rc;

    memset(out, 0, sizeof *out);
    bw_pack_fw_indicators(p, &ni);
    if ((rc = bw_store_fw_get(s, cycle, a, &out->fw, d)))
        return rc;
    if (!(w.level = bw_arena_alloc(a, (ni + 1) * sizeof *w.level)))
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < ni; i++)
        w.level[i] = -1;
    if ((rc = bw_store_fw_answers_each(s, out->fw.id, 0, on_answer, &w)))
        return bw_diag_set(d, rc < 0 ? rc : BW_ESTORE, "cycle", "reading the answers of "
                           "cycle '%s' failed", out->fw.cycle);
    out->level = w.level;
    if ((rc = bw_framework_computed(s, p, a, &out->computed, &out->ncomputed, d)))
        return rc;
    max = bw_fw_findings_max(p, out->ncomputed);
    if (!(out->findings = bw_arena_alloc(a, (max + 1) * sizeof *out->findings)))
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    if ((rc = bw_fw_findings(p, out->level, out->computed, out->ncomputed, out->findings, max,
                             &out->nfindings)))
        return bw_diag_set(d, rc, "cycle", "deriving the findings of cycle '%s' failed",
                           out->fw.cycle);
    return BW_OK;
}
