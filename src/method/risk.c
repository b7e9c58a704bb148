/*
 * risk.c — the risk engine: T, V, consequence vector, C and risk for every site × threat,
 * with a Monte Carlo over the parameters' triangular ranges (risk.h).
 *
 * Each site × threat is computed in two steps. prepare() does everything that does not
 * depend on a random draw, once: the rank's attempt-rate range and the attractiveness
 * product, the vulnerability rule and the product of the measures in place, the
 * effective stand-off and counter-UAS range, and the people exposed per unit of
 * occupancy from the physical-effects models (effects.h: blast radii computed once per
 * threat, the lens of the blast circle over the crowd's disc, time to armed response,
 * ramming path, UAS warning). The trial loop then only draws six uniforms per trial
 * (three SplitMix64 outputs keyed by seed, site, threat and trial, two 32-bit halves
 * each), maps them through the triangular inverse CDF and multiplies; the trial loops
 * run over arrays (one per uniform and per parameter) so that they vectorise. The deterministic
 * result uses the modes. Percentiles are linear interpolation between order statistics
 * (NumPy's default), found by a bucket selection in a per-thread scratch buffer.
 *
 * Threads take blocks of sites from an atomic counter and write only their own result
 * slots; since every draw is keyed by (seed, site, threat, trial), the output does not
 * depend on the thread count or on which thread took which block. Nothing is allocated
 * per site; a worker allocates 2 × trials floats.
 */
#include "risk.h"
#include "alloc.h"
#include "effects.h"
#include "error.h"
#include "measure.h"
#include "threat.h"

#include <math.h>
#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN 0x9E3779B97F4A7C15ull
#define BLOCK 64 /* sites per work item */

/* ---- random numbers ------------------------------------------------------------------ */

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The key of one site × threat: every trial's draws derive from it. */
static inline uint64_t st_key(uint64_t seed, size_t site, size_t threat)
{
    return mix64(mix64(seed + GOLDEN) ^ (((uint64_t)site << 16) | (uint64_t)threat));
}

#define U_HI(x) (((double)((x) >> 32) + 0.5) * 0x1.0p-32)
#define U_LO(x) (((double)((x)&0xffffffffull) + 0.5) * 0x1.0p-32)

/* A triangular range prepared for inverse-CDF sampling. */
struct tq {
    double a, b, fc, k1, k2, mode;
};

static struct tq tq_make(struct bw_tri t)
{
    struct tq q = {t.lo, t.hi, 0, 0, 0, t.mode};
    if (t.hi > t.lo) {
        q.fc = (t.mode - t.lo) / (t.hi - t.lo);
        q.k1 = (t.hi - t.lo) * (t.mode - t.lo);
        q.k2 = (t.hi - t.lo) * (t.hi - t.mode);
    }
    return q;
}

/* ---- percentiles ----------------------------------------------------------------------- */

/* Partially sorts a[lo..hi) so that a[k] holds the value of rank k (0-based) within it,
 * smaller or equal values before and greater or equal after. Quickselect with a
 * median-of-three pivot and a three-way partition written without branches into the
 * scratch @p t (values below the pivot from the front, above it from the back, the
 * pivot's copies in between), then copied back: no comparison is ever a branch, which
 * on random data is several times faster than a classic partition. */
static void select_k(float *restrict a, float *restrict t, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        size_t m = lo + (hi - lo) / 2, nl = lo, ng = 0;
        float x0 = a[lo], x1 = a[m], x2 = a[hi - 1], piv;
        /* median of three */
        piv = x0 < x1 ? (x1 < x2 ? x1 : (x0 < x2 ? x2 : x0)) : (x0 < x2 ? x0 : (x1 < x2 ? x2 : x1));
        for (size_t i = lo; i < hi; i++) {
            float x = a[i];
            t[nl] = x;
            nl += x < piv;
            t[hi - 1 - ng] = x;
            ng += x > piv;
        }
        for (size_t i = nl; i < hi - ng; i++)
            t[i] = piv;
        memcpy(a + lo, t + lo, (hi - lo) * sizeof *a);
        if (k < nl)
            hi = nl;
        else if (k >= hi - ng)
            lo = hi - ng;
        else
            return;
    }
}

/* Sorts v[0..m) ascending (insertion sort: m is small here). */
static void sort_small(float *v, size_t m)
{
    for (size_t i = 1; i < m; i++) {
        float x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

#define NBUCKETS 128

/* P5, P50 and P95 of a[0..n), linear interpolation between the order statistics at
 * q·(n−1) — NumPy's default percentile method — found by a bucket selection: the values
 * are counted into NBUCKETS equal buckets between their minimum and maximum (the
 * bucket of x is a monotone function of x, so rank r lies in the bucket where the
 * running count passes r); only the few values of the buckets holding ranks k and k + 1
 * are then gathered and sorted (or, when a bucket is crowded, selected). Exact, and
 * without a data-dependent branch in the passes over all n values. @p t has room for
 * n floats, @p b for n bucket numbers; @p a is not modified. */
static void percentiles(const float *a, float *t, uint16_t *b, size_t n, float out[3])
{
    static const double q[3] = {0.05, 0.50, 0.95};
    uint32_t count[NBUCKETS + 1];
    float mn = a[0], mx = a[0];
    double scale, frac[3];
    size_t i0 = 1, k[3], k1[3], below[3], b0[3], b1[3], nin[3];

#ifdef __SSE2__
    if (n >= 4) {
        __m128 vmn = _mm_loadu_ps(a), vmx = vmn;
        float lo4[4], hi4[4];
        for (i0 = 4; i0 + 4 <= n; i0 += 4) {
            __m128 v = _mm_loadu_ps(a + i0);
            vmn = _mm_min_ps(vmn, v);
            vmx = _mm_max_ps(vmx, v);
        }
        _mm_storeu_ps(lo4, vmn);
        _mm_storeu_ps(hi4, vmx);
        for (int j = 0; j < 4; j++) {
            mn = lo4[j] < mn ? lo4[j] : mn;
            mx = hi4[j] > mx ? hi4[j] : mx;
        }
    }
#endif
    for (size_t i = i0; i < n; i++) {
        mn = a[i] < mn ? a[i] : mn;
        mx = a[i] > mx ? a[i] : mx;
    }
    if (!(mx > mn)) {
        out[0] = out[1] = out[2] = mn;
        return;
    }
    scale = (double)NBUCKETS / ((double)mx - (double)mn);
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        long bk = (long)(((double)a[i] - (double)mn) * scale);
        bk = bk < NBUCKETS - 1 ? bk : NBUCKETS - 1;
        b[i] = (uint16_t)bk;
        count[bk]++;
    }
    /* The ranks k, k1 = k + 1 (or k) of each percentile, the buckets b0..b1 holding them
     * and the number of values below b0. */
    for (int p = 0; p < 3; p++) {
        double pos = q[p] * (double)(n - 1);
        size_t upto;
        k[p] = (size_t)pos;
        frac[p] = pos - (double)k[p];
        k1[p] = frac[p] > 0 && k[p] + 1 < n ? k[p] + 1 : k[p];
        below[p] = 0;
        b0[p] = 0;
        while (below[p] + count[b0[p]] <= k[p]) /* bucket of rank k */
            below[p] += count[b0[p]++];
        b1[p] = b0[p];
        upto = below[p] + count[b1[p]];
        while (upto <= k1[p]) /* bucket of rank k1 */
            upto += count[++b1[p]];
        nin[p] = upto - below[p];
    }
    /* Usually the three bucket ranges are disjoint and hold few values: one pass then
     * gathers all of them, one sort orders them, and since buckets are ordered by value,
     * each range's values form a block of the sorted list, at the sum of the sizes of the
     * ranges before it. */
    if (b0[1] > b1[0] && b0[2] > b1[1] && nin[0] + nin[1] + nin[2] <= 48) {
        uint8_t in[NBUCKETS];
        size_t m = 0, off = 0;
        memset(in, 0, sizeof in);
        for (int p = 0; p < 3; p++)
            for (size_t x = b0[p]; x <= b1[p]; x++)
                in[x] = 1;
        for (size_t i = 0; i < n; i++) {
            t[m] = a[i];
            m += in[b[i]];
        }
        sort_small(t, m);
        for (int p = 0; p < 3; p++) {
            float x0 = t[off + (k[p] - below[p])], x1 = t[off + (k1[p] - below[p])];
            out[p] = (float)(x0 + frac[p] * ((double)x1 - x0));
            off += nin[p];
        }
        return;
    }
    for (int p = 0; p < 3; p++) {
        size_t m = 0, kk = k[p] - below[p], kk1 = k1[p] - below[p];
        for (size_t i = 0; i < n; i++) { /* gather the buckets b0..b1 */
            t[m] = a[i];
            m += b[i] >= b0[p] && b[i] <= b1[p];
        }
        if (m <= 32) {
            sort_small(t, m);
        } else {
            select_k(t, t + m, 0, m, kk);
            if (kk1 != kk) { /* rank k + 1: the least value after position k − below */
                float x1 = t[kk + 1];
                for (size_t j = kk + 2; j < m; j++)
                    x1 = t[j] < x1 ? t[j] : x1;
                t[kk1] = x1;
            }
        }
        out[p] = (float)(t[kk] + frac[p] * ((double)t[kk1] - t[kk]));
    }
}

/* ---- the model -------------------------------------------------------------------------- */

/* Per threat, computed once per run: blast radii. */
struct threat_pre {
    double tnt;          /* kg TNT of the blast (tnt_kg, or the UAS payload) */
    double r_fatal, r_injury;
    int is_uas, is_vbied;
};

/* Everything about one site × threat that does not depend on a draw. */
struct pre {
    struct tq rate, v, occ, fat, inj, vsl, iv, prop, outage;
    double lamfac;    /* attractiveness × tier × family share × threat share */
    double vm;        /* Π (1 − e·q) of the measures acting */
    double p1, p2;    /* people per unit occupancy: fatal zone / exposed; injury zone */
    double emax;      /* cap on p1 × occupancy (INFINITY: none) */
    int blast;
    double outage_factor, property_factor, symbolic;
};

/* An explanation being collected (NULL: not explaining). */
struct ex {
    struct bw_risk_explanation *e;
};

static void fac(struct ex *x, const char *name, const char *detail, double value,
                const char *unit, const char *source)
{
    if (!x || x->e->n >= BW_RISK_EXPLAIN_MAX)
        return;
    x->e->f[x->e->n++] = (struct bw_risk_factor){name, detail, value, unit, source};
}

/* Area of the intersection of two discs of radii r1, r2 whose centres are d apart. */
static double lens(double r1, double r2, double d)
{
    double a1, a2, k;
    if (r1 <= 0 || r2 <= 0 || d >= r1 + r2)
        return 0;
    if (d <= fabs(r1 - r2)) {
        double r = r1 < r2 ? r1 : r2;
        return M_PI * r * r;
    }
    a1 = (d * d + r1 * r1 - r2 * r2) / (2 * d * r1);
    a2 = (d * d + r2 * r2 - r1 * r1) / (2 * d * r2);
    a1 = a1 < -1 ? -1 : a1 > 1 ? 1 : a1;
    a2 = a2 < -1 ? -1 : a2 > 1 ? 1 : a2;
    k = (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2);
    return r1 * r1 * acos(a1) + r2 * r2 * acos(a2) - 0.5 * sqrt(k > 0 ? k : 0);
}

static void threat_prepare(const struct bw_riskparams *rp, const struct bw_risk_threat *t,
                           struct threat_pre *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->is_uas = t->family == bw_riskparams_family_index("uas");
    tp->is_vbied = t->family == bw_riskparams_family_index("vbied");
    tp->tnt = t->tnt_kg > 0 ? t->tnt_kg : t->uas_payload_g > 0 ? t->uas_payload_g / 1000.0 : 0;
    if (tp->tnt > 0) {
        if (bw_blast_range_for_incident(tp->tnt, rp->blast_fatal_kpa, &tp->r_fatal))
            tp->r_fatal = 0;
        if (bw_blast_range_for_incident(tp->tnt, rp->blast_injury_kpa, &tp->r_injury))
            tp->r_injury = 0;
    }
}

static void prepare(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                    const struct threat_pre *tps, size_t s, size_t k, struct pre *p,
                    struct ex *x)
{
    const struct bw_risk_site *st = &in->sites[s];
    const struct bw_risk_threat *th = &in->threats[k];
    const struct threat_pre *tp = &tps[k];
    const struct bw_risk_class *cl = &rp->classes[st->cls];
    const struct bw_risk_family *fm = &rp->families[th->family];
    const struct bw_risk_tier *tr = &rp->tiers[st->tier];
    const struct bw_risk_rate *ra = &rp->rates[in->rank[s * in->nthreats + k] - 1];
    const struct bw_risk_vuln *vr = rp->vuln[(size_t)st->cls * BW_RISK_NFAMILIES + (size_t)th->family];
    double standoff = 0, detect = 0, n0, area, rs, shelter = 0;
    uint64_t bit = 1ull << k;

    p->rate = tq_make(ra->rate);
    p->lamfac = cl->attractiveness * tr->factor * fm->share * th->share;
    fac(x, "attempt rate (mode)", NULL, ra->rate.mode, "per site-year", ra->source);
    fac(x, "class attractiveness", cl->class_id, cl->attractiveness, "factor", cl->source);
    fac(x, "tier factor", tr->tier, tr->factor, "factor", tr->source);
    fac(x, "family share", fm->family, fm->share, "share", fm->source);
    fac(x, "threat share of its family", th->id, th->share, "share",
        "1 / number of threat types of the family in the run");
    p->v = tq_make(vr->v);
    fac(x, "vulnerability baseline (mode)", vr->class_id, vr->v.mode, "probability", vr->source);

    /* Measures in place that act on this threat. */
    p->vm = 1.0;
    if (in->sm_off)
        for (uint32_t j = in->sm_off[s]; j < in->sm_off[s + 1]; j++) {
            const struct bw_risk_measure *m = &in->measures[in->sm[j].measure];
            double q = in->sm[j].quality;
            if (!(m->acts_on & bit))
                continue;
            if (m->barrier_kg > 0 && th->vehicle_kg > 0) {
                struct bw_barrier_rating b = {m->barrier_kg, m->barrier_kmh, 0};
                struct bw_ramming rr;
                if (bw_ramming_check(&b, th->vehicle_kg, th->speed_kmh, 0, &rr) || !rr.stopped) {
                    fac(x, "barrier not rated for the vehicle (no effect)", m->id, 1.0,
                        "V multiplier", "effects.h bw_ramming_check: rating energy and mass "
                                        "must cover the threat vehicle");
                    continue;
                }
            }
            if (m->standoff_m > 0 && tp->tnt > 0) {
                /* Against a blast the stand-off acts through the distance (below), not
                 * through the catalogue's generic effectiveness: no double counting. */
                fac(x, "stand-off in place (acts through the blast distance)", m->id,
                    m->standoff_m * q, "m", "measure catalogue (measures.json) x quality");
            } else {
                p->vm *= 1.0 - m->effectiveness * q;
                fac(x, "measure in place: 1 - effectiveness x quality", m->id,
                    1.0 - m->effectiveness * q, "V multiplier",
                    "measure catalogue (measures.json)");
            }
            if (m->standoff_m * q > standoff)
                standoff = m->standoff_m * q;
            if (m->detection_m * q > detect)
                detect = m->detection_m * q;
        }

    /* People present at full occupancy and the footprint they stand on. */
    n0 = st->capacity > 0 ? st->capacity : cl->min_present;
    area = st->area_m2 > 0 ? st->area_m2 : n0 / cl->density;
    rs = sqrt(area / M_PI);
    fac(x, "people at full occupancy", NULL, n0, "people",
        st->capacity > 0 ? "the register's capacity" : cl->source);
    fac(x, "occupancy (mode)", cl->class_id, cl->occupancy.mode, "share", cl->source);
    fac(x, "footprint", NULL, area, "m2",
        st->area_m2 > 0 ? "the register's footprint" : "people / class density (Fruin)");
    if (tp->is_uas && detect > 0 && th->uas_speed_ms > 0) {
        double w = 0;
        if (bw_uas_warning_s(detect, 0, th->uas_speed_ms, &w) == BW_OK) {
            shelter = rp->uas_max_sheltered * (w >= rp->uas_shelter_s ? 1.0 : w / rp->uas_shelter_s);
            fac(x, "counter-UAS warning", NULL, w, "s", rp->uas_source);
            fac(x, "share sheltered", NULL, shelter, "share", rp->uas_source);
        }
    }
    p->blast = 0;
    p->emax = fm->max_exposed > 0 ? fm->max_exposed : INFINITY;
    if ((fm->exposure == BW_EXPOSE_BLAST || fm->exposure == BW_EXPOSE_UAS) && tp->tnt > 0) {
        double dist = 0, ff, fi, atot = M_PI * rs * rs;
        if (fm->exposure == BW_EXPOSE_BLAST &&
            (tp->is_vbied || standoff > 0))
            dist = rs + standoff;
        ff = atot > 0 ? lens(tp->r_fatal, rs, dist) / atot : 0;
        fi = atot > 0 ? lens(tp->r_injury, rs, dist) / atot : 0;
        p->blast = 1;
        p->emax = INFINITY;
        p->p1 = n0 * ff * (1 - shelter);
        p->p2 = n0 * (fi > ff ? fi - ff : 0) * (1 - shelter);
        fac(x, "charge", th->id, tp->tnt, "kg TNT", "threat type (threats.json)");
        fac(x, "fatal radius", NULL, tp->r_fatal, "m", rp->blast_source);
        fac(x, "injury radius", NULL, tp->r_injury, "m", rp->blast_source);
        fac(x, "stand-off in place", NULL, standoff, "m", "measures in place x quality");
        fac(x, "charge to centre of the crowd", NULL, dist, "m",
            "0 inside the crowd; footprint radius + stand-off for a vehicle or a perimeter");
        fac(x, "share of the crowd in the fatal zone", NULL, ff, "share",
            "disc overlap of fatal radius and footprint");
        fac(x, "share of the crowd in the injury zone", NULL, fi - ff, "share",
            "disc overlap of injury radius and footprint, less the fatal zone");
    } else if (fm->exposure == BW_EXPOSE_FIREARMS) {
        struct bw_response_model m = {rp->fa_dispatch_min, rp->fa_speed_kmh, rp->fa_road_factor};
        double dist = isnan(st->police_m) ? rp->fa_default_distance_m : st->police_m, min = 0;
        double cap = 0;
        bw_response_time_min(dist, &m, &min);
        bw_firearms_exposed(n0, rp->fa_rate_per_min, min, &cap);
        p->p1 = n0 * fm->exposed_fraction;
        if (cap < p->emax)
            p->emax = cap;
        fac(x, "distance to armed response", NULL, dist, "m",
            isnan(st->police_m) ? rp->firearms_source : "the register's nearest police site");
        fac(x, "minutes to armed response", NULL, min, "min", rp->firearms_source);
        fac(x, "people harmed before containment (cap)", NULL, cap, "people", rp->firearms_source);
    } else if (fm->exposure == BW_EXPOSE_RAMMING) {
        double e = bw_kinetic_energy_j(th->vehicle_kg, th->speed_kmh);
        double eref = bw_kinetic_energy_j(rp->ram_ref_mass_kg, rp->ram_ref_speed_kmh);
        double sev = (e > 0 && eref > 0) ? (e < eref ? e / eref : 1.0) : 0, hit = 0;
        bw_ramming_exposed(n0 / area, rp->ram_approach_m, rp->ram_width_m, &hit);
        hit *= sev * fm->exposed_fraction;
        p->p1 = hit < n0 ? hit : n0;
        fac(x, "vehicle energy / reference energy", th->id, sev, "share", rp->ramming_source);
        fac(x, "people in the path at full occupancy", NULL, p->p1, "people", rp->ramming_source);
    } else {
        p->p1 = n0 * fm->exposed_fraction * (1 - shelter);
        fac(x, "share of the people exposed", fm->family, fm->exposed_fraction, "share", fm->source);
    }
    p->p2 = p->blast ? p->p2 : 0;
    if (!p->blast && isfinite(p->emax))
        fac(x, "most people exposed", fm->family, p->emax, "people", fm->source);
    p->occ = tq_make(cl->occupancy);
    p->fat = tq_make(fm->fatal);
    p->inj = tq_make(fm->injury);
    p->vsl = tq_make(rp->vsl);
    p->iv = tq_make(rp->injury_value);
    p->prop = tq_make(cl->property_value);
    p->outage = tq_make((struct bw_tri){st->outage_lo, st->outage_mode, st->outage_hi});
    p->outage_factor = fm->outage_factor;
    p->property_factor = fm->property_factor;
    p->symbolic = cl->symbolic;
    fac(x, "fatal fraction (mode)", fm->family, fm->fatal.mode, "share", fm->source);
    fac(x, "injury fraction (mode)", fm->family, fm->injury.mode, "share", fm->source);
    fac(x, "site outage if lost (mode)", NULL, st->outage_mode, "population-hours",
        "cascade model (timed cascade of the site's loss)");
    fac(x, "share of the outage caused", fm->family, fm->outage_factor, "share", fm->source);
    fac(x, "property value (mode)", cl->class_id, cl->property_value.mode, rp->currency, cl->source);
    fac(x, "share of the property destroyed", fm->family, fm->property_factor, "share", fm->source);
    fac(x, "symbolic score", cl->class_id, cl->symbolic, "0..1", cl->source);
    fac(x, "VSL (mode)", NULL, rp->vsl.mode, rp->currency, rp->vsl_source);
    fac(x, "injury value (mode)", NULL, rp->injury_value.mode, rp->currency, rp->injury_value_source);
    fac(x, "value of a person-hour of service", NULL, rp->person_hour, rp->currency,
        rp->person_hour_source);
    fac(x, "symbolic value", NULL, rp->symbolic_value, rp->currency, rp->symbolic_value_source);
    fac(x, "weight: fatalities", NULL, rp->w_fatalities, "", rp->weights_source);
    fac(x, "weight: injuries", NULL, rp->w_injuries, "", rp->weights_source);
    fac(x, "weight: economic", NULL, rp->w_economic, "", rp->weights_source);
    fac(x, "weight: symbolic", NULL, rp->w_symbolic, "", rp->weights_source);
}

/* T = 1 − exp(−λ). Attempt rates are small (1e-6..1e-2 a year), where four terms of the
 * series are exact to double precision's last bits (error < λ⁵/120 relative to λ, below
 * 1e-12 for λ < 1e-2) and much cheaper than expm1; larger λ take expm1. */
static inline double attempt_probability(double lambda)
{
    if (lambda < 1e-2)
        return lambda * (1.0 - lambda * (0.5 - lambda * (1.0 / 6.0 - lambda * (1.0 / 24.0))));
    return -expm1(-lambda);
}

/* The values of one evaluation. */
struct eval {
    double t, v, c, risk, fat, inj, outage, econ;
};

/* Evaluates with the given parameter values (modes or draws). */
static inline void evaluate(const struct bw_riskparams *rp, const struct pre *p, double rate,
                            double vb, double occ, double ff, double fi, double vsl, double iv,
                            double prop, double outage, struct eval *e)
{
    double e1 = occ * p->p1;
    if (e1 > p->emax)
        e1 = p->emax;
    e->t = attempt_probability(rate * p->lamfac);
    e->v = vb * p->vm;
    e->fat = ff * e1;
    e->inj = p->blast ? fi * occ * p->p2 + (1.0 - ff) * e1 : fi * e1;
    e->outage = outage * p->outage_factor;
    e->econ = prop * p->property_factor + e->outage * rp->person_hour;
    e->c = rp->w_fatalities * e->fat * vsl + rp->w_injuries * e->inj * iv +
           rp->w_economic * e->econ + rp->w_symbolic * p->symbolic * rp->symbolic_value;
    e->risk = e->t * e->v * e->c;
}

static void evaluate_mode(const struct bw_riskparams *rp, const struct pre *p, struct eval *e)
{
    evaluate(rp, p, p->rate.mode, p->v.mode, p->occ.mode, p->fat.mode, p->inj.mode,
             p->vsl.mode, p->iv.mode, p->prop.mode, p->outage.mode, e);
}

static void store(const struct eval *e, struct bw_risk_result *r)
{
    r->t = (float)e->t;
    r->v = (float)e->v;
    r->c = (float)e->c;
    r->risk = (float)e->risk;
    r->fatalities = (float)e->fat;
    r->injuries = (float)e->inj;
    r->outage_ph = (float)e->outage;
    r->economic = (float)e->econ;
}

/* Per-worker scratch of the Monte Carlo: one array of `trials` values per uniform and
 * per drawn parameter (structure of arrays, so that the loops below vectorise), the two
 * outputs and the partition buffer of the percentiles. */
enum { U_RATE, U_V, U_OCC, U_FRAC, U_ECON, U_OUT, NU };
enum { D_RATE, D_V, D_OCC, D_FF, D_FI, D_VSL, D_IV, D_PROP, D_OUT, ND };
struct mc {
    uint32_t n;
    float *u[NU], *x[ND];
    float *risk, *fat, *tmp; /* tmp: 2n floats (gathered values and select scratch) */
    uint16_t *bucket;
};

/* Draws @p n values of @p q at the uniforms @p u into @p out: the inverse CDF of the
 * triangular distribution, a + sqrt(u·k1) below the mode's quantile fc and
 * b − sqrt((1 − u)·k2) above it. Written without branches (the side is a 0/1 factor:
 * it is random, a branch would be mispredicted half the time); a degenerate range
 * (k1 = k2 = 0, fc = 0) gives b = a. The trials are computed in single precision (the
 * results are stored as floats; a relative 1e-7 is far below the Monte Carlo's own
 * error), four at a time with SSE: the compiler will not vectorise sqrt on its own (it
 * keeps the branch to libm for errno). The SSE and scalar loops do the same IEEE
 * operations in the same order, so both give identical numbers. */
static void draw_all(const struct tq *q, const float *restrict u, float *restrict out,
                     uint32_t n)
{
    const float fc = (float)q->fc, k1 = (float)q->k1, k2 = (float)q->k2;
    const float a = (float)q->a, b = (float)q->b;
    uint32_t t = 0;
#ifdef __SSE2__
    const __m128 vfc = _mm_set1_ps(fc), vk1 = _mm_set1_ps(k1), vk2 = _mm_set1_ps(k2);
    const __m128 va = _mm_set1_ps(a), vb = _mm_set1_ps(b), one = _mm_set1_ps(1.0f);
    for (; t + 4 <= n; t += 4) {
        __m128 uu = _mm_loadu_ps(u + t);
        __m128 m = _mm_and_ps(_mm_cmplt_ps(uu, vfc), one), nm = _mm_sub_ps(one, m);
        __m128 arg = _mm_add_ps(_mm_mul_ps(m, _mm_mul_ps(uu, vk1)),
                                _mm_mul_ps(nm, _mm_mul_ps(_mm_sub_ps(one, uu), vk2)));
        __m128 sq = _mm_sqrt_ps(arg);
        _mm_storeu_ps(out + t, _mm_add_ps(_mm_mul_ps(m, _mm_add_ps(va, sq)),
                                          _mm_mul_ps(nm, _mm_sub_ps(vb, sq))));
    }
#endif
    for (; t < n; t++) {
        float m = u[t] < fc ? 1.0f : 0.0f;
        float sq = sqrtf(m * (u[t] * k1) + (1.0f - m) * ((1.0f - u[t]) * k2));
        out[t] = m * (a + sq) + (1.0f - m) * (b - sq);
    }
}

/* The Monte Carlo of one site × threat into r's percentile fields. Trial t draws its six
 * uniforms from mix64(key + (3t + j + 1)·γ), j = 0, 1, 2 (high and low 32-bit halves):
 * rate and V; occupancy and the fatal/injury fractions (one uniform: comonotone);
 * the economic values (VSL, injury value, property: one uniform) and the outage. */
static void monte_carlo(const struct bw_riskparams *rp, const struct pre *p, uint64_t key,
                        struct mc *w, struct bw_risk_result *r)
{
    const uint32_t n = w->n;
    float *restrict *u = w->u, *restrict *x = w->x;
    float *restrict xr = w->risk, *restrict xf = w->fat;
    float pr[3], pf[3];
    const float wf = (float)rp->w_fatalities, wi = (float)rp->w_injuries;
    const float we = (float)rp->w_economic;
    const float sym = (float)(rp->w_symbolic * p->symbolic * rp->symbolic_value);
    const float p1 = (float)p->p1, p2 = (float)p->p2, emax = (float)p->emax;
    const float vm = (float)p->vm, lf = (float)p->lamfac;
    const float ofph = (float)(p->outage_factor * rp->person_hour);
    const float pfac = (float)p->property_factor;

    for (uint32_t t = 0; t < n; t++) {
        uint64_t c = key + (uint64_t)t * 3 * GOLDEN;
        uint64_t x0 = mix64(c + GOLDEN), x1 = mix64(c + 2 * GOLDEN), x2 = mix64(c + 3 * GOLDEN);
        u[U_RATE][t] = (float)U_HI(x0);
        u[U_V][t] = (float)U_LO(x0);
        u[U_OCC][t] = (float)U_HI(x1);
        u[U_FRAC][t] = (float)U_LO(x1);
        u[U_ECON][t] = (float)U_HI(x2);
        u[U_OUT][t] = (float)U_LO(x2);
    }
    draw_all(&p->rate, u[U_RATE], x[D_RATE], n);
    draw_all(&p->v, u[U_V], x[D_V], n);
    draw_all(&p->occ, u[U_OCC], x[D_OCC], n);
    draw_all(&p->fat, u[U_FRAC], x[D_FF], n);
    draw_all(&p->inj, u[U_FRAC], x[D_FI], n);
    draw_all(&p->vsl, u[U_ECON], x[D_VSL], n);
    draw_all(&p->iv, u[U_ECON], x[D_IV], n);
    draw_all(&p->prop, u[U_ECON], x[D_PROP], n);
    draw_all(&p->outage, u[U_OUT], x[D_OUT], n);
    /* T: the series of attempt_probability when even the highest rate keeps λ < 1e-2
     * (always, with the default pack), else expm1. */
    if (p->rate.b * p->lamfac < 1e-2)
        for (uint32_t t = 0; t < n; t++) {
            float l = x[D_RATE][t] * lf;
            x[D_RATE][t] = l * (1.0f - l * (0.5f - l * (1.0f / 6.0f - l * (1.0f / 24.0f))));
        }
    else
        for (uint32_t t = 0; t < n; t++)
            x[D_RATE][t] = (float)attempt_probability((double)x[D_RATE][t] * p->lamfac);
    /* As evaluate(), one trial per lane. */
    if (p->blast)
        for (uint32_t t = 0; t < n; t++) {
            float occ = x[D_OCC][t], ff = x[D_FF][t], e1 = occ * p1, fat, inj, econ, c;
            e1 = e1 > emax ? emax : e1;
            fat = ff * e1;
            inj = x[D_FI][t] * occ * p2 + (1.0f - ff) * e1;
            econ = x[D_PROP][t] * pfac + x[D_OUT][t] * ofph;
            c = wf * fat * x[D_VSL][t] + wi * inj * x[D_IV][t] + we * econ + sym;
            xr[t] = x[D_RATE][t] * (x[D_V][t] * vm) * c;
            xf[t] = fat;
        }
    else
        for (uint32_t t = 0; t < n; t++) {
            float occ = x[D_OCC][t], ff = x[D_FF][t], e1 = occ * p1, fat, inj, econ, c;
            e1 = e1 > emax ? emax : e1;
            fat = ff * e1;
            inj = x[D_FI][t] * e1;
            econ = x[D_PROP][t] * pfac + x[D_OUT][t] * ofph;
            c = wf * fat * x[D_VSL][t] + wi * inj * x[D_IV][t] + we * econ + sym;
            xr[t] = x[D_RATE][t] * (x[D_V][t] * vm) * c;
            xf[t] = fat;
        }
    percentiles(xr, w->tmp, w->bucket, n, pr);
    percentiles(xf, w->tmp, w->bucket, n, pf);
    r->risk_p5 = pr[0];
    r->risk_p50 = pr[1];
    r->risk_p95 = pr[2];
    r->fat_p5 = pf[0];
    r->fat_p50 = pf[1];
    r->fat_p95 = pf[2];
}

static void mc_free(struct mc *w)
{
    bw_free(w->u[0]);
    bw_free(w->risk);
    bw_free(w->bucket);
}

static int mc_init(struct mc *w, uint32_t n)
{
    float *d, *f;
    memset(w, 0, sizeof *w);
    w->n = n;
    d = bw_calloc((size_t)n * (NU + ND), sizeof *d);
    f = bw_calloc((size_t)n * 4, sizeof *f);
    w->bucket = bw_calloc(n, sizeof *w->bucket);
    if (!d || !f || !w->bucket) {
        bw_free(d);
        bw_free(f);
        bw_free(w->bucket);
        return BW_ENOMEM;
    }
    for (int i = 0; i < NU; i++)
        w->u[i] = d + (size_t)i * n;
    for (int i = 0; i < ND; i++)
        w->x[i] = d + (size_t)(NU + i) * n;
    w->risk = f;
    w->fat = f + n;
    w->tmp = f + 2 * (size_t)n;
    return BW_OK;
}

/* ---- checks ------------------------------------------------------------------------------ */

static int check_input(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                       struct bw_diag *d)
{
    if (!rp || !in || (in->nsites && (!in->sites || !in->rank)) || !in->threats)
        return bw_diag_set(d, BW_EINVAL, "risk", "missing parameters or inputs");
    if (in->nthreats == 0 || in->nthreats > BW_RISK_MAX_THREATS)
        return bw_diag_set(d, BW_EINVAL, "threats", "%zu threat types (1..%d allowed)",
                           in->nthreats, BW_RISK_MAX_THREATS);
    for (size_t k = 0; k < in->nthreats; k++) {
        const struct bw_risk_threat *t = &in->threats[k];
        if (t->family < 0 || t->family >= BW_RISK_NFAMILIES)
            return bw_diag_set(d, BW_EINVAL, "family", "threat %zu ('%s'): unknown family %d", k,
                               t->id ? t->id : "?", t->family);
        if (!(t->share > 0 && t->share <= 1))
            return bw_diag_set(d, BW_ERANGE, "share", "threat %zu ('%s'): share %g is outside "
                               "(0, 1]", k, t->id ? t->id : "?", t->share);
        if (!(t->tnt_kg >= 0) || !(t->vehicle_kg >= 0) || !(t->speed_kmh >= 0) ||
            !(t->uas_speed_ms >= 0) || !(t->uas_payload_g >= 0) || isinf(t->tnt_kg))
            return bw_diag_set(d, BW_ERANGE, "threat", "threat %zu ('%s'): a physical parameter "
                               "is negative or not a number", k, t->id ? t->id : "?");
    }
    for (size_t j = 0; j < in->nmeasures; j++) {
        const struct bw_risk_measure *m = &in->measures[j];
        if (!(m->effectiveness >= 0 && m->effectiveness <= 1) || !(m->standoff_m >= 0) ||
            !(m->barrier_kg >= 0) || !(m->barrier_kmh >= 0) || !(m->detection_m >= 0))
            return bw_diag_set(d, BW_ERANGE, "measure", "measure %zu ('%s'): effectiveness "
                               "outside 0..1 or a negative parameter", j, m->id ? m->id : "?");
    }
    for (size_t s = 0; s < in->nsites; s++) {
        const struct bw_risk_site *st = &in->sites[s];
        if (st->cls >= rp->nclasses)
            return bw_diag_set(d, BW_EINVAL, "class", "site %zu: class index %u (of %zu)", s,
                               st->cls, rp->nclasses);
        if (st->tier >= rp->ntiers)
            return bw_diag_set(d, BW_EINVAL, "tier", "site %zu: tier index %u (of %zu)", s,
                               st->tier, rp->ntiers);
        if (!(st->capacity >= 0) || isinf(st->capacity) || !(st->area_m2 >= 0) ||
            isinf(st->area_m2))
            return bw_diag_set(d, BW_ERANGE, "capacity", "site %zu: capacity %g or area %g is "
                               "negative or not finite", s, st->capacity, st->area_m2);
        if (st->police_m < 0)
            return bw_diag_set(d, BW_ERANGE, "police_m", "site %zu: distance %g is negative", s,
                               st->police_m);
        if (!(st->outage_lo >= 0 && st->outage_lo <= st->outage_mode &&
              st->outage_mode <= st->outage_hi) || isinf(st->outage_hi))
            return bw_diag_set(d, BW_ERANGE, "outage", "site %zu: outage needs 0 <= low <= mode "
                               "<= high (got %g, %g, %g)", s, st->outage_lo, st->outage_mode,
                               st->outage_hi);
        for (size_t k = 0; k < in->nthreats; k++) {
            uint8_t r = in->rank[s * in->nthreats + k];
            if (r < 1 || r > rp->nrates)
                return bw_diag_set(d, BW_ERANGE, "rank", "site %zu, threat %zu: threat-level "
                                   "rank %u is outside 1..%zu", s, k, r, rp->nrates);
        }
        if (in->sm_off) {
            if (in->sm_off[s + 1] < in->sm_off[s])
                return bw_diag_set(d, BW_EINVAL, "measures", "site %zu: offsets decrease", s);
            for (uint32_t j = in->sm_off[s]; j < in->sm_off[s + 1]; j++) {
                if (in->sm[j].measure >= in->nmeasures)
                    return bw_diag_set(d, BW_EINVAL, "measure", "site %zu: measure index %u "
                                       "(of %zu)", s, in->sm[j].measure, in->nmeasures);
                if (!(in->sm[j].quality >= 0 && in->sm[j].quality <= 1))
                    return bw_diag_set(d, BW_ERANGE, "quality", "site %zu, measure '%s': "
                                       "quality %g is outside 0..1", s,
                                       in->measures[in->sm[j].measure].id
                                           ? in->measures[in->sm[j].measure].id : "?",
                                       in->sm[j].quality);
            }
        }
    }
    return BW_OK;
}

/* ---- the run ------------------------------------------------------------------------------ */

struct job {
    const struct bw_riskparams *rp;
    const struct bw_risk_input *in;
    const struct bw_risk_options *o;
    const struct threat_pre *tps;
    struct bw_risk_result *out;
    atomic_size_t next, done;
    atomic_int rc;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    const struct bw_risk_input *in = j->in;
    uint32_t trials = j->o->trials;
    struct mc w;

    if (trials && mc_init(&w, trials)) {
        atomic_store(&j->rc, BW_ENOMEM);
        return NULL;
    }
    for (;;) {
        size_t s0 = atomic_fetch_add(&j->next, BLOCK), s1;
        if (s0 >= in->nsites || atomic_load(&j->rc))
            break;
        s1 = s0 + BLOCK < in->nsites ? s0 + BLOCK : in->nsites;
        for (size_t s = s0; s < s1; s++)
            for (size_t k = 0; k < in->nthreats; k++) {
                struct bw_risk_result *r = &j->out[s * in->nthreats + k];
                struct pre p;
                struct eval e;
                prepare(j->rp, in, j->tps, s, k, &p, NULL);
                evaluate_mode(j->rp, &p, &e);
                store(&e, r);
                if (trials)
                    monte_carlo(j->rp, &p, st_key(j->o->seed, s, k), &w, r);
                else
                    r->risk_p5 = r->risk_p50 = r->risk_p95 = r->fat_p5 = r->fat_p50 =
                        r->fat_p95 = NAN;
            }
        atomic_fetch_add(&j->done, s1 - s0);
    }
    if (trials)
        mc_free(&w);
    return NULL;
}

int bw_risk_run(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                const struct bw_risk_options *o, struct bw_risk_result *out,
                struct bw_diag *d)
{
    struct threat_pre tps[BW_RISK_MAX_THREATS];
    pthread_t tid[64];
    unsigned threads, started = 0;
    struct job job;
    int rc;

    if ((rc = check_input(rp, in, d)))
        return rc;
    if (!o || !out)
        return bw_diag_set(d, BW_EINVAL, "risk", "missing options or result array");
    for (size_t k = 0; k < in->nthreats; k++)
        threat_prepare(rp, &in->threats[k], &tps[k]);
    threads = o->threads;
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = online > 0 ? (unsigned)online : 1;
    }
    if (threads > 64)
        threads = 64;
    job.rp = rp;
    job.in = in;
    job.o = o;
    job.tps = tps;
    job.out = out;
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    atomic_init(&job.rc, 0);
    /* With a progress callback the calling thread reports and `threads` workers
     * compute; without one it is one of the workers. */
    for (unsigned i = o->progress ? 0 : 1; i < threads; i++) {
        if (pthread_create(&tid[started], NULL, worker, &job) != 0)
            break;
        started++;
    }
    if (o->progress && started) {
        while (atomic_load(&job.done) < in->nsites && !atomic_load(&job.rc)) {
            o->progress(o->ud, atomic_load(&job.done), in->nsites);
            usleep(200000);
        }
    } else {
        worker(&job);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    rc = atomic_load(&job.rc);
    if (rc)
        return bw_diag_set(d, rc, "risk", "out of memory");
    if (o->progress)
        o->progress(o->ud, in->nsites, in->nsites);
    return BW_OK;
}

int bw_risk_explain(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                    size_t site, size_t threat, struct bw_risk_explanation *out,
                    struct bw_diag *d)
{
    struct bw_risk_input one;
    struct threat_pre tp[BW_RISK_MAX_THREATS];
    struct ex x = {out};
    struct pre p;
    struct eval e;
    int rc;

    memset(out, 0, sizeof *out);
    if (!in || site >= in->nsites || threat >= in->nthreats)
        return bw_diag_set(d, BW_EINVAL, "risk", "site %zu or threat %zu out of range", site,
                           threat);
    /* Check only this site's inputs (a one-site view with its own offsets). */
    one = *in;
    one.sites = &in->sites[site];
    one.nsites = 1;
    one.rank = &in->rank[site * in->nthreats];
    if (in->sm_off) {
        one.sm_off = &in->sm_off[site];
    }
    if ((rc = check_input(rp, &one, d)))
        return rc;
    threat_prepare(rp, &in->threats[threat], &tp[threat]); /* prepare() reads only this one */
    prepare(rp, &one, tp, 0, threat, &p, &x);
    evaluate_mode(rp, &p, &e);
    store(&e, &out->r);
    out->r.risk_p5 = out->r.risk_p50 = out->r.risk_p95 = NAN;
    out->r.fat_p5 = out->r.fat_p50 = out->r.fat_p95 = NAN;
    fac(&x, "T: likelihood of an attempt", NULL, e.t, "per year", "1 - exp(-rate x factors)");
    fac(&x, "measures' multiplier of V", NULL, p.vm, "factor", "product over the measures above");
    fac(&x, "V: probability of success", NULL, e.v, "probability", "baseline x measures");
    fac(&x, "fatalities", NULL, e.fat, "people", "consequence model");
    fac(&x, "injuries", NULL, e.inj, "people", "consequence model");
    fac(&x, "outage", NULL, e.outage, "population-hours", "site outage x share caused");
    fac(&x, "economic loss", NULL, e.econ, rp->currency, "property x share + outage x value");
    fac(&x, "C: weighted consequence", NULL, e.c, rp->currency, rp->weights_source);
    fac(&x, "risk = T x V x C", NULL, e.risk, "per year", "risk.h");
    out->conditional_risk = e.v * e.c;
    out->symbolic = p.symbolic;
    return BW_OK;
}

/* ---- from the pack ---------------------------------------------------------------------- */

int bw_risk_threats_from_pack(const bw_pack *p, struct bw_risk_threat *out, size_t max,
                              size_t *n)
{
    size_t nt = 0, count[BW_RISK_NFAMILIES] = {0};
    const struct bw_threat *t = bw_pack_threats(p, &nt);

    *n = 0;
    if (!t || nt == 0)
        return BW_EINVAL;
    if (nt > max)
        return BW_ETOOBIG;
    for (size_t i = 0; i < nt; i++) {
        int f = bw_riskparams_family_index(t[i].family);
        if (f < 0)
            return BW_EINVAL;
        count[f]++;
    }
    for (size_t i = 0; i < nt; i++) {
        int f = bw_riskparams_family_index(t[i].family);
        out[i] = (struct bw_risk_threat){.id = t[i].id,
                                         .family = f,
                                         .share = 1.0 / (double)count[f],
                                         .tnt_kg = t[i].tnt_kg,
                                         .vehicle_kg = t[i].vehicle_kg,
                                         .speed_kmh = t[i].speed_kmh,
                                         .uas_speed_ms = t[i].uas_speed_ms,
                                         .uas_payload_g = t[i].uas_payload_g};
    }
    *n = nt;
    return BW_OK;
}

int bw_risk_measures_from_pack(const bw_pack *p, const struct bw_risk_threat *threats,
                               size_t nthreats, struct bw_risk_measure *out, size_t max,
                               size_t *n)
{
    size_t nm = 0;
    const struct bw_measure *m = bw_pack_measures(p, &nm);

    *n = 0;
    if (nm > max)
        return BW_ETOOBIG;
    if (nthreats > BW_RISK_MAX_THREATS)
        return BW_EINVAL;
    for (size_t i = 0; i < nm; i++) {
        uint64_t mask = 0;
        for (size_t k = 0; k < nthreats; k++) {
            const struct bw_threat *t = bw_pack_threat(p, threats[k].id);
            if (t && bw_measure_acts_on(p, &m[i], t))
                mask |= 1ull << k;
        }
        out[i] = (struct bw_risk_measure){.id = m[i].id,
                                          .effectiveness = m[i].effectiveness,
                                          .standoff_m = m[i].standoff_m,
                                          .barrier_kg = m[i].barrier_mass_kg,
                                          .barrier_kmh = m[i].barrier_speed_kmh,
                                          .detection_m = m[i].detection_range_m,
                                          .acts_on = mask};
    }
    *n = nm;
    return BW_OK;
}
