/*
 * test_user.c — roles, user-name and password rules, argon2id hashing and tokens
 * (user.h). Token hashes are held against published BLAKE2b-256 values (the same as
 * Python's hashlib.blake2b(digest_size=32)); the rehash check against a hash made
 * directly with libsodium at other costs.
 */
#include "unit.h"

#include "user.h"

#include <sodium.h>

static int setup(void **state)
{
    (void)state;
    return bw_user_crypto_init();
}

static void roles(void **state)
{
    static const char *const names[] = {"admin", "analyst", "operator", "responder",
                                        "assessor", "viewer"};
    struct bw_diag d;
    int r = -1;

    (void)state;
    assert_int_equal(BW_ROLE_COUNT, 6);
    for (int i = 0; i < BW_ROLE_COUNT; i++) {
        assert_string_equal(bw_role_name(i), names[i]);
        assert_int_equal(bw_role_parse(names[i], NULL, &r), BW_OK);
        assert_int_equal(r, i);
        assert_int_equal(bw_role_is_authority(i), i == BW_ROLE_ADMIN || i == BW_ROLE_ANALYST);
    }
    assert_string_equal(bw_role_name(-1), "?");
    assert_string_equal(bw_role_name(BW_ROLE_COUNT), "?");
    bw_diag_clear(&d);
    assert_int_equal(bw_role_parse("Admin", &d, &r), BW_EINVAL);
    assert_string_equal(d.field, "role");
    assert_non_null(strstr(d.msg, "'Admin' is not a role"));
    assert_int_equal(bw_role_parse("", NULL, &r), BW_EINVAL);
}

static void user_names(void **state)
{
    static const char *const good[] = {"a", "ana", "j.smith", "op_7", "x-y", "0day"};
    static const char *const bad[] = {"", "Ana", ".hidden", "-x", "a b", "a/b", "ünï",
                                      "a;drop"};
    char longest[BW_USER_NAME_MAX + 2];
    struct bw_diag d;

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(bw_user_name_check(good[i], NULL), BW_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bw_diag_clear(&d);
        assert_int_equal(bw_user_name_check(bad[i], &d), BW_EINVAL);
        assert_string_equal(d.field, "name");
    }
    memset(longest, 'a', sizeof longest);
    longest[BW_USER_NAME_MAX] = '\0';
    assert_int_equal(bw_user_name_check(longest, NULL), BW_OK);
    longest[BW_USER_NAME_MAX] = 'a';
    longest[BW_USER_NAME_MAX + 1] = '\0';
    assert_int_equal(bw_user_name_check(longest, NULL), BW_EINVAL);
    assert_int_equal(bw_user_name_check(NULL, NULL), BW_EINVAL);
}

static void passwords(void **state)
{
    char hash[BW_PWHASH_SIZE], other[BW_PWHASH_SIZE], gen[21];
    struct bw_diag d;
    const char *pw = "correct-horse-battery";

    (void)state;
    assert_int_equal(bw_password_check("123456789", 9, NULL), BW_EINVAL); /* too short */
    assert_int_equal(bw_password_check("1234567890", 10, NULL), BW_OK);
    bw_diag_clear(&d);
    assert_int_equal(bw_password_check("12345\n67890", 11, &d), BW_EINVAL);
    assert_string_equal(d.field, "password");
    assert_int_equal(bw_password_check("12345\0" "67890", 11, NULL), BW_EINVAL);

    assert_int_equal(bw_password_hash(pw, strlen(pw), hash), BW_OK);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_int_equal(bw_password_verify(hash, pw, strlen(pw)), 1);
    assert_int_equal(bw_password_verify(hash, "correct-horse-batterY", strlen(pw)), 0);
    assert_int_equal(bw_password_verify(hash, pw, strlen(pw) - 1), 0);
    assert_int_equal(bw_password_verify("not a hash", pw, strlen(pw)), 0);
    /* Salted: the same password hashes differently each time. */
    assert_int_equal(bw_password_hash(pw, strlen(pw), other), BW_OK);
    assert_string_not_equal(hash, other);
    assert_int_equal(bw_password_needs_rehash(hash), 0);
    /* A hash made at other costs verifies but asks to be redone. */
    assert_int_equal(crypto_pwhash_str(other, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    assert_int_equal(bw_password_verify(other, pw, strlen(pw)), 1);
    assert_int_equal(bw_password_needs_rehash(other), 1);

    bw_password_generate(gen);
    assert_int_equal(strlen(gen), 20);
    assert_int_equal(strspn(gen, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     20);
    assert_int_equal(bw_password_check(gen, 20, NULL), BW_OK);
}

static void tokens(void **state)
{
    char a[BW_TOKEN_SIZE], b[BW_TOKEN_SIZE], ha[BW_TOKEN_HASH_SIZE], hb[BW_TOKEN_HASH_SIZE];
    unsigned char raw[64];
    size_t rawn;

    (void)state;
    bw_token_new(a);
    bw_token_new(b);
    assert_int_equal(strlen(a), 43);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     43);
    assert_string_not_equal(a, b);
    /* 43 base64url characters carry exactly the 32 random bytes. */
    assert_int_equal(sodium_base642bin(raw, sizeof raw, a, 43, NULL, &rawn, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_int_equal(rawn, 32);

    /* Published BLAKE2b-256 values. */
    bw_token_hash("abc", 3, ha);
    assert_string_equal(ha, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    bw_token_hash("", 0, ha);
    assert_string_equal(ha, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");

    bw_token_hash(a, 43, ha);
    bw_token_hash(a, 43, hb);
    assert_int_equal(bw_token_hash_equal(ha, hb), 1);
    bw_token_hash(b, 43, hb);
    assert_int_equal(bw_token_hash_equal(ha, hb), 0);
    assert_int_equal(bw_token_hash_equal(ha, "abc"), 0);
    hb[0] = '\0';
    assert_int_equal(bw_token_hash_equal(ha, hb), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles),
        cmocka_unit_test(user_names),
        cmocka_unit_test(passwords),
        cmocka_unit_test(tokens),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
