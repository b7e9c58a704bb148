/*
 * warning.c — warnings from document to signed CAP message (warning.h).
 *
 * The document is read with jansson (duplicate keys refused), member by member against
 * a table of allowed names, each value checked against the CAP 1.2 vocabularies of
 * cap.h and the pack's taxonomy; the checked document is kept as compact JSON with
 * sorted keys so that what is stored is exactly what was checked.
 *
 * Targeting walks the register through the store's R*Tree: each circle becomes its
 * bounding boxes (bw_geo_bbox_radius) and each site in them is kept when its geodesic
 * distance is within the radius; each polygon becomes its bounding box and each site in
 * it is kept when the polygon contains it (bw_polygon_contains). Matched sites give their
 * operator and the organisations with a role there; organisations are then sorted and
 * made unique (the first reason found is kept), so an area with 10,000 operators costs
 * one R*Tree walk and one sort.
 *
 * Publishing asks share.h whether the step is allowed, builds the CAP alert (scope
 * Public for TLP:CLEAR, Private with the named users' addresses for TLP:RED, Restricted
 * otherwise; the TLP also as a <code>), writes it with the CAP writer, signs the exact
 * bytes with the Ed25519 key under the key directory (created on first use), and hands
 * everything to the store in one transaction.
 */
#include "warning.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "geo.h"
#include "isotime.h"
#include "json_jansson.h"
#include "share.h"
#include "sign.h"
#include "user.h"

#include <jansson.h>
#include <sodium.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- the document ------------------------------------------------------------------------ */

const char *const bw_warning_doc_members[] = {
    "tlp",      "national",  "exercise",   "event",       "headline", "description",
    "instruction", "web",    "contact",    "language",    "category", "urgency",
    "severity", "certainty", "response",   "expires",     "ack_minutes", "area",
    "sectors",  "categories", "orgs",      "users",       "org",      "report",
    NULL};

static char *adup(struct bw_arena *a, const char *s)
{
    return bw_arena_strndup(a, s, strlen(s));
}

/* A string member: absent → NULL (BW_EINVAL when @p required). */
static int get_str(json_t *o, const char *key, size_t max, int required, struct bw_arena *a,
                   const char **out, struct bw_diag *d)
{
    json_t *v = json_object_get(o, key);
    const char *s;

    *out = NULL;
    if (!v) {
        if (required)
            return bw_diag_set(d, BW_EINVAL, key, "'%s' is required", key);
        return BW_OK;
    }
    if (!json_is_string(v))
        return bw_diag_set(d, BW_EINVAL, key, "'%s' must be a string", key);
    s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return bw_diag_set(d, BW_EINVAL, key, "'%s' contains a NUL character", key);
    if (strlen(s) > max)
        return bw_diag_set(d, BW_ETOOBIG, key, "'%s' is longer than %zu bytes", key, max);
    if (required && !*s)
        return bw_diag_set(d, BW_EINVAL, key, "'%s' must not be empty", key);
    *out = adup(a, s);
    return *out ? BW_OK : BW_ENOMEM;
}

static int get_bool(json_t *o, const char *key, int dflt, int *out, struct bw_diag *d)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return BW_OK;
    }
    if (!json_is_boolean(v))
        return bw_diag_set(d, BW_EINVAL, key, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return BW_OK;
}

/* An enumeration member named as the CAP schema spells it. */
static int get_enum(json_t *o, const char *key, const char *const *names, size_t n, int dflt,
                    int *out, struct bw_diag *d)
{
    json_t *v = json_object_get(o, key);
    int i;

    if (!v) {
        if (dflt < 0)
            return bw_diag_set(d, BW_EINVAL, key, "'%s' is required", key);
        *out = dflt;
        return BW_OK;
    }
    i = json_is_string(v) ? bw_cap_enum_find(names, n, json_string_value(v)) : -1;
    if (i < 0) {
        char list[200] = "";
        size_t used = 0;
        for (size_t k = 0; k < n && used < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
            if (w > 0)
                used += (size_t)w;
        }
        return bw_diag_set(d, BW_EINVAL, key, "'%s' must be one of %s", key, list);
    }
    *out = i;
    return BW_OK;
}

/* A list of id strings (each 1..BW_ID_MAX bytes). */
static int get_list(json_t *o, const char *key, struct bw_arena *a, const char ***out,
                    size_t *n, struct bw_diag *d)
{
    json_t *v = json_object_get(o, key), *e;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!v)
        return BW_OK;
    if (!json_is_array(v))
        return bw_diag_set(d, BW_EINVAL, key, "'%s' must be an array of strings", key);
    if (json_array_size(v) > BW_WARNING_LIST_MAX)
        return bw_diag_set(d, BW_ETOOBIG, key, "'%s' has more than %d entries", key,
                           BW_WARNING_LIST_MAX);
    *out = bw_arena_alloc(a, (json_array_size(v) + 1) * sizeof **out);
    if (!*out)
        return BW_ENOMEM;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e) || !*json_string_value(e) || json_string_length(e) > 256)
            return bw_diag_set(d, BW_EINVAL, key,
                               "'%s'[%zu] must be a non-empty string of at most 256 bytes", key,
                               i);
        if (!((*out)[i] = adup(a, json_string_value(e))))
            return BW_ENOMEM;
    }
    *n = json_array_size(v);
    return BW_OK;
}

static int get_num(json_t *v, const char *field, double lo, double hi, double *out,
                   struct bw_diag *d)
{
    if (!json_is_number(v))
        return bw_diag_set(d, BW_EINVAL, field, "%s must be a number", field);
    *out = json_number_value(v);
    if (!(*out >= lo && *out <= hi))
        return bw_diag_set(d, BW_ERANGE, field, "%s must be within %g..%g", field, lo, hi);
    return BW_OK;
}

static int parse_area(json_t *v, struct bw_arena *a, struct bw_cap_area *ar, struct bw_diag *d)
{
    static const char *const keys[] = {"description", "circles", "polygons", NULL};
    const char *k;
    json_t *x, *c, *pl;
    char f[96];
    int rc;
    size_t i, j;

    if (!json_is_object(v))
        return bw_diag_set(d, BW_EINVAL, "area", "'area' must be an object");
    json_object_foreach(v, k, x) {
        size_t m = 0;
        while (keys[m] && strcmp(keys[m], k))
            m++;
        if (!keys[m])
            return bw_diag_set(d, BW_EINVAL, "area", "unknown member 'area.%.64s' (description, "
                               "circles, polygons)", k);
    }
    memset(ar, 0, sizeof *ar);
    if ((rc = get_str(v, "description", 1024, 1, a, &ar->desc, d)))
        return bw_diag_set(d, rc, "area.description", "'area.description' is required: a "
                           "few words naming the area");
    c = json_object_get(v, "circles");
    if (c) {
        struct bw_cap_circle *cs;
        if (!json_is_array(c) || json_array_size(c) > BW_WARNING_LIST_MAX)
            return bw_diag_set(d, BW_EINVAL, "area.circles", "'area.circles' must be an array "
                               "of at most %d circles", BW_WARNING_LIST_MAX);
        cs = bw_arena_alloc(a, (json_array_size(c) + 1) * sizeof *cs);
        if (!cs)
            return BW_ENOMEM;
        json_array_foreach(c, i, x) {
            snprintf(f, sizeof f, "area.circles[%zu]", i);
            if (!json_is_object(x) || json_object_size(x) != 3)
                return bw_diag_set(d, BW_EINVAL, f, "%s must be {\"lat\", \"lon\", \"radius_km\"}",
                                   f);
            if ((rc = get_num(json_object_get(x, "lat"), "lat", -90, 90, &cs[i].lat, d)) ||
                (rc = get_num(json_object_get(x, "lon"), "lon", -180, 180, &cs[i].lon, d)) ||
                (rc = get_num(json_object_get(x, "radius_km"), "radius_km", 0, 20000,
                              &cs[i].radius_km, d)))
                return bw_diag_set(d, rc, f, "%s: %s", f, d->msg);
        }
        ar->circles = cs;
        ar->n_circles = json_array_size(c);
    }
    pl = json_object_get(v, "polygons");
    if (pl) {
        struct bw_cap_polygon *ps;
        size_t total = 0;
        if (!json_is_array(pl) || json_array_size(pl) > BW_WARNING_LIST_MAX)
            return bw_diag_set(d, BW_EINVAL, "area.polygons", "'area.polygons' must be an "
                               "array of polygons");
        ps = bw_arena_alloc(a, (json_array_size(pl) + 1) * sizeof *ps);
        if (!ps)
            return BW_ENOMEM;
        json_array_foreach(pl, i, x) {
            struct bw_cap_point *pt;
            json_t *p;
            snprintf(f, sizeof f, "area.polygons[%zu]", i);
            if (!json_is_array(x) || json_array_size(x) < 4)
                return bw_diag_set(d, BW_EINVAL, f, "%s must be an array of at least 4 [lat, "
                                   "lon] points, the last equal to the first", f);
            total += json_array_size(x);
            if (json_array_size(x) > BW_CAP_MAX_POINTS || total > BW_CAP_MAX_POINTS)
                return bw_diag_set(d, BW_ETOOBIG, f, "the area has more than %u points",
                                   (unsigned)BW_CAP_MAX_POINTS);
            pt = bw_arena_alloc(a, json_array_size(x) * sizeof *pt);
            if (!pt)
                return BW_ENOMEM;
            json_array_foreach(x, j, p) {
                if (!json_is_array(p) || json_array_size(p) != 2 ||
                    get_num(json_array_get(p, 0), "lat", -90, 90, &pt[j].lat, d) ||
                    get_num(json_array_get(p, 1), "lon", -180, 180, &pt[j].lon, d))
                    return bw_diag_set(d, BW_EINVAL, f, "%s[%zu] must be [lat, lon] in "
                                       "degrees (lat -90..90, lon -180..180)", f, j);
            }
            if (pt[0].lat != pt[j - 1].lat || pt[0].lon != pt[j - 1].lon)
                return bw_diag_set(d, BW_EINVAL, f, "%s is not closed: its last point must "
                                   "equal its first", f);
            ps[i] = (struct bw_cap_polygon){pt, json_array_size(x)};
        }
        ar->polygons = ps;
        ar->n_polygons = json_array_size(pl);
    }
    if (!ar->n_circles && !ar->n_polygons)
        return bw_diag_set(d, BW_EINVAL, "area", "an area needs at least one circle or polygon");
    return BW_OK;
}

/* Every id of @p list must be a pack class of @p kind (0: any kind). */
static int check_classes(const bw_pack *p, const char *key, const char **list, size_t n,
                         int kind, struct bw_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        const struct bw_class *c = bw_pack_class(p, list[i], strlen(list[i]));
        if (!c || (kind && (int)c->kind != kind))
            return bw_diag_set(d, BW_EREF, key, "'%s' is not a %s of the pack (see `bulwark "
                               "taxonomy`)", list[i], kind == BW_CLASS_SECTOR ? "sector"
                                                                             : "category");
    }
    return BW_OK;
}

int bw_warning_doc_parse(const bw_pack *p, const char *json, size_t n, const char *name,
                         struct bw_arena *a, struct bw_warning_doc *out, struct bw_diag *d)
{
    json_error_t je;
    json_t *o, *v;
    const char *k, *tlp = NULL;
    char *canon;
    int rc, i;

    memset(out, 0, sizeof *out);
    o = bw__json_loadb(json, n, JSON_REJECT_DUPLICATES, &je, &rc);
    if (!o) {
        if (rc == BW_ENOMEM)
            return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory reading %s", name);
        return bw_diag_set(d, BW_EPARSE, NULL, "%s: line %d, column %d: %s", name, je.line,
                           je.column, je.text);
    }
    rc = BW_OK;
    if (!json_is_object(o))
        rc = bw_diag_set(d, BW_EINVAL, NULL, "%s: a warning document is a JSON object", name);
    if (!rc)
        json_object_foreach(o, k, v) {
            size_t m = 0;
            while (bw_warning_doc_members[m] && strcmp(bw_warning_doc_members[m], k))
                m++;
            if (!bw_warning_doc_members[m]) {
                rc = bw_diag_set(d, BW_EINVAL, "document", "unknown member '%.64s' (see "
                                 "docs/sharing.md, \"The warning document\")", k);
                break;
            }
        }
    if (!rc && !(rc = get_str(o, "tlp", 32, 1, a, &tlp, d)))
        rc = bw_tlp_parse(tlp, "tlp", d, &out->tlp);
    if (!rc)
        rc = get_bool(o, "national", 1, &out->national, d);
    if (!rc)
        rc = get_bool(o, "exercise", 0, &out->exercise, d);
    if (!rc)
        rc = get_str(o, "event", 256, 1, a, &out->event, d);
    if (!rc)
        rc = get_str(o, "headline", 256, 0, a, &out->headline, d);
    if (!rc)
        rc = get_str(o, "description", BW_WARNING_TEXT_MAX, 0, a, &out->description, d);
    if (!rc)
        rc = get_str(o, "instruction", BW_WARNING_TEXT_MAX, 0, a, &out->instruction, d);
    if (!rc)
        rc = get_str(o, "web", 1024, 0, a, &out->web, d);
    if (!rc)
        rc = get_str(o, "contact", 256, 0, a, &out->contact, d);
    if (!rc)
        rc = get_str(o, "language", 35, 0, a, &out->language, d);
    if (!rc && !(rc = get_enum(o, "category", bw_cap_category_names, BW_CAP_CAT_COUNT,
                               BW_CAP_CAT_SECURITY, &i, d)))
        out->category = (enum bw_cap_category)i;
    if (!rc && !(rc = get_enum(o, "urgency", bw_cap_urgency_names, BW_CAP_URG_COUNT, -1, &i, d)))
        out->urgency = (enum bw_cap_urgency)i;
    if (!rc && !(rc = get_enum(o, "severity", bw_cap_severity_names, BW_CAP_SEV_COUNT, -1, &i, d)))
        out->severity = (enum bw_cap_severity)i;
    if (!rc && !(rc = get_enum(o, "certainty", bw_cap_certainty_names, BW_CAP_CERT_COUNT, -1, &i,
                               d)))
        out->certainty = (enum bw_cap_certainty)i;
    if (!rc && (v = json_object_get(o, "response"))) {
        json_t *e;
        size_t j;
        if (!json_is_array(v) || json_array_size(v) > BW_CAP_RESP_COUNT)
            rc = bw_diag_set(d, BW_EINVAL, "response", "'response' must be an array of CAP "
                             "response types");
        else if (!(out->responses = bw_arena_alloc(a, (json_array_size(v) + 1) *
                                                          sizeof *out->responses)))
            rc = BW_ENOMEM;
        else
            json_array_foreach(v, j, e) {
                json_t *tmp = json_pack("{sO}", "response", e);
                rc = tmp ? get_enum(tmp, "response", bw_cap_response_names, BW_CAP_RESP_COUNT,
                                    -1, &i, d)
                         : BW_ENOMEM;
                json_decref(tmp);
                if (rc)
                    break;
                out->responses[j] = (enum bw_cap_response)i;
            }
        if (!rc)
            out->nresponses = json_array_size(v);
    }
    if (!rc && !(rc = get_str(o, "expires", 64, 0, a, &out->expires, d)) && out->expires &&
        bw_cap_time_parse(out->expires, NULL))
        rc = bw_diag_set(d, BW_EINVAL, "expires", "'expires' must be a CAP time with an "
                         "offset, e.g. 2026-12-02T18:00:00-00:00");
    out->ack_minutes = 60;
    if (!rc && (v = json_object_get(o, "ack_minutes"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10080)
            rc = bw_diag_set(d, BW_ERANGE, "ack_minutes", "'ack_minutes' must be a whole "
                             "number of minutes, 1..10080 (a week)");
        else
            out->ack_minutes = json_integer_value(v);
    }
    if (!rc && (v = json_object_get(o, "area"))) {
        rc = parse_area(v, a, &out->area, d);
        out->has_area = !rc;
    }
    if (!rc)
        rc = get_list(o, "sectors", a, &out->sectors, &out->nsectors, d);
    if (!rc)
        rc = get_list(o, "categories", a, &out->categories, &out->ncategories, d);
    if (!rc)
        rc = get_list(o, "orgs", a, &out->orgs, &out->norgs, d);
    if (!rc)
        rc = get_list(o, "users", a, &out->users, &out->nusers, d);
    if (!rc)
        rc = check_classes(p, "sectors", out->sectors, out->nsectors, BW_CLASS_SECTOR, d);
    if (!rc)
        rc = check_classes(p, "categories", out->categories, out->ncategories, 0, d);
    if (!rc)
        rc = get_str(o, "org", 256, 0, a, &out->org, d);
    if (!rc && (v = json_object_get(o, "report"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            rc = bw_diag_set(d, BW_EINVAL, "report", "'report' must be a report id");
        else
            out->report = json_integer_value(v);
    }
    if (!rc && out->tlp == BW_TLP_RED && !out->nusers)
        rc = bw_diag_set(d, BW_EINVAL, "users", "TLP:RED is for named recipients only: name "
                         "them in 'users'");
    if (!rc && !out->has_area && !out->nsectors && !out->ncategories && !out->norgs &&
        !out->nusers)
        rc = bw_diag_set(d, BW_EINVAL, "area", "a warning needs recipients: an 'area', "
                         "'sectors', 'categories', 'orgs' or 'users'");
    if (!rc) {
        canon = bw__json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        if (!canon)
            rc = BW_ENOMEM;
        else {
            out->canonical = adup(a, canon);
            bw_free(canon);
            if (!out->canonical)
                rc = BW_ENOMEM;
        }
    }
    json_decref(o);
    return rc;
}

/* ---- targeting ------------------------------------------------------------------------ */

struct target {
    const bw_pack *p;
    const struct bw_warning_doc *doc;
    struct bw_arena *a;
    const struct bw_cap_circle *circle;    /* the shape being walked */
    const struct bw_polygon *poly;
    struct bw_recipient *rec;
    size_t n, cap, sites;
    int oom;
};

static void add_rec(struct target *t, const char *org, const char *user, const char *reason)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 64;
        struct bw_recipient *r = bw_realloc(t->rec, nc * sizeof *r);
        if (!r) {
            t->oom = 1;
            return;
        }
        t->rec = r;
        t->cap = nc;
    }
    t->rec[t->n].org = org ? adup(t->a, org) : NULL;
    t->rec[t->n].user = user ? adup(t->a, user) : NULL;
    t->rec[t->n].reason = reason;
    if ((org && !t->rec[t->n].org) || (user && !t->rec[t->n].user))
        t->oom = 1;
    t->n++;
}

/* Whether the site passes the categories / sectors filter; *why is the reason. */
static int site_wanted(const struct target *t, const struct bw_area_site *s, const char **why)
{
    const struct bw_class *c;

    if (!t->doc->ncategories && !t->doc->nsectors) {
        *why = "area";
        return 1;
    }
    for (size_t i = 0; i < t->doc->ncategories; i++)
        if (strcmp(s->category, t->doc->categories[i]) == 0) {
            *why = "category";
            return 1;
        }
    c = bw_pack_class(t->p, s->category, strlen(s->category));
    for (size_t i = 0; c && i < t->doc->nsectors; i++)
        if (bw_pack_class_in_sector(t->p, c, t->doc->sectors[i])) {
            *why = "sector";
            return 1;
        }
    return 0;
}

static int on_site(void *ud, const struct bw_area_site *s)
{
    struct target *t = ud;
    const char *why;

    if (t->circle) {
        double dist = bw_geo_distance(t->circle->lat, t->circle->lon, s->lat, s->lon);
        if (!(dist <= t->circle->radius_km * 1000.0))
            return BW_OK;
    } else if (t->poly && !bw_polygon_contains(t->poly, s->lat, s->lon)) {
        return BW_OK;
    }
    if (!site_wanted(t, s, &why))
        return BW_OK;
    t->sites++;
    if (s->operator_id)
        add_rec(t, s->operator_id, NULL, why);
    if (s->roles) {
        const char *r = s->roles;
        while (*r) {
            const char *end = strchr(r, ';'), *colon;
            size_t len = end ? (size_t)(end - r) : strlen(r);
            char org[300];
            colon = memchr(r, ':', len);
            if (colon && (size_t)(colon - r) < sizeof org) {
                memcpy(org, r, (size_t)(colon - r));
                org[colon - r] = 0;
                add_rec(t, org, NULL, "role");
            }
            r += len;
            if (*r == ';')
                r++;
        }
    }
    return t->oom ? BW_ENOMEM : BW_OK;
}

static int rec_cmp(const void *x, const void *y)
{
    const struct bw_recipient *a = x, *b = y;
    int c;
    if (!a->org != !b->org)
        return a->org ? -1 : 1;
    c = strcmp(a->org ? a->org : a->user, b->org ? b->org : b->user);
    /* Equal names: the earlier entry (lower address) first, so its reason is kept. */
    return c ? c : (a < b ? -1 : a > b);
}

static int rec_same(const struct bw_recipient *a, const struct bw_recipient *b)
{
    return !a->org == !b->org && strcmp(a->org ? a->org : a->user, b->org ? b->org : b->user) == 0;
}

int bw_warning_recipients(bw_store *s, const bw_pack *p, const struct bw_warning_doc *doc,
                          struct bw_arena *a, struct bw_recipient **out, size_t *n,
                          size_t *nsites, struct bw_diag *d)
{
    struct target t = {p, doc, a, NULL, NULL, NULL, 0, 0, 0, 0};
    int rc = BW_OK;
    size_t k = 0;

    if (doc->has_area) {
        for (size_t i = 0; !rc && i < doc->area.n_circles; i++) {
            struct bw_bbox b[2];
            int nb = bw_geo_bbox_radius(doc->area.circles[i].lat, doc->area.circles[i].lon,
                                        doc->area.circles[i].radius_km * 1000.0, b);
            t.circle = &doc->area.circles[i];
            for (int j = 0; !rc && j < nb; j++)
                rc = bw_store_sites_in_box(s, &b[j], on_site, &t);
        }
        t.circle = NULL;
        for (size_t i = 0; !rc && i < doc->area.n_polygons; i++) {
            const struct bw_cap_polygon *cp = &doc->area.polygons[i];
            uint32_t rs[2] = {0, (uint32_t)cp->n_points}, ps[2] = {0, 1};
            double *pts = bw_arena_alloc(a, 2 * cp->n_points * sizeof *pts);
            struct bw_bbox b = {90, -90, 180, -180};
            struct bw_polygon poly;
            if (!pts) {
                rc = BW_ENOMEM;
                break;
            }
            for (size_t j = 0; j < cp->n_points; j++) {
                pts[2 * j] = cp->points[j].lon;
                pts[2 * j + 1] = cp->points[j].lat;
                b.min_lat = fmin(b.min_lat, cp->points[j].lat);
                b.max_lat = fmax(b.max_lat, cp->points[j].lat);
                b.min_lon = fmin(b.min_lon, cp->points[j].lon);
                b.max_lon = fmax(b.max_lon, cp->points[j].lon);
            }
            poly = (struct bw_polygon){pts, rs, ps, (uint32_t)cp->n_points, 1, 1};
            t.poly = &poly;
            rc = bw_store_sites_in_box(s, &b, on_site, &t);
            t.poly = NULL;
        }
    } else if (doc->ncategories || doc->nsectors) {
        /* No area: the whole register, filtered by category and sector. */
        struct bw_bbox world = {-90, 90, -180, 180};
        rc = bw_store_sites_in_box(s, &world, on_site, &t);
    }
    for (size_t i = 0; !rc && i < doc->norgs; i++)
        add_rec(&t, doc->orgs[i], NULL, "named");
    for (size_t i = 0; !rc && i < doc->nusers; i++)
        add_rec(&t, NULL, doc->users[i], "named");
    if (!rc && t.oom)
        rc = BW_ENOMEM;
    if (rc) {
        bw_free(t.rec);
        return rc == BW_ENOMEM ? bw_diag_set(d, rc, NULL, "out of memory resolving recipients")
                               : bw_diag_set(d, rc, NULL, "reading the register for targeting");
    }
    if (t.n)
        qsort(t.rec, t.n, sizeof *t.rec, rec_cmp);
    for (size_t i = 0; i < t.n; i++) {
        struct bw_recipient *r = &t.rec[i];
        if (k && rec_same(&t.rec[k - 1], r))
            continue;
        t.rec[k++] = *r;
    }
    *out = bw_arena_alloc(a, (k ? k : 1) * sizeof **out);
    if (!*out) {
        bw_free(t.rec);
        return BW_ENOMEM;
    }
    if (k)
        memcpy(*out, t.rec, k * sizeof **out);
    bw_free(t.rec);
    *n = k;
    *nsites = t.sites;
    return BW_OK;
}

/* ---- the signing key -------------------------------------------------------------------- */

int bw_warning_key(const struct bw_warning_env *env, unsigned char sk[64], char keyid[17],
                   char pk_b64[48], struct bw_diag *d)
{
    char skp[4096], pkp[4096];
    unsigned char pk[BW_SIGN_PK_BYTES];
    struct stat st;
    const char *dir = env && env->key_dir ? env->key_dir : ".";
    int rc;

    if (snprintf(skp, sizeof skp, "%s/%s", dir, BW_SIGN_SK_FILE) >= (int)sizeof skp ||
        snprintf(pkp, sizeof pkp, "%s/%s", dir, BW_SIGN_PK_FILE) >= (int)sizeof pkp)
        return bw_diag_set(d, BW_EINVAL, "key_dir", "the key directory's path is too long");
    if (stat(skp, &st) != 0 && (rc = bw_sign_keygen_files(skp, pkp, NULL, d)))
        return rc;
    if ((rc = bw_sign_sk_read(skp, sk, d)))
        return rc;
    bw_sign_sk_public(sk, pk);
    bw_sign_key_id(pk, keyid);
    bw_sign_pk_encode(pk, pk_b64);
    return BW_OK;
}

/* ---- CAP ------------------------------------------------------------------------------- */

int bw_warning_to_cap(const struct bw_warning *w, const struct bw_warning_doc *doc,
                      const char *sender, int64_t seq, enum bw_cap_msg_type msg_type,
                      const char *sent, const char *references, struct bw_arena *a,
                      struct bw_cap_alert *out)
{
    struct bw_cap_info *info = bw_arena_alloc(a, sizeof *info);
    enum bw_cap_category *cat = bw_arena_alloc(a, sizeof *cat);
    const char **codes = bw_arena_alloc(a, sizeof *codes);
    char buf[512];

    if (!info || !cat || !codes)
        return BW_ENOMEM;
    memset(out, 0, sizeof *out);
    memset(info, 0, sizeof *info);
    snprintf(buf, sizeof buf, "bulwark.%s.w%lld.%lld", w->item.author_org,
             (long long)w->item.id, (long long)seq);
    for (char *c = buf; *c; c++)
        if (*c == ' ' || *c == ',' || *c == '<' || *c == '&')
            *c = '_';
    out->identifier = adup(a, buf);
    out->sender = sender;
    out->sent = sent;
    out->status = doc->exercise ? BW_CAP_STATUS_EXERCISE : BW_CAP_STATUS_ACTUAL;
    out->msg_type = msg_type;
    out->source = "bulwark";
    snprintf(buf, sizeof buf, "TLP:%s", bw_tlp_name(doc->tlp));
    codes[0] = adup(a, buf);
    out->codes = codes;
    out->n_codes = 1;
    if (doc->tlp == BW_TLP_CLEAR) {
        out->scope = BW_CAP_SCOPE_PUBLIC;
    } else if (doc->tlp == BW_TLP_RED) {
        struct bw_buf b;
        bw_buf_init(&b, 1u << 20);
        for (size_t i = 0; i < doc->nusers; i++)
            bw_buf_printf(&b, "%s%s", i ? " " : "", doc->users[i]);
        out->scope = BW_CAP_SCOPE_PRIVATE;
        out->addresses = adup(a, bw_buf_cstr(&b));
        bw_buf_release(&b);
    } else {
        snprintf(buf, sizeof buf,
                 "TLP:%s (FIRST TLP 2.0): for the recipient organisations%s; no further "
                 "disclosure except as the marking allows",
                 bw_tlp_name(doc->tlp),
                 doc->tlp == BW_TLP_AMBER ? " and their clients, need-to-know"
                 : doc->tlp == BW_TLP_AMBER_STRICT ? " only, need-to-know"
                                                   : " and their community");
        out->scope = BW_CAP_SCOPE_RESTRICTED;
        out->restriction = adup(a, buf);
    }
    out->references = references;
    *cat = doc->category;
    info->language = doc->language;
    info->categories = cat;
    info->n_categories = 1;
    info->event = doc->event;
    info->responses = doc->responses;
    info->n_responses = doc->nresponses;
    info->urgency = doc->urgency;
    info->severity = doc->severity;
    info->certainty = doc->certainty;
    info->expires = doc->expires;
    info->sender_name = w->item.author_org;
    info->headline = doc->headline;
    info->description = doc->description;
    info->instruction = doc->instruction;
    info->web = doc->web;
    info->contact = doc->contact;
    if (doc->has_area) {
        info->areas = &doc->area;
        info->n_areas = 1;
    }
    out->infos = info;
    out->n_infos = 1;
    return out->identifier && out->codes[0] ? BW_OK : BW_ENOMEM;
}

/* ---- the life cycle ------------------------------------------------------------------- */

static const char *actor_of(const struct bw_principal *who, const struct bw_warning_env *env)
{
    return who ? who->user : env && env->cli_user ? env->cli_user : "cli";
}

struct pick {
    const char *only;
    int n;
    struct bw_arena *a;
};

static int org_pick(void *ud, const struct bw_org *o)
{
    struct pick *pk = ud;
    if (strcmp(o->type, "authority") != 0)
        return BW_OK;
    if (pk->n++ == 0 && !(pk->only = adup(pk->a, o->id)))
        return BW_ENOMEM;
    return BW_OK;
}

/* The author organisation of a new warning: the caller's, or for the CLI the document's
 * "org", or the register's only authority organisation. */
static int author_org(bw_store *s, const struct bw_principal *who,
                      const struct bw_warning_doc *doc, struct bw_arena *a, const char **out,
                      struct bw_diag *d)
{
    struct pick pk = {NULL, 0, a};
    int rc;

    if (who) {
        *out = who->org;
        return BW_OK;
    }
    if (doc->org) {
        *out = doc->org;
        return BW_OK;
    }
    rc = bw_store_orgs_each(s, org_pick, &pk);
    if (rc)
        return bw_diag_set(d, rc, NULL, "reading the organisations");
    if (pk.n != 1)
        return bw_diag_set(d, BW_EINVAL, "org", "name the issuing organisation in the "
                           "document's \"org\" (the register has %d authority organisations)",
                           pk.n);
    *out = pk.only;
    return BW_OK;
}

/* The named users and organisations kept as recipients while a warning is a draft. */
static int named_of(const struct bw_warning_doc *doc, struct bw_arena *a,
                    struct bw_recipient **out, size_t *n)
{
    size_t k = 0;
    *out = bw_arena_alloc(a, (doc->norgs + doc->nusers + 1) * sizeof **out);
    if (!*out)
        return BW_ENOMEM;
    for (size_t i = 0; i < doc->norgs; i++)
        (*out)[k++] = (struct bw_recipient){doc->orgs[i], NULL, "named"};
    for (size_t i = 0; i < doc->nusers; i++)
        (*out)[k++] = (struct bw_recipient){NULL, doc->users[i], "named"};
    *n = k;
    return BW_OK;
}

static int check_step(int action, const struct bw_warning *w, const struct bw_principal *who,
                      const struct bw_warning_env *env, struct bw_diag *d)
{
    /* Another organisation — another authority included — reads a warning it receives
     * but only the issuing organisation acts on it. */
    if (w && who && bw_role_is_authority(who->role) && strcmp(who->org, w->item.author_org))
        return bw_diag_set(d, BW_EDENIED, "org",
                           "only the issuing organisation (%s) may %s this warning",
                           w->item.author_org, bw_warning_action_name(action));
    struct bw_warning_step_ctx c = {w ? w->status : BW_WARN_DRAFT, w ? w->national : 0,
                                    w ? w->drafted_by : NULL, actor_of(who, env),
                                    who ? who->role : -1};
    return bw_warning_step_check(action, &c, d);
}

int bw_warning_draft(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                     const struct bw_warning_env *env, const char *json, size_t n,
                     const char *name, int64_t *id, struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_warning_doc doc;
    struct bw_warning w;
    struct bw_recipient *named = NULL;
    size_t nn = 0;
    int rc;

    bw_arena_init(&a, 0);
    memset(&w, 0, sizeof w);
    rc = check_step(BW_WSTEP_DRAFT, NULL, who, env, d);
    if (!rc)
        rc = bw_warning_doc_parse(p, json, n, name, &a, &doc, d);
    if (!rc)
        rc = author_org(s, who, &doc, &a, &w.item.author_org, d);
    if (!rc)
        rc = named_of(&doc, &a, &named, &nn);
    if (!rc) {
        w.item.tlp = doc.tlp;
        w.item.author = actor_of(who, env);
        w.item.author_user = who ? who->user_id : -1;
        w.national = doc.national;
        w.doc = doc.canonical;
        w.event = doc.event;
        w.headline = doc.headline;
        w.ack_minutes = doc.ack_minutes;
        w.drafted_by = w.item.author;
        rc = bw_store_warning_draft(s, &w, named, nn, d);
        *id = w.item.id;
    }
    bw_arena_release(&a);
    return rc;
}

int bw_warning_edit(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                    const struct bw_warning_env *env, int64_t id, const char *json, size_t n,
                    const char *name, struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_warning_doc doc;
    struct bw_warning w;
    struct bw_recipient *named = NULL;
    size_t nn = 0;
    int rc;

    bw_arena_init(&a, 0);
    rc = bw_store_warning_get(s, who, id, &a, &w);
    if (rc == BW_ENOTFOUND)
        rc = bw_diag_set(d, rc, "id", "no warning %lld", (long long)id);
    if (!rc)
        rc = check_step(BW_WSTEP_EDIT, &w, who, env, d);
    if (!rc)
        rc = bw_warning_doc_parse(p, json, n, name, &a, &doc, d);
    if (!rc)
        rc = named_of(&doc, &a, &named, &nn);
    if (!rc) {
        w.item.tlp = doc.tlp;
        w.national = doc.national;
        w.doc = doc.canonical;
        w.event = doc.event;
        w.headline = doc.headline;
        w.ack_minutes = doc.ack_minutes;
        rc = bw_store_warning_edit(s, id, &w, named, nn, actor_of(who, env), d);
    }
    bw_arena_release(&a);
    return rc;
}

int bw_warning_approve(bw_store *s, const struct bw_principal *who,
                       const struct bw_warning_env *env, int64_t id, const char *note,
                       struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_warning w;
    int rc;

    bw_arena_init(&a, 0);
    rc = bw_store_warning_get(s, who, id, &a, &w);
    if (rc == BW_ENOTFOUND)
        rc = bw_diag_set(d, rc, "id", "no warning %lld", (long long)id);
    if (!rc)
        rc = check_step(BW_WSTEP_APPROVE, &w, who, env, d);
    if (!rc)
        rc = bw_store_warning_approve(s, id, actor_of(who, env), note, d);
    bw_arena_release(&a);
    return rc;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "sender,identifier,sent" of every earlier CAP message of warning @p id (all sent by
 * @p sender; the store keeps each message's identifier and sent time beside its bytes). */
static int references_of(bw_store *s, int64_t id, int64_t last, const char *sender,
                         struct bw_arena *a, const char **out)
{
    struct bw_buf b;
    int rc = BW_OK;

    *out = NULL;
    if (last < 1)
        return BW_OK;
    bw_buf_init(&b, 1u << 20);
    for (int64_t q = 1; !rc && q <= last; q++) {
        struct bw_warning_cap c;
        struct bw_arena t;
        bw_arena_init(&t, 0);
        rc = bw_store_warning_cap_get(s, NULL, 0, id, q, &t, &c);
        if (!rc)
            rc = bw_buf_printf(&b, "%s%s,%s,%s", q > 1 ? " " : "", sender, c.identifier, c.sent);
        bw_arena_release(&t);
    }
    if (!rc && !(*out = adup(a, bw_buf_cstr(&b))))
        rc = BW_ENOMEM;
    bw_buf_release(&b);
    return rc;
}

int bw_warning_publish(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                       const struct bw_warning_env *env, int64_t id, int action,
                       const char *json, size_t n, const char *note, struct bw_arena *a,
                       struct bw_warning_result *out, struct bw_diag *d)
{
    struct bw_warning w, content;
    struct bw_warning_doc doc;
    struct bw_recipient *rec = NULL;
    struct bw_warning_cap cap, prev;
    struct bw_cap_alert alert;
    struct bw_buf xml;
    unsigned char sk[BW_SIGN_SK_BYTES];
    char keyid[BW_SIGN_KEYID_MAX], pk[BW_SIGN_PK_B64_MAX], sig[BW_SIGN_SIG_B64_MAX];
    char line[BW_SIGN_LINE_MAX], sent[BW_CAP_TIME_LEN + 1], sender[300];
    const char *refs = NULL;
    size_t nrec = 0, nsites = 0;
    int64_t last = 0;
    double t0 = mono(), t1;
    time_t now;
    int rc, with_cap;

    memset(out, 0, sizeof *out);
    bw_buf_init(&xml, BW_CAP_WRITE_MAX);
    rc = bw_store_warning_get(s, who, id, a, &w);
    if (rc == BW_ENOTFOUND)
        return bw_diag_set(d, rc, "id", "no warning %lld", (long long)id);
    if (rc)
        return bw_diag_set(d, rc, NULL, "reading warning %lld", (long long)id);
    if ((rc = check_step(action, &w, who, env, d)))
        return rc;
    if (action == BW_WSTEP_UPDATE && json)
        rc = bw_warning_doc_parse(p, json, n, "update", a, &doc, d);
    else
        rc = bw_warning_doc_parse(p, w.doc, strlen(w.doc), "stored warning", a, &doc, d);
    if (rc)
        return rc;
    /* A warning cancelled before it was issued is only withdrawn: nobody received it. */
    with_cap = !(action == BW_WSTEP_CANCEL && w.status != BW_WARN_ISSUED);
    if (action != BW_WSTEP_CANCEL &&
        (rc = bw_warning_recipients(s, p, &doc, a, &rec, &nrec, &nsites, d)))
        return rc;
    /* The issuing organisation does not acknowledge its own warning. */
    {
        size_t k = 0;
        for (size_t i = 0; i < nrec; i++)
            if (!rec[i].org || strcmp(rec[i].org, w.item.author_org) != 0)
                rec[k++] = rec[i];
        nrec = k;
    }
    t1 = mono();
    if (with_cap) {
        if (env && env->now) {
            double t;
            if (bw_isotime_parse(env->now, &t))
                return bw_diag_set(d, BW_EINVAL, "now", "'%s' is not an ISO 8601 UTC time",
                                   env->now);
            now = (time_t)t;
        } else {
            now = time(NULL);
        }
        bw_cap_time_format(now, sent);
        rc = bw_store_warning_cap_get(s, NULL, 0, id, 0, a, &prev);
        if (rc == BW_OK)
            last = prev.seq;
        else if (rc != BW_ENOTFOUND)
            return bw_diag_set(d, rc, NULL, "reading the earlier CAP messages");
        snprintf(sender, sizeof sender, "bulwark@%s", w.item.author_org);
        for (char *c = sender; *c; c++)
            if (*c == ' ' || *c == ',' || *c == '<' || *c == '&')
                *c = '_';
        rc = references_of(s, id, last, sender, a, &refs);
        if (!rc)
            rc = bw_warning_to_cap(&w, &doc, sender, last + 1,
                                   action == BW_WSTEP_ISSUE    ? BW_CAP_MSG_ALERT
                                   : action == BW_WSTEP_UPDATE ? BW_CAP_MSG_UPDATE
                                                               : BW_CAP_MSG_CANCEL,
                                   sent, refs, a, &alert);
        if (!rc)
            rc = bw_cap_write(&alert, &xml, d);
        if (!rc)
            rc = bw_warning_key(env, sk, keyid, pk, d);
        if (!rc)
            rc = bw_sign_detached(xml.p, xml.len, sk, sig);
        sodium_memzero(sk, sizeof sk);
        if (rc) {
            bw_buf_release(&xml);
            return rc;
        }
        bw_sign_line_format(keyid, sig, line);
        line[strcspn(line, "\n")] = 0;
        cap = (struct bw_warning_cap){last + 1, bw_cap_msg_type_names[alert.msg_type],
                                      alert.identifier, sent, xml.p, xml.len, line};
        out->identifier = alert.identifier;
        out->signature = adup(a, line);
    }
    content = w;
    content.doc = doc.canonical;
    content.event = doc.event;
    content.headline = doc.headline;
    rc = bw_store_warning_publish(s, id, action, action == BW_WSTEP_UPDATE ? &content : NULL,
                                  rec, nrec, with_cap ? &cap : NULL, actor_of(who, env), note,
                                  env ? env->now : NULL, d);
    bw_buf_release(&xml);
    if (!rc && doc.report > 0 && action == BW_WSTEP_ISSUE) {
        /* The report this warning answers is triaged as turned into a warning. */
        rc = bw_store_report_triage(s, doc.report, BW_TRIAGE_WARNING, id, actor_of(who, env), d);
    }
    out->id = id;
    out->seq = with_cap ? last + 1 : 0;
    out->recipients = nrec;
    out->sites = nsites;
    out->resolve_s = t1 - t0;
    out->total_s = mono() - t0;
    return rc;
}

int bw_warning_ack(bw_store *s, const struct bw_principal *who,
                   const struct bw_warning_env *env, int64_t id, const char *org,
                   const char *status, const char *note, struct bw_diag *d)
{
    int st, rc;

    if (who && (who->role == BW_ROLE_VIEWER || who->role == BW_ROLE_ASSESSOR))
        return bw_diag_set(d, BW_EDENIED, "role", "a %s may read warnings but not acknowledge "
                           "them for the organisation", bw_role_name(who->role));
    if (who)
        org = who->org;
    if (!org)
        return bw_diag_set(d, BW_EINVAL, "org", "name the organisation that acknowledges");
    if ((rc = bw_ack_status_parse(status, d, &st)))
        return rc;
    if (note && strlen(note) > 4096)
        return bw_diag_set(d, BW_ETOOBIG, "note", "a note has at most 4096 bytes");
    if (who) {
        /* The caller must be able to read the warning at all. */
        struct bw_arena a;
        struct bw_warning w;
        bw_arena_init(&a, 0);
        rc = bw_store_warning_get(s, who, id, &a, &w);
        bw_arena_release(&a);
        if (rc == BW_ENOTFOUND)
            return bw_diag_set(d, rc, "id", "no warning %lld", (long long)id);
        if (rc)
            return bw_diag_set(d, rc, NULL, "reading the warning");
    }
    return bw_store_ack_put(s, id, org, st, actor_of(who, env), note, env ? env->now : NULL, d);
}

/* ---- JSON shapes -------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *item_json(const struct bw_item *it)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:s}", "id", (json_int_t)it->id, "kind",
                     it->kind ? it->kind : "", "tlp", bw_tlp_name(it->tlp), "author",
                     it->author ? it->author : "", "org", str_or_null(it->author_org), "site",
                     str_or_null(it->site), "created", it->created ? it->created : "",
                     "updated", it->updated ? it->updated : "");
}

json_t *bw_warning_json(const struct bw_warning *w, int with_doc)
{
    json_t *j = item_json(&w->item);

    if (!j)
        return NULL;
    json_object_set_new(j, "status", json_string(bw_warning_status_name(w->status)));
    json_object_set_new(j, "national", json_boolean(w->national));
    json_object_set_new(j, "version", json_integer(w->version));
    json_object_set_new(j, "ack_minutes", json_integer(w->ack_minutes));
    json_object_set_new(j, "drafted_by", str_or_null(w->drafted_by));
    json_object_set_new(j, "approved_by", str_or_null(w->approved_by));
    json_object_set_new(j, "issued_at", str_or_null(w->issued_at));
    json_object_set_new(j, "deadline", str_or_null(w->deadline));
    if (w->recipients >= 0) {
        json_object_set_new(j, "recipients", json_integer(w->recipients));
        json_object_set_new(j, "acknowledged", json_integer(w->acks));
        json_object_set_new(j, "overdue", json_integer(w->overdue));
    }
    json_object_set_new(j, "event", str_or_null(w->event));
    json_object_set_new(j, "headline", str_or_null(w->headline));
    if (with_doc && w->doc) {
        json_t *doc = json_loads(w->doc, 0, NULL);
        if (doc)
            json_object_set_new(j, "document", doc);
    }
    return j;
}

json_t *bw_ack_json(const struct bw_ack *a)
{
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o}", "org", a->org, "status",
                     str_or_null(a->status), "by", str_or_null(a->actor), "at",
                     str_or_null(a->at), "note", str_or_null(a->note), "seconds",
                     isnan(a->seconds) ? json_null() : json_real(a->seconds), "overdue",
                     a->overdue, "escalated_at", str_or_null(a->escalated_at), "contact_name",
                     str_or_null(a->contact_name), "contact_phone",
                     str_or_null(a->contact_phone));
}

json_t *bw_report_json(const struct bw_report *r)
{
    json_t *j = item_json(&r->item);

    if (!j)
        return NULL;
    json_object_set_new(j, "type", json_string(bw_report_type_name(r->type)));
    json_object_set_new(j, "lat", isnan(r->lat) ? json_null() : json_real(r->lat));
    json_object_set_new(j, "lon", isnan(r->lon) ? json_null() : json_real(r->lon));
    json_object_set_new(j, "occurred", str_or_null(r->occurred));
    json_object_set_new(j, "description", str_or_null(r->description));
    json_object_set_new(j, "triage", json_string(bw_triage_name(r->triage)));
    json_object_set_new(j, "triaged_by", str_or_null(r->triaged_by));
    json_object_set_new(j, "warning", r->warning > 0 ? json_integer(r->warning) : json_null());
    return j;
}

json_t *bw_note_json(const struct bw_note *n)
{
    json_t *j = item_json(&n->item);

    if (!j)
        return NULL;
    json_object_set_new(j, "title", str_or_null(n->title));
    json_object_set_new(j, "body", str_or_null(n->body));
    return j;
}

/* ---- import from partners -------------------------------------------------------------- */

int bw_warning_import(bw_store *s, const struct bw_principal *who,
                      const struct bw_warning_env *env, const char *xml, size_t n,
                      const char *name, const char *org, int64_t *id, struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_cap_alert al;
    struct bw_note note;
    char title[320];
    const struct bw_cap_info *info;
    int rc;

    if (who && !bw_role_is_authority(who->role))
        return bw_diag_set(d, BW_EDENIED, "role", "only the national authority imports partners' "
                           "CAP alerts");
    if (!who && !org)
        return bw_diag_set(d, BW_EINVAL, "org", "name the importing organisation (--org)");
    if (n > BW_CAP_MAX_BYTES)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "%s: larger than %u bytes", name,
                           (unsigned)BW_CAP_MAX_BYTES);
    bw_arena_init(&a, 0);
    rc = bw_cap_parse(xml, n, name, &a, &al, d);
    if (rc) {
        bw_arena_release(&a);
        return rc;
    }
    info = al.n_infos ? &al.infos[0] : NULL;
    snprintf(title, sizeof title, "CAP %s from %.100s: %.160s",
             bw_cap_msg_type_names[al.msg_type], al.sender,
             info ? (info->headline ? info->headline : info->event) : al.identifier);
    memset(&note, 0, sizeof note);
    note.item.tlp = al.scope == BW_CAP_SCOPE_PUBLIC ? BW_TLP_CLEAR : BW_TLP_AMBER;
    note.item.author = actor_of(who, env);
    note.item.author_user = who ? who->user_id : -1;
    note.item.author_org = who ? who->org : org;
    note.title = title;
    note.body = bw_arena_strndup(&a, xml, n);
    rc = note.body ? bw_store_note_add(s, &note, NULL, 0, d) : BW_ENOMEM;
    *id = note.item.id;
    bw_arena_release(&a);
    return rc;
}
