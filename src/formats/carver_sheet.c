/*
 * carver_sheet.c — a CARVER + Shock workshop sheet read with the strict CSV reader.
 *
 * The header fixes the layout (six or seven scores); each later record becomes one
 * target, its name copied into the caller's arena (quoted fields live in the reader's
 * buffer only until the next record), its scores parsed as whole numbers and checked by
 * bw_carver_score, so the sheet and the scoring share one rule for the 1..10 range.
 */
#include "carver_sheet.h"
#include "arena.h"
#include "csv.h"
#include "error.h"
#include "str.h"

#include <string.h>

static const char *const cols[] = {"target", "C", "A", "R", "V", "E", "R2", "Shock"};

static int header_ok(const struct bw_str *f, size_t nf)
{
    if (nf != 7 && nf != 8)
        return 0;
    for (size_t k = 0; k < nf; k++)
        if (!bw_str_eq(bw_str_trim(f[k]), cols[k]))
            return 0;
    return 1;
}

int bw_carver_sheet_read(const char *text, size_t len, struct bw_arena *a,
                         struct bw_carver_target *t, size_t max, size_t *n, int *shock,
                         struct bw_diag *d)
{
    bw_csv *r = NULL;
    struct bw_str *f;
    size_t nf, ncols = 0;
    uint64_t line = 0;
    int rc, got;

    *n = 0;
    *shock = 0;
    if ((rc = bw_csv_open(text, len, &r)))
        return bw_diag_set(d, rc, NULL, "out of memory");
    while ((got = bw_csv_next(r, &f, &nf, &line, d)) == 1) {
        struct bw_carver_target *x;
        struct bw_str name;
        d->line = line;
        if (!ncols) {
            if (!header_ok(f, nf)) {
                rc = bw_diag_set(d, BW_EPARSE, NULL, "the header must be target,C,A,R,V,E,R2 "
                                 "or target,C,A,R,V,E,R2,Shock");
                goto out;
            }
            ncols = nf;
            *shock = nf == 8;
            continue;
        }
        if (nf != ncols) {
            rc = bw_diag_set(d, BW_EPARSE, NULL, "%zu columns, the header has %zu", nf, ncols);
            goto out;
        }
        if (*n >= max) {
            rc = bw_diag_set(d, BW_ETOOBIG, NULL, "more than %zu targets", max);
            goto out;
        }
        x = &t[*n];
        memset(x, 0, sizeof *x);
        name = bw_str_trim(f[0]);
        if (name.n == 0) {
            rc = bw_diag_set(d, BW_EPARSE, "target", "empty target name");
            goto out;
        }
        x->name = bw_arena_strndup(a, name.p, name.n);
        x->name_len = name.n;
        if (!x->name) {
            rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            goto out;
        }
        for (size_t k = 1; k < ncols; k++) {
            int64_t v;
            if (bw_parse_i64(bw_str_trim(f[k]), &v) != BW_OK || v < -1000 || v > 1000) {
                rc = bw_diag_set(d, BW_EPARSE, cols[k], "target '%.*s': %s is not a whole "
                                 "number", (int)(name.n > 64 ? 64 : name.n), name.p, cols[k]);
                goto out;
            }
            x->score[k - 1] = (int)v;
        }
        if ((rc = bw_carver_score(x, 1, *shock, d)))
            goto out;
        (*n)++;
    }
    if (got < 0) {
        rc = got;
        goto out;
    }
    if (!ncols) {
        d->line = 0;
        rc = bw_diag_set(d, BW_EPARSE, NULL, "empty sheet: no header");
    }
out:
    bw_csv_free(r);
    return rc;
}
