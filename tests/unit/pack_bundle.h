/*
 * pack_bundle.h — helpers for tests of the pack's parts (header-only, static).
 *
 * bundle() reads packs/default into the bundled JSON a test can break one entry of;
 * expect_bad() parses the broken bundle and checks the error code, the diagnostic's
 * field and a part of its message, and that no pack was returned. Both take ownership
 * as noted. Include after "unit.h".
 */
#ifndef BW_TEST_PACK_BUNDLE_H
#define BW_TEST_PACK_BUNDLE_H

#include "unit.h"

#include <jansson.h>
#include <string.h>

/* The default pack's bundle as JSON (the caller owns it). */
static json_t *bundle(void)
{
    struct bw_diag d;
    char *text = NULL;
    json_t *j;
    bw_diag_clear(&d);
    assert_int_equal(bw_pack_read_dir(BW_PACK_DIR, &d, &text), BW_OK);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    bw_free(text);
    return j;
}
/* Parses @p b (consumed) and expects it to be refused as described. */
static void expect_bad(json_t *b, int code, const char *field, const char *part)
{
    struct bw_diag d;
    char *text = json_dumps(b, JSON_COMPACT);
    bw_pack *p = (bw_pack *)1;
    char msg[1024];
    int rc;

    bw_diag_clear(&d);
    rc = bw_pack_parse(text, strlen(text), &d, &p);
    if (rc != code || strcmp(d.field, field) != 0 || !strstr(d.msg, part)) {
        print_error("rc %d (want %d), diag '%s' (want field '%s', message with '%s')\n", rc, code,
                    bw_diag_format(&d, msg, sizeof msg), field, part);
        fail();
    }
    assert_null(p);
    free(text);
    json_decref(b);
}

#endif
