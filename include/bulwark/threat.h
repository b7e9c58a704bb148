/*
 * threat.h — the threat picture: threat types (modus operandi), the national
 * threat-level scale and the levels set by the authority.
 *
 * Threat types and the scale are pack data (packs/default/threats.json, pack part
 * "threats"); every entry carries its source. A threat type belongs to one family
 * (ied, vbied, firearms, ramming, edged, arson, uas, cbrn, insider, cyber-physical),
 * names the restoration attack type of the pack it maps to (restoration.json
 * "attack_types", used by the timed cascade) and the Global Terrorism Database attack
 * and weapon codes it covers. Physical parameters are 0 when not applicable.
 *
 * The levels in force are data of the authority, stored with their history (store.h):
 * struct bw_threat_level is one entry; bw_threat_level_resolve() picks the one that
 * applies to a threat, a region and a taxonomy class on a date.
 *
 * Ownership: everything returned by bw_pack_* is borrowed from the pack and lives as
 * long as it. Thread-safety: pure functions over an immutable pack; thread-safe.
 */
#ifndef BW_THREAT_H
#define BW_THREAT_H

#include "pack.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The threat families, in the order the pack lists them (closed set). */
extern const char *const bw_threat_families[];
extern const size_t bw_threat_nfamilies;
/** True when @p family is one of bw_threat_families. */
int bw_threat_family_known(const char *family);

/** A threat type (modus operandi), borrowed from the pack. */
struct bw_threat {
    const char *id;
    const char *name;
    const char *family;             /**< one of bw_threat_families */
    const char *restoration_attack; /**< an attack type id of the pack's restoration part */
    const char *source;
    const char *note;               /**< assumptions behind the parameters, or NULL */
    double tnt_kg;        /**< explosive capacity, kg TNT equivalent (NCTC 2014) */
    double vehicle_kg;    /**< vehicle mass, kg (VBIED and ramming) */
    double speed_kmh;     /**< typical impact speed, km/h (ramming; an assumption) */
    double uas_mass_g;    /**< UAS take-off mass, g */
    double uas_speed_ms;  /**< UAS maximum horizontal speed, m/s */
    double uas_range_km;  /**< UAS range (flight distance / C2 link), km */
    double uas_payload_g; /**< UAS payload that can be carried, g */
    const int *gtd_attacktypes; /**< GTD attacktype codes (1..9) this threat covers */
    size_t ngtd_attacktypes;
    const int *gtd_weaptypes;   /**< GTD weaptype codes (1..13) this threat covers */
    size_t ngtd_weaptypes;
};

/** All threat types, in pack order (NULL and *n = 0 when the pack has none). */
const struct bw_threat *bw_pack_threats(const bw_pack *p, size_t *n);
/** The threat type with this id, or NULL. */
const struct bw_threat *bw_pack_threat(const bw_pack *p, const char *id);
/** The index of threat @p id in bw_pack_threats order, or (size_t)-1. */
size_t bw_pack_threat_index(const bw_pack *p, const char *id);

/** One level of the national threat-level scale, borrowed from the pack. */
struct bw_threat_level_def {
    const char *id;      /**< e.g. "SUBSTANTIAL" */
    const char *name;    /**< e.g. "Substantial" */
    const char *meaning; /**< e.g. "an attack is likely" */
    const char *source;
    int rank;            /**< 1 (lowest) .. N (highest), the scale's order */
};

/** The scale, lowest first (rank i+1 at index i). */
const struct bw_threat_level_def *bw_pack_threat_levels(const bw_pack *p, size_t *n);
/** The level with this id (exact match), or NULL. */
const struct bw_threat_level_def *bw_pack_threat_level(const bw_pack *p, const char *id);
/** The level of rank @p rank, or NULL when out of 1..N. */
const struct bw_threat_level_def *bw_pack_threat_level_rank(const bw_pack *p, int rank);
/** The rank that applies when no level is set (the pack's "default"; 0 without a scale). */
int bw_pack_threat_level_default(const bw_pack *p);
/**
 * The rank at or above which a threat counts for `bulwark gaps` (the pack's
 * "gap_threshold", which defaults to the default level).
 */
int bw_pack_threat_level_gap_threshold(const bw_pack *p);

/** The GTD target type @p code mapped onto the pack's taxonomy classes. */
struct bw_gtd_target {
    int code;                   /**< GTD targtype (1..22) */
    const char *name;           /**< GTD's own name, e.g. "Religious Figures/Institutions" */
    const char *const *classes; /**< taxonomy class ids (may be empty: not mapped) */
    size_t nclasses;
    const char *source;
};

/** The GTD target-type mapping, in pack order. */
const struct bw_gtd_target *bw_pack_gtd_targets(const bw_pack *p, size_t *n);
/**
 * The threat types covering GTD codes (@p attacktype, @p weaptype): writes up to @p max
 * pointers into @p out and returns how many match (a threat matches when it lists the
 * attack type and, if it lists weapon types, the weapon type; 0 means "any").
 */
size_t bw_pack_threats_for_gtd(const bw_pack *p, int attacktype, int weaptype,
                               const struct bw_threat **out, size_t max);

/* ---- levels set by the authority -------------------------------------------------- */

/**
 * A threat level as set by the authority (stored; history is never rewritten: an entry
 * is superseded by setting a newer one). Strings are borrowed.
 */
struct bw_threat_level {
    int64_t id;             /**< store id (0 before it is stored) */
    const char *threat;     /**< a threat type id, a family name, or "*" (all) */
    const char *level;      /**< a level id of the pack's scale */
    int rank;               /**< that level's rank (filled by bw_threat_level_check) */
    const char *region;     /**< region (as in struct bw_site), or NULL = any */
    const char *sector;     /**< a taxonomy class id (sector, subsector or category), or
                                 NULL = any; a sector's level applies to its subsectors and
                                 the categories linked to it */
    const char *valid_from; /**< first day in force, ISO YYYY-MM-DD */
    const char *valid_to;   /**< last day in force (inclusive), or NULL = open */
    const char *set_at;     /**< when it was set, ISO 8601 UTC (filled by the store) */
    const char *note;       /**< free text, or NULL */
};

/** True when @p s is a valid calendar date written YYYY-MM-DD. */
int bw_date_valid(const char *s);

/**
 * Checks @p e against @p p: known threat (id, family or "*"), known level (sets e->rank),
 * non-empty region if given, known class if sector given, valid dates with
 * valid_from <= valid_to. Fills @p d (field = "threat", "level", "region", "sector",
 * "valid_from" or "valid_to") and returns BW_EINVAL / BW_EREF on error.
 */
int bw_threat_level_check(const bw_pack *p, struct bw_threat_level *e, struct bw_diag *d);

/**
 * The entry of @p e[0..n) in force for (@p threat, @p region, @p class_id) on @p date,
 * or NULL when none applies.
 *
 * An entry applies when valid_from <= date <= valid_to (open end when NULL), its threat
 * is @p threat, the family of @p threat, or "*"; its region is NULL or equals @p region;
 * its sector is NULL or bw_pack_class_in_sector(class_id, sector) holds. Among those the
 * most specific wins, compared in this order: threat (id 2 > family 1 > "*" 0), then
 * region (set 1 > any 0), then sector (the class itself 2 > its sector 1 > any 0); ties
 * go to the latest set_at, then the highest id. @p region and @p class_id may be NULL
 * (then only entries without region / sector apply); @p date may be NULL (every entry
 * counts as valid). Pure function.
 */
const struct bw_threat_level *bw_threat_level_find(const bw_pack *p,
                                                   const struct bw_threat_level *e, size_t n,
                                                   const char *date, const char *threat,
                                                   const char *region, const char *class_id);

/**
 * The rank in force (see bw_threat_level_find), or the pack default when no entry
 * applies. An entry whose rank is 0 is ranked by its level id. Pure function.
 */
int bw_threat_level_resolve(const bw_pack *p, const struct bw_threat_level *e, size_t n,
                            const char *date, const char *threat, const char *region,
                            const char *class_id);

#ifdef __cplusplus
}
#endif
#endif
