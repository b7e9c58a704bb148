/*
 * framework_answers.h — reading a file of framework-assessment answers (CSV or JSON).
 *
 * CSV is strict RFC 4180 (the reader of src/formats/csv.c) with a header naming the
 * columns, in any order: `indicator` and `level` are required; `evidence`, `files`
 * (evidence file references, ';'-separated), `assessor` and `date` (YYYY-MM-DD) are
 * optional; any other column is refused. JSON is an array of objects with the same keys
 * (or {"answers": [...]}); `level` is an integer. Every answer is checked against the
 * pack (bw_fw_answer_check); an indicator answered twice in one file is refused. Errors
 * name the line (CSV; JSON syntax) or the entry (JSON, as the diagnostic's feature) and
 * the field; nothing is returned on error, so an import is all-or-nothing.
 *
 * Ownership: the answers and their strings live in the arena @p a. Thread-safety:
 * reentrant.
 */
#ifndef BW_FRAMEWORK_ANSWERS_H
#define BW_FRAMEWORK_ANSWERS_H

#include "framework.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/** At most this many answers in one file. */
#define BW_FW_ANSWERS_MAX 4096

/**
 * Reads @p len bytes of @p text (JSON when its first non-blank byte is '[' or '{', CSV
 * otherwise) into *out[0..*n) (in @p a). BW_EPARSE (syntax, header, a level that is not a
 * whole number), BW_EREF (unknown indicator), BW_ERANGE (level outside 0..4), BW_EINVAL
 * (bad date, indicator repeated), BW_ETOOBIG, BW_ENOMEM; @p d names line/entry and field.
 */
int bw_fw_answers_read(const bw_pack *p, const char *text, size_t len, struct bw_arena *a,
                       struct bw_fw_answer **out, size_t *n, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
