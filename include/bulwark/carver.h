/*
 * carver.h — CARVER + Shock scoring, the expert-workshop method (methodology.md §1.3).
 *
 * Each target gets seven scores from 1 to 10 — Criticality, Accessibility,
 * Recuperability, Vulnerability, Effect, Recognizability and Shock — where higher means
 * more attractive to an attacker; the total ranks the targets. Plain CARVER (the military
 * original) uses the first six only. A workshop sheet can be read from CSV with the
 * header `target,C,A,R,V,E,R2` or `target,C,A,R,V,E,R2,Shock`.
 *
 * Ownership: targets are caller-allocated; names read from CSV point into the caller's
 * text (borrowed; not NUL-terminated: use name_len). Thread-safety: pure functions.
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

/**
 * Reads a workshop sheet: a header `target,C,A,R,V,E,R2[,Shock]`, then one target per
 * line (no quoting; blank lines and a final newline are allowed; CRLF accepted). Fills
 * t[0..*n) (at most @p max), sets *shock to 1 when the Shock column is present and
 * checks the scores as bw_carver_score. BW_EPARSE / BW_ERANGE / BW_ETOOBIG with @p d
 * naming the line and the column.
 */
int bw_carver_read_csv(const char *text, size_t len, struct bw_carver_target *t, size_t max,
                       size_t *n, int *shock, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
