/*
 * assess.c — the national risk assessment over the register (assess.h).
 *
 * app/ holds whole operations over the register: read the store, run a method, keep
 * the result. It sits above store/ and method/ and below the faces (command line,
 * server), which call it rather than repeating the plumbing.
 *
 * Loading walks the store once per noun, in site-id order, straight into the engine's
 * flat arrays: sites (class entry of the risk part, capacity, footprint area by
 * Karney's geodesic polygon area), the latest designation run (tier), the threat levels
 * in force (resolved once per distinct region × class, since a national register has
 * far fewer of those than sites), the measures in place (planned ones have no effect
 * yet), the outage a site's loss causes (the criticality sweep over all services gives
 * the population cut off; hours come from the pack's restoration times: the mode is the
 * generic attack's median, the range spans the 5th to 95th percentiles of the
 * log-normal restoration of every attack type the threat types map to), and the
 * straight-line distance to the nearest base of armed response (bases sorted by
 * latitude; a band search with the meridian-arc lower bound keeps it exact and fast).
 * Every input goes through one FNV-1a 64 hash, with the pack's hash and the date.
 *
 * A run then calls the engine (risk.c) and stores the run and its rows in one
 * transaction, in batches, so a large register never holds its rows twice in memory.
 */
#include "assess.h"
#include "alloc.h"
#include "cascade.h"
#include "error.h"
#include "geo.h"
#include "graph.h"
#include "measure.h"
#include "riskparams.h"
#include "site.h"
#include "str.h"
#include "threat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Shortest metres per degree of latitude (meridional radius a(1-e²) on the equator):
 * |Δlat| times this never exceeds the geodesic distance. */
#define MIN_M_PER_DEG_LAT 110574.0
/* z of the 5th and 95th percentiles of a normal distribution. */
#define Z95 1.6448536269514722

/* ---- hashing --------------------------------------------------------------------- */

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 1099511628211ull;
}

static void fnv_str(uint64_t *h, const char *s)
{
    fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* ---- sites ------------------------------------------------------------------------- */

/* Per-site facts used while loading and then dropped. */
struct tmp_site {
    const char *category, *region;
    double lat, lon, population;
};

struct site_ctx {
    const bw_pack *p;
    const struct bw_riskparams *rp;
    struct bw_assess_inputs *in;
    struct tmp_site *t;
    size_t cap;
    double *bases; /* lat, lon pairs of armed-response sites */
    size_t nbases;
    struct bw_diag *d;
};

static const char *adup(struct bw_arena *a, const char *s)
{
    return s ? bw_arena_strndup(a, s, strlen(s)) : NULL;
}

/* True when the canonical ';' tag list @p tags holds @p tag as a whole item. */
static int has_tag(const char *tags, const char *tag)
{
    size_t n = strlen(tag);

    for (const char *p = tags; p && (p = strstr(p, tag)) != NULL; p += n)
        if ((p == tags || p[-1] == ';') && (p[n] == '\0' || p[n] == ';'))
            return 1;
    return 0;
}

static int on_site(void *ud, const struct bw_site *s)
{
    struct site_ctx *x = ud;
    struct bw_assess_inputs *in = x->in;
    size_t i = in->nsites;
    struct bw_risk_site *r;

    if (i == x->cap)
        return bw_diag_set(x->d, BW_ESTORE, NULL, "the register grew while it was read");
    r = &in->sites[i];
    in->ids[i] = adup(&in->a, s->id);
    x->t[i].category = adup(&in->a, s->category);
    x->t[i].region = s->region ? adup(&in->a, s->region) : NULL;
    if (!in->ids[i] || !x->t[i].category || (s->region && !x->t[i].region))
        return BW_ENOMEM;
    x->t[i].lat = s->lat;
    x->t[i].lon = s->lon;
    x->t[i].population = s->population > 0 ? (double)s->population : 0;
    r->cls = (uint32_t)bw_riskparams_class_for(x->rp, x->p, s->category);
    r->tier = 0; /* set from the designation below */
    r->capacity = s->capacity > 0 ? (float)s->capacity : 0;
    r->area_m2 = 0;
    if (s->footprint) {
        struct bw_polygon poly;
        struct bw_diag pd;
        bw_diag_clear(&pd);
        if (bw_polygon_parse(s->footprint, strlen(s->footprint), &pd, &poly) == BW_OK) {
            r->area_m2 = (float)bw_polygon_area_m2(&poly);
            bw_polygon_release(&poly);
        }
    }
    r->police_m = NAN;
    r->outage_lo = r->outage_mode = r->outage_hi = 0;
    if (s->tags && has_tag(s->tags, BW_ARMED_RESPONSE_TAG)) {
        x->bases[2 * x->nbases] = s->lat;
        x->bases[2 * x->nbases + 1] = s->lon;
        x->nbases++;
    }
    in->nsites++;
    return 0;
}

static int cmp_lat(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Distance from every site to the nearest base (NaN when there is none). */
static void nearest_bases(struct site_ctx *x)
{
    struct bw_assess_inputs *in = x->in;
    size_t nb = x->nbases;

    if (nb == 0)
        return;
    qsort(x->bases, nb, 2 * sizeof *x->bases, cmp_lat);
    for (size_t i = 0; i < in->nsites; i++) {
        double lat = x->t[i].lat, lon = x->t[i].lon, best = INFINITY;
        size_t lo = 0, hi = nb;
        while (lo < hi) { /* first base with latitude >= lat */
            size_t mid = lo + (hi - lo) / 2;
            if (x->bases[2 * mid] < lat)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < nb; k++) { /* northwards */
            if ((x->bases[2 * k] - lat) * MIN_M_PER_DEG_LAT > best)
                break;
            double dd = bw_geo_distance(lat, lon, x->bases[2 * k], x->bases[2 * k + 1]);
            if (dd < best)
                best = dd;
        }
        for (size_t k = lo; k-- > 0;) { /* southwards */
            if ((lat - x->bases[2 * k]) * MIN_M_PER_DEG_LAT > best)
                break;
            double dd = bw_geo_distance(lat, lon, x->bases[2 * k], x->bases[2 * k + 1]);
            if (dd < best)
                best = dd;
        }
        in->sites[i].police_m = (float)best;
    }
}

int64_t bw_assess_site_index(const struct bw_assess_inputs *in, const char *id)
{
    return bw_str_bsearch(in->ids, in->nsites, id);
}

/* ---- designation tiers ------------------------------------------------------------- */

struct tier_ctx {
    struct bw_assess_inputs *in;
    const struct bw_riskparams *rp;
    struct bw_diag *d;
};

static int on_decision(void *ud, const struct bw_decision *dec)
{
    struct tier_ctx *x = ud;
    int64_t i = bw_assess_site_index(x->in, dec->site);
    int t;

    if (i < 0 || !dec->tier)
        return 0; /* a site removed since the run, or designated as CI only */
    t = bw_riskparams_tier_index(x->rp, dec->tier);
    if (t < 0)
        return bw_diag_set(x->d, BW_EREF, "tier",
                           "site '%s' is designated '%s', a tier the pack's risk part has no "
                           "attempt-rate factor for", dec->site, dec->tier);
    x->in->sites[i].tier = (uint32_t)t;
    return 0;
}

static int load_tiers(bw_store *s, const struct bw_riskparams *rp, struct bw_assess_inputs *in,
                      struct bw_diag *d)
{
    struct bw_designation_run run;
    struct bw_arena a;
    struct tier_ctx x = {in, rp, d};
    int none = bw_riskparams_tier_index(rp, NULL), rc;

    if (none < 0)
        return bw_diag_set(d, BW_EREF, "tier", "the pack's risk part has no \"none\" tier");
    for (size_t i = 0; i < in->nsites; i++)
        in->sites[i].tier = (uint32_t)none;
    bw_arena_init(&a, 1024);
    rc = bw_store_designation_run(s, 0, &a, &run);
    if (rc == BW_ENOTFOUND)
        rc = BW_OK; /* never designated: every site "none" */
    else if (rc == BW_OK)
        rc = bw_store_designation_each(s, run.id, on_decision, &x);
    bw_arena_release(&a);
    return rc;
}

/* ---- threat levels ----------------------------------------------------------------- */

/* Ranks per distinct (region, class): an open-addressing table of key -> rank vector. */
struct rank_cache {
    const char **region, **cls;
    uint8_t *ranks; /* cap * nthreats */
    size_t cap, len, nthreats;
};

static uint64_t key_hash(const char *region, const char *cls)
{
    uint64_t h = 0xcbf29ce484222325ull;
    fnv_str(&h, region);
    fnv_str(&h, cls);
    return h;
}

static int str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The rank vector for (region, cls), computing it on first use. */
static const uint8_t *ranks_for(struct rank_cache *c, const bw_pack *p,
                                const struct bw_threat_level *lv, size_t nlv, const char *date,
                                const struct bw_risk_threat *threats, const char *region,
                                const char *cls, struct bw_diag *d, int *rc)
{
    size_t i;

    if ((c->len + 1) * 2 > c->cap) {
        struct rank_cache nc = *c;
        nc.cap = c->cap ? c->cap * 2 : 64;
        nc.region = bw_calloc(nc.cap, sizeof *nc.region);
        nc.cls = bw_calloc(nc.cap, sizeof *nc.cls);
        nc.ranks = bw_calloc(nc.cap, c->nthreats);
        if (!nc.region || !nc.cls || !nc.ranks) {
            bw_free(nc.region);
            bw_free(nc.cls);
            bw_free(nc.ranks);
            *rc = BW_ENOMEM;
            return NULL;
        }
        for (size_t k = 0; k < c->cap; k++) {
            size_t j;
            if (!c->cls[k])
                continue;
            for (j = key_hash(c->region[k], c->cls[k]) & (nc.cap - 1); nc.cls[j];
                 j = (j + 1) & (nc.cap - 1))
                ;
            nc.region[j] = c->region[k];
            nc.cls[j] = c->cls[k];
            memcpy(nc.ranks + j * c->nthreats, c->ranks + k * c->nthreats, c->nthreats);
        }
        bw_free(c->region);
        bw_free(c->cls);
        bw_free(c->ranks);
        *c = nc;
    }
    for (i = key_hash(region, cls) & (c->cap - 1); c->cls[i]; i = (i + 1) & (c->cap - 1))
        if (str_eq(c->region[i], region) && strcmp(c->cls[i], cls) == 0)
            return c->ranks + i * c->nthreats;
    for (size_t t = 0; t < c->nthreats; t++) {
        int r = bw_threat_level_resolve(p, lv, nlv, date, threats[t].id, region, cls);
        if (r < 1 || r > 255) {
            *rc = bw_diag_set(d, BW_EINVAL, "threat_levels",
                              "no threat level applies to '%s' (the pack has no scale or "
                              "default)", threats[t].id);
            return NULL;
        }
        c->ranks[i * c->nthreats + t] = (uint8_t)r;
    }
    c->region[i] = region;
    c->cls[i] = cls;
    c->len++;
    return c->ranks + i * c->nthreats;
}

static int load_ranks(bw_store *s, const bw_pack *p, struct bw_assess_inputs *in,
                      const struct tmp_site *t, struct bw_diag *d)
{
    struct bw_threat_level *lv = NULL;
    size_t nlv = 0;
    struct rank_cache c = {0};
    int rc;

    c.nthreats = in->nthreats;
    if ((rc = bw_store_threat_levels_load(s, p, in->date, &in->a, &lv, &nlv)))
        return bw_diag_set(d, rc, "threat_levels", "cannot read the threat levels: %s",
                           bw_strerror(rc));
    for (size_t i = 0; i < in->nsites && !rc; i++) {
        const uint8_t *r = ranks_for(&c, p, lv, nlv, in->date, in->threats, t[i].region,
                                     t[i].category, d, &rc);
        if (r)
            memcpy(in->rank + i * in->nthreats, r, in->nthreats);
    }
    bw_free(c.region);
    bw_free(c.cls);
    bw_free(c.ranks);
    return rc;
}

/* ---- measures in place ------------------------------------------------------------- */

static int load_measures(bw_store *s, const bw_pack *p, struct bw_assess_inputs *in,
                         struct bw_diag *d)
{
    struct bw_site_measure *m = NULL;
    size_t n = 0, ncat;
    const struct bw_measure *cat = bw_pack_measures(p, &ncat);
    uint32_t *fill;
    int rc;

    in->sm_off = bw_calloc(in->nsites + 1, sizeof *in->sm_off);
    if (!in->sm_off)
        return BW_ENOMEM;
    if ((rc = bw_store_site_measures_load(s, NULL, &in->a, &m, &n)))
        return bw_diag_set(d, rc, "measures", "cannot read the measures in place: %s",
                           bw_strerror(rc));
    in->sm = bw_calloc(n + 1, sizeof *in->sm);
    fill = bw_calloc(in->nsites + 1, sizeof *fill);
    if (!in->sm || !fill) {
        bw_free(fill);
        return BW_ENOMEM;
    }
    /* Two passes: count per site, then place (planned measures have no effect yet). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n; k++) {
            const struct bw_measure *e = bw_pack_measure(p, m[k].measure);
            int64_t i = bw_assess_site_index(in, m[k].site);
            if (m[k].planned || i < 0)
                continue;
            if (!e) {
                bw_free(fill);
                return bw_diag_set(d, BW_EREF, "measure",
                                   "site '%s' has measure '%s', which the pack's catalogue "
                                   "does not have", m[k].site, m[k].measure);
            }
            if (pass == 0) {
                in->sm_off[i + 1]++;
            } else {
                struct bw_risk_site_measure *x = &in->sm[in->sm_off[i] + fill[i]++];
                x->measure = (uint32_t)(e - cat);
                x->quality = (float)m[k].quality;
            }
        }
        if (pass == 0)
            for (size_t i = 0; i < in->nsites; i++)
                in->sm_off[i + 1] += in->sm_off[i];
    }
    in->nsm = in->sm_off[in->nsites];
    bw_free(fill);
    return BW_OK;
}

/* ---- outages ----------------------------------------------------------------------- */

/* Restoration hours of a site of @p category: mode = the generic attack's median; range =
 * the 5th..95th percentile over the attack types the threats map to. */
static void restoration_range(const bw_pack *p, const struct bw_assess_inputs *in,
                              const char *category, double *lo, double *mode, double *hi)
{
    double med, sig;

    bw_pack_restoration(p, category, "generic", &med, &sig);
    *mode = med;
    *lo = med * exp(-Z95 * sig);
    *hi = med * exp(Z95 * sig);
    for (size_t t = 0; t < in->nthreats; t++) {
        const struct bw_threat *th = bw_pack_threat(p, in->threats[t].id);
        if (!th || !th->restoration_attack)
            continue;
        bw_pack_restoration(p, category, th->restoration_attack, &med, &sig);
        if (med * exp(-Z95 * sig) < *lo)
            *lo = med * exp(-Z95 * sig);
        if (med * exp(Z95 * sig) > *hi)
            *hi = med * exp(Z95 * sig);
    }
}

static int load_outages(bw_store *s, const bw_pack *p, const struct bw_assess_options *o,
                        struct bw_assess_inputs *in, const struct tmp_site *t,
                        struct bw_diag *d)
{
    struct bw_graph_data gd;
    struct bw_arena ga;
    bw_graph *g = NULL;
    uint32_t *lost = NULL;
    double *pop = NULL;
    size_t ns;
    int rc = BW_OK;

    bw_pack_services(p, &ns);
    bw_arena_init(&ga, 64 * 1024);
    memset(&gd, 0, sizeof gd);
    if (!o->no_cascade) {
        if ((rc = bw_store_graph_load(s, p, &ga, &gd, d)))
            goto out;
        if (gd.n != in->nsites) {
            rc = bw_diag_set(d, BW_ESTORE, NULL, "the register changed while it was read");
            goto out;
        }
        if ((rc = bw_graph_new(gd.n, (uint32_t)ns, gd.supplies, gd.population, gd.deps,
                               gd.ndeps, d, &g)))
            goto out;
        lost = bw_calloc(gd.n + 1, sizeof *lost);
        pop = bw_calloc(gd.n + 1, sizeof *pop);
        if (!lost || !pop) {
            rc = BW_ENOMEM;
            goto out;
        }
        if (o->progress)
            o->progress(o->ud, "cascade", 0, gd.n);
        if ((rc = bw_criticality_sweep(g, BW_ALL_SERVICES, o->threads, 0, NULL, NULL, lost, pop,
                                       NULL))) {
            bw_diag_set(d, rc, NULL, "the criticality sweep failed: %s", bw_strerror(rc));
            goto out;
        }
        if (o->progress)
            o->progress(o->ud, "cascade", gd.n, gd.n);
        in->cascade = 1;
    }
    for (size_t i = 0; i < in->nsites; i++) {
        double people = t[i].population + (pop ? pop[i] : 0), lo, mode, hi;
        if (people <= 0)
            continue;
        restoration_range(p, in, t[i].category, &lo, &mode, &hi);
        in->sites[i].outage_lo = (float)(people * lo);
        in->sites[i].outage_mode = (float)(people * mode);
        in->sites[i].outage_hi = (float)(people * hi);
    }
out:
    bw_free(lost);
    bw_free(pop);
    bw_graph_free(g);
    bw_graph_data_release(&gd);
    bw_arena_release(&ga);
    return rc;
}

/* ---- load -------------------------------------------------------------------------- */

void bw_assess_inputs_release(struct bw_assess_inputs *in)
{
    if (!in)
        return;
    bw_free(in->ids);
    bw_free(in->sites);
    bw_free(in->rank);
    bw_free(in->measures);
    bw_free(in->sm_off);
    bw_free(in->sm);
    bw_arena_release(&in->a);
    memset(in, 0, sizeof *in);
}

static void hash_inputs(const bw_pack *p, struct bw_assess_inputs *in)
{
    uint64_t h = 0xcbf29ce484222325ull;

    fnv_str(&h, bw_pack_hash(p));
    fnv_str(&h, in->date);
    for (size_t i = 0; i < in->nsites; i++) {
        fnv_str(&h, in->ids[i]);
        fnv(&h, &in->sites[i], sizeof in->sites[i]);
        fnv(&h, &in->sm_off[i], sizeof in->sm_off[i]);
    }
    fnv(&h, in->rank, in->nsites * in->nthreats);
    for (size_t k = 0; k < in->nsm; k++) {
        fnv(&h, &in->sm[k].measure, sizeof in->sm[k].measure);
        fnv(&h, &in->sm[k].quality, sizeof in->sm[k].quality);
    }
    snprintf(in->hash, sizeof in->hash, "%016llx", (unsigned long long)h);
}

int bw_assess_load(bw_store *s, const bw_pack *p, const struct bw_assess_options *o,
                   struct bw_assess_inputs *in, struct bw_diag *d)
{
    const struct bw_riskparams *rp = bw_pack_riskparams(p);
    struct bw_store_counts counts;
    struct site_ctx x = {0};
    size_t ncat;
    int rc;

    memset(in, 0, sizeof *in);
    bw_arena_init(&in->a, 64 * 1024);
    if (!rp)
        return bw_diag_set(d, BW_EINVAL, "risk",
                           "the database's pack has no risk part (run `bulwark init` with a "
                           "current pack)");
    if (o->date) {
        if (!bw_date_valid(o->date))
            return bw_diag_set(d, BW_EINVAL, "date", "'%s' is not a date YYYY-MM-DD", o->date);
        snprintf(in->date, sizeof in->date, "%s", o->date);
    } else {
        time_t now = time(NULL);
        strftime(in->date, sizeof in->date, "%Y-%m-%d", gmtime(&now));
    }
    if ((rc = bw_risk_threats_from_pack(p, in->threats, BW_RISK_MAX_THREATS, &in->nthreats)))
        return bw_diag_set(d, rc, "threats", "the pack's threat types cannot be assessed: %s",
                           bw_strerror(rc));
    bw_pack_measures(p, &ncat);
    in->measures = bw_calloc(ncat + 1, sizeof *in->measures);
    if (!in->measures)
        return BW_ENOMEM;
    if ((rc = bw_risk_measures_from_pack(p, in->threats, in->nthreats, in->measures, ncat,
                                         &in->nmeasures)))
        return bw_diag_set(d, rc, "measures", "the pack's measures cannot be assessed: %s",
                           bw_strerror(rc));
    if ((rc = bw_store_counts(s, &counts)))
        return bw_diag_set(d, rc, NULL, "cannot count the register: %s", bw_strerror(rc));
    x.cap = (size_t)counts.sites;
    x.p = p;
    x.rp = rp;
    x.in = in;
    x.d = d;
    in->ids = bw_calloc(x.cap + 1, sizeof *in->ids);
    in->sites = bw_calloc(x.cap + 1, sizeof *in->sites);
    in->rank = bw_calloc(x.cap * in->nthreats + 1, 1);
    x.t = bw_calloc(x.cap + 1, sizeof *x.t);
    x.bases = bw_calloc(2 * x.cap + 2, sizeof *x.bases);
    if (!in->ids || !in->sites || !in->rank || !x.t || !x.bases) {
        rc = BW_ENOMEM;
        goto out;
    }
    if ((rc = bw_store_sites_each(s, NULL, on_site, &x)))
        goto out;
    nearest_bases(&x);
    in->armed_response_sites = x.nbases;
    if ((rc = load_tiers(s, rp, in, d)) || (rc = load_ranks(s, p, in, x.t, d)) ||
        (rc = load_measures(s, p, in, d)) || (rc = load_outages(s, p, o, in, x.t, d)))
        goto out;
    in->in = (struct bw_risk_input){in->sites, in->nsites, in->threats, in->nthreats,
                                    in->rank,  in->measures, in->nmeasures, in->sm_off,
                                    in->sm};
    hash_inputs(p, in);
out:
    bw_free(x.t);
    bw_free(x.bases);
    if (rc == BW_ENOMEM)
        bw_diag_set(d, rc, NULL, "out of memory loading the assessment's inputs");
    else if (rc && !bw_diag_has(d))
        bw_diag_set(d, rc, NULL, "loading the assessment's inputs: %s", bw_strerror(rc));
    return rc;
}

/* ---- run --------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void engine_progress(void *ud, size_t done, size_t total)
{
    const struct bw_assess_options *o = ud;
    o->progress(o->ud, "assess", done, total);
}

#define SAVE_BATCH 65536

int bw_assess_run(bw_store *s, const bw_pack *p, const struct bw_assess_options *o,
                  struct bw_arena *a, struct bw_assess_run *run, struct bw_diag *d)
{
    struct bw_assess_inputs in;
    struct bw_risk_result *res = NULL;
    struct bw_risk_row *rows = NULL;
    struct bw_risk_options ro = {o->seed, o->trials, o->threads,
                                 o->progress ? engine_progress : NULL, (void *)o};
    double t0 = now_s();
    size_t total;
    char at[32];
    time_t now = time(NULL);
    int rc;

    memset(run, 0, sizeof *run);
    if ((rc = bw_assess_load(s, p, o, &in, d)))
        goto out;
    total = in.nsites * in.nthreats;
    res = bw_calloc(total + 1, sizeof *res);
    rows = bw_calloc(SAVE_BATCH, sizeof *rows);
    if (!res || !rows) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory for %zu results", total);
        goto out;
    }
    if ((rc = bw_risk_run(bw_pack_riskparams(p), &in.in, &ro, res, d)))
        goto out;
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    run->at = bw_arena_strndup(a, at, strlen(at));
    run->inputs_hash = bw_arena_strndup(a, in.hash, strlen(in.hash));
    run->date = bw_arena_strndup(a, in.date, strlen(in.date));
    if (!run->at || !run->inputs_hash || !run->date) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    run->pack_id = bw_pack_id(p);
    run->pack_version = bw_pack_version(p);
    run->pack_hash = bw_pack_hash(p);
    run->seed = o->seed;
    run->trials = o->trials;
    if (o->threads) {
        run->threads = o->threads;
    } else {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        run->threads = ncpu > 0 ? ncpu : 1;
    }
    run->cascade = in.cascade;
    run->sites = (int64_t)in.nsites;
    run->threats = (int64_t)in.nthreats;
    if ((rc = bw_store_begin(s))) {
        bw_diag_set(d, rc, NULL, "cannot start a transaction: %s", bw_strerror(rc));
        goto out;
    }
    run->elapsed_s = now_s() - t0;
    rc = bw_store_assess_save(s, run, NULL, 0, d); /* the run's header */
    for (size_t k = 0; k < total && !rc;) {
        const struct bw_riskparams *rp = bw_pack_riskparams(p);
        size_t n = 0;
        for (; n < SAVE_BATCH && k < total; n++, k++) {
            const struct bw_risk_result *r = &res[k];
            size_t site = k / in.nthreats;
            rows[n] = (struct bw_risk_row){
                in.ids[site], in.threats[k % in.nthreats].id, r->t, r->v, r->c, r->risk,
                (double)r->v * r->c, r->risk_p5, r->risk_p50, r->risk_p95, r->fatalities,
                r->injuries, r->outage_ph, r->economic, rp->classes[in.sites[site].cls].symbolic};
        }
        rc = bw_store_assess_save(s, run, rows, n, d);
        if (o->progress)
            o->progress(o->ud, "save", k, total);
    }
    if (!rc)
        rc = bw_store_commit(s);
    if (rc) {
        bw_store_rollback(s);
        if (!bw_diag_has(d))
            bw_diag_set(d, rc, NULL, "cannot store the assessment run: %s", bw_strerror(rc));
        run->id = 0;
    }
out:
    bw_free(res);
    bw_free(rows);
    bw_assess_inputs_release(&in);
    return rc;
}
