#!/bin/sh
# serve_bench.sh — `bulwark serve` under wrk on 127.0.0.1: authenticated GET of one site
# (/api/v1/sites/{id}) with keep-alive connections. Prints wrk's report, with latency
# percentiles, for bench/RESULTS.md ("bulwark serve").
#
# usage: bench/serve_bench.sh [BULWARK] [SECONDS] [CONNECTIONS] [SERVER_THREADS] [WRK_THREADS]
# Needs wrk (Debian package wrk). Builds a demo database in a temporary directory.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/src/cli/bulwark}
DUR=${2:-10}
CONN=${3:-50}
SRV_THREADS=${4:-2}
WRK_THREADS=${5:-1}
command -v wrk >/dev/null || { echo "serve_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
db=$tmp/bench.db
"$BIN" --db "$db" demo >/dev/null
echo 'bench-password-1' | "$BIN" --db "$db" user add bench --org demo-authority --role analyst >/dev/null
token=$("$BIN" --db "$db" user token bench --days 1 | tail -n 1)
site=osm-n280027006
# The access log goes to a file, as in production behind systemd it goes to the journal.
"$BIN" serve --db "$db" --listen 127.0.0.1:0 --threads "$SRV_THREADS" \
    --access-log "$tmp/access.log" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    grep -q 'serving on' "$tmp/out" 2>/dev/null && break
    sleep 0.2
done
url=$(sed -n 's/^bulwark: serving on //p' "$tmp/out")
[ -n "$url" ] || { cat "$tmp/err" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/v1/sites/$site" 2>/dev/null || echo "?")
echo "serve_bench: $url, $SRV_THREADS server threads, $CONN connections, $WRK_THREADS wrk threads, ${DUR}s; check request: HTTP $status"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t "$WRK_THREADS" -c "$CONN" -d "${DUR}s" --latency -H "Authorization: Bearer $token" \
    "$url/api/v1/sites/$site"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "non-2xx in the access log: $(grep -vc '"status":200' "$tmp/access.log" || true) of $(wc -l < "$tmp/access.log")"
