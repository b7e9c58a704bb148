/*
 * threat.c — the "threats" part of the methodology pack and the threat-level resolver.
 *
 * The part holds three lists (packs/default/threats.json): threat_types (modus
 * operandi with physical parameters, GTD codes and the restoration attack type each maps
 * to), threat_levels (the national scale, lowest first, with the default level and the
 * gap threshold) and gtd_targets (GTD target types mapped onto taxonomy classes). The
 * parser checks every reference and every number and names the entry and the field in
 * its diagnostic; the typed views point into the pack's JSON tree, nothing is copied.
 *
 * bw_threat_level_find is the one place that decides which level set by the authority
 * is in force; its rule is written out in threat.h and docs/methodology.md.
 *
 * Invariants: threat ids are unique and are neither "*" nor a family name (so a level
 * entry's threat field is unambiguous); level ranks are 1..N in list order. Parsed data
 * is immutable; all functions are thread-safe.
 */
#include "threat.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pack_internal.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

const char *const bw_threat_families[] = {"ied",   "vbied", "firearms", "ramming", "edged",
                                          "arson", "uas",   "cbrn",     "insider", "cyber-physical"};
const size_t bw_threat_nfamilies = sizeof bw_threat_families / sizeof bw_threat_families[0];

/* Largest GTD codes (methodology.md §5): attacktype 1..9, weaptype 1..13, targtype 1..22. */
#define GTD_ATTACK_MAX 9
#define GTD_WEAPON_MAX 13
#define GTD_TARGET_MAX 22
/* A scale has at most this many levels (the UK's has five). */
#define LEVELS_MAX 16

struct threats_part {
    struct bw_threat *threats;
    size_t nthreats;
    int *codes; /* GTD codes of all threats, each threat points into it */
    struct bw_threat_level_def *levels;
    size_t nlevels;
    int default_rank, gap_rank;
    struct bw_gtd_target *targets;
    size_t ntargets;
    const char **target_classes; /* class ids of all targets, each target points into it */
};

int bw_threat_family_known(const char *family)
{
    for (size_t i = 0; family && i < bw_threat_nfamilies; i++)
        if (strcmp(bw_threat_families[i], family) == 0)
            return 1;
    return 0;
}

static const struct threats_part *part(const bw_pack *p)
{
    return bw_pack_part_get(p, "threats");
}

/* ---- parsing -------------------------------------------------------------------------- */

static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Checks that entry @p i of list @p where is an object with non-empty id, name and source
 * and a usable id. */
static int entry_ok(json_t *e, const char *where, size_t i, struct bw_diag *d)
{
    static const char *const keys[] = {"id", "name", "source"};
    const char *id;

    if (!json_is_object(e))
        return bw_diag_set(d, BW_EINVAL, where, "entry %zu is not an object", i);
    for (size_t k = 0; k < 3; k++) {
        const char *s = str_member(e, keys[k]);
        if (!s || !*s)
            return bw_diag_set(d, BW_EINVAL, keys[k], "%s entry %zu has no \"%s\"", where, i,
                               keys[k]);
    }
    id = str_member(e, "id");
    if (strlen(id) > BW_ID_MAX || strpbrk(id, ";*, \t\n"))
        return bw_diag_set(d, BW_EINVAL, "id", "%s entry %zu: bad id '%s' (no spaces, ';', ',' "
                           "or '*', at most %d bytes)", where, i, id, BW_ID_MAX);
    return BW_OK;
}

/* Reads the optional array @p arr of integer codes 1..@p max into codes[*used..]. */
static int read_codes(json_t *arr, int max, const char *threat, const char *field, int *codes,
                      size_t *used, size_t cap, struct bw_diag *d)
{
    size_t i;
    json_t *v;

    if (!arr)
        return BW_OK;
    if (!json_is_array(arr))
        return bw_diag_set(d, BW_EINVAL, field, "threat type '%s': gtd.%s must be a list", threat,
                           field);
    json_array_foreach(arr, i, v) {
        json_int_t c = json_is_integer(v) ? json_integer_value(v) : -1;
        if (c < 1 || c > max)
            return bw_diag_set(d, BW_EINVAL, field, "threat type '%s': gtd.%s code %zu must be "
                               "an integer 1..%d", threat, field, i, max);
        if (*used >= cap)
            return bw_diag_set(d, BW_ETOOBIG, field, "threat type '%s': too many GTD codes", threat);
        codes[(*used)++] = (int)c;
    }
    return BW_OK;
}

/* The physical parameters a threat type may carry, and where each goes. */
struct param {
    const char *key;
    size_t off;
};
static const struct param params[] = {
    {"tnt_kg", offsetof(struct bw_threat, tnt_kg)},
    {"vehicle_kg", offsetof(struct bw_threat, vehicle_kg)},
    {"speed_kmh", offsetof(struct bw_threat, speed_kmh)},
    {"mass_g", offsetof(struct bw_threat, uas_mass_g)},
    {"speed_ms", offsetof(struct bw_threat, uas_speed_ms)},
    {"range_km", offsetof(struct bw_threat, uas_range_km)},
    {"payload_g", offsetof(struct bw_threat, uas_payload_g)},
};

static int read_params(const bw_pack *p, json_t *o, struct bw_threat *t, struct bw_diag *d)
{
    const char *key;
    json_t *v;

    (void)p;
    if (!o)
        return BW_OK;
    if (!json_is_object(o))
        return bw_diag_set(d, BW_EINVAL, "parameters", "threat type '%s': parameters must be an "
                           "object", t->id);
    json_object_foreach(o, key, v) {
        size_t k;
        double x;
        for (k = 0; k < sizeof params / sizeof params[0]; k++)
            if (strcmp(params[k].key, key) == 0)
                break;
        if (k == sizeof params / sizeof params[0])
            return bw_diag_set(d, BW_EINVAL, key, "threat type '%s': unknown parameter '%s' "
                               "(tnt_kg, vehicle_kg, speed_kmh, mass_g, speed_ms, range_km, "
                               "payload_g)", t->id, key);
        x = json_number_value(v);
        if (!json_is_number(v) || !isfinite(x) || x < 0)
            return bw_diag_set(d, BW_EINVAL, key, "threat type '%s': %s must be a number >= 0",
                               t->id, key);
        *(double *)(void *)((char *)t + params[k].off) = x;
    }
    return BW_OK;
}

static int parse_threat_types(const bw_pack *p, json_t *arr, struct threats_part *tp,
                              struct bw_diag *d)
{
    size_t i, ncodes = 0, cap = 0;
    json_t *e;
    int rc;

    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bw_diag_set(d, BW_EINVAL, "threat_types", "threats: \"threat_types\" must be a "
                           "non-empty list");
    if (json_array_size(arr) > BW_LIST_ITEMS_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "threat_types", "more than %d threat types",
                           BW_LIST_ITEMS_MAX);
    json_array_foreach(arr, i, e) {
        json_t *g = json_object_get(e, "gtd");
        cap += json_array_size(json_object_get(g, "attacktype"));
        cap += json_array_size(json_object_get(g, "weaptype"));
    }
    tp->threats = bw_calloc(json_array_size(arr), sizeof *tp->threats);
    tp->codes = bw_calloc(cap ? cap : 1, sizeof *tp->codes);
    if (!tp->threats || !tp->codes)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_threat *t = &tp->threats[i];
        json_t *g, *note;
        size_t start;
        if ((rc = entry_ok(e, "threat_types", i, d)))
            return rc;
        t->id = str_member(e, "id");
        t->name = str_member(e, "name");
        t->source = str_member(e, "source");
        t->family = str_member(e, "family");
        t->restoration_attack = str_member(e, "restoration_attack");
        for (size_t k = 0; k < i; k++)
            if (strcmp(tp->threats[k].id, t->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "id", "threat type id '%s' appears twice", t->id);
        if (bw_threat_family_known(t->id))
            return bw_diag_set(d, BW_EINVAL, "id", "threat type id '%s' is a family name",
                               t->id);
        if (!bw_threat_family_known(t->family))
            return bw_diag_set(d, BW_EINVAL, "family", "threat type '%s': unknown family '%s' "
                               "(ied, vbied, firearms, ramming, edged, arson, uas, cbrn, "
                               "insider, cyber-physical)", t->id, t->family ? t->family : "");
        if (!t->restoration_attack || !bw_pack_attack_known(p, t->restoration_attack))
            return bw_diag_set(d, BW_EREF, "restoration_attack", "threat type '%s': "
                               "restoration_attack '%s' is not an attack type of the pack's "
                               "restoration part", t->id,
                               t->restoration_attack ? t->restoration_attack : "");
        note = json_object_get(e, "note");
        if (note && !json_is_string(note))
            return bw_diag_set(d, BW_EINVAL, "note", "threat type '%s': note must be text", t->id);
        t->note = json_string_value(note);
        g = json_object_get(e, "gtd");
        if (!json_is_object(g))
            return bw_diag_set(d, BW_EINVAL, "gtd", "threat type '%s': needs a \"gtd\" object "
                               "with \"attacktype\" and \"weaptype\" code lists", t->id);
        start = ncodes;
        if ((rc = read_codes(json_object_get(g, "attacktype"), GTD_ATTACK_MAX, t->id,
                             "attacktype", tp->codes, &ncodes, cap, d)))
            return rc;
        t->gtd_attacktypes = tp->codes + start;
        t->ngtd_attacktypes = ncodes - start;
        start = ncodes;
        if ((rc = read_codes(json_object_get(g, "weaptype"), GTD_WEAPON_MAX, t->id, "weaptype",
                             tp->codes, &ncodes, cap, d)))
            return rc;
        t->gtd_weaptypes = tp->codes + start;
        t->ngtd_weaptypes = ncodes - start;
        if ((rc = read_params(p, json_object_get(e, "parameters"), t, d)))
            return rc;
        tp->nthreats = i + 1;
    }
    return BW_OK;
}

static int level_rank(const struct threats_part *tp, const char *id)
{
    for (size_t i = 0; id && i < tp->nlevels; i++)
        if (strcmp(tp->levels[i].id, id) == 0)
            return tp->levels[i].rank;
    return 0;
}

static int parse_levels(json_t *o, struct threats_part *tp, struct bw_diag *d)
{
    json_t *arr = json_object_get(o, "levels"), *e;
    const char *def, *gap;
    size_t i;
    int rc;

    if (!json_is_object(o) || !json_is_array(arr) || json_array_size(arr) == 0)
        return bw_diag_set(d, BW_EINVAL, "threat_levels", "threats: \"threat_levels\" needs a "
                           "non-empty \"levels\" list");
    if (json_array_size(arr) > LEVELS_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "levels", "more than %d threat levels", LEVELS_MAX);
    tp->levels = bw_calloc(json_array_size(arr), sizeof *tp->levels);
    if (!tp->levels)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_threat_level_def *l = &tp->levels[i];
        if ((rc = entry_ok(e, "levels", i, d)))
            return rc;
        l->id = str_member(e, "id");
        l->name = str_member(e, "name");
        l->source = str_member(e, "source");
        l->meaning = str_member(e, "meaning");
        l->rank = (int)i + 1;
        if (!l->meaning || !*l->meaning)
            return bw_diag_set(d, BW_EINVAL, "meaning", "threat level '%s' has no \"meaning\"",
                               l->id);
        if (level_rank(tp, l->id))
            return bw_diag_set(d, BW_EINVAL, "id", "threat level '%s' appears twice", l->id);
        tp->nlevels = i + 1;
    }
    def = str_member(o, "default");
    gap = str_member(o, "gap_threshold");
    tp->default_rank = level_rank(tp, def);
    if (!tp->default_rank)
        return bw_diag_set(d, BW_EREF, "default", "threat_levels: default '%s' is not a level "
                           "of the scale", def ? def : "");
    if (json_object_get(o, "gap_threshold") && !(tp->gap_rank = level_rank(tp, gap)))
        return bw_diag_set(d, BW_EREF, "gap_threshold", "threat_levels: gap_threshold '%s' is "
                           "not a level of the scale", gap ? gap : "");
    if (!tp->gap_rank)
        tp->gap_rank = tp->default_rank;
    return BW_OK;
}

static int parse_targets(const bw_pack *p, json_t *arr, struct threats_part *tp,
                         struct bw_diag *d)
{
    size_t i, j, cap = 0, used = 0;
    json_t *e, *v;

    if (!arr)
        return BW_OK;
    if (!json_is_array(arr) || json_array_size(arr) > GTD_TARGET_MAX)
        return bw_diag_set(d, BW_EINVAL, "gtd_targets", "threats: \"gtd_targets\" must be a list "
                           "of at most %d entries", GTD_TARGET_MAX);
    json_array_foreach(arr, i, e) {
        cap += json_array_size(json_object_get(e, "classes"));
    }
    tp->targets = bw_calloc(json_array_size(arr) + 1, sizeof *tp->targets);
    tp->target_classes = bw_calloc(cap + 1, sizeof *tp->target_classes);
    if (!tp->targets || !tp->target_classes)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_gtd_target *t = &tp->targets[i];
        json_t *code = json_object_get(e, "code"), *cls = json_object_get(e, "classes");
        json_int_t c = json_is_integer(code) ? json_integer_value(code) : -1;
        if (c < 1 || c > GTD_TARGET_MAX)
            return bw_diag_set(d, BW_EINVAL, "code", "gtd_targets entry %zu: code must be an "
                               "integer 1..%d", i, GTD_TARGET_MAX);
        t->code = (int)c;
        t->name = str_member(e, "name");
        t->source = str_member(e, "source");
        if (!t->name || !*t->name || !t->source || !*t->source)
            return bw_diag_set(d, BW_EINVAL, "source", "GTD target type %d needs a name and a "
                               "source", t->code);
        for (size_t k = 0; k < i; k++)
            if (tp->targets[k].code == t->code)
                return bw_diag_set(d, BW_EINVAL, "code", "GTD target type %d appears twice",
                                   t->code);
        if (!json_is_array(cls))
            return bw_diag_set(d, BW_EINVAL, "classes", "GTD target type %d: classes must be a "
                               "list", t->code);
        t->classes = tp->target_classes + used;
        json_array_foreach(cls, j, v) {
            const char *id = json_string_value(v);
            if (!id || !bw_pack_class(p, id, strlen(id)))
                return bw_diag_set(d, BW_EREF, "classes", "GTD target type %d: unknown class "
                                   "'%s'", t->code, id ? id : "?");
            tp->target_classes[used++] = id;
        }
        t->nclasses = json_array_size(cls);
        tp->ntargets = i + 1;
    }
    return BW_OK;
}

static void threats_free(void *parsed)
{
    struct threats_part *tp = parsed;
    if (!tp)
        return;
    bw_free(tp->threats);
    bw_free(tp->codes);
    bw_free(tp->levels);
    bw_free(tp->targets);
    bw_free((void *)tp->target_classes);
    bw_free(tp);
}

static int threats_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    struct threats_part *tp;
    int rc;

    *out = NULL;
    if (!j)
        return BW_OK;
    if (!json_is_object(j))
        return bw_diag_set(d, BW_EINVAL, "threats", "the threats part must be an object");
    tp = bw_calloc(1, sizeof *tp);
    if (!tp)
        return BW_ENOMEM;
    *out = tp; /* freed with the pack, also when parsing fails half-way */
    if ((rc = parse_threat_types(p, json_object_get(j, "threat_types"), tp, d)) ||
        (rc = parse_levels(json_object_get(j, "threat_levels"), tp, d)) ||
        (rc = parse_targets(p, json_object_get(j, "gtd_targets"), tp, d)))
        return rc;
    return BW_OK;
}

const struct bw_pack_part bw_pack_part_threats = {"threats", 0, threats_parse, threats_free};

/* ---- lookups -------------------------------------------------------------------------- */

const struct bw_threat *bw_pack_threats(const bw_pack *p, size_t *n)
{
    const struct threats_part *tp = part(p);
    *n = tp ? tp->nthreats : 0;
    return tp ? tp->threats : NULL;
}

size_t bw_pack_threat_index(const bw_pack *p, const char *id)
{
    const struct threats_part *tp = part(p);
    for (size_t i = 0; tp && id && i < tp->nthreats; i++)
        if (strcmp(tp->threats[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

const struct bw_threat *bw_pack_threat(const bw_pack *p, const char *id)
{
    size_t i = bw_pack_threat_index(p, id);
    return i == (size_t)-1 ? NULL : &part(p)->threats[i];
}

const struct bw_threat_level_def *bw_pack_threat_levels(const bw_pack *p, size_t *n)
{
    const struct threats_part *tp = part(p);
    *n = tp ? tp->nlevels : 0;
    return tp ? tp->levels : NULL;
}

const struct bw_threat_level_def *bw_pack_threat_level(const bw_pack *p, const char *id)
{
    const struct threats_part *tp = part(p);
    int r = tp ? level_rank(tp, id) : 0;
    return r ? &tp->levels[r - 1] : NULL;
}

const struct bw_threat_level_def *bw_pack_threat_level_rank(const bw_pack *p, int rank)
{
    const struct threats_part *tp = part(p);
    if (!tp || rank < 1 || (size_t)rank > tp->nlevels)
        return NULL;
    return &tp->levels[rank - 1];
}

int bw_pack_threat_level_default(const bw_pack *p)
{
    const struct threats_part *tp = part(p);
    return tp ? tp->default_rank : 0;
}

int bw_pack_threat_level_gap_threshold(const bw_pack *p)
{
    const struct threats_part *tp = part(p);
    return tp ? tp->gap_rank : 0;
}

const struct bw_gtd_target *bw_pack_gtd_targets(const bw_pack *p, size_t *n)
{
    const struct threats_part *tp = part(p);
    *n = tp ? tp->ntargets : 0;
    return tp ? tp->targets : NULL;
}

static int has_code(const int *codes, size_t n, int c)
{
    for (size_t i = 0; i < n; i++)
        if (codes[i] == c)
            return 1;
    return 0;
}

size_t bw_pack_threats_for_gtd(const bw_pack *p, int attacktype, int weaptype,
                               const struct bw_threat **out, size_t max)
{
    size_t n, found = 0;
    const struct bw_threat *t = bw_pack_threats(p, &n);

    for (size_t i = 0; i < n; i++) {
        if (!has_code(t[i].gtd_attacktypes, t[i].ngtd_attacktypes, attacktype))
            continue;
        if (weaptype && t[i].ngtd_weaptypes &&
            !has_code(t[i].gtd_weaptypes, t[i].ngtd_weaptypes, weaptype))
            continue;
        if (found < max)
            out[found] = &t[i];
        found++;
    }
    return found;
}

/* ---- levels set by the authority ------------------------------------------------------ */

int bw_date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0, m, dd;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (s[i] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    dd = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || dd < 1)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return dd <= 29;
    return dd <= mdays[m - 1];
}

int bw_threat_level_check(const bw_pack *p, struct bw_threat_level *e, struct bw_diag *d)
{
    const struct bw_threat_level_def *l;

    if (!e->threat || !*e->threat)
        return bw_diag_set(d, BW_EINVAL, "threat", "a threat type (or a family, or \"*\") is "
                           "required");
    if (strcmp(e->threat, "*") != 0 && !bw_pack_threat(p, e->threat) &&
        !bw_threat_family_known(e->threat))
        return bw_diag_set(d, BW_EREF, "threat", "unknown threat type '%s' (see `bulwark "
                           "threats list`)", e->threat);
    l = e->level ? bw_pack_threat_level(p, e->level) : NULL;
    if (!l)
        return bw_diag_set(d, BW_EREF, "level", "unknown threat level '%s'",
                           e->level ? e->level : "");
    e->rank = l->rank;
    if (e->region && (!*e->region || strlen(e->region) > BW_ID_MAX))
        return bw_diag_set(d, BW_EINVAL, "region", "region must be 1..%d bytes", BW_ID_MAX);
    if (e->sector && !bw_pack_class(p, e->sector, strlen(e->sector)))
        return bw_diag_set(d, BW_EREF, "sector", "unknown sector, subsector or category '%s'",
                           e->sector);
    if (e->valid_from && !bw_date_valid(e->valid_from))
        return bw_diag_set(d, BW_EINVAL, "valid_from", "'%s' is not a date (YYYY-MM-DD)",
                           e->valid_from);
    if (e->valid_to && !bw_date_valid(e->valid_to))
        return bw_diag_set(d, BW_EINVAL, "valid_to", "'%s' is not a date (YYYY-MM-DD)",
                           e->valid_to);
    if (e->valid_from && e->valid_to && strcmp(e->valid_from, e->valid_to) > 0)
        return bw_diag_set(d, BW_EINVAL, "valid_to", "ends (%s) before it starts (%s)",
                           e->valid_to, e->valid_from);
    if (e->note && strlen(e->note) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "note", "note longer than %d bytes", BW_TEXT_MAX);
    return BW_OK;
}

/* How specifically entry @p e addresses (threat, region, class), or -1 when it does not
 * apply. The three scores are packed so that comparing integers compares them in order:
 * threat first, then region, then sector. */
static int specificity(const bw_pack *p, const struct bw_threat_level *e, const char *threat,
                       const struct bw_threat *t, const char *region, const struct bw_class *c)
{
    int ts, rs, ss;

    if (threat && strcmp(e->threat, threat) == 0 && strcmp(threat, "*") != 0)
        ts = 2;
    else if (t && strcmp(e->threat, t->family) == 0)
        ts = 1;
    else if (strcmp(e->threat, "*") == 0)
        ts = 0;
    else
        return -1;
    if (!e->region)
        rs = 0;
    else if (region && strcmp(e->region, region) == 0)
        rs = 1;
    else
        return -1;
    if (!e->sector)
        ss = 0;
    else if (!c)
        return -1;
    else if (strcmp(c->id, e->sector) == 0)
        ss = 2;
    else if (bw_pack_class_in_sector(p, c, e->sector))
        ss = 1;
    else
        return -1;
    return ts * 100 + rs * 10 + ss;
}

/* True when @p a was set after @p b (NULL set_at counts as earliest), then by id. */
static int newer(const struct bw_threat_level *a, const struct bw_threat_level *b)
{
    int c = strcmp(a->set_at ? a->set_at : "", b->set_at ? b->set_at : "");
    return c > 0 || (c == 0 && a->id > b->id);
}

const struct bw_threat_level *bw_threat_level_find(const bw_pack *p,
                                                   const struct bw_threat_level *e, size_t n,
                                                   const char *date, const char *threat,
                                                   const char *region, const char *class_id)
{
    const struct bw_threat *t = threat ? bw_pack_threat(p, threat) : NULL;
    const struct bw_class *c = class_id ? bw_pack_class(p, class_id, strlen(class_id)) : NULL;
    const struct bw_threat_level *best = NULL;
    int best_s = -1;

    for (size_t i = 0; i < n; i++) {
        int s;
        if (!e[i].threat)
            continue;
        /* ISO dates compare as strings; valid_to is the last day in force. */
        if (date && e[i].valid_from && strcmp(date, e[i].valid_from) < 0)
            continue;
        if (date && e[i].valid_to && strcmp(date, e[i].valid_to) > 0)
            continue;
        s = specificity(p, &e[i], threat, t, region, c);
        if (s < 0)
            continue;
        if (s > best_s || (s == best_s && newer(&e[i], best))) {
            best = &e[i];
            best_s = s;
        }
    }
    return best;
}

int bw_threat_level_resolve(const bw_pack *p, const struct bw_threat_level *e, size_t n,
                            const char *date, const char *threat, const char *region,
                            const char *class_id)
{
    const struct bw_threat_level *f = bw_threat_level_find(p, e, n, date, threat, region,
                                                           class_id);
    const struct bw_threat_level_def *l;

    if (!f)
        return bw_pack_threat_level_default(p);
    if (f->rank > 0)
        return f->rank;
    l = f->level ? bw_pack_threat_level(p, f->level) : NULL; /* rank not filled in */
    return l ? l->rank : bw_pack_threat_level_default(p);
}
