/*
 * store.h — persistence of the register behind one interface.
 *
 * The only layer that speaks SQL. The SQLite back end (store_sqlite.c) is the embedded
 * default: STRICT tables, foreign keys on, WAL, forward-only versioned migrations, an
 * R*Tree over site locations. Every write happens inside a transaction; importers
 * call bw_store_begin, put records, then commit or roll back as one unit.
 *
 * Ownership: bw_store_open returns a handle the caller frees with bw_store_close.
 * Records passed to callbacks borrow the store's row buffers and are valid only during
 * the callback. Thread-safety: one handle per thread.
 */
#ifndef BW_STORE_H
#define BW_STORE_H

#include "dep.h"
#include "graph.h"
#include "org.h"
#include "pack.h"
#include "site.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;
typedef struct bw_store bw_store;

/**
 * Opens (creating if needed) the database at @p path and brings its schema up to
 * date. Refuses a database written by a newer bulwark (BW_ESCHEMA).
 */
int bw_store_open(const char *path, struct bw_diag *d, bw_store **out);
/** Closes the handle. Accepts NULL. */
void bw_store_close(bw_store *s);
/**
 * How a commit waits for the disk. @p full 1 (the default of every handle): SQLite's
 * synchronous=FULL, every commit survives a power failure, at the price of one fsync
 * per commit (about 200 commits/s on this project's machines). 0: synchronous=NORMAL in
 * WAL mode, which the server uses: every commit survives a crash of the process
 * (kill -9), the last ones before a power failure or a kernel crash may roll back, and
 * the database stays consistent either way (SQLite's documentation of PRAGMA
 * synchronous). BW_OK or BW_ESTORE.
 */
int bw_store_set_durability(bw_store *s, int full);

/** Starts a write transaction (BEGIN IMMEDIATE), or a savepoint inside an open one. */
int bw_store_begin(bw_store *s);
/** Commits the transaction. */
int bw_store_commit(bw_store *s);
/** Rolls the transaction back; safe to call when none is open. */
void bw_store_rollback(bw_store *s);

/** Stores the bundled pack document (replacing any earlier one). */
int bw_store_pack_set(bw_store *s, const char *bundle);
/** Loads and parses the stored pack; BW_ENOTFOUND when the database was never initialised. */
int bw_store_pack_get(bw_store *s, struct bw_diag *d, bw_pack **out);

/* ---- writes: each fills @p d and returns BW_EEXIST / BW_EREF / BW_ESTORE on error ---- */

/** Inserts a site, or with @p upsert replaces the one with the same id. */
int bw_store_site_put(bw_store *s, const struct bw_site *site, int upsert, struct bw_diag *d);
/** Inserts an organisation, or with @p upsert replaces it. */
int bw_store_org_put(bw_store *s, const struct bw_org *org, int upsert, struct bw_diag *d);
/** Inserts a dependency; both sites must exist. Duplicates are BW_EEXIST unless @p upsert. */
int bw_store_dep_put(bw_store *s, const struct bw_dep *dep, int upsert, struct bw_diag *d);
/** Inserts a role; the organisation and site must exist. */
int bw_store_role_put(bw_store *s, const struct bw_role *role, int upsert, struct bw_diag *d);

/* ---- reads ----------------------------------------------------------------------- */

/** Filter for bw_store_sites_each: a site passes when its category is in the list
 *  (or the list is empty). */
struct bw_site_query {
    const char *const *categories;
    size_t ncategories;
};

typedef int (*bw_site_cb)(void *ud, const struct bw_site *s);
typedef int (*bw_org_cb)(void *ud, const struct bw_org *o);
typedef int (*bw_dep_cb)(void *ud, const struct bw_dep *d);
typedef int (*bw_role_cb)(void *ud, const struct bw_role *r);

/** Calls @p cb for every matching site in id order; a nonzero return stops and is returned. */
int bw_store_sites_each(bw_store *s, const struct bw_site_query *q, bw_site_cb cb, void *ud);
/** Copies one site into @p a; BW_ENOTFOUND when absent. */
int bw_store_site_get(bw_store *s, const char *id, struct bw_arena *a, struct bw_site *out);
/** Every organisation in id order. */
int bw_store_orgs_each(bw_store *s, bw_org_cb cb, void *ud);
/** Copies one organisation into @p a; BW_ENOTFOUND when absent. */
int bw_store_org_get(bw_store *s, const char *id, struct bw_arena *a, struct bw_org *out);
/** Dependencies, all (site_id NULL) or those where @p site_id is the site or the supplier. */
int bw_store_deps_each(bw_store *s, const char *site_id, bw_dep_cb cb, void *ud);
/** Roles, all (site_id NULL) or those at one site. */
int bw_store_roles_each(bw_store *s, const char *site_id, bw_role_cb cb, void *ud);

/** A site found by a radius query. */
struct bw_near {
    struct bw_site site; /**< strings owned by the arena passed to the query */
    double distance_m;   /**< geodesic distance from the query point */
};

/**
 * Sites within @p radius_m metres (geodesic, WGS84) of (lat, lon), nearest first (ties
 * by id), at most @p limit (0 = all). The array and strings live in @p a.
 */
int bw_store_sites_near(bw_store *s, double lat, double lon, double radius_m, size_t limit,
                        struct bw_arena *a, struct bw_near **out, size_t *n);

/** Row counts. */
struct bw_store_counts {
    int64_t sites, orgs, deps, roles, designation_runs;
};
int bw_store_counts(bw_store *s, struct bw_store_counts *out);

/** Per-category site counts: calls @p cb(ud, category, count, total_capacity). */
int bw_store_category_counts(bw_store *s,
                             int (*cb)(void *ud, const char *category, int64_t n, int64_t cap),
                             void *ud);

/* ---- designation ------------------------------------------------------------------ */

/** One designation decision (only designated sites are stored). */
struct bw_decision {
    const char *site;    /**< site id */
    const char *tier;    /**< capacity tier id, or NULL */
    int critical;        /**< 1 when a CI significance criterion is met */
    const char *reasons; /**< JSON array of reason strings */
};

/** A designation run's header. */
struct bw_designation_run {
    int64_t id;
    const char *at;               /**< ISO 8601 UTC time */
    const char *pack_id, *pack_version, *pack_hash, *criteria_version;
    int64_t sites_considered, designated;
};

/** Saves a run and its designated sites; sets run->id. Call inside a transaction. */
int bw_store_designation_save(bw_store *s, struct bw_designation_run *run,
                              const struct bw_decision *dec, size_t n);
/**
 * The run with id @p run_id, or the latest when @p run_id is 0, or the one before the
 * latest when @p run_id is -1. Strings live in @p a. BW_ENOTFOUND when there is none.
 */
int bw_store_designation_run(bw_store *s, int64_t run_id, struct bw_arena *a,
                             struct bw_designation_run *out);
/** The decisions of a run, in site id order. */
int bw_store_designation_each(bw_store *s, int64_t run_id,
                              int (*cb)(void *ud, const struct bw_decision *d), void *ud);

/** Inputs of designation for each site: dependants and farthest dependant's distance. */
struct bw_site_links {
    int64_t dependants;  /**< distinct sites depending on it through supply dependencies */
    double reach_km;     /**< geodesic distance to the farthest of them, km */
};
/** Calls @p cb for every site with its dependency summary, in id order. */
int bw_store_sites_links_each(bw_store *s,
                              int (*cb)(void *ud, const struct bw_site *site,
                                        const struct bw_site_links *l),
                              void *ud);

/* ---- dependency graph ------------------------------------------------------------- */

/**
 * The register as arrays for bw_graph_new: node i is the i-th site in id order.
 * Arrays are owned by the struct (free with bw_graph_data_release); ids and categories
 * live in the arena passed to bw_store_graph_load.
 */
struct bw_graph_data {
    uint32_t n;
    const char **ids;        /**< n site ids, ascending */
    const char **categories; /**< n category ids */
    uint32_t *supplies;      /**< n masks over the pack's services (pack order) */
    double *population;      /**< n populations served (0 when unknown) */
    struct bw_graph_dep *deps;
    size_t ndeps;
};

/** Loads sites and dependencies; service ids follow the pack's service order. */
int bw_store_graph_load(bw_store *s, const bw_pack *pack, struct bw_arena *a,
                        struct bw_graph_data *out, struct bw_diag *d);
/** Frees the arrays of @p g. Accepts NULL. */
void bw_graph_data_release(struct bw_graph_data *g);
/** The node of site @p id (binary search over ids), or -1. */
int64_t bw_graph_data_find(const struct bw_graph_data *g, const char *id);

/* ---- risk assessment runs (store_assess.c) ----------------------------------------- */

/** A risk-assessment run's header. */
struct bw_assess_run {
    int64_t id;
    const char *at; /**< ISO 8601 UTC time */
    const char *pack_id, *pack_version, *pack_hash;
    const char *inputs_hash; /**< hash of everything the run read (16 hex digits) */
    const char *date;        /**< the day the threat levels in force were read for */
    int cascade;             /**< 1: outages through dependencies were included */
    uint64_t seed;
    int64_t trials, threads, sites, threats;
    double elapsed_s;
    const char *note;
};

/** One row of the national risk register: a site under one threat type. */
struct bw_risk_row {
    const char *site, *threat;
    double likelihood;    /**< T: probability of an attempt in a year */
    double vulnerability; /**< V: probability of success given an attempt */
    double consequence;   /**< C: weighted consequence score */
    double risk;          /**< T x V x C at the inputs' modes */
    double conditional_risk; /**< V x C (T = 1) */
    double risk_p5, risk_p50, risk_p95; /**< Monte Carlo percentiles of risk (NaN: no trials) */
    double fatalities, injuries, outage_ph, economic, symbolic; /**< consequence vector */
};

/** Saves a run (when run->id is 0; sets it) and appends @p n rows to it, so a large
 *  register can be written in batches. Call inside a transaction. */
int bw_store_assess_save(bw_store *s, struct bw_assess_run *run, const struct bw_risk_row *rows,
                         size_t n, struct bw_diag *d);
/**
 * The run with id @p run_id, or the latest when 0, or the one before the latest when
 * -1. Strings live in @p a. BW_ENOTFOUND when there is none.
 */
int bw_store_assess_run(bw_store *s, int64_t run_id, struct bw_arena *a,
                        struct bw_assess_run *out);
/** Every run, newest first. Strings are valid during the callback only. */
int bw_store_assess_runs_each(bw_store *s, int (*cb)(void *ud, const struct bw_assess_run *r),
                              void *ud);
/** Filter and order for bw_store_risks_each. */
struct bw_risk_query {
    int64_t run;        /**< run id (resolved, > 0) */
    const char *site;   /**< only this site, or NULL */
    const char *threat; /**< only this threat type, or NULL */
    size_t limit;       /**< at most this many rows (0 = all) */
};
/** Rows of a run by risk, highest first (ties by site, threat). Strings valid during
 *  the callback only. */
int bw_store_risks_each(bw_store *s, const struct bw_risk_query *q,
                        int (*cb)(void *ud, const struct bw_risk_row *r), void *ud);
/** One site x threat in two runs; a side absent from its run has present 0. */
struct bw_risk_change {
    const char *site, *threat;
    int present_a, present_b;
    double risk_a, risk_b;
    int64_t rank_a, rank_b; /**< 1 = highest risk in its run; 0 when absent */
};
/** The rows of runs @p a and @p b side by side, by |risk_b - risk_a| descending; at most
 *  @p limit (0 = all). Strings valid during the callback only. */
int bw_store_risks_diff(bw_store *s, int64_t a, int64_t b, size_t limit,
                        int (*cb)(void *ud, const struct bw_risk_change *c), void *ud);

/* ---- threat picture and protective measures (store_threat.c) ----------------------- */

struct bw_threat_level; /* threat.h */
struct bw_site_measure; /* measure.h */

typedef int (*bw_threat_level_cb)(void *ud, const struct bw_threat_level *e);
typedef int (*bw_site_measure_cb)(void *ud, const struct bw_site_measure *m);

/**
 * Appends threat level @p e to the history (check it first with bw_threat_level_check;
 * the store checks only the shape). Sets e->id; when e->set_at is NULL stamps it with the
 * current UTC time (YYYY-MM-DDTHH:MM:SS.sssZ), and when e->valid_from is NULL uses that
 * day; both strings are then copied into @p a (when @p a is NULL they are left NULL).
 * Runs in its own transaction level. Levels are never changed or deleted: a new entry
 * supersedes an old one (threat.h).
 */
int bw_store_threat_level_add(bw_store *s, struct bw_threat_level *e, struct bw_arena *a,
                              struct bw_diag *d);
/**
 * Calls @p cb for every stored threat level in id order (the full history), or, when
 * @p date (YYYY-MM-DD) is given, for those valid on that day (the candidates of
 * bw_threat_level_resolve). Entries have rank 0 (the rank comes from the pack's scale).
 */
int bw_store_threat_levels_each(bw_store *s, const char *date, bw_threat_level_cb cb, void *ud);

/**
 * Records measure @p m at its site, replacing an earlier record of the same measure there
 * (check it first with bw_site_measure_check). BW_EREF (field "site") when the site does
 * not exist. Runs in its own transaction level.
 */
int bw_store_site_measure_put(bw_store *s, const struct bw_site_measure *m, struct bw_diag *d);
/** Removes measure @p measure from site @p site; BW_EREF for an unknown site, BW_ENOTFOUND
 *  when the site has no such measure. */
int bw_store_site_measure_rm(bw_store *s, const char *site, const char *measure,
                             struct bw_diag *d);
/** Measures at site @p site (or at every site when NULL), by site id then measure id. */
int bw_store_site_measure_each(bw_store *s, const char *site, bw_site_measure_cb cb, void *ud);

/**
 * The threat levels of bw_store_threat_levels_each (valid on @p date, or all when NULL)
 * as an array for bw_threat_level_resolve, with ranks filled from @p p's scale (0 for a
 * level the pack does not have). The array and its strings live in @p a; *out is NULL
 * when there are none.
 */
int bw_store_threat_levels_load(bw_store *s, const bw_pack *p, const char *date,
                                struct bw_arena *a, struct bw_threat_level **out, size_t *n);
/** The measures of bw_store_site_measure_each as an array living in @p a (NULL when none). */
int bw_store_site_measures_load(bw_store *s, const char *site, struct bw_arena *a,
                                struct bw_site_measure **out, size_t *n);

/* ---- accounts: users, tokens, login attempts (store_user.c) ------------------------ */

/** A user account. Strings borrow the store's row or an arena, as each function says. */
struct bw_user {
    int64_t id;
    const char *name;
    const char *org;           /**< organisation id */
    int role;                  /**< enum bw_user_role (user.h) */
    const char *password_hash; /**< argon2id string; NULL in listings */
    int disabled;
    const char *created;       /**< ISO 8601 UTC */
};

/**
 * Who is asking: the authenticated caller of a server request, passed to the store's
 * reads so that what a caller may see is decided where the data is read. Plain data;
 * strings owned by the caller (a request arena).
 */
struct bw_principal {
    int64_t user_id;
    const char *user;  /**< user name */
    const char *org;   /**< organisation id */
    int role;          /**< enum bw_user_role */
    int64_t token_id;  /**< the token that authenticated the request */
    const char *token_kind; /**< "session" or "api" */
    const char *expires;    /**< the token's expiry, ISO 8601 UTC */
};

/** A cheap read that proves the database answers (for health checks): BW_OK or BW_ESTORE. */
int bw_store_ping(bw_store *s);

/** Adds a user (name and role already checked, @p u->password_hash set); sets u->id.
 *  BW_EEXIST (field "name") for a taken name, BW_EREF (field "org") for an unknown org. */
int bw_store_user_add(bw_store *s, struct bw_user *u, struct bw_diag *d);
/** Copies user @p name (with its password hash) into @p a; BW_ENOTFOUND when absent. */
int bw_store_user_get(bw_store *s, const char *name, struct bw_arena *a, struct bw_user *out);
/** Every user by name, without password hashes; strings valid during the callback. */
int bw_store_users_each(bw_store *s, int (*cb)(void *ud, const struct bw_user *u), void *ud);
/** Disables user @p name (and revokes its tokens); BW_ENOTFOUND when absent. */
int bw_store_user_disable(bw_store *s, const char *name, struct bw_diag *d);
/** Replaces the password hash of user @p id (after a rehash). */
int bw_store_user_set_password_hash(bw_store *s, int64_t id, const char *hash);

/**
 * Stores a token's hash for user @p user_id, of @p kind "session" or "api", valid for
 * @p seconds from now; sets *id and copies the expiry time into @p expires (21 bytes).
 */
int bw_store_token_add(bw_store *s, int64_t user_id, const char *kind, const char *hash,
                       int64_t seconds, int64_t *id, char expires[21], struct bw_diag *d);
/**
 * The principal holding the token with hash @p hash: BW_ENOTFOUND when no such token,
 * or when it has expired, was revoked, or its user is disabled. Strings go to @p a.
 */
int bw_store_token_auth(bw_store *s, const char *hash, struct bw_arena *a,
                        struct bw_principal *out);
/**
 * The check of bw_store_token_auth with its statement prepared once, for a server that
 * checks a token on every request. Borrows @p s: free the checker (bw_token_checker_free,
 * accepts NULL) before closing the store. Same thread-safety as the store.
 */
typedef struct bw_token_checker bw_token_checker;
int bw_token_checker_new(bw_store *s, bw_token_checker **out);
/** As bw_store_token_auth. */
int bw_token_checker_auth(bw_token_checker *c, const char *hash, struct bw_arena *a,
                          struct bw_principal *out);
void bw_token_checker_free(bw_token_checker *c);
/** Revokes token @p id; BW_ENOTFOUND when there is no such unrevoked token. */
int bw_store_token_revoke(bw_store *s, int64_t id);

/** Records a login attempt at Unix time @p now. Old attempts (over a day) are pruned. */
int bw_store_login_record(bw_store *s, const char *name, const char *address, int ok,
                          int64_t now);
/**
 * Failed logins since @p since (Unix time) for account @p name (after its last
 * successful login) and from @p address, and the oldest failure of each in that window
 * (0 when none), for computing Retry-After.
 */
int bw_store_login_failures(bw_store *s, const char *name, const char *address, int64_t since,
                            int64_t *by_name, int64_t *oldest_name, int64_t *by_address,
                            int64_t *oldest_address);

/**
 * The sites @p who may see, in id order: every site for the national authority
 * (admin, analyst); for a responder the sites its organisation operates or holds a
 * role at; for the other roles the sites its organisation operates; and, for every
 * role, the sites a note @p who may read is about (a site detail shared with it,
 * docs/sharing.md). Decided here, so no caller can forget it.
 */
int bw_store_sites_visible_each(bw_store *s, const struct bw_principal *who, bw_site_cb cb,
                                void *ud);
/** Site @p id as bw_store_site_get, but BW_ENOTFOUND also when @p who may not see it. */
int bw_store_site_visible_get(bw_store *s, const struct bw_principal *who, const char *id,
                              struct bw_arena *a, struct bw_site *out);

/* ---- framework assessment (store_framework.c) -------------------------------------- */

struct bw_fw_answer; /* framework.h */

/** A framework assessment (one cycle or visit). Strings as each function says. */
struct bw_fw_assessment {
    int64_t id;
    const char *cycle;        /**< unique name, e.g. "2026" */
    const char *created;      /**< ISO 8601 UTC time */
    const char *pack_version; /**< version of the pack it was opened with */
    int64_t answers;          /**< indicators with a current answer */
};

/**
 * Opens a new assessment named @p cycle (1..128 bytes). BW_EEXIST (field "cycle") when
 * one of that name exists. Sets *id. Runs in its own transaction level.
 */
int bw_store_fw_new(bw_store *s, const char *cycle, const char *pack_version, int64_t *id,
                    struct bw_diag *d);
/**
 * The assessment named @p cycle, or the latest opened when @p cycle is NULL; strings in
 * @p a. BW_ENOTFOUND (field "cycle") when there is none.
 */
int bw_store_fw_get(bw_store *s, const char *cycle, struct bw_arena *a,
                    struct bw_fw_assessment *out, struct bw_diag *d);
/** Every assessment, oldest first. Strings are valid during the callback only. */
int bw_store_fw_each(bw_store *s, int (*cb)(void *ud, const struct bw_fw_assessment *f),
                     void *ud);
/**
 * Appends answer @p a (check it first with bw_fw_answer_check) to assessment @p id; a
 * NULL date is today (UTC). Earlier answers to the same indicator are kept as history;
 * the latest is current. Runs in its own transaction level.
 */
int bw_store_fw_answer_add(bw_store *s, int64_t id, const struct bw_fw_answer *a,
                           struct bw_diag *d);
/**
 * Appends the @p n answers of answer file @p file (checked first) to assessment @p id,
 * all or none, as one audited operation (one audit entry naming the file and the count).
 */
int bw_store_fw_answers_import(bw_store *s, int64_t id, const struct bw_fw_answer *a, size_t n,
                               const char *file, struct bw_diag *d);
/**
 * The current answer to each indicator of assessment @p id (the latest given), in
 * indicator id order; with @p history, every answer ever given, oldest first. Strings
 * are valid during the callback only.
 */
int bw_store_fw_answers_each(bw_store *s, int64_t id, int history,
                             int (*cb)(void *ud, const struct bw_fw_answer *a), void *ud);

/* ---- risk-reduction portfolios (store_portfolio.c) --------------------------------- */

/** A saved portfolio run: the budget it was chosen for and what it achieves. */
struct bw_portfolio_run {
    int64_t id;
    const char *at;          /**< ISO 8601 UTC time */
    int64_t assess_run;      /**< the risk-assessment run it was computed from */
    double budget, yearly;   /**< capital budget and yearly budget (yearly < 0: none) */
    double capital_used, yearly_used;
    double risk_before, risk_after; /**< national risk, currency per year */
    const char *options;     /**< JSON of the constraints used */
};

/** One chosen measure at one site. */
struct bw_portfolio_item {
    const char *site, *measure;
    double capital, yearly;           /**< its costs */
    double risk_before, risk_after;   /**< the site's risk (all threats) before and after
                                           the portfolio's measures there */
    double reduction;                 /**< the share of the site's reduction credited to it */
};

/** Saves a run and its items; sets run->id. Runs in its own transaction level. */
int bw_store_portfolio_save(bw_store *s, struct bw_portfolio_run *run,
                            const struct bw_portfolio_item *items, size_t n,
                            struct bw_diag *d);
/** The run with id @p id, or the latest when 0; strings in @p a. BW_ENOTFOUND when none. */
int bw_store_portfolio_run(bw_store *s, int64_t id, struct bw_arena *a,
                           struct bw_portfolio_run *out);
/** The items of run @p id (resolved, > 0) by reduction descending. Strings valid during
 *  the callback only. */
int bw_store_portfolio_items_each(bw_store *s, int64_t id,
                                  int (*cb)(void *ud, const struct bw_portfolio_item *it),
                                  void *ud);

/* ---- national action plan (store_plan.c) -------------------------------------------- */

struct bw_plan;           /* plan.h */
struct bw_plan_objective; /* plan.h */
struct bw_plan_action;    /* plan.h */
struct bw_plan_milestone; /* plan.h */
struct bw_plan_update;    /* plan.h */

/** Adds an objective (o->id is ignored); sets *id. Its own transaction level. */
int bw_store_plan_objective_add(bw_store *s, const struct bw_plan_objective *o, int64_t *id,
                                struct bw_diag *d);
/**
 * Adds action @p a (a->id, a->created ignored; check it first with bw_plan_action_check)
 * with its milestones @p m[0..nm) and its first history entry (its status and progress on
 * @p date, by @p who); sets *id. Refuses an unknown objective (BW_ENOTFOUND, field
 * "objective"), an unknown lead or supporting organisation (BW_EREF, fields "lead",
 * "support") and an unknown site (BW_EREF, field "site"). All or nothing, in its own
 * transaction level.
 */
int bw_store_plan_action_add(bw_store *s, const struct bw_plan_action *a,
                             const struct bw_plan_milestone *m, size_t nm, const char *date,
                             const char *who, int64_t *id, struct bw_diag *d);
/**
 * Writes the changed fields of action @p next (lead, due, status, progress, spent) and
 * appends the history entry @p u. An unknown lead is BW_EREF (field "lead"); an unknown
 * action BW_ENOTFOUND (field "action"). All or nothing.
 */
int bw_store_plan_action_update(bw_store *s, const struct bw_plan_action *next,
                                const struct bw_plan_update *u, struct bw_diag *d);
/** Marks milestone @p id of action @p action done; BW_ENOTFOUND (field "milestone") when
 *  the action has no such milestone. */
int bw_store_plan_milestone_done(bw_store *s, int64_t action, int64_t id, struct bw_diag *d);
/** Sets *out to 1 when some objective or action has origin @p origin, else 0. */
int bw_store_plan_origin_exists(bw_store *s, const char *origin, int *out, struct bw_diag *d);
/** Loads the whole plan (plan.h, struct bw_plan) into @p a. */
int bw_store_plan_load(bw_store *s, struct bw_arena *a, struct bw_plan *out, struct bw_diag *d);

/* ---- information sharing: TLP, warnings, acknowledgements, reports, audit
 *      (store_share.c, store_audit.c) ----------------------------------------------- */

/*
 * Who may read a shareable item (share.h, docs/sharing.md) is one SQL predicate applied
 * in every read below that takes a principal; a NULL principal is the local CLI, which
 * holds the database file and reads everything. Reads of AMBER, AMBER+STRICT and RED
 * items append one audit entry per call (naming the items read). Times passed as @p now
 * are ISO 8601 UTC (NULL: the current time); they let tests and `--now` replay a clock.
 */

/** A shareable item's common part. Strings live where each function says. */
struct bw_item {
    int64_t id;
    const char *kind;       /**< "warning", "report", "note" */
    int tlp;                /**< enum bw_tlp */
    const char *author;     /**< user name, or "cli:<login>" */
    int64_t author_user;    /**< user id, or -1 */
    const char *author_org; /**< organisation id */
    const char *site;       /**< site it concerns, or NULL */
    int published;          /**< 1 once recipients may read it */
    const char *created, *updated;
};

/** One recipient of an item: an organisation or a named user (by name). */
struct bw_recipient {
    const char *org;    /**< or NULL */
    const char *user;   /**< or NULL */
    const char *reason; /**< why: "named", "area", "sector:<id>", "category:<id>",
                             "role:<phase>", "author", "authority", "client-of:<org>" */
};

/** A warning. */
struct bw_warning {
    struct bw_item item;
    int status;              /**< enum bw_warning_status */
    int national;
    int64_t version;         /**< content version: 1, then +1 per update */
    const char *doc;         /**< the warning's content as JSON (app/warning.h) */
    const char *event, *headline; /**< copied from the document for lists (headline may
                                       be NULL) */
    int64_t ack_minutes;     /**< acknowledgement deadline after issue */
    const char *drafted_by, *approved_by, *issued_at, *deadline; /**< NULL until set */
    int64_t recipients, acks, overdue; /**< counts (organisations) */
};

/** One CAP message of a warning as sent. */
struct bw_warning_cap {
    int64_t seq;             /**< 1 = the alert, then each update/cancel */
    const char *msg_type;    /**< "Alert", "Update", "Cancel" */
    const char *identifier, *sent;
    const char *xml;         /**< the exact bytes signed */
    size_t xml_len;
    const char *signature;   /**< "ed25519 KEYID BASE64" */
};

/** A site found in an area, with what targeting needs. Strings valid during the callback. */
struct bw_area_site {
    const char *id, *category, *operator_id; /**< operator NULL when unknown */
    double lat, lon;
    const char *roles; /**< "org:phase" pairs of the roles at the site, ';'-separated, or NULL */
};
struct bw_bbox; /* geo.h */
/** Every site whose location lies in box @p b (through the R*Tree), in no set order. */
int bw_store_sites_in_box(bw_store *s, const struct bw_bbox *b,
                          int (*cb)(void *ud, const struct bw_area_site *site), void *ud);

/** Drafts a warning (w->item.tlp, author, author_user, author_org, national, doc,
 *  ack_minutes, drafted_by set); @p named are the named users and organisations kept as
 *  recipients before issue. Sets w->item.id. */
int bw_store_warning_draft(bw_store *s, struct bw_warning *w, const struct bw_recipient *named,
                           size_t n, struct bw_diag *d);
/** Replaces the content of a draft or approved warning (back to draft). */
int bw_store_warning_edit(bw_store *s, int64_t id, const struct bw_warning *w,
                          const struct bw_recipient *named, size_t n, const char *actor,
                          struct bw_diag *d);
/** Records the approval of warning @p id by @p approver. */
int bw_store_warning_approve(bw_store *s, int64_t id, const char *approver, const char *note,
                             struct bw_diag *d);
/**
 * Issues (action BW_WSTEP_ISSUE), updates (BW_WSTEP_UPDATE, with the new content: @p
 * doc's doc, event and headline) or
 * cancels (BW_WSTEP_CANCEL) warning @p id in one transaction: the state, the recipients
 * (replaced by @p rec for issue and update), the CAP message @p cap, the deadline
 * (@p now + ack_minutes, set at issue), a webhook delivery for every recipient
 * organisation with an endpoint, the step and its audit entry. A cancel of a warning
 * never issued (@p cap NULL) only withdraws it.
 */
int bw_store_warning_publish(bw_store *s, int64_t id, int action, const struct bw_warning *doc,
                             const struct bw_recipient *rec, size_t nrec,
                             const struct bw_warning_cap *cap, const char *actor,
                             const char *note, const char *now, struct bw_diag *d);
/** Warning @p id if @p who may read it (BW_ENOTFOUND otherwise); strings in @p a. */
int bw_store_warning_get(bw_store *s, const struct bw_principal *who, int64_t id,
                         struct bw_arena *a, struct bw_warning *out);
/** The warnings @p who may read, newest first, in state @p status (-1: all), at most
 *  @p limit (0: all). Strings valid during the callback only. */
int bw_store_warnings_each(bw_store *s, const struct bw_principal *who, int status,
                           size_t limit, int (*cb)(void *ud, const struct bw_warning *w),
                           void *ud);
/** Recipients of item @p id (an item @p who may read; the full list only for the
 *  author's organisation or the CLI, otherwise @p who's own entries). */
int bw_store_recipients_each(bw_store *s, const struct bw_principal *who, int64_t id,
                             int (*cb)(void *ud, const struct bw_recipient *r), void *ud);
/** The CAP message @p seq of warning @p id (0: the latest) if @p who may read the
 *  warning (NULL principal: the CLI; @p public_only: only CLEAR issued warnings, for
 *  the public feed). Strings in @p a. */
int bw_store_warning_cap_get(bw_store *s, const struct bw_principal *who, int public_only,
                             int64_t id, int64_t seq, struct bw_arena *a,
                             struct bw_warning_cap *out);
/** The latest CAP message of each issued or cancelled CLEAR warning, newest first, at
 *  most @p limit: the public feed. */
int bw_store_public_caps_each(bw_store *s, size_t limit,
                              int (*cb)(void *ud, int64_t warning,
                                        const struct bw_warning_cap *c),
                              void *ud);
/** The life-cycle steps of warning @p id, oldest first. */
int bw_store_warning_steps_each(bw_store *s, int64_t id,
                                int (*cb)(void *ud, const char *at, const char *actor,
                                          const char *action, int64_t version,
                                          const char *note),
                                void *ud);

/** An acknowledgement (or a recipient still owing one). */
struct bw_ack {
    const char *org;
    const char *status;  /**< "received", "acting", "not-concerned", or NULL: none yet */
    const char *actor, *at, *note;
    double seconds;      /**< time to acknowledge (first acknowledgement), s */
    int overdue;         /**< no acknowledgement and the deadline has passed */
    const char *escalated_at; /**< when escalated to the 24/7 contact, or NULL */
    const char *contact_name, *contact_phone; /**< the organisation's 24/7 contact */
};
/**
 * Records @p org's acknowledgement @p status of issued warning @p id (the org must be
 * a recipient: BW_EINVAL otherwise). The first acknowledgement's time is kept as the
 * time to acknowledge; later ones change the status. Audited.
 */
int bw_store_ack_put(bw_store *s, int64_t id, const char *org, int status, const char *actor,
                     const char *note, const char *now, struct bw_diag *d);
/** Every recipient organisation of warning @p id with its acknowledgement, as
 *  bw_store_recipients_each decides who sees which (at @p now for "overdue"). */
int bw_store_acks_each(bw_store *s, const struct bw_principal *who, int64_t id,
                       const char *now, int (*cb)(void *ud, const struct bw_ack *a), void *ud);
/**
 * Escalates every recipient of every issued warning that has not acknowledged by its
 * deadline (as of @p now) and was not escalated before: an escalation row with the
 * organisation's 24/7 contact (gateways that call or text it are for later:
 * docs/delivery.md).
 * Calls @p cb for each new escalation; *n counts them.
 */
int bw_store_escalate(bw_store *s, const char *now, size_t *n,
                      int (*cb)(void *ud, int64_t warning, const struct bw_ack *a), void *ud,
                      struct bw_diag *d);

/**
 * Acknowledgements owed and kept: *due counts the (warning, recipient organisation)
 * pairs of issued or cancelled warnings whose deadline has passed by @p now or that were
 * acknowledged; *within those acknowledged no later than the deadline.
 */
int bw_store_ack_stats(bw_store *s, const char *now, int64_t *within, int64_t *due);

/** Sets (or with @p url NULL removes) the webhook endpoint of organisation @p org. */
int bw_store_endpoint_set(bw_store *s, const char *org, const char *url, const char *secret,
                          struct bw_diag *d);
/** A queued delivery. */
struct bw_delivery {
    int64_t id, warning, seq;
    const char *org, *channel, *state, *url, *secret, *next_at, *last_error;
    int64_t attempts;
};
/** Queued deliveries due at @p now, oldest first, at most @p limit. */
int bw_store_deliveries_due(bw_store *s, const char *now, size_t limit,
                            int (*cb)(void *ud, const struct bw_delivery *dl), void *ud);
/** Every delivery of warning @p id (0: all) in state @p state (NULL: all). */
int bw_store_deliveries_each(bw_store *s, int64_t id, const char *state,
                             int (*cb)(void *ud, const struct bw_delivery *dl), void *ud);
/** Records a delivery attempt: sent, or failed with @p error and retried at @p retry_at,
 *  or dead (retry_at NULL) after the last attempt. */
int bw_store_delivery_result(bw_store *s, int64_t id, int ok, const char *error,
                             const char *retry_at, struct bw_diag *d);

/** A report from the field. */
struct bw_report {
    struct bw_item item;
    int type;                 /**< enum bw_report_type */
    double lat, lon;          /**< NaN when not given */
    const char *occurred, *description;
    int triage;               /**< enum bw_triage */
    const char *triaged_by, *triaged_at;
    int64_t warning;          /**< the warning it became, or 0 */
};
/** Files a report (item.tlp, author, author_user, author_org, site set); its recipients
 *  are the author's organisation, every authority organisation and @p named. */
int bw_store_report_add(bw_store *s, struct bw_report *r, const struct bw_recipient *named,
                        size_t n, struct bw_diag *d);
/** Sets the triage of report @p id (and the warning it became). */
int bw_store_report_triage(bw_store *s, int64_t id, int triage, int64_t warning,
                           const char *actor, struct bw_diag *d);
int bw_store_report_get(bw_store *s, const struct bw_principal *who, int64_t id,
                        struct bw_arena *a, struct bw_report *out);
int bw_store_reports_each(bw_store *s, const struct bw_principal *who, size_t limit,
                          int (*cb)(void *ud, const struct bw_report *r), void *ud);

/** An intelligence note, or a detail about a site (item.site set) shared with others. */
struct bw_note {
    struct bw_item item;
    const char *title, *body;
};
int bw_store_note_add(bw_store *s, struct bw_note *n, const struct bw_recipient *rec,
                      size_t nrec, struct bw_diag *d);
int bw_store_note_get(bw_store *s, const struct bw_principal *who, int64_t id,
                      struct bw_arena *a, struct bw_note *out);
int bw_store_notes_each(bw_store *s, const struct bw_principal *who, size_t limit,
                        int (*cb)(void *ud, const struct bw_note *n), void *ud);
/**
 * Extends the distribution of AMBER item @p id with organisations @p orgs (the clients
 * of @p who's organisation, a recipient). Refused (BW_EINVAL, saying why) for
 * AMBER+STRICT and RED, whose distribution only the author's organisation extends, and
 * for CLEAR and GREEN, which need no extension.
 */
int bw_store_item_share(bw_store *s, const struct bw_principal *who, int64_t id,
                        const char *const *orgs, size_t n, struct bw_diag *d);

/* ---- audit log (store_audit.c) ------------------------------------------------------ */

/**
 * Who the handle's writes and audited reads are attributed to: the server sets the
 * authenticated caller per request, the CLI "cli:<login name>". Strings are copied.
 * Until set, the actor is "system" with no organisation.
 */
int bw_store_set_actor(bw_store *s, const char *actor, const char *org);

/** One entry to append to the audit log. */
struct bw_audit_entry {
    const char *action; /**< e.g. "warning.issue", "warning.read", "report.create" */
    const char *kind;   /**< the object's kind: "warning", "report", "note", "user", ... */
    const char *object; /**< the object's id as text, or NULL */
    const char *tlp;    /**< its TLP marking ("CLEAR", ..., "RED"), or NULL */
    const char *detail; /**< a JSON object with what changed or what was read, or NULL */
};

/** One stored entry; hash = BLAKE2b-256 over prev and the entry's fields (docs/audit.md). */
struct bw_audit_row {
    int64_t id;
    const char *at;           /**< ISO 8601 UTC with milliseconds */
    const char *actor, *org;  /**< org NULL for the system or the CLI */
    const char *action, *kind, *object, *tlp, *detail;
    const char *prev, *hash;  /**< 64 hex digits each; prev of the first entry is 64 zeros */
};

/**
 * Where the audit entries of reads (of TLP:AMBER+ items) go instead of being appended at
 * once: @p fn receives the handle's actor, its organisation (or NULL) and the entry, all
 * borrowed for the call, copies them and must not fail. NULL restores the default (each
 * read appends its entry in its own transaction). The server hands them to one thread that
 * appends them in batches (src/server/auditq.c): a read costs no write of its own, and a
 * crash may lose the record of the reads of its last fraction of a second — never a
 * write's entry, which always commits with the write (docs/audit.md).
 */
typedef void (*bw_read_audit_fn)(void *ud, const char *actor, const char *org,
                                 const struct bw_audit_entry *e);
void bw_store_set_read_audit(bw_store *s, bw_read_audit_fn fn, void *ud);

/**
 * Two numbers that change whenever the database may have changed: [0] counts the commits
 * of every handle of this process, [1] is SQLite's data_version (commits of other
 * connections, other processes included). Equal generations before two reads mean the
 * second would find what the first found, but for the clock: a server caches reads on it.
 */
int bw_store_generation(bw_store *s, uint64_t gen[2]);

/**
 * Records a read of audited items that was served without a store read (from a cache):
 * the entry the read itself would have made (action, kind, the worst TLP marking read,
 * detail {"ids":[...]}), through the handle's read sink (bw_store_set_read_audit) when it
 * has one.
 */
int bw_store_audit_read(bw_store *s, const char *action, const char *kind, int tlp,
                        const char *detail, struct bw_diag *d);

/**
 * A passive WAL checkpoint (copies what it can without waiting for readers or writers).
 * With bw_store_set_autocheckpoint(s, 0) a handle's commits never run one themselves,
 * so a server can keep checkpoints (and their disk flushes) off its request threads.
 * BW_OK or BW_ESTORE.
 */
int bw_store_checkpoint(bw_store *s);
int bw_store_set_autocheckpoint(bw_store *s, int on);

/**
 * Appends @p e, attributed to the handle's actor, to the hash chain inside the current
 * transaction level (so the entry commits or rolls back with the write it records).
 */
int bw_store_audit_append(bw_store *s, const struct bw_audit_entry *e, struct bw_diag *d);
/** Entries oldest first, only those of @p actor (NULL: all) at or after @p since (ISO
 *  8601 prefix, NULL: all), at most @p limit (0: all, then the latest ones). Strings
 *  valid during the callback only. */
int bw_store_audit_each(bw_store *s, const char *actor, const char *since, size_t limit,
                        int (*cb)(void *ud, const struct bw_audit_row *r), void *ud);
/**
 * Recomputes the whole chain. BW_OK with *checked entries when every hash and link
 * holds; otherwise BW_EINVAL with *first_bad the first entry that does not, and @p d
 * saying what is wrong (hash mismatch, broken link, id gap).
 */
int bw_store_audit_verify(bw_store *s, int64_t *checked, int64_t *first_bad,
                          struct bw_diag *d);
/**
 * bw_store_audit_verify over one consistent snapshot that also gives the head: @p head
 * receives the hash of the last entry checked (64 hex digits and a NUL; 64 zeros when
 * the log is empty). With @p expect_head (64 hex digits, recorded earlier) the chain
 * must also still contain an entry with that hash, or the result is BW_EINVAL with
 * *first_bad 0: entries up to it were rewritten, or the log was cut short before it.
 */
int bw_store_audit_check(bw_store *s, const char *expect_head, int64_t *checked,
                         int64_t *first_bad, char head[65], struct bw_diag *d);

/** Bounds on an audit entry's fields (bytes); longer is BW_ETOOBIG naming the field. */
#define BW_AUDIT_NAME_MAX 64             /**< action, kind, tlp */
#define BW_AUDIT_TEXT_MAX 1024           /**< actor, org, object */
#define BW_AUDIT_DETAIL_MAX (64u << 10)  /**< detail */

#ifdef __cplusplus
}
#endif
#endif
