/*
 * str.c — slices, UTF-8 validation, strict number parsing, shortest number formatting.
 *
 * Number parsing accepts only the JSON/CSV decimal grammar (optional sign, digits,
 * optional fraction and exponent) over the whole slice: "1e", " 1", "0x1", "inf" and
 * "nan" are rejected, so a typo in a file is an error rather than a silent 0.
 * Pure functions; thread-safe.
 */
#include "str.h"
#include "error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bw_str bw_str_c(const char *s)
{
    struct bw_str r = {s ? s : "", s ? strlen(s) : 0};
    return r;
}

int bw_str_eq(struct bw_str a, const char *s)
{
    size_t n = strlen(s);
    return a.n == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

struct bw_str bw_str_trim(struct bw_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

int bw_utf8_valid(const char *p, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            goto fail;
        }
        if (n - i < len)
            goto fail;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += len;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

/* True when s is a decimal number in the JSON grammar (leading '+' allowed too). */
static int decimal_grammar(struct bw_str s, int allow_frac)
{
    size_t i = 0, d;

    if (i < s.n && (s.p[i] == '-' || s.p[i] == '+'))
        i++;
    d = i;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    if (i == d)
        return 0;
    if (!allow_frac)
        return i == s.n;
    if (i < s.n && s.p[i] == '.') {
        i++;
        d = i;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < s.n && (s.p[i] == 'e' || s.p[i] == 'E')) {
        i++;
        if (i < s.n && (s.p[i] == '-' || s.p[i] == '+'))
            i++;
        d = i;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == s.n;
}

int bw_parse_double(struct bw_str s, double *out)
{
    char tmp[64];
    char *end;
    double v;

    if (s.n == 0 || s.n >= sizeof tmp || !decimal_grammar(s, 1))
        return BW_EINVAL;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    errno = 0;
    v = strtod(tmp, &end);
    if (*end != '\0' || !isfinite(v))
        return BW_EINVAL;
    *out = v;
    return BW_OK;
}

int bw_parse_i64(struct bw_str s, int64_t *out)
{
    char tmp[32];
    char *end;
    long long v;

    if (s.n == 0 || s.n >= sizeof tmp || !decimal_grammar(s, 0))
        return BW_EINVAL;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    errno = 0;
    v = strtoll(tmp, &end, 10);
    if (errno == ERANGE)
        return BW_ERANGE;
    if (*end != '\0')
        return BW_EINVAL;
    *out = (int64_t)v;
    return BW_OK;
}

char *bw_fmt_double(double v, char buf[BW_FMT_DOUBLE_MAX])
{
    if (v == 0.0) {
        /* One spelling for zero, so -0 and 0 export alike. */
        buf[0] = '0';
        buf[1] = '\0';
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, BW_FMT_DOUBLE_MAX, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

int64_t bw_str_bsearch(const char *const *sorted, size_t n, const char *key)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid], key);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
