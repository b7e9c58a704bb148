#!/bin/sh
# bench/run-cascade.sh BUILD_DIR — the cascade and criticality benchmark (bench/README.md,
# "Cascades").
#
# Part 1, the European grid (data/grid/eu: 13,478 sites, 16,922 power links): imports it
# into a fresh database, then times the power criticality sweep of every site
#   bulwark criticality --service power                (dominator tree)
#   bulwark criticality --service power --cascades     (bulwark's own brute force)
# as whole processes (median of CLI_REPEAT runs, wall clock), the same two sweeps inside
# the library (cascade_bench), the igraph brute force (cascade_igraph: igraph_bfs per
# site, and a plain BFS over igraph's adjacency list; all sites; only when the build found
# igraph) and the NetworkX brute force (cascade_nx.py with Debian's python3-networkx, on
# every NX_STEP-th site, EXTRAPOLATED to all). It checks that all of them give the same
# number of sites lost on the sampled sites (and the full-coverage ones on every site)
# and stops with status 1 otherwise.
#
# Part 2, a generated national graph (cascade_gen.py: NAT_N sites, NAT_D dependencies over
# power, water, telecom and fuel): imports it (once; kept in OUT), then runs cascade_bench
# under /usr/bin/time -v: load into CSR, one deterministic cascade of the highest-degree
# site, TRIALS Monte Carlo trials of that attack, and the criticality sweep of all
# services on 2 threads, stopped after SWEEP_LIMIT seconds and extrapolated if unfinished;
# and cascade_floor, SQLite's own time for the load's scans.
#
# Prints a table of the figures and the goals; everything is kept in OUT.
# Environment: OUT (bench/out/cascade), NX_STEP (10), CLI_REPEAT (5), CAS_REPEAT (3),
#   IGRAPH_STEP (1), NAT_N (1000000), NAT_D (3 * NAT_N), SEED (1), TRIALS (1000),
#   SWEEP_LIMIT (600), THREADS (2), NX_PYTHON (/usr/bin/python3), SKIP_EU, SKIP_NAT.
# Needs /usr/bin/time (package time), python3-networkx for /usr/bin/python3, and for
# the igraph column libigraph-dev at configure time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ $# -eq 1 ] || { echo "usage: bench/run-cascade.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
OUT=${OUT:-$root/bench/out/cascade}
NX_STEP=${NX_STEP:-10}
CLI_REPEAT=${CLI_REPEAT:-5}
CAS_REPEAT=${CAS_REPEAT:-3}
IGRAPH_STEP=${IGRAPH_STEP:-1}
NAT_N=${NAT_N:-1000000}
NAT_D=${NAT_D:-$((3 * NAT_N))}
SEED=${SEED:-1}
TRIALS=${TRIALS:-1000}
SWEEP_LIMIT=${SWEEP_LIMIT:-600}
THREADS=${THREADS:-2}
NX_PYTHON=${NX_PYTHON:-/usr/bin/python3}
SKIP_EU=${SKIP_EU:-}
SKIP_NAT=${SKIP_NAT:-}

[ -x /usr/bin/time ] || { echo "run-cascade.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
meson compile -C "$build" >/dev/null
bw=$build/src/cli/bulwark
cb=$build/bench/cascade_bench
ig=$build/bench/cascade_igraph
cf=$build/bench/cascade_floor
for f in "$bw" "$cb"; do
    [ -x "$f" ] || { echo "run-cascade.sh: no $f" >&2; exit 1; }
done
export BULWARK_HOME="$root"
unset BULWARK_DB || true
mkdir -p "$OUT"
res=$OUT/results.txt
: >"$res"

fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
# put KEY VALUE: records a figure for the table.
put() { echo "$1 $2" >>"$res"; }
# get KEY: a recorded figure (the last one), or "nan".
get() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "nan" : v) }' "$res"; }
# results LOG PREFIX: copies the RESULT lines of LOG into the table as PREFIX_key.
results() { awk -v p="$2" '$1 == "RESULT" { print p "_" $2, $3 }' "$1" >>"$res"; }
ns() { date +%s%N; }
# median_wall LABEL N CMD... — runs CMD N times (stdout to OUT/LABEL.out), records the
# median wall seconds as LABEL_s.
median_wall() {
    label=$1 n=$2
    shift 2
    : >"$OUT/$label.times"
    i=0
    while [ "$i" -lt "$n" ]; do
        t0=$(ns)
        "$@" >"$OUT/$label.out" 2>"$OUT/$label.err" ||
            { echo "run-cascade.sh: $label failed:" >&2; cat "$OUT/$label.err" >&2; exit 1; }
        t1=$(ns)
        echo "$(( (t1 - t0) / 1000 ))" >>"$OUT/$label.times"
        i=$((i + 1))
    done
    put "${label}_s" "$(sort -n "$OUT/$label.times" | awk '{ a[NR] = $1 } END { printf "%.4f", a[int((NR + 1) / 2)] / 1e6 }')"
    put "${label}_runs" "$n"
}

echo "run-cascade: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $("$bw" --version 2>/dev/null | head -1 || echo bulwark)"

# ---- part 1: the European grid -------------------------------------------------------
if [ -z "$SKIP_EU" ]; then
    eu=$OUT/eu.db
    sites=$root/data/grid/eu/sites.csv
    deps=$root/data/grid/eu/deps.csv
    fresh "$eu"
    "$bw" --db "$eu" init >/dev/null
    "$bw" --db "$eu" import sites "$sites" >/dev/null
    "$bw" --db "$eu" import deps "$deps" >/dev/null
    echo "run-cascade: EU grid imported; timing bulwark criticality --service power ($CLI_REPEAT runs)"
    median_wall eu-cli-dom "$CLI_REPEAT" "$bw" --db "$eu" criticality --service power --top 0 --json
    echo "run-cascade: bulwark criticality --service power --cascades --threads $THREADS ($CAS_REPEAT runs)"
    median_wall eu-cli-cas "$CAS_REPEAT" "$bw" --db "$eu" criticality --service power --cascades \
        --threads "$THREADS" --top 0 --json
    "$cb" "$eu" --service power --trials 0 --threads "$THREADS" --sweep-out "$OUT/eu-lib-dom.tsv" \
        >"$OUT/eu-lib-dom.log" 2>&1
    results "$OUT/eu-lib-dom.log" eu_lib_dom
    "$cb" "$eu" --service power --trials 0 --threads "$THREADS" --cascades \
        --sweep-out "$OUT/eu-lib-cas.tsv" >"$OUT/eu-lib-cas.log" 2>&1
    results "$OUT/eu-lib-cas.log" eu_lib_cas
    checks="--check $OUT/eu-cli-dom.out --check $OUT/eu-cli-cas.out --check $OUT/eu-lib-dom.tsv --check $OUT/eu-lib-cas.tsv"
    if [ -x "$ig" ]; then
        echo "run-cascade: igraph brute force (every $IGRAPH_STEP-th site)"
        "$ig" "$sites" "$deps" --service power --step "$IGRAPH_STEP" --out "$OUT/eu-igraph.tsv" \
            >"$OUT/eu-igraph.log" 2>&1 || { cat "$OUT/eu-igraph.log" >&2; exit 1; }
        results "$OUT/eu-igraph.log" eu
        checks="$checks --check $OUT/eu-igraph.tsv"
    else
        echo "run-cascade: no cascade_igraph (igraph not found when $build was configured:" \
             "apt-get install libigraph-dev, then meson setup --reconfigure)" >&2
    fi
    echo "run-cascade: NetworkX brute force on every $NX_STEP-th site ($NX_PYTHON)"
    # shellcheck disable=SC2086
    if ! "$NX_PYTHON" "$here/cascade_nx.py" "$sites" "$deps" --service power --step "$NX_STEP" \
        --out "$OUT/eu-nx.tsv" $checks >"$OUT/eu-nx.log" 2>&1; then
        cat "$OUT/eu-nx.log" >&2
        echo "run-cascade.sh: the brute forces and bulwark DISAGREE (see above)" >&2
        exit 1
    fi
    results "$OUT/eu-nx.log" eu
    grep -E '^(check|networkx)' "$OUT/eu-nx.log" | sed 's/^/    /'
fi

# ---- part 2: the generated national graph --------------------------------------------
if [ -z "$SKIP_NAT" ]; then
    natdir=$OUT/national-$NAT_N-$NAT_D-$SEED
    nat=$natdir.db
    if [ ! -s "$natdir/deps.csv" ]; then
        echo "run-cascade: generating the national graph ($NAT_N sites, $NAT_D deps)"
        python3 "$here/cascade_gen.py" -n "$NAT_N" -d "$NAT_D" --seed "$SEED" -o "$natdir" \
            >"$OUT/nat-gen.log"
    fi
    if [ ! -s "$nat" ] || [ ! -f "$nat.done" ]; then
        echo "run-cascade: importing the national graph"
        fresh "$nat"
        rm -f "$nat.done"
        "$bw" --db "$nat" init >/dev/null
        t0=$(ns)
        "$bw" --db "$nat" import sites "$natdir/sites.csv" >/dev/null
        t1=$(ns)
        "$bw" --db "$nat" import deps "$natdir/deps.csv" >/dev/null
        t2=$(ns)
        echo "import_sites_s $(( (t1 - t0) / 1000000 ))e-3" >"$nat.done"
        echo "import_deps_s $(( (t2 - t1) / 1000000 ))e-3" >>"$nat.done"
    fi
    awk '{ print "nat_" $1, $2 }' "$nat.done" >>"$res"
    if [ -x "$cf" ]; then
        echo "run-cascade: SQLite's floor under the graph load (cascade_floor)"
        "$cf" "$nat" >"$OUT/nat-floor.log" 2>&1 || { cat "$OUT/nat-floor.log" >&2; exit 1; }
        results "$OUT/nat-floor.log" nat
        grep '^floor' "$OUT/nat-floor.log" | sed 's/^/    /'
    fi
    echo "run-cascade: cascade_bench on the national graph (sweep limit $SWEEP_LIMIT s)"
    /usr/bin/time -v -o "$OUT/nat-time.txt" "$cb" "$nat" --threads "$THREADS" --trials "$TRIALS" \
        --sweep-limit "$SWEEP_LIMIT" >"$OUT/nat-bench.log" 2>"$OUT/nat-bench.err" ||
        { cat "$OUT/nat-bench.log" "$OUT/nat-bench.err" >&2; exit 1; }
    results "$OUT/nat-bench.log" nat
    put nat_peak_mib "$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$OUT/nat-time.txt")"
    grep -v '^RESULT' "$OUT/nat-bench.log" | sed 's/^/    /'
fi

echo "run-cascade: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- the table -------------------------------------------------------------------------
awk -v nx_step="$NX_STEP" -v threads="$THREADS" -v limit="$SWEEP_LIMIT" -v trials="$TRIALS" '
    { v[$1] = $2 }
    function has(k) { return (k in v) && v[k] != "nan" }
    function f(k, fmt) { return has(k) ? sprintf(fmt, v[k]) : "n/a" }
    function ratio(a, b) { return (has(a) && has(b) && v[b] > 0) ? sprintf("%.0fx", v[a] / v[b]) : "n/a" }
    function ok(c) { return c ? "met" : "NOT met" }
    END {
        if (has("eu-cli-dom_s")) {
            printf "European grid, power criticality of all %d sites (bulwark: median of %d / %d CLI runs, whole process)\n\n",
                   v["eu_lib_dom_sites"], v["eu-cli-dom_runs"], v["eu-cli-cas_runs"]
            printf "| %-70s | %10s | %12s | %12s |\n", "sweep", "seconds", "vs bulwark", "vs --cascades"
            printf "|%s|%s|%s|%s|\n", "------------------------------------------------------------------------", "-----------:", "-------------:", "--------------:"
            printf "| %-70s | %10s | %12s | %12s |\n", "bulwark criticality --service power (dominator tree)", f("eu-cli-dom_s", "%.3f"), "1x", ""
            printf "| %-70s | %10s | %12s | %12s |\n", "  the same inside the library (load excluded)", f("eu_lib_dom_sweep_s", "%.4f"), "", ""
            printf "| %-70s | %10s | %12s | %12s |\n", sprintf("bulwark criticality --service power --cascades (%s threads)", threads), f("eu-cli-cas_s", "%.3f"), ratio("eu-cli-cas_s", "eu-cli-dom_s"), "1x"
            printf "| %-70s | %10s | %12s | %12s |\n", "  the same inside the library (load excluded)", f("eu_lib_cas_sweep_s", "%.3f"), "", ""
            printf "| %-70s | %10s | %12s | %12s |\n", "igraph brute force: igraph_bfs per site (1 thread)", f("eu_igraph_bfs_full_s", "%.2f"), ratio("eu_igraph_bfs_full_s", "eu-cli-dom_s"), ratio("eu_igraph_bfs_full_s", "eu-cli-cas_s")
            printf "| %-70s | %10s | %12s | %12s |\n", "igraph brute force: BFS over igraph_adjlist (1 thread)", f("eu_igraph_adj_full_s", "%.2f"), ratio("eu_igraph_adj_full_s", "eu-cli-dom_s"), ratio("eu_igraph_adj_full_s", "eu-cli-cas_s")
            printf "| %-70s | %10s | %12s | %12s |\n", sprintf("NetworkX %s brute force, EXTRAPOLATED from every %d-th site", v["eu_nx_version"], nx_step), f("eu_nx_full_s", "%.0f"), ratio("eu_nx_full_s", "eu-cli-dom_s"), ratio("eu_nx_full_s", "eu-cli-cas_s")
            printf "\n"
            printf "NetworkX: %d sites sampled, %.1f ms per site. Agreement on the sampled sites (and igraph/bulwark on all): %s\n",
                   v["eu_nx_examined"], 1000 * v["eu_nx_per_site_s"], (v["eu_agree"] == 1 ? "yes" : "NO")
            igb = has("eu_igraph_adj_full_s") ? (v["eu_igraph_adj_full_s"] < v["eu_igraph_bfs_full_s"] ? v["eu_igraph_adj_full_s"] : v["eu_igraph_bfs_full_s"]) : 0
            printf "Goal >= 1,000x NetworkX: %s (%.0fx). Goal >= 10x the igraph brute force (the faster one): %s\n\n",
                   ok(v["eu_nx_full_s"] / v["eu-cli-dom_s"] >= 1000), v["eu_nx_full_s"] / v["eu-cli-dom_s"],
                   igb ? sprintf("%s (%.0fx)", ok(igb / v["eu-cli-dom_s"] >= 10), igb / v["eu-cli-dom_s"]) : "n/a (no igraph)"
        }
        if (has("nat_csr_s")) {
            printf "National graph: %d sites, %d dependencies (imported in %.0f s + %.0f s)\n\n", v["nat_sites"], v["nat_deps"],
                   v["nat_import_sites_s"], v["nat_import_deps_s"]
            printf "| %-70s | %14s | %10s | %s |\n", "measure", "result", "goal", "status"
            printf "|%s|%s|%s|%s|\n", "------------------------------------------------------------------------", "---------------:", "-----------:", "--------"
            printf "| %-70s | %12.2f s | %10s | %s |\n", sprintf("load into CSR (graph_load %.2f s + graph_new %.2f s)", v["nat_load_s"], v["nat_build_s"]), v["nat_csr_s"], "< 2 s", ok(v["nat_csr_s"] < 2)
            printf "| %-70s | %11.1f ms | %10s | %s |\n", sprintf("one deterministic cascade (median; %d sites lost)", v["nat_cascade_lost"]), 1000 * v["nat_cascade_s"], "< 50 ms", ok(v["nat_cascade_s"] < 0.05)
            if (v["nat_sweep_extrapolated"] == 1)
                printf "| %-70s | %12.0f s | %10s | %s |\n", sprintf("full sweep, all services, %d threads: EXTRAPOLATED (%d sites in %.0f s)", threads, v["nat_sweep_done"], v["nat_sweep_elapsed_s"]), v["nat_sweep_s"], "< 60 s", ok(v["nat_sweep_s"] < 60)
            else
                printf "| %-70s | %12.1f s | %10s | %s |\n", sprintf("full sweep, all services, %d threads", threads), v["nat_sweep_s"], "< 60 s", ok(v["nat_sweep_s"] < 60)
            printf "| %-70s | %12.2f s | %10s | %s |\n", sprintf("%d timed Monte Carlo trials of that attack", v["nat_trials"]), v["nat_timed_s"], "< 10 s", ok(v["nat_timed_s"] < 10)
            printf "| %-70s | %10d MiB | %10s | %s |\n", "peak resident memory of the whole run (/usr/bin/time -v)", v["nat_peak_mib"], "< 2 GiB", ok(v["nat_peak_mib"] < 2048)
            printf "\nbaseline fixpoint %.2f s; graph %.0f MiB\n", v["nat_baseline_s"], v["nat_graph_mib"]
            if (has("nat_floor_load_s"))
                printf "SQLite floor of the load (cascade_floor: the same three scans, values unused): %.2f s (sites %.2f + %.2f, dependencies %.2f)\n",
                       v["nat_floor_load_s"], v["nat_floor_sites_ids_s"], v["nat_floor_sites_rest_s"], v["nat_floor_deps_s"]
        }
    }' "$res"
[ -z "$SKIP_EU" ] && [ "$(get eu_agree)" != 1 ] && exit 1
exit 0
