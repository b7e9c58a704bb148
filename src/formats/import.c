/*
 * import.c — all-or-nothing import of sites, organisations, dependencies and roles.
 *
 * Both formats are reduced to bw_record rows: CSV rows against the header, GeoJSON
 * features as their properties plus, for sites, the geometry (a Point gives lat/lon;
 * a Polygon or MultiPolygon gives the footprint, and the location defaults to its
 * centroid). Each row is validated by its model noun and written through the store
 * inside one transaction that is rolled back on the first error, so a failed import
 * leaves the database exactly as it was. Strings of one row live in an arena that is
 * reset between rows, which keeps memory flat whatever the file size.
 * Thread-safety: one store handle per thread.
 */
#include "import.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"
#include "error.h"
#include "geo.h"
#include "geojson.h"
#include "limits.h"
#include "polygon_json.h"
#include "record.h"

#include <fcntl.h>
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

/* Validates one record and writes it (when a store is given). */
static int put_record(bw_store *s, const bw_pack *pack, enum bw_entity e, int upsert,
                      const struct bw_record *r, struct bw_arena *a, struct bw_diag *d)
{
    int rc;

    switch (e) {
    case BW_ENTITY_SITES: {
        struct bw_site x;
        if ((rc = bw_site_from_record(pack, r, a, d, &x)))
            return rc;
        return s ? bw_store_site_put(s, &x, upsert, d) : BW_OK;
    }
    case BW_ENTITY_ORGS: {
        struct bw_org x;
        if ((rc = bw_org_from_record(pack, r, a, d, &x)))
            return rc;
        return s ? bw_store_org_put(s, &x, upsert, d) : BW_OK;
    }
    case BW_ENTITY_DEPS: {
        struct bw_dep x;
        if ((rc = bw_dep_from_record(pack, r, a, d, &x)))
            return rc;
        return s ? bw_store_dep_put(s, &x, upsert, d) : BW_OK;
    }
    case BW_ENTITY_ROLES: {
        struct bw_role x;
        if ((rc = bw_role_from_record(pack, r, a, d, &x)))
            return rc;
        return s ? bw_store_role_put(s, &x, upsert, d) : BW_OK;
    }
    }
    return BW_EINVAL;
}

/* ---- CSV ---------------------------------------------------------------------------- */

static int import_csv(bw_store *s, const bw_pack *pack, const char *p, size_t n,
                      const struct bw_import_opts *o, size_t *records, struct bw_arena *a,
                      struct bw_diag *d)
{
    const struct entity_ops *eo = &ops[o->entity];
    bw_csv *r = NULL;
    struct bw_str *f;
    size_t nf, ncols = 0;
    uint64_t line;
    char *names[BW_CSV_COLUMNS_MAX];
    int rc;

    if ((rc = bw_csv_open(p, n, &r)))
        return rc;
    rc = bw_csv_next(r, &f, &nf, &line, d);
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
        names[i] = bw_arena_strndup(a, t.p, t.n);
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
    /* The header's strings must survive arena resets: keep a second arena? Simpler:
     * copy them once into a dedicated block owned by this function. */
    {
        struct bw_arena hdr;
        bw_arena_init(&hdr, 4096);
        for (size_t i = 0; i < ncols; i++) {
            names[i] = bw_arena_strndup(&hdr, names[i], strlen(names[i]));
            if (!names[i]) {
                bw_arena_release(&hdr);
                rc = BW_ENOMEM;
                goto out;
            }
        }
        for (;;) {
            struct bw_record rec;
            bw_arena_reset(a);
            rc = bw_csv_next(r, &f, &nf, &line, d);
            if (rc < 0 && !d->field[0] && bw_csv_error_column(r) < ncols)
                snprintf(d->field, sizeof d->field, "%s", names[bw_csv_error_column(r)]);
            if (rc <= 0)
                break;
            rc = BW_OK;
            if (nf != ncols) {
                d->line = line;
                rc = bw_diag_set(d, BW_EPARSE, nf > ncols ? names[ncols - 1] : names[nf - 1],
                                 "record has %zu fields; the header has %zu", nf, ncols);
                break;
            }
            for (size_t i = 0; i < nf; i++) {
                size_t bad;
                if (!bw_utf8_valid(f[i].p, f[i].n, &bad)) {
                    d->line = line;
                    rc = bw_diag_set(d, BW_EENCODING, names[i], "invalid UTF-8 at byte %zu", bad);
                    break;
                }
            }
            if (rc)
                break;
            rec = (struct bw_record){nf, (const char *const *)names, f};
            if ((rc = put_record(s, pack, o->entity, o->upsert, &rec, a, d))) {
                d->line = line;
                break;
            }
            (*records)++;
            if (o->progress && (*records & 0xFFFF) == 0)
                o->progress(o->progress_ud, bw_csv_offset(r), n);
        }
        bw_arena_release(&hdr);
    }
out:
    bw_csv_free(r);
    return rc < 0 ? rc : BW_OK;
}

/* ---- GeoJSON ------------------------------------------------------------------------ */

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
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        out->p = bw_arena_strndup(a, tmp, (size_t)n);
        out->n = (size_t)n;
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

/* Turns a feature into a record in @p names/@p vals (capacity: ncols). */
static int feature_record(const struct entity_ops *eo, json_t *f, struct bw_arena *a,
                          struct bw_diag *d, const char **names, struct bw_str *vals,
                          size_t *nvals)
{
    json_t *props = json_object_get(f, "properties"), *geom = json_object_get(f, "geometry");
    const char *type = json_string_value(json_object_get(f, "type"));
    const char *key;
    json_t *v;
    size_t n = 0;
    int rc, have_id = 0;

    if (!json_is_object(f) || !type || strcmp(type, "Feature"))
        return bw_diag_set(d, BW_EINVAL, "type", "each element of \"features\" must be a Feature");
    if (!json_object_get(f, "geometry"))
        return bw_diag_set(d, BW_EINVAL, "geometry", "a Feature must have a \"geometry\" member");
    if (props && !json_is_null(props) && !json_is_object(props))
        return bw_diag_set(d, BW_EINVAL, "properties", "\"properties\" must be an object or null");
    json_object_foreach(props, key, v) {
        size_t k;
        for (k = 0; k < *eo->ncols; k++)
            if (strcmp(eo->cols[k].name, key) == 0)
                break;
        if (k == *eo->ncols)
            return bw_diag_set(d, BW_EINVAL, key, "unknown property '%s'", key);
        if (eo->has_geometry && strcmp(key, "footprint") == 0)
            return bw_diag_set(d, BW_EINVAL, key, "give the footprint as the geometry");
        names[n] = eo->cols[k].name;
        if ((rc = prop_value(key, v, eo->cols[k].type, a, d, &vals[n])))
            return rc;
        if (strcmp(key, "id") == 0)
            have_id = 1;
        n++;
    }
    if (!have_id && json_is_string(json_object_get(f, "id")) && *eo->ncols &&
        strcmp(eo->cols[0].name, "id") == 0) {
        names[n] = "id";
        vals[n++] = (struct bw_str){json_string_value(json_object_get(f, "id")),
                                    json_string_length(json_object_get(f, "id"))};
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
            if (!json_is_array(c) || cn < 2 || cn > 3 || !json_is_number(json_array_get(c, 0)) ||
                !json_is_number(json_array_get(c, 1)))
                return bw_diag_set(d, BW_EINVAL, "geometry",
                                   "Point coordinates must be [lon, lat] numbers");
            for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], "lat") == 0 || strcmp(names[i], "lon") == 0)
                    return bw_diag_set(d, BW_EINVAL, names[i],
                                       "the location is the Point geometry; drop '%s'", names[i]);
            names[n] = "lon";
            vals[n++] = bw_value_real(a, json_number_value(json_array_get(c, 0)));
            names[n] = "lat";
            vals[n++] = bw_value_real(a, json_number_value(json_array_get(c, 1)));
            if (!vals[n - 1].p || !vals[n - 2].p)
                return BW_ENOMEM;
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
        } else {
            return bw_diag_set(d, BW_EINVAL, "geometry",
                               "%s is not a site location: use Point, Polygon or MultiPolygon",
                               gt);
        }
    }
    *nvals = n;
    /* Required columns must be present (the geometry stands in for lat/lon). */
    for (size_t k = 0; k < *eo->ncols; k++) {
        size_t i;
        if (!eo->cols[k].required)
            continue;
        for (i = 0; i < n; i++)
            if (strcmp(names[i], eo->cols[k].name) == 0)
                break;
        if (i == n && !(eo->has_geometry && (strcmp(eo->cols[k].name, "lat") == 0 ||
                                             strcmp(eo->cols[k].name, "lon") == 0)))
            return bw_diag_set(d, BW_EINVAL, eo->cols[k].name, "required property '%s' is missing",
                               eo->cols[k].name);
    }
    return BW_OK;
}

static int import_geojson(bw_store *s, const bw_pack *pack, const char *p, size_t n,
                          const struct bw_import_opts *o, size_t *records, struct bw_arena *a,
                          struct bw_diag *d)
{
    const struct entity_ops *eo = &ops[o->entity];
    bw_geojson *g = NULL;
    const char *names[32];
    struct bw_str vals[32];
    int rc;

    if ((rc = bw_geojson_open(p, n, &g)))
        return rc;
    for (;;) {
        json_t *f;
        int64_t index;
        uint64_t line;
        size_t nv = 0;
        struct bw_record rec;

        bw_arena_reset(a);
        rc = bw_geojson_next(g, &f, &index, &line, d);
        if (rc <= 0)
            break;
        rc = feature_record(eo, f, a, d, names, vals, &nv);
        if (!rc) {
            rec = (struct bw_record){nv, names, vals};
            rc = put_record(s, pack, o->entity, o->upsert, &rec, a, d);
        }
        json_decref(f);
        if (rc) {
            d->feature = index;
            d->line = line;
            break;
        }
        (*records)++;
        if (o->progress && (*records & 0xFFFF) == 0)
            o->progress(o->progress_ud, bw_geojson_offset(g), n);
    }
    bw_geojson_free(g);
    return rc < 0 ? rc : BW_OK;
}

/* ---- entry points ------------------------------------------------------------------- */

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
