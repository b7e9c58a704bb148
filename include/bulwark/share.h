/*
 * share.h — the vocabulary of the information-sharing network: TLP 2.0 markings, the
 * warning life cycle and who may take each step, acknowledgements, and reports from the
 * field.
 *
 * TLP 2.0 (FIRST, 5 August 2022; docs/sharing.md): CLEAR — anyone, also the public feed;
 * GREEN — the community, i.e. every account of the platform; AMBER — the organisations
 * in the item's distribution (and the clients a recipient organisation adds);
 * AMBER+STRICT — the organisations in the distribution only (recipients cannot extend
 * it); RED — the named users in the distribution only. The author's organisation always
 * reads its own items, except RED ones, which only their author and the named users read.
 *
 * A warning goes draft → approved → issued → (update …) → cancelled. Drafting, approving,
 * issuing, updating and cancelling are for the national authority (admin, analyst); a
 * national warning must be approved by a second person, not its drafter, before it is
 * issued; a local one may be issued from draft. bw_warning_step_check says whether a
 * step is allowed and, if not, why.
 *
 * Ownership: names are static strings. Pure functions; thread-safe.
 */
#ifndef BW_SHARE_H
#define BW_SHARE_H

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** TLP 2.0 markings, least restrictive first. */
enum bw_tlp { BW_TLP_CLEAR = 0, BW_TLP_GREEN, BW_TLP_AMBER, BW_TLP_AMBER_STRICT, BW_TLP_RED,
              BW_TLP_COUNT };

/** "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"; "?" when out of range. */
const char *bw_tlp_name(int tlp);
/** Parses a marking, with or without the "TLP:" prefix, case-sensitive as FIRST writes
 *  them; BW_EINVAL (field @p field) listing the five labels otherwise. */
int bw_tlp_parse(const char *s, const char *field, struct bw_diag *d, int *out);
/** 1 when reading an item of marking @p tlp is audited (AMBER, AMBER+STRICT, RED). */
int bw_tlp_audited(int tlp);

/** Warning states. */
enum bw_warning_status { BW_WARN_DRAFT = 0, BW_WARN_APPROVED, BW_WARN_ISSUED,
                         BW_WARN_CANCELLED, BW_WARN_STATUS_COUNT };
/** Steps of the life cycle (warning_step.action). */
enum bw_warning_action { BW_WSTEP_DRAFT = 0, BW_WSTEP_EDIT, BW_WSTEP_APPROVE, BW_WSTEP_ISSUE,
                         BW_WSTEP_UPDATE, BW_WSTEP_CANCEL, BW_WSTEP_COUNT };

const char *bw_warning_status_name(int st);
int bw_warning_status_parse(const char *s, struct bw_diag *d, int *out);
const char *bw_warning_action_name(int a);

/** Everything bw_warning_step_check needs to know about the warning and the actor. */
struct bw_warning_step_ctx {
    int status;              /**< enum bw_warning_status */
    int national;            /**< 1: needs a second person's approval */
    const char *drafted_by;  /**< actor who drafted it */
    const char *actor;       /**< who takes the step */
    int actor_role;          /**< enum bw_user_role, or -1 for the local CLI (trusted) */
};

/**
 * BW_OK when @p action may be taken; BW_EINVAL with @p d saying why otherwise:
 *   edit     draft or approved (editing an approved warning sends it back to draft)
 *   approve  draft, by an authority role, and not by its drafter
 *   issue    approved; or draft when not national; by an authority role
 *   update   issued, by an authority role
 *   cancel   issued (a CAP Cancel is sent) or draft/approved (withdrawn), authority role
 * The CLI acting locally (actor_role -1) counts as the authority but is still held to
 * the second-person rule through the named approver.
 */
int bw_warning_step_check(int action, const struct bw_warning_step_ctx *c, struct bw_diag *d);
/** The state after @p action from @p status (edit of an approved warning: draft). */
int bw_warning_next_status(int action, int status);

/** Acknowledgement statuses. */
enum bw_ack_status { BW_ACK_RECEIVED = 0, BW_ACK_ACTING, BW_ACK_NOT_CONCERNED, BW_ACK_COUNT };
const char *bw_ack_status_name(int s);
int bw_ack_status_parse(const char *s, struct bw_diag *d, int *out);

/** Kinds of report from the field. */
enum bw_report_type { BW_REPORT_UAS = 0, BW_REPORT_RECON, BW_REPORT_PURCHASE, BW_REPORT_INSIDER,
                      BW_REPORT_ATTACK, BW_REPORT_OTHER, BW_REPORT_COUNT };
/** "uas-sighting", "hostile-reconnaissance", "suspicious-purchase", "insider-concern",
 *  "attack", "other". */
const char *bw_report_type_name(int t);
int bw_report_type_parse(const char *s, struct bw_diag *d, int *out);

/** Triage states of a report: new → triaged | dismissed | warning (turned into one). */
enum bw_triage { BW_TRIAGE_NEW = 0, BW_TRIAGE_TRIAGED, BW_TRIAGE_DISMISSED, BW_TRIAGE_WARNING,
                 BW_TRIAGE_COUNT };
const char *bw_triage_name(int t);
int bw_triage_parse(const char *s, struct bw_diag *d, int *out);

#ifdef __cplusplus
}
#endif
#endif
