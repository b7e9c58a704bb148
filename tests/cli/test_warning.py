"""Warnings end to end through the CLI: life cycle, targeting, CAP 1.2 and signatures,
acknowledgements and escalation, import of partners' alerts.

Independent answers: the CAP files are validated with xmllint against the OASIS schema
(tests/data/cap/cap12.xsd); recipients of a circle are recomputed here from the register
with GeographicLib's GeodSolve (geodesic distances) and of a polygon with a ray-casting
point-in-polygon written below, then mapped to operators and role holders by SQL read
directly from the database; the signature is checked with `bulwark verify-cap` against
the public key file and must fail after a one-byte change.
"""

import json
import os
import shutil
import sqlite3
import subprocess

import bwcli

XSD = os.path.join(bwcli.SOURCE_ROOT, "tests", "data", "cap", "cap12.xsd")
CAPDATA = os.path.join(bwcli.SOURCE_ROOT, "tests", "data", "cap")

CENTRE = (47.1410, 9.5215)  # Vaduz
DOC = {
    "tlp": "AMBER", "national": True, "event": "Credible threat of vehicle ramming",
    "headline": "Heightened threat: vehicle ramming", "description": "Test description.",
    "instruction": "Deploy temporary barriers.", "urgency": "Expected", "severity": "Severe",
    "certainty": "Likely", "response": ["Prepare", "Monitor"], "ack_minutes": 30,
    "area": {"description": "Vaduz centre",
             "circles": [{"lat": CENTRE[0], "lon": CENTRE[1], "radius_km": 1.5}]},
}


def geodesic_m(lat1, lon1, pts):
    """Distances from (lat1, lon1) to each (lat, lon) of pts with GeodSolve -i."""
    exe = shutil.which("GeodSolve")
    inp = "".join("%.12f %.12f %.12f %.12f\n" % (lat1, lon1, la, lo) for la, lo in pts)
    out = subprocess.run([exe, "-i"], input=inp, capture_output=True, text=True, check=True)
    return [float(line.split()[2]) for line in out.stdout.splitlines()]


def inside(poly, lat, lon):
    """Ray casting on (lat, lon) pairs, treated as plane coordinates."""
    hit = False
    for (y1, x1), (y2, x2) in zip(poly, poly[1:]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


class WarningTest(bwcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.demo()
        for name, org, role in (("ana", "demo-authority", "analyst"),
                                ("bob", "demo-authority", "analyst"),
                                ("olga", "demo-venues", "operator"),
                                ("vic", "demo-water", "viewer")):
            p = subprocess.run([bwcli.BIN, "user", "add", name, "--org", org, "--role", role,
                                "--db", self.db], input="password-%s-123\n" % name,
                               capture_output=True, text=True, cwd=self.dir)
            self.assertEqual(p.returncode, 0, p.stderr)

    def doc(self, name, **changes):
        d = json.loads(json.dumps(DOC))
        d.update(changes)
        return self.write(name, json.dumps(d))

    def draft(self, name="w.json", **changes):
        r = self.ok("warning", "draft", self.doc(name, **changes), "--as", "ana", "--json")
        return r.json()["id"]

    def expected_recipients(self, keep):
        """Organisations operating or holding a role at the sites keep() selects, less
        the issuing organisation."""
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT rowid, id, lat, lon, operator, category FROM site").fetchall()
        chosen = [r for r in rows if keep(r)]
        orgs = {r[4] for r in chosen if r[4]}
        for r in chosen:
            orgs |= {o for (o,) in con.execute("SELECT org FROM role WHERE site=?", (r[0],))}
        con.close()
        orgs.discard("demo-authority")
        return orgs, len(chosen)

    def recipients(self, wid):
        r = self.ok("warning", "recipients", str(wid), "--json")
        return {x["org"] for x in r.json() if x["org"]}

    def test_life_cycle_and_circle_targeting(self):
        wid = self.draft()
        r = self.bw("warning", "issue", str(wid), "--as", "ana")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("approved by a second person", r.err)
        r = self.bw("warning", "approve", str(wid), "--as", "ana")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("second person", r.err)
        r = self.bw("warning", "draft", self.doc("x.json"), "--as", "olga")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("national authority", r.err)
        self.ok("warning", "approve", str(wid), "--as", "bob")
        res = self.ok("warning", "issue", str(wid), "--as", "ana", "--json").json()
        con = sqlite3.connect(self.db)
        sites = con.execute("SELECT id, lat, lon FROM site").fetchall()
        con.close()
        dist = dict(zip([s[0] for s in sites], geodesic_m(CENTRE[0], CENTRE[1],
                                                           [(s[1], s[2]) for s in sites])))
        want, nsites = self.expected_recipients(lambda r: dist[r[1]] <= 1500.0)
        self.assertGreater(len(want), 3)
        self.assertEqual(self.recipients(wid), want)
        self.assertEqual(res["recipients"], len(want))
        self.assertEqual(res["sites"], nsites)
        steps = [s["step"] for s in self.ok("warning", "show", str(wid), "--json").json()["steps"]]
        self.assertEqual(steps, ["draft", "approve", "issue"])
        # Issued warnings cannot be edited or issued again.
        r = self.bw("warning", "edit", str(wid), self.doc("e.json"), "--as", "ana")
        self.assertEqual(r.rc, 1, r)
        r = self.bw("warning", "issue", str(wid), "--as", "bob")
        self.assertEqual(r.rc, 1, r)

    def test_polygon_and_category_targeting(self):
        poly = [[47.13, 9.50], [47.16, 9.50], [47.16, 9.54], [47.13, 9.54], [47.13, 9.50]]
        area = {"description": "box", "polygons": [poly]}
        wid = self.draft(national=False, area=area, categories=["religious-site"])
        self.ok("warning", "issue", str(wid), "--as", "ana")
        want, _ = self.expected_recipients(
            lambda r: inside(poly, r[2], r[3]) and r[5] == "religious-site")
        self.assertTrue(want)
        self.assertEqual(self.recipients(wid), want)

    def test_cap_of_every_kind_validates_and_verifies(self):
        files = []
        for tlp, users in (("CLEAR", None), ("AMBER", None), ("RED", ["olga"])):
            extra = {"tlp": tlp, "national": False}
            if users:
                extra["users"] = users
            wid = self.draft("w%s.json" % tlp, **extra)
            self.ok("warning", "issue", str(wid), "--as", "ana")
            # A RED warning is read only by its author and the users named: the author
            # updates it.
            self.ok("warning", "update", str(wid), self.doc("u%s.json" % tlp, **extra), "--as",
                    "ana")
            self.ok("warning", "cancel", str(wid), "--as", "ana")
            for seq, kind in ((1, "Alert"), (2, "Update"), (3, "Cancel")):
                out = self.path("w%d-%d.xml" % (wid, seq))
                self.ok("warning", "cap", str(wid), "--seq", str(seq), "--out", out)
                with open(out, encoding="utf-8") as fh:
                    text = fh.read()
                self.assertIn("<msgType>%s</msgType>" % kind, text)
                scope = {"CLEAR": "Public", "AMBER": "Restricted", "RED": "Private"}[tlp]
                self.assertIn("<scope>%s</scope>" % scope, text)
                if seq > 1:
                    self.assertIn("<references>", text)
                files.append(out)
        p = subprocess.run(["xmllint", "--noout", "--schema", XSD] + files, capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        pub = os.path.join(self.dir, "cap-signing.pub")
        for f in files[:3]:
            self.ok("verify-cap", f, "--key-file", pub)
        with open(files[0], "rb") as fh:
            data = bytearray(fh.read())
        i = data.index(b"<event>") + len(b"<event>")
        data[i] ^= 0x20
        bad = self.path("tampered.xml")
        with open(bad, "wb") as fh:
            fh.write(bytes(data))
        shutil.copy(files[0] + ".sig", bad + ".sig")
        r = bwcli.run(["verify-cap", bad, "--key-file", pub], cwd=self.dir)
        self.assertEqual(r.rc, 1, r)

    def test_acknowledgements_deadline_and_escalation(self):
        wid = self.draft(national=False, ack_minutes=30)
        self.ok("warning", "issue", str(wid), "--as", "ana", "--now", "2026-12-01T10:00:00Z")
        self.ok("warning", "ack", str(wid), "--as", "olga", "--status", "acting",
                "--now", "2026-12-01T10:04:00Z")
        r = self.bw("warning", "ack", str(wid), "--as", "vic", "--status", "received")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("viewer", r.err)
        r = self.bw("warning", "ack", str(wid), "--org", "demo-partner", "--status", "received")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("not a recipient", r.err)
        acks = {a["org"]: a for a in self.ok("warning", "acks", str(wid), "--json", "--now",
                                             "2026-12-01T10:20:00Z").json()}
        self.assertEqual(acks["demo-venues"]["status"], "acting")
        self.assertAlmostEqual(acks["demo-venues"]["seconds"], 240.0, places=3)
        self.assertFalse(any(a["overdue"] for a in acks.values()))
        # Before the deadline nobody is escalated; after it, every silent recipient once.
        # (The demo's own warnings have their own deadlines: only this one is looked at.)
        def escalated(now):
            r = self.ok("warning", "escalate", "--now", now, "--json").json()
            return {e["org"] for e in r if e["warning"] == wid}
        self.assertEqual(escalated("2026-12-01T10:29:59Z"), set())
        self.assertEqual(escalated("2026-12-01T10:30:00Z"), set(acks) - {"demo-venues"})
        self.assertEqual(escalated("2026-12-01T11:00:00Z"), set())
        acks = self.ok("warning", "acks", str(wid), "--json", "--now",
                       "2026-12-01T10:31:00Z").json()
        for a in acks:
            if a["org"] != "demo-venues":
                self.assertTrue(a["overdue"])
                self.assertIsNotNone(a["escalated_at"])

    def test_framework_indicator_warnings_acknowledged(self):
        """The computed indicator of A7.2 counts the acknowledgements owed and those
        within the deadline: a warning issued long ago to N organisations, one of which
        acknowledged after 4 minutes of a 30-minute deadline and one after 2 hours, adds
        N owed and 1 within."""
        def figure():
            comp = self.ok("framework", "score", "--json").json()["computed"]
            c = [x for x in comp if x["id"] == "warnings-acknowledged"][0]
            return c["count"], c["of"]
        within0, due0 = figure()
        wid = self.draft(national=False, ack_minutes=30)
        self.ok("warning", "issue", str(wid), "--as", "ana", "--now", "2026-01-05T10:00:00Z")
        self.ok("warning", "ack", str(wid), "--as", "olga", "--status", "received",
                "--now", "2026-01-05T10:04:00Z")
        self.ok("warning", "ack", str(wid), "--org", "demo-police", "--status", "acting",
                "--now", "2026-01-05T12:00:00Z")
        n = len(self.recipients(wid))
        self.assertEqual(figure(), (within0 + 1, due0 + n))

    def test_bad_documents_are_refused_and_nothing_written(self):
        before = self.ok("warning", "list", "--json").json()
        cases = [
            ({"tlp": "WHITE"}, "tlp"),
            ({"urgency": "Soon"}, "urgency"),
            ({"ack_minutes": 0}, "ack_minutes"),
            ({"categories": ["no-such-category"]}, "categories"),
            ({"area": {"description": "x", "polygons": [[[1, 2], [3, 4], [5, 6], [7, 8]]]}},
             "polygons"),
            ({"tlp": "RED"}, "users"),
            ({"colour": "red"}, "colour"),
        ]
        for change, needle in cases:
            r = self.bw("warning", "draft", self.doc("bad.json", **change), "--as", "ana")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(needle, r.err)
        self.write("broken.json", "{\"tlp\": ")
        r = self.bw("warning", "draft", self.path("broken.json"), "--as", "ana")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("line 1", r.err)
        self.assertEqual(self.ok("warning", "list", "--json").json(), before)

    def test_bad_usage(self):
        for args, needle in ((["warning", "approve", "1"], "--as USER"),
                             (["warning", "frobnicate"], "unknown step"),
                             (["warning", "issue", "x1"], "not a warning id"),
                             (["serve", "--sync", "sometimes"], "normal or full")):
            r = self.bw(*args)
            self.assertNotEqual(r.rc, 0, r)
            self.assertIn(needle, r.err)

    def test_import_refuses_entities(self):
        laughs = self.write("laughs.xml", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol '
                            '"lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                            '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol2;</alert>')
        for path in (os.path.join(CAPDATA, "invalid", "google-xee.cap"), laughs):
            r = self.bw("warning", "import", path, "--org", "demo-authority")
            self.assertEqual(r.rc, 1, r)
            self.assertIn("DOCTYPE is not allowed", r.err)
        r = self.ok("warning", "import", os.path.join(CAPDATA, "valid", "Oasis_HomelandAlert.xml"),
                    "--org", "demo-authority")
        self.assertIn("as note", r.out)


if __name__ == "__main__":
    bwcli.main()
