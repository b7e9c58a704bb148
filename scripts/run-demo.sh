#!/bin/sh
# `make run`: build the demo register in a fresh database and show it.
# Usage: scripts/run-demo.sh PATH/TO/bulwark [DB]
set -eu
bw=$1
db=${2:-build/demo.db}
rm -f "$db" "$db-wal" "$db-shm"
export BULWARK_DB="$db"
echo "== bulwark demo: the national register of the demo State (database: $db)"
"$bw" init
"$bw" demo
echo
echo "== bulwark sites summary"
"$bw" sites summary
echo
echo "== bulwark designate"
"$bw" designate
echo
echo "== bulwark sites near 47.1410 9.5215 500   (what lies within 500 m of Vaduz town hall)"
"$bw" sites near 47.1410 9.5215 500 --limit 10
echo
echo "== bulwark criticality --top 10   (what each site's loss alone takes down, all services)"
"$bw" criticality --top 10
echo
echo "== bulwark cascade --remove osm-a659340254 --timed   (an attack on a substation, 1,000 trials)"
"$bw" cascade --remove osm-a659340254 --timed --trials 1000 | sed -n '1,2p;$p'
echo
echo "== bulwark gaps osm-a641823014   (recommended measures the national stadium lacks, given the threat levels in force)"
"$bw" gaps osm-a641823014 | sed -n '1,7p;$p'
echo
echo "== bulwark assess --seed 1 --top 10   (the national risk assessment: every site x threat type)"
"$bw" assess --seed 1 --top 10
echo
echo "== bulwark explain osm-a641823014 firearms-automatic   (why: every factor and its source)"
"$bw" explain osm-a641823014 firearms-automatic | awk 'NF == 0 { blank++ } blank < 2 || /^  (T|V|C|risk|conditional) /'
echo
echo "== bulwark optimise --budget 2000000 --yearly 300000 --top 5 --curve 5   (the risk-reduction portfolio: which measures at which sites cut national risk most for the money; kept for the action plan)"
"$bw" optimise --budget 2000000 --yearly 300000 --top 5 --curve 5
echo
echo "== bulwark framework score --short   (the national framework assessment, fictional demo answers: area = lower median of its indicators)"
"$bw" framework score --short
echo
echo "== bulwark framework findings   (the top findings: vulnerabilities and gaps with their technical-assistance needs and recommendations, by priority)"
"$bw" framework findings | sed -n '1,14p'
echo
echo "== bulwark plan generate; bulwark plan status   (the national action plan: one objective per area with gaps, one action per recommendation with its indicator and sites, and the latest portfolio's measures)"
"$bw" plan generate
"$bw" plan status
echo
echo "== bulwark ta match --top 1   (technical-assistance needs matched to partners' programmes, best match per area; partners are pack data, some illustrative)"
"$bw" ta match --top 1 | sed -n '1,11p'
echo "  ..."
echo
echo "== bulwark warning list   (the sharing network: demo warnings in every state, TLP, acknowledgements)"
"$bw" warning list
echo
echo "== bulwark warning acks 1   (who has acknowledged the national warning, and who still owes it)"
"$bw" warning acks 1 | sed -n '1,8p'
echo
echo "== bulwark warning cap 1   (the signed CAP 1.2 alert as sent; signature in cap-signing.pub's key)"
"$bw" warning cap 1 | sed -n '1,12p'
echo "  ..."
echo
echo "Try: $bw --db $db risks --top 30   |   $bw --db $db gaps osm-a641823014   |   $bw --db $db effects standoff --threat sedan   |   $bw --db $db framework findings   |   $bw --db $db plan show   |   $bw --db $db ta match"
echo
port=${BULWARK_PORT:-8080}
echo "== bulwark serve   (the JSON API, the public CAP feed and the warning network; Ctrl-C stops it)"
echo "   demo accounts: demo.admin, demo.ana, demo.bob (authority), demo.olga, demo.paul (operators),"
echo "   demo.rita (responder), demo.asa (assessor), demo.vic (viewer); password bulwark-demo-2026 (demo only)"
echo "   e.g. curl -s -X POST -H 'Content-Type: application/json' -d '{\"user\":\"demo.olga\",\"password\":\"bulwark-demo-2026\"}' http://127.0.0.1:$port/api/v1/login"
echo "        curl -s http://127.0.0.1:$port/cap/feed.atom"
exec "$bw" serve --listen "127.0.0.1:$port"

