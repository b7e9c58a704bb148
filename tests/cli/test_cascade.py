"""`bulwark cascade` and `bulwark criticality` on a hand-worked register.

tests/data/cli/cascade: power plant P1 — S1 — S2 (power links); water works W1 (a water
source) needs power from S2 (12 h buffer); hospital H1 needs power from S1 or S2 (group
"grid", 1 of 2, 48 h) and water from W1; school X1 needs power from S2. Worked by hand
(docs/cascade.md):
  remove S2 -> W1 (no power), X1 (no power), H1 (no water)           lost H1 W1 X1
  remove S1 -> S2 cut off from P1, then W1, X1, H1                    lost H1 S2 W1 X1
  remove P1 -> everything else                                        lost H1 S1 S2 W1 X1
  remove W1 -> H1 (no water)                                          lost H1
Timed, remove S2: W1 keeps working 12 h (buffer), X1 0 h, H1 12 h (its water stops with W1).
"""

import os

import bwcli
from bwcli import CliTestCase

FIX = os.path.join(bwcli.DATA, "cascade")
POP = {"S1": 30000, "S2": 15000, "W1": 20000, "H1": 1000, "X1": 500, "P1": 0}


class CascadeTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.load_fixture(FIX)

    def cascade(self, *args):
        return self.ok("cascade", *args, "--json").json()

    def test_hand_worked_removals(self):
        cases = {"S2": ["H1", "W1", "X1"], "S1": ["H1", "S2", "W1", "X1"],
                 "P1": ["H1", "S1", "S2", "W1", "X1"], "W1": ["H1"], "H1": [], "X1": []}
        for removed, lost in cases.items():
            with self.subTest(removed=removed):
                r = self.cascade("--remove", removed)
                self.assertEqual(r["removed"], [removed])
                self.assertEqual(r["lost"], lost)
                self.assertEqual(r["sites_lost"], len(lost))
                self.assertEqual(r["population_lost"], sum(POP[x] for x in lost))
                self.assertEqual(r["baseline_unserved"], 0)

    def test_several_removed_and_one_service(self):
        r = self.cascade("--remove", "S2,W1")
        self.assertEqual(r["lost"], ["H1", "X1"])
        # Power alone: H1 still has S1, so removing S2 loses only W1 and X1.
        r = self.cascade("--remove", "S2", "--service", "power")
        self.assertEqual(r["lost"], ["W1", "X1"])
        r = self.cascade("--remove", "W1", "--service", "power")
        self.assertEqual(r["lost"], [])

    def test_redundancy_one_of_two(self):
        # H1 loses power only when both substations are gone; S1 alone cuts S2 off too.
        r = self.cascade("--remove", "S2", "--service", "power")
        self.assertNotIn("H1", r["lost"])
        r = self.cascade("--remove", "S1", "--service", "power")
        self.assertIn("H1", r["lost"])

    def test_criticality(self):
        rows = self.ok("criticality", "--top", "0", "--json").json()
        got = {x["site"]: x["sites_lost"] for x in rows}
        self.assertEqual(got, {"P1": 5, "S1": 4, "S2": 3, "W1": 1, "H1": 0, "X1": 0})
        self.assertEqual([x["site"] for x in rows], ["P1", "S1", "S2", "W1", "H1", "X1"])
        self.assertEqual(rows[0]["population_lost"], 66500)
        power = self.ok("criticality", "--service", "power", "--top", "0", "--json").json()
        got = {x["site"]: x["sites_lost"] for x in power}
        self.assertEqual(got, {"P1": 5, "S1": 4, "S2": 2, "W1": 0, "H1": 0, "X1": 0})
        # The dominator tree and one cascade per site agree, whatever the thread count.
        brute = self.ok("criticality", "--service", "power", "--top", "0", "--json",
                        "--cascades", "--threads", "1").json()
        self.assertEqual(power, brute)
        self.assertIn("dominator tree", self.ok("criticality", "--service", "power").out)
        self.assertIn("one cascade per site", self.ok("criticality").out)
        top2 = self.ok("criticality", "--top", "2", "--json").json()
        self.assertEqual(top2, rows[:2])

    def test_timed(self):
        r = self.cascade("--remove", "S2", "--timed", "--trials", "500", "--seed", "7")
        t = r["timed"]
        hours = {x["site"]: x["hours_until_loss"] for x in t["sites"]}
        self.assertEqual(hours, {"H1": 12.0, "W1": 12.0, "X1": 0.0})
        self.assertEqual(t["trials"], 500)
        self.assertLessEqual(t["population_hours_p5"], t["population_hours_p50"])
        self.assertLessEqual(t["population_hours_p50"], t["population_hours_p95"])
        for x in t["sites"]:
            self.assertGreaterEqual(x["outage_hours_mean"], 0)
        # X1 fails at once, so it is out at least as long as the others.
        out = {x["site"]: x["outage_hours_mean"] for x in t["sites"]}
        self.assertGreaterEqual(out["X1"], out["W1"])
        # Same seed, same numbers; another seed, other numbers.
        again = self.cascade("--remove", "S2", "--timed", "--trials", "500", "--seed", "7")
        self.assertEqual(again, r)
        other = self.cascade("--remove", "S2", "--timed", "--trials", "500", "--seed", "8")
        self.assertNotEqual(other["timed"]["population_hours_mean"], t["population_hours_mean"])
        # The attack type picks the pack's restoration time (explosive: a week for a substation).
        slow = self.cascade("--remove", "S2", "--timed", "--attack", "explosive")
        self.assertGreater(slow["timed"]["restore_hours_p50"], t["restore_hours_p50"])

    def test_bad_input(self):
        cases = [
            (["cascade"], 2, "--remove is required"),
            (["cascade", "--remove", "NOPE"], 1, "unknown site 'NOPE'"),
            (["cascade", "--remove", "S1,,S2"], 1, "empty"),
            (["cascade", "--remove", "S1", "--service", "gravy"], 1, "unknown service 'gravy'"),
            (["cascade", "--remove", "S1", "--timed", "--trials", "0"], 2, "--trials"),
            (["cascade", "--remove", "S1", "--timed", "--attack", "meteor"], 1,
             "unknown attack type 'meteor'"),
            (["criticality", "--threads", "0"], 2, "--threads"),
            (["criticality", "--service", "gravy"], 1, "unknown service"),
            (["criticality", "extra"], 2, "no arguments"),
        ]
        for args, rc, msg in cases:
            with self.subTest(args=args):
                r = self.bw(*args)
                self.assertEqual(r.rc, rc, r)
                self.assertIn(msg, r.err)

    def test_bad_dependencies_change_nothing(self):
        before = self.snapshot()
        bad = {
            "needs0.csv": ("site,supplier,service,needs\nX1,S1,power,0\n", "field 'needs'"),
            "needslink.csv": ("site,supplier,service,kind,needs\nS1,S2,power,link,2\n",
                              "only supply dependencies have k of n"),
            "selfloop.csv": ("site,supplier,service\nX1,X1,power\n", "self-loop"),
            "negbuf.csv": ("site,supplier,service,buffer_hours\nX1,S1,power,-1\n",
                           "field 'buffer_hours'"),
            "unknownsvc.csv": ("site,supplier,service\nX1,S1,plasma\n", "unknown service 'plasma'"),
            "unknownsite.csv": ("site,supplier,service\nX1,S9,power\n", "unknown site 'S9'"),
        }
        for name, (body, msg) in bad.items():
            with self.subTest(file=name):
                r = self.bw("import", "deps", self.write(name, body))
                self.assertEqual(r.rc, 1, r)
                self.assertIn(name + ":2:", r.err)
                self.assertIn(msg, r.err)
        self.assertSnapshotEqual(before, self.snapshot())

    def test_needs_k_of_n(self):
        # Make H1 need both substations (2 of 2): removing either now loses it.
        self.ok("import", "deps", self.write("k.csv",
                "site,supplier,service,kind,redundancy_group,buffer_hours,needs\n"
                "H1,S1,power,supply,grid,48,2\nH1,S2,power,supply,grid,48,2\n"), "--upsert")
        r = self.cascade("--remove", "S2", "--service", "power")
        self.assertEqual(r["lost"], ["H1", "W1", "X1"])
        self.assertIn("one cascade per site", self.ok("criticality", "--service", "power").out)
        exported = self.export("deps").decode()
        self.assertIn("H1,S1,power,supply,grid,48,,2", exported)


class DemoCascadeTest(CliTestCase):
    def test_demo_criticality_methods_agree(self):
        self.demo()
        for svc in ("power", "water", "telecom"):
            with self.subTest(service=svc):
                a = self.ok("criticality", "--service", svc, "--top", "0", "--json").json()
                b = self.ok("criticality", "--service", svc, "--top", "0", "--json",
                            "--cascades").json()
                self.assertEqual(a, b)
        rows = self.ok("criticality", "--top", "0", "--json").json()
        self.assertEqual(len(rows), len(self.sites_json()))
        self.assertGreater(rows[0]["sites_lost"], 10)
        # Threads do not change the numbers.
        one = self.ok("criticality", "--top", "0", "--json", "--threads", "1").json()
        self.assertEqual(rows, one)


if __name__ == "__main__":
    bwcli.main()
