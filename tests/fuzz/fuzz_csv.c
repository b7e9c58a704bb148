/*
 * fuzz_csv.c — libFuzzer target for the RFC 4180 reader and the CSV import of sites.
 *
 * 1. bw_csv_open/bw_csv_next over the whole input until the end or the first error:
 *    every record has 1..BW_CSV_COLUMNS_MAX fields whose bytes are readable, lines never
 *    go backwards, and an error comes with a diagnostic. Each record is written back
 *    with bw_csv_put_field (the exporter's writer) and read again: same fields, same
 *    bytes (a lone empty field is skipped: it is written as a blank line, which the
 *    reader skips by design).
 * 2. bw_import_mem dry run (store NULL) of the input as a sites CSV against the default
 *    pack: an error comes with a diagnostic; success counts one record per data row.
 *    The same for organisations, dependencies and roles: a header of another entity
 *    is refused at once, so this costs little and covers their validators too.
 * 3. bw_carver_sheet_read of the input as a CARVER + Shock workshop sheet: an error comes
 *    with a diagnostic; success means one target per data row, every score in 1..10
 *    and every total the sum of its scores.
 * 4. bw_fw_answers_read of the input as a file of framework-assessment answers (CSV, or
 *    JSON when it starts with '[' or '{'): an error comes with a diagnostic and no
 *    answers; success means every answer names a pack indicator, once, with a level
 *    0..4, and (for CSV) one answer per data row.
 */
#include "fuzz_common.h"

#include "arena.h"
#include "buf.h"
#include "carver_sheet.h"
#include "csv.h"
#include "framework_answers.h"
#include "import.h"
#include "limits.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_load_pack();
    return 0;
}

/* Writes the record as one CSV line after a one-field line (so a leading byte-order
 * mark in field 1 is not taken for the file's) and checks it reads back the same. */
static void check_round_trip(const struct bw_str *f, size_t nf)
{
    struct bw_buf b;
    bw_csv *r;
    struct bw_str *g;
    size_t ng;
    uint64_t line;
    struct bw_diag d;
    int rc;

    if (nf == 1 && f[0].n == 0)
        return;
    bw_buf_init(&b, (size_t)1 << 30);
    rc = bw_buf_puts(&b, "x\n");
    for (size_t i = 0; !rc && i < nf; i++) {
        if (i)
            rc = bw_buf_putc(&b, ',');
        if (!rc)
            rc = bw_csv_put_field(&b, f[i]);
    }
    if (!rc)
        rc = bw_buf_putc(&b, '\n');
    FUZZ_CHECK(rc == BW_OK, "writing a record failed: %s", bw_strerror(rc));
    FUZZ_CHECK(bw_csv_open(b.p, b.len, &r) == BW_OK, "bw_csv_open failed");
    bw_diag_clear(&d);
    rc = bw_csv_next(r, &g, &ng, &line, &d);
    FUZZ_CHECK(rc == 1 && ng == 1 && line == 1, "rereading the first line: rc %d", rc);
    rc = bw_csv_next(r, &g, &ng, &line, &d);
    FUZZ_CHECK(rc == 1, "a written record does not read back: rc %d: %s", rc, d.msg);
    FUZZ_CHECK(ng == nf, "%zu fields written, %zu read back", nf, ng);
    for (size_t i = 0; i < nf; i++)
        FUZZ_CHECK(g[i].n == f[i].n && (f[i].n == 0 || memcmp(g[i].p, f[i].p, f[i].n) == 0),
                   "field %zu changed in a write/read round trip", i + 1);
    rc = bw_csv_next(r, &g, &ng, &line, &d);
    FUZZ_CHECK(rc == 0, "a written record reads back as more than one record: rc %d", rc);
    bw_csv_free(r);
    bw_buf_release(&b);
}

/* Reads every record; returns the number read, or -1 when the reader stopped on an error. */
static long read_all(const char *p, size_t n)
{
    bw_csv *r;
    struct bw_str *f;
    size_t nf;
    uint64_t line, last = 0;
    struct bw_diag d;
    long records = 0;
    int rc;

    if (bw_csv_open(p, n, &r) != BW_OK)
        return -1;
    for (;;) {
        unsigned sum = 0;
        bw_diag_clear(&d);
        rc = bw_csv_next(r, &f, &nf, &line, &d);
        if (rc <= 0)
            break;
        FUZZ_CHECK(rc == 1, "bw_csv_next returned %d", rc);
        FUZZ_CHECK(nf >= 1 && nf <= BW_CSV_COLUMNS_MAX, "record with %zu fields", nf);
        FUZZ_CHECK(line > last, "record line %llu after line %llu", (unsigned long long)line,
                   (unsigned long long)last);
        FUZZ_CHECK(bw_csv_offset(r) <= n, "offset %zu beyond %zu bytes", bw_csv_offset(r), n);
        last = line;
        for (size_t i = 0; i < nf; i++) {
            FUZZ_CHECK(f[i].p || f[i].n == 0, "field %zu: NULL with length %zu", i, f[i].n);
            FUZZ_CHECK(f[i].n <= BW_CSV_FIELD_MAX, "field %zu: %zu bytes", i, f[i].n);
            for (size_t k = 0; k < f[i].n; k++) /* every byte must be readable */
                sum += (unsigned char)f[i].p[k];
        }
        (void)sum;
        check_round_trip(f, nf);
        records++;
    }
    fuzz_check_diag(rc, &d);
    bw_csv_free(r);
    return rc < 0 ? -1 : records;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum bw_entity entities[] = {BW_ENTITY_SITES, BW_ENTITY_ORGS, BW_ENTITY_DEPS,
                                              BW_ENTITY_ROLES};
    const char *p = (const char *)data;
    long rows = read_all(p, size);

    for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
        struct bw_import_opts o = {entities[e], BW_FORMAT_CSV, 0, NULL, NULL};
        struct bw_diag d;
        size_t imported = 0;
        int rc;

        bw_diag_clear(&d);
        rc = bw_import_mem(NULL, fuzz_pack, "fuzz.csv", p, size, &o, &imported, &d);
        fuzz_check_diag(rc, &d);
        if (rc == BW_OK)
            FUZZ_CHECK(rows >= 1 && imported == (size_t)rows - 1,
                       "import ok with %zu records, but the reader saw %ld rows", imported, rows);
        else
            FUZZ_CHECK(imported == 0, "failed import reports %zu records", imported);
    }
    {
        static struct bw_carver_target t[64];
        struct bw_arena a;
        struct bw_diag d;
        size_t n = 0;
        int shock = 0, rc;

        bw_arena_init(&a, 1024);
        bw_diag_clear(&d);
        rc = bw_carver_sheet_read(p, size, &a, t, 64, &n, &shock, &d);
        fuzz_check_diag(rc, &d);
        if (rc == BW_OK) {
            FUZZ_CHECK(rows >= 1 && n == (size_t)rows - 1, "sheet ok with %zu targets, but the "
                       "reader saw %ld rows", n, rows);
            for (size_t i = 0; i < n; i++) {
                int sum = 0;
                for (int k = 0; k < (shock ? 7 : 6); k++) {
                    FUZZ_CHECK(t[i].score[k] >= 1 && t[i].score[k] <= 10, "score %d", t[i].score[k]);
                    sum += t[i].score[k];
                }
                FUZZ_CHECK(sum == t[i].total, "total %d, scores add up to %d", t[i].total, sum);
            }
        }
        bw_arena_release(&a);
    }
    {
        struct bw_fw_answer *ans = NULL;
        struct bw_arena a;
        struct bw_diag d;
        size_t n = 99, k = 0;
        int rc;

        bw_arena_init(&a, 4096);
        bw_diag_clear(&d);
        rc = bw_fw_answers_read(fuzz_pack, p, size, &a, &ans, &n, &d);
        fuzz_check_diag(rc, &d);
        while (k < size && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
            k++;
        if (rc != BW_OK)
            FUZZ_CHECK(n == 0 && ans == NULL, "failed read returns %zu answers", n);
        else {
            if (k == size || (p[k] != '[' && p[k] != '{'))
                FUZZ_CHECK(rows >= 1 && n == (size_t)rows - 1, "answers ok with %zu answers, "
                           "but the reader saw %ld rows", n, rows);
            for (size_t i = 0; i < n; i++) {
                FUZZ_CHECK(bw_pack_fw_indicator(fuzz_pack, ans[i].indicator) != NULL,
                           "answer %zu: unknown indicator", i);
                FUZZ_CHECK(ans[i].level >= 0 && ans[i].level <= BW_FW_LEVEL_MAX, "level %d",
                           ans[i].level);
                for (size_t j = 0; j < i; j++)
                    FUZZ_CHECK(strcmp(ans[i].indicator, ans[j].indicator) != 0,
                               "indicator %s answered twice", ans[i].indicator);
            }
        }
        bw_arena_release(&a);
    }
    return 0;
}
