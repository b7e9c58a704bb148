/*
 * export.c — canonical CSV and GeoJSON export of the register.
 *
 * Canonical means: columns in the model's fixed order, records in id order, numbers in
 * their shortest round-trip form, absent values as empty cells (CSV) or omitted
 * properties (GeoJSON), one feature per line. Re-importing an export and exporting
 * again therefore yields identical bytes. Sites export their footprint as the
 * geometry when they have one (with lat/lon kept as properties), otherwise a Point;
 * organisations, dependencies and roles have null geometry.
 * Thread-safety: one store handle per thread.
 */
#include "import.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"
#include "error.h"
#include "geojson.h"
#include "json.h"
#include "limits.h"

#include <string.h>

struct export_ctx {
    FILE *out;
    enum bw_format format;
    const struct bw_column *cols;
    size_t ncols;
    struct bw_arena a;
    struct bw_buf b;
    size_t records;
    int rc;
};

static int flush(struct export_ctx *x)
{
    if (x->b.len && fwrite(x->b.p, 1, x->b.len, x->out) != x->b.len)
        return BW_EIO;
    bw_buf_reset(&x->b);
    return BW_OK;
}

static int csv_header(struct export_ctx *x)
{
    int rc = BW_OK;
    for (size_t i = 0; !rc && i < x->ncols; i++) {
        if (i)
            rc = bw_buf_putc(&x->b, ',');
        if (!rc)
            rc = bw_buf_puts(&x->b, x->cols[i].name);
    }
    return rc ? rc : bw_buf_puts(&x->b, "\r\n");
}

static int csv_row(struct export_ctx *x, const struct bw_str *v)
{
    int rc = BW_OK;
    for (size_t i = 0; !rc && i < x->ncols; i++) {
        if (i)
            rc = bw_buf_putc(&x->b, ',');
        if (!rc && v[i].p)
            rc = bw_csv_put_field(&x->b, v[i]);
    }
    return rc ? rc : bw_buf_puts(&x->b, "\r\n");
}

static int json_value(struct bw_buf *b, enum bw_vtype t, struct bw_str v)
{
    int rc = BW_OK;

    switch (t) {
    case BW_V_INT:
    case BW_V_REAL:
    case BW_V_BOOL:
        return bw_buf_append(b, v.p, v.n);
    case BW_V_STR:
        return bw_json_put_string(b, v.p, v.n);
    case BW_V_LIST:
        rc = bw_buf_putc(b, '[');
        for (size_t i = 0, first = 1; !rc && i <= v.n;) {
            size_t j = i;
            while (j < v.n && v.p[j] != ';')
                j++;
            if (!first)
                rc = bw_buf_putc(b, ',');
            if (!rc)
                rc = bw_json_put_string(b, v.p + i, j - i);
            first = 0;
            i = j + 1;
        }
        return rc ? rc : bw_buf_putc(b, ']');
    }
    return BW_EINVAL;
}

/* @p geometry: GeoJSON text, or NULL for null. @p skip_latlon: omit lat/lon properties. */
static int geojson_feature(struct export_ctx *x, const struct bw_str *v, const char *geometry,
                           int skip_latlon)
{
    int rc, first = 1;

    rc = bw_buf_puts(&x->b, x->records ? ",\n{\"type\":\"Feature\",\"geometry\":"
                                       : "\n{\"type\":\"Feature\",\"geometry\":");
    if (!rc)
        rc = bw_buf_puts(&x->b, geometry ? geometry : "null");
    if (!rc)
        rc = bw_buf_puts(&x->b, ",\"properties\":{");
    for (size_t i = 0; !rc && i < x->ncols; i++) {
        const char *name = x->cols[i].name;
        if (!v[i].p || strcmp(name, "footprint") == 0)
            continue;
        if (skip_latlon && (strcmp(name, "lat") == 0 || strcmp(name, "lon") == 0))
            continue;
        if (!first)
            rc = bw_buf_putc(&x->b, ',');
        first = 0;
        if (!rc)
            rc = bw_json_put_string(&x->b, name, strlen(name));
        if (!rc)
            rc = bw_buf_putc(&x->b, ':');
        if (!rc)
            rc = json_value(&x->b, x->cols[i].type, v[i]);
    }
    return rc ? rc : bw_buf_puts(&x->b, "}}");
}

static int emit(struct export_ctx *x, const struct bw_str *v, const char *geometry,
                int skip_latlon)
{
    int rc = x->format == BW_FORMAT_CSV ? csv_row(x, v)
                                        : geojson_feature(x, v, geometry, skip_latlon);
    if (!rc && x->b.len > (1u << 20))
        rc = flush(x);
    if (!rc)
        x->records++;
    bw_arena_reset(&x->a);
    return rc;
}

static int on_site(void *ud, const struct bw_site *s)
{
    struct export_ctx *x = ud;
    struct bw_str v[16];
    char point[2 * BW_FMT_DOUBLE_MAX + 48];
    int rc = bw_site_to_values(s, &x->a, v);

    if (rc)
        return rc;
    if (!s->footprint) {
        char la[BW_FMT_DOUBLE_MAX], lo[BW_FMT_DOUBLE_MAX];
        snprintf(point, sizeof point, "{\"type\":\"Point\",\"coordinates\":[%s,%s]}",
                 bw_fmt_double(s->lon, lo), bw_fmt_double(s->lat, la));
    }
    return emit(x, v, s->footprint ? s->footprint : point, !s->footprint);
}

static int on_org(void *ud, const struct bw_org *o)
{
    struct export_ctx *x = ud;
    struct bw_str v[16];
    int rc = bw_org_to_values(o, &x->a, v);
    return rc ? rc : emit(x, v, NULL, 0);
}

static int on_dep(void *ud, const struct bw_dep *dep)
{
    struct export_ctx *x = ud;
    struct bw_str v[16];
    int rc = bw_dep_to_values(dep, &x->a, v);
    return rc ? rc : emit(x, v, NULL, 0);
}

static int on_role(void *ud, const struct bw_role *r)
{
    struct export_ctx *x = ud;
    struct bw_str v[16];
    int rc = bw_role_to_values(r, &x->a, v);
    return rc ? rc : emit(x, v, NULL, 0);
}

int bw_export(bw_store *s, enum bw_entity entity, enum bw_format format, FILE *out,
              size_t *records, struct bw_diag *d)
{
    struct export_ctx x = {.out = out, .format = format};
    int rc;

    switch (entity) {
    case BW_ENTITY_SITES:
        x.cols = bw_site_columns;
        x.ncols = bw_site_ncolumns;
        break;
    case BW_ENTITY_ORGS:
        x.cols = bw_org_columns;
        x.ncols = bw_org_ncolumns;
        break;
    case BW_ENTITY_DEPS:
        x.cols = bw_dep_columns;
        x.ncols = bw_dep_ncolumns;
        break;
    case BW_ENTITY_ROLES:
        x.cols = bw_role_columns;
        x.ncols = bw_role_ncolumns;
        break;
    }
    bw_arena_init(&x.a, 16 * 1024);
    bw_buf_init(&x.b, 64u << 20);
    rc = format == BW_FORMAT_CSV ? csv_header(&x)
                                 : bw_buf_puts(&x.b, "{\"type\":\"FeatureCollection\",\"features\":[");
    if (!rc) {
        switch (entity) {
        case BW_ENTITY_SITES:
            rc = bw_store_sites_each(s, NULL, on_site, &x);
            break;
        case BW_ENTITY_ORGS:
            rc = bw_store_orgs_each(s, on_org, &x);
            break;
        case BW_ENTITY_DEPS:
            rc = bw_store_deps_each(s, NULL, on_dep, &x);
            break;
        case BW_ENTITY_ROLES:
            rc = bw_store_roles_each(s, NULL, on_role, &x);
            break;
        }
    }
    if (!rc && format == BW_FORMAT_GEOJSON)
        rc = bw_buf_puts(&x.b, "\n]}\n");
    if (!rc)
        rc = flush(&x);
    if (!rc && fflush(out))
        rc = BW_EIO;
    if (rc)
        bw_diag_set(d, rc, NULL, "export failed: %s", bw_strerror(rc));
    *records = x.records;
    bw_arena_release(&x.a);
    bw_buf_release(&x.b);
    return rc;
}
