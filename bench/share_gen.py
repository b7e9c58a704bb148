#!/usr/bin/env python3
"""share_gen.py — a register for bench/share_bench.sh: one authority organisation and N
operator organisations, each operating one site inside a circle around (47.14, 9.52) of
radius RADIUS km, plus M sites outside it (operated by the same organisations, 60–120 km
away), and warning documents targeting the circle.

usage: bench/share_gen.py OUT_DIR --orgs N [--outside M] [--radius-km R] [--seed S]

Writes OUT_DIR/orgs.csv, sites.csv (inputs of `bulwark import`), endpoints.csv (org, url,
secret: one webhook per operator organisation) and warning-TLP.json for every marking
(RED names the user in OUT_DIR/red-user, created by the caller). Deterministic for a
given seed. Standard library only.
"""

import argparse
import csv
import json
import math
import os
import random

LAT0, LON0 = 47.14, 9.52
TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


def offset(lat, lon, dist_km, bearing):
    """A point @dist_km from (lat, lon) along @bearing (spherical Earth: the bench only
    needs points well inside or well outside the circle)."""
    r = 6371.0088
    la, lo, b, d = math.radians(lat), math.radians(lon), bearing, dist_km / r
    la2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
    lo2 = lo + math.atan2(math.sin(b) * math.sin(d) * math.cos(la),
                          math.cos(d) - math.sin(la) * math.sin(la2))
    return math.degrees(la2), math.degrees(lo2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--orgs", type=int, required=True)
    ap.add_argument("--outside", type=int, default=None, help="default: as many as --orgs")
    ap.add_argument("--radius-km", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    outside = a.orgs if a.outside is None else a.outside
    os.makedirs(a.out, exist_ok=True)
    width = max(5, len(str(a.orgs)))
    orgs = ["op-%0*d" % (width, i) for i in range(1, a.orgs + 1)]
    with open(os.path.join(a.out, "orgs.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "type", "contact_name", "contact_phone"])
        w.writerow(["bench-authority", "Bench authority", "authority", "Duty desk", "+1 555 0000"])
        for o in orgs:
            w.writerow([o, "Operator " + o, "operator", "Duty " + o, "+1 555 %s" % o[-4:]])
    cats = ["energy.electricity", "hospital", "sport-event", "transport-hub"]
    with open(os.path.join(a.out, "sites.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "category", "lat", "lon", "operator"])
        for i, o in enumerate(orgs):
            # Uniform in the disc, at most 90 % of the radius: inside for certain.
            d = a.radius_km * 0.9 * math.sqrt(rnd.random())
            lat, lon = offset(LAT0, LON0, d, rnd.uniform(0, 2 * math.pi))
            w.writerow(["in-%d" % i, "Site in %d" % i, cats[i % 4], "%.6f" % lat, "%.6f" % lon, o])
        for i in range(outside):
            lat, lon = offset(LAT0, LON0, rnd.uniform(60, 120), rnd.uniform(0, 2 * math.pi))
            w.writerow(["out-%d" % i, "Site out %d" % i, cats[i % 4], "%.6f" % lat, "%.6f" % lon,
                        orgs[i % len(orgs)]])
    with open(os.path.join(a.out, "endpoints.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for o in orgs:
            w.writerow([o, "https://hooks.example.org/%s" % o, "secret-%s-%08x" % (
                o, rnd.getrandbits(32))])
    for tlp in TLPS:
        doc = {"tlp": tlp, "national": False, "event": "Bench warning " + tlp,
               "headline": "Heightened threat in the bench area", "urgency": "Expected",
               "severity": "Severe", "certainty": "Likely", "ack_minutes": 60,
               "area": {"description": "Bench area",
                        "circles": [{"lat": LAT0, "lon": LON0, "radius_km": a.radius_km}]}}
        if tlp == "RED":
            doc["users"] = ["bench-red"]
        with open(os.path.join(a.out, "warning-%s.json" % tlp.replace("+", "-")), "w",
                  encoding="utf-8") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
