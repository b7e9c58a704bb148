/*
 * bundle_pack.c — writes the bundled document bw_pack_read_dir makes of a pack directory
 * to stdout: the seed tests/fuzz/corpus/pack/default-bundle.json. Not built by
 * scripts/fuzz.sh; regenerate the seed after changing packs/default (with the library
 * of a Meson build in build/) with
 *   cc -std=c17 -D_GNU_SOURCE -Iinclude/bulwark -Isrc/base tests/fuzz/bundle_pack.c \
 *      build/src/libbulwark.a -ljansson -lsqlite3 -lproj -lsodium -lxml2 -lm -lpthread -o /tmp/bundle_pack &&
 *   /tmp/bundle_pack packs/default > tests/fuzz/corpus/pack/default-bundle.json
 */
#include "alloc.h"
#include "error.h"
#include "pack.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct bw_diag d;
    char msg[1024], *text;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PACK_DIR > bundle.json\n", argv[0]);
        return 2;
    }
    bw_diag_clear(&d);
    if (bw_pack_read_dir(argv[1], &d, &text) != BW_OK) {
        fprintf(stderr, "%s\n", bw_diag_format(&d, msg, sizeof msg));
        return 1;
    }
    fwrite(text, 1, strlen(text), stdout);
    bw_free(text);
    return 0;
}
