#!/usr/bin/env python3
"""Converts the RTS-GMLC test system (NREL / GridMod, RTS_Data/SourceData: bus.csv,
branch.csv, gen.csv, dc_branch.csv) into bulwark import files:

    data/grid/rts-gmlc/sites.csv  id,name,category,lat,lon,supplies,population_served,region
    data/grid/rts-gmlc/deps.csv   site,supplier,service,kind

Usage: make_rts_gmlc.py [--src DIR] [--out DIR] [--kw-per-person X]

Rules (documented in data/grid/rts-gmlc/README.md):
  - one site per bus: id rts-<Bus ID>, name = Bus Name, lat/lon = lat/lng,
    category energy.electricity, region "area <Area>";
  - supplies = power when at least one generator at the bus has PMax MW > 0;
  - population_served = MW Load * 1000 / kW-per-person (default 2.2 kW per person at
    system peak), rounded half up: an ASSUMED proxy, not a census figure;
  - one power link per connected bus pair of branch.csv (AC lines and transformers) and
    dc_branch.csv (HVDC); parallel circuits between the same pair become one link;
    site < supplier in id string order.

Standard library only; exact decimal arithmetic; rows in numeric bus order; LF line ends.
"""
import argparse
import csv
import os
import re
import sys
from decimal import Decimal, ROUND_HALF_UP

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_SRC = "/work/shared/data/power/rts-gmlc"
DEFAULT_OUT = os.path.join(ROOT, "data", "grid", "rts-gmlc")

NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def fail(msg):
    sys.exit("make_rts_gmlc: " + msg)


def read(src, name, needed):
    path = os.path.join(src, name)
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if rows:
        missing = [c for c in needed if c not in rows[0]]
        if missing:
            fail("%s: missing columns %s" % (path, ", ".join(missing)))
    return path, rows


def dec(path, row, col):
    v = row[col].strip()
    try:
        return Decimal(v)
    except Exception:
        fail("%s: %s: %r is not a number" % (path, col, v))


def site_id(bus):
    return "rts-%s" % bus


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--kw-per-person", default="2.2",
                    help="assumed electric demand per person at system peak, kW (default 2.2)")
    args = ap.parse_args()
    kw_pp = Decimal(args.kw_per_person)
    if kw_pp <= 0:
        fail("--kw-per-person must be > 0")

    bpath, buses = read(args.src, "bus.csv", ["Bus ID", "Bus Name", "MW Load", "Area", "lat", "lng"])
    gpath, gens = read(args.src, "gen.csv", ["GEN UID", "Bus ID", "PMax MW", "Unit Type"])
    rpath, branches = read(args.src, "branch.csv", ["UID", "From Bus", "To Bus"])
    dpath, dcs = read(args.src, "dc_branch.csv", ["UID", "From Bus", "To Bus"])

    # ---- buses
    bus = {}
    for b in buses:
        bid = b["Bus ID"].strip()
        if not bid.isdigit():
            fail("%s: Bus ID %r is not a whole number" % (bpath, bid))
        if bid in bus:
            fail("%s: duplicate Bus ID %s" % (bpath, bid))
        lat, lon = b["lat"].strip(), b["lng"].strip()
        if not (NUMBER.fullmatch(lat) and NUMBER.fullmatch(lon)):
            fail("%s: bus %s: coordinates %r, %r are not plain decimals" % (bpath, bid, lat, lon))
        if not (-90 <= Decimal(lat) <= 90 and -180 <= Decimal(lon) <= 180):
            fail("%s: bus %s: coordinates out of range" % (bpath, bid))
        load = dec(bpath, b, "MW Load")
        if load < 0:
            fail("%s: bus %s: negative MW Load" % (bpath, bid))
        name = b["Bus Name"].strip()
        if not name or any(ord(c) < 32 for c in name):
            fail("%s: bus %s: bad Bus Name %r" % (bpath, bid, name))
        bus[bid] = {"name": name, "lat": lat, "lon": lon, "load": load,
                    "area": b["Area"].strip(), "pmax": Decimal(0), "units": []}

    # ---- generators
    for g in gens:
        bid = g["Bus ID"].strip()
        if bid not in bus:
            fail("%s: generator %s at unknown bus %s" % (gpath, g["GEN UID"], bid))
        pmax = dec(gpath, g, "PMax MW")
        bus[bid]["units"].append((g["Unit Type"].strip(), pmax))
        if pmax > 0:
            bus[bid]["pmax"] += pmax

    # ---- branches -> links
    links = {}  # (site, supplier) -> list of branch UIDs
    for path, rows, kind in ((rpath, branches, "AC"), (dpath, dcs, "DC")):
        for r in rows:
            a, b = r["From Bus"].strip(), r["To Bus"].strip()
            for x in (a, b):
                if x not in bus:
                    fail("%s: branch %s: unknown bus %s" % (path, r["UID"], x))
            if a == b:
                fail("%s: branch %s is a self-loop" % (path, r["UID"]))
            sa, sb = site_id(a), site_id(b)
            key = (sa, sb) if sa < sb else (sb, sa)
            links.setdefault(key, []).append("%s:%s" % (kind, r["UID"].strip()))

    # ---- write
    os.makedirs(args.out, exist_ok=True)
    order = sorted(bus, key=int)
    with open(os.path.join(args.out, "sites.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "category", "lat", "lon", "supplies", "population_served", "region"])
        for bid in order:
            s = bus[bid]
            pop = (s["load"] * 1000 / kw_pp).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            w.writerow([site_id(bid), s["name"], "energy.electricity", s["lat"], s["lon"],
                        "power" if s["pmax"] > 0 else "", int(pop), "area %s" % s["area"]])

    def numeric(key):
        return tuple(int(s[4:]) for s in key)

    with open(os.path.join(args.out, "deps.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site", "supplier", "service", "kind"])
        for key in sorted(links, key=numeric):
            w.writerow([key[0], key[1], "power", "link"])

    # ---- report
    sources = [b for b in order if bus[b]["pmax"] > 0]
    zero_gen = [b for b in order if bus[b]["units"] and bus[b]["pmax"] == 0]
    vre_only = [b for b in sources
                if all(t in ("PV", "RTPV", "WIND") for t, p in bus[b]["units"] if p > 0)]
    parallel = {k: v for k, v in links.items() if len(v) > 1}
    total_load = sum(bus[b]["load"] for b in order)
    total_pop = sum((bus[b]["load"] * 1000 / kw_pp).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                    for b in order)
    print("buses (sites)               %d" % len(order))
    print("generators                  %d" % len(gens))
    print("buses with PMax > 0 (power) %d" % len(sources))
    print("  of which only PV/RTPV/wind %d (%s)" % (len(vre_only), " ".join(vre_only)))
    print("buses with only PMax 0 units %d (%s)" % (len(zero_gen), " ".join(zero_gen)))
    print("AC branches                 %d" % len(branches))
    print("DC branches                 %d" % len(dcs))
    print("parallel circuits merged    %d pairs (%d branch rows)"
          % (len(parallel), sum(len(v) for v in parallel.values())))
    print("links written               %d" % len(links))
    print("buses with zero load        %d" % sum(1 for b in order if bus[b]["load"] == 0))
    print("total MW Load               %s MW" % total_load)
    print("population_served total     %d (at %s kW per person)" % (total_pop, kw_pp))


if __name__ == "__main__":
    main()
