/*
 * framework_answers.c — the reader of framework-assessment answer files (CSV or JSON),
 * framework_answers.h.
 *
 * Both formats reduce to the same struct bw_fw_answer and the same checks
 * (bw_fw_answer_check, no indicator twice), so they cannot disagree. The CSV path uses
 * the strict reader of csv.c, maps the header once to column slots and copies each field
 * into the arena (fields are slices); the JSON path parses with duplicate keys refused
 * and reports the entry index. Reentrant; all memory comes from the caller's arena.
 */
#include "framework_answers.h"
#include "arena.h"
#include "csv.h"
#include "error.h"
#include "json_jansson.h"
#include "limits.h"
#include "str.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

enum { C_IND, C_LEVEL, C_EVIDENCE, C_FILES, C_ASSESSOR, C_DATE, NCOLS };
static const char *const colnames[NCOLS] = {"indicator", "level",    "evidence",
                                            "files",     "assessor", "date"};

/* Refuses an indicator that appears earlier in @p a[0..n). */
static int check_new(const bw_pack *p, struct bw_fw_answer *a, size_t n, struct bw_diag *d)
{
    int rc = bw_fw_answer_check(p, &a[n], d);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].indicator, a[n].indicator) == 0)
            return bw_diag_set(d, BW_EINVAL, "indicator", "indicator '%s' is answered twice",
                               a[n].indicator);
    return BW_OK;
}

/* An optional text: NULL when empty. */
static const char *opt_text(struct bw_arena *ar, struct bw_str v, int *oom)
{
    char *s;
    if (v.n == 0)
        return NULL;
    s = bw_arena_strndup(ar, v.p, v.n);
    if (!s)
        *oom = 1;
    return s;
}

static int parse_level(struct bw_str v, int *out, struct bw_diag *d)
{
    int64_t x;
    if (bw_parse_i64(bw_str_trim(v), &x) != BW_OK)
        return bw_diag_set(d, BW_EPARSE, "level", "'%.*s' is not a whole number 0..%d",
                           (int)(v.n > 32 ? 32 : v.n), v.p ? v.p : "", BW_FW_LEVEL_MAX);
    if (x < 0 || x > BW_FW_LEVEL_MAX)
        return bw_diag_set(d, BW_ERANGE, "level", "level %lld is outside 0..%d", (long long)x,
                           BW_FW_LEVEL_MAX);
    *out = (int)x;
    return BW_OK;
}

static int read_csv(const bw_pack *p, const char *text, size_t len, struct bw_arena *ar,
                    struct bw_fw_answer *out, size_t *n, struct bw_diag *d)
{
    bw_csv *r = NULL;
    struct bw_str *f;
    size_t nf, slot[BW_CSV_COLUMNS_MAX];
    int have[NCOLS] = {0};
    uint64_t line = 0;
    int rc, oom = 0;

    if ((rc = bw_csv_open(text, len, &r)))
        return rc;
    rc = bw_csv_next(r, &f, &nf, &line, d);
    if (rc <= 0) {
        if (rc == 0)
            rc = bw_diag_set(d, BW_EPARSE, NULL, "empty file: a header line is required");
        goto out;
    }
    for (size_t i = 0; i < nf; i++) {
        size_t k;
        for (k = 0; k < NCOLS; k++)
            if (bw_str_eq(f[i], colnames[k]))
                break;
        if (k == NCOLS || have[k]) {
            d->line = line;
            rc = bw_diag_set(d, BW_EPARSE, NULL, "header: %s column '%.*s' (columns: indicator, "
                             "level, evidence, files, assessor, date)",
                             k == NCOLS ? "unknown" : "repeated", (int)(f[i].n > 64 ? 64 : f[i].n),
                             f[i].p ? f[i].p : "");
            goto out;
        }
        have[k] = 1;
        slot[i] = k;
    }
    if (!have[C_IND] || !have[C_LEVEL]) {
        d->line = line;
        rc = bw_diag_set(d, BW_EPARSE, have[C_IND] ? "level" : "indicator", "header: the "
                         "column '%s' is required", have[C_IND] ? "level" : "indicator");
        goto out;
    }
    for (;;) {
        struct bw_str v[NCOLS];
        struct bw_fw_answer *a;
        size_t hdr = 0;
        for (size_t k = 0; k < NCOLS; k++)
            hdr += (size_t)have[k];
        rc = bw_csv_next(r, &f, &nf, &line, d);
        if (rc < 0 && d && !d->field[0]) {
            /* A syntax error inside a record: name the column it was reading. */
            size_t c = bw_csv_error_column(r);
            const char *name = c < BW_CSV_COLUMNS_MAX && c < hdr ? colnames[slot[c]] : NULL;
            if (name)
                snprintf(d->field, sizeof d->field, "%s", name);
        }
        if (rc <= 0)
            break;
        if (nf != hdr) {
            d->line = line;
            rc = bw_diag_set(d, BW_EPARSE, NULL, "%zu fields, the header has %zu", nf, hdr);
            goto out;
        }
        if (*n >= BW_FW_ANSWERS_MAX) {
            d->line = line;
            rc = bw_diag_set(d, BW_ETOOBIG, NULL, "more than %d answers", BW_FW_ANSWERS_MAX);
            goto out;
        }
        memset(v, 0, sizeof v);
        for (size_t i = 0; i < nf; i++)
            v[slot[i]] = f[i];
        a = &out[*n];
        memset(a, 0, sizeof *a);
        a->indicator = opt_text(ar, bw_str_trim(v[C_IND]), &oom);
        a->evidence = opt_text(ar, v[C_EVIDENCE], &oom);
        a->files = opt_text(ar, v[C_FILES], &oom);
        a->assessor = opt_text(ar, v[C_ASSESSOR], &oom);
        a->date = opt_text(ar, bw_str_trim(v[C_DATE]), &oom);
        if (oom) {
            rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            goto out;
        }
        if ((rc = parse_level(v[C_LEVEL], &a->level, d)) || (rc = check_new(p, out, *n, d))) {
            d->line = line;
            goto out;
        }
        (*n)++;
    }
out:
    bw_csv_free(r);
    return rc < 0 ? rc : BW_OK;
}

static const char *json_text(json_t *o, const char *key, struct bw_diag *d, int *rc)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *rc = bw_diag_set(d, BW_EPARSE, key, "must be a string");
        return NULL;
    }
    return json_string_length(v) ? json_string_value(v) : NULL;
}

static int read_json(const bw_pack *p, const char *text, size_t len, struct bw_arena *ar,
                     struct bw_fw_answer *out, size_t *n, struct bw_diag *d)
{
    json_error_t err;
    json_t *root, *arr, *e;
    size_t i;
    int rc = BW_OK;

    root = bw__json_loadb(text, len, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!root) {
        if (rc == BW_ENOMEM)
            return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
        d->line = (uint64_t)(err.line > 0 ? err.line : 0);
        return bw_diag_set(d, BW_EPARSE, NULL, "%s", err.text);
    }
    arr = json_is_object(root) ? json_object_get(root, "answers") : root;
    if (!json_is_array(arr)) {
        rc = bw_diag_set(d, BW_EPARSE, NULL, "expected a list of answers or {\"answers\": [...]}");
        goto out;
    }
    if (json_array_size(arr) > BW_FW_ANSWERS_MAX) {
        rc = bw_diag_set(d, BW_ETOOBIG, NULL, "more than %d answers", BW_FW_ANSWERS_MAX);
        goto out;
    }
    json_array_foreach(arr, i, e) {
        struct bw_fw_answer *a = &out[*n];
        const char *key;
        json_t *v, *lv;
        d->feature = (int64_t)i;
        if (!json_is_object(e)) {
            rc = bw_diag_set(d, BW_EPARSE, NULL, "an answer must be an object");
            goto out;
        }
        json_object_foreach(e, key, v) {
            size_t k;
            for (k = 0; k < NCOLS; k++)
                if (strcmp(key, colnames[k]) == 0)
                    break;
            if (k == NCOLS) {
                rc = bw_diag_set(d, BW_EPARSE, key, "unknown key (keys: indicator, level, "
                                 "evidence, files, assessor, date)");
                goto out;
            }
        }
        memset(a, 0, sizeof *a);
        lv = json_object_get(e, "level");
        if (!json_is_integer(lv)) {
            rc = bw_diag_set(d, BW_EPARSE, "level", "level must be a whole number 0..%d",
                             BW_FW_LEVEL_MAX);
            goto out;
        }
        if (json_integer_value(lv) < 0 || json_integer_value(lv) > BW_FW_LEVEL_MAX) {
            rc = bw_diag_set(d, BW_ERANGE, "level", "level %lld is outside 0..%d",
                             (long long)json_integer_value(lv), BW_FW_LEVEL_MAX);
            goto out;
        }
        a->level = (int)json_integer_value(lv);
        a->indicator = json_text(e, "indicator", d, &rc);
        a->evidence = json_text(e, "evidence", d, &rc);
        a->files = json_text(e, "files", d, &rc);
        a->assessor = json_text(e, "assessor", d, &rc);
        a->date = json_text(e, "date", d, &rc);
        if (rc || (rc = check_new(p, out, *n, d)))
            goto out;
        /* Copy the strings out of the tree, which is freed below. */
        {
            const char **s[] = {&a->indicator, &a->evidence, &a->files, &a->assessor, &a->date};
            for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
                if (*s[k] && !(*s[k] = bw_arena_strndup(ar, *s[k], strlen(*s[k])))) {
                    rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
                    goto out;
                }
        }
        (*n)++;
    }
    d->feature = -1;
out:
    json_decref(root);
    return rc;
}

int bw_fw_answers_read(const bw_pack *p, const char *text, size_t len, struct bw_arena *a,
                       struct bw_fw_answer **out, size_t *n, struct bw_diag *d)
{
    struct bw_fw_answer *ans;
    struct bw_diag local;
    size_t i = 0;
    int rc;

    if (!d) { /* the readers below note lines and entries in the diagnostic */
        bw_diag_clear(&local);
        d = &local;
    }
    *out = NULL;
    *n = 0;
    ans = bw_arena_alloc(a, (BW_FW_ANSWERS_MAX + 1) * sizeof *ans);
    if (!ans)
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i < len && (text[i] == '[' || text[i] == '{'))
        rc = read_json(p, text, len, a, ans, n, d);
    else
        rc = read_csv(p, text, len, a, ans, n, d);
    if (rc) {
        *n = 0;
        return rc;
    }
    *out = ans;
    return BW_OK;
}
