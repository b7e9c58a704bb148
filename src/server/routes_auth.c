/*
 * routes_auth.c — sessions: POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me.
 *
 * Login takes {"user", "password"} and answers a session token (BW_SESSION_SECONDS)
 * that the client sends back as "Authorization: Bearer TOKEN"; only its hash is kept.
 * Throttling comes before the password is checked: after LOGIN_FAILS_USER failures for
 * one account (since its last success) or LOGIN_FAILS_ADDRESS from one address within
 * LOGIN_WINDOW_S seconds, login answers 429 with Retry-After, whether or not the
 * password would have been right, so guessing cannot go faster than the limit. An
 * unknown user costs the same argon2id verification as a known one (against a dummy
 * hash), so timing does not tell which names exist. A disabled account with the right
 * password gets 403; every other failure is the same 401.
 */
#include "server.h"
#include "error.h"
#include "user.h"

#include <stdio.h>
#include <string.h>

#define LOGIN_WINDOW_S (15 * 60)
#define LOGIN_FAILS_USER 5
#define LOGIN_FAILS_ADDRESS 20

/* 429 when the account or the address has used up its failures; 1 when answered. */
static int throttled(struct srv_ctx *x, const char *name)
{
    int64_t now = srv_now(), by_name = 0, old_name = 0, by_addr = 0, old_addr = 0, wait = 0;
    char secs[32];

    if (bw_store_login_failures(x->store, name, x->req->address, now - LOGIN_WINDOW_S,
                                &by_name, &old_name, &by_addr, &old_addr)) {
        srv_error(x, 503, "store", NULL, "the database could not check login attempts");
        return 1;
    }
    if (by_name >= LOGIN_FAILS_USER)
        wait = old_name + LOGIN_WINDOW_S - now;
    if (by_addr >= LOGIN_FAILS_ADDRESS && old_addr + LOGIN_WINDOW_S - now > wait)
        wait = old_addr + LOGIN_WINDOW_S - now;
    if (by_name < LOGIN_FAILS_USER && by_addr < LOGIN_FAILS_ADDRESS)
        return 0;
    if (wait < 1)
        wait = 1;
    snprintf(secs, sizeof secs, "%lld", (long long)wait);
    bw_http_response_header(x->res, "Retry-After", secs);
    srv_error_with(x, 429, "too_many_attempts", by_name >= LOGIN_FAILS_USER ? "user" : NULL,
                   json_pack("{s:I}", "retry_after", (json_int_t)wait),
                   by_name >= LOGIN_FAILS_USER
                       ? "too many failed logins for this account; try again later"
                       : "too many failed logins from this address; try again later");
    return 1;
}

static void login(struct srv_ctx *x)
{
    static const char *const allowed[] = {"user", "password", NULL};
    json_t *body = srv_body_object(x, allowed);
    const char *name, *pw;
    size_t pwn;
    struct bw_user u;
    char token[BW_TOKEN_SIZE], hash[BW_TOKEN_HASH_SIZE], expires[21];
    int64_t id;
    int rc, ok;
    struct bw_diag d;

    if (!body)
        return;
    name = json_string_value(json_object_get(body, "user"));
    pw = json_string_value(json_object_get(body, "password"));
    pwn = json_string_length(json_object_get(body, "password"));
    if (!name || !*name || strlen(name) > BW_USER_NAME_MAX) {
        srv_error(x, 400, "bad_field", "user", "'user' must be a user name (a string of 1 to %d bytes)",
                  BW_USER_NAME_MAX);
        goto out;
    }
    if (!pw || pwn == 0 || pwn > BW_PASSWORD_MAX) {
        srv_error(x, 400, "bad_field", "password", "'password' must be a string of 1 to %d bytes",
                  BW_PASSWORD_MAX);
        goto out;
    }
    snprintf(x->log_user, 64, "%.63s", name);
    if (throttled(x, name))
        goto out;
    rc = bw_store_user_get(x->store, name, &x->arena, &u);
    if (rc && rc != BW_ENOTFOUND) {
        srv_error(x, 503, "store", NULL, "the database could not read the account");
        goto out;
    }
    ok = bw_password_verify(rc ? srv_dummy_hash() : u.password_hash, pw, pwn) && rc == BW_OK;
    if (bw_store_login_record(x->store, name, x->req->address, ok && !u.disabled, srv_now())) {
        srv_error(x, 503, "store", NULL, "the database could not record the login");
        goto out;
    }
    if (!ok) {
        srv_error(x, 401, "invalid_credentials", NULL, "wrong user name or password");
        goto out;
    }
    if (u.disabled) {
        srv_error(x, 403, "account_disabled", "user", "the account '%s' is disabled", name);
        goto out;
    }
    /* From here on the writes (rehash, session) are the user's own. */
    bw_store_set_actor(x->store, u.name, u.org);
    if (bw_password_needs_rehash(u.password_hash)) {
        char fresh[BW_PWHASH_SIZE];
        if (bw_password_hash(pw, pwn, fresh) == BW_OK)
            bw_store_user_set_password_hash(x->store, u.id, fresh);
    }
    bw_token_new(token);
    bw_token_hash(token, strlen(token), hash);
    bw_diag_clear(&d);
    if (bw_store_token_add(x->store, u.id, "session", hash, BW_SESSION_SECONDS, &id, expires,
                           &d)) {
        srv_error(x, 503, "store", NULL, "the database could not store the session");
        goto out;
    }
    srv_json(x, 200,
             json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "token", token, "token_id",
                       (json_int_t)id, "kind", "session", "expires", expires, "user", u.name,
                       "org", u.org, "role", bw_role_name(u.role)));
out:
    json_decref(body);
}

static void logout(struct srv_ctx *x)
{
    int rc = bw_store_token_revoke(x->store, x->who.token_id);
    if (rc && rc != BW_ENOTFOUND)
        srv_error(x, 503, "store", NULL, "the database could not revoke the token");
    else
        srv_json(x, 200, json_pack("{s:I}", "revoked", (json_int_t)x->who.token_id));
}

static void me(struct srv_ctx *x)
{
    srv_json(x, 200,
             json_pack("{s:s,s:s,s:s,s:b,s:{s:I,s:s,s:s}}", "user", x->who.user, "org",
                       x->who.org, "role", bw_role_name(x->who.role), "authority",
                       bw_role_is_authority(x->who.role), "token", "id",
                       (json_int_t)x->who.token_id, "kind", x->who.token_kind, "expires",
                       x->who.expires));
}

const struct srv_route srv_routes_auth[] = {
    {"POST", "/api/v1/login", 0, login},
    {"POST", "/api/v1/logout", 1, logout},
    {"GET", "/api/v1/me", 1, me},
    {NULL, NULL, 0, NULL},
};
