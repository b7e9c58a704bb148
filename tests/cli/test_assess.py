"""`bulwark assess`, `risks`, `runs` and `explain` end to end.

The register is the hand-worked cascade fixture (tests/data/cli/cascade: power plant P1
feeds substations S1 and S2, which feed a water works, a hospital and a school) plus a
stadium V1 and two police stations tagged as bases of armed response. The checks hold
the stored register to what must be true whatever the pack's numbers:
  - every row: risk = T x V x C, conditional risk = V x C, P5 <= P50 <= P95;
  - the same seed gives the same register with 1 and 2 threads; a second run on the
    same inputs says so and `runs diff` finds nothing changed;
  - a measure in place never raises a risk and lowers some; a higher threat level
    never lowers a likelihood;
and to independent answers: the distance to the nearest armed response is
GeographicLib's GeodSolve distance to the nearer police station, and the outage a
substation's loss causes is (its own population + the population the cascade model
cuts off) x the pack's median restoration hours for a generic attack on electricity.
"""

import json
import os
import shutil
import subprocess
import unittest

import bwcli
from bwcli import CliTestCase

FIX = os.path.join(bwcli.DATA, "cascade")
TAG = '"bulwark:armed-response=""yes"""'
EXTRA_SITES = "\n".join([
    "id,name,category,lat,lon,capacity,tags",
    "V1,Stadium,sport-event,47.01,9.53,3000,",
    "PA,Police north,emergency-services,47.03,9.55,40," + TAG,
    "PB,Police far,emergency-services,46.90,9.40,40," + TAG,
]) + "\n"


def geodsolve_m(lat1, lon1, lat2, lon2):
    exe = shutil.which("GeodSolve")
    out = subprocess.run([exe, "-i"], input="%r %r %r %r\n" % (lat1, lon1, lat2, lon2),
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[2])


class AssessTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.load_fixture(FIX)
        self.ok("import", "sites", self.write("extra.csv", EXTRA_SITES))
        self.ok("designate")

    def assess(self, *args):
        return self.ok("assess", "--date", "2026-06-01", "--json", *args).json()

    def register(self, run="latest"):
        return self.ok("risks", "--run", str(run), "--json").json()["risks"]

    def test_register_is_consistent(self):
        out = self.assess("--seed", "3", "--trials", "200")
        run = out["run"]
        self.assertEqual(run["sites"], 9)
        rows = self.register()
        self.assertEqual(len(rows), run["sites"] * run["threats"])
        self.assertEqual(len({(r["site"], r["threat"]) for r in rows}), len(rows))
        prev = None
        for r in rows:
            t, v, c = r["likelihood"], r["vulnerability"], r["consequence"]
            self.assertGreaterEqual(t, 0)
            self.assertLessEqual(t, 1)
            self.assertGreaterEqual(v, 0)
            self.assertLessEqual(v, 1)
            self.assertAlmostEqual(r["risk"], t * v * c, delta=1e-5 * max(1.0, r["risk"]))
            self.assertAlmostEqual(r["conditional_risk"], v * c,
                                   delta=1e-5 * max(1.0, v * c))
            self.assertLessEqual(r["risk_p5"], r["risk_p50"] * (1 + 1e-6) + 1e-12)
            self.assertLessEqual(r["risk_p50"], r["risk_p95"] * (1 + 1e-6) + 1e-12)
            if prev is not None:  # highest risk first
                self.assertGreaterEqual(prev, r["risk"])
            prev = r["risk"]
        # The national risk is the register's sum.
        self.assertAlmostEqual(out["run"]["national_risk"], sum(r["risk"] for r in rows),
                               delta=1e-6 * out["run"]["national_risk"])
        # CSV says the same as JSON.
        csv_lines = self.ok("risks", "--csv").out.strip().split("\n")
        self.assertEqual(len(csv_lines), len(rows) + 1)
        self.assertTrue(csv_lines[0].startswith("rank,site,threat,likelihood"))

    def test_same_seed_same_register_whatever_the_threads(self):
        self.assess("--seed", "11", "--threads", "1")
        a = self.register()
        out = self.assess("--seed", "11", "--threads", "2")
        self.assertTrue(out["run"]["same_inputs_as_previous"])
        b = self.register()
        self.assertEqual(a, b)
        diff = self.ok("runs", "diff", "previous", "latest", "--json").json()
        self.assertEqual(diff["changes"], [])
        self.assertIn("no risk changed", self.ok("runs", "diff", "previous", "latest").out)
        # Another seed: the deterministic values stay, the percentiles move.
        self.assess("--seed", "12", "--threads", "2")
        c = self.register()
        key = lambda r: (r["site"], r["threat"])
        a_by, c_by = {key(r): r for r in a}, {key(r): r for r in c}
        self.assertEqual({k: r["risk"] for k, r in a_by.items()},
                         {k: r["risk"] for k, r in c_by.items()})
        self.assertNotEqual({k: r["risk_p95"] for k, r in a_by.items()},
                            {k: r["risk_p95"] for k, r in c_by.items()})
        runs = self.ok("runs", "list", "--json").json()
        self.assertEqual([r["id"] for r in runs], [3, 2, 1])
        self.assertEqual(runs[0]["seed"], "12")

    def test_measures_never_raise_risk(self):
        self.assess("--trials", "0")
        before = {(r["site"], r["threat"]): r for r in self.register()}
        for m in ("hvm-astm-m50-p1", "standoff-100m", "screening-search",
                  "security-guarding", "cuas-radar"):
            self.ok("measure", "add", "V1", m, "--quality", "0.9")
        out = self.assess("--trials", "0")
        self.assertFalse(out["run"]["same_inputs_as_previous"])
        after = {(r["site"], r["threat"]): r for r in self.register()}
        lowered = 0
        for k, r in after.items():
            self.assertLessEqual(r["risk"], before[k]["risk"] * (1 + 1e-6), k)
            self.assertLessEqual(r["vulnerability"], before[k]["vulnerability"] + 1e-9, k)
            if k[0] != "V1":
                self.assertAlmostEqual(r["risk"], before[k]["risk"],
                                       delta=1e-6 * max(1.0, r["risk"]))
            elif r["risk"] < before[k]["risk"] * (1 - 1e-6):
                lowered += 1
        self.assertGreater(lowered, 5)
        # A planned measure has no effect yet.
        self.ok("measure", "add", "H1", "security-guarding", "--planned")
        out = self.assess("--trials", "0")
        planned = {(r["site"], r["threat"]): r["risk"] for r in self.register()}
        self.assertEqual(planned, {k: r["risk"] for k, r in after.items()})

    def test_higher_threat_level_never_lowers_likelihood(self):
        self.assess("--trials", "0")
        before = {(r["site"], r["threat"]): r["likelihood"] for r in self.register()}
        self.ok("threat-level", "set", "--type", "*", "--level", "SEVERE", "--from",
                "2026-01-01")
        self.assess("--trials", "0")
        after = {(r["site"], r["threat"]): r["likelihood"] for r in self.register()}
        raised = sum(1 for k in after if after[k] > before[k] * (1 + 1e-9))
        for k in after:
            self.assertGreaterEqual(after[k], before[k] * (1 - 1e-9), k)
        self.assertEqual(raised, len(after))
        # A level not yet in force on the assessed day changes nothing.
        self.ok("threat-level", "set", "--type", "*", "--level", "CRITICAL", "--from",
                "2027-01-01")
        self.assess("--trials", "0")
        later = {(r["site"], r["threat"]): r["likelihood"] for r in self.register()}
        self.assertEqual(later, after)

    def factors(self, site, threat):
        ex = self.ok("explain", site, threat, "--json").json()
        return ex, {(f["name"], f.get("detail") or ""): f["value"] for f in ex["factors"]}

    def test_explain_matches_the_register_and_independent_answers(self):
        self.assess("--trials", "0")
        rows = {(r["site"], r["threat"]): r for r in self.register()}
        ex, f = self.factors("V1", "firearms-automatic")
        r = rows[("V1", "firearms-automatic")]
        for k in ("likelihood", "vulnerability", "consequence", "risk"):
            self.assertAlmostEqual(ex[k], r[k], delta=1e-5 * max(1.0, abs(r[k])), msg=k)
        self.assertFalse(ex["register_changed_since_run"])
        # Distance to armed response: the nearer of the two police stations (GeodSolve).
        want = min(geodsolve_m(47.01, 9.53, 47.03, 9.55), geodsolve_m(47.01, 9.53, 46.90, 9.40))
        got = [v for (name, _), v in f.items() if name == "distance to armed response"]
        self.assertEqual(len(got), 1, f)
        self.assertAlmostEqual(got[0], want, delta=0.01)
        # Outage of a substation: (own 15,000 + what its loss cuts off) x 48 h (the pack's
        # generic restoration of energy.electricity). Removing S2 cuts off W1 (20,000), H1
        # (1,000) and X1 (500): tests/cli/test_cascade.py.
        ex, f = self.factors("S2", "insider-sabotage")
        got = [v for (name, _), v in f.items() if name.startswith("site outage if lost")]
        self.assertEqual(len(got), 1, f)
        self.assertAlmostEqual(got[0], (15000 + 20000 + 1000 + 500) * 48.0, delta=1.0)
        # Without the cascade only its own population counts.
        out = self.ok("assess", "--no-cascade", "--trials", "0", "--date", "2026-06-01")
        ex = self.ok("explain", "S2", "insider-sabotage", "--json").json()
        got = [x["value"] for x in ex["factors"] if x["name"].startswith("site outage if lost")]
        self.assertAlmostEqual(got[0], 15000 * 48.0, delta=1.0)
        # A change to the register is noticed.
        self.ok("measure", "add", "V1", "screening-search")
        ex = self.ok("explain", "V1", "firearms-automatic", "--json").json()
        self.assertTrue(ex["register_changed_since_run"])
        self.assertIn("changed since run", self.ok("explain", "V1", "firearms-automatic").out)

    def test_bad_input(self):
        r = self.bw("risks")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no assessment run yet", r.err)
        self.assess("--trials", "0")
        for args, code, words in (
                (["explain", "NOPE", "firearms-automatic"], 1, "no site 'NOPE'"),
                (["explain", "V1", "laser"], 1, "no threat type 'laser'"),
                (["assess", "--trials", "many"], 2, "--trials"),
                (["assess", "--threads", "0"], 2, "--threads"),
                (["assess", "--date", "2026-13-01"], 1, "2026-13-01"),
                (["risks", "--run", "99"], 1, "no assessment run 99"),
                (["risks", "--top", "-3"], 2, "--top"),
                (["runs", "diff", "1"], 2, "two runs"),
                (["runs", "frobnicate"], 2, "list or diff")):
            with self.subTest(args=args):
                r = self.bw(*args)
                self.assertEqual(r.rc, code, r)
                self.assertIn(words, r.err)
        # Nothing was stored by the failed runs.
        self.assertEqual(len(self.ok("runs", "list", "--json").json()), 1)

    def test_help(self):
        for cmd in ("assess", "explain", "risks", "runs"):
            r = self.ok(cmd, "--help")
            self.assertIn("usage: bulwark " + cmd, r.out)


if __name__ == "__main__":
    bwcli.main()
