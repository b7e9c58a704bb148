/*
 * test_pack.c — the methodology pack: the default pack loads and every lookup agrees
 * with the JSON files read independently with jansson; the bundle and its hash are
 * deterministic (FNV-1a recomputed here); broken packs written to a temporary
 * directory are refused with a diagnostic naming the file, the list and the problem.
 */
#include "unit.h"

#include <jansson.h>

static json_t *load_json(const char *name)
{
    char path[4096];
    json_error_t err;
    json_t *j;

    snprintf(path, sizeof path, "%s/%s", BW_PACK_DIR, name);
    j = json_load_file(path, 0, &err);
    if (!j) {
        print_error("%s: %s\n", path, err.text);
        fail();
    }
    return j;
}

/* 64-bit FNV-1a (Fowler, Noll, Vo), written out here from the published constants. */
static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* offset basis */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull; /* FNV prime 2^40 + 2^8 + 0xb3 */
    }
    return h;
}

/* ---- the default pack ----------------------------------------------------------------- */

static void test_default_bundle(void **state)
{
    (void)state;
    struct bw_diag d;
    char *a = NULL, *b = NULL;
    json_t *bundle, *meta, *tax, *des;
    json_error_t err;
    bw_pack *p = NULL;
    char hex[17];

    bw_diag_clear(&d);
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &a), BW_OK);
    assert_false(bw_diag_has(&d));
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &b), BW_OK);
    assert_string_equal(a, b); /* the same files give the same bytes */

    /* The bundle is the three documents under their keys, nothing lost or added. */
    bundle = json_loads(a, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(bundle);
    meta = load_json("pack.json");
    /* "pack" and one member per file pack.json names. */
    assert_int_equal(json_object_size(bundle), 1 + json_object_size(json_object_get(meta, "files")));
    tax = load_json("taxonomy.json");
    des = load_json("designation.json");
    assert_true(json_equal(json_object_get(bundle, "pack"), meta));
    assert_true(json_equal(json_object_get(bundle, "taxonomy"), tax));
    assert_true(json_equal(json_object_get(bundle, "designation"), des));
    {
        json_t *res = load_json("restoration.json");
        assert_true(json_equal(json_object_get(bundle, "restoration"), res));
        json_decref(res);
    }
    /* Compact: no newline anywhere. */
    assert_null(strchr(a, '\n'));

    assert_int_equal(bw_pack_parse(a, strlen(a), &d, &p), BW_OK);
    assert_string_equal(bw_pack_id(p), "default");
    assert_string_equal(bw_pack_id(p), json_string_value(json_object_get(meta, "id")));
    assert_string_equal(bw_pack_version(p), json_string_value(json_object_get(meta, "version")));
    assert_string_equal(bw_pack_criteria_version(p),
                        json_string_value(json_object_get(des, "version")));
    /* The hash is 64-bit FNV-1a of the bundled bytes, as 16 hex digits. The reference
     * implementation first passes the published test vectors. */
    assert_true(fnv1a64("") == 0xcbf29ce484222325ull);
    assert_true(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
    assert_true(fnv1a64("foobar") == 0x85944171f73967e8ull);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a64(a));
    assert_string_equal(bw_pack_hash(p), hex);

    bw_pack_free(p);
    bw_pack_free(NULL);
    json_decref(bundle);
    json_decref(meta);
    json_decref(tax);
    json_decref(des);
    bw_free(a);
    bw_free(b);
}

static void check_class(const bw_pack *p, json_t *e, enum bw_class_kind kind, const char *sector)
{
    const char *id = json_string_value(json_object_get(e, "id"));
    const struct bw_class *c = bw_pack_class(p, id, strlen(id));

    if (!c) {
        print_error("class '%s' not found\n", id);
        fail();
    }
    assert_string_equal(c->id, id);
    assert_string_equal(c->name, json_string_value(json_object_get(e, "name")));
    assert_string_equal(c->source, json_string_value(json_object_get(e, "source")));
    assert_int_equal(c->kind, kind);
    if (sector)
        assert_string_equal(c->sector, sector);
    else
        assert_null(c->sector);
}

static void check_terms(const struct bw_term *t, size_t n, json_t *arr)
{
    size_t i;
    json_t *e;

    assert_int_equal(n, json_array_size(arr));
    json_array_foreach(arr, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        assert_string_equal(t[i].id, id);
        assert_string_equal(t[i].name, json_string_value(json_object_get(e, "name")));
        assert_string_equal(t[i].source, json_string_value(json_object_get(e, "source")));
        assert_ptr_equal(bw_pack_term(t, n, id, strlen(id)), &t[i]);
    }
}

static void test_default_lookups(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    json_t *tax = load_json("taxonomy.json"), *des = load_json("designation.json");
    json_t *e, *s;
    size_t i, j, n, nexpect = 0;
    const struct bw_class *c;
    const struct bw_term *t;
    const struct bw_tier *tiers;
    const struct bw_tier_cap *caps;
    const struct bw_criterion *crit;

    /* Every sector, subsector and category of taxonomy.json, with its kind and parent. */
    json_array_foreach(json_object_get(tax, "sectors"), i, e)
    {
        check_class(p, e, BW_CLASS_SECTOR, NULL);
        nexpect++;
        json_array_foreach(json_object_get(e, "subsectors"), j, s)
        {
            check_class(p, s, BW_CLASS_SUBSECTOR, json_string_value(json_object_get(e, "id")));
            nexpect++;
        }
    }
    json_array_foreach(json_object_get(tax, "categories"), i, e)
    {
        check_class(p, e, BW_CLASS_CATEGORY, json_string_value(json_object_get(e, "sector")));
        nexpect++;
    }
    c = bw_pack_classes(p, &n);
    assert_int_equal(n, nexpect);
    assert_string_equal(c[0].id, "energy"); /* pack order */

    /* Hand-picked: a subsector, a linked category, an unlinked one. */
    c = bw_pack_class(p, "energy.electricity", 18);
    assert_non_null(c);
    assert_int_equal(c->kind, BW_CLASS_SUBSECTOR);
    assert_true(bw_pack_class_in_sector(p, c, "energy"));
    assert_true(bw_pack_class_in_sector(p, c, "energy.electricity"));
    assert_false(bw_pack_class_in_sector(p, c, "transport"));
    c = bw_pack_class(p, "hospital", 8);
    assert_int_equal(c->kind, BW_CLASS_CATEGORY);
    assert_string_equal(c->sector, "health");
    assert_true(bw_pack_class_in_sector(p, c, "health"));
    c = bw_pack_class(p, "religious-site", 14);
    assert_null(c->sector);
    assert_false(bw_pack_class_in_sector(p, c, "health"));
    /* Lookups are by exact slice: no prefixes, no unknowns, trailing bytes ignored. */
    assert_null(bw_pack_class(p, "energ", 5));
    assert_null(bw_pack_class(p, "energy.", 7));
    assert_null(bw_pack_class(p, "stadium", 7));
    assert_null(bw_pack_class(p, "", 0));
    assert_non_null(bw_pack_class(p, "energyXYZ", 6));
    assert_string_equal(bw_pack_class(p, "energyXYZ", 6)->id, "energy");

    t = bw_pack_services(p, &n);
    check_terms(t, n, json_object_get(tax, "services"));
    assert_non_null(bw_pack_term(t, n, "power", 5));
    assert_null(bw_pack_term(t, n, "pow", 3));
    assert_null(bw_pack_term(t, n, "electricity", 11));
    t = bw_pack_org_types(p, &n);
    check_terms(t, n, json_object_get(tax, "organisation_types"));
    assert_non_null(bw_pack_term(t, n, "authority", 9));
    t = bw_pack_phases(p, &n);
    check_terms(t, n, json_object_get(tax, "phases"));
    assert_int_equal(n, 6);
    assert_non_null(bw_pack_term(t, n, "respond", 7));
    assert_null(bw_pack_term(t, n, "Respond", 7));

    /* Designation: tiers highest first, the worship/education cap, CER criteria. */
    tiers = bw_pack_tiers(p, &n);
    assert_int_equal(n, 2);
    assert_string_equal(tiers[0].id, "enhanced");
    assert_int_equal(tiers[0].min_capacity, 800);
    assert_string_equal(tiers[1].id, "standard");
    assert_int_equal(tiers[1].min_capacity, 200);
    assert_non_null(strstr(tiers[0].source, "Protection of Premises"));
    caps = bw_pack_tier_caps(p, &n);
    assert_int_equal(n, 1);
    assert_int_equal(caps[0].ncategories, 2);
    assert_string_equal(caps[0].categories[0], "religious-site");
    assert_string_equal(caps[0].categories[1], "educational-institution");
    assert_string_equal(caps[0].max_tier, "standard");
    crit = bw_pack_criteria(p, &n);
    assert_int_equal(n, json_array_size(json_object_get(des, "criteria")));
    assert_int_equal(n, 3);
    assert_string_equal(crit[0].id, "users");
    assert_int_equal(crit[0].measure, BW_MEASURE_POPULATION);
    assert_true(crit[0].min == 50000);
    assert_int_equal(crit[1].measure, BW_MEASURE_DEPENDANTS);
    assert_true(crit[1].min == 3);
    assert_int_equal(crit[2].measure, BW_MEASURE_REACH_KM);
    assert_true(crit[2].min == 10);

    json_decref(tax);
    json_decref(des);
    bw_pack_free(p);
}

/* ---- broken packs ------------------------------------------------------------------- */

typedef void (*mutator)(json_t *meta, json_t *tax, json_t *des);

/* Writes the default pack, changed by @p m, to a new temporary directory @p dir. */
static void write_pack(char *dir, size_t n, mutator m)
{
    json_t *meta = load_json("pack.json"), *tax = load_json("taxonomy.json"),
           *des = load_json("designation.json");
    char path[4096];

    unit_tmpdir(dir, n);
    if (m)
        m(meta, tax, des);
    snprintf(path, sizeof path, "%s/pack.json", dir);
    assert_int_equal(json_dump_file(meta, path, JSON_INDENT(2)), 0);
    snprintf(path, sizeof path, "%s/taxonomy.json", dir);
    assert_int_equal(json_dump_file(tax, path, JSON_INDENT(2)), 0);
    snprintf(path, sizeof path, "%s/designation.json", dir);
    assert_int_equal(json_dump_file(des, path, JSON_INDENT(2)), 0);
    {
        /* Every further part (restoration, threats, ...) unchanged. */
        const char *key;
        json_t *val;
        json_object_foreach(json_object_get(meta, "files"), key, val) {
            json_t *part;
            if (strcmp(key, "taxonomy") == 0 || strcmp(key, "designation") == 0)
                continue;
            part = load_json(json_string_value(val));
            snprintf(path, sizeof path, "%s/%s", dir, json_string_value(val));
            assert_int_equal(json_dump_file(part, path, JSON_INDENT(2)), 0);
            json_decref(part);
        }
    }
    json_decref(meta);
    json_decref(tax);
    json_decref(des);
}

/* Reads the pack in @p dir expecting @p code, field @p field and a message with @p part. */
static void expect_bad(const char *dir, int code, const char *field, const char *part,
                       struct bw_diag *d)
{
    char *out = (char *)1;
    char msg[1024];
    int rc;

    bw_diag_clear(d);
    rc = bw_pack_read_dir(dir, d, &out);
    if (rc != code || d->code != code || strcmp(d->field, field) != 0 || !strstr(d->msg, part)) {
        print_error("rc %d (want %d), diag '%s' (want field '%s', message with '%s')\n", rc, code,
                    bw_diag_format(d, msg, sizeof msg), field, part);
        fail();
    }
    assert_null(out);
}

static json_t *category(json_t *tax, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(tax, "categories"), i,
                       e) if (strcmp(json_string_value(json_object_get(e, "id")), id) ==
                              0) return e;
    fail_msg("no category %s", id);
    return NULL;
}

static void m_no_source_category(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_del(category(tax, "hospital"), "source");
}
static void m_empty_source_subsector(json_t *meta, json_t *tax, json_t *des)
{
    json_t *sub = json_array_get(
        json_object_get(json_array_get(json_object_get(tax, "sectors"), 0), "subsectors"), 1);
    (void)meta;
    (void)des;
    json_object_set_new(sub, "source", json_string(""));
}
static void m_no_source_tier(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_del(json_array_get(json_object_get(des, "tiers"), 1), "source");
}
static void m_dup_category(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_array_append(json_object_get(tax, "categories"), category(tax, "hospital"));
}
static void m_category_named_like_sector(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_set_new(category(tax, "mass-gathering"), "id", json_string("energy"));
}
static void m_dup_service(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_array_append(json_object_get(tax, "services"),
                      json_array_get(json_object_get(tax, "services"), 0));
}
static void m_unknown_sector(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_set_new(category(tax, "hospital"), "sector", json_string("healthcare"));
}
static void m_sector_is_subsector(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_set_new(category(tax, "transport-hub"), "sector", json_string("transport.rail"));
}
static void m_tiers_ascending(json_t *meta, json_t *tax, json_t *des)
{
    json_t *tiers = json_object_get(des, "tiers");
    json_t *first = json_incref(json_array_get(tiers, 0));
    (void)meta;
    (void)tax;
    json_array_remove(tiers, 0);
    json_array_append_new(tiers, first);
}
static void m_tiers_equal(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_set_new(json_array_get(json_object_get(des, "tiers"), 1), "min_capacity",
                        json_integer(800));
}
static void m_tier_zero(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_set_new(json_array_get(json_object_get(des, "tiers"), 1), "min_capacity",
                        json_integer(0));
}
static void m_cap_unknown_tier(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_set_new(json_array_get(json_object_get(des, "tier_caps"), 0), "max_tier",
                        json_string("basic"));
}
static void m_cap_unknown_category(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(des, "tier_caps"), 0), "categories"),
        json_string("church"));
}
static void m_bad_measure(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_set_new(json_array_get(json_object_get(des, "criteria"), 0), "measure",
                        json_string("users"));
}
static void m_negative_min(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)tax;
    json_object_set_new(json_array_get(json_object_get(des, "criteria"), 2), "min", json_real(-1));
}
static void m_no_services(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_array_clear(json_object_get(tax, "services"));
}
static void m_no_phases(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_del(tax, "phases");
}
static void m_missing_file(json_t *meta, json_t *tax, json_t *des)
{
    (void)tax;
    (void)des;
    json_object_set_new(json_object_get(meta, "files"), "designation",
                        json_string("criteria.json"));
}
static void m_path_escape(json_t *meta, json_t *tax, json_t *des)
{
    (void)tax;
    (void)des;
    json_object_set_new(json_object_get(meta, "files"), "taxonomy",
                        json_string("../default/taxonomy.json"));
}
static void m_no_files(json_t *meta, json_t *tax, json_t *des)
{
    (void)tax;
    (void)des;
    json_object_del(meta, "files");
}
static void m_no_id(json_t *meta, json_t *tax, json_t *des)
{
    (void)tax;
    (void)des;
    json_object_del(meta, "id");
}
static void m_bad_id(json_t *meta, json_t *tax, json_t *des)
{
    (void)meta;
    (void)des;
    json_object_set_new(category(tax, "hospital"), "id", json_string("a;b"));
}

static void test_bad_packs(void **state)
{
    (void)state;
    static const struct {
        mutator m;
        int code;
        const char *field, *part;
    } cases[] = {
        {m_no_source_category, BW_EINVAL, "categories", "has no \"source\""},
        {m_empty_source_subsector, BW_EINVAL, "subsectors", "entry 1 has no \"source\""},
        {m_no_source_tier, BW_EINVAL, "tiers", "entry 1 has no \"source\""},
        {m_dup_category, BW_EINVAL, "taxonomy", "'hospital' appears twice"},
        {m_category_named_like_sector, BW_EINVAL, "taxonomy", "'energy' appears twice"},
        {m_dup_service, BW_EINVAL, "services", "'power' appears twice"},
        {m_unknown_sector, BW_EREF, "categories", "unknown sector 'healthcare'"},
        {m_sector_is_subsector, BW_EREF, "categories", "unknown sector 'transport.rail'"},
        {m_tiers_ascending, BW_EINVAL, "tiers", "highest first"},
        {m_tiers_equal, BW_EINVAL, "tiers", "highest first"},
        {m_tier_zero, BW_EINVAL, "tiers", "min_capacity must be >= 1"},
        {m_cap_unknown_tier, BW_EREF, "tier_caps", "unknown tier 'basic'"},
        {m_cap_unknown_category, BW_EREF, "tier_caps", "unknown category 'church'"},
        {m_bad_measure, BW_EINVAL, "criteria", "measure must be"},
        {m_negative_min, BW_EINVAL, "criteria", "min must be >= 0"},
        {m_no_services, BW_EINVAL, "services", "missing or empty"},
        {m_no_phases, BW_EINVAL, "phases", "missing or empty"},
        {m_bad_id, BW_EINVAL, "categories", "bad id"},
        {m_no_files, BW_EINVAL, "files", "must name its files"},
        {m_path_escape, BW_EINVAL, "taxonomy", "plain file"},
        {m_no_id, BW_EINVAL, "pack", "\"id\" and \"version\""},
        {m_missing_file, BW_EIO, "", "cannot open"},
    };
    char dir[256], want[4096];
    struct bw_diag d;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_pack(dir, sizeof dir, cases[i].m);
        expect_bad(dir, cases[i].code, cases[i].field, cases[i].part, &d);
        /* The diag names where: the file that failed, else the pack directory. */
        if (cases[i].m == m_missing_file)
            snprintf(want, sizeof want, "%s/criteria.json", dir);
        else if (cases[i].m == m_no_files || cases[i].m == m_path_escape)
            snprintf(want, sizeof want, "%s/pack.json", dir);
        else
            snprintf(want, sizeof want, "%s", dir);
        assert_string_equal(d.file, want);
        unit_rmdir(dir);
    }
    /* And the unchanged copy loads, so each failure above is the mutation's doing. */
    write_pack(dir, sizeof dir, NULL);
    {
        char *out = NULL;
        bw_diag_clear(&d);
        assert_int_equal(bw_pack_read_dir(dir, &d, &out), BW_OK);
        bw_free(out);
    }
    unit_rmdir(dir);
}

static void test_bad_files(void **state)
{
    (void)state;
    char dir[256], want[4096];
    struct bw_diag d;

    /* Malformed JSON: the file and the line of the mistake. */
    write_pack(dir, sizeof dir, NULL);
    unit_write_file(dir, "taxonomy.json", "{\n  \"sectors\": [],\n  \"categories\": [,]\n}\n");
    expect_bad(dir, BW_EPARSE, "", "", &d);
    snprintf(want, sizeof want, "%s/taxonomy.json", dir);
    assert_string_equal(d.file, want);
    assert_int_equal(d.line, 3);
    /* Duplicate keys are malformed too. */
    unit_write_file(dir, "taxonomy.json", "{\"sectors\": [], \"sectors\": []}");
    expect_bad(dir, BW_EPARSE, "", "duplicate", &d);
    unit_rmdir(dir);

    /* No pack.json at all. */
    unit_tmpdir(dir, sizeof dir);
    expect_bad(dir, BW_EIO, "", "cannot open", &d);
    snprintf(want, sizeof want, "%s/pack.json", dir);
    assert_string_equal(d.file, want);
    unit_rmdir(dir);

    /* bw_pack_parse on its own. */
    {
        bw_pack *p = (bw_pack *)1;
        bw_diag_clear(&d);
        assert_int_equal(bw_pack_parse("{", 1, &d, &p), BW_EPARSE);
        assert_null(p);
        bw_diag_clear(&d);
        assert_int_equal(bw_pack_parse("{}", 2, &d, &p), BW_EINVAL);
        assert_string_equal(d.field, "pack");
        bw_diag_clear(&d);
        const char *only_meta = "{\"pack\":{\"id\":\"x\",\"version\":\"1\"}}";
        assert_int_equal(bw_pack_parse(only_meta, strlen(only_meta), &d, &p), BW_EINVAL);
        assert_string_equal(d.field, "taxonomy");
        assert_null(p);
    }
}

/* The risk part and the effects part must give the armed-response and ramming figures
 * they share the same value (riskparams.c, agrees_with_effects). */
static void test_risk_agrees_with_effects(void **state)
{
    struct bw_diag d;
    char *text = NULL, *changed;
    json_t *bundle, *fa;
    json_error_t err;
    bw_pack *p = NULL;
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &text), BW_OK);
    assert_int_equal(bw_pack_parse(text, strlen(text), &d, &p), BW_OK);
    bw_pack_free(p);
    p = NULL;
    bundle = json_loads(text, 0, &err);
    assert_non_null(bundle);
    fa = json_object_get(json_object_get(bundle, "risk"), "firearms");
    assert_non_null(fa);
    json_object_set_new(fa, "dispatch_min", json_real(7.5));
    changed = json_dumps(bundle, JSON_COMPACT);
    assert_int_equal(bw_pack_parse(changed, strlen(changed), &d, &p), BW_EINVAL);
    assert_null(p);
    assert_string_equal(d.msg, "firearms.dispatch_min is 7.5 but the effects part's assumption "
                               "'response-dispatch-min' is 3: one pack must use one figure");
    free(changed);
    json_decref(bundle);
    bw_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_agrees_with_effects),
        cmocka_unit_test(test_default_bundle),
        cmocka_unit_test(test_default_lookups),
        cmocka_unit_test(test_bad_packs),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
