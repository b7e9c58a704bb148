/*
 * sign.h — Ed25519 detached signatures of published files (CAP alerts), their keys and
 * the text forms they travel in (docs/cap.md, "Signatures").
 *
 * A signature covers the exact bytes of a file. It travels as a detached file FILE.sig
 * holding one line "ed25519 KEYID BASE64SIG", or as the HTTP header
 * "X-Bulwark-Signature: ed25519 keyid=KEYID sig=BASE64SIG". KEYID is the first 16 hex
 * digits of BLAKE2b-256 of the public key; base64 is RFC 4648 with padding. The public
 * key file holds the 32-byte key in base64 and a newline; the secret key file holds
 * the 64-byte libsodium secret key (seed and public key) in base64 and a newline, mode
 * 0600, and is refused when group or others have any access to it.
 *
 * Ownership: keys are caller-allocated fixed-size arrays; nothing here allocates
 * memory the caller must free. Thread-safety: all functions are reentrant (call
 * bw_sign_init once first; the others call it too).
 */
#ifndef BW_SIGN_H
#define BW_SIGN_H

#include "error.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of an Ed25519 public key, secret key (seed + public key) and signature. */
#define BW_SIGN_PK_BYTES 32
#define BW_SIGN_SK_BYTES 64
#define BW_SIGN_SIG_BYTES 64
/** Room for a base64 public key, signature and secret key with their NUL. */
#define BW_SIGN_PK_B64_MAX 48
#define BW_SIGN_SIG_B64_MAX 92
#define BW_SIGN_SK_B64_MAX 92
/** Hex digits of a key id, and room for it with its NUL. */
#define BW_SIGN_KEYID_LEN 16
#define BW_SIGN_KEYID_MAX 17
/** Room for one detached-signature line "ed25519 KEYID SIG\n" with its NUL. */
#define BW_SIGN_LINE_MAX 128
/** The HTTP header that carries a signature. */
#define BW_SIGN_HEADER "X-Bulwark-Signature"
/** Names of the key files `bulwark cap keygen` creates in its directory. */
#define BW_SIGN_SK_FILE "cap-signing.key"
#define BW_SIGN_PK_FILE "cap-signing.pub"

/** Initialises libsodium (idempotent). Returns BW_OK or BW_EINVAL when it cannot start. */
int bw_sign_init(void);

/** Draws a new key pair from the system's random source. Returns BW_OK or BW_EINVAL. */
int bw_sign_keypair(unsigned char pk[BW_SIGN_PK_BYTES], unsigned char sk[BW_SIGN_SK_BYTES]);

/** The key id of @p pk: 16 lowercase hex digits of BLAKE2b-256(pk), NUL-terminated. */
void bw_sign_key_id(const unsigned char pk[BW_SIGN_PK_BYTES], char out[BW_SIGN_KEYID_MAX]);

/** @p pk in base64, NUL-terminated. */
void bw_sign_pk_encode(const unsigned char pk[BW_SIGN_PK_BYTES], char out[BW_SIGN_PK_B64_MAX]);

/**
 * Decodes a base64 public key (surrounding whitespace ignored). Returns BW_OK or
 * BW_EINVAL with @p d naming what is wrong.
 */
int bw_sign_pk_decode(const char *b64, unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d);

/**
 * Writes a new key pair to @p sk_path (mode 0600) and @p pk_path, refusing to replace
 * either file. Each file is written to a temporary name in its directory, flushed, and
 * linked into place, so a crash never leaves a half-written key and an existing key
 * is never overwritten. On success @p pk (when not NULL) is the new public key.
 * Returns BW_OK, BW_EEXIST or BW_EIO (with @p d).
 */
int bw_sign_keygen_files(const char *sk_path, const char *pk_path,
                         unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d);

/**
 * Reads a secret key file. Refuses a file that group or others may access ("chmod 600
 * it"), one that is not a regular file, and one whose content is not a 64-byte key whose
 * second half is the public key of its first (a damaged file). Returns BW_OK, BW_EIO or
 * BW_EINVAL (with @p d).
 */
int bw_sign_sk_read(const char *path, unsigned char sk[BW_SIGN_SK_BYTES], struct bw_diag *d);

/** Reads a public key file (base64). Returns BW_OK, BW_EIO or BW_EINVAL (with @p d). */
int bw_sign_pk_read(const char *path, unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d);

/** The public key inside a secret key. */
void bw_sign_sk_public(const unsigned char sk[BW_SIGN_SK_BYTES],
                       unsigned char pk[BW_SIGN_PK_BYTES]);

/**
 * Signs @p len bytes at @p msg with @p sk (Ed25519, RFC 8032) and writes the 64-byte
 * signature in base64 to @p sig_b64. Returns BW_OK or BW_EINVAL.
 */
int bw_sign_detached(const void *msg, size_t len, const unsigned char sk[BW_SIGN_SK_BYTES],
                     char sig_b64[BW_SIGN_SIG_B64_MAX]);

/**
 * Verifies a base64 signature of @p len bytes at @p msg against a base64 public key.
 * Returns BW_OK when it matches, BW_EINVAL otherwise with @p d saying why (bad base64,
 * wrong length, or "the signature does not match the file and key").
 */
int bw_sign_verify(const void *msg, size_t len, const char *sig_b64, const char *pk_b64,
                   struct bw_diag *d);

/** Formats the detached-signature line "ed25519 KEYID SIG\n" into @p out. */
void bw_sign_line_format(const char *keyid, const char *sig_b64, char out[BW_SIGN_LINE_MAX]);

/**
 * Parses a detached-signature file's text: exactly one line "ed25519 KEYID SIG" (a final
 * newline optional), KEYID 16 hex digits, SIG base64 of 64 bytes. Writes the key id and
 * the signature text. Returns BW_OK or BW_EINVAL (with @p d).
 */
int bw_sign_line_parse(const char *text, size_t n, char keyid[BW_SIGN_KEYID_MAX],
                       char sig_b64[BW_SIGN_SIG_B64_MAX], struct bw_diag *d);

/** Room for the HTTP header value with its NUL. */
#define BW_SIGN_HEADER_MAX 128
/** Formats the value of the X-Bulwark-Signature header: "ed25519 keyid=KEYID sig=SIG". */
void bw_sign_header_format(const char *keyid, const char *sig_b64, char out[BW_SIGN_HEADER_MAX]);

#ifdef __cplusplus
}
#endif
#endif
