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
echo "== bulwark framework score --short   (the national framework assessment, fictional demo answers: area = lower median of its indicators)"
"$bw" framework score --short
echo
echo "== bulwark framework findings   (the top findings: vulnerabilities and gaps with their technical-assistance needs and recommendations, by priority)"
"$bw" framework findings | sed -n '1,14p'
echo
echo "Try: $bw --db $db risks --top 30   |   $bw --db $db gaps osm-a641823014   |   $bw --db $db effects standoff --threat sedan   |   $bw --db $db framework findings"
