#!/bin/sh
# Source checks run by `make check`: the banned-function list (STYLE.md §6.11) and the
# self-containment of every public header (each must compile alone).
set -eu
cd "$(dirname "$0")/.."
banned='(^|[^_[:alnum:]])(strcpy|strcat|strncpy|sprintf|vsprintf|gets|strtok|atoi|atol|atof|sscanf)[[:space:]]*\('
if grep -rnE --include='*.c' --include='*.h' "$banned" src include tests bench 2>/dev/null; then
    echo "checksrc: banned functions used (see STYLE.md)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in include/bulwark/*.h; do
    printf '#include "%s"\ntypedef int checksrc_nonempty;\n' "$(basename "$h")" > "$tmp/t.c"
    if ! cc -std=c17 -Wall -Wextra -Werror -pedantic -Iinclude/bulwark -fsyntax-only "$tmp/t.c"; then
        echo "checksrc: $h does not compile on its own" >&2
        exit 1
    fi
done
