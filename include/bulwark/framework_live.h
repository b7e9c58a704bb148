/*
 * framework_live.h — the computed indicators of the framework assessment: figures
 * derived from the live register and shown beside the assessor's answers.
 *
 * What each computes (the ids of bw_fw_computed_ids; the pack maps each onto the
 * indicator it informs):
 *   designated-assessed      designated sites of the latest designation run that appear in
 *                            the latest risk-assessment run / designated sites
 *   threats-unmeasured       threat types no measure in place (not planned) at any site acts
 *                            on (bw_measure_acts_on) / threat types of the pack
 *   sites-no-contact         sites with no operator, or whose operator has no 24/7 contact
 *                            phone (org contact_phone) / all sites
 *   soft-plan-<p>            soft-target sites (category of kind BW_CLASS_CATEGORY) with
 *                            measure plan-<p> in place / soft-target sites
 *   warnings-acknowledged    acknowledgements that came within their warning's deadline /
 *                            acknowledgements owed (bw_store_ack_stats)
 * A figure is unavailable (available 0, with the reason in note) when what it needs
 * does not exist yet: no designation run, no assessment run, no sites.
 *
 * Each also returns the ids behind its exposure (all kept; output shows the first
 * BW_FW_IDS_SHOWN and "and K more").
 *
 * Ownership: results and their strings live in the arena @p a. Thread-safety: one call
 * per store handle at a time.
 */
#ifndef BW_FRAMEWORK_LIVE_H
#define BW_FRAMEWORK_LIVE_H

#include "framework.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/* struct bw_fw_computed (one computed indicator's value) is declared in framework.h. */

/**
 * Computes every computed indicator of @p p's framework part on the register in @p s,
 * in pack order, into *out[0..*n) (in @p a). BW_OK, or a store error with @p d filled.
 */
int bw_framework_computed(bw_store *s, const bw_pack *p, struct bw_arena *a,
                          struct bw_fw_computed **out, size_t *n, struct bw_diag *d);

/** A framework assessment with its current answers, computed indicators and findings. */
struct bw_fw_state {
    struct bw_fw_assessment fw;         /**< the assessment (store.h) */
    int *level;                         /**< per indicator (pack order): level, -1 none */
    struct bw_fw_computed *computed;    /**< the computed indicators, pack order */
    size_t ncomputed;
    struct bw_fw_finding *findings;     /**< bw_fw_findings of the above */
    size_t nfindings;
};

/**
 * Loads the assessment of cycle @p cycle (NULL = the latest opened) from @p s: the
 * current answer of each indicator (answers to indicators the pack no longer has are
 * ignored), the computed indicators on the live register and the findings of both.
 * Everything lives in @p a. BW_OK; BW_ENOTFOUND (field "cycle") when there is no such
 * assessment; a store error or BW_ENOMEM, with @p d filled.
 */
int bw_framework_state_load(bw_store *s, const bw_pack *p, const char *cycle,
                            struct bw_arena *a, struct bw_fw_state *out, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
