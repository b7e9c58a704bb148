/*
 * sign.c — Ed25519 detached signatures with libsodium (crypto_sign_detached), the key
 * files and the signature's text forms (sign.h, docs/cap.md).
 *
 * Keys: crypto_sign_keypair from the system's random source; the key id is the first
 * 8 bytes of BLAKE2b-256 (crypto_generichash) of the public key in hex. Key files are
 * written to a temporary name (O_CREAT|O_EXCL, mode 0600 for the secret key), flushed
 * with fsync and put in place with link(2), which fails when the target exists: an
 * existing key is never overwritten and no reader ever sees half a key. A secret key is
 * read only from a regular file no one but its owner may access (checked with fstat on
 * the open descriptor, so a swapped path cannot slip through), and its public half must
 * match its seed.
 *
 * Base64 is RFC 4648 with padding (sodium_base64_VARIANT_ORIGINAL); decoding is strict
 * (no embedded spaces, no trailing bytes). Secrets in stack buffers are wiped with
 * sodium_memzero before returning. Thread-safety: reentrant; sodium_init is idempotent
 * and thread-safe.
 */
#include "sign.h"

#include <sodium.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest key file read (a key is one short line; anything longer is not a key file). */
#define KEY_FILE_MAX 512

int bw_sign_init(void)
{
    return sodium_init() < 0 ? BW_EINVAL : BW_OK;
}

int bw_sign_keypair(unsigned char pk[BW_SIGN_PK_BYTES], unsigned char sk[BW_SIGN_SK_BYTES])
{
    _Static_assert(crypto_sign_PUBLICKEYBYTES == BW_SIGN_PK_BYTES, "public key size");
    _Static_assert(crypto_sign_SECRETKEYBYTES == BW_SIGN_SK_BYTES, "secret key size");
    _Static_assert(crypto_sign_BYTES == BW_SIGN_SIG_BYTES, "signature size");
    if (bw_sign_init() || crypto_sign_keypair(pk, sk) != 0)
        return BW_EINVAL;
    return BW_OK;
}

void bw_sign_key_id(const unsigned char pk[BW_SIGN_PK_BYTES], char out[BW_SIGN_KEYID_MAX])
{
    unsigned char h[32];

    bw_sign_init();
    crypto_generichash(h, sizeof h, pk, BW_SIGN_PK_BYTES, NULL, 0);
    sodium_bin2hex(out, BW_SIGN_KEYID_MAX, h, BW_SIGN_KEYID_LEN / 2);
}

void bw_sign_pk_encode(const unsigned char pk[BW_SIGN_PK_BYTES], char out[BW_SIGN_PK_B64_MAX])
{
    _Static_assert(sodium_base64_ENCODED_LEN(BW_SIGN_PK_BYTES, sodium_base64_VARIANT_ORIGINAL) <=
                       BW_SIGN_PK_B64_MAX,
                   "pk base64 room");
    sodium_bin2base64(out, BW_SIGN_PK_B64_MAX, pk, BW_SIGN_PK_BYTES,
                      sodium_base64_VARIANT_ORIGINAL);
}

/* Decodes base64 text of exactly @p want bytes, ignoring surrounding whitespace. */
static int b64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;

    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (n == 0 || n > 4 * ((want + 2) / 3))
        return -1;
    if (sodium_base642bin(out, want, s, n, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != want || end != s + n)
        return -1;
    return 0;
}

int bw_sign_pk_decode(const char *b64, unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d)
{
    if (!b64 || b64_exact(b64, strlen(b64), pk, BW_SIGN_PK_BYTES))
        return bw_diag_set(
            d, BW_EINVAL, "key",
            "not an Ed25519 public key (expected 32 bytes in base64, 44 characters)");
    return BW_OK;
}

void bw_sign_sk_public(const unsigned char sk[BW_SIGN_SK_BYTES], unsigned char pk[BW_SIGN_PK_BYTES])
{
    bw_sign_init();
    crypto_sign_ed25519_sk_to_pk(pk, sk);
}

/* Writes @p text to a new file at @p target with @p mode, atomically and never over an
 * existing one (temporary file + fsync + link). */
static int write_new_file(const char *target, const char *text, mode_t mode, struct bw_diag *d)
{
    char tmp[4096];
    size_t n = strlen(text), off = 0;
    int fd, rc = BW_OK;

    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", target, (long)getpid()) >= (int)sizeof tmp)
        return bw_diag_set(d, BW_EIO, NULL, "%s: path too long", target);
    if (access(target, F_OK) == 0)
        return bw_diag_set(d, BW_EEXIST, NULL, "%s already exists; refusing to overwrite a key",
                           target);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return bw_diag_set(d, BW_EIO, NULL, "%s: %s", tmp, strerror(errno));
    if (fchmod(fd, mode) != 0) /* the umask may have taken bits away; never added any */
        rc = bw_diag_set(d, BW_EIO, NULL, "%s: %s", tmp, strerror(errno));
    while (!rc && off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = bw_diag_set(d, BW_EIO, NULL, "%s: %s", tmp, strerror(errno));
        else
            off += (size_t)w;
    }
    if (!rc && fsync(fd) != 0)
        rc = bw_diag_set(d, BW_EIO, NULL, "%s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = bw_diag_set(d, BW_EIO, NULL, "%s: %s", tmp, strerror(errno));
    if (!rc && link(tmp, target) != 0)
        rc = errno == EEXIST ? bw_diag_set(d, BW_EEXIST, NULL,
                                           "%s already exists; refusing to overwrite a key", target)
                             : bw_diag_set(d, BW_EIO, NULL, "%s: %s", target, strerror(errno));
    unlink(tmp);
    return rc;
}

static void add_newline(char *s)
{
    size_t n = strlen(s);
    s[n] = '\n';
    s[n + 1] = '\0';
}

int bw_sign_keygen_files(const char *sk_path, const char *pk_path,
                         unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d)
{
    unsigned char p[BW_SIGN_PK_BYTES], s[BW_SIGN_SK_BYTES];
    char text[BW_SIGN_SK_B64_MAX + 1], pub[BW_SIGN_PK_B64_MAX + 1];
    int rc;

    if (access(sk_path, F_OK) == 0 || access(pk_path, F_OK) == 0)
        return bw_diag_set(d, BW_EEXIST, NULL, "%s already exists; refusing to overwrite a key",
                           access(sk_path, F_OK) == 0 ? sk_path : pk_path);
    if (bw_sign_keypair(p, s))
        return bw_diag_set(d, BW_EINVAL, NULL, "libsodium could not generate a key");
    sodium_bin2base64(text, BW_SIGN_SK_B64_MAX, s, sizeof s, sodium_base64_VARIANT_ORIGINAL);
    add_newline(text); /* fits: the buffers have one byte more than the base64 needs */
    bw_sign_pk_encode(p, pub);
    add_newline(pub);
    rc = write_new_file(sk_path, text, 0600, d);
    if (!rc) {
        rc = write_new_file(pk_path, pub, 0644, d);
        if (rc) /* do not leave a secret key without its public half */
            unlink(sk_path);
    }
    if (!rc && pk)
        memcpy(pk, p, sizeof p);
    sodium_memzero(s, sizeof s);
    sodium_memzero(text, sizeof text);
    return rc;
}

/* Reads a small file through an open descriptor into buf (NUL-terminated). */
static int read_small(const char *path, int fd, char *buf, size_t cap, size_t *n, struct bw_diag *d)
{
    *n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + *n, cap - 1 - *n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return bw_diag_set(d, BW_EIO, NULL, "%s: %s", path, strerror(errno));
        if (r == 0)
            break;
        *n += (size_t)r;
        if (*n == cap - 1)
            return bw_diag_set(d, BW_EINVAL, NULL, "%s: too long for a key file", path);
    }
    buf[*n] = '\0';
    return BW_OK;
}

int bw_sign_sk_read(const char *path, unsigned char sk[BW_SIGN_SK_BYTES], struct bw_diag *d)
{
    char buf[KEY_FILE_MAX];
    unsigned char pk[BW_SIGN_PK_BYTES];
    struct stat st;
    size_t n = 0;
    int fd, rc = BW_OK;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return bw_diag_set(d, BW_EIO, NULL, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0)
        rc = bw_diag_set(d, BW_EIO, NULL, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = bw_diag_set(d, BW_EINVAL, NULL, "%s: not a regular file", path);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = bw_diag_set(d, BW_EINVAL, NULL,
                         "%s: the secret key is accessible to group or others (mode %03o); "
                         "chmod 600 it",
                         path, (unsigned)(st.st_mode & 0777));
    if (!rc)
        rc = read_small(path, fd, buf, sizeof buf, &n, d);
    close(fd);
    if (!rc && b64_exact(buf, n, sk, BW_SIGN_SK_BYTES))
        rc = bw_diag_set(d, BW_EINVAL, NULL,
                         "%s: not an Ed25519 secret key (expected 64 bytes in base64)", path);
    if (!rc) {
        /* The second half of a libsodium secret key is the public key of its seed. */
        unsigned char seed_pk[BW_SIGN_PK_BYTES], tmp_sk[BW_SIGN_SK_BYTES];
        bw_sign_init();
        crypto_sign_seed_keypair(seed_pk, tmp_sk, sk);
        crypto_sign_ed25519_sk_to_pk(pk, sk);
        if (sodium_memcmp(seed_pk, pk, sizeof pk) != 0)
            rc = bw_diag_set(d, BW_EINVAL, NULL,
                             "%s: damaged secret key (its public half does not match its seed)",
                             path);
        sodium_memzero(tmp_sk, sizeof tmp_sk);
    }
    if (rc)
        sodium_memzero(sk, BW_SIGN_SK_BYTES);
    sodium_memzero(buf, sizeof buf);
    return rc;
}

int bw_sign_pk_read(const char *path, unsigned char pk[BW_SIGN_PK_BYTES], struct bw_diag *d)
{
    char buf[KEY_FILE_MAX];
    size_t n = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bw_diag_set(d, BW_EIO, NULL, "%s: %s", path, strerror(errno));
    rc = read_small(path, fd, buf, sizeof buf, &n, d);
    close(fd);
    if (!rc && b64_exact(buf, n, pk, BW_SIGN_PK_BYTES))
        rc = bw_diag_set(d, BW_EINVAL, NULL,
                         "%s: not an Ed25519 public key (expected 32 bytes in base64)", path);
    return rc;
}

int bw_sign_detached(const void *msg, size_t len, const unsigned char sk[BW_SIGN_SK_BYTES],
                     char sig_b64[BW_SIGN_SIG_B64_MAX])
{
    unsigned char sig[BW_SIGN_SIG_BYTES];

    _Static_assert(sodium_base64_ENCODED_LEN(BW_SIGN_SIG_BYTES, sodium_base64_VARIANT_ORIGINAL) <=
                       BW_SIGN_SIG_B64_MAX,
                   "signature base64 room");
    if (bw_sign_init() || crypto_sign_detached(sig, NULL, msg, len, sk) != 0)
        return BW_EINVAL;
    sodium_bin2base64(sig_b64, BW_SIGN_SIG_B64_MAX, sig, sizeof sig,
                      sodium_base64_VARIANT_ORIGINAL);
    return BW_OK;
}

int bw_sign_verify(const void *msg, size_t len, const char *sig_b64, const char *pk_b64,
                   struct bw_diag *d)
{
    unsigned char sig[BW_SIGN_SIG_BYTES], pk[BW_SIGN_PK_BYTES];
    int rc;

    if (bw_sign_init())
        return bw_diag_set(d, BW_EINVAL, NULL, "libsodium could not start");
    if (!sig_b64 || b64_exact(sig_b64, strlen(sig_b64), sig, sizeof sig))
        return bw_diag_set(d, BW_EINVAL, "signature",
                           "not an Ed25519 signature (expected 64 bytes in base64, 88 characters)");
    if ((rc = bw_sign_pk_decode(pk_b64, pk, d)))
        return rc;
    if (crypto_sign_verify_detached(sig, msg, len, pk) != 0)
        return bw_diag_set(d, BW_EINVAL, "signature",
                           "the signature does not match the file and key (the file was changed, "
                           "or it was signed with another key)");
    return BW_OK;
}

void bw_sign_line_format(const char *keyid, const char *sig_b64, char out[BW_SIGN_LINE_MAX])
{
    snprintf(out, BW_SIGN_LINE_MAX, "ed25519 %s %s\n", keyid, sig_b64);
}

void bw_sign_header_format(const char *keyid, const char *sig_b64, char out[BW_SIGN_HEADER_MAX])
{
    snprintf(out, BW_SIGN_HEADER_MAX, "ed25519 keyid=%s sig=%s", keyid, sig_b64);
}

int bw_sign_line_parse(const char *text, size_t n, char keyid[BW_SIGN_KEYID_MAX],
                       char sig_b64[BW_SIGN_SIG_B64_MAX], struct bw_diag *d)
{
    unsigned char sig[BW_SIGN_SIG_BYTES];
    const char *p = text, *end = text + n, *k, *s;
    size_t kn, sn;

    if (n && end[-1] == '\n')
        end--;
    if (end > p && end[-1] == '\r')
        end--;
    if ((size_t)(end - p) < 8 || memcmp(p, "ed25519 ", 8) != 0)
        return bw_diag_set(d, BW_EINVAL, NULL,
                           "not a bulwark signature: expected one line 'ed25519 KEYID SIGNATURE'");
    k = p + 8;
    for (s = k; s < end && *s != ' '; s++)
        ;
    kn = (size_t)(s - k);
    if (s == end)
        return bw_diag_set(d, BW_EINVAL, NULL, "no signature after the key id");
    s++;
    sn = (size_t)(end - s);
    if (kn != BW_SIGN_KEYID_LEN || strspn(k, "0123456789abcdef") < kn)
        return bw_diag_set(d, BW_EINVAL, "keyid", "'%.*s' is not a key id (16 hex digits)",
                           (int)(kn > 40 ? 40 : kn), k);
    if (memchr(s, '\n', sn) || memchr(s, ' ', sn) || b64_exact(s, sn, sig, sizeof sig) ||
        sn >= BW_SIGN_SIG_B64_MAX)
        return bw_diag_set(d, BW_EINVAL, "signature",
                           "not an Ed25519 signature (expected 64 bytes in base64 on one line)");
    memcpy(keyid, k, kn);
    keyid[kn] = '\0';
    memcpy(sig_b64, s, sn);
    sig_b64[sn] = '\0';
    return BW_OK;
}
