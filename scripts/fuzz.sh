#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) and runs each one.
#
# Usage: scripts/fuzz.sh [BUILD_DIR [SECONDS [TARGET...]]]
#   BUILD_DIR  where objects, binaries, corpora, crash files and logs go (default build-fuzz)
#   SECONDS    how long each target runs (default 30); 0 only replays the seed corpus
#   TARGET     csv geojson pack polygon cap warning_doc audit server_body (default: all)
#   scripts/fuzz.sh --smoke [BUILD_DIR]   a quick check: every target for 5 seconds
#
# The library sources (src/base, geo, model, method, store, formats, app, plus the generated
# store migrations) are compiled straight into BUILD_DIR/obj with the same flags as the
# harnesses, so no Meson build is needed: this works from a clean checkout. Each target
# runs on a copy of tests/fuzz/corpus/<target>/ (BUILD_DIR/corpus/<target>, so the seed
# corpus in git never changes) with tests/fuzz/<target>.dict and -max_len=65536 (262144 for pack). Crash
# reproducers land in BUILD_DIR/crashes/<target>/ (emptied when the target starts); once
# the bug is fixed, add a small one to the seed corpus as regress-*. Rerun one with
#   BUILD_DIR/fuzz_<target> BUILD_DIR/crashes/<target>/crash-...
# Exits non-zero when a target crashes (or leaks, times out, runs out of memory) or when
# the build fails. Env: CC (default clang-14), FUZZ_JOBS (parallel compiles, default nproc);
# FUZZ_DEBUG=1 makes a target print every diagnostic (to see why an input is rejected).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--smoke" ]; then
    shift
    set -- "${1:-build-fuzz}" 5
fi
bdir=${1:-build-fuzz}
secs=${2:-30}
[ $# -gt 2 ] && shift 2 || set --
targets=${*:-csv geojson pack polygon cap warning_doc audit server_body}

case $secs in
'' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;;
esac
for t in $targets; do
    [ -f "$root/tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target '$t'" >&2; exit 2; }
done

CC=${CC:-clang-14}
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not found; install it with scripts/install-deps.sh test" >&2
    exit 1
fi

mkdir -p "$bdir"
bdir=$(cd "$bdir" && pwd)
obj="$bdir/obj"
rm -rf "$obj"
mkdir -p "$obj" "$bdir/gen" "$bdir/logs"

# Same flags for the library and the harnesses. UBSan findings abort (a finding must
# count as a crash, not scroll past in the log).
CFLAGS="-std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CFLAGS="$CFLAGS -fno-omit-frame-pointer -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter"
INC=""
for d in include/bulwark src/base src/geo src/model src/method src/store src/formats src/app; do
    INC="$INC -I$root/$d"
done
if pkg-config --exists jansson sqlite3 proj libsodium libxml-2.0 2>/dev/null; then
    DEPCFLAGS=$(pkg-config --cflags jansson sqlite3 proj libsodium libxml-2.0)
    LIBS="$(pkg-config --libs jansson sqlite3 proj libsodium libxml-2.0) -lm -lpthread"
else
    DEPCFLAGS="-I/usr/include/libxml2"
    LIBS="-ljansson -lsqlite3 -lproj -lsodium -lxml2 -lm -lpthread"
fi
export CC CFLAGS INC DEPCFLAGS

# The store's schema migrations are embedded at build time, as Meson does.
python3 "$root/scripts/embed-sql.py" "$bdir/gen/store_migrations.c" \
    "$root"/src/store/migrations/*.sql

echo "fuzz: compiling the library with $CC" >&2
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
{
    for d in base geo model method store formats app; do
        for f in "$root/src/$d"/*.c; do
            [ -f "$f" ] && printf '%s\n' "$f"
        done
    done
    printf '%s\n' "$bdir/gen/store_migrations.c"
} | xargs -P "$jobs" -I{} sh -c '
    src=$1 obj=$2
    name=$(printf "%s" "$src" | sed "s|.*/src/||; s|.*/gen/|gen/|; s|/|_|g; s|\.c$|.o|")
    # shellcheck disable=SC2086
    $CC $CFLAGS $INC $DEPCFLAGS -c "$src" -o "$obj/$name" || { echo "fuzz: cannot compile $src" >&2; exit 255; }
' sh {} "$obj" || { echo "fuzz: building the library failed" >&2; exit 1; }

for t in $targets; do
    echo "fuzz: linking fuzz_$t" >&2
    extra=""
    if [ "$t" = server_body ]; then
        # The server's body checks: every file of src/server but http.c (the harness
        # stands in for it) and the embedded OpenAPI document; libcurl for delivery.c.
        mkdir -p "$obj/server"
        python3 "$root/scripts/embed-text.py" "$bdir/gen/openapi_json.c" bw__openapi_json \
            "$root/src/server/openapi.json"
        for f in "$root"/src/server/*.c "$bdir/gen/openapi_json.c"; do
            [ "$(basename "$f")" = http.c ] && continue
            # shellcheck disable=SC2086
            $CC $CFLAGS $INC -I"$root/src/server" $DEPCFLAGS -c "$f" \
                -o "$obj/server/$(basename "$f" .c).o"
        done
        extra="-I$root/src/server $obj/server/*.o -lcurl"
    fi
    # shellcheck disable=SC2086
    $CC $CFLAGS $INC $DEPCFLAGS -DBW_PACK_DIR="\"$root/packs/default\"" \
        "$root/tests/fuzz/fuzz_$t.c" "$obj"/*.o $extra -o "$bdir/fuzz_$t" $LIBS
done

# Sanitizer reports must stop the run and name the line; leaks count as failures.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=""
summary=""
for t in $targets; do
    corpus="$bdir/corpus/$t"
    crashes="$bdir/crashes/$t"
    log="$bdir/logs/$t.log"
    rm -rf "$corpus" "$crashes"
    mkdir -p "$corpus" "$crashes"
    cp "$root/tests/fuzz/corpus/$t"/* "$corpus"/
    if [ "$secs" -eq 0 ]; then
        echo "fuzz: fuzz_$t: replaying $(ls "$corpus" | wc -l) seed inputs" >&2
        set -- -runs=0
    else
        echo "fuzz: fuzz_$t: running for ${secs}s (log: $log)" >&2
        set -- -max_total_time="$secs"
    fi
    rc=0
    # The pack's seed is the whole default bundle (about 100 KiB): room for it and more.
    maxlen=65536
    [ "$t" = pack ] && maxlen=262144
    "$bdir/fuzz_$t" "$@" -max_len=$maxlen -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -dict="$root/tests/fuzz/$t.dict" -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 ||
        rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*/cov \1, ft \2/p')
    if [ "$rc" -ne 0 ]; then
        failed="$failed $t"
        summary="$summary
  fuzz_$t: FAILED (exit $rc) after ${execs:-?} runs; reproducer(s): $(ls "$crashes" | sed "s|^|$crashes/|" | tr '\n' ' ')"
        grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|^SUMMARY:' "$log" | head -n 5 >&2 || true
    else
        summary="$summary
  fuzz_$t: ok, ${execs:-?} runs, ${cov:-no coverage stats}, corpus $(ls "$corpus" | wc -l) inputs"
    fi
done

echo "fuzz: results ($secs s per target):$summary" >&2
if [ -n "$failed" ]; then
    echo "fuzz: FAILED:$failed (logs in $bdir/logs)" >&2
    exit 1
fi
