/*
 * cmd_warning.c — `bulwark warning ...`: the warning life cycle from the command line,
 * with the same rules as the API (warning.h), for scripting and for the authority's
 * own desk.
 *
 * `--as USER` acts as that account (its role and organisation; the second-person rule
 * compares user names); without it the command acts as "cli:<login name>", the local
 * administrator who holds the database file. Reads from the CLI see every warning: the
 * TLP policy protects the server's callers, and whoever has the file has the data. The
 * CAP signing key lives beside the database (cap-signing.key, created on first issue).
 */
#include "arena.h"
#include "cli.h"
#include "share.h"
#include "user.h"
#include "warning.h"
#include "alloc.h"

#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: bulwark warning draft FILE.json [--as USER]\n"
    "       bulwark warning edit ID FILE.json [--as USER]\n"
    "       bulwark warning approve ID --as USER [--note TEXT]\n"
    "       bulwark warning issue ID [--as USER] [--now TIME]\n"
    "       bulwark warning update ID FILE.json [--as USER] [--now TIME]\n"
    "       bulwark warning cancel ID [--as USER] [--note TEXT] [--now TIME]\n"
    "       bulwark warning list [--status STATE] [--json]\n"
    "       bulwark warning show ID [--json]\n"
    "       bulwark warning cap ID [--seq N] [--out FILE]\n"
    "       bulwark warning recipients ID [--json]\n"
    "       bulwark warning ack ID --status STATUS [--org ORG | --as USER] [--note TEXT]\n"
    "       bulwark warning acks ID [--now TIME] [--json]\n"
    "       bulwark warning escalate [--now TIME] [--json]\n"
    "       bulwark warning endpoint ORG URL SECRET | ORG --remove\n"
    "       bulwark warning import FILE.xml [--as USER | --org ORG]\n"
    "       bulwark warning deliveries [ID] [--state queued|sent|dead] [--json]\n\n"
    "  draft       a new warning from a warning document (docs/sharing.md)\n"
    "  edit        replace a draft's document (an approved one goes back to draft)\n"
    "  approve     approve a draft: a second person of the authority, not its drafter\n"
    "  issue       resolve the recipients, write and sign the CAP 1.2 alert, queue the\n"
    "              deliveries; a national warning must be approved first\n"
    "  update      send a CAP Update with a new document to the recipients\n"
    "  cancel      send a CAP Cancel (or withdraw a warning never issued)\n"
    "  list/show   warnings with their state and acknowledgement counts\n"
    "  cap         print the CAP XML as sent (--out FILE writes FILE and FILE.sig)\n"
    "  recipients  the organisations and users it went to, and why\n"
    "  ack         acknowledge for an organisation: received, acting, not-concerned\n"
    "  acks        every recipient with its acknowledgement, time to acknowledge,\n"
    "              overdue state and 24/7 contact\n"
    "  escalate    escalate every recipient past its deadline to its 24/7 contact\n"
    "  endpoint    set the webhook an organisation receives its warnings at\n"
    "  deliveries  the webhook queue: queued, sent and dead (dead-letter) deliveries\n"
    "  import      a partner's CAP 1.2 alert, read safely (no DTD, entities or network)\n"
    "              and kept as a note of the importing organisation\n\n"
    "TIME is ISO 8601 UTC (2026-12-01T10:00:00Z). All take --db FILE.\n";

struct wopts {
    const char *db, *as, *note, *now, *status, *org, *out, *state;
    long long seq;
    int json, remove;
};

/* The principal of --as USER (strings in @p a), or NULL for the local CLI. */
static int load_as(bw_store *s, const char *name, struct bw_arena *a, struct bw_principal *p,
                   const struct bw_principal **who)
{
    struct bw_diag d;

    *who = NULL;
    if (!name)
        return 0;
    bw_diag_clear(&d);
    if (cli_principal(s, name, a, p, &d))
        return cli_fail(&d);
    *who = p;
    return 0;
}

static int parse_id(const char *v, int64_t *id)
{
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end || x <= 0)
        return cli_failf("'%s' is not a warning id (a positive number)", v);
    *id = x;
    return 0;
}

static int print_result(const char *verb, const struct bw_warning_result *r, int json)
{
    if (json)
        return cli_json_print(json_pack("{s:I,s:s,s:I,s:I,s:I,s:o,s:o,s:f,s:f}", "id",
                                        (json_int_t)r->id, "step", verb, "seq",
                                        (json_int_t)r->seq, "recipients",
                                        (json_int_t)r->recipients, "sites",
                                        (json_int_t)r->sites, "identifier",
                                        cli_str_or_null(r->identifier), "signature",
                                        cli_str_or_null(r->signature), "resolve_s",
                                        r->resolve_s, "total_s", r->total_s));
    printf("warning %lld %s", (long long)r->id, verb);
    if (r->seq)
        printf(": CAP message %lld (%s) to %zu recipients from %zu sites, signed %.*s\n",
               (long long)r->seq, r->identifier ? r->identifier : "", r->recipients, r->sites,
               24, r->signature ? r->signature : "");
    else
        printf(" (never issued: withdrawn)\n");
    return 0;
}

static int on_warning(void *ud, const struct bw_warning *w)
{
    if (ud)
        return json_array_append_new(ud, bw_warning_json(w, 0)) ? BW_ENOMEM : 0;
    {
        char acks[32] = "-";
        if (w->recipients >= 0 && w->status != BW_WARN_DRAFT && w->status != BW_WARN_APPROVED)
            snprintf(acks, sizeof acks, "%lld/%lld", (long long)w->acks,
                     (long long)w->recipients);
        printf("%5lld  %-9s %-12s %-8s %-3s %-40.40s\n", (long long)w->item.id,
               bw_warning_status_name(w->status), bw_tlp_name(w->item.tlp), acks,
               w->national ? "nat" : "loc", w->event ? w->event : "");
    }
    return 0;
}

static int on_step(void *ud, const char *at, const char *actor, const char *action,
                   int64_t version, const char *note)
{
    if (ud)
        return json_array_append_new(ud, json_pack("{s:s,s:s,s:s,s:I,s:o}", "at", at, "by",
                                                   actor, "step", action, "version",
                                                   (json_int_t)version, "note",
                                                   cli_str_or_null(note)))
                   ? BW_ENOMEM
                   : 0;
    printf("  %s  %-8s by %s%s%s\n", at, action, actor, note ? ": " : "", note ? note : "");
    return 0;
}

static int on_rec(void *ud, const struct bw_recipient *r)
{
    if (ud)
        return json_array_append_new(ud, json_pack("{s:o,s:o,s:s}", "org",
                                                   cli_str_or_null(r->org), "user",
                                                   cli_str_or_null(r->user), "reason",
                                                   r->reason))
                   ? BW_ENOMEM
                   : 0;
    printf("%-8s %-40s %s\n", r->org ? "org" : "user", r->org ? r->org : r->user, r->reason);
    return 0;
}

static int on_ack(void *ud, const struct bw_ack *a)
{
    if (ud)
        return json_array_append_new(ud, bw_ack_json(a)) ? BW_ENOMEM : 0;
    if (a->status)
        printf("%-32s %-14s after %7.0f s  by %s\n", a->org, a->status, a->seconds,
               a->actor ? a->actor : "");
    else
        printf("%-32s %-14s %s%s%s%s\n", a->org, a->overdue ? "OVERDUE" : "awaited",
               a->escalated_at ? "escalated to " : "",
               a->escalated_at && a->contact_name ? a->contact_name : "",
               a->escalated_at && a->contact_name ? " " : "",
               a->escalated_at ? (a->contact_phone ? a->contact_phone : "(no 24/7 phone)") : "");
    return 0;
}

static int on_escalation(void *ud, int64_t w, const struct bw_ack *a)
{
    if (ud) {
        json_t *j = bw_ack_json(a);
        if (j)
            json_object_set_new(j, "warning", json_integer(w));
        return json_array_append_new(ud, j) ? BW_ENOMEM : 0;
    }
    printf("warning %lld: %s escalated to %s %s\n", (long long)w, a->org,
           a->contact_name ? a->contact_name : "(no 24/7 contact)",
           a->contact_phone ? a->contact_phone : "");
    return 0;
}

static int on_delivery(void *ud, const struct bw_delivery *dl)
{
    if (ud)
        return json_array_append_new(ud, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:I,s:s,s:o}",
                                                   "id", (json_int_t)dl->id, "warning",
                                                   (json_int_t)dl->warning, "seq",
                                                   (json_int_t)dl->seq, "org", dl->org,
                                                   "channel", dl->channel,
                                                   "state", dl->state, "url",
                                                   cli_str_or_null(dl->url), "attempts",
                                                   (json_int_t)dl->attempts, "next_at",
                                                   dl->next_at, "last_error",
                                                   cli_str_or_null(dl->last_error)))
                   ? BW_ENOMEM
                   : 0;
    printf("%6lld  warning %-5lld seq %-3lld %-28s %-7s attempts %lld%s%s\n",
           (long long)dl->id, (long long)dl->warning, (long long)dl->seq, dl->org, dl->state,
           (long long)dl->attempts, dl->last_error ? "  last error: " : "",
           dl->last_error ? dl->last_error : "");
    return 0;
}

/* Writes @p n bytes to @p path; prints the error and returns 1 on failure. */
static int write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        if (f)
            fclose(f);
        return cli_failf("%s: cannot write", path);
    }
    return 0;
}

static int w_cap(bw_store *s, int64_t id, const struct wopts *o)
{
    struct bw_arena a;
    struct bw_warning_cap c;
    int rc;

    bw_arena_init(&a, 0);
    rc = bw_store_warning_cap_get(s, NULL, 0, id, o->seq, &a, &c);
    if (rc == BW_ENOTFOUND)
        rc = cli_failf("warning %lld has no CAP message%s (it is sent when issued)",
                       (long long)id, o->seq ? " of that number" : "");
    else if (rc)
        rc = cli_failf("reading the CAP message: %s", bw_strerror(rc));
    else if (o->out) {
        char sigpath[4096], line[256];
        snprintf(sigpath, sizeof sigpath, "%s.sig", o->out);
        snprintf(line, sizeof line, "%s\n", c.signature);
        rc = write_file(o->out, c.xml, c.xml_len) || write_file(sigpath, line, strlen(line));
        if (!rc)
            printf("wrote %s (%s %s) and %s\n", o->out, c.msg_type, c.identifier, sigpath);
    } else {
        fwrite(c.xml, 1, c.xml_len, stdout);
    }
    bw_arena_release(&a);
    return rc;
}

static int w_show(bw_store *s, int64_t id, int json)
{
    struct bw_arena a;
    struct bw_warning w;
    json_t *j, *steps;
    int rc;

    bw_arena_init(&a, 0);
    rc = bw_store_warning_get(s, NULL, id, &a, &w);
    if (rc) {
        bw_arena_release(&a);
        return rc == BW_ENOTFOUND ? cli_failf("no warning %lld", (long long)id)
                                  : cli_failf("reading warning %lld: %s", (long long)id,
                                              bw_strerror(rc));
    }
    j = bw_warning_json(&w, 1);
    steps = json ? json_array() : NULL;
    if (!json) {
        json_t *doc = json_object_get(j, "document");
        printf("warning %lld  %s  TLP:%s  %s  version %lld\n", (long long)id,
               bw_warning_status_name(w.status), bw_tlp_name(w.item.tlp),
               w.national ? "national" : "local", (long long)w.version);
        printf("  event:     %s\n", json_string_value(json_object_get(doc, "event")));
        if (json_object_get(doc, "headline"))
            printf("  headline:  %s\n", json_string_value(json_object_get(doc, "headline")));
        printf("  issued by: %s (%s)\n", w.item.author_org, w.drafted_by);
        if (w.issued_at)
            printf("  issued:    %s, acknowledge by %s\n", w.issued_at, w.deadline);
        if (w.recipients >= 0 && w.issued_at)
            printf("  acknowledged: %lld of %lld organisations, %lld overdue\n",
                   (long long)w.acks, (long long)w.recipients, (long long)w.overdue);
        printf("  steps:\n");
    }
    rc = bw_store_warning_steps_each(s, id, on_step, steps);
    if (json && !rc) {
        json_object_set_new(j, "steps", steps);
        rc = cli_json_print(j);
        j = NULL;
    }
    json_decref(j);
    bw_arena_release(&a);
    return rc ? 1 : 0;
}

int cmd_warning(int argc, char **argv)
{
    enum { OPT_AS = 1000, OPT_NOTE, OPT_NOW, OPT_STATUS, OPT_ORG, OPT_OUT, OPT_SEQ, OPT_STATE,
           OPT_REMOVE };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"as", required_argument, NULL, OPT_AS},
                                         {"note", required_argument, NULL, OPT_NOTE},
                                         {"now", required_argument, NULL, OPT_NOW},
                                         {"status", required_argument, NULL, OPT_STATUS},
                                         {"org", required_argument, NULL, OPT_ORG},
                                         {"out", required_argument, NULL, OPT_OUT},
                                         {"seq", required_argument, NULL, OPT_SEQ},
                                         {"state", required_argument, NULL, OPT_STATE},
                                         {"remove", no_argument, NULL, OPT_REMOVE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct wopts o = {0};
    struct bw_warning_env env = {0};
    struct bw_principal pr;
    const struct bw_principal *who = NULL;
    struct bw_arena a;
    struct bw_diag d;
    char *pos[4], *end, actor[CLI_ACTOR_SIZE], dbdir[4096];
    const char *verb;
    int npos = 0, c, rc = 0;
    int64_t id = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: o.db = optarg; break;
        case CLI_OPT_JSON: o.json = 1; break;
        case OPT_AS: o.as = optarg; break;
        case OPT_NOTE: o.note = optarg; break;
        case OPT_NOW: o.now = optarg; break;
        case OPT_STATUS: o.status = optarg; break;
        case OPT_ORG: o.org = optarg; break;
        case OPT_OUT: o.out = optarg; break;
        case OPT_STATE: o.state = optarg; break;
        case OPT_REMOVE: o.remove = 1; break;
        case OPT_SEQ:
            o.seq = strtoll(optarg, &end, 10);
            if (*end || o.seq < 1)
                return cli_usage(usage, "--seq takes a message number (1, 2, ...)");
            break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    while (optind < argc) {
        if (npos == 4)
            return cli_usage(usage, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0)
        return cli_usage(usage, "expected a step: draft, approve, issue, list, ...");
    verb = pos[0];
    {
        static const struct {
            const char *verb;
            int min, max;
        } shape[] = {{"draft", 2, 2},  {"edit", 3, 3},       {"approve", 2, 2},
                     {"issue", 2, 2},  {"update", 3, 3},     {"cancel", 2, 2},
                     {"list", 1, 1},   {"show", 2, 2},       {"cap", 2, 2},
                     {"ack", 2, 2},    {"acks", 2, 2},       {"escalate", 1, 1},
                     {"recipients", 2, 2}, {"endpoint", 2, 4}, {"deliveries", 1, 2},
                     {"import", 2, 2}};
        size_t k = 0, ns = sizeof shape / sizeof shape[0];
        while (k < ns && strcmp(shape[k].verb, verb))
            k++;
        if (k == ns)
            return cli_usage(usage, "unknown step");
        if (npos < shape[k].min || npos > shape[k].max)
            return cli_usage(usage, "wrong number of arguments for this step");
    }
    if (strcmp(verb, "approve") == 0 && !o.as)
        return cli_usage(usage, "approve needs --as USER: the second person who approves");
    if (strcmp(verb, "draft") && strcmp(verb, "list") && strcmp(verb, "escalate") &&
        strcmp(verb, "endpoint") && strcmp(verb, "import") && npos >= 2 && parse_id(pos[1], &id))
        return 1;
    if (strcmp(verb, "deliveries") == 0 && npos == 2 && parse_id(pos[1], &id))
        return 1;
    if (bw_user_crypto_init())
        return cli_failf("libsodium cannot start");
    if (cli_open(cli_db_path(o.db), 1, &s, &p))
        return 1;
    bw_arena_init(&a, 0);
    bw_diag_clear(&d);
    snprintf(dbdir, sizeof dbdir, "%s", cli_db_path(o.db));
    env.key_dir = dirname(dbdir);
    env.now = o.now;
    env.cli_user = cli_actor(actor);
    if (load_as(s, o.as, &a, &pr, &who)) {
        rc = 1;
        goto out;
    }
    if (o.as)
        bw_store_set_actor(s, who->user, who->org);

    if (strcmp(verb, "draft") == 0 || strcmp(verb, "edit") == 0 || strcmp(verb, "update") == 0) {
        const char *file = pos[npos - 1];
        char *text = NULL;
        size_t n = 0;
        if (cli_read_file(file, 1u << 24, &text, &n)) {
            rc = 1;
            goto out;
        }
        if (strcmp(verb, "draft") == 0) {
            rc = bw_warning_draft(s, p, who, &env, text, n, file, &id, &d);
            if (!rc && o.json)
                cli_json_print(json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "draft"));
            else if (!rc)
                printf("drafted warning %lld\n", (long long)id);
        } else if (strcmp(verb, "edit") == 0) {
            rc = bw_warning_edit(s, p, who, &env, id, text, n, file, &d);
            if (!rc)
                printf("warning %lld edited (draft)\n", (long long)id);
        } else {
            struct bw_warning_result r;
            rc = bw_warning_publish(s, p, who, &env, id, BW_WSTEP_UPDATE, text, n, o.note, &a,
                                    &r, &d);
            if (!rc)
                print_result("updated", &r, o.json);
        }
        bw_free(text);
        rc = rc ? cli_fail(&d) : 0;
    } else if (strcmp(verb, "approve") == 0) {
        rc = bw_warning_approve(s, who, &env, id, o.note, &d) ? cli_fail(&d) : 0;
        if (!rc)
            printf("warning %lld approved by %s\n", (long long)id, o.as);
    } else if (strcmp(verb, "issue") == 0 || strcmp(verb, "cancel") == 0) {
        struct bw_warning_result r;
        int issue = verb[0] == 'i';
        rc = bw_warning_publish(s, p, who, &env, id, issue ? BW_WSTEP_ISSUE : BW_WSTEP_CANCEL,
                                NULL, 0, o.note, &a, &r, &d);
        rc = rc ? cli_fail(&d) : print_result(issue ? "issued" : "cancelled", &r, o.json);
    } else if (strcmp(verb, "list") == 0) {
        json_t *arr = o.json ? json_array() : NULL;
        int st = -1;
        if (o.status && bw_warning_status_parse(o.status, &d, &st)) {
            rc = cli_fail(&d);
            goto out;
        }
        if (!o.json)
            printf("%5s  %-9s %-12s %-8s %-3s %s\n", "id", "state", "tlp", "acks", "", "event");
        rc = bw_store_warnings_each(s, NULL, st, 0, on_warning, arr);
        rc = rc ? cli_failf("listing warnings: %s", bw_strerror(rc)) : o.json ? cli_json_print(arr) : 0;
    } else if (strcmp(verb, "show") == 0) {
        rc = w_show(s, id, o.json);
    } else if (strcmp(verb, "cap") == 0) {
        rc = w_cap(s, id, &o);
    } else if (strcmp(verb, "recipients") == 0) {
        json_t *arr = o.json ? json_array() : NULL;
        rc = bw_store_recipients_each(s, NULL, id, on_rec, arr);
        rc = rc ? cli_failf("warning %lld: %s", (long long)id, bw_strerror(rc))
                : o.json ? cli_json_print(arr) : 0;
    } else if (strcmp(verb, "ack") == 0) {
        if (!o.status) {
            rc = cli_usage(usage, "ack needs --status received|acting|not-concerned");
            goto out;
        }
        rc = bw_warning_ack(s, who, &env, id, o.org, o.status, o.note, &d) ? cli_fail(&d) : 0;
        if (!rc)
            printf("warning %lld acknowledged (%s) for %s\n", (long long)id, o.status,
                   who ? who->org : o.org);
    } else if (strcmp(verb, "acks") == 0) {
        json_t *arr = o.json ? json_array() : NULL;
        rc = bw_store_acks_each(s, NULL, id, o.now, on_ack, arr);
        rc = rc ? cli_failf("warning %lld: %s", (long long)id, bw_strerror(rc))
                : o.json ? cli_json_print(arr) : 0;
    } else if (strcmp(verb, "escalate") == 0) {
        json_t *arr = o.json ? json_array() : NULL;
        size_t n = 0;
        rc = bw_store_escalate(s, o.now, &n, on_escalation, arr, &d);
        if (rc)
            rc = cli_fail(&d);
        else if (o.json)
            rc = cli_json_print(arr);
        else
            printf("%zu recipient%s escalated\n", n, n == 1 ? "" : "s");
    } else if (strcmp(verb, "endpoint") == 0) {
        if (o.remove ? npos != 2 : npos != 4) {
            rc = cli_usage(usage, "endpoint takes ORG URL SECRET, or ORG --remove");
            goto out;
        }
        if (!o.remove && strncmp(pos[2], "http://", 7) && strncmp(pos[2], "https://", 8)) {
            rc = cli_failf("'%s' is not an http:// or https:// URL", pos[2]);
            goto out;
        }
        rc = bw_store_endpoint_set(s, pos[1], o.remove ? NULL : pos[2],
                                   o.remove ? NULL : pos[3], &d)
                 ? cli_fail(&d)
                 : 0;
        if (!rc)
            printf("%s: webhook %s\n", pos[1], o.remove ? "removed" : pos[2]);
    } else if (strcmp(verb, "import") == 0) {
        char *text = NULL;
        size_t n = 0;
        if (cli_read_file(pos[1], BW_CAP_MAX_BYTES, &text, &n)) {
            rc = 1;
            goto out;
        }
        rc = bw_warning_import(s, who, &env, text, n, pos[1], o.org, &id, &d) ? cli_fail(&d) : 0;
        bw_free(text);
        if (!rc)
            printf("imported %s as note %lld\n", pos[1], (long long)id);
    } else {
        json_t *arr = o.json ? json_array() : NULL;
        rc = bw_store_deliveries_each(s, id, o.state, on_delivery, arr);
        rc = rc ? cli_failf("listing deliveries: %s", bw_strerror(rc))
                : o.json ? cli_json_print(arr) : 0;
    }
out:
    bw_arena_release(&a);
    cli_close(s, p);
    return rc;
}
