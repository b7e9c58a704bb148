#!/bin/sh
# Extracts telecom infrastructure from the Liechtenstein OSM extract into
# data/osm/liechtenstein-telecom.geojson (documented in data/osm/README-telecom.md).
# Needs Debian's osmium-tool (1.15). Usage: scripts/data/make_li_telecom.sh [PBF]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
pbf=${1:-/work/shared/data/osm/liechtenstein-2024-03-04.osm.pbf}
out=$root/data/osm/liechtenstein-telecom.geojson
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -t: nodes pulled in only to build a matching way keep no tags (so they are not
# exported as features of their own).
osmium tags-filter -t -O -o "$tmp/telecom.osm.pbf" "$pbf" \
    nwr/telecom nwr/telecom:* \
    nwr/communication:* \
    nwr/tower:type=communication \
    nwr/man_made=antenna,communications_tower,telephone_exchange \
    nwr/antenna:type \
    nwr/office=telecommunication \
    nwr/building=data_center nwr/industrial=data_centre

osmium export -O -f geojson --add-unique-id=type_id -o "$out" "$tmp/telecom.osm.pbf"

for k in nodes ways relations; do
    printf 'matched OSM %s: %s\n' $k "$(osmium fileinfo -e -g data.count.$k "$tmp/telecom.osm.pbf")"
done
python3 -c 'import json,sys,collections; f=json.load(open(sys.argv[1]))["features"]; print(len(f), "features", dict(collections.Counter(x["geometry"]["type"] for x in f)))' "$out"
