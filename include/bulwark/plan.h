/*
 * plan.h — the national action plan: objectives, their actions (lead and supporting
 * organisations, milestones, budget, framework indicators, sites, status, progress) and
 * the append-only history of status and progress updates.
 *
 * Statuses and the transitions allowed (anything else is refused; an update that keeps
 * the status only changes progress, lead, due date, spending or adds a note):
 *
 *     planned     -> in-progress, blocked, cancelled
 *     in-progress -> blocked, done, cancelled
 *     blocked     -> planned, in-progress, cancelled
 *     done        -> (none: done is final; reopening is a new action)
 *     cancelled   -> (none)
 *
 * Moving to done sets progress to 100; a done action cannot report less. An action is
 * overdue when it has a due date, is neither done nor cancelled, and the due date is
 * before today (due today is not overdue). A milestone is overdue when it is not done and
 * its date is before today.
 *
 * Ownership: records borrow their strings (from an arena or the caller); the functions
 * here copy nothing. Thread-safety: pure functions; thread-safe.
 */
#ifndef BW_PLAN_H
#define BW_PLAN_H

#include "pack.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** Statuses, in the order they are listed. */
enum bw_plan_status {
    BW_PLAN_PLANNED = 0,
    BW_PLAN_IN_PROGRESS,
    BW_PLAN_BLOCKED,
    BW_PLAN_DONE,
    BW_PLAN_CANCELLED
};
#define BW_PLAN_NSTATUS 5

/** At most this many supporting organisations, indicators, sites or milestones per action. */
#define BW_PLAN_LIST_MAX 4096

/** "planned", "in-progress", "blocked", "done", "cancelled". */
const char *bw_plan_status_name(enum bw_plan_status s);
/** Parses a status name. BW_OK, or BW_EINVAL (field "status") with @p d filled. */
int bw_plan_status_parse(const char *name, enum bw_plan_status *out, struct bw_diag *d);
/** 1 when the table above allows @p from -> @p to (or @p from == @p to), else 0. */
int bw_plan_transition_allowed(enum bw_plan_status from, enum bw_plan_status to);
/** 1 when an action with this status and due date (YYYY-MM-DD or NULL) is overdue on
 *  @p today (YYYY-MM-DD), else 0. */
int bw_plan_overdue(enum bw_plan_status st, const char *due, const char *today);

/** An objective of the plan. */
struct bw_plan_objective {
    int64_t id;
    const char *title;
    const char *area;   /**< framework area id (e.g. "A9"), or NULL */
    const char *origin; /**< "framework:<cycle>", "portfolio:<id>" or "manual" */
};

/** A milestone of an action. */
struct bw_plan_milestone {
    int64_t id, action;
    const char *date;  /**< YYYY-MM-DD */
    const char *title;
    int done;
};

/** An action. Lists are borrowed arrays of borrowed strings. */
struct bw_plan_action {
    int64_t id, objective;
    const char *title;
    const char *lead;                  /**< lead organisation (register org id), or NULL */
    const char *const *support;        /**< supporting organisations (org ids) */
    size_t nsupport;
    const char *const *indicators;     /**< framework indicator ids of the pack */
    size_t nindicators;
    const char *const *sites;          /**< site ids of the register */
    size_t nsites;
    const char *due;                   /**< YYYY-MM-DD, or NULL */
    enum bw_plan_status status;
    int progress;                      /**< 0..100 % */
    double capital, yearly;            /**< budget: capital, and yearly running cost */
    double spent;                      /**< spent so far */
    const char *priority;              /**< "high", "medium", "low", or NULL */
    const char *origin;                /**< as for objectives */
    const char *note;                  /**< free text, or NULL */
    const char *created;               /**< YYYY-MM-DD (filled by the store) */
};

/** One entry of the history: the status and progress an action had from @p date on. */
struct bw_plan_update {
    int64_t id, action;
    const char *date;  /**< YYYY-MM-DD */
    const char *who;   /**< or NULL */
    enum bw_plan_status status;
    int progress;
    double spent;
    const char *note;  /**< or NULL */
};

/** A whole plan, as bw_store_plan_load returns it. */
struct bw_plan {
    struct bw_plan_objective *objectives; /**< by id */
    size_t nobjectives;
    struct bw_plan_action *actions;       /**< by id */
    size_t nactions;
    struct bw_plan_milestone *milestones; /**< by action, date, id */
    size_t nmilestones;
    struct bw_plan_update *updates;       /**< by date, id */
    size_t nupdates;
};

/**
 * Checks an action before it is written: a title of 1..BW_TEXT_MAX bytes; every indicator
 * an indicator id of @p p's framework part (BW_EREF, field "indicator"); a valid due
 * date (field "due"); progress 0..100 (field "progress"); capital, yearly and spent
 * finite and not negative (BW_ERANGE, fields "capital", "yearly", "spent"); lists of at
 * most BW_PLAN_LIST_MAX. Organisations and sites are checked by the store, which knows
 * the register. Fills @p d.
 */
int bw_plan_action_check(const bw_pack *p, const struct bw_plan_action *a, struct bw_diag *d);

/** A change to an action: what is not set stays as it is. */
struct bw_plan_change {
    int set_status;
    enum bw_plan_status status;
    int progress;       /**< 0..100, or -1 unchanged */
    const char *lead;   /**< new lead org, or NULL unchanged */
    const char *due;    /**< new due date, or NULL unchanged */
    int set_spent;
    double spent;
    const char *note;   /**< goes into the history entry */
    const char *who;
    const char *date;   /**< the update's date (YYYY-MM-DD); NULL = today given */
};

/**
 * Applies @p c to @p cur into @p next (a copy of cur with the changes) and fills the
 * history entry @p u (action, date, who, status, progress, spent, note). Refuses a
 * transition the table does not allow (BW_EINVAL, field "status", naming both statuses),
 * progress outside 0..100 or below 100 on a done action (field "progress"), a bad due or
 * update date (fields "due", "date"), a negative or non-finite spending ("spent").
 * Moving to done sets progress 100. @p today is YYYY-MM-DD. Pure function.
 */
int bw_plan_change_apply(const struct bw_plan_action *cur, const struct bw_plan_change *c,
                         const char *today, struct bw_plan_action *next,
                         struct bw_plan_update *u, struct bw_diag *d);

/** @p date (YYYY-MM-DD) plus @p days (may be negative) into @p out, in the proleptic
 *  Gregorian calendar. BW_OK, or BW_EINVAL for a bad date. Pure function. */
int bw_plan_date_add(const char *date, int days, char out[11]);

/** What `plan status` reports. */
struct bw_plan_summary {
    size_t count[BW_PLAN_NSTATUS]; /**< actions per status */
    size_t overdue;                /**< actions overdue (bw_plan_overdue) */
    size_t milestones, milestones_done, milestones_overdue;
    double capital, yearly;        /**< committed: budgets of actions not cancelled */
    double spent;                  /**< spent on all actions */
    double progress;               /**< mean progress of the actions not cancelled, % (0 if none) */
};

/** Summarises @p pl on @p today. Pure function. */
void bw_plan_summarise(const struct bw_plan *pl, const char *today, struct bw_plan_summary *out);

/** The plan's mean progress as of one date. */
struct bw_plan_point {
    const char *date;  /**< borrowed from the update it comes from */
    double progress;   /**< mean latest progress of the actions existing and not cancelled */
    size_t actions;    /**< how many actions that mean is over */
};

/**
 * Progress over time from the history @p u[0..n) (sorted by date then id, as the store
 * returns it): one point per distinct date, in date order. At each date an action counts
 * when it has an entry on or before that date and its latest such entry is not
 * cancelled; the point is the mean of those entries' progress. Writes at most @p cap
 * points into @p out (the latest ones when there are more dates); *np is the count.
 * BW_OK or BW_ENOMEM. Pure function.
 */
int bw_plan_progress_series(const struct bw_plan_update *u, size_t n, struct bw_plan_point *out,
                             size_t cap, size_t *np);

#ifdef __cplusplus
}
#endif
#endif
