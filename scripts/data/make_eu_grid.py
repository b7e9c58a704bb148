#!/usr/bin/env python3
"""Converts the European transmission-grid topology (GridKit / OpenStreetMap, as
published in Kostia Zuev's grid-topologies data: powergridEU_V.csv, powergridEU_E.csv)
into bulwark import files:

    data/grid/eu/sites.csv   id,name,category,lat,lon,supplies
    data/grid/eu/deps.csv    site,supplier,service,kind

Usage: make_eu_grid.py [--src DIR] [--out DIR] [--min-degree N]

The topology has no generators, so sources of power are chosen by a fixed rule
(documented in data/grid/eu/README.md):
  1. every node of degree >= N (default 5) supplies power;
  2. in every connected component that has no node from rule 1, its node of highest
     degree supplies power (ties: smallest numeric id).
Degrees are counted in the simple undirected graph (no self-loops, no duplicate edges).

Standard library only; the output depends only on the input files and the options
(rows in numeric id order, LF line ends, coordinates copied as written in the source).
"""
import argparse
import csv
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_SRC = "/work/shared/data/power/grid-topologies-zuev"
DEFAULT_OUT = os.path.join(ROOT, "data", "grid", "eu")

# bulwark's number grammar (docs/formats.md, value types), restricted to what we write
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
INTEGER = re.compile(r"[1-9][0-9]*")


def fail(msg):
    sys.exit("make_eu_grid: " + msg)


def read_rows(path, ncols):
    with open(path, newline="", encoding="utf-8") as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            if not row:
                continue
            if len(row) != ncols:
                fail("%s:%d: %d fields, expected %d" % (path, lineno, len(row), ncols))
            yield lineno, [c.strip() for c in row]


def site_id(n):
    return "eu-%d" % n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--min-degree", type=int, default=5)
    args = ap.parse_args()

    # ---- nodes
    coords = {}
    vpath = os.path.join(args.src, "powergridEU_V.csv")
    for lineno, (vid, lat, lon) in read_rows(vpath, 3):
        if not INTEGER.fullmatch(vid):
            fail("%s:%d: id %r is not a positive integer" % (vpath, lineno, vid))
        n = int(vid)
        if n in coords:
            fail("%s:%d: duplicate node id %d" % (vpath, lineno, n))
        if not (NUMBER.fullmatch(lat) and NUMBER.fullmatch(lon)):
            fail("%s:%d: coordinates %r, %r are not plain decimals" % (vpath, lineno, lat, lon))
        if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
            fail("%s:%d: coordinates out of range" % (vpath, lineno))
        coords[n] = (lat, lon)

    # ---- edges: undirected, self-loops and duplicates dropped
    epath = os.path.join(args.src, "powergridEU_E.csv")
    raw_edges = 0
    self_loops = 0
    duplicates = 0
    edges = set()  # (site id, supplier id) with site < supplier in id string order
    adj = {n: set() for n in coords}
    for lineno, (a, b) in read_rows(epath, 2):
        raw_edges += 1
        for x in (a, b):
            if not INTEGER.fullmatch(x) or int(x) not in coords:
                fail("%s:%d: unknown node %r" % (epath, lineno, x))
        a, b = int(a), int(b)
        if a == b:
            self_loops += 1
            continue
        sa, sb = site_id(a), site_id(b)
        key = (sa, sb) if sa < sb else (sb, sa)
        if key in edges:
            duplicates += 1
            continue
        edges.add(key)
        adj[a].add(b)
        adj[b].add(a)

    degree = {n: len(adj[n]) for n in coords}

    # ---- connected components (iterative BFS in id order: deterministic)
    comp_of = {}
    components = []
    for start in sorted(coords):
        if start in comp_of:
            continue
        cid = len(components)
        members = [start]
        comp_of[start] = cid
        i = 0
        while i < len(members):
            for m in adj[members[i]]:
                if m not in comp_of:
                    comp_of[m] = cid
                    members.append(m)
            i += 1
        components.append(members)

    # ---- sources
    by_degree = {n for n in coords if degree[n] >= args.min_degree}
    fallback = set()
    for members in components:
        if not any(m in by_degree for m in members):
            fallback.add(min(members, key=lambda m: (-degree[m], m)))
    sources = by_degree | fallback

    # ---- write
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "sites.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "category", "lat", "lon", "supplies"])
        for n in sorted(coords):
            lat, lon = coords[n]
            w.writerow([site_id(n), "EU grid node %d" % n, "energy.electricity", lat, lon,
                        "power" if n in sources else ""])

    def numeric(key):
        return tuple(int(s[3:]) for s in key)

    with open(os.path.join(args.out, "deps.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site", "supplier", "service", "kind"])
        for site, supplier in sorted(edges, key=numeric):
            w.writerow([site, supplier, "power", "link"])

    sizes = sorted((len(c) for c in components), reverse=True)
    print("nodes                      %d" % len(coords))
    print("edge rows read             %d" % raw_edges)
    print("self-loops dropped         %d" % self_loops)
    print("duplicate edges dropped    %d" % duplicates)
    print("edges written (links)      %d" % len(edges))
    print("connected components       %d (largest %s)" % (len(components), ", ".join(map(str, sizes[:5]))))
    print("isolated nodes             %d" % sum(1 for n in coords if degree[n] == 0))
    print("max degree                 %d" % max(degree.values()))
    print("sources, degree >= %-2d      %d" % (args.min_degree, len(by_degree)))
    print("sources, component rule    %d" % len(fallback))
    print("sources, total             %d" % len(sources))


if __name__ == "__main__":
    main()
