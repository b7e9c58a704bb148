/*
 * main.c — `bulwark`: the command-line face of libbulwark.
 *
 * Git-style dispatch: `bulwark [--db FILE] COMMAND [ARGS]`, one cmd_<verb>.c per
 * command. A global --db before the command is passed on through $BULWARK_DB so every
 * command sees it the same way.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

const struct cli_cmd cli_cmds[] = {
    {"init", cmd_init, "create or upgrade a database and load a methodology pack"},
    {"demo", cmd_demo, "build the demo register (Liechtenstein, OpenStreetMap)"},
    {"taxonomy", cmd_taxonomy, "list sectors, categories, services, types and phases"},
    {"import", cmd_import, "import sites, orgs, deps or roles from CSV or GeoJSON"},
    {"export", cmd_export, "export sites, orgs, deps or roles as CSV or GeoJSON"},
    {"sites", cmd_sites, "list, show and search sites (list, show, near, summary)"},
    {"orgs", cmd_orgs, "list and show organisations and their roles"},
    {"designate", cmd_designate, "apply the designation criteria and show what changed"},
    {"cascade", cmd_cascade, "what removing sites takes down through dependencies"},
    {"criticality", cmd_criticality, "for every site, what its loss alone takes down"},
    {"threats", cmd_threats, "the pack's threat types, threat-level scale and GTD mapping"},
    {"threat-level", cmd_threat_level, "set threat levels; their history; the levels in force"},
    {"measures", cmd_measures, "the pack's catalogue of protective measures"},
    {"measure", cmd_measure, "measures in place or planned at a site (add, rm, list)"},
    {"gaps", cmd_gaps, "recommended measures a site lacks, given the threat picture"},
    {"effects", cmd_effects, "blast, stand-off, crowd, ramming, firearms and drone effects"},
    {"assess", cmd_assess, "run the national risk assessment (T x V x C, Monte Carlo)"},
    {"explain", cmd_explain, "every factor of one site's risk under one threat type"},
    {"carver", cmd_carver, "rank the targets of a CARVER + Shock workshop sheet"},
    {"risks", cmd_risks, "the national risk register of an assessment run"},
    {"runs", cmd_runs, "assessment runs kept, and what changed between two"},
    {"framework", cmd_framework, "national framework assessment: answers, area scores, findings"},
    {"plan", cmd_plan, "national action plan: generate, show, add and update actions, status"},
    {"ta", cmd_ta, "technical-assistance needs matched to partners' programmes"},
    {"optimise", cmd_optimise, "choose measures for sites to cut national risk most within a budget"},
    {"serve", cmd_serve, "serve the JSON API over HTTP (accounts, the register)"},
    {"warning", cmd_warning, "warnings: draft, approve, issue, update, cancel, CAP, acknowledgements"},
    {"user", cmd_user, "accounts of the server: add, list, disable, token, revoke"},
    {"audit", cmd_audit, "the hash-chained audit log: verify the chain, show entries"},
    {"cap", cmd_cap, "CAP 1.2 alerts: signing key, sign a file, check a partner's file"},
    {"verify-cap", cmd_verify_cap, "check a signed CAP alert against a public key"},
    {NULL, NULL, NULL},
};

static int usage(FILE *f)
{
    fputs("usage: bulwark [--db FILE] COMMAND [ARGS]\n\n"
          "bulwark keeps a State's register of critical infrastructure and soft targets.\n\n"
          "Commands:\n",
          f);
    for (const struct cli_cmd *c = cli_cmds; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fputs("\nEvery command takes --db FILE (default $BULWARK_DB, else ./bulwark.db) and\n"
          "--help. Run `bulwark COMMAND --help` for its options.\n",
          f);
    return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    int i = 1;

    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(stdout);
        if (strcmp(argv[i], "--version") == 0) {
            puts("bulwark " BW_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            setenv("BULWARK_DB", argv[i + 1], 1);
            i += 2;
            continue;
        }
        if (strncmp(argv[i], "--db=", 5) == 0) {
            setenv("BULWARK_DB", argv[i] + 5, 1);
            i++;
            continue;
        }
        fprintf(stderr, "bulwark: unknown option '%s'\n", argv[i]);
        return usage(stderr);
    }
    if (i >= argc)
        return usage(stderr);
    if (strcmp(argv[i], "help") == 0)
        return usage(stdout);
    for (const struct cli_cmd *c = cli_cmds; c->name; c++)
        if (strcmp(argv[i], c->name) == 0)
            return c->fn(argc - i, argv + i);
    fprintf(stderr, "bulwark: unknown command '%s'\n", argv[i]);
    return usage(stderr);
}
