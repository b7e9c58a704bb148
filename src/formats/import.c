/*
 * import.c — all-or-nothing import of sites, organisations, dependencies and roles.
 *
 * Both formats are reduced to bw_record rows: CSV rows against the header, GeoJSON
 * features as their properties plus, for sites, the geometry (a Point gives lat/lon;
 * a Polygon or MultiPolygon gives the footprint, and the location defaults to its
 * centroid). Each row is validated by its model noun and written through the store
 * inside one transaction that is rolled back on the first error, so a failed import
 * leaves the database exactly as it was. When writing to a store, a second thread reads
 * and validates the file while the calling thread writes, in batches whose strings live
 * in a few recycled arenas (run_pipelined); a dry run reads and validates row by row in
 * one arena reset between rows. Either way memory stays flat whatever the file size,
 * and the error reported is the first in file order. An import is one audited operation:
 * one audit entry (file, format, count) goes in with the records, whatever their number.
 * Thread-safety: one store handle per thread; the store is only used from the calling
 * thread.
 */
#include "import.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"
#include "error.h"
#include "geo.h"
#include "geojson.h"
#include "json.h"
#include "limits.h"
#include "polygon_json.h"
#include "record.h"
#include "str.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct entity_ops {
    const struct bw_column *cols;
    const size_t *ncols;
    int has_geometry; /* sites: geometry carries the location */
};

static const struct entity_ops ops[] = {
    [BW_ENTITY_SITES] = {bw_site_columns, &bw_site_ncolumns, 1},
    [BW_ENTITY_ORGS] = {bw_org_columns, &bw_org_ncolumns, 0},
    [BW_ENTITY_DEPS] = {bw_dep_columns, &bw_dep_ncolumns, 0},
    [BW_ENTITY_ROLES] = {bw_role_columns, &bw_role_ncolumns, 0},
};

int bw_entity_parse(const char *name, enum bw_entity *out)
{
    static const char *const names[] = {"sites", "orgs", "deps", "roles"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum bw_entity)i;
            return BW_OK;
        }
    return BW_EINVAL;
}

int bw_format_parse(const char *name, enum bw_format *out)
{
    if (strcmp(name, "csv") == 0)
        *out = BW_FORMAT_CSV;
    else if (strcmp(name, "geojson") == 0)
        *out = BW_FORMAT_GEOJSON;
    else
        return BW_EINVAL;
    return BW_OK;
}

enum bw_format bw_format_guess(const char *path)
{
    size_t n = strlen(path);
    if ((n > 8 && strcmp(path + n - 8, ".geojson") == 0) ||
        (n > 5 && strcmp(path + n - 5, ".json") == 0))
        return BW_FORMAT_GEOJSON;
    return BW_FORMAT_CSV;
}

/* ---- validated records -------------------------------------------------------------- */

/* One record read and validated, on its way to the store. Its strings live in the arena
 * it was validated into (or in the pack). */
struct item {
    union {
        struct bw_site site;
        struct bw_org org;
        struct bw_dep dep;
        struct bw_role role;
    } u;
    uint64_t line;   /* where the record starts */
    int64_t feature; /* its GeoJSON feature index, or -1 (CSV) */
    size_t offset;   /* input bytes consumed once it was read (progress) */
};

/* Validates one record into @p it (strings copied into @p a). */
static int validate(const bw_pack *pack, enum bw_entity e, const struct bw_record *r,
                    struct bw_arena *a, struct bw_diag *d, struct item *it)
{
    switch (e) {
    case BW_ENTITY_SITES:
        return bw_site_from_record(pack, r, a, d, &it->u.site);
    case BW_ENTITY_ORGS:
        return bw_org_from_record(pack, r, a, d, &it->u.org);
    case BW_ENTITY_DEPS:
        return bw_dep_from_record(pack, r, a, d, &it->u.dep);
    case BW_ENTITY_ROLES:
        return bw_role_from_record(pack, r, a, d, &it->u.role);
    }
    return BW_EINVAL;
}

/* Writes one validated record; on failure the diag also names its line (and feature). */
static int store_put(bw_store *s, enum bw_entity e, int upsert, const struct item *it,
                     struct bw_diag *d)
{
    int rc = BW_EINVAL;

    switch (e) {
    case BW_ENTITY_SITES:
        rc = bw_store_site_put(s, &it->u.site, upsert, d);
        break;
    case BW_ENTITY_ORGS:
        rc = bw_store_org_put(s, &it->u.org, upsert, d);
        break;
    case BW_ENTITY_DEPS:
        rc = bw_store_dep_put(s, &it->u.dep, upsert, d);
        break;
    case BW_ENTITY_ROLES:
        rc = bw_store_role_put(s, &it->u.role, upsert, d);
        break;
    }
    if (rc) {
        if (it->feature >= 0)
            d->feature = it->feature;
        d->line = it->line;
    }
    return rc;
}

/*
 * A source reads the file record by record: next() returns 1 with the next record
 * validated into *it (strings in @p out), 0 at the end of a well-formed file, or a
 * negative code with @p d naming the file position and field. It never touches the
 * store, so it may run on another thread than the writes (see run_pipelined).
 */
struct source {
    int (*next)(struct source *src, struct bw_arena *out, struct item *it, struct bw_diag *d);
    const bw_pack *pack;
    enum bw_entity entity;
};

/* ---- reading and writing: in turn, or two threads at once -------------------------- */

static void progress(const struct bw_import_opts *o, size_t records, size_t offset, size_t n)
{
    if (o->progress && (records & 0xFFFF) == 0)
        o->progress(o->progress_ud, offset, n);
}

/* Reads, validates and writes one record after the other on this thread. */
static int run_serial(bw_store *s, struct source *src, const struct bw_import_opts *o,
                      size_t n, size_t *records, struct bw_arena *a, struct bw_diag *d)
{
    struct item it;
    int rc;

    for (;;) {
        bw_arena_reset(a);
        rc = src->next(src, a, &it, d);
        if (rc <= 0)
            break;
        rc = BW_OK;
        if (s && (rc = store_put(s, o->entity, o->upsert, &it, d)))
            break;
        (*records)++;
        progress(o, *records, it.offset, n);
    }
    return rc;
}

/*
 * The pipeline: a producer thread reads and validates records (JSON parsing and
 * validation are pure) into batches, while this thread writes the batches to the store
 * in file order. PIPE_BATCHES batches circulate, each with its own arena; a batch is
 * handed over when it holds PIPE_ITEMS records or PIPE_BYTES of strings, so memory stays
 * bounded whatever the file. The producer stops at its first error and marks the batch
 * that ends with it; the writer writes every record before that mark first, so a store
 * error at an earlier record is the one reported, as when reading and writing in turn.
 * A store error stops the producer. Either way the caller rolls the transaction back.
 */
#define PIPE_BATCHES 3
#define PIPE_ITEMS 2048
#define PIPE_BYTES ((size_t)1 << 20)

struct batch {
    struct item *items;
    size_t n;
    int end; /* 1: more follow; 0: the file ended well; < 0: the producer's error */
    struct bw_arena arena;
};

struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t produced, consumed; /* batches handed over and given back (guarded by mu) */
    int stop;                  /* the writer failed: produce no more (guarded by mu) */
    struct source *src;
    struct bw_diag pd; /* the producer's diag; read by the writer after the last batch */
    struct batch b[PIPE_BATCHES];
};

static void *producer(void *arg)
{
    struct pipeline *pp = arg;

    for (size_t k = 0;; k++) {
        struct batch *b = &pp->b[k % PIPE_BATCHES];
        int rc = 1, stop;

        pthread_mutex_lock(&pp->mu);
        while (!pp->stop && pp->produced - pp->consumed == PIPE_BATCHES)
            pthread_cond_wait(&pp->cv, &pp->mu);
        stop = pp->stop;
        pthread_mutex_unlock(&pp->mu);
        if (stop)
            break;
        bw_arena_reset(&b->arena);
        b->n = 0;
        while (b->n < PIPE_ITEMS && b->arena.used < PIPE_BYTES &&
               (rc = pp->src->next(pp->src, &b->arena, &b->items[b->n], &pp->pd)) == 1)
            b->n++;
        b->end = rc;
        pthread_mutex_lock(&pp->mu);
        pp->produced++;
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
        if (rc != 1)
            break;
    }
    return NULL;
}

static int run_pipelined(bw_store *s, struct source *src, const struct bw_import_opts *o,
                         size_t n, size_t *records, struct bw_arena *a, struct bw_diag *d)
{
    struct pipeline *pp = bw_calloc(1, sizeof *pp);
    pthread_t tid;
    int rc = BW_OK;

    if (!pp)
        return BW_ENOMEM;
    for (int i = 0; i < PIPE_BATCHES; i++)
        bw_arena_init(&pp->b[i].arena, PIPE_BYTES);
    for (int i = 0; i < PIPE_BATCHES; i++)
        if (!(pp->b[i].items = bw_malloc(PIPE_ITEMS * sizeof(struct item)))) {
            rc = BW_ENOMEM;
            goto out;
        }
    if (pthread_mutex_init(&pp->mu, NULL)) {
        rc = BW_ENOMEM;
        goto out;
    }
    if (pthread_cond_init(&pp->cv, NULL)) {
        pthread_mutex_destroy(&pp->mu);
        rc = BW_ENOMEM;
        goto out;
    }
    pp->src = src;
    pp->pd = *d;
    if (pthread_create(&tid, NULL, producer, pp)) {
        /* No second thread to be had: do it all here. */
        rc = run_serial(s, src, o, n, records, a, d);
        goto destroy;
    }
    for (size_t k = 0;; k++) {
        struct batch *b = &pp->b[k % PIPE_BATCHES];
        int end;

        pthread_mutex_lock(&pp->mu);
        while (pp->produced == k)
            pthread_cond_wait(&pp->cv, &pp->mu);
        pthread_mutex_unlock(&pp->mu);
        for (size_t i = 0; i < b->n; i++) {
            if ((rc = store_put(s, o->entity, o->upsert, &b->items[i], d)))
                goto stop;
            (*records)++;
            progress(o, *records, b->items[i].offset, n);
        }
        end = b->end;
        pthread_mutex_lock(&pp->mu);
        pp->consumed++;
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
        if (end != 1) {
            /* The producer is done: its diag is what reading in turn would have left. */
            *d = pp->pd;
            rc = end;
            break;
        }
    }
stop:
    pthread_mutex_lock(&pp->mu);
    pp->stop = 1;
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    pthread_join(tid, NULL);
destroy:
    pthread_cond_destroy(&pp->cv);
    pthread_mutex_destroy(&pp->mu);
out:
    for (int i = 0; i < PIPE_BATCHES; i++) {
        bw_arena_release(&pp->b[i].arena);
        bw_free(pp->b[i].items);
    }
    bw_free(pp);
    return rc;
}

/* Writing to a store overlaps with reading; a dry run just reads. */
static int run(bw_store *s, struct source *src, const struct bw_import_opts *o, size_t n,
               size_t *records, struct bw_arena *a, struct bw_diag *d)
{
    return s ? run_pipelined(s, src, o, n, records, a, d)
             : run_serial(s, src, o, n, records, a, d);
}

/* ---- CSV ---------------------------------------------------------------------------- */

struct csv_source {
    struct source base;
    bw_csv *r;
    char **names;
    size_t ncols;
};

static int csv_next(struct source *src, struct bw_arena *out, struct item *it,
                    struct bw_diag *d)
{
    struct csv_source *c = (struct csv_source *)src;
    char **names = c->names;
    size_t nf, ncols = c->ncols;
    struct bw_str *f;
    struct bw_record rec;
    uint64_t line;
    int rc;

    rc = bw_csv_next(c->r, &f, &nf, &line, d);
    if (rc < 0 && !d->field[0] && bw_csv_error_column(c->r) < ncols)
        snprintf(d->field, sizeof d->field, "%s", names[bw_csv_error_column(c->r)]);
    if (rc <= 0)
        return rc;
    if (nf != ncols) {
        d->line = line;
        return bw_diag_set(d, BW_EPARSE, nf > ncols ? names[ncols - 1] : names[nf - 1],
                           "record has %zu fields; the header has %zu", nf, ncols);
    }
    for (size_t i = 0; i < nf; i++) {
        size_t bad;
        if (!bw_utf8_valid(f[i].p, f[i].n, &bad)) {
            d->line = line;
            return bw_diag_set(d, BW_EENCODING, names[i], "invalid UTF-8 at byte %zu", bad);
        }
    }
    rec = (struct bw_record){nf, (const char *const *)names, f};
    if ((rc = validate(src->pack, src->entity, &rec, out, d, it))) {
        d->line = line;
        return rc;
    }
    it->line = line;
    it->feature = -1;
    it->offset = bw_csv_offset(c->r);
    return 1;
}

static int import_csv(bw_store *s, const bw_pack *pack, const char *p, size_t n,
                      const struct bw_import_opts *o, size_t *records, struct bw_arena *a,
                      struct bw_diag *d)
{
    const struct entity_ops *eo = &ops[o->entity];
    struct csv_source src = {{csv_next, pack, o->entity}, NULL, NULL, 0};
    struct bw_arena hdr; /* the header's names, for the whole import */
    struct bw_str *f;
    size_t nf, ncols = 0;
    uint64_t line;
    char *names[BW_CSV_COLUMNS_MAX];
    int rc;

    if ((rc = bw_csv_open(p, n, &src.r)))
        return rc;
    bw_arena_init(&hdr, 4096);
    rc = bw_csv_next(src.r, &f, &nf, &line, d);
    if (rc == 0) {
        rc = bw_diag_set(d, BW_EINVAL, NULL, "empty file: expected a header line with %s",
                         o->entity == BW_ENTITY_DEPS ? "site,supplier,service" : "id,name,...");
        goto out;
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < nf; i++) {
        struct bw_str t = bw_str_trim(f[i]);
        if (!bw_utf8_valid(t.p, t.n, NULL)) {
            d->line = line;
            rc = bw_diag_set(d, BW_EENCODING, NULL, "header column %zu is not valid UTF-8", i + 1);
            goto out;
        }
        names[i] = bw_arena_strndup(&hdr, t.p, t.n);
        if (!names[i]) {
            rc = BW_ENOMEM;
            goto out;
        }
        ncols++;
    }
    if ((rc = bw_record_check_header((const char *const *)names, ncols, eo->cols, *eo->ncols,
                                     d))) {
        d->line = line;
        goto out;
    }
    src.names = names;
    src.ncols = ncols;
    rc = run(s, &src.base, o, n, records, a, d);
out:
    bw_arena_release(&hdr);
    bw_csv_free(src.r);
    return rc < 0 ? rc : BW_OK;
}

/* ---- GeoJSON ------------------------------------------------------------------------ */

/* "%lld" of @p v into @p buf (at least 21 bytes); returns the length. */
static size_t fmt_i64(long long v, char *buf)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char tmp[24];
    size_t k = 0, len = 0;

    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[len++] = '-';
    while (k)
        buf[len++] = tmp[--k];
    return len;
}

/* Converts one property value to record text (in @p a). */
static int prop_value(const char *key, json_t *v, enum bw_vtype t, struct bw_arena *a,
                      struct bw_diag *d, struct bw_str *out)
{
    char tmp[BW_FMT_DOUBLE_MAX];

    *out = (struct bw_str){NULL, 0};
    if (json_is_null(v))
        return BW_OK;
    if (json_is_string(v)) {
        if (t != BW_V_STR)
            return bw_diag_set(d, BW_EINVAL, key, "must be %s, not a string",
                               t == BW_V_LIST   ? "an array of strings"
                               : t == BW_V_BOOL ? "true or false"
                                                : "a number");
        *out = (struct bw_str){json_string_value(v), json_string_length(v)};
        if (memchr(out->p, '\0', out->n))
            return bw_diag_set(d, BW_EINVAL, key, "contains a NUL character");
        return BW_OK;
    }
    if (json_is_integer(v) && (t == BW_V_INT || t == BW_V_REAL)) {
        size_t n = fmt_i64((long long)json_integer_value(v), tmp);
        out->p = bw_arena_strndup(a, tmp, n);
        out->n = n;
        return out->p ? BW_OK : BW_ENOMEM;
    }
    if (json_is_real(v) && (t == BW_V_REAL || t == BW_V_INT)) {
        bw_fmt_double(json_real_value(v), tmp);
        out->p = bw_arena_strndup(a, tmp, strlen(tmp));
        out->n = strlen(tmp);
        return out->p ? BW_OK : BW_ENOMEM;
    }
    if (json_is_boolean(v) && t == BW_V_BOOL) {
        *out = bw_str_c(json_is_true(v) ? "true" : "false");
        return BW_OK;
    }
    if (json_is_array(v) && t == BW_V_LIST) {
        struct bw_buf b;
        size_t i;
        json_t *item;
        int rc = BW_OK;
        bw_buf_init(&b, BW_CSV_FIELD_MAX);
        json_array_foreach(v, i, item) {
            const char *s = json_string_value(item);
            if (!s || strchr(s, ';') || strlen(s) != json_string_length(item)) {
                rc = bw_diag_set(d, BW_EINVAL, key, "item %zu must be a string without ';'", i);
                break;
            }
            if ((i && (rc = bw_buf_putc(&b, ';'))) || (rc = bw_buf_puts(&b, s))) {
                rc = bw_diag_set(d, rc, key, "list too long");
                break;
            }
        }
        if (!rc && b.len) {
            out->p = bw_arena_strndup(a, b.p, b.len);
            out->n = b.len;
            if (!out->p)
                rc = BW_ENOMEM;
        }
        bw_buf_release(&b);
        return rc;
    }
    {
        static const char *const want[] = {"a string", "a whole number", "a number",
                                           "an array of strings", "true or false"};
        return bw_diag_set(d, BW_EINVAL, key, "must be %s", want[t]);
    }
}

/*
 * A Point's coordinate as record text. bw_site_from_record only parses lat and lon and
 * checks their range, and bw_fmt_double's text parses back to the very same double (a
 * zero to +0), so a value within @p lim needs no text: the record carries "0", which
 * passes the same checks, and *keep receives the number for the caller to put in place
 * of the parsed one. A value out of range gets its text as before, which the range error
 * quotes. Returns {NULL, 0} when out of memory.
 */
static struct bw_str coord_value(struct bw_arena *a, double v, double lim, double *keep,
                                 int *kept)
{
    if (v >= -lim && v <= lim) {
        *keep = v == 0 ? 0.0 : v;
        *kept = 1;
        return (struct bw_str){"0", 1};
    }
    *kept = 0;
    return bw_value_real(a, v);
}

/* Coordinates a feature's record leaves out (see coord_value). */
struct point {
    int have_lat, have_lon;
    double lat, lon;
};

struct geojson_source {
    struct source base;
    const struct entity_ops *eo;
    bw_geojson *g;
    struct bw_arena scratch; /* one feature's record text */
    int id0;                 /* the entity's first column is "id" */
    int col_lat, col_lon, col_fp; /* indexes of those columns, or -1 */
    const char *names[32];
    struct bw_str vals[32];
};

static int column_index(const struct entity_ops *eo, const char *name)
{
    for (size_t k = 0; k < *eo->ncols; k++)
        if (strcmp(eo->cols[k].name, name) == 0)
            return (int)k;
    return -1;
}

/* True when bit @p k (a column index, or -1 for none) is set in @p seen. */
static int has_col(uint32_t seen, int k)
{
    return k >= 0 && (seen >> k & 1);
}

/* Turns a feature into a record in gs->names/gs->vals (text in @p a). The columns present
 * are tracked as bits of their index in the entity's column table. */
static int feature_record(struct geojson_source *gs, json_t *f, struct bw_arena *a,
                          struct bw_diag *d, size_t *nvals, struct point *pt)
{
    const struct entity_ops *eo = gs->eo;
    const struct bw_column *cols = eo->cols;
    const size_t ncols = *eo->ncols;
    const char **names = gs->names;
    struct bw_str *vals = gs->vals;
    json_t *props = json_object_get(f, "properties"), *geom = json_object_get(f, "geometry");
    const char *type = json_string_value(json_object_get(f, "type"));
    const char *key;
    json_t *v, *fid;
    size_t n = 0;
    uint32_t seen = 0;
    int rc;

    pt->have_lat = pt->have_lon = 0;
    if (!json_is_object(f) || !type || strcmp(type, "Feature"))
        return bw_diag_set(d, BW_EINVAL, "type", "each element of \"features\" must be a Feature");
    if (!geom)
        return bw_diag_set(d, BW_EINVAL, "geometry", "a Feature must have a \"geometry\" member");
    if (props && !json_is_null(props) && !json_is_object(props))
        return bw_diag_set(d, BW_EINVAL, "properties", "\"properties\" must be an object or null");
    json_object_foreach(props, key, v) {
        size_t k;
        for (k = 0; k < ncols; k++)
            if (cols[k].name[0] == key[0] && strcmp(cols[k].name, key) == 0)
                break;
        if (k == ncols)
            return bw_diag_set(d, BW_EINVAL, key, "unknown property '%s'", key);
        if (eo->has_geometry && (int)k == gs->col_fp)
            return bw_diag_set(d, BW_EINVAL, key, "give the footprint as the geometry");
        names[n] = cols[k].name;
        if ((rc = prop_value(key, v, cols[k].type, a, d, &vals[n])))
            return rc;
        seen |= (uint32_t)1 << k;
        n++;
    }
    fid = json_object_get(f, "id");
    if (gs->id0 && !(seen & 1) && json_is_string(fid)) {
        names[n] = "id";
        vals[n++] = (struct bw_str){json_string_value(fid), json_string_length(fid)};
        seen |= 1;
    }
    if (eo->has_geometry) {
        const char *gt = json_string_value(json_object_get(geom, "type"));
        if (json_is_null(geom))
            return bw_diag_set(d, BW_EINVAL, "geometry", "a site needs a geometry");
        if (!gt)
            return bw_diag_set(d, BW_EINVAL, "geometry", "geometry has no \"type\"");
        if (strcmp(gt, "Point") == 0) {
            json_t *c = json_object_get(geom, "coordinates");
            size_t cn = json_array_size(c);
            json_t *c0 = json_array_get(c, 0), *c1 = json_array_get(c, 1);
            if (!json_is_array(c) || cn < 2 || cn > 3 || !json_is_number(c0) ||
                !json_is_number(c1))
                return bw_diag_set(d, BW_EINVAL, "geometry",
                                   "Point coordinates must be [lon, lat] numbers");
            if (has_col(seen, gs->col_lat) || has_col(seen, gs->col_lon))
                for (size_t i = 0; i < n; i++)
                    if (strcmp(names[i], "lat") == 0 || strcmp(names[i], "lon") == 0)
                        return bw_diag_set(d, BW_EINVAL, names[i],
                                           "the location is the Point geometry; drop '%s'",
                                           names[i]);
            names[n] = "lon";
            vals[n++] = coord_value(a, json_number_value(c0), 180, &pt->lon, &pt->have_lon);
            names[n] = "lat";
            vals[n++] = coord_value(a, json_number_value(c1), 90, &pt->lat, &pt->have_lat);
            if (!vals[n - 1].p || !vals[n - 2].p)
                return BW_ENOMEM;
            if (gs->col_lon >= 0)
                seen |= (uint32_t)1 << gs->col_lon;
            if (gs->col_lat >= 0)
                seen |= (uint32_t)1 << gs->col_lat;
        } else if (strcmp(gt, "Polygon") == 0 || strcmp(gt, "MultiPolygon") == 0) {
            struct bw_polygon poly;
            struct bw_buf b;
            if ((rc = bw__polygon_from_json(geom, d, &poly)))
                return rc;
            bw_buf_init(&b, BW_CSV_FIELD_MAX);
            rc = bw_polygon_write(&poly, &b);
            bw_polygon_release(&poly);
            if (rc) {
                bw_buf_release(&b);
                return bw_diag_set(d, rc, "geometry", "footprint too large");
            }
            names[n] = "footprint";
            vals[n].p = bw_arena_strndup(a, b.p, b.len);
            vals[n++].n = b.len;
            bw_buf_release(&b);
            if (!vals[n - 1].p)
                return BW_ENOMEM;
            if (gs->col_fp >= 0)
                seen |= (uint32_t)1 << gs->col_fp;
        } else {
            return bw_diag_set(d, BW_EINVAL, "geometry",
                               "%s is not a site location: use Point, Polygon or MultiPolygon",
                               gt);
        }
    }
    *nvals = n;
    /* Required columns must be present (the geometry stands in for lat/lon). */
    for (size_t k = 0; k < ncols; k++) {
        if (!cols[k].required || (seen >> k & 1))
            continue;
        if (!(eo->has_geometry && ((int)k == gs->col_lat || (int)k == gs->col_lon)))
            return bw_diag_set(d, BW_EINVAL, cols[k].name, "required property '%s' is missing",
                               cols[k].name);
    }
    return BW_OK;
}

static int geojson_next(struct source *src, struct bw_arena *out, struct item *it,
                        struct bw_diag *d)
{
    struct geojson_source *gs = (struct geojson_source *)src;
    json_t *f;
    int64_t index;
    uint64_t line;
    size_t nv = 0;
    struct point pt = {0, 0, 0, 0};
    int rc;

    bw_arena_reset(&gs->scratch);
    rc = bw_geojson_next(gs->g, &f, &index, &line, d);
    if (rc <= 0)
        return rc;
    rc = feature_record(gs, f, &gs->scratch, d, &nv, &pt);
    if (!rc) {
        struct bw_record rec = {nv, gs->names, gs->vals};
        rc = validate(src->pack, src->entity, &rec, out, d, it);
    }
    json_decref(f);
    if (rc) {
        d->feature = index;
        d->line = line;
        return rc;
    }
    if (src->entity == BW_ENTITY_SITES) {
        if (pt.have_lat)
            it->u.site.lat = pt.lat;
        if (pt.have_lon)
            it->u.site.lon = pt.lon;
    }
    it->line = line;
    it->feature = index;
    it->offset = bw_geojson_offset(gs->g);
    return 1;
}

static int import_geojson(bw_store *s, const bw_pack *pack, const char *p, size_t n,
                          const struct bw_import_opts *o, size_t *records, struct bw_arena *a,
                          struct bw_diag *d)
{
    struct geojson_source src = {.base = {geojson_next, pack, o->entity}, .eo = &ops[o->entity]};
    int rc;

    if ((rc = bw_geojson_open(p, n, &src.g)))
        return rc;
    src.id0 = *src.eo->ncols && strcmp(src.eo->cols[0].name, "id") == 0;
    src.col_lat = column_index(src.eo, "lat");
    src.col_lon = column_index(src.eo, "lon");
    src.col_fp = column_index(src.eo, "footprint");
    bw_arena_init(&src.scratch, 16 * 1024);
    rc = run(s, &src.base, o, n, records, a, d);
    bw_arena_release(&src.scratch);
    bw_geojson_free(src.g);
    return rc < 0 ? rc : BW_OK;
}

/* ---- entry points ------------------------------------------------------------------- */

/* The audit entry of an import: {"file":..,"format":..,"records":..,"upsert":..}. */
static int audit_import(bw_store *s, const char *name, const struct bw_import_opts *o,
                        size_t records, struct bw_diag *d)
{
    static const char *const kinds[] = {"site", "org", "dep", "role"};
    struct bw_buf b;
    struct bw_audit_entry e = {"import", kinds[o->entity], NULL, NULL, NULL};
    int rc;

    bw_buf_init(&b, 4096);
    rc = bw_buf_puts(&b, "{\"file\":");
    if (bw_utf8_valid(name, strlen(name), NULL)) {
        rc = rc ? rc : bw_json_put_string(&b, name, strlen(name));
    } else { /* the log is UTF-8: a name in another encoding keeps its ASCII bytes */
        rc = rc ? rc : bw_buf_putc(&b, '"');
        for (const unsigned char *c = (const unsigned char *)name; !rc && *c; c++)
            rc = bw_buf_putc(&b, *c >= 0x20 && *c < 0x80 && *c != '"' && *c != '\\' ? (char)*c
                                                                                   : '?');
        rc = rc ? rc : bw_buf_putc(&b, '"');
    }
    rc = rc ? rc : bw_buf_printf(&b, ",\"format\":\"%s\",\"records\":%zu,\"upsert\":%s}",
                                 o->format == BW_FORMAT_CSV ? "csv" : "geojson", records,
                                 o->upsert ? "true" : "false");
    if (rc == BW_ETOOBIG) { /* a very long file name: the entry keeps the rest */
        bw_buf_reset(&b);
        rc = bw_buf_printf(&b, "{\"format\":\"%s\",\"records\":%zu,\"upsert\":%s}",
                           o->format == BW_FORMAT_CSV ? "csv" : "geojson", records,
                           o->upsert ? "true" : "false");
    }
    if (!rc) {
        e.detail = bw_buf_cstr(&b);
        rc = bw_store_audit_append(s, &e, d);
    }
    bw_buf_release(&b);
    return rc;
}

int bw_import_mem(bw_store *s, const bw_pack *pack, const char *name, const char *p, size_t n,
                  const struct bw_import_opts *o, size_t *records, struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_diag local;
    int rc;

    if (!d) {
        bw_diag_clear(&local);
        d = &local;
    }
    bw_diag_file(d, name);
    *records = 0;
    if (s && (rc = bw_store_begin(s)))
        return bw_diag_set(d, rc, NULL, "cannot start a transaction (database busy?)");
    bw_arena_init(&a, 16 * 1024);
    if (o->format == BW_FORMAT_CSV)
        rc = import_csv(s, pack, p, n, o, records, &a, d);
    else
        rc = import_geojson(s, pack, p, n, o, records, &a, d);
    bw_arena_release(&a);
    if (rc == BW_ENOMEM)
        bw_diag_set(d, rc, NULL, "out of memory");
    if (s) {
        if (!rc)
            rc = audit_import(s, name, o, *records, d);
        if (!rc && (rc = bw_store_commit(s)))
            bw_diag_set(d, rc, NULL, "commit failed; nothing was imported");
        if (rc)
            bw_store_rollback(s);
    }
    if (rc)
        *records = 0;
    if (o->progress && !rc)
        o->progress(o->progress_ud, n, n);
    return rc;
}

int bw_import_file(bw_store *s, const bw_pack *pack, const char *path,
                   const struct bw_import_opts *o, size_t *records, struct bw_diag *d)
{
    struct stat st;
    void *map = NULL;
    int fd, rc;

    *records = 0;
    bw_diag_file(d, path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bw_diag_set(d, BW_EIO, NULL, "cannot open file");
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return bw_diag_set(d, BW_EIO, NULL, "not a regular file");
    }
    if ((unsigned long long)st.st_size > BW_IMPORT_MAX_BYTES) {
        close(fd);
        return bw_diag_set(d, BW_ETOOBIG, NULL, "file larger than %llu bytes",
                           (unsigned long long)BW_IMPORT_MAX_BYTES);
    }
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            return bw_diag_set(d, BW_EIO, NULL, "cannot map file");
        }
        madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
    }
    close(fd);
    rc = bw_import_mem(s, pack, path, map ? map : "", (size_t)st.st_size, o, records, d);
    if (map)
        munmap(map, (size_t)st.st_size);
    return rc;
}
