/*
 * fuzz_geojson.c — libFuzzer target for the streaming GeoJSON reader and GeoJSON import.
 *
 * The first byte picks the entity: 'o' organisations, 'd' dependencies, 'r' roles (that
 * byte is then dropped); anything else means sites and the whole input is the file, so
 * plain GeoJSON files work as seeds unchanged. The input is
 * 1. streamed with bw_geojson_open/bw_geojson_next until the end or the first error
 *    (features are new references, released here; indices count up from 0; an error
 *    comes with a diagnostic), then
 * 2. imported with bw_import_mem as a dry run (store NULL) against the default pack:
 *    an error comes with a diagnostic; success imports one record per feature.
 */
#include "fuzz_common.h"

#include "geojson.h"
#include "import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_load_pack();
    return 0;
}

/* Streams every feature; returns how many, or -1 when the reader stopped on an error. */
static long stream_all(const char *p, size_t n)
{
    bw_geojson *g;
    json_t *f;
    int64_t index;
    uint64_t line, last = 1;
    struct bw_diag d;
    long features = 0;
    int rc;

    if (bw_geojson_open(p, n, &g) != BW_OK)
        return -1;
    bw_diag_clear(&d);
    while ((rc = bw_geojson_next(g, &f, &index, &line, &d)) == 1) {
        FUZZ_CHECK(f != NULL, "feature %ld is NULL", features);
        FUZZ_CHECK(index == features, "feature %ld has index %lld", features, (long long)index);
        FUZZ_CHECK(line >= last, "feature on line %llu after line %llu", (unsigned long long)line,
                   (unsigned long long)last);
        FUZZ_CHECK(bw_geojson_offset(g) <= n, "offset %zu beyond %zu bytes", bw_geojson_offset(g),
                   n);
        last = line;
        json_decref(f);
        features++;
    }
    FUZZ_CHECK(rc <= 0, "bw_geojson_next returned %d", rc);
    fuzz_check_diag(rc, &d);
    bw_geojson_free(g);
    return rc < 0 ? -1 : features;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bw_import_opts o = {BW_ENTITY_SITES, BW_FORMAT_GEOJSON, 0, NULL, NULL};
    const char *p = (const char *)data;
    struct bw_diag d;
    size_t imported = 0;
    long features;
    int rc;

    if (size > 0 && (p[0] == 'o' || p[0] == 'd' || p[0] == 'r')) {
        o.entity = p[0] == 'o' ? BW_ENTITY_ORGS : p[0] == 'd' ? BW_ENTITY_DEPS : BW_ENTITY_ROLES;
        p++;
        size--;
    }

    features = stream_all(p, size);

    bw_diag_clear(&d);
    rc = bw_import_mem(NULL, fuzz_pack, "fuzz.geojson", p, size, &o, &imported, &d);
    fuzz_check_diag(rc, &d);
    if (rc == BW_OK)
        FUZZ_CHECK(features >= 0 && imported == (size_t)features,
                   "import ok with %zu records, but the reader saw %ld features", imported,
                   features);
    else
        FUZZ_CHECK(imported == 0, "failed import reports %zu records", imported);
    return 0;
}
