/*
 * riskparams.h — the parameters of the common risk assessment (pack part "risk").
 *
 * packs/default/risk.json holds, every number with its source: the annual rate of
 * attempted attacks per threat-level rank, the attractiveness of each taxonomy class and
 * capacity tier, the share of each threat family in attacks, the probability of success
 * (vulnerability) by class and family, the consequence model (occupancy, crowd density,
 * fatality and injury fractions, blast thresholds, firearms response, ramming, UAS
 * warning), the economic values (VSL, injury value, value of a person-hour of lost
 * service, symbolic value) and the weights that combine the consequence vector. Every
 * uncertain input is a triangular range [low, mode, high]; the mode is the deterministic
 * value. docs/methodology.md ("The risk assessment") explains every formula.
 *
 * The part is parsed after "threats" (its families are threat.h's bw_threat_families,
 * its ranks the pack's threat-level scale). The view below is plain read-only data.
 *
 * Ownership: bw_pack_riskparams returns a view borrowed from the pack (lives as long as
 * it); bw_riskparams_parse returns a new value the caller frees with bw_riskparams_free.
 * Strings point into the pack's JSON tree (or the parsed text's tree, for
 * bw_riskparams_parse). Thread-safety: immutable after parsing; thread-safe.
 */
#ifndef BW_RISKPARAMS_H
#define BW_RISKPARAMS_H

#include "pack.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** Number of threat families (threat.h bw_threat_families, same order). */
#define BW_RISK_NFAMILIES 10

/** A triangular range: low <= mode <= high; the mode is the deterministic value. */
struct bw_tri {
    double lo, mode, hi;
};

/** How the people harmed by an attack of a family are counted (docs/methodology.md). */
enum bw_risk_exposure {
    BW_EXPOSE_BLAST = 1,    /**< overpressure radii over the crowd's footprint */
    BW_EXPOSE_FIREARMS = 2, /**< casualty rate × time to armed response */
    BW_EXPOSE_RAMMING = 3,  /**< the approach path through the crowd, by vehicle energy */
    BW_EXPOSE_UAS = 4,      /**< blast of the payload, or a share of the crowd; warning */
    BW_EXPOSE_CROWD = 5     /**< a share of the people present, capped */
};

/** Per threat family (index as in bw_threat_families). */
struct bw_risk_family {
    const char *family;
    double share;             /**< share of attempted attacks that are of this family */
    enum bw_risk_exposure exposure;
    double exposed_fraction;  /**< share of the people present exposed (crowd, uas) */
    double max_exposed;       /**< cap on the people exposed (0 = none) */
    struct bw_tri fatal;      /**< share of the exposed (blast: in the fatal zone) killed */
    struct bw_tri injury;     /**< share of the exposed (blast: in the injury zone) injured */
    double outage_factor;     /**< share of the site's outage population-hours caused */
    double property_factor;   /**< share of the site's property value destroyed */
    const char *source;
};

/** Per taxonomy class ("*" is the fallback). */
struct bw_risk_class {
    const char *class_id;       /**< a taxonomy id, or "*" */
    double attractiveness;      /**< multiplier of the attempt rate */
    struct bw_tri occupancy;    /**< share of the capacity present at an attack */
    double density;             /**< persons/m² when the footprint is unknown (Fruin) */
    double min_present;         /**< people present when the site has no capacity */
    struct bw_tri property_value; /**< currency */
    double symbolic;            /**< symbolic/psychological score 0..1 */
    const char *source;
};

/** The attempt rate of one threat-level rank (attempts per site-year, attractiveness 1). */
struct bw_risk_rate {
    int rank;
    struct bw_tri rate;
    const char *source;
};

/** The attempt-rate factor of a capacity tier ("none": the site has no tier). */
struct bw_risk_tier {
    const char *tier;
    double factor;
    const char *source;
};

/** A vulnerability rule: P(success | attempt) for a class (or "*") and family (or "*"). */
struct bw_risk_vuln {
    const char *class_id;
    const char *family;
    struct bw_tri v;
    const char *source;
};

/** The parsed part. Read-only. */
struct bw_riskparams {
    const char *version;
    const char *currency;
    const char *likelihood_source;
    const struct bw_risk_rate *rates; /**< rank i+1 at index i */
    size_t nrates;
    const struct bw_risk_tier *tiers; /**< pack order; "none" among them */
    size_t ntiers;
    struct bw_risk_family families[BW_RISK_NFAMILIES];
    const struct bw_risk_class *classes; /**< pack order; "*" among them */
    size_t nclasses;
    const struct bw_risk_vuln *vuln_rules;
    size_t nvuln;
    /** vuln[c * BW_RISK_NFAMILIES + f]: the rule in force for class entry c, family f */
    const struct bw_risk_vuln *const *vuln;
    double blast_fatal_kpa, blast_injury_kpa;
    const char *blast_source;
    double fa_dispatch_min, fa_speed_kmh, fa_road_factor, fa_default_distance_m,
        fa_rate_per_min;
    const char *firearms_source;
    double ram_approach_m, ram_width_m, ram_ref_mass_kg, ram_ref_speed_kmh;
    const char *ramming_source;
    double uas_shelter_s, uas_max_sheltered;
    const char *uas_source;
    struct bw_tri vsl, injury_value;
    double person_hour, symbolic_value;
    const char *vsl_source, *injury_value_source, *person_hour_source, *symbolic_value_source;
    double w_fatalities, w_injuries, w_economic, w_symbolic;
    const char *weights_source;
};

/** The pack's risk parameters, or NULL when the pack has no "risk" part. */
const struct bw_riskparams *bw_pack_riskparams(const bw_pack *p);

/**
 * Parses and checks a "risk" document @p json (@p n bytes) against pack @p p (classes,
 * tiers, threat-level scale) into a new value the caller frees with bw_riskparams_free.
 * Errors (BW_EPARSE, BW_EINVAL, BW_ERANGE, BW_EREF, BW_ENOMEM) fill @p d with the section
 * as field and the entry, attribute and value at fault in the message.
 */
int bw_riskparams_parse(const bw_pack *p, const char *json, size_t n, struct bw_diag *d,
                        struct bw_riskparams **out);

/** Frees a value of bw_riskparams_parse. Accepts NULL. */
void bw_riskparams_free(struct bw_riskparams *rp);

/** Index of @p family in bw_threat_families (and rp->families), or -1. */
int bw_riskparams_family_index(const char *family);

/**
 * Index in rp->classes of the entry for taxonomy class @p class_id: its own entry, else
 * its sector's, else "*". Always a valid index (the part requires "*").
 */
size_t bw_riskparams_class_for(const struct bw_riskparams *rp, const bw_pack *p,
                               const char *class_id);

/** Index in rp->tiers of tier @p tier (NULL: the site has none: "none"), or -1. */
int bw_riskparams_tier_index(const struct bw_riskparams *rp, const char *tier);

#ifdef __cplusplus
}
#endif
#endif
