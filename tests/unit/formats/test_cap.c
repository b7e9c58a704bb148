/*
 * test_cap.c — CAP 1.2: writing, the safe reader and bw_cap_check (src/formats/cap.c).
 *
 * The oracle for "valid CAP" is the OASIS schema itself: every document the writer
 * produces (alerts of every kind built here, and every real sample after a round trip)
 * is written to a temporary file and validated with `xmllint --noout --schema
 * cap12.xsd` (libxml2-utils), run through popen. The real samples of tests/data/cap
 * (OASIS, Google, WMO; see its README) must parse, write, validate and read back to
 * the same record; the invalid ones, the XXE attack, a billion-laughs document and
 * CAP 1.1 files must be refused with the message a user needs. Values read from the
 * samples are compared with the numbers in the files, written out below by hand.
 */
#include "unit.h"

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "cap.h"

#include <sys/stat.h>

#ifndef BW_CAP_DATA
#error "BW_CAP_DATA must name tests/data/cap (set by tests/unit/meson.build)"
#endif
#ifndef BW_XMLLINT
#define BW_XMLLINT "xmllint"
#endif

/* ---- helpers ------------------------------------------------------------------------- */

static char tmpdir[256];
static int file_no;

/* Writes @p xml to a temporary file and runs xmllint --schema on it; returns its exit
 * status (0 = validates) and prints xmllint's complaints on failure. */
static int xsd_validate(const char *xml, size_t n)
{
    char path[512], cmd[1536], line[1024];
    FILE *f, *p;
    int st;

    if (!tmpdir[0])
        unit_tmpdir(tmpdir, sizeof tmpdir);
    snprintf(path, sizeof path, "%s/out-%d.xml", tmpdir, file_no++);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(xml, 1, n, f), n);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' --nonet --noout --schema '%s/cap12.xsd' '%s' 2>&1", BW_XMLLINT,
             BW_CAP_DATA, path);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p))
        if (!strstr(line, " validates"))
            fprintf(stderr, "xmllint: %s", line);
    st = pclose(p);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *read_sample(const char *rel, size_t *n)
{
    char path[512];
    char *text;

    snprintf(path, sizeof path, "%s/%s", BW_CAP_DATA, rel);
    text = unit_read_file(path, n);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

/* Parses @p text, expecting failure with @p code and a message containing @p want (and,
 * when line > 0, that line). */
static void expect_refused(const char *text, size_t n, int code, const char *want, uint64_t line)
{
    struct bw_arena a;
    struct bw_cap_alert x;
    struct bw_diag d;
    char msg[1024];
    int rc;

    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    rc = bw_cap_parse(text, n, "t.xml", &a, &x, &d);
    bw_diag_format(&d, msg, sizeof msg);
    if (rc != code || !strstr(msg, want) || (line && d.line != line))
        fail_msg("expected code %d with '%s' (line %llu), got %d: %s", code, want,
                 (unsigned long long)line, rc, msg);
    assert_null(x.identifier); /* all-or-nothing: nothing half-read is handed back */
    bw_arena_release(&a);
}

static void check_refuses(const struct bw_cap_alert *x, const char *field, const char *want)
{
    struct bw_diag d;
    struct bw_buf b;
    int rc;

    bw_diag_clear(&d);
    rc = bw_cap_check(x, &d);
    if (rc != BW_EINVAL || strcmp(d.field, field) != 0 || !strstr(d.msg, want))
        fail_msg("expected field '%s' with '%s'; got rc %d, field '%s': %s", field, want, rc,
                 d.field, d.msg);
    /* The writer refuses the same record and writes nothing. */
    bw_buf_init(&b, 1u << 20);
    bw_diag_clear(&d);
    assert_int_equal(bw_cap_write(x, &b, &d), BW_EINVAL);
    assert_int_equal(b.len, 0);
    bw_buf_release(&b);
}

/*
 * Writes @p x, validates the bytes with xmllint, reads them back and checks the record
 * is the same, and writes the read record again: the bytes must be identical.
 */
static void write_validate_roundtrip(const struct bw_cap_alert *x)
{
    struct bw_buf b1, b2;
    struct bw_arena a;
    struct bw_cap_alert y;
    struct bw_diag d;
    char msg[1024];

    bw_buf_init(&b1, BW_CAP_WRITE_MAX);
    bw_buf_init(&b2, BW_CAP_WRITE_MAX);
    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    if (bw_cap_write(x, &b1, &d))
        fail_msg("write: %s", bw_diag_format(&d, msg, sizeof msg));
    if (xsd_validate(b1.p, b1.len) != 0)
        fail_msg("xmllint refused the written alert:\n%s", b1.p);
    bw_diag_clear(&d);
    if (bw_cap_parse(b1.p, b1.len, "written.xml", &a, &y, &d))
        fail_msg("reading back: %s\n%s", bw_diag_format(&d, msg, sizeof msg), b1.p);
    assert_true(bw_cap_equal(x, &y));
    assert_int_equal(bw_cap_write(&y, &b2, &d), BW_OK);
    assert_int_equal(b1.len, b2.len);
    assert_memory_equal(b1.p, b2.p, b1.len);
    bw_buf_release(&b1);
    bw_buf_release(&b2);
    bw_arena_release(&a);
}

/* ---- alerts of every kind ------------------------------------------------------------ */

/* A bomb-threat warning as the project maps it (docs/cap.md): an Evacuate circle at
 * the mandatory distance and a Shelter circle at the preferred distance, plus the site's
 * footprint as a polygon; a second info in French. */
static const struct bw_cap_point footprint[] = {
    {47.141, 9.521}, {47.142, 9.523}, {47.140, 9.524}, {47.141, 9.521}};
static const struct bw_cap_polygon polys[] = {{footprint, 4}};
static const struct bw_cap_circle evac[] = {{47.1412345, 9.5212345, 0.195}};
static const struct bw_cap_circle shelter[] = {{47.1412345, 9.5212345, 0.564}};
static const struct bw_cap_pair geocodes[] = {{"ISO3166-2", "LI-11"}};
static const struct bw_cap_area areas_en[] = {
    {"Vaduz town centre: evacuation zone", polys, 1, evac, 1, geocodes, 1, 0, 0, 0, 0},
    {"Vaduz town centre: shelter-in-place zone", NULL, 0, shelter, 1, NULL, 0, 1, 0, 1, 1500}};
static const enum bw_cap_category cats[] = {BW_CAP_CAT_SECURITY, BW_CAP_CAT_CBRNE};
static const enum bw_cap_response resp[] = {BW_CAP_RESP_EVACUATE, BW_CAP_RESP_SHELTER};
static const struct bw_cap_pair params[] = {{"bulwark:tlp", "CLEAR"},
                                            {"bulwark:warning", "W-2026-0042"}};
static const struct bw_cap_resource res[] = {{"Map of the zones", "image/png", 1, 48213,
                                              "https://warn.example.gov/w/42/map.png", NULL,
                                              "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"}};
static const struct bw_cap_info infos[] = {
    {.language = "en-GB",
     .categories = cats,
     .n_categories = 2,
     .event = "Suspected explosive device",
     .responses = resp,
     .n_responses = 2,
     .urgency = BW_CAP_URG_IMMEDIATE,
     .severity = BW_CAP_SEV_SEVERE,
     .certainty = BW_CAP_CERT_LIKELY,
     .audience = "public",
     .event_codes = geocodes,
     .n_event_codes = 1,
     .effective = "2026-12-01T03:00:00-00:00",
     .onset = "2026-12-01T03:05:00+01:00",
     .expires = "2026-12-01T09:00:00-00:00",
     .sender_name = "National Crisis Centre",
     .headline = "Evacuate Vaduz town centre <now> & stay away",
     .description = "A suspicious vehicle is parked at the town hall.\nLine two; \"quoted\".",
     .instruction = "Leave the red zone; shelter indoors in the orange zone.",
     .web = "https://warn.example.gov/w/42",
     .contact = "+423 000 00 00",
     .parameters = params,
     .n_parameters = 2,
     .resources = res,
     .n_resources = 1,
     .areas = areas_en,
     .n_areas = 2},
    {.language = "fr",
     .categories = cats,
     .n_categories = 1,
     .event = "Engin explosif suspect",
     .urgency = BW_CAP_URG_EXPECTED,
     .severity = BW_CAP_SEV_MODERATE,
     .certainty = BW_CAP_CERT_POSSIBLE,
     .headline = "Évacuez le centre de Vaduz",
     .areas = areas_en + 1,
     .n_areas = 1}};
static const char *const codes[] = {"profile:bulwark:1.0", "TLP:CLEAR"};

static struct bw_cap_alert base_alert(void)
{
    struct bw_cap_alert x = {.identifier = "LI-NCC-2026-0042",
                             .sender = "ncc@warn.example.gov",
                             .sent = "2026-12-01T03:00:00-00:00",
                             .status = BW_CAP_STATUS_ACTUAL,
                             .msg_type = BW_CAP_MSG_ALERT,
                             .source = "bulwark",
                             .scope = BW_CAP_SCOPE_PUBLIC,
                             .codes = codes,
                             .n_codes = 2,
                             .note = "Issued from the national register.",
                             .incidents = "INC-7",
                             .infos = infos,
                             .n_infos = 2};
    return x;
}

static void test_write_every_kind(void **state)
{
    (void)state;
    for (int m = 0; m < 3; m++) {
        for (int s = 0; s < BW_CAP_SCOPE_COUNT; s++) {
            struct bw_cap_alert x = base_alert();
            x.msg_type = m == 0 ? BW_CAP_MSG_ALERT : m == 1 ? BW_CAP_MSG_UPDATE : BW_CAP_MSG_CANCEL;
            if (m > 0)
                x.references = "ncc@warn.example.gov,LI-NCC-2026-0041,2026-12-01T02:40:00-00:00";
            x.scope = (enum bw_cap_scope)s;
            if (s == BW_CAP_SCOPE_RESTRICTED)
                x.restriction = "TLP:AMBER - operators of critical infrastructure in Vaduz";
            if (s == BW_CAP_SCOPE_PRIVATE)
                x.addresses = "police@li.example.gov \"Vaduz town hall\" ops@grid.example.li";
            if (m == 2)
                x.n_infos = 1; /* a Cancel says what it cancels, once */
            write_validate_roundtrip(&x);
        }
    }
    /* The minimal alert: no info at all (an Ack, say). */
    {
        struct bw_cap_alert x = {.identifier = "ack-1",
                                 .sender = "a@b",
                                 .sent = "2026-01-01T00:00:00+14:00",
                                 .status = BW_CAP_STATUS_TEST,
                                 .msg_type = BW_CAP_MSG_ACK,
                                 .scope = BW_CAP_SCOPE_PUBLIC};
        write_validate_roundtrip(&x);
    }
}

/* The writer's exact bytes for a small alert, written out by hand: namespace on the
 * root, schema order, two-space indent, escaping of < and &, shortest fixed numbers. */
static void test_write_exact(void **state)
{
    static const struct bw_cap_circle c[] = {{47.5, -0.30000000000000004, 0}};
    static const struct bw_cap_area ar[] = {
        {"Zone A & B", NULL, 0, c, 1, NULL, 0, 1, -12.25, 0, 0}};
    static const enum bw_cap_category cat[] = {BW_CAP_CAT_SECURITY};
    static const struct bw_cap_info in[] = {{.categories = cat,
                                             .n_categories = 1,
                                             .event = "Test <1>",
                                             .urgency = BW_CAP_URG_FUTURE,
                                             .severity = BW_CAP_SEV_MINOR,
                                             .certainty = BW_CAP_CERT_UNLIKELY,
                                             .areas = ar,
                                             .n_areas = 1}};
    struct bw_cap_alert x = {.identifier = "id-1",
                             .sender = "s@x",
                             .sent = "2026-12-01T03:00:00-00:00",
                             .status = BW_CAP_STATUS_EXERCISE,
                             .msg_type = BW_CAP_MSG_ALERT,
                             .scope = BW_CAP_SCOPE_PUBLIC,
                             .infos = in,
                             .n_infos = 1};
    static const char want[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
                               "  <identifier>id-1</identifier>\n"
                               "  <sender>s@x</sender>\n"
                               "  <sent>2026-12-01T03:00:00-00:00</sent>\n"
                               "  <status>Exercise</status>\n"
                               "  <msgType>Alert</msgType>\n"
                               "  <scope>Public</scope>\n"
                               "  <info>\n"
                               "    <category>Security</category>\n"
                               "    <event>Test &lt;1&gt;</event>\n"
                               "    <urgency>Future</urgency>\n"
                               "    <severity>Minor</severity>\n"
                               "    <certainty>Unlikely</certainty>\n"
                               "    <area>\n"
                               "      <areaDesc>Zone A &amp; B</areaDesc>\n"
                               "      <circle>47.5,-0.30000000000000004 0</circle>\n"
                               "      <altitude>-12.25</altitude>\n"
                               "    </area>\n"
                               "  </info>\n"
                               "</alert>\n";
    struct bw_buf b;
    struct bw_diag d;

    (void)state;
    bw_buf_init(&b, 1u << 20);
    bw_diag_clear(&d);
    assert_int_equal(bw_cap_write(&x, &b, &d), BW_OK);
    assert_string_equal(b.p, want);
    assert_int_equal(xsd_validate(b.p, b.len), 0);
    bw_buf_release(&b);
}

/* Extreme but legal numbers still round-trip exactly and validate: a subnormal
 * longitude (324 decimals), a radius of 1e300 km, the sum 0.1 + 0.2 = 0.30000000000000004
 * (17 digits). An altitude of 1e-300 feet cannot be an xs:decimal of at most 18 digits
 * and is refused; 1e-17 (0.00000000000000001, 18 digits) is the smallest power of ten
 * allowed. */
static void test_extreme_numbers(void **state)
{
    static const struct bw_cap_point ring[] = {{0.1 + 0.2, 4.9406564584124654e-324},
                                               {1, 1},
                                               {-89.999999999999986, 179.99999999999997},
                                               {0.1 + 0.2, 4.9406564584124654e-324}};
    static const struct bw_cap_polygon pg[] = {{ring, 4}};
    static const struct bw_cap_circle c[] = {{-0.0, 1e-7, 1e300}};
    struct bw_cap_area ar[] = {{"x", pg, 1, c, 1, NULL, 0, 1, -1e-17, 1, 123456789.5}};
    static const enum bw_cap_category cat[] = {BW_CAP_CAT_OTHER};
    const struct bw_cap_info in[] = {{.categories = cat,
                                      .n_categories = 1,
                                      .event = "",
                                      .urgency = BW_CAP_URG_UNKNOWN,
                                      .severity = BW_CAP_SEV_UNKNOWN,
                                      .certainty = BW_CAP_CERT_UNKNOWN,
                                      .areas = ar,
                                      .n_areas = 1}};
    struct bw_cap_alert x = {.identifier = "n",
                             .sender = "s",
                             .sent = "0001-01-01T00:00:00-14:00",
                             .status = BW_CAP_STATUS_SYSTEM,
                             .msg_type = BW_CAP_MSG_ERROR,
                             .scope = BW_CAP_SCOPE_PUBLIC,
                             .infos = in,
                             .n_infos = 1};

    (void)state;
    write_validate_roundtrip(&x);
    ar[0].altitude = -1e-300;
    check_refuses(&x, "info[0].area[0].altitude", "is not a decimal of at most 18 digits");
    ar[0].altitude = 0.30000000000000004;
    ar[0].ceiling = 1e18; /* 19 digits */
    check_refuses(&x, "info[0].area[0].ceiling", "is not a decimal of at most 18 digits");
}

/* ---- the real samples ------------------------------------------------------------------ */

static const char *const valid_samples[] = {
    "valid/Oasis_AmberAlert.xml",      "valid/Oasis_EarthquakeReport.xml",
    "valid/Oasis_HomelandAlert.xml",   "valid/Oasis_ThunderstormWarning.xml",
    "valid/google-australia.cap",      "valid/google-canada_errors.cap",
    "valid/google-wcatwc-warning.cap", "valid/wmo-tg-no_signature.xml"};

static void test_valid_samples_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_samples / sizeof valid_samples[0]; i++) {
        struct bw_arena a;
        struct bw_cap_alert x;
        struct bw_diag d;
        char msg[1024];
        size_t n;
        char *text = read_sample(valid_samples[i], &n);

        /* The oracle agrees the sample is valid to begin with. */
        assert_int_equal(xsd_validate(text, n), 0);
        bw_arena_init(&a, 4096);
        bw_diag_clear(&d);
        if (bw_cap_parse(text, n, valid_samples[i], &a, &x, &d))
            fail_msg("%s", bw_diag_format(&d, msg, sizeof msg));
        write_validate_roundtrip(&x);
        bw_arena_release(&a);
        free(text);
    }
}

/* Values read from the samples, compared with the files' text. */
static void test_sample_values(void **state)
{
    struct bw_arena a;
    struct bw_cap_alert x;
    struct bw_diag d;
    size_t n;
    char *text;

    (void)state;
    bw_arena_init(&a, 4096);
    /* Oasis_EarthquakeReport.xml: <circle>32.9525,-115.5527 0</circle>, an Update that
     * references trinet@caltech.edu,TRI13970876.1,2003-06-11T20:30:00-07:00. */
    text = read_sample("valid/Oasis_EarthquakeReport.xml", &n);
    bw_diag_clear(&d);
    assert_int_equal(bw_cap_parse(text, n, "eq", &a, &x, &d), BW_OK);
    assert_int_equal(x.msg_type, BW_CAP_MSG_UPDATE);
    assert_string_equal(x.references, "trinet@caltech.edu,TRI13970876.1,2003-06-11T20:30:00-07:00");
    assert_int_equal(x.n_infos, 1);
    assert_int_equal(x.infos[0].n_areas, 1);
    assert_int_equal(x.infos[0].areas[0].n_circles, 1);
    assert_true(x.infos[0].areas[0].circles[0].lat == 32.9525);
    assert_true(x.infos[0].areas[0].circles[0].lon == -115.5527);
    assert_true(x.infos[0].areas[0].circles[0].radius_km == 0);
    assert_int_equal(x.infos[0].categories[0], BW_CAP_CAT_GEO);
    free(text);
    /* Oasis_HomelandAlert.xml: Security, Immediate/Severe/Likely, one parameter
     * HSAS=ORANGE, a GIF resource; the instruction keeps its leading space. */
    text = read_sample("valid/Oasis_HomelandAlert.xml", &n);
    bw_diag_clear(&d);
    assert_int_equal(bw_cap_parse(text, n, "hsas", &a, &x, &d), BW_OK);
    assert_string_equal(x.identifier, "43b080713727");
    assert_string_equal(x.sent, "2003-04-02T14:39:01-05:00");
    assert_int_equal(x.infos[0].categories[0], BW_CAP_CAT_SECURITY);
    assert_int_equal(x.infos[0].urgency, BW_CAP_URG_IMMEDIATE);
    assert_int_equal(x.infos[0].severity, BW_CAP_SEV_SEVERE);
    assert_int_equal(x.infos[0].certainty, BW_CAP_CERT_LIKELY);
    assert_int_equal(x.infos[0].n_parameters, 1);
    assert_string_equal(x.infos[0].parameters[0].name, "HSAS");
    assert_string_equal(x.infos[0].parameters[0].value, "ORANGE");
    assert_string_equal(x.infos[0].resources[0].mime_type, "image/gif");
    assert_int_equal(x.infos[0].resources[0].has_size, 0);
    assert_true(strncmp(x.infos[0].instruction, " A High Condition", 17) == 0);
    assert_null(x.infos[0].language);
    free(text);
    /* google-canada_errors.cap: empty restriction, addresses and references are present
     * but empty; the polygon has 17 points, first 42.3481,-82.9314 = last. */
    text = read_sample("valid/google-canada_errors.cap", &n);
    bw_diag_clear(&d);
    assert_int_equal(bw_cap_parse(text, n, "ca", &a, &x, &d), BW_OK);
    assert_string_equal(x.restriction, "");
    assert_string_equal(x.addresses, "");
    assert_string_equal(x.references, "");
    assert_null(x.note);
    assert_string_equal(x.sent, "2012-05-02T23:21:04-00:00");
    assert_int_equal(x.infos[0].areas[0].n_polygons, 1);
    assert_int_equal(x.infos[0].areas[0].polygons[0].n_points, 17);
    assert_true(x.infos[0].areas[0].polygons[0].points[0].lat == 42.3481);
    assert_true(x.infos[0].areas[0].polygons[0].points[16].lon == -82.9314);
    assert_string_equal(x.infos[0].areas[0].geocodes[0].value, "3537064");
    free(text);
    bw_arena_release(&a);
}

static void test_invalid_samples(void **state)
{
    static const struct {
        const char *file;
        int code;
        const char *msg;
        uint64_t line;
    } cases[] = {
        {"invalid/google-invalid.cap", BW_EPARSE, "required element <scope> is missing", 2},
        {"invalid/google-xee.cap", BW_EPARSE,
         "t.xml:3: DOCTYPE is not allowed in CAP (entity expansion refused)", 3},
        {"invalid/billion-laughs.xml", BW_EPARSE,
         "DOCTYPE is not allowed in CAP (entity expansion refused)", 2},
        {"invalid/wmo-sc-invalid_schema.xml", BW_EPARSE,
         "the root element is <schema> (namespace 'http://www.w3.org/2001/XMLSchema')", 5},
        {"invalid/wmo-tg-invalid_schema.xml", BW_EPARSE, "required element <certainty> is missing",
         10},
        {"cap11/google-earthquake.cap", BW_EPARSE,
         "CAP 1.1 is not supported; expected urn:oasis:names:tc:emergency:cap:1.2", 0},
        {"cap11/google-no_optional_fields.cap", BW_EPARSE, "CAP 1.1 is not supported", 0},
        {"cap11/google-noaa_errors.cap", BW_EPARSE, "CAP 1.1 is not supported", 0},
        {"cap11/google-weather.cap", BW_EPARSE, "CAP 1.1 is not supported", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        char *text = read_sample(cases[i].file, &n);
        expect_refused(text, n, cases[i].code, cases[i].msg, cases[i].line);
        free(text);
    }
}

/* ---- hostile and malformed documents -------------------------------------------------- */

#define HEAD "<?xml version=\"1.0\"?>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
#define CORE                                                                                       \
    "<identifier>x1</identifier><sender>s</sender><sent>2026-12-01T03:00:00-00:00</sent>"          \
    "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>\n"
#define INFO_OPEN "<info><category>Security</category><event>e</event>"
#define INFO_REQ "<urgency>Past</urgency><severity>Minor</severity><certainty>Observed</certainty>"

static void refuse(const char *doc, int code, const char *msg, uint64_t line)
{
    expect_refused(doc, strlen(doc), code, msg, line);
}

static void test_hostile(void **state)
{
    (void)state;
    /* An external entity without any DOCTYPE is just an undefined entity. */
    refuse(HEAD CORE "<note>&xxe;</note></alert>", BW_EPARSE, "not well-formed XML", 4);
    /* A DOCTYPE without entities is refused too: no DTD of any kind. */
    refuse("<?xml version=\"1.0\"?>\n\n<!DOCTYPE alert SYSTEM \"file:///etc/passwd\">\n" HEAD CORE
           "</alert>",
           BW_EPARSE, "DOCTYPE is not allowed in CAP", 3);
    /* Parameter-entity tricks die at the DOCTYPE as well. */
    refuse("<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x\"> %p;]><a/>", BW_EPARSE,
           "DOCTYPE is not allowed", 1);
    /* Not XML, empty, truncated. */
    refuse("hello", BW_EPARSE, "not well-formed XML", 1);
    refuse("", BW_EPARSE, "empty file", 0);
    refuse(HEAD CORE, BW_EPARSE, "not well-formed XML", 0);
    /* Other roots and namespaces. */
    refuse("<alert><identifier>x</identifier></alert>", BW_EPARSE,
           "the root element is <alert> (namespace 'none')", 1);
    refuse("<alert xmlns=\"http://www.incident.com/cap/1.0\"/>", BW_EPARSE,
           "CAP 1.0 is not supported", 1);
}

static void test_structure_errors(void **state)
{
    (void)state;
    refuse(HEAD CORE "<colour>red</colour></alert>", BW_EPARSE,
           "unknown element <colour> in <alert>", 4);
    refuse(HEAD "<sender>s</sender><identifier>x</identifier></alert>", BW_EPARSE,
           "element <identifier> is out of order: CAP 1.2 puts it before <sender>", 3);
    refuse(HEAD CORE "<note>a</note><note>b</note></alert>", BW_EPARSE,
           "element <note> appears more than once", 4);
    refuse(HEAD CORE "stray</alert>", BW_EPARSE, "text 'stray' is not allowed inside <alert>", 4);
    refuse(HEAD CORE "<note lang=\"en\">a</note></alert>", BW_EPARSE,
           "attribute 'lang' is not allowed on <note>", 4);
    refuse(HEAD CORE "<note><b>x</b></note></alert>", BW_EPARSE, "<note> holds text", 4);
    refuse(HEAD CORE "<x:y xmlns:x=\"urn:other\"/></alert>", BW_EPARSE,
           "element <y> (namespace 'urn:other') is not part of CAP 1.2", 4);
    /* Bad values name the field. */
    refuse(HEAD CORE INFO_OPEN "<urgency>Soon</urgency><severity>Minor</severity>"
                               "<certainty>Observed</certainty></info></alert>",
           BW_EINVAL, "field 'info[0].urgency': 'Soon' is not one of Immediate, Expected", 4);
    refuse(HEAD CORE INFO_OPEN INFO_REQ "<area><areaDesc>a</areaDesc>"
                                        "<polygon>1,2 3,4 5,6 1,2</polygon>"
                                        "<polygon>1,2 3,x 5,6 1,2</polygon></area></info></alert>",
           BW_EINVAL, "field 'info[0].area[0].polygon[1]': longitude 'x' is not a number", 4);
    refuse(HEAD CORE INFO_OPEN INFO_REQ
           "<area><areaDesc>a</areaDesc>"
           "<polygon>1,2 3,4 5,6 1,2.5</polygon></area></info></alert>",
           BW_EINVAL, "field 'info[0].area[0].polygon[0]': not closed", 0);
    refuse(HEAD CORE INFO_OPEN INFO_REQ "<area><areaDesc>a</areaDesc><circle>10,20</circle>"
                                        "</area></info></alert>",
           BW_EINVAL, "field 'info[0].area[0].circle[0]': '10,20' is not a circle", 4);
    refuse(HEAD "<identifier>x 1</identifier><sender>s</sender><sent>2026-12-01T03:00:00-00:00"
                "</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>"
                "</alert>",
           BW_EINVAL, "field 'identifier': 'x 1' contains ' '", 0);
    refuse(HEAD "<identifier>x</identifier><sender>s</sender><sent>2026-12-01T03:00:00Z</sent>"
                "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>",
           BW_EINVAL, "field 'sent': '2026-12-01T03:00:00Z' is not a CAP dateTime", 3);
    refuse(HEAD "<identifier>x</identifier><sender>s</sender><sent>2026-12-01T03:00:00-00:00"
                "</sent><status>Actual</status><msgType>Alert</msgType><scope>Private</scope>"
                "</alert>",
           BW_EINVAL, "field 'addresses': scope Private needs addresses", 0);
    refuse(HEAD CORE INFO_OPEN INFO_REQ "<resource><resourceDesc>r</resourceDesc><mimeType>t"
                                        "</mimeType><size>12kB</size></resource></info></alert>",
           BW_EINVAL, "field 'info[0].resource[0].size': '12kB' is not a whole number", 4);
}

/* Bounds: bytes, element count and depth. */
static void test_limits(void **state)
{
    struct bw_buf b;
    char *big;

    (void)state;
    /* Depth: 40 nested <note> inside the alert. */
    bw_buf_init(&b, 1u << 26);
    assert_int_equal(bw_buf_puts(&b, HEAD CORE), BW_OK);
    for (int i = 0; i < 40; i++)
        assert_int_equal(bw_buf_puts(&b, "<note>"), BW_OK);
    for (int i = 0; i < 40; i++)
        assert_int_equal(bw_buf_puts(&b, "</note>"), BW_OK);
    assert_int_equal(bw_buf_puts(&b, "</alert>"), BW_OK);
    refuse(b.p, BW_ETOOBIG, "elements nested deeper than 16", 4);
    /* Count: 150,000 <code/> elements (1.1 MB, under the byte limit). */
    bw_buf_reset(&b);
    assert_int_equal(bw_buf_puts(&b, HEAD CORE), BW_OK);
    for (int i = 0; i < 150000; i++)
        assert_int_equal(bw_buf_puts(&b, "<code/>"), BW_OK);
    assert_int_equal(bw_buf_puts(&b, "</alert>"), BW_OK);
    refuse(b.p, BW_ETOOBIG, "more than 100000 elements", 0);
    bw_buf_release(&b);
    /* Bytes: one more than BW_CAP_MAX_BYTES is refused before parsing. */
    big = calloc(BW_CAP_MAX_BYTES + 2, 1);
    assert_non_null(big);
    memset(big, ' ', BW_CAP_MAX_BYTES + 1);
    expect_refused(big, BW_CAP_MAX_BYTES + 1, BW_ETOOBIG, "a CAP document has at most", 0);
    free(big);
}

/* ---- bw_cap_check names the field ---------------------------------------------------- */

static void test_check_fields(void **state)
{
    static const struct bw_cap_point open_ring[] = {{1, 2}, {3, 4}, {5, 6}, {1, 2.000001}};
    static const struct bw_cap_point tri[] = {{1, 2}, {3, 4}, {1, 2}};
    static const struct bw_cap_point far[] = {{1, 2}, {91, 4}, {5, 6}, {1, 2}};
    static const struct bw_cap_polygon ok_poly[] = {{footprint, 4}};
    static const struct bw_cap_polygon bad_open[] = {{open_ring, 4}};
    static const struct bw_cap_polygon bad_tri[] = {{tri, 3}};
    static const struct bw_cap_polygon bad_far[] = {{far, 4}};
    static const struct bw_cap_circle neg[] = {{1, 2, -0.5}};
    static const struct bw_cap_circle lon181[] = {{1, 181, 1}};
    struct bw_cap_area ar[2];
    struct bw_cap_info in[1];
    struct bw_cap_alert x;

    (void)state;
    /* info[0].area[1].polygon[0], as in the header's example. */
    x = base_alert();
    x.n_infos = 1;
    in[0] = infos[0];
    ar[0] = areas_en[0];
    ar[1] = areas_en[1];
    ar[1].polygons = bad_open;
    ar[1].n_polygons = 1;
    in[0].areas = ar;
    x.infos = in;
    check_refuses(&x, "info[0].area[1].polygon[0]", "not closed");
    ar[1].polygons = bad_tri;
    check_refuses(&x, "info[0].area[1].polygon[0]", "3 points; a CAP polygon has at least 4");
    ar[1].polygons = bad_far;
    check_refuses(&x, "info[0].area[1].polygon[0]", "latitude 91 is outside -90..90 (point 2)");
    ar[1].polygons = ok_poly;
    ar[1].circles = neg;
    check_refuses(&x, "info[0].area[1].circle[0]", "radius -0.5 km; it must be 0 or more");
    ar[1].circles = lon181;
    check_refuses(&x, "info[0].area[1].circle[0]", "longitude 181 is outside -180..180");
    ar[1].circles = shelter;
    ar[1].has_altitude = 0;
    check_refuses(&x, "info[0].area[1].ceiling", "only together with altitude");
    ar[1].has_altitude = 1;
    ar[1].desc = NULL;
    check_refuses(&x, "info[0].area[1].areaDesc", "required by CAP 1.2 but missing");
    ar[1].desc = "ok";
    in[0].n_categories = 0;
    check_refuses(&x, "info[0].category", "at least one category");
    in[0].n_categories = 1;
    in[0].language = "english (UK)";
    check_refuses(&x, "info[0].language", "not a language tag");
    in[0].language = "en-GB";
    in[0].expires = "2026-02-30T00:00:00-00:00"; /* no 30 February */
    check_refuses(&x, "info[0].expires", "not a CAP dateTime");
    in[0].expires = NULL;
    in[0].description = "bell\a";
    check_refuses(&x, "info[0].description", "control character 0x07");
    in[0].description = "bad \xC3\x28 utf-8";
    check_refuses(&x, "info[0].description", "not valid UTF-8 (byte 5)");
    in[0].description = NULL;
    /* The alert's own fields. */
    x = base_alert();
    x.scope = BW_CAP_SCOPE_RESTRICTED;
    check_refuses(&x, "restriction", "scope Restricted needs a restriction");
    x.restriction = "";
    check_refuses(&x, "restriction", "scope Restricted needs a restriction");
    x = base_alert();
    x.scope = BW_CAP_SCOPE_PRIVATE;
    x.addresses = "  ";
    check_refuses(&x, "addresses", "scope Private needs addresses");
    x = base_alert();
    x.identifier = "a,b";
    check_refuses(&x, "identifier", "contains ','");
    x.identifier = "a<b";
    check_refuses(&x, "identifier", "contains '<'");
    x = base_alert();
    x.sender = "x&y";
    check_refuses(&x, "sender", "contains '&'");
    x = base_alert();
    x.sent = "2026-12-01T03:00:00+14:30"; /* offsets stop at 14:00 */
    check_refuses(&x, "sent", "not a CAP dateTime");
    x = base_alert();
    x.references = "s,i";
    check_refuses(&x, "references", "'s,i' is not a reference");
    x = base_alert();
    x.msg_type = (enum bw_cap_msg_type)7;
    check_refuses(&x, "msgType", "not a CAP msgType");
}

/* ---- times ----------------------------------------------------------------------------- */

static void test_times(void **state)
{
    char buf[BW_CAP_TIME_LEN + 1];
    time_t t;

    (void)state;
    /* 2003-06-17T14:57:00-07:00 is 21:57:00 UTC: 12220 days after 1970-01-01 (33 years
     * with 8 leap days = 12053, plus 167 days to 17 June) × 86400 + 21:57 = 1055887020. */
    assert_int_equal(bw_cap_time_parse("2003-06-17T14:57:00-07:00", &t), BW_OK);
    assert_int_equal((long long)t, 1055887020LL);
    assert_int_equal(bw_cap_time_parse("2003-06-17T21:57:00-00:00", &t), BW_OK);
    assert_int_equal((long long)t, 1055887020LL);
    assert_int_equal(bw_cap_time_parse("2024-02-29T00:00:00+00:00", NULL), BW_OK);
    assert_int_equal(bw_cap_time_parse("2023-02-29T00:00:00+00:00", NULL), BW_EINVAL);
    assert_int_equal(bw_cap_time_parse("2023-01-01T24:00:00+00:00", NULL), BW_EINVAL);
    assert_int_equal(bw_cap_time_parse("2023-01-01T00:00:00", NULL), BW_EINVAL);
    assert_int_equal(bw_cap_time_parse("2023-01-01 00:00:00+00:00", NULL), BW_EINVAL);
    assert_int_equal(bw_cap_time_format(0, buf), BW_OK);
    assert_string_equal(buf, "1970-01-01T00:00:00-00:00");
    assert_int_equal(bw_cap_time_format(1055887020, buf), BW_OK);
    assert_string_equal(buf, "2003-06-17T21:57:00-00:00");
    assert_int_equal(bw_cap_time_parse(buf, &t), BW_OK);
    assert_int_equal((long long)t, 1055887020LL);
}

static void test_enum_names(void **state)
{
    (void)state;
    assert_int_equal(bw_cap_enum_find(bw_cap_scope_names, BW_CAP_SCOPE_COUNT, "Private"),
                     BW_CAP_SCOPE_PRIVATE);
    assert_int_equal(bw_cap_enum_find(bw_cap_category_names, BW_CAP_CAT_COUNT, "CBRNE"),
                     BW_CAP_CAT_CBRNE);
    assert_int_equal(bw_cap_enum_find(bw_cap_response_names, BW_CAP_RESP_COUNT, "AllClear"),
                     BW_CAP_RESP_ALLCLEAR);
    assert_int_equal(bw_cap_enum_find(bw_cap_scope_names, BW_CAP_SCOPE_COUNT, "public"), -1);
}

/* ---- allocation failures ---------------------------------------------------------------- */

/* Fails the Nth allocation through libbulwark's hook (the arena, the output buffer) and
 * counts live blocks: every run must end in BW_OK or BW_ENOMEM and free everything. */
static long fail_at = -1, nallocs, live;

static void *t_malloc(size_t n)
{
    void *p = nallocs++ == fail_at ? NULL : malloc(n);
    live += p != NULL;
    return p;
}

static void *t_calloc(size_t c, size_t n)
{
    void *p = nallocs++ == fail_at ? NULL : calloc(c, n);
    live += p != NULL;
    return p;
}

static void *t_realloc(void *old, size_t n)
{
    void *p = nallocs++ == fail_at ? NULL : realloc(old, n);
    live += p != NULL && old == NULL;
    return p;
}

static void t_free(void *p)
{
    live -= p != NULL;
    free(p);
}

static void test_allocation_failures(void **state)
{
    static const struct bw_allocator failing = {t_malloc, t_calloc, t_realloc, t_free};
    size_t n;
    char *text = read_sample("valid/wmo-tg-no_signature.xml", &n);
    long points = 0;

    (void)state;
    for (fail_at = 0;; fail_at++) {
        struct bw_arena a;
        struct bw_cap_alert x;
        struct bw_buf b;
        struct bw_diag d;
        int rc;

        nallocs = 0;
        live = 0;
        assert_int_equal(bw_set_allocator(&failing), BW_OK);
        bw_arena_init(&a, 64); /* small chunks: many allocation points */
        bw_buf_init(&b, BW_CAP_WRITE_MAX);
        bw_diag_clear(&d);
        rc = bw_cap_parse(text, n, "t.xml", &a, &x, &d);
        if (rc == BW_OK)
            rc = bw_cap_write(&x, &b, &d);
        if (rc != BW_OK && rc != BW_ENOMEM)
            fail_msg("allocation %ld failing gave %d: %s", fail_at, rc, d.msg);
        if (rc == BW_ENOMEM)
            assert_true(bw_diag_has(&d));
        bw_buf_release(&b);
        bw_arena_release(&a);
        bw_set_allocator(NULL);
        if (live != 0)
            fail_msg("allocation %ld failing leaked %ld blocks", fail_at, live);
        if (nallocs <= fail_at) { /* the failure was not reached: a clean run */
            assert_int_equal(rc, BW_OK);
            break;
        }
        points++;
    }
    if (points < 10) /* the workload really allocates through the hook */
        fail_msg("only %ld allocation points", points);
    free(text);
}

static int teardown(void **state)
{
    (void)state;
    if (tmpdir[0])
        unit_rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_every_kind),
        cmocka_unit_test(test_write_exact),
        cmocka_unit_test(test_extreme_numbers),
        cmocka_unit_test(test_valid_samples_roundtrip),
        cmocka_unit_test(test_sample_values),
        cmocka_unit_test(test_invalid_samples),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_check_fields),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
