#!/usr/bin/python3
"""Hand-worked tiny cases for cascade_nx.py (docs/cascade.md, deterministic part).

Run:  /usr/bin/python3 -m unittest -v tests/conformance/test_cascade_small.py
  or  /usr/bin/python3 tests/conformance/test_cascade_small.py

Every expected lost set below is worked out by hand in the comments, from the text
of docs/cascade.md, not by running the code.
"""

import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cascade_nx  # noqa: E402

SITE_HEADER = ["id", "name", "category", "lat", "lon", "capacity", "operator",
               "supplies", "population_served", "region", "tags", "footprint"]
DEP_HEADER = ["site", "supplier", "service", "kind", "redundancy_group",
              "buffer_hours", "directed"]


def sites_csv(*rows):
    """rows: (id, supplies, population) with supplies ';'-separated, population '' or int."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SITE_HEADER)
    for sid, supplies, pop in rows:
        w.writerow([sid, "Site " + sid, "energy.electricity", "", "", "", "",
                    supplies, pop, "", "", ""])
    return out.getvalue()


def deps_csv(*rows, needs=False):
    """rows: (site, supplier, service, kind, group, directed[, needs])."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(DEP_HEADER + (["needs"] if needs else []))
    for r in rows:
        site, supplier, service, kind, group, directed = r[:6]
        row = [site, supplier, service, kind, group, "", "true" if directed else ""]
        if needs:
            row.append(r[6] if len(r) > 6 else "")
        w.writerow(row)
    return out.getvalue()


def supply(site, supplier, service="power", group="", needs=""):
    return (site, supplier, service, "supply", group, False, needs)


def link(a, b, service="power", directed=False):
    # row: site=a, supplier=b; when directed, service flows b -> a.
    return (a, b, service, "link", "", directed, "")


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, sites, deps):
        sp = os.path.join(self.tmp.name, "sites.csv")
        dp = os.path.join(self.tmp.name, "deps.csv")
        with open(sp, "w", encoding="utf-8") as f:
            f.write(sites)
        with open(dp, "w", encoding="utf-8") as f:
            f.write(deps)
        return sp, dp

    def model(self, sites, deps, service=None):
        return cascade_nx.load(*self.write(sites, deps), service=service)

    def lost(self, model, *removed):
        return cascade_nx.cascade(model, set(removed))["lost"]

    def crit(self, model, **kw):
        return {r["site"]: (r["sites_lost"], r["population_lost"])
                for r in cascade_nx.criticality(model, **kw)}


class Chain(Case):
    # src --supply--> a --supply--> b  (power). src is the only source.
    # Baseline: src (source), a (group {src} satisfied), b (group {a} satisfied).
    def setUp(self):
        super().setUp()
        self.m = self.model(sites_csv(("src", "power", 1000), ("a", "", 10), ("b", "", 100)),
                            deps_csv(supply("a", "src"), supply("b", "a")))

    def test_remove_source_loses_chain(self):
        # remove src: a has no supplier with power, then b neither -> {a, b}
        r = cascade_nx.cascade(self.m, {"src"})
        self.assertEqual(r, {"removed": ["src"], "lost": ["a", "b"], "sites_lost": 2,
                             "population_lost": 110})

    def test_remove_middle(self):
        self.assertEqual(self.lost(self.m, "a"), ["b"])          # b's only supplier gone

    def test_remove_leaf(self):
        self.assertEqual(self.lost(self.m, "b"), [])             # nothing depends on b

    def test_criticality(self):
        # src: {a,b} 2 sites 110 people; a: {b} 1 site 100 people; b: 0.
        rows = cascade_nx.criticality(self.m)
        self.assertEqual(rows, [
            {"site": "src", "sites_lost": 2, "population_lost": 110},
            {"site": "a", "sites_lost": 1, "population_lost": 100},
            {"site": "b", "sites_lost": 0, "population_lost": 0},
        ])


class Redundancy(Case):
    def test_one_of_two_same_group(self):
        # x needs power from s1 or s2 (one group "feed", 1 of 2).
        m = self.model(sites_csv(("s1", "power", ""), ("s2", "power", ""), ("x", "", 5)),
                       deps_csv(supply("x", "s1", group="feed"), supply("x", "s2", group="feed")))
        self.assertEqual(self.lost(m, "s1"), [])                 # s2 still feeds x
        self.assertEqual(self.lost(m, "s2"), [])                 # s1 still feeds x
        self.assertEqual(self.lost(m, "s1", "s2"), ["x"])        # no supplier left
        self.assertEqual(self.crit(m), {"s1": (0, 0), "s2": (0, 0), "x": (0, 0)})

    def test_two_groups_are_alternatives(self):
        # x: group "a" = {s1}, group "b" = {s2}; one satisfied group is enough.
        m = self.model(sites_csv(("s1", "power", ""), ("s2", "power", ""), ("x", "", 5)),
                       deps_csv(supply("x", "s1", group="a"), supply("x", "s2", group="b")))
        self.assertEqual(self.lost(m, "s1"), [])
        self.assertEqual(self.lost(m, "s1", "s2"), ["x"])

    def test_empty_group_names(self):
        # x: two suppliers both with an empty group -> one group, 1 of 2 (the same
        # answer as alternatives when k = 1).
        m = self.model(sites_csv(("s1", "power", ""), ("s2", "power", ""), ("x", "", 5)),
                       deps_csv(supply("x", "s1"), supply("x", "s2")))
        self.assertEqual(self.lost(m, "s2"), [])
        self.assertEqual(self.lost(m, "s1", "s2"), ["x"])


class KofN(Case):
    def setUp(self):
        super().setUp()
        # x needs 2 of {s1, s2, s3} (group g).
        # y needs 2 of {s1, s2, s3} (group g) OR 1 of {s4} (group alt).
        # z needs 3 of {s1, s2} (group h): k > n, never satisfied -> baseline unserved.
        deps = [supply("x", s, group="g", needs="2") for s in ("s1", "s2", "s3")]
        deps += [supply("y", s, group="g", needs="2") for s in ("s1", "s2", "s3")]
        deps += [supply("y", "s4", group="alt")]
        deps += [supply("z", s, group="h", needs="3") for s in ("s1", "s2")]
        self.m = self.model(
            sites_csv(("s1", "power", ""), ("s2", "power", ""), ("s3", "power", ""),
                      ("s4", "power", ""), ("x", "", 7), ("y", "", 11), ("z", "", 13)),
            deps_csv(*deps, needs=True))

    def test_baseline(self):
        self.assertEqual(self.m.baseline(), {"s1", "s2", "s3", "s4", "x", "y"})
        self.assertFalse(self.m.single_service_k1)

    def test_one_of_three_removed(self):
        self.assertEqual(self.lost(self.m, "s1"), [])            # x, y: 2 of 3 left

    def test_two_of_three_removed(self):
        # only s3 left: x has 1 < 2 -> lost; y's alt group {s4} holds; z never counted.
        self.assertEqual(self.lost(self.m, "s1", "s2"), ["x"])

    def test_alternative_gone_too(self):
        self.assertEqual(self.lost(self.m, "s1", "s2", "s4"), ["x", "y"])

    def test_criticality_brute(self):
        # every single removal leaves 2 of 3 (or s4 is only an alternative of y): all 0.
        self.assertEqual(set(self.crit(self.m).values()), {(0, 0)})

    def test_k_of_n_through_network(self):
        # a gets power over a link from s1, b over a link from s2; x needs 2 of {a, b}.
        # remove s1: a loses power (its only link is to s1) -> x has 1 of 2 -> {a, x}.
        m = self.model(sites_csv(("s1", "power", ""), ("s2", "power", ""), ("a", "", 1),
                                 ("b", "", 2), ("x", "", 4)),
                       deps_csv(link("a", "s1"), link("b", "s2"),
                                supply("x", "a", group="g", needs="2"),
                                supply("x", "b", group="g", needs="2"), needs=True))
        self.assertEqual(self.lost(m, "s1"), ["a", "x"])
        self.assertEqual(self.lost(m, "b"), ["x"])
        self.assertEqual(self.crit(m), {"s1": (2, 5), "s2": (2, 6), "a": (1, 4),
                                        "b": (1, 4), "x": (0, 0)})


class Network(Case):
    def test_ring_with_one_source(self):
        # ring G - r1 - r2 - r3 - G, G the only source.
        m = self.model(sites_csv(("G", "power", ""), ("r1", "", 1), ("r2", "", 2), ("r3", "", 4)),
                       deps_csv(link("r1", "G"), link("r2", "r1"), link("r3", "r2"),
                                link("G", "r3")))
        self.assertEqual(self.lost(m, "r1"), [])                 # r2 reached via r3
        self.assertEqual(self.lost(m, "r2"), [])                 # r1 via G, r3 via G
        self.assertEqual(self.lost(m, "G"), ["r1", "r2", "r3"])  # no source left
        self.assertEqual(self.lost(m, "r1", "r3"), ["r2"])       # r2 cut off
        # dominator path + brute force (auto-checked on small models)
        self.assertEqual(self.crit(m), {"G": (3, 7), "r1": (0, 0), "r2": (0, 0),
                                        "r3": (0, 0)})

    def test_path_loses_tail(self):
        # path G - p1 - p2 - p3 (links written in both orientations of the row)
        m = self.model(sites_csv(("G", "power", ""), ("p1", "", 1), ("p2", "", 2), ("p3", "", 4)),
                       deps_csv(link("p1", "G"), link("p1", "p2"), link("p3", "p2")))
        self.assertEqual(self.lost(m, "p1"), ["p2", "p3"])
        self.assertEqual(self.lost(m, "p2"), ["p3"])
        self.assertEqual(self.lost(m, "p3"), [])
        self.assertEqual(self.crit(m, brute=True),
                         {"G": (3, 7), "p1": (2, 6), "p2": (1, 4), "p3": (0, 0)})

    def test_directed_link(self):
        # s -> a (directed), a -> b (directed), b - c (undirected), c -> a (directed).
        # w -> ... : a directed link w <- s? no: row site=s supplier=w directed, so power
        # flows w -> s only; w is an endpoint, not a source, and nothing flows to it.
        m = self.model(sites_csv(("s", "power", ""), ("a", "", 1), ("b", "", 2), ("c", "", 4),
                                 ("w", "", 8)),
                       deps_csv(link("a", "s", directed=True), link("b", "a", directed=True),
                                link("c", "b"), link("a", "c", directed=True),
                                link("s", "w", directed=True)))
        # baseline: s, a (from s), b (from a), c (from b); w never gets power.
        self.assertEqual(m.baseline(), {"s", "a", "b", "c"})
        self.assertEqual(self.lost(m, "a"), ["b", "c"])          # c -> a does not help b
        self.assertEqual(self.lost(m, "b"), ["c"])               # b is c's only way in
        self.assertEqual(self.lost(m, "c"), [])
        self.assertEqual(self.lost(m, "s"), ["a", "b", "c"])     # w unserved, not lost
        self.assertEqual(self.crit(m, check=True),
                         {"s": (3, 7), "a": (2, 6), "b": (1, 4), "c": (0, 0), "w": (0, 0)})

    def test_directed_link_not_backwards(self):
        # t - s? no: x's only link is directed x -> s, so x has no power in the baseline
        # and removing s does not "lose" it.
        m = self.model(sites_csv(("s", "power", ""), ("x", "", 3)),
                       deps_csv(link("s", "x", directed=True)))
        self.assertEqual(m.baseline(), {"s"})
        self.assertEqual(self.lost(m, "s"), [])


class Interdependent(Case):
    def test_minimal_pair(self):
        # P supplies power and needs water from W; W supplies water and needs power
        # from P. Remove P: W has no power -> lost. Remove W: P has no water -> lost.
        m = self.model(sites_csv(("P", "power", 100), ("W", "water", 200)),
                       deps_csv(supply("P", "W", "water"), supply("W", "P", "power")))
        self.assertEqual(m.baseline(), {"P", "W"})
        self.assertEqual(cascade_nx.cascade(m, {"P"}),
                         {"removed": ["P"], "lost": ["W"], "sites_lost": 1,
                          "population_lost": 200})
        self.assertEqual(self.lost(m, "W"), ["P"])
        self.assertEqual(cascade_nx.criticality(m), [
            {"site": "P", "sites_lost": 1, "population_lost": 200},
            {"site": "W", "sites_lost": 1, "population_lost": 100},
        ])

    def test_through_power_network(self):
        # P (power source) - n1 (substation) power link; W (water source) needs power
        # from n1 (supply); P needs water from W (supply).
        # remove W: water has = {} -> P (needs water) fails; round 2: n1 loses power
        #   -> lost {P, n1}.
        # remove P: n1 and then W lose power -> {W, n1}.
        # remove n1: W loses power -> round 2: P loses water -> {P, W}.
        m = self.model(sites_csv(("P", "power", 1), ("n1", "", 2), ("W", "water", 4)),
                       deps_csv(link("n1", "P"), supply("W", "n1", "power"),
                                supply("P", "W", "water")))
        self.assertEqual(self.lost(m, "W"), ["P", "n1"])
        self.assertEqual(self.lost(m, "P"), ["W", "n1"])
        self.assertEqual(self.lost(m, "n1"), ["P", "W"])
        self.assertEqual(self.crit(m), {"P": (2, 6), "n1": (2, 5), "W": (2, 3)})

    def test_one_service_only(self):
        # The same register, power only: P's water dependency is ignored, so P needs
        # nothing; removing W loses nothing; removing P loses n1 and W.
        sites = sites_csv(("P", "power", 1), ("n1", "", 2), ("W", "water", 4))
        deps = deps_csv(link("n1", "P"), supply("W", "n1", "power"), supply("P", "W", "water"))
        m = self.model(sites, deps, service="power")
        self.assertTrue(m.single_service_k1)
        self.assertEqual(self.lost(m, "W"), [])
        self.assertEqual(self.lost(m, "P"), ["W", "n1"])
        self.assertEqual(self.crit(m), {"P": (2, 6), "n1": (1, 4), "W": (0, 0)})
        # water only: P needs water from W; nothing else.
        m = self.model(sites, deps, service="water")
        self.assertEqual(self.crit(m), {"P": (0, 0), "n1": (0, 0), "W": (1, 1)})


class Unserved(Case):
    def test_supply_cycle_without_source(self):
        # a <- b <- c <- a (supply, power), no source among them: least fixpoint is
        # empty, so a, b, c are unserved in the baseline and never lost.
        # s (source) -> d (supply) is the only thing that can be lost.
        m = self.model(sites_csv(("a", "", 1), ("b", "", 2), ("c", "", 4), ("s", "power", ""),
                                 ("d", "", 8)),
                       deps_csv(supply("a", "b"), supply("b", "c"), supply("c", "a"),
                                supply("d", "s")))
        self.assertEqual(m.baseline(), {"s", "d"})
        self.assertEqual(self.lost(m, "a"), [])
        self.assertEqual(self.lost(m, "s"), ["d"])
        self.assertEqual(self.crit(m), {"a": (0, 0), "b": (0, 0), "c": (0, 0),
                                        "s": (1, 8), "d": (0, 0)})

    def test_island_and_removed_excluded(self):
        # island i1 - i2 (link, no source) and e <- i1 (supply): all unserved.
        # main: s - m (link).
        m = self.model(sites_csv(("i1", "", 1), ("i2", "", 2), ("e", "", 4), ("s", "power", 8),
                                 ("m", "", 16)),
                       deps_csv(link("i1", "i2"), supply("e", "i1"), link("m", "s")))
        self.assertEqual(m.baseline(), {"s", "m"})
        self.assertEqual(self.lost(m, "i1"), [])                 # i2, e were unserved
        self.assertEqual(self.lost(m, "s"), ["m"])
        # removed sites are never in lost, served or not
        self.assertEqual(cascade_nx.cascade(m, {"s", "m"}),
                         {"removed": ["m", "s"], "lost": [], "sites_lost": 0,
                          "population_lost": 0})
        self.assertEqual(cascade_nx.cascade(m, {"s", "i1"})["lost"], ["m"])

    def test_source_never_needs_its_service(self):
        # s supplies power and has a supply dependency for power on t, which has no
        # power (t has nothing): s still works, and removing t loses nothing.
        m = self.model(sites_csv(("s", "power", ""), ("t", "", 1), ("u", "", 2)),
                       deps_csv(supply("s", "t"), supply("u", "s")))
        self.assertEqual(m.baseline(), {"s", "t", "u"})          # t needs nothing
        self.assertEqual(self.lost(m, "t"), [])
        self.assertEqual(self.lost(m, "s"), ["u"])


class Population(Case):
    def test_sums_and_unknown_as_zero(self):
        # s -> a, b, c (supply). a 1,000,000; b unknown (empty = 0); c 2,500; s 7.
        m = self.model(sites_csv(("s", "power", 7), ("a", "", 1000000), ("b", "", ""),
                                 ("c", "", 2500)),
                       deps_csv(supply("a", "s"), supply("b", "s"), supply("c", "s")))
        r = cascade_nx.cascade(m, {"s"})
        self.assertEqual(r["lost"], ["a", "b", "c"])
        self.assertEqual(r["population_lost"], 1002500)          # s's own 7 not counted
        self.assertEqual(cascade_nx.cascade(m, {"a"})["population_lost"], 0)

    def test_large_numbers(self):
        m = self.model(sites_csv(("s", "power", ""), ("a", "", 10000000000),
                                 ("b", "", 10000000000)),
                       deps_csv(supply("a", "s"), supply("b", "s")))
        self.assertEqual(cascade_nx.cascade(m, {"s"})["population_lost"], 20000000000)


class Criticality(Case):
    def test_sort_order(self):
        # star: s1 -> a, b; s2 -> c; ties sorted by id.
        m = self.model(sites_csv(("s2", "power", ""), ("s1", "power", ""), ("c", "", 1),
                                 ("b", "", 1), ("a", "", 1)),
                       deps_csv(supply("a", "s1"), supply("b", "s1"), supply("c", "s2")))
        self.assertEqual([(r["site"], r["sites_lost"]) for r in cascade_nx.criticality(m)],
                         [("s1", 2), ("s2", 1), ("a", 0), ("b", 0), ("c", 0)])

    def test_dominators_equal_brute_force_random(self):
        # Random single-service k = 1 registers: the dominator sweep and brute force
        # must agree exactly (criticality() asserts it; compared again here).
        rng = random.Random(20240601)
        for trial in range(60):
            n = rng.randint(2, 40)
            ids = ["v%02d" % i for i in range(n)]
            rows = [(v, "power" if rng.random() < 0.12 else "", rng.choice(["", 0, 1, 10, 500]))
                    for v in ids]
            seen, deps = set(), []
            for _ in range(rng.randint(0, 2 * n)):
                a, b = rng.sample(ids, 2)
                kind = rng.choice(["link", "link", "supply"])
                if (a, b, kind) in seen:
                    continue
                seen.add((a, b, kind))
                if kind == "link":
                    deps.append(link(a, b, directed=rng.random() < 0.3))
                else:
                    deps.append(supply(a, b, group=rng.choice(["", "g", "h"])))
            m = self.model(sites_csv(*rows), deps_csv(*deps))
            self.assertTrue(m.single_service_k1)
            self.assertEqual(cascade_nx.criticality_dominators(m),
                             cascade_nx.criticality_brute(m), "trial %d" % trial)

    def test_parallel_brute_force_same_result(self):
        # the interdependent register of Interdependent.test_through_power_network
        m = self.model(sites_csv(("P", "power", 1), ("n1", "", 2), ("W", "water", 4)),
                       deps_csv(link("n1", "P"), supply("W", "n1", "power"),
                                supply("P", "W", "water")))
        self.assertEqual(cascade_nx.criticality_brute(m, jobs=2),
                         {"P": (2, 6), "n1": (2, 5), "W": (2, 3)})

    def test_relaxation_equals_reachability_random(self):
        # For k = 1 the relaxation and the reachability must give the same has_S.
        rng = random.Random(7)
        for trial in range(40):
            n = rng.randint(2, 30)
            ids = ["v%02d" % i for i in range(n)]
            rows = [(v, "power" if rng.random() < 0.15 else "", 1) for v in ids]
            deps, seen = [], set()
            for _ in range(rng.randint(0, 2 * n)):
                a, b = rng.sample(ids, 2)
                kind = rng.choice(["link", "supply"])
                if (a, b, kind) not in seen:
                    seen.add((a, b, kind))
                    deps.append(link(a, b, directed=rng.random() < 0.3) if kind == "link"
                                else supply(a, b))
            m = self.model(sites_csv(*rows), deps_csv(*deps), service="power")
            sm = m.services["power"]
            for _ in range(5):
                working = {v for v in ids if rng.random() < 0.8}
                self.assertEqual(cascade_nx.has_service_reach(sm, working),
                                 cascade_nx.has_service_relax(sm, working))


class Format(Case):
    def test_column_order_and_needs_column(self):
        # deps columns shuffled, `needs` present; sites columns shuffled.
        sites = "population_served,id,supplies,name\n5,x,,X\n,s1,power,S1\n,s2,power,S2\n"
        deps = ("needs,service,site,supplier,kind,directed,redundancy_group,buffer_hours\n"
                "2,power,x,s1,supply,,g,12\n2,power,x,s2,supply,,g,\n")
        m = self.model(sites, deps)
        self.assertEqual(self.lost(m, "s1"), ["x"])              # 2 of 2 needed

    def test_cli(self):
        sp, dp = self.write(sites_csv(("src", "power", 1000), ("a", "", 10), ("b", "", 100)),
                            deps_csv(supply("a", "src"), supply("b", "a")))
        exe = [sys.executable, os.path.join(HERE, "cascade_nx.py"), sp, dp]
        out = subprocess.run(exe + ["cascade", "--remove", "a"], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(json.loads(out), {"removed": ["a"], "lost": ["b"], "sites_lost": 1,
                                           "population_lost": 100})
        out = subprocess.run(exe + ["cascade", "--remove", "a,src", "--service", "power"],
                             check=True, capture_output=True, text=True).stdout
        self.assertEqual(json.loads(out)["lost"], ["b"])
        out = subprocess.run(exe + ["criticality", "--brute"], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(json.loads(out)[0], {"site": "src", "sites_lost": 2,
                                              "population_lost": 110})
        bad = subprocess.run(exe + ["cascade", "--remove", "nope"], capture_output=True,
                             text=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unknown site", bad.stderr)


if __name__ == "__main__":
    unittest.main()
