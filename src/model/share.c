/*
 * share.c — TLP 2.0 markings, the warning life cycle, acknowledgement statuses and the
 * kinds of report from the field (share.h).
 *
 * Every vocabulary is one static name table and one parse through the same lookup, so a
 * name and its parse cannot drift apart. The life-cycle rules are a pure function of the
 * warning's state and the actor (bw_warning_step_check): the store records the step, the
 * app layer asks this first, and the tests walk every state × action × role.
 */
#include "share.h"
#include "error.h"
#include "user.h"

#include <stdio.h>
#include <string.h>

static const char *const tlp_names[BW_TLP_COUNT] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
                                                    "RED"};
static const char *const status_names[BW_WARN_STATUS_COUNT] = {"draft", "approved", "issued",
                                                               "cancelled"};
static const char *const action_names[BW_WSTEP_COUNT] = {"draft", "edit",   "approve",
                                                         "issue", "update", "cancel"};
static const char *const ack_names[BW_ACK_COUNT] = {"received", "acting", "not-concerned"};
static const char *const report_names[BW_REPORT_COUNT] = {
    "uas-sighting", "hostile-reconnaissance", "suspicious-purchase",
    "insider-concern", "attack", "other"};
static const char *const triage_names[BW_TRIAGE_COUNT] = {"new", "triaged", "dismissed",
                                                          "warning"};

static const char *name_of(const char *const *names, int n, int i)
{
    return i >= 0 && i < n ? names[i] : "?";
}

/* Looks @p s up in @p names; on failure fills @p d with the list of valid names. */
static int lookup(const char *const *names, int n, const char *s, const char *field,
                  const char *what, struct bw_diag *d, int *out)
{
    char list[160] = "";
    size_t used = 0;

    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return BW_OK;
        }
    for (int i = 0; i < n && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return bw_diag_set(d, BW_EINVAL, field, "'%s' is not %s (%s)", s ? s : "", what, list);
}

const char *bw_tlp_name(int tlp)
{
    return name_of(tlp_names, BW_TLP_COUNT, tlp);
}

int bw_tlp_parse(const char *s, const char *field, struct bw_diag *d, int *out)
{
    if (s && strncmp(s, "TLP:", 4) == 0)
        s += 4;
    return lookup(tlp_names, BW_TLP_COUNT, s, field ? field : "tlp", "a TLP 2.0 marking", d,
                  out);
}

int bw_tlp_audited(int tlp)
{
    return tlp >= BW_TLP_AMBER && tlp < BW_TLP_COUNT;
}

const char *bw_warning_status_name(int st)
{
    return name_of(status_names, BW_WARN_STATUS_COUNT, st);
}

int bw_warning_status_parse(const char *s, struct bw_diag *d, int *out)
{
    return lookup(status_names, BW_WARN_STATUS_COUNT, s, "status", "a warning state", d, out);
}

const char *bw_warning_action_name(int a)
{
    return name_of(action_names, BW_WSTEP_COUNT, a);
}

const char *bw_ack_status_name(int s)
{
    return name_of(ack_names, BW_ACK_COUNT, s);
}

int bw_ack_status_parse(const char *s, struct bw_diag *d, int *out)
{
    return lookup(ack_names, BW_ACK_COUNT, s, "status", "an acknowledgement", d, out);
}

const char *bw_report_type_name(int t)
{
    return name_of(report_names, BW_REPORT_COUNT, t);
}

int bw_report_type_parse(const char *s, struct bw_diag *d, int *out)
{
    return lookup(report_names, BW_REPORT_COUNT, s, "type", "a kind of report", d, out);
}

const char *bw_triage_name(int t)
{
    return name_of(triage_names, BW_TRIAGE_COUNT, t);
}

int bw_triage_parse(const char *s, struct bw_diag *d, int *out)
{
    return lookup(triage_names, BW_TRIAGE_COUNT, s, "triage", "a triage state", d, out);
}

int bw_warning_step_check(int action, const struct bw_warning_step_ctx *c, struct bw_diag *d)
{
    const char *st = bw_warning_status_name(c->status);
    int authority = c->actor_role < 0 || bw_role_is_authority(c->actor_role);

    if (action < 0 || action >= BW_WSTEP_COUNT || c->status < 0 ||
        c->status >= BW_WARN_STATUS_COUNT)
        return bw_diag_set(d, BW_EINVAL, "action", "unknown step or state");
    if (!authority)
        return bw_diag_set(d, BW_EDENIED, "role",
                           "only the national authority (admin, analyst) may %s a warning; "
                           "'%s' is a %s",
                           action_names[action], c->actor ? c->actor : "?",
                           bw_role_name(c->actor_role));
    switch (action) {
    case BW_WSTEP_DRAFT:
        return BW_OK;
    case BW_WSTEP_EDIT:
        if (c->status == BW_WARN_DRAFT || c->status == BW_WARN_APPROVED)
            return BW_OK;
        return bw_diag_set(d, BW_ESTATE, "status",
                           "a warning is edited before it is issued; this one is %s (send an "
                           "update instead)",
                           st);
    case BW_WSTEP_APPROVE:
        if (c->status != BW_WARN_DRAFT)
            return bw_diag_set(d, BW_ESTATE, "status", "only a draft is approved; this one is %s",
                               st);
        if (c->actor && c->drafted_by && strcmp(c->actor, c->drafted_by) == 0)
            return bw_diag_set(d, BW_EDENIED, "approver",
                               "'%s' drafted this warning: a second person must approve it",
                               c->actor);
        return BW_OK;
    case BW_WSTEP_ISSUE:
        if (c->status == BW_WARN_APPROVED || (c->status == BW_WARN_DRAFT && !c->national))
            return BW_OK;
        if (c->status == BW_WARN_DRAFT)
            return bw_diag_set(d, BW_ESTATE, "status",
                               "a national warning must be approved by a second person before "
                               "it is issued");
        return bw_diag_set(d, BW_ESTATE, "status", "this warning is already %s", st);
    case BW_WSTEP_UPDATE:
        if (c->status == BW_WARN_ISSUED)
            return BW_OK;
        return bw_diag_set(d, BW_ESTATE, "status",
                           "only an issued warning is updated; this one is %s", st);
    case BW_WSTEP_CANCEL:
        if (c->status != BW_WARN_CANCELLED)
            return BW_OK;
        return bw_diag_set(d, BW_ESTATE, "status", "this warning is already cancelled");
    default:
        return bw_diag_set(d, BW_EINVAL, "action", "unknown step");
    }
}

int bw_warning_next_status(int action, int status)
{
    switch (action) {
    case BW_WSTEP_DRAFT:
    case BW_WSTEP_EDIT:
        return BW_WARN_DRAFT;
    case BW_WSTEP_APPROVE:
        return BW_WARN_APPROVED;
    case BW_WSTEP_ISSUE:
    case BW_WSTEP_UPDATE:
        return BW_WARN_ISSUED;
    case BW_WSTEP_CANCEL:
        return BW_WARN_CANCELLED;
    default:
        return status;
    }
}
