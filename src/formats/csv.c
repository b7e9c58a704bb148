/*
 * csv.c — strict RFC 4180 CSV.
 *
 * Grammar: records end with LF or CRLF; fields are separated by ','; a field is either
 * raw (no '"', ',', CR or LF) or quoted ("..." with "" for a quote, and any bytes,
 * newlines included). Anything else — a quote inside a raw field, text after a
 * closing quote, a file ending inside quotes, a bare CR — is an error naming the line.
 * Slices of quoted fields are built in a reusable buffer; offsets are fixed up only
 * when the record is complete so buffer growth never leaves a dangling pointer.
 * Thread-safety: one reader per thread.
 */
#include "csv.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"

#include <string.h>

struct bw_csv {
    const char *p;
    size_t n, off;
    uint64_t line; /* physical line of the next byte */
    struct bw_buf unq;
    struct bw_str fields[BW_CSV_COLUMNS_MAX];
    size_t quoted_off[BW_CSV_COLUMNS_MAX]; /* SIZE_MAX for raw fields */
    size_t cur; /* 0-based index of the field being read (names it in errors) */
};

int bw_csv_open(const char *p, size_t n, bw_csv **out)
{
    bw_csv *r = bw_calloc(1, sizeof *r);

    *out = NULL;
    if (!r)
        return BW_ENOMEM;
    r->p = p;
    r->n = n;
    r->line = 1;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        r->off = 3;
    bw_buf_init(&r->unq, BW_CSV_RECORD_MAX);
    *out = r;
    return BW_OK;
}

void bw_csv_free(bw_csv *r)
{
    if (!r)
        return;
    bw_buf_release(&r->unq);
    bw_free(r);
}

size_t bw_csv_error_column(const bw_csv *r)
{
    return r->cur;
}

size_t bw_csv_offset(const bw_csv *r)
{
    return r->off;
}

int bw_csv_next(bw_csv *r, struct bw_str **fields, size_t *nfields, uint64_t *line,
                struct bw_diag *d)
{
    const char *p = r->p;
    size_t n = r->n, i = r->off, nf = 0, start_byte;
    uint64_t start;
    int rc;

    /* Skip blank lines. */
    while (i < n && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))) {
        i += p[i] == '\r' ? 2 : 1;
        r->line++;
    }
    if (i >= n) {
        r->off = i;
        return 0;
    }
    start = r->line;
    start_byte = i;
    *line = start;
    bw_buf_reset(&r->unq);
    for (;;) {
        r->cur = nf;
        if (nf == BW_CSV_COLUMNS_MAX) {
            if (d)
                d->line = start;
            return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %d fields in a record",
                               BW_CSV_COLUMNS_MAX);
        }
        if (i < n && p[i] == '"') {
            size_t qstart = r->unq.len;
            uint64_t qline = r->line;
            i++;
            for (;;) {
                size_t j = i;
                /* Copy the run up to the next quote in one go. */
                const char *q = memchr(p + i, '"', n - i);
                j = q ? (size_t)(q - p) : n;
                for (size_t k = i; k < j; k++)
                    if (p[k] == '\n')
                        r->line++;
                if (j - i > BW_CSV_FIELD_MAX || r->unq.len - qstart + (j - i) > BW_CSV_FIELD_MAX) {
                    if (d)
                        d->line = qline;
                    return bw_diag_set(d, BW_ETOOBIG, NULL,
                                       "field %zu is longer than %u bytes", nf + 1,
                                       BW_CSV_FIELD_MAX);
                }
                if ((rc = bw_buf_append(&r->unq, p + i, j - i)) != BW_OK) {
                    if (d)
                        d->line = qline;
                    return rc == BW_ENOMEM
                               ? bw_diag_set(d, rc, NULL, "out of memory")
                               : bw_diag_set(d, rc, NULL, "record is longer than %u bytes",
                                             BW_CSV_RECORD_MAX);
                }
                if (j >= n) {
                    if (d)
                        d->line = qline;
                    return bw_diag_set(d, BW_EPARSE, NULL,
                                       "quoted field %zu never ends (file truncated?)", nf + 1);
                }
                if (j + 1 < n && p[j + 1] == '"') {
                    if ((rc = bw_buf_putc(&r->unq, '"')) != BW_OK) {
                        if (d)
                            d->line = qline;
                        return rc == BW_ENOMEM ? bw_diag_set(d, rc, NULL, "out of memory")
                                               : bw_diag_set(d, rc, NULL, "record too long");
                    }
                    i = j + 2;
                    continue;
                }
                i = j + 1;
                break;
            }
            r->quoted_off[nf] = qstart;
            r->fields[nf].n = r->unq.len - qstart;
            r->fields[nf].p = NULL;
            nf++;
            if (i < n && p[i] != ',' && p[i] != '\n' && !(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')) {
                if (d)
                    d->line = r->line;
                return bw_diag_set(d, BW_EPARSE, NULL,
                                   "text after the closing quote of field %zu", nf);
            }
        } else {
            size_t j = i;
            while (j < n && p[j] != ',' && p[j] != '\n' && p[j] != '\r' && p[j] != '"')
                j++;
            if (j - i > BW_CSV_FIELD_MAX) {
                if (d)
                    d->line = r->line;
                return bw_diag_set(d, BW_ETOOBIG, NULL, "field %zu is longer than %u bytes",
                                   nf + 1, BW_CSV_FIELD_MAX);
            }
            if (j < n && p[j] == '"') {
                if (d)
                    d->line = r->line;
                return bw_diag_set(d, BW_EPARSE, NULL,
                                   "a quote inside unquoted field %zu (quote the whole field)",
                                   nf + 1);
            }
            if (j < n && p[j] == '\r' && !(j + 1 < n && p[j + 1] == '\n')) {
                if (d)
                    d->line = r->line;
                return bw_diag_set(d, BW_EPARSE, NULL, "a bare carriage return in field %zu",
                                   nf + 1);
            }
            r->quoted_off[nf] = SIZE_MAX;
            r->fields[nf].p = p + i;
            r->fields[nf].n = j - i;
            nf++;
            i = j;
        }
        if (i - start_byte > BW_CSV_RECORD_MAX) {
            if (d)
                d->line = start;
            return bw_diag_set(d, BW_ETOOBIG, NULL, "record is longer than %u bytes",
                               BW_CSV_RECORD_MAX);
        }
        if (i >= n)
            break;
        if (p[i] == ',') {
            i++;
            if (i >= n) {
                /* A trailing comma at end of file means one more, empty field. */
                if (nf == BW_CSV_COLUMNS_MAX) {
                    if (d)
                        d->line = start;
                    return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %d fields in a record",
                                       BW_CSV_COLUMNS_MAX);
                }
                r->quoted_off[nf] = SIZE_MAX;
                r->fields[nf].p = p + i;
                r->fields[nf].n = 0;
                nf++;
                break;
            }
            continue;
        }
        /* End of record: LF or CRLF. */
        i += p[i] == '\r' ? 2 : 1;
        r->line++;
        break;
    }
    for (size_t k = 0; k < nf; k++)
        if (r->quoted_off[k] != SIZE_MAX)
            r->fields[k].p = bw_buf_cstr(&r->unq) + r->quoted_off[k];
    r->off = i;
    *fields = r->fields;
    *nfields = nf;
    return 1;
}

int bw_csv_put_field(struct bw_buf *b, struct bw_str v)
{
    int quote = v.n && (v.p[0] == ' ' || v.p[v.n - 1] == ' ');
    int rc;

    for (size_t i = 0; !quote && i < v.n; i++)
        if (v.p[i] == ',' || v.p[i] == '"' || v.p[i] == '\r' || v.p[i] == '\n')
            quote = 1;
    if (!quote)
        return bw_buf_append(b, v.p, v.n);
    rc = bw_buf_putc(b, '"');
    for (size_t i = 0; !rc && i < v.n; i++) {
        rc = bw_buf_putc(b, v.p[i]);
        if (!rc && v.p[i] == '"')
            rc = bw_buf_putc(b, '"');
    }
    return rc ? rc : bw_buf_putc(b, '"');
}
