/*
 * test_alloc.c — the allocator hook, overflow-checked sizes, and the torture test.
 *
 * The torture test (curl's `runtests -t`, SQLite's fault injection) installs an
 * allocator that fails the Nth allocation and runs a real workload for N = 0, 1, 2, …
 * until a run completes without reaching N. Every run must return BW_OK or BW_ENOMEM —
 * never another code, never crash — and must free every block it allocated (checked by
 * counting live blocks here, and by LeakSanitizer in the ASan build). Workloads: reading
 * and parsing the default pack, and dry-run imports of a small CSV and GeoJSON file of
 * sites that exercise quoting, lists, tags and footprints; and exports of sites,
 * dependencies and organisations from a real store, where a success must also give the
 * very bytes of an export made without failures (nothing silently dropped).
 */
#include "unit.h"

#include "import.h"

#include <jansson.h>

/* ---- the failing allocator ------------------------------------------------------- */

static long fail_at = -1; /* 0-based index of the allocation to fail; -1: none */
static long nallocs;      /* allocation calls so far in this run */
static long live;         /* blocks allocated and not yet freed */
static int injected;      /* the failure was reached in this run */

static int should_fail(void)
{
    if (nallocs++ == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t n)
{
    void *p;
    if (should_fail())
        return NULL;
    p = malloc(n);
    live += p != NULL;
    return p;
}

static void *t_calloc(size_t c, size_t n)
{
    void *p;
    if (should_fail())
        return NULL;
    p = calloc(c, n);
    live += p != NULL;
    return p;
}

static void *t_realloc(void *old, size_t n)
{
    void *p;
    if (should_fail())
        return NULL;
    p = realloc(old, n);
    live += p != NULL && old == NULL;
    return p;
}

static void t_free(void *p)
{
    live -= p != NULL;
    free(p);
}

static const struct bw_allocator failing = {t_malloc, t_calloc, t_realloc, t_free};

/* Runs @p work with the Nth allocation failing, for every N until none is reached. A
 * workload with more than TORTURE_ALL points (the whole pack, which grows with the
 * methodology) fails each of its first TORTURE_ALL points and then every k-th, k chosen
 * to keep about TORTURE_ALL more, so the test stays quadratic in a bounded number. */
#define TORTURE_ALL 1000L
static void torture(const char *what, int (*work)(void *ctx), void *ctx, long min_points)
{
    long n, total, step, tried = 0;

    /* Count the allocation points once, with no failure injected. */
    fail_at = -1;
    nallocs = 0;
    live = 0;
    assert_int_equal(bw_set_allocator(&failing), BW_OK);
    assert_int_equal(work(ctx), BW_OK);
    assert_int_equal(bw_set_allocator(NULL), BW_OK);
    total = nallocs;
    step = total > 2 * TORTURE_ALL ? (total - TORTURE_ALL) / TORTURE_ALL + 1 : 1;
    for (n = 0; n < 10000000; n += n < TORTURE_ALL ? 1 : step) {
        int rc;
        fail_at = n;
        nallocs = 0;
        live = 0;
        injected = 0;
        tried++;
        assert_int_equal(bw_set_allocator(&failing), BW_OK);
        rc = work(ctx);
        assert_int_equal(bw_set_allocator(NULL), BW_OK);
        if (live != 0) {
            print_error("%s: failing allocation %ld of %ld: %ld block(s) leaked (rc %d)\n", what, n,
                        nallocs, live, rc);
            fail();
        }
        if (!injected) {
            if (rc != BW_OK) {
                print_error("%s: with no failure injected, rc = %d (%s)\n", what, rc,
                            bw_strerror(rc));
                fail();
            }
            break;
        }
        if (rc != BW_OK && rc != BW_ENOMEM) {
            print_error("%s: failing allocation %ld of %ld gave rc %d (%s), not BW_ENOMEM\n", what,
                        n, nallocs, rc, bw_strerror(rc));
            fail();
        }
    }
    /* A workload that allocates (next to) nothing would test nothing. */
    assert_true(total >= min_points);
    print_message("[ torture  ] %s: %ld allocation points, %ld of them failed once\n", what,
                  total, tried - 1);
}

/* ---- workloads ------------------------------------------------------------------- */

struct pack_ctx {
    const char *expect; /* the bundle read with the normal allocator */
};

static int work_pack(void *vctx)
{
    struct pack_ctx *ctx = vctx;
    struct bw_diag d;
    char *text = (char *)1;
    bw_pack *p = (bw_pack *)1;
    int rc;

    bw_diag_clear(&d);
    rc = bw_pack_read_dir(BW_PACK_DIR, &d, &text);
    if (rc) {
        char msg[1024];
        assert_null(text);
        if (rc != BW_ENOMEM)
            print_error("pack: %s\n", bw_diag_format(&d, msg, sizeof msg));
        return rc;
    }
    assert_string_equal(text, ctx->expect);
    rc = bw_pack_parse(text, strlen(text), &d, &p);
    if (rc) {
        assert_null(p);
    } else {
        size_t nt;
        assert_string_equal(bw_pack_id(p), "default");
        assert_non_null(bw_pack_class(p, "hospital", 8));
        assert_non_null(bw_pack_tiers(p, &nt));
        assert_int_equal(nt, 2);
        bw_pack_free(p);
    }
    bw_free(text);
    return rc;
}

struct import_ctx {
    const bw_pack *pack;
    enum bw_format format;
    const char *text;
    size_t expect_records;
};

static int work_import(void *vctx)
{
    struct import_ctx *ctx = vctx;
    struct bw_import_opts o = {.entity = BW_ENTITY_SITES, .format = ctx->format};
    struct bw_diag d;
    size_t records = 99;
    int rc;

    bw_diag_clear(&d);
    rc = bw_import_mem(NULL, ctx->pack, "sites", ctx->text, strlen(ctx->text), &o, &records, &d);
    if (rc == BW_OK) {
        assert_int_equal(records, ctx->expect_records);
    } else {
        char msg[1024];
        assert_int_equal(records, 0);
        assert_true(bw_diag_has(&d)); /* the failure is reported, not silent */
        if (rc != BW_ENOMEM)
            print_error("import: %s\n", bw_diag_format(&d, msg, sizeof msg));
    }
    return rc;
}

static const char sites_csv[] =
    "\xEF\xBB\xBF"
    "id,name,category,lat,lon,capacity,operator,supplies,population_served,region,tags,"
    "footprint\r\n"
    "s1,\"Central Station, main hall\",transport-hub,51.5,-0.12,3000,op-1,,,London,"
    "\"tlp:green;misp:type=\"\"site\"\"\",\r\n"
    "\r\n"
    "s2,\"Grid \"\"North\"\" substation\",energy.electricity,52.1,0.5,,op-2,power;heat,"
    "250000,,,\r\n"
    "s3,Cathedral,religious-site,,,900,,,,,,\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates"
    "\"\":[[[0,0],[2,0],[2,2],[0,2],[0,0]],[[0.5,0.5],[1,0.5],[1,1],[0.5,1],[0.5,0.5]]]}\"\r\n"
    "s4,Stadium,sport-event,-33.9,151.2,80000,,,,NSW,a;b;c,\r\n";

static const char sites_geojson[] =
    "{\"type\":\"FeatureCollection\",\"name\":\"t\",\"features\":[\n"
    "{\"type\":\"Feature\",\"id\":\"g1\",\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[-0.12,51.5]},\"properties\":{\"name\":\"Station\","
    "\"category\":\"transport-hub\",\"capacity\":3000,\"tags\":[\"tlp:green\",\"x:y\"]}},\n"
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
    "[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,3],[2,2]]]]},"
    "\"properties\":{\"id\":\"g2\",\"name\":\"Plant\",\"category\":\"energy.electricity\","
    "\"supplies\":[\"power\"],\"population_served\":120000,\"region\":null}},\n"
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[10,10],[11,10],[11,11],[10,11],[10,10]]]},\"properties\":{\"id\":\"g3\","
    "\"name\":\"Square\",\"category\":\"urban-centre\",\"lat\":10.5,\"lon\":10.5}}\n"
    "]}\n";

/* The hook moves jansson too, so JSON trees count against the same budget. */
static void test_hook_routes_jansson(void **state)
{
    (void)state;
    json_t *j;

    fail_at = -1;
    nallocs = live = 0;
    assert_int_equal(bw_set_allocator(&failing), BW_OK);
    j = json_pack("{s:[i,i,i]}", "k", 1, 2, 3);
    assert_non_null(j);
    assert_true(live > 0);
    json_decref(j);
    assert_int_equal(live, 0);
    /* And a failure injected there shows up as jansson's NULL. */
    fail_at = nallocs;
    assert_null(json_object());
    assert_int_equal(bw_set_allocator(NULL), BW_OK);
    assert_int_equal(live, 0);
}

static void test_hook_basics(void **state)
{
    (void)state;
    const struct bw_allocator partial = {t_malloc, t_calloc, NULL, t_free};
    size_t out = 7;
    char *s;

    assert_int_equal(bw_set_allocator(&partial), BW_EINVAL);
    /* The rejected table was not installed: libc is still in use. */
    fail_at = -1;
    nallocs = 0;
    s = bw_malloc(10);
    assert_non_null(s);
    assert_int_equal(nallocs, 0);
    bw_free(s);

    assert_int_equal(bw_set_allocator(&failing), BW_OK);
    nallocs = live = 0;
    /* Overflowing products are refused before the allocator is asked. */
    assert_null(bw_calloc(SIZE_MAX / 2, 3));
    assert_int_equal(nallocs, 0);
    assert_null(bw_strndup("x", SIZE_MAX));
    assert_int_equal(nallocs, 0);
    /* Zero-byte requests still give a unique pointer the caller can free. */
    s = bw_malloc(0);
    assert_non_null(s);
    bw_free(s);
    s = bw_calloc(0, 8);
    assert_non_null(s);
    bw_free(s);
    s = bw_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    bw_free(s);
    s = bw_strdup("hello");
    assert_string_equal(s, "hello");
    bw_free(s);
    assert_null(bw_strdup(NULL));
    bw_free(NULL);
    assert_int_equal(live, 0);
    /* A failed realloc keeps the old block valid and owned by the caller. */
    s = bw_malloc(4);
    memcpy(s, "abc", 4);
    fail_at = nallocs;
    assert_null(bw_realloc(s, 1000));
    assert_string_equal(s, "abc");
    bw_free(s);
    assert_int_equal(live, 0);
    assert_int_equal(bw_set_allocator(NULL), BW_OK);

    assert_int_equal(bw_mul_size(SIZE_MAX, 2, &out), -1);
    assert_int_equal(out, 7); /* untouched on overflow */
    assert_int_equal(bw_mul_size(1u << 20, 1u << 10, &out), 0);
    assert_int_equal(out, (size_t)1 << 30);
    assert_int_equal(bw_add_size(SIZE_MAX, 1, &out), -1);
    assert_int_equal(out, (size_t)1 << 30);
    assert_int_equal(bw_add_size(SIZE_MAX - 1, 1, &out), 0);
    assert_int_equal(out, SIZE_MAX);
}

static void test_torture_pack(void **state)
{
    (void)state;
    struct bw_diag d;
    struct pack_ctx ctx;
    char *ref = NULL;

    bw_diag_clear(&d);
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &ref), BW_OK);
    ctx.expect = ref;
    torture("pack read + parse", work_pack, &ctx, 1000);
    bw_free(ref);
}

static void test_torture_import_csv(void **state)
{
    (void)state;
    bw_pack *pack = unit_default_pack();
    struct import_ctx ctx = {pack, BW_FORMAT_CSV, sites_csv, 4};

    /* The fixture itself must import cleanly, or the torture proves nothing. */
    assert_int_equal(work_import(&ctx), BW_OK);
    torture("import sites.csv (dry run)", work_import, &ctx, 50);
    bw_pack_free(pack);
}

static void test_torture_import_geojson(void **state)
{
    (void)state;
    bw_pack *pack = unit_default_pack();
    struct import_ctx ctx = {pack, BW_FORMAT_GEOJSON, sites_geojson, 3};

    assert_int_equal(work_import(&ctx), BW_OK);
    torture("import sites.geojson (dry run)", work_import, &ctx, 100);
    bw_pack_free(pack);
}

struct export_ctx {
    bw_store *s;
    enum bw_entity entity;
    enum bw_format format;
    const char *expect; /* the export made with the normal allocator */
    size_t expect_records;
};

static int work_export(void *vctx)
{
    struct export_ctx *ctx = vctx;
    char *text = NULL;
    size_t len = 0, records = 99;
    FILE *out = open_memstream(&text, &len); /* libc's memory, outside the hook */
    struct bw_diag d;
    int rc;

    assert_non_null(out);
    bw_diag_clear(&d);
    rc = bw_export(ctx->s, ctx->entity, ctx->format, out, &records, &d);
    fclose(out);
    /* Success must mean the same bytes: nothing silently dropped on a failed allocation. */
    if (rc == BW_OK) {
        assert_string_equal(text, ctx->expect);
        assert_int_equal(records, ctx->expect_records);
    } else {
        assert_true(bw_diag_has(&d));
    }
    free(text);
    return rc;
}

static void test_torture_export(void **state)
{
    (void)state;
    static const char orgs[] = "id,name,type\nop-1,Operator,operator\nop-2,Other,operator\n";
    static const char deps[] = "site,supplier,service,buffer_hours\ns1,s2,power,12.5\n"
                               "s3,s2,heat,0.25\n";
    static const struct {
        enum bw_entity e;
        const char *text;
        size_t n;
    } fixtures[] = {{BW_ENTITY_ORGS, orgs, 2},
                    {BW_ENTITY_SITES, sites_csv, 4},
                    {BW_ENTITY_DEPS, deps, 2}};
    bw_pack *pack = unit_default_pack();
    char dir[256], path[300];
    struct bw_diag d;
    struct export_ctx ctx;
    bw_store *s = NULL;

    unit_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.db", dir);
    bw_diag_clear(&d);
    assert_int_equal(bw_store_open(path, &d, &s), BW_OK);
    for (size_t i = 0; i < 3; i++) {
        struct bw_import_opts o = {.entity = fixtures[i].e, .format = BW_FORMAT_CSV};
        size_t records;
        assert_int_equal(bw_import_mem(s, pack, "f", fixtures[i].text, strlen(fixtures[i].text),
                                       &o, &records, &d),
                         BW_OK);
        assert_int_equal(records, fixtures[i].n);
    }
    for (size_t i = 0; i < 6; i++) {
        char *ref = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&ref, &len);
        char what[64];
        ctx = (struct export_ctx){s, i < 2 ? BW_ENTITY_SITES : i < 4 ? BW_ENTITY_DEPS
                                                                      : BW_ENTITY_ORGS,
                                  i % 2 ? BW_FORMAT_GEOJSON : BW_FORMAT_CSV, NULL, 0};
        assert_int_equal(bw_export(s, ctx.entity, ctx.format, out, &ctx.expect_records, &d),
                         BW_OK);
        fclose(out);
        ctx.expect = ref;
        snprintf(what, sizeof what, "export %s as %s",
                 ctx.entity == BW_ENTITY_SITES  ? "sites"
                 : ctx.entity == BW_ENTITY_DEPS ? "deps"
                                                : "orgs",
                 ctx.format == BW_FORMAT_CSV ? "CSV" : "GeoJSON");
        torture(what, work_export, &ctx, 3);
        free(ref);
    }
    bw_store_close(s);
    unit_rmdir(dir);
    bw_pack_free(pack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_basics),
        cmocka_unit_test(test_hook_routes_jansson),
        cmocka_unit_test(test_torture_pack),
        cmocka_unit_test(test_torture_import_csv),
        cmocka_unit_test(test_torture_import_geojson),
        cmocka_unit_test(test_torture_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
