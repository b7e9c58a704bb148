/*
 * geojson.c — streaming FeatureCollection reader and JSON string writer.
 *
 * The scanner walks the top-level object member by member. For "features" it steps
 * through the array and returns each element's byte range to jansson; every other
 * member's value is also parsed by jansson (so the whole file is strictly validated),
 * and "type" must be "FeatureCollection". A value's extent is found by a small skipper
 * that understands strings, escapes and nesting (bounded by BW_JSON_DEPTH_MAX); the
 * authoritative parse is always jansson's. A feature object is first handed to jansson
 * straight from the input, which finds its end as it parses (parse_feature); only when
 * that fails does the skipper run, so errors are found and worded as before. Line
 * numbers are counted as bytes are consumed. Thread-safety: one reader per thread.
 */
#include "geojson.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json_jansson.h"
#include "limits.h"

#include <stdio.h>
#include <string.h>

enum state { ST_START, ST_MEMBERS, ST_FEATURES, ST_DONE };

struct bw_geojson {
    const char *p;
    size_t n, off;
    uint64_t line;
    enum state st;
    int64_t index;
    int saw_type, saw_features;
    json_t *keys; /* member names of the top-level object seen so far (duplicates refused) */
};

int bw_geojson_open(const char *p, size_t n, bw_geojson **out)
{
    bw_geojson *g = bw_calloc(1, sizeof *g);

    *out = NULL;
    if (!g)
        return BW_ENOMEM;
    g->p = p;
    g->n = n;
    g->line = 1;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        g->off = 3;
    *out = g;
    return BW_OK;
}

void bw_geojson_free(bw_geojson *g)
{
    if (g)
        json_decref(g->keys);
    bw_free(g);
}

size_t bw_geojson_offset(const bw_geojson *g)
{
    return g->off;
}

static void advance(bw_geojson *g, size_t to)
{
    for (const char *q = g->p + g->off; (q = memchr(q, '\n', (size_t)(g->p + to - q))) != NULL;
         q++)
        g->line++;
    g->off = to;
}

static void skip_ws(bw_geojson *g)
{
    size_t i = g->off;
    while (i < g->n && (g->p[i] == ' ' || g->p[i] == '\t' || g->p[i] == '\n' || g->p[i] == '\r')) {
        if (g->p[i] == '\n')
            g->line++;
        i++;
    }
    g->off = i;
}

static int fail(bw_geojson *g, struct bw_diag *d, int code, const char *msg)
{
    if (d && !d->line)
        d->line = g->line;
    return bw_diag_set(d, code, NULL, "%s", msg);
}

/* Finds the end of the JSON value starting at off; returns 0 and sets *end, or -1. */
static int value_end(const bw_geojson *g, size_t off, size_t *end)
{
    const char *p = g->p;
    size_t i = off, n = g->n;
    int depth = 0;

    if (i >= n)
        return -1;
    do {
        if (i >= n)
            return -1;
        switch (p[i]) {
        case '"':
            for (i++; i < n && p[i] != '"'; i++) {
                if (p[i] == '\\')
                    i++;
            }
            if (i >= n)
                return -1;
            i++;
            break;
        case '{':
        case '[':
            if (++depth > BW_JSON_DEPTH_MAX)
                return -1;
            i++;
            break;
        case '}':
        case ']':
            if (--depth < 0)
                return -1;
            i++;
            break;
        default:
            i++;
            /* Scalars outside containers end at a delimiter. */
            if (depth == 0) {
                while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && p[i] != ' ' &&
                       p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
                    i++;
            }
            break;
        }
    } while (depth > 0);
    *end = i;
    return 0;
}

/* Parses [start, end) with jansson; on failure *rc is BW_EPARSE or BW_ENOMEM. */
static json_t *parse_slice(bw_geojson *g, size_t start, size_t end, struct bw_diag *d, int *rc)
{
    json_error_t err;
    json_t *v = bw__json_loadb(g->p + start, end - start, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                               &err, rc);
    if (!v && *rc == BW_ENOMEM) {
        bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    } else if (!v) {
        if (d && !d->line)
            d->line = g->line + (uint64_t)(err.line > 1 ? err.line - 1 : 0);
        bw_diag_set(d, BW_EPARSE, NULL, "invalid JSON: %s", err.text);
    }
    return v;
}

/* True when no container in @p v nests deeper than BW_JSON_DEPTH_MAX, @p v being at
 * @p level (the limit value_end enforces). */
static int depth_within(json_t *v, int level)
{
    const char *k;
    size_t i;
    json_t *x;

    if (level > BW_JSON_DEPTH_MAX)
        return 0;
    if (json_is_object(v)) {
        json_object_foreach(v, k, x) {
            if ((json_is_object(x) || json_is_array(x)) && !depth_within(x, level + 1))
                return 0;
        }
    } else {
        json_array_foreach(v, i, x) {
            if ((json_is_object(x) || json_is_array(x)) && !depth_within(x, level + 1))
                return 0;
        }
    }
    return 1;
}

/*
 * The common case in one pass: jansson parses the feature object straight from the
 * input and tells where it ends, sparing value_end's scan of its bytes. For an object
 * jansson accepts, value_end finds the same end unless the nesting is deeper than it
 * allows, which is checked; the bytes parsed are the same. Returns NULL for anything
 * else (not an object, any error, too deep, too large): the caller then takes the
 * value_end + parse_slice path, which gives the diagnostics.
 */
static json_t *parse_feature(const bw_geojson *g, size_t *end)
{
    size_t avail = g->n - g->off;
    json_error_t err;
    json_t *f;
    int rc;

    if (avail == 0 || g->p[g->off] != '{')
        return NULL;
    /* A longer feature fails here and gets its "larger than" error from the slow path. */
    if (avail > BW_GEOJSON_FEATURE_MAX)
        avail = BW_GEOJSON_FEATURE_MAX;
    f = bw__json_loadb(g->p + g->off, avail,
                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &err,
                       &rc);
    if (!f)
        return NULL;
    if (err.position <= 0 || (size_t)err.position > avail || !depth_within(f, 1)) {
        json_decref(f);
        return NULL;
    }
    *end = g->off + (size_t)err.position;
    return f;
}

/* Reads '"key":' at off, leaving *key as a new string reference. */
static int read_key(bw_geojson *g, json_t **key, struct bw_diag *d)
{
    size_t end;
    int rc;

    skip_ws(g);
    if (g->off >= g->n || g->p[g->off] != '"' || value_end(g, g->off, &end))
        return fail(g, d, BW_EPARSE, "expected a member name in the top-level object");
    *key = parse_slice(g, g->off, end, d, &rc);
    if (!*key)
        return rc;
    advance(g, end);
    skip_ws(g);
    if (g->off >= g->n || g->p[g->off] != ':') {
        json_decref(*key);
        return fail(g, d, BW_EPARSE, "expected ':' after a member name");
    }
    g->off++;
    skip_ws(g);
    return BW_OK;
}

/* After a member value: ',' continues, '}' ends the object (then only whitespace). */
static int after_member(bw_geojson *g, struct bw_diag *d)
{
    skip_ws(g);
    if (g->off < g->n && g->p[g->off] == ',') {
        g->off++;
        return BW_OK;
    }
    if (g->off < g->n && g->p[g->off] == '}') {
        g->off++;
        skip_ws(g);
        if (g->off != g->n)
            return fail(g, d, BW_EPARSE, "trailing data after the FeatureCollection");
        g->st = ST_DONE;
        return BW_OK;
    }
    return fail(g, d, BW_EPARSE, "expected ',' or '}' in the top-level object (truncated file?)");
}

int bw_geojson_next(bw_geojson *g, json_t **feature, int64_t *index, uint64_t *line,
                    struct bw_diag *d)
{
    size_t end;
    int rc;

    *feature = NULL;
    for (;;) {
        switch (g->st) {
        case ST_START:
            skip_ws(g);
            if (g->off >= g->n)
                return fail(g, d, BW_EPARSE, "empty file: expected a GeoJSON FeatureCollection");
            if (g->p[g->off] != '{')
                return fail(g, d, BW_EPARSE, "not a GeoJSON FeatureCollection (no '{')");
            g->off++;
            skip_ws(g);
            if (g->off < g->n && g->p[g->off] == '}')
                return fail(g, d, BW_EINVAL, "empty object: no \"type\" or \"features\"");
            g->keys = json_object();
            if (!g->keys)
                return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            g->st = ST_MEMBERS;
            break;
        case ST_MEMBERS: {
            json_t *key = NULL, *val;
            const char *k;
            if ((rc = read_key(g, &key, d)))
                return rc;
            k = json_string_value(key);
            /* jansson refuses duplicate keys inside values; the envelope is ours to check. */
            if (json_object_get(g->keys, k)) {
                char msg[BW_DIAG_MSG_MAX];
                snprintf(msg, sizeof msg, "\"%.200s\" appears twice in the top-level object", k);
                json_decref(key);
                return fail(g, d, BW_EPARSE, msg);
            }
            if (json_object_set_new(g->keys, k, json_null())) {
                json_decref(key);
                return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            }
            if (strcmp(k, "features") == 0) {
                json_decref(key);
                g->saw_features = 1;
                if (g->off >= g->n || g->p[g->off] != '[')
                    return fail(g, d, BW_EINVAL, "\"features\" is not an array");
                g->off++;
                skip_ws(g);
                if (g->off < g->n && g->p[g->off] == ']') {
                    g->off++;
                    if ((rc = after_member(g, d)))
                        return rc;
                    break;
                }
                g->st = ST_FEATURES;
                break;
            }
            if (value_end(g, g->off, &end)) {
                json_decref(key);
                return fail(g, d, BW_EPARSE, "malformed or truncated value in the top-level object");
            }
            val = parse_slice(g, g->off, end, d, &rc);
            if (!val) {
                json_decref(key);
                return rc;
            }
            if (strcmp(k, "type") == 0) {
                g->saw_type = 1;
                if (!json_is_string(val) || strcmp(json_string_value(val), "FeatureCollection")) {
                    json_decref(val);
                    json_decref(key);
                    return fail(g, d, BW_EINVAL, "\"type\" must be \"FeatureCollection\"");
                }
            }
            json_decref(val);
            json_decref(key);
            advance(g, end);
            if ((rc = after_member(g, d)))
                return rc;
            break;
        }
        case ST_FEATURES: {
            json_t *f;
            skip_ws(g);
            /* Name the feature in every error below, truncation and size included. */
            *line = g->line;
            *index = g->index;
            if (d)
                d->feature = g->index;
            f = parse_feature(g, &end);
            if (!f) {
                if (value_end(g, g->off, &end))
                    return fail(g, d, BW_EPARSE, "malformed or truncated feature");
                if (end - g->off > BW_GEOJSON_FEATURE_MAX)
                    return fail(g, d, BW_ETOOBIG, "feature larger than the 16 MiB limit");
                f = parse_slice(g, g->off, end, d, &rc);
                if (!f)
                    return rc;
            }
            advance(g, end);
            skip_ws(g);
            if (g->off < g->n && g->p[g->off] == ',') {
                g->off++;
            } else if (g->off < g->n && g->p[g->off] == ']') {
                g->off++;
                g->st = ST_MEMBERS;
                /* What follows the list is about the envelope, not this feature. */
                if (d)
                    d->feature = -1;
                if ((rc = after_member(g, d))) {
                    json_decref(f);
                    return rc;
                }
            } else {
                json_decref(f);
                return fail(g, d, BW_EPARSE, "expected ',' or ']' after a feature (truncated file?)");
            }
            if (d)
                d->feature = -1;
            g->index++;
            *feature = f;
            return 1;
        }
        case ST_DONE:
            if (!g->saw_type)
                return fail(g, d, BW_EINVAL, "no \"type\": \"FeatureCollection\"");
            if (!g->saw_features)
                return fail(g, d, BW_EINVAL, "no \"features\" array");
            return 0;
        }
    }
}
