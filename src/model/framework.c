/*
 * framework.c — the "framework" part of the methodology pack (the national framework
 * assessment questionnaire) and the scoring of a set of answers.
 *
 * The part (packs/default/framework.json) holds the maturity scale (exactly the levels
 * 0..4, in order, each with a name and an evidence test), the areas with their
 * indicators (unique ids, text, anchor clause, optional target 0..4 defaulting to the
 * part's "default_target", itself defaulting to 3) and the computed indicators, each
 * one of the ids the program computes (bw_fw_computed_ids) mapped onto a known
 * indicator. The parser names the entry and the field in its diagnostic; the typed views
 * point into the pack's JSON tree, nothing is copied.
 *
 * Every indicator also carries a recommendation (required) and may carry a
 * technical-assistance area ("ta_area", a non-empty string) and "critical": true.
 *
 * Scoring (framework.h): area score = lower median of the answered indicators' levels;
 * unanswered indicators are excluded and counted. Findings (bw_fw_findings) follow the
 * rules stated in framework.h and are sorted by one total order (priority, kind,
 * indicator, input position), so they never depend on qsort's instability. Parsed data is
 * immutable; all functions are thread-safe.
 */
#include "framework.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pack_internal.h"
#include "threat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *const bw_fw_computed_ids[] = {
    "designated-assessed",  "threats-unmeasured", "sites-no-contact",
    "soft-plan-evacuation", "soft-plan-invacuation", "soft-plan-lockdown",
    "soft-plan-communication", "warnings-acknowledged"};
const size_t bw_fw_ncomputed_ids = sizeof bw_fw_computed_ids / sizeof bw_fw_computed_ids[0];

/* At most this many areas and indicators (the default pack has 13 and 57). */
#define AREAS_MAX 64
#define INDICATORS_MAX 1024

struct fw_part {
    struct bw_fw_level levels[BW_FW_LEVEL_MAX + 1];
    struct bw_fw_area *areas;
    size_t nareas;
    struct bw_fw_indicator *inds;
    size_t ninds;
    struct bw_fw_computed_def *computed;
    size_t ncomputed;
};

static const struct fw_part *part(const bw_pack *p)
{
    return bw_pack_part_get(p, "framework");
}

static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A non-empty string member @p key of entry @p what, or an error naming it. */
static int need_str(json_t *o, const char *key, const char *what, const char **out,
                    struct bw_diag *d)
{
    *out = str_member(o, key);
    if (!*out || !**out)
        return bw_diag_set(d, BW_EINVAL, key, "framework: %s has no \"%s\"", what, key);
    return BW_OK;
}

/* A level 0..4 from @p v, or -1. */
static int level_value(json_t *v)
{
    json_int_t x = json_is_integer(v) ? json_integer_value(v) : -1;
    return x >= 0 && x <= BW_FW_LEVEL_MAX ? (int)x : -1;
}

static int parse_scale(json_t *arr, struct fw_part *fp, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    int rc;

    if (!json_is_array(arr) || json_array_size(arr) != BW_FW_LEVEL_MAX + 1)
        return bw_diag_set(d, BW_EINVAL, "scale", "framework: \"scale\" must list the levels "
                           "0..%d", BW_FW_LEVEL_MAX);
    json_array_foreach(arr, i, e) {
        struct bw_fw_level *l = &fp->levels[i];
        char what[64];
        snprintf(what, sizeof what, "scale entry %zu", i);
        if (!json_is_object(e) || level_value(json_object_get(e, "level")) != (int)i)
            return bw_diag_set(d, BW_EINVAL, "level", "framework: scale entry %zu must be an "
                               "object with \"level\": %zu", i, i);
        l->level = (int)i;
        if ((rc = need_str(e, "name", what, &l->name, d)) ||
            (rc = need_str(e, "evidence", what, &l->evidence, d)) ||
            (rc = need_str(e, "source", what, &l->source, d)))
            return rc;
    }
    return BW_OK;
}

static int parse_areas(json_t *arr, int def_target, struct fw_part *fp, struct bw_diag *d)
{
    size_t i, j, total = 0;
    json_t *e, *ie;
    int rc;

    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > AREAS_MAX)
        return bw_diag_set(d, BW_EINVAL, "areas", "framework: \"areas\" must be a list of 1..%d "
                           "areas", AREAS_MAX);
    json_array_foreach(arr, i, e) {
        json_t *inds = json_object_get(e, "indicators");
        if (!json_is_array(inds) || json_array_size(inds) == 0)
            return bw_diag_set(d, BW_EINVAL, "indicators", "framework: area %zu needs a "
                               "non-empty \"indicators\" list", i);
        total += json_array_size(inds);
    }
    if (total > INDICATORS_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "indicators", "framework: more than %d indicators",
                           INDICATORS_MAX);
    fp->areas = bw_calloc(json_array_size(arr), sizeof *fp->areas);
    fp->inds = bw_calloc(total, sizeof *fp->inds);
    if (!fp->areas || !fp->inds)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_fw_area *a = &fp->areas[i];
        char what[192];
        snprintf(what, sizeof what, "area %zu", i);
        if ((rc = need_str(e, "id", what, &a->id, d)) ||
            (rc = need_str(e, "name", what, &a->name, d)))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(fp->areas[k].id, a->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "id", "framework: area '%s' appears twice",
                                   a->id);
        a->first = fp->ninds;
        json_array_foreach(json_object_get(e, "indicators"), j, ie) {
            struct bw_fw_indicator *t = &fp->inds[fp->ninds];
            json_t *tg;
            snprintf(what, sizeof what, "indicator %zu of area %s", j, a->id);
            if (!json_is_object(ie))
                return bw_diag_set(d, BW_EINVAL, "indicators", "framework: %s is not an object",
                                   what);
            if ((rc = need_str(ie, "id", what, &t->id, d)) ||
                (rc = need_str(ie, "text", what, &t->text, d)) ||
                (rc = need_str(ie, "anchor", what, &t->anchor, d)))
                return rc;
            if (strlen(t->id) > BW_ID_MAX || strpbrk(t->id, ";*, \t\n"))
                return bw_diag_set(d, BW_EINVAL, "id", "framework: bad indicator id '%s'", t->id);
            for (size_t k = 0; k < fp->ninds; k++)
                if (strcmp(fp->inds[k].id, t->id) == 0)
                    return bw_diag_set(d, BW_EINVAL, "id", "framework: indicator '%s' appears "
                                       "twice", t->id);
            if ((rc = need_str(ie, "recommendation", what, &t->recommendation, d)))
                return rc;
            if ((tg = json_object_get(ie, "ta_area")) &&
                (!json_is_string(tg) || !*json_string_value(tg)))
                return bw_diag_set(d, BW_EINVAL, "ta_area", "framework: indicator '%s': "
                                   "ta_area must be a non-empty string", t->id);
            t->ta_area = tg ? json_string_value(tg) : NULL;
            if ((tg = json_object_get(ie, "critical")) && !json_is_boolean(tg))
                return bw_diag_set(d, BW_EINVAL, "critical", "framework: indicator '%s': "
                                   "critical must be true or false", t->id);
            t->critical = json_is_true(tg);
            t->area = a->id;
            t->area_index = i;
            tg = json_object_get(ie, "target");
            t->target = tg ? level_value(tg) : def_target;
            if (t->target < 0)
                return bw_diag_set(d, BW_EINVAL, "target", "framework: indicator '%s': target "
                                   "must be a level 0..%d", t->id, BW_FW_LEVEL_MAX);
            fp->ninds++;
        }
        a->n = fp->ninds - a->first;
        fp->nareas = i + 1;
    }
    return BW_OK;
}

static int parse_computed(json_t *arr, struct fw_part *fp, struct bw_diag *d)
{
    size_t i;
    json_t *e;
    int rc;

    if (!arr)
        return BW_OK;
    if (!json_is_array(arr) || json_array_size(arr) > bw_fw_ncomputed_ids)
        return bw_diag_set(d, BW_EINVAL, "computed", "framework: \"computed\" must be a list of "
                           "at most %zu entries", bw_fw_ncomputed_ids);
    fp->computed = bw_calloc(json_array_size(arr) + 1, sizeof *fp->computed);
    if (!fp->computed)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        struct bw_fw_computed_def *c = &fp->computed[i];
        char what[64];
        size_t k;
        snprintf(what, sizeof what, "computed entry %zu", i);
        if (!json_is_object(e))
            return bw_diag_set(d, BW_EINVAL, "computed", "framework: %s is not an object", what);
        if ((rc = need_str(e, "id", what, &c->id, d)) ||
            (rc = need_str(e, "indicator", what, &c->indicator, d)) ||
            (rc = need_str(e, "name", what, &c->name, d)) ||
            (rc = need_str(e, "source", what, &c->source, d)))
            return rc;
        for (k = 0; k < bw_fw_ncomputed_ids; k++)
            if (strcmp(bw_fw_computed_ids[k], c->id) == 0)
                break;
        if (k == bw_fw_ncomputed_ids)
            return bw_diag_set(d, BW_EREF, "id", "framework: unknown computed indicator '%s'",
                               c->id);
        for (k = 0; k < i; k++)
            if (strcmp(fp->computed[k].id, c->id) == 0)
                return bw_diag_set(d, BW_EINVAL, "id", "framework: computed indicator '%s' "
                                   "appears twice", c->id);
        for (k = 0; k < fp->ninds; k++)
            if (strcmp(fp->inds[k].id, c->indicator) == 0)
                break;
        if (k == fp->ninds)
            return bw_diag_set(d, BW_EREF, "indicator", "framework: computed indicator '%s' "
                               "informs unknown indicator '%s'", c->id, c->indicator);
        fp->ncomputed = i + 1;
    }
    return BW_OK;
}

static void fw_free(void *parsed)
{
    struct fw_part *fp = parsed;
    if (!fp)
        return;
    bw_free(fp->areas);
    bw_free(fp->inds);
    bw_free(fp->computed);
    bw_free(fp);
}

static int fw_parse(const bw_pack *p, json_t *j, struct bw_diag *d, void **out)
{
    struct fw_part *fp;
    json_t *dt;
    int rc, def = BW_FW_TARGET_DEFAULT;

    (void)p;
    *out = NULL;
    if (!j)
        return BW_OK;
    if (!json_is_object(j))
        return bw_diag_set(d, BW_EINVAL, "framework", "the framework part must be an object");
    if ((dt = json_object_get(j, "default_target")) && (def = level_value(dt)) < 0)
        return bw_diag_set(d, BW_EINVAL, "default_target", "framework: default_target must be "
                           "a level 0..%d", BW_FW_LEVEL_MAX);
    fp = bw_calloc(1, sizeof *fp);
    if (!fp)
        return BW_ENOMEM;
    *out = fp; /* freed with the pack, also when parsing fails half-way */
    if ((rc = parse_scale(json_object_get(j, "scale"), fp, d)) ||
        (rc = parse_areas(json_object_get(j, "areas"), def, fp, d)) ||
        (rc = parse_computed(json_object_get(j, "computed"), fp, d)))
        return rc;
    return BW_OK;
}

const struct bw_pack_part bw_pack_part_framework = {"framework", 0, fw_parse, fw_free};

/* ---- lookups -------------------------------------------------------------------------- */

const struct bw_fw_level *bw_pack_fw_levels(const bw_pack *p, size_t *n)
{
    const struct fw_part *fp = part(p);
    *n = fp ? BW_FW_LEVEL_MAX + 1 : 0;
    return fp ? fp->levels : NULL;
}

const struct bw_fw_area *bw_pack_fw_areas(const bw_pack *p, size_t *n)
{
    const struct fw_part *fp = part(p);
    *n = fp ? fp->nareas : 0;
    return fp ? fp->areas : NULL;
}

const struct bw_fw_indicator *bw_pack_fw_indicators(const bw_pack *p, size_t *n)
{
    const struct fw_part *fp = part(p);
    *n = fp ? fp->ninds : 0;
    return fp ? fp->inds : NULL;
}

size_t bw_pack_fw_indicator_index(const bw_pack *p, const char *id)
{
    const struct fw_part *fp = part(p);
    for (size_t i = 0; fp && id && i < fp->ninds; i++)
        if (strcmp(fp->inds[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

const struct bw_fw_indicator *bw_pack_fw_indicator(const bw_pack *p, const char *id)
{
    size_t i = bw_pack_fw_indicator_index(p, id);
    return i == (size_t)-1 ? NULL : &part(p)->inds[i];
}

const struct bw_fw_computed_def *bw_pack_fw_computed(const bw_pack *p, size_t *n)
{
    const struct fw_part *fp = part(p);
    *n = fp ? fp->ncomputed : 0;
    return fp ? fp->computed : NULL;
}

/* ---- answers and scoring -------------------------------------------------------------- */

int bw_fw_answer_check(const bw_pack *p, const struct bw_fw_answer *a, struct bw_diag *d)
{
    if (!a->indicator || !bw_pack_fw_indicator(p, a->indicator))
        return bw_diag_set(d, BW_EREF, "indicator", "unknown indicator '%s' (see `bulwark "
                           "framework score`)", a->indicator ? a->indicator : "");
    if (a->level < 0 || a->level > BW_FW_LEVEL_MAX)
        return bw_diag_set(d, BW_ERANGE, "level", "level %d is outside 0..%d", a->level,
                           BW_FW_LEVEL_MAX);
    if (a->date && !bw_date_valid(a->date))
        return bw_diag_set(d, BW_EINVAL, "date", "'%s' is not a date (YYYY-MM-DD)", a->date);
    if (a->evidence && strlen(a->evidence) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "evidence", "longer than %d bytes", BW_TEXT_MAX);
    if (a->files && strlen(a->files) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "files", "longer than %d bytes", BW_TEXT_MAX);
    if (a->assessor && strlen(a->assessor) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, "assessor", "longer than %d bytes", BW_TEXT_MAX);
    return BW_OK;
}

int bw_fw_median(const int *levels, size_t n)
{
    /* Levels are 0..4 (anything else is clamped into a bucket of its own order), so a
     * counting pass finds the element at sorted index (n - 1) / 2 without sorting. */
    size_t count[BW_FW_LEVEL_MAX + 1] = {0}, want, seen = 0;

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int l = levels[i] < 0 ? 0 : levels[i] > BW_FW_LEVEL_MAX ? BW_FW_LEVEL_MAX : levels[i];
        count[l]++;
    }
    want = (n - 1) / 2;
    for (int l = 0; l <= BW_FW_LEVEL_MAX; l++) {
        seen += count[l];
        if (seen > want)
            return l;
    }
    return BW_FW_LEVEL_MAX;
}

int bw_fw_score(const bw_pack *p, const int *level_of, struct bw_fw_area_score *out)
{
    const struct fw_part *fp = part(p);
    int lv[INDICATORS_MAX];

    for (size_t a = 0; fp && a < fp->nareas; a++) {
        const struct bw_fw_area *ar = &fp->areas[a];
        struct bw_fw_area_score *s = &out[a];
        size_t k = 0;
        s->answered = s->missing = s->below = 0;
        for (size_t i = ar->first; i < ar->first + ar->n; i++) {
            int l = level_of[i];
            if (l < -1 || l > BW_FW_LEVEL_MAX)
                return BW_EINVAL;
            if (l < 0) {
                s->missing++;
                continue;
            }
            lv[k++] = l;
            if (l < fp->inds[i].target)
                s->below++;
        }
        s->answered = k;
        s->score = bw_fw_median(lv, k);
    }
    return BW_OK;
}

/* ---- findings ------------------------------------------------------------------------- */

const char *bw_fw_finding_kind_name(enum bw_fw_finding_kind k)
{
    static const char *const names[] = {"vulnerability", "gap", "ta-need", "recommendation",
                                        "good-practice"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *bw_fw_priority_name(enum bw_fw_priority p)
{
    return p == BW_FW_HIGH ? "high" : p == BW_FW_MEDIUM ? "medium" : "low";
}

size_t bw_fw_findings_max(const bw_pack *p, size_t ncomputed)
{
    const struct fw_part *fp = part(p);
    return (fp ? 4 * fp->ninds : 0) + ncomputed;
}

/* Whether an available computed indicator shows sites or threat types exposed. */
static int exposed(const struct bw_fw_computed *c)
{
    if (!c->available || !c->def)
        return 0;
    if (strcmp(c->def->id, "threats-unmeasured") == 0 ||
        strcmp(c->def->id, "sites-no-contact") == 0)
        return c->num > 0;
    return c->num < c->den; /* a share: designated-assessed, soft-plan-* */
}

struct keyed {
    struct bw_fw_finding f;
    size_t ind, seq;
};

static int cmp_finding(const void *x, const void *y)
{
    const struct keyed *a = x, *b = y;
    if (a->f.priority != b->f.priority)
        return a->f.priority < b->f.priority ? -1 : 1;
    if (a->f.kind != b->f.kind)
        return a->f.kind < b->f.kind ? -1 : 1;
    if (a->ind != b->ind)
        return a->ind < b->ind ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int bw_fw_findings(const bw_pack *p, const int *level_of, const struct bw_fw_computed *c,
                   size_t nc, struct bw_fw_finding *out, size_t cap, size_t *n)
{
    const struct fw_part *fp = part(p);
    struct keyed *k = NULL;
    size_t m = 0, max = bw_fw_findings_max(p, nc), bytes;

    *n = 0;
    if (!fp)
        return BW_OK;
    if (bw_mul_size(max + 1, sizeof *k, &bytes) || !(k = bw_malloc(bytes)))
        return BW_ENOMEM;
#define ADD(kind_, prio_, i_, text_, comp_)                                                  \
    do {                                                                                      \
        k[m].f = (struct bw_fw_finding){(kind_), (prio_), &fp->inds[i_], level_of[i_],        \
                                        (text_), (comp_)};                                    \
        k[m].ind = (i_);                                                                      \
        k[m].seq = m;                                                                         \
        m++;                                                                                  \
    } while (0)
    for (size_t i = 0; i < fp->ninds; i++) {
        const struct bw_fw_indicator *t = &fp->inds[i];
        int l = level_of[i];
        if (l < -1 || l > BW_FW_LEVEL_MAX) {
            bw_free(k);
            return BW_EINVAL;
        }
        if (l < 0)
            continue;
        if (l <= 1 && t->critical)
            ADD(BW_FW_VULNERABILITY, BW_FW_HIGH, i, t->text, NULL);
        if (l < t->target) {
            enum bw_fw_priority pr =
                l <= 1 || t->target - l >= 2 || t->critical ? BW_FW_HIGH : BW_FW_MEDIUM;
            ADD(BW_FW_GAP, pr, i, t->text, NULL);
            if (t->ta_area)
                ADD(BW_FW_TA_NEED, pr, i, t->ta_area, NULL);
            ADD(BW_FW_RECOMMENDATION, pr, i, t->recommendation, NULL);
        } else if (l >= 3) /* level 4 is never below a target, so "4, or >= target and >= 3" */
            ADD(BW_FW_GOOD_PRACTICE, BW_FW_LOW, i, t->text, NULL);
    }
    for (size_t j = 0; j < nc; j++) {
        size_t i = c[j].def ? bw_pack_fw_indicator_index(p, c[j].def->indicator) : (size_t)-1;
        if (i == (size_t)-1 || !exposed(&c[j]))
            continue;
        ADD(BW_FW_VULNERABILITY, BW_FW_HIGH, i, c[j].def->name, &c[j]);
    }
#undef ADD
    if (m > cap) {
        bw_free(k);
        return BW_ETOOBIG;
    }
    qsort(k, m, sizeof *k, cmp_finding);
    for (size_t i = 0; i < m; i++)
        out[i] = k[i].f;
    *n = m;
    bw_free(k);
    return BW_OK;
}
