/*
 * fuzz_warning_doc.c — libFuzzer target for the warning document parser
 * (bw_warning_doc_parse, warning.h): the body of POST and PUT /api/v1/warnings and of
 * `bulwark warning draft FILE.json`.
 *
 * 1. An error comes with a diagnostic (fuzz_check_diag).
 * 2. A document that parses keeps every promise of docs/sharing.md ("The warning
 *    document"): a marking and CAP vocabulary values in range; ack_minutes 1..10080;
 *    each polygon closed with at least four points, every point and circle centre in
 *    WGS84 range, at most 100,000 points in all; lists within BW_WARNING_LIST_MAX;
 *    TLP:RED names users; there is something to target; text members within their size.
 * 3. Its canonical form (compact JSON, sorted keys) parses again to the same canonical
 *    bytes and the same values: what is stored reads back as what was checked.
 */
#include "fuzz_common.h"

#include "arena.h"
#include "share.h"
#include "warning.h"

#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_load_pack();
    return 0;
}

static void check_area(const struct bw_cap_area *ar)
{
    size_t total = 0;

    FUZZ_CHECK(ar->desc && *ar->desc, "an area without a description");
    for (size_t i = 0; i < ar->n_polygons; i++) {
        const struct bw_cap_polygon *pg = &ar->polygons[i];
        FUZZ_CHECK(pg->n_points >= 4, "polygon %zu has %zu points", i, pg->n_points);
        FUZZ_CHECK(pg->points[0].lat == pg->points[pg->n_points - 1].lat &&
                       pg->points[0].lon == pg->points[pg->n_points - 1].lon,
                   "polygon %zu is not closed", i);
        for (size_t k = 0; k < pg->n_points; k++)
            FUZZ_CHECK(fabs(pg->points[k].lat) <= 90 && fabs(pg->points[k].lon) <= 180,
                       "polygon %zu point %zu out of range: %g %g", i, k, pg->points[k].lat,
                       pg->points[k].lon);
        total += pg->n_points;
    }
    FUZZ_CHECK(total <= 100000, "%zu polygon points accepted", total);
    for (size_t i = 0; i < ar->n_circles; i++)
        FUZZ_CHECK(fabs(ar->circles[i].lat) <= 90 && fabs(ar->circles[i].lon) <= 180 &&
                       ar->circles[i].radius_km >= 0 && isfinite(ar->circles[i].radius_km),
                   "circle %zu out of range: %g %g %g", i, ar->circles[i].lat,
                   ar->circles[i].lon, ar->circles[i].radius_km);
}

static void check_doc(const struct bw_warning_doc *w)
{
    FUZZ_CHECK(w->tlp >= 0 && w->tlp < BW_TLP_COUNT, "tlp %d", w->tlp);
    FUZZ_CHECK((int)w->category >= 0 && (int)w->category < BW_CAP_CAT_COUNT, "category");
    FUZZ_CHECK((int)w->urgency >= 0 && (int)w->urgency < BW_CAP_URG_COUNT, "urgency");
    FUZZ_CHECK((int)w->severity >= 0 && (int)w->severity < BW_CAP_SEV_COUNT, "severity");
    FUZZ_CHECK((int)w->certainty >= 0 && (int)w->certainty < BW_CAP_CERT_COUNT, "certainty");
    for (size_t i = 0; i < w->nresponses; i++)
        FUZZ_CHECK((int)w->responses[i] >= 0 && (int)w->responses[i] < BW_CAP_RESP_COUNT,
                   "response %zu", i);
    FUZZ_CHECK(w->ack_minutes >= 1 && w->ack_minutes <= 10080, "ack_minutes %lld",
               (long long)w->ack_minutes);
    FUZZ_CHECK(w->event && *w->event && strlen(w->event) <= 256, "event");
    FUZZ_CHECK(!w->description || strlen(w->description) <= BW_WARNING_TEXT_MAX, "description");
    FUZZ_CHECK(!w->instruction || strlen(w->instruction) <= BW_WARNING_TEXT_MAX, "instruction");
    FUZZ_CHECK(w->nsectors <= BW_WARNING_LIST_MAX && w->ncategories <= BW_WARNING_LIST_MAX &&
                   w->norgs <= BW_WARNING_LIST_MAX && w->nusers <= BW_WARNING_LIST_MAX,
               "a list over %d names", BW_WARNING_LIST_MAX);
    FUZZ_CHECK(w->tlp != BW_TLP_RED || w->nusers > 0, "TLP:RED without named users");
    FUZZ_CHECK(w->has_area || w->nsectors || w->ncategories || w->norgs || w->nusers,
               "a warning with nobody to send it to");
    FUZZ_CHECK(w->report >= 0, "report %lld", (long long)w->report);
    if (w->has_area)
        check_area(&w->area);
    FUZZ_CHECK(w->canonical && *w->canonical == '{', "no canonical form");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const bw_pack *p = fuzz_load_pack();
    struct bw_arena a, a2;
    struct bw_warning_doc w, w2;
    struct bw_diag d;
    int rc;

    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    rc = bw_warning_doc_parse(p, (const char *)data, size, "fuzz.json", &a, &w, &d);
    fuzz_check_diag(rc, &d);
    if (rc == BW_OK) {
        check_doc(&w);
        bw_arena_init(&a2, 4096);
        bw_diag_clear(&d);
        rc = bw_warning_doc_parse(p, w.canonical, strlen(w.canonical), "canonical", &a2, &w2,
                                  &d);
        FUZZ_CHECK(rc == BW_OK, "the canonical form does not parse: %s\n%s", d.msg,
                   w.canonical);
        FUZZ_CHECK(strcmp(w.canonical, w2.canonical) == 0,
                   "canonical form is not a fixed point:\n%s\n%s", w.canonical, w2.canonical);
        FUZZ_CHECK(w.tlp == w2.tlp && w.urgency == w2.urgency && w.severity == w2.severity &&
                       w.certainty == w2.certainty && w.ack_minutes == w2.ack_minutes &&
                       w.has_area == w2.has_area && w.nusers == w2.nusers &&
                       w.norgs == w2.norgs && w.area.n_polygons == w2.area.n_polygons &&
                       w.area.n_circles == w2.area.n_circles,
                   "the canonical form reads back to other values");
        bw_arena_release(&a2);
    }
    bw_arena_release(&a);
    return 0;
}
