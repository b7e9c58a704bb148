#!/usr/bin/python3
"""Independent NetworkX implementation of bulwark's deterministic cascade model.

This is a conformance oracle for the C engine (src/method/graph.c, cascade.c).
It implements the sections "What a site needs", "The deterministic cascade" and
"Criticality" of docs/cascade.md, and nothing of the timed cascade.

It is deliberately written differently from a C breadth-first search with group
counters:

* has_S, when every supply group of S needs one supplier, is the set of
  descendants of a super-source in the service's flow graph (a networkx.DiGraph:
  links both ways unless directed, supply dependencies supplier -> site, the
  super-source -> every source) with the non-working sites hidden;
* has_S with k-of-n groups (k > 1) is a plain round-by-round relaxation of the
  three rules of the specification until nothing changes (a least fixpoint);
* criticality is brute force (one full cascade per site); for one service with
  k = 1 everywhere it is also computed from networkx.immediate_dominators, and
  the two are compared whenever both are computed (always below
  AUTO_CHECK_SITES sites, and with --brute or --check).

Module use:

    model = load("sites.csv", "deps.csv")          # or load(..., service="power")
    result = cascade(model, {"sub-1"})              # dict, see cascade()
    rows = criticality(model)                       # list of dicts, sorted

CLI (system python):

    /usr/bin/python3 cascade_nx.py SITES.csv DEPS.csv cascade --remove ID[,ID...] [--service S]
    /usr/bin/python3 cascade_nx.py SITES.csv DEPS.csv criticality [--service S] [--brute|--check] [--jobs N]

Input: bulwark's canonical CSV exports (docs/formats.md), read with csv.DictReader
so the column order does not matter. deps.csv may carry an extra column `needs`
(k of a k-of-n group; empty or absent = 1).

Interpretation choices where docs/cascade.md leaves room (keep in sync with the C
engine; each one is a single place in this file):

* A supply group is keyed by (site, service, redundancy_group); every dependency
  with an empty redundancy_group of that site and service belongs to one and the
  same group (the empty name is a group of its own, distinct from every named one).
* The k of a group is the largest `needs` written on any of its rows.
  A group whose k exceeds its number of suppliers can never be satisfied.
* "x is an endpoint of an S link" counts both ends of a directed link, so the
  supplier end of a directed link needs S unless it is a source.
* A site that has S but does not need S still passes S on (links, supplies):
  has_S is defined only by the three rules.
"""

import argparse
import csv
import json
import sys

import networkx as nx

#: The super-source of every flow graph; a tuple never equals a CSV string id.
SUPER = ("__bulwark_super_source__",)

#: Below this many sites the dominator sweep is always checked against brute force.
AUTO_CHECK_SITES = 400


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

def _list(text):
    """A ';'-separated list: items trimmed, empty items dropped."""
    return [item.strip() for item in (text or "").split(";") if item.strip()]


def _whole(text, what, default=0):
    text = (text or "").strip()
    if text == "":
        return default
    try:
        return int(text, 10)
    except ValueError:
        raise ValueError("%s: %r is not a whole number" % (what, text)) from None


def _bool(text, what):
    text = (text or "").strip().lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise ValueError("%s: %r is not true or false" % (what, text))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class ServiceModel:
    """Everything about one service S."""

    def __init__(self, name):
        self.name = name
        self.sources = set()      # sites whose `supplies` contains S
        self.links = []           # (supplier, site, directed)
        # groups[x][group name] = [k, [suppliers]]
        self.groups = {}
        self.link_in = {}         # x -> set of y whose S flows to x over a link
        self.needs = set()        # sites that need S
        self.graph = None         # nx.DiGraph flow graph with SUPER
        self.k1 = True            # every group needs exactly one supplier

    def finish(self):
        # What a site needs (docs/cascade.md): a supply dependency, or an endpoint of
        # an S link; a source of S never needs S.
        needs = set(self.groups)
        for supplier, site, _directed in self.links:
            needs.add(supplier)
            needs.add(site)
        self.needs = needs - self.sources

        g = nx.DiGraph()
        g.add_node(SUPER)
        for s in self.sources:
            g.add_edge(SUPER, s)
        for supplier, site, directed in self.links:
            g.add_edge(supplier, site)
            self.link_in.setdefault(site, set()).add(supplier)
            if not directed:
                g.add_edge(site, supplier)
                self.link_in.setdefault(supplier, set()).add(site)
        for x, groups in self.groups.items():
            for k, suppliers in groups.values():
                if k != 1:
                    self.k1 = False
                for y in suppliers:
                    g.add_edge(y, x)
        self.graph = g
        self.scratch = g.copy()   # mutated (and restored) by has_service_reach
        self.nodeset = set(g) - {SUPER}


class Model:
    def __init__(self):
        self.sites = []           # ids, file order
        self.population = {}      # id -> int
        self.services = {}        # name -> ServiceModel (only those considered)
        self.needs_of = {}        # id -> set of services it needs
        self._baseline = None

    @property
    def single_service_k1(self):
        """True when the dominator shortcut of docs/cascade.md applies."""
        return len(self.services) <= 1 and all(s.k1 for s in self.services.values())

    def baseline(self):
        if self._baseline is None:
            self._baseline = fixpoint(self, set())
        return self._baseline


def build(site_rows, dep_rows, service=None):
    """Build a Model from DictReader rows; `service` restricts it to one service."""
    m = Model()
    supplies = {}
    for n, row in enumerate(site_rows, start=2):
        sid = row.get("id")
        if not sid:
            raise ValueError("sites.csv:%d: no id" % n)
        if sid in m.population:
            raise ValueError("sites.csv:%d: duplicate id %r" % (n, sid))
        m.sites.append(sid)
        m.population[sid] = _whole(row.get("population_served"),
                                   "sites.csv:%d: population_served" % n)
        supplies[sid] = _list(row.get("supplies"))

    def svc(name):
        if name not in m.services:
            m.services[name] = ServiceModel(name)
        return m.services[name]

    wanted = (lambda s: s == service) if service is not None else (lambda s: True)
    for sid, names in supplies.items():
        for s in names:
            if wanted(s):
                svc(s).sources.add(sid)
    if service is not None:
        svc(service)

    for n, row in enumerate(dep_rows, start=2):
        where = "deps.csv:%d" % n
        site, supplier = row.get("site"), row.get("supplier")
        s = (row.get("service") or "").strip()
        for ref in (site, supplier):
            if ref not in m.population:
                raise ValueError("%s: unknown site %r" % (where, ref))
        if site == supplier:
            raise ValueError("%s: self-loop on %r" % (where, site))
        if not s:
            raise ValueError("%s: no service" % where)
        kind = (row.get("kind") or "").strip() or "supply"
        if kind not in ("supply", "link"):
            raise ValueError("%s: kind %r is not supply or link" % (where, kind))
        directed = _bool(row.get("directed"), where + ": directed")
        needs = _whole(row.get("needs"), where + ": needs", default=1)
        if needs < 1:
            raise ValueError("%s: needs %d is not at least 1" % (where, needs))
        if not wanted(s):
            continue
        sm = svc(s)
        if kind == "link":
            sm.links.append((supplier, site, directed))
        else:
            group = (row.get("redundancy_group") or "").strip()
            entry = sm.groups.setdefault(site, {}).setdefault(group, [1, []])
            entry[0] = max(entry[0], needs)
            if supplier not in entry[1]:
                entry[1].append(supplier)

    for sm in m.services.values():
        sm.finish()
    m.needs_of = {x: set() for x in m.sites}
    for name, sm in m.services.items():
        for x in sm.needs:
            m.needs_of[x].add(name)
    return m


def load(sites_path, deps_path, service=None):
    return build(read_csv(sites_path), read_csv(deps_path), service)


# --------------------------------------------------------------------------------------
# The deterministic cascade
# --------------------------------------------------------------------------------------

def has_service_reach(sm, working):
    """has_S for k = 1 everywhere: descendants of SUPER with non-working sites hidden.

    The non-working sites are taken out of a scratch copy of the flow graph (and put
    back afterwards) rather than hidden behind a graph view: the same reachability,
    an order of magnitude faster on a 13k-node grid.
    """
    g = sm.scratch
    hidden = sm.nodeset - working
    saved = []
    for v in hidden:
        saved.append((v, list(g.pred[v]), list(g.succ[v])))
    g.remove_nodes_from(hidden)
    try:
        return nx.descendants(g, SUPER)
    finally:
        for v, preds, succs in saved:
            g.add_node(v)
        for v, preds, succs in saved:
            g.add_edges_from((u, v) for u in preds)
            g.add_edges_from((v, w) for w in succs)


def has_service_relax(sm, working):
    """has_S as the least fixpoint of the three rules, by plain relaxation rounds."""
    has = {x for x in sm.sources if x in working}
    candidates = [x for x in sm.graph
                  if x is not SUPER and x in working and x not in has]
    changed = True
    while changed:
        changed = False
        still = []
        for x in candidates:
            ok = any(y in has for y in sm.link_in.get(x, ()))
            if not ok:
                for k, suppliers in sm.groups.get(x, {}).values():
                    if sum(1 for y in suppliers if y in has) >= k:
                        ok = True
                        break
            if ok:
                has.add(x)
                changed = True
            else:
                still.append(x)
        candidates = still
    return has


def has_service(sm, working):
    if sm.k1:
        return has_service_reach(sm, working)
    return has_service_relax(sm, working)


def fixpoint(model, removed):
    """The working set at the fixpoint of the cascade for the removed set."""
    working = set(model.sites) - set(removed)
    while True:
        failing = set()
        for sm in model.services.values():
            # sites of working that need S and do not have it
            failing |= (sm.needs & working) - has_service(sm, working)
        nxt = working - failing
        if nxt == working:
            return working
        working = nxt


def cascade(model, removed):
    """Cascade of the removed set: {"removed","lost","sites_lost","population_lost"}."""
    removed = set(removed)
    for r in removed:
        if r not in model.population:
            raise ValueError("unknown site %r" % r)
    base = model.baseline()
    working = fixpoint(model, removed)
    lost = sorted((base - working) - removed)
    return {
        "removed": sorted(removed),
        "lost": lost,
        "sites_lost": len(lost),
        "population_lost": sum(model.population[x] for x in lost),
    }


# --------------------------------------------------------------------------------------
# Criticality
# --------------------------------------------------------------------------------------

def _sort_rows(table):
    rows = [{"site": v, "sites_lost": n, "population_lost": p}
            for v, (n, p) in table.items()]
    rows.sort(key=lambda r: (-r["sites_lost"], r["site"]))
    return rows


_WORKER_MODEL = None


def _one(v):
    r = cascade(_WORKER_MODEL, {v})
    return v, (r["sites_lost"], r["population_lost"])


def criticality_brute(model, progress=None, jobs=1):
    """{site: (sites_lost, population_lost)}, one full cascade per site.

    jobs > 1 forks that many worker processes (each with its own copy of the model);
    the result does not depend on it.
    """
    global _WORKER_MODEL
    model.baseline()                      # computed once, inherited by the workers
    out = {}
    _WORKER_MODEL = model
    try:
        if jobs > 1 and len(model.sites) > 1:
            import multiprocessing
            ctx = multiprocessing.get_context("fork")
            chunk = max(1, min(256, len(model.sites) // (jobs * 8)))
            with ctx.Pool(jobs) as pool:
                results = pool.imap_unordered(_one, model.sites, chunksize=chunk)
                for i, (v, val) in enumerate(results):
                    out[v] = val
                    if progress and (i + 1) % progress == 0:
                        print("brute: %d/%d" % (i + 1, len(model.sites)), file=sys.stderr)
        else:
            for i, v in enumerate(model.sites):
                out[v] = _one(v)[1]
                if progress and (i + 1) % progress == 0:
                    print("brute: %d/%d" % (i + 1, len(model.sites)), file=sys.stderr)
    finally:
        _WORKER_MODEL = None
    return out


def criticality_dominators(model):
    """{site: (sites_lost, population_lost)} from the dominator tree (one service, k=1)."""
    if not model.single_service_k1:
        raise ValueError("the dominator sweep needs one service with k = 1 groups")
    out = {v: (0, 0) for v in model.sites}
    if not model.services:
        return out
    (sm,) = model.services.values()
    idom = nx.immediate_dominators(sm.graph, SUPER)
    children = {}
    for v, d in idom.items():
        if v is not SUPER and d != v:
            children.setdefault(d, []).append(v)
    # Subtree sizes and populations, post-order without recursion.
    size, pop = {}, {}
    stack = [(SUPER, False)]
    while stack:
        v, done = stack.pop()
        if done:
            size[v] = 1 + sum(size[c] for c in children.get(v, ()))
            pop[v] = (0 if v is SUPER else model.population[v]) + \
                sum(pop[c] for c in children.get(v, ()))
        else:
            stack.append((v, True))
            for c in children.get(v, ()):
                stack.append((c, False))
    for v in model.sites:
        if v in size:
            out[v] = (size[v] - 1, pop[v] - model.population[v])
    return out


def _compare(a, b):
    bad = [v for v in a if a[v] != b.get(v)]
    if bad or set(a) != set(b):
        sample = ", ".join("%s: brute %s dominators %s" % (v, a[v], b.get(v))
                           for v in sorted(bad)[:10])
        raise AssertionError("dominator sweep disagrees with brute force on %d sites: %s"
                             % (len(bad), sample))


def criticality(model, brute=False, check=None, progress=None, jobs=1):
    """Sorted rows {"site","sites_lost","population_lost"} for every site.

    One service with k = 1: the dominator sweep (and, with brute=True, brute force is
    what is returned). check (default: small models or brute=True) computes both and
    asserts they agree. Otherwise brute force.
    """
    if not model.single_service_k1:
        return _sort_rows(criticality_brute(model, progress, jobs))
    if check is None:
        check = brute or len(model.sites) <= AUTO_CHECK_SITES
    dom = criticality_dominators(model)
    if not (brute or check):
        return _sort_rows(dom)
    bru = criticality_brute(model, progress, jobs)
    _compare(bru, dom)
    return _sort_rows(bru if brute else dom)


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

def _parse_removed(model, args):
    out = []
    for arg in args:
        if arg in model.population:       # an id may itself contain a comma
            out.append(arg)
        else:
            out.extend(part for part in arg.split(",") if part != "")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sites")
    p.add_argument("deps")
    sub = p.add_subparsers(dest="command", required=True)
    pc = sub.add_parser("cascade", help="cascade of a removed set")
    pc.add_argument("--remove", action="append", required=True, metavar="ID[,ID...]")
    pc.add_argument("--service")
    pk = sub.add_parser("criticality", help="criticality of every site")
    pk.add_argument("--service")
    pk.add_argument("--brute", action="store_true",
                    help="brute force (one cascade per site) even for one k=1 service; "
                         "also checked against the dominator sweep")
    pk.add_argument("--check", action="store_true",
                    help="compute both ways and assert they agree")
    pk.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="brute force in N forked processes (default 1)")
    pk.add_argument("--progress", type=int, default=0, metavar="N",
                    help="report brute-force progress every N sites on stderr")
    a = p.parse_args(argv)
    try:
        model = load(a.sites, a.deps, a.service)
        if a.command == "cascade":
            result = cascade(model, _parse_removed(model, a.remove))
        else:
            result = criticality(model, brute=a.brute, check=a.check or None,
                                 progress=a.progress or None, jobs=max(1, a.jobs))
    except (ValueError, OSError) as e:
        print("cascade_nx: %s" % e, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
