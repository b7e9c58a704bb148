#!/bin/sh
# bench/run-risk.sh BUILD_DIR — the risk-assessment benchmark (bench/README.md, "Risk").
#
# Generates (once; kept in OUT) a register of N sites with bench/risk_gen.py, then in one
# run times the whole assessment of every site x threat type of the default pack with
# TRIALS Monte Carlo trials:
#   risk_bench      bulwark's engine (bw_risk_run) on THREADS threads
#   risk_numpy.py   the same model written plainly in NumPy (Debian python3-numpy), one
#                   thread, on the first NP_N sites; when NP_N < N its time is
#                   EXTRAPOLATED linearly to N sites (it is linear in the sites)
# each under /usr/bin/time -v (wall clock, peak resident memory), and checks that both
# give the same deterministic values (T, V, C, risk and the consequence vector) on every
# SAMPLE_STEP-th site: any relative difference above 1e-4 makes the script exit 1.
# Prints the load average, the times, the ratio, peak memory and the goals (< 60 s,
# < 4 GiB, >= 20x NumPy).
#
# Environment: N (1000000), SEED (1), TRIALS (100), THREADS (2), NP_N (50000), SAMPLE_STEP
#   (1000), OUT (bench/out/risk), NP_PYTHON (/usr/bin/python3).
# Needs /usr/bin/time (package time) and python3-numpy for NP_PYTHON.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ $# -eq 1 ] || { echo "usage: bench/run-risk.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
N=${N:-1000000}
SEED=${SEED:-1}
TRIALS=${TRIALS:-100}
THREADS=${THREADS:-2}
NP_N=${NP_N:-50000}
SAMPLE_STEP=${SAMPLE_STEP:-1000}
OUT=${OUT:-$root/bench/out/risk}
NP_PYTHON=${NP_PYTHON:-/usr/bin/python3}
[ "$NP_N" -le "$N" ] || NP_N=$N

[ -x /usr/bin/time ] || { echo "run-risk.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
"$NP_PYTHON" -c 'import numpy' 2>/dev/null ||
    { echo "run-risk.sh: $NP_PYTHON has no numpy (apt-get install python3-numpy)" >&2; exit 1; }
meson compile -C "$build" bench/risk_bench >/dev/null
rb=$build/bench/risk_bench
[ -x "$rb" ] || { echo "run-risk.sh: no $rb" >&2; exit 1; }
mkdir -p "$OUT"
data=$OUT/data-$N-$SEED
if [ ! -s "$data/sites.csv" ]; then
    echo "run-risk: generating $N sites (seed $SEED)"
    python3 "$here/risk_gen.py" -n "$N" --seed "$SEED" -o "$data" --pack "$root/packs/default" >/dev/null
fi
peak() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
get() { awk -v k="$1" '$1 == "RESULT" && $2 == k { v = $3 } END { print (v == "" ? "nan" : v) }' "$2"; }

echo "run-risk: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before bulwark"
/usr/bin/time -v -o "$OUT/c-time.txt" "$rb" "$root/packs/default" "$data" --threads "$THREADS" \
    --trials "$TRIALS" --seed "$SEED" --sample-step "$SAMPLE_STEP" --sample-out "$OUT/c-sample.tsv" \
    >"$OUT/c.log" 2>&1 || { cat "$OUT/c.log" >&2; exit 1; }
c_load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run-risk: load average $c_load after bulwark; NumPy on $NP_N sites"
status=0
/usr/bin/time -v -o "$OUT/np-time.txt" "$NP_PYTHON" "$here/risk_numpy.py" "$root/packs/default" "$data" \
    --trials "$TRIALS" --seed "$SEED" --limit "$NP_N" --sample-step "$SAMPLE_STEP" \
    --sample-out "$OUT/np-sample.tsv" --check "$OUT/c-sample.tsv" >"$OUT/np.log" 2>&1 || status=$?
np_load=$(cut -d' ' -f1-3 /proc/loadavg)
grep -E '^check' "$OUT/np.log" | sed 's/^/    /'
if [ "$status" -ne 0 ] && ! grep -q '^RESULT mismatches' "$OUT/np.log"; then
    cat "$OUT/np.log" >&2
    exit 1
fi

c_s=$(get assess_s "$OUT/c.log")
c_load_s=$(get load_s "$OUT/c.log")
np_s=$(get assess_s "$OUT/np.log")
np_sites=$(get sites "$OUT/np.log")
awk -v n="$N" -v nps="$np_sites" -v c="$c_s" -v cl="$c_load_s" -v np="$np_s" -v thr="$THREADS" \
    -v trials="$TRIALS" -v nt="$(get threats "$OUT/c.log")" -v cpk="$(peak "$OUT/c-time.txt")" \
    -v npk="$(peak "$OUT/np-time.txt")" -v mis="$(get mismatches "$OUT/np.log")" \
    -v chk="$(get checked "$OUT/np.log")" -v npv="$(awk '$2 == "numpy_version" { print $3 }' "$OUT/np.log")" \
    -v cwall="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$OUT/c-time.txt")" \
    -v cload="$c_load" -v npload="$np_load" '
    function ok(x) { return x ? "met" : "NOT met" }
    BEGIN {
        npfull = np * n / nps
        printf "\nRisk assessment: %d sites x %d threat types x %d trials (%.3g site-threat-trials)\n\n", n, nt, trials, n * nt * trials
        printf "| %-58s | %12s | %10s |\n", "run", "seconds", "peak MiB"
        printf "|%s|%s|%s|\n", "------------------------------------------------------------", "-------------:", "-----------:"
        printf "| %-58s | %12.1f | %10d |\n", sprintf("bulwark bw_risk_run, %d threads (whole process %s)", thr, cwall), c, cpk
        printf "| %-58s | %12.1f | %10s |\n", "  reading the pack and the register into the engine arrays", cl, ""
        if (nps < n)
            printf "| %-58s | %12.0f | %10d |\n", sprintf("NumPy %s, 1 thread: %d sites in %.1f s, EXTRAPOLATED", npv, nps, np), npfull, npk
        else
            printf "| %-58s | %12.1f | %10d |\n", sprintf("NumPy %s, 1 thread", npv), npfull, npk
        printf "\nload average: %s after bulwark, %s after NumPy (2 cores, shared)\n", cload, npload
        printf "agreement on the deterministic part: %d values compared, %d differ (> 1e-4 relative)\n", chk, mis
        printf "goal < 60 s: %s (%.1f s); goal peak < 4 GiB: %s (%d MiB); goal >= 20x NumPy: %s (%.1fx)\n",
               ok(c < 60), c, ok(cpk < 4096), cpk, ok(npfull / c >= 20), npfull / c
    }'
exit "$status"
