/*
 * carver.c — CARVER + Shock: score checks, totals, ranking and the workshop CSV sheet
 * (carver.h, methodology.md §1.3).
 *
 * Totals are plain sums of the 1–10 scores (FDA primer); ranking is a stable insertion
 * sort by total, highest first (sheets hold tens of targets, not millions). The CSV
 * reader is deliberately small: a fixed header, unquoted fields, integers only; every
 * error names the line and the column. Pure functions, no allocation.
 */
#include "carver.h"
#include "error.h"

#include <string.h>

static const char *const attr_names[BW_CARVER_NATTR] = {
    "criticality", "accessibility", "recuperability", "vulnerability",
    "effect",      "recognizability", "shock"};

const char *bw_carver_attr_name(int attr)
{
    return attr >= 0 && attr < BW_CARVER_NATTR ? attr_names[attr] : "?";
}

int bw_carver_score(struct bw_carver_target *t, size_t n, int shock, struct bw_diag *d)
{
    int na = shock ? BW_CARVER_NATTR : BW_CARVER_NATTR - 1;
    for (size_t i = 0; i < n; i++) {
        int total = 0;
        for (int a = 0; a < na; a++) {
            int s = t[i].score[a];
            if (s < BW_CARVER_MIN || s > BW_CARVER_MAX)
                return bw_diag_set(d, BW_ERANGE, attr_names[a],
                                   "target '%.*s': %s score %d is outside %d..%d",
                                   (int)t[i].name_len, t[i].name ? t[i].name : "?",
                                   attr_names[a], s, BW_CARVER_MIN, BW_CARVER_MAX);
            total += s;
        }
        t[i].total = total;
    }
    return BW_OK;
}

void bw_carver_rank(const struct bw_carver_target *t, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && t[order[j - 1]].total < t[i].total) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* The next field of the line [*p, end): up to ',' (consumed). */
static void field(const char **p, const char *end, const char **f, size_t *fn)
{
    const char *q = *p;
    while (q < end && *q != ',')
        q++;
    *f = *p;
    *fn = (size_t)(q - *p);
    *p = q < end ? q + 1 : q;
}

static int parse_int(const char *f, size_t n, int *out)
{
    long v = 0;
    size_t i = 0;
    int neg = 0;
    while (n && (f[n - 1] == ' ' || f[n - 1] == '\t'))
        n--;
    while (i < n && (f[i] == ' ' || f[i] == '\t'))
        i++;
    if (i < n && (f[i] == '-' || f[i] == '+'))
        neg = f[i++] == '-';
    if (i == n)
        return -1;
    for (; i < n; i++) {
        if (f[i] < '0' || f[i] > '9' || v > 100000)
            return -1;
        v = v * 10 + (f[i] - '0');
    }
    *out = (int)(neg ? -v : v);
    return 0;
}

int bw_carver_read_csv(const char *text, size_t len, struct bw_carver_target *t, size_t max,
                       size_t *n, int *shock, struct bw_diag *d)
{
    static const char *const cols[] = {"target", "C", "A", "R", "V", "E", "R2", "Shock"};
    const char *p = text, *end = text + len;
    size_t line = 0, ncols = 0;

    *n = 0;
    *shock = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *le, *f;
        size_t fn, k = 0;
        le = eol ? eol : end;
        line++;
        if (le > p && le[-1] == '\r')
            le--;
        if (le == p) { /* blank line */
            p = eol ? eol + 1 : end;
            continue;
        }
        if (memchr(p, '"', (size_t)(le - p))) {
            if (d)
                d->line = line;
            return bw_diag_set(d, BW_EPARSE, NULL, "quoted fields are not supported");
        }
        if (!ncols) { /* the header */
            const char *q = p;
            size_t nf = 1;
            for (const char *c = p; c < le; c++)
                nf += *c == ',';
            for (k = 0; k < nf && nf <= 8; k++) {
                field(&q, le, &f, &fn);
                if (strlen(cols[k]) != fn || memcmp(cols[k], f, fn) != 0)
                    break;
            }
            if (k != nf || (nf != 7 && nf != 8)) {
                if (d)
                    d->line = line;
                return bw_diag_set(d, BW_EPARSE, NULL, "the header must be "
                                   "target,C,A,R,V,E,R2 or target,C,A,R,V,E,R2,Shock");
            }
            ncols = k;
            *shock = k == 8;
        } else {
            struct bw_carver_target *x;
            const char *q = p;
            int rc;
            if (*n >= max) {
                if (d)
                    d->line = line;
                return bw_diag_set(d, BW_ETOOBIG, NULL, "more than %zu targets", max);
            }
            x = &t[*n];
            memset(x, 0, sizeof *x);
            {
                size_t nf = 1;
                for (const char *c = p; c < le; c++)
                    nf += *c == ',';
                if (nf != ncols) {
                    if (d)
                        d->line = line;
                    return bw_diag_set(d, BW_EPARSE, NULL, "%zu columns, the header has %zu",
                                       nf, ncols);
                }
            }
            field(&q, le, &x->name, &x->name_len);
            if (x->name_len == 0) {
                if (d)
                    d->line = line;
                return bw_diag_set(d, BW_EPARSE, "target", "empty target name");
            }
            for (k = 1; k < ncols; k++) {
                field(&q, le, &f, &fn);
                if (parse_int(f, fn, &x->score[k - 1])) {
                    if (d)
                        d->line = line;
                    return bw_diag_set(d, BW_EPARSE, cols[k], "target '%.*s': %s is not an "
                                       "integer", (int)x->name_len, x->name, cols[k]);
                }
            }
            if ((rc = bw_carver_score(x, 1, *shock, d))) {
                if (d)
                    d->line = line;
                return rc;
            }
            (*n)++;
        }
        p = eol ? eol + 1 : end;
    }
    if (!ncols)
        return bw_diag_set(d, BW_EPARSE, NULL, "empty sheet: no header");
    return BW_OK;
}
