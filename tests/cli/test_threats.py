"""The threat picture and protective measures through the real binary.

`threats list|levels|gtd`, `threat-level set|history|show`, `measures list`,
`measure add|rm|list` and `gaps` on the four-site fixture of tests/data/cli/threats
(see its README for the table the expected outputs are worked from), the demo threat
picture, and bad input: a clear error, exit 1 and nothing written.
"""

import json
import os
import sqlite3

from bwcli import CliTestCase, DATA, main

FIXTURE = os.path.join(DATA, "threats")


class ThreatsFixture(CliTestCase):
    def setUp(self):
        super().setUp()
        self.load_fixture(FIXTURE)

    def dump(self):
        """Every row of every table: what "nothing written" is checked against."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    def fails(self, *args, message):
        """Runs a command that must fail with exit 1, @message on stderr, nothing written."""
        before = self.dump()
        r = self.bw(*args)
        self.assertEqual(r.rc, 1, r)
        self.assertIn(message, r.err, r)
        self.assertEqual(r.out, "", r)
        self.assertEqual(self.dump(), before, "a failed command wrote to the database")
        return r


class TestPackViews(ThreatsFixture):
    def test_threats_list(self):
        j = self.ok("threats", "list", "--json").json()
        self.assertEqual(len(j), 24)
        by_id = {t["id"]: t for t in j}
        self.assertEqual(by_id["pbied-suicide-vest"]["parameters"], {"tnt_kg": 9.2})
        self.assertEqual(by_id["vbied-semi-trailer"]["parameters"]["tnt_kg"], 27216)
        self.assertEqual(by_id["ramming-hgv"]["parameters"],
                         {"vehicle_kg": 29500, "speed_kmh": 48})
        self.assertEqual(by_id["uas-matrice"]["parameters"]["uas_payload_g"], 228)
        self.assertEqual(by_id["arson-incendiary"]["restoration_attack"], "arson")
        self.assertEqual(by_id["edged-weapon"]["gtd"], {"attacktype": [2, 8], "weaptype": [9]})
        self.assertIn("assumption", by_id["ramming-car"]["note"])
        families = {t["family"] for t in j}
        self.assertEqual(families, {"ied", "vbied", "firearms", "ramming", "edged", "arson",
                                    "uas", "cbrn", "insider", "cyber-physical"})
        text = self.ok("threats", "list").out.splitlines()
        self.assertEqual(text[0].split(), ["ID", "FAMILY", "RESTORATION", "PARAMETERS"])
        self.assertEqual(text[4].split(), ["vbied-sedan", "vbied", "explosive", "TNT", "227",
                                           "kg,", "2100", "kg", "at", "48", "km/h"])
        self.assertEqual(text[-1], "24 threat types; `--json` gives names, GTD codes, sources "
                                   "and assumptions")

    def test_levels_and_gtd(self):
        out = self.ok("threats", "levels").out
        self.assertEqual(out, "1  LOW          an attack is highly unlikely\n"
                              "2  MODERATE     an attack is possible but not likely\n"
                              "3  SUBSTANTIAL  an attack is likely\n"
                              "4  SEVERE       an attack is highly likely\n"
                              "5  CRITICAL     an attack is highly likely in the near future\n"
                              "\ndefault (no level set): MODERATE; gaps count threats at "
                              "MODERATE or above\n")
        j = self.ok("threats", "gtd", "--json").json()
        self.assertEqual([g["code"] for g in j], list(range(1, 23)))
        self.assertEqual(j[14]["classes"], ["religious-site"])
        self.assertIn("15 Religious Figures/Institutions   religious-site\n",
                      self.ok("threats", "gtd").out)

    def test_measures_list(self):
        j = self.ok("measures", "list", "--json").json()
        self.assertEqual(len(j), 24)
        by_id = {m["id"]: m for m in j}
        self.assertEqual(by_id["hvm-astm-m30-p1"]["barrier"],
                         {"standard": "ASTM F2656", "rating": "M30/P1", "vehicle_kg": 6800,
                          "speed_kmh": 48, "penetration_m": 1})
        self.assertEqual(by_id["cuas-radar"]["detection"], {"sensor": "radar", "range_m": 1000})
        self.assertTrue(by_id["cctv-biometric"]["privacy_review"])
        self.assertFalse(by_id["cctv-monitoring"]["privacy_review"])
        for p in ("evacuation", "invacuation", "lockdown", "communication"):
            self.assertEqual(by_id["plan-" + p]["kind"], "procedure")
        out = self.ok("measures", "list").out.splitlines()
        self.assertEqual(out[3].split(), ["hvm-astm-m30-p1", "barrier", "0.90", "ASTM", "F2656",
                                          "M30/P1", "300000", "6000", "-", "ramming,vbied"])


class TestThreatLevels(ThreatsFixture):
    def test_set_history_show(self):
        r = self.ok("threat-level", "set", "--type", "all", "--level", "low",
                    "--from", "2026-01-01", "--note", "baseline")
        self.assertRegex(r.out, r"^threat level #1: \* LOW from 2026-01-01, set "
                                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n$")
        r = self.ok("threat-level", "set", "--type", "ramming", "--level", "SUBSTANTIAL",
                    "--region", "north", "--from", "2026-03-01", "--to", "2026-03-31")
        self.assertIn("threat level #2: ramming SUBSTANTIAL (region north) from 2026-03-01 to "
                      "2026-03-31, set ", r.out)
        r = self.ok("threat-level", "set", "--type", "pbied-pipe-bomb", "--level", "SEVERE",
                    "--sector", "transport", "--from", "2026-03-10")
        self.assertIn("#3: pbied-pipe-bomb SEVERE (sector transport) from 2026-03-10, set", r.out)

        h = self.ok("threat-level", "history", "--json").json()
        for e in h:
            del e["set_at"]
        self.assertEqual(h, [
            {"id": 1, "threat": "*", "level": "LOW", "region": None, "sector": None,
             "valid_from": "2026-01-01", "valid_to": None, "note": "baseline"},
            {"id": 2, "threat": "ramming", "level": "SUBSTANTIAL", "region": "north",
             "sector": None, "valid_from": "2026-03-01", "valid_to": "2026-03-31", "note": None},
            {"id": 3, "threat": "pbied-pipe-bomb", "level": "SEVERE", "region": None,
             "sector": "transport", "valid_from": "2026-03-10", "valid_to": None, "note": None},
        ])
        text = self.ok("threat-level", "history").out.splitlines()
        self.assertEqual(len(text), 4)
        self.assertEqual(text[1].split()[2:], ["*", "LOW", "*", "*", "2026-01-01", "-",
                                               "baseline"])

        # On 2026-03-15: the national '*' LOW for all 24, plus the ramming types in the north
        # and the pipe bomb in transport, where the scoped entries decide.
        s = self.ok("threat-level", "show", "--date", "2026-03-15", "--json").json()
        self.assertEqual(s["date"], "2026-03-15")
        self.assertEqual(s["default"], "MODERATE")
        rows = {(x["threat"], x["region"], x["sector"]): (x["level"], x["entry"])
                for x in s["levels"]}
        self.assertEqual(len(s["levels"]), 24 + 4 + 1)
        self.assertEqual(rows[("edged-weapon", None, None)], ("LOW", 1))
        self.assertEqual(rows[("ramming-hgv", None, None)], ("LOW", 1))
        self.assertEqual(rows[("ramming-hgv", "north", None)], ("SUBSTANTIAL", 2))
        self.assertEqual(rows[("pbied-pipe-bomb", None, "transport")], ("SEVERE", 3))
        self.assertNotIn(("edged-weapon", "north", None), rows)
        text = self.ok("threat-level", "show", "--date", "2026-03-15").out.splitlines()
        self.assertEqual(text[0], "threat levels in force on 2026-03-15 (default MODERATE)")
        self.assertEqual(text[2].split(), ["pbied-pipe-bomb", "*", "*", "LOW", "2026-01-01",
                                           "-", "#1", "(*)"])
        self.assertEqual(text[3].split(), ["pbied-pipe-bomb", "*", "transport", "SEVERE",
                                           "2026-03-10", "-", "#3", "(pbied-pipe-bomb)"])
        # On 2026-04-01 the ramming entry has ended (2026-03-31 was its last day).
        s = self.ok("threat-level", "show", "--date", "2026-04-01", "--json").json()
        self.assertEqual(len(s["levels"]), 24 + 1)
        # Before 2026-01-01 nothing is set: the pack default, with no entry.
        s = self.ok("threat-level", "show", "--date", "2025-12-31", "--json").json()
        self.assertEqual({(x["level"], x["entry"]) for x in s["levels"]}, {("MODERATE", None)})
        self.assertIn("edged-weapon           *            *                        MODERATE"
                      "     -          -          default\n",
                      self.ok("threat-level", "show", "--date", "2025-12-31").out)

    def test_history_is_append_only(self):
        self.ok("threat-level", "set", "--type", "uas", "--level", "SEVERE",
                "--from", "2026-01-01")
        self.ok("threat-level", "set", "--type", "uas", "--level", "LOW", "--from", "2026-02-01")
        h = self.ok("threat-level", "history", "--json").json()
        self.assertEqual([(e["id"], e["level"]) for e in h], [(1, "SEVERE"), (2, "LOW")])
        s = self.ok("threat-level", "show", "--date", "2026-01-15", "--json").json()
        self.assertEqual({x["level"] for x in s["levels"] if x["threat"].startswith("uas")},
                         {"SEVERE"})
        s = self.ok("threat-level", "show", "--date", "2026-02-01", "--json").json()
        self.assertEqual({x["level"] for x in s["levels"] if x["threat"].startswith("uas")},
                         {"LOW"})
        con = sqlite3.connect(self.db)
        try:
            with self.assertRaises(sqlite3.DatabaseError):
                con.execute("UPDATE threat_level SET level='CRITICAL'")
            with self.assertRaises(sqlite3.DatabaseError):
                con.execute("DELETE FROM threat_level")
        finally:
            con.close()

    def test_bad_levels(self):
        self.fails("threat-level", "set", "--type", "truck-bomb", "--level", "LOW",
                   message="bulwark: field 'threat': unknown threat type 'truck-bomb' "
                           "(see `bulwark threats list`)\n")
        self.fails("threat-level", "set", "--type", "vbied", "--level", "HIGH",
                   message="bulwark: unknown threat level 'HIGH' (levels: LOW MODERATE "
                           "SUBSTANTIAL SEVERE CRITICAL)\n")
        self.fails("threat-level", "set", "--type", "vbied", "--level", "LOW",
                   "--sector", "stadium",
                   message="field 'sector': unknown sector, subsector or category 'stadium'")
        self.fails("threat-level", "set", "--type", "vbied", "--level", "LOW",
                   "--from", "2026-05-01", "--to", "2026-04-01",
                   message="field 'valid_to': ends (2026-04-01) before it starts (2026-05-01)")
        self.fails("threat-level", "set", "--type", "vbied", "--level", "LOW",
                   "--from", "2026-02-30", message="'2026-02-30' is not a date (YYYY-MM-DD)")
        self.fails("threat-level", "show", "--date", "tomorrow",
                   message="--date: 'tomorrow' is not a date")
        r = self.bw("threat-level", "set", "--level", "LOW")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("set needs --type", r.err)
        r = self.bw("threat-level", "history", "--type", "vbied")
        self.assertEqual(r.rc, 2, r)


class TestMeasuresAndGaps(ThreatsFixture):
    GAPS_0315 = (
        "t-cafe  Test Cafe (urban-centre, no tier)\n"
        "  hvm-iwa-1500-48      missing  recommended for category urban-centre\n"
        "                                acts on ramming SUBSTANTIAL\n"
        "t-rail  Test Rail Station (transport.rail, no tier)\n"
        "  cctv-monitoring      missing  recommended for sector transport\n"
        "                                acts on ramming SUBSTANTIAL\n"
        "  training-exercises   missing  recommended for sector transport\n"
        "                                acts on ramming SUBSTANTIAL\n"
        "\n"
        "3 gaps at 2 sites on 2026-03-15 (threats at MODERATE or above); closing them costs "
        "about EUR 190000 capital and EUR 68000 a year\n")

    def picture(self):
        """Everything LOW from 2026-01-01, ramming SUBSTANTIAL in the north in March."""
        self.ok("threat-level", "set", "--type", "all", "--level", "LOW", "--from", "2026-01-01")
        self.ok("threat-level", "set", "--type", "ramming", "--level", "SUBSTANTIAL",
                "--region", "north", "--from", "2026-03-01", "--to", "2026-03-31")

    def test_gaps_follow_the_threat_picture(self):
        # Nothing set: every threat is at the default, MODERATE, which is the threshold, so
        # every recommended measure is a gap: 1 + 6 + 12 + 4 (fixture README).
        j = self.ok("gaps", "--date", "2026-03-15", "--json").json()
        self.assertEqual(j["threshold"], "MODERATE")
        self.assertEqual({s["site"]: len(s["gaps"]) for s in j["sites"]},
                         {"t-cafe": 1, "t-church": 6, "t-hall": 12, "t-rail": 4})
        hall = {g["measure"]: g for g in j["sites"][2]["gaps"]}
        self.assertEqual(j["sites"][2]["tier"], "enhanced")
        self.assertEqual(hall["screening-search"]["why"], "tier enhanced")
        self.assertEqual(hall["plan-lockdown"]["why"], "tier standard (site is enhanced)")
        self.assertEqual(hall["hvm-astm-m30-p1"]["why"], "category public-administration")
        self.assertTrue(hall["screening-search"]["privacy_review"])

        self.picture()
        self.assertEqual(self.ok("gaps", "--date", "2026-02-15").out,
                         "0 gaps at 0 sites on 2026-02-15 (threats at MODERATE or above); "
                         "closing them costs about EUR 0 capital and EUR 0 a year\n")
        self.assertEqual(self.ok("gaps", "--date", "2026-03-15").out, self.GAPS_0315)
        self.assertEqual(self.ok("gaps", "--date", "2026-03-31").out.count("missing"), 3)
        self.assertIn("0 gaps at 0 sites on 2026-04-01",
                      self.ok("gaps", "--date", "2026-04-01").out)
        # One site.
        j = self.ok("gaps", "t-rail", "--date", "2026-03-15", "--json").json()
        self.assertEqual(j["total"], {"gaps": 2, "sites": 1, "capital": 40000,
                                      "yearly": 65000, "currency": "EUR"})
        self.assertEqual(j["sites"][0]["gaps"][0]["threats"],
                         [{"threat": t, "level": "SUBSTANTIAL"}
                          for t in ("ramming-car", "ramming-pickup", "ramming-medium-truck",
                                    "ramming-hgv")])

    def test_measures_close_gaps(self):
        self.picture()
        r = self.ok("measure", "add", "t-rail", "cctv-monitoring", "--quality", "0.8",
                    "--date", "2026-02-01")
        self.assertEqual(r.out, "t-rail: cctv-monitoring in place at quality 0.80 since "
                                "2026-02-01\n")
        self.ok("measure", "add", "t-rail", "training-exercises", "--quality", "0.3",
                "--date", "2026-02-01")
        self.ok("measure", "add", "t-cafe", "hvm-iwa-1500-48", "--planned", "--date",
                "2026-09-01", "--note", "budget 2026")
        out = self.ok("gaps", "--date", "2026-03-15").out
        self.assertEqual(out,
                         "t-cafe  Test Cafe (urban-centre, no tier)\n"
                         "  hvm-iwa-1500-48      planned  recommended for category urban-centre\n"
                         "                                acts on ramming SUBSTANTIAL\n"
                         "t-rail  Test Rail Station (transport.rail, no tier)\n"
                         "  training-exercises   weak     recommended for sector transport\n"
                         "                                acts on ramming SUBSTANTIAL\n"
                         "\n"
                         "2 gaps at 2 sites on 2026-03-15 (threats at MODERATE or above); "
                         "closing them costs about EUR 150000 capital and EUR 8000 a year\n")
        # Quality 0.5 is enough; a re-add replaces the record.
        self.ok("measure", "add", "t-rail", "training-exercises", "--quality", "0.5",
                "--date", "2026-02-01")
        self.ok("measure", "add", "t-cafe", "hvm-iwa-1500-48", "--date", "2026-03-01")
        self.assertIn("0 gaps at 0 sites", self.ok("gaps", "--date", "2026-03-15").out)
        self.assertEqual(self.ok("measure", "list", "--json").json(), [
            {"site": "t-cafe", "measure": "hvm-iwa-1500-48", "quality": 1.0, "planned": False,
             "date": "2026-03-01", "note": None},
            {"site": "t-rail", "measure": "cctv-monitoring", "quality": 0.8, "planned": False,
             "date": "2026-02-01", "note": None},
            {"site": "t-rail", "measure": "training-exercises", "quality": 0.5,
             "planned": False, "date": "2026-02-01", "note": None},
        ])
        self.assertEqual(self.ok("measure", "list", "t-rail").out,
                         "SITE                   MEASURE              QUALITY  STATUS   DATE"
                         "       NOTE\n"
                         "t-rail                 cctv-monitoring         0.80  in place 2026-02-01 \n"
                         "t-rail                 training-exercises      0.50  in place 2026-02-01 \n")
        # Removing brings the gap back.
        self.assertEqual(self.ok("measure", "rm", "t-rail", "cctv-monitoring").out,
                         "t-rail: cctv-monitoring removed\n")
        out = self.ok("gaps", "t-rail", "--date", "2026-03-15").out
        self.assertIn("  cctv-monitoring      missing  recommended for sector transport\n", out)
        self.assertIn("1 gap at 1 site on 2026-03-15", out)

    def test_sector_level(self):
        # Edged weapons SEVERE at places of worship: at the church the measures acting on
        # edged weapons are gaps, evacuation and invacuation (not acting on them) are not.
        self.ok("threat-level", "set", "--type", "all", "--level", "LOW", "--from", "2026-01-01")
        self.ok("threat-level", "set", "--type", "edged", "--level", "SEVERE",
                "--sector", "religious-site", "--from", "2026-01-01")
        j = self.ok("gaps", "--date", "2026-06-01", "--json").json()
        self.assertEqual([s["site"] for s in j["sites"]], ["t-church"])
        self.assertEqual([g["measure"] for g in j["sites"][0]["gaps"]],
                         ["cctv-monitoring", "plan-lockdown", "plan-communication",
                          "training-exercises"])
        self.assertEqual(j["sites"][0]["gaps"][1]["threats"],
                         [{"threat": "edged-weapon", "level": "SEVERE"}])
        self.assertEqual(j["total"]["capital"], 40000 + 5000 + 2000 + 0)

    def test_bad_measures(self):
        self.ok("measure", "add", "t-cafe", "cctv-monitoring", "--date", "2026-01-01")
        self.fails("measure", "add", "t-cafe", "cuas-rf", "--quality", "1.5",
                   message="bulwark: field 'quality': quality 1.5 is outside 0..1\n")
        self.fails("measure", "add", "t-cafe", "cuas-rf", "--quality", "-0.2",
                   message="quality -0.2 is outside 0..1")
        self.fails("measure", "add", "t-cafe", "cuas-rf", "--quality", "high",
                   message="--quality: 'high' is not a number (0..1)")
        self.fails("measure", "add", "t-nope", "cuas-rf",
                   message="bulwark: field 'site': unknown site 't-nope'\n")
        self.fails("measure", "add", "t-cafe", "moat",
                   message="bulwark: field 'measure': unknown measure 'moat' "
                           "(see `bulwark measures list`)\n")
        self.fails("measure", "add", "t-cafe", "cuas-rf", "--date", "2026-13-01",
                   message="field 'date': '2026-13-01' is not a date")
        self.fails("measure", "rm", "t-cafe", "cuas-rf",
                   message="bulwark: field 'measure': site 't-cafe' has no measure 'cuas-rf'\n")
        self.fails("measure", "rm", "t-nope", "cctv-monitoring",
                   message="unknown site 't-nope'")
        self.fails("measure", "list", "t-nope", message="unknown site 't-nope'")
        self.fails("gaps", "t-nope", message="bulwark: unknown site 't-nope'\n")
        r = self.bw("measure", "add", "t-cafe")
        self.assertEqual(r.rc, 2, r)
        r = self.bw("measure", "rm", "t-cafe", "cctv-monitoring", "--quality", "1")
        self.assertEqual(r.rc, 2, r)

    def test_site_upsert_keeps_its_measures(self):
        # Re-importing a site (upsert) keeps its measures; they follow the site row.
        self.ok("measure", "add", "t-cafe", "cctv-monitoring", "--date", "2026-01-01")
        self.ok("import", "sites", os.path.join(FIXTURE, "sites.csv"), "--upsert")
        self.assertEqual(len(self.ok("measure", "list", "--json").json()), 1)


class TestDemoPicture(CliTestCase):
    def test_demo_threat_picture(self):
        self.demo()
        h = self.ok("threat-level", "history", "--json").json()
        self.assertEqual(len(h), 9)
        self.assertEqual(h[0]["set_at"], "2026-01-05T09:00:00.000Z")
        self.assertEqual(len(self.ok("measure", "list", "--json").json()), 31)
        # The Landtag on national day (hand-worked in docs/demo.md).
        j = self.ok("gaps", "osm-n935278222", "--date", "2026-08-15", "--json").json()
        gaps = [(g["measure"], g["status"]) for g in j["sites"][0]["gaps"]]
        self.assertEqual(gaps, [("hvm-astm-m30-p1", "planned"), ("standoff-30m", "weak"),
                                ("staff-vetting", "missing"), ("training-exercises", "missing")])
        levels = {t["threat"]: t["level"] for t in j["sites"][0]["gaps"][0]["threats"]}
        self.assertEqual(levels["vbied-sedan"], "SEVERE")
        self.assertEqual(levels["ramming-car"], "SEVERE")
        # The vbied level was lowered on 2026-04-01; the national day window is over by then.
        s = self.ok("threat-level", "show", "--date", "2026-03-15", "--json").json()
        nat = {x["threat"]: x["level"] for x in s["levels"] if x["region"] is None
               and x["sector"] is None}
        self.assertEqual(nat["vbied-sedan"], "SUBSTANTIAL")
        self.assertEqual(nat["firearms-handgun"], "MODERATE")
        s = self.ok("threat-level", "show", "--date", "2026-09-01", "--json").json()
        nat = {x["threat"]: x["level"] for x in s["levels"] if x["region"] is None
               and x["sector"] is None}
        self.assertEqual(nat["vbied-sedan"], "MODERATE")


if __name__ == "__main__":
    main()
