/*
 * designate.h — applying the pack's designation criteria to one site.
 *
 * Two kinds of designation, both from the pack: capacity tiers for premises (e.g. the
 * UK Terrorism (Protection of Premises) Act 2025: standard 200–799, enhanced 800+,
 * with categories such as places of worship capped at standard), and critical-
 * infrastructure significance criteria (EU CER directive Art. 7(1): users served,
 * dependants, geographic reach) for sites of a CI sector or of a category linked to
 * one. A site is designated when it gets a tier or meets any criterion. Every
 * decision carries its reasons. Pure function; thread-safe.
 */
#ifndef BW_DESIGNATE_H
#define BW_DESIGNATE_H

#include "pack.h"
#include "site.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_buf;

/** The outcome for one site. */
struct bw_designation {
    const struct bw_tier *tier; /**< borrowed from the pack, or NULL */
    int critical;               /**< a CI criterion is met */
    int designated;             /**< tier != NULL || critical */
};

/**
 * Decides for @p site given its dependency summary @p l, and appends the reasons as a
 * JSON array of strings to @p reasons. Returns BW_OK, BW_EREF (category not in the pack)
 * or BW_ENOMEM/BW_ETOOBIG from the buffer.
 */
int bw_designate_site(const bw_pack *pack, const struct bw_site *site,
                      const struct bw_site_links *l, struct bw_designation *out,
                      struct bw_buf *reasons);

#ifdef __cplusplus
}
#endif
#endif
