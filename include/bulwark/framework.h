/*
 * framework.h — the national framework assessment: the questionnaire (pack part
 * "framework", packs/default/framework.json) and its scoring.
 *
 * The questionnaire has a maturity scale 0..4 (name and evidence test of each level),
 * areas (A1..A13) each with its indicators (id, text, the clause it is anchored in, a
 * target level) and the computed indicators: figures the program derives from the live
 * register (app/framework.c) and shows beside the indicator each one informs.
 *
 * Scoring is pure: an area's score is the median of the levels of its answered
 * indicators; with an even count it is the LOWER median (the smaller of the two middle
 * levels), so that a score is always a level of the scale and one strong indicator never
 * lifts an area. Indicators without an answer are "not assessed": excluded from the
 * median and counted apart; an area with no answer has no score (-1). A gap is an
 * answered indicator below its target.
 *
 * Ownership: everything returned by bw_pack_fw_* is borrowed from the pack and lives as
 * long as it; answers are the caller's. Thread-safety: pure functions over an immutable
 * pack; thread-safe.
 */
#ifndef BW_FRAMEWORK_H
#define BW_FRAMEWORK_H

#include "pack.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The highest maturity level (the scale is 0..BW_FW_LEVEL_MAX). */
#define BW_FW_LEVEL_MAX 4
/** The target when an indicator sets none and the pack has no "default_target". */
#define BW_FW_TARGET_DEFAULT 3

/** One level of the maturity scale, borrowed from the pack. */
struct bw_fw_level {
    int level;            /**< 0..BW_FW_LEVEL_MAX */
    const char *name;     /**< e.g. "Absent" */
    const char *evidence; /**< the evidence test of the level */
    const char *source;
};

/** An indicator, borrowed from the pack. */
struct bw_fw_indicator {
    const char *id;     /**< e.g. "A8.3" */
    const char *area;   /**< its area's id, e.g. "A8" */
    const char *text;
    const char *anchor; /**< the clause it is anchored in (its source) */
    int target;         /**< target level 0..4 (the pack's default_target when not set) */
    size_t area_index;  /**< index of its area in bw_pack_fw_areas */
    const char *recommendation; /**< what a State below target should do (required) */
    const char *ta_area; /**< technical-assistance area, e.g. "legislative drafting", or NULL */
    int critical;       /**< 1: a level <= 1 here is a vulnerability (pack "critical": true) */
};

/** An area: its indicators are indicators[first .. first + n) of bw_pack_fw_indicators. */
struct bw_fw_area {
    const char *id;   /**< "A1" .. */
    const char *name;
    size_t first, n;
};

/** A computed indicator: a figure from the live register informing one indicator. */
struct bw_fw_computed_def {
    const char *id;        /**< one of bw_fw_computed_ids */
    const char *indicator; /**< the indicator it informs */
    const char *name;      /**< what it measures */
    const char *source;
};

/**
 * One computed indicator's value (filled by bw_framework_computed, framework_live.h;
 * declared here so that the findings below stay a pure function of the model).
 */
struct bw_fw_computed {
    const struct bw_fw_computed_def *def; /**< the pack's entry (id, indicator, name) */
    int available;   /**< 0: cannot be computed yet (see note) */
    int64_t num;     /**< the count measured */
    int64_t den;     /**< out of how many (share = num / den; 0 when none) */
    const char *note; /**< why unavailable, or NULL */
    /** The ids behind the exposure, all of them, in id order (pack order for threat
     *  types): the designated sites missing from the assessment run (designated-assessed),
     *  the threat types no measure acts on (threats-unmeasured), the sites lacking a 24/7
     *  contact (sites-no-contact), the soft-target sites without the plan (soft-plan-*).
     *  NULL and 0 when none or unavailable. */
    const char *const *ids;
    size_t nids;
    int ids_are_sites; /**< 1: ids are site ids; 0: threat-type ids */
};

/** Output shows at most this many of a computed indicator's ids, then "and K more". */
#define BW_FW_IDS_SHOWN 5

/** The computed indicators the program knows how to compute (closed set). */
extern const char *const bw_fw_computed_ids[];
extern const size_t bw_fw_ncomputed_ids;

/** The scale, level 0 first (NULL and *n = 0 when the pack has no framework part). */
const struct bw_fw_level *bw_pack_fw_levels(const bw_pack *p, size_t *n);
/** The areas in pack order. */
const struct bw_fw_area *bw_pack_fw_areas(const bw_pack *p, size_t *n);
/** All indicators in pack order (grouped by area). */
const struct bw_fw_indicator *bw_pack_fw_indicators(const bw_pack *p, size_t *n);
/** The indicator with this id (exact match), or NULL. */
const struct bw_fw_indicator *bw_pack_fw_indicator(const bw_pack *p, const char *id);
/** Index of indicator @p id in bw_pack_fw_indicators order, or (size_t)-1. */
size_t bw_pack_fw_indicator_index(const bw_pack *p, const char *id);
/** The computed indicators of the pack, in pack order. */
const struct bw_fw_computed_def *bw_pack_fw_computed(const bw_pack *p, size_t *n);

/** One answer of an assessment. Strings are borrowed. */
struct bw_fw_answer {
    const char *indicator; /**< an indicator id of the pack */
    int level;             /**< 0..BW_FW_LEVEL_MAX */
    const char *evidence;  /**< evidence text, or NULL */
    const char *files;     /**< evidence file references, ';'-separated, or NULL */
    const char *assessor;  /**< who answered, or NULL */
    const char *date;      /**< YYYY-MM-DD, or NULL (the store then uses today) */
};

/**
 * Checks @p a against @p p: known indicator (BW_EREF, field "indicator"), level 0..4
 * (BW_ERANGE, field "level"), date YYYY-MM-DD when given (field "date"), texts at most
 * BW_TEXT_MAX bytes (fields "evidence", "files", "assessor"). Fills @p d.
 */
int bw_fw_answer_check(const bw_pack *p, const struct bw_fw_answer *a, struct bw_diag *d);

/**
 * The lower median of @p n levels (the value at sorted index (n - 1) / 2), or -1 when
 * @p n is 0. @p levels is not changed. Pure function.
 */
int bw_fw_median(const int *levels, size_t n);

/** The score of one area. */
struct bw_fw_area_score {
    int score;       /**< lower median of the answered indicators, or -1 (none answered) */
    size_t answered; /**< indicators with an answer */
    size_t missing;  /**< indicators without one (not assessed) */
    size_t below;    /**< answered indicators below their target (gaps) */
};

/**
 * Scores a set of answers: @p level_of[i] is the level of indicator i (bw_pack_fw_indicators
 * order) or -1 when not answered; writes one bw_fw_area_score per area into @p out (room
 * for bw_pack_fw_areas' count). Returns BW_OK, BW_EINVAL for a level outside -1..4.
 */
int bw_fw_score(const bw_pack *p, const int *level_of, struct bw_fw_area_score *out);

/* ---- findings -------------------------------------------------------------------- */

/** Kinds of finding, in the order they are listed within one priority. */
enum bw_fw_finding_kind {
    BW_FW_VULNERABILITY = 0, /**< critical indicator at level <= 1, or sites/threats exposed */
    BW_FW_GAP,               /**< answered below target */
    BW_FW_TA_NEED,           /**< a gap whose indicator has a technical-assistance area */
    BW_FW_RECOMMENDATION,    /**< per gap: the indicator's recommendation */
    BW_FW_GOOD_PRACTICE      /**< level 4, or at/above target and at least 3 */
};

/** Priorities: BW_FW_HIGH sorts first. */
enum bw_fw_priority { BW_FW_HIGH = 1, BW_FW_MEDIUM = 2, BW_FW_LOW = 3 };

/** One finding. Pointers are borrowed from the pack or from the computed array given. */
struct bw_fw_finding {
    enum bw_fw_finding_kind kind;
    enum bw_fw_priority priority;
    const struct bw_fw_indicator *ind; /**< the indicator it is tied to */
    int level;                         /**< its answer, -1 when not assessed */
    const char *text;   /**< indicator text (vulnerability, gap, good practice), TA area
                             (TA need), recommendation (recommendation), computed name */
    const struct bw_fw_computed *computed; /**< the computed indicator behind a
                                                vulnerability from the register, or NULL */
};

/** Names: "vulnerability", "gap", "ta-need", "recommendation", "good-practice". */
const char *bw_fw_finding_kind_name(enum bw_fw_finding_kind k);
/** Names: "high", "medium", "low". */
const char *bw_fw_priority_name(enum bw_fw_priority p);

/** Room bw_fw_findings needs: 4 per indicator + one per computed indicator. */
size_t bw_fw_findings_max(const bw_pack *p, size_t ncomputed);

/**
 * Derives the findings of a set of answers (@p level_of as for bw_fw_score) and of the
 * computed indicators @p c[0..nc) into @p out (room for @p cap), sorted by priority, kind,
 * indicator (pack order), then input order; *n is the count. Rules (docs/methodology.md,
 * "Framework assessment"):
 *   good practice   level 4, or level >= target and >= 3 (priority low)
 *   gap             level < target; also a recommendation (its text), and a TA need when
 *                   the indicator has a ta_area. Priority high when level <= 1, target -
 *                   level >= 2 or the indicator is critical; medium otherwise
 *   vulnerability   level <= 1 on a critical indicator; or an available computed indicator
 *                   that shows exposure: threats-unmeasured / sites-no-contact count > 0,
 *                   a share (designated-assessed, soft-plan-*) below den. Always high
 * Unanswered indicators give no finding from answers. Pure function. BW_OK; BW_EINVAL for
 * a level outside -1..4; BW_ETOOBIG when @p cap is short.
 */
int bw_fw_findings(const bw_pack *p, const int *level_of, const struct bw_fw_computed *c,
                   size_t nc, struct bw_fw_finding *out, size_t cap, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
