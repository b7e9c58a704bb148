/*
 * unit.h — small helpers shared by the unit tests (header-only, all static inline).
 *
 * cmocka's own headers need <stdarg.h>, <stddef.h>, <stdint.h> and <setjmp.h> first;
 * this header includes them in that order, so a test includes "unit.h" before anything
 * else. The helpers: a near-equality check for doubles that prints both values, a
 * record builder over NUL-terminated strings, a deterministic PRNG (so failures
 * reproduce), the default pack, and temporary directories/files that clean up after
 * themselves.
 */
#ifndef BW_TEST_UNIT_H
#define BW_TEST_UNIT_H

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "alloc.h"
#include "error.h"
#include "pack.h"
#include "record.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BW_PACK_DIR
#error "BW_PACK_DIR must name packs/default (set by tests/unit/meson.build)"
#endif

/* Fails the test when |a - b| > tol, printing both values and what was compared. */
#define assert_close(a, b, tol) unit_assert_close((a), (b), (tol), #a, __FILE__, __LINE__)

static inline void unit_assert_close(double a, double b, double tol, const char *what,
                                     const char *file, int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s:%d: %s = %.17g, expected %.17g (|diff| %.3g > %.3g)\n", file, line, what, a,
                    b, fabs(a - b), tol);
        _fail(file, line);
    }
}

/* SplitMix64 (Steele, Lea, Flood 2014): a fixed seed gives the same cases every run. */
static inline uint64_t unit_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A uniform double in [lo, hi). */
static inline double unit_uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(unit_rand(state) >> 11) * 0x1.0p-53);
}

/* A record over parallel arrays of NUL-terminated names and values (NULL = absent). */
#define UNIT_RECORD_MAX 32
struct unit_record {
    const char *names[UNIT_RECORD_MAX];
    struct bw_str vals[UNIT_RECORD_MAX];
    struct bw_record rec;
};

/* Builds a record from a NULL-terminated list of name, value pairs. */
static inline struct bw_record *unit_record(struct unit_record *u, const char *const *pairs)
{
    size_t n = 0;

    for (; pairs[2 * n]; n++) {
        assert_true(n < UNIT_RECORD_MAX);
        u->names[n] = pairs[2 * n];
        u->vals[n] = pairs[2 * n + 1] ? bw_str_c(pairs[2 * n + 1]) : (struct bw_str){NULL, 0};
    }
    u->rec = (struct bw_record){n, u->names, u->vals};
    return &u->rec;
}

/* The default pack, parsed; the caller frees it with bw_pack_free. */
static inline bw_pack *unit_default_pack(void)
{
    struct bw_diag d;
    char *text = NULL;
    bw_pack *p = NULL;
    char msg[1024];

    bw_diag_clear(&d);
    if (bw_pack_read_dir(BW_PACK_DIR, &d, &text) != BW_OK) {
        print_error("reading %s: %s\n", BW_PACK_DIR, bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    if (bw_pack_parse(text, strlen(text), &d, &p) != BW_OK) {
        print_error("parsing %s: %s\n", BW_PACK_DIR, bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    bw_free(text);
    return p;
}

/* Creates a fresh temporary directory; its path goes into buf (at least 64 bytes). */
static inline void unit_tmpdir(char *buf, size_t n)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, n, "%s/bwtest.XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(buf));
}

/* Removes a temporary directory and the plain files in it (no subdirectories). */
static inline void unit_rmdir(const char *dir)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    char path[4096];

    if (!dh)
        return;
    while ((e = readdir(dh)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(dh);
    rmdir(dir);
}

/* Writes NUL-terminated @p text to dir/name. */
static inline void unit_write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* Reads a whole file into a new NUL-terminated buffer (free with free()). */
static inline char *unit_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    if (n)
        *n = (size_t)len;
    return buf;
}

#endif
