/*
 * atom.h — an Atom 1.0 feed (RFC 4287) of public CAP alerts: the feed `/cap/feed.atom`
 * serves (docs/cap.md, "The public feed").
 *
 * One entry per alert: id "urn:bulwark:cap:" + the percent-encoded identifier, title the
 * first info's headline (else its event, else the identifier), updated the alert's
 * sent time, summary the first info's description, a link to the CAP file
 * (rel="alternate", type="application/cap+xml") and one category per CAP category of
 * every info. Only alerts with scope Public may appear: a feed is public by nature, so
 * the writer refuses anything else rather than trusting every caller to filter.
 *
 * Ownership: everything is borrowed for the duration of the call. Thread-safety:
 * reentrant (libxml2's writer, one per call).
 */
#ifndef BW_ATOM_H
#define BW_ATOM_H

#include "buf.h"
#include "cap.h"
#include "error.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The Atom namespace. */
#define BW_ATOM_NS "http://www.w3.org/2005/Atom"

/** The feed's own elements. id, title, self_url and author are required. */
struct bw_atom_feed {
    const char *id;       /**< an IRI that never changes, e.g. "urn:bulwark:cap:feed:NAME" */
    const char *title;    /**< e.g. "Public warnings" */
    const char *self_url; /**< where the feed is served (rel="self") */
    const char *author;   /**< the issuing authority's name */
    const char *updated;  /**< RFC 3339 time, or NULL for the latest sent of the entries
                               (required when there are no entries) */
};

/** One entry: a public alert and the URL of its CAP file. */
struct bw_atom_entry {
    const struct bw_cap_alert *alert;
    const char *cap_url;
};

/**
 * Appends the feed with @p n entries, in the order given, to @p out. Every alert is
 * checked with bw_cap_check and must have scope Public. Returns BW_OK, BW_EINVAL (with
 * @p d naming "entry[i]" and the field), BW_ETOOBIG or BW_ENOMEM; on error @p out is
 * left as it was.
 */
int bw_atom_write(const struct bw_atom_feed *feed, const struct bw_atom_entry *entries, size_t n,
                  struct bw_buf *out, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
