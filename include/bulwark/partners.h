/*
 * partners.h — technical-assistance partners (pack part "partners",
 * packs/default/partners.json) and the matching of a State's technical-assistance needs
 * to the programmes that offer them.
 *
 * A partner (a UN entity, INTERPOL, the OSCE, an EU-funded project, a bilateral donor)
 * runs programmes; each programme offers technical-assistance areas — the exact
 * vocabulary of the framework questionnaire's "ta_area" values (framework.h), checked
 * when the pack is parsed — through modalities (training, mentoring, equipment, ...)
 * for the regions it serves ("global" = any State) under a stated eligibility.
 *
 * Matching (bw_ta_match) is a pure function of the findings and the pack. For each
 * technical-assistance need (a BW_FW_TA_NEED finding) it lists every programme offering
 * the need's area and eligible for the State's region, ranked by:
 *   1. primary before secondary: the need's area is the programme's first-listed area
 *      (its main line of work) rather than one of its further areas;
 *   2. coverage: more of the State's distinct TA areas in need offered by the same
 *      programme first (one partner for several needs means less coordination);
 *   3. pack order of the programmes (a stable, documented tie-break).
 * docs/plan.md states the rule and its sources.
 *
 * Ownership: everything returned by bw_pack_ta_* is borrowed from the pack and lives as
 * long as it; bw_ta_match returns an array the caller frees with bw_free, whose pointers
 * borrow from the pack and from the findings given. Thread-safety: pure functions over an
 * immutable pack; thread-safe.
 */
#ifndef BW_PARTNERS_H
#define BW_PARTNERS_H

#include "framework.h"
#include "pack.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The modalities a programme may list (closed vocabulary). */
extern const char *const bw_ta_modalities[];
extern const size_t bw_ta_nmodalities;

/** A programme, borrowed from the pack. */
struct bw_ta_programme {
    const char *id;           /**< unique across the pack, e.g. "unoct-vulnerable-targets" */
    const char *name;
    const char *partner;      /**< its partner's id */
    size_t partner_index;     /**< index in bw_pack_ta_partners */
    const char *const *areas; /**< TA areas offered, the first one primary */
    size_t nareas;
    const char *const *modalities; /**< from bw_ta_modalities */
    size_t nmodalities;
    const char *const *regions; /**< regions served; "global" = any State */
    size_t nregions;
    const char *eligibility;  /**< who may ask, in words */
    const char *source;       /**< where it is described; "illustrative" when made up */
};

/** A partner: its programmes are programmes[first .. first + n). */
struct bw_ta_partner {
    const char *id, *name;
    const char *kind; /**< "un", "international-organisation", "regional-organisation",
                           "eu", "bilateral", "ngo" */
    const char *source;
    size_t first, n;
};

/** The partners in pack order (NULL and *n = 0 when the pack has no partners part). */
const struct bw_ta_partner *bw_pack_ta_partners(const bw_pack *p, size_t *n);
/** All programmes in pack order (grouped by partner). */
const struct bw_ta_programme *bw_pack_ta_programmes(const bw_pack *p, size_t *n);
/** The programme with id @p id, or NULL. */
const struct bw_ta_programme *bw_pack_ta_programme(const bw_pack *p, const char *id);

/** One programme matched to one TA need. */
struct bw_ta_match {
    const struct bw_fw_finding *need;     /**< the BW_FW_TA_NEED finding (its text is the area) */
    const struct bw_ta_programme *prog;
    size_t rank;      /**< 1.. within the need */
    int primary;      /**< 1: the area is the programme's first-listed area */
    size_t covers;    /**< distinct TA areas in need the programme offers */
    size_t in_need;   /**< distinct TA areas in need in all */
};

/**
 * Matches the TA needs among @p f[0..nf) (other kinds are skipped) to the programmes of
 * @p p that offer their area and serve @p region ("global" programmes serve every
 * region; NULL = any region), ranked as stated at the top of this header. *out is a new
 * array (bw_free) of *n matches, grouped by need in the findings' order, rank ascending
 * within a need; a need no programme offers has no entry. BW_OK or BW_ENOMEM.
 */
int bw_ta_match(const bw_pack *p, const struct bw_fw_finding *f, size_t nf, const char *region,
                struct bw_ta_match **out, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
