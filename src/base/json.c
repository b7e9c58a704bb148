/*
 * json.c — small JSON writing helpers shared by every layer that emits JSON by hand
 * (exports, designation reasons), where building a jansson tree would cost more than
 * the output itself, and the jansson wrappers of json_jansson.h that report a failed
 * allocation as BW_ENOMEM rather than as malformed input or damaged output.
 * Pure functions; thread-safe.
 */
#include "json.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json_jansson.h"

int bw_json_put_string(struct bw_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    int rc = bw_buf_putc(b, '"');

    for (size_t i = 0; !rc && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = bw_buf_append(b, s + run, i - run);
        run = i + 1;
        if (rc)
            break;
        if (c == '"')
            rc = bw_buf_puts(b, "\\\"");
        else if (c == '\\')
            rc = bw_buf_puts(b, "\\\\");
        else if (c == '\n')
            rc = bw_buf_puts(b, "\\n");
        else if (c == '\t')
            rc = bw_buf_puts(b, "\\t");
        else {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            rc = bw_buf_puts(b, esc);
        }
    }
    if (!rc)
        rc = bw_buf_append(b, s + run, n - run);
    return rc ? rc : bw_buf_putc(b, '"');
}

json_t *bw__json_loadb(const char *p, size_t n, size_t flags, json_error_t *err, int *rc)
{
    unsigned long before = bw__alloc_failures();
    json_t *j = json_loadb(p, n, flags, err);

    if (bw__alloc_failures() != before) {
        json_decref(j);
        *rc = BW_ENOMEM;
        return NULL;
    }
    *rc = j ? BW_OK : BW_EPARSE;
    return j;
}

json_t *bw__json_loadf(FILE *f, size_t flags, json_error_t *err, int *rc)
{
    unsigned long before = bw__alloc_failures();
    json_t *j = json_loadf(f, flags, err);

    if (bw__alloc_failures() != before) {
        json_decref(j);
        *rc = BW_ENOMEM;
        return NULL;
    }
    *rc = j ? BW_OK : BW_EPARSE;
    return j;
}

char *bw__json_dumps(const json_t *j, size_t flags)
{
    unsigned long before = bw__alloc_failures();
    char *text = json_dumps(j, flags);

    if (bw__alloc_failures() != before) {
        bw_free(text);
        return NULL;
    }
    return text;
}
