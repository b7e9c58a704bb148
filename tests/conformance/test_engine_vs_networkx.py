#!/usr/bin/python3
"""Conformance: the C cascade engine against the independent NetworkX implementation.

Both read the same register (the real European transmission grid of data/grid/eu, the
Liechtenstein demo, seeded random multi-service registers with k-of-n groups, and small
graphs made by the benchmark's national-graph generator) and must agree site by site on
the full criticality sweep and on random removals.

Run: /usr/bin/python3 tests/conformance/test_engine_vs_networkx.py PATH/TO/bulwark
(needs Debian's python3-networkx; BULWARK_HOME is the source tree).
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cascade_nx  # noqa: E402

BIN = None


def bw(db, *args):
    p = subprocess.run([BIN, "--db", db] + list(args), capture_output=True, text=True,
                       timeout=900, env=dict(os.environ, BULWARK_HOME=ROOT))
    if p.returncode != 0:
        raise AssertionError("bulwark %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


class Register:
    """A database built with the CLI plus its canonical CSV export for NetworkX."""

    def __init__(self, tmp, name):
        self.db = os.path.join(tmp, name + ".db")
        self.sites = os.path.join(tmp, name + "-sites.csv")
        self.deps = os.path.join(tmp, name + "-deps.csv")

    def export(self):
        bw(self.db, "export", "sites", "-o", self.sites)
        bw(self.db, "export", "deps", "-o", self.deps)

    def c_criticality(self, service=None):
        args = ["criticality", "--top", "0", "--json"]
        if service:
            args += ["--service", service]
        rows = json.loads(bw(self.db, *args))
        return {r["site"]: (r["sites_lost"], r["population_lost"]) for r in rows}

    def nx_criticality(self, service=None):
        model = cascade_nx.load(self.sites, self.deps, service=service)
        rows = cascade_nx.criticality(model)
        return {r["site"]: (r["sites_lost"], r["population_lost"]) for r in rows}

    def c_cascade(self, removed, service=None):
        args = ["cascade", "--remove", ",".join(removed), "--json"]
        if service:
            args += ["--service", service]
        return json.loads(bw(self.db, *args))["lost"]

    def nx_cascade(self, removed, service=None):
        model = cascade_nx.load(self.sites, self.deps, service=service)
        return sorted(cascade_nx.cascade(model, set(removed))["lost"])


def random_register(path_sites, path_deps, seed, n=120):
    """Sites over four services with links, 1-of-n and k-of-n supply groups and
    interdependencies (power needs telecom control; telecom and water need power)."""
    rng = random.Random(seed)
    kinds = []
    with open(path_sites, "w") as f:
        f.write("id,name,category,lat,lon,supplies,population_served\n")
        for i in range(n):
            r = rng.random()
            if r < 0.06:
                k = ("energy.electricity", "power")
            elif r < 0.10:
                k = ("drinking-water", "water")
            elif r < 0.14:
                k = ("communications", "telecom")
            elif r < 0.30:
                k = ("energy.electricity", "")
            else:
                k = ("hospital" if rng.random() < 0.1 else "educational-institution", "")
            kinds.append(k)
            f.write("s%03d,Site %d,%s,%.4f,%.4f,%s,%d\n" % (
                i, i, k[0], 47 + rng.random(), 9 + rng.random(), k[1], rng.randrange(0, 5000)))
    grid = [i for i, k in enumerate(kinds) if k[0] == "energy.electricity"]
    rows = set()
    with open(path_deps, "w") as f:
        f.write("site,supplier,service,kind,redundancy_group,buffer_hours,directed,needs\n")
        for _ in range(len(grid) * 2):
            a, b = rng.sample(grid, 2)
            key = (min(a, b), max(a, b), "power", "link")
            if key not in rows:
                rows.add(key)
                f.write("s%03d,s%03d,power,link,,,,\n" % (key[0], key[1]))
        for i, k in enumerate(kinds):
            wants = []
            if k[0] != "energy.electricity" or k[1] == "":
                wants.append("power")
            if k[0] in ("hospital", "educational-institution") and rng.random() < 0.7:
                wants.append("water")
            if k[0] in ("energy.electricity",) and rng.random() < 0.3:
                wants.append("telecom")
            for svc in wants:
                pool = [j for j, kk in enumerate(kinds) if j != i and (
                    (svc == "power" and kk[0] == "energy.electricity") or
                    (svc != "power" and kk[1] == svc))]
                if not pool:
                    continue
                m = min(len(pool), rng.choice([1, 2, 3]))
                need = rng.choice([1, 1, m])
                group = "g" if m > 1 else ""
                for j in rng.sample(pool, m):
                    key = (i, j, svc, "supply")
                    if key in rows:
                        continue
                    rows.add(key)
                    f.write("s%03d,s%03d,%s,supply,%s,%s,,%s\n" % (
                        i, j, svc, group, rng.choice(["", "4", "12"]),
                        need if need > 1 else ""))


class Conformance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bwconf-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_european_grid_sweep_and_removals(self):
        r = Register(self.tmp, "eu")
        bw(r.db, "init")
        bw(r.db, "import", "sites", os.path.join(ROOT, "data/grid/eu/sites.csv"))
        bw(r.db, "import", "deps", os.path.join(ROOT, "data/grid/eu/deps.csv"))
        r.export()
        c, x = r.c_criticality("power"), r.nx_criticality("power")
        self.assertEqual(len(c), 13478)
        self.assertEqual(c, x)
        self.assertGreater(max(v[0] for v in c.values()), 10)
        ids = sorted(c)
        rng = random.Random(2341)
        for size in (1, 2, 5, 20, 100):
            removed = rng.sample(ids, size)
            with self.subTest(removed=size):
                self.assertEqual(r.c_cascade(removed), r.nx_cascade(removed))

    def test_demo_register_all_services(self):
        r = Register(self.tmp, "demo")
        bw(r.db, "demo")
        r.export()
        self.assertEqual(r.c_criticality(), r.nx_criticality())
        for svc in ("power", "water", "telecom"):
            with self.subTest(service=svc):
                self.assertEqual(r.c_criticality(svc), r.nx_criticality(svc))
        ids = sorted(r.c_criticality())
        rng = random.Random(2396)
        for size in (1, 3, 10):
            removed = rng.sample(ids, size)
            self.assertEqual(r.c_cascade(removed), r.nx_cascade(removed))

    def test_random_interdependent_registers(self):
        for seed in range(6):
            with self.subTest(seed=seed):
                r = Register(self.tmp, "rnd%d" % seed)
                random_register(r.sites, r.deps, seed)
                bw(r.db, "init")
                bw(r.db, "import", "sites", r.sites)
                bw(r.db, "import", "deps", r.deps)
                r.export()
                self.assertEqual(r.c_criticality(), r.nx_criticality())
                rng = random.Random(seed)
                ids = sorted(r.c_criticality())
                for size in (1, 4, 12):
                    removed = rng.sample(ids, size)
                    self.assertEqual(r.c_cascade(removed), r.nx_cascade(removed))

    def test_generated_national_structure(self):
        # The structure of the benchmark's national graph at a small size
        # (bench/cascade_gen.py: power, telecom, water and fuel lattices, k-of-n groups,
        # SCADA and pumping interdependencies), where the incremental sweep does most of
        # its work in several rounds across services.
        for seed, n in ((7, 1000),):
            with self.subTest(seed=seed):
                r = Register(self.tmp, "gen%d" % seed)
                out = os.path.join(self.tmp, "gen%d" % seed)
                subprocess.run([sys.executable, os.path.join(ROOT, "bench", "cascade_gen.py"),
                                "-n", str(n), "-d", str(3 * n), "--seed", str(seed), "-o", out],
                               check=True, capture_output=True, timeout=300)
                bw(r.db, "init")
                bw(r.db, "import", "sites", os.path.join(out, "sites.csv"))
                bw(r.db, "import", "deps", os.path.join(out, "deps.csv"))
                r.export()
                c = r.c_criticality()
                self.assertEqual(c, r.nx_criticality())
                self.assertGreater(sum(v[0] for v in c.values()), n)
                self.assertEqual(r.c_criticality("water"), r.nx_criticality("water"))
                rng = random.Random(seed)
                ids = sorted(c)
                for size in (2, 5, 30):
                    removed = rng.sample(ids, size)
                    self.assertEqual(r.c_cascade(removed), r.nx_cascade(removed))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_engine_vs_networkx.py PATH/TO/bulwark")
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
