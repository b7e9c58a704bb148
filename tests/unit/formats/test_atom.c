/*
 * test_atom.c — the Atom 1.0 feed of public CAP alerts (src/formats/atom.c).
 *
 * The feed is checked from outside the writer: `xmllint --noout` (libxml2-utils) must
 * find it well-formed, and XPath queries (libxml2's xpath module, which the writer
 * does not use) must find the elements RFC 4287 §4.1 requires — feed id, title,
 * updated, author name, a self link; per entry id, title, updated and an alternate
 * link — with the values expected from the alerts, written out below. Non-public
 * alerts and incomplete feeds are refused.
 */
#include "unit.h"

#include "atom.h"
#include "buf.h"
#include "cap.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <sys/wait.h>

#ifndef BW_XMLLINT
#define BW_XMLLINT "xmllint"
#endif

static const enum bw_cap_category sec[] = {BW_CAP_CAT_SECURITY, BW_CAP_CAT_CBRNE};
static const enum bw_cap_category safety[] = {BW_CAP_CAT_SAFETY, BW_CAP_CAT_SECURITY};
static const struct bw_cap_info info_a[] = {{.categories = sec,
                                             .n_categories = 2,
                                             .event = "Suspected explosive device",
                                             .urgency = BW_CAP_URG_IMMEDIATE,
                                             .severity = BW_CAP_SEV_SEVERE,
                                             .certainty = BW_CAP_CERT_LIKELY,
                                             .headline = "Evacuate the town centre",
                                             .description = "A suspicious vehicle & a bag."},
                                            {.categories = safety,
                                             .n_categories = 2,
                                             .event = "Engin suspect",
                                             .urgency = BW_CAP_URG_IMMEDIATE,
                                             .severity = BW_CAP_SEV_SEVERE,
                                             .certainty = BW_CAP_CERT_LIKELY}};
static const struct bw_cap_info info_b[] = {{.categories = safety,
                                             .n_categories = 1,
                                             .event = "Crowd crush risk",
                                             .urgency = BW_CAP_URG_EXPECTED,
                                             .severity = BW_CAP_SEV_MODERATE,
                                             .certainty = BW_CAP_CERT_POSSIBLE}};

static struct bw_cap_alert alert_a(void)
{
    struct bw_cap_alert a = {.identifier = "LI-NCC-2026-0042",
                             .sender = "ncc@warn.example.gov",
                             .sent = "2026-12-01T03:00:00-00:00",
                             .status = BW_CAP_STATUS_ACTUAL,
                             .msg_type = BW_CAP_MSG_ALERT,
                             .scope = BW_CAP_SCOPE_PUBLIC,
                             .infos = info_a,
                             .n_infos = 2};
    return a;
}

static struct bw_cap_alert alert_b(void)
{
    /* Later than A by offset: 05:30+02:00 is 03:30 UTC. Identifier with characters a
     * URN must escape ('/', ':', '@'). */
    struct bw_cap_alert b = {.identifier = "2.49.0/x:y@z",
                             .sender = "ncc@warn.example.gov",
                             .sent = "2026-12-01T05:30:00+02:00",
                             .status = BW_CAP_STATUS_ACTUAL,
                             .msg_type = BW_CAP_MSG_UPDATE,
                             .scope = BW_CAP_SCOPE_PUBLIC,
                             .infos = info_b,
                             .n_infos = 1};
    return b;
}

static const struct bw_atom_feed feed = {
    "urn:bulwark:cap:feed:li", "Public warnings (Liechtenstein)",
    "https://warn.example.gov/cap/feed.atom", "National Crisis Centre", NULL};

static int xmllint_wellformed(const char *xml, size_t n)
{
    char dir[256], path[512], cmd[1024];
    FILE *f;
    int st;

    unit_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/feed.atom", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(xml, 1, n, f), n);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' --nonet --noout '%s'", BW_XMLLINT, path);
    st = system(cmd);
    unit_rmdir(dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The string value of an XPath expression over the feed (namespace prefix "a"). */
static char *xp(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr c = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    char *s;

    assert_non_null(c);
    assert_int_equal(xmlXPathRegisterNs(c, BAD_CAST "a", BAD_CAST BW_ATOM_NS), 0);
    o = xmlXPathEvalExpression(BAD_CAST expr, c);
    assert_non_null(o);
    s = (char *)xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(c);
    return s;
}

static void expect_xp(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xp(doc, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s = '%s', expected '%s'", expr, got, want);
    xmlFree(got);
}

static void test_feed(void **state)
{
    struct bw_cap_alert a = alert_a(), b = alert_b();
    struct bw_atom_entry e[] = {{&a, "https://warn.example.gov/cap/LI-NCC-2026-0042.xml"},
                                {&b, "https://warn.example.gov/cap/b.xml"}};
    struct bw_buf out, again;
    struct bw_diag d;
    xmlDocPtr doc;

    (void)state;
    bw_buf_init(&out, 1u << 20);
    bw_diag_clear(&d);
    assert_int_equal(bw_atom_write(&feed, e, 2, &out, &d), BW_OK);
    assert_int_equal(xmllint_wellformed(out.p, out.len), 0);
    doc = xmlReadMemory(out.p, (int)out.len, "feed.atom", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    /* RFC 4287 §4.1.1: the feed's required elements. */
    expect_xp(doc, "string(/a:feed/a:id)", "urn:bulwark:cap:feed:li");
    expect_xp(doc, "string(/a:feed/a:title)", "Public warnings (Liechtenstein)");
    /* updated = the latest sent: B (03:30 UTC) beats A (03:00 UTC). */
    expect_xp(doc, "string(/a:feed/a:updated)", "2026-12-01T05:30:00+02:00");
    expect_xp(doc, "string(/a:feed/a:author/a:name)", "National Crisis Centre");
    expect_xp(doc, "string(/a:feed/a:link[@rel='self']/@href)",
              "https://warn.example.gov/cap/feed.atom");
    expect_xp(doc, "string(count(/a:feed/a:entry))", "2");
    /* §4.1.2: each entry's id, title, updated, and its alternate link to the CAP file. */
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:id)", "urn:bulwark:cap:LI-NCC-2026-0042");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:title)", "Evacuate the town centre");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:updated)", "2026-12-01T03:00:00-00:00");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:summary)", "A suspicious vehicle & a bag.");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:link[@rel='alternate']/@type)",
              "application/cap+xml");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:link[@rel='alternate']/@href)",
              "https://warn.example.gov/cap/LI-NCC-2026-0042.xml");
    /* Categories of both infos, each once: Security, CBRNE, Safety. */
    expect_xp(doc, "string(count(/a:feed/a:entry[1]/a:category))", "3");
    expect_xp(doc, "string(/a:feed/a:entry[1]/a:category[3]/@term)", "Safety");
    /* B: no headline, so the title is the event; the identifier percent-encoded
     * ('/' = %2F, ':' = %3A, '@' = %40); no description, so no summary. */
    expect_xp(doc, "string(/a:feed/a:entry[2]/a:title)", "Crowd crush risk");
    expect_xp(doc, "string(/a:feed/a:entry[2]/a:id)", "urn:bulwark:cap:2.49.0%2Fx%3Ay%40z");
    expect_xp(doc, "string(count(/a:feed/a:entry[2]/a:summary))", "0");
    xmlFreeDoc(doc);
    /* The same input gives the same bytes. */
    bw_buf_init(&again, 1u << 20);
    assert_int_equal(bw_atom_write(&feed, e, 2, &again, &d), BW_OK);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.p, out.p, out.len);
    bw_buf_release(&again);
    bw_buf_release(&out);
}

static void test_refusals(void **state)
{
    struct bw_cap_alert a = alert_a(), b = alert_b();
    struct bw_atom_entry e[] = {{&a, "https://x/a.xml"}, {&b, "https://x/b.xml"}};
    struct bw_atom_feed f = feed;
    struct bw_buf out;
    struct bw_diag d;

    (void)state;
    bw_buf_init(&out, 1u << 20);
    /* A Restricted alert has no place in the public feed. */
    b.scope = BW_CAP_SCOPE_RESTRICTED;
    b.restriction = "TLP:AMBER";
    bw_diag_clear(&d);
    assert_int_equal(bw_atom_write(&feed, e, 2, &out, &d), BW_EINVAL);
    assert_string_equal(d.field, "entry[1]");
    assert_non_null(strstr(d.msg, "has scope Restricted; only Public alerts"));
    assert_int_equal(out.len, 0);
    /* A bad alert is named with its entry. */
    b = alert_b();
    b.sent = "yesterday";
    bw_diag_clear(&d);
    assert_int_equal(bw_atom_write(&feed, e, 2, &out, &d), BW_EINVAL);
    assert_string_equal(d.field, "entry[1].sent");
    /* An empty feed needs its updated time; with it, it is fine. */
    bw_diag_clear(&d);
    assert_int_equal(bw_atom_write(&feed, NULL, 0, &out, &d), BW_EINVAL);
    assert_string_equal(d.field, "updated");
    f.updated = "2026-12-01T00:00:00-00:00";
    assert_int_equal(bw_atom_write(&f, NULL, 0, &out, &d), BW_OK);
    assert_int_equal(xmllint_wellformed(out.p, out.len), 0);
    /* No author. */
    f.author = NULL;
    bw_buf_reset(&out);
    bw_diag_clear(&d);
    assert_int_equal(bw_atom_write(&f, NULL, 0, &out, &d), BW_EINVAL);
    assert_int_equal(out.len, 0);
    bw_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
