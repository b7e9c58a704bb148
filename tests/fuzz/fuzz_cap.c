/*
 * fuzz_cap.c — libFuzzer target for the CAP 1.2 reader and writer and the signature line.
 *
 * 1. bw_cap_parse of the input: an error comes with a diagnostic and an empty record.
 *    On success the alert passes bw_cap_check, bw_cap_write writes it, the written
 *    document reads back to an equal record (bw_cap_equal), and writing that record
 *    again gives the same bytes (the writer is deterministic: signatures rely on it).
 * 2. bw_sign_line_parse of the input as a detached-signature file: an error comes with
 *    a diagnostic; success means a 16-hex-digit key id and a signature that formats
 *    back (bw_sign_line_format) to a line that parses to the same two values.
 * 3. bw_cap_time_parse of the input as a dateTime: success only for exactly 25 bytes,
 *    and the instant formats back (bw_cap_time_format, UTC) to a time that parses to
 *    the same instant.
 */
#include "fuzz_common.h"

#include "arena.h"
#include "buf.h"
#include "cap.h"
#include "sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fuzz_pack; /* no pack needed: CAP does not depend on the methodology */
    bw_cap_init();
    return 0;
}

static void cap_round_trip(const char *p, size_t n)
{
    struct bw_arena a, a2;
    struct bw_cap_alert x, y;
    struct bw_buf w1, w2;
    struct bw_diag d;
    int rc;

    bw_arena_init(&a, 4096);
    bw_diag_clear(&d);
    rc = bw_cap_parse(p, n, "fuzz.xml", &a, &x, &d);
    fuzz_check_diag(rc, &d);
    if (rc != BW_OK) {
        FUZZ_CHECK(x.identifier == NULL && x.n_infos == 0, "a refused document left a record");
        bw_arena_release(&a);
        return;
    }
    bw_diag_clear(&d);
    FUZZ_CHECK(bw_cap_check(&x, &d) == BW_OK, "a parsed alert fails bw_cap_check: %s", d.msg);
    bw_buf_init(&w1, BW_CAP_WRITE_MAX);
    bw_buf_init(&w2, BW_CAP_WRITE_MAX);
    rc = bw_cap_write(&x, &w1, &d);
    FUZZ_CHECK(rc == BW_OK, "a parsed alert cannot be written: %d %s", rc, d.msg);
    bw_arena_init(&a2, 4096);
    bw_diag_clear(&d);
    rc = bw_cap_parse(w1.p, w1.len, "written.xml", &a2, &y, &d);
    FUZZ_CHECK(rc == BW_OK, "a written alert does not read back: %s\n%s", d.msg, w1.p);
    FUZZ_CHECK(bw_cap_equal(&x, &y), "write/read round trip changed the alert:\n%s", w1.p);
    rc = bw_cap_write(&y, &w2, &d);
    FUZZ_CHECK(rc == BW_OK && w1.len == w2.len && memcmp(w1.p, w2.p, w1.len) == 0,
               "writing the same alert twice gave different bytes");
    bw_buf_release(&w1);
    bw_buf_release(&w2);
    bw_arena_release(&a2);
    bw_arena_release(&a);
}

static void sig_line(const char *p, size_t n)
{
    char id[BW_SIGN_KEYID_MAX], sig[BW_SIGN_SIG_B64_MAX], line[BW_SIGN_LINE_MAX];
    char id2[BW_SIGN_KEYID_MAX], sig2[BW_SIGN_SIG_B64_MAX];
    struct bw_diag d;
    int rc;

    bw_diag_clear(&d);
    rc = bw_sign_line_parse(p, n, id, sig, &d);
    fuzz_check_diag(rc, &d);
    if (rc != BW_OK)
        return;
    FUZZ_CHECK(strlen(id) == BW_SIGN_KEYID_LEN && strspn(id, "0123456789abcdef") == 16,
               "key id '%s'", id);
    bw_sign_line_format(id, sig, line);
    FUZZ_CHECK(bw_sign_line_parse(line, strlen(line), id2, sig2, &d) == BW_OK &&
                   strcmp(id, id2) == 0 && strcmp(sig, sig2) == 0,
               "a formatted signature line does not parse back");
}

static void date_time(const char *p, size_t n)
{
    char s[64], back[BW_CAP_TIME_LEN + 1];
    time_t t, t2;

    if (n >= sizeof s)
        return;
    memcpy(s, p, n);
    s[n] = '\0';
    if (bw_cap_time_parse(s, &t) != BW_OK)
        return;
    FUZZ_CHECK(n == BW_CAP_TIME_LEN, "a %zu-byte dateTime was accepted", n);
    if (bw_cap_time_format(t, back) == BW_OK) {
        FUZZ_CHECK(bw_cap_time_parse(back, &t2) == BW_OK && t2 == t,
                   "%s -> %s does not read back to the same instant", s, back);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;

    cap_round_trip(p, size);
    sig_line(p, size);
    date_time(p, size);
    return 0;
}
