/*
 * risk.h — the common risk assessment: risk = T × V × C for every site × threat type.
 *
 * For each site and threat type (docs/methodology.md, "The risk assessment"):
 *   T  likelihood of an attempted attack in a year: 1 − exp(−λ), λ = the attempt rate of
 *      the threat-level rank in force × class attractiveness × tier factor × family share
 *      × the threat's share of its family;
 *   V  probability of success given an attempt: the baseline of the class and family ×
 *      Π (1 − effectiveness × quality) over the measures in place that act on the
 *      threat (a barrier counts only against vehicles its rating stops);
 *   consequence vector: fatalities, injuries, outage population-hours, economic loss,
 *      symbolic score — from the people present, the physical effects (blast radii over
 *      the footprint with the stand-off in place, time to armed response, ramming path,
 *      UAS warning) and the site's outage from the cascade model;
 *   C  the weighted, monetised consequence; risk = T × V × C (currency per year);
 *      conditional risk (T = 1) = V × C.
 * The deterministic values use every range's mode. The Monte Carlo draws every
 * uncertain input of riskparams.h from its triangular range, independently per site,
 * threat and trial, from a counter-based generator (SplitMix64 keyed by seed, site,
 * threat and trial), so the numbers do not depend on the thread count; it reports the
 * 5th, 50th and 95th percentiles of risk and of fatalities.
 *
 * Inputs are flat arrays filled by the caller from the store (sites, tiers, threat
 * levels in force, measures in place, cascade outages); this module never sees SQL.
 * Memory: the inputs take 32 bytes per site, 1 byte per site × threat (ranks) and
 * 8 bytes per measure in place (+4 per site for offsets); the results 56 bytes per
 * site × threat (24 threat types: ~1.4 KB per site, 1.4 GB per million sites); each
 * worker thread holds about 20 × trials floats of scratch. Nothing is allocated per site.
 *
 * Ownership: all inputs are borrowed for the call; results go to caller-allocated
 * arrays. Thread-safety: bw_risk_run runs its own threads and is reentrant; the inputs
 * must not change during the call.
 */
#ifndef BW_RISK_H
#define BW_RISK_H

#include "pack.h"
#include "riskparams.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** Most threat types one run takes (bit masks of 64 bits in bw_risk_measure). */
#define BW_RISK_MAX_THREATS 64

/** One site as the engine sees it (32 bytes). */
struct bw_risk_site {
    uint32_t cls;      /**< index into rp->classes (bw_riskparams_class_for) */
    uint32_t tier;     /**< index into rp->tiers (bw_riskparams_tier_index) */
    float capacity;    /**< people present at full occupancy; 0 = unknown (class min_present) */
    float area_m2;     /**< footprint, m²; 0 = unknown (people / class density) */
    float police_m;    /**< straight-line distance to the nearest police site, m; NaN = none */
    float outage_lo;   /**< population-hours of service lost if the site is lost (cascade): */
    float outage_mode; /**<   a triangular range; all three equal when the cascade gives */
    float outage_hi;   /**<   one number, 0 when the site supplies nobody */
};

/** One threat type (from threat.h; bw_risk_threats_from_pack fills these). */
struct bw_risk_threat {
    const char *id;     /**< borrowed; for explanations */
    int family;         /**< index into bw_threat_families */
    double share;       /**< share of its family's attempts (1 / threat types in family) */
    double tnt_kg;      /**< explosive, kg TNT (0: none) */
    double vehicle_kg;  /**< vehicle mass, kg (0: no vehicle) */
    double speed_kmh;   /**< vehicle impact speed, km/h */
    double uas_speed_ms;   /**< UAS speed, m/s */
    double uas_payload_g;  /**< UAS payload, g (taken as TNT equivalent when > 0) */
};

/** One catalogue measure (from measure.h; bw_risk_measures_from_pack fills these). */
struct bw_risk_measure {
    const char *id;        /**< borrowed; for explanations */
    double effectiveness;  /**< reduction of P(success) at quality 1, 0..1 */
    double standoff_m;     /**< stand-off it enforces, m (0: none) */
    double barrier_kg;     /**< barrier rating: test vehicle mass, kg (0: not a barrier) */
    double barrier_kmh;    /**< barrier rating: impact speed, km/h */
    double detection_m;    /**< counter-UAS detection range, m (0: none) */
    uint64_t acts_on;      /**< bit k set: acts on threat k of the run */
};

/** A measure in place at a site (planned measures are left out by the caller). */
struct bw_risk_site_measure {
    uint32_t measure; /**< index into the run's measures */
    float quality;    /**< 0..1 */
};

/** Everything one run reads (all borrowed). */
struct bw_risk_input {
    const struct bw_risk_site *sites;
    size_t nsites;
    const struct bw_risk_threat *threats;
    size_t nthreats;                   /**< 1..BW_RISK_MAX_THREATS */
    const uint8_t *rank;               /**< [site * nthreats + threat]: rank in force, 1..N */
    const struct bw_risk_measure *measures;
    size_t nmeasures;
    const uint32_t *sm_off;            /**< nsites + 1 offsets into sm, or NULL: no measures */
    const struct bw_risk_site_measure *sm;
};

/** Run options. */
struct bw_risk_options {
    uint64_t seed;
    uint32_t trials;   /**< Monte Carlo trials; 0 = deterministic values only (percentiles NaN) */
    unsigned threads;  /**< 0 = number of online CPUs */
    /** Called from the calling thread with sites done and total (may be NULL). */
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
};

/** The result of one site × threat (56 bytes). Deterministic values use the modes. */
struct bw_risk_result {
    float t;          /**< likelihood of an attempt in a year */
    float v;          /**< probability of success given an attempt */
    float c;          /**< weighted consequence, currency */
    float risk;       /**< T × V × C, currency per year; conditional risk is v × c */
    float fatalities; /**< consequence vector of a successful attack ... */
    float injuries;
    float outage_ph;  /**< population-hours of service lost */
    float economic;   /**< property damage + lost service, currency (symbolic: class score) */
    float risk_p5, risk_p50, risk_p95; /**< Monte Carlo percentiles of risk */
    float fat_p5, fat_p50, fat_p95;    /**< Monte Carlo percentiles of fatalities */
};

/**
 * Assesses every site × threat of @p in with parameters @p rp, writing
 * out[site * nthreats + threat] (nsites × nthreats entries, caller-allocated).
 * Checks the inputs first: BW_EINVAL / BW_ERANGE with @p d naming the site or threat
 * index and the field (class, tier or rank out of range, negative capacity, quality
 * outside 0..1, ...); BW_ENOMEM. The results do not depend on o->threads.
 */
int bw_risk_run(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                const struct bw_risk_options *o, struct bw_risk_result *out,
                struct bw_diag *d);

/** One factor of an explanation. Strings are borrowed (static, pack or input). */
struct bw_risk_factor {
    const char *name;   /**< e.g. "attempt rate", "vulnerability baseline", "measure" */
    const char *detail; /**< e.g. a measure or class id, or NULL */
    double value;
    const char *unit;   /**< e.g. "per site-year", "people", "EUR", "" */
    const char *source; /**< the pack entry's source, or how it was computed */
};

#define BW_RISK_EXPLAIN_MAX 64

/** Every factor of one site × threat, and its deterministic result. */
struct bw_risk_explanation {
    struct bw_risk_factor f[BW_RISK_EXPLAIN_MAX];
    size_t n;
    struct bw_risk_result r; /**< deterministic fields only; percentiles NaN */
    double conditional_risk; /**< V × C */
    double symbolic;         /**< the class's symbolic score */
};

/**
 * Explains site @p site × threat @p threat of @p in: every factor with its value and the
 * pack entry (source) it came from, and the deterministic result (identical to
 * bw_risk_run's). BW_EINVAL / BW_ERANGE as bw_risk_run for bad input.
 */
int bw_risk_explain(const struct bw_riskparams *rp, const struct bw_risk_input *in,
                    size_t site, size_t threat, struct bw_risk_explanation *out,
                    struct bw_diag *d);

/**
 * Fills @p out[0..*n) from the pack's threat types (threat.h), in pack order, with each
 * threat's share of its family = 1 / number of types in the family. @p max is the room
 * in @p out; BW_ETOOBIG when the pack has more, BW_EINVAL when the pack has no threats.
 */
int bw_risk_threats_from_pack(const bw_pack *p, struct bw_risk_threat *out, size_t max,
                              size_t *n);

/**
 * Fills @p out[0..*n) from the pack's measure catalogue (measure.h), in pack order,
 * with acts_on over the @p nthreats threats of @p threats (bw_measure_acts_on).
 * BW_ETOOBIG when the catalogue has more than @p max entries.
 */
int bw_risk_measures_from_pack(const bw_pack *p, const struct bw_risk_threat *threats,
                               size_t nthreats, struct bw_risk_measure *out, size_t max,
                               size_t *n);

#ifdef __cplusplus
}
#endif
#endif
