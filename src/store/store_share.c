/*
 * store_share.c — the information-sharing network's tables (migration 010_share.sql):
 * shareable items and their distribution, warnings and their life cycle, CAP messages
 * as sent, acknowledgements and escalation, webhook deliveries, reports from the field
 * and notes.
 *
 * Who may read an item is the one predicate VISIBLE below (TLP 2.0, share.h): every read
 * that takes a principal appends it to its WHERE clause, so no caller can forget it; a
 * NULL principal is the local CLI. An item the caller may not read is BW_ENOTFOUND, as if
 * it did not exist. Reads that return AMBER, AMBER+STRICT or RED items append one audit
 * entry naming them (bw_store_audit_append); every write appends its own entry inside
 * its transaction, so the write and its record commit together or not at all.
 *
 * Times are ISO 8601 UTC with milliseconds; callers may pass their own "now" (tests,
 * `--now`), which is normalised here. Part of the SQLite back end: helpers from
 * store_internal.h. Thread-safety: one handle per thread.
 */
#include "store.h"
#include "store_internal.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "geo.h"
#include "isotime.h"
#include "share.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The TLP 2.0 read rule (docs/sharing.md). :org and :uid are the caller's. Each EXISTS
 * names one column so that it is one probe of a (org, item) or (user, item) index. */
#define NAMED_USER "EXISTS(SELECT 1 FROM item_recipient r WHERE r.user=:uid AND r.item=i.id)"
#define NAMED_ORG "EXISTS(SELECT 1 FROM item_recipient r WHERE r.org=:org AND r.item=i.id)"
#define VISIBLE                                                                            \
    "((i.author_org=:org AND (i.tlp<>'RED' OR i.author_user=:uid OR " NAMED_USER ")) OR "  \
    "(i.published=1 AND (i.tlp IN ('CLEAR','GREEN') OR (i.tlp IN ('AMBER','AMBER+STRICT') " \
    "AND (" NAMED_ORG " OR " NAMED_USER ")) OR (i.tlp='RED' AND " NAMED_USER "))))"

#define ITEM_COLS "i.id,i.kind,i.tlp,i.author,i.author_user,i.author_org,i.site,i.published," \
                  "i.created,i.updated"
#define ITEM_NCOLS 10

/* ---- time ------------------------------------------------------------------------------ */

static double iso_parse(const char *t)
{
    double v;
    return bw_isotime_parse(t, &v) ? -1 : v;
}

/* @p now normalised into @p out, or the current time; BW_EINVAL for a malformed one. */
static int now_of(const char *now, char out[32], double *secs, struct bw_diag *d)
{
    double t;

    if (now) {
        t = iso_parse(now);
        if (t < 0)
            return bw_diag_set(d, BW_EINVAL, "now",
                               "'%s' is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)", now);
    } else {
        t = bw_isotime_now();
    }
    bw_isotime_format(t, out);
    if (secs)
        *secs = t;
    return BW_OK;
}

/* ---- helpers --------------------------------------------------------------------------- */

/* Statements are kept on the handle (bw_sq_cached) and given back with bw_sq_release:
 * the server runs these on every request. */
static sqlite3_stmt *prep(bw_store *s, const char *sql)
{
    return bw_sq_cached(s, sql);
}

/* Prepares "@p head (VISIBLE or 1) @p tail" and binds the principal. */
static sqlite3_stmt *prep_visible(bw_store *s, const struct bw_principal *who, const char *head,
                                  const char *tail)
{
    struct bw_buf b;
    sqlite3_stmt *q;

    bw_buf_init(&b, 16384);
    if (bw_buf_printf(&b, "%s %s %s", head, who ? VISIBLE : "1", tail ? tail : "")) {
        bw_buf_release(&b);
        return NULL;
    }
    q = prep(s, b.p);
    bw_buf_release(&b);
    if (q && who) {
        int io = sqlite3_bind_parameter_index(q, ":org"), iu = sqlite3_bind_parameter_index(q, ":uid");
        if (io)
            bw_sq_bind_text(q, io, who->org);
        if (iu)
            sqlite3_bind_int64(q, iu, who->user_id);
    }
    return q;
}

/* Runs a prepared write inside the current transaction; BW_OK or the error in @p d. */
static int run(bw_store *s, sqlite3_stmt *q, struct bw_diag *d, const char *what)
{
    int rc;

    if (!q)
        return bw_sq_error(s, d, what);
    rc = sqlite3_step(q) == SQLITE_DONE ? BW_OK : bw_sq_error(s, d, what);
    bw_sq_release(s, q);
    return rc;
}

static int tlp_of(const char *t)
{
    int v = BW_TLP_RED;
    return bw_tlp_parse(t, NULL, NULL, &v) == BW_OK ? v : BW_TLP_RED;
}

/* Fills the item part from columns 0..ITEM_NCOLS-1 (strings borrowed from the row). */
static void item_row(sqlite3_stmt *q, struct bw_item *it)
{
    it->id = sqlite3_column_int64(q, 0);
    it->kind = bw_sq_col_text(q, 1);
    it->tlp = tlp_of(bw_sq_col_text(q, 2));
    it->author = bw_sq_col_text(q, 3);
    it->author_user = bw_sq_col_opt_i64(q, 4);
    it->author_org = bw_sq_col_text(q, 5);
    it->site = bw_sq_col_text(q, 6);
    it->published = sqlite3_column_int(q, 7);
    it->created = bw_sq_col_text(q, 8);
    it->updated = bw_sq_col_text(q, 9);
}

static int item_dup(struct bw_arena *a, struct bw_item *it)
{
    int oom = 0;
    it->kind = bw_sq_dup(a, it->kind, &oom);
    it->author = bw_sq_dup(a, it->author, &oom);
    it->author_org = bw_sq_dup(a, it->author_org, &oom);
    it->site = bw_sq_dup(a, it->site, &oom);
    it->created = bw_sq_dup(a, it->created, &oom);
    it->updated = bw_sq_dup(a, it->updated, &oom);
    return oom ? BW_ENOMEM : BW_OK;
}

/* An audit entry for object @p id of @p kind with a detail built by the caller. */
static int audit(bw_store *s, const char *action, const char *kind, int64_t id, int tlp,
                 const char *detail, struct bw_diag *d)
{
    char obj[24];
    struct bw_audit_entry e = {action, kind, obj, tlp >= 0 ? bw_tlp_name(tlp) : NULL, detail};

    snprintf(obj, sizeof obj, "%lld", (long long)id);
    return bw_store_audit_append(s, &e, d);
}

/* The ids of audited items read by one call, for its single audit entry. */
struct readlog {
    struct bw_buf ids;
    int n, worst;
};

#define READLOG_INIT {{NULL, 0, 0, (size_t)1 << 23}, 0, 0}

static void readlog_add(struct readlog *l, const struct bw_item *it)
{
    if (!bw_tlp_audited(it->tlp))
        return;
    if (bw_buf_printf(&l->ids, "%s%lld", l->n ? "," : "", (long long)it->id) == BW_OK)
        l->n++;
    if (it->tlp > l->worst)
        l->worst = it->tlp;
}

/* The entry of a read of audited items: through the handle's read sink, or appended. */
static int audit_read(bw_store *s, const struct bw_audit_entry *e, struct bw_diag *d)
{
    void *ud;
    bw_read_audit_fn fn = bw_sq_read_audit(s, &ud);
    const char *org, *actor;

    if (!fn)
        return bw_store_audit_append(s, e, d);
    actor = bw_sq_actor(s, &org);
    fn(ud, actor, org, e);
    return BW_OK;
}

int bw_store_audit_read(bw_store *s, const char *action, const char *kind, int tlp,
                        const char *detail, struct bw_diag *d)
{
    struct bw_audit_entry e = {action, kind, NULL, bw_tlp_name(tlp), detail};
    return audit_read(s, &e, d);
}

/* Appends the read entry when audited items were read; frees the log. */
static int readlog_flush(bw_store *s, struct readlog *l, const char *action, const char *kind,
                         int64_t single)
{
    int rc = BW_OK;

    if (l->n) {
        struct bw_buf det;
        struct bw_diag d;
        char obj[24];
        struct bw_audit_entry e = {action, kind, NULL, bw_tlp_name(l->worst), NULL};
        bw_diag_clear(&d);
        bw_buf_init(&det, (size_t)1 << 24);
        if (single > 0) {
            snprintf(obj, sizeof obj, "%lld", (long long)single);
            e.object = obj;
        }
        rc = bw_buf_printf(&det, "{\"ids\":[%s]}", bw_buf_cstr(&l->ids));
        e.detail = det.p;
        if (!rc)
            rc = audit_read(s, &e, &d);
        bw_buf_release(&det);
    }
    bw_buf_release(&l->ids);
    return rc;
}

/* One row of a read of items: fills the caller's record from @p q and hands it on (to a
 * callback, or into an arena); sets *it to its item part for the read's audit entry. */
typedef int (*item_row_fn)(void *ctx, sqlite3_stmt *q, const struct bw_principal *who,
                           struct bw_item *it);

/*
 * Steps @p q — one row when @p single (the item's id) is not 0, else all — through
 * @p row, gives the statement back, and appends the read's one audit entry naming the
 * audited items read (action @p action). BW_ENOTFOUND when a single read finds nothing.
 */
static int read_items(bw_store *s, const struct bw_principal *who, sqlite3_stmt *q,
                      int64_t single, const char *action, const char *kind, item_row_fn row,
                      void *ctx)
{
    struct readlog log = READLOG_INIT;
    int rc = BW_OK, step, found = 0;

    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_item it;
        found = 1;
        rc = row(ctx, q, who, &it);
        if (!rc && who)
            readlog_add(&log, &it);
        if (single)
            break;
    }
    if (!rc && !single && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    if (!rc && single && !found)
        rc = BW_ENOTFOUND;
    if (!rc)
        return readlog_flush(s, &log, action, kind, single);
    bw_buf_release(&log.ids);
    return rc;
}

static int64_t user_id_of(bw_store *s, const char *name)
{
    sqlite3_stmt *q = prep(s, "SELECT id FROM user WHERE name=?1");
    int64_t id = -1;

    if (!q)
        return -2;
    bw_sq_bind_text(q, 1, name);
    if (sqlite3_step(q) == SQLITE_ROW)
        id = sqlite3_column_int64(q, 0);
    bw_sq_release(s, q);
    return id;
}

static int org_exists(bw_store *s, const char *org)
{
    sqlite3_stmt *q = prep(s, "SELECT 1 FROM org WHERE id=?1");
    int ok;

    if (!q)
        return -1;
    bw_sq_bind_text(q, 1, org);
    ok = sqlite3_step(q) == SQLITE_ROW;
    bw_sq_release(s, q);
    return ok;
}

/* Adds recipients @p rec to item @p id (duplicates keep their first reason). */
static int rec_insert(bw_store *s, int64_t id, const struct bw_recipient *rec, size_t n,
                      struct bw_diag *d)
{
    sqlite3_stmt *qo = prep(s, "INSERT OR IGNORE INTO item_recipient(item,org,reason) "
                               "VALUES(?1,?2,?3)");
    sqlite3_stmt *qu = prep(s, "INSERT OR IGNORE INTO item_recipient(item,user,reason) "
                               "VALUES(?1,?2,?3)");
    sqlite3_stmt *qx = prep(s, "SELECT 1 FROM org WHERE id=?1");
    int rc = BW_OK;

    if (!qo || !qu || !qx)
        rc = bw_sq_error(s, d, "preparing the recipients");
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_stmt *q = rec[i].org ? qo : qu;
        if (rec[i].org) {
            sqlite3_reset(qx);
            bw_sq_bind_text(qx, 1, rec[i].org);
            if (sqlite3_step(qx) != SQLITE_ROW) {
                rc = bw_diag_set(d, BW_EREF, "orgs", "no organisation '%s' in the register",
                                 rec[i].org);
                break;
            }
        } else {
            int64_t uid = user_id_of(s, rec[i].user);
            if (uid < 0) {
                rc = uid == -2 ? bw_sq_error(s, d, "looking up a user")
                               : bw_diag_set(d, BW_EREF, "users", "no user '%s'",
                                             rec[i].user ? rec[i].user : "");
                break;
            }
            sqlite3_reset(qu);
            sqlite3_bind_int64(qu, 2, uid);
        }
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, id);
        if (rec[i].org)
            bw_sq_bind_text(q, 2, rec[i].org);
        bw_sq_bind_text(q, 3, rec[i].reason ? rec[i].reason : "named");
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = bw_sq_error(s, d, "adding a recipient");
    }
    bw_sq_release(s, qo);
    bw_sq_release(s, qu);
    bw_sq_release(s, qx);
    return rc;
}

/* Inserts the item row; sets it->id, created and updated (to @p now, static buffer of the
 * caller). */
static int item_insert(bw_store *s, struct bw_item *it, const char *kind, int published,
                       const char *now, struct bw_diag *d)
{
    sqlite3_stmt *q = prep(s, "INSERT INTO item(kind,tlp,author,author_user,author_org,site,"
                              "published,created,updated) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?8)");
    int rc;

    if (!it->author || !it->author_org)
        return bw_diag_set(d, BW_EINVAL, "author", "an item needs an author and an organisation");
    if (org_exists(s, it->author_org) != 1)
        return bw_diag_set(d, BW_EREF, "org", "no organisation '%s' in the register",
                           it->author_org);
    if (!q)
        return bw_sq_error(s, d, "preparing the item");
    bw_sq_bind_text(q, 1, kind);
    bw_sq_bind_text(q, 2, bw_tlp_name(it->tlp));
    bw_sq_bind_text(q, 3, it->author);
    bw_sq_bind_opt_i64(q, 4, it->author_user);
    bw_sq_bind_text(q, 5, it->author_org);
    bw_sq_bind_text(q, 6, it->site);
    sqlite3_bind_int(q, 7, published);
    bw_sq_bind_text(q, 8, now);
    if (sqlite3_step(q) != SQLITE_DONE) {
        const char *m = sqlite3_errmsg(bw_sq_db(s));
        rc = it->site && strstr(m, "FOREIGN KEY")
                 ? bw_diag_set(d, BW_EREF, "site", "no site '%s' in the register", it->site)
                 : bw_sq_error(s, d, "writing the item");
        bw_sq_release(s, q);
        return rc;
    }
    bw_sq_release(s, q);
    it->id = sqlite3_last_insert_rowid(bw_sq_db(s));
    it->kind = kind;
    it->published = published;
    return BW_OK;
}

/* Ends a write begun with bw_store_begin: commit on success, roll back otherwise. */
static int finish(bw_store *s, int rc, struct bw_diag *d)
{
    if (rc) {
        bw_store_rollback(s);
        return rc;
    }
    if (bw_store_commit(s)) {
        rc = bw_sq_error(s, d, "committing");
        bw_store_rollback(s);
    }
    return rc;
}

static int begin(bw_store *s, struct bw_diag *d)
{
    return bw_store_begin(s) ? bw_sq_error(s, d, "starting a transaction") : BW_OK;
}

static int step_insert(bw_store *s, int64_t id, const char *now, const char *actor, int action,
                       int64_t version, const char *note, struct bw_diag *d)
{
    sqlite3_stmt *q = prep(s, "INSERT INTO warning_step(warning,at,actor,action,version,note) "
                              "VALUES(?1,?2,?3,?4,?5,?6)");
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, now);
        bw_sq_bind_text(q, 3, actor);
        bw_sq_bind_text(q, 4, bw_warning_action_name(action));
        sqlite3_bind_int64(q, 5, version);
        bw_sq_bind_text(q, 6, note);
    }
    return run(s, q, d, "recording the step");
}

/* ---- warnings ------------------------------------------------------------------------- */

/* The counts are the issuer's (a NULL :org is the CLI): for anyone else CASE skips the
 * subqueries, which walk every recipient of every warning listed. */
#define ISSUER "(:org IS NULL OR i.author_org=:org)"
#define WARN_COLS ITEM_COLS ",w.status,w.national,w.version,w.doc,w.ack_minutes,w.drafted_by," \
                            "w.approved_by,w.issued_at,w.deadline,w.event,w.headline,"          \
                            "CASE WHEN " ISSUER " THEN (SELECT count(*) FROM item_recipient r " \
                            "WHERE r.item=i.id AND r.org IS NOT NULL) ELSE -1 END,"             \
                            "CASE WHEN " ISSUER " THEN (SELECT count(*) FROM ack a WHERE "      \
                            "a.warning=i.id) ELSE -1 END,"                                      \
                            "CASE WHEN " ISSUER " AND w.status='issued' AND w.deadline<:now "   \
                            "THEN (SELECT count(*) FROM item_recipient r WHERE r.item=i.id AND "\
                            "r.org IS NOT NULL AND NOT EXISTS(SELECT 1 FROM ack a WHERE "       \
                            "a.warning=i.id AND a.org=r.org)) ELSE 0 END "                      \
                            "FROM item i JOIN warning w ON w.item=i.id WHERE "

static void warning_row(sqlite3_stmt *q, const struct bw_principal *who, struct bw_warning *w)
{
    const int o = ITEM_NCOLS;
    int st = 0;

    item_row(q, &w->item);
    bw_warning_status_parse(bw_sq_col_text(q, o), NULL, &st);
    w->status = st;
    w->national = sqlite3_column_int(q, o + 1);
    w->version = sqlite3_column_int64(q, o + 2);
    w->doc = bw_sq_col_text(q, o + 3);
    w->ack_minutes = sqlite3_column_int64(q, o + 4);
    w->drafted_by = bw_sq_col_text(q, o + 5);
    w->approved_by = bw_sq_col_text(q, o + 6);
    w->issued_at = bw_sq_col_text(q, o + 7);
    w->deadline = bw_sq_col_text(q, o + 8);
    w->event = bw_sq_col_text(q, o + 9);
    w->headline = bw_sq_col_text(q, o + 10);
    w->recipients = sqlite3_column_int64(q, o + 11);
    w->acks = sqlite3_column_int64(q, o + 12);
    w->overdue = sqlite3_column_int64(q, o + 13);
    /* Who else received a warning, and who answered, is the author's to know. */
    if (who && (!w->item.author_org || strcmp(who->org, w->item.author_org) != 0))
        w->recipients = w->acks = w->overdue = -1;
}

static void bind_now(sqlite3_stmt *q, const char *now)
{
    int i = sqlite3_bind_parameter_index(q, ":now");
    if (i)
        bw_sq_bind_text(q, i, now);
}

int bw_store_warning_draft(bw_store *s, struct bw_warning *w, const struct bw_recipient *named,
                           size_t n, struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    rc = item_insert(s, &w->item, "warning", 0, now, d);
    if (!rc) {
        q = prep(s, "INSERT INTO warning(item,status,national,version,doc,ack_minutes,"
                    "drafted_by,event,headline) VALUES(?1,'draft',?2,1,?3,?4,?5,?6,?7)");
        if (q) {
            sqlite3_bind_int64(q, 1, w->item.id);
            sqlite3_bind_int(q, 2, w->national != 0);
            bw_sq_bind_text(q, 3, w->doc);
            sqlite3_bind_int64(q, 4, w->ack_minutes);
            bw_sq_bind_text(q, 5, w->drafted_by);
            bw_sq_bind_text(q, 6, w->event);
            bw_sq_bind_text(q, 7, w->headline);
        }
        rc = run(s, q, d, "writing the warning");
    }
    if (!rc)
        rc = rec_insert(s, w->item.id, named, n, d);
    if (!rc)
        rc = step_insert(s, w->item.id, now, w->drafted_by, BW_WSTEP_DRAFT, 1, NULL, d);
    if (!rc)
        rc = audit(s, "warning.draft", "warning", w->item.id, w->item.tlp, NULL, d);
    w->status = BW_WARN_DRAFT;
    w->version = 1;
    return finish(s, rc, d);
}

int bw_store_warning_edit(bw_store *s, int64_t id, const struct bw_warning *w,
                          const struct bw_recipient *named, size_t n, const char *actor,
                          struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    q = prep(s, "UPDATE item SET tlp=?2,updated=?3 WHERE id=?1 AND kind='warning'");
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, bw_tlp_name(w->item.tlp));
        bw_sq_bind_text(q, 3, now);
    }
    rc = run(s, q, d, "editing the warning");
    if (!rc) {
        q = prep(s, "UPDATE warning SET status='draft',approved_by=NULL,national=?2,doc=?3,"
                    "ack_minutes=?4,event=?5,headline=?6 WHERE item=?1 AND status IN "
                    "('draft','approved')");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            sqlite3_bind_int(q, 2, w->national != 0);
            bw_sq_bind_text(q, 3, w->doc);
            sqlite3_bind_int64(q, 4, w->ack_minutes);
            bw_sq_bind_text(q, 5, w->event);
            bw_sq_bind_text(q, 6, w->headline);
        }
        rc = run(s, q, d, "editing the warning");
        if (!rc && sqlite3_changes(bw_sq_db(s)) != 1)
            rc = bw_diag_set(d, BW_ESTATE, "status", "warning %lld is not a draft",
                             (long long)id);
    }
    if (!rc) {
        q = prep(s, "DELETE FROM item_recipient WHERE item=?1");
        if (q)
            sqlite3_bind_int64(q, 1, id);
        rc = run(s, q, d, "replacing the recipients");
    }
    if (!rc)
        rc = rec_insert(s, id, named, n, d);
    if (!rc)
        rc = step_insert(s, id, now, actor, BW_WSTEP_EDIT, 1, NULL, d);
    if (!rc)
        rc = audit(s, "warning.edit", "warning", id, w->item.tlp, NULL, d);
    return finish(s, rc, d);
}

int bw_store_warning_approve(bw_store *s, int64_t id, const char *approver, const char *note,
                             struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    q = prep(s, "UPDATE warning SET status='approved',approved_by=?2 WHERE item=?1 AND "
                "status='draft' AND drafted_by<>?2");
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, approver);
    }
    rc = run(s, q, d, "approving the warning");
    if (!rc && sqlite3_changes(bw_sq_db(s)) != 1)
        rc = bw_diag_set(d, BW_ESTATE, "status",
                         "warning %lld is not a draft of someone else's", (long long)id);
    if (!rc)
        rc = step_insert(s, id, now, approver, BW_WSTEP_APPROVE, 1, note, d);
    if (!rc)
        rc = audit(s, "warning.approve", "warning", id, -1, NULL, d);
    return finish(s, rc, d);
}

int bw_store_warning_publish(bw_store *s, int64_t id, int action, const struct bw_warning *doc,
                             const struct bw_recipient *rec, size_t nrec,
                             const struct bw_warning_cap *cap, const char *actor,
                             const char *note, const char *now_in, struct bw_diag *d)
{
    char now[32], deadline[32];
    double t = 0;
    sqlite3_stmt *q;
    int64_t version = 1, minutes = 0;
    int rc = now_of(now_in, now, &t, d), tlp = BW_TLP_RED;
    const char *status;

    if (rc || (rc = begin(s, d)))
        return rc;
    q = prep(s, "SELECT w.version,w.ack_minutes,i.tlp FROM warning w JOIN item i ON "
                "i.id=w.item WHERE w.item=?1");
    if (!q) {
        rc = bw_sq_error(s, d, "reading the warning");
    } else {
        sqlite3_bind_int64(q, 1, id);
        if (sqlite3_step(q) == SQLITE_ROW) {
            version = sqlite3_column_int64(q, 0);
            minutes = sqlite3_column_int64(q, 1);
            tlp = tlp_of(bw_sq_col_text(q, 2));
        } else {
            rc = bw_diag_set(d, BW_ENOTFOUND, "id", "no warning %lld", (long long)id);
        }
        bw_sq_release(s, q);
    }
    if (!rc && action == BW_WSTEP_UPDATE)
        version++;
    status = action == BW_WSTEP_CANCEL ? "cancelled" : "issued";
    bw_isotime_format(t + (double)minutes * 60.0, deadline);
    if (!rc) {
        q = prep(s, action == BW_WSTEP_ISSUE
                        ? "UPDATE warning SET status=?2,issued_at=?3,deadline=?4 WHERE item=?1 "
                          "AND status IN ('draft','approved')"
                    : action == BW_WSTEP_UPDATE
                        ? "UPDATE warning SET version=?5,doc=coalesce(?6,doc),event=coalesce(?7,"
                          "event),headline=CASE WHEN ?6 IS NULL THEN headline ELSE ?8 END "
                          "WHERE item=?1 AND status='issued' AND ?2 IS NOT NULL"
                        : "UPDATE warning SET status=?2 WHERE item=?1 AND status<>'cancelled'");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            bw_sq_bind_text(q, 2, status);
            bw_sq_bind_text(q, 3, now);
            bw_sq_bind_text(q, 4, deadline);
            sqlite3_bind_int64(q, 5, version);
            if (doc) {
                bw_sq_bind_text(q, 6, doc->doc);
                bw_sq_bind_text(q, 7, doc->event);
                bw_sq_bind_text(q, 8, doc->headline);
            }
        }
        rc = run(s, q, d, "changing the warning's state");
        if (!rc && sqlite3_changes(bw_sq_db(s)) != 1)
            rc = bw_diag_set(d, BW_ESTATE, "status", "warning %lld cannot be %s in its state",
                             (long long)id, bw_warning_action_name(action));
    }
    if (!rc && cap) {
        q = prep(s, "UPDATE item SET published=1,updated=?2 WHERE id=?1");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            bw_sq_bind_text(q, 2, now);
        }
        rc = run(s, q, d, "publishing the warning");
    }
    if (!rc && action != BW_WSTEP_CANCEL) {
        q = prep(s, "DELETE FROM item_recipient WHERE item=?1");
        if (q)
            sqlite3_bind_int64(q, 1, id);
        rc = run(s, q, d, "replacing the recipients");
        if (!rc)
            rc = rec_insert(s, id, rec, nrec, d);
    }
    if (!rc && cap) {
        q = prep(s, "INSERT INTO warning_cap(warning,seq,msg_type,identifier,sent,xml,signature) "
                    "VALUES(?1,(SELECT coalesce(max(seq),0)+1 FROM warning_cap WHERE "
                    "warning=?1),?2,?3,?4,?5,?6)");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            bw_sq_bind_text(q, 2, cap->msg_type);
            bw_sq_bind_text(q, 3, cap->identifier);
            bw_sq_bind_text(q, 4, cap->sent);
            sqlite3_bind_blob(q, 5, cap->xml, (int)cap->xml_len, SQLITE_STATIC);
            bw_sq_bind_text(q, 6, cap->signature);
        }
        rc = run(s, q, d, "storing the CAP message");
        if (!rc) {
            q = prep(s, "INSERT INTO delivery(warning,seq,org,channel,state,next_at,created) "
                        "SELECT ?1,(SELECT max(seq) FROM warning_cap WHERE warning=?1),r.org,"
                        "'webhook','queued',?2,?2 FROM item_recipient r JOIN org_endpoint e "
                        "ON e.org=r.org WHERE r.item=?1");
            if (q) {
                sqlite3_bind_int64(q, 1, id);
                bw_sq_bind_text(q, 2, now);
            }
            rc = run(s, q, d, "queueing the deliveries");
        }
    }
    if (!rc)
        rc = step_insert(s, id, now, actor, action, version, note, d);
    if (!rc) {
        char det[64];
        snprintf(det, sizeof det, "{\"recipients\":%zu,\"version\":%lld}", nrec,
                 (long long)version);
        rc = audit(s, action == BW_WSTEP_ISSUE    ? "warning.issue"
                      : action == BW_WSTEP_UPDATE ? "warning.update"
                                                  : "warning.cancel",
                   "warning", id, tlp, det, d);
    }
    return finish(s, rc, d);
}

/* A warning read into an arena, or handed to a callback (read_items' row functions). */
struct warning_ctx {
    struct bw_arena *a;
    struct bw_warning *out;
    int (*cb)(void *ud, const struct bw_warning *w);
    void *ud;
};

static int warning_got(void *ctx, sqlite3_stmt *q, const struct bw_principal *who,
                       struct bw_item *it)
{
    struct warning_ctx *x = ctx;
    struct bw_warning w, *o = x->out ? x->out : &w;
    int oom = 0, rc;

    warning_row(q, who, o);
    *it = o->item;
    if (x->cb)
        return x->cb(x->ud, o);
    rc = item_dup(x->a, &o->item);
    o->doc = bw_sq_dup(x->a, o->doc, &oom);
    o->event = bw_sq_dup(x->a, o->event, &oom);
    o->headline = bw_sq_dup(x->a, o->headline, &oom);
    o->drafted_by = bw_sq_dup(x->a, o->drafted_by, &oom);
    o->approved_by = bw_sq_dup(x->a, o->approved_by, &oom);
    o->issued_at = bw_sq_dup(x->a, o->issued_at, &oom);
    o->deadline = bw_sq_dup(x->a, o->deadline, &oom);
    return rc ? rc : oom ? BW_ENOMEM : BW_OK;
}

int bw_store_warning_get(bw_store *s, const struct bw_principal *who, int64_t id,
                         struct bw_arena *a, struct bw_warning *out)
{
    struct warning_ctx x = {a, out, NULL, NULL};
    char now[32];
    sqlite3_stmt *q = prep_visible(s, who, "SELECT " WARN_COLS "i.id=:id AND", NULL);

    if (!q)
        return BW_ESTORE;
    now_of(NULL, now, NULL, NULL);
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    bind_now(q, now);
    return read_items(s, who, q, id, "warning.read", "warning", warning_got, &x);
}

int bw_store_warnings_each(bw_store *s, const struct bw_principal *who, int status,
                           size_t limit, int (*cb)(void *ud, const struct bw_warning *w),
                           void *ud)
{
    struct warning_ctx x = {NULL, NULL, cb, ud};
    char now[32], tail[96];
    sqlite3_stmt *q;

    snprintf(tail, sizeof tail, "%s ORDER BY i.id DESC LIMIT %lld",
             status >= 0 ? "AND w.status=:status" : "", limit ? (long long)limit : -1LL);
    q = prep_visible(s, who, "SELECT " WARN_COLS, tail);
    if (!q)
        return BW_ESTORE;
    now_of(NULL, now, NULL, NULL);
    bind_now(q, now);
    if (status >= 0)
        bw_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":status"),
                        bw_warning_status_name(status));
    return read_items(s, who, q, 0, "warning.list", "warning", warning_got, &x);
}

/* 1 when @p who may read item @p id (NULL principal: always); -1 on error. */
static int may_read(bw_store *s, const struct bw_principal *who, int64_t id, char *author_org,
                    size_t n)
{
    sqlite3_stmt *q = prep_visible(s, who, "SELECT i.author_org FROM item i WHERE i.id=:id AND",
                                   NULL);
    int ok;

    if (!q)
        return -1;
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    ok = sqlite3_step(q) == SQLITE_ROW;
    if (ok && author_org)
        snprintf(author_org, n, "%s", bw_sq_col_text(q, 0) ? bw_sq_col_text(q, 0) : "");
    bw_sq_release(s, q);
    return ok;
}

int bw_store_recipients_each(bw_store *s, const struct bw_principal *who, int64_t id,
                             int (*cb)(void *ud, const struct bw_recipient *r), void *ud)
{
    char author[256];
    sqlite3_stmt *q;
    int rc = BW_OK, step, ok = may_read(s, who, id, author, sizeof author), all;

    if (ok < 0)
        return BW_ESTORE;
    if (!ok)
        return BW_ENOTFOUND;
    all = !who || strcmp(who->org, author) == 0;
    q = prep(s, "SELECT r.org,u.name,r.reason FROM item_recipient r LEFT JOIN user u ON "
                "u.id=r.user WHERE r.item=?1 AND (?2 OR r.org=?3 OR r.user=?4) "
                "ORDER BY r.org IS NULL, r.org, u.name");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int(q, 2, all);
    bw_sq_bind_text(q, 3, who ? who->org : NULL);
    sqlite3_bind_int64(q, 4, who ? who->user_id : -1);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_recipient r = {bw_sq_col_text(q, 0), bw_sq_col_text(q, 1),
                                 bw_sq_col_text(q, 2)};
        rc = cb(ud, &r);
    }
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

static int cap_fill(sqlite3_stmt *q, int o, struct bw_arena *a, struct bw_warning_cap *c)
{
    int oom = 0;
    const void *x = sqlite3_column_blob(q, o + 4);
    size_t n = (size_t)sqlite3_column_bytes(q, o + 4);
    char *xml = a ? bw_arena_alloc(a, n + 1) : NULL;

    c->seq = sqlite3_column_int64(q, o);
    c->msg_type = bw_sq_col_text(q, o + 1);
    c->identifier = bw_sq_col_text(q, o + 2);
    c->sent = bw_sq_col_text(q, o + 3);
    c->signature = bw_sq_col_text(q, o + 5);
    c->xml_len = n;
    if (!a) {
        c->xml = x;
        return BW_OK;
    }
    if (!xml)
        return BW_ENOMEM;
    if (n)
        memcpy(xml, x, n);
    xml[n] = 0;
    c->xml = xml;
    c->msg_type = bw_sq_dup(a, c->msg_type, &oom);
    c->identifier = bw_sq_dup(a, c->identifier, &oom);
    c->sent = bw_sq_dup(a, c->sent, &oom);
    c->signature = bw_sq_dup(a, c->signature, &oom);
    return oom ? BW_ENOMEM : BW_OK;
}

#define CAP_COLS "c.seq,c.msg_type,c.identifier,c.sent,c.xml,c.signature"

int bw_store_warning_cap_get(bw_store *s, const struct bw_principal *who, int public_only,
                             int64_t id, int64_t seq, struct bw_arena *a,
                             struct bw_warning_cap *out)
{
    sqlite3_stmt *q;
    int rc = BW_ENOTFOUND, tlp = BW_TLP_RED;
    struct readlog log = READLOG_INIT;

    if (public_only)
        q = prep(s, "SELECT " CAP_COLS ",i.tlp,i.id FROM warning_cap c JOIN item i ON "
                    "i.id=c.warning WHERE c.warning=:id AND i.tlp='CLEAR' AND i.published=1 "
                    "AND (c.seq=:seq OR :seq=0) ORDER BY c.seq DESC LIMIT 1");
    else
        q = prep_visible(s, who, "SELECT " CAP_COLS ",i.tlp,i.id FROM warning_cap c JOIN item i "
                                 "ON i.id=c.warning WHERE c.warning=:id AND (c.seq=:seq OR "
                                 ":seq=0) AND",
                         "ORDER BY c.seq DESC LIMIT 1");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":seq"), seq);
    if (sqlite3_step(q) == SQLITE_ROW) {
        struct bw_item it = {0};
        rc = cap_fill(q, 0, a, out);
        tlp = tlp_of(bw_sq_col_text(q, 6));
        it.id = id;
        it.tlp = tlp;
        if (who && !public_only)
            readlog_add(&log, &it);
    }
    bw_sq_release(s, q);
    if (!rc)
        rc = readlog_flush(s, &log, "warning.cap", "warning", id);
    else
        bw_buf_release(&log.ids);
    return rc;
}

int bw_store_public_caps_each(bw_store *s, size_t limit,
                              int (*cb)(void *ud, int64_t warning,
                                        const struct bw_warning_cap *c),
                              void *ud)
{
    sqlite3_stmt *q = prep(s, "SELECT " CAP_COLS ",c.warning FROM warning_cap c JOIN item i ON "
                              "i.id=c.warning WHERE i.tlp='CLEAR' AND i.published=1 AND "
                              "c.seq=(SELECT max(seq) FROM warning_cap x WHERE "
                              "x.warning=c.warning) ORDER BY c.sent DESC, c.warning DESC "
                              "LIMIT ?1");
    int rc = BW_OK, step;

    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, limit ? (int64_t)limit : -1);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_warning_cap c;
        cap_fill(q, 0, NULL, &c);
        rc = cb(ud, sqlite3_column_int64(q, 6), &c);
    }
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

int bw_store_warning_steps_each(bw_store *s, int64_t id,
                                int (*cb)(void *ud, const char *at, const char *actor,
                                          const char *action, int64_t version,
                                          const char *note),
                                void *ud)
{
    sqlite3_stmt *q = prep(s, "SELECT at,actor,action,version,note FROM warning_step WHERE "
                              "warning=?1 ORDER BY id");
    int rc = BW_OK, step;

    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
        rc = cb(ud, bw_sq_col_text(q, 0), bw_sq_col_text(q, 1), bw_sq_col_text(q, 2),
                sqlite3_column_int64(q, 3), bw_sq_col_text(q, 4));
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

/* ---- acknowledgements and escalation --------------------------------------------------- */

int bw_store_ack_put(bw_store *s, int64_t id, const char *org, int status, const char *actor,
                     const char *note, const char *now_in, struct bw_diag *d)
{
    char now[32];
    double t = 0, issued = -1;
    sqlite3_stmt *q;
    int rc = now_of(now_in, now, &t, d), recipient = 0, tlp = BW_TLP_RED;

    if (rc)
        return rc;
    if (status < 0 || status >= BW_ACK_COUNT)
        return bw_diag_set(d, BW_EINVAL, "status", "unknown acknowledgement");
    if ((rc = begin(s, d)))
        return rc;
    q = prep(s, "SELECT w.issued_at,EXISTS(SELECT 1 FROM item_recipient r WHERE r.item=w.item "
                "AND r.org=?2),i.tlp FROM warning w JOIN item i ON i.id=w.item WHERE w.item=?1 "
                "AND w.status='issued'");
    if (!q) {
        rc = bw_sq_error(s, d, "reading the warning");
    } else {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, org);
        if (sqlite3_step(q) == SQLITE_ROW) {
            issued = iso_parse(bw_sq_col_text(q, 0));
            recipient = sqlite3_column_int(q, 1);
            tlp = tlp_of(bw_sq_col_text(q, 2));
        } else {
            rc = bw_diag_set(d, BW_ESTATE, "id", "warning %lld is not issued (or does not exist)",
                             (long long)id);
        }
        bw_sq_release(s, q);
    }
    if (!rc && !recipient)
        rc = bw_diag_set(d, BW_EDENIED, "org",
                         "organisation '%s' is not a recipient of warning %lld", org,
                         (long long)id);
    if (!rc) {
        q = prep(s, "INSERT INTO ack(warning,org,status,actor,at,seconds,note) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(warning,org) DO UPDATE SET "
                    "status=excluded.status,actor=excluded.actor,at=excluded.at,"
                    "note=excluded.note");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            bw_sq_bind_text(q, 2, org);
            bw_sq_bind_text(q, 3, bw_ack_status_name(status));
            bw_sq_bind_text(q, 4, actor);
            bw_sq_bind_text(q, 5, now);
            sqlite3_bind_double(q, 6, issued >= 0 && t > issued ? t - issued : 0);
            bw_sq_bind_text(q, 7, note);
        }
        rc = run(s, q, d, "recording the acknowledgement");
    }
    if (!rc) {
        q = prep(s, "INSERT INTO ack_log(warning,org,status,actor,at,note) "
                    "VALUES(?1,?2,?3,?4,?5,?6)");
        if (q) {
            sqlite3_bind_int64(q, 1, id);
            bw_sq_bind_text(q, 2, org);
            bw_sq_bind_text(q, 3, bw_ack_status_name(status));
            bw_sq_bind_text(q, 4, actor);
            bw_sq_bind_text(q, 5, now);
            bw_sq_bind_text(q, 6, note);
        }
        rc = run(s, q, d, "recording the acknowledgement");
    }
    if (!rc) {
        char det[96];
        snprintf(det, sizeof det, "{\"status\":\"%s\"}", bw_ack_status_name(status));
        rc = audit(s, "warning.ack", "warning", id, tlp, det, d);
    }
    return finish(s, rc, d);
}

#define ACK_COLS                                                                             \
    "r.org,a.status,a.actor,a.at,a.note,a.seconds,(a.status IS NULL AND w.status='issued' "  \
    "AND w.deadline<=:now),e.at,o.contact_name,o.contact_phone,r.item FROM item_recipient r " \
    "JOIN warning w ON w.item=r.item JOIN org o ON o.id=r.org LEFT JOIN ack a ON "          \
    "a.warning=r.item AND a.org=r.org LEFT JOIN escalation e ON e.warning=r.item AND "      \
    "e.org=r.org "

static void ack_row(sqlite3_stmt *q, struct bw_ack *a)
{
    a->org = bw_sq_col_text(q, 0);
    a->status = bw_sq_col_text(q, 1);
    a->actor = bw_sq_col_text(q, 2);
    a->at = bw_sq_col_text(q, 3);
    a->note = bw_sq_col_text(q, 4);
    a->seconds = sqlite3_column_type(q, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 5);
    a->overdue = sqlite3_column_int(q, 6);
    a->escalated_at = bw_sq_col_text(q, 7);
    a->contact_name = bw_sq_col_text(q, 8);
    a->contact_phone = bw_sq_col_text(q, 9);
}

int bw_store_acks_each(bw_store *s, const struct bw_principal *who, int64_t id,
                       const char *now_in, int (*cb)(void *ud, const struct bw_ack *a), void *ud)
{
    char now[32], author[256];
    sqlite3_stmt *q;
    int rc = now_of(now_in, now, NULL, NULL), step, ok, all;

    if (rc)
        return rc;
    ok = may_read(s, who, id, author, sizeof author);
    if (ok < 0)
        return BW_ESTORE;
    if (!ok)
        return BW_ENOTFOUND;
    all = !who || strcmp(who->org, author) == 0;
    q = prep(s, "SELECT " ACK_COLS "WHERE r.item=:id AND r.org IS NOT NULL AND (:all OR "
                "r.org=:org) ORDER BY r.org");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":all"), all);
    bw_sq_bind_text(q, sqlite3_bind_parameter_index(q, ":org"), who ? who->org : NULL);
    bind_now(q, now);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_ack a;
        ack_row(q, &a);
        rc = cb(ud, &a);
    }
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

int bw_store_escalate(bw_store *s, const char *now_in, size_t *n,
                      int (*cb)(void *ud, int64_t warning, const struct bw_ack *a), void *ud,
                      struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q, *ins = NULL;
    int rc = now_of(now_in, now, NULL, d), step;

    *n = 0;
    if (rc || (rc = begin(s, d)))
        return rc;
    q = prep(s, "SELECT " ACK_COLS "WHERE r.org IS NOT NULL AND w.status='issued' AND "
                "w.deadline<=:now AND a.status IS NULL AND e.at IS NULL ORDER BY r.item, r.org");
    ins = prep(s, "INSERT INTO escalation(warning,org,at,contact_name,contact_phone,"
                  "contact_email) SELECT ?1,id,?2,contact_name,contact_phone,contact_email "
                  "FROM org WHERE id=?3");
    if (!q || !ins) {
        rc = bw_sq_error(s, d, "preparing the escalation");
    } else {
        bind_now(q, now);
        while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
            struct bw_ack a;
            int64_t w = sqlite3_column_int64(q, 10);
            ack_row(q, &a);
            a.escalated_at = now;
            sqlite3_reset(ins);
            sqlite3_bind_int64(ins, 1, w);
            bw_sq_bind_text(ins, 2, now);
            bw_sq_bind_text(ins, 3, a.org);
            if (sqlite3_step(ins) != SQLITE_DONE) {
                rc = bw_sq_error(s, d, "recording the escalation");
                break;
            }
            char det[320];
            snprintf(det, sizeof det, "{\"org\":\"%.200s\"}", a.org);
            rc = audit(s, "warning.escalate", "warning", w, -1, det, d);
            if (!rc && cb)
                rc = cb(ud, w, &a);
            (*n)++;
        }
        if (!rc && step != SQLITE_DONE)
            rc = bw_sq_error(s, d, "finding overdue acknowledgements");
    }
    bw_sq_release(s, q);
    bw_sq_release(s, ins);
    return finish(s, rc, d);
}

int bw_store_ack_stats(bw_store *s, const char *now_in, int64_t *within, int64_t *due)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(now_in, now, NULL, NULL);

    if (rc)
        return rc;
    q = prep(s, "SELECT count(*),coalesce(sum(a.seconds<=w.ack_minutes*60.0),0) FROM "
                "item_recipient r JOIN warning w ON w.item=r.item LEFT JOIN ack a ON "
                "a.warning=r.item AND a.org=r.org WHERE r.org IS NOT NULL AND w.issued_at IS "
                "NOT NULL AND w.status IN ('issued','cancelled') AND (w.deadline<=?1 OR "
                "a.status IS NOT NULL)");
    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, now);
    rc = sqlite3_step(q) == SQLITE_ROW ? BW_OK : BW_ESTORE;
    if (!rc) {
        *due = sqlite3_column_int64(q, 0);
        *within = sqlite3_column_int64(q, 1);
    }
    bw_sq_release(s, q);
    return rc;
}

/* ---- webhook deliveries ------------------------------------------------------------------- */

int bw_store_endpoint_set(bw_store *s, const char *org, const char *url, const char *secret,
                          struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc, ok = org_exists(s, org);

    if (ok < 0)
        return bw_sq_error(s, d, "looking up the organisation");
    if (!ok)
        return bw_diag_set(d, BW_EREF, "org", "no organisation '%s' in the register", org);
    if ((rc = begin(s, d)))
        return rc;
    q = prep(s, url ? "INSERT INTO org_endpoint(org,url,secret) VALUES(?1,?2,?3) ON "
                      "CONFLICT(org) DO UPDATE SET url=excluded.url,secret=excluded.secret"
                    : "DELETE FROM org_endpoint WHERE org=?1");
    if (q) {
        bw_sq_bind_text(q, 1, org);
        if (url) {
            bw_sq_bind_text(q, 2, url);
            bw_sq_bind_text(q, 3, secret);
        }
    }
    rc = run(s, q, d, "setting the endpoint");
    if (!rc) {
        struct bw_audit_entry e = {url ? "endpoint.set" : "endpoint.remove", "org", org, NULL,
                                   NULL};
        rc = bw_store_audit_append(s, &e, d);
    }
    return finish(s, rc, d);
}

#define DELIVERY_COLS "d.id,d.warning,d.seq,d.org,d.channel,d.state,e.url,e.secret,d.next_at," \
                      "d.last_error,d.attempts FROM delivery d LEFT JOIN org_endpoint e ON "   \
                      "e.org=d.org "

static int delivery_walk(bw_store *s, sqlite3_stmt *q, int (*cb)(void *ud, const struct bw_delivery *dl),
                         void *ud)
{
    int rc = BW_OK, step;

    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_delivery dl = {
            sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2),
            bw_sq_col_text(q, 3),       bw_sq_col_text(q, 4),       bw_sq_col_text(q, 5),
            bw_sq_col_text(q, 6),       bw_sq_col_text(q, 7),       bw_sq_col_text(q, 8),
            bw_sq_col_text(q, 9),       sqlite3_column_int64(q, 10)};
        rc = cb(ud, &dl);
    }
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

int bw_store_deliveries_due(bw_store *s, const char *now_in, size_t limit,
                            int (*cb)(void *ud, const struct bw_delivery *dl), void *ud)
{
    char now[32];
    sqlite3_stmt *q;

    if (now_of(now_in, now, NULL, NULL))
        return BW_EINVAL;
    q = prep(s, "SELECT " DELIVERY_COLS "WHERE d.state='queued' AND d.next_at<=?1 "
                "ORDER BY d.next_at, d.id LIMIT ?2");
    if (!q)
        return BW_ESTORE;
    bw_sq_bind_text(q, 1, now);
    sqlite3_bind_int64(q, 2, limit ? (int64_t)limit : -1);
    return delivery_walk(s, q, cb, ud);
}

int bw_store_deliveries_each(bw_store *s, int64_t id, const char *state,
                             int (*cb)(void *ud, const struct bw_delivery *dl), void *ud)
{
    sqlite3_stmt *q = prep(s, "SELECT " DELIVERY_COLS "WHERE (?1=0 OR d.warning=?1) AND "
                              "(?2 IS NULL OR d.state=?2) ORDER BY d.id");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    bw_sq_bind_text(q, 2, state);
    return delivery_walk(s, q, cb, ud);
}

int bw_store_delivery_result(bw_store *s, int64_t id, int ok, const char *error,
                             const char *retry_at, struct bw_diag *d)
{
    sqlite3_stmt *q;
    int rc = begin(s, d);

    if (rc)
        return rc;
    q = prep(s, "UPDATE delivery SET attempts=attempts+1,state=?2,last_error=?3,"
                "next_at=coalesce(?4,next_at) WHERE id=?1 AND state='queued'");
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, ok ? "sent" : retry_at ? "queued" : "dead");
        bw_sq_bind_text(q, 3, ok ? NULL : error);
        bw_sq_bind_text(q, 4, ok ? NULL : retry_at);
    }
    rc = run(s, q, d, "recording the delivery");
    return finish(s, rc, d);
}

/* ---- reports from the field -------------------------------------------------------------- */

int bw_store_report_add(bw_store *s, struct bw_report *r, const struct bw_recipient *named,
                        size_t n, struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    rc = item_insert(s, &r->item, "report", 1, now, d);
    if (!rc) {
        q = prep(s, "INSERT INTO report(item,type,lat,lon,occurred,description) "
                    "VALUES(?1,?2,?3,?4,?5,?6)");
        if (q) {
            sqlite3_bind_int64(q, 1, r->item.id);
            bw_sq_bind_text(q, 2, bw_report_type_name(r->type));
            if (!isnan(r->lat) && !isnan(r->lon)) {
                sqlite3_bind_double(q, 3, r->lat);
                sqlite3_bind_double(q, 4, r->lon);
            }
            bw_sq_bind_text(q, 5, r->occurred ? r->occurred : now);
            bw_sq_bind_text(q, 6, r->description);
        }
        rc = run(s, q, d, "writing the report");
    }
    if (!rc) {
        /* The author's organisation and every authority organisation receive it. */
        q = prep(s, "INSERT OR IGNORE INTO item_recipient(item,org,reason) SELECT ?1,id,"
                    "CASE WHEN id=?2 THEN 'author' ELSE 'authority' END FROM org WHERE id=?2 "
                    "OR type='authority'");
        if (q) {
            sqlite3_bind_int64(q, 1, r->item.id);
            bw_sq_bind_text(q, 2, r->item.author_org);
        }
        rc = run(s, q, d, "addressing the report");
    }
    if (!rc)
        rc = rec_insert(s, r->item.id, named, n, d);
    if (!rc) {
        char det[64];
        snprintf(det, sizeof det, "{\"type\":\"%s\"}", bw_report_type_name(r->type));
        rc = audit(s, "report.create", "report", r->item.id, r->item.tlp, det, d);
    }
    return finish(s, rc, d);
}

int bw_store_report_triage(bw_store *s, int64_t id, int triage, int64_t warning,
                           const char *actor, struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    q = prep(s, "UPDATE report SET triage=?2,triaged_by=?3,triaged_at=?4,warning=?5 WHERE "
                "item=?1");
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        bw_sq_bind_text(q, 2, bw_triage_name(triage));
        bw_sq_bind_text(q, 3, actor);
        bw_sq_bind_text(q, 4, now);
        bw_sq_bind_opt_i64(q, 5, warning > 0 ? warning : -1);
    }
    rc = run(s, q, d, "triaging the report");
    if (!rc && sqlite3_changes(bw_sq_db(s)) != 1)
        rc = bw_diag_set(d, BW_ENOTFOUND, "id", "no report %lld", (long long)id);
    if (!rc) {
        char det[64];
        snprintf(det, sizeof det, "{\"triage\":\"%s\"}", bw_triage_name(triage));
        rc = audit(s, "report.triage", "report", id, -1, det, d);
    }
    return finish(s, rc, d);
}

#define REPORT_COLS ITEM_COLS ",p.type,p.lat,p.lon,p.occurred,p.description,p.triage," \
                              "p.triaged_by,p.triaged_at,p.warning FROM item i JOIN report p " \
                              "ON p.item=i.id WHERE "

static void report_row(sqlite3_stmt *q, struct bw_report *r)
{
    const int o = ITEM_NCOLS;
    int t = BW_REPORT_OTHER, tr = BW_TRIAGE_NEW;

    item_row(q, &r->item);
    bw_report_type_parse(bw_sq_col_text(q, o), NULL, &t);
    r->type = t;
    r->lat = sqlite3_column_type(q, o + 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, o + 1);
    r->lon = sqlite3_column_type(q, o + 2) == SQLITE_NULL ? NAN : sqlite3_column_double(q, o + 2);
    r->occurred = bw_sq_col_text(q, o + 3);
    r->description = bw_sq_col_text(q, o + 4);
    bw_triage_parse(bw_sq_col_text(q, o + 5), NULL, &tr);
    r->triage = tr;
    r->triaged_by = bw_sq_col_text(q, o + 6);
    r->triaged_at = bw_sq_col_text(q, o + 7);
    r->warning = sqlite3_column_int64(q, o + 8);
}

struct report_ctx {
    struct bw_arena *a;
    struct bw_report *out;
    int (*cb)(void *ud, const struct bw_report *r);
    void *ud;
};

static int report_got(void *ctx, sqlite3_stmt *q, const struct bw_principal *who,
                      struct bw_item *it)
{
    struct report_ctx *x = ctx;
    struct bw_report r, *o = x->out ? x->out : &r;
    int oom = 0, rc;

    (void)who;
    report_row(q, o);
    *it = o->item;
    if (x->cb)
        return x->cb(x->ud, o);
    rc = item_dup(x->a, &o->item);
    o->occurred = bw_sq_dup(x->a, o->occurred, &oom);
    o->description = bw_sq_dup(x->a, o->description, &oom);
    o->triaged_by = bw_sq_dup(x->a, o->triaged_by, &oom);
    o->triaged_at = bw_sq_dup(x->a, o->triaged_at, &oom);
    return rc ? rc : oom ? BW_ENOMEM : BW_OK;
}

int bw_store_report_get(bw_store *s, const struct bw_principal *who, int64_t id,
                        struct bw_arena *a, struct bw_report *out)
{
    struct report_ctx x = {a, out, NULL, NULL};
    sqlite3_stmt *q = prep_visible(s, who, "SELECT " REPORT_COLS "i.id=:id AND", NULL);

    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    return read_items(s, who, q, id, "report.read", "report", report_got, &x);
}

int bw_store_reports_each(bw_store *s, const struct bw_principal *who, size_t limit,
                          int (*cb)(void *ud, const struct bw_report *r), void *ud)
{
    struct report_ctx x = {NULL, NULL, cb, ud};
    char tail[64];
    sqlite3_stmt *q;

    snprintf(tail, sizeof tail, "ORDER BY i.id DESC LIMIT %lld", limit ? (long long)limit : -1LL);
    q = prep_visible(s, who, "SELECT " REPORT_COLS, tail);
    if (!q)
        return BW_ESTORE;
    return read_items(s, who, q, 0, "report.list", "report", report_got, &x);
}

/* ---- notes and shared site details -------------------------------------------------------- */

int bw_store_note_add(bw_store *s, struct bw_note *n, const struct bw_recipient *rec,
                      size_t nrec, struct bw_diag *d)
{
    char now[32];
    sqlite3_stmt *q;
    int rc = now_of(NULL, now, NULL, d);

    if (rc || (rc = begin(s, d)))
        return rc;
    rc = item_insert(s, &n->item, "note", 1, now, d);
    if (!rc) {
        q = prep(s, "INSERT INTO note(item,title,body) VALUES(?1,?2,?3)");
        if (q) {
            sqlite3_bind_int64(q, 1, n->item.id);
            bw_sq_bind_text(q, 2, n->title);
            bw_sq_bind_text(q, 3, n->body);
        }
        rc = run(s, q, d, "writing the note");
    }
    if (!rc)
        rc = rec_insert(s, n->item.id, rec, nrec, d);
    if (!rc)
        rc = audit(s, "note.create", "note", n->item.id, n->item.tlp, NULL, d);
    return finish(s, rc, d);
}

#define NOTE_COLS ITEM_COLS ",n.title,n.body FROM item i JOIN note n ON n.item=i.id WHERE "

struct note_ctx {
    struct bw_arena *a;
    struct bw_note *out;
    int (*cb)(void *ud, const struct bw_note *n);
    void *ud;
};

static int note_got(void *ctx, sqlite3_stmt *q, const struct bw_principal *who,
                    struct bw_item *it)
{
    struct note_ctx *x = ctx;
    struct bw_note n, *o = x->out ? x->out : &n;
    int oom = 0, rc;

    (void)who;
    item_row(q, &o->item);
    o->title = bw_sq_col_text(q, ITEM_NCOLS);
    o->body = bw_sq_col_text(q, ITEM_NCOLS + 1);
    *it = o->item;
    if (x->cb)
        return x->cb(x->ud, o);
    rc = item_dup(x->a, &o->item);
    o->title = bw_sq_dup(x->a, o->title, &oom);
    o->body = bw_sq_dup(x->a, o->body, &oom);
    return rc ? rc : oom ? BW_ENOMEM : BW_OK;
}

int bw_store_note_get(bw_store *s, const struct bw_principal *who, int64_t id,
                      struct bw_arena *a, struct bw_note *out)
{
    struct note_ctx x = {a, out, NULL, NULL};
    sqlite3_stmt *q = prep_visible(s, who, "SELECT " NOTE_COLS "i.id=:id AND", NULL);

    if (!q)
        return BW_ESTORE;
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), id);
    return read_items(s, who, q, id, "note.read", "note", note_got, &x);
}

int bw_store_notes_each(bw_store *s, const struct bw_principal *who, size_t limit,
                        int (*cb)(void *ud, const struct bw_note *n), void *ud)
{
    struct note_ctx x = {NULL, NULL, cb, ud};
    char tail[64];
    sqlite3_stmt *q;

    snprintf(tail, sizeof tail, "ORDER BY i.id DESC LIMIT %lld", limit ? (long long)limit : -1LL);
    q = prep_visible(s, who, "SELECT " NOTE_COLS, tail);
    if (!q)
        return BW_ESTORE;
    return read_items(s, who, q, 0, "note.list", "note", note_got, &x);
}

int bw_store_item_share(bw_store *s, const struct bw_principal *who, int64_t id,
                        const char *const *orgs, size_t n, struct bw_diag *d)
{
    char author[256], reason[300];
    sqlite3_stmt *q;
    struct bw_recipient *rec;
    int rc, ok = may_read(s, who, id, author, sizeof author), tlp = BW_TLP_RED, own;

    if (ok < 0)
        return bw_sq_error(s, d, "reading the item");
    if (!ok)
        return bw_diag_set(d, BW_ENOTFOUND, "id", "no item %lld", (long long)id);
    q = prep(s, "SELECT tlp FROM item WHERE id=?1");
    if (!q)
        return bw_sq_error(s, d, "reading the item");
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW)
        tlp = tlp_of(bw_sq_col_text(q, 0));
    bw_sq_release(s, q);
    own = !who || strcmp(who->org, author) == 0;
    if (tlp == BW_TLP_CLEAR || tlp == BW_TLP_GREEN)
        return bw_diag_set(d, BW_EINVAL, "tlp",
                           "TLP:%s items are already shared with the whole community",
                           bw_tlp_name(tlp));
    if (tlp == BW_TLP_RED)
        return bw_diag_set(d, BW_EINVAL, "tlp",
                           "TLP:RED is for named recipients only: the author names them");
    if (tlp == BW_TLP_AMBER_STRICT && !own)
        return bw_diag_set(d, BW_EDENIED, "tlp",
                           "TLP:AMBER+STRICT stays within the recipient organisations: only "
                           "the author's organisation may extend it");
    rec = calloc(n ? n : 1, sizeof *rec);
    if (!rec)
        return BW_ENOMEM;
    snprintf(reason, sizeof reason, own ? "named" : "client-of:%s", who ? who->org : "");
    for (size_t i = 0; i < n; i++)
        rec[i] = (struct bw_recipient){orgs[i], NULL, reason};
    rc = begin(s, d);
    if (rc) {
        free(rec);
        return rc;
    }
    rc = rec_insert(s, id, rec, n, d);
    if (!rc)
        rc = audit(s, "item.share", "item", id, tlp, NULL, d);
    free(rec);
    return finish(s, rc, d);
}

/* ---- sites for targeting ---------------------------------------------------------------- */

#define AREA_COLS "s.id,s.category,s.operator,s.lat,s.lon,(SELECT group_concat(r.org||':'||" \
                  "r.phase,';') FROM role r WHERE r.site=s.rowid) "

static int area_walk(bw_store *s, sqlite3_stmt *q, int (*cb)(void *ud, const struct bw_area_site *site),
                     void *ud)
{
    int rc = BW_OK, step;

    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct bw_area_site a = {bw_sq_col_text(q, 0),      bw_sq_col_text(q, 1),
                                 bw_sq_col_text(q, 2),      sqlite3_column_double(q, 3),
                                 sqlite3_column_double(q, 4), bw_sq_col_text(q, 5)};
        rc = cb(ud, &a);
    }
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}

int bw_store_sites_in_box(bw_store *s, const struct bw_bbox *b,
                          int (*cb)(void *ud, const struct bw_area_site *site), void *ud)
{
    sqlite3_stmt *q = prep(s, "SELECT " AREA_COLS "FROM site_rtree t JOIN site s ON "
                              "s.rowid=t.id WHERE t.min_lat<=?2 AND t.max_lat>=?1 AND "
                              "t.min_lon<=?4 AND t.max_lon>=?3");
    if (!q)
        return BW_ESTORE;
    sqlite3_bind_double(q, 1, b->min_lat);
    sqlite3_bind_double(q, 2, b->max_lat);
    sqlite3_bind_double(q, 3, b->min_lon);
    sqlite3_bind_double(q, 4, b->max_lon);
    return area_walk(s, q, cb, ud);
}

int bw_sq_shared_sites(bw_store *s, const struct bw_principal *who,
                       int (*row)(sqlite3_stmt *q, void *ctx), void *ctx)
{
    sqlite3_stmt *q = prep_visible(s, who, "SELECT DISTINCT i.site FROM item i WHERE "
                                           "i.kind='note' AND i.site IS NOT NULL AND",
                                   NULL);
    int rc = BW_OK, step;

    if (!q)
        return BW_ESTORE;
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
        rc = row(q, ctx);
    if (!rc && step != SQLITE_DONE)
        rc = BW_ESTORE;
    bw_sq_release(s, q);
    return rc;
}
