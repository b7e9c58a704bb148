/*
 * user.c — roles, user-name and password rules, password hashing and tokens (user.h).
 *
 * All cryptography is libsodium's: argon2id through crypto_pwhash_str at the
 * "interactive" cost (64 MiB, 2 passes), tokens from randombytes_buf, token hashes with
 * BLAKE2b-256 (crypto_generichash), comparisons with sodium_memcmp. A token has 256 bits
 * of entropy, so an unsalted fast hash is enough to make a stolen token table useless;
 * passwords have little entropy and get the slow, salted hash. Nothing here touches
 * the store; the server and the CLI call these and keep only the hashes.
 */
#include "user.h"
#include "error.h"

#include <sodium.h>
#include <string.h>

static const char *const role_names[BW_ROLE_COUNT] = {"admin",     "analyst",  "operator",
                                                      "responder", "assessor", "viewer"};

const char *bw_role_name(int role)
{
    return role >= 0 && role < BW_ROLE_COUNT ? role_names[role] : "?";
}

int bw_role_parse(const char *name, struct bw_diag *d, int *out)
{
    for (int i = 0; name && i < BW_ROLE_COUNT; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *out = i;
            return BW_OK;
        }
    return bw_diag_set(d, BW_EINVAL, "role",
                       "'%s' is not a role (admin, analyst, operator, responder, assessor, "
                       "viewer)",
                       name ? name : "");
}

int bw_role_is_authority(int role)
{
    return role == BW_ROLE_ADMIN || role == BW_ROLE_ANALYST;
}

int bw_user_name_check(const char *name, struct bw_diag *d)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > BW_USER_NAME_MAX)
        return bw_diag_set(d, BW_EINVAL, "name", "a user name has 1 to %d characters",
                           BW_USER_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return bw_diag_set(d, BW_EINVAL, "name",
                               "'%s': a user name is lower-case letters, digits, '.', '_' "
                               "and '-', starting with a letter or digit",
                               name);
    }
    return BW_OK;
}

int bw_password_check(const char *pw, size_t n, struct bw_diag *d)
{
    if (n < BW_PASSWORD_MIN || n > BW_PASSWORD_MAX)
        return bw_diag_set(d, BW_EINVAL, "password", "a password has %d to %d bytes (got %zu)",
                           BW_PASSWORD_MIN, BW_PASSWORD_MAX, n);
    for (size_t i = 0; i < n; i++)
        if (pw[i] == '\0' || pw[i] == '\n' || pw[i] == '\r')
            return bw_diag_set(d, BW_EINVAL, "password",
                               "a password has no NUL or line-break characters");
    return BW_OK;
}

int bw_user_crypto_init(void)
{
    return sodium_init() < 0 ? BW_EINVAL : BW_OK;
}

int bw_password_hash(const char *pw, size_t n, char out[BW_PWHASH_SIZE])
{
    _Static_assert(crypto_pwhash_STRBYTES <= BW_PWHASH_SIZE, "hash buffer too small");
    if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return BW_ENOMEM;
    return BW_OK;
}

int bw_password_verify(const char *hash, const char *pw, size_t n)
{
    if (!hash || strnlen(hash, BW_PWHASH_SIZE) >= BW_PWHASH_SIZE)
        return 0;
    return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

int bw_password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

void bw_password_generate(char out[21])
{
    unsigned char raw[15];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 21, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void bw_token_new(char out[BW_TOKEN_SIZE])
{
    unsigned char raw[32];
    _Static_assert(BW_TOKEN_SIZE ==
                       sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                   "token buffer size");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, BW_TOKEN_SIZE, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void bw_token_hash(const char *token, size_t n, char out[BW_TOKEN_HASH_SIZE])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, n, NULL, 0);
    sodium_bin2hex(out, BW_TOKEN_HASH_SIZE, h, sizeof h);
}

int bw_token_hash_equal(const char *a, const char *b)
{
    if (strnlen(a, BW_TOKEN_HASH_SIZE) != BW_TOKEN_HASH_SIZE - 1 ||
        strnlen(b, BW_TOKEN_HASH_SIZE) != BW_TOKEN_HASH_SIZE - 1)
        return 0;
    return sodium_memcmp(a, b, BW_TOKEN_HASH_SIZE - 1) == 0;
}
