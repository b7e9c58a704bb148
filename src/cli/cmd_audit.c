/*
 * cmd_audit.c — `bulwark audit verify|show`: the hash-chained audit log (docs/audit.md).
 *
 * verify recomputes every entry's hash and link (bw_store_audit_check) and prints the
 * head hash, which an operator records somewhere the database's holder cannot change;
 * `--expect-head` later checks that the chain still contains it, which is what detects
 * a log rewritten from some entry on, or cut short. show lists entries oldest first,
 * filtered by actor and time, as a table or JSON. Both only read the database, and
 * neither creates one: a missing file is an error.
 */
#include "cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: bulwark audit verify [--expect-head HASH] [--json] [--db FILE]\n"
    "       bulwark audit show [--user ACTOR] [--since TIME] [--limit N] [--json] [--db FILE]\n"
    "\n"
    "The audit log: one entry per write (users, tokens, threat levels, measures, framework\n"
    "answers, imports, assessment and designation runs) and per read of a TLP:AMBER or\n"
    "RED item, each chained to the one before it by a BLAKE2b-256 hash (docs/audit.md).\n"
    "\n"
    "  verify  recomputes the whole chain; exit 0 and \"N entries, chain intact, head\n"
    "          HASH\", or exit 1 naming the first entry that does not hold and why.\n"
    "          Record the head elsewhere: --expect-head HASH then also checks that the\n"
    "          chain still contains that entry (nothing before it rewritten, nothing cut)\n"
    "  show    entries oldest first: time, actor, action, object, TLP and detail\n"
    "\n"
    "  --expect-head HASH  a head printed by an earlier verify (64 hex digits)\n"
    "  --user ACTOR        only entries of this actor (\"cli:LOGIN\", a user name, \"system\")\n"
    "  --since TIME        only entries at or after TIME, ISO 8601 UTC: 2026-12-01,\n"
    "                      2026-12-01T09:30, 2026-12-01T09:30:15.250Z, ...\n"
    "  --limit N           only the latest N entries (after the filters)\n"
    "  --json              machine-readable output\n";

/* An ISO 8601 UTC time cut after any of its parts: YYYY[-MM[-DD[THH[:MM[:SS[.s[s[s]]]]]]]]
 * with an optional final Z. */
static int valid_since(const char *t)
{
    static const char tmpl[] = "0000-00-00T00:00:00.000";
    static const size_t cuts[] = {4, 7, 10, 13, 16, 19, 21, 22, 23};
    size_t n = strlen(t), ok = 0;

    if (n && t[n - 1] == 'Z')
        n--;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        ok |= n == cuts[i];
    if (!ok)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tmpl[i] == '0' ? (t[i] < '0' || t[i] > '9') : t[i] != tmpl[i])
            return 0;
    return 1;
}

static int verify(bw_store *s, const char *expect, int json)
{
    struct bw_diag d;
    int64_t checked, bad;
    char head[65];
    int rc;

    bw_diag_clear(&d);
    rc = bw_store_audit_check(s, expect, &checked, &bad, head, &d);
    if (rc && rc != BW_EINVAL)
        return cli_fail(&d);
    if (json) {
        json_t *j = rc ? json_pack("{s:b,s:I,s:s,s:s}", "intact", 0, "first_bad",
                                   (json_int_t)bad, "field", d.field, "error", d.msg)
                       : json_pack("{s:b,s:I,s:s}", "intact", 1, "entries",
                                   (json_int_t)checked, "head", head);
        if (rc && j && expect)
            json_object_set_new(j, "expect_head", json_string(expect));
        return cli_json_print(j) ? 1 : rc ? 1 : 0;
    }
    if (rc) {
        if (bad)
            return cli_failf("audit log broken at entry %lld: %s", (long long)bad, d.msg);
        return cli_fail(&d);
    }
    printf("%lld entr%s, chain intact, head %s\n", (long long)checked,
           checked == 1 ? "y" : "ies", head);
    return 0;
}

struct show {
    json_t *arr; /* NULL: text */
    size_t n;
};

static int on_entry(void *ud, const struct bw_audit_row *r)
{
    struct show *x = ud;
    char actor[160], object[160];

    x->n++;
    if (x->arr) {
        json_t *detail = r->detail ? json_loads(r->detail, 0, NULL) : NULL;
        json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:s,s:s}", "id",
                              (json_int_t)r->id, "at", r->at, "actor", r->actor, "org",
                              cli_str_or_null(r->org), "action", r->action, "kind", r->kind,
                              "object", cli_str_or_null(r->object), "tlp",
                              cli_str_or_null(r->tlp), "detail",
                              detail ? detail : cli_str_or_null(r->detail), "prev", r->prev,
                              "hash", r->hash);
        return !o || json_array_append_new(x->arr, o) ? BW_ENOMEM : 0;
    }
    if (r->org)
        snprintf(actor, sizeof actor, "%s (%s)", r->actor, r->org);
    else
        snprintf(actor, sizeof actor, "%s", r->actor);
    snprintf(object, sizeof object, "%s%s%s%s%s", r->kind, r->object ? " " : "",
             r->object ? r->object : "", r->tlp ? " TLP:" : "", r->tlp ? r->tlp : "");
    printf("%6lld  %-24s  %-20s  %-18s  %-24s  %s\n", (long long)r->id, r->at, actor,
           r->action, object, r->detail ? r->detail : "");
    return 0;
}

static int show(bw_store *s, const char *user, const char *since, size_t limit, int json)
{
    struct show x = {json ? json_array() : NULL, 0};
    int rc;

    if (json && !x.arr)
        return cli_failf("out of memory");
    if (!json)
        printf("%6s  %-24s  %-20s  %-18s  %-24s  %s\n", "ID", "AT (UTC)", "ACTOR", "ACTION",
               "OBJECT", "DETAIL");
    rc = bw_store_audit_each(s, user, since, limit, on_entry, &x);
    if (rc) {
        json_decref(x.arr);
        return cli_failf("reading the audit log: %s", bw_strerror(rc));
    }
    if (json)
        return cli_json_print(x.arr);
    printf("%zu entr%s\n", x.n, x.n == 1 ? "y" : "ies");
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    enum { OPT_EXPECT = 1000, OPT_USER, OPT_SINCE, OPT_LIMIT };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"expect-head", required_argument, NULL, OPT_EXPECT},
                                         {"user", required_argument, NULL, OPT_USER},
                                         {"since", required_argument, NULL, OPT_SINCE},
                                         {"limit", required_argument, NULL, OPT_LIMIT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *expect = NULL, *user = NULL, *since = NULL, *verb, *path;
    char *end, head[65];
    long long limit = 0;
    int json = 0, c, rc, show_opts = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case OPT_EXPECT:
            /* Hex digits in either case; the log writes them in lower case. */
            if (strlen(optarg) != 64 || strspn(optarg, "0123456789abcdefABCDEF") != 64)
                return cli_usage(usage, "--expect-head takes a head hash (64 hex digits)");
            for (int i = 0; i < 65; i++)
                head[i] = (char)tolower((unsigned char)optarg[i]);
            expect = head;
            break;
        case OPT_USER: user = optarg; show_opts = 1; break;
        case OPT_SINCE:
            since = optarg;
            show_opts = 1;
            if (!valid_since(since))
                return cli_usage(usage, "--since takes an ISO 8601 UTC time such as "
                                        "2026-12-01 or 2026-12-01T09:30:00Z");
            break;
        case OPT_LIMIT:
            limit = strtoll(optarg, &end, 10);
            show_opts = 1;
            if (*optarg == '\0' || *end || limit < 1)
                return cli_usage(usage, "--limit takes a positive number");
            break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(usage, "expected verify or show");
    verb = argv[optind];
    if (strcmp(verb, "verify") == 0 ? show_opts : strcmp(verb, "show") == 0 ? expect != NULL : 1)
        return cli_usage(usage, strcmp(verb, "verify") == 0 ? "verify takes --expect-head only"
                                : strcmp(verb, "show") == 0 ? "show does not take --expect-head"
                                                            : "expected verify or show");
    path = cli_db_path(db);
    /* Reading a log must not create an empty database by accident. */
    if (access(path, F_OK) != 0)
        return cli_failf("%s: no such database", path);
    if (cli_open(path, 0, &s, &p))
        return 1;
    if (strcmp(verb, "verify") == 0)
        rc = verify(s, expect, json);
    else
        rc = show(s, user, since, (size_t)limit, json);
    cli_close(s, p);
    return rc;
}
