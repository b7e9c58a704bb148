#!/usr/bin/env python3
"""risk_gen.py — deterministic input for the risk benchmark (bench/run-risk.sh).

Writes into OUT_DIR:

  sites.csv   header class,tier,capacity,area_m2,police_m,outage_lo,outage_mode,
              outage_hi,region,measures — one line per site: a taxonomy class id of the
              default pack (categories, sectors and subsectors weighted like a real
              register, the weights of gen_sites.py), its capacity tier (enhanced >= 800,
              standard >= 200, places of worship and schools capped at standard, else
              "none"), people present at full capacity (0 for infrastructure: the pack's
              min_present applies), footprint m2 (0 = unknown for 40 %), distance to the
              nearest police site in m (empty = none for 10 %), a triangular range of
              outage population-hours (0 for sites that supply nobody), a region 0..19 and
              the measures in place as "id:quality;id:quality" (0 to 4 catalogue measures,
              more at bigger sites).
  levels.csv  header region,threat,rank — the threat-level rank (1..5) in force for
              every region and threat type of packs/default/threats.json.

The output depends only on N and the seed: the same arguments give the same bytes.

usage: risk_gen.py [-n N] [--seed S] [-o OUT_DIR] [--pack DIR]
       (default: -n 1000000 --seed 1 -o bench/out/risk --pack packs/default)
"""
import argparse
import json
import math
import os
import random

# class id, weight, capacity range (None: infrastructure, capacity 0), outage range of
# population-hours lost if the site is lost (None: supplies nobody)
CLASSES = [
    ("religious-site", 18, (20, 2500), None),
    ("educational-institution", 14, (30, 6000), None),
    ("tourist-site", 6, (50, 20000), None),
    ("urban-centre", 3, (500, 40000), None),
    ("cultural-event", 4, (100, 80000), None),
    ("sport-event", 4, (200, 80000), None),
    ("transport-hub", 3, (500, 60000), (1e3, 1e6)),
    ("rally-procession-convoy", 1, (500, 500000), None),
    ("hospital", 5, (50, 5000), (1e3, 1e5)),
    ("mass-gathering", 2, (1000, 200000), None),
    ("energy.electricity", 12, None, (1e3, 1e7)),
    ("energy.gas", 3, None, (1e3, 1e6)),
    ("energy.oil", 1, None, (1e3, 1e6)),
    ("energy.district-heating", 2, None, (1e3, 1e6)),
    ("transport.rail", 4, None, (1e3, 1e6)),
    ("transport.road", 3, None, (1e3, 1e6)),
    ("transport.air", 1, (100, 60000), (1e4, 1e7)),
    ("drinking-water", 5, None, (1e3, 1e7)),
    ("waste-water", 3, None, (1e2, 1e6)),
    ("digital-infrastructure", 2, None, (1e3, 1e7)),
    ("communications", 2, None, (1e3, 1e6)),
    ("public-administration", 2, (20, 3000), None),
    ("banking", 1, (50, 4000), (1e2, 1e5)),
    ("chemical", 1, None, (1e2, 1e5)),
    ("nuclear", 0.05, None, (1e5, 1e8)),
    ("emergency-services", 2, (10, 300), (1e2, 1e5)),
]
CAPPED = {"religious-site", "educational-institution"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", default="bench/out/risk")
    ap.add_argument("--pack", default="packs/default")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.o, exist_ok=True)
    threats = [t["id"] for t in json.load(open(os.path.join(a.pack, "threats.json")))["threat_types"]]
    measures = [m["id"] for m in json.load(open(os.path.join(a.pack, "measures.json")))["measures"]]
    with open(os.path.join(a.o, "levels.csv"), "w", newline="") as f:
        f.write("region,threat,rank\n")
        for r in range(20):
            for t in threats:
                f.write("%d,%s,%d\n" % (r, t, rng.choices([1, 2, 3, 4, 5], [5, 50, 35, 9, 1])[0]))
    cw, acc = [], 0.0
    for c in CLASSES:
        acc += c[1]
        cw.append(acc)
    with open(os.path.join(a.o, "sites.csv"), "w", newline="") as f:
        f.write("class,tier,capacity,area_m2,police_m,outage_lo,outage_mode,outage_hi,region,measures\n")
        lines = []
        for i in range(a.n):
            cls, _, caprange, outrange = rng.choices(CLASSES, cum_weights=cw)[0]
            cap = 0
            if caprange:
                lo, hi = caprange
                cap = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))
            tier = "enhanced" if cap >= 800 else "standard" if cap >= 200 else "none"
            if cls in CAPPED and tier == "enhanced":
                tier = "standard"
            area = 0 if rng.random() < 0.4 else int(round(math.exp(rng.uniform(math.log(50), math.log(50000)))))
            police = "" if rng.random() < 0.1 else "%d" % int(rng.expovariate(1 / 4000.0))
            if outrange:
                mode = math.exp(rng.uniform(math.log(outrange[0]), math.log(outrange[1])))
                olo, omode, ohi = int(mode * 0.5), int(mode), int(mode * 3)
            else:
                olo = omode = ohi = 0
            nm = rng.choices([0, 1, 2, 3, 4], [40, 25, 15, 12, 8])[0]
            if tier == "enhanced":
                nm = min(4, nm + 1)
            ms = ";".join("%s:%.2f" % (rng.choice(measures), rng.uniform(0.3, 1.0)) for _ in range(nm))
            lines.append("%s,%s,%d,%d,%s,%d,%d,%d,%d,%s\n" % (cls, tier, cap, area, police, olo, omode,
                                                             ohi, rng.randrange(20), ms))
            if len(lines) >= 100000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))
    print("risk_gen: %d sites, %d threat types, %d measures -> %s" % (a.n, len(threats), len(measures), a.o))


if __name__ == "__main__":
    main()
