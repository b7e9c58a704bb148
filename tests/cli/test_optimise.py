"""`bulwark optimise` end to end.

The register is the hand-worked cascade fixture (tests/data/cli/cascade: a power plant,
two substations, a water works, a hospital and a school), designated and assessed with
the threat levels of a fixed day and no Monte Carlo trials. The checks:
  - the national risk before is the sum of the run's rows (`bulwark risks`), and each
    site's before/after agrees with the items;
  - CBC (Debian coinor-cbc, a separate program) solves the ILP that `--lp` writes for
    the same problem; its optimal objective equals our reduction (our answer is proven
    optimal on an instance this small) — with and without a yearly budget; and on the
    demo register, too large for our exact search, our heuristic answer is within 1 %
    of CBC's optimum (and our upper bound not below it);
  - more budget never gives less reduction, and the curve never falls;
  - measures flagged for human-rights review (`bulwark measures list --json`) are never
    chosen unless --allow-review;
  - must-cover sites are covered; a portfolio is saved (rows in portfolio_run and
    portfolio_item) unless --no-save;
  - bad input (budget -1, an unknown must-cover site, a malformed --min-category)
    exits 1 with a clear message and writes nothing to the database.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import unittest

import bwcli
from bwcli import CliTestCase

FIX = os.path.join(bwcli.DATA, "cascade")


def cbc_objective(lp_path, sol_path):
    """Runs CBC on an LP file; returns its optimal objective (None when not optimal)."""
    subprocess.run(["cbc", lp_path, "solve", "solu", sol_path], capture_output=True,
                   text=True, check=True, timeout=300)
    with open(sol_path) as f:
        first = f.readline()
    # "Optimal - objective value 1880.45318308"
    if not first.startswith("Optimal"):
        return None
    return float(first.split()[-1])


class OptimiseTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.load_fixture(FIX)
        self.ok("designate")
        self.ok("assess", "--date", "2026-06-01", "--trials", "0")

    def optimise(self, *args):
        return self.ok("optimise", "--json", "--curve", "0", *args).json()

    def count(self, table):
        con = sqlite3.connect(self.db)
        try:
            return con.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
        finally:
            con.close()

    def test_help(self):
        r = self.ok("optimise", "--help")
        self.assertIn("--budget", r.out)
        self.assertIn("--allow-review", r.out)

    def test_figures_agree_with_register(self):
        out = self.optimise("--budget", "400000", "--no-save")
        pf = out["portfolio"]
        risks = self.ok("risks", "--json").json()["risks"]
        total = sum(r["risk"] for r in risks)
        self.assertAlmostEqual(pf["risk_before"], total, delta=1e-6 * total)
        self.assertLessEqual(pf["capital_used"], 400000)
        self.assertTrue(pf["exact"])
        red = sum(s["risk_before"] - s["risk_after"] for s in out["sites"])
        self.assertAlmostEqual(red, pf["reduction"], delta=1e-9 * (1 + red))
        self.assertAlmostEqual(sum(i["reduction"] for i in out["items"]), red,
                               delta=1e-9 * (1 + red))
        cost = sum(i["capital"] for i in out["items"])
        self.assertAlmostEqual(cost, pf["capital_used"], delta=1e-6)
        # Each site's risk before is the sum of its rows.
        for s in out["sites"]:
            rows = sum(r["risk"] for r in risks if r["site"] == s["site"])
            self.assertAlmostEqual(s["risk_before"], rows, delta=1e-9 * (1 + rows))

    @unittest.skipUnless(shutil.which("cbc"), "cbc (coinor-cbc) not installed")
    def test_cbc_cross_check(self):
        for args in (["--budget", "250000"], ["--budget", "600000", "--yearly", "80000"],
                     ["--budget", "90000", "--yearly", "300000"]):
            lp = self.path("p.lp")
            self.ok("optimise", "--lp", lp, *args)
            ours = self.optimise("--no-save", *args)["portfolio"]
            theirs = cbc_objective(lp, self.path("p.sol"))
            self.assertIsNotNone(theirs, args)
            # CBC prints 8 decimals; our answer is proven optimal here.
            self.assertTrue(ours["exact"])
            self.assertAlmostEqual(ours["reduction"], theirs,
                                   delta=1e-6 * (1 + theirs), msg=str(args))

    def test_more_budget_never_less(self):
        prev = -1
        for b in (0, 20000, 60000, 150000, 400000, 1000000, 5000000):
            red = self.optimise("--budget", str(b), "--yearly", "150000",
                                "--no-save")["portfolio"]["reduction"]
            self.assertGreaterEqual(red, prev - 1e-9, b)
            prev = red
        curve = self.ok("optimise", "--json", "--budget", "800000", "--curve", "8",
                        "--no-save").json()["curve"]
        self.assertEqual(len(curve), 8)
        for a, b in zip(curve, curve[1:]):
            self.assertGreaterEqual(b["reduction"], a["reduction"] - 1e-9)
            self.assertLessEqual(b["capital_used"], b["budget"] + 1e-6)

    def test_review_flagged_excluded_unless_allowed(self):
        cat = self.ok("measures", "list", "--json").json()
        flagged = {m["id"] for m in cat if m["privacy_review"]}
        self.assertIn("screening-search", flagged)
        out = self.optimise("--budget", "50000000", "--no-save")
        chosen = {i["measure"] for i in out["items"]}
        self.assertTrue(chosen)
        self.assertFalse(chosen & flagged, chosen & flagged)
        out2 = self.optimise("--budget", "50000000", "--no-save", "--allow-review")
        self.assertTrue({i["measure"] for i in out2["items"]} & flagged)

    def test_must_cover_and_save(self):
        # S2 has the least risk; a small budget would not go there on its own.
        free = self.optimise("--budget", "5000", "--no-save")
        out = self.optimise("--budget", "5000", "--must-cover", "S2")
        self.assertIn("S2", [s["site"] for s in out["sites"]])
        self.assertLessEqual(out["portfolio"]["reduction"],
                             free["portfolio"]["reduction"] + 1e-9)
        self.assertEqual(self.count("portfolio_run"), 1)
        self.assertEqual(self.count("portfolio_item"), out["portfolio"]["measures"])
        self.assertEqual(out["portfolio"]["id"], 1)
        self.assertEqual(out["portfolio"]["constraints"]["must_cover"], ["S2"])

    def test_bad_input_writes_nothing(self):
        self.ok("optimise", "--budget", "1000", "--curve", "0")
        before = (self.count("portfolio_run"), self.count("portfolio_item"))
        r = self.bw("optimise", "--budget", "-1")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("budget", r.err)
        self.assertIn("-1", r.err)
        r = self.bw("optimise", "--budget", "1000", "--yearly", "-5")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("yearly", r.err)
        r = self.bw("optimise", "--budget", "1000", "--must-cover", "NOPE")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("NOPE", r.err)
        r = self.bw("optimise", "--budget", "1000", "--min-category", "no-such-class=5")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no-such-class", r.err)
        r = self.bw("optimise", "--budget", "1000", "--min-category", "hospital")
        self.assertEqual(r.rc, 2, r)
        r = self.bw("optimise", "--budget", "abc")
        self.assertEqual(r.rc, 2, r)
        r = self.bw("optimise")
        self.assertEqual(r.rc, 2, r)
        # A minimum the budget cannot meet.
        r = self.bw("optimise", "--budget", "1000", "--min-category", "hospital=500000")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("minimum", r.err)
        self.assertEqual((self.count("portfolio_run"), self.count("portfolio_item")), before)


@unittest.skipUnless(shutil.which("cbc"), "cbc (coinor-cbc) not installed")
class OptimiseDemoTest(CliTestCase):
    """A larger instance than branch and bound takes: the demo register (some 180 sites,
    5,700 options). bulwark's heuristic answer must be within 1 % of CBC's optimum of
    the same ILP, and never above it; its upper bound must not be below it."""

    def test_within_one_percent_of_cbc(self):
        self.demo()
        self.ok("assess", "--trials", "0", "--date", "2026-12-01")
        for args in (["--budget", "2000000", "--yearly", "300000"],
                     ["--budget", "500000"],
                     ["--budget", "8000000", "--yearly", "1000000"]):
            lp = self.path("d.lp")
            self.ok("optimise", "--lp", lp, *args)
            pf = self.ok("optimise", "--json", "--curve", "0", "--no-save",
                         *args).json()["portfolio"]
            self.assertFalse(pf["exact"])
            theirs = cbc_objective(lp, self.path("d.sol"))
            self.assertIsNotNone(theirs, args)
            self.assertGreaterEqual(pf["reduction"], 0.99 * theirs, args)
            self.assertLessEqual(pf["reduction"], theirs * (1 + 1e-6), args)
            self.assertGreaterEqual(pf["upper_bound"], theirs * (1 - 1e-6), args)


if __name__ == "__main__":
    bwcli.main()
