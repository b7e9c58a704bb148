/*
 * test_geojson.c — the streaming FeatureCollection reader.
 *
 * Features come out one at a time with their index and starting line, whatever the
 * member order ("type" after "features"), with foreign members of any nesting skipped
 * but still validated. Refused: trailing garbage, every truncation of a valid file,
 * duplicate keys, the wrong type, nesting beyond BW_JSON_DEPTH_MAX, a feature over
 * BW_GEOJSON_FEATURE_MAX; the diag carries the feature index and the line.
 */
#include "unit.h"

#include "geojson.h"
#include "limits.h"

#include <jansson.h>

/*
 * Reads all features of @p in as "F<index>@L<line>:<compact json>\n" lines (new string,
 * free with free()); *rc gets the final code (0 = clean end) and *d the diagnostic.
 */
static char *dump_n(const char *in, size_t n, int *rc, struct bw_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bw_geojson *g = NULL;
    json_t *feat;
    int64_t index;
    uint64_t line;

    bw_diag_clear(d);
    assert_int_equal(bw_geojson_open(in, n, &g), BW_OK);
    while ((*rc = bw_geojson_next(g, &feat, &index, &line, d)) == 1) {
        char *js = json_dumps(feat, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        assert_non_null(js);
        fprintf(f, "F%lld@L%llu:%s\n", (long long)index, (unsigned long long)line, js);
        free(js);
        json_decref(feat);
        assert_int_equal(d->feature, -1); /* reset once a feature is handed over */
    }
    assert_null(feat);
    if (*rc == 0)
        assert_int_equal(bw_geojson_offset(g), n);
    bw_geojson_free(g);
    fclose(f);
    return text;
}

static void expect_features(const char *in, const char *want)
{
    struct bw_diag d;
    char msg[1024];
    int rc;
    char *got = dump_n(in, strlen(in), &rc, &d);

    if (rc != 0) {
        print_error("input '%.80s': error %d: %s\n", in, rc, bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    assert_string_equal(got, want);
    free(got);
}

static void expect_error_n(const char *in, size_t n, int code, uint64_t line, int64_t feature,
                           const char *part)
{
    struct bw_diag d;
    char msg[1024];
    int rc;
    char *got = dump_n(in, n, &rc, &d);

    if (rc != code || d.code != code || (line && d.line != line) || d.feature != feature ||
        !strstr(d.msg, part)) {
        print_error("input '%.80s': rc %d (want %d), diag '%s' (want line %llu, feature %lld, "
                    "'%s')\n",
                    in, rc, code, bw_diag_format(&d, msg, sizeof msg), (unsigned long long)line,
                    (long long)feature, part);
        fail();
    }
    free(got);
}

#define expect_error(in, code, line, feature, part)                                                \
    expect_error_n((in), strlen(in), (code), (line), (feature), (part))

static void test_basic(void **state)
{
    (void)state;
    expect_features("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1},{\"b\":[2,3]}]}",
                    "F0@L1:{\"a\":1}\nF1@L1:{\"b\":[2,3]}\n");
    /* One feature per line, as the exporter writes; BOM and CRLF tolerated. */
    expect_features("\xEF\xBB\xBF{\"type\":\"FeatureCollection\",\"features\":[\r\n"
                    "{\"id\":\"a\"},\r\n"
                    "{\"id\":\"b\"},\n"
                    "\n"
                    "  {\"id\":\"c\"}\n"
                    "]}\n",
                    "F0@L2:{\"id\":\"a\"}\nF1@L3:{\"id\":\"b\"}\nF2@L5:{\"id\":\"c\"}\n");
    /* A multi-line feature starts where its '{' is. */
    expect_features("{\n\"type\": \"FeatureCollection\",\n\"features\": [\n{\n\"x\": 1\n},\n"
                    "{\"y\":\n2}]\n}",
                    "F0@L4:{\"x\":1}\nF1@L7:{\"y\":2}\n");
}

static void test_member_order_and_foreign_members(void **state)
{
    (void)state;
    /* "type" after "features": the features still stream, the type is checked at the end. */
    expect_features("{\"features\":[{\"a\":1}],\"type\":\"FeatureCollection\"}",
                    "F0@L1:{\"a\":1}\n");
    /* Foreign members with nesting, and strings full of brackets and escapes. */
    expect_features("{\"name\":\"x ]} \\\" {[\",\"bbox\":[[1,[2,[3]]],{\"k\":\"]}\"}],"
                    "\"crs\":null,\"n\":-1.5e3,\"t\":true,\"type\":\"FeatureCollection\","
                    "\"features\":[{\"s\":\"a\\\"]},{\\\\\",\"n\":[[[[1]]]]}],\"z\":{}}",
                    "F0@L1:{\"n\":[[[[1]]]],\"s\":\"a\\\"]},{\\\\\"}\n");
    /* Empty feature lists, with and without space. */
    expect_features("{\"type\":\"FeatureCollection\",\"features\":[]}", "");
    expect_features("{\"features\" : [ \n ] , \"type\" : \"FeatureCollection\" }\n\n", "");
    /* Nesting up to the limit is fine; jansson validates every value. */
    {
        char in[512];
        size_t off = (size_t)snprintf(in, sizeof in,
                                      "{\"type\":\"FeatureCollection\",\"features\":[{\"d\":");
        for (int i = 0; i < BW_JSON_DEPTH_MAX - 2; i++)
            in[off++] = '[';
        for (int i = 0; i < BW_JSON_DEPTH_MAX - 2; i++)
            in[off++] = ']';
        snprintf(in + off, sizeof in - off, "}]}");
        {
            struct bw_diag d;
            int rc;
            char *got = dump_n(in, strlen(in), &rc, &d);
            assert_int_equal(rc, 0);
            assert_non_null(strstr(got, "F0@L1:"));
            free(got);
        }
    }
}

static void test_nesting_limit(void **state)
{
    (void)state;
    char in[512];
    size_t off =
        (size_t)snprintf(in, sizeof in, "{\"type\":\"FeatureCollection\",\"features\":[{\"d\":");

    for (int i = 0; i < BW_JSON_DEPTH_MAX + 1; i++)
        in[off++] = '[';
    for (int i = 0; i < BW_JSON_DEPTH_MAX + 1; i++)
        in[off++] = ']';
    snprintf(in + off, sizeof in - off, "}]}");
    expect_error(in, BW_EPARSE, 1, 0, "malformed or truncated feature");
    /* Deep nesting in a foreign member is refused too. */
    off = (size_t)snprintf(in, sizeof in, "{\"type\":\"FeatureCollection\",\"x\":");
    for (int i = 0; i < BW_JSON_DEPTH_MAX + 1; i++)
        in[off++] = '[';
    for (int i = 0; i < BW_JSON_DEPTH_MAX + 1; i++)
        in[off++] = ']';
    snprintf(in + off, sizeof in - off, ",\"features\":[]}");
    expect_error(in, BW_EPARSE, 1, -1, "malformed");
}

static void test_structure_errors(void **state)
{
    (void)state;
    expect_error("", BW_EPARSE, 1, -1, "empty file");
    expect_error("  \n ", BW_EPARSE, 2, -1, "empty file");
    expect_error("[]", BW_EPARSE, 1, -1, "no '{'");
    expect_error("{}", BW_EINVAL, 1, -1, "empty object");
    expect_error("{\"type\":\"Feature\",\"features\":[]}", BW_EINVAL, 1, -1,
                 "must be \"FeatureCollection\"");
    expect_error("{\"type\":5,\"features\":[]}", BW_EINVAL, 1, -1, "FeatureCollection");
    expect_error("{\"features\":[]}", BW_EINVAL, 0, -1, "no \"type\"");
    expect_error("{\"type\":\"FeatureCollection\"}", BW_EINVAL, 0, -1, "no \"features\"");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":{}}", BW_EINVAL, 1, -1,
                 "not an array");
    expect_error("{type:\"FeatureCollection\",\"features\":[]}", BW_EPARSE, 1, -1, "member name");
    expect_error("{\"type\" \"FeatureCollection\",\"features\":[]}", BW_EPARSE, 1, -1,
                 "expected ':'");
    expect_error("{\"type\":\"FeatureCollection\" \"features\":[]}", BW_EPARSE, 1, -1,
                 "expected ',' or '}'");
    expect_error("{\"type\":FeatureCollection,\"features\":[]}", BW_EPARSE, 1, -1, "invalid JSON");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1} {\"b\":2}]}", BW_EPARSE,
                 1, 0, "expected ',' or ']' after a feature");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1},]}", BW_EPARSE, 1, 1,
                 "malformed or truncated feature");
}

static void test_trailing_garbage(void **state)
{
    (void)state;
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[]} x", BW_EPARSE, 1, -1,
                 "trailing data");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1}]}\n\n{}", BW_EPARSE, 3,
                 -1, "trailing data");
    expect_error("{\"features\":[{\"a\":1}],\"type\":\"FeatureCollection\"}}", BW_EPARSE, 1, -1,
                 "trailing data");
    /* Bytes after a feature, and inside one (jansson's to refuse). */
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1}x]}", BW_EPARSE, 1, 0,
                 "expected ',' or ']'");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1x}]}", BW_EPARSE, 1, 0,
                 "invalid JSON");
}

static void test_truncated(void **state)
{
    (void)state;
    const char *full = "{\"type\": \"FeatureCollection\", \"name\": \"t\",\n"
                       "\"features\": [\n"
                       "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", "
                       "\"coordinates\": [1.5, -2]}, \"properties\": {\"s\": \"a\\\"b\"}},\n"
                       "{\"type\": \"Feature\", \"geometry\": null, \"properties\": {}}\n"
                       "]}\n";
    size_t n = strlen(full);
    struct bw_diag d;
    int rc;
    char *got;

    got = dump_n(full, n, &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    /* Every cut that loses more than the final newline is an error, never a success. */
    for (size_t cut = 0; cut < n - 1; cut++) {
        got = dump_n(full, cut, &rc, &d);
        if (rc >= 0) {
            print_error("truncated to %zu bytes, the reader said rc %d after:\n%s\n", cut, rc, got);
            fail();
        }
        assert_true(bw_diag_has(&d));
        assert_true(d.line >= 1 && d.line <= 5);
        free(got);
    }
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    /* Inside a feature, jansson refuses them, and the diag names the feature. */
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1},\n"
                 "{\"p\":{\"k\":1,\"k\":2}}]}",
                 BW_EPARSE, 2, 1, "duplicate");
    /* In the envelope too. */
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[],\"features\":[]}", BW_EPARSE, 1,
                 -1, "\"features\" appears twice");
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1}],\n\"features\":[]}",
                 BW_EPARSE, 2, -1, "\"features\" appears twice");
    expect_error("{\"type\":\"FeatureCollection\",\"type\":\"FeatureCollection\","
                 "\"features\":[]}",
                 BW_EPARSE, 1, -1, "appears twice");
    expect_error("{\"name\":\"a\",\"type\":\"FeatureCollection\",\"name\":\"b\","
                 "\"features\":[]}",
                 BW_EPARSE, 1, -1, "appears twice");
}

static void test_feature_diag(void **state)
{
    (void)state;
    /* A bad value on the third line of feature 2, which starts on line 4. */
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[\n"
                 "{\"a\":1},\n"
                 "{\"b\":2},\n"
                 "{\"c\":\n"
                 "  3,\n"
                 "  \"d\": tru}\n"
                 "]}",
                 BW_EPARSE, 6, 2, "invalid JSON");
    /* Invalid UTF-8 and a raw NUL inside a feature. */
    expect_error("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":\"\xC3(\"}]}", BW_EPARSE, 1,
                 0, "invalid JSON");
    {
        static const char nul[] =
            "{\"type\":\"FeatureCollection\",\"features\":[{\"a\":\"x\0y\"}]}";
        expect_error_n(nul, sizeof nul - 1, BW_EPARSE, 1, 0, "invalid JSON");
    }
}

static void test_feature_size_limit(void **state)
{
    (void)state;
    const char *head = "{\"type\":\"FeatureCollection\",\"features\":[{\"p\":\"";
    const char *tail = "\"}]}";
    size_t big = BW_GEOJSON_FEATURE_MAX, hn = strlen(head), tn = strlen(tail);
    char *in = malloc(hn + big + tn);

    assert_non_null(in);
    memcpy(in, head, hn);
    memset(in + hn, 'x', big);
    memcpy(in + hn + big, tail, tn);
    expect_error_n(in, hn + big + tn, BW_ETOOBIG, 1, 0, "16 MiB");
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_member_order_and_foreign_members),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_feature_diag),
        cmocka_unit_test(test_feature_size_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
