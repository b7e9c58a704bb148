/*
 * plan.c — the rules of the national action plan (plan.h): statuses and the transitions
 * allowed between them, the overdue rule, the checks an action passes before it is
 * written, applying a change to an action (which also yields its history entry), the
 * summary `plan status` prints and the plan's progress over time.
 *
 * The transition table is the one place the lifecycle is written down; everything else
 * (the store, the commands) asks bw_plan_transition_allowed. Dates are YYYY-MM-DD, so
 * they compare as strings. The progress series sweeps the history once in date order,
 * keeping each action's latest entry in a table indexed by the action's rank among the
 * sorted action ids, and a running sum of the live actions' progress (O(n log n)). No I/O; thread-safe.
 */
#include "plan.h"
#include "alloc.h"
#include "error.h"
#include "framework.h"
#include "limits.h"
#include "threat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[BW_PLAN_NSTATUS] = {"planned", "in-progress", "blocked", "done",
                                                   "cancelled"};

/* allowed[from][to]; the diagonal (an update keeping the status) is always allowed. */
static const unsigned char allowed[BW_PLAN_NSTATUS][BW_PLAN_NSTATUS] = {
    /*                 planned in-prog blocked done cancelled */
    /* planned     */ {1, 1, 1, 0, 1},
    /* in-progress */ {0, 1, 1, 1, 1},
    /* blocked     */ {1, 1, 1, 0, 1},
    /* done        */ {0, 0, 0, 1, 0},
    /* cancelled   */ {0, 0, 0, 0, 1},
};

const char *bw_plan_status_name(enum bw_plan_status s)
{
    return (unsigned)s < BW_PLAN_NSTATUS ? names[s] : "?";
}

int bw_plan_status_parse(const char *name, enum bw_plan_status *out, struct bw_diag *d)
{
    for (int i = 0; name && i < BW_PLAN_NSTATUS; i++)
        if (strcmp(names[i], name) == 0) {
            *out = (enum bw_plan_status)i;
            return BW_OK;
        }
    return bw_diag_set(d, BW_EINVAL, "status", "unknown status '%s' (planned, in-progress, "
                       "blocked, done, cancelled)", name ? name : "");
}

int bw_plan_transition_allowed(enum bw_plan_status from, enum bw_plan_status to)
{
    if ((unsigned)from >= BW_PLAN_NSTATUS || (unsigned)to >= BW_PLAN_NSTATUS)
        return 0;
    return allowed[from][to];
}

int bw_plan_overdue(enum bw_plan_status st, const char *due, const char *today)
{
    if (st == BW_PLAN_DONE || st == BW_PLAN_CANCELLED || !due || !today)
        return 0;
    return strcmp(due, today) < 0;
}

static int check_money(double v, const char *field, struct bw_diag *d)
{
    if (!isfinite(v) || v < 0)
        return bw_diag_set(d, BW_ERANGE, field, "%s must be a finite amount >= 0 (got %g)",
                           field, v);
    return BW_OK;
}

static int check_text(const char *s, const char *field, int required, struct bw_diag *d)
{
    if (!s || !*s)
        return required ? bw_diag_set(d, BW_EINVAL, field, "%s must not be empty", field)
                        : BW_OK;
    if (strlen(s) > BW_TEXT_MAX)
        return bw_diag_set(d, BW_ETOOBIG, field, "%s is longer than %d bytes", field,
                           BW_TEXT_MAX);
    return BW_OK;
}

int bw_plan_action_check(const bw_pack *p, const struct bw_plan_action *a, struct bw_diag *d)
{
    int rc;

    if ((rc = check_text(a->title, "title", 1, d)) || (rc = check_text(a->note, "note", 0, d)))
        return rc;
    if (a->nsupport > BW_PLAN_LIST_MAX || a->nindicators > BW_PLAN_LIST_MAX ||
        a->nsites > BW_PLAN_LIST_MAX)
        return bw_diag_set(d, BW_ETOOBIG, a->nsupport > BW_PLAN_LIST_MAX ? "support"
                                          : a->nindicators > BW_PLAN_LIST_MAX ? "indicator"
                                                                               : "site",
                           "more than %d entries", BW_PLAN_LIST_MAX);
    for (size_t i = 0; i < a->nindicators; i++)
        if (!bw_pack_fw_indicator(p, a->indicators[i]))
            return bw_diag_set(d, BW_EREF, "indicator", "unknown indicator '%s' (see `bulwark "
                               "framework score`)", a->indicators[i]);
    if (a->due && !bw_date_valid(a->due))
        return bw_diag_set(d, BW_EINVAL, "due", "'%s' is not a date (YYYY-MM-DD)", a->due);
    if ((unsigned)a->status >= BW_PLAN_NSTATUS)
        return bw_diag_set(d, BW_EINVAL, "status", "unknown status %d", (int)a->status);
    if (a->progress < 0 || a->progress > 100)
        return bw_diag_set(d, BW_ERANGE, "progress", "progress %d is outside 0..100",
                           a->progress);
    if ((rc = check_money(a->capital, "capital", d)) || (rc = check_money(a->yearly, "yearly", d)) ||
        (rc = check_money(a->spent, "spent", d)))
        return rc;
    return BW_OK;
}

int bw_plan_change_apply(const struct bw_plan_action *cur, const struct bw_plan_change *c,
                         const char *today, struct bw_plan_action *next,
                         struct bw_plan_update *u, struct bw_diag *d)
{
    int rc;

    *next = *cur;
    if (c->set_status) {
        if (!bw_plan_transition_allowed(cur->status, c->status))
            return bw_diag_set(d, BW_EINVAL, "status", "action %lld cannot go from %s to %s "
                               "(allowed: see `bulwark plan --help`)", (long long)cur->id,
                               bw_plan_status_name(cur->status), bw_plan_status_name(c->status));
        next->status = c->status;
    }
    if (c->progress != -1) {
        if (c->progress < 0 || c->progress > 100)
            return bw_diag_set(d, BW_ERANGE, "progress", "progress %d is outside 0..100",
                               c->progress);
        next->progress = c->progress;
    }
    if (next->status == BW_PLAN_DONE) {
        if (c->progress != -1 && c->progress < 100)
            return bw_diag_set(d, BW_EINVAL, "progress", "a done action is 100%% complete "
                               "(got %d)", c->progress);
        next->progress = 100;
    }
    if (c->lead)
        next->lead = c->lead;
    if (c->due) {
        if (!bw_date_valid(c->due))
            return bw_diag_set(d, BW_EINVAL, "due", "'%s' is not a date (YYYY-MM-DD)", c->due);
        next->due = c->due;
    }
    if (c->set_spent) {
        if ((rc = check_money(c->spent, "spent", d)))
            return rc;
        next->spent = c->spent;
    }
    if (c->date && !bw_date_valid(c->date))
        return bw_diag_set(d, BW_EINVAL, "date", "'%s' is not a date (YYYY-MM-DD)", c->date);
    if ((rc = check_text(c->note, "note", 0, d)) || (rc = check_text(c->who, "who", 0, d)) ||
        (rc = check_text(c->lead, "lead", 0, d)))
        return rc;
    *u = (struct bw_plan_update){0, cur->id, c->date ? c->date : today, c->who, next->status,
                                 next->progress, next->spent, c->note};
    return BW_OK;
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int bw_plan_date_add(const char *date, int days, char out[11])
{
    int64_t y;
    unsigned m, d;
    if (!date || !bw_date_valid(date))
        return BW_EINVAL;
    y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    m = (unsigned)((date[5] - '0') * 10 + (date[6] - '0'));
    d = (unsigned)((date[8] - '0') * 10 + (date[9] - '0'));
    civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return BW_EINVAL;
    snprintf(out, 11, "%04d-%02u-%02u", (int)y, m % 13, d % 32); /* m 1..12, d 1..31 */
    return BW_OK;
}

void bw_plan_summarise(const struct bw_plan *pl, const char *today, struct bw_plan_summary *out)
{
    size_t live = 0;
    double sum = 0;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < pl->nactions; i++) {
        const struct bw_plan_action *a = &pl->actions[i];
        if ((unsigned)a->status < BW_PLAN_NSTATUS)
            out->count[a->status]++;
        out->overdue += (size_t)bw_plan_overdue(a->status, a->due, today);
        out->spent += a->spent;
        if (a->status == BW_PLAN_CANCELLED)
            continue;
        out->capital += a->capital;
        out->yearly += a->yearly;
        sum += a->progress;
        live++;
    }
    out->progress = live ? sum / (double)live : 0;
    for (size_t i = 0; i < pl->nmilestones; i++) {
        const struct bw_plan_milestone *m = &pl->milestones[i];
        out->milestones++;
        out->milestones_done += (size_t)(m->done != 0);
        out->milestones_overdue += (size_t)(!m->done && m->date && strcmp(m->date, today) < 0);
    }
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static size_t rank_of(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int bw_plan_progress_series(const struct bw_plan_update *u, size_t n, struct bw_plan_point *out,
                            size_t cap, size_t *np)
{
    int64_t *ids = NULL;
    const struct bw_plan_update **latest = NULL;
    struct bw_plan_point *pts = NULL;
    size_t nids = 0, npts = 0, bytes, live = 0;
    int64_t sum = 0; /* progress is whole percent, so the running sum is exact */
    int rc = BW_ENOMEM;

    *np = 0;
    if (n == 0)
        return BW_OK;
    if (bw_mul_size(n, sizeof *ids, &bytes) || !(ids = bw_malloc(bytes)) ||
        !(latest = bw_calloc(n, sizeof *latest)) || !(pts = bw_calloc(n, sizeof *pts)))
        goto out;
    for (size_t i = 0; i < n; i++)
        ids[i] = u[i].action;
    qsort(ids, n, sizeof *ids, cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ids[i] != ids[nids - 1])
            ids[nids++] = ids[i];
    for (size_t i = 0; i < n; i++) {
        size_t r = rank_of(ids, nids, u[i].action);
        /* Replace the action's contribution to the running sum by its newest entry's. */
        if (latest[r] && latest[r]->status != BW_PLAN_CANCELLED) {
            sum -= latest[r]->progress;
            live--;
        }
        latest[r] = &u[i];
        if (u[i].status != BW_PLAN_CANCELLED) {
            sum += u[i].progress;
            live++;
        }
        /* A point after the last entry of each date. */
        if (i + 1 == n || strcmp(u[i + 1].date, u[i].date) != 0)
            pts[npts++] = (struct bw_plan_point){u[i].date, live ? (double)sum / (double)live : 0,
                                                 live};
    }
    if (npts > cap) {
        memcpy(out, pts + (npts - cap), cap * sizeof *out);
        *np = cap;
    } else {
        if (npts)
            memcpy(out, pts, npts * sizeof *out);
        *np = npts;
    }
    rc = BW_OK;
out:
    bw_free(ids);
    bw_free((void *)latest);
    bw_free(pts);
    return rc;
}
