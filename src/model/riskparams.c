/*
 * riskparams.c — the "risk" part of the methodology pack (riskparams.h).
 *
 * Reads packs/default/risk.json into a flat, read-only struct: the attempt rates per
 * threat-level rank, tier factors, per-family and per-class parameters, the
 * vulnerability rules, and the blast, firearms, ramming, UAS, economic and weight
 * sections. Every entry must carry a source; every triangular range must satisfy
 * low <= mode <= high inside its allowed interval; rates must not fall as the rank
 * rises (so raising a threat level never lowers the likelihood); the family shares must
 * sum to 1; "*" must exist among the classes and cover every family among the
 * vulnerability rules. Each error names the section (diag field), the entry and the
 * attribute. After checking, the vulnerability rule of every (class entry, family) pair
 * is resolved once (class-specific before "*", then family-specific before "*"), so the
 * engine reads it with one index.
 *
 * Strings and numbers are read from the JSON tree, which lives as long as the pack (or,
 * for bw_riskparams_parse, as long as the returned value). Immutable after parsing.
 */
#include "riskparams.h"
#include "effects_pack.h"
#include "alloc.h"
#include "error.h"
#include "json_jansson.h"
#include "pack_internal.h"
#include "threat.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* The value with its owned arrays, and the JSON tree when parsed from text. */
struct rp_owned {
    struct bw_riskparams rp;
    struct bw_risk_rate *rates;
    struct bw_risk_tier *tiers;
    struct bw_risk_class *classes;
    struct bw_risk_vuln *rules;
    const struct bw_risk_vuln **vuln;
    json_t *root; /* owned only by bw_riskparams_parse */
};

int bw_riskparams_family_index(const char *family)
{
    for (size_t i = 0; family && i < bw_threat_nfamilies && i < BW_RISK_NFAMILIES; i++)
        if (strcmp(bw_threat_families[i], family) == 0)
            return (int)i;
    return -1;
}

static const char *str_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Reads number @p key of @p o into *v, checking lo <= v <= hi. */
static int num(json_t *o, const char *key, double lo, double hi, const char *sec,
               const char *entry, struct bw_diag *d, double *v)
{
    json_t *j = json_object_get(o, key);
    if (!json_is_number(j))
        return bw_diag_set(d, BW_EINVAL, sec, "%s: \"%s\" must be a number", entry, key);
    *v = json_number_value(j);
    if (!(*v >= lo && *v <= hi))
        return bw_diag_set(d, BW_ERANGE, sec, "%s: \"%s\" = %g is outside %g..%g", entry, key,
                           *v, lo, hi);
    return BW_OK;
}

/* Reads triangular range @p key ([low, mode, high]) of @p o, each in lo..hi. */
static int tri(json_t *o, const char *key, double lo, double hi, const char *sec,
               const char *entry, struct bw_diag *d, struct bw_tri *t)
{
    json_t *a = json_object_get(o, key);
    double v[3];
    if (!json_is_array(a) || json_array_size(a) != 3)
        return bw_diag_set(d, BW_EINVAL, sec, "%s: \"%s\" must be [low, mode, high]", entry,
                           key);
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(a, i);
        if (!json_is_number(x))
            return bw_diag_set(d, BW_EINVAL, sec, "%s: \"%s\" must be [low, mode, high]",
                               entry, key);
        v[i] = json_number_value(x);
        if (!(v[i] >= lo && v[i] <= hi))
            return bw_diag_set(d, BW_ERANGE, sec, "%s: \"%s\" %s %g is outside %g..%g", entry,
                               key, i == 0 ? "low" : i == 1 ? "mode" : "high", v[i], lo, hi);
    }
    if (!(v[0] <= v[1] && v[1] <= v[2]))
        return bw_diag_set(d, BW_EINVAL, sec,
                           "%s: \"%s\" needs low <= mode <= high (got %g, %g, %g)", entry, key,
                           v[0], v[1], v[2]);
    *t = (struct bw_tri){v[0], v[1], v[2]};
    return BW_OK;
}

/* The entry's "source", required and non-empty. */
static int source(json_t *o, const char *sec, const char *entry, struct bw_diag *d,
                  const char **out)
{
    *out = str_of(o, "source");
    if (!*out || !**out)
        return bw_diag_set(d, BW_EINVAL, sec, "%s has no \"source\"", entry);
    return BW_OK;
}

static int parse_likelihood(const bw_pack *p, struct rp_owned *o, json_t *lk, struct bw_diag *d)
{
    json_t *rates = json_object_get(lk, "base_rate"), *tiers = json_object_get(lk, "tiers"), *e;
    size_t i, nlevels = 0, ntiers = 0, none = 0;
    char entry[96];
    int rc;

    if (!json_is_object(lk) || !json_is_array(rates) || !json_is_array(tiers))
        return bw_diag_set(d, BW_EINVAL, "likelihood", "needs \"base_rate\" and \"tiers\" lists");
    if ((rc = source(lk, "likelihood", "the section", d, &o->rp.likelihood_source)))
        return rc;
    bw_pack_threat_levels(p, &nlevels);
    o->rp.nrates = json_array_size(rates);
    if (o->rp.nrates == 0 || (nlevels && o->rp.nrates != nlevels))
        return bw_diag_set(d, BW_EINVAL, "base_rate",
                           "needs one rate per threat-level rank (%zu levels, %zu rates)",
                           nlevels, o->rp.nrates);
    o->rates = bw_calloc(o->rp.nrates, sizeof *o->rates);
    o->rp.ntiers = json_array_size(tiers);
    o->tiers = bw_calloc(o->rp.ntiers ? o->rp.ntiers : 1, sizeof *o->tiers);
    if (!o->rates || !o->tiers)
        return BW_ENOMEM;
    json_array_foreach(rates, i, e) {
        struct bw_risk_rate *r = &o->rates[i];
        json_t *rank = json_object_get(e, "rank");
        snprintf(entry, sizeof entry, "rate %zu", i);
        if (!json_is_integer(rank) || json_integer_value(rank) != (json_int_t)(i + 1))
            return bw_diag_set(d, BW_EINVAL, "base_rate",
                               "%s: \"rank\" must be %zu (ranks 1..N in order)", entry, i + 1);
        r->rank = (int)(i + 1);
        if ((rc = tri(e, "rate", 0, 1e3, "base_rate", entry, d, &r->rate)) ||
            (rc = source(e, "base_rate", entry, d, &r->source)))
            return rc;
        if (i && (r->rate.lo < r[-1].rate.lo || r->rate.mode < r[-1].rate.mode ||
                  r->rate.hi < r[-1].rate.hi))
            return bw_diag_set(d, BW_EINVAL, "base_rate",
                               "rank %d: rate below that of rank %d (a higher threat level "
                               "must never lower the likelihood)",
                               r->rank, r->rank - 1);
    }
    bw_pack_tiers(p, &ntiers);
    json_array_foreach(tiers, i, e) {
        struct bw_risk_tier *t = &o->tiers[i];
        const struct bw_tier *pt = bw_pack_tiers(p, &ntiers);
        size_t k;
        t->tier = str_of(e, "tier");
        snprintf(entry, sizeof entry, "tier '%s'", t->tier ? t->tier : "?");
        if (!t->tier)
            return bw_diag_set(d, BW_EINVAL, "tiers", "tier %zu has no \"tier\"", i);
        for (k = 0; k < ntiers; k++)
            if (strcmp(pt[k].id, t->tier) == 0)
                break;
        if (strcmp(t->tier, "none") == 0)
            none++;
        else if (k == ntiers)
            return bw_diag_set(d, BW_EREF, "tiers", "%s: not a tier of the pack", entry);
        for (k = 0; k < i; k++)
            if (strcmp(o->tiers[k].tier, t->tier) == 0)
                return bw_diag_set(d, BW_EINVAL, "tiers", "%s appears twice", entry);
        if ((rc = num(e, "factor", 0, 1e3, "tiers", entry, d, &t->factor)) ||
            (rc = source(e, "tiers", entry, d, &t->source)))
            return rc;
    }
    if (none != 1)
        return bw_diag_set(d, BW_EINVAL, "tiers", "needs a \"none\" entry (sites without a tier)");
    o->rp.rates = o->rates;
    o->rp.tiers = o->tiers;
    return BW_OK;
}

static int parse_families(struct rp_owned *o, json_t *fams, struct bw_diag *d)
{
    static const char *const exposures[] = {"blast", "firearms", "ramming", "uas", "crowd"};
    int seen[BW_RISK_NFAMILIES] = {0};
    double sum = 0;
    size_t i;
    json_t *e;
    char entry[96];
    int rc;

    if (bw_threat_nfamilies != BW_RISK_NFAMILIES)
        return bw_diag_set(d, BW_EINVAL, "families", "the build knows %zu families, not %d",
                           bw_threat_nfamilies, BW_RISK_NFAMILIES);
    if (!json_is_array(fams))
        return bw_diag_set(d, BW_EINVAL, "families", "needs a \"families\" list");
    json_array_foreach(fams, i, e) {
        const char *name = str_of(e, "family"), *ex = str_of(e, "exposure");
        int f = bw_riskparams_family_index(name), x = 0;
        struct bw_risk_family *fm;
        snprintf(entry, sizeof entry, "family '%s'", name ? name : "?");
        if (f < 0)
            return bw_diag_set(d, BW_EREF, "families", "%s: not a threat family", entry);
        if (seen[f]++)
            return bw_diag_set(d, BW_EINVAL, "families", "%s appears twice", entry);
        fm = &o->rp.families[f];
        fm->family = bw_threat_families[f];
        for (int k = 0; ex && k < 5; k++)
            if (strcmp(ex, exposures[k]) == 0)
                x = k + 1;
        if (!x)
            return bw_diag_set(d, BW_EINVAL, "families",
                               "%s: \"exposure\" must be blast, firearms, ramming, uas or crowd",
                               entry);
        fm->exposure = (enum bw_risk_exposure)x;
        if ((rc = num(e, "share", 0, 1, "families", entry, d, &fm->share)) ||
            (rc = num(e, "exposed_fraction", 0, 1, "families", entry, d,
                      &fm->exposed_fraction)) ||
            (rc = num(e, "max_exposed", 0, 1e9, "families", entry, d, &fm->max_exposed)) ||
            (rc = tri(e, "fatal_fraction", 0, 1, "families", entry, d, &fm->fatal)) ||
            (rc = tri(e, "injury_fraction", 0, 1, "families", entry, d, &fm->injury)) ||
            (rc = num(e, "outage_factor", 0, 1, "families", entry, d, &fm->outage_factor)) ||
            (rc = num(e, "property_factor", 0, 1, "families", entry, d,
                      &fm->property_factor)) ||
            (rc = source(e, "families", entry, d, &fm->source)))
            return rc;
        sum += fm->share;
    }
    for (int f = 0; f < BW_RISK_NFAMILIES; f++)
        if (!seen[f])
            return bw_diag_set(d, BW_EINVAL, "families", "family '%s' is missing",
                               bw_threat_families[f]);
    if (fabs(sum - 1.0) > 1e-6)
        return bw_diag_set(d, BW_EINVAL, "families", "the shares sum to %g, not 1", sum);
    return BW_OK;
}

static int parse_classes(const bw_pack *p, struct rp_owned *o, json_t *cls, struct bw_diag *d)
{
    size_t i, star = 0;
    json_t *e;
    char entry[128];
    int rc;

    if (!json_is_array(cls) || json_array_size(cls) == 0)
        return bw_diag_set(d, BW_EINVAL, "classes", "needs a \"classes\" list");
    o->rp.nclasses = json_array_size(cls);
    o->classes = bw_calloc(o->rp.nclasses, sizeof *o->classes);
    if (!o->classes)
        return BW_ENOMEM;
    json_array_foreach(cls, i, e) {
        struct bw_risk_class *c = &o->classes[i];
        c->class_id = str_of(e, "class");
        snprintf(entry, sizeof entry, "class '%s'", c->class_id ? c->class_id : "?");
        if (!c->class_id)
            return bw_diag_set(d, BW_EINVAL, "classes", "entry %zu has no \"class\"", i);
        if (strcmp(c->class_id, "*") == 0)
            star++;
        else if (!bw_pack_class(p, c->class_id, strlen(c->class_id)))
            return bw_diag_set(d, BW_EREF, "classes", "%s: not a taxonomy class", entry);
        for (size_t k = 0; k < i; k++)
            if (strcmp(o->classes[k].class_id, c->class_id) == 0)
                return bw_diag_set(d, BW_EINVAL, "classes", "%s appears twice", entry);
        if ((rc = num(e, "attractiveness", 0, 1e3, "classes", entry, d, &c->attractiveness)) ||
            (rc = tri(e, "occupancy", 0, 1, "classes", entry, d, &c->occupancy)) ||
            (rc = num(e, "density_pm2", 1e-6, 10, "classes", entry, d, &c->density)) ||
            (rc = num(e, "min_present", 0, 1e7, "classes", entry, d, &c->min_present)) ||
            (rc = tri(e, "property_value", 0, 1e13, "classes", entry, d, &c->property_value)) ||
            (rc = num(e, "symbolic", 0, 1, "classes", entry, d, &c->symbolic)) ||
            (rc = source(e, "classes", entry, d, &c->source)))
            return rc;
    }
    if (star != 1)
        return bw_diag_set(d, BW_EINVAL, "classes", "needs a \"*\" entry (the fallback)");
    o->rp.classes = o->classes;
    return BW_OK;
}

/* Specificity of rule @p r for class entry id @p cid and family @p f, or -1. */
static int rule_score(const struct bw_risk_vuln *r, const char *cid, int f)
{
    int cs = strcmp(r->class_id, cid) == 0 ? 2 : strcmp(r->class_id, "*") == 0 ? 0 : -1;
    int fs = strcmp(r->family, "*") == 0 ? 0
             : strcmp(r->family, bw_threat_families[f]) == 0 ? 1 : -1;
    return cs < 0 || fs < 0 ? -1 : cs + fs;
}

static int parse_vuln(const bw_pack *p, struct rp_owned *o, json_t *vul, struct bw_diag *d)
{
    size_t i, nc = o->rp.nclasses;
    json_t *e;
    char entry[160];
    int rc;

    if (!json_is_array(vul) || json_array_size(vul) == 0)
        return bw_diag_set(d, BW_EINVAL, "vulnerability", "needs a \"vulnerability\" list");
    o->rp.nvuln = json_array_size(vul);
    o->rules = bw_calloc(o->rp.nvuln, sizeof *o->rules);
    o->vuln = bw_calloc(nc * BW_RISK_NFAMILIES, sizeof *o->vuln);
    if (!o->rules || !o->vuln)
        return BW_ENOMEM;
    json_array_foreach(vul, i, e) {
        struct bw_risk_vuln *r = &o->rules[i];
        r->class_id = str_of(e, "class");
        r->family = str_of(e, "family");
        snprintf(entry, sizeof entry, "rule %zu (class '%s', family '%s')", i,
                 r->class_id ? r->class_id : "?", r->family ? r->family : "?");
        if (!r->class_id || (strcmp(r->class_id, "*") != 0 &&
                             !bw_pack_class(p, r->class_id, strlen(r->class_id))))
            return bw_diag_set(d, BW_EREF, "vulnerability", "%s: unknown class", entry);
        if (!r->family || (strcmp(r->family, "*") != 0 && bw_riskparams_family_index(r->family) < 0))
            return bw_diag_set(d, BW_EREF, "vulnerability", "%s: unknown family", entry);
        if ((rc = tri(e, "v", 0, 1, "vulnerability", entry, d, &r->v)) ||
            (rc = source(e, "vulnerability", entry, d, &r->source)))
            return rc;
    }
    /* Resolve: for each class entry and family, the most specific rule (class before
     * family; ties go to the earlier rule). A class entry other than "*" falls back to
     * the "*" rules. */
    for (size_t c = 0; c < nc; c++)
        for (int f = 0; f < BW_RISK_NFAMILIES; f++) {
            int best = -1;
            for (size_t k = 0; k < o->rp.nvuln; k++) {
                int s = rule_score(&o->rules[k], o->classes[c].class_id, f);
                if (s > best) {
                    best = s;
                    o->vuln[c * BW_RISK_NFAMILIES + (size_t)f] = &o->rules[k];
                }
            }
            if (best < 0)
                return bw_diag_set(d, BW_EINVAL, "vulnerability",
                                   "no rule for class '%s' and family '%s' (add a \"*\" rule)",
                                   o->classes[c].class_id, bw_threat_families[f]);
        }
    o->rp.vuln_rules = o->rules;
    o->rp.vuln = o->vuln;
    return BW_OK;
}

static int parse_sections(struct rp_owned *o, json_t *root, struct bw_diag *d)
{
    json_t *b = json_object_get(root, "blast"), *fa = json_object_get(root, "firearms");
    json_t *ra = json_object_get(root, "ramming"), *ua = json_object_get(root, "uas");
    json_t *ec = json_object_get(root, "economic"), *w = json_object_get(root, "weights");
    struct bw_riskparams *r = &o->rp;
    int rc;

    if (!json_is_object(b) || !json_is_object(fa) || !json_is_object(ra) || !json_is_object(ua) ||
        !json_is_object(ec) || !json_is_object(w))
        return bw_diag_set(d, BW_EINVAL, "risk", "needs \"blast\", \"firearms\", \"ramming\", "
                                                 "\"uas\", \"economic\" and \"weights\" sections");
    if ((rc = num(b, "fatal_kpa", 1e-3, 1e5, "blast", "blast", d, &r->blast_fatal_kpa)) ||
        (rc = num(b, "injury_kpa", 1e-3, 1e5, "blast", "blast", d, &r->blast_injury_kpa)) ||
        (rc = source(b, "blast", "blast", d, &r->blast_source)))
        return rc;
    if (!(r->blast_injury_kpa < r->blast_fatal_kpa))
        return bw_diag_set(d, BW_EINVAL, "blast", "injury_kpa (%g) must be below fatal_kpa (%g)",
                           r->blast_injury_kpa, r->blast_fatal_kpa);
    if ((rc = num(fa, "dispatch_min", 0, 1e4, "firearms", "firearms", d, &r->fa_dispatch_min)) ||
        (rc = num(fa, "speed_kmh", 1e-3, 1e3, "firearms", "firearms", d, &r->fa_speed_kmh)) ||
        (rc = num(fa, "road_factor", 1, 10, "firearms", "firearms", d, &r->fa_road_factor)) ||
        (rc = num(fa, "default_distance_m", 0, 1e7, "firearms", "firearms", d,
                  &r->fa_default_distance_m)) ||
        (rc = num(fa, "rate_per_min", 0, 1e4, "firearms", "firearms", d, &r->fa_rate_per_min)) ||
        (rc = source(fa, "firearms", "firearms", d, &r->firearms_source)))
        return rc;
    if ((rc = num(ra, "approach_m", 0, 1e4, "ramming", "ramming", d, &r->ram_approach_m)) ||
        (rc = num(ra, "width_m", 0, 100, "ramming", "ramming", d, &r->ram_width_m)) ||
        (rc = num(ra, "ref_mass_kg", 1, 1e6, "ramming", "ramming", d, &r->ram_ref_mass_kg)) ||
        (rc = num(ra, "ref_speed_kmh", 1e-3, 1e3, "ramming", "ramming", d,
                  &r->ram_ref_speed_kmh)) ||
        (rc = source(ra, "ramming", "ramming", d, &r->ramming_source)))
        return rc;
    if ((rc = num(ua, "shelter_s", 1e-3, 1e5, "uas", "uas", d, &r->uas_shelter_s)) ||
        (rc = num(ua, "max_sheltered", 0, 1, "uas", "uas", d, &r->uas_max_sheltered)) ||
        (rc = source(ua, "uas", "uas", d, &r->uas_source)))
        return rc;
    {
        json_t *v = json_object_get(ec, "vsl"), *iv = json_object_get(ec, "injury_value");
        json_t *ph = json_object_get(ec, "person_hour"), *sv = json_object_get(ec, "symbolic_value");
        if ((rc = tri(v, "value", 0, 1e12, "economic", "vsl", d, &r->vsl)) ||
            (rc = source(v, "economic", "vsl", d, &r->vsl_source)) ||
            (rc = tri(iv, "value", 0, 1e12, "economic", "injury_value", d, &r->injury_value)) ||
            (rc = source(iv, "economic", "injury_value", d, &r->injury_value_source)) ||
            (rc = num(ph, "value", 0, 1e9, "economic", "person_hour", d, &r->person_hour)) ||
            (rc = source(ph, "economic", "person_hour", d, &r->person_hour_source)) ||
            (rc = num(sv, "value", 0, 1e13, "economic", "symbolic_value", d,
                      &r->symbolic_value)) ||
            (rc = source(sv, "economic", "symbolic_value", d, &r->symbolic_value_source)))
            return rc;
    }
    if ((rc = num(w, "fatalities", 0, 1e3, "weights", "weights", d, &r->w_fatalities)) ||
        (rc = num(w, "injuries", 0, 1e3, "weights", "weights", d, &r->w_injuries)) ||
        (rc = num(w, "economic", 0, 1e3, "weights", "weights", d, &r->w_economic)) ||
        (rc = num(w, "symbolic", 0, 1e3, "weights", "weights", d, &r->w_symbolic)) ||
        (rc = source(w, "weights", "weights", d, &r->weights_source)))
        return rc;
    return BW_OK;
}

static void owned_free(struct rp_owned *o)
{
    if (!o)
        return;
    bw_free(o->rates);
    bw_free(o->tiers);
    bw_free(o->classes);
    bw_free(o->rules);
    bw_free((void *)o->vuln);
    json_decref(o->root);
    bw_free(o);
}

static int parse_root(const bw_pack *p, json_t *j, struct bw_diag *d, struct rp_owned **out)
{
    struct rp_owned *o;
    int rc;

    *out = NULL;
    if (!json_is_object(j))
        return bw_diag_set(d, BW_EINVAL, "risk", "the risk part must be a JSON object");
    o = bw_calloc(1, sizeof *o);
    if (!o)
        return BW_ENOMEM;
    o->rp.version = str_of(j, "version");
    o->rp.currency = str_of(j, "currency");
    if (!o->rp.version || !o->rp.currency || !str_of(j, "source")) {
        rc = bw_diag_set(d, BW_EINVAL, "risk", "needs \"version\", \"currency\" and \"source\"");
        goto fail;
    }
    if ((rc = parse_likelihood(p, o, json_object_get(j, "likelihood"), d)) ||
        (rc = parse_families(o, json_object_get(j, "families"), d)) ||
        (rc = parse_classes(p, o, json_object_get(j, "classes"), d)) ||
        (rc = parse_vuln(p, o, json_object_get(j, "vulnerability"), d)) ||
        (rc = parse_sections(o, j, d)))
        goto fail;
    *out = o;
    return BW_OK;
fail:
    if (rc == BW_ENOMEM)
        bw_diag_set(d, rc, "risk", "out of memory");
    owned_free(o);
    return rc;
}

/* The armed-response and ramming figures the risk part shares with the effects part's
 * assumptions (bulwark effects): in one pack they must be the same numbers. */
static int agrees_with_effects(const bw_pack *p, const struct bw_riskparams *r,
                               struct bw_diag *d)
{
    static const struct {
        const char *assumption, *field;
        size_t off;
    } same[] = {
        {"response-dispatch-min", "firearms.dispatch_min",
         offsetof(struct bw_riskparams, fa_dispatch_min)},
        {"response-speed-kmh", "firearms.speed_kmh", offsetof(struct bw_riskparams, fa_speed_kmh)},
        {"response-road-factor", "firearms.road_factor",
         offsetof(struct bw_riskparams, fa_road_factor)},
        {"firearms-casualties-per-min", "firearms.rate_per_min",
         offsetof(struct bw_riskparams, fa_rate_per_min)},
        {"approach-width-m", "ramming.width_m", offsetof(struct bw_riskparams, ram_width_m)},
    };

    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        double e = bw_pack_effects_assumption(p, same[i].assumption, NAN);
        double v;
        memcpy(&v, (const char *)r + same[i].off, sizeof v);
        if (!isnan(e) && e != v)
            return bw_diag_set(d, BW_EINVAL, "risk",
                               "%s is %g but the effects part's assumption '%s' is %g: one "
                               "pack must use one figure", same[i].field, v,
                               same[i].assumption, e);
    }
    return BW_OK;
}

static int risk_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    struct rp_owned *o = NULL;
    int rc;
    *out = NULL;
    if (!j)
        return BW_OK;
    rc = parse_root(p, j, d, &o);
    if (!rc)
        rc = agrees_with_effects(p, &o->rp, d);
    *out = o;
    return rc;
}

static void risk_free(void *x)
{
    owned_free(x);
}

const struct bw_pack_part bw_pack_part_risk = {"risk", 0, risk_parse, risk_free};

const struct bw_riskparams *bw_pack_riskparams(const bw_pack *p)
{
    struct rp_owned *o = bw_pack_part_get(p, "risk");
    return o ? &o->rp : NULL;
}

int bw_riskparams_parse(const bw_pack *p, const char *json, size_t n, struct bw_diag *d,
                        struct bw_riskparams **out)
{
    json_error_t err;
    struct rp_owned *o = NULL;
    json_t *root;
    int rc;

    *out = NULL;
    root = bw__json_loadb(json, n, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!root) {
        if (rc == BW_EPARSE)
            bw_diag_set(d, BW_EPARSE, "risk", "not valid JSON: %s", err.text);
        return rc;
    }
    rc = parse_root(p, root, d, &o);
    if (rc) {
        json_decref(root);
        return rc;
    }
    o->root = root;
    *out = &o->rp;
    return BW_OK;
}

void bw_riskparams_free(struct bw_riskparams *rp)
{
    /* rp is the first member of struct rp_owned. */
    owned_free((struct rp_owned *)rp);
}

size_t bw_riskparams_class_for(const struct bw_riskparams *rp, const bw_pack *p,
                               const char *class_id)
{
    const struct bw_class *c = class_id ? bw_pack_class(p, class_id, strlen(class_id)) : NULL;
    size_t star = 0;
    for (size_t i = 0; i < rp->nclasses; i++)
        if (strcmp(rp->classes[i].class_id, "*") == 0)
            star = i;
    if (!c)
        return star;
    for (size_t i = 0; i < rp->nclasses; i++)
        if (strcmp(rp->classes[i].class_id, c->id) == 0)
            return i;
    for (size_t i = 0; c->sector && i < rp->nclasses; i++)
        if (strcmp(rp->classes[i].class_id, c->sector) == 0)
            return i;
    return star;
}

int bw_riskparams_tier_index(const struct bw_riskparams *rp, const char *tier)
{
    const char *t = tier ? tier : "none";
    for (size_t i = 0; i < rp->ntiers; i++)
        if (strcmp(rp->tiers[i].tier, t) == 0)
            return (int)i;
    return -1;
}
