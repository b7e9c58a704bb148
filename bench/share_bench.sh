#!/bin/sh
# share_bench.sh — the information-sharing network under load (issue 5): with wrk on
# 127.0.0.1, authenticated GET /api/v1/warnings (20 warnings of mixed TLP, as an operator
# who sees 16 of them), GET /api/v1/sites/{id} and POST /api/v1/warnings/{id}/ack (a wrk
# Lua script rotating over the API tokens of NORGS recipient organisations, so that every
# POST is a real write: the ack upserted, a row of ack_log and an audit entry); then one
# warning issued to an area holding BIG recipient organisations, each with a webhook, so
# that a delivery is queued for every one of them. Prints wrk's reports (--latency) and a
# summary against the goals for bench/RESULTS.md ("Information sharing").
#
# usage: bench/share_bench.sh [BULWARK] [SECONDS] [CONNECTIONS] [SERVER_THREADS]
#                             [WRK_THREADS] [NORGS] [BIG]
#   defaults: build/src/cli/bulwark 10 50 2 1 100 10000
# Needs wrk (Debian package wrk), curl and python3. Works in a temporary directory.
# Goals (issue 5): >= 20,000 GET/s and >= 2,000 ack writes/s with p99 < 20 ms and no
# errors; the BIG-recipient warning resolved, stored and its deliveries queued in < 1 s.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
BIN=${1:-build/src/cli/bulwark}
DUR=${2:-10}
CONN=${3:-50}
SRV_THREADS=${4:-2}
WRK_THREADS=${5:-1}
NORGS=${6:-100}
BIG=${7:-10000}
case $BIN in /*) ;; *) BIN=$root/$BIN ;; esac
for t in wrk curl python3; do
    command -v $t >/dev/null || { echo "share_bench: $t is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
bw() { "$BIN" --db "$db" "$@"; }
pw=bench-password-1

# ---- part 1: the HTTP API -------------------------------------------------------------
db=$tmp/http.db
python3 bench/share_gen.py "$tmp/http" --orgs "$NORGS" --outside "$NORGS"
bw init >/dev/null
bw import orgs "$tmp/http/orgs.csv" >/dev/null
bw import sites "$tmp/http/sites.csv" >/dev/null
echo "$pw" | bw user add bench-ana --org bench-authority --role analyst >/dev/null
echo "$pw" | bw user add bench-red --org op-00001 --role operator >/dev/null
: >"$tmp/tokens"
i=1
while [ "$i" -le "$NORGS" ]; do
    org=$(printf 'op-%05d' "$i")
    echo "$pw" | bw user add "u-$org" --org "$org" --role operator >/dev/null
    bw user token "u-$org" --days 1 | tail -n 1 >>"$tmp/tokens"
    i=$((i + 1))
done
# 20 warnings, 4 of each marking, all to the whole area: the reader (u-op-00002, a
# recipient but not named in the RED ones) sees the 16 that are not RED.
for round in 1 2 3 4; do
    for tlp in CLEAR GREEN AMBER AMBER-STRICT RED; do
        id=$(bw warning draft "$tmp/http/warning-$tlp.json" --as bench-ana --json |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        bw warning issue "$id" --as bench-ana >/dev/null
        [ "$tlp" = AMBER ] && ackid=$id
    done
done
reader=$(sed -n 2p "$tmp/tokens")
"$BIN" serve --db "$db" --listen 127.0.0.1:0 --threads "$SRV_THREADS" \
    --access-log "$tmp/access.log" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 50); do
    grep -q 'serving on' "$tmp/out" 2>/dev/null && break
    sleep 0.2
done
url=$(sed -n 's/^bulwark: serving on //p' "$tmp/out")
[ -n "$url" ] || { cat "$tmp/err" >&2; exit 1; }
seen=$(curl -s -H "Authorization: Bearer $reader" "$url/api/v1/warnings" |
       python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["count"])')
echo "share_bench: $url, $SRV_THREADS server threads, $CONN connections, $WRK_THREADS wrk" \
     "threads, ${DUR}s each; $NORGS recipient organisations; the reader sees $seen of 20 warnings"
[ "$seen" = 16 ] || { echo "share_bench: the reader should see 16 warnings" >&2; exit 1; }

# The ack script: every request the next organisation's token, statuses in turn.
{
    printf 'local tokens = {\n'
    sed 's/.*/  "&",/' "$tmp/tokens"
    printf '}\n'
    cat <<LUA
local statuses = {"received", "acting", "not-concerned"}
local n = 0
request = function()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  local s = statuses[(math.floor(n / #tokens) % 3) + 1]
  return wrk.format("POST", "/api/v1/warnings/$ackid/ack",
    {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"},
    '{"status":"' .. s .. '"}')
end
LUA
} >"$tmp/ack.lua"

run() { # NAME, then wrk's arguments
    name=$1
    shift
    echo
    echo "== $name (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    before=$(wc -l <"$tmp/access.log")
    wrk -t "$WRK_THREADS" -c "$CONN" -d "${DUR}s" --latency "$@" | tee "$tmp/wrk-$name"
    total=$(($(wc -l <"$tmp/access.log") - before))
    bad=$(tail -n "$total" "$tmp/access.log" | grep -vc '"status":200' || true)
    rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk-$name")
    p99=$(sed -n 's/^ *99% *//p' "$tmp/wrk-$name")
    echo "$name: $rps req/s, p99 $p99, non-200 in the access log: $bad of $total" >>"$tmp/summary"
}
run warnings -H "Authorization: Bearer $reader" "$url/api/v1/warnings"
run site -H "Authorization: Bearer $reader" "$url/api/v1/sites/in-1"
acks_before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM ack_log').fetchone()[0])" "$db")
run ack -s "$tmp/ack.lua" "$url"
acks_after=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM ack_log').fetchone()[0])" "$db")
echo "ack: $((acks_after - acks_before)) acknowledgements written (ack_log rows)" >>"$tmp/summary"
kill -TERM "$pid"
wait "$pid" || true
pid=
verify=$(bw audit verify 2>&1 | tail -n 1)
echo "audit verify after the run: $verify" >>"$tmp/summary"

# ---- part 2: one warning to BIG recipient organisations -------------------------------
db=$tmp/big.db
python3 bench/share_gen.py "$tmp/big" --orgs "$BIG" --outside "$BIG"
bw init >/dev/null
bw import orgs "$tmp/big/orgs.csv" >/dev/null
bw import sites "$tmp/big/sites.csv" >/dev/null
# One webhook per organisation. Set through SQL in one transaction: `bulwark warning
# endpoint` per organisation would take minutes here and is not what is measured.
python3 - "$db" "$tmp/big/endpoints.csv" <<'PY'
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with con:
    con.executemany("INSERT INTO org_endpoint(org, url, secret) VALUES (?, ?, ?)",
                    csv.reader(open(sys.argv[2], newline="")))
PY
for round in 1 2; do
    id=$(bw warning draft "$tmp/big/warning-AMBER.json" --json |
         python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    t0=$(date +%s.%N)
    bw warning issue "$id" --json >"$tmp/issue.json"
    t1=$(date +%s.%N)
    python3 - "$db" "$id" "$tmp/issue.json" "$t0" "$t1" "$BIG" >>"$tmp/summary" <<'PY'
import json, sqlite3, sys
db, wid, path, t0, t1, big = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), \
    float(sys.argv[5]), int(sys.argv[6])
r = json.load(open(path))
con = sqlite3.connect(db)
dl = con.execute("SELECT count(*) FROM delivery WHERE warning=?", (wid,)).fetchone()[0]
rec = con.execute("SELECT count(*) FROM item_recipient WHERE item=? AND org IS NOT NULL",
                  (wid,)).fetchone()[0]
print("big warning %d: %d recipients (%d stored), %d sites, %d deliveries queued; resolve %.3f s, "
      "issue %.3f s (library), %.3f s for the whole command (process start, pack, key)%s" % (
          wid, r["recipients"], rec, r["sites"], dl, r["resolve_s"], r["total_s"], t1 - t0,
          "" if dl == big == r["recipients"] else "  <-- MISMATCH"))
PY
done

echo
echo "== summary (goals: GET >= 20000/s, ack >= 2000/s, p99 < 20 ms, no errors; big warning < 1 s)"
cat "$tmp/summary"
