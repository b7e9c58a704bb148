/*
 * cli.h — what the subcommands of `bulwark` share: opening the database and its pack,
 * printing diagnostics, JSON output, the progress bar, and the command table.
 *
 * Exit codes: 0 success, 1 failure (bad input, database error), 2 wrong usage.
 * Ownership: cli_open hands the caller a store and a pack to free with cli_close.
 */
#ifndef BW_CLI_H
#define BW_CLI_H

#include "error.h"
#include "pack.h"
#include "store.h"
#include "graph.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

/** One subcommand: `bulwark NAME ...` runs fn(argc, argv) with argv[0] = NAME. */
struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

extern const struct cli_cmd cli_cmds[];

/* The subcommands, one cmd_<verb>.c each. */
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_taxonomy(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_sites(int argc, char **argv);
int cmd_orgs(int argc, char **argv);
int cmd_designate(int argc, char **argv);
int cmd_cascade(int argc, char **argv);
int cmd_criticality(int argc, char **argv);
int cmd_threats(int argc, char **argv);     /* cmd_threats.c */
int cmd_threat_level(int argc, char **argv); /* cmd_threats.c */
int cmd_measures(int argc, char **argv);    /* cmd_measures.c */
int cmd_measure(int argc, char **argv);     /* cmd_measures.c */
int cmd_gaps(int argc, char **argv);        /* cmd_measures.c */
int cmd_effects(int argc, char **argv);     /* cmd_effects.c */
int cmd_assess(int argc, char **argv);
int cmd_carver(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_risks(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_serve(int argc, char **argv);      /* cmd_serve.c */
int cmd_user(int argc, char **argv);       /* cmd_user.c */
int cmd_audit(int argc, char **argv);      /* cmd_audit.c */
int cmd_framework(int argc, char **argv);  /* cmd_framework.c */
int cmd_warning(int argc, char **argv);    /* cmd_warning.c */
int cmd_plan(int argc, char **argv);       /* cmd_plan.c */
int cmd_ta(int argc, char **argv);         /* cmd_ta.c */
int cmd_optimise(int argc, char **argv);   /* cmd_optimise.c */
int cmd_cap(int argc, char **argv);        /* cmd_cap.c */
int cmd_verify_cap(int argc, char **argv); /* cmd_cap.c */

struct bw_arena;
struct bw_graph_data;
/**
 * Loads the register's dependency graph. Prints errors and returns 1 on failure; on
 * success the caller releases @p data (bw_graph_data_release) and frees @p g.
 */
int cli_graph_load(bw_store *s, const bw_pack *p, struct bw_arena *a,
                   struct bw_graph_data *data, bw_graph **g);
/** Parses a service name into its pack index, or "all"/NULL into BW_ALL_SERVICES.
 *  Prints the error and returns 1 when unknown. */
int cli_service(const bw_pack *p, const char *name, int *out);

/** The database path: @p opt if given, else $BULWARK_DB, else ./bulwark.db. */
const char *cli_db_path(const char *opt);

/** Where the project's data lives: $BULWARK_HOME, else the source tree it was built from. */
const char *cli_home(void);

/**
 * Opens the database and loads its pack. With @p need_pack 0 the pack may be absent
 * (*pack is then NULL). Prints the error and returns 1 on failure, 0 on success.
 */
int cli_open(const char *db, int need_pack, bw_store **s, bw_pack **pack);
void cli_close(bw_store *s, bw_pack *pack);

/** Prints "bulwark: <formatted diag>" to stderr and returns 1. */
int cli_fail(const struct bw_diag *d);
/** Prints "bulwark: <message>" to stderr and returns 1. */
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Prints @p usage to stdout (for --help) and returns 0. */
int cli_help(const char *usage);
/** Prints "bulwark: <why>" and @p usage to stderr and returns 2. */
int cli_usage(const char *usage, const char *why);

/** Today's date in UTC as YYYY-MM-DD. */
void cli_today(char out[11]);
/** A JSON string, or null when @p s is NULL. */
json_t *cli_str_or_null(const char *s);
/** A JSON number, or null when @p v is NaN or infinite. */
json_t *cli_num(double v);

/** Prints @p j as indented JSON to stdout and releases it. Returns 0, or 1 on error. */
int cli_json_print(json_t *j);

/** Progress callback for imports: draws a bar on stderr only when it is a terminal. */
void cli_progress(void *ud, size_t done, size_t total);
/** The same for counted work (sites), labelled in items rather than megabytes. */
void cli_progress_count(void *ud, size_t done, size_t total);
/** The same for work in named stages (the stage names the unit). */
void cli_progress_stage(void *ud, const char *stage, size_t done, size_t total);

/** getopt_long (options may follow arguments) with no error printing. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

struct bw_assess_run;
/** Parses a run name (an id, "latest" = 0, "previous" = -1); -1 when malformed. */
int cli_parse_run(const char *v, int64_t *out);
/** Loads a stored assessment run by name (strings in @p a); prints the error, returns 1. */
int cli_load_run(bw_store *s, int64_t name, struct bw_arena *a, struct bw_assess_run *run);
/** A run's header as JSON. */
json_t *cli_run_json(const struct bw_assess_run *r);

/** Long options every command accepts. */
#define CLI_OPT_DB 'D'
#define CLI_OPT_JSON 'J'



/**
 * Reads a whole file of at most @p max bytes into a new NUL-terminated buffer (free with
 * bw_free). Prints the error and returns 1 on failure.
 */
int cli_read_file(const char *path, size_t max, char **out, size_t *n);

/** Room for cli_actor's name. */
#define CLI_ACTOR_SIZE 300
/** Who the command line acts as: "cli:<login name>" (the account from the password
 *  database, else $USER, else the numeric user id), written into @p out. */
const char *cli_actor(char out[CLI_ACTOR_SIZE]);

/**
 * The principal of account @p name (strings in @p a): what `--as USER` acts as. BW_OK;
 * BW_ENOTFOUND or BW_EDENIED (disabled) with @p d naming the account; a store error.
 */
int cli_principal(bw_store *s, const char *name, struct bw_arena *a, struct bw_principal *p,
                  struct bw_diag *d);

/** Reads the pack at @p dir and stores it in @p s (inside its own transaction). Prints
 *  errors and returns 1 on failure; on success *out is the parsed pack. */
int cli_store_pack(bw_store *s, const char *dir, bw_pack **out);
#endif
