/*
 * atom.c — the Atom 1.0 feed (RFC 4287) of public CAP alerts (atom.h, docs/cap.md).
 *
 * Written with libxml2's xmlTextWriter like the CAP files, so escaping is the library's
 * and the bytes depend on the input alone. The feed carries what RFC 4287 §4.1.1
 * requires (id, title, updated, an author, a self link) and each entry its id, title,
 * updated and an alternate link to the CAP file, which stands in for atom:content
 * (§4.1.1.1: an entry without content needs an alternate link). Entry ids are URNs
 * built from the CAP identifier percent-encoded (RFC 3986 unreserved characters kept),
 * so any identifier CAP allows gives a valid IRI. Categories are those of every info
 * of the alert, each once, in the order first met. Thread-safety: reentrant.
 */
#include "atom.h"

#include <libxml/xmlwriter.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The URI of the CAP category vocabulary, used as the categories' scheme. */
#define CAP_CATEGORY_SCHEME BW_CAP_NS "#category"

struct aw {
    xmlTextWriterPtr w;
    int err;
};

static void el(struct aw *w, const char *name, const char *text)
{
    if (!w->err && text && xmlTextWriterWriteElement(w->w, BAD_CAST name, BAD_CAST text) < 0)
        w->err = 1;
}

static void start(struct aw *w, const char *name)
{
    if (!w->err && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
        w->err = 1;
}

static void attr(struct aw *w, const char *name, const char *value)
{
    if (!w->err && xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST value) < 0)
        w->err = 1;
}

static void end(struct aw *w)
{
    if (!w->err && xmlTextWriterEndElement(w->w) < 0)
        w->err = 1;
}

static void link_el(struct aw *w, const char *rel, const char *type, const char *href)
{
    start(w, "link");
    attr(w, "rel", rel);
    if (type)
        attr(w, "type", type);
    attr(w, "href", href);
    end(w);
}

/* "urn:bulwark:cap:" + the identifier with everything but RFC 3986 unreserved
 * characters percent-encoded. Returns a new xmlBuffer or NULL. */
static xmlBufferPtr entry_id(const char *identifier)
{
    static const char hex[] = "0123456789ABCDEF";
    xmlBufferPtr b = xmlBufferCreate();

    if (!b || xmlBufferCCat(b, "urn:bulwark:cap:")) {
        xmlBufferFree(b);
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)identifier; *p; p++) {
        char e[4] = {(char)*p, 0, 0, 0};
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.' || *p == '_' || *p == '~')) {
            e[0] = '%';
            e[1] = hex[*p >> 4];
            e[2] = hex[*p & 15];
        }
        if (xmlBufferCCat(b, e)) {
            xmlBufferFree(b);
            return NULL;
        }
    }
    return b;
}

static void write_entry(struct aw *w, const struct bw_atom_entry *e)
{
    const struct bw_cap_alert *a = e->alert;
    const struct bw_cap_info *first = a->n_infos ? &a->infos[0] : NULL;
    const char *title = a->identifier;
    int seen[BW_CAP_CAT_COUNT] = {0};
    xmlBufferPtr id = entry_id(a->identifier);

    if (!id) {
        w->err = 1;
        return;
    }
    if (first && first->headline && *first->headline)
        title = first->headline;
    else if (first && first->event && *first->event)
        title = first->event;
    start(w, "entry");
    el(w, "id", (const char *)xmlBufferContent(id));
    el(w, "title", title);
    el(w, "updated", a->sent);
    if (first && first->description)
        el(w, "summary", first->description);
    link_el(w, "alternate", BW_CAP_MIME, e->cap_url);
    for (size_t i = 0; i < a->n_infos; i++)
        for (size_t k = 0; k < a->infos[i].n_categories; k++) {
            enum bw_cap_category c = a->infos[i].categories[k];
            if (seen[c])
                continue;
            seen[c] = 1;
            start(w, "category");
            attr(w, "term", bw_cap_category_names[c]);
            attr(w, "scheme", CAP_CATEGORY_SCHEME);
            end(w);
        }
    end(w);
    xmlBufferFree(id);
}

int bw_atom_write(const struct bw_atom_feed *feed, const struct bw_atom_entry *entries, size_t n,
                  struct bw_buf *out, struct bw_diag *d)
{
    struct aw w = {NULL, 0};
    xmlBufferPtr xb = NULL;
    const char *updated = feed->updated;
    time_t latest = 0;
    char field[BW_DIAG_FIELD_MAX];
    int rc = BW_OK;

    if (!feed->id || !*feed->id || !feed->title || !feed->self_url || !*feed->self_url ||
        !feed->author || !*feed->author)
        return bw_diag_set(d, BW_EINVAL, "feed",
                           "a feed needs an id, a title, a self URL and an author (RFC 4287)");
    if (n && !entries)
        return bw_diag_set(d, BW_EINVAL, "feed", "entries missing");
    for (size_t i = 0; i < n; i++) {
        const struct bw_cap_alert *a = entries[i].alert;
        time_t t;
        snprintf(field, sizeof field, "entry[%zu]", i);
        if (!a || !entries[i].cap_url || !*entries[i].cap_url)
            return bw_diag_set(d, BW_EINVAL, field, "an entry needs an alert and its CAP file URL");
        if ((rc = bw_cap_check(a, d))) {
            if (d) { /* prefix the alert's field with the entry */
                char f[2 * BW_DIAG_FIELD_MAX + 2];
                snprintf(f, sizeof f, "%s.%s", field, d->field);
                f[BW_DIAG_FIELD_MAX - 1] = '\0'; /* a path longer than the field is cut */
                memcpy(d->field, f, BW_DIAG_FIELD_MAX);
            }
            return rc;
        }
        if (a->scope != BW_CAP_SCOPE_PUBLIC)
            return bw_diag_set(d, BW_EINVAL, field,
                               "alert '%s' has scope %s; only Public alerts go in the public feed",
                               a->identifier, bw_cap_scope_names[a->scope]);
        bw_cap_time_parse(a->sent, &t); /* checked above */
        if (!feed->updated && (i == 0 || t > latest)) {
            latest = t;
            updated = a->sent;
        }
    }
    if (!updated || bw_cap_time_parse(updated, NULL) != BW_OK)
        return bw_diag_set(d, BW_EINVAL, "updated",
                           "the feed needs an updated time (YYYY-MM-DDThh:mm:ss+hh:mm)%s",
                           n ? "" : "; with no entries it must be given");
    bw_cap_init();
    xb = xmlBufferCreate();
    if (!xb || !(w.w = xmlNewTextWriterMemory(xb, 0))) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if (xmlTextWriterSetIndent(w.w, 1) < 0 ||
        xmlTextWriterSetIndentString(w.w, BAD_CAST "  ") < 0 ||
        xmlTextWriterStartDocument(w.w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElementNS(w.w, NULL, BAD_CAST "feed", BAD_CAST BW_ATOM_NS) < 0)
        w.err = 1;
    el(&w, "id", feed->id);
    el(&w, "title", feed->title);
    el(&w, "updated", updated);
    start(&w, "author");
    el(&w, "name", feed->author);
    end(&w);
    link_el(&w, "self", "application/atom+xml", feed->self_url);
    for (size_t i = 0; i < n; i++)
        write_entry(&w, &entries[i]);
    if (!w.err && xmlTextWriterEndDocument(w.w) < 0)
        w.err = 1;
    if (w.err) {
        rc = bw_diag_set(d, BW_ENOMEM, NULL, "writing the Atom feed failed");
        goto out;
    }
    xmlFreeTextWriter(w.w);
    w.w = NULL;
    if ((rc = bw_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb))))
        rc = bw_diag_set(d, rc, NULL, "the feed does not fit (%d bytes)", xmlBufferLength(xb));
out:
    if (w.w)
        xmlFreeTextWriter(w.w);
    if (xb)
        xmlBufferFree(xb);
    return rc;
}
