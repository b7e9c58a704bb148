/*
 * partners.c — the "partners" part of the methodology pack (technical-assistance
 * partners and their programmes) and the matching of TA needs to programmes
 * (partners.h).
 *
 * The part (packs/default/partners.json) is {"source", "partners": [{id, name, kind,
 * source, programmes: [{id, name, ta_areas, modalities, regions, eligibility,
 * source}]}]}. Every TA area a programme cites must be a "ta_area" of some indicator of
 * the framework part (parsed before this one), so the two vocabularies cannot drift;
 * modalities come from a closed list. The parser names the file, the entry and the
 * field in its diagnostic. The typed views point into the pack's JSON tree; only the
 * arrays of string pointers are allocated, in one block per list, freed with the pack.
 *
 * Matching (bw_ta_match) ranks with one total order (primary, coverage, pack order), so
 * its output never depends on qsort's instability. Parsed data is immutable; all
 * functions are thread-safe.
 */
#include "partners.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pack_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bw_ta_modalities[] = {
    "training", "mentoring", "equipment", "legislative-drafting", "expert-advice",
    "exercises", "funding", "study-visits"};
const size_t bw_ta_nmodalities = sizeof bw_ta_modalities / sizeof bw_ta_modalities[0];

static const char *const kinds[] = {"un", "international-organisation", "regional-organisation",
                                    "eu", "bilateral", "ngo"};

/* At most this many partners and programmes, and entries in one programme's list. */
#define PARTNERS_MAX 256
#define PROGRAMMES_MAX 2048
#define LIST_MAX 64

struct partners_part {
    struct bw_ta_partner *partners;
    size_t npartners;
    struct bw_ta_programme *progs;
    size_t nprogs;
    const char **lists; /* the string pointers of every programme's three lists */
};

static const struct partners_part *part(const bw_pack *p)
{
    return bw_pack_part_get(p, "partners");
}

static int in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* Whether @p area is the ta_area of some framework indicator. */
static int known_area(const bw_pack *p, const char *area)
{
    size_t n;
    const struct bw_fw_indicator *ind = bw_pack_fw_indicators(p, &n);
    for (size_t i = 0; i < n; i++)
        if (ind[i].ta_area && strcmp(ind[i].ta_area, area) == 0)
            return 1;
    return 0;
}

static int need_str(json_t *o, const char *key, const char *what, const char **out,
                    struct bw_diag *d)
{
    *out = json_string_value(json_object_get(o, key));
    if (!*out || !**out)
        return bw_diag_set(d, BW_EINVAL, key, "partners.json: %s has no \"%s\" (a non-empty "
                           "string)", what, key);
    if (strlen(*out) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, key, "partners.json: %s: \"%s\" is longer than %d "
                           "bytes", what, key, BW_TEXT_MAX);
    return BW_OK;
}

static int check_id(const char *id, const char *what, struct bw_diag *d)
{
    if (strlen(id) > BW_ID_MAX || strpbrk(id, ";*, \t\n"))
        return bw_diag_set(d, BW_EINVAL, "id", "partners.json: %s: bad id '%s' (no spaces, "
                           "';', ',' or '*')", what, id);
    return BW_OK;
}

/* A non-empty list of distinct non-empty strings: member @p key of @p o, copied into
 * @p slots (room for LIST_MAX). */
static int str_list(json_t *o, const char *key, const char *what, const char **slots,
                    size_t *n, struct bw_diag *d)
{
    json_t *arr = json_object_get(o, key), *e;
    size_t i;

    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > LIST_MAX)
        return bw_diag_set(d, BW_EINVAL, key, "partners.json: %s: \"%s\" must be a list of "
                           "1..%d strings", what, key, LIST_MAX);
    json_array_foreach(arr, i, e) {
        const char *v = json_string_value(e);
        if (!v || !*v)
            return bw_diag_set(d, BW_EINVAL, key, "partners.json: %s: \"%s\" entry %zu is not "
                               "a non-empty string", what, key, i);
        if (in_list(slots, i, v))
            return bw_diag_set(d, BW_EINVAL, key, "partners.json: %s: \"%s\" lists '%s' twice",
                               what, key, v);
        slots[i] = v;
    }
    *n = json_array_size(arr);
    return BW_OK;
}

static int parse_programme(const bw_pack *p, json_t *e, struct partners_part *pp,
                           size_t partner, const char **slots, struct bw_diag *d)
{
    struct bw_ta_programme *g = &pp->progs[pp->nprogs];
    const char *pid = pp->partners[partner].id;
    char what[256];
    int rc;

    snprintf(what, sizeof what, "programme %zu of partner '%s'",
             pp->nprogs - pp->partners[partner].first, pid);
    if (!json_is_object(e))
        return bw_diag_set(d, BW_EINVAL, "programmes", "partners.json: %s is not an object",
                           what);
    if ((rc = need_str(e, "id", what, &g->id, d)) || (rc = check_id(g->id, what, d)))
        return rc;
    for (size_t k = 0; k < pp->nprogs; k++)
        if (strcmp(pp->progs[k].id, g->id) == 0)
            return bw_diag_set(d, BW_EINVAL, "id", "partners.json: programme '%s' appears "
                               "twice", g->id);
    snprintf(what, sizeof what, "programme '%s' of partner '%s'", g->id, pid);
    if ((rc = need_str(e, "name", what, &g->name, d)) ||
        (rc = need_str(e, "eligibility", what, &g->eligibility, d)) ||
        (rc = need_str(e, "source", what, &g->source, d)))
        return rc;
    g->partner = pid;
    g->partner_index = partner;
    if ((rc = str_list(e, "ta_areas", what, slots, &g->nareas, d)))
        return rc;
    for (size_t i = 0; i < g->nareas; i++)
        if (!known_area(p, slots[i]))
            return bw_diag_set(d, BW_EREF, "ta_areas", "partners.json: %s: unknown TA area "
                               "'%s' (the areas are the \"ta_area\" values of framework.json)",
                               what, slots[i]);
    g->areas = slots;
    slots += g->nareas;
    if ((rc = str_list(e, "modalities", what, slots, &g->nmodalities, d)))
        return rc;
    for (size_t i = 0; i < g->nmodalities; i++)
        if (!in_list(bw_ta_modalities, bw_ta_nmodalities, slots[i]))
            return bw_diag_set(d, BW_EINVAL, "modalities", "partners.json: %s: unknown "
                               "modality '%s'", what, slots[i]);
    g->modalities = slots;
    slots += g->nmodalities;
    if ((rc = str_list(e, "regions", what, slots, &g->nregions, d)))
        return rc;
    g->regions = slots;
    pp->nprogs++;
    return BW_OK;
}

static void partners_free(void *parsed)
{
    struct partners_part *pp = parsed;
    if (!pp)
        return;
    bw_free(pp->partners);
    bw_free(pp->progs);
    bw_free((void *)pp->lists);
    bw_free(pp);
}

static int partners_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    struct partners_part *pp;
    json_t *arr, *e, *ge;
    size_t i, k, total = 0, bytes;
    int rc;

    *out = NULL;
    if (!j)
        return BW_OK;
    if (!json_is_object(j))
        return bw_diag_set(d, BW_EINVAL, "partners", "partners.json must be an object");
    arr = json_object_get(j, "partners");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > PARTNERS_MAX)
        return bw_diag_set(d, BW_EINVAL, "partners", "partners.json: \"partners\" must be a "
                           "list of 1..%d partners", PARTNERS_MAX);
    json_array_foreach(arr, i, e) {
        json_t *g = json_object_get(e, "programmes");
        if (!json_is_object(e))
            return bw_diag_set(d, BW_EINVAL, "partners", "partners.json: partner %zu is not an "
                               "object", i);
        if (!json_is_array(g) || json_array_size(g) == 0)
            return bw_diag_set(d, BW_EINVAL, "programmes", "partners.json: partner %zu needs a "
                               "non-empty \"programmes\" list", i);
        total += json_array_size(g);
        if (total > PROGRAMMES_MAX)
            return bw_diag_set(d, BW_ETOOBIG, "programmes", "partners.json: more than %d "
                               "programmes", PROGRAMMES_MAX);
    }
    if (!(pp = bw_calloc(1, sizeof *pp)))
        return BW_ENOMEM;
    *out = pp; /* freed with the pack, also when parsing fails half-way */
    pp->partners = bw_calloc(json_array_size(arr), sizeof *pp->partners);
    pp->progs = bw_calloc(total, sizeof *pp->progs);
    if (bw_mul_size(total, 3 * LIST_MAX * sizeof *pp->lists, &bytes) ||
        !(pp->lists = bw_malloc(bytes)) || !pp->partners || !pp->progs)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_ta_partner *t = &pp->partners[i];
        const char *kind;
        char what[192];
        snprintf(what, sizeof what, "partner %zu", i);
        if ((rc = need_str(e, "id", what, &t->id, d)) || (rc = check_id(t->id, what, d)))
            return rc;
        for (k = 0; k < i; k++)
            if (strcmp(pp->partners[k].id, t->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "id", "partners.json: partner '%s' appears "
                                   "twice", t->id);
        snprintf(what, sizeof what, "partner '%s'", t->id);
        if ((rc = need_str(e, "name", what, &t->name, d)) ||
            (rc = need_str(e, "kind", what, &kind, d)) ||
            (rc = need_str(e, "source", what, &t->source, d)))
            return rc;
        if (!in_list(kinds, sizeof kinds / sizeof kinds[0], kind))
            return bw_diag_set(d, BW_EINVAL, "kind", "partners.json: %s: unknown kind '%s' "
                               "(un, international-organisation, regional-organisation, eu, "
                               "bilateral, ngo)", what, kind);
        t->kind = kind;
        t->first = pp->nprogs;
        pp->npartners = i + 1;
        json_array_foreach(json_object_get(e, "programmes"), k, ge) {
            if ((rc = parse_programme(p, ge, pp, i, pp->lists + pp->nprogs * 3 * LIST_MAX, d)))
                return rc;
        }
        t->n = pp->nprogs - t->first;
    }
    return BW_OK;
}

const struct bw_pack_part bw_pack_part_partners = {"partners", 0, partners_parse,
                                                   partners_free};

/* ---- lookups -------------------------------------------------------------------------- */

const struct bw_ta_partner *bw_pack_ta_partners(const bw_pack *p, size_t *n)
{
    const struct partners_part *pp = part(p);
    *n = pp ? pp->npartners : 0;
    return pp ? pp->partners : NULL;
}

const struct bw_ta_programme *bw_pack_ta_programmes(const bw_pack *p, size_t *n)
{
    const struct partners_part *pp = part(p);
    *n = pp ? pp->nprogs : 0;
    return pp ? pp->progs : NULL;
}

const struct bw_ta_programme *bw_pack_ta_programme(const bw_pack *p, const char *id)
{
    const struct partners_part *pp = part(p);
    for (size_t i = 0; pp && id && i < pp->nprogs; i++)
        if (strcmp(pp->progs[i].id, id) == 0)
            return &pp->progs[i];
    return NULL;
}

/* ---- matching ------------------------------------------------------------------------- */

static int cmp_match(const void *x, const void *y)
{
    const struct bw_ta_match *a = x, *b = y;
    if (a->primary != b->primary)
        return a->primary ? -1 : 1;
    if (a->covers != b->covers)
        return a->covers > b->covers ? -1 : 1;
    return a->prog < b->prog ? -1 : a->prog > b->prog; /* pack order */
}

static int serves(const struct bw_ta_programme *g, const char *region)
{
    return !region || in_list(g->regions, g->nregions, "global") ||
           in_list(g->regions, g->nregions, region);
}

int bw_ta_match(const bw_pack *p, const struct bw_fw_finding *f, size_t nf, const char *region,
                struct bw_ta_match **out, size_t *n)
{
    size_t ng, m = 0, cap = 0, in_need = 0, bytes;
    const struct bw_ta_programme *g = bw_pack_ta_programmes(p, &ng);
    const char **areas = NULL;
    size_t *covers = NULL;
    struct bw_ta_match *res = NULL;
    int rc = BW_ENOMEM;

    *out = NULL;
    *n = 0;
    /* The distinct areas in need, then each programme's coverage of them. */
    if (bw_mul_size(nf + 1, sizeof *areas, &bytes) || !(areas = bw_malloc(bytes)) ||
        !(covers = bw_calloc(ng + 1, sizeof *covers)))
        goto out;
    for (size_t i = 0; i < nf; i++)
        if (f[i].kind == BW_FW_TA_NEED && !in_list(areas, in_need, f[i].text))
            areas[in_need++] = f[i].text;
    for (size_t k = 0; k < ng; k++)
        for (size_t a = 0; a < in_need; a++)
            covers[k] += (size_t)in_list(g[k].areas, g[k].nareas, areas[a]);
    for (size_t i = 0; i < nf; i++) {
        size_t first = m;
        if (f[i].kind != BW_FW_TA_NEED)
            continue;
        for (size_t k = 0; k < ng; k++) {
            if (!in_list(g[k].areas, g[k].nareas, f[i].text) || !serves(&g[k], region))
                continue;
            if (m == cap) {
                size_t nc = cap ? cap * 2 : 64;
                struct bw_ta_match *r;
                if (bw_mul_size(nc, sizeof *r, &bytes) || !(r = bw_realloc(res, bytes)))
                    goto out;
                res = r;
                cap = nc;
            }
            res[m++] = (struct bw_ta_match){&f[i], &g[k], 0,
                                            strcmp(g[k].areas[0], f[i].text) == 0, covers[k],
                                            in_need};
        }
        qsort(res + first, m - first, sizeof *res, cmp_match);
        for (size_t r = first; r < m; r++)
            res[r].rank = r - first + 1;
    }
    *out = res;
    *n = m;
    res = NULL;
    rc = BW_OK;
out:
    bw_free(res);
    bw_free((void *)areas);
    bw_free(covers);
    return rc;
}
