/*
 * cmd_user.c — `bulwark user add|list|disable|token|revoke`: the accounts of
 * `bulwark serve`.
 *
 * Passwords are read from stdin when it is not a terminal (one line; scripts pipe it)
 * and otherwise generated and printed once; either way only the argon2id hash is
 * stored. API tokens are printed once and stored as their hash; `revoke` takes the
 * token's id, which `token` prints, so a token never has to be typed back in.
 */
#include "arena.h"
#include "cli.h"
#include "user.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: bulwark user add NAME --org ORG --role ROLE\n"
    "       bulwark user list [--json]\n"
    "       bulwark user disable NAME\n"
    "       bulwark user token NAME [--days N] [--json]\n"
    "       bulwark user revoke TOKEN-ID\n\n"
    "  add      a user of organisation ORG with ROLE (admin, analyst, operator, responder,\n"
    "           assessor, viewer); the password is read from stdin when piped, otherwise\n"
    "           a generated one is printed once\n"
    "  list     users with organisation, role and state\n"
    "  disable  the user can no longer log in; its tokens are revoked\n"
    "  token    a new API token for the user, valid N days (default 90), printed once\n"
    "  revoke   revokes the token with that id\n\n"
    "All take --db FILE (default $BULWARK_DB, else ./bulwark.db).\n";

/* Reads one line of at most BW_PASSWORD_MAX bytes from stdin into @p pw (size
 * BW_PASSWORD_MAX + 2), without the line break. */
static int read_password(char *pw, size_t *n)
{
    size_t len;
    if (!fgets(pw, BW_PASSWORD_MAX + 2, stdin))
        return cli_failf("no password on stdin");
    len = strlen(pw);
    if (len && pw[len - 1] == '\n')
        pw[--len] = '\0';
    if (len && pw[len - 1] == '\r')
        pw[--len] = '\0';
    *n = len;
    return 0;
}

static int user_add(bw_store *s, const char *name, const char *org, const char *role)
{
    char pw[BW_PASSWORD_MAX + 2], hash[BW_PWHASH_SIZE];
    struct bw_user u = {0};
    struct bw_diag d;
    size_t n = 0;
    int generated = 0, rc;

    bw_diag_clear(&d);
    if (!org || !role)
        return cli_usage(usage, "user add needs --org ORG and --role ROLE");
    if (bw_user_name_check(name, &d) || bw_role_parse(role, &d, &u.role))
        return cli_fail(&d);
    if (isatty(STDIN_FILENO)) {
        bw_password_generate(pw);
        n = strlen(pw);
        generated = 1;
    } else if (read_password(pw, &n)) {
        return 1;
    }
    if (bw_password_check(pw, n, &d))
        return cli_fail(&d);
    if (bw_password_hash(pw, n, hash))
        return cli_failf("out of memory hashing the password");
    u.name = name;
    u.org = org;
    u.password_hash = hash;
    rc = bw_store_user_add(s, &u, &d);
    if (rc)
        return cli_fail(&d);
    printf("added user %s (%s of %s)\n", name, bw_role_name(u.role), org);
    if (generated)
        printf("password: %s\n(shown once; it is stored only as a hash)\n", pw);
    return 0;
}

static int on_user(void *ud, const struct bw_user *u)
{
    if (ud)
        return json_array_append_new(ud, json_pack("{s:I,s:s,s:s,s:s,s:b,s:s}", "id",
                                                   (json_int_t)u->id, "name", u->name, "org",
                                                   u->org, "role", bw_role_name(u->role),
                                                   "disabled", u->disabled, "created",
                                                   u->created))
                   ? BW_ENOMEM
                   : 0;
    printf("%-24s %-24s %-10s %-8s %s\n", u->name, u->org, bw_role_name(u->role),
           u->disabled ? "disabled" : "active", u->created);
    return 0;
}

static int user_token(bw_store *s, const char *name, long days, int json)
{
    struct bw_arena a;
    struct bw_user u;
    struct bw_diag d;
    char token[BW_TOKEN_SIZE], hash[BW_TOKEN_HASH_SIZE], expires[21];
    int64_t id;
    int rc;

    bw_arena_init(&a, 1024);
    bw_diag_clear(&d);
    rc = bw_store_user_get(s, name, &a, &u);
    if (rc) {
        bw_arena_release(&a);
        return cli_failf("user '%s': %s", name, bw_strerror(rc));
    }
    if (u.disabled) {
        bw_arena_release(&a);
        return cli_failf("user '%s' is disabled", name);
    }
    bw_token_new(token);
    bw_token_hash(token, strlen(token), hash);
    rc = bw_store_token_add(s, u.id, "api", hash, (int64_t)days * 86400, &id, expires, &d);
    bw_arena_release(&a);
    if (rc)
        return cli_fail(&d);
    if (json)
        return cli_json_print(json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "user",
                                        name, "kind", "api", "expires", expires, "token",
                                        token));
    printf("token %lld for %s, expires %s (shown once):\n%s\n", (long long)id, name, expires,
           token);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    enum { OPT_ORG = 1000, OPT_ROLE, OPT_DAYS };
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"org", required_argument, NULL, OPT_ORG},
                                         {"role", required_argument, NULL, OPT_ROLE},
                                         {"days", required_argument, NULL, OPT_DAYS},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL, *org = NULL, *role = NULL, *verb;
    char *pos[2], *end;
    long days = BW_API_TOKEN_DAYS;
    int npos = 0, json = 0, c, rc = 0;
    bw_store *s;
    bw_pack *p;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case OPT_ORG: org = optarg; break;
        case OPT_ROLE: role = optarg; break;
        case OPT_DAYS:
            days = strtol(optarg, &end, 10);
            if (*end || days < 1 || days > BW_API_TOKEN_DAYS_MAX)
                return cli_usage(usage, "--days takes a number from 1 to 3650");
            break;
        case 'h': return cli_help(usage);
        default: return cli_usage(usage, "unknown option");
        }
    }
    while (optind < argc) {
        if (npos == 2)
            return cli_usage(usage, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0)
        return cli_usage(usage, "expected add, list, disable, token or revoke");
    verb = pos[0];
    if (strcmp(verb, "list") == 0 ? npos != 1
        : (strcmp(verb, "add") == 0 || strcmp(verb, "disable") == 0 ||
           strcmp(verb, "token") == 0 || strcmp(verb, "revoke") == 0)
            ? npos != 2
            : 1)
        return cli_usage(usage, "expected add NAME, list, disable NAME, token NAME or "
                                "revoke TOKEN-ID");
    if (bw_user_crypto_init())
        return cli_failf("libsodium cannot start");
    if (cli_open(cli_db_path(db), 1, &s, &p))
        return 1;
    if (strcmp(verb, "add") == 0) {
        rc = user_add(s, pos[1], org, role);
    } else if (strcmp(verb, "list") == 0) {
        json_t *arr = json ? json_array() : NULL;
        rc = bw_store_users_each(s, on_user, arr);
        if (rc)
            rc = cli_failf("listing users: %s", bw_strerror(rc));
        else if (json)
            rc = cli_json_print(arr);
    } else if (strcmp(verb, "disable") == 0) {
        struct bw_diag d;
        bw_diag_clear(&d);
        rc = bw_store_user_disable(s, pos[1], &d) ? cli_fail(&d) : 0;
        if (!rc)
            printf("disabled user %s; its tokens are revoked\n", pos[1]);
    } else if (strcmp(verb, "token") == 0) {
        rc = user_token(s, pos[1], days, json);
    } else {
        long long id = strtoll(pos[1], &end, 10);
        if (*end || id <= 0) {
            rc = cli_failf("'%s' is not a token id (a positive number)", pos[1]);
        } else {
            rc = bw_store_token_revoke(s, id);
            if (rc == BW_ENOTFOUND)
                rc = cli_failf("no unrevoked token %lld", id);
            else if (rc)
                rc = cli_failf("revoking token %lld: %s", id, bw_strerror(rc));
            else
                printf("revoked token %lld\n", id);
        }
    }
    cli_close(s, p);
    return rc;
}
