/*
 * carver_sheet.h — reading a CARVER + Shock workshop sheet (CSV) into targets.
 *
 * The sheet is strict RFC 4180 CSV (the reader of src/formats/csv.c: quoting, CRLF, a
 * UTF-8 byte-order mark, bounded fields) with the header `target,C,A,R,V,E,R2` (plain
 * CARVER) or `target,C,A,R,V,E,R2,Shock`, then one target per record; every score must
 * be a whole number from 1 to 10 (carver.h). Errors name the line and the column.
 *
 * Ownership: target names are copied into the arena @p a; targets are caller-allocated.
 * Thread-safety: reentrant.
 */
#ifndef BW_CARVER_SHEET_H
#define BW_CARVER_SHEET_H

#include "carver.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/**
 * Reads @p len bytes of @p text into t[0..*n) (at most @p max targets; names in @p a),
 * sets *shock to 1 when the sheet has the Shock column, and scores every target
 * (bw_carver_score). BW_EPARSE (syntax, header, a score that is not a whole number, an
 * empty target), BW_ERANGE (a score outside 1..10), BW_ETOOBIG (more than @p max
 * targets), BW_ENOMEM; @p d names the line and the column.
 */
int bw_carver_sheet_read(const char *text, size_t len, struct bw_arena *a,
                         struct bw_carver_target *t, size_t max, size_t *n, int *shock,
                         struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
