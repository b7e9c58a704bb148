/*
 * effects_pack.c — the "effects" part of a methodology pack (effects_pack.h).
 *
 * Parses packs/default/effects.json into typed arrays that point into the pack's
 * jansson tree (nothing is copied): stand-off charts and their rows, injury and damage
 * thresholds, Fruin levels, critical densities, counter-UAS sensors, the RF link budget
 * and the assumptions. Every entry must carry an id, a name and a source; numbers are
 * checked for sign and order, and each stand-off row's metric and imperial figures must
 * agree to within 2 % (1 ft = 0.3048 m, 1 lb = 0.45359237 kg), which catches a
 * mistyped figure (the charts round to the metre and to the tenth of a kilogram).
 * The part is optional; when present it is validated in full, so a broken part is
 * refused at `bulwark init`. The result is immutable and thread-safe to read.
 */
#include "effects_pack.h"
#include "pack_internal.h"
#include "alloc.h"
#include "error.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <strings.h>

struct effects {
    struct bw_standoff_chart *charts;
    size_t ncharts;
    struct bw_standoff_row *rows; /* all charts' rows, chart after chart */
    struct bw_blast_level *injury, *damage;
    size_t ninjury, ndamage;
    struct bw_fruin_level *fruin;
    size_t nfruin;
    struct bw_crowd_density *densities;
    size_t ndensities;
    struct bw_cuas_sensor *sensors;
    size_t nsensors;
    struct bw_rf_budget rf;
    double *bands;
    int has_rf;
    struct bw_effects_assumption *assumptions;
    size_t nassumptions;
};

static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A number member; *ok is cleared when it is absent or not a number (unless optional). */
static double num_member(json_t *o, const char *key, int optional, int *ok)
{
    json_t *v = json_object_get(o, key);
    if (!v && optional)
        return 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        *ok = 0;
        return 0;
    }
    return json_number_value(v);
}

/* Checks an entry is an object with non-empty id, name and source. */
static int entry_ok(json_t *e, const char *where, size_t i, struct bw_diag *d)
{
    static const char *const keys[] = {"id", "name", "source"};
    if (!json_is_object(e))
        return bw_diag_set(d, BW_EINVAL, where, "entry %zu is not an object", i);
    for (size_t k = 0; k < 3; k++) {
        const char *s = str_member(e, keys[k]);
        if (!s || !*s)
            return bw_diag_set(d, BW_EINVAL, where, "entry %zu has no \"%s\"", i, keys[k]);
    }
    return BW_OK;
}

/* Allocates n (at least 1) zeroed elements of size sz for the list @p arr. */
static int list_alloc(json_t *arr, const char *where, int optional, size_t sz, struct bw_diag *d,
                      void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!arr && optional)
        return BW_OK;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bw_diag_set(d, BW_EINVAL, where, "missing or empty list");
    *n = json_array_size(arr);
    *out = bw_calloc(*n, sz);
    return *out ? BW_OK : BW_ENOMEM;
}

/* Metric and imperial figures of one published value agree within 2 %. */
static int agrees(double metric, double imperial, double factor)
{
    return fabs(metric - imperial * factor) <= 0.02 * imperial * factor;
}

static int parse_row(json_t *e, const char *chart, size_t i, struct bw_standoff_row *r,
                     struct bw_diag *d)
{
    int ok = 1, rc;

    if ((rc = entry_ok(e, "standoff_charts", i, d)))
        return rc;
    *r = (struct bw_standoff_row){
        .id = str_member(e, "id"),
        .name = str_member(e, "name"),
        .tnt_kg = num_member(e, "tnt_kg", 0, &ok),
        .tnt_lb = num_member(e, "tnt_lb", 0, &ok),
        .near_m = num_member(e, "near_m", 0, &ok),
        .near_ft = num_member(e, "near_ft", 0, &ok),
        .far_m = num_member(e, "far_m", 0, &ok),
        .far_ft = num_member(e, "far_ft", 0, &ok),
        .source = str_member(e, "source"),
        .note = str_member(e, "note"),
    };
    if (!ok || !(r->tnt_kg > 0) || !(r->near_m > 0) || !(r->far_m > r->near_m))
        return bw_diag_set(d, BW_EINVAL, "standoff_charts",
                           "chart %s, row '%s': needs tnt_kg, tnt_lb, near_m, near_ft, far_m, "
                           "far_ft, all > 0, with far_m > near_m",
                           chart, r->id);
    if (!agrees(r->tnt_kg, r->tnt_lb, 0.45359237) || !agrees(r->near_m, r->near_ft, 0.3048) ||
        !agrees(r->far_m, r->far_ft, 0.3048))
        return bw_diag_set(d, BW_EINVAL, "standoff_charts",
                           "chart %s, row '%s': metric and imperial figures differ by more "
                           "than 2 %%",
                           chart, r->id);
    return BW_OK;
}

static int parse_charts(struct effects *x, json_t *arr, struct bw_diag *d)
{
    size_t i, j, total = 0, at = 0;
    json_t *c, *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, "standoff_charts", 0, sizeof *x->charts, d, &mem, &x->ncharts)))
        return rc;
    x->charts = mem;
    json_array_foreach(arr, i, c) {
        json_t *rows = json_object_get(c, "rows");
        if ((rc = entry_ok(c, "standoff_charts", i, d)))
            return rc;
        if (!json_is_array(rows) || json_array_size(rows) == 0 || !str_member(c, "near") ||
            !str_member(c, "far"))
            return bw_diag_set(d, BW_EINVAL, "standoff_charts",
                               "chart '%s' needs \"near\", \"far\" and a non-empty \"rows\" list",
                               str_member(c, "id"));
        total += json_array_size(rows);
    }
    x->rows = bw_calloc(total, sizeof *x->rows);
    if (!x->rows)
        return BW_ENOMEM;
    json_array_foreach(arr, i, c) {
        json_t *rows = json_object_get(c, "rows");
        struct bw_standoff_chart *ch = &x->charts[i];
        *ch = (struct bw_standoff_chart){str_member(c, "id"),   str_member(c, "name"),
                                         str_member(c, "near"), str_member(c, "far"),
                                         str_member(c, "note"), str_member(c, "source"),
                                         &x->rows[at],          json_array_size(rows)};
        for (size_t k = 0; k < i; k++)
            if (strcmp(x->charts[k].id, ch->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "standoff_charts", "chart '%s' appears twice",
                                   ch->id);
        json_array_foreach(rows, j, e) {
            if ((rc = parse_row(e, ch->id, j, &x->rows[at + j], d)))
                return rc;
            for (size_t k = 0; k < j; k++)
                if (strcmp(x->rows[at + k].id, x->rows[at + j].id) == 0)
                    return bw_diag_set(d, BW_EINVAL, "standoff_charts",
                                       "chart %s: row '%s' appears twice", ch->id,
                                       x->rows[at + j].id);
        }
        at += json_array_size(rows);
    }
    return BW_OK;
}

static int parse_levels(json_t *arr, const char *where, struct bw_diag *d,
                        struct bw_blast_level **out, size_t *n)
{
    size_t i;
    json_t *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, where, 0, sizeof **out, d, &mem, n)))
        return rc;
    *out = mem;
    json_array_foreach(arr, i, e) {
        struct bw_blast_level *l = &(*out)[i];
        int ok = 1;
        if ((rc = entry_ok(e, where, i, d)))
            return rc;
        *l = (struct bw_blast_level){str_member(e, "id"),
                                     str_member(e, "name"),
                                     num_member(e, "kpa", 0, &ok),
                                     num_member(e, "kpa_high", 1, &ok),
                                     num_member(e, "psi", 1, &ok),
                                     str_member(e, "source")};
        if (!ok || !(l->kpa > 0) || l->kpa_high < 0 || (l->kpa_high && l->kpa_high <= l->kpa) ||
            l->psi < 0)
            return bw_diag_set(d, BW_EINVAL, where,
                               "level '%s': kpa must be > 0 and kpa_high, if given, above it",
                               l->id);
        if (l->psi > 0 && fabs(l->psi * 6.894757 - l->kpa) > 0.01 * l->kpa)
            return bw_diag_set(d, BW_EINVAL, where, "level '%s': psi and kpa disagree", l->id);
        if (i && l->kpa < (*out)[i - 1].kpa)
            return bw_diag_set(d, BW_EINVAL, where, "levels must be in ascending kpa ('%s')",
                               l->id);
    }
    return BW_OK;
}

static int parse_fruin(struct effects *x, json_t *arr, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, "fruin_los", 0, sizeof *x->fruin, d, &mem, &x->nfruin)))
        return rc;
    x->fruin = mem;
    json_array_foreach(arr, i, e) {
        struct bw_fruin_level *f = &x->fruin[i];
        int ok = 1;
        if ((rc = entry_ok(e, "fruin_los", i, d)))
            return rc;
        *f = (struct bw_fruin_level){str_member(e, "id"),
                                     str_member(e, "name"),
                                     num_member(e, "area_ft2_min", 0, &ok),
                                     num_member(e, "area_ft2_max", 1, &ok),
                                     num_member(e, "density_min", 0, &ok),
                                     num_member(e, "density_max", 1, &ok),
                                     num_member(e, "flow_m_min", 0, &ok),
                                     num_member(e, "flow_m_max", 1, &ok),
                                     str_member(e, "source")};
        if (!ok || f->area_ft2_min < 0 || f->density_min < 0 ||
            (i && f->density_min != x->fruin[i - 1].density_max))
            return bw_diag_set(d, BW_EINVAL, "fruin_los",
                               "level '%s': needs area_ft2_min, density_min and flow_m_min >= 0, "
                               "densities contiguous with the level before",
                               f->id);
    }
    return BW_OK;
}

static int parse_densities(struct effects *x, json_t *arr, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, "crowd_densities", 0, sizeof *x->densities, d, &mem,
                         &x->ndensities)))
        return rc;
    x->densities = mem;
    json_array_foreach(arr, i, e) {
        struct bw_crowd_density *c = &x->densities[i];
        int ok = 1;
        if ((rc = entry_ok(e, "crowd_densities", i, d)))
            return rc;
        *c = (struct bw_crowd_density){str_member(e, "id"), str_member(e, "name"),
                                       num_member(e, "density", 0, &ok),
                                       num_member(e, "density_high", 1, &ok),
                                       str_member(e, "source")};
        if (!ok || !(c->density > 0) || (i && c->density < x->densities[i - 1].density))
            return bw_diag_set(d, BW_EINVAL, "crowd_densities",
                               "'%s': density must be > 0 and ascending", c->id);
    }
    return BW_OK;
}

static int parse_sensors(struct effects *x, json_t *arr, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, "cuas_sensors", 0, sizeof *x->sensors, d, &mem, &x->nsensors)))
        return rc;
    x->sensors = mem;
    json_array_foreach(arr, i, e) {
        struct bw_cuas_sensor *s = &x->sensors[i];
        int ok = 1;
        if ((rc = entry_ok(e, "cuas_sensors", i, d)))
            return rc;
        *s = (struct bw_cuas_sensor){str_member(e, "id"),
                                     str_member(e, "name"),
                                     num_member(e, "range_min_m", 0, &ok),
                                     num_member(e, "range_max_m", 0, &ok),
                                     str_member(e, "note"),
                                     str_member(e, "source")};
        if (!ok || !(s->range_min_m > 0) || s->range_max_m < s->range_min_m)
            return bw_diag_set(d, BW_EINVAL, "cuas_sensors",
                               "'%s': needs 0 < range_min_m <= range_max_m", s->id);
    }
    return BW_OK;
}

static int parse_rf(struct effects *x, json_t *o, struct bw_diag *d)
{
    json_t *bands = json_object_get(o, "bands_mhz"), *b;
    int ok = 1;
    size_t i;

    if (!o)
        return BW_OK;
    x->rf = (struct bw_rf_budget){num_member(o, "eirp_dbm", 0, &ok),
                                  num_member(o, "sensitivity_dbm", 0, &ok),
                                  num_member(o, "rx_gain_dbi", 1, &ok),
                                  num_member(o, "margin_db", 1, &ok),
                                  NULL,
                                  0,
                                  str_member(o, "source")};
    if (!ok || !x->rf.source || !*x->rf.source || x->rf.margin_db < 0 || !json_is_array(bands) ||
        json_array_size(bands) == 0)
        return bw_diag_set(d, BW_EINVAL, "rf_detection",
                           "needs eirp_dbm, sensitivity_dbm, bands_mhz, a source and margin_db "
                           ">= 0");
    x->bands = bw_calloc(json_array_size(bands), sizeof *x->bands);
    if (!x->bands)
        return BW_ENOMEM;
    json_array_foreach(bands, i, b) {
        if (!json_is_number(b) || !(json_number_value(b) > 0))
            return bw_diag_set(d, BW_EINVAL, "rf_detection", "band %zu must be a frequency > 0",
                               i);
        x->bands[i] = json_number_value(b);
    }
    x->rf.bands_mhz = x->bands;
    x->rf.nbands = json_array_size(bands);
    x->has_rf = 1;
    return BW_OK;
}

static int parse_assumptions(struct effects *x, json_t *arr, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    void *mem;
    int rc;

    if ((rc = list_alloc(arr, "assumptions", 1, sizeof *x->assumptions, d, &mem,
                         &x->nassumptions)))
        return rc;
    x->assumptions = mem;
    json_array_foreach(arr, i, e) {
        struct bw_effects_assumption *a = &x->assumptions[i];
        int ok = 1;
        if ((rc = entry_ok(e, "assumptions", i, d)))
            return rc;
        *a = (struct bw_effects_assumption){str_member(e, "id"), str_member(e, "name"),
                                            num_member(e, "value", 0, &ok),
                                            str_member(e, "unit"), str_member(e, "source")};
        if (!ok || !a->unit || a->value < 0)
            return bw_diag_set(d, BW_EINVAL, "assumptions",
                               "'%s': needs a value >= 0 and a unit", a->id);
    }
    return BW_OK;
}

static void effects_free(void *parsed)
{
    struct effects *x = parsed;
    if (!x)
        return;
    bw_free(x->charts);
    bw_free(x->rows);
    bw_free(x->injury);
    bw_free(x->damage);
    bw_free(x->fruin);
    bw_free(x->densities);
    bw_free(x->sensors);
    bw_free(x->bands);
    bw_free(x->assumptions);
    bw_free(x);
}

static int effects_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    struct effects *x;
    int rc;

    (void)p;
    *out = NULL;
    if (!j)
        return BW_OK;
    if (!json_is_object(j))
        return bw_diag_set(d, BW_EINVAL, "effects", "the effects part must be an object");
    x = bw_calloc(1, sizeof *x);
    if (!x)
        return BW_ENOMEM;
    if ((rc = parse_charts(x, json_object_get(j, "standoff_charts"), d)) ||
        (rc = parse_levels(json_object_get(j, "injury"), "injury", d, &x->injury,
                           &x->ninjury)) ||
        (rc = parse_levels(json_object_get(j, "damage"), "damage", d, &x->damage,
                           &x->ndamage)) ||
        (rc = parse_fruin(x, json_object_get(j, "fruin_los"), d)) ||
        (rc = parse_densities(x, json_object_get(j, "crowd_densities"), d)) ||
        (rc = parse_sensors(x, json_object_get(j, "cuas_sensors"), d)) ||
        (rc = parse_rf(x, json_object_get(j, "rf_detection"), d)) ||
        (rc = parse_assumptions(x, json_object_get(j, "assumptions"), d))) {
        effects_free(x);
        return rc;
    }
    *out = x;
    return BW_OK;
}

const struct bw_pack_part bw_pack_part_effects = {"effects", 0, effects_parse, effects_free};

/* ---- accessors -------------------------------------------------------------------- */

static const struct effects *get(const bw_pack *p)
{
    return p ? bw_pack_part_get(p, "effects") : NULL;
}

#define LIST(fn, type, field, count)                                                               \
    const type *fn(const bw_pack *p, size_t *n)                                                    \
    {                                                                                              \
        const struct effects *x = get(p);                                                          \
        *n = x ? x->count : 0;                                                                     \
        return x && x->count ? x->field : NULL;                                                    \
    }

LIST(bw_pack_standoff_charts, struct bw_standoff_chart, charts, ncharts)
LIST(bw_pack_injury_levels, struct bw_blast_level, injury, ninjury)
LIST(bw_pack_damage_levels, struct bw_blast_level, damage, ndamage)
LIST(bw_pack_fruin_levels, struct bw_fruin_level, fruin, nfruin)
LIST(bw_pack_crowd_densities, struct bw_crowd_density, densities, ndensities)
LIST(bw_pack_cuas_sensors, struct bw_cuas_sensor, sensors, nsensors)
LIST(bw_pack_effects_assumptions, struct bw_effects_assumption, assumptions, nassumptions)
#undef LIST

const struct bw_standoff_chart *bw_pack_standoff_chart(const bw_pack *p, const char *chart)
{
    size_t n;
    const struct bw_standoff_chart *c = bw_pack_standoff_charts(p, &n);
    for (size_t i = 0; chart && i < n; i++)
        if (strcmp(c[i].id, chart) == 0)
            return &c[i];
    return NULL;
}

const struct bw_standoff_row *bw_pack_standoff(const bw_pack *p, const char *chart, size_t *n)
{
    const struct bw_standoff_chart *c = bw_pack_standoff_chart(p, chart);
    *n = c ? c->nrows : 0;
    return c ? c->rows : NULL;
}

const struct bw_standoff_row *bw_pack_standoff_row(const bw_pack *p, const char *chart,
                                                   const char *name)
{
    size_t n;
    const struct bw_standoff_row *r = bw_pack_standoff(p, chart, &n);
    if (!name)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, name) == 0)
            return &r[i];
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(r[i].name, name) == 0)
            return &r[i];
    return NULL;
}

const struct bw_blast_level *bw_blast_level_reached(const struct bw_blast_level *levels,
                                                    size_t n, double kpa)
{
    const struct bw_blast_level *best = NULL;
    for (size_t i = 0; levels && i < n; i++)
        if (levels[i].kpa <= kpa)
            best = &levels[i];
    return best;
}

const struct bw_cuas_sensor *bw_pack_cuas_sensor(const bw_pack *p, const char *id)
{
    size_t n;
    const struct bw_cuas_sensor *s = bw_pack_cuas_sensors(p, &n);
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(s[i].id, id) == 0)
            return &s[i];
    return NULL;
}

const struct bw_rf_budget *bw_pack_rf_budget(const bw_pack *p)
{
    const struct effects *x = get(p);
    return x && x->has_rf ? &x->rf : NULL;
}

double bw_pack_effects_assumption(const bw_pack *p, const char *id, double fallback)
{
    size_t n;
    const struct bw_effects_assumption *a = bw_pack_effects_assumptions(p, &n);
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(a[i].id, id) == 0)
            return a[i].value;
    return fallback;
}
