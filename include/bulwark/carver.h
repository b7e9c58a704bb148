/*
 * carver.h — CARVER + Shock scoring, the expert-workshop method (methodology.md §1.3).
 *
 * Each target gets seven scores from 1 to 10 — Criticality, Accessibility,
 * Recuperability, Vulnerability, Effect, Recognizability and Shock — where higher means
 * more attractive to an attacker; the total ranks the targets. Plain CARVER (the military
 * original) uses the first six only. A workshop sheet is read from CSV by
 * carver_sheet.h (formats).
 *
 * Ownership: targets are caller-allocated; names are borrowed (use name_len: they need
 * not be NUL-terminated). Thread-safety: pure functions.
 */
#ifndef BW_CARVER_H
#define BW_CARVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The attributes, in score order. */
enum bw_carver_attr {
    BW_CARVER_CRITICALITY = 0,
    BW_CARVER_ACCESSIBILITY = 1,
    BW_CARVER_RECUPERABILITY = 2,
    BW_CARVER_VULNERABILITY = 3,
    BW_CARVER_EFFECT = 4,
    BW_CARVER_RECOGNIZABILITY = 5,
    BW_CARVER_SHOCK = 6,
    BW_CARVER_NATTR = 7
};

/** Lowest and highest score (FDA CARVER + Shock primer, 2009). */
#define BW_CARVER_MIN 1
#define BW_CARVER_MAX 10

/** One target. */
struct bw_carver_target {
    const char *name;  /**< borrowed */
    size_t name_len;   /**< bytes of name */
    int score[BW_CARVER_NATTR];
    int total;         /**< filled by bw_carver_score */
};

/** The attribute's name ("criticality", ..., "shock"), or "?". */
const char *bw_carver_attr_name(int attr);

/**
 * Checks every score of @p t[0..n) (the first 6 without @p shock, all 7 with it) is
 * within 1..10 and fills each total. BW_ERANGE with @p d naming the target and the
 * attribute (field = the attribute's name) at the first bad score.
 */
int bw_carver_score(struct bw_carver_target *t, size_t n, int shock, struct bw_diag *d);

/**
 * Writes into @p order[0..n) the target indices by total, highest first; equal totals
 * keep their input order. Call bw_carver_score first.
 */
void bw_carver_rank(const struct bw_carver_target *t, size_t n, size_t *order);

#ifdef __cplusplus
}
#endif
#endif
