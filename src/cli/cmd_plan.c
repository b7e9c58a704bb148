/*
 * cmd_plan.c — `bulwark plan generate|show|status|objective add|action add|action update`:
 * the national action plan (plan.h) kept in the store (store_plan.c), generated from the
 * framework findings and the latest risk-reduction portfolio (plan_live.h), then edited.
 *
 * Every write is all or nothing: an action is checked against the pack
 * (bw_plan_action_check: indicators, dates, budgets) and the register (the store:
 * organisations, sites) inside one transaction; an update goes through the transition
 * table (bw_plan_change_apply) and is written with its history entry in one transaction.
 * A refused command says which field is wrong and leaves the database as it was.
 */
#include "alloc.h"
#include "arena.h"
#include "cli.h"
#include "framework.h"
#include "plan.h"
#include "plan_live.h"
#include "str.h"
#include "threat.h"

#include <math.h>
#include <string.h>

static const char usage[] =
    "usage: bulwark plan generate [--cycle NAME] [--portfolio ID|none] [--no-findings]\n"
    "                             [--today DATE] [--who NAME]\n"
    "       bulwark plan show [--json]\n"
    "       bulwark plan status [--today DATE] [--json]\n"
    "       bulwark plan objective add TITLE [--area AREA]\n"
    "       bulwark plan action add --objective ID --title TEXT [--lead ORG] [--support ORG]...\n"
    "                               [--indicator IND]... [--site SITE]... [--due DATE]\n"
    "                               [--capital N] [--yearly N] [--priority high|medium|low]\n"
    "                               [--milestone DATE=TEXT]... [--note TEXT] [--who NAME]\n"
    "                               [--date DATE]\n"
    "       bulwark plan action update ID [--status S] [--progress PCT] [--lead ORG]\n"
    "                               [--due DATE] [--spent N] [--milestone-done MID]\n"
    "                               [--note TEXT] [--who NAME] [--date DATE]\n\n"
    "  generate  objectives and actions from the findings of framework cycle NAME (default:\n"
    "            the latest; one objective per area with gaps, one action per recommendation\n"
    "            with its indicator and the sites behind it) and from portfolio run ID\n"
    "            (default: the latest; one action per measure with its sites and budget).\n"
    "            A source generated before is skipped. Due dates: today + 180 days (high\n"
    "            priority) or + 365 days\n"
    "  show      objectives, actions, leads, supporting organisations, indicators, sites,\n"
    "            milestones, budgets, status and progress\n"
    "  status    actions per status, overdue actions and milestones, budget committed\n"
    "            against spent, mean progress and progress over time, on DATE (default today)\n"
    "  objective add   a new objective\n"
    "  action add      a new action (status planned); organisations and sites must exist in\n"
    "            the register, indicators in the pack's framework questionnaire\n"
    "  action update   status, progress, lead, due date, spending, a milestone done, with a\n"
    "            note; kept as history. Statuses: planned -> in-progress|blocked|cancelled;\n"
    "            in-progress -> blocked|done|cancelled; blocked -> planned|in-progress|\n"
    "            cancelled; done and cancelled are final. Done means 100%.\n\n"
    "Overdue: not done or cancelled and the due date is before today. Rules in docs/plan.md.\n"
    "All take --db FILE (default $BULWARK_DB, else ./bulwark.db); errors write nothing.\n";

/* Options collected from the command line. */
struct args {
    const char *cycle, *portfolio, *today, *who, *area, *title, *lead, *due, *capital, *yearly,
        *priority, *note, *date, *status, *progress, *spent, *objective, *milestone_done;
    const char **support, **indicators, **sites, **milestones;
    size_t nsupport, nindicators, nsites, nmilestones;
    int json, no_findings;
};

static int parse_money(const char *v, const char *field, double *out)
{
    if (bw_parse_double(bw_str_c(v), out) != BW_OK || !isfinite(*out))
        return cli_failf("field '%s': '%s' is not a number", field, v);
    if (*out < 0)
        return cli_failf("field '%s': %s is negative; amounts are >= 0", field, v);
    return 0;
}

static int parse_id(const char *v, const char *field, int64_t *out)
{
    if (bw_parse_i64(bw_str_c(v), out) != BW_OK || *out < 1)
        return cli_failf("field '%s': '%s' is not an id (a whole number >= 1)", field, v);
    return 0;
}

static const struct bw_plan_action *find_action(const struct bw_plan *pl, int64_t id)
{
    for (size_t i = 0; i < pl->nactions; i++)
        if (pl->actions[i].id == id)
            return &pl->actions[i];
    return NULL;
}

static void list_text(const char *const *v, size_t n, size_t shown, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && i < shown && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", v[i]);
    if (n > shown && k < cap)
        snprintf(buf + k, cap - k, " and %zu more", n - shown);
}

static json_t *list_json(const char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    return arr;
}

/* ---- generate ------------------------------------------------------------------------- */

static int plan_generate(bw_store *s, const bw_pack *p, const struct args *x)
{
    struct bw_plan_gen_opts o = {x->cycle, !x->no_findings, 0, x->today, x->who};
    struct bw_plan_gen_result r;
    struct bw_arena ar;
    struct bw_diag d;
    int rc = 1;

    if (x->portfolio && strcmp(x->portfolio, "none") == 0)
        o.portfolio = -1;
    else if (x->portfolio && parse_id(x->portfolio, "portfolio", &o.portfolio))
        return 1;
    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    if (bw_plan_generate(s, p, &o, &ar, &r, &d)) {
        cli_fail(&d);
        fprintf(stderr, "bulwark: nothing was generated; the database is unchanged\n");
        goto out;
    }
    if (o.framework) {
        if (r.no_assessment)
            printf("findings: no framework assessment yet (bulwark framework new)\n");
        else if (r.framework_skipped)
            printf("findings of cycle '%s': already in the plan (edit with `plan action "
                   "update`)\n", r.cycle);
    }
    if (o.portfolio >= 0) {
        if (r.no_portfolio)
            printf("portfolio: none saved yet (bulwark optimise --budget N)\n");
        else if (r.portfolio_skipped)
            printf("portfolio run %lld: already in the plan\n", (long long)r.portfolio);
    }
    if (r.sites_gone)
        printf("portfolio run %lld: %zu sites no longer in the register were left out\n",
               (long long)r.portfolio, r.sites_gone);
    {
        int from_f = r.cycle && !r.framework_skipped, from_p = r.portfolio && !r.portfolio_skipped;
        printf("plan generated: %zu objectives, %zu actions", r.objectives, r.actions);
        if (from_f)
            printf(" (findings of cycle '%s'", r.cycle);
        if (from_p)
            printf("%sportfolio run %lld", from_f ? "; " : " (", (long long)r.portfolio);
        printf("%s\n", from_f || from_p ? ")" : "");
    }
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

/* ---- objective add, action add, action update ----------------------------------------- */

static int objective_add(bw_store *s, const char *title, const char *area, const bw_pack *p)
{
    struct bw_plan_objective o = {0, title, area, "manual"};
    struct bw_diag d;
    int64_t id;
    size_t na;
    const struct bw_fw_area *ar = bw_pack_fw_areas(p, &na);

    if (area) {
        size_t i;
        for (i = 0; i < na && strcmp(ar[i].id, area) != 0; i++)
            ;
        if (i == na)
            return cli_failf("field 'area': unknown framework area '%s' (A1..A%zu)", area, na);
    }
    bw_diag_clear(&d);
    if (bw_store_plan_objective_add(s, &o, &id, &d))
        return cli_fail(&d);
    printf("objective %lld added: %s\n", (long long)id, title);
    return 0;
}

static int action_add(bw_store *s, const bw_pack *p, const struct args *x)
{
    struct bw_plan_action a = {0};
    struct bw_plan_milestone *m = NULL;
    struct bw_diag d;
    int64_t id;
    int rc = 1;

    if (!x->objective || !x->title)
        return cli_usage(usage, "action add needs --objective and --title");
    if (parse_id(x->objective, "objective", &a.objective))
        return 1;
    a.title = x->title;
    a.lead = x->lead;
    a.support = x->support;
    a.nsupport = x->nsupport;
    a.indicators = x->indicators;
    a.nindicators = x->nindicators;
    a.sites = x->sites;
    a.nsites = x->nsites;
    a.due = x->due;
    a.status = BW_PLAN_PLANNED;
    a.priority = x->priority;
    a.origin = "manual";
    a.note = x->note;
    if ((x->capital && parse_money(x->capital, "capital", &a.capital)) ||
        (x->yearly && parse_money(x->yearly, "yearly", &a.yearly)))
        return 1;
    if (x->priority && strcmp(x->priority, "high") != 0 && strcmp(x->priority, "medium") != 0 &&
        strcmp(x->priority, "low") != 0)
        return cli_failf("field 'priority': '%s' is not high, medium or low", x->priority);
    if (x->date && !bw_date_valid(x->date))
        return cli_failf("field 'date': '%s' is not a date (YYYY-MM-DD)", x->date);
    bw_diag_clear(&d);
    if (bw_plan_action_check(p, &a, &d))
        return cli_fail(&d);
    if (x->nmilestones && !(m = bw_calloc(x->nmilestones, sizeof *m)))
        return cli_failf("out of memory");
    for (size_t i = 0; i < x->nmilestones; i++) {
        const char *v = x->milestones[i], *eq = strchr(v, '=');
        char day[11];
        if (!eq || eq - v != 10 || !eq[1]) {
            cli_failf("field 'milestone': '%s' is not DATE=TEXT", v);
            goto out;
        }
        memcpy(day, v, 10);
        day[10] = 0;
        if (!bw_date_valid(day)) {
            cli_failf("field 'milestone': '%s' is not a date (YYYY-MM-DD)", day);
            goto out;
        }
        m[i].title = eq + 1;
    }
    /* The dates are the first 10 bytes of each DATE=TEXT: copy them, NUL-terminated, into
     * one block. */
    {
        char *dates = x->nmilestones ? bw_malloc(x->nmilestones * 11) : NULL;
        if (x->nmilestones && !dates) {
            cli_failf("out of memory");
            goto out;
        }
        for (size_t i = 0; i < x->nmilestones; i++) {
            memcpy(dates + i * 11, x->milestones[i], 10);
            dates[i * 11 + 10] = 0;
            m[i].date = dates + i * 11;
        }
        rc = bw_store_plan_action_add(s, &a, m, x->nmilestones, x->date, x->who, &id, &d);
        bw_free(dates);
    }
    if (rc) {
        cli_fail(&d);
        fprintf(stderr, "bulwark: nothing was written; the database is unchanged\n");
        rc = 1;
        goto out;
    }
    printf("action %lld added to objective %lld: %s\n", (long long)id, (long long)a.objective,
           a.title);
    rc = 0;
out:
    bw_free(m);
    return rc;
}

static int action_update(bw_store *s, const char *idv, const struct args *x)
{
    struct bw_plan pl;
    struct bw_plan_change c = {0};
    struct bw_plan_action next;
    struct bw_plan_update u;
    const struct bw_plan_action *cur;
    struct bw_arena ar;
    struct bw_diag d;
    int64_t id, mid = 0, pct;
    char note[512];
    int rc = 1;

    if (parse_id(idv, "action", &id))
        return 1;
    c.progress = -1;
    c.lead = x->lead;
    c.due = x->due;
    c.note = x->note;
    c.who = x->who;
    c.date = x->date;
    bw_diag_clear(&d);
    if (x->status) {
        if (bw_plan_status_parse(x->status, &c.status, &d))
            return cli_fail(&d);
        c.set_status = 1;
    }
    if (x->progress) {
        if (bw_parse_i64(bw_str_c(x->progress), &pct) != BW_OK || pct < 0 || pct > 100)
            return cli_failf("field 'progress': '%s' is not a whole percentage 0..100",
                             x->progress);
        c.progress = (int)pct;
    }
    if (x->spent) {
        if (parse_money(x->spent, "spent", &c.spent))
            return 1;
        c.set_spent = 1;
    }
    if (x->milestone_done && parse_id(x->milestone_done, "milestone", &mid))
        return 1;
    if (mid && !x->note) {
        snprintf(note, sizeof note, "milestone %lld done", (long long)mid);
        c.note = note;
    }
    bw_arena_init(&ar, 1 << 16);
    if (bw_store_plan_load(s, &ar, &pl, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (!(cur = find_action(&pl, id))) {
        cli_failf("field 'action': no action %lld (see `bulwark plan show`)", (long long)id);
        goto out;
    }
    if (bw_plan_change_apply(cur, &c, x->today, &next, &u, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (bw_store_begin(s)) {
        cli_failf("cannot start a transaction");
        goto out;
    }
    if ((mid && bw_store_plan_milestone_done(s, id, mid, &d)) ||
        bw_store_plan_action_update(s, &next, &u, &d) || bw_store_commit(s)) {
        bw_store_rollback(s);
        cli_fail(&d);
        fprintf(stderr, "bulwark: nothing was written; the database is unchanged\n");
        goto out;
    }
    printf("action %lld: %s, %d%%%s%s%s%s\n", (long long)id, bw_plan_status_name(next.status),
           next.progress, next.lead ? ", lead " : "", next.lead ? next.lead : "",
           next.due ? ", due " : "", next.due ? next.due : "");
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

/* ---- show ----------------------------------------------------------------------------- */

static json_t *action_json(const struct bw_plan *pl, const struct bw_plan_action *a,
                           const char *today)
{
    json_t *ms = json_array();
    for (size_t i = 0; i < pl->nmilestones; i++)
        if (pl->milestones[i].action == a->id)
            json_array_append_new(ms, json_pack("{s:I,s:s,s:s,s:b}", "id",
                                                (json_int_t)pl->milestones[i].id, "date",
                                                pl->milestones[i].date, "title",
                                                pl->milestones[i].title, "done",
                                                pl->milestones[i].done));
    return json_pack("{s:I,s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:i,s:b,s:{s:f,s:f},s:f,s:o,s:s,"
                     "s:o,s:s,s:o}",
                     "id", (json_int_t)a->id, "objective", (json_int_t)a->objective, "title",
                     a->title, "lead", cli_str_or_null(a->lead), "support",
                     list_json(a->support, a->nsupport), "indicators",
                     list_json(a->indicators, a->nindicators), "sites",
                     list_json(a->sites, a->nsites), "due", cli_str_or_null(a->due), "status",
                     bw_plan_status_name(a->status), "progress", a->progress, "overdue",
                     bw_plan_overdue(a->status, a->due, today), "budget", "capital", a->capital,
                     "yearly", a->yearly, "spent", a->spent, "priority",
                     cli_str_or_null(a->priority), "origin", a->origin, "note",
                     cli_str_or_null(a->note), "created", a->created ? a->created : "",
                     "milestones", ms);
}

static int plan_show(bw_store *s, const char *today, int json)
{
    struct bw_plan pl;
    struct bw_arena ar;
    struct bw_diag d;
    int rc = 1;

    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    if (bw_store_plan_load(s, &ar, &pl, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (json) {
        json_t *objs = json_array();
        for (size_t o = 0; o < pl.nobjectives; o++) {
            json_t *acts = json_array();
            for (size_t i = 0; i < pl.nactions; i++)
                if (pl.actions[i].objective == pl.objectives[o].id)
                    json_array_append_new(acts, action_json(&pl, &pl.actions[i], today));
            json_array_append_new(objs, json_pack("{s:I,s:s,s:o,s:s,s:o}", "id",
                                                  (json_int_t)pl.objectives[o].id, "title",
                                                  pl.objectives[o].title, "area",
                                                  cli_str_or_null(pl.objectives[o].area),
                                                  "origin", pl.objectives[o].origin, "actions",
                                                  acts));
        }
        rc = cli_json_print(json_pack("{s:s,s:o}", "today", today, "objectives", objs));
        goto out;
    }
    printf("National action plan: %zu objectives, %zu actions\n", pl.nobjectives, pl.nactions);
    for (size_t o = 0; o < pl.nobjectives; o++) {
        printf("\nObjective %lld: %s\n", (long long)pl.objectives[o].id, pl.objectives[o].title);
        for (size_t i = 0; i < pl.nactions; i++) {
            const struct bw_plan_action *a = &pl.actions[i];
            char buf[1024];
            if (a->objective != pl.objectives[o].id)
                continue;
            printf("  #%-4lld %-11s %3d%%  due %-10s %-6s %s%s\n", (long long)a->id,
                   bw_plan_status_name(a->status), a->progress, a->due ? a->due : "-",
                   a->priority ? a->priority : "-", a->title,
                   bw_plan_overdue(a->status, a->due, today) ? "  [OVERDUE]" : "");
            list_text(a->indicators, a->nindicators, 10, buf, sizeof buf);
            printf("         lead %s; indicators %s", a->lead ? a->lead : "-",
                   a->nindicators ? buf : "-");
            if (a->nsupport) {
                list_text(a->support, a->nsupport, 10, buf, sizeof buf);
                printf("; support %s", buf);
            }
            printf("\n         budget %.0f capital + %.0f/yr, spent %.0f", a->capital, a->yearly,
                   a->spent);
            if (a->nsites) {
                list_text(a->sites, a->nsites, 5, buf, sizeof buf);
                printf("; sites %s", buf);
            }
            printf("\n");
            if (a->note)
                printf("         note: %s\n", a->note);
            for (size_t k = 0; k < pl.nmilestones; k++)
                if (pl.milestones[k].action == a->id)
                    printf("         milestone %lld [%s] %s %s\n", (long long)pl.milestones[k].id,
                           pl.milestones[k].done ? "x" : " ", pl.milestones[k].date,
                           pl.milestones[k].title);
        }
    }
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

/* ---- status --------------------------------------------------------------------------- */

static int plan_status(bw_store *s, const char *today, int json)
{
    struct bw_plan pl;
    struct bw_plan_summary sum;
    struct bw_plan_point *pts = NULL;
    struct bw_arena ar;
    struct bw_diag d;
    size_t npts = 0;
    int rc = 1;

    bw_arena_init(&ar, 1 << 16);
    bw_diag_clear(&d);
    if (bw_store_plan_load(s, &ar, &pl, &d)) {
        cli_fail(&d);
        goto out;
    }
    bw_plan_summarise(&pl, today, &sum);
    if (!(pts = bw_arena_alloc(&ar, (pl.nupdates + 1) * sizeof *pts)) ||
        bw_plan_progress_series(pl.updates, pl.nupdates, pts, pl.nupdates, &npts)) {
        cli_failf("out of memory");
        goto out;
    }
    if (json) {
        json_t *counts = json_object(), *over = json_array(), *series = json_array();
        for (int k = 0; k < BW_PLAN_NSTATUS; k++)
            json_object_set_new(counts, bw_plan_status_name((enum bw_plan_status)k),
                                json_integer((json_int_t)sum.count[k]));
        for (size_t i = 0; i < pl.nactions; i++)
            if (bw_plan_overdue(pl.actions[i].status, pl.actions[i].due, today))
                json_array_append_new(over, json_pack("{s:I,s:s,s:s,s:s,s:i,s:o}", "id",
                                                      (json_int_t)pl.actions[i].id, "title",
                                                      pl.actions[i].title, "due", pl.actions[i].due,
                                                      "status",
                                                      bw_plan_status_name(pl.actions[i].status),
                                                      "progress", pl.actions[i].progress, "lead",
                                                      cli_str_or_null(pl.actions[i].lead)));
        for (size_t i = 0; i < npts; i++)
            json_array_append_new(series, json_pack("{s:s,s:f,s:I}", "date", pts[i].date,
                                                    "progress", pts[i].progress, "actions",
                                                    (json_int_t)pts[i].actions));
        rc = cli_json_print(json_pack(
            "{s:s,s:I,s:o,s:o,s:{s:I,s:I,s:I},s:{s:f,s:f,s:f},s:f,s:o}", "today", today,
            "actions", (json_int_t)pl.nactions, "by_status", counts, "overdue", over,
            "milestones", "total", (json_int_t)sum.milestones, "done",
            (json_int_t)sum.milestones_done, "overdue", (json_int_t)sum.milestones_overdue,
            "budget", "capital_committed", sum.capital, "yearly_committed", sum.yearly, "spent",
            sum.spent, "progress", sum.progress, "progress_over_time", series));
        goto out;
    }
    printf("Action plan on %s: %zu actions — ", today, pl.nactions);
    for (int k = 0; k < BW_PLAN_NSTATUS; k++)
        printf("%s%s %zu", k ? ", " : "", bw_plan_status_name((enum bw_plan_status)k),
               sum.count[k]);
    printf("\nOverdue: %zu action%s", sum.overdue, sum.overdue == 1 ? "" : "s");
    printf("; milestones %zu, done %zu, overdue %zu\n", sum.milestones, sum.milestones_done,
           sum.milestones_overdue);
    for (size_t i = 0; i < pl.nactions; i++) {
        const struct bw_plan_action *a = &pl.actions[i];
        if (bw_plan_overdue(a->status, a->due, today))
            printf("  #%lld due %s (%s, %d%%, lead %s) %s\n", (long long)a->id, a->due,
                   bw_plan_status_name(a->status), a->progress, a->lead ? a->lead : "-",
                   a->title);
    }
    printf("Budget committed (actions not cancelled): capital %.0f, yearly %.0f; spent %.0f",
           sum.capital, sum.yearly, sum.spent);
    if (sum.capital > 0)
        printf(" (%.1f%% of capital)", 100.0 * sum.spent / sum.capital);
    printf("\nMean progress: %.1f%%", sum.progress);
    if (npts) {
        size_t first = npts > 6 ? npts - 6 : 0;
        printf("; over time:");
        for (size_t i = first; i < npts; i++)
            printf(" %s %.1f%%", pts[i].date, pts[i].progress);
    }
    printf("\n");
    rc = 0;
out:
    bw_arena_release(&ar);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

int cmd_plan(int argc, char **argv)
{
    enum {
        O_CYCLE = 1, O_PORTFOLIO, O_NO_FINDINGS, O_TODAY, O_WHO, O_AREA, O_OBJECTIVE, O_TITLE,
        O_LEAD, O_SUPPORT, O_INDICATOR, O_SITE, O_DUE, O_CAPITAL, O_YEARLY, O_PRIORITY,
        O_MILESTONE, O_NOTE, O_DATE, O_STATUS, O_PROGRESS, O_SPENT, O_MILESTONE_DONE
    };
    static const struct option opts[] = {
        {"db", required_argument, NULL, CLI_OPT_DB},
        {"json", no_argument, NULL, CLI_OPT_JSON},
        {"cycle", required_argument, NULL, O_CYCLE},
        {"portfolio", required_argument, NULL, O_PORTFOLIO},
        {"no-findings", no_argument, NULL, O_NO_FINDINGS},
        {"today", required_argument, NULL, O_TODAY},
        {"who", required_argument, NULL, O_WHO},
        {"area", required_argument, NULL, O_AREA},
        {"objective", required_argument, NULL, O_OBJECTIVE},
        {"title", required_argument, NULL, O_TITLE},
        {"lead", required_argument, NULL, O_LEAD},
        {"support", required_argument, NULL, O_SUPPORT},
        {"indicator", required_argument, NULL, O_INDICATOR},
        {"site", required_argument, NULL, O_SITE},
        {"due", required_argument, NULL, O_DUE},
        {"capital", required_argument, NULL, O_CAPITAL},
        {"yearly", required_argument, NULL, O_YEARLY},
        {"priority", required_argument, NULL, O_PRIORITY},
        {"milestone", required_argument, NULL, O_MILESTONE},
        {"note", required_argument, NULL, O_NOTE},
        {"date", required_argument, NULL, O_DATE},
        {"status", required_argument, NULL, O_STATUS},
        {"progress", required_argument, NULL, O_PROGRESS},
        {"spent", required_argument, NULL, O_SPENT},
        {"milestone-done", required_argument, NULL, O_MILESTONE_DONE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct args x = {0};
    const char *db = NULL, *verb, *sub = NULL;
    char today[11];
    int c, rc = 1, nargs;
    size_t room = (size_t)argc + 1;
    bw_store *s = NULL;
    bw_pack *p = NULL;

    x.support = bw_calloc(room, sizeof *x.support);
    x.indicators = bw_calloc(room, sizeof *x.indicators);
    x.sites = bw_calloc(room, sizeof *x.sites);
    x.milestones = bw_calloc(room, sizeof *x.milestones);
    if (!x.support || !x.indicators || !x.sites || !x.milestones) {
        cli_failf("out of memory");
        goto out;
    }
    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: x.json = 1; break;
        case O_CYCLE: x.cycle = optarg; break;
        case O_PORTFOLIO: x.portfolio = optarg; break;
        case O_NO_FINDINGS: x.no_findings = 1; break;
        case O_TODAY: x.today = optarg; break;
        case O_WHO: x.who = optarg; break;
        case O_AREA: x.area = optarg; break;
        case O_OBJECTIVE: x.objective = optarg; break;
        case O_TITLE: x.title = optarg; break;
        case O_LEAD: x.lead = optarg; break;
        case O_SUPPORT: x.support[x.nsupport++] = optarg; break;
        case O_INDICATOR: x.indicators[x.nindicators++] = optarg; break;
        case O_SITE: x.sites[x.nsites++] = optarg; break;
        case O_DUE: x.due = optarg; break;
        case O_CAPITAL: x.capital = optarg; break;
        case O_YEARLY: x.yearly = optarg; break;
        case O_PRIORITY: x.priority = optarg; break;
        case O_MILESTONE: x.milestones[x.nmilestones++] = optarg; break;
        case O_NOTE: x.note = optarg; break;
        case O_DATE: x.date = optarg; break;
        case O_STATUS: x.status = optarg; break;
        case O_PROGRESS: x.progress = optarg; break;
        case O_SPENT: x.spent = optarg; break;
        case O_MILESTONE_DONE: x.milestone_done = optarg; break;
        case 'h': rc = cli_help(usage); goto out;
        default: rc = cli_usage(usage, "unknown or incomplete option"); goto out;
        }
    }
    rc = 2;
    if (optind >= argc) {
        cli_usage(usage, "expected generate, show, status, objective or action");
        goto out;
    }
    verb = argv[optind];
    nargs = argc - optind - 1;
    if (strcmp(verb, "objective") == 0 || strcmp(verb, "action") == 0) {
        sub = nargs >= 1 ? argv[optind + 1] : "";
        if (strcmp(verb, "objective") == 0 && (strcmp(sub, "add") != 0 || nargs != 2)) {
            cli_usage(usage, "objective add takes one TITLE");
            goto out;
        }
        if (strcmp(verb, "action") == 0 &&
            !((strcmp(sub, "add") == 0 && nargs == 1) ||
              (strcmp(sub, "update") == 0 && nargs == 2))) {
            cli_usage(usage, "expected `action add ...` or `action update ID ...`");
            goto out;
        }
    } else if (strcmp(verb, "generate") == 0 || strcmp(verb, "show") == 0 ||
               strcmp(verb, "status") == 0) {
        if (nargs != 0) {
            cli_usage(usage, "too many arguments");
            goto out;
        }
    } else {
        cli_usage(usage, "expected generate, show, status, objective or action");
        goto out;
    }
    if ((x.cycle || x.portfolio || x.no_findings) && strcmp(verb, "generate") != 0) {
        cli_usage(usage, "--cycle, --portfolio and --no-findings belong to `generate`");
        goto out;
    }
    if ((x.status || x.progress || x.spent || x.milestone_done) &&
        !(sub && strcmp(sub, "update") == 0)) {
        cli_usage(usage, "--status, --progress, --spent and --milestone-done belong to "
                         "`action update`");
        goto out;
    }
    if ((x.objective || x.title || x.nsupport || x.nindicators || x.nsites || x.capital ||
         x.yearly || x.priority || x.nmilestones) &&
        !(sub && strcmp(sub, "add") == 0 && strcmp(verb, "action") == 0)) {
        cli_usage(usage, "--objective, --title, --support, --indicator, --site, --capital, "
                         "--yearly, --priority and --milestone belong to `action add`");
        goto out;
    }
    if (sub && strcmp(sub, "update") == 0 && !x.status && !x.progress && !x.lead && !x.due &&
        !x.spent && !x.milestone_done && !x.note) {
        cli_usage(usage, "action update needs at least one of --status, --progress, --lead, "
                         "--due, --spent, --milestone-done, --note");
        goto out;
    }
    rc = 1;
    if (x.today && !bw_date_valid(x.today)) {
        cli_failf("field 'today': '%s' is not a date (YYYY-MM-DD)", x.today);
        goto out;
    }
    if (!x.today) {
        cli_today(today);
        x.today = today;
    }
    if (cli_open(cli_db_path(db), 1, &s, &p))
        goto out;
    if (strcmp(verb, "generate") == 0)
        rc = plan_generate(s, p, &x);
    else if (strcmp(verb, "show") == 0)
        rc = plan_show(s, x.today, x.json);
    else if (strcmp(verb, "status") == 0)
        rc = plan_status(s, x.today, x.json);
    else if (strcmp(verb, "objective") == 0)
        rc = objective_add(s, argv[optind + 2], x.area, p);
    else if (strcmp(sub, "add") == 0)
        rc = action_add(s, p, &x);
    else
        rc = action_update(s, argv[optind + 2], &x);
    cli_close(s, p);
out:
    bw_free((void *)x.support);
    bw_free((void *)x.indicators);
    bw_free((void *)x.sites);
    bw_free((void *)x.milestones);
    return rc;
}
