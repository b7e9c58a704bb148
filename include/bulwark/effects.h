/*
 * effects.h — physical-effects models: air blast, crowd exposure, vehicle ramming,
 * firearms and unmanned aircraft (docs/methodology.md, "Physical effects").
 *
 * Air blast is the Kingery–Bulmash fit for a hemispherical surface burst of TNT, with
 * the metric coefficients of Swisdak (1994): Y = exp(A + B·L + … + G·L⁶), L = ln Z,
 * Z = R / W^(1/3). Each output has its own piecewise fit and its own range of Z; a
 * value is computed only inside that range, never extrapolated (BW_ERANGE otherwise).
 * The other models are short documented formulas over their inputs; every number they
 * need that is not an input is a constant below with its source.
 *
 * Ownership: nothing is allocated; results go to caller-provided structs and doubles.
 * Thread-safety: every function is pure (no state, no allocation); thread-safe.
 * Errors: BW_EINVAL for NaN, infinite, zero or negative inputs where positive ones are
 * required; BW_ERANGE when an answer would need a fit outside its range. On error the
 * out-parameters are left as documented per function (blast results: flagged outputs).
 */
#ifndef BW_EFFECTS_H
#define BW_EFFECTS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- air blast (Kingery–Bulmash, Swisdak 1994) ---------------------------------- */

/** The outputs of the blast fit. */
enum bw_blast_output {
    BW_BLAST_P_INC = 0,   /**< incident (side-on) peak overpressure, kPa */
    BW_BLAST_P_REF = 1,   /**< normally reflected peak overpressure, kPa */
    BW_BLAST_I_INC = 2,   /**< incident positive-phase impulse, kPa·ms */
    BW_BLAST_I_REF = 3,   /**< reflected positive-phase impulse, kPa·ms */
    BW_BLAST_T_ARR = 4,   /**< time of arrival of the shock front, ms */
    BW_BLAST_T_POS = 5,   /**< positive-phase duration, ms */
    BW_BLAST_U_SHOCK = 6, /**< shock-front velocity, m/s */
    BW_BLAST_NOUT = 7
};

/** Bit of output @p o in a request mask. */
#define BW_BLAST_BIT(o) (1u << (o))
/** Request mask: every output. */
#define BW_BLAST_ALL ((1u << BW_BLAST_NOUT) - 1u)

/**
 * The blast at one distance. value[o] is valid only when in_range[o] is 1; otherwise
 * it is 0 (the scaled distance is outside that output's fit).
 */
struct bw_blast {
    double tnt_kg;                   /**< charge, kg TNT equivalent */
    double range_m;                  /**< distance from the charge, m */
    double z;                        /**< scaled distance R / W^(1/3), m/kg^(1/3) */
    double value[BW_BLAST_NOUT];     /**< outputs in the units of enum bw_blast_output */
    int in_range[BW_BLAST_NOUT];     /**< 1 when Z lies inside that output's fit range */
};

/** Short stable name of output @p o ("p_inc_kpa", "i_ref_kpa_ms", ...), or "?". */
const char *bw_blast_output_name(enum bw_blast_output o);

/**
 * The fit's validity range in Z (m/kg^(1/3)) for output @p o: the union of its pieces,
 * e.g. 0.2–198.5 for the incident overpressure. BW_EINVAL for an unknown output.
 */
int bw_blast_fit_range(enum bw_blast_output o, double *z_min, double *z_max);

/**
 * Output @p o of the fit at scaled distance @p z, per unit charge (the "scaled" outputs
 * — times and impulses — are per kg^(1/3): multiply by W^(1/3)). Where two pieces meet,
 * the piece below the boundary is used. BW_EINVAL for NaN or z ≤ 0; BW_ERANGE outside
 * the fit range (*out is then 0).
 */
int bw_blast_scaled(enum bw_blast_output o, double z, double *out);

/**
 * The blast of @p tnt_kg kg TNT at @p range_m metres (hemispherical surface burst).
 * Fills every output that is in range and flags the others. Returns BW_OK when every
 * output requested in @p want (a mask of BW_BLAST_BIT, or BW_BLAST_ALL) is in range,
 * BW_ERANGE when one of them is not (the struct is still filled), BW_EINVAL when W or R
 * is NaN, infinite or ≤ 0 (the struct is then zeroed).
 */
int bw_blast_compute(double tnt_kg, double range_m, unsigned want, struct bw_blast *out);

/** Convenience: the incident overpressure (kPa) of @p tnt_kg at @p range_m. */
int bw_blast_incident_kpa(double tnt_kg, double range_m, double *kpa);

/**
 * Inverse: the distance (m) at which the incident overpressure of @p tnt_kg falls to
 * @p kpa. The fit is strictly decreasing in Z over its whole range (tested), so the
 * answer is unique; it is found by bisection on ln Z to a relative 1e-12. BW_ERANGE
 * when @p kpa is above the fit's value at its smallest Z or below its value at its
 * largest (the threshold is not reached inside the range; *range_m is then 0).
 * BW_EINVAL for NaN or non-positive inputs.
 */
int bw_blast_range_for_incident(double tnt_kg, double kpa, double *range_m);

/* Human primary-blast thresholds, incident overpressure in kPa (methodology.md §2.4;
 * 1 psi = 6.894757 kPa). */
#define BW_PSI_KPA 6.894757
/** Eardrum injury threshold, 5 psi (REMM/HHS "How blast injuries cause trauma"). */
#define BW_BLAST_EARDRUM_KPA 34.5
/** Lung injury threshold, 15 psi (REMM/HHS). */
#define BW_BLAST_LUNG_KPA 103.0
/** Fatal, LD50, 50 psi (REMM/HHS). */
#define BW_BLAST_LD50_KPA 345.0
/** About 1 % fatalities: 35–45 psi (overpressure article copies cited in §2.4). */
#define BW_BLAST_FATAL1_LOW_KPA (35.0 * BW_PSI_KPA)
#define BW_BLAST_FATAL1_HIGH_KPA (45.0 * BW_PSI_KPA)
/** About 99 % fatalities: 55–65 psi (same copies). */
#define BW_BLAST_FATAL99_LOW_KPA (55.0 * BW_PSI_KPA)
#define BW_BLAST_FATAL99_HIGH_KPA (65.0 * BW_PSI_KPA)

/** One radius of bw_blast_human_radii: valid when rc is BW_OK. */
struct bw_blast_radius {
    double kpa;      /**< the threshold */
    double range_m;  /**< distance at which the incident overpressure falls to it */
    int rc;          /**< BW_OK, or BW_ERANGE when the threshold is outside the fit */
};

/** The radii of the §2.4 human thresholds for one charge. Bands give two radii each:
 *  the far one (the band's lower pressure) and the near one (its higher pressure). */
struct bw_blast_human {
    struct bw_blast_radius eardrum;     /**< BW_BLAST_EARDRUM_KPA */
    struct bw_blast_radius lung;        /**< BW_BLAST_LUNG_KPA */
    struct bw_blast_radius ld50;        /**< BW_BLAST_LD50_KPA */
    struct bw_blast_radius fatal1_far;  /**< BW_BLAST_FATAL1_LOW_KPA */
    struct bw_blast_radius fatal1_near; /**< BW_BLAST_FATAL1_HIGH_KPA */
    struct bw_blast_radius fatal99_far; /**< BW_BLAST_FATAL99_LOW_KPA */
    struct bw_blast_radius fatal99_near;/**< BW_BLAST_FATAL99_HIGH_KPA */
};

/** Fills @p out for @p tnt_kg kg TNT. BW_EINVAL for a bad charge; otherwise BW_OK (each
 *  radius carries its own rc). */
int bw_blast_human_radii(double tnt_kg, struct bw_blast_human *out);

/**
 * The radius for each of @p n thresholds @p kpa[i] (e.g. the Clancey levels of the
 * pack): radii[i].rc is BW_OK or BW_ERANGE. BW_EINVAL for a bad charge or a threshold
 * that is NaN or ≤ 0 (then nothing is promised about @p radii).
 */
int bw_blast_radii(double tnt_kg, const double *kpa, size_t n, struct bw_blast_radius *radii);

/* ---- crowds (Fruin level of service, methodology.md §2.6) ------------------------ */

/**
 * People present = capacity × occupancy. @p capacity ≥ 0, @p occupancy in 0..1.
 * BW_EINVAL otherwise (NaN included).
 */
int bw_crowd_present(double capacity, double occupancy, double *people);

/**
 * Fruin's walkway level of service of a density (persons/m²): 'A'..'F', or 0 for a
 * negative or NaN density. Boundaries are Fruin's areas per person in ft² (35, 25, 15,
 * 10, 5; 1 ft² = 0.09290304 m²), the better level taking an exact boundary.
 */
char bw_fruin_los(double density);

/**
 * People within @p radius_m of a point in a crowd of @p density persons/m²:
 * density × min(π r², footprint). @p footprint_m2 is the site's area (0 = unknown, no
 * clipping). BW_EINVAL for NaN or negative inputs.
 */
int bw_crowd_in_radius(double density, double radius_m, double footprint_m2, double *people);

/* ---- vehicle ramming (methodology.md §2.5, [P] barrier selection) ---------------- */

/** Kinetic energy ½mv² in joules of @p mass_kg at @p speed_kmh. NaN for bad input. */
double bw_kinetic_energy_j(double mass_kg, double speed_kmh);

/** A barrier's crash rating (ASTM F2656 / IWA 14-1 / PAS 68): test vehicle and result. */
struct bw_barrier_rating {
    double mass_kg;       /**< test vehicle mass, kg */
    double speed_kmh;     /**< impact speed, km/h */
    double penetration_m; /**< maximum penetration (dynamic), m */
};

/** The verdict of bw_ramming_check, with each condition. */
struct bw_ramming {
    double threat_energy_j; /**< ½ m v² of the threat vehicle */
    double rating_energy_j; /**< ½ m v² of the barrier's test */
    int energy_ok;          /**< rating energy ≥ threat energy */
    int mass_ok;            /**< rating mass ≥ threat mass */
    int penetration_ok;     /**< rated penetration ≤ available stand-off */
    int stopped;            /**< all three: the barrier stops the vehicle in time */
};

/**
 * Whether barrier @p b stops a threat vehicle of @p mass_kg at @p speed_kmh before it
 * reaches what lies @p standoff_m behind the barrier. The rule (docs/methodology.md):
 * stopped ⇔ E_rating ≥ E_threat ∧ m_rating ≥ m_threat ∧ penetration ≤ stand-off.
 * The mass condition keeps a light high-speed rating from being credited against a
 * heavier vehicle of equal energy (more momentum, a stiffer front). BW_EINVAL for NaN,
 * non-positive masses or speeds, or negative penetration or stand-off.
 */
int bw_ramming_check(const struct bw_barrier_rating *b, double mass_kg, double speed_kmh,
                     double standoff_m, struct bw_ramming *out);

/**
 * People exposed along a vehicle's approach that is not stopped: density × length ×
 * width (persons/m², m, m). BW_EINVAL for NaN or negative inputs.
 */
int bw_ramming_exposed(double density, double length_m, double width_m, double *people);

/* ---- firearms: time to armed response -------------------------------------------- */

/** The response model's assumptions (docs/methodology.md; no published figure). */
struct bw_response_model {
    double dispatch_min; /**< alert to departure, minutes */
    double speed_kmh;    /**< mean travel speed on the road, km/h */
    double road_factor;  /**< road distance / straight-line distance, ≥ 1 */
};

/**
 * Minutes from alert to arrival of an armed response whose nearest base is
 * @p distance_m away in a straight line: dispatch + distance × road_factor / speed.
 * BW_EINVAL for NaN, negative distance or dispatch, speed ≤ 0 or road_factor < 1.
 */
int bw_response_time_min(double distance_m, const struct bw_response_model *m,
                         double *minutes);

/**
 * People harmed in an uncontained firearms attack: min(people present, rate × minutes)
 * with @p rate_per_min the casualties per minute of uncontained attack (an assumption
 * of the pack) and @p minutes the time until the attack is contained. BW_EINVAL for NaN
 * or negative inputs.
 */
int bw_firearms_exposed(double people_present, double rate_per_min, double minutes,
                        double *people);

/* ---- unmanned aircraft (methodology.md §2.7) -------------------------------------- */

/** Link budget of the RF detection range model (CRFS 2021): EIRP and sensitivity. */
#define BW_UAS_EIRP_DBM 19.0
#define BW_UAS_SENSITIVITY_DBM (-100.0)

/**
 * Free-space (Friis) range in metres at which a receiver of @p sensitivity_dbm with
 * @p rx_gain_dbi hears an emitter of @p eirp_dbm at @p freq_mhz, less @p margin_db of
 * terrain/clutter loss: 20·log10(d_km) + 20·log10(f_MHz) + 32.44 = allowed path loss.
 * 8.7 km at 2,440 MHz with 19 dBm, −100 dBm, 0 dBi, 0 dB. BW_EINVAL for NaN, a
 * frequency ≤ 0 or a negative margin.
 */
int bw_rf_detection_range_m(double eirp_dbm, double sensitivity_dbm, double rx_gain_dbi,
                            double margin_db, double freq_mhz, double *range_m);

/**
 * Warning time in seconds: (detection range − stand-off) / speed, 0 when the drone is
 * first detected inside the stand-off. BW_EINVAL for NaN, negative ranges or speed ≤ 0.
 */
int bw_uas_warning_s(double detection_range_m, double standoff_m, double speed_ms,
                     double *seconds);

/**
 * 1 when a drone with @p uas_range_m of range (one-way flight distance) launched
 * @p launch_distance_m away reaches the site, 0 when not, BW_EINVAL for NaN or
 * negative inputs.
 */
int bw_uas_reaches(double launch_distance_m, double uas_range_m);

#ifdef __cplusplus
}
#endif
#endif
