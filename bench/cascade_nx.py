#!/usr/bin/python3
"""cascade_nx.py — NetworkX brute-force criticality of one link-only service, and the
agreement check of the cascade benchmark (bench/README.md, "Cascades").

Model (the one bulwark uses for one service whose dependencies are all network links,
docs/cascade.md; the European grid in data/grid/eu is exactly that): links are
undirected edges, the sources are the sites whose `supplies` include the service, and a
site has the service when a path of working sites joins it to a working source. For a
removed site v the sites lost are the ones that lose every path to a source, not
counting v itself and not counting sites that had no path at baseline.

The brute force: one reachability computation from the working sources per removed
site — networkx.node_connected_component from a super-source joined to every source, on
networkx.restricted_view(G, [v], []) (the graph with v hidden).

It examines a deterministic sample: every STEP-th site in sites.csv order, starting with
the first (--step 10: 1,348 of the 13,478 EU sites), times the loop over the sample alone
(not reading the CSV or building the graph), and extrapolates to every site:
per-site mean x number of sites. It prints that as "RESULT key value" lines.

--check FILE (repeatable) compares the sampled sites' counts with another result, either
bulwark's `criticality --json --top 0` output (a JSON list of {site, sites_lost}) or a
TSV "id<TAB>sites_lost" (cascade_igraph --out, cascade_bench --sweep-out). Every file
must have every sampled site with the same count; files that cover every site must
also agree with each other on every site. Any difference is listed and the exit
status is 1.

usage: /usr/bin/python3 cascade_nx.py SITES.csv DEPS.csv [--service power] [--step K]
                                      [--out FILE] [--check FILE]...
(Debian's python3-networkx; the Debian python is /usr/bin/python3.)
"""
import argparse
import csv
import json
import sys
import time

import networkx as nx

SUPER = ("__super_source__",)


def load(sites_path, deps_path, service):
    with open(sites_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = [r["id"] for r in rows]
    sources = [r["id"] for r in rows
               if service in [x.strip() for x in (r.get("supplies") or "").split(";")]]
    g = nx.Graph()
    g.add_nodes_from(ids)
    with open(deps_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["service"] != service:
                continue
            if (r.get("kind") or "supply") != "link" or (r.get("directed") or "").lower() in (
                    "true", "1"):
                sys.exit("cascade_nx.py: only undirected links are supported (%s,%s)"
                         % (r["site"], r["supplier"]))
            g.add_edge(r["site"], r["supplier"])
    g.add_node(SUPER)
    for s in sources:
        g.add_edge(SUPER, s)
    return ids, sources, g


def read_result(path):
    """{site id: sites_lost} from bulwark's JSON list or a TSV."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("["):
        return {row["site"]: int(row["sites_lost"]) for row in json.loads(text)}
    out = {}
    for line in text.splitlines():
        if line.strip():
            parts = line.split("\t")
            out[parts[0]] = int(parts[1])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sites")
    ap.add_argument("deps")
    ap.add_argument("--service", default="power")
    ap.add_argument("--step", type=int, default=10)
    ap.add_argument("--out")
    ap.add_argument("--check", action="append", default=[])
    a = ap.parse_args()

    t0 = time.perf_counter()
    ids, sources, g = load(a.sites, a.deps, a.service)
    t_load = time.perf_counter() - t0
    base = nx.node_connected_component(g, SUPER) - {SUPER}
    sample = ids[::a.step]
    lost = {}
    t0 = time.perf_counter()
    for v in sample:
        reach = nx.node_connected_component(nx.restricted_view(g, [v], []), SUPER)
        # reach holds SUPER and only baseline sites (removing v only shrinks it)
        lost[v] = len(base) - (len(reach) - 1) - (v in base)
    t_sweep = time.perf_counter() - t0
    per = t_sweep / len(sample)
    print("networkx %s (Python %s): %d sites, %d links, %d sources; graph built in %.2f s"
          % (nx.__version__, sys.version.split()[0], len(ids), g.number_of_edges() - len(sources),
             len(sources), t_load))
    print("networkx brute force: %d sampled sites (every %d-th) in %.2f s = %.2f ms per site; "
          "EXTRAPOLATED to all %d sites: %.0f s"
          % (len(sample), a.step, t_sweep, per * 1e3, len(ids), per * len(ids)))
    print("RESULT nx_version %s" % nx.__version__)
    print("RESULT nx_examined %d" % len(sample))
    print("RESULT nx_sweep_s %.6g" % t_sweep)
    print("RESULT nx_per_site_s %.6g" % per)
    print("RESULT nx_full_s %.6g" % (per * len(ids)))
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for v in sample:
                f.write("%s\t%d\n" % (v, lost[v]))

    bad = 0
    results = []
    for path in a.check:
        r = read_result(path)
        results.append((path, r))
        diff = [v for v in sample if r.get(v) != lost[v]]
        for v in diff[:10]:
            print("MISMATCH %s: %s has %s, networkx %d" % (v, path, r.get(v), lost[v]))
        if diff:
            bad += 1
        print("check %s: %d sampled sites, %d differ from networkx" % (path, len(sample),
                                                                       len(diff)))
    full = [(p, r) for p, r in results if all(v in r for v in ids)]
    for p, r in full[1:]:
        p0, r0 = full[0]
        diff = [v for v in ids if r[v] != r0[v]]
        for v in diff[:10]:
            print("MISMATCH %s: %s has %d, %s %d" % (v, p, r[v], p0, r0[v]))
        if diff:
            bad += 1
        print("check %s against %s: all %d sites, %d differ" % (p, p0, len(ids), len(diff)))
    print("RESULT agree %d" % (0 if bad else 1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
