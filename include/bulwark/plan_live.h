/*
 * plan_live.h — generating the national action plan from what the program knows: the
 * findings of a framework assessment (framework_live.h) and a saved risk-reduction
 * portfolio (store.h, bw_store_portfolio_run).
 *
 * The rule (docs/plan.md):
 *   - from the findings of cycle C: one objective per framework area that has a gap or a
 *     vulnerability from the register; one action per indicator with a recommendation
 *     (every gap has one) or a vulnerability from the register, in the findings' order.
 *     The action's title is the indicator's recommendation, its indicator that
 *     indicator, its sites the sites behind the indicator's computed figures (at most
 *     BW_PLAN_LIST_MAX; the rest are counted in the note), its priority the finding's,
 *     its due date today + 180 days (high) or + 365 days (medium), and its note names the
 *     TA area and the threat types behind it. Origin "framework:C".
 *   - from portfolio run R: one objective for the run; one action per measure chosen,
 *     with the sites it goes to (those still in the register), its capital and yearly
 *     cost summed over them, due today + 365 days. Origin "portfolio:R".
 * A source already generated (same origin) is skipped, so generating twice adds nothing.
 * Everything is written in one transaction: all or nothing. Leads are left empty for the
 * plan's owner to assign (`plan action update ID --lead ORG`).
 *
 * Ownership: strings of the result live in @p a. Thread-safety: one call per store handle.
 */
#ifndef BW_PLAN_LIVE_H
#define BW_PLAN_LIVE_H

#include "pack.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/** What to generate from. */
struct bw_plan_gen_opts {
    const char *cycle;   /**< framework cycle, NULL = the latest; ignored when !framework */
    int framework;       /**< 1: generate from the findings */
    int64_t portfolio;   /**< portfolio run id, 0 = the latest, -1 = none */
    const char *today;   /**< YYYY-MM-DD: creation date and base of the due dates */
    const char *who;     /**< recorded in the history, or NULL */
};

/** What was generated. */
struct bw_plan_gen_result {
    const char *cycle;        /**< the cycle used, or NULL */
    int64_t portfolio;        /**< the portfolio run used, 0 when none */
    int framework_skipped;    /**< 1: that cycle was generated before */
    int portfolio_skipped;    /**< 1: that run was generated before */
    int no_assessment;        /**< 1: no framework assessment exists (nothing from findings) */
    int no_portfolio;         /**< 1: no portfolio exists (latest asked) */
    size_t objectives, actions; /**< created */
    size_t sites_gone;        /**< portfolio sites no longer in the register, left out */
};

/**
 * Generates objectives and actions as stated above. BW_OK; BW_ENOTFOUND when an
 * explicitly named cycle (field "cycle") or portfolio run (field "portfolio") does not
 * exist; a store error or BW_ENOMEM, with @p d filled and nothing written.
 */
int bw_plan_generate(bw_store *s, const bw_pack *p, const struct bw_plan_gen_opts *o,
                     struct bw_arena *a, struct bw_plan_gen_result *r, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
