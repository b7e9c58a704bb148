/*
 * warning.h — warnings of the information-sharing network: the warning document, its
 * life cycle (draft → approve → issue → update / cancel), targeting, CAP 1.2 output
 * signed with Ed25519, acknowledgements and escalation, and reports turned into
 * warnings (app layer: reads and writes the store, uses the CAP writer and the signer).
 *
 * A warning document is JSON (docs/sharing.md, "The warning document"):
 *   {"tlp": "AMBER", "national": true, "exercise": false,
 *    "event": "...", "headline": "...", "description": "...", "instruction": "...",
 *    "category": "Security", "urgency": "Expected", "severity": "Severe",
 *    "certainty": "Likely", "response": ["Prepare"], "expires": "2026-12-02T18:00:00-00:00",
 *    "ack_minutes": 60,
 *    "area": {"description": "...", "circles": [{"lat": .., "lon": .., "radius_km": ..}],
 *             "polygons": [[[lat, lon], ...]]},
 *    "sectors": [...], "categories": [...], "orgs": [...], "users": [...],
 *    "org": "author organisation (CLI only)", "report": 12}
 * Unknown members, wrong types and values outside the CAP and pack vocabularies are
 * refused with the member named. Recipients (bw_warning_recipients): the operators of
 * the sites in the area (all of them, or those of the categories / sectors named), the
 * organisations holding a role at those sites (responders), the named organisations
 * and the named users; without an area, the sites of the categories / sectors named.
 *
 * Who acts: a principal (the server's caller, or a user named with the CLI's --as); a
 * NULL principal is the local CLI (actor "cli:<login>", trusted as the authority but
 * held to the second-person rule). Ownership: results live in the arena given.
 * Thread-safety: one store handle per thread; the functions keep no state.
 */
#ifndef BW_WARNING_H
#define BW_WARNING_H

#include "cap.h"
#include "pack.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_buf;
struct bw_diag;

/** Most members of each targeting list and most areas of one kind. */
#define BW_WARNING_LIST_MAX 10000
/** Longest text member (description, instruction), bytes. */
#define BW_WARNING_TEXT_MAX 16384

/** A parsed, checked warning document. */
struct bw_warning_doc {
    int tlp, national, exercise;
    const char *event, *headline, *description, *instruction, *web, *contact, *language;
    enum bw_cap_category category;
    enum bw_cap_urgency urgency;
    enum bw_cap_severity severity;
    enum bw_cap_certainty certainty;
    enum bw_cap_response *responses;
    size_t nresponses;
    const char *expires;       /**< CAP dateTime, or NULL */
    int64_t ack_minutes;
    int has_area;
    struct bw_cap_area area;   /**< when has_area */
    const char **sectors, **categories, **orgs, **users;
    size_t nsectors, ncategories, norgs, nusers;
    const char *org;           /**< author organisation given in the document, or NULL */
    int64_t report;            /**< the report it answers, or 0 */
    const char *canonical;     /**< the document as compact JSON with sorted keys */
};

/** The members a warning document may have, NULL-terminated. */
extern const char *const bw_warning_doc_members[];

/**
 * Parses and checks a warning document (@p name labels errors, e.g. the file name).
 * BW_EPARSE / BW_EINVAL / BW_EREF / BW_ETOOBIG with @p d naming the member.
 */
int bw_warning_doc_parse(const bw_pack *p, const char *json, size_t n, const char *name,
                         struct bw_arena *a, struct bw_warning_doc *out, struct bw_diag *d);

/**
 * Resolves the recipients of @p doc from the register (the header comment's rule).
 * *out lives in @p a; *n counts organisations and users; *nsites the sites matched.
 */
int bw_warning_recipients(bw_store *s, const bw_pack *p, const struct bw_warning_doc *doc,
                          struct bw_arena *a, struct bw_recipient **out, size_t *n,
                          size_t *nsites, struct bw_diag *d);

/** Where the CAP signing key lives and the clock (NULL: now) for one operation. */
struct bw_warning_env {
    const char *key_dir;  /**< directory of cap-signing.key / .pub (created on first issue) */
    const char *now;      /**< ISO 8601 UTC, or NULL */
    const char *cli_user; /**< actor name when the principal is NULL ("cli:<login>") */
};

/** Drafts a warning from a document; sets *id. */
int bw_warning_draft(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                     const struct bw_warning_env *env, const char *json, size_t n,
                     const char *name, int64_t *id, struct bw_diag *d);
/** Replaces the content of a draft or approved warning (it goes back to draft). */
int bw_warning_edit(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                    const struct bw_warning_env *env, int64_t id, const char *json, size_t n,
                    const char *name, struct bw_diag *d);
/** Approves a draft (a second person of the authority). */
int bw_warning_approve(bw_store *s, const struct bw_principal *who,
                       const struct bw_warning_env *env, int64_t id, const char *note,
                       struct bw_diag *d);

/** What an issue, update or cancel did. */
struct bw_warning_result {
    int64_t id, seq;
    size_t recipients, sites;
    const char *identifier; /**< of the CAP message (in the arena) */
    const char *signature;  /**< its signature line */
    double resolve_s, total_s; /**< time to resolve recipients, and for the whole step */
};

/**
 * Issues (BW_WSTEP_ISSUE), updates (BW_WSTEP_UPDATE with a new document @p json) or
 * cancels (BW_WSTEP_CANCEL) warning @p id: resolves the recipients, writes the CAP 1.2
 * message (Alert / Update / Cancel, referencing the earlier ones), signs it, and stores
 * everything with the deliveries queued in one transaction.
 */
int bw_warning_publish(bw_store *s, const bw_pack *p, const struct bw_principal *who,
                       const struct bw_warning_env *env, int64_t id, int action,
                       const char *json, size_t n, const char *note, struct bw_arena *a,
                       struct bw_warning_result *out, struct bw_diag *d);

/**
 * Builds the CAP alert of warning @p w with document @p doc for message @p seq of type
 * @p msg_type, at CAP time @p sent, referencing @p references (or NULL).
 */
int bw_warning_to_cap(const struct bw_warning *w, const struct bw_warning_doc *doc,
                      const char *sender, int64_t seq, enum bw_cap_msg_type msg_type,
                      const char *sent, const char *references, struct bw_arena *a,
                      struct bw_cap_alert *out);

/**
 * Acknowledges issued warning @p id for the caller's organisation (or, from the CLI,
 * for @p org). Viewers and assessors may not acknowledge.
 */
int bw_warning_ack(bw_store *s, const struct bw_principal *who,
                   const struct bw_warning_env *env, int64_t id, const char *org,
                   const char *status, const char *note, struct bw_diag *d);

/**
 * Imports a partner's CAP 1.2 alert (authority only): parsed safely (bw_cap_parse: no
 * DTD, no entities, no network) and kept as a note of the caller's organisation whose
 * body is the XML as received — TLP:CLEAR when its scope is Public, TLP:AMBER otherwise
 * (shared further only by extending the note's distribution). Sets *id to the note.
 */
int bw_warning_import(bw_store *s, const struct bw_principal *who,
                      const struct bw_warning_env *env, const char *xml, size_t n,
                      const char *name, const char *org, int64_t *id, struct bw_diag *d);

/** The signing key pair under env->key_dir, created when absent. */
int bw_warning_key(const struct bw_warning_env *env, unsigned char sk[64], char keyid[17],
                   char pk_b64[48], struct bw_diag *d);

/* ---- JSON shapes shared by the CLI's --json and the API (jansson; caller owns) ---- */
typedef struct json_t json_t;
/** A warning: id, tlp, status, version, national, author, org, times, counts, and with
 *  @p with_doc the document. */
json_t *bw_warning_json(const struct bw_warning *w, int with_doc);
/** An acknowledgement row. */
json_t *bw_ack_json(const struct bw_ack *a);
/** A report from the field. */
json_t *bw_report_json(const struct bw_report *r);
/** A note. */
json_t *bw_note_json(const struct bw_note *n);

#ifdef __cplusplus
}
#endif
#endif
