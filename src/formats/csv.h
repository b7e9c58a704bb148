/*
 * csv.h — library-internal: a strict RFC 4180 reader over a memory buffer and a writer.
 *
 * The reader yields one record at a time as slices; unquoted fields point into the
 * input, quoted ones into the reader's own buffer (valid until the next call). Every
 * record and field is bounded (BW_CSV_RECORD_MAX, BW_CSV_FIELD_MAX, BW_CSV_COLUMNS_MAX).
 * Ownership: bw_csv_open returns a reader the caller frees with bw_csv_free; it borrows
 * the input, which must outlive it. Thread-safety: one reader per thread.
 */
#ifndef BW_CSV_H
#define BW_CSV_H

#include "str.h"

#include <stdint.h>
#include <stdio.h>

struct bw_diag;
struct bw_buf;
typedef struct bw_csv bw_csv;

/** Starts reading @p n bytes at @p p (a UTF-8 byte-order mark is skipped). */
int bw_csv_open(const char *p, size_t n, bw_csv **out);
void bw_csv_free(bw_csv *r);

/**
 * Reads the next record. Returns 1 with *fields and *nfields set and *line the physical
 * line it starts on, 0 at the end of input, or a negative code with @p d filled (line
 * set). Blank lines are skipped.
 */
int bw_csv_next(bw_csv *r, struct bw_str **fields, size_t *nfields, uint64_t *line,
                struct bw_diag *d);

/** After bw_csv_next failed: the 0-based index of the field it was reading. */
size_t bw_csv_error_column(const bw_csv *r);

/** Bytes consumed so far (for progress). */
size_t bw_csv_offset(const bw_csv *r);

/** Appends one field, quoted when it holds ',', '"', CR, LF or edge spaces. */
int bw_csv_put_field(struct bw_buf *b, struct bw_str v);

#endif
