/*
 * cmd_init.c — `bulwark init`: create or upgrade a database and store a pack in it.
 */
#include "cli.h"

#include <string.h>

static const char usage[] =
    "usage: bulwark init [--db FILE] [--pack DIR]\n\n"
    "Creates the database (or brings its schema up to date) and stores the methodology\n"
    "pack in it, so every later command uses exactly that pack.\n\n"
    "  --db FILE    database (default $BULWARK_DB, else ./bulwark.db)\n"
    "  --pack DIR   pack directory (default: the bundled packs/default)\n";

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"pack", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *dir = NULL;
    char defdir[4096];
    bw_store *s = NULL;
    bw_pack *old = NULL, *p = NULL;
    int c;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case 'p': dir = optarg; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "init takes no arguments");
    if (!dir) {
        snprintf(defdir, sizeof defdir, "%s/packs/default", cli_home());
        dir = defdir;
    }
    if (cli_open(cli_db_path(db), 0, &s, &old))
        return 1;
    if (cli_store_pack(s, dir, &p)) {
        cli_close(s, old);
        return 1;
    }
    if (old && strcmp(bw_pack_hash(old), bw_pack_hash(p)) != 0)
        printf("%s: pack %s %s replaced by %s %s (%s)\n", cli_db_path(db), bw_pack_id(old),
               bw_pack_version(old), bw_pack_id(p), bw_pack_version(p), bw_pack_hash(p));
    else
        printf("%s: ready, pack %s %s (%s)\n", cli_db_path(db), bw_pack_id(p), bw_pack_version(p),
               bw_pack_hash(p));
    bw_pack_free(old);
    cli_close(s, p);
    return 0;
}
