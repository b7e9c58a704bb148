/*
 * effects_pack.h — the physical-effects data of a methodology pack (pack part
 * "effects", packs/default/effects.json): the NCTC bomb-threat stand-off charts as
 * named datasets ("2014", Version A; "2006", Version B — never merged), the primary-
 * blast injury and Clancey structural-damage thresholds, Fruin's walkway levels of
 * service and the critical crowd densities, counter-UAS sensor ranges, the RF
 * detection link budget, and the documented assumptions of the exposure models.
 * Every entry carries its source. The formulas that use these numbers are in
 * effects.h.
 *
 * The part is optional: a pack without it parses, and every accessor then returns
 * NULL (or *n = 0).
 *
 * Ownership: everything returned is borrowed from the pack and lives as long as it.
 * Thread-safety: read-only views of an immutable pack; thread-safe.
 */
#ifndef BW_EFFECTS_PACK_H
#define BW_EFFECTS_PACK_H

#include "pack.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One row of a stand-off chart (threat, capacity, the two distances). */
struct bw_standoff_row {
    const char *id;     /**< e.g. "sedan" */
    const char *name;   /**< e.g. "Sedan" */
    double tnt_kg;      /**< explosive capacity, kg TNT equivalent */
    double tnt_lb;      /**< the same in pounds, as published */
    double near_m;      /**< mandatory (2014) / building (2006) evacuation distance, m */
    double near_ft;
    double far_m;       /**< preferred (2014) / outdoor (2006) evacuation distance, m */
    double far_ft;
    const char *source;
    const char *note;   /**< or NULL */
};

/** A stand-off chart: a named dataset. */
struct bw_standoff_chart {
    const char *id;        /**< "2014" or "2006" */
    const char *name;
    const char *near_name; /**< what near_m means, e.g. "mandatory evacuation distance" */
    const char *far_name;  /**< what far_m means */
    const char *note;
    const char *source;
    const struct bw_standoff_row *rows;
    size_t nrows;
};

/** The charts in pack order (NULL and *n = 0 when none). */
const struct bw_standoff_chart *bw_pack_standoff_charts(const bw_pack *p, size_t *n);
/** The chart with this id, or NULL. */
const struct bw_standoff_chart *bw_pack_standoff_chart(const bw_pack *p, const char *chart);
/** The rows of chart @p chart (NULL and *n = 0 when unknown). */
const struct bw_standoff_row *bw_pack_standoff(const bw_pack *p, const char *chart, size_t *n);
/**
 * The row of chart @p chart whose id equals @p name, or failing that whose name equals
 * it ignoring ASCII case; NULL when none.
 */
const struct bw_standoff_row *bw_pack_standoff_row(const bw_pack *p, const char *chart,
                                                   const char *name);

/** An overpressure threshold: a level (kpa_high = 0) or a band (kpa .. kpa_high). */
struct bw_blast_level {
    const char *id;
    const char *name;
    double kpa;      /**< incident overpressure at which the effect starts, kPa */
    double kpa_high; /**< upper end of a band, kPa; 0 for a single level */
    double psi;      /**< as published when given in psi; 0 otherwise */
    const char *source;
};

/** The human (primary blast) thresholds, ascending kPa. */
const struct bw_blast_level *bw_pack_injury_levels(const bw_pack *p, size_t *n);
/** The Clancey structural-damage levels, ascending kPa. */
const struct bw_blast_level *bw_pack_damage_levels(const bw_pack *p, size_t *n);
/**
 * The highest level of @p levels (ascending) whose kpa ≤ @p kpa, or NULL when none is
 * reached.
 */
const struct bw_blast_level *bw_blast_level_reached(const struct bw_blast_level *levels,
                                                    size_t n, double kpa);

/** One Fruin walkway level of service (bounds 0 when open-ended). */
struct bw_fruin_level {
    const char *id;     /**< "A".."F" */
    const char *name;
    double area_ft2_min, area_ft2_max; /**< area per person, ft² (as published) */
    double density_min, density_max;   /**< persons/m² (derived, rounded) */
    double flow_m_min, flow_m_max;     /**< persons per metre per minute */
    const char *source;
};
/** Fruin's walkway levels A..F in order (NULL and *n = 0 when the pack has none). */
const struct bw_fruin_level *bw_pack_fruin_levels(const bw_pack *p, size_t *n);

/** A critical crowd density (ascending). */
struct bw_crowd_density {
    const char *id;
    const char *name;
    double density;      /**< persons/m² */
    double density_high; /**< upper end of a band; 0 for a single value */
    const char *source;
};
/** The critical crowd densities, ascending (NULL and *n = 0 when none). */
const struct bw_crowd_density *bw_pack_crowd_densities(const bw_pack *p, size_t *n);

/** A counter-UAS sensor type and its typical detection range. */
struct bw_cuas_sensor {
    const char *id;
    const char *name;
    double range_min_m, range_max_m;
    const char *note;
    const char *source;
};
/** The counter-UAS sensor types in pack order (NULL and *n = 0 when none). */
const struct bw_cuas_sensor *bw_pack_cuas_sensors(const bw_pack *p, size_t *n);
/** The sensor type with this id (e.g. "rf", "radar"), or NULL. */
const struct bw_cuas_sensor *bw_pack_cuas_sensor(const bw_pack *p, const char *id);

/** The RF detection link budget (effects.h bw_rf_detection_range_m). */
struct bw_rf_budget {
    double eirp_dbm, sensitivity_dbm, rx_gain_dbi, margin_db;
    const double *bands_mhz;
    size_t nbands;
    const char *source;
};
/** The pack's RF link budget, or NULL. */
const struct bw_rf_budget *bw_pack_rf_budget(const bw_pack *p);

/** A documented assumption of the exposure models (no published figure). */
struct bw_effects_assumption {
    const char *id;
    const char *name;
    double value;
    const char *unit;
    const char *source;
};
/** The assumptions in pack order (NULL and *n = 0 when none). */
const struct bw_effects_assumption *bw_pack_effects_assumptions(const bw_pack *p, size_t *n);
/** The value of assumption @p id, or @p fallback when the pack does not have it. */
double bw_pack_effects_assumption(const bw_pack *p, const char *id, double fallback);

#ifdef __cplusplus
}
#endif
#endif
