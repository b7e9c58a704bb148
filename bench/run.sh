#!/bin/sh
# bench/run.sh BUILD_DIR — the import and radius-query benchmark (bench/README.md).
#
# Generates N sites (bench/gen_sites.py, deterministic) as GeoJSON and CSV into
# bench/out/, then measures, each under /usr/bin/time -v (wall seconds, peak RSS):
#   bulwark init + import sites GEOJSON      into a fresh database
#   bulwark init + import sites CSV          into a second fresh database
#   ogr2ogr -f SQLite out.sqlite GEOJSON     GDAL's plain SQLite driver, default options
#   ogr2ogr -f SQLite ... -gt 65536 --config OGR_SQLITE_SYNCHRONOUS OFF   (tuned)
#   ogr2ogr -f GPKG out.gpkg GEOJSON         GeoPackage: also builds an R*Tree index
#   bench_near on the GeoJSON-imported database (radius queries through the library)
#   K_CLI runs of the `bulwark sites near` command (one process each)
# and prints a table with the ratios ogr2ogr time / bulwark time (> 1: bulwark faster).
# With REPEAT > 1 every import runs that many times, interleaved, and the table shows
# the fastest run of each (the machine may be shared; see the load averages printed).
#
# Environment: N (default 1000000), SEED (1), K (20000 queries per radius),
#   RADII ("1000 5000" metres), K_CLI (100), REPEAT (1), OUT (bench/out).
# Needs python3, /usr/bin/time (package time) and ogr2ogr (gdal-bin):
#   scripts/install-deps.sh bench
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ $# -eq 1 ] || { echo "usage: bench/run.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
N=${N:-1000000}
SEED=${SEED:-1}
K=${K:-20000}
RADII=${RADII:-1000 5000}
K_CLI=${K_CLI:-100}
REPEAT=${REPEAT:-1}
OUT=${OUT:-$root/bench/out}

for tool in /usr/bin/time ogr2ogr python3; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "run.sh: $tool is missing: scripts/install-deps.sh bench" >&2; exit 1; }
done

meson compile -C "$build" >/dev/null
bw=$build/src/cli/bulwark
near=$build/bench/bench_near
[ -x "$bw" ] || bw=$build/bulwark
if [ ! -x "$bw" ] || [ ! -x "$near" ]; then
    echo "run.sh: no bulwark or bench_near in $build" >&2
    exit 1
fi
export BULWARK_HOME="$root"
unset BULWARK_DB || true

mkdir -p "$OUT"
data=$OUT/sites-$N-$SEED
if [ ! -s "$data.geojson" ] || [ ! -s "$data.csv" ]; then
    python3 "$here/gen_sites.py" -n "$N" --seed "$SEED" -o "$data"
fi
res=$OUT/results.tsv
: >"$res"

# measure LABEL CMD... — runs CMD under /usr/bin/time -v; appends LABEL, wall s, user s,
# sys s and peak RSS MiB to results.tsv; stops the benchmark when CMD fails.
measure() {
    label=$1
    shift
    log=$OUT/log-$label.txt
    if ! /usr/bin/time -v -o "$OUT/time-$label.txt" "$@" >"$log" 2>&1; then
        echo "run.sh: '$label' failed:" >&2
        cat "$log" "$OUT/time-$label.txt" >&2
        exit 1
    fi
    awk -v label="$label" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0
                                   for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%s\t%.2f\t%.2f\t%.2f\t%.0f\n", label, wall, user, sys, rss }
    ' "$OUT/time-$label.txt" >>"$res"
}

fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

echo "bench: $N sites (seed $SEED); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $("$bw" --version 2>/dev/null | head -1 || echo bulwark), SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'), $(ogr2ogr --version)"

r=1
while [ "$r" -le "$REPEAT" ]; do
    db=$OUT/bulwark-geojson.db
    fresh "$db"
    measure init "$bw" init --db "$db"
    measure bulwark-geojson "$bw" import sites "$data.geojson" --db "$db"
    db=$OUT/bulwark-csv.db
    fresh "$db"
    "$bw" init --db "$db" >/dev/null
    measure bulwark-csv "$bw" import sites "$data.csv" --db "$db"
    fresh "$OUT/ogr.sqlite"
    measure ogr2ogr "ogr2ogr" -f SQLite "$OUT/ogr.sqlite" "$data.geojson"
    fresh "$OUT/ogr-tuned.sqlite"
    measure ogr2ogr-tuned ogr2ogr -f SQLite -gt 65536 --config OGR_SQLITE_SYNCHRONOUS OFF \
        "$OUT/ogr-tuned.sqlite" "$data.geojson"
    fresh "$OUT/ogr.gpkg"
    measure ogr2ogr-gpkg ogr2ogr -f GPKG "$OUT/ogr.gpkg" "$data.geojson"
    r=$((r + 1))
done

# The same register either way: both bulwark databases export the same bytes.
g=$("$bw" export sites --db "$OUT/bulwark-geojson.db" | cksum)
c=$("$bw" export sites --db "$OUT/bulwark-csv.db" | cksum)
[ "$g" = "$c" ] || { echo "run.sh: the GeoJSON and CSV imports differ" >&2; exit 1; }

set --
for rad in $RADII; do set -- "$@" --radius "$rad"; done
measure bench_near "$near" "$OUT/bulwark-geojson.db" -k "$K" --check "$@"

# The command itself: one process per query (start, open, pack check, query, print).
python3 - "$N" "$SEED" "$K_CLI" >"$OUT/near-points.txt" <<'EOF'
import random, sys
r = random.Random(int(sys.argv[2]) * 7 + 3)
for _ in range(int(sys.argv[3])):
    print(f"{r.uniform(47, 55):.5f} {r.uniform(6, 15):.5f}")
EOF
cat >"$OUT/near-cli.sh" <<EOF
#!/bin/sh
while read -r la lo; do "$bw" sites near "\$la" "\$lo" 1000 --db "$OUT/bulwark-geojson.db" >/dev/null || exit 1; done
EOF
chmod +x "$OUT/near-cli.sh"
measure sites-near-cli sh -c "'$OUT/near-cli.sh' <'$OUT/near-points.txt'"

echo "bench: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
sed 's/^/    /' "$OUT/log-bench_near.txt"
echo

# Table: fastest run per label.
awk -F'\t' -v repeat="$REPEAT" -v kcli="$K_CLI" \
    -v gsize="$(du -m "$data.geojson" | cut -f1)" -v csize="$(du -m "$data.csv" | cut -f1)" '
    { if (!($1 in wall) || $2 < wall[$1]) { wall[$1] = $2; user[$1] = $3; sys[$1] = $4; rss[$1] = $5 }
      if ($5 > peak[$1]) peak[$1] = $5 }
    function row(label, what, ratio) {
        printf "| %-56s | %8.2f | %7.2f | %6.2f | %8.0f | %s |\n", what, wall[label], user[label],
               sys[label], peak[label], ratio
    }
    function r2(label) {
        return sprintf("%5.2f / %5.2f", wall["ogr2ogr"] / wall[label], wall["ogr2ogr-tuned"] / wall[label])
    }
    END {
        printf "input: GeoJSON %d MB, CSV %d MB; %s\n\n", gsize, csize,
               (repeat > 1 ? "fastest of " repeat " interleaved runs (peak RSS: highest of them)" : "one run")
        printf "| %-56s | %8s | %7s | %6s | %8s | %s |\n", "step", "wall s", "user s", "sys s",
               "peak MiB", "ogr2ogr/bulwark (default / tuned)"
        printf "|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------------------------",
               "----------:", "---------:", "-------:", "----------:", "-----------------------------------"
        row("init", "bulwark init (new database, pack)", "")
        row("bulwark-geojson", "bulwark import sites sites.geojson", r2("bulwark-geojson"))
        row("bulwark-csv", "bulwark import sites sites.csv", r2("bulwark-csv"))
        row("ogr2ogr", "ogr2ogr -f SQLite (defaults)", "")
        row("ogr2ogr-tuned", "ogr2ogr -f SQLite -gt 65536, OGR_SQLITE_SYNCHRONOUS OFF", "")
        row("ogr2ogr-gpkg", "ogr2ogr -f GPKG (with its R*Tree index)", "")
        row("bench_near", "bench_near (warm-up + timed queries, naive reference)", "")
        row("sites-near-cli", sprintf("bulwark sites near, %d processes one after another", kcli),
            sprintf("%.1f ms per process", 1000 * wall["sites-near-cli"] / kcli))
    }' "$res"
echo
for f in bulwark-geojson.db bulwark-csv.db ogr.sqlite ogr-tuned.sqlite ogr.gpkg; do
    printf '    %-40s %6d MiB\n' "$OUT/$f" $(($(wc -c <"$OUT/$f") / 1048576))
done
