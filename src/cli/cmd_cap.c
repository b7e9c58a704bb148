/*
 * cmd_cap.c — `bulwark cap keygen|sign|check` and `bulwark verify-cap`: the signing key
 * of published CAP alerts, detached signatures, the safe check of a partner's CAP file,
 * and the check a recipient runs on a signed alert.
 *
 * Everything here is glue over cap.h (the safe reader) and sign.h (Ed25519, key files,
 * the signature line); no database is needed (--db is accepted and ignored, like every
 * command takes it). `cap sign` signs only a file that is valid CAP 1.2, and writes
 * FILE.sig through a temporary file and rename so a reader never sees half a line.
 * docs/cap.md documents the formats.
 */
#include "alloc.h"
#include "arena.h"
#include "cap.h"
#include "cli.h"
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char cap_usage[] =
    "usage: bulwark cap keygen [--out DIR]\n"
    "       bulwark cap sign FILE [--key-file SECRET-KEY]\n"
    "       bulwark cap check FILE [--json]\n\n"
    "CAP 1.2 alerts (docs/cap.md).\n\n"
    "  keygen  creates the server's Ed25519 signing key pair in DIR (default .):\n"
    "          DIR/" BW_SIGN_SK_FILE " (secret, mode 0600) and DIR/" BW_SIGN_PK_FILE "\n"
    "          (public, base64, the key served at /.well-known/bulwark/cap-signing-key);\n"
    "          refuses to overwrite an existing key; prints the key id\n"
    "  sign    checks that FILE is valid CAP 1.2, signs its exact bytes and writes\n"
    "          FILE.sig, one line \"ed25519 KEYID SIGNATURE\"; the secret key is\n"
    "          --key-file (default ./" BW_SIGN_SK_FILE "), refused when group or others\n"
    "          may read it\n"
    "  check   reads a partner's CAP 1.2 file safely (no DOCTYPE or entities, no network,\n"
    "          bounded size) and prints a summary; a bad file is refused with its line\n"
    "          and field. Exit 0 valid, 1 invalid\n\n"
    "  --json  machine-readable summary (check)\n";

static const char verify_usage[] =
    "usage: bulwark verify-cap FILE [--sig FILE.sig] [--key PUBKEY | --key-file PUBKEY-FILE]\n"
    "                          [--json]\n\n"
    "Checks a signed CAP alert: the Ed25519 signature in FILE.sig (or --sig) must match\n"
    "the exact bytes of FILE under the given public key (base64 text with --key, or the\n"
    "file with --key-file, e.g. the key served at /.well-known/bulwark/cap-signing-key),\n"
    "the key id in the signature must be that key's, and FILE must be valid CAP 1.2.\n"
    "Exit 0 when all hold, 1 with the reason otherwise.\n\n"
    "  --json  machine-readable result: {\"file\", \"valid\", \"keyid\", \"reason\", ...}\n";

enum { OPT_OUT = 1000, OPT_KEY_FILE, OPT_KEY, OPT_SIG };

/* ---- shared ----------------------------------------------------------------------------- */

static int read_cap_file(const char *path, char **text, size_t *n)
{
    return cli_read_file(path, BW_CAP_MAX_BYTES, text, n);
}

/* Writes @p text to @p path through a temporary file and rename (replacing it). */
static int write_replace(const char *path, const char *text)
{
    char tmp[4096];
    size_t n = strlen(text), off = 0;
    int fd, ok = 1;

    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return cli_failf("%s: path too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return cli_failf("%s: %s", tmp, strerror(errno));
    while (ok && off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = 0;
        else
            off += (size_t)w;
    }
    if (fsync(fd) != 0)
        ok = 0;
    if (close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return cli_failf("%s: %s", path, strerror(e));
    }
    return 0;
}

static json_t *categories_json(const struct bw_cap_info *in)
{
    json_t *a = json_array();
    for (size_t i = 0; i < in->n_categories; i++)
        json_array_append_new(a, json_string(bw_cap_category_names[in->categories[i]]));
    return a;
}

static json_t *responses_json(const struct bw_cap_info *in)
{
    json_t *a = json_array();
    for (size_t i = 0; i < in->n_responses; i++)
        json_array_append_new(a, json_string(bw_cap_response_names[in->responses[i]]));
    return a;
}

/* ---- cap keygen ------------------------------------------------------------------------- */

static int cap_keygen(const char *dir)
{
    char sk[4096], pk[4096], keyid[BW_SIGN_KEYID_MAX];
    unsigned char pub[BW_SIGN_PK_BYTES];
    struct bw_diag d;

    if (snprintf(sk, sizeof sk, "%s/%s", dir, BW_SIGN_SK_FILE) >= (int)sizeof sk ||
        snprintf(pk, sizeof pk, "%s/%s", dir, BW_SIGN_PK_FILE) >= (int)sizeof pk)
        return cli_failf("%s: path too long", dir);
    bw_diag_clear(&d);
    if (bw_sign_keygen_files(sk, pk, pub, &d))
        return cli_fail(&d);
    bw_sign_key_id(pub, keyid);
    printf("created the CAP signing key %s\n  secret: %s (mode 0600; keep it on the server)\n"
           "  public: %s (publish it)\n",
           keyid, sk, pk);
    return 0;
}

/* ---- cap sign --------------------------------------------------------------------------- */

static int cap_sign(const char *file, const char *key_file)
{
    unsigned char sk[BW_SIGN_SK_BYTES], pk[BW_SIGN_PK_BYTES];
    char sig[BW_SIGN_SIG_B64_MAX], keyid[BW_SIGN_KEYID_MAX], line[BW_SIGN_LINE_MAX];
    char sig_path[4096];
    char *text = NULL;
    size_t n;
    struct bw_arena a;
    struct bw_cap_alert alert;
    struct bw_diag d;
    int rc = 1;

    if (snprintf(sig_path, sizeof sig_path, "%s.sig", file) >= (int)sizeof sig_path)
        return cli_failf("%s: path too long", file);
    if (read_cap_file(file, &text, &n))
        return 1;
    bw_arena_init(&a, 16384);
    bw_diag_clear(&d);
    if (bw_cap_parse(text, n, file, &a, &alert, &d)) {
        cli_fail(&d);
        cli_failf("%s: not signed (only valid CAP 1.2 is signed)", file);
        goto out;
    }
    bw_diag_clear(&d);
    if (bw_sign_sk_read(key_file, sk, &d)) {
        cli_fail(&d);
        goto out;
    }
    if (bw_sign_detached(text, n, sk, sig)) {
        cli_failf("signing failed");
        goto out;
    }
    bw_sign_sk_public(sk, pk);
    bw_sign_key_id(pk, keyid);
    bw_sign_line_format(keyid, sig, line);
    if (write_replace(sig_path, line))
        goto out;
    printf("signed %s with key %s: %s\n", file, keyid, sig_path);
    rc = 0;
out:
    memset(sk, 0, sizeof sk);
    bw_arena_release(&a);
    bw_free(text);
    return rc;
}

/* ---- cap check -------------------------------------------------------------------------- */

static json_t *summary_json(const char *file, const struct bw_cap_alert *x)
{
    json_t *infos = json_array();

    for (size_t i = 0; i < x->n_infos; i++) {
        const struct bw_cap_info *in = &x->infos[i];
        json_t *areas = json_array();
        for (size_t k = 0; k < in->n_areas; k++)
            json_array_append_new(areas,
                                  json_pack("{s:s,s:I,s:I,s:I}", "areaDesc", in->areas[k].desc,
                                            "polygons", (json_int_t)in->areas[k].n_polygons,
                                            "circles", (json_int_t)in->areas[k].n_circles,
                                            "geocodes", (json_int_t)in->areas[k].n_geocodes));
        json_array_append_new(infos, json_pack("{s:o,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:o}",
                                               "language", cli_str_or_null(in->language), "event",
                                               in->event, "categories", categories_json(in),
                                               "responseTypes", responses_json(in), "urgency",
                                               bw_cap_urgency_names[in->urgency], "severity",
                                               bw_cap_severity_names[in->severity], "certainty",
                                               bw_cap_certainty_names[in->certainty], "headline",
                                               cli_str_or_null(in->headline), "expires",
                                               cli_str_or_null(in->expires), "areas", areas));
    }
    return json_pack("{s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "file", file, "valid", 1,
                     "identifier", x->identifier, "sender", x->sender, "sent", x->sent, "status",
                     bw_cap_status_names[x->status], "msgType", bw_cap_msg_type_names[x->msg_type],
                     "scope", bw_cap_scope_names[x->scope], "references",
                     cli_str_or_null(x->references), "infos", infos);
}

static void summary_text(const char *file, const struct bw_cap_alert *x)
{
    printf("%s: valid CAP 1.2\n", file);
    printf("  identifier  %s\n  sender      %s\n  sent        %s\n", x->identifier, x->sender,
           x->sent);
    printf("  status      %s, %s, scope %s\n", bw_cap_status_names[x->status],
           bw_cap_msg_type_names[x->msg_type], bw_cap_scope_names[x->scope]);
    for (size_t i = 0; i < x->n_infos; i++) {
        const struct bw_cap_info *in = &x->infos[i];
        printf("  info[%zu]     %s: %s", i, in->language ? in->language : "en-US", in->event);
        for (size_t k = 0; k < in->n_categories; k++)
            printf("%s%s", k ? ", " : " [", bw_cap_category_names[in->categories[k]]);
        printf("]\n              %s / %s / %s, %zu area(s)\n", bw_cap_urgency_names[in->urgency],
               bw_cap_severity_names[in->severity], bw_cap_certainty_names[in->certainty],
               in->n_areas);
        if (in->headline)
            printf("              %s\n", in->headline);
    }
}

static int cap_check(const char *file, int json)
{
    char *text = NULL;
    size_t n;
    struct bw_arena a;
    struct bw_cap_alert alert;
    struct bw_diag d;
    char msg[BW_DIAG_FILE_MAX + BW_DIAG_FIELD_MAX + BW_DIAG_MSG_MAX + 64];
    int rc;

    if (read_cap_file(file, &text, &n))
        return 1;
    bw_arena_init(&a, 16384);
    bw_diag_clear(&d);
    rc = bw_cap_parse(text, n, file, &a, &alert, &d);
    if (rc && json) {
        cli_json_print(json_pack("{s:s,s:b,s:s,s:I,s:s,s:s}", "file", file, "valid", 0, "error",
                                 bw_diag_format(&d, msg, sizeof msg), "line", (json_int_t)d.line,
                                 "field", d.field, "message", d.msg));
        rc = 1;
    } else if (rc) {
        rc = cli_fail(&d);
    } else if (json) {
        rc = cli_json_print(summary_json(file, &alert));
    } else {
        summary_text(file, &alert);
    }
    bw_arena_release(&a);
    bw_free(text);
    return rc;
}

int cmd_cap(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"out", required_argument, NULL, OPT_OUT},
                                         {"key-file", required_argument, NULL, OPT_KEY_FILE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = ".", *key_file = BW_SIGN_SK_FILE, *verb;
    char *pos[2];
    int npos = 0, json = 0, c;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB:
            break; /* accepted like everywhere; no database is used */
        case CLI_OPT_JSON:
            json = 1;
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_KEY_FILE:
            key_file = optarg;
            break;
        case 'h':
            return cli_help(cap_usage);
        default:
            return cli_usage(cap_usage, "unknown option");
        }
    }
    while (optind < argc) {
        if (npos == 2)
            return cli_usage(cap_usage, "too many arguments");
        pos[npos++] = argv[optind++];
    }
    if (npos == 0)
        return cli_usage(cap_usage, "expected keygen, sign or check");
    verb = pos[0];
    if (bw_sign_init())
        return cli_failf("libsodium cannot start");
    if (strcmp(verb, "keygen") == 0)
        return npos == 1 ? cap_keygen(out) : cli_usage(cap_usage, "keygen takes no file");
    if (strcmp(verb, "sign") == 0)
        return npos == 2 ? cap_sign(pos[1], key_file) : cli_usage(cap_usage, "sign takes FILE");
    if (strcmp(verb, "check") == 0)
        return npos == 2 ? cap_check(pos[1], json) : cli_usage(cap_usage, "check takes FILE");
    return cli_usage(cap_usage, "expected keygen, sign or check");
}

/* ---- verify-cap ------------------------------------------------------------------------- */

/* Prints the outcome (text or JSON) and returns the exit code. */
static int verdict(int json, const char *file, const char *keyid, const char *reason,
                   const char *identifier)
{
    if (json) {
        cli_json_print(json_pack("{s:s,s:b,s:o,s:o,s:o}", "file", file, "valid", reason == NULL,
                                 "keyid", cli_str_or_null(keyid), "reason", cli_str_or_null(reason),
                                 "identifier", cli_str_or_null(identifier)));
    } else if (reason) {
        fprintf(stderr, "bulwark: %s: INVALID: %s\n", file, reason);
    } else {
        printf("%s: valid: signed by key %s, CAP 1.2 alert %s\n", file, keyid, identifier);
    }
    return reason ? 1 : 0;
}

int cmd_verify_cap(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"sig", required_argument, NULL, OPT_SIG},
                                         {"key", required_argument, NULL, OPT_KEY},
                                         {"key-file", required_argument, NULL, OPT_KEY_FILE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *sig_path = NULL, *key = NULL, *key_file = NULL, *file;
    char default_sig[4096], sig_keyid[BW_SIGN_KEYID_MAX], sig[BW_SIGN_SIG_B64_MAX];
    char keyid[BW_SIGN_KEYID_MAX], pk_b64[BW_SIGN_PK_B64_MAX];
    char reason[BW_DIAG_FILE_MAX + BW_DIAG_FIELD_MAX + BW_DIAG_MSG_MAX + 128];
    unsigned char pk[BW_SIGN_PK_BYTES];
    char *text = NULL, *sig_text = NULL;
    size_t n, sn;
    struct bw_arena a;
    struct bw_cap_alert alert;
    struct bw_diag d;
    int json = 0, c, rc;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB:
            break;
        case CLI_OPT_JSON:
            json = 1;
            break;
        case OPT_SIG:
            sig_path = optarg;
            break;
        case OPT_KEY:
            key = optarg;
            break;
        case OPT_KEY_FILE:
            key_file = optarg;
            break;
        case 'h':
            return cli_help(verify_usage);
        default:
            return cli_usage(verify_usage, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(verify_usage, "verify-cap takes one FILE");
    if (!key == !key_file)
        return cli_usage(verify_usage, "give the public key with --key or --key-file (one)");
    file = argv[optind];
    if (!sig_path) {
        if (snprintf(default_sig, sizeof default_sig, "%s.sig", file) >= (int)sizeof default_sig)
            return cli_failf("%s: path too long", file);
        sig_path = default_sig;
    }
    if (bw_sign_init())
        return cli_failf("libsodium cannot start");
    bw_diag_clear(&d);
    if (key ? bw_sign_pk_decode(key, pk, &d) : bw_sign_pk_read(key_file, pk, &d))
        return cli_fail(&d);
    bw_sign_key_id(pk, keyid);
    bw_sign_pk_encode(pk, pk_b64);
    if (read_cap_file(file, &text, &n))
        return 1;
    if (cli_read_file(sig_path, BW_SIGN_LINE_MAX * 4, &sig_text, &sn)) {
        bw_free(text);
        return 1;
    }
    bw_arena_init(&a, 16384);
    bw_diag_clear(&d);
    if (bw_sign_line_parse(sig_text, sn, sig_keyid, sig, &d)) {
        bw_diag_file(&d, sig_path);
        rc = verdict(json, file, NULL, bw_diag_format(&d, reason, sizeof reason), NULL);
    } else if (strcmp(sig_keyid, keyid) != 0) {
        snprintf(reason, sizeof reason,
                 "signed with key %s, but the public key given is %s (another key)", sig_keyid,
                 keyid);
        rc = verdict(json, file, sig_keyid, reason, NULL);
    } else if (bw_sign_verify(text, n, sig, pk_b64, &d)) {
        rc = verdict(json, file, sig_keyid, d.msg, NULL);
    } else if (bw_cap_parse(text, n, file, &a, &alert, &d)) {
        char msg[sizeof reason - 64];
        snprintf(reason, sizeof reason, "the signature matches, but the file is not valid CAP: %s",
                 bw_diag_format(&d, msg, sizeof msg));
        rc = verdict(json, file, sig_keyid, reason, NULL);
    } else {
        rc = verdict(json, file, keyid, NULL, alert.identifier);
    }
    bw_arena_release(&a);
    bw_free(sig_text);
    bw_free(text);
    return rc;
}
