/*
 * measure.c — the "measures" part of the methodology pack (the good-practice catalogue)
 * and the check of a measure recorded at a site.
 *
 * The part is parsed after "threats" (pack.c's table), so every threat reference can be
 * checked: a measure acts on threat type ids or family names. Each measure carries its
 * effect (effectiveness 0..1 with the reasoning behind it, and the physical parameter
 * its kind needs: a stand-off distance, a barrier rating, a detection sensor and range),
 * an order-of-magnitude cost, a privacy-review flag (with the reason when set) and the
 * taxonomy classes and tiers it is recommended for. Diagnostics name the measure and the
 * field. The typed views point into the pack's JSON tree.
 *
 * Parsed data is immutable; all functions are thread-safe.
 */
#include "measure.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pack_internal.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

const char *const bw_measure_kinds[] = {
    "barrier",  "standoff",  "screening", "access-control", "surveillance",    "detection",
    "vetting",  "guarding",  "procedure", "training",       "crowd-management"};
const size_t bw_measure_nkinds = sizeof bw_measure_kinds / sizeof bw_measure_kinds[0];

/* Counter-UAS sensor types of methodology.md §2.7. */
static const char *const sensors[] = {"rf", "radar", "eo-ir", "acoustic"};

struct measures_part {
    struct bw_measure *measures;
    size_t n;
    const char **refs; /* threat and recommendation ids of all measures, each points in */
};

int bw_measure_kind_known(const char *kind)
{
    for (size_t i = 0; kind && i < bw_measure_nkinds; i++)
        if (strcmp(bw_measure_kinds[i], kind) == 0)
            return 1;
    return 0;
}

/* ---- parsing -------------------------------------------------------------------------- */

static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Reads the number @p key of @p o into *out: absent gives 0 (unless @p required); present
 * must be finite and >= @p min (and <= @p max). */
static int num(json_t *o, const char *key, double min, double max, int required,
               const char *id, double *out, struct bw_diag *d)
{
    json_t *v = json_object_get(o, key);
    double x;

    *out = 0;
    if (!v && !required)
        return BW_OK;
    x = json_number_value(v);
    if (!json_is_number(v) || !isfinite(x) || x < min || x > max)
        return bw_diag_set(d, BW_EINVAL, key, "measure '%s': %s must be a number in [%g, %g]",
                           id, key, min, max);
    *out = x;
    return BW_OK;
}

static int tier_index(const bw_pack *p, const char *id)
{
    size_t n;
    const struct bw_tier *t = bw_pack_tiers(p, &n);
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(t[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int parse_effect(json_t *e, struct bw_measure *m, struct bw_diag *d)
{
    json_t *b = json_object_get(e, "barrier"), *det = json_object_get(e, "detection");
    int rc;

    if (!json_is_object(e))
        return bw_diag_set(d, BW_EINVAL, "effect", "measure '%s': needs an \"effect\" object",
                           m->id);
    if ((rc = num(e, "effectiveness", 0, 1, 1, m->id, &m->effectiveness, d)) ||
        (rc = num(e, "standoff_m", 0, 1e5, 0, m->id, &m->standoff_m, d)))
        return rc;
    m->effect_note = str_member(e, "basis");
    if (!m->effect_note || !*m->effect_note)
        return bw_diag_set(d, BW_EINVAL, "basis", "measure '%s': effect needs a \"basis\" (the "
                           "reasoning or evidence behind the effectiveness)", m->id);
    if (b) {
        if (!json_is_object(b))
            return bw_diag_set(d, BW_EINVAL, "barrier", "measure '%s': barrier must be an object",
                               m->id);
        m->barrier_standard = str_member(b, "standard");
        m->barrier_rating = str_member(b, "rating");
        if (!m->barrier_standard || !*m->barrier_standard || !m->barrier_rating ||
            !*m->barrier_rating)
            return bw_diag_set(d, BW_EINVAL, "barrier", "measure '%s': barrier needs a "
                               "\"standard\" and a \"rating\"", m->id);
        if ((rc = num(b, "vehicle_kg", 1, 1e6, 1, m->id, &m->barrier_mass_kg, d)) ||
            (rc = num(b, "speed_kmh", 1, 500, 1, m->id, &m->barrier_speed_kmh, d)) ||
            (rc = num(b, "penetration_m", 0, 1e3, 1, m->id, &m->barrier_penetration_m, d)))
            return rc;
    }
    if (det) {
        size_t k;
        if (!json_is_object(det))
            return bw_diag_set(d, BW_EINVAL, "detection", "measure '%s': detection must be an "
                               "object", m->id);
        m->sensor = str_member(det, "sensor");
        for (k = 0; m->sensor && k < sizeof sensors / sizeof sensors[0]; k++)
            if (strcmp(sensors[k], m->sensor) == 0)
                break;
        if (!m->sensor || k == sizeof sensors / sizeof sensors[0])
            return bw_diag_set(d, BW_EINVAL, "sensor", "measure '%s': unknown sensor '%s' (rf, "
                               "radar, eo-ir, acoustic)", m->id, m->sensor ? m->sensor : "");
        if ((rc = num(det, "range_m", 1, 1e6, 1, m->id, &m->detection_range_m, d)))
            return rc;
    }
    /* The physical parameter a kind is defined by must be there. */
    if (strcmp(m->kind, "barrier") == 0 && !b)
        return bw_diag_set(d, BW_EINVAL, "barrier", "measure '%s': a barrier needs its rating "
                           "(effect.barrier)", m->id);
    if (strcmp(m->kind, "detection") == 0 && !det)
        return bw_diag_set(d, BW_EINVAL, "detection", "measure '%s': a detection measure needs "
                           "effect.detection (sensor, range_m)", m->id);
    if (strcmp(m->kind, "standoff") == 0 && !(m->standoff_m > 0))
        return bw_diag_set(d, BW_EINVAL, "standoff_m", "measure '%s': a stand-off measure needs "
                           "effect.standoff_m > 0", m->id);
    return BW_OK;
}

static int parse_cost(json_t *c, struct bw_measure *m, struct bw_diag *d)
{
    int rc;

    if (!json_is_object(c))
        return bw_diag_set(d, BW_EINVAL, "cost", "measure '%s': needs a \"cost\" object "
                           "(capital, yearly, currency, basis)", m->id);
    if ((rc = num(c, "capital", 0, 1e12, 1, m->id, &m->cost_capital, d)) ||
        (rc = num(c, "yearly", 0, 1e12, 1, m->id, &m->cost_yearly, d)))
        return rc;
    m->currency = str_member(c, "currency");
    if (!m->currency || strlen(m->currency) != 3 || m->currency[0] < 'A' || m->currency[0] > 'Z' ||
        m->currency[1] < 'A' || m->currency[1] > 'Z' || m->currency[2] < 'A' ||
        m->currency[2] > 'Z')
        return bw_diag_set(d, BW_EINVAL, "currency", "measure '%s': currency must be an ISO 4217 "
                           "code such as EUR", m->id);
    m->cost_note = str_member(c, "basis");
    if (!m->cost_note || !*m->cost_note)
        return bw_diag_set(d, BW_EINVAL, "basis", "measure '%s': cost needs a \"basis\"", m->id);
    return BW_OK;
}

/* Reads list @p key of ids into refs[*used..], checking each with @p ok. */
static int read_refs(const bw_pack *p, json_t *e, const char *key, struct bw_measure *m,
                     const char **refs, size_t *used, int (*ok)(const bw_pack *, const char *),
                     const char *what, struct bw_diag *d)
{
    json_t *arr = json_object_get(e, key), *v;
    size_t i;

    if (!json_is_array(arr))
        return bw_diag_set(d, BW_EINVAL, key, "measure '%s': \"%s\" must be a list", m->id, key);
    json_array_foreach(arr, i, v) {
        const char *id = json_string_value(v);
        if (!id || !ok(p, id))
            return bw_diag_set(d, BW_EREF, key, "measure '%s': %s '%s' is unknown", m->id, what,
                               id ? id : "?");
        refs[(*used)++] = id;
    }
    return BW_OK;
}

static int threat_ref_ok(const bw_pack *p, const char *id)
{
    return bw_pack_threat(p, id) || bw_threat_family_known(id);
}

static int recommend_ref_ok(const bw_pack *p, const char *id)
{
    return bw_pack_class(p, id, strlen(id)) || tier_index(p, id) >= 0;
}

static void measures_free(void *parsed)
{
    struct measures_part *mp = parsed;
    if (!mp)
        return;
    bw_free(mp->measures);
    bw_free((void *)mp->refs);
    bw_free(mp);
}

static int measures_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    json_t *arr = json_object_get(j, "measures"), *e;
    struct measures_part *mp;
    size_t i, cap = 0, used = 0, nthreats;
    int rc;

    *out = NULL;
    if (!j)
        return BW_OK;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bw_diag_set(d, BW_EINVAL, "measures", "the measures part needs a non-empty "
                           "\"measures\" list");
    if (json_array_size(arr) > BW_LIST_ITEMS_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "measures", "more than %d measures", BW_LIST_ITEMS_MAX);
    bw_pack_threats(p, &nthreats);
    if (!nthreats)
        return bw_diag_set(d, BW_EREF, "measures", "the measures part needs the threats part "
                           "(pack.json \"files\": \"threats\")");
    json_array_foreach(arr, i, e) {
        cap += json_array_size(json_object_get(e, "threats"));
        cap += json_array_size(json_object_get(e, "recommended_for"));
    }
    mp = bw_calloc(1, sizeof *mp);
    if (!mp)
        return BW_ENOMEM;
    *out = mp; /* freed with the pack, also when parsing fails half-way */
    mp->measures = bw_calloc(json_array_size(arr), sizeof *mp->measures);
    mp->refs = bw_calloc(cap + 1, sizeof *mp->refs);
    if (!mp->measures || !mp->refs)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_measure *m = &mp->measures[i];
        json_t *priv;
        size_t start;
        static const char *const keys[] = {"id", "name", "source"};
        if (!json_is_object(e))
            return bw_diag_set(d, BW_EINVAL, "measures", "measure %zu is not an object", i);
        for (size_t k = 0; k < 3; k++) {
            const char *s = str_member(e, keys[k]);
            if (!s || !*s)
                return bw_diag_set(d, BW_EINVAL, keys[k], "measure %zu has no \"%s\"", i, keys[k]);
        }
        m->id = str_member(e, "id");
        m->name = str_member(e, "name");
        m->source = str_member(e, "source");
        m->kind = str_member(e, "kind");
        if (strlen(m->id) > BW_ID_MAX || strpbrk(m->id, ";*, \t\n"))
            return bw_diag_set(d, BW_EINVAL, "id", "measure %zu: bad id '%s'", i, m->id);
        for (size_t k = 0; k < i; k++)
            if (strcmp(mp->measures[k].id, m->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "id", "measure id '%s' appears twice", m->id);
        if (!bw_measure_kind_known(m->kind))
            return bw_diag_set(d, BW_EINVAL, "kind", "measure '%s': unknown kind '%s'", m->id,
                               m->kind ? m->kind : "");
        start = used;
        if ((rc = read_refs(p, e, "threats", m, mp->refs, &used, threat_ref_ok,
                            "threat type or family", d)))
            return rc;
        m->threats = mp->refs + start;
        m->nthreats = used - start;
        if (!m->nthreats)
            return bw_diag_set(d, BW_EINVAL, "threats", "measure '%s': acts on no threat", m->id);
        start = used;
        if ((rc = read_refs(p, e, "recommended_for", m, mp->refs, &used, recommend_ref_ok,
                            "class or tier", d)))
            return rc;
        m->recommended_for = mp->refs + start;
        m->nrecommended = used - start;
        if ((rc = parse_effect(json_object_get(e, "effect"), m, d)) ||
            (rc = parse_cost(json_object_get(e, "cost"), m, d)))
            return rc;
        priv = json_object_get(e, "privacy");
        if (!json_is_object(priv) || !json_is_boolean(json_object_get(priv, "review")))
            return bw_diag_set(d, BW_EINVAL, "privacy", "measure '%s': needs \"privacy\": "
                               "{\"review\": true|false}", m->id);
        m->privacy_review = json_is_true(json_object_get(priv, "review"));
        m->privacy_note = str_member(priv, "reason");
        if (m->privacy_review && (!m->privacy_note || !*m->privacy_note))
            return bw_diag_set(d, BW_EINVAL, "reason", "measure '%s': a privacy review needs its "
                               "\"reason\"", m->id);
        mp->n = i + 1;
    }
    return BW_OK;
}

const struct bw_pack_part bw_pack_part_measures = {"measures", 0, measures_parse, measures_free};

/* ---- lookups -------------------------------------------------------------------------- */

const struct bw_measure *bw_pack_measures(const bw_pack *p, size_t *n)
{
    const struct measures_part *mp = bw_pack_part_get(p, "measures");
    *n = mp ? mp->n : 0;
    return mp ? mp->measures : NULL;
}

const struct bw_measure *bw_pack_measure(const bw_pack *p, const char *id)
{
    size_t n;
    const struct bw_measure *m = bw_pack_measures(p, &n);
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(m[i].id, id) == 0)
            return &m[i];
    return NULL;
}

int bw_measure_acts_on(const bw_pack *p, const struct bw_measure *m, const struct bw_threat *t)
{
    (void)p;
    for (size_t i = 0; i < m->nthreats; i++)
        if (strcmp(m->threats[i], t->id) == 0 || strcmp(m->threats[i], t->family) == 0)
            return 1;
    return 0;
}

int bw_measure_recommended(const bw_pack *p, const struct bw_measure *m, const char *class_id,
                           const char *tier)
{
    const struct bw_class *c = class_id ? bw_pack_class(p, class_id, strlen(class_id)) : NULL;
    int ti = tier_index(p, tier);

    for (size_t i = 0; i < m->nrecommended; i++) {
        const char *r = m->recommended_for[i];
        int ri;
        if (bw_pack_class(p, r, strlen(r))) {
            if (c && bw_pack_class_in_sector(p, c, r))
                return 1;
            continue;
        }
        /* Tiers are listed highest first: a site at index ti <= ri is at that tier or above. */
        ri = tier_index(p, r);
        if (ri >= 0 && ti >= 0 && ti <= ri)
            return 1;
    }
    return 0;
}

int bw_site_measure_check(const bw_pack *p, const struct bw_site_measure *m,
                          struct bw_diag *d)
{
    if (!m->site || !*m->site || strlen(m->site) > BW_ID_MAX)
        return bw_diag_set(d, BW_EINVAL, "site", "a site id (1..%d bytes) is required", BW_ID_MAX);
    if (!m->measure || !bw_pack_measure(p, m->measure))
        return bw_diag_set(d, BW_EREF, "measure", "unknown measure '%s' (see `bulwark measures "
                           "list`)", m->measure ? m->measure : "");
    if (!(m->quality >= 0 && m->quality <= 1)) /* also refuses NaN */
        return bw_diag_set(d, BW_ERANGE, "quality", "quality %g is outside 0..1", m->quality);
    if (m->date && !bw_date_valid(m->date))
        return bw_diag_set(d, BW_EINVAL, "date", "'%s' is not a date (YYYY-MM-DD)", m->date);
    if (m->note && strlen(m->note) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "note", "note longer than %d bytes", BW_TEXT_MAX);
    return BW_OK;
}
