/*
 * cmd_carver.c — `bulwark carver SHEET.csv`: rank the targets of a CARVER + Shock
 * workshop sheet.
 *
 * The second method beside the quantitative assessment: experts score each target 1–10
 * on Criticality, Accessibility, Recuperability, Vulnerability, Effect,
 * Recognizability (and Shock); the totals rank the targets. Reading and checking the
 * sheet is carver_sheet.h's; this prints the ranking. No database is needed.
 */
#include "alloc.h"
#include "arena.h"
#include "carver_sheet.h"
#include "cli.h"

#include <string.h>

static const char usage[] =
    "usage: bulwark carver SHEET.csv [--json]\n\n"
    "Ranks the targets of a CARVER + Shock workshop sheet (methodology.md, \"CARVER +\n"
    "Shock\"): a CSV file with the header target,C,A,R,V,E,R2 (plain CARVER) or\n"
    "target,C,A,R,V,E,R2,Shock and one target per line, every score a whole number\n"
    "from 1 (unattractive to an attacker) to 10 (most attractive). Prints the targets by\n"
    "total, highest first; equal totals keep the sheet's order. A bad sheet is refused\n"
    "with its line and column.\n\n"
    "  --json   machine-readable output: [{\"rank\", \"target\", \"scores\", \"total\"}]\n";

/* Largest sheet read (targets). */
#define CARVER_MAX_TARGETS 100000
/* Largest sheet file, bytes. */
#define CARVER_MAX_BYTES (64u << 20)

int cmd_carver(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char *const short_names[BW_CARVER_NATTR] = {"C", "A", "R", "V",
                                                             "E", "R", "Shock"};
    int json = 0, c, rc = 1, shock;
    char *text = NULL;
    size_t len, n = 0, *order = NULL;
    struct bw_carver_target *t = NULL;
    struct bw_arena a;
    struct bw_diag d;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: break; /* accepted like everywhere; a sheet needs no database */
        case CLI_OPT_JSON: json = 1; break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(usage, "carver takes one sheet");
    if (cli_read_file(argv[optind], CARVER_MAX_BYTES, &text, &len))
        return 1;
    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    bw_diag_file(&d, argv[optind]);
    t = bw_calloc(CARVER_MAX_TARGETS, sizeof *t);
    order = bw_calloc(CARVER_MAX_TARGETS, sizeof *order);
    if (!t || !order) {
        rc = cli_failf("out of memory");
        goto out;
    }
    if (bw_carver_sheet_read(text, len, &a, t, CARVER_MAX_TARGETS, &n, &shock, &d)) {
        rc = cli_fail(&d);
        goto out;
    }
    bw_carver_rank(t, n, order);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            const struct bw_carver_target *x = &t[order[i]];
            json_t *scores = json_object();
            for (int k = 0; k < (shock ? 7 : 6); k++)
                json_object_set_new(scores, bw_carver_attr_name(k), json_integer(x->score[k]));
            json_array_append_new(arr, json_pack("{s:I,s:s%,s:o,s:i}", "rank",
                                                 (json_int_t)(i + 1), "target", x->name,
                                                 x->name_len, "scores", scores, "total",
                                                 x->total));
        }
        rc = cli_json_print(arr);
        goto out;
    }
    printf("%s ranking of %zu target%s (%s)\n%4s  %-32s", shock ? "CARVER + Shock" : "CARVER",
           n, n == 1 ? "" : "s", argv[optind], "rank", "target");
    for (int k = 0; k < (shock ? 7 : 6); k++)
        printf(" %5s", short_names[k]);
    printf(" %6s\n", "total");
    for (size_t i = 0; i < n; i++) {
        const struct bw_carver_target *x = &t[order[i]];
        printf("%4zu  %-32.*s", i + 1, (int)(x->name_len > 32 ? 32 : x->name_len), x->name);
        for (int k = 0; k < (shock ? 7 : 6); k++)
            printf(" %5d", x->score[k]);
        printf(" %6d\n", x->total);
    }
    rc = 0;
out:
    bw_free(t);
    bw_free(order);
    bw_free(text);
    bw_arena_release(&a);
    return rc;
}
