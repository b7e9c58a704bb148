/*
 * fuzz_common.h — shared by the libFuzzer targets of tests/fuzz/ (header-only).
 *
 * The default pack is read once, in LLVMFuzzerInitialize, from $BULWARK_HOME/packs/default
 * when BULWARK_HOME is set, else from BW_PACK_DIR (scripts/fuzz.sh defines it as the
 * source tree's packs/default). It stays alive for the whole run (reachable, so
 * LeakSanitizer does not count it). FUZZ_CHECK aborts with a message: a broken
 * invariant is a finding just like a sanitizer report.
 */
#ifndef BW_FUZZ_COMMON_H
#define BW_FUZZ_COMMON_H

#include "alloc.h"
#include "error.h"
#include "pack.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BW_PACK_DIR
#error "BW_PACK_DIR must name packs/default (scripts/fuzz.sh defines it)"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Set FUZZ_DEBUG=1 to print every diagnostic (to see why a seed is rejected). */
static int fuzz_debug = -1;

/* Formats the diag (exercising bw_diag_format) and checks an error left one behind. */
static inline void fuzz_check_diag(int rc, const struct bw_diag *d)
{
    char msg[BW_DIAG_FILE_MAX + BW_DIAG_FIELD_MAX + BW_DIAG_MSG_MAX + 64];

    if (fuzz_debug < 0)
        fuzz_debug = getenv("FUZZ_DEBUG") != NULL;
    bw_diag_format(d, msg, sizeof msg);
    if (fuzz_debug)
        fprintf(stderr, "fuzz: rc %d (%s): %s\n", rc, bw_strerror(rc), msg);
    if (rc < 0)
        FUZZ_CHECK(bw_diag_has(d), "error %d (%s) without a diagnostic", rc, bw_strerror(rc));
}

static bw_pack *fuzz_pack;

static inline const bw_pack *fuzz_load_pack(void)
{
    char dir[4096], msg[1024];
    const char *home = getenv("BULWARK_HOME");
    struct bw_diag d;
    char *text = NULL;

    if (fuzz_pack)
        return fuzz_pack;
    if (home && *home)
        snprintf(dir, sizeof dir, "%s/packs/default", home);
    else
        snprintf(dir, sizeof dir, "%s", BW_PACK_DIR);
    bw_diag_clear(&d);
    if (bw_pack_read_dir(dir, &d, &text) != BW_OK) {
        fprintf(stderr, "fuzz: cannot read the pack in %s: %s\n", dir,
                bw_diag_format(&d, msg, sizeof msg));
        exit(2);
    }
    bw_diag_clear(&d);
    if (bw_pack_parse(text, strlen(text), &d, &fuzz_pack) != BW_OK) {
        fprintf(stderr, "fuzz: cannot parse the pack in %s: %s\n", dir,
                bw_diag_format(&d, msg, sizeof msg));
        exit(2);
    }
    bw_free(text);
    return fuzz_pack;
}

#endif
