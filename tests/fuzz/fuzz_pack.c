/*
 * fuzz_pack.c — libFuzzer target for bw_pack_parse, the parser of bundled packs (the
 * document `bulwark init` stores and every later run reads back from the database).
 *
 * A parsed pack is walked completely: every view must point into live memory, and the
 * invariants the rest of the library relies on must hold (ids non-empty and unique per
 * list, lookups find each class and term by its own id, subsectors and linked
 * categories name a sector, tiers strictly descending, tier caps name a known tier and
 * known classes, criteria measures in range, a 16-hex-digit hash). A failed parse must
 * leave *out NULL and a diagnostic.
 */
#include "fuzz_common.h"

static void walk_terms(const struct bw_term *t, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(t[i].id && *t[i].id && t[i].name && t[i].source, "%s %zu incomplete", what, i);
        FUZZ_CHECK(bw_pack_term(t, n, t[i].id, strlen(t[i].id)) == &t[i],
                   "%s '%s' not found by its own id", what, t[i].id);
    }
}

static void walk(const bw_pack *p)
{
    size_t n, nt;
    const struct bw_class *c = bw_pack_classes(p, &n);
    const struct bw_tier *tiers;
    const struct bw_tier_cap *caps;
    const struct bw_criterion *crit;
    const struct bw_term *t;
    const char *h = bw_pack_hash(p);

    FUZZ_CHECK(bw_pack_id(p) && bw_pack_version(p) && bw_pack_criteria_version(p),
               "pack without id, version or criteria version");
    FUZZ_CHECK(strlen(h) == 16 && strspn(h, "0123456789abcdef") == 16, "bad hash '%s'", h);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(c[i].id && *c[i].id && c[i].name && c[i].source, "class %zu incomplete", i);
        FUZZ_CHECK(bw_pack_class(p, c[i].id, strlen(c[i].id)) == &c[i],
                   "class '%s' not found by its own id", c[i].id);
        FUZZ_CHECK(bw_pack_class_in_sector(p, &c[i], c[i].id), "class not in its own sector");
        switch (c[i].kind) {
        case BW_CLASS_SECTOR:
            FUZZ_CHECK(c[i].sector == NULL, "sector '%s' has a sector", c[i].id);
            break;
        case BW_CLASS_SUBSECTOR:
        case BW_CLASS_CATEGORY: {
            const struct bw_class *s =
                c[i].sector ? bw_pack_class(p, c[i].sector, strlen(c[i].sector)) : NULL;
            FUZZ_CHECK(c[i].kind == BW_CLASS_CATEGORY || c[i].sector,
                       "subsector '%s' without a sector", c[i].id);
            FUZZ_CHECK(!c[i].sector || (s && s->kind == BW_CLASS_SECTOR),
                       "'%s' names '%s', which is not a sector", c[i].id, c[i].sector);
            if (c[i].sector)
                FUZZ_CHECK(bw_pack_class_in_sector(p, &c[i], c[i].sector), "not in its sector");
            break;
        }
        default:
            FUZZ_CHECK(0, "class '%s' of kind %d", c[i].id, (int)c[i].kind);
        }
    }
    t = bw_pack_services(p, &nt);
    walk_terms(t, nt, "service");
    t = bw_pack_org_types(p, &nt);
    walk_terms(t, nt, "organisation type");
    t = bw_pack_phases(p, &nt);
    walk_terms(t, nt, "phase");

    tiers = bw_pack_tiers(p, &nt);
    for (size_t i = 0; i < nt; i++) {
        FUZZ_CHECK(tiers[i].id && tiers[i].name && tiers[i].source, "tier %zu incomplete", i);
        FUZZ_CHECK(tiers[i].min_capacity >= 1, "tier %zu below 1", i);
        FUZZ_CHECK(i == 0 || tiers[i].min_capacity < tiers[i - 1].min_capacity,
                   "tiers not descending at %zu", i);
    }
    caps = bw_pack_tier_caps(p, &n);
    for (size_t i = 0; i < n; i++) {
        size_t k;
        FUZZ_CHECK(caps[i].max_tier && caps[i].source, "cap %zu incomplete", i);
        for (k = 0; k < nt; k++)
            if (strcmp(tiers[k].id, caps[i].max_tier) == 0)
                break;
        FUZZ_CHECK(k < nt, "cap %zu names unknown tier '%s'", i, caps[i].max_tier);
        for (size_t j = 0; j < caps[i].ncategories; j++)
            FUZZ_CHECK(caps[i].categories[j] &&
                           bw_pack_class(p, caps[i].categories[j], strlen(caps[i].categories[j])),
                       "cap %zu category %zu unknown", i, j);
    }
    crit = bw_pack_criteria(p, &n);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(crit[i].id && crit[i].name && crit[i].source, "criterion %zu incomplete", i);
        FUZZ_CHECK(crit[i].measure >= BW_MEASURE_POPULATION &&
                       crit[i].measure <= BW_MEASURE_CAPACITY,
                   "criterion %zu measure %d", i, (int)crit[i].measure);
        FUZZ_CHECK(crit[i].min >= 0, "criterion %zu min %g", i, crit[i].min);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bw_pack *p = (bw_pack *)&p; /* must be reset to NULL on failure */
    struct bw_diag d;
    int rc;

    bw_diag_clear(&d);
    rc = bw_pack_parse((const char *)data, size, &d, &p);
    fuzz_check_diag(rc, &d);
    if (rc != BW_OK) {
        FUZZ_CHECK(p == NULL, "failed parse left *out set");
        return 0;
    }
    FUZZ_CHECK(p != NULL, "successful parse without a pack");
    walk(p);
    bw_pack_free(p);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
