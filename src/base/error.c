/*
 * error.c — result-code names and the diagnostics record.
 *
 * bw_strerror maps the closed enum of error.h to fixed English strings. The diag
 * helpers keep the first error recorded (later ones are usually consequences of it)
 * and format it as "file:line: feature N: field 'x': message". Thread-safe: no state.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *bw_strerror(int code)
{
    switch (code) {
    case BW_OK: return "success";
    case BW_ENOMEM: return "out of memory";
    case BW_EINVAL: return "invalid value";
    case BW_EIO: return "input/output error";
    case BW_ENOTFOUND: return "not found";
    case BW_EEXIST: return "already exists";
    case BW_ERANGE: return "value out of range";
    case BW_EPARSE: return "malformed input";
    case BW_ETOOBIG: return "input exceeds a limit";
    case BW_ESTORE: return "database error";
    case BW_EENCODING: return "invalid UTF-8";
    case BW_EREF: return "unknown reference";
    case BW_ESCHEMA: return "database schema is newer than this program";
    case BW_EUSAGE: return "wrong usage";
    case BW_EDENIED: return "not allowed for this role";
    case BW_ESTATE: return "not allowed in this state";
    default: return "unknown error";
    }
}

void bw_diag_clear(struct bw_diag *d)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    d->feature = -1;
}

void bw_diag_file(struct bw_diag *d, const char *file)
{
    if (!d)
        return;
    snprintf(d->file, sizeof d->file, "%s", file ? file : "");
}

int bw_diag_has(const struct bw_diag *d)
{
    return d && d->msg[0] != '\0';
}

int bw_diag_set(struct bw_diag *d, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!d || d->msg[0])
        return code;
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    if (!d->msg[0])
        snprintf(d->msg, sizeof d->msg, "%s", bw_strerror(code));
    d->code = code;
    return code;
}

char *bw_diag_format(const struct bw_diag *d, char *buf, size_t n)
{
    size_t off = 0;
    int w;

    if (!buf || n == 0)
        return buf;
    buf[0] = '\0';
    if (!d)
        return buf;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        w = snprintf(buf + off, n - off, __VA_ARGS__);                                             \
        if (w < 0 || (size_t)w >= n - off)                                                         \
            return buf;                                                                            \
        off += (size_t)w;                                                                          \
    } while (0)
    if (d->file[0]) {
        PUT("%s", d->file);
        if (d->line)
            PUT(":%llu", (unsigned long long)d->line);
        PUT(": ");
    } else if (d->line) {
        PUT("line %llu: ", (unsigned long long)d->line);
    }
    if (d->feature >= 0)
        PUT("feature %lld: ", (long long)d->feature);
    if (d->field[0])
        PUT("field '%s': ", d->field);
    PUT("%s", d->msg[0] ? d->msg : bw_strerror(d->code));
#undef PUT
    return buf;
}
