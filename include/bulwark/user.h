/*
 * user.h — accounts of the information-sharing server: roles, user names, passwords
 * and tokens.
 *
 * A user belongs to one organisation of the register and holds one role. admin and
 * analyst act for the national authority and see the whole register; operator,
 * responder, assessor and viewer see what concerns their organisation (store.h,
 * bw_store_site_visible). Passwords are hashed with argon2id (libsodium's
 * crypto_pwhash_str: the string carries salt and cost); tokens are 32 random bytes
 * given to the client once as 43 base64url characters and stored only as the hex
 * BLAKE2b-256 hash of that text.
 *
 * Ownership: every function writes into caller-provided buffers of the sizes below;
 * nothing here allocates. Thread-safety: all functions are thread-safe once
 * bw_user_crypto_init has returned BW_OK (call it once, before any thread starts).
 */
#ifndef BW_USER_H
#define BW_USER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;

/** The roles, in the order of the user table's CHECK constraint. */
enum bw_user_role {
    BW_ROLE_ADMIN = 0, /**< national authority, manages accounts */
    BW_ROLE_ANALYST,   /**< national authority */
    BW_ROLE_OPERATOR,  /**< an operator: its own organisation's sites */
    BW_ROLE_RESPONDER, /**< police, fire, EMS: the sites where its organisation has a role */
    BW_ROLE_ASSESSOR,  /**< carries out assessments for its organisation */
    BW_ROLE_VIEWER,    /**< reads what its organisation may read */
    BW_ROLE_COUNT
};

/** Longest user name in bytes. */
#define BW_USER_NAME_MAX 64
/** Shortest and longest password in bytes. */
#define BW_PASSWORD_MIN 10
#define BW_PASSWORD_MAX 1024
/** Size of a buffer for an argon2id hash string (crypto_pwhash_STRBYTES), NUL included. */
#define BW_PWHASH_SIZE 128
/** Size of a buffer for a token's text: 43 base64url characters and the NUL. */
#define BW_TOKEN_SIZE 44
/** Size of a buffer for a token's hash: 64 hex digits and the NUL. */
#define BW_TOKEN_HASH_SIZE 65
/** Lifetime of a session token (12 hours) and default lifetime of an API token (90 days). */
#define BW_SESSION_SECONDS (12 * 3600)
#define BW_API_TOKEN_DAYS 90
/** Longest lifetime accepted for an API token (days). */
#define BW_API_TOKEN_DAYS_MAX 3650

/** The role's name ("admin", ...), or "?" when out of range. */
const char *bw_role_name(int role);
/** Parses a role name; BW_EINVAL (field "role", listing the roles) when unknown. */
int bw_role_parse(const char *name, struct bw_diag *d, int *out);
/** 1 when @p role acts for the national authority (admin, analyst). */
int bw_role_is_authority(int role);

/**
 * Checks a user name: 1..BW_USER_NAME_MAX bytes of [a-z0-9._-], starting with a letter
 * or digit. BW_EINVAL (field "name") otherwise.
 */
int bw_user_name_check(const char *name, struct bw_diag *d);
/** Checks a password's length (BW_PASSWORD_MIN..MAX bytes, no NUL, no line break). */
int bw_password_check(const char *pw, size_t n, struct bw_diag *d);

/** Initialises libsodium. BW_OK, or BW_EINVAL when it cannot start (no entropy). */
int bw_user_crypto_init(void);
/** Hashes a password with argon2id (interactive cost) into @p out. BW_ENOMEM when
 *  the hash's memory cannot be had. */
int bw_password_hash(const char *pw, size_t n, char out[BW_PWHASH_SIZE]);
/** 1 when @p pw matches @p hash, 0 otherwise (also for a malformed hash). */
int bw_password_verify(const char *hash, const char *pw, size_t n);
/** 1 when @p hash was made with other parameters than today's (hash it again). */
int bw_password_needs_rehash(const char *hash);
/** Writes a random password of 20 base64url characters (120 bits) into @p out. */
void bw_password_generate(char out[21]);

/** Writes a new random token (32 bytes as base64url, no padding) into @p out. */
void bw_token_new(char out[BW_TOKEN_SIZE]);
/** Writes the hex BLAKE2b-256 of the @p n bytes of @p token into @p out. */
void bw_token_hash(const char *token, size_t n, char out[BW_TOKEN_HASH_SIZE]);
/** Constant-time comparison of two hex hashes; 1 when equal. */
int bw_token_hash_equal(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
