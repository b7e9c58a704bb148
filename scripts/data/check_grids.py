#!/usr/bin/env python3
"""Independent check of data/grid/{eu,rts-gmlc} against their sources with NetworkX
(Debian python3-networkx, or pip networkx). Not needed to build the files.

Usage: check_grids.py [--eu-src DIR] [--rts-src DIR]

Checks, per data set: node and edge counts of the source graph, that the link rows of
deps.csv are exactly the source edges (undirected, no self-loops, no duplicates, site <
supplier), the number of connected components, the sources (supplies=power) against the
documented rule, and that every component has at least one source (so the baseline
cascade serves every site). Exits 1 on the first mismatch.
"""
import argparse
import csv
import os
import sys
from decimal import Decimal

import networkx as nx

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def check(cond, msg):
    print(("ok    " if cond else "FAIL  ") + msg)
    if not cond:
        sys.exit(1)


def load_out(d):
    with open(os.path.join(d, "sites.csv"), newline="", encoding="utf-8") as f:
        sites = list(csv.DictReader(f))
    with open(os.path.join(d, "deps.csv"), newline="", encoding="utf-8") as f:
        deps = list(csv.DictReader(f))
    return sites, deps


def out_graph(sites, deps):
    g = nx.Graph()
    g.add_nodes_from(s["id"] for s in sites)
    for d in deps:
        check_row = d["site"] < d["supplier"] and d["service"] == "power" and d["kind"] == "link"
        if not check_row:
            check(False, "deps row %r" % d)
        g.add_edge(d["site"], d["supplier"])
    return g


def eu(src):
    print("== EU grid (%s)" % src)
    with open(os.path.join(src, "powergridEU_V.csv"), newline="") as f:
        nodes = [r[0] for r in csv.reader(f) if r]
    with open(os.path.join(src, "powergridEU_E.csv"), newline="") as f:
        edges = [tuple(r) for r in csv.reader(f) if r]
    raw = nx.MultiGraph()
    raw.add_nodes_from(nodes)
    raw.add_edges_from(edges)
    g_src = nx.Graph(raw)
    g_src.remove_edges_from(list(nx.selfloop_edges(g_src)))
    print("      source: %d nodes, %d edge rows, %d self-loops, %d distinct undirected edges"
          % (raw.number_of_nodes(), raw.number_of_edges(), nx.number_of_selfloops(raw),
             g_src.number_of_edges()))
    check(raw.number_of_nodes() == 13478, "13,478 nodes")
    check(raw.number_of_edges() == 16922, "16,922 edge rows")

    sites, deps = load_out(os.path.join(ROOT, "data", "grid", "eu"))
    g = out_graph(sites, deps)
    mapping = {n: "eu-" + n for n in g_src.nodes}
    check(set(g.nodes) == set(mapping.values()), "sites.csv has one site per source node")
    check(len(deps) == g.number_of_edges(), "deps.csv has no duplicate link")
    check(set(map(frozenset, g.edges)) == set(frozenset((mapping[a], mapping[b])) for a, b in g_src.edges),
          "deps.csv links == source edges (%d)" % g.number_of_edges())
    comps = list(nx.connected_components(g))
    print("      components: %d, sizes %s" % (len(comps), sorted(map(len, comps), reverse=True)[:5]))
    src = {s["id"] for s in sites if s["supplies"] == "power"}
    rule = {n for n, k in g.degree if k >= 5}
    for c in comps:
        if not c & rule:
            rule.add(min(c, key=lambda n: (-g.degree[n], int(n[3:]))))
    check(src == rule, "sources == rule (degree >= 5, + one per sourceless component): %d" % len(src))
    check(all(c & src for c in comps), "every component has a source")
    hist = nx.degree_histogram(g)
    print("      degree histogram: %s" % {k: v for k, v in enumerate(hist) if v})


def rts(src):
    print("== RTS-GMLC (%s)" % src)
    with open(os.path.join(src, "bus.csv"), newline="") as f:
        buses = list(csv.DictReader(f))
    with open(os.path.join(src, "branch.csv"), newline="") as f:
        br = list(csv.DictReader(f))
    with open(os.path.join(src, "dc_branch.csv"), newline="") as f:
        dc = list(csv.DictReader(f))
    with open(os.path.join(src, "gen.csv"), newline="") as f:
        gens = list(csv.DictReader(f))
    raw = nx.MultiGraph()
    raw.add_nodes_from("rts-" + b["Bus ID"] for b in buses)
    raw.add_edges_from(("rts-" + r["From Bus"], "rts-" + r["To Bus"]) for r in br + dc)
    g_src = nx.Graph(raw)
    print("      source: %d buses, %d AC + %d DC branches, %d distinct bus pairs"
          % (raw.number_of_nodes(), len(br), len(dc), g_src.number_of_edges()))
    sites, deps = load_out(os.path.join(ROOT, "data", "grid", "rts-gmlc"))
    g = out_graph(sites, deps)
    check(set(g.nodes) == set(g_src.nodes), "one site per bus (%d)" % g.number_of_nodes())
    check(len(deps) == g.number_of_edges(), "deps.csv has no duplicate link")
    check(set(map(frozenset, g.edges)) == set(map(frozenset, g_src.edges)),
          "deps.csv links == distinct bus pairs (%d)" % g.number_of_edges())
    comps = list(nx.connected_components(g))
    gen_buses = {"rts-" + x["Bus ID"] for x in gens if float(x["PMax MW"]) > 0}
    src_ = {s["id"] for s in sites if s["supplies"] == "power"}
    check(src_ == gen_buses, "sources == buses with a generator of PMax > 0 (%d)" % len(src_))
    check(len(comps) == 1 and all(c & src_ for c in comps), "one component, with sources")
    load = {"rts-" + b["Bus ID"]: Decimal(b["MW Load"]) for b in buses}
    ok = all(int(s["population_served"]) == int((load[s["id"]] * 1000 / Decimal("2.2") + Decimal("0.5")) // 1)
             for s in sites)
    check(ok, "population_served == round_half_up(MW Load * 1000 / 2.2)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eu-src", default="/work/shared/data/power/grid-topologies-zuev")
    ap.add_argument("--rts-src", default="/work/shared/data/power/rts-gmlc")
    a = ap.parse_args()
    print("networkx %s" % nx.__version__)
    eu(a.eu_src)
    rts(a.rts_src)


if __name__ == "__main__":
    main()
