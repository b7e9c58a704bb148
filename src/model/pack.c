/*
 * pack.c — reading, bundling and parsing the methodology pack.
 *
 * The bundle is {"pack": ..., "taxonomy": ..., "designation": ...}, serialised
 * compactly in the files' own key order, so the same files always give the same bytes
 * and the same hash. Parsing keeps the jansson tree alive and points the typed views
 * (classes, terms, tiers, criteria) into it; nothing is copied. Every entry must carry
 * an id, a name and a source: methodology without provenance is refused.
 * A parsed pack is immutable, hence safe to share between threads.
 */
#include "pack.h"
#include "pack_internal.h"
#include "alloc.h"
#include "error.h"
#include "json_jansson.h"
#include "limits.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct bw_pack {
    json_t *root;
    char hash[17];
    const char *id, *version, *criteria_version;
    struct bw_class *classes;
    size_t nclasses;
    struct bw_term *services, *org_types, *phases;
    size_t nservices, norg_types, nphases;
    struct bw_tier *tiers;
    size_t ntiers;
    struct bw_tier_cap *caps;
    size_t ncaps;
    struct bw_criterion *criteria;
    size_t ncriteria;
    json_t *restoration; /* borrowed from root; NULL when the pack has none */
    void *parts[16];     /* parsed values of the further parts, in table order */
};

/* The further parts (pack_internal.h), parsed in this order after the taxonomy. */
static const struct bw_pack_part *const part_table[] = {
    NULL, /* keeps the table non-empty; skipped */
    &bw_pack_part_threats,
    &bw_pack_part_measures,
    &bw_pack_part_effects,
    &bw_pack_part_risk,
    &bw_pack_part_framework,
    &bw_pack_part_partners,
};
#define NPARTS (sizeof part_table / sizeof part_table[0])
_Static_assert(NPARTS <= 16, "struct bw_pack has room for 16 parts");

void *bw_pack_part_get(const bw_pack *p, const char *name)
{
    for (size_t i = 0; i < NPARTS; i++)
        if (part_table[i] && strcmp(part_table[i]->name, name) == 0)
            return p->parts[i];
    return NULL;
}

static int parse_parts(bw_pack *p, struct bw_diag *d)
{
    for (size_t i = 0; i < NPARTS; i++) {
        const struct bw_pack_part *pt = part_table[i];
        json_t *j;
        int rc;
        if (!pt)
            continue;
        j = json_object_get(p->root, pt->name);
        if (!j && pt->required)
            return bw_diag_set(d, BW_EINVAL, pt->name, "the pack has no \"%s\" part", pt->name);
        if ((rc = pt->parse(p, j, d, &p->parts[i])))
            return rc;
    }
    return BW_OK;
}

static json_t *load_file(const char *path, struct bw_diag *d, int *rc)
{
    json_error_t err;
    json_t *j;
    FILE *f = fopen(path, "rb");

    if (!f) {
        bw_diag_file(d, path);
        *rc = bw_diag_set(d, BW_EIO, NULL, "cannot open pack file");
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    if (ftell(f) > (long)BW_PACK_FILE_MAX) {
        fclose(f);
        bw_diag_file(d, path);
        *rc = bw_diag_set(d, BW_ETOOBIG, NULL, "pack file larger than %u bytes", BW_PACK_FILE_MAX);
        return NULL;
    }
    rewind(f);
    j = bw__json_loadf(f, JSON_REJECT_DUPLICATES, &err, rc);
    fclose(f);
    if (!j) {
        bw_diag_file(d, path);
        if (*rc == BW_ENOMEM) {
            bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
            return NULL;
        }
        if (d)
            d->line = (uint64_t)(err.line > 0 ? err.line : 0);
        bw_diag_set(d, BW_EPARSE, NULL, "%s", err.text);
    }
    return j;
}

int bw_pack_read_dir(const char *dir, struct bw_diag *d, char **out)
{
    char path[4096];
    json_t *meta = NULL, *bundle = NULL, *files, *part = NULL;
    const char *key;
    json_t *val;
    bw_pack *check = NULL;
    char *text = NULL;
    int rc = BW_OK;

    *out = NULL;
    snprintf(path, sizeof path, "%s/pack.json", dir);
    meta = load_file(path, d, &rc);
    if (!meta)
        return rc;
    files = json_object_get(meta, "files");
    if (!json_is_object(files)) {
        bw_diag_file(d, path);
        rc = bw_diag_set(d, BW_EINVAL, "files", "pack.json must name its files in \"files\"");
        goto out;
    }
    bundle = json_object();
    if (!bundle || json_object_set(bundle, "pack", meta)) {
        rc = BW_ENOMEM;
        goto out;
    }
    json_object_foreach(files, key, val) {
        const char *name = json_string_value(val);
        if (!name || strchr(name, '/') || name[0] == '.') {
            bw_diag_file(d, path);
            rc = bw_diag_set(d, BW_EINVAL, key, "file name must be a plain file in the pack");
            goto out;
        }
        snprintf(path, sizeof path, "%s/%s", dir, name);
        part = load_file(path, d, &rc);
        if (!part)
            goto out;
        if (json_object_set_new(bundle, key, part)) {
            rc = BW_ENOMEM;
            goto out;
        }
    }
    text = bw__json_dumps(bundle, JSON_COMPACT);
    if (!text) {
        rc = BW_ENOMEM;
        goto out;
    }
    /* Parse once here so a broken pack is refused at init, not at first use. */
    rc = bw_pack_parse(text, strlen(text), d, &check);
    if (rc) {
        bw_diag_file(d, dir);
        goto out;
    }
    *out = bw_strdup(text);
    if (!*out)
        rc = BW_ENOMEM;
out:
    bw_pack_free(check);
    bw_free(text); /* json_dumps allocates through the hook set by bw_set_allocator */
    json_decref(bundle);
    json_decref(meta);
    return rc;
}

/* ---- parsing helpers ------------------------------------------------------------ */

static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Checks an entry has non-empty id, name and source. */
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
    if (strlen(str_member(e, "id")) > BW_ID_MAX || strchr(str_member(e, "id"), ';'))
        return bw_diag_set(d, BW_EINVAL, where, "entry %zu: bad id", i);
    return BW_OK;
}

static int parse_terms(json_t *arr, const char *where, struct bw_diag *d, struct bw_term **out,
                       size_t *n)
{
    size_t i;
    json_t *e;

    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bw_diag_set(d, BW_EINVAL, where, "missing or empty list");
    *n = json_array_size(arr);
    *out = bw_calloc(*n, sizeof **out);
    if (!*out)
        return BW_ENOMEM;
    json_array_foreach(arr, i, e) {
        int rc = entry_ok(e, where, i, d);
        if (rc)
            return rc;
        (*out)[i] = (struct bw_term){str_member(e, "id"), str_member(e, "name"),
                                     str_member(e, "source")};
        for (size_t k = 0; k < i; k++)
            if (strcmp((*out)[k].id, (*out)[i].id) == 0)
                return bw_diag_set(d, BW_EINVAL, where, "id '%s' appears twice", (*out)[i].id);
    }
    return BW_OK;
}

static int add_class(bw_pack *p, json_t *e, enum bw_class_kind kind, const char *sector,
                     struct bw_diag *d)
{
    const char *id = str_member(e, "id");

    if (bw_pack_class(p, id, strlen(id)))
        return bw_diag_set(d, BW_EINVAL, "taxonomy", "id '%s' appears twice", id);
    p->classes[p->nclasses++] = (struct bw_class){id, str_member(e, "name"),
                                                  str_member(e, "source"), sector, kind};
    return BW_OK;
}

static int parse_taxonomy(bw_pack *p, json_t *tax, struct bw_diag *d)
{
    json_t *sectors = json_object_get(tax, "sectors"), *cats = json_object_get(tax, "categories");
    json_t *e, *s;
    size_t i, j, total = 0;
    int rc;

    if (!json_is_array(sectors) || !json_is_array(cats))
        return bw_diag_set(d, BW_EINVAL, "taxonomy", "needs \"sectors\" and \"categories\" lists");
    json_array_foreach(sectors, i, e) {
        total += 1 + json_array_size(json_object_get(e, "subsectors"));
    }
    total += json_array_size(cats);
    p->classes = bw_calloc(total, sizeof *p->classes);
    if (!p->classes)
        return BW_ENOMEM;
    json_array_foreach(sectors, i, e) {
        json_t *subs = json_object_get(e, "subsectors");
        if ((rc = entry_ok(e, "sectors", i, d)) || (rc = add_class(p, e, BW_CLASS_SECTOR, NULL, d)))
            return rc;
        if (subs && !json_is_array(subs))
            return bw_diag_set(d, BW_EINVAL, "subsectors", "sector '%s': not a list",
                               str_member(e, "id"));
        json_array_foreach(subs, j, s) {
            if ((rc = entry_ok(s, "subsectors", j, d)) ||
                (rc = add_class(p, s, BW_CLASS_SUBSECTOR, str_member(e, "id"), d)))
                return rc;
        }
    }
    json_array_foreach(cats, i, e) {
        const char *sector = str_member(e, "sector");
        const struct bw_class *c;
        if ((rc = entry_ok(e, "categories", i, d)))
            return rc;
        if (sector) {
            c = bw_pack_class(p, sector, strlen(sector));
            if (!c || c->kind != BW_CLASS_SECTOR)
                return bw_diag_set(d, BW_EREF, "categories", "category '%s': unknown sector '%s'",
                                   str_member(e, "id"), sector);
        }
        if ((rc = add_class(p, e, BW_CLASS_CATEGORY, sector, d)))
            return rc;
    }
    if ((rc = parse_terms(json_object_get(tax, "services"), "services", d, &p->services,
                          &p->nservices)) ||
        (rc = parse_terms(json_object_get(tax, "organisation_types"), "organisation_types", d,
                          &p->org_types, &p->norg_types)) ||
        (rc = parse_terms(json_object_get(tax, "phases"), "phases", d, &p->phases, &p->nphases)))
        return rc;
    return BW_OK;
}

static int parse_designation(bw_pack *p, json_t *des, struct bw_diag *d)
{
    json_t *tiers = json_object_get(des, "tiers"), *caps = json_object_get(des, "tier_caps");
    json_t *crit = json_object_get(des, "criteria"), *e, *c;
    size_t i, j;
    int rc;

    p->criteria_version = str_member(des, "version");
    if (!p->criteria_version)
        return bw_diag_set(d, BW_EINVAL, "designation", "needs a \"version\"");
    if (!json_is_array(tiers) || !json_is_array(crit) || (caps && !json_is_array(caps)))
        return bw_diag_set(d, BW_EINVAL, "designation",
                           "needs \"tiers\" and \"criteria\" lists (and optional \"tier_caps\")");
    p->ntiers = json_array_size(tiers);
    p->ncaps = json_array_size(caps);
    p->ncriteria = json_array_size(crit);
    p->tiers = bw_calloc(p->ntiers ? p->ntiers : 1, sizeof *p->tiers);
    p->caps = bw_calloc(p->ncaps ? p->ncaps : 1, sizeof *p->caps);
    p->criteria = bw_calloc(p->ncriteria ? p->ncriteria : 1, sizeof *p->criteria);
    if (!p->tiers || !p->caps || !p->criteria)
        return BW_ENOMEM;
    json_array_foreach(tiers, i, e) {
        json_t *m = json_object_get(e, "min_capacity");
        if ((rc = entry_ok(e, "tiers", i, d)))
            return rc;
        if (!json_is_integer(m) || json_integer_value(m) < 1)
            return bw_diag_set(d, BW_EINVAL, "tiers", "tier %zu: min_capacity must be >= 1", i);
        p->tiers[i] = (struct bw_tier){str_member(e, "id"), str_member(e, "name"),
                                       json_integer_value(m), str_member(e, "source")};
        if (i && p->tiers[i].min_capacity >= p->tiers[i - 1].min_capacity)
            return bw_diag_set(d, BW_EINVAL, "tiers",
                               "tiers must be listed highest first (tier %zu)", i);
    }
    json_array_foreach(caps, i, e) {
        json_t *cats = json_object_get(e, "categories");
        const char *max = str_member(e, "max_tier");
        const char **ids;
        size_t k;
        if (!json_is_array(cats) || !max || !str_member(e, "source"))
            return bw_diag_set(d, BW_EINVAL, "tier_caps",
                               "cap %zu needs categories, max_tier and source", i);
        for (k = 0; k < p->ntiers; k++)
            if (strcmp(p->tiers[k].id, max) == 0)
                break;
        if (k == p->ntiers)
            return bw_diag_set(d, BW_EREF, "tier_caps", "cap %zu: unknown tier '%s'", i, max);
        ids = bw_calloc(json_array_size(cats) + 1, sizeof *ids);
        if (!ids)
            return BW_ENOMEM;
        p->caps[i] = (struct bw_tier_cap){ids, json_array_size(cats), max,
                                          str_member(e, "source")};
        json_array_foreach(cats, j, c) {
            const char *id = json_string_value(c);
            const struct bw_class *cl = id ? bw_pack_class(p, id, strlen(id)) : NULL;
            if (!cl)
                return bw_diag_set(d, BW_EREF, "tier_caps", "cap %zu: unknown category '%s'", i,
                                   id ? id : "?");
            ids[j] = id;
        }
    }
    json_array_foreach(crit, i, e) {
        static const char *const names[] = {"population_served", "dependants", "reach_km",
                                            "capacity"};
        const char *measure = str_member(e, "measure");
        json_t *min = json_object_get(e, "min");
        int m = 0;
        if ((rc = entry_ok(e, "criteria", i, d)))
            return rc;
        for (int k = 0; measure && k < 4; k++)
            if (strcmp(measure, names[k]) == 0)
                m = k + 1;
        if (!m)
            return bw_diag_set(d, BW_EINVAL, "criteria",
                               "criterion %zu: measure must be population_served, dependants, "
                               "reach_km or capacity",
                               i);
        if (!json_is_number(min) || json_number_value(min) < 0)
            return bw_diag_set(d, BW_EINVAL, "criteria", "criterion %zu: min must be >= 0", i);
        p->criteria[i] = (struct bw_criterion){str_member(e, "id"), str_member(e, "name"),
                                               (enum bw_criterion_measure)m,
                                               json_number_value(min), str_member(e, "source")};
    }
    return BW_OK;
}

/* The optional restoration section (timed cascades): attack types, rules, critical
 * categories. Every rule names known classes and attacks and carries a source. */
static int parse_restoration(bw_pack *p, json_t *r, struct bw_diag *d)
{
    json_t *attacks = json_object_get(r, "attack_types"), *rules = json_object_get(r, "rules");
    json_t *def = json_object_get(r, "default"), *crit = json_object_get(r, "critical_categories");
    json_t *e, *v;
    size_t i, j;
    int rc;

    if (!r)
        return BW_OK;
    if (!json_is_array(attacks) || !json_is_array(rules) || !json_is_object(def))
        return bw_diag_set(d, BW_EINVAL, "restoration",
                           "needs \"attack_types\", \"default\" and \"rules\"");
    json_array_foreach(attacks, i, e) {
        if ((rc = entry_ok(e, "attack_types", i, d)))
            return rc;
    }
    if (!(json_number_value(json_object_get(def, "median_hours")) > 0) ||
        !(json_number_value(json_object_get(def, "sigma")) >= 0))
        return bw_diag_set(d, BW_EINVAL, "restoration", "default needs median_hours > 0 and "
                           "sigma >= 0");
    json_array_foreach(rules, i, e) {
        json_t *cls = json_object_get(e, "classes"), *atk = json_object_get(e, "attacks");
        if (!json_is_array(cls) || !json_is_array(atk) || !str_member(e, "source") ||
            !(json_number_value(json_object_get(e, "median_hours")) > 0) ||
            !(json_number_value(json_object_get(e, "sigma")) >= 0))
            return bw_diag_set(d, BW_EINVAL, "restoration", "rule %zu needs classes, attacks, "
                               "median_hours > 0, sigma >= 0 and a source", i);
        json_array_foreach(cls, j, v) {
            const char *id = json_string_value(v);
            if (!id || !bw_pack_class(p, id, strlen(id)))
                return bw_diag_set(d, BW_EREF, "restoration", "rule %zu: unknown class '%s'", i,
                                   id ? id : "?");
        }
        json_array_foreach(atk, j, v) {
            const char *id = json_string_value(v);
            if (!id || (strcmp(id, "*") != 0 && !bw_pack_attack_known(p, id)))
                return bw_diag_set(d, BW_EREF, "restoration", "rule %zu: unknown attack type "
                                   "'%s'", i, id ? id : "?");
        }
    }
    json_array_foreach(crit, i, e) {
        const char *id = str_member(e, "id");
        if (!id || !bw_pack_class(p, id, strlen(id)) || !str_member(e, "source"))
            return bw_diag_set(d, BW_EREF, "restoration", "critical category %zu: unknown or "
                               "without a source", i);
    }
    return BW_OK;
}

int bw_pack_parse(const char *text, size_t n, struct bw_diag *d, bw_pack **out)
{
    json_error_t err;
    bw_pack *p;
    json_t *meta;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64-bit offset basis */
    int rc;

    *out = NULL;
    p = bw_calloc(1, sizeof *p);
    if (!p)
        return BW_ENOMEM;
    p->root = bw__json_loadb(text, n, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!p->root) {
        if (rc == BW_EPARSE)
            bw_diag_set(d, BW_EPARSE, NULL, "pack is not valid JSON: %s", err.text);
        goto fail;
    }
    meta = json_object_get(p->root, "pack");
    p->id = str_member(meta, "id");
    p->version = str_member(meta, "version");
    if (!p->id || !p->version) {
        rc = bw_diag_set(d, BW_EINVAL, "pack", "pack.json needs \"id\" and \"version\"");
        goto fail;
    }
    if ((rc = parse_taxonomy(p, json_object_get(p->root, "taxonomy"), d)) ||
        (rc = parse_designation(p, json_object_get(p->root, "designation"), d)))
        goto fail;
    p->restoration = json_object_get(p->root, "restoration");
    if ((rc = parse_restoration(p, p->restoration, d)) || (rc = parse_parts(p, d)))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    snprintf(p->hash, sizeof p->hash, "%016llx", (unsigned long long)h);
    *out = p;
    return BW_OK;
fail:
    if (rc == BW_ENOMEM)
        bw_diag_set(d, rc, NULL, "out of memory");
    bw_pack_free(p);
    return rc;
}

void bw_pack_free(bw_pack *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < NPARTS; i++)
        if (part_table[i])
            part_table[i]->free(p->parts[i]);
    for (size_t i = 0; p->caps && i < p->ncaps; i++)
        bw_free((void *)p->caps[i].categories);
    bw_free(p->caps);
    bw_free(p->tiers);
    bw_free(p->criteria);
    bw_free(p->classes);
    bw_free(p->services);
    bw_free(p->org_types);
    bw_free(p->phases);
    json_decref(p->root);
    bw_free(p);
}

const char *bw_pack_id(const bw_pack *p)
{
    return p->id;
}

const char *bw_pack_version(const bw_pack *p)
{
    return p->version;
}

const char *bw_pack_hash(const bw_pack *p)
{
    return p->hash;
}

const char *bw_pack_criteria_version(const bw_pack *p)
{
    return p->criteria_version;
}

const struct bw_class *bw_pack_class(const bw_pack *p, const char *id, size_t n)
{
    /* Lengths first: @p id may hold a NUL (a CSV cell can), where strncmp would stop
     * early and id[n] would then be read past the end of a shorter entry. */
    for (size_t i = 0; i < p->nclasses; i++)
        if (strlen(p->classes[i].id) == n && memcmp(p->classes[i].id, id, n) == 0)
            return &p->classes[i];
    return NULL;
}

const struct bw_class *bw_pack_classes(const bw_pack *p, size_t *n)
{
    *n = p->nclasses;
    return p->classes;
}

int bw_pack_class_in_sector(const bw_pack *p, const struct bw_class *c, const char *sector)
{
    (void)p;
    if (strcmp(c->id, sector) == 0)
        return 1;
    return c->sector && strcmp(c->sector, sector) == 0;
}

const struct bw_term *bw_pack_term(const struct bw_term *list, size_t n, const char *id,
                                   size_t idn)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].id) == idn && memcmp(list[i].id, id, idn) == 0) /* as bw_pack_class */
            return &list[i];
    return NULL;
}

const struct bw_term *bw_pack_services(const bw_pack *p, size_t *n)
{
    *n = p->nservices;
    return p->services;
}

const struct bw_term *bw_pack_org_types(const bw_pack *p, size_t *n)
{
    *n = p->norg_types;
    return p->org_types;
}

const struct bw_term *bw_pack_phases(const bw_pack *p, size_t *n)
{
    *n = p->nphases;
    return p->phases;
}

const struct bw_tier *bw_pack_tiers(const bw_pack *p, size_t *n)
{
    *n = p->ntiers;
    return p->tiers;
}

const struct bw_tier_cap *bw_pack_tier_caps(const bw_pack *p, size_t *n)
{
    *n = p->ncaps;
    return p->caps;
}

const struct bw_criterion *bw_pack_criteria(const bw_pack *p, size_t *n)
{
    *n = p->ncriteria;
    return p->criteria;
}

/* True when JSON array @p arr holds the string @p id (or "*", when @p wild). */
static int json_list_has(json_t *arr, const char *id, int wild)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *x = json_string_value(v);
        if (x && (strcmp(x, id) == 0 || (wild && strcmp(x, "*") == 0)))
            return 1;
    }
    return 0;
}

int bw_pack_attack_known(const bw_pack *p, const char *attack)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(p->restoration, "attack_types"), i, e) {
        const char *id = str_member(e, "id");
        if (id && strcmp(id, attack) == 0)
            return 1;
    }
    return 0;
}

void bw_pack_restoration(const bw_pack *p, const char *category, const char *attack,
                         double *median_h, double *sigma)
{
    const struct bw_class *c = bw_pack_class(p, category, strlen(category));
    json_t *def = json_object_get(p->restoration, "default"), *e;
    size_t i;

    *median_h = def ? json_number_value(json_object_get(def, "median_hours")) : 24.0;
    *sigma = def ? json_number_value(json_object_get(def, "sigma")) : 0.8;
    json_array_foreach(json_object_get(p->restoration, "rules"), i, e) {
        json_t *cls = json_object_get(e, "classes");
        if (!json_list_has(json_object_get(e, "attacks"), attack, 1))
            continue;
        if (!json_list_has(cls, category, 0) && !(c && c->sector && json_list_has(cls, c->sector, 0)))
            continue;
        *median_h = json_number_value(json_object_get(e, "median_hours"));
        *sigma = json_number_value(json_object_get(e, "sigma"));
        return;
    }
}

int bw_pack_critical_category(const bw_pack *p, const char *category)
{
    const struct bw_class *c = bw_pack_class(p, category, strlen(category));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(p->restoration, "critical_categories"), i, e) {
        const char *id = str_member(e, "id");
        if (id && (strcmp(id, category) == 0 || (c && c->sector && strcmp(id, c->sector) == 0)))
            return 1;
    }
    return 0;
}
