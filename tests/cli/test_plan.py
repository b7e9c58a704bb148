"""The national action plan and technical-assistance matching through the real binary.

`plan generate` on the small register of tests/data/cli/framework with two answers
(findings worked out by hand below) and on a saved portfolio (checked against the
portfolio's rows read with sqlite3 and grouped in Python); `plan action add|update` and
`plan status` through a whole lifecycle with the status counts, overdue actions, budget
and progress over time worked out by hand; bad input (unknown organisation, indicator,
site or objective, a transition the table refuses, bad dates, negative amounts): exit 1,
the field named, and the database dump unchanged; `ta match` against a second
implementation of the ranking rule in Python over packs/default/partners.json.
"""

import json
import os
import sqlite3

from bwcli import CliTestCase, DATA, SOURCE_ROOT, main

FIXTURE = os.path.join(DATA, "framework")
TODAY = "2026-12-01"


class PlanCase(CliTestCase):
    def dump(self):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    def fails(self, *args, message, rc=1):
        before = self.dump()
        r = self.bw(*args)
        self.assertEqual(r.rc, rc, r)
        self.assertIn(message, r.err, r)
        self.assertEqual(self.dump(), before, "a refused command wrote to the database")
        return r

    def register(self):
        """The fixture's 2 orgs and 4 sites, a framework cycle with A9.2 = 2 and A1.1 = 1."""
        self.init()
        self.ok("import", "orgs", os.path.join(FIXTURE, "orgs.csv"))
        self.ok("import", "sites", os.path.join(FIXTURE, "sites.csv"))
        self.ok("framework", "new", "--cycle", "c1")
        self.ok("framework", "answer", "A9.2", "2")
        self.ok("framework", "answer", "A1.1", "1")

    def plan(self):
        return self.ok("plan", "show", "--json", "--today", TODAY).json()

    def actions(self):
        return [a for o in self.plan()["objectives"] for a in o["actions"]]


class TestGenerate(PlanCase):
    def test_from_findings(self):
        self.register()
        r = self.ok("plan", "generate", "--today", TODAY, "--portfolio", "none")
        # Findings of c1 (rules in docs/methodology.md), in their order:
        #   high vulnerabilities from the register: A6.1 sites-no-contact (f-church has an
        #   operator without a phone, f-sub none); A8.9 threats-unmeasured (no measure at
        #   all: every threat type); A9.2 soft-plan-* (0 of the 3 soft targets f-cafe,
        #   f-church, f-museum has any plan); designated-assessed is unavailable (no
        #   designation run), so no finding;
        #   high gap A1.1 (level 1 <= 1) with its recommendation;
        #   medium gap A9.2 (2 < 3) with its recommendation: A9.2 already has an action.
        # One action per indicator -> A6.1, A8.9, A9.2, A1.1; one objective per area, in
        # the order of its first action -> A6, A8, A9, A1. All high: due 2026-12-01 + 180
        # days = 2027-05-30 (Dec 30 days, Jan 31, Feb 28, Mar 31, Apr 30 -> May 30).
        self.assertIn("plan generated: 4 objectives, 4 actions (findings of cycle 'c1')", r.out)
        p = self.plan()
        self.assertEqual([o["area"] for o in p["objectives"]], ["A6", "A8", "A9", "A1"])
        acts = self.actions()
        self.assertEqual([a["indicators"] for a in acts], [["A6.1"], ["A8.9"], ["A9.2"], ["A1.1"]])
        self.assertEqual([a["sites"] for a in acts],
                         [["f-church", "f-sub"], [], ["f-cafe", "f-church", "f-museum"], []])
        self.assertEqual({a["due"] for a in acts}, {"2027-05-30"})
        self.assertEqual({a["priority"] for a in acts}, {"high"})
        self.assertEqual({a["status"] for a in acts}, {"planned"})
        self.assertEqual({a["origin"] for a in acts}, {"framework:c1"})
        with open(os.path.join(SOURCE_ROOT, "packs", "default", "framework.json")) as f:
            fw = json.load(f)
        rec = {i["id"]: i for a in fw["areas"] for i in a["indicators"]}
        self.assertEqual([a["title"] for a in acts],
                         [rec[i]["recommendation"] for i in ("A6.1", "A8.9", "A9.2", "A1.1")])
        self.assertIn("technical assistance: strategy development", acts[3]["note"])
        self.assertIn("threat types with no measure: ", acts[1]["note"])
        # Generating again adds nothing.
        before = self.dump()
        r = self.ok("plan", "generate", "--today", TODAY, "--portfolio", "none")
        self.assertIn("already in the plan", r.out)
        self.assertIn("plan generated: 0 objectives, 0 actions", r.out)
        self.assertEqual(self.dump(), before)

    def test_from_portfolio(self):
        self.register()
        self.ok("designate")
        self.ok("assess", "--seed", "1", "--trials", "0")
        self.ok("optimise", "--budget", "50000")
        r = self.ok("plan", "generate", "--no-findings", "--today", TODAY)
        # The expected actions: the portfolio's rows grouped by measure, read independently.
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT measure, site, capital, yearly FROM portfolio_item "
                           "WHERE run=(SELECT max(id) FROM portfolio_run)").fetchall()
        con.close()
        want = {}
        for m, s, c, y in rows:
            w = want.setdefault(m, {"sites": set(), "capital": 0.0, "yearly": 0.0})
            w["sites"].add(s)
            w["capital"] += c
            w["yearly"] += y
        self.assertIn("plan generated: 1 objectives, %d actions (portfolio run 1)" % len(want),
                      r.out)
        acts = self.actions()
        self.assertEqual(len(acts), len(want))
        got = {a["note"]: a for a in acts}
        self.assertEqual(set(got), set(want))
        for m, w in want.items():
            self.assertEqual(set(got[m]["sites"]), w["sites"])
            self.assertAlmostEqual(got[m]["budget"]["capital"], w["capital"])
            self.assertAlmostEqual(got[m]["budget"]["yearly"], w["yearly"])
            self.assertEqual(got[m]["due"], "2027-12-01")  # + 365 days, 2027 not a leap year
            self.assertEqual(got[m]["origin"], "portfolio:1")
        self.assertIn("portfolio run 1", self.plan()["objectives"][0]["title"])
        st = self.ok("plan", "status", "--json", "--today", TODAY).json()
        self.assertAlmostEqual(st["budget"]["capital_committed"],
                               sum(w["capital"] for w in want.values()))
        # Then the findings: the portfolio is not generated twice.
        r = self.ok("plan", "generate", "--today", TODAY)
        self.assertIn("portfolio run 1: already in the plan", r.out)
        self.assertIn("(findings of cycle 'c1')", r.out)

    def test_nothing_to_generate(self):
        self.init()
        r = self.ok("plan", "generate")
        self.assertIn("no framework assessment yet", r.out)
        self.assertIn("portfolio: none saved yet", r.out)
        self.fails("plan", "generate", "--cycle", "nope", message="no assessment of cycle 'nope'")
        self.fails("plan", "generate", "--portfolio", "7", message="no portfolio run 7")


class TestLifecycle(PlanCase):
    def test_actions_status_and_progress(self):
        self.register()
        r = self.ok("plan", "objective", "add", "Protect soft targets", "--area", "A9")
        self.assertIn("objective 1 added", r.out)
        self.ok("plan", "action", "add", "--objective", "1", "--title", "Evacuation plans",
                "--lead", "f-op", "--support", "f-nophone", "--indicator", "A9.2",
                "--site", "f-cafe", "--site", "f-church", "--due", "2026-11-15",
                "--capital", "1000", "--yearly", "50", "--milestone", "2026-10-01=template",
                "--milestone", "2027-01-01=all sites", "--date", "2026-11-01")
        self.ok("plan", "action", "add", "--objective", "1", "--title", "Lockdown drills",
                "--due", "2027-03-01", "--capital", "500", "--date", "2026-11-01")
        self.ok("plan", "action", "add", "--objective", "1", "--title", "Old idea",
                "--capital", "9000", "--date", "2026-11-10")
        a = self.actions()
        self.assertEqual([x["id"] for x in a], [1, 2, 3])
        self.assertEqual(a[0]["support"], ["f-nophone"])
        self.assertEqual([m["title"] for m in a[0]["milestones"]], ["template", "all sites"])
        # Lifecycle of #1: planned -> in-progress (40 %, spent 300) -> milestone 1 done.
        self.ok("plan", "action", "update", "1", "--status", "in-progress", "--progress", "40",
                "--spent", "300", "--who", "ops", "--date", "2026-12-01")
        self.ok("plan", "action", "update", "1", "--milestone-done", "1", "--date", "2026-12-01")
        self.ok("plan", "action", "update", "3", "--status", "cancelled", "--date", "2026-12-01")
        # On 2026-12-01: #1 in-progress 40 % due 2026-11-15 -> overdue; #2 planned 0 %, due
        # later; #3 cancelled. Committed: 1000 + 500 (the cancelled 9000 is not), yearly
        # 50; spent 300. Mean progress of the two not cancelled: (40 + 0) / 2 = 20.
        # Milestones: 2026-10-01 done, 2027-01-01 open and not due -> 2, 1 done, 0 overdue.
        # Progress over time: 2026-11-01: #1 0, #2 0 -> 0; 2026-11-10: #3 joins at 0 -> 0;
        # 2026-12-01: #1 40, #2 0, #3 cancelled -> 20.
        st = self.ok("plan", "status", "--json", "--today", TODAY).json()
        self.assertEqual(st["by_status"], {"planned": 1, "in-progress": 1, "blocked": 0,
                                           "done": 0, "cancelled": 1})
        self.assertEqual([(o["id"], o["due"]) for o in st["overdue"]], [(1, "2026-11-15")])
        self.assertEqual(st["milestones"], {"total": 2, "done": 1, "overdue": 0})
        self.assertEqual(st["budget"], {"capital_committed": 1500.0, "yearly_committed": 50.0,
                                        "spent": 300.0})
        self.assertAlmostEqual(st["progress"], 20.0)
        self.assertEqual([(p["date"], p["progress"], p["actions"])
                          for p in st["progress_over_time"]],
                         [("2026-11-01", 0.0, 2), ("2026-11-10", 0.0, 3), ("2026-12-01", 20.0, 2)])
        text = self.ok("plan", "status", "--today", TODAY).out
        self.assertIn("planned 1, in-progress 1, blocked 0, done 0, cancelled 1", text)
        self.assertIn("#1 due 2026-11-15 (in-progress, 40%, lead f-op) Evacuation plans", text)
        # Done on 2026-12-05: 100 %, no longer overdue. Progress then (100 + 0) / 2 = 50.
        r = self.ok("plan", "action", "update", "1", "--status", "done", "--date", "2026-12-05")
        self.assertIn("action 1: done, 100%", r.out)
        st = self.ok("plan", "status", "--json", "--today", "2026-12-10").json()
        self.assertEqual(st["overdue"], [])
        self.assertEqual(st["progress_over_time"][-1], {"date": "2026-12-05", "progress": 50.0,
                                                        "actions": 2})
        # #2 is overdue once its due date has passed.
        st = self.ok("plan", "status", "--json", "--today", "2027-03-02").json()
        self.assertEqual([o["id"] for o in st["overdue"]], [2])
        # The history is kept: 3 creations + 2 updates of #1 + 1 of #3 + done.
        con = sqlite3.connect(self.db)
        n = con.execute("SELECT count(*) FROM plan_update").fetchone()[0]
        self.assertEqual(n, 7)
        with self.assertRaises(sqlite3.DatabaseError):
            con.execute("DELETE FROM plan_update")
        con.close()
        show = self.ok("plan", "show", "--today", TODAY).out
        self.assertIn("Objective 1: Protect soft targets", show)
        self.assertIn("milestone 1 [x] 2026-10-01 template", show)

    def test_transitions_refused(self):
        self.register()
        self.ok("plan", "objective", "add", "O")
        self.ok("plan", "action", "add", "--objective", "1", "--title", "A")
        self.fails("plan", "action", "update", "1", "--status", "done",
                   message="field 'status': action 1 cannot go from planned to done")
        self.ok("plan", "action", "update", "1", "--status", "in-progress")
        self.fails("plan", "action", "update", "1", "--status", "planned",
                   message="cannot go from in-progress to planned")
        self.ok("plan", "action", "update", "1", "--status", "blocked", "--note", "no funds")
        self.ok("plan", "action", "update", "1", "--status", "in-progress")
        self.ok("plan", "action", "update", "1", "--status", "done")
        self.fails("plan", "action", "update", "1", "--status", "in-progress",
                   message="cannot go from done to in-progress")
        self.fails("plan", "action", "update", "1", "--progress", "50", "--status", "done",
                   message="field 'progress': a done action is 100% complete")


class TestBadInput(PlanCase):
    def setUp(self):
        super().setUp()
        self.register()
        self.ok("plan", "objective", "add", "O")
        self.ok("plan", "action", "add", "--objective", "1", "--title", "A", "--lead", "f-op",
                "--milestone", "2027-01-01=m")

    def add(self, *extra, message):
        return self.fails("plan", "action", "add", "--objective", "1", "--title", "New",
                          *extra, message=message)

    def test_add(self):
        self.add("--lead", "nobody", message="field 'lead': unknown organisation 'nobody'")
        self.add("--support", "f-op", "--support", "ghost",
                 message="field 'support': unknown organisation 'ghost'")
        self.add("--indicator", "A9.2", "--indicator", "A99.1",
                 message="field 'indicator': unknown indicator 'A99.1'")
        self.add("--site", "f-cafe", "--site", "nowhere", message="field 'site': unknown site 'nowhere'")
        self.add("--due", "2026-02-30", message="field 'due': '2026-02-30' is not a date")
        self.add("--capital", "-5", message="field 'capital': -5 is negative")
        self.add("--yearly", "ten", message="field 'yearly': 'ten' is not a number")
        self.add("--milestone", "2027-13-01=x", message="field 'milestone'")
        self.add("--milestone", "soon", message="field 'milestone': 'soon' is not DATE=TEXT")
        self.add("--priority", "urgent", message="field 'priority'")
        self.fails("plan", "action", "add", "--objective", "9", "--title", "x",
                   message="field 'objective': no objective 9")
        self.fails("plan", "objective", "add", "X", "--area", "A99",
                   message="field 'area': unknown framework area 'A99'")

    def test_update(self):
        self.fails("plan", "action", "update", "9", "--progress", "10",
                   message="field 'action': no action 9")
        self.fails("plan", "action", "update", "1", "--progress", "101",
                   message="field 'progress'")
        self.fails("plan", "action", "update", "1", "--spent", "-1", message="field 'spent'")
        self.fails("plan", "action", "update", "1", "--lead", "ghost",
                   message="field 'lead': unknown organisation 'ghost'")
        self.fails("plan", "action", "update", "1", "--due", "31/12/2026", message="field 'due'")
        self.fails("plan", "action", "update", "1", "--status", "finished",
                   message="field 'status': unknown status 'finished'")
        self.fails("plan", "action", "update", "1", "--milestone-done", "5",
                   message="field 'milestone': action 1 has no milestone 5")
        self.fails("plan", "action", "update", "1", "--note", "x", "--date", "yesterday",
                   message="field 'date'")
        self.fails("plan", "status", "--today", "2026-99-01", message="field 'today'")


class TestUsage(PlanCase):
    def test_usage(self):
        db = self.path("never.db")
        for cmd in ("plan", "ta"):
            r = self.bw(cmd, "--help", db=db)
            self.assertEqual(r.rc, 0, r)
            self.assertTrue(r.out.startswith("usage: bulwark %s" % cmd), r)
        for args in (["plan"], ["plan", "frob"], ["plan", "show", "x"], ["plan", "action"],
                     ["plan", "action", "update"], ["plan", "objective", "add"],
                     ["plan", "show", "--status", "done"], ["plan", "status", "--cycle", "c"],
                     ["plan", "action", "update", "1"], ["plan", "generate", "--title", "x"],
                     ["ta"], ["ta", "frob"], ["ta", "partners", "--cycle", "c"],
                     ["ta", "match", "--top", "0"]):
            r = self.bw(*args, db=db)
            self.assertEqual(r.rc, 2, r)
            self.assertIn("usage: bulwark", r.err)
        self.assertFalse(os.path.exists(db), "a usage error created the database")


def ranked(programmes, area, areas_in_need, region=None):
    """The ranking rule of docs/plan.md, written again: primary first, then coverage of
    the areas in need (more first), then pack order."""
    cands = []
    for pos, g in enumerate(programmes):
        if area not in g["ta_areas"]:
            continue
        if region and "global" not in g["regions"] and region not in g["regions"]:
            continue
        covers = len(set(g["ta_areas"]) & areas_in_need)
        cands.append((0 if g["ta_areas"][0] == area else 1, -covers, pos, g["id"]))
    return [c[3] for c in sorted(cands)]


class TestTaMatch(PlanCase):
    def test_match_against_rule(self):
        self.register()
        # A few more gaps so that several areas are in need.
        for ind, lv in (("A5.1", "1"), ("A8.10", "2"), ("A6.3", "0"), ("A4.1", "1")):
            self.ok("framework", "answer", ind, lv)
        f = self.ok("framework", "findings", "--json").json()
        needs = [x for x in f if x["kind"] == "ta-need"]
        areas = {x["text"] for x in needs}
        with open(os.path.join(SOURCE_ROOT, "packs", "default", "partners.json")) as fh:
            progs = [g for t in json.load(fh)["partners"] for g in t["programmes"]]
        for region in (None, "osce"):
            args = ["ta", "match", "--json"] + (["--region", region] if region else [])
            j = self.ok(*args).json()
            self.assertEqual(j["cycle"], "c1")
            self.assertEqual([(n["indicator"], n["ta_area"]) for n in j["needs"]],
                             [(x["indicator"], x["text"]) for x in needs])
            for n in j["needs"]:
                want = ranked(progs, n["ta_area"], areas, region)
                self.assertEqual([m["programme"] for m in n["matches"]], want, n["ta_area"])
                self.assertEqual([m["rank"] for m in n["matches"]], list(range(1, len(want) + 1)))
                for m in n["matches"]:
                    self.assertEqual(m["in_need"], len(areas))
                    self.assertIn(n["ta_area"], m["why"])
        text = self.ok("ta", "match", "--top", "1").out
        self.assertIn("strategy development — needs: A1.1 (high)", text)
        self.assertIn("as its primary area", text)
        partners = self.ok("ta", "partners", "--json").json()
        self.assertEqual(sum(len(t["programmes"]) for t in partners), len(progs))


if __name__ == "__main__":
    main()
