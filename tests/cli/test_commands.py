"""The other commands through the real binary: init, taxonomy, sites list/show/summary,
orgs list/show, designate (changes between runs, --dry-run), demo on a non-empty
database, --help and unknown options of every command, exit codes (0 success, 1 failure,
2 usage).
Run: python3 tests/cli/test_commands.py PATH/TO/bulwark
"""

import csv
import io
import json
import os
import sqlite3
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import bwcli  # noqa: E402
from bwcli import CliTestCase

COMMANDS = ("init", "demo", "taxonomy", "import", "export", "sites", "orgs", "designate")
BASE = os.path.join(bwcli.DATA, "base")


def read_csv(path_or_bytes):
    if isinstance(path_or_bytes, bytes):
        text = path_or_bytes.decode("utf-8")
    else:
        with open(path_or_bytes, encoding="utf-8", newline="") as f:
            text = f.read()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def pack_taxonomy():
    with open(os.path.join(bwcli.SOURCE_ROOT, "packs", "default", "taxonomy.json")) as f:
        return json.load(f)


class Init(CliTestCase):

    def test_init_twice(self):
        r1 = self.ok("init")
        self.assertIn("ready", r1.out)
        before = self.snapshot()
        r2 = self.ok("init")
        self.assertIn("ready", r2.out)
        self.assertSnapshotEqual(before, self.snapshot())

    def test_init_keeps_the_register(self):
        self.load_fixture(BASE)
        before = self.snapshot(formats=("csv", "geojson"))
        self.ok("init")
        after = self.snapshot(formats=("csv", "geojson"))
        self.assertSnapshotEqual(before, after)

    def test_db_option_forms(self):
        """--db after the command, --db / --db= before it, and $BULWARK_DB all work."""
        self.ok("init")
        for args in (["--db", self.db, "taxonomy", "list"], ["--db=" + self.db, "taxonomy", "list"]):
            r = bwcli.run(args, cwd=self.dir)
            self.assertEqual(r.rc, 0, r)
        os.environ["BULWARK_DB"] = self.db
        try:
            r = bwcli.run(["taxonomy", "list"], cwd=self.dir)
            self.assertEqual(r.rc, 0, r)
        finally:
            del os.environ["BULWARK_DB"]
        self.assertFalse(os.path.exists(self.path("bulwark.db")))

    def test_default_db_in_current_directory(self):
        r = bwcli.run(["init"], cwd=self.dir)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(os.path.exists(self.path("bulwark.db")))

    def test_bad_pack_dir(self):
        r = self.bw("init", "--pack", self.path("no-such-pack"))
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.startswith("bulwark: "), r)

    def test_commands_need_init(self):
        for args in (["taxonomy", "list"], ["sites", "list"], ["orgs", "list"], ["designate"],
                     ["sites", "near", "47", "9", "10"]):
            r = self.bw(*args)
            self.assertEqual(r.rc, 1, r)
            self.assertIn("init", r.err, r)

    def test_not_a_database(self):
        self.write("junk.db", b"this is not an SQLite database\n" * 100)
        r = self.bw("sites", "list", db=self.path("junk.db"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("junk.db", r.err)


class Taxonomy(CliTestCase):

    def test_json_has_the_pack_ids(self):
        self.init()
        j = self.ok("taxonomy", "list", "--json").json()
        pack = pack_taxonomy()
        sectors = {s["id"]: s for s in j["sectors"]}
        want = set()
        for s in pack["sectors"]:
            want.add(s["id"])
            self.assertEqual(sectors[s["id"]]["kind"], "sector")
            for sub in s.get("subsectors", []):
                want.add(sub["id"])
                self.assertEqual(sectors[sub["id"]]["kind"], "subsector")
                self.assertEqual(sectors[sub["id"]]["sector"], s["id"])
        self.assertEqual(set(sectors), want)
        cats = {c["id"]: c for c in j["categories"]}
        self.assertEqual(set(cats), {c["id"] for c in pack["categories"]})
        self.assertEqual(cats["hospital"]["sector"], "health")
        for key in ("services", "organisation_types", "phases"):
            self.assertEqual([t["id"] for t in j[key]], [t["id"] for t in pack[key]], key)
        for entry in j["sectors"] + j["categories"] + j["services"]:
            self.assertTrue(entry["name"] and entry["source"], entry)
        self.assertIn("energy.electricity", sectors)
        self.assertIn("religious-site", cats)
        self.assertEqual(j["pack"], "default")

    def test_text(self):
        self.init()
        r = self.ok("taxonomy", "list")
        for word in ("energy.electricity", "hospital", "power", "responder", "recover"):
            self.assertIn(word, r.out)

    def test_usage_errors(self):
        self.init()
        for args in (["taxonomy"], ["taxonomy", "show"], ["taxonomy", "list", "extra"]):
            self.assertEqual(self.bw(*args).rc, 2, args)


class Sites(CliTestCase):

    def setUp(self):
        super().setUp()
        self.demo()
        self.all = self.sites_json()
        self.tax = self.ok("taxonomy", "list", "--json").json()

    def ids(self, *args):
        r = self.ok("sites", "list", "--json", *args)
        return [s["id"] for s in r.json()]

    def test_list_is_complete_and_in_id_order(self):
        ids = [s["id"] for s in self.all]
        self.assertEqual(ids, sorted(ids, key=lambda s: s.encode()))
        self.assertEqual(len(ids), self.counts()["sites"])
        csv_ids = [row["id"] for row in read_csv(self.export("sites"))]
        self.assertEqual(ids, csv_ids)

    def test_category(self):
        got = self.ids("--category", "hospital")
        want = [s["id"] for s in self.all if s["category"] == "hospital"]
        self.assertTrue(want)
        self.assertEqual(got, want)
        for cat in ("religious-site", "energy.electricity", "mass-gathering"):
            self.assertEqual(self.ids("--category", cat),
                             [s["id"] for s in self.all if s["category"] == cat], cat)

    def sector_members(self, sector):
        m = {sector}
        m |= {s["id"] for s in self.tax["sectors"] if s.get("sector") == sector}
        m |= {c["id"] for c in self.tax["categories"] if c.get("sector") == sector}
        return m

    def test_sector_includes_linked_categories(self):
        got = self.ids("--sector", "health")
        hospitals = [s["id"] for s in self.all if s["category"] == "hospital"]
        self.assertTrue(hospitals)
        self.assertLessEqual(set(hospitals), set(got))
        for sector in ("health", "energy", "transport", "emergency-services", "nuclear"):
            members = self.sector_members(sector)
            self.assertEqual(self.ids("--sector", sector),
                             [s["id"] for s in self.all if s["category"] in members], sector)

    def test_text_list(self):
        r = self.ok("sites", "list", "--category", "hospital")
        self.assertEqual(len(r.out.splitlines()), len(self.ids("--category", "hospital")))
        self.assertIn("sites", r.err)

    def test_filter_errors(self):
        for args, rc in ((["--category", "castle"], 1), (["--sector", "castle"], 1),
                         (["--sector", "hospital"], 1), (["--sector", "energy.electricity"], 1),
                         (["--category", "hospital", "--sector", "health"], 2)):
            r = self.bw("sites", "list", *args)
            self.assertEqual(r.rc, rc, r)
            self.assertEqual(r.out, "")

    def test_show(self):
        deps = read_csv(self.export("deps"))
        roles = read_csv(self.export("roles"))
        # a site with both dependencies and roles
        sid = next(d["site"] for d in deps if any(r["site"] == d["site"] for r in roles))
        j = self.ok("sites", "show", sid, "--json").json()
        self.assertEqual(j["id"], sid)
        self.assertIn(j["kind"], ("soft target", "critical infrastructure"))
        want_deps = sorted((d["site"], d["supplier"], d["service"]) for d in deps
                           if sid in (d["site"], d["supplier"]))
        self.assertEqual(sorted((d["site"], d["supplier"], d["service"])
                                for d in j["dependencies"]), want_deps)
        want_roles = sorted((r["org"], r["phase"]) for r in roles if r["site"] == sid)
        self.assertEqual(sorted((r["org"], r["phase"]) for r in j["roles"]), want_roles)
        listed = next(s for s in self.all if s["id"] == sid)
        for k, v in listed.items():
            self.assertEqual(j[k], v, k)
        text = self.ok("sites", "show", sid)
        self.assertIn("dependencies (%d)" % len(want_deps), text.out)
        self.assertIn("roles (%d)" % len(want_roles), text.out)

    def test_show_unknown(self):
        r = self.bw("sites", "show", "no-such-site", "--json")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no-such-site", r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(self.bw("sites", "show").rc, 2)
        self.assertEqual(self.bw("sites", "show", "a", "b").rc, 2)

    def test_summary(self):
        j = self.ok("sites", "summary", "--json").json()
        self.assertEqual(j["sites"], len(self.all))
        self.assertEqual(j["critical_infrastructure"] + j["soft_targets"], j["sites"])
        self.assertEqual(sum(c["sites"] for c in j["categories"]), j["sites"])
        soft = {c["id"] for c in self.tax["categories"]}
        self.assertEqual(j["soft_targets"], sum(1 for s in self.all if s["category"] in soft))
        caps = sorted((s.get("capacity", -1) for s in self.all), reverse=True)[:10]
        self.assertEqual([x["capacity"] for x in j["largest"]], [c for c in caps if c >= 0])
        self.ok("sites", "summary")

    def test_usage_errors(self):
        for args in (["sites"], ["sites", "frobnicate"], ["sites", "list", "extra"],
                     ["sites", "summary", "x"], ["sites", "near", "1"]):
            r = self.bw(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertIn("usage:", r.err)


class Orgs(CliTestCase):

    def setUp(self):
        super().setUp()
        self.load_fixture(BASE)

    def test_list_json_matches_fixture(self):
        got = self.ok("orgs", "list", "--json").json()
        want = read_csv(os.path.join(BASE, "orgs.csv"))
        self.assertEqual([o["id"] for o in got], [o["id"] for o in want])
        for g, w in zip(got, want):
            for k, v in w.items():
                if v:
                    self.assertEqual(g[k], v, k)
                else:
                    self.assertNotIn(k, g)

    def test_show(self):
        j = self.ok("orgs", "show", "t-police", "--json").json()
        self.assertEqual(j["type"], "responder")
        self.assertEqual(sorted((r["site"], r["phase"]) for r in j["roles"]),
                         [("t-hospital", "respond"), ("t-stadium", "respond")])
        r = self.ok("orgs", "show", "t-op")
        self.assertIn("roles (1)", r.out)

    def test_show_unknown(self):
        r = self.bw("orgs", "show", "t-nobody")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("t-nobody", r.err)

    def test_text_list(self):
        r = self.ok("orgs", "list")
        self.assertEqual(len(r.out.splitlines()), 2)
        self.assertIn("+000 2", r.out)

    def test_usage_errors(self):
        for args in (["orgs"], ["orgs", "list", "x"], ["orgs", "show"], ["orgs", "delete", "x"]):
            self.assertEqual(self.bw(*args).rc, 2, args)

    def test_site_show_of_fixture(self):
        j = self.ok("sites", "show", "t-hospital", "--json").json()
        self.assertEqual(sorted((d["supplier"], d["service"]) for d in j["dependencies"]),
                         [("t-power", "power"), ("t-water", "water")])
        grid = next(d for d in j["dependencies"] if d["service"] == "power")
        self.assertEqual(grid["redundancy_group"], "grid")
        self.assertEqual(grid["buffer_hours"], 24)
        self.assertEqual(sorted((r["org"], r["phase"]) for r in j["roles"]),
                         [("t-op", "protect"), ("t-police", "respond")])
        self.assertEqual(j["kind"], "soft target")
        p = self.ok("sites", "show", "t-power", "--json").json()
        self.assertEqual(p["kind"], "critical infrastructure")
        self.assertEqual(sorted(d["site"] for d in p["dependencies"]), ["t-hospital", "t-stadium"])
        self.assertEqual(p["roles"], [])


class Designate(CliTestCase):

    def designate(self, *args):
        return self.ok("designate", "--json", *args).json()

    def runs(self):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return (con.execute("SELECT count(*) FROM designation_run").fetchone()[0],
                    con.execute("SELECT count(*) FROM designation").fetchone()[0])
        finally:
            con.close()

    def upsert_site(self, sid, **changes):
        """Re-imports one site (from the export) with @changes, using --upsert."""
        rows = read_csv(self.export("sites"))
        row = next(r for r in rows if r["id"] == sid)
        row.update({k: str(v) for k, v in changes.items()})
        buf = io.StringIO(newline="")
        w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\r\n")
        w.writeheader()
        w.writerow(row)
        r = self.ok("import", "sites", self.write("one.csv", buf.getvalue()), "--upsert")
        self.assertIn("imported 1 sites", r.out)

    def test_demo_second_run_has_no_changes(self):
        self.demo()
        first = self.designate()
        self.assertTrue(first["recorded"])
        self.assertNotIn("previous_run", first)
        self.assertEqual(first["added"], first["designated"])
        self.assertGreater(first["designated"], 0)
        self.assertEqual(len(first["decisions"]), first["designated"])
        second = self.designate()
        self.assertEqual(second["previous_run"], first["run"])
        self.assertEqual((second["added"], second["removed"], second["changed"]), (0, 0, 0))
        self.assertEqual(second["changes"], [])
        self.assertEqual(second["decisions"], first["decisions"])
        self.assertEqual(self.runs()[0], 2)

    def test_demo_capacity_change_is_reported(self):
        self.demo()
        first = self.designate()
        tiers = {d["site"]: d for d in first["decisions"]}
        capped = {"religious-site", "educational-institution"}
        sites = self.sites_json()
        # a standard-tier site that can become enhanced, one undesignated site, one to drop
        up = next(s for s in sites if tiers.get(s["id"], {}).get("tier") == "standard"
                  and s["category"] not in capped and not tiers[s["id"]]["critical"])
        new = next(s for s in sites if s["id"] not in tiers and s["category"] not in capped)
        gone = next(s for s in sites if tiers.get(s["id"], {}).get("tier") == "enhanced"
                    and not tiers[s["id"]]["critical"] and s["id"] != up["id"])
        self.upsert_site(up["id"], capacity=5000)
        self.upsert_site(new["id"], capacity=300)
        self.upsert_site(gone["id"], capacity=10)
        dry = self.designate("--dry-run")
        real = self.designate()
        for j in (dry, real):
            changes = {c["site"]: c for c in j["changes"]}
            self.assertEqual(len(changes), 3, j["changes"])
            self.assertEqual(changes[up["id"]]["change"], "changed")
            self.assertEqual(changes[up["id"]]["was"], "standard")
            self.assertEqual(changes[up["id"]]["now"], "enhanced")
            self.assertEqual(changes[new["id"]]["change"], "designated")
            self.assertEqual(changes[new["id"]]["now"], "standard")
            self.assertEqual(changes[gone["id"]]["change"], "no longer designated")
            self.assertEqual((j["added"], j["removed"], j["changed"]), (1, 1, 1))
        self.assertEqual(self.designate()["changes"], [])

    def test_text_reports_change(self):
        self.load_fixture(BASE)
        r = self.ok("designate")
        self.assertIn("First run", r.out)
        self.upsert_site("t-hospital", capacity=850)
        r = self.ok("designate")
        self.assertRegex(r.out, r"t-hospital\s+changed\s+standard -> enhanced")
        self.assertIn("1 changed", r.out)

    def test_fixture_decisions(self):
        self.load_fixture(BASE)
        j = self.designate()
        got = {d["site"]: (d["tier"], d["critical"]) for d in j["decisions"]}
        self.assertEqual(got, {"t-hospital": ("standard", False), "t-power": (None, True),
                               "t-stadium": ("enhanced", False)})
        self.assertEqual(j["sites_considered"], 4)

    def test_dry_run_records_nothing(self):
        self.load_fixture(BASE)
        before = self.snapshot()
        self.assertEqual(self.runs(), (0, 0))
        d1 = self.designate("--dry-run")
        self.assertFalse(d1["recorded"])
        self.assertNotIn("run", d1)
        self.assertSnapshotEqual(before, self.snapshot())
        real = self.designate()
        self.assertEqual(self.runs(), (1, 3))
        self.upsert_site("t-hospital", capacity=850)
        before = self.snapshot()
        d2 = self.designate("--dry-run")
        d3 = self.designate("--dry-run")
        self.assertSnapshotEqual(before, self.snapshot())
        self.assertEqual(self.runs(), (1, 3))
        for d in (d2, d3):
            self.assertEqual(d["previous_run"], real["run"])
            self.assertEqual(d["changed"], 1)
        r = self.ok("designate", "--dry-run")
        self.assertIn("dry run", r.out)
        self.assertEqual(self.runs(), (1, 3))

    def test_usage_errors(self):
        self.init()
        self.assertEqual(self.bw("designate", "now").rc, 2)


class Demo(CliTestCase):

    def test_demo_on_fresh_db(self):
        r = self.ok("demo", "--json")
        j = r.json()
        c = self.counts()
        self.assertEqual(c["sites"], j["sites"])
        self.assertEqual(c["organisations"], j["organisations"])
        self.assertEqual(c["roles"], j["roles"])
        self.assertEqual(c["dependencies"], j["links"] + j["supply_dependencies"])
        self.assertGreater(j["sites"], 100)

    def test_demo_on_initialised_empty_db(self):
        self.init()
        self.ok("demo")
        self.assertGreater(self.counts()["sites"], 100)

    def check_demo_refused(self):
        before = self.snapshot(formats=("csv", "geojson"))
        r = self.bw("demo")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("already holds a register", r.err)
        self.assertSnapshotEqual(before, self.snapshot(formats=("csv", "geojson")))

    def test_demo_twice(self):
        self.demo()
        self.check_demo_refused()

    def test_demo_on_other_register(self):
        self.load_fixture(BASE)
        self.check_demo_refused()

    def test_demo_on_db_with_only_orgs(self):
        self.init()
        self.ok("import", "orgs", os.path.join(BASE, "orgs.csv"))
        self.check_demo_refused()


class Usage(CliTestCase):

    def test_every_help(self):
        db = self.path("never.db")
        for cmd in COMMANDS:
            for flag in ("--help", "-h"):
                r = self.bw(cmd, flag, db=db)
                self.assertEqual(r.rc, 0, r)
                self.assertTrue(r.out.startswith("usage: bulwark " + cmd), r)
                self.assertEqual(r.err, "")
        self.assertFalse(os.path.exists(db), "--help created the database")

    def test_top_level_help(self):
        for args in (["--help"], ["-h"], ["help"]):
            r = bwcli.run(args, cwd=self.dir)
            self.assertEqual(r.rc, 0, r)
            self.assertTrue(r.out.startswith("usage: bulwark"), r)
            for cmd in COMMANDS:
                self.assertIn(cmd, r.out)
        r = bwcli.run(["--version"], cwd=self.dir)
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, r"^bulwark \d+\.\d+")

    def test_unknown_option_exits_2(self):
        db = self.path("never.db")
        for cmd in COMMANDS:
            for bad in ("--no-such-option", "-Z"):
                r = self.bw(cmd, bad, db=db)
                self.assertEqual(r.rc, 2, r)
                self.assertIn("usage: bulwark " + cmd, r.err)
                self.assertEqual(r.out, "")
        self.assertFalse(os.path.exists(db), "a usage error created the database")

    def test_missing_option_argument_exits_2(self):
        for args in (["import", "sites", "x.csv", "--format"], ["export", "sites", "-o"],
                     ["sites", "list", "--category"], ["init", "--pack"]):
            r = bwcli.run(args, cwd=self.dir)
            self.assertEqual(r.rc, 2, r)

    def test_bad_arguments_exit_2(self):
        self.init()
        for args in (["import"], ["import", "sites"], ["import", "things", "x.csv"],
                     ["import", "sites", "x.csv", "--format", "xml"], ["export"],
                     ["export", "things"], ["export", "sites", "--format", "xml"],
                     ["init", "extra"], ["demo", "extra"]):
            r = self.bw(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertTrue(r.err.startswith("bulwark: "), r)

    def test_unknown_command_and_global_option(self):
        for args in (["frobnicate"], ["--frobnicate", "init"], []):
            r = bwcli.run(args, cwd=self.dir)
            self.assertEqual(r.rc, 2, r)
            self.assertIn("usage: bulwark", r.err)

    def test_options_anywhere(self):
        """Options may come before or after the arguments; negative numbers are arguments."""
        self.load_fixture(BASE)
        a = self.ok("sites", "near", "47.1", "9.5", "5000", "--json").json()
        b = self.bw("sites", "--json", "near", "47.1", "9.5", "5000")
        self.assertEqual(b.rc, 0, b)
        self.assertEqual(a, b.json())
        c = self.bw("sites", "near", "-47.1", "-170.5", "20003931", "--limit", "1", "--json")
        self.assertEqual(c.rc, 0, c)
        self.assertEqual(len(c.json()), 1)


if __name__ == "__main__":
    bwcli.main()
