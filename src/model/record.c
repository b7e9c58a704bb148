/*
 * record.c — named-field rows and the field validators every model noun shares.
 *
 * Validators copy accepted values into the caller's arena and report the first
 * problem in the diag with the field's name, so an importer only adds the file and
 * line. Text must be UTF-8 without control characters (tab allowed in free text).
 * Pure functions; thread-safe with distinct arenas.
 */
#include "record.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "limits.h"

#include <stdio.h>
#include <string.h>

struct bw_str bw_record_get(const struct bw_record *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->names[i], name) == 0) {
            if (r->vals[i].p && r->vals[i].n)
                return r->vals[i];
            break;
        }
    }
    return (struct bw_str){NULL, 0};
}

int bw_record_check_header(const char *const *names, size_t n, const struct bw_column *cols,
                           size_t ncols, struct bw_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < ncols; k++)
            if (strcmp(names[i], cols[k].name) == 0)
                break;
        if (k == ncols)
            return bw_diag_set(d, BW_EINVAL, names[i], "unknown column '%s'", names[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return bw_diag_set(d, BW_EINVAL, names[i], "column '%s' appears twice",
                                   names[i]);
    }
    for (size_t k = 0; k < ncols; k++) {
        size_t i;
        if (!cols[k].required)
            continue;
        for (i = 0; i < n; i++)
            if (strcmp(names[i], cols[k].name) == 0)
                break;
        if (i == n)
            return bw_diag_set(d, BW_EINVAL, cols[k].name, "required column '%s' is missing",
                               cols[k].name);
    }
    return BW_OK;
}

static int check_text(struct bw_str v, const char *field, size_t max, int allow_tab,
                      struct bw_diag *d)
{
    size_t bad;

    if (v.n > max)
        return bw_diag_set(d, BW_ETOOBIG, field, "longer than %zu bytes", max);
    if (!bw_utf8_valid(v.p, v.n, &bad))
        return bw_diag_set(d, BW_EENCODING, field, "invalid UTF-8 at byte %zu", bad);
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f)
            return bw_diag_set(d, BW_EINVAL, field, "control character 0x%02x at byte %zu", c,
                               i);
    }
    return BW_OK;
}

/* Shared by text and id fields: absent handling, the text checks, the copy. */
static int copy_text(struct bw_str v, const char *field, int required, size_t max, int allow_tab,
                     struct bw_arena *a, struct bw_diag *d, const char **out)
{
    int rc;

    *out = NULL;
    if (!v.p || !v.n) {
        if (required)
            return bw_diag_set(d, BW_EINVAL, field, "is required but empty");
        return BW_OK;
    }
    rc = check_text(v, field, max, allow_tab, d);
    if (rc)
        return rc;
    *out = bw_arena_strndup(a, v.p, v.n);
    return *out ? BW_OK : bw_diag_set(d, BW_ENOMEM, field, "out of memory");
}

int bw_field_text(struct bw_str v, const char *field, int required, size_t max, struct bw_arena *a,
                  struct bw_diag *d, const char **out)
{
    return copy_text(v, field, required, max, 1, a, d, out);
}

int bw_field_id(struct bw_str v, const char *field, int required, struct bw_arena *a,
                struct bw_diag *d, const char **out)
{
    const char *id;
    int rc = copy_text(v, field, required, BW_ID_MAX, 0, a, d, &id);

    *out = NULL;
    if (rc || !id)
        return rc;
    if (memchr(v.p, ';', v.n))
        return bw_diag_set(d, BW_EINVAL, field, "an id may not contain ';'");
    if (v.p[0] == ' ' || v.p[v.n - 1] == ' ')
        return bw_diag_set(d, BW_EINVAL, field, "an id may not start or end with a space");
    *out = id;
    return BW_OK;
}

int bw_field_real(struct bw_str v, const char *field, int required, double lo, double hi,
                  double dflt, struct bw_diag *d, double *out)
{
    double x;

    *out = dflt;
    if (!v.p || !v.n)
        return required ? bw_diag_set(d, BW_EINVAL, field, "is required but empty") : BW_OK;
    if (bw_parse_double(v, &x))
        return bw_diag_set(d, BW_EINVAL, field, "'%.*s' is not a number",
                           (int)(v.n > 40 ? 40 : v.n), v.p);
    if (x < lo || x > hi)
        return bw_diag_set(d, BW_ERANGE, field, "%.*s is outside %g..%g",
                           (int)(v.n > 40 ? 40 : v.n), v.p, lo, hi);
    *out = x;
    return BW_OK;
}

int bw_field_int(struct bw_str v, const char *field, int required, int64_t lo, int64_t hi,
                 int64_t dflt, struct bw_diag *d, int64_t *out)
{
    int64_t x;

    *out = dflt;
    if (!v.p || !v.n)
        return required ? bw_diag_set(d, BW_EINVAL, field, "is required but empty") : BW_OK;
    if (bw_parse_i64(v, &x))
        return bw_diag_set(d, BW_EINVAL, field, "'%.*s' is not a whole number",
                           (int)(v.n > 40 ? 40 : v.n), v.p);
    if (x < lo || x > hi)
        return bw_diag_set(d, BW_ERANGE, field, "%lld is outside %lld..%lld", (long long)x,
                           (long long)lo, (long long)hi);
    *out = x;
    return BW_OK;
}

int bw_field_bool(struct bw_str v, const char *field, int dflt, struct bw_diag *d, int *out)
{
    *out = dflt;
    if (!v.p || !v.n)
        return BW_OK;
    if (bw_str_eq(v, "true") || bw_str_eq(v, "1"))
        *out = 1;
    else if (bw_str_eq(v, "false") || bw_str_eq(v, "0"))
        *out = 0;
    else
        return bw_diag_set(d, BW_EINVAL, field, "'%.*s' is not true or false",
                           (int)(v.n > 40 ? 40 : v.n), v.p);
    return BW_OK;
}

int bw_field_list(struct bw_str v, const char *field,
                  int (*check)(const void *ctx, struct bw_str item, const char *field,
                               struct bw_diag *d),
                  const void *ctx, struct bw_arena *a, struct bw_diag *d, const char **out)
{
    struct bw_buf b;
    size_t i = 0, items = 0;
    int rc = BW_OK;

    *out = NULL;
    if (!v.p || !v.n)
        return BW_OK;
    rc = check_text(v, field, BW_CSV_FIELD_MAX, 0, d);
    if (rc)
        return rc;
    bw_buf_init(&b, v.n + 1);
    while (i <= v.n && !rc) {
        size_t j = i;
        struct bw_str item;
        while (j < v.n && v.p[j] != ';')
            j++;
        item = bw_str_trim((struct bw_str){v.p + i, j - i});
        i = j + 1;
        if (!item.n)
            continue;
        if (++items > BW_LIST_ITEMS_MAX) {
            rc = bw_diag_set(d, BW_ETOOBIG, field, "more than %d items", BW_LIST_ITEMS_MAX);
            break;
        }
        if (check && (rc = check(ctx, item, field, d)) != 0)
            break;
        if (b.len)
            rc = bw_buf_putc(&b, ';');
        if (!rc)
            rc = bw_buf_append(&b, item.p, item.n);
    }
    if (!rc && b.len) {
        *out = bw_arena_strndup(a, b.p, b.len);
        if (!*out)
            rc = bw_diag_set(d, BW_ENOMEM, field, "out of memory");
    }
    bw_buf_release(&b);
    if (rc == BW_ENOMEM || rc == BW_ETOOBIG)
        bw_diag_set(d, rc, field, "%s", bw_strerror(rc));
    return rc;
}

struct bw_str bw_value_str(const char *s)
{
    return s ? (struct bw_str){s, strlen(s)} : (struct bw_str){NULL, 0};
}

struct bw_str bw_value_i64(struct bw_arena *a, int64_t v, int absent_if_negative)
{
    char tmp[24];
    int n;
    char *p;

    if (absent_if_negative && v < 0)
        return (struct bw_str){NULL, 0};
    n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    p = bw_arena_strndup(a, tmp, (size_t)n);
    return p ? (struct bw_str){p, (size_t)n} : (struct bw_str){NULL, 0};
}

struct bw_str bw_value_real(struct bw_arena *a, double v)
{
    char tmp[BW_FMT_DOUBLE_MAX];
    char *p;

    bw_fmt_double(v, tmp);
    p = bw_arena_strndup(a, tmp, strlen(tmp));
    return p ? (struct bw_str){p, strlen(p)} : (struct bw_str){NULL, 0};
}
