/*
 * test_plan.c — the rules of the national action plan (plan.h): the transition table,
 * the overdue rule, applying changes (with the history entry they produce), the checks
 * on an action, the summary, progress over time and date arithmetic.
 *
 * Every expected value is worked out by hand in the comments; the transition table is
 * written out again here, independently of plan.c, from the lifecycle in docs/plan.md.
 */
#include "unit.h"

#include "plan.h"

#include <math.h>
#include <stdlib.h>

static void test_status_names(void **state)
{
    (void)state;
    enum bw_plan_status st;
    struct bw_diag d;
    static const char *const names[] = {"planned", "in-progress", "blocked", "done",
                                        "cancelled"};
    for (int i = 0; i < BW_PLAN_NSTATUS; i++) {
        bw_diag_clear(&d);
        assert_string_equal(bw_plan_status_name((enum bw_plan_status)i), names[i]);
        assert_int_equal(bw_plan_status_parse(names[i], &st, &d), BW_OK);
        assert_int_equal(st, i);
    }
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_status_parse("finished", &st, &d), BW_EINVAL);
    assert_string_equal(d.field, "status");
    assert_non_null(strstr(d.msg, "unknown status 'finished'"));
    assert_int_equal(bw_plan_status_parse(NULL, &st, &d), BW_EINVAL);
}

/* The lifecycle of docs/plan.md:
 *   planned     -> in-progress, blocked, cancelled   (not straight to done)
 *   in-progress -> blocked, done, cancelled          (not back to planned)
 *   blocked     -> planned, in-progress, cancelled   (not straight to done)
 *   done, cancelled: final
 * and every status may stay as it is (an update of progress or a note). */
static void test_transitions(void **state)
{
    (void)state;
    const enum bw_plan_status P = BW_PLAN_PLANNED, I = BW_PLAN_IN_PROGRESS, B = BW_PLAN_BLOCKED,
                              D = BW_PLAN_DONE, C = BW_PLAN_CANCELLED;
    static const int want[5][5] = {
        /*        P  I  B  D  C */
        /* P */ {1, 1, 1, 0, 1},
        /* I */ {0, 1, 1, 1, 1},
        /* B */ {1, 1, 1, 0, 1},
        /* D */ {0, 0, 0, 1, 0},
        /* C */ {0, 0, 0, 0, 1},
    };
    for (int f = 0; f < 5; f++)
        for (int t = 0; t < 5; t++) {
            if (bw_plan_transition_allowed((enum bw_plan_status)f, (enum bw_plan_status)t) !=
                want[f][t])
                print_error("%s -> %s\n", bw_plan_status_name((enum bw_plan_status)f),
                            bw_plan_status_name((enum bw_plan_status)t));
            assert_int_equal(bw_plan_transition_allowed((enum bw_plan_status)f,
                                                        (enum bw_plan_status)t),
                             want[f][t]);
        }
    /* A typical life: planned -> in-progress -> blocked -> in-progress -> done. */
    assert_true(bw_plan_transition_allowed(P, I) && bw_plan_transition_allowed(I, B) &&
                bw_plan_transition_allowed(B, I) && bw_plan_transition_allowed(I, D));
    assert_false(bw_plan_transition_allowed(D, I)); /* no reopening */
    assert_false(bw_plan_transition_allowed(C, P));
    assert_false(bw_plan_transition_allowed((enum bw_plan_status)7, P));
    assert_false(bw_plan_transition_allowed(P, (enum bw_plan_status)-1));
}

static void test_overdue(void **state)
{
    (void)state;
    /* Due yesterday and still open: overdue; due today: not yet; no due date: never. */
    assert_true(bw_plan_overdue(BW_PLAN_PLANNED, "2026-11-30", "2026-12-01"));
    assert_true(bw_plan_overdue(BW_PLAN_IN_PROGRESS, "2026-11-30", "2026-12-01"));
    assert_true(bw_plan_overdue(BW_PLAN_BLOCKED, "2025-12-31", "2026-01-01"));
    assert_false(bw_plan_overdue(BW_PLAN_PLANNED, "2026-12-01", "2026-12-01"));
    assert_false(bw_plan_overdue(BW_PLAN_PLANNED, "2026-12-02", "2026-12-01"));
    assert_false(bw_plan_overdue(BW_PLAN_PLANNED, NULL, "2026-12-01"));
    /* Done or cancelled actions are never overdue. */
    assert_false(bw_plan_overdue(BW_PLAN_DONE, "2020-01-01", "2026-12-01"));
    assert_false(bw_plan_overdue(BW_PLAN_CANCELLED, "2020-01-01", "2026-12-01"));
}

static const char *const one_ind[] = {"A9.2"};

static struct bw_plan_action base(void)
{
    return (struct bw_plan_action){.id = 7, .objective = 1, .title = "Evacuation plans",
                                   .indicators = one_ind, .nindicators = 1,
                                   .due = "2027-06-30", .status = BW_PLAN_PLANNED,
                                   .capital = 1000, .yearly = 10};
}

static void test_action_check(void **state)
{
    (void)state;
    bw_pack *p = unit_default_pack();
    struct bw_plan_action a = base();
    struct bw_diag d;
    static const char *const bad_ind[] = {"A9.2", "A99.1"};

#define BAD(code, field_, part)                                                                \
    do {                                                                                       \
        bw_diag_clear(&d);                                                                     \
        assert_int_equal(bw_plan_action_check(p, &a, &d), code);                               \
        assert_string_equal(d.field, field_);                                                  \
        assert_non_null(strstr(d.msg, part));                                                  \
        a = base();                                                                            \
    } while (0)

    bw_diag_clear(&d);
    assert_int_equal(bw_plan_action_check(p, &a, &d), BW_OK);
    a.indicators = bad_ind;
    a.nindicators = 2;
    BAD(BW_EREF, "indicator", "unknown indicator 'A99.1'");
    a.due = "2027-02-29"; /* 2027 is not a leap year */
    BAD(BW_EINVAL, "due", "'2027-02-29' is not a date");
    a.capital = -1;
    BAD(BW_ERANGE, "capital", "capital must be a finite amount >= 0");
    a.yearly = NAN;
    BAD(BW_ERANGE, "yearly", "yearly");
    a.spent = -0.5;
    BAD(BW_ERANGE, "spent", "spent");
    a.progress = 101;
    BAD(BW_ERANGE, "progress", "progress 101 is outside 0..100");
    a.title = "";
    BAD(BW_EINVAL, "title", "title must not be empty");
#undef BAD
    bw_pack_free(p);
}

static void test_change_apply(void **state)
{
    (void)state;
    struct bw_plan_action cur = base(), next;
    struct bw_plan_update u;
    struct bw_plan_change c = {.progress = -1};
    struct bw_diag d;

    /* planned -> in-progress at 30 %, spending 250, by "ops" on the given date. */
    c.set_status = 1;
    c.status = BW_PLAN_IN_PROGRESS;
    c.progress = 30;
    c.set_spent = 1;
    c.spent = 250;
    c.who = "ops";
    c.date = "2026-12-03";
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_OK);
    assert_int_equal(next.status, BW_PLAN_IN_PROGRESS);
    assert_int_equal(next.progress, 30);
    assert_true(next.spent == 250);
    assert_string_equal(next.title, cur.title); /* untouched fields are kept */
    assert_int_equal(u.action, 7);
    assert_string_equal(u.date, "2026-12-03");
    assert_string_equal(u.who, "ops");
    assert_int_equal(u.status, BW_PLAN_IN_PROGRESS);
    assert_int_equal(u.progress, 30);

    /* in-progress -> done: progress becomes 100; the update date defaults to today. */
    cur = next;
    c = (struct bw_plan_change){.set_status = 1, .status = BW_PLAN_DONE, .progress = -1};
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_OK);
    assert_int_equal(next.progress, 100);
    assert_string_equal(u.date, "2026-12-05");
    assert_int_equal(u.progress, 100);

    /* done with less than 100 % is refused. */
    c.progress = 90;
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_EINVAL);
    assert_string_equal(d.field, "progress");

    /* planned -> done skips the work: refused, naming both statuses. */
    cur = base();
    c = (struct bw_plan_change){.set_status = 1, .status = BW_PLAN_DONE, .progress = -1};
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_EINVAL);
    assert_string_equal(d.field, "status");
    assert_non_null(strstr(d.msg, "cannot go from planned to done"));

    /* Other bad changes, each naming its field. */
    c = (struct bw_plan_change){.progress = 150};
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_ERANGE);
    assert_string_equal(d.field, "progress");
    c = (struct bw_plan_change){.progress = -1, .due = "2026-13-01"};
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_EINVAL);
    assert_string_equal(d.field, "due");
    c = (struct bw_plan_change){.progress = -1, .set_spent = 1, .spent = -3};
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_ERANGE);
    assert_string_equal(d.field, "spent");
    c = (struct bw_plan_change){.progress = -1, .date = "yesterday"};
    bw_diag_clear(&d);
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_EINVAL);
    assert_string_equal(d.field, "date");

    /* Keeping the status is always allowed, also on a final one (a note). */
    cur.status = BW_PLAN_CANCELLED;
    c = (struct bw_plan_change){.set_status = 1, .status = BW_PLAN_CANCELLED, .progress = -1,
                                .note = "kept for the record"};
    assert_int_equal(bw_plan_change_apply(&cur, &c, "2026-12-05", &next, &u, &d), BW_OK);
    assert_string_equal(u.note, "kept for the record");
}

/* Four actions on 2026-12-10:
 *   #1 planned,     0 %, due 2026-12-01, capital 100, yearly 10, spent 0   -> overdue
 *   #2 in-progress, 50 %, due 2026-12-10, capital 200, yearly 0,  spent 80 -> due today, not
 *   #3 done,       100 %, due 2026-11-01, capital 300, yearly 5,  spent 290 -> done, not
 *   #4 cancelled,   10 %, due 2026-01-01, capital 999, yearly 99, spent 20 -> cancelled, not
 * counts 1/1/0/1/1; overdue 1; committed capital 100+200+300 = 600, yearly 15 (the
 * cancelled action is not committed); spent 0+80+290+20 = 390 (money spent stays spent);
 * mean progress of the three not cancelled (0+50+100)/3 = 50.
 * Milestones: 2026-12-09 not done (overdue), 2026-12-10 not done (due today, not overdue),
 * 2026-11-01 done -> 3, done 1, overdue 1. */
static void test_summary(void **state)
{
    (void)state;
    struct bw_plan_action a[4] = {
        {.id = 1, .status = BW_PLAN_PLANNED, .progress = 0, .due = "2026-12-01",
         .capital = 100, .yearly = 10},
        {.id = 2, .status = BW_PLAN_IN_PROGRESS, .progress = 50, .due = "2026-12-10",
         .capital = 200, .spent = 80},
        {.id = 3, .status = BW_PLAN_DONE, .progress = 100, .due = "2026-11-01", .capital = 300,
         .yearly = 5, .spent = 290},
        {.id = 4, .status = BW_PLAN_CANCELLED, .progress = 10, .due = "2026-01-01",
         .capital = 999, .yearly = 99, .spent = 20},
    };
    struct bw_plan_milestone m[3] = {{1, 1, "2026-12-09", "a", 0}, {2, 2, "2026-12-10", "b", 0},
                                     {3, 3, "2026-11-01", "c", 1}};
    struct bw_plan pl = {NULL, 0, a, 4, m, 3, NULL, 0};
    struct bw_plan_summary s;

    bw_plan_summarise(&pl, "2026-12-10", &s);
    assert_int_equal(s.count[BW_PLAN_PLANNED], 1);
    assert_int_equal(s.count[BW_PLAN_IN_PROGRESS], 1);
    assert_int_equal(s.count[BW_PLAN_BLOCKED], 0);
    assert_int_equal(s.count[BW_PLAN_DONE], 1);
    assert_int_equal(s.count[BW_PLAN_CANCELLED], 1);
    assert_int_equal(s.overdue, 1);
    assert_true(s.capital == 600 && s.yearly == 15 && s.spent == 390);
    assert_true(fabs(s.progress - 50.0) < 1e-12);
    assert_int_equal(s.milestones, 3);
    assert_int_equal(s.milestones_done, 1);
    assert_int_equal(s.milestones_overdue, 1);

    /* An empty plan: zeros, no division by zero. */
    pl = (struct bw_plan){0};
    bw_plan_summarise(&pl, "2026-12-10", &s);
    assert_true(s.progress == 0 && s.overdue == 0 && s.capital == 0);
}

/* History (sorted by date, then id), action ids deliberately not in order:
 *   2026-01-05  #20 planned 0
 *   2026-01-05  #10 planned 0           -> point 1: (0 + 0) / 2 = 0, 2 actions
 *   2026-02-01  #10 in-progress 40      -> point 2: (40 + 0) / 2 = 20, 2 actions
 *   2026-03-01  #30 planned 0
 *   2026-03-01  #20 in-progress 30      -> point 3: (40 + 30 + 0) / 3 = 23.33.., 3 actions
 *   2026-04-01  #30 cancelled 0
 *   2026-04-01  #10 done 100            -> point 4: #30 drops out: (100 + 30) / 2 = 65
 *   2026-05-01  #20 in-progress 30 (a note only) -> point 5: 65, 2 actions */
static void test_progress_series(void **state)
{
    (void)state;
    struct bw_plan_update u[] = {
        {1, 20, "2026-01-05", NULL, BW_PLAN_PLANNED, 0, 0, NULL},
        {2, 10, "2026-01-05", NULL, BW_PLAN_PLANNED, 0, 0, NULL},
        {3, 10, "2026-02-01", NULL, BW_PLAN_IN_PROGRESS, 40, 0, NULL},
        {4, 30, "2026-03-01", NULL, BW_PLAN_PLANNED, 0, 0, NULL},
        {5, 20, "2026-03-01", NULL, BW_PLAN_IN_PROGRESS, 30, 0, NULL},
        {6, 30, "2026-04-01", NULL, BW_PLAN_CANCELLED, 0, 0, NULL},
        {7, 10, "2026-04-01", NULL, BW_PLAN_DONE, 100, 0, NULL},
        {8, 20, "2026-05-01", NULL, BW_PLAN_IN_PROGRESS, 30, 0, "note"},
    };
    struct bw_plan_point pts[8];
    const char *dates[] = {"2026-01-05", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"};
    const double want[] = {0, 20, 70.0 / 3.0, 65, 65};
    const size_t n[] = {2, 2, 3, 2, 2};
    size_t np;

    assert_int_equal(bw_plan_progress_series(u, 8, pts, 8, &np), BW_OK);
    assert_int_equal(np, 5);
    for (size_t i = 0; i < np; i++) {
        assert_string_equal(pts[i].date, dates[i]);
        assert_true(fabs(pts[i].progress - want[i]) < 1e-9);
        assert_int_equal(pts[i].actions, n[i]);
    }
    /* Room for two: the latest two points. */
    assert_int_equal(bw_plan_progress_series(u, 8, pts, 2, &np), BW_OK);
    assert_int_equal(np, 2);
    assert_string_equal(pts[0].date, "2026-04-01");
    assert_string_equal(pts[1].date, "2026-05-01");
    assert_int_equal(bw_plan_progress_series(u, 0, pts, 8, &np), BW_OK);
    assert_int_equal(np, 0);
}


/* ---- allocation failures: fail the Nth allocation for every N ------------------------- */

static long fail_at = -1, seen_allocs;

static int should_fail(void)
{
    return fail_at >= 0 && seen_allocs++ == fail_at;
}
static void *t_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n);
}
static void *t_calloc(size_t c, size_t n)
{
    return should_fail() ? NULL : calloc(c, n);
}
static void *t_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n);
}
static const struct bw_allocator failing = {t_malloc, t_calloc, t_realloc, free};

/* Every allocation of the progress series failing in turn: BW_ENOMEM, never a crash or a
 * leak (ASan), and the same points once allocation succeeds. */
static void test_progress_series_nomem(void **state)
{
    (void)state;
    struct bw_plan_update u[] = {
        {1, 2, "2026-01-05", NULL, BW_PLAN_PLANNED, 0, 0, NULL},
        {2, 1, "2026-01-06", NULL, BW_PLAN_IN_PROGRESS, 50, 0, NULL},
    };
    struct bw_plan_point pts[2];
    size_t np;
    int rc;

    for (fail_at = 0;; fail_at++) {
        seen_allocs = 0;
        assert_int_equal(bw_set_allocator(&failing), BW_OK);
        rc = bw_plan_progress_series(u, 2, pts, 2, &np);
        assert_int_equal(bw_set_allocator(NULL), BW_OK);
        if (rc == BW_OK)
            break;
        assert_int_equal(rc, BW_ENOMEM);
        assert_int_equal(np, 0);
    }
    assert_true(fail_at >= 3); /* ids, latest, points */
    assert_int_equal(np, 2);
    assert_true(pts[1].progress == 25.0); /* (0 + 50) / 2 */
    fail_at = -1;
}

static void test_date_add(void **state)
{
    (void)state;
    char out[11];
    /* 2026-12-01 + 180: Dec 30 left -> 150, Jan 31 -> 119, Feb 28 -> 91, Mar 31 -> 60,
     * Apr 30 -> 30, so May 30. */
    assert_int_equal(bw_plan_date_add("2026-12-01", 180, out), BW_OK);
    assert_string_equal(out, "2027-05-30");
    /* + 365 from 2026-12-01: 2027 is not a leap year -> 2027-12-01. */
    assert_int_equal(bw_plan_date_add("2026-12-01", 365, out), BW_OK);
    assert_string_equal(out, "2027-12-01");
    /* Across a leap day: 2028-02-28 + 1 = 2028-02-29; + 2 = 2028-03-01. */
    assert_int_equal(bw_plan_date_add("2028-02-28", 1, out), BW_OK);
    assert_string_equal(out, "2028-02-29");
    assert_int_equal(bw_plan_date_add("2028-02-28", 2, out), BW_OK);
    assert_string_equal(out, "2028-03-01");
    /* 1900 is not a leap year, 2000 is. */
    assert_int_equal(bw_plan_date_add("1900-02-28", 1, out), BW_OK);
    assert_string_equal(out, "1900-03-01");
    assert_int_equal(bw_plan_date_add("2000-03-01", -1, out), BW_OK);
    assert_string_equal(out, "2000-02-29");
    assert_int_equal(bw_plan_date_add("2026-02-30", 1, out), BW_EINVAL);
    assert_int_equal(bw_plan_date_add("9999-12-31", 1, out), BW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_action_check),
        cmocka_unit_test(test_change_apply),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_progress_series),
        cmocka_unit_test(test_date_add),
        cmocka_unit_test(test_progress_series_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
