/*
 * pack.h — the methodology pack: the State's taxonomy and designation criteria.
 *
 * A pack is a directory (packs/default/) of JSON files, every entry with its source.
 * bw_pack_read_dir() bundles them into one canonical JSON document, which `bulwark
 * init` stores in the database so every later run uses exactly the pack it was
 * initialised with (its version and a 64-bit FNV-1a hash of the bundle are recorded with results).
 * bw_pack_parse() builds the in-memory, read-only view used for validation and lookup.
 *
 * Thread-safety: a parsed pack is immutable and may be shared between threads.
 * Ownership: bw_pack_parse returns a new pack the caller frees with bw_pack_free.
 */
#ifndef BW_PACK_H
#define BW_PACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;
typedef struct bw_pack bw_pack;

/** What a taxonomy entry classifies. */
enum bw_class_kind {
    BW_CLASS_SECTOR = 1,    /**< a critical-infrastructure sector */
    BW_CLASS_SUBSECTOR = 2, /**< a subsector of a sector */
    BW_CLASS_CATEGORY = 3   /**< a soft-target category */
};

/** A taxonomy entry (borrowed from the pack). */
struct bw_class {
    const char *id;
    const char *name;
    const char *source;
    const char *sector;   /**< sector id for subsectors; linked sector (or NULL) for categories */
    enum bw_class_kind kind;
};

/** A service, an organisation type or a phase (borrowed from the pack). */
struct bw_term {
    const char *id;
    const char *name;
    const char *source;
};

/** A capacity tier, highest first (e.g. enhanced ≥ 800, standard ≥ 200). */
struct bw_tier {
    const char *id;
    const char *name;
    int64_t min_capacity;
    const char *source;
};

/** A tier cap: sites of these categories never exceed max_tier (e.g. places of worship). */
struct bw_tier_cap {
    const char *const *categories;
    size_t ncategories;
    const char *max_tier;
    const char *source;
};

/** What a CI designation criterion measures. */
enum bw_criterion_measure {
    BW_MEASURE_POPULATION = 1, /**< population served by the site */
    BW_MEASURE_DEPENDANTS = 2, /**< number of sites depending on it for a service */
    BW_MEASURE_REACH_KM = 3,   /**< distance to its farthest dependant, km */
    BW_MEASURE_CAPACITY = 4    /**< people present at once */
};

/** A critical-infrastructure significance criterion (CER Art. 7(1)) with its threshold. */
struct bw_criterion {
    const char *id;
    const char *name;
    enum bw_criterion_measure measure;
    double min;
    const char *source;
};

/**
 * Reads @p dir/pack.json and the files it names, checks them and writes the bundled
 * canonical document to *out (caller frees with bw_free). Errors name the file and
 * entry in @p d.
 */
int bw_pack_read_dir(const char *dir, struct bw_diag *d, char **out);

/** Parses a bundled document (from bw_pack_read_dir or the database). */
int bw_pack_parse(const char *json, size_t n, struct bw_diag *d, bw_pack **out);

/** Frees a pack. Accepts NULL. */
void bw_pack_free(bw_pack *p);

const char *bw_pack_id(const bw_pack *p);
const char *bw_pack_version(const bw_pack *p);
/** A 64-bit FNV-1a hash of the bundled document, as 16 hex digits. */
const char *bw_pack_hash(const bw_pack *p);

/** The taxonomy entry with this id, or NULL. */
const struct bw_class *bw_pack_class(const bw_pack *p, const char *id, size_t n);
/** All taxonomy entries, in pack order. */
const struct bw_class *bw_pack_classes(const bw_pack *p, size_t *n);
/** True when class @p c is, or belongs to, or is linked to, sector @p sector. */
int bw_pack_class_in_sector(const bw_pack *p, const struct bw_class *c, const char *sector);

const struct bw_term *bw_pack_services(const bw_pack *p, size_t *n);
const struct bw_term *bw_pack_org_types(const bw_pack *p, size_t *n);
const struct bw_term *bw_pack_phases(const bw_pack *p, size_t *n);
/** The term with this id in a list, or NULL. */
const struct bw_term *bw_pack_term(const struct bw_term *list, size_t n, const char *id,
                                   size_t idn);

const struct bw_tier *bw_pack_tiers(const bw_pack *p, size_t *n);
const struct bw_tier_cap *bw_pack_tier_caps(const bw_pack *p, size_t *n);
const struct bw_criterion *bw_pack_criteria(const bw_pack *p, size_t *n);
/** The designation criteria's own version string. */
const char *bw_pack_criteria_version(const bw_pack *p);

/* ---- restoration (timed cascades) -------------------------------------------------- */

/** True when @p attack is one of the pack's attack types. */
int bw_pack_attack_known(const bw_pack *p, const char *attack);
/**
 * The restoration-time distribution (log-normal: median hours, sigma) of a site of
 * @p category hit by @p attack: the first matching rule (class or its sector, attack or
 * "*"), else the pack's default, else 24 h and 0.8.
 */
void bw_pack_restoration(const bw_pack *p, const char *category, const char *attack,
                         double *median_h, double *sigma);
/** True when sites of @p category (or its sector) provide a critical service. */
int bw_pack_critical_category(const bw_pack *p, const char *category);

#ifdef __cplusplus
}
#endif
#endif
