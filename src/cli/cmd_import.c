/*
 * cmd_import.c — `bulwark import` and `bulwark export`.
 *
 * Import is all-or-nothing (one transaction); the error names file, line or feature,
 * and field. Export with -o writes to a temporary file renamed into place, so a
 * failed export never leaves half a file under the requested name.
 */
#include "cli.h"
#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char import_usage[] =
    "usage: bulwark import sites|orgs|deps|roles FILE [--format csv|geojson] [--upsert]\n"
    "                      [--db FILE] [--json]\n\n"
    "Imports a whole file in one transaction: on the first bad record nothing is written\n"
    "and the error names the file, the line (or GeoJSON feature) and the field.\n"
    "Import organisations before the sites they operate, and sites before dependencies\n"
    "and roles. Column names: docs/formats.md.\n\n"
    "  --format F   csv or geojson (default: from the file name, else csv)\n"
    "  --upsert     replace records whose id already exists instead of failing\n";

static const char export_usage[] =
    "usage: bulwark export sites|orgs|deps|roles [--format csv|geojson] [-o FILE]\n"
    "                      [--db FILE]\n\n"
    "Writes the canonical form of the register: importing it and exporting again gives\n"
    "the same bytes.\n\n"
    "  --format F   csv (default) or geojson\n"
    "  -o FILE      write to FILE (atomically) instead of standard output\n";

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"format", required_argument, NULL, 'f'},
                                         {"upsert", no_argument, NULL, 'u'},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct bw_import_opts o = {.progress = cli_progress};
    const char *db = NULL, *fmt = NULL, *path;
    struct bw_diag d;
    bw_store *s;
    bw_pack *p;
    size_t n = 0;
    int c, json = 0, rc;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case 'f': fmt = optarg; break;
        case 'u': o.upsert = 1; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(import_usage);
        default: return cli_usage(import_usage, "unknown option");
        }
    }
    if (argc - optind != 2)
        return cli_usage(import_usage, "expected what to import and a FILE");
    if (bw_entity_parse(argv[optind], &o.entity))
        return cli_usage(import_usage, "what to import must be sites, orgs, deps or roles");
    path = argv[optind + 1];
    if (fmt && bw_format_parse(fmt, &o.format))
        return cli_usage(import_usage, "--format must be csv or geojson");
    if (!fmt)
        o.format = bw_format_guess(path);
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    bw_diag_clear(&d);
    rc = bw_import_file(s, p, path, &o, &n, &d);
    if (rc) {
        cli_fail(&d);
        fprintf(stderr, "bulwark: nothing was imported; the database is unchanged\n");
    } else if (json) {
        cli_json_print(json_pack("{s:s,s:s,s:I}", "file", path, "imported", argv[optind],
                                 "records", (json_int_t)n));
    } else {
        printf("imported %zu %s from %s\n", n, argv[optind], path);
    }
    cli_close(s, p);
    return rc ? 1 : 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *out = NULL;
    enum bw_entity e;
    enum bw_format f = BW_FORMAT_CSV;
    struct bw_diag d;
    char tmp[4096];
    FILE *fp = stdout;
    bw_store *s;
    bw_pack *p;
    size_t n;
    int c, rc;

    while ((c = cli_getopt(argc, argv, "ho:", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case 'f':
            if (bw_format_parse(optarg, &f))
                return cli_usage(export_usage, "--format must be csv or geojson");
            break;
        case 'o': out = optarg; break;
        case 'h': return cli_help(export_usage);
        default: return cli_usage(export_usage, "unknown option");
        }
    }
    if (argc - optind != 1 || bw_entity_parse(argv[optind], &e))
        return cli_usage(export_usage, "expected sites, orgs, deps or roles");
    if (cli_open(cli_db_path(db), 0, &s, &p))
        return 1;
    if (out) {
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
        fp = fopen(tmp, "wb");
        if (!fp) {
            cli_close(s, p);
            return cli_failf("%s: cannot create file", out);
        }
    }
    bw_diag_clear(&d);
    rc = bw_export(s, e, f, fp, &n, &d);
    if (out) {
        if (fclose(fp) && !rc)
            rc = BW_EIO;
        if (!rc && rename(tmp, out))
            rc = BW_EIO;
        if (rc)
            unlink(tmp);
    }
    if (rc) {
        bw_diag_file(&d, out ? out : "<stdout>");
        cli_fail(&d);
    } else if (out) {
        fprintf(stderr, "exported %zu %s to %s\n", n, argv[optind], out);
    }
    cli_close(s, p);
    return rc ? 1 : 0;
}
