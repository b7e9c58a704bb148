/*
 * measure.h — the protective-measures catalogue (good practice) and the measures in
 * place or planned at a site.
 *
 * The catalogue is pack data (packs/default/measures.json, pack part "measures",
 * parsed after "threats"). Each measure names the threat types or families it acts on,
 * its effect — a fractional reduction of an attack's probability of success when the
 * measure is in place at quality 1 ("effectiveness", 0..1, a documented assumption) —
 * and, where there is one, the physical parameter the effects models use: stand-off
 * distance, hostile-vehicle barrier rating, counter-UAS detection range. It carries an
 * order-of-magnitude cost (capital and yearly), a human-rights/privacy review flag, and
 * the categories and tiers it is recommended for.
 *
 * Ownership: everything returned by bw_pack_* is borrowed from the pack and lives as
 * long as it. Thread-safety: pure functions over an immutable pack; thread-safe.
 */
#ifndef BW_MEASURE_H
#define BW_MEASURE_H

#include "pack.h"
#include "threat.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The measure kinds (closed set), e.g. "barrier", "standoff", "screening". */
extern const char *const bw_measure_kinds[];
extern const size_t bw_measure_nkinds;
/** True when @p kind is one of bw_measure_kinds. */
int bw_measure_kind_known(const char *kind);

/** A catalogue entry, borrowed from the pack. Physical parameters are 0 when n/a. */
struct bw_measure {
    const char *id;
    const char *name;
    const char *kind;   /**< one of bw_measure_kinds */
    const char *source;
    const char *const *threats; /**< threat type ids or family names it acts on */
    size_t nthreats;
    double effectiveness;         /**< reduction of P(success) at quality 1, 0..1 */
    const char *effect_note;      /**< the reasoning behind effectiveness (assumption) */
    double standoff_m;            /**< stand-off distance it enforces, m */
    const char *barrier_standard; /**< "ASTM F2656" or "IWA 14-1", or NULL (not a barrier) */
    const char *barrier_rating;   /**< the rating string, e.g. "M50/P1", or NULL */
    double barrier_mass_kg;       /**< barrier rating: test vehicle mass, kg */
    double barrier_speed_kmh;     /**< barrier rating: impact speed, km/h */
    double barrier_penetration_m; /**< barrier rating: maximum penetration, m */
    const char *sensor;           /**< counter-UAS sensor type (e.g. "rf"), or NULL */
    double detection_range_m;     /**< counter-UAS detection range, m */
    double cost_capital;          /**< one-off cost, in currency */
    double cost_yearly;           /**< running cost per year, in currency */
    const char *currency;         /**< ISO 4217, e.g. "EUR" */
    const char *cost_note;        /**< the basis of the cost figures (assumption) */
    int privacy_review;           /**< 1: intrudes on privacy / human rights; review first */
    const char *privacy_note;     /**< why, or NULL */
    const char *const *recommended_for; /**< taxonomy class ids and/or tier ids */
    size_t nrecommended;
};

/** The catalogue, in pack order (NULL and *n = 0 when the pack has none). */
const struct bw_measure *bw_pack_measures(const bw_pack *p, size_t *n);
/** The measure with this id, or NULL. */
const struct bw_measure *bw_pack_measure(const bw_pack *p, const char *id);

/** True when measure @p m acts on threat @p t (by its id or its family). */
int bw_measure_acts_on(const bw_pack *p, const struct bw_measure *m, const struct bw_threat *t);

/**
 * True when @p m is recommended for a site of class @p class_id (a taxonomy id) at
 * capacity tier @p tier (a tier id, or NULL when the site has none). A recommendation
 * for a class covers the class itself and, for a sector, its subsectors and linked
 * categories (bw_pack_class_in_sector). A recommendation for a tier covers that tier and
 * every higher one (an enhanced-duty site owes the standard duties too).
 */
int bw_measure_recommended(const bw_pack *p, const struct bw_measure *m, const char *class_id,
                           const char *tier);

/** A measure in place (or planned) at a site. Strings are borrowed. */
struct bw_site_measure {
    const char *site;    /**< site id */
    const char *measure; /**< a catalogue id */
    double quality;      /**< 0..1: how well it is implemented (1 = as the catalogue assumes) */
    int planned;         /**< 1: planned, not yet in place (no effect until in place) */
    const char *date;    /**< in place (or planned) since, YYYY-MM-DD, or NULL */
    const char *note;    /**< free text, or NULL */
};

/**
 * Checks @p m: non-empty site, known measure, quality in [0, 1], date valid when given.
 * Fills @p d (field "site", "measure", "quality" or "date") and returns BW_EINVAL,
 * BW_ERANGE or BW_EREF. Whether the site exists is the store's check (BW_EREF).
 */
int bw_site_measure_check(const bw_pack *p, const struct bw_site_measure *m,
                          struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
