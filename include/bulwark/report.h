/*
 * report.h — reports from the field and shared notes (app layer): who may file, triage
 * and share what, on top of the store's TLP policy.
 *
 * Rules (docs/sharing.md, "Reports and notes"): operators, responders and the national
 * authority file reports (viewers and assessors read only); a report goes to the
 * author's organisation and every authority organisation, plus any organisations and
 * users named. Only the authority triages (new → triaged | dismissed | warning).
 * Notes — an intelligence note, or a detail about a site shared with others — are
 * written by the authority, and by operators and responders about sites they may see;
 * sharing a site detail with an organisation lets it see that site.
 *
 * Ownership: inputs borrowed for the call. Thread-safety: one store handle per thread.
 */
#ifndef BW_REPORT_H
#define BW_REPORT_H

#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** Names given with a report or note: organisations and users added to its recipients. */
struct bw_named {
    const char *const *orgs;
    size_t norgs;
    const char *const *users;
    size_t nusers;
};

/** Files report @p r for @p who (NULL: the CLI, with r->item author fields set). */
int bw_report_file(bw_store *s, const struct bw_principal *who, struct bw_report *r,
                   const struct bw_named *named, struct bw_diag *d);
/** Triages report @p id (authority only). */
int bw_report_triage(bw_store *s, const struct bw_principal *who, int64_t id,
                     const char *triage, struct bw_diag *d);
/** Adds note @p n for @p who (NULL: the CLI). */
int bw_note_add(bw_store *s, const struct bw_principal *who, struct bw_note *n,
                const struct bw_named *named, struct bw_diag *d);

#ifdef __cplusplus
}
#endif
#endif
