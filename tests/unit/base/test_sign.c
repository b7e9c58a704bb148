/*
 * test_sign.c — Ed25519 signatures, key files and the signature line (src/base/sign.c).
 *
 * The independent answers are RFC 8032 §7.1 TEST 1 and TEST 2 (secret key, public key,
 * message, signature as printed in the RFC; converted to base64 with Python's base64
 * module) and the key id of TEST 1's public key computed with Python's hashlib:
 *   hashlib.blake2b(pk, digest_size=32).hexdigest()[:16] == "7849ac3049680be1".
 * libsodium's base64 codec is used only to flip bits of a signature. The rest checks
 * behaviour: a one-byte change of the message or the signature fails,
 * another key fails, key files are created 0600 and never overwritten, and bad key
 * files (readable by others, damaged, not base64) are refused with a reason.
 */
#include "unit.h"

#include "sign.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>

/* RFC 8032 §7.1 TEST 1: empty message. */
static const char t1_sk_b64[] =
    "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==";
static const char t1_pk_b64[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char t1_sig_b64[] =
    "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==";
/* RFC 8032 §7.1 TEST 2: the one-byte message 0x72. */
static const char t2_sk_b64[] =
    "TM0Imyj/ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U+4pvs9QBfD6EOJWpK3CqdNG368nJgszy7ElozAzVXxKvRmDA==";
static const char t2_pk_b64[] = "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=";
static const char t2_sig_b64[] =
    "kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhWZbkWPNhPQ8R2MOHsurrQwKu6wDSkWErsMAA==";

static char dir[256];

static int setup(void **state)
{
    (void)state;
    unit_tmpdir(dir, sizeof dir);
    return bw_sign_init();
}

static int teardown(void **state)
{
    (void)state;
    unit_rmdir(dir);
    return 0;
}

/* Writes @p text to dir/name with @p mode; returns the path in a static buffer. */
static const char *key_file(const char *name, const char *text, mode_t mode)
{
    static char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    unit_write_file(dir, name, text);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void load_sk(const char *b64, unsigned char sk[BW_SIGN_SK_BYTES])
{
    char text[200];
    struct bw_diag d;

    snprintf(text, sizeof text, "%s\n", b64);
    bw_diag_clear(&d);
    if (bw_sign_sk_read(key_file("rfc.key", text, 0600), sk, &d))
        fail_msg("%s", d.msg);
}

static void test_rfc8032_vectors(void **state)
{
    unsigned char sk[BW_SIGN_SK_BYTES], pk[BW_SIGN_PK_BYTES];
    char sig[BW_SIGN_SIG_B64_MAX], pkb[BW_SIGN_PK_B64_MAX], id[BW_SIGN_KEYID_MAX];
    struct bw_diag d;

    (void)state;
    load_sk(t1_sk_b64, sk);
    assert_int_equal(bw_sign_detached("", 0, sk, sig), BW_OK);
    assert_string_equal(sig, t1_sig_b64);
    bw_sign_sk_public(sk, pk);
    bw_sign_pk_encode(pk, pkb);
    assert_string_equal(pkb, t1_pk_b64);
    bw_sign_key_id(pk, id);
    assert_string_equal(id, "7849ac3049680be1");
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_verify("", 0, t1_sig_b64, t1_pk_b64, &d), BW_OK);

    load_sk(t2_sk_b64, sk);
    assert_int_equal(bw_sign_detached("\x72", 1, sk, sig), BW_OK);
    assert_string_equal(sig, t2_sig_b64);
    assert_int_equal(bw_sign_verify("\x72", 1, t2_sig_b64, t2_pk_b64, &d), BW_OK);
    /* Each signature fails under the other vector's key or message. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_verify("\x72", 1, t2_sig_b64, t1_pk_b64, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "does not match"));
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_verify("\x73", 1, t2_sig_b64, t2_pk_b64, &d), BW_EINVAL);
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_verify("", 0, t2_sig_b64, t2_pk_b64, &d), BW_EINVAL);
}

/* Every one-byte change of a signed document, and every bit of the signature, fails. */
static void test_one_byte_changes(void **state)
{
    unsigned char sk[BW_SIGN_SK_BYTES], pk[BW_SIGN_PK_BYTES], raw[BW_SIGN_SIG_BYTES];
    char sig[BW_SIGN_SIG_B64_MAX], pkb[BW_SIGN_PK_B64_MAX], bad[BW_SIGN_SIG_B64_MAX];
    char msg[] = "<alert>evacuate the town hall</alert>\n";
    size_t n = strlen(msg);
    struct bw_diag d;

    (void)state;
    assert_int_equal(bw_sign_keypair(pk, sk), BW_OK);
    bw_sign_pk_encode(pk, pkb);
    assert_int_equal(bw_sign_detached(msg, n, sk, sig), BW_OK);
    assert_int_equal(bw_sign_verify(msg, n, sig, pkb, NULL), BW_OK);
    for (size_t i = 0; i < n; i++) {
        msg[i] ^= 0x01;
        bw_diag_clear(&d);
        assert_int_equal(bw_sign_verify(msg, n, sig, pkb, &d), BW_EINVAL);
        msg[i] ^= 0x01;
    }
    /* One byte appended or removed. */
    assert_int_equal(bw_sign_verify(msg, n - 1, sig, pkb, NULL), BW_EINVAL);
    /* Every bit of the raw signature, re-encoded. */
    {
        size_t got = 0;
        assert_int_equal(sodium_base642bin(raw, sizeof raw, sig, strlen(sig), NULL, &got, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_int_equal(got, BW_SIGN_SIG_BYTES);
    }
    for (size_t bit = 0; bit < 8 * BW_SIGN_SIG_BYTES; bit++) {
        raw[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        sodium_bin2base64(bad, sizeof bad, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
        assert_int_equal(bw_sign_verify(msg, n, bad, pkb, NULL), BW_EINVAL);
        raw[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    sodium_bin2base64(bad, sizeof bad, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    assert_string_equal(bad, sig); /* and the unchanged bytes are the signature again */
    /* Not a signature at all. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_verify(msg, n, "AAAA", pkb, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "not an Ed25519 signature"));
}

static void test_keygen_files(void **state)
{
    char sk_path[512], pk_path[512];
    unsigned char pk[BW_SIGN_PK_BYTES], pk2[BW_SIGN_PK_BYTES], sk[BW_SIGN_SK_BYTES];
    char sig[BW_SIGN_SIG_B64_MAX], pkb[BW_SIGN_PK_B64_MAX];
    struct stat st;
    struct bw_diag d;

    (void)state;
    snprintf(sk_path, sizeof sk_path, "%s/%s", dir, BW_SIGN_SK_FILE);
    snprintf(pk_path, sizeof pk_path, "%s/%s", dir, BW_SIGN_PK_FILE);
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_keygen_files(sk_path, pk_path, pk, &d), BW_OK);
    assert_int_equal(stat(sk_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* The files hold the pair: sign with one, verify with the other. */
    assert_int_equal(bw_sign_sk_read(sk_path, sk, &d), BW_OK);
    assert_int_equal(bw_sign_pk_read(pk_path, pk2, &d), BW_OK);
    assert_memory_equal(pk, pk2, sizeof pk);
    assert_int_equal(bw_sign_detached("abc", 3, sk, sig), BW_OK);
    bw_sign_pk_encode(pk2, pkb);
    assert_int_equal(bw_sign_verify("abc", 3, sig, pkb, &d), BW_OK);
    /* A second keygen refuses to overwrite, and the key stays the same. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_keygen_files(sk_path, pk_path, NULL, &d), BW_EEXIST);
    assert_non_null(strstr(d.msg, "refusing to overwrite"));
    assert_int_equal(bw_sign_pk_read(pk_path, pk2, &d), BW_OK);
    assert_memory_equal(pk, pk2, sizeof pk);
    unlink(sk_path);
    unlink(pk_path);
}

static void test_bad_key_files(void **state)
{
    unsigned char sk[BW_SIGN_SK_BYTES], pk[BW_SIGN_PK_BYTES];
    char text[200];
    struct bw_diag d;

    (void)state;
    snprintf(text, sizeof text, "%s\n", t1_sk_b64);
    /* Readable by the group or by others: refused, with the fix. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(key_file("g.key", text, 0640), sk, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "accessible to group or others (mode 640); chmod 600 it"));
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(key_file("o.key", text, 0604), sk, &d), BW_EINVAL);
    /* Not base64, the wrong length, a public key where the secret one belongs. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(key_file("x.key", "not a key!\n", 0600), sk, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "not an Ed25519 secret key"));
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(key_file("p.key", t1_pk_b64, 0600), sk, &d), BW_EINVAL);
    /* Damaged: the public half of TEST 1's key replaced by TEST 2's public key. */
    {
        unsigned char s1[BW_SIGN_SK_BYTES], p2[BW_SIGN_PK_BYTES];
        char b64[BW_SIGN_SK_B64_MAX];
        load_sk(t1_sk_b64, s1);
        assert_int_equal(bw_sign_pk_decode(t2_pk_b64, p2, &d), BW_OK);
        memcpy(s1 + 32, p2, 32);
        sodium_bin2base64(b64, sizeof b64, s1, sizeof s1, sodium_base64_VARIANT_ORIGINAL);
        snprintf(text, sizeof text, "%s\n", b64);
    }
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(key_file("d.key", text, 0600), sk, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "damaged secret key"));
    /* A missing file, and a directory. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read("/nonexistent/bulwark.key", sk, &d), BW_EIO);
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_sk_read(dir, sk, &d), BW_EINVAL);
    /* Public keys. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_pk_read(key_file("bad.pub", "AAAA\n", 0644), pk, &d), BW_EINVAL);
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_pk_decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", pk, &d),
                     BW_EINVAL); /* padding missing */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_pk_decode(" 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n", pk, &d),
                     BW_OK);
}

static void test_signature_line(void **state)
{
    char line[BW_SIGN_LINE_MAX], hdr[BW_SIGN_HEADER_MAX], id[BW_SIGN_KEYID_MAX];
    char sig[BW_SIGN_SIG_B64_MAX];
    struct bw_diag d;

    (void)state;
    bw_sign_line_format("7849ac3049680be1", t1_sig_b64, line);
    assert_string_equal(line,
                        "ed25519 7849ac3049680be1 "
                        "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18F"
                        "lbviRlUUFDjnoQCw==\n");
    bw_sign_header_format("7849ac3049680be1", t1_sig_b64, hdr);
    assert_string_equal(hdr, "ed25519 keyid=7849ac3049680be1 sig=5VZDAMNgrHKQhuLMgG6CioSHfx645dl02H"
                             "PgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==");
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_line_parse(line, strlen(line), id, sig, &d), BW_OK);
    assert_string_equal(id, "7849ac3049680be1");
    assert_string_equal(sig, t1_sig_b64);
    /* Without the final newline too. */
    assert_int_equal(bw_sign_line_parse(line, strlen(line) - 1, id, sig, &d), BW_OK);
    /* Refused: another algorithm, a bad key id, a truncated signature, two lines. */
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_line_parse("rsa 7849ac3049680be1 AAAA", 25, id, sig, &d), BW_EINVAL);
    assert_non_null(strstr(d.msg, "expected one line 'ed25519 KEYID SIGNATURE'"));
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_line_parse("ed25519 7849AC3049680BE1 x", 26, id, sig, &d), BW_EINVAL);
    assert_string_equal(d.field, "keyid");
    bw_diag_clear(&d);
    assert_int_equal(bw_sign_line_parse(line, 60, id, sig, &d), BW_EINVAL);
    assert_string_equal(d.field, "signature");
    {
        char two[2 * BW_SIGN_LINE_MAX];
        snprintf(two, sizeof two, "%s%s", line, line);
        bw_diag_clear(&d);
        assert_int_equal(bw_sign_line_parse(two, strlen(two), id, sig, &d), BW_EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8032_vectors), cmocka_unit_test(test_one_byte_changes),
        cmocka_unit_test(test_keygen_files),    cmocka_unit_test(test_bad_key_files),
        cmocka_unit_test(test_signature_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
