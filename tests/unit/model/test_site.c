/*
 * test_site.c — validating a site record against the default pack: every field's
 * rules, the field named in each diagnostic, footprint → centroid, canonical lists,
 * MISP machine tags, and rendering back to values.
 */
#include "unit.h"

#include "arena.h"
#include "limits.h"
#include "site.h"

static bw_pack *pack;

static int setup(void **state)
{
    (void)state;
    pack = unit_default_pack();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bw_pack_free(pack);
    return 0;
}

/* Validates the pairs; returns the code and leaves the result and diag in *s and *d. */
static int from_pairs(const char *const *pairs, struct bw_arena *a, struct bw_diag *d,
                      struct bw_site *s)
{
    struct unit_record u;
    bw_diag_clear(d);
    return bw_site_from_record(pack, unit_record(&u, pairs), a, d, s);
}

/* Expects the pairs to be refused with @p code naming @p field. */
static void expect_bad(const char *const *pairs, int code, const char *field)
{
    struct bw_arena a;
    struct bw_diag d;
    struct bw_site s;
    char msg[1024];
    int rc;

    bw_arena_init(&a, 0);
    rc = from_pairs(pairs, &a, &d, &s);
    if (rc != code || d.code != code || strcmp(d.field, field) != 0 || !d.msg[0]) {
        print_error("rc %d (want %d), diag '%s' (want field '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field);
        fail();
    }
    bw_arena_release(&a);
}

#define BASE "id", "s-1", "name", "Central Station", "category", "transport-hub"
#define LATLON "lat", "51.5", "lon", "-0.12"

static void test_valid_full(void **state)
{
    (void)state;
    char name[] = "Central Station, \xC3\xA9\x61st\thall"; /* UTF-8 and a tab are fine */
    const char *const pairs[] = {"id",
                                 "s-1",
                                 "name",
                                 name,
                                 "category",
                                 "transport-hub",
                                 "lat",
                                 "51.5072",
                                 "lon",
                                 "-0.1276",
                                 "capacity",
                                 "3000",
                                 "operator",
                                 "op-1",
                                 "supplies",
                                 " power ;water;; ",
                                 "population_served",
                                 "250000",
                                 "region",
                                 "London",
                                 "tags",
                                 "tlp:green; misp:type=\"station\" ;x",
                                 NULL};
    struct bw_arena a;
    struct bw_diag d;
    struct bw_site s;

    bw_arena_init(&a, 0);
    assert_int_equal(from_pairs(pairs, &a, &d, &s), BW_OK);
    assert_false(bw_diag_has(&d));
    assert_string_equal(s.id, "s-1");
    assert_string_equal(s.name, name);
    assert_string_equal(s.category, "transport-hub");
    /* The category string is the pack's own. */
    assert_ptr_equal(s.category, bw_pack_class(pack, "transport-hub", 13)->id);
    assert_true(s.lat == 51.5072);
    assert_true(s.lon == -0.1276);
    assert_true(s.capacity == 3000);
    assert_string_equal(s.operator_id, "op-1");
    assert_string_equal(s.supplies, "power;water"); /* trimmed, empty items dropped */
    assert_true(s.population == 250000);
    assert_string_equal(s.region, "London");
    assert_string_equal(s.tags, "tlp:green;misp:type=\"station\";x");
    assert_null(s.footprint);
    /* Strings are copies in the arena, not borrowed from the record. */
    name[0] = 'X';
    assert_string_equal(s.name, "Central Station, \xC3\xA9\x61st\thall");
    bw_arena_release(&a);
}

static void test_valid_minimal(void **state)
{
    (void)state;
    const char *const pairs[] = {BASE, LATLON, "capacity", "", "region", NULL, NULL};
    struct bw_arena a;
    struct bw_diag d;
    struct bw_site s;

    bw_arena_init(&a, 0);
    assert_int_equal(from_pairs(pairs, &a, &d, &s), BW_OK);
    assert_true(s.capacity == -1); /* absent, and an empty cell is absent */
    assert_true(s.population == -1);
    assert_null(s.operator_id);
    assert_null(s.supplies);
    assert_null(s.region);
    assert_null(s.tags);
    assert_null(s.footprint);
    /* Boundary values are inside. */
    {
        const char *const edge[] = {BASE,          "lat",      "-90", "lon",
                                    "180",         "capacity", "0",   "population_served",
                                    "10000000000", NULL};
        assert_int_equal(from_pairs(edge, &a, &d, &s), BW_OK);
        assert_true(s.lat == -90 && s.lon == 180 && s.capacity == 0);
        assert_true(s.population == INT64_C(10000000000));
    }
    {
        const char *const edge[] = {BASE, LATLON, "capacity", "100000000", NULL};
        assert_int_equal(from_pairs(edge, &a, &d, &s), BW_OK);
        assert_true(s.capacity == 100000000);
    }
    bw_arena_release(&a);
}

static void test_coordinates(void **state)
{
    (void)state;
    {
        const char *const p[] = {BASE, "lat", "95", "lon", "0", NULL};
        expect_bad(p, BW_ERANGE, "lat");
    }
    {
        const char *const p[] = {BASE, "lat", "-90.0001", "lon", "0", NULL};
        expect_bad(p, BW_ERANGE, "lat");
    }
    {
        const char *const p[] = {BASE, "lat", "0", "lon", "180.5", NULL};
        expect_bad(p, BW_ERANGE, "lon");
    }
    {
        const char *const p[] = {BASE, "lat", "51,5", "lon", "0", NULL};
        expect_bad(p, BW_EINVAL, "lat");
    }
    {
        const char *const p[] = {BASE, "lat", "nan", "lon", "0", NULL};
        expect_bad(p, BW_EINVAL, "lat");
    }
    {
        const char *const p[] = {BASE, "lat", " 51.5", "lon", "0", NULL};
        expect_bad(p, BW_EINVAL, "lat");
    }
    {
        const char *const p[] = {BASE, "lon", "0", NULL};
        expect_bad(p, BW_EINVAL, "lat");
    }
    {
        const char *const p[] = {BASE, "lat", "10", NULL};
        expect_bad(p, BW_EINVAL, "lon");
    }
}

static void test_category_and_ids(void **state)
{
    (void)state;
    char longid[BW_ID_MAX + 2];
    {
        const char *const p[] = {"id", "s", "name", "n", "category", "stadium", LATLON, NULL};
        expect_bad(p, BW_EREF, "category");
    }
    {
        const char *const p[] = {"id", "s", "name", "n", "category", "Hospital", LATLON, NULL};
        expect_bad(p, BW_EREF, "category");
    }
    {
        const char *const p[] = {"id", "s", "name", "n", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "category");
    }
    {
        const char *const p[] = {"id", "a;b", "name", "n", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "id");
    }
    {
        const char *const p[] = {"id", " s", "name", "n", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "id");
    }
    {
        const char *const p[] = {"id", "s\t1", "name", "n", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "id");
    }
    {
        const char *const p[] = {"name", "n", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "id");
    }
    memset(longid, 'x', BW_ID_MAX + 1);
    longid[BW_ID_MAX + 1] = '\0';
    {
        const char *const p[] = {"id", longid, "name", "n", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_ETOOBIG, "id");
    }
    longid[BW_ID_MAX] = '\0'; /* exactly the limit */
    {
        const char *const p[] = {"id", longid, "name", "n", "category", "hospital", LATLON, NULL};
        struct bw_arena a;
        struct bw_diag d;
        struct bw_site s;
        bw_arena_init(&a, 0);
        assert_int_equal(from_pairs(p, &a, &d, &s), BW_OK);
        assert_int_equal(strlen(s.id), BW_ID_MAX);
        bw_arena_release(&a);
    }
    {
        const char *const p[] = {"id",       "s",        "name", "bad\xC3(",
                                 "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EENCODING, "name");
    }
    {
        const char *const p[] = {"id",       "s",        "name", "two\nlines",
                                 "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "name");
    }
    {
        const char *const p[] = {"id", "s", "category", "hospital", LATLON, NULL};
        expect_bad(p, BW_EINVAL, "name");
    }
    {
        const char *const p[] = {BASE, LATLON, "operator", "op;2", NULL};
        expect_bad(p, BW_EINVAL, "operator");
    }
    {
        const char *const p[] = {BASE, LATLON, "region", "a\x7f", NULL};
        expect_bad(p, BW_EINVAL, "region");
    }
}

static void test_numbers(void **state)
{
    (void)state;
    {
        const char *const p[] = {BASE, LATLON, "capacity", "-1", NULL};
        expect_bad(p, BW_ERANGE, "capacity");
    }
    {
        const char *const p[] = {BASE, LATLON, "capacity", "100000001", NULL};
        expect_bad(p, BW_ERANGE, "capacity");
    }
    {
        const char *const p[] = {BASE, LATLON, "capacity", "1.5", NULL};
        expect_bad(p, BW_EINVAL, "capacity");
    }
    {
        const char *const p[] = {BASE, LATLON, "capacity", "99999999999999999999", NULL};
        expect_bad(p, BW_EINVAL, "capacity");
    }
    {
        const char *const p[] = {BASE, LATLON, "population_served", "-5", NULL};
        expect_bad(p, BW_ERANGE, "population_served");
    }
    {
        const char *const p[] = {BASE, LATLON, "population_served", "lots", NULL};
        expect_bad(p, BW_EINVAL, "population_served");
    }
}

static void test_lists_and_tags(void **state)
{
    (void)state;
    {
        const char *const p[] = {BASE, LATLON, "tags", "tlp:green;not a tag", NULL};
        expect_bad(p, BW_EINVAL, "tags");
    }
    {
        const char *const p[] = {BASE, LATLON, "tags", "misp:type=\"a\"b\"", NULL};
        expect_bad(p, BW_EINVAL, "tags");
    }
    {
        const char *const p[] = {BASE, LATLON, "supplies", "power;electricity", NULL};
        expect_bad(p, BW_EREF, "supplies");
    }
    {
        const char *const p[] = {BASE, LATLON, "supplies", "power\n", NULL};
        expect_bad(p, BW_EINVAL, "supplies");
    }
    /* Lists hold at most BW_LIST_ITEMS_MAX items. */
    {
        char many[4 * (BW_LIST_ITEMS_MAX + 1) + 1];
        size_t off = 0;
        for (int i = 0; i <= BW_LIST_ITEMS_MAX; i++)
            off += (size_t)snprintf(many + off, sizeof many - off, "%st%d", i ? ";" : "", i % 10);
        {
            const char *const p[] = {BASE, LATLON, "tags", many, NULL};
            expect_bad(p, BW_ETOOBIG, "tags");
        }
    }
    /* A list of only separators is absent. */
    {
        const char *const p[] = {BASE, LATLON, "tags", " ; ;", NULL};
        struct bw_arena a;
        struct bw_diag d;
        struct bw_site s;
        bw_arena_init(&a, 0);
        assert_int_equal(from_pairs(p, &a, &d, &s), BW_OK);
        assert_null(s.tags);
        bw_arena_release(&a);
    }
}

static void test_tag_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "tlp",
        "tlp:white",
        "tlp:amber-strict",
        "misp:type=\"site\"",
        "misp:type=\"\"",
        "a.b_c-d:e f=\"with spaces and : colons\"",
        "ns:Pred_1.2",
    };
    static const char *const bad[] = {
        "",         ":pred",         "ns:",         "ns:p=", "ns:p=v",
        "ns:p=\"v", "ns:p=\"a\"b\"", "ns:p=\"v\"x", "n s:p", "ns::p",
        "ns:p:q",   "ns:p=\"\"\"",   "\xC3\xA9:x",  "ns;p",  "ns:p\"v\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!bw_site_tag_valid(bw_str_c(good[i]))) {
            print_error("'%s' should be a machine tag\n", good[i]);
            fail();
        }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (bw_site_tag_valid(bw_str_c(bad[i]))) {
            print_error("'%s' should not be a machine tag\n", bad[i]);
            fail();
        }
    /* Only the slice counts. */
    assert_true(bw_site_tag_valid((struct bw_str){"tlp:green junk\"", 9}));
}

static void test_footprint(void **state)
{
    (void)state;
    struct bw_arena a;
    struct bw_diag d;
    struct bw_site s;

    bw_arena_init(&a, 0);
    /* No lat/lon: the location is the footprint's centroid; the footprint is canonical. */
    {
        const char *const p[] = {BASE, "footprint",
                                 "{ \"type\": \"Polygon\", \"coordinates\": [[[0.0,0],[2,0],"
                                 "[2,2],[0,2],[0,0]]] }",
                                 NULL};
        assert_int_equal(from_pairs(p, &a, &d, &s), BW_OK);
        assert_close(s.lat, 1.0, 1e-12);
        assert_close(s.lon, 1.0, 1e-12);
        assert_string_equal(s.footprint, "{\"type\":\"Polygon\",\"coordinates\":"
                                         "[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}");
    }
    /* With a hole: (16*2 - 1*1.5) / 15 on each axis. */
    {
        const char *const p[] = {BASE, "footprint",
                                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],"
                                 "[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,2],[1,1]]]}",
                                 NULL};
        assert_int_equal(from_pairs(p, &a, &d, &s), BW_OK);
        assert_close(s.lat, 30.5 / 15, 1e-12);
        assert_close(s.lon, 30.5 / 15, 1e-12);
    }
    /* Given lat/lon win over the centroid (an entrance, say). */
    {
        const char *const p[] = {BASE,
                                 "lat",
                                 "0.5",
                                 "lon",
                                 "0.25",
                                 "footprint",
                                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],"
                                 "[0,2],[0,0]]]}",
                                 NULL};
        assert_int_equal(from_pairs(p, &a, &d, &s), BW_OK);
        assert_true(s.lat == 0.5 && s.lon == 0.25);
    }
    bw_arena_release(&a);
    /* Half a location is an error, footprint or not. */
    {
        const char *const p[] = {BASE,
                                 "lat",
                                 "1",
                                 "footprint",
                                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],"
                                 "[0,2],[0,0]]]}",
                                 NULL};
        expect_bad(p, BW_EINVAL, "lon");
    }
    /* A bad footprint is reported against "footprint". */
    {
        const char *const p[] = {BASE, "footprint",
                                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],"
                                 "[0,2]]]}",
                                 NULL};
        expect_bad(p, BW_EINVAL, "footprint");
    }
    {
        const char *const p[] = {BASE, "footprint", "{\"type\":\"Polygon\"", NULL};
        expect_bad(p, BW_EPARSE, "footprint");
    }
    {
        const char *const p[] = {BASE, LATLON, "footprint",
                                 "{\"type\":\"Point\",\"coordinates\":[0,0]}", NULL};
        expect_bad(p, BW_EINVAL, "footprint");
    }
    {
        const char *const p[] = {BASE, LATLON, "footprint",
                                 "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,95],[2,2],"
                                 "[0,0]]]}",
                                 NULL};
        expect_bad(p, BW_EINVAL, "footprint");
    }
}

static void test_to_values(void **state)
{
    (void)state;
    const struct bw_site s = {.id = "s-1",
                              .name = "Name, with comma",
                              .category = "hospital",
                              .lat = 0.1 + 0.2,
                              .lon = -0.0,
                              .footprint = NULL,
                              .capacity = -1,
                              .operator_id = "op",
                              .supplies = "power;water",
                              .population = 0,
                              .region = NULL,
                              .tags = "tlp:green"};
    struct bw_str v[16];
    struct bw_arena a;
    static const char *const want[] = {"s-1",       "Name, with comma",
                                       "hospital",  "0.30000000000000004",
                                       "0",         NULL,
                                       "op",        "power;water",
                                       "0",         NULL,
                                       "tlp:green", NULL};

    assert_int_equal(bw_site_ncolumns, 12);
    assert_int_equal(sizeof want / sizeof want[0], bw_site_ncolumns);
    bw_arena_init(&a, 0);
    assert_int_equal(bw_site_to_values(&s, &a, v), BW_OK);
    for (size_t i = 0; i < bw_site_ncolumns; i++) {
        if (!want[i]) {
            assert_null(v[i].p);
            continue;
        }
        assert_non_null(v[i].p);
        assert_int_equal(v[i].n, strlen(want[i]));
        assert_memory_equal(v[i].p, want[i], v[i].n);
    }
    /* The columns: names in export order, the five required ones. */
    assert_string_equal(bw_site_columns[0].name, "id");
    assert_string_equal(bw_site_columns[11].name, "footprint");
    for (size_t i = 0; i < bw_site_ncolumns; i++)
        assert_int_equal(bw_site_columns[i].required, i < 5);
    bw_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_full),  cmocka_unit_test(test_valid_minimal),
        cmocka_unit_test(test_coordinates), cmocka_unit_test(test_category_and_ids),
        cmocka_unit_test(test_numbers),     cmocka_unit_test(test_lists_and_tags),
        cmocka_unit_test(test_tag_valid),   cmocka_unit_test(test_footprint),
        cmocka_unit_test(test_to_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
