/*
 * cap.c — OASIS CAP 1.2: the checks the schema cannot express, the XML writer and the
 * safe reader (cap.h, docs/cap.md).
 *
 * Writing goes through libxml2's xmlTextWriter into a memory buffer: elements in the
 * order of the schema's sequences, two-space indentation, numbers in the shortest
 * fixed-point form that reads back to the same double, so the bytes depend on the
 * record alone and a signature over them can be made again.
 *
 * Reading is defensive first. The bytes are bounded (BW_CAP_MAX_BYTES); libxml2 parses
 * with XML_PARSE_NONET and without NOENT, DTDLOAD, DTDATTR or XINCLUDE (libxml2 2.9.14,
 * Debian 12's, has no XML_PARSE_NO_XXE; it is used when the library has it). Two SAX
 * callbacks are replaced before parsing: internalSubset stops the parser the moment a
 * DOCTYPE is seen, so no entity is ever declared, let alone expanded (XXE and billion
 * laughs end there), and startElementNs counts elements and depth and stops the parser
 * beyond BW_CAP_MAX_ELEMENTS or BW_CAP_MAX_DEPTH before the tree grows. The tree is
 * then walked against tables that mirror the schema's sequences (name, required,
 * repeatable): unknown elements, repeats, wrong order, stray text and missing required
 * elements are refused with their line; values are converted (enums, dateTimes,
 * polygons, circles, numbers) into the record in the caller's arena; bw_cap_check has
 * the last word.
 *
 * Thread-safety: no global state besides libxml2's one-time initialisation.
 */
#include "cap.h"

#include "alloc.h"
#include "str.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================================
 * Name tables
 * ==================================================================================== */

const char *const bw_cap_status_names[BW_CAP_STATUS_COUNT] = {"Actual", "Exercise", "System",
                                                              "Test", "Draft"};
const char *const bw_cap_msg_type_names[BW_CAP_MSG_COUNT] = {"Alert", "Update", "Cancel", "Ack",
                                                             "Error"};
const char *const bw_cap_scope_names[BW_CAP_SCOPE_COUNT] = {"Public", "Restricted", "Private"};
const char *const bw_cap_category_names[BW_CAP_CAT_COUNT] = {
    "Geo",    "Met", "Safety",    "Security", "Rescue", "Fire",
    "Health", "Env", "Transport", "Infra",    "CBRNE",  "Other"};
const char *const bw_cap_response_names[BW_CAP_RESP_COUNT] = {
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"};
const char *const bw_cap_urgency_names[BW_CAP_URG_COUNT] = {"Immediate", "Expected", "Future",
                                                            "Past", "Unknown"};
const char *const bw_cap_severity_names[BW_CAP_SEV_COUNT] = {"Extreme", "Severe", "Moderate",
                                                             "Minor", "Unknown"};
const char *const bw_cap_certainty_names[BW_CAP_CERT_COUNT] = {"Observed", "Likely", "Possible",
                                                               "Unlikely", "Unknown"};

int bw_cap_enum_find(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

int bw_cap_init(void)
{
    pthread_once(&init_once, init_libxml);
    return BW_OK;
}

/* ======================================================================================
 * Times
 * ==================================================================================== */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int bw_cap_time_format(time_t t, char out[BW_CAP_TIME_LEN + 1])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return BW_ERANGE;
    {
        char tmp[96]; /* room for any int, though the fields are in range here */
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d-00:00", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        memcpy(out, tmp, BW_CAP_TIME_LEN);
        out[BW_CAP_TIME_LEN] = '\0';
    }
    return BW_OK;
}

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

int bw_cap_time_parse(const char *s, time_t *t)
{
    int y, mo, d, h, mi, se, oh, om;

    /* The schema's pattern: \d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d */
    if (!s || strlen(s) != BW_CAP_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || (s[19] != '-' && s[19] != '+') || s[22] != ':')
        return BW_EINVAL;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se) ||
        !digits(s + 20, 2, &oh) || !digits(s + 23, 2, &om))
        return BW_EINVAL;
    /* xs:dateTime values: year 0000 does not exist; no leap seconds; |offset| ≤ 14:00. */
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        se > 59 || om > 59 || oh * 60 + om > 14 * 60)
        return BW_EINVAL;
    if (t) {
        int64_t off = (int64_t)(oh * 60 + om) * 60 * (s[19] == '-' ? -1 : 1);
        int64_t v = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
        *t = (time_t)v;
    }
    return BW_OK;
}

/* Room for any finite double in %.Nf form with N up to FIXED_DIGITS_MAX: 309 integer
 * digits, a sign, a point and the decimals. */
#define FIXED_DIGITS_MAX 1080
#define FIXED_MAX (FIXED_DIGITS_MAX + 320)

/* The shortest %.Nf text that reads back to exactly v; no exponent, which CAP's decimal
 * degrees and xs:decimal do not allow. Ordinary coordinates stop at N ≤ 17; only
 * extreme values (1e-300) need long expansions, which the buffer has room for (the
 * smallest subnormal needs 1074 decimals). */
static void fmt_fixed(double v, char buf[FIXED_MAX])
{
    if (v == 0)
        v = 0; /* -0.0 is written "0" */
    /* The common case in one step: the shortest %g form (bw_fmt_double) when it has no
     * exponent is also the shortest fixed form. */
    bw_fmt_double(v, buf);
    if (!strchr(buf, 'e') && !strchr(buf, 'E'))
        return;
    for (int p = 0; p <= FIXED_DIGITS_MAX; p++) {
        snprintf(buf, FIXED_MAX, "%.*f", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Digits of v's shortest fixed form, without a lone leading "0" before the point. */
static int fixed_digits(double v)
{
    char buf[FIXED_MAX];
    int n = 0;

    fmt_fixed(v, buf);
    for (const char *p = buf + (buf[0] == '-'); *p; p++)
        n += *p >= '0' && *p <= '9';
    if ((buf[0] == '0' || (buf[0] == '-' && buf[1] == '0')) && strchr(buf, '.'))
        n--;
    return n;
}

/* Most digits of an altitude or ceiling: XML Schema requires every processor to support
 * xs:decimal with at least 18 digits (XSD 1.0 part 2, §3.2.3); libxml2 stops at 24. */
#define DECIMAL_DIGITS_MAX 18

/* ======================================================================================
 * Checks (bw_cap_check)
 * ==================================================================================== */

#define PATH_MAX_LEN BW_DIAG_FIELD_MAX

/* A field path like "info[0].area[1].polygon[0]", built in a caller's buffer. */
static const char *path(char *buf, const char *base, const char *leaf, long idx)
{
    if (idx >= 0)
        snprintf(buf, PATH_MAX_LEN, "%s%s%s[%ld]", base, *base ? "." : "", leaf, idx);
    else
        snprintf(buf, PATH_MAX_LEN, "%s%s%s", base, *base ? "." : "", leaf);
    return buf;
}

/* Text XML 1.0 can carry: valid UTF-8, no C0 controls but tab, LF, CR, no U+FFFE/U+FFFF. */
static int check_text(struct bw_diag *d, const char *field, const char *s)
{
    size_t n, bad;

    if (!s)
        return BW_OK;
    n = strlen(s);
    if (!bw_utf8_valid(s, n, &bad))
        return bw_diag_set(d, BW_EINVAL, field, "not valid UTF-8 (byte %zu)", bad + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return bw_diag_set(d, BW_EINVAL, field,
                               "control character 0x%02X (byte %zu) cannot appear in XML", c,
                               i + 1);
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
            return bw_diag_set(d, BW_EINVAL, field, "U+FFFE/U+FFFF (byte %zu) cannot appear in XML",
                               i + 1);
    }
    return BW_OK;
}

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int check_required(struct bw_diag *d, const char *field, const char *s)
{
    if (!s)
        return bw_diag_set(d, BW_EINVAL, field, "required by CAP 1.2 but missing");
    return check_text(d, field, s);
}

/* identifier and sender (CAP 1.2 §3.2.1): no spaces, commas or restricted characters. */
static int check_token(struct bw_diag *d, const char *field, const char *s)
{
    int rc = check_required(d, field, s);

    if (rc)
        return rc;
    if (!*s)
        return bw_diag_set(d, BW_EINVAL, field, "must not be empty");
    for (const char *p = s; *p; p++)
        if (is_xml_space(*p) || *p == ',' || *p == '<' || *p == '&')
            return bw_diag_set(
                d, BW_EINVAL, field,
                "'%s' contains '%c'; CAP 1.2 forbids spaces, commas, '<' and '&' here", s,
                is_xml_space(*p) ? ' ' : *p);
    return BW_OK;
}

static int check_time(struct bw_diag *d, const char *field, const char *s, int required)
{
    if (!s)
        return required ? check_required(d, field, s) : BW_OK;
    if (bw_cap_time_parse(s, NULL) != BW_OK)
        return bw_diag_set(d, BW_EINVAL, field,
                           "'%.40s' is not a CAP dateTime with offset (e.g. "
                           "2026-12-01T03:00:00-00:00)",
                           s);
    return BW_OK;
}

/* xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})* */
static int check_language(struct bw_diag *d, const char *field, const char *s)
{
    size_t run = 0, part = 0;

    if (!s)
        return BW_OK;
    for (const char *p = s;; p++) {
        int alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        int digit = *p >= '0' && *p <= '9';
        if (*p == '-' || *p == '\0') {
            if (run < 1 || run > 8)
                break;
            if (*p == '\0')
                return BW_OK;
            run = 0;
            part++;
        } else if (alpha || (digit && part > 0)) {
            run++;
        } else {
            break;
        }
    }
    return bw_diag_set(d, BW_EINVAL, field, "'%.40s' is not a language tag (RFC 3066, e.g. en-US)",
                       s);
}

/* references: space-separated "sender,identifier,sent" triples (CAP 1.2 §3.2.1). */
static int check_references(struct bw_diag *d, const char *field, const char *s)
{
    const char *p = s;

    if (!s)
        return BW_OK;
    while (*p) {
        const char *start, *c1, *c2, *end;
        char sent[BW_CAP_TIME_LEN + 1];

        while (is_xml_space(*p))
            p++;
        if (!*p)
            break;
        start = p;
        while (*p && !is_xml_space(*p))
            p++;
        end = p;
        c1 = memchr(start, ',', (size_t)(end - start));
        c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
        if (!c1 || !c2 || c1 == start || c2 == c1 + 1 ||
            memchr(c2 + 1, ',', (size_t)(end - c2 - 1)) ||
            (size_t)(end - c2 - 1) != BW_CAP_TIME_LEN)
            return bw_diag_set(d, BW_EINVAL, field,
                               "'%.*s' is not a reference (sender,identifier,sent)",
                               (int)((end - start) > 80 ? 80 : (end - start)), start);
        memcpy(sent, c2 + 1, BW_CAP_TIME_LEN);
        sent[BW_CAP_TIME_LEN] = '\0';
        if (bw_cap_time_parse(sent, NULL) != BW_OK)
            return bw_diag_set(d, BW_EINVAL, field, "reference '%.*s': '%s' is not a CAP dateTime",
                               (int)((end - start) > 80 ? 80 : (end - start)), start, sent);
    }
    return BW_OK;
}

static int check_pairs(struct bw_diag *d, const char *base, const char *leaf,
                       const struct bw_cap_pair *v, size_t n)
{
    char f[PATH_MAX_LEN];
    int rc = BW_OK;

    if (n && !v)
        return bw_diag_set(d, BW_EINVAL, path(f, base, leaf, -1), "%zu items but no array", n);
    for (size_t i = 0; !rc && i < n; i++) {
        path(f, base, leaf, (long)i);
        if (!v[i].name || !v[i].value)
            rc = bw_diag_set(d, BW_EINVAL, f, "needs both valueName and value");
        if (!rc)
            rc = check_text(d, f, v[i].name);
        if (!rc)
            rc = check_text(d, f, v[i].value);
    }
    return rc;
}

/* @p point is the 1-based point of a polygon, or 0 for a circle's centre. */
static int check_latlon(struct bw_diag *d, const char *f, double lat, double lon, size_t point)
{
    char where[48] = "";

    if (point)
        snprintf(where, sizeof where, " (point %zu)", point);
    if (!isfinite(lat) || lat < -90 || lat > 90)
        return bw_diag_set(d, BW_EINVAL, f, "latitude %.17g is outside -90..90%s", lat, where);
    if (!isfinite(lon) || lon < -180 || lon > 180)
        return bw_diag_set(d, BW_EINVAL, f, "longitude %.17g is outside -180..180%s", lon, where);
    return BW_OK;
}

static int check_area(struct bw_diag *d, const char *base, const struct bw_cap_area *ar)
{
    char f[PATH_MAX_LEN];
    int rc;

    if ((rc = check_required(d, path(f, base, "areaDesc", -1), ar->desc)))
        return rc;
    if ((ar->n_polygons && !ar->polygons) || (ar->n_circles && !ar->circles))
        return bw_diag_set(d, BW_EINVAL, base, "a count without its array");
    for (size_t i = 0; i < ar->n_polygons; i++) {
        const struct bw_cap_polygon *pg = &ar->polygons[i];
        path(f, base, "polygon", (long)i);
        if (pg->n_points < 4 || !pg->points)
            return bw_diag_set(d, BW_EINVAL, f,
                               "%zu points; a CAP polygon has at least 4 (first = last)",
                               pg->n_points);
        if (pg->n_points > BW_CAP_MAX_POINTS)
            return bw_diag_set(d, BW_ETOOBIG, f, "%zu points; at most %d", pg->n_points,
                               BW_CAP_MAX_POINTS);
        for (size_t k = 0; k < pg->n_points; k++)
            if ((rc = check_latlon(d, f, pg->points[k].lat, pg->points[k].lon, k + 1)))
                return rc;
        if (pg->points[0].lat != pg->points[pg->n_points - 1].lat ||
            pg->points[0].lon != pg->points[pg->n_points - 1].lon)
            return bw_diag_set(d, BW_EINVAL, f,
                               "not closed: the first point (%.6f,%.6f) differs from the last "
                               "(%.6f,%.6f)",
                               pg->points[0].lat, pg->points[0].lon,
                               pg->points[pg->n_points - 1].lat, pg->points[pg->n_points - 1].lon);
    }
    for (size_t i = 0; i < ar->n_circles; i++) {
        const struct bw_cap_circle *c = &ar->circles[i];
        path(f, base, "circle", (long)i);
        if ((rc = check_latlon(d, f, c->lat, c->lon, 0)))
            return rc;
        if (!isfinite(c->radius_km) || c->radius_km < 0)
            return bw_diag_set(d, BW_EINVAL, f, "radius %.17g km; it must be 0 or more",
                               c->radius_km);
    }
    if ((rc = check_pairs(d, base, "geocode", ar->geocodes, ar->n_geocodes)))
        return rc;
    if (ar->has_altitude &&
        (!isfinite(ar->altitude) || fixed_digits(ar->altitude) > DECIMAL_DIGITS_MAX))
        return bw_diag_set(d, BW_EINVAL, path(f, base, "altitude", -1),
                           "%.17g feet is not a decimal of at most %d digits", ar->altitude,
                           DECIMAL_DIGITS_MAX);
    if (ar->has_ceiling) {
        if (!ar->has_altitude)
            return bw_diag_set(d, BW_EINVAL, path(f, base, "ceiling", -1),
                               "CAP 1.2 allows ceiling only together with altitude");
        if (!isfinite(ar->ceiling) || fixed_digits(ar->ceiling) > DECIMAL_DIGITS_MAX)
            return bw_diag_set(d, BW_EINVAL, path(f, base, "ceiling", -1),
                               "%.17g feet is not a decimal of at most %d digits", ar->ceiling,
                               DECIMAL_DIGITS_MAX);
    }
    return BW_OK;
}

static int check_info(struct bw_diag *d, const char *base, const struct bw_cap_info *in)
{
    char f[PATH_MAX_LEN], b2[PATH_MAX_LEN];
    int rc;

    if ((rc = check_language(d, path(f, base, "language", -1), in->language)))
        return rc;
    if (in->n_categories == 0 || !in->categories)
        return bw_diag_set(d, BW_EINVAL, path(f, base, "category", -1),
                           "CAP 1.2 requires at least one category");
    for (size_t i = 0; i < in->n_categories; i++)
        if ((unsigned)in->categories[i] >= BW_CAP_CAT_COUNT)
            return bw_diag_set(d, BW_EINVAL, path(f, base, "category", (long)i),
                               "%d is not a CAP category", (int)in->categories[i]);
    if ((rc = check_required(d, path(f, base, "event", -1), in->event)))
        return rc;
    if (in->n_responses && !in->responses)
        return bw_diag_set(d, BW_EINVAL, path(f, base, "responseType", -1), "count without array");
    for (size_t i = 0; i < in->n_responses; i++)
        if ((unsigned)in->responses[i] >= BW_CAP_RESP_COUNT)
            return bw_diag_set(d, BW_EINVAL, path(f, base, "responseType", (long)i),
                               "%d is not a CAP responseType", (int)in->responses[i]);
    if ((unsigned)in->urgency >= BW_CAP_URG_COUNT)
        return bw_diag_set(d, BW_EINVAL, path(f, base, "urgency", -1), "not a CAP urgency");
    if ((unsigned)in->severity >= BW_CAP_SEV_COUNT)
        return bw_diag_set(d, BW_EINVAL, path(f, base, "severity", -1), "not a CAP severity");
    if ((unsigned)in->certainty >= BW_CAP_CERT_COUNT)
        return bw_diag_set(d, BW_EINVAL, path(f, base, "certainty", -1), "not a CAP certainty");
    if ((rc = check_text(d, path(f, base, "audience", -1), in->audience)) ||
        (rc = check_pairs(d, base, "eventCode", in->event_codes, in->n_event_codes)) ||
        (rc = check_time(d, path(f, base, "effective", -1), in->effective, 0)) ||
        (rc = check_time(d, path(f, base, "onset", -1), in->onset, 0)) ||
        (rc = check_time(d, path(f, base, "expires", -1), in->expires, 0)) ||
        (rc = check_text(d, path(f, base, "senderName", -1), in->sender_name)) ||
        (rc = check_text(d, path(f, base, "headline", -1), in->headline)) ||
        (rc = check_text(d, path(f, base, "description", -1), in->description)) ||
        (rc = check_text(d, path(f, base, "instruction", -1), in->instruction)) ||
        (rc = check_text(d, path(f, base, "web", -1), in->web)) ||
        (rc = check_text(d, path(f, base, "contact", -1), in->contact)) ||
        (rc = check_pairs(d, base, "parameter", in->parameters, in->n_parameters)))
        return rc;
    if ((in->n_resources && !in->resources) || (in->n_areas && !in->areas))
        return bw_diag_set(d, BW_EINVAL, base, "a count without its array");
    for (size_t i = 0; i < in->n_resources; i++) {
        const struct bw_cap_resource *r = &in->resources[i];
        path(b2, base, "resource", (long)i);
        if ((rc = check_required(d, path(f, b2, "resourceDesc", -1), r->desc)) ||
            (rc = check_required(d, path(f, b2, "mimeType", -1), r->mime_type)) ||
            (rc = check_text(d, path(f, b2, "uri", -1), r->uri)) ||
            (rc = check_text(d, path(f, b2, "derefUri", -1), r->deref_uri)) ||
            (rc = check_text(d, path(f, b2, "digest", -1), r->digest)))
            return rc;
        if (r->has_size && r->size < 0)
            return bw_diag_set(d, BW_EINVAL, path(f, b2, "size", -1), "%lld bytes is negative",
                               (long long)r->size);
    }
    for (size_t i = 0; i < in->n_areas; i++)
        if ((rc = check_area(d, path(b2, base, "area", (long)i), &in->areas[i])))
            return rc;
    return BW_OK;
}

int bw_cap_check(const struct bw_cap_alert *a, struct bw_diag *d)
{
    char f[PATH_MAX_LEN];
    int rc;

    if ((rc = check_token(d, "identifier", a->identifier)) ||
        (rc = check_token(d, "sender", a->sender)) || (rc = check_time(d, "sent", a->sent, 1)))
        return rc;
    if ((unsigned)a->status >= BW_CAP_STATUS_COUNT)
        return bw_diag_set(d, BW_EINVAL, "status", "%d is not a CAP status", (int)a->status);
    if ((unsigned)a->msg_type >= BW_CAP_MSG_COUNT)
        return bw_diag_set(d, BW_EINVAL, "msgType", "%d is not a CAP msgType", (int)a->msg_type);
    if ((unsigned)a->scope >= BW_CAP_SCOPE_COUNT)
        return bw_diag_set(d, BW_EINVAL, "scope", "%d is not a CAP scope", (int)a->scope);
    if ((rc = check_text(d, "source", a->source)) ||
        (rc = check_text(d, "restriction", a->restriction)) ||
        (rc = check_text(d, "addresses", a->addresses)) || (rc = check_text(d, "note", a->note)) ||
        (rc = check_text(d, "incidents", a->incidents)) ||
        (rc = check_text(d, "references", a->references)) ||
        (rc = check_references(d, "references", a->references)))
        return rc;
    if (a->scope == BW_CAP_SCOPE_RESTRICTED && (!a->restriction || !*a->restriction))
        return bw_diag_set(d, BW_EINVAL, "restriction",
                           "scope Restricted needs a restriction (who may receive the alert)");
    if (a->scope == BW_CAP_SCOPE_PRIVATE) {
        const char *p = a->addresses;
        while (p && is_xml_space(*p))
            p++;
        if (!p || !*p)
            return bw_diag_set(d, BW_EINVAL, "addresses",
                               "scope Private needs addresses (the intended recipients)");
    }
    if (a->n_codes && !a->codes)
        return bw_diag_set(d, BW_EINVAL, "code", "count without array");
    for (size_t i = 0; i < a->n_codes; i++)
        if ((rc = check_required(d, path(f, "", "code", (long)i), a->codes[i])))
            return rc;
    if (a->n_infos && !a->infos)
        return bw_diag_set(d, BW_EINVAL, "info", "count without array");
    for (size_t i = 0; i < a->n_infos; i++)
        if ((rc = check_info(d, path(f, "", "info", (long)i), &a->infos[i])))
            return rc;
    return BW_OK;
}

/* ======================================================================================
 * Writing
 * ==================================================================================== */

struct writer {
    xmlTextWriterPtr w;
    int err;
};

static void el(struct writer *w, const char *name, const char *text)
{
    if (w->err || !text)
        return;
    if (xmlTextWriterWriteElement(w->w, BAD_CAST name, BAD_CAST text) < 0)
        w->err = 1;
}

static void start(struct writer *w, const char *name)
{
    if (!w->err && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
        w->err = 1;
}

static void end(struct writer *w)
{
    if (!w->err && xmlTextWriterEndElement(w->w) < 0)
        w->err = 1;
}

static void pairs(struct writer *w, const char *name, const struct bw_cap_pair *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        start(w, name);
        el(w, "valueName", v[i].name);
        el(w, "value", v[i].value);
        end(w);
    }
}

/* Appends "lat,lon" to b (a small fixed buffer managed by the caller through xmlBuffer). */
static int put_point(xmlBufferPtr b, double lat, double lon)
{
    char x[FIXED_MAX], y[FIXED_MAX];

    fmt_fixed(lat, x);
    fmt_fixed(lon, y);
    return xmlBufferCCat(b, x) || xmlBufferCCat(b, ",") || xmlBufferCCat(b, y) ? -1 : 0;
}

static void write_area(struct writer *w, const struct bw_cap_area *ar)
{
    char num[FIXED_MAX];

    start(w, "area");
    el(w, "areaDesc", ar->desc);
    for (size_t i = 0; !w->err && i < ar->n_polygons; i++) {
        xmlBufferPtr b = xmlBufferCreate();
        const struct bw_cap_polygon *pg = &ar->polygons[i];
        if (!b) {
            w->err = 1;
            break;
        }
        for (size_t k = 0; !w->err && k < pg->n_points; k++)
            if ((k && xmlBufferCCat(b, " ")) || put_point(b, pg->points[k].lat, pg->points[k].lon))
                w->err = 1;
        el(w, "polygon", (const char *)xmlBufferContent(b));
        xmlBufferFree(b);
    }
    for (size_t i = 0; !w->err && i < ar->n_circles; i++) {
        xmlBufferPtr b = xmlBufferCreate();
        if (!b) {
            w->err = 1;
            break;
        }
        fmt_fixed(ar->circles[i].radius_km, num);
        if (put_point(b, ar->circles[i].lat, ar->circles[i].lon) || xmlBufferCCat(b, " ") ||
            xmlBufferCCat(b, num))
            w->err = 1;
        el(w, "circle", (const char *)xmlBufferContent(b));
        xmlBufferFree(b);
    }
    pairs(w, "geocode", ar->geocodes, ar->n_geocodes);
    if (ar->has_altitude) {
        fmt_fixed(ar->altitude, num);
        el(w, "altitude", num);
    }
    if (ar->has_ceiling) {
        fmt_fixed(ar->ceiling, num);
        el(w, "ceiling", num);
    }
    end(w);
}

static void write_info(struct writer *w, const struct bw_cap_info *in)
{
    char num[32];

    start(w, "info");
    el(w, "language", in->language);
    for (size_t i = 0; i < in->n_categories; i++)
        el(w, "category", bw_cap_category_names[in->categories[i]]);
    el(w, "event", in->event);
    for (size_t i = 0; i < in->n_responses; i++)
        el(w, "responseType", bw_cap_response_names[in->responses[i]]);
    el(w, "urgency", bw_cap_urgency_names[in->urgency]);
    el(w, "severity", bw_cap_severity_names[in->severity]);
    el(w, "certainty", bw_cap_certainty_names[in->certainty]);
    el(w, "audience", in->audience);
    pairs(w, "eventCode", in->event_codes, in->n_event_codes);
    el(w, "effective", in->effective);
    el(w, "onset", in->onset);
    el(w, "expires", in->expires);
    el(w, "senderName", in->sender_name);
    el(w, "headline", in->headline);
    el(w, "description", in->description);
    el(w, "instruction", in->instruction);
    el(w, "web", in->web);
    el(w, "contact", in->contact);
    pairs(w, "parameter", in->parameters, in->n_parameters);
    for (size_t i = 0; i < in->n_resources; i++) {
        const struct bw_cap_resource *r = &in->resources[i];
        start(w, "resource");
        el(w, "resourceDesc", r->desc);
        el(w, "mimeType", r->mime_type);
        if (r->has_size) {
            snprintf(num, sizeof num, "%lld", (long long)r->size);
            el(w, "size", num);
        }
        el(w, "uri", r->uri);
        el(w, "derefUri", r->deref_uri);
        el(w, "digest", r->digest);
        end(w);
    }
    for (size_t i = 0; i < in->n_areas; i++)
        write_area(w, &in->areas[i]);
    end(w);
}

int bw_cap_write(const struct bw_cap_alert *a, struct bw_buf *out, struct bw_diag *d)
{
    struct writer w = {NULL, 0};
    xmlBufferPtr xb = NULL;
    int rc;

    if ((rc = bw_cap_check(a, d)))
        return rc;
    bw_cap_init();
    xb = xmlBufferCreate();
    if (!xb || !(w.w = xmlNewTextWriterMemory(xb, 0))) {
        rc = BW_ENOMEM;
        goto out;
    }
    if (xmlTextWriterSetIndent(w.w, 1) < 0 ||
        xmlTextWriterSetIndentString(w.w, BAD_CAST "  ") < 0 ||
        xmlTextWriterStartDocument(w.w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElementNS(w.w, NULL, BAD_CAST "alert", BAD_CAST BW_CAP_NS) < 0)
        w.err = 1;
    el(&w, "identifier", a->identifier);
    el(&w, "sender", a->sender);
    el(&w, "sent", a->sent);
    el(&w, "status", bw_cap_status_names[a->status]);
    el(&w, "msgType", bw_cap_msg_type_names[a->msg_type]);
    el(&w, "source", a->source);
    el(&w, "scope", bw_cap_scope_names[a->scope]);
    el(&w, "restriction", a->restriction);
    el(&w, "addresses", a->addresses);
    for (size_t i = 0; i < a->n_codes; i++)
        el(&w, "code", a->codes[i]);
    el(&w, "note", a->note);
    el(&w, "references", a->references);
    el(&w, "incidents", a->incidents);
    for (size_t i = 0; i < a->n_infos; i++)
        write_info(&w, &a->infos[i]);
    if (!w.err && xmlTextWriterEndDocument(w.w) < 0)
        w.err = 1;
    if (w.err) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "writing the CAP document failed");
        goto out;
    }
    xmlFreeTextWriter(w.w); /* flushes into xb */
    w.w = NULL;
    {
        size_t old = out->len;
        rc = bw_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
        if (rc) {
            out->len = old;
            rc = bw_diag_set(d, rc, NULL, "the CAP document does not fit (%d bytes)",
                             xmlBufferLength(xb));
        }
    }
out:
    if (w.w)
        xmlFreeTextWriter(w.w);
    if (xb)
        xmlBufferFree(xb);
    return rc;
}

/* ======================================================================================
 * Reading
 * ==================================================================================== */

#define CAP11_NS "urn:oasis:names:tc:emergency:cap:1.1"
#define CAP10_NS "http://www.incident.com/cap/1.0"
#define DSIG_NS "http://www.w3.org/2000/09/xmldsig#"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* What the SAX hooks learn while libxml2 builds the tree. */
struct sax_state {
    startElementNsSAX2Func start_ns; /* libxml2's own tree builders, called through */
    endElementNsSAX2Func end_ns;
    long elements;
    int depth;
    int stop; /* 1 DOCTYPE, 2 too many elements, 3 too deep */
    unsigned long line;
};

static struct sax_state *sax_of(void *ctx)
{
    return (struct sax_state *)((xmlParserCtxtPtr)ctx)->_private;
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    xmlParserCtxtPtr c = ctx;
    struct sax_state *s = sax_of(ctx);

    (void)name;
    (void)ext_id;
    (void)sys_id;
    if (!s->stop) {
        s->stop = 1;
        s->line = c->input ? (unsigned long)c->input->line : 0;
    }
    xmlStopParser(c);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    /* Unreachable once internalSubset stops the parser; kept so no entity is ever
     * registered even if libxml2 called it first. */
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    on_internal_subset(ctx, NULL, NULL, NULL);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr c = ctx;
    struct sax_state *s = sax_of(ctx);

    s->elements++;
    s->depth++;
    if (s->elements > BW_CAP_MAX_ELEMENTS || s->depth > BW_CAP_MAX_DEPTH) {
        if (!s->stop) {
            s->stop = s->elements > BW_CAP_MAX_ELEMENTS ? 2 : 3;
            s->line = c->input ? (unsigned long)c->input->line : 0;
        }
        xmlStopParser(c);
        return;
    }
    s->start_ns(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
                attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    struct sax_state *s = sax_of(ctx);

    s->depth--;
    s->end_ns(ctx, localname, prefix, uri);
}

/* One child of a schema sequence. */
#define REQ 1u
#define MANY 2u
struct spec {
    const char *name;
    unsigned flags;
};

enum {
    A_IDENTIFIER,
    A_SENDER,
    A_SENT,
    A_STATUS,
    A_MSGTYPE,
    A_SOURCE,
    A_SCOPE,
    A_RESTRICTION,
    A_ADDRESSES,
    A_CODE,
    A_NOTE,
    A_REFERENCES,
    A_INCIDENTS,
    A_INFO,
    A_N
};
static const struct spec alert_spec[A_N] = {
    {"identifier", REQ}, {"sender", REQ},   {"sent", REQ},      {"status", REQ},  {"msgType", REQ},
    {"source", 0},       {"scope", REQ},    {"restriction", 0}, {"addresses", 0}, {"code", MANY},
    {"note", 0},         {"references", 0}, {"incidents", 0},   {"info", MANY}};

enum {
    I_LANGUAGE,
    I_CATEGORY,
    I_EVENT,
    I_RESPONSE,
    I_URGENCY,
    I_SEVERITY,
    I_CERTAINTY,
    I_AUDIENCE,
    I_EVENTCODE,
    I_EFFECTIVE,
    I_ONSET,
    I_EXPIRES,
    I_SENDERNAME,
    I_HEADLINE,
    I_DESCRIPTION,
    I_INSTRUCTION,
    I_WEB,
    I_CONTACT,
    I_PARAMETER,
    I_RESOURCE,
    I_AREA,
    I_N
};
static const struct spec info_spec[I_N] = {
    {"language", 0},     {"category", REQ | MANY}, {"event", REQ},      {"responseType", MANY},
    {"urgency", REQ},    {"severity", REQ},        {"certainty", REQ},  {"audience", 0},
    {"eventCode", MANY}, {"effective", 0},         {"onset", 0},        {"expires", 0},
    {"senderName", 0},   {"headline", 0},          {"description", 0},  {"instruction", 0},
    {"web", 0},          {"contact", 0},           {"parameter", MANY}, {"resource", MANY},
    {"area", MANY}};

enum { R_DESC, R_MIME, R_SIZE, R_URI, R_DEREF, R_DIGEST, R_N };
static const struct spec resource_spec[R_N] = {{"resourceDesc", REQ}, {"mimeType", REQ},
                                               {"size", 0},           {"uri", 0},
                                               {"derefUri", 0},       {"digest", 0}};

enum { AR_DESC, AR_POLYGON, AR_CIRCLE, AR_GEOCODE, AR_ALTITUDE, AR_CEILING, AR_N };
static const struct spec area_spec[AR_N] = {{"areaDesc", REQ}, {"polygon", MANY}, {"circle", MANY},
                                            {"geocode", MANY}, {"altitude", 0},   {"ceiling", 0}};

enum { P_NAME, P_VALUE, P_N };
static const struct spec pair_spec[P_N] = {{"valueName", REQ}, {"value", REQ}};

struct reader {
    struct bw_arena *a;
    struct bw_diag *d;
};

static uint64_t line_of(const xmlNode *n)
{
    long l = xmlGetLineNo(n);
    return l > 0 ? (uint64_t)l : 0;
}

static int fail_at(struct reader *r, const xmlNode *n, int code, const char *field, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

static int fail_at(struct reader *r, const xmlNode *n, int code, const char *field, const char *fmt,
                   ...)
{
    char msg[BW_DIAG_MSG_MAX];
    va_list ap;

    if (r->d && !bw_diag_has(r->d) && n)
        r->d->line = line_of(n);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bw_diag_set(r->d, code, field, "%s", msg);
}

/* Is this a CAP 1.2 element (and not a signature we skip)? */
static int is_cap(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST BW_CAP_NS);
}

static int is_dsig(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST DSIG_NS);
}

static int only_space(const xmlChar *s)
{
    for (; s && *s; s++)
        if (!is_xml_space((char)*s))
            return 0;
    return 1;
}

/* No attributes on CAP elements (the schema declares none); xsi:* is tolerated on the
 * root, as schema validators do. */
static int check_attrs(struct reader *r, const xmlNode *n, const char *field, int root)
{
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        if (root && at->ns && xmlStrEqual(at->ns->href, BAD_CAST XSI_NS))
            continue;
        return fail_at(r, n, BW_EPARSE, field, "attribute '%s' is not allowed on <%s> in CAP 1.2",
                       (const char *)at->name, (const char *)n->name);
    }
    return BW_OK;
}

/*
 * Checks the children of @p parent against a schema sequence: only CAP elements of the
 * table (signatures too when @p dsig), each in order, non-repeatable ones once, no text
 * but whitespace, every required one present. Counts each in counts[].
 */
static int scan(struct reader *r, const xmlNode *parent, const struct spec *spec, size_t ns,
                const char *where, int dsig, size_t *counts)
{
    size_t last = 0;
    int any = 0, seen_sig = 0;

    memset(counts, 0, ns * sizeof *counts);
    for (const xmlNode *c = parent->children; c; c = c->next) {
        size_t k;

        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!only_space(c->content)) {
                const xmlChar *t = c->content;
                size_t len = 0;
                while (is_xml_space((char)*t))
                    t++;
                while (t[len] && !is_xml_space((char)t[len]) && len < 40)
                    len++;
                return fail_at(r, c, BW_EPARSE, where, "text '%.*s' is not allowed inside <%s>",
                               (int)len, (const char *)t, (const char *)parent->name);
            }
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            return fail_at(r, c, BW_EPARSE, where, "unexpected XML node (type %d) inside <%s>",
                           (int)c->type, (const char *)parent->name);
        if (dsig && is_dsig(c)) {
            seen_sig = 1;
            continue;
        }
        if (!is_cap(c))
            return fail_at(r, c, BW_EPARSE, where,
                           "element <%s> (namespace '%s') is not part of CAP 1.2",
                           (const char *)c->name, c->ns ? (const char *)c->ns->href : "none");
        for (k = 0; k < ns; k++)
            if (xmlStrEqual(c->name, BAD_CAST spec[k].name))
                break;
        if (k == ns)
            return fail_at(r, c, BW_EPARSE, where, "unknown element <%s> in <%s>",
                           (const char *)c->name, (const char *)parent->name);
        if (seen_sig)
            return fail_at(r, c, BW_EPARSE, where,
                           "element <%s> after a <Signature>; signatures come last",
                           (const char *)c->name);
        if (any && k < last)
            return fail_at(r, c, BW_EPARSE, where,
                           "element <%s> is out of order: CAP 1.2 puts it before <%s>",
                           (const char *)c->name, spec[last].name);
        if (counts[k] && !(spec[k].flags & MANY))
            return fail_at(r, c, BW_EPARSE, where, "element <%s> appears more than once",
                           (const char *)c->name);
        counts[k]++;
        last = k;
        any = 1;
    }
    for (size_t k = 0; k < ns; k++)
        if ((spec[k].flags & REQ) && !counts[k])
            return fail_at(r, parent, BW_EPARSE, where, "required element <%s> is missing",
                           spec[k].name);
    return BW_OK;
}

/* The text of a leaf element (no element children), copied into the arena. */
static int leaf_text(struct reader *r, const xmlNode *n, const char *field, char **out)
{
    xmlChar *t;

    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return fail_at(r, c, BW_EPARSE, field, "<%s> holds text, not an element <%s>",
                           (const char *)n->name, (const char *)c->name);
    if (check_attrs(r, n, field, 0))
        return BW_EPARSE;
    t = xmlNodeGetContent(n);
    if (!t)
        t = xmlStrdup(BAD_CAST "");
    if (!t)
        return bw_diag_set(r->d, BW_ENOMEM, field, "out of memory");
    *out = bw_arena_strndup(r->a, (const char *)t, (size_t)xmlStrlen(t));
    xmlFree(t);
    return *out ? BW_OK : bw_diag_set(r->d, BW_ENOMEM, field, "out of memory");
}

/* The same with XML whitespace collapsed away at both ends (typed values). */
static int leaf_trim(struct reader *r, const xmlNode *n, const char *field, char **out)
{
    char *s, *e;
    int rc = leaf_text(r, n, field, &s);

    if (rc)
        return rc;
    while (is_xml_space(*s))
        s++;
    e = s + strlen(s);
    while (e > s && is_xml_space(e[-1]))
        *--e = '\0';
    *out = s;
    return BW_OK;
}

static int leaf_enum(struct reader *r, const xmlNode *n, const char *field,
                     const char *const *names, size_t count, int *out)
{
    char *s;
    char list[256] = "";
    int rc = leaf_trim(r, n, field, &s);

    if (rc)
        return rc;
    *out = bw_cap_enum_find(names, count, s);
    if (*out >= 0)
        return BW_OK;
    for (size_t i = 0; i < count; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", names[i]);
    }
    return fail_at(r, n, BW_EINVAL, field, "'%.40s' is not one of %s", s, list);
}

static int leaf_time(struct reader *r, const xmlNode *n, const char *field, const char **out)
{
    char *s;
    int rc = leaf_trim(r, n, field, &s);

    if (rc)
        return rc;
    if (bw_cap_time_parse(s, NULL) != BW_OK)
        return fail_at(r, n, BW_EINVAL, field,
                       "'%.40s' is not a CAP dateTime with offset (e.g. 2026-12-01T03:00:00-00:00)",
                       s);
    *out = s;
    return BW_OK;
}

/* A finite decimal number: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?,
 * up to FIXED_MAX bytes (the writer's longest exact form). Longer than bw_parse_double
 * takes, because an exact round trip of an extreme value needs long expansions. */
static int parse_decimal(const char *p, size_t len, double *out)
{
    char buf[FIXED_MAX + 1], *end;
    size_t i = 0, digits = 0;

    if (len == 0 || len > FIXED_MAX)
        return -1;
    if (p[i] == '+' || p[i] == '-')
        i++;
    for (; i < len && p[i] >= '0' && p[i] <= '9'; i++)
        digits++;
    if (i < len && p[i] == '.')
        for (i++; i < len && p[i] >= '0' && p[i] <= '9'; i++)
            digits++;
    if (!digits)
        return -1;
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        size_t e = 0;
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-'))
            i++;
        for (; i < len && p[i] >= '0' && p[i] <= '9'; i++)
            e++;
        if (!e)
            return -1;
    }
    if (i != len)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    *out = strtod(buf, &end);
    return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static int parse_num(struct reader *r, const xmlNode *n, const char *field, const char *p,
                     size_t len, const char *what, double *out)
{
    if (parse_decimal(p, len, out) != 0)
        return fail_at(r, n, BW_EINVAL, field, "%s '%.*s' is not a number", what,
                       (int)(len > 40 ? 40 : len), p);
    return BW_OK;
}

static int leaf_num(struct reader *r, const xmlNode *n, const char *field, double *out)
{
    char *s;
    int rc = leaf_trim(r, n, field, &s);

    return rc ? rc : parse_num(r, n, field, s, strlen(s), "value", out);
}

/* "lat,lon" */
static int parse_point(struct reader *r, const xmlNode *n, const char *field, const char *p,
                       size_t len, double *lat, double *lon)
{
    const char *comma = memchr(p, ',', len);
    int rc;

    if (!comma)
        return fail_at(r, n, BW_EINVAL, field, "'%.*s' is not a point (lat,lon)",
                       (int)(len > 40 ? 40 : len), p);
    if ((rc = parse_num(r, n, field, p, (size_t)(comma - p), "latitude", lat)))
        return rc;
    return parse_num(r, n, field, comma + 1, len - (size_t)(comma - p) - 1, "longitude", lon);
}

static int parse_polygon(struct reader *r, const xmlNode *n, const char *field,
                         struct bw_cap_polygon *pg)
{
    char *s, *p;
    size_t count = 0, k = 0;
    struct bw_cap_point *pts;
    int rc = leaf_trim(r, n, field, &s);

    if (rc)
        return rc;
    for (p = s; *p;) {
        while (is_xml_space(*p))
            p++;
        if (!*p)
            break;
        count++;
        while (*p && !is_xml_space(*p))
            p++;
    }
    if (count > BW_CAP_MAX_POINTS)
        return fail_at(r, n, BW_ETOOBIG, field, "%zu points; at most %d", count, BW_CAP_MAX_POINTS);
    if (count < 4)
        return fail_at(r, n, BW_EINVAL, field,
                       "%zu points; a CAP polygon has at least 4 (first = last)", count);
    pts = bw_arena_alloc(r->a, count * sizeof *pts);
    if (!pts)
        return bw_diag_set(r->d, BW_ENOMEM, field, "out of memory");
    for (p = s; *p;) {
        char *t;
        while (is_xml_space(*p))
            p++;
        if (!*p)
            break;
        t = p;
        while (*p && !is_xml_space(*p))
            p++;
        if ((rc = parse_point(r, n, field, t, (size_t)(p - t), &pts[k].lat, &pts[k].lon)))
            return rc;
        k++;
    }
    pg->points = pts;
    pg->n_points = count;
    return BW_OK;
}

static int parse_circle(struct reader *r, const xmlNode *n, const char *field,
                        struct bw_cap_circle *c)
{
    char *s, *sp, *rad;
    int rc = leaf_trim(r, n, field, &s);

    if (rc)
        return rc;
    for (sp = s; *sp && !is_xml_space(*sp); sp++)
        ;
    for (rad = sp; is_xml_space(*rad); rad++)
        ;
    if (!*sp || !*rad)
        return fail_at(r, n, BW_EINVAL, field, "'%.40s' is not a circle (lat,lon radius-km)", s);
    for (const char *q = rad; *q; q++)
        if (is_xml_space(*q))
            return fail_at(r, n, BW_EINVAL, field, "'%.40s' is not a circle (lat,lon radius-km)",
                           s);
    if ((rc = parse_point(r, n, field, s, (size_t)(sp - s), &c->lat, &c->lon)))
        return rc;
    return parse_num(r, n, field, rad, strlen(rad), "radius", &c->radius_km);
}

/* Iterates the CAP element children of p, in document order. */
#define FOR_CAP_CHILDREN(c, p)                                                                     \
    for (const xmlNode *c = (p)->children; c; c = c->next)                                         \
        if (is_cap(c))

static int spec_index(const struct spec *spec, size_t ns, const xmlNode *c)
{
    for (size_t k = 0; k < ns; k++)
        if (xmlStrEqual(c->name, BAD_CAST spec[k].name))
            return (int)k;
    return -1;
}

static void *arena_array(struct reader *r, size_t n, size_t size)
{
    size_t bytes;

    if (n == 0)
        return NULL;
    if (bw_mul_size(n, size, &bytes))
        return NULL;
    void *p = bw_arena_alloc(r->a, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

#define NEED(p)                                                                                    \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return bw_diag_set(r->d, BW_ENOMEM, NULL, "out of memory");                            \
    } while (0)

static int read_pair(struct reader *r, const xmlNode *n, const char *field, struct bw_cap_pair *out)
{
    size_t counts[P_N];
    char *s;
    int rc;

    if ((rc = check_attrs(r, n, field, 0)) || (rc = scan(r, n, pair_spec, P_N, field, 0, counts)))
        return rc;
    FOR_CAP_CHILDREN(c, n)
    {
        if ((rc = leaf_text(r, c, field, &s)))
            return rc;
        if (spec_index(pair_spec, P_N, c) == P_NAME)
            out->name = s;
        else
            out->value = s;
    }
    return BW_OK;
}

static int read_area(struct reader *r, const xmlNode *n, const char *base, struct bw_cap_area *ar)
{
    size_t counts[AR_N], ip = 0, ic = 0, ig = 0;
    struct bw_cap_polygon *pg;
    struct bw_cap_circle *ci;
    struct bw_cap_pair *gc;
    char f[PATH_MAX_LEN];
    char *s;
    int rc;

    if ((rc = check_attrs(r, n, base, 0)) || (rc = scan(r, n, area_spec, AR_N, base, 0, counts)))
        return rc;
    pg = arena_array(r, counts[AR_POLYGON], sizeof *pg);
    ci = arena_array(r, counts[AR_CIRCLE], sizeof *ci);
    gc = arena_array(r, counts[AR_GEOCODE], sizeof *gc);
    NEED((pg || !counts[AR_POLYGON]) && (ci || !counts[AR_CIRCLE]) && (gc || !counts[AR_GEOCODE]));
    FOR_CAP_CHILDREN(c, n)
    {
        int k = spec_index(area_spec, AR_N, c);
        switch (k) {
        case AR_DESC:
            rc = leaf_text(r, c, path(f, base, "areaDesc", -1), &s);
            ar->desc = s;
            break;
        case AR_POLYGON:
            rc = parse_polygon(r, c, path(f, base, "polygon", (long)ip), &pg[ip]);
            ip++;
            break;
        case AR_CIRCLE:
            rc = parse_circle(r, c, path(f, base, "circle", (long)ic), &ci[ic]);
            ic++;
            break;
        case AR_GEOCODE:
            rc = read_pair(r, c, path(f, base, "geocode", (long)ig), &gc[ig]);
            ig++;
            break;
        case AR_ALTITUDE:
            ar->has_altitude = 1;
            rc = leaf_num(r, c, path(f, base, "altitude", -1), &ar->altitude);
            break;
        default:
            ar->has_ceiling = 1;
            rc = leaf_num(r, c, path(f, base, "ceiling", -1), &ar->ceiling);
            break;
        }
        if (rc)
            return rc;
    }
    ar->polygons = pg;
    ar->n_polygons = ip;
    ar->circles = ci;
    ar->n_circles = ic;
    ar->geocodes = gc;
    ar->n_geocodes = ig;
    return BW_OK;
}

static int read_resource(struct reader *r, const xmlNode *n, const char *base,
                         struct bw_cap_resource *res)
{
    size_t counts[R_N];
    char f[PATH_MAX_LEN];
    char *s;
    int rc;

    if ((rc = check_attrs(r, n, base, 0)) || (rc = scan(r, n, resource_spec, R_N, base, 0, counts)))
        return rc;
    FOR_CAP_CHILDREN(c, n)
    {
        int k = spec_index(resource_spec, R_N, c);
        path(f, base, resource_spec[k].name, -1);
        if (k == R_SIZE || k == R_URI)
            rc = leaf_trim(r, c, f, &s);
        else
            rc = leaf_text(r, c, f, &s);
        if (rc)
            return rc;
        switch (k) {
        case R_DESC:
            res->desc = s;
            break;
        case R_MIME:
            res->mime_type = s;
            break;
        case R_SIZE:
            res->has_size = 1;
            if (bw_parse_i64(bw_str_c(s), &res->size) != BW_OK)
                return fail_at(r, c, BW_EINVAL, f, "'%.40s' is not a whole number of bytes", s);
            break;
        case R_URI:
            res->uri = s;
            break;
        case R_DEREF:
            res->deref_uri = s;
            break;
        default:
            res->digest = s;
            break;
        }
    }
    return BW_OK;
}

static int read_info(struct reader *r, const xmlNode *n, const char *base, struct bw_cap_info *in)
{
    size_t counts[I_N], icat = 0, iresp = 0, iec = 0, ipar = 0, ires = 0, iar = 0;
    enum bw_cap_category *cats;
    enum bw_cap_response *resp;
    struct bw_cap_pair *ec, *par;
    struct bw_cap_resource *res;
    struct bw_cap_area *areas;
    char f[PATH_MAX_LEN];
    char *s;
    int rc, v;

    if ((rc = check_attrs(r, n, base, 0)) || (rc = scan(r, n, info_spec, I_N, base, 0, counts)))
        return rc;
    cats = arena_array(r, counts[I_CATEGORY], sizeof *cats);
    resp = arena_array(r, counts[I_RESPONSE], sizeof *resp);
    ec = arena_array(r, counts[I_EVENTCODE], sizeof *ec);
    par = arena_array(r, counts[I_PARAMETER], sizeof *par);
    res = arena_array(r, counts[I_RESOURCE], sizeof *res);
    areas = arena_array(r, counts[I_AREA], sizeof *areas);
    NEED(cats && (resp || !counts[I_RESPONSE]) && (ec || !counts[I_EVENTCODE]) &&
         (par || !counts[I_PARAMETER]) && (res || !counts[I_RESOURCE]) &&
         (areas || !counts[I_AREA]));
    FOR_CAP_CHILDREN(c, n)
    {
        int k = spec_index(info_spec, I_N, c);
        switch (k) {
        case I_LANGUAGE:
            rc = leaf_trim(r, c, path(f, base, "language", -1), &s);
            in->language = s;
            break;
        case I_CATEGORY:
            rc = leaf_enum(r, c, path(f, base, "category", (long)icat), bw_cap_category_names,
                           BW_CAP_CAT_COUNT, &v);
            cats[icat++] = (enum bw_cap_category)v;
            break;
        case I_EVENT:
            rc = leaf_text(r, c, path(f, base, "event", -1), &s);
            in->event = s;
            break;
        case I_RESPONSE:
            rc = leaf_enum(r, c, path(f, base, "responseType", (long)iresp), bw_cap_response_names,
                           BW_CAP_RESP_COUNT, &v);
            resp[iresp++] = (enum bw_cap_response)v;
            break;
        case I_URGENCY:
            rc = leaf_enum(r, c, path(f, base, "urgency", -1), bw_cap_urgency_names,
                           BW_CAP_URG_COUNT, &v);
            in->urgency = (enum bw_cap_urgency)v;
            break;
        case I_SEVERITY:
            rc = leaf_enum(r, c, path(f, base, "severity", -1), bw_cap_severity_names,
                           BW_CAP_SEV_COUNT, &v);
            in->severity = (enum bw_cap_severity)v;
            break;
        case I_CERTAINTY:
            rc = leaf_enum(r, c, path(f, base, "certainty", -1), bw_cap_certainty_names,
                           BW_CAP_CERT_COUNT, &v);
            in->certainty = (enum bw_cap_certainty)v;
            break;
        case I_AUDIENCE:
            rc = leaf_text(r, c, path(f, base, "audience", -1), &s);
            in->audience = s;
            break;
        case I_EVENTCODE:
            rc = read_pair(r, c, path(f, base, "eventCode", (long)iec), &ec[iec]);
            iec++;
            break;
        case I_EFFECTIVE:
            rc = leaf_time(r, c, path(f, base, "effective", -1), &in->effective);
            break;
        case I_ONSET:
            rc = leaf_time(r, c, path(f, base, "onset", -1), &in->onset);
            break;
        case I_EXPIRES:
            rc = leaf_time(r, c, path(f, base, "expires", -1), &in->expires);
            break;
        case I_SENDERNAME:
            rc = leaf_text(r, c, path(f, base, "senderName", -1), &s);
            in->sender_name = s;
            break;
        case I_HEADLINE:
            rc = leaf_text(r, c, path(f, base, "headline", -1), &s);
            in->headline = s;
            break;
        case I_DESCRIPTION:
            rc = leaf_text(r, c, path(f, base, "description", -1), &s);
            in->description = s;
            break;
        case I_INSTRUCTION:
            rc = leaf_text(r, c, path(f, base, "instruction", -1), &s);
            in->instruction = s;
            break;
        case I_WEB:
            rc = leaf_trim(r, c, path(f, base, "web", -1), &s);
            in->web = s;
            break;
        case I_CONTACT:
            rc = leaf_text(r, c, path(f, base, "contact", -1), &s);
            in->contact = s;
            break;
        case I_PARAMETER:
            rc = read_pair(r, c, path(f, base, "parameter", (long)ipar), &par[ipar]);
            ipar++;
            break;
        case I_RESOURCE:
            rc = read_resource(r, c, path(f, base, "resource", (long)ires), &res[ires]);
            ires++;
            break;
        default:
            rc = read_area(r, c, path(f, base, "area", (long)iar), &areas[iar]);
            iar++;
            break;
        }
        if (rc)
            return rc;
    }
    in->categories = cats;
    in->n_categories = icat;
    in->responses = resp;
    in->n_responses = iresp;
    in->event_codes = ec;
    in->n_event_codes = iec;
    in->parameters = par;
    in->n_parameters = ipar;
    in->resources = res;
    in->n_resources = ires;
    in->areas = areas;
    in->n_areas = iar;
    return BW_OK;
}

static int read_alert(struct reader *r, const xmlNode *root, struct bw_cap_alert *out)
{
    size_t counts[A_N], icode = 0, iinfo = 0;
    const char **codes;
    struct bw_cap_info *infos;
    char f[PATH_MAX_LEN];
    char *s;
    int rc = BW_OK, v;

    if ((rc = check_attrs(r, root, "alert", 1)) ||
        (rc = scan(r, root, alert_spec, A_N, "alert", 1, counts)))
        return rc;
    codes = arena_array(r, counts[A_CODE], sizeof *codes);
    infos = arena_array(r, counts[A_INFO], sizeof *infos);
    NEED((codes || !counts[A_CODE]) && (infos || !counts[A_INFO]));
    FOR_CAP_CHILDREN(c, root)
    {
        int k = spec_index(alert_spec, A_N, c);
        switch (k) {
        case A_IDENTIFIER:
            rc = leaf_text(r, c, "identifier", &s);
            out->identifier = s;
            break;
        case A_SENDER:
            rc = leaf_text(r, c, "sender", &s);
            out->sender = s;
            break;
        case A_SENT:
            rc = leaf_time(r, c, "sent", &out->sent);
            break;
        case A_STATUS:
            rc = leaf_enum(r, c, "status", bw_cap_status_names, BW_CAP_STATUS_COUNT, &v);
            out->status = (enum bw_cap_status)v;
            break;
        case A_MSGTYPE:
            rc = leaf_enum(r, c, "msgType", bw_cap_msg_type_names, BW_CAP_MSG_COUNT, &v);
            out->msg_type = (enum bw_cap_msg_type)v;
            break;
        case A_SOURCE:
            rc = leaf_text(r, c, "source", &s);
            out->source = s;
            break;
        case A_SCOPE:
            rc = leaf_enum(r, c, "scope", bw_cap_scope_names, BW_CAP_SCOPE_COUNT, &v);
            out->scope = (enum bw_cap_scope)v;
            break;
        case A_RESTRICTION:
            rc = leaf_text(r, c, "restriction", &s);
            out->restriction = s;
            break;
        case A_ADDRESSES:
            rc = leaf_text(r, c, "addresses", &s);
            out->addresses = s;
            break;
        case A_CODE:
            rc = leaf_text(r, c, path(f, "", "code", (long)icode), &s);
            codes[icode++] = s;
            break;
        case A_NOTE:
            rc = leaf_text(r, c, "note", &s);
            out->note = s;
            break;
        case A_REFERENCES:
            rc = leaf_text(r, c, "references", &s);
            out->references = s;
            break;
        case A_INCIDENTS:
            rc = leaf_text(r, c, "incidents", &s);
            out->incidents = s;
            break;
        default:
            rc = read_info(r, c, path(f, "", "info", (long)iinfo), &infos[iinfo]);
            iinfo++;
            break;
        }
        if (rc)
            return rc;
    }
    out->codes = codes;
    out->n_codes = icode;
    out->infos = infos;
    out->n_infos = iinfo;
    return BW_OK;
}

int bw_cap_parse(const char *xml, size_t len, const char *name, struct bw_arena *a,
                 struct bw_cap_alert *out, struct bw_diag *d)
{
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    struct sax_state st;
    struct reader r = {a, d};
    const xmlNode *root;
    int opts, rc = BW_OK;

    memset(out, 0, sizeof *out);
    if (name && d && !d->file[0])
        bw_diag_file(d, name);
    if (len > BW_CAP_MAX_BYTES)
        return bw_diag_set(d, BW_ETOOBIG, NULL, "%zu bytes; a CAP document has at most %u", len,
                           BW_CAP_MAX_BYTES);
    if (len == 0)
        return bw_diag_set(d, BW_EPARSE, NULL, "empty file; expected a CAP 1.2 <alert>");
    bw_cap_init();
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
    memset(&st, 0, sizeof st);
    st.start_ns = ctxt->sax->startElementNs;
    st.end_ns = ctxt->sax->endElementNs;
    ctxt->_private = &st;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    /* No NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE. */
    opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
           XML_PARSE_NOCDATA;
#if LIBXML_VERSION >= 21300
    opts |= XML_PARSE_NO_XXE;
#endif
    if (len >
        (size_t)INT32_MAX) { /* unreachable with BW_CAP_MAX_BYTES; xmlCtxtReadMemory takes int */
        rc = bw_diag_set(d, BW_ETOOBIG, NULL, "too large");
        goto out;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, name ? name : "cap.xml", NULL, opts);
    if (st.stop) {
        if (d)
            d->line = st.line;
        if (st.stop == 1)
            rc = bw_diag_set(d, BW_EPARSE, NULL,
                             "DOCTYPE is not allowed in CAP (entity expansion refused)");
        else if (st.stop == 2)
            rc = bw_diag_set(d, BW_ETOOBIG, NULL, "more than %d elements; a CAP document has fewer",
                             BW_CAP_MAX_ELEMENTS);
        else
            rc =
                bw_diag_set(d, BW_ETOOBIG, NULL,
                            "elements nested deeper than %d; CAP needs 5 levels", BW_CAP_MAX_DEPTH);
        goto out;
    }
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[256] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            for (size_t i = strlen(msg); i > 0 && (msg[i - 1] == '\n' || msg[i - 1] == ' ');)
                msg[--i] = '\0';
        }
        if (d && e && e->line > 0)
            d->line = (uint64_t)e->line;
        rc = bw_diag_set(d, e && e->code == XML_ERR_NO_MEMORY ? BW_ENOMEM : BW_EPARSE, NULL,
                         "not well-formed XML: %s", msg);
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    if (!root) {
        rc = bw_diag_set(d, BW_EPARSE, NULL, "no root element; expected a CAP 1.2 <alert>");
        goto out;
    }
    if (root->ns && (xmlStrEqual(root->ns->href, BAD_CAST CAP11_NS) ||
                     xmlStrEqual(root->ns->href, BAD_CAST CAP10_NS))) {
        rc = fail_at(&r, root, BW_EPARSE, NULL, "CAP %s is not supported; expected " BW_CAP_NS,
                     xmlStrEqual(root->ns->href, BAD_CAST CAP11_NS) ? "1.1" : "1.0");
        goto out;
    }
    if (!xmlStrEqual(root->name, BAD_CAST "alert") || !root->ns ||
        !xmlStrEqual(root->ns->href, BAD_CAST BW_CAP_NS)) {
        rc = fail_at(&r, root, BW_EPARSE, NULL,
                     "the root element is <%s> (namespace '%s'); expected <alert> in " BW_CAP_NS,
                     (const char *)root->name, root->ns ? (const char *)root->ns->href : "none");
        goto out;
    }
    if ((rc = read_alert(&r, root, out)))
        goto out;
    rc = bw_cap_check(out, d);
out:
    if (rc)
        memset(out, 0, sizeof *out);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* ======================================================================================
 * Equality
 * ==================================================================================== */

static int str_eq(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static int pairs_eq(const struct bw_cap_pair *x, size_t nx, const struct bw_cap_pair *y, size_t ny)
{
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++)
        if (!str_eq(x[i].name, y[i].name) || !str_eq(x[i].value, y[i].value))
            return 0;
    return 1;
}

static int area_eq(const struct bw_cap_area *x, const struct bw_cap_area *y)
{
    if (!str_eq(x->desc, y->desc) || x->n_polygons != y->n_polygons ||
        x->n_circles != y->n_circles || x->has_altitude != y->has_altitude ||
        x->has_ceiling != y->has_ceiling || (x->has_altitude && x->altitude != y->altitude) ||
        (x->has_ceiling && x->ceiling != y->ceiling) ||
        !pairs_eq(x->geocodes, x->n_geocodes, y->geocodes, y->n_geocodes))
        return 0;
    for (size_t i = 0; i < x->n_polygons; i++) {
        if (x->polygons[i].n_points != y->polygons[i].n_points)
            return 0;
        for (size_t k = 0; k < x->polygons[i].n_points; k++)
            if (x->polygons[i].points[k].lat != y->polygons[i].points[k].lat ||
                x->polygons[i].points[k].lon != y->polygons[i].points[k].lon)
                return 0;
    }
    for (size_t i = 0; i < x->n_circles; i++)
        if (x->circles[i].lat != y->circles[i].lat || x->circles[i].lon != y->circles[i].lon ||
            x->circles[i].radius_km != y->circles[i].radius_km)
            return 0;
    return 1;
}

static int info_eq(const struct bw_cap_info *x, const struct bw_cap_info *y)
{
    if (!str_eq(x->language, y->language) || x->n_categories != y->n_categories ||
        !str_eq(x->event, y->event) || x->n_responses != y->n_responses ||
        x->urgency != y->urgency || x->severity != y->severity || x->certainty != y->certainty ||
        !str_eq(x->audience, y->audience) ||
        !pairs_eq(x->event_codes, x->n_event_codes, y->event_codes, y->n_event_codes) ||
        !str_eq(x->effective, y->effective) || !str_eq(x->onset, y->onset) ||
        !str_eq(x->expires, y->expires) || !str_eq(x->sender_name, y->sender_name) ||
        !str_eq(x->headline, y->headline) || !str_eq(x->description, y->description) ||
        !str_eq(x->instruction, y->instruction) || !str_eq(x->web, y->web) ||
        !str_eq(x->contact, y->contact) ||
        !pairs_eq(x->parameters, x->n_parameters, y->parameters, y->n_parameters) ||
        x->n_resources != y->n_resources || x->n_areas != y->n_areas)
        return 0;
    for (size_t i = 0; i < x->n_categories; i++)
        if (x->categories[i] != y->categories[i])
            return 0;
    for (size_t i = 0; i < x->n_responses; i++)
        if (x->responses[i] != y->responses[i])
            return 0;
    for (size_t i = 0; i < x->n_resources; i++) {
        const struct bw_cap_resource *p = &x->resources[i], *q = &y->resources[i];
        if (!str_eq(p->desc, q->desc) || !str_eq(p->mime_type, q->mime_type) ||
            p->has_size != q->has_size || (p->has_size && p->size != q->size) ||
            !str_eq(p->uri, q->uri) || !str_eq(p->deref_uri, q->deref_uri) ||
            !str_eq(p->digest, q->digest))
            return 0;
    }
    for (size_t i = 0; i < x->n_areas; i++)
        if (!area_eq(&x->areas[i], &y->areas[i]))
            return 0;
    return 1;
}

int bw_cap_equal(const struct bw_cap_alert *x, const struct bw_cap_alert *y)
{
    if (!str_eq(x->identifier, y->identifier) || !str_eq(x->sender, y->sender) ||
        !str_eq(x->sent, y->sent) || x->status != y->status || x->msg_type != y->msg_type ||
        !str_eq(x->source, y->source) || x->scope != y->scope ||
        !str_eq(x->restriction, y->restriction) || !str_eq(x->addresses, y->addresses) ||
        x->n_codes != y->n_codes || !str_eq(x->note, y->note) ||
        !str_eq(x->references, y->references) || !str_eq(x->incidents, y->incidents) ||
        x->n_infos != y->n_infos)
        return 0;
    for (size_t i = 0; i < x->n_codes; i++)
        if (!str_eq(x->codes[i], y->codes[i]))
            return 0;
    for (size_t i = 0; i < x->n_infos; i++)
        if (!info_eq(&x->infos[i], &y->infos[i]))
            return 0;
    return 1;
}
