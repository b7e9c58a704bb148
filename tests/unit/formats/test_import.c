/*
 * test_import.c — all-or-nothing import and canonical export, through a real SQLite
 * store on a temporary file.
 *
 * Checked: dry runs (no store) and real imports of CSV and GeoJSON; a broken record
 * names the file, the line (or feature) and the field, and leaves the database exactly
 * as it was (counts and absent rows); the exports of sites, organisations,
 * dependencies and roles equal hand-written canonical text; export → import into a
 * fresh database → export is byte-identical, in both formats and across formats.
 */
#include "unit.h"

#include "arena.h"
#include "import.h"
#include "store.h"

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

/* ---- fixtures ------------------------------------------------------------------------ */

static const char orgs_csv[] =
    "id,name,type,mandate,sectors,regions,contact_name,contact_phone,contact_email\n"
    "op-2,\"City Transport, Ltd\",operator,\"Runs \"\"the\"\" trams\",transport;transport.rail,,"
    "Jane Doe,+1 555 0100,\n"
    "op-1,Grid Operator,operator,,energy,North; South,,,ops@grid.example\n";

static const char orgs_csv_canonical[] =
    "id,name,type,mandate,sectors,regions,contact_name,contact_phone,contact_email\r\n"
    "op-1,Grid Operator,operator,,energy,North;South,,,ops@grid.example\r\n"
    "op-2,\"City Transport, Ltd\",operator,\"Runs \"\"the\"\" trams\",transport;transport.rail,,"
    "Jane Doe,+1 555 0100,\r\n";

/* Columns in another order, a BOM, CRLF, numbers not in shortest form, ids unsorted. */
static const char sites_csv[] =
    "\xEF\xBB\xBFname,id,category,lat,lon,capacity,operator,tags,footprint,supplies,"
    "population_served,region\r\n"
    "\"Central Station, main hall\",s3,transport-hub,51.50,-0.120,3000,op-2,tlp:green,,,,"
    "London\r\n"
    "Substation North,s1,energy.electricity,52.1,5e-1,,op-1,,,power; heat,250000,\r\n"
    "Cathedral,s2,religious-site,,,900,,\"misp:type=\"\"worship\"\"\","
    "\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[0,0],[2.0,0],[2,2],[0,2],[0,0]]]}\","
    ",,\r\n";

static const char sites_csv_canonical[] =
    "id,name,category,lat,lon,capacity,operator,supplies,population_served,region,tags,"
    "footprint\r\n"
    "s1,Substation North,energy.electricity,52.1,0.5,,op-1,power;heat,250000,,,\r\n"
    "s2,Cathedral,religious-site,1,1,900,,,,,\"misp:type=\"\"worship\"\"\","
    "\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}\"\r\n"
    "s3,\"Central Station, main hall\",transport-hub,51.5,-0.12,3000,op-2,,,London,tlp:green,"
    "\r\n";

static const char sites_geojson_canonical[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[0.5,52.1]},"
    "\"properties\":{\"id\":\"s1\",\"name\":\"Substation North\","
    "\"category\":\"energy.electricity\",\"operator\":\"op-1\",\"supplies\":[\"power\",\"heat\"],"
    "\"population_served\":250000}}"
    ",\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[0,0],[2,0],[2,2],[0,2],[0,0]]]},\"properties\":{\"id\":\"s2\",\"name\":\"Cathedral\","
    "\"category\":\"religious-site\",\"lat\":1,\"lon\":1,\"capacity\":900,"
    "\"tags\":[\"misp:type=\\\"worship\\\"\"]}}"
    ",\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-0.12,51.5]},"
    "\"properties\":{\"id\":\"s3\",\"name\":\"Central Station, main hall\","
    "\"category\":\"transport-hub\",\"capacity\":3000,\"operator\":\"op-2\",\"region\":\"London\","
    "\"tags\":[\"tlp:green\"]}}"
    "\n]}\n";

static const char deps_csv[] = "site,supplier,service,kind,redundancy_group,buffer_hours,directed\n"
                               "s3,s1,power,,grid-a,4.0,\n"
                               "s2,s1,power,supply,,,\n"
                               "s1,s3,transport,link,,0.5,true\n";

static const char deps_csv_canonical[] =
    "site,supplier,service,kind,redundancy_group,buffer_hours,directed,needs\r\n"
    "s1,s3,transport,link,,0.5,true,\r\n"
    "s2,s1,power,supply,,,,\r\n"
    "s3,s1,power,supply,grid-a,4,,\r\n";

static const char roles_csv[] = "org,site,phase,description\n"
                                "op-2,s3,respond,\"First response, on site\"\n"
                                "op-1,s1,protect,Guards\n"
                                "op-1,s1,prevent,\n";

static const char roles_csv_canonical[] = "org,site,phase,description\r\n"
                                          "op-1,s1,prevent,\r\n"
                                          "op-1,s1,protect,Guards\r\n"
                                          "op-2,s3,respond,\"First response, on site\"\r\n";

/* ---- helpers ------------------------------------------------------------------------ */

struct db {
    char dir[256];
    char path[300];
    bw_store *s;
};

static void db_open(struct db *db)
{
    struct bw_diag d;

    unit_tmpdir(db->dir, sizeof db->dir);
    snprintf(db->path, sizeof db->path, "%s/register.db", db->dir);
    bw_diag_clear(&d);
    assert_int_equal(bw_store_open(db->path, &d, &db->s), BW_OK);
}

static void db_close(struct db *db)
{
    bw_store_close(db->s);
    unit_rmdir(db->dir);
}

static int import(bw_store *s, enum bw_entity e, enum bw_format f, const char *name,
                  const char *text, size_t *records, struct bw_diag *d)
{
    struct bw_import_opts o = {.entity = e, .format = f};
    bw_diag_clear(d);
    return bw_import_mem(s, pack, name, text, strlen(text), &o, records, d);
}

static void import_ok(bw_store *s, enum bw_entity e, enum bw_format f, const char *text,
                      size_t want)
{
    struct bw_diag d;
    char msg[1024];
    size_t records = 0;

    if (import(s, e, f, "in", text, &records, &d) != BW_OK) {
        print_error("import failed: %s\n", bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    assert_int_equal(records, want);
}

/* Exports into a new string (free with free()). */
static char *export_text(bw_store *s, enum bw_entity e, enum bw_format f, size_t want)
{
    char *text = NULL;
    size_t len = 0, records = 99;
    FILE *out = open_memstream(&text, &len);
    struct bw_diag d;

    bw_diag_clear(&d);
    assert_int_equal(bw_export(s, e, f, out, &records, &d), BW_OK);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(records, want);
    assert_int_equal(strlen(text), len); /* no NUL bytes in an export */
    return text;
}

static struct bw_store_counts counts(bw_store *s)
{
    struct bw_store_counts c;
    assert_int_equal(bw_store_counts(s, &c), BW_OK);
    return c;
}

/* Loads the whole fixture register into @p s. */
static void load_all(bw_store *s)
{
    import_ok(s, BW_ENTITY_ORGS, BW_FORMAT_CSV, orgs_csv, 2);
    import_ok(s, BW_ENTITY_SITES, BW_FORMAT_CSV, sites_csv, 3);
    import_ok(s, BW_ENTITY_DEPS, BW_FORMAT_CSV, deps_csv, 3);
    import_ok(s, BW_ENTITY_ROLES, BW_FORMAT_CSV, roles_csv, 3);
}

/* Expects an import of @p text to fail with @p code at @p line / @p feature / @p field. */
static void expect_fail(bw_store *s, enum bw_entity e, enum bw_format f, const char *text, int code,
                        uint64_t line, int64_t feature, const char *field)
{
    struct bw_diag d;
    char msg[1024];
    size_t records = 99;
    int rc = import(s, e, f, "bad.file", text, &records, &d);

    if (rc != code || d.code != code || d.line != line || d.feature != feature ||
        strcmp(d.field, field) != 0 || strcmp(d.file, "bad.file") != 0) {
        print_error("rc %d (want %d), diag '%s' (want line %llu, feature %lld, field '%s')\n", rc,
                    code, bw_diag_format(&d, msg, sizeof msg), (unsigned long long)line,
                    (long long)feature, field);
        fail();
    }
    assert_int_equal(records, 0);
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    enum bw_entity e;
    enum bw_format f;

    assert_int_equal(bw_entity_parse("sites", &e), BW_OK);
    assert_int_equal(e, BW_ENTITY_SITES);
    assert_int_equal(bw_entity_parse("roles", &e), BW_OK);
    assert_int_equal(e, BW_ENTITY_ROLES);
    assert_int_equal(bw_entity_parse("site", &e), BW_EINVAL);
    assert_int_equal(bw_format_parse("geojson", &f), BW_OK);
    assert_int_equal(f, BW_FORMAT_GEOJSON);
    assert_int_equal(bw_format_parse("CSV", &f), BW_EINVAL);
    assert_int_equal(bw_format_guess("a/b.geojson"), BW_FORMAT_GEOJSON);
    assert_int_equal(bw_format_guess("x.json"), BW_FORMAT_GEOJSON);
    assert_int_equal(bw_format_guess("x.csv"), BW_FORMAT_CSV);
    assert_int_equal(bw_format_guess("json"), BW_FORMAT_CSV);
    assert_int_equal(bw_format_guess(".geojson"), BW_FORMAT_CSV);
}

static void progress_cb(void *ud, size_t done, size_t total)
{
    size_t *calls = ud;
    assert_true(done <= total);
    calls[0]++;
    calls[1] = done;
    calls[2] = total;
}

static void test_dry_run(void **state)
{
    (void)state;
    size_t calls[3] = {0, 0, 0}, records = 0;
    struct bw_import_opts o = {.entity = BW_ENTITY_SITES,
                               .format = BW_FORMAT_CSV,
                               .progress = progress_cb,
                               .progress_ud = calls};
    struct bw_diag d;

    /* No store: validation only. References to organisations are the store's business. */
    bw_diag_clear(&d);
    assert_int_equal(
        bw_import_mem(NULL, pack, "sites.csv", sites_csv, strlen(sites_csv), &o, &records, &d),
        BW_OK);
    assert_int_equal(records, 3);
    assert_int_equal(calls[0], 1); /* once, at the end */
    assert_int_equal(calls[1], strlen(sites_csv));
    assert_int_equal(calls[2], strlen(sites_csv));
    o.format = BW_FORMAT_GEOJSON;
    assert_int_equal(bw_import_mem(NULL, pack, "s.geojson", sites_geojson_canonical,
                                   strlen(sites_geojson_canonical), &o, &records, NULL),
                     BW_OK);
    assert_int_equal(records, 3);
    /* Validation errors are the same with or without a store. */
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns1,a,hospital,1,1\ns2,b,hospital,95,1\n", BW_ERANGE, 3,
                -1, "lat");
}

static void test_export_canonical(void **state)
{
    (void)state;
    struct db db;
    char *t;

    db_open(&db);
    load_all(db.s);
    t = export_text(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV, 3);
    assert_string_equal(t, sites_csv_canonical);
    free(t);
    t = export_text(db.s, BW_ENTITY_SITES, BW_FORMAT_GEOJSON, 3);
    assert_string_equal(t, sites_geojson_canonical);
    free(t);
    t = export_text(db.s, BW_ENTITY_ORGS, BW_FORMAT_CSV, 2);
    assert_string_equal(t, orgs_csv_canonical);
    free(t);
    t = export_text(db.s, BW_ENTITY_DEPS, BW_FORMAT_CSV, 3);
    assert_string_equal(t, deps_csv_canonical);
    free(t);
    t = export_text(db.s, BW_ENTITY_ROLES, BW_FORMAT_CSV, 3);
    assert_string_equal(t, roles_csv_canonical);
    free(t);
    {
        struct bw_store_counts c = counts(db.s);
        assert_true(c.sites == 3 && c.orgs == 2 && c.deps == 3 && c.roles == 3);
    }
    db_close(&db);
}

/* Exports every entity of @p a in @p f, imports into a fresh store, exports again. */
static void round_trip(enum bw_format f)
{
    static const enum bw_entity order[] = {BW_ENTITY_ORGS, BW_ENTITY_SITES, BW_ENTITY_DEPS,
                                           BW_ENTITY_ROLES};
    static const size_t n[] = {2, 3, 3, 3};
    struct db a, b;

    db_open(&a);
    db_open(&b);
    load_all(a.s);
    for (size_t i = 0; i < 4; i++) {
        char *first = export_text(a.s, order[i], f, n[i]);
        char *second;
        import_ok(b.s, order[i], f, first, n[i]);
        second = export_text(b.s, order[i], f, n[i]);
        assert_string_equal(first, second);
        free(first);
        free(second);
    }
    db_close(&a);
    db_close(&b);
}

static void test_round_trip_csv(void **state)
{
    (void)state;
    round_trip(BW_FORMAT_CSV);
}

static void test_round_trip_geojson(void **state)
{
    (void)state;
    round_trip(BW_FORMAT_GEOJSON);
}

static void test_round_trip_across_formats(void **state)
{
    (void)state;
    static const enum bw_entity order[] = {BW_ENTITY_ORGS, BW_ENTITY_SITES, BW_ENTITY_DEPS,
                                           BW_ENTITY_ROLES};
    static const size_t n[] = {2, 3, 3, 3};
    struct db a, b;

    /* CSV → GeoJSON → fresh database → CSV gives the canonical CSV again. */
    db_open(&a);
    db_open(&b);
    load_all(a.s);
    for (size_t i = 0; i < 4; i++) {
        char *csv1 = export_text(a.s, order[i], BW_FORMAT_CSV, n[i]);
        char *gj = export_text(a.s, order[i], BW_FORMAT_GEOJSON, n[i]);
        char *csv2;
        import_ok(b.s, order[i], BW_FORMAT_GEOJSON, gj, n[i]);
        csv2 = export_text(b.s, order[i], BW_FORMAT_CSV, n[i]);
        assert_string_equal(csv1, csv2);
        free(csv1);
        free(gj);
        free(csv2);
    }
    db_close(&a);
    db_close(&b);
}

static void test_broken_row_changes_nothing(void **state)
{
    (void)state;
    struct db db;
    struct bw_store_counts before, after;
    struct bw_arena ar;
    struct bw_site site;
    char *t0, *t1;

    db_open(&db);
    load_all(db.s);
    before = counts(db.s);
    t0 = export_text(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV, 3);

    /* Row 3 (the second record) has lat 95: line 3, field lat; s4 is not written either. */
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\n"
                "s4,Four,hospital,10,10\n"
                "s5,Five,hospital,95,10\n"
                "s6,Six,hospital,10,10\n",
                BW_ERANGE, 3, -1, "lat");
    /* A quoted multi-line field before it still gives the right line. */
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon,region\n"
                "s4,Four,hospital,10,10,\"North\"\n"
                "s5,Five,stadium,10,10,South\n",
                BW_EREF, 3, -1, "category");
    /* GeoJSON: feature 1, on its own line 3. */
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[\n"
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},"
                "\"properties\":{\"id\":\"s4\",\"name\":\"Four\",\"category\":\"hospital\"}},\n"
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},"
                "\"properties\":{\"id\":\"s5\",\"name\":\"Five\",\"category\":\"hospital\","
                "\"capacity\":-1}}\n"
                "]}\n",
                BW_ERANGE, 3, 1, "capacity");
    /* Store-level errors roll back too: a duplicate id in the file, an existing id, an
     * unknown operator. */
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns4,Four,hospital,1,1\ns4,Again,hospital,1,1\n",
                BW_EEXIST, 3, -1, "id");
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns4,Four,hospital,1,1\ns1,Again,hospital,1,1\n",
                BW_EEXIST, 3, -1, "id");
    expect_fail(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon,operator\ns4,Four,hospital,1,1,op-9\n", BW_EREF, 2, -1,
                "operator");
    expect_fail(db.s, BW_ENTITY_DEPS, BW_FORMAT_CSV,
                "site,supplier,service\ns2,s3,water\ns2,s9,water\n", BW_EREF, 3, -1, "supplier");
    expect_fail(db.s, BW_ENTITY_DEPS, BW_FORMAT_CSV, "site,supplier,service\ns1,s3,electricity\n",
                BW_EREF, 2, -1, "service");
    expect_fail(db.s, BW_ENTITY_ROLES, BW_FORMAT_CSV,
                "org,site,phase\nop-1,s2,respond\nop-1,s1,protect\n", BW_EEXIST, 3, -1, "phase");
    expect_fail(db.s, BW_ENTITY_ORGS, BW_FORMAT_CSV,
                "id,name,type\nop-3,Three,authority\nop-4,Four,guild\n", BW_EREF, 3, -1, "type");

    after = counts(db.s);
    assert_memory_equal(&before, &after, sizeof before);
    bw_arena_init(&ar, 0);
    assert_int_equal(bw_store_site_get(db.s, "s4", &ar, &site), BW_ENOTFOUND);
    bw_arena_release(&ar);
    t1 = export_text(db.s, BW_ENTITY_SITES, BW_FORMAT_CSV, 3);
    assert_string_equal(t0, t1);
    free(t0);
    free(t1);
    db_close(&db);
}

static void test_file_errors(void **state)
{
    (void)state;
    /* Header problems are line 1 and name the column. */
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "id,name,category,lat,lon,colour\n",
                BW_EINVAL, 1, -1, "colour");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "id,name,category,lon\n", BW_EINVAL, 1, -1,
                "lat");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "id,name,category,lat,lon,name\n", BW_EINVAL,
                1, -1, "name");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "id,name,category,lat,\xFFlon\n",
                BW_EENCODING, 1, -1, "");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "", BW_EINVAL, 0, -1, "");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV, "\n\n", BW_EINVAL, 0, -1, "");
    /* Rows: wrong width, bad UTF-8, bad CSV. */
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns1,a,hospital,1,1\ns2,b,hospital,1\n", BW_EPARSE, 3, -1,
                "lat");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns1,a,hospital,1,1,extra\n", BW_EPARSE, 2, -1, "lon");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\ns1,caf\xC3,hospital,1,1\n", BW_EENCODING, 2, -1, "name");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_CSV,
                "id,name,category,lat,lon\n\ns1,a\"b,hospital,1,1\n", BW_EPARSE, 3, -1, "name");
    /* GeoJSON: wrong feature type, unknown property, missing required property, a Point
     * with lat/lon properties, a LineString. */
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"feature\","
                "\"geometry\":null,\"properties\":{}}]}",
                BW_EINVAL, 1, 0, "type");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":"
                "{\"id\":\"a\",\"name\":\"b\",\"category\":\"hospital\",\"colour\":\"red\"}}]}",
                BW_EINVAL, 2, 0, "colour");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":"
                "{\"id\":\"a\",\"category\":\"hospital\"}}]}",
                BW_EINVAL, 1, 0, "name");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":"
                "{\"id\":\"a\",\"name\":\"b\",\"category\":\"hospital\",\"lat\":2}}]}",
                BW_EINVAL, 1, 0, "lat");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]},"
                "\"properties\":{\"id\":\"a\",\"name\":\"b\",\"category\":\"hospital\"}}]}",
                BW_EINVAL, 1, 0, "geometry");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":"
                "{\"id\":\"a\",\"name\":\"b\",\"category\":\"hospital\",\"capacity\":true}}]}",
                BW_EINVAL, 1, 0, "capacity");
    expect_fail(NULL, BW_ENTITY_SITES, BW_FORMAT_GEOJSON,
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":"
                "{\"id\":\"a\",\"name\":\"b\",\"category\":\"hospital\",\"tags\":[\"a;b\"]}}]}",
                BW_EINVAL, 1, 0, "tags");
}

static void test_upsert(void **state)
{
    (void)state;
    struct db db;
    struct bw_import_opts o = {.entity = BW_ENTITY_SITES, .format = BW_FORMAT_CSV, .upsert = 1};
    const char *text = "id,name,category,lat,lon\ns1,Renamed,energy.electricity,52,1\n"
                       "s9,New,hospital,0,0\n";
    struct bw_diag d;
    struct bw_arena ar;
    struct bw_site site;
    size_t records;

    db_open(&db);
    load_all(db.s);
    bw_diag_clear(&d);
    assert_int_equal(bw_import_mem(db.s, pack, "up.csv", text, strlen(text), &o, &records, &d),
                     BW_OK);
    assert_int_equal(records, 2);
    assert_int_equal(counts(db.s).sites, 4);
    bw_arena_init(&ar, 0);
    assert_int_equal(bw_store_site_get(db.s, "s1", &ar, &site), BW_OK);
    assert_string_equal(site.name, "Renamed");
    assert_true(site.lat == 52 && site.lon == 1);
    assert_null(site.operator_id); /* an upsert replaces the whole record */
    bw_arena_release(&ar);
    db_close(&db);
}

static void test_import_file(void **state)
{
    (void)state;
    struct bw_import_opts o = {.entity = BW_ENTITY_ORGS, .format = BW_FORMAT_CSV};
    char dir[256], path[300];
    struct bw_diag d;
    size_t records = 99;

    unit_tmpdir(dir, sizeof dir);
    unit_write_file(dir, "orgs.csv", orgs_csv);
    snprintf(path, sizeof path, "%s/orgs.csv", dir);
    bw_diag_clear(&d);
    assert_int_equal(bw_import_file(NULL, pack, path, &o, &records, &d), BW_OK);
    assert_int_equal(records, 2);
    /* Empty and missing files. */
    unit_write_file(dir, "empty.csv", "");
    snprintf(path, sizeof path, "%s/empty.csv", dir);
    bw_diag_clear(&d);
    assert_int_equal(bw_import_file(NULL, pack, path, &o, &records, &d), BW_EINVAL);
    assert_string_equal(d.file, path);
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    bw_diag_clear(&d);
    assert_int_equal(bw_import_file(NULL, pack, path, &o, &records, &d), BW_EIO);
    assert_string_equal(d.file, path);
    assert_int_equal(records, 0);
    bw_diag_clear(&d);
    assert_int_equal(bw_import_file(NULL, pack, dir, &o, &records, &d), BW_EIO);
    unit_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_dry_run),
        cmocka_unit_test(test_export_canonical),
        cmocka_unit_test(test_round_trip_csv),
        cmocka_unit_test(test_round_trip_geojson),
        cmocka_unit_test(test_round_trip_across_formats),
        cmocka_unit_test(test_broken_row_changes_nothing),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_upsert),
        cmocka_unit_test(test_import_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
