#!/bin/sh
# bench/run-optimise.sh BUILD_DIR — the portfolio optimiser against CBC (bench/README.md,
# "Portfolio").
#
# One run of bench/optimise_bench.c: generates N sites x M measures x T threat types
# (seeded), solves the risk-reduction portfolio with bulwark's greedy + local search,
# writes the same multiple-choice-knapsack ILP as an LP file and gives it to CBC
# (Debian coinor-cbc) with a limit of CBC_SEC wall-clock seconds, then prints both
# objectives, both wall-clock times, the ratios and bulwark's LP upper bound. Goals:
# bulwark >= 99 % of CBC's objective in <= 1 % of CBC's time, and under 10 s.
#
# Environment: N (100000), M (40), T (12), BUDGET (2.5e9), YEARLY (2.5e8), CBC_SEC (1200),
#   SEED (1), OUT (bench/out/optimise; the LP file is large: ~200 bytes per option).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ $# -eq 1 ] || { echo "usage: bench/run-optimise.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
N=${N:-100000}
M=${M:-40}
T=${T:-12}
BUDGET=${BUDGET:-2.5e9}
YEARLY=${YEARLY:-2.5e8}
CBC_SEC=${CBC_SEC:-1200}
SEED=${SEED:-1}
OUT=${OUT:-$root/bench/out/optimise}
command -v cbc >/dev/null || { echo "run-optimise.sh: cbc is missing (apt-get install coinor-cbc)" >&2; exit 1; }
mkdir -p "$OUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
"$build/bench/optimise_bench" "$N" "$M" "$T" "$BUDGET" "$YEARLY" "$CBC_SEC" \
    "$OUT/portfolio.lp" "$SEED"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
