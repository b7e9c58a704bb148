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
# Prints the load average, wall and CPU times, the ratios, peak memory and the goals
# (< 60 s, < 4 GiB, >= 20x NumPy). On a shared machine the wall times depend on the
# other jobs; the CPU times (user + system of the assessment phase, from the programs
# themselves) much less, so the table also gives an idle-machine estimate: bulwark's CPU
# seconds divided by its threads, against NumPy's CPU seconds.
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
awk -v n="$N" -v nps="$(get sites "$OUT/np.log")" -v c="$c_s" -v ccpu="$(get assess_cpu_s "$OUT/c.log")" \
    -v cl="$(get load_s "$OUT/c.log")" -v np="$(get assess_s "$OUT/np.log")" \
    -v npcpu="$(get assess_cpu_s "$OUT/np.log")" -v thr="$THREADS" -v trials="$TRIALS" \
    -v nt="$(get threats "$OUT/c.log")" -v cpk="$(peak "$OUT/c-time.txt")" \
    -v npk="$(peak "$OUT/np-time.txt")" -v mis="$(get mismatches "$OUT/np.log")" \
    -v chk="$(get checked "$OUT/np.log")" -v npv="$(awk '$2 == "numpy_version" { print $3 }' "$OUT/np.log")" \
    -v cwall="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$OUT/c-time.txt")" \
    -v p50r="$(get p50_ratio "$OUT/np.log")" \
    -v cload="$c_load" -v npload="$np_load" '
    function ok(x) { return x ? "met" : "NOT met" }
    BEGIN {
        x = n / nps                       # NumPy extrapolation factor (1 when it ran on all)
        npw = np * x; npc = npcpu * x     # NumPy wall and CPU seconds for all N sites
        idle = ccpu / thr                 # bulwark on THREADS otherwise idle cores (estimate)
        printf "\nRisk assessment: %d sites x %d threat types x %d trials (%.3g site-threat-trials)\n\n", n, nt, trials, n * nt * trials
        printf "| %-62s | %10s | %10s | %9s |\n", "run", "wall s", "CPU s", "peak MiB"
        printf "|%s|%s|%s|%s|\n", "----------------------------------------------------------------", "-----------:", "-----------:", "----------:"
        printf "| %-62s | %10.1f | %10.1f | %9d |\n", sprintf("bulwark bw_risk_run, %d threads (process %s)", thr, cwall), c, ccpu, cpk
        printf "| %-62s | %10.1f | %10s | %9s |\n", "  reading the pack and the register into the engine arrays", cl, "", ""
        printf "| %-62s | %10s | %10s | %9s |\n", sprintf("NumPy %s, 1 thread, %d sites", npv, nps), sprintf("%.1f", np), sprintf("%.1f", npcpu), npk
        if (x > 1)
            printf "| %-62s | %10.0f | %10.0f | %9s |\n", sprintf("NumPy EXTRAPOLATED to %d sites (x %.0f)", n, x), npw, npc, ""
        printf "\nload average (2 cores, shared): %s after bulwark, %s after NumPy\n", cload, npload
        printf "agreement on the deterministic part: %d values compared, %d differ (> 1e-4 relative)\n", chk, mis
        printf "Monte Carlo, different random streams: sum of P50 risk over the compared pairs, bulwark / NumPy = %.3f\n", p50r
        printf "ratio NumPy / bulwark: wall %.1fx; CPU time %.1fx; idle-machine estimate (NumPy CPU / (bulwark CPU / %d threads)) %.1fx\n",
               npw / c, npc / ccpu, thr, npc / idle
        printf "goal < 60 s: %s as measured (%.1f s wall), %s on idle cores (estimate %.1f s = CPU / %d)\n", ok(c < 60), c, ok(idle < 60), idle, thr
        printf "goal peak < 4 GiB: %s (%d MiB); goal >= 20x NumPy: %s as measured (%.1fx), %s idle estimate (%.1fx)\n",
               ok(cpk < 4096), cpk, ok(npw / c >= 20), npw / c, ok(npc / idle >= 20), npc / idle
    }'
exit "$status"
