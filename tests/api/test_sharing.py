"""The information-sharing network over HTTP: a warning's whole life through the API,
acknowledgements, the public feed and CAP files, import of partners' CAP, reports and
triage, and site details shared through notes.

Expectations come from docs/sharing.md; the public CAP file is checked with xmllint
against the OASIS schema and its signature with `bulwark verify-cap` against the key
served at /.well-known; the Atom feed is parsed with Python's XML library.
"""

import json
import os
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import bwapi

XSD = os.path.join(bwapi.SOURCE_ROOT, "tests", "data", "cap", "cap12.xsd")
CAPDATA = os.path.join(bwapi.SOURCE_ROOT, "tests", "data", "cap")

USERS = (("ana", "demo-authority", "analyst"), ("bob", "demo-authority", "analyst"),
         ("olga", "demo-venues", "operator"), ("paula", "demo-power", "operator"),
         ("rita", "demo-police", "responder"), ("vic", "demo-venues", "viewer"))

DOC = {"tlp": "AMBER", "event": "Vehicle ramming threat", "headline": "Ramming threat",
       "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
       "ack_minutes": 30, "categories": ["sport-event"],
       "area": {"description": "Vaduz", "circles": [{"lat": 47.1410, "lon": 9.5215,
                                                      "radius_km": 3}]}}


class SharingTest(bwapi.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = bwapi.Server(users=USERS)
        cls.tok = {u: cls.srv.token(u) for u, _, _ in USERS}

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def req(self, method, path, user=None, body=None, **kw):
        return self.srv.request(method, path, body=body, token=self.tok[user] if user else None,
                                **kw)

    def ids(self, path, user, key):
        r = self.req("GET", path, user)
        self.assertEqual(r.status, 200, r)
        return {x["id"] for x in r.json()[key]}

    def test_warning_life_cycle_over_http(self):
        r = self.req("POST", "/api/v1/warnings", "olga", DOC)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["error"]["field"], "role")
        r = self.req("POST", "/api/v1/warnings", "ana", DOC)
        self.assertEqual(r.status, 201, r)
        wid = r.json()["id"]
        # A draft is the author's organisation's only.
        self.assertIn(wid, self.ids("/api/v1/warnings", "bob", "warnings"))
        self.assertNotIn(wid, self.ids("/api/v1/warnings", "olga", "warnings"))
        self.assertEqual(self.req("GET", "/api/v1/warnings/%d" % wid, "olga").status, 404)
        r = self.req("POST", "/api/v1/warnings/%d/issue" % wid, "ana")
        self.assertEqual(r.status, 409, r)
        r = self.req("POST", "/api/v1/warnings/%d/approve" % wid, "ana")
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["error"]["field"], "approver")
        self.assertEqual(self.req("POST", "/api/v1/warnings/%d/approve" % wid, "bob",
                                  {"note": "checked"}).status, 200)
        r = self.req("POST", "/api/v1/warnings/%d/issue" % wid, "ana")
        self.assertEqual(r.status, 200, r)
        issued = r.json()
        self.assertGreater(issued["recipients"], 0)
        # demo-venues operates the stadium, so olga reads it; demo-power is no recipient.
        self.assertIn(wid, self.ids("/api/v1/warnings", "olga", "warnings"))
        self.assertNotIn(wid, self.ids("/api/v1/warnings", "paula", "warnings"))
        self.assertEqual(self.req("GET", "/api/v1/warnings/%d/cap" % wid, "paula").status, 404)
        w = self.req("GET", "/api/v1/warnings/%d" % wid, "olga").json()
        self.assertNotIn("recipients", w)  # counts are the issuer's
        self.assertEqual(self.req("GET", "/api/v1/warnings/%d" % wid, "ana").json()[
            "recipients"], issued["recipients"])
        r = self.req("GET", "/api/v1/warnings/%d/recipients" % wid, "olga")
        self.assertEqual([x["org"] for x in r.json()["recipients"]], ["demo-venues"])
        # Acknowledgements.
        r = self.req("POST", "/api/v1/warnings/%d/ack" % wid, "vic", {"status": "received"})
        self.assertEqual(r.status, 403, r)
        r = self.req("POST", "/api/v1/warnings/%d/ack" % wid, "olga", {"status": "sure"})
        self.assertEqual(r.status, 400, r)
        r = self.req("POST", "/api/v1/warnings/%d/ack" % wid, "olga", {"status": "acting"})
        self.assertEqual(r.status, 200, r)
        acks = self.req("GET", "/api/v1/warnings/%d/acks" % wid, "olga").json()["acks"]
        self.assertEqual([(a["org"], a["status"]) for a in acks], [("demo-venues", "acting")])
        acks = self.req("GET", "/api/v1/warnings/%d/acks" % wid, "ana").json()["acks"]
        self.assertEqual(len(acks), issued["recipients"])
        # The CAP file as sent, signed.
        r = self.req("GET", "/api/v1/warnings/%d/cap" % wid, "olga")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "application/cap+xml")
        self.assertTrue(r.headers["x-bulwark-signature"].startswith("ed25519 keyid="))
        self.assertIn("<scope>Restricted</scope>", r.body)
        # An AMBER warning is not public.
        self.assertEqual(self.req("GET", "/cap/warnings/%d" % wid).status, 404)
        # Update and cancel reference the earlier messages.
        upd = dict(DOC, headline="Ramming threat (updated)")
        r = self.req("POST", "/api/v1/warnings/%d/update" % wid, "bob", upd)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["seq"], 2)
        r = self.req("POST", "/api/v1/warnings/%d/cancel" % wid, "ana", {"note": "over"})
        self.assertEqual(r.json()["seq"], 3)
        cap3 = self.req("GET", "/api/v1/warnings/%d/cap" % wid, "olga").body
        self.assertIn("<msgType>Cancel</msgType>", cap3)
        refs = cap3.split("<references>")[1].split("</references>")[0].split()
        self.assertEqual(len(refs), 2, cap3)  # the alert and the update

    def test_public_feed_cap_and_key(self):
        doc = dict(DOC, tlp="CLEAR", national=False, event="Stadium no-fly zone")
        wid = self.req("POST", "/api/v1/warnings", "ana", doc).json()["id"]
        self.assertEqual(self.req("POST", "/api/v1/warnings/%d/issue" % wid, "ana").status, 200)
        feed = self.req("GET", "/cap/feed.atom")
        self.assertEqual(feed.status, 200, feed)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        root = ET.fromstring(feed.body)
        titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
        self.assertIn("Ramming threat", titles)  # the headline of the CLEAR document
        for e in root.findall("a:entry", ns):
            link = e.find("a:link", ns).get("href")
            self.assertIn("/cap/warnings/", link)
        cap = self.req("GET", "/cap/warnings/%d" % wid)
        self.assertEqual(cap.status, 200, cap)
        key = self.req("GET", "/.well-known/bulwark/cap-signing-key")
        self.assertEqual(key.status, 200, key)
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, "a.xml")
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(cap.body)
            sig = cap.headers["x-bulwark-signature"]
            keyid = sig.split("keyid=")[1].split()[0]
            with open(f + ".sig", "w", encoding="utf-8") as fh:
                fh.write("ed25519 %s %s\n" % (keyid, sig.split("sig=")[1]))
            with open(os.path.join(d, "k.pub"), "w", encoding="utf-8") as fh:
                fh.write(key.body)
            p = subprocess.run(["xmllint", "--noout", "--schema", XSD, f], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            rc, out, err = bwapi.cli(["verify-cap", f, "--key-file", os.path.join(d, "k.pub")],
                                     self.srv.db, check=False)
            self.assertEqual(rc, 0, out + err)

    def test_cap_import_refuses_entities(self):
        for name in ("invalid/google-xee.cap", "invalid/billion-laughs.xml"):
            with open(os.path.join(CAPDATA, name), "rb") as fh:
                body = fh.read()
            r = self.req("POST", "/api/v1/cap/import", "ana", body, ctype="application/cap+xml")
            self.assertEqual(r.status, 400, r)
            self.assertIn("DOCTYPE", r.json()["error"]["message"])
        with open(os.path.join(CAPDATA, "valid", "Oasis_HomelandAlert.xml"), "rb") as fh:
            body = fh.read()
        r = self.req("POST", "/api/v1/cap/import", "olga", body, ctype="application/cap+xml")
        self.assertEqual(r.status, 403, r)
        r = self.req("POST", "/api/v1/cap/import", "ana", body, ctype="text/plain")
        self.assertEqual(r.status, 415, r)
        r = self.req("POST", "/api/v1/cap/import", "ana", body, ctype="application/cap+xml")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.req("GET", "/healthz").status, 200)

    def test_reports_and_triage(self):
        rep = {"type": "uas-sighting", "tlp": "AMBER", "lat": 47.14, "lon": 9.51,
               "description": "A drone hovered over the stadium for ten minutes."}
        self.assertEqual(self.req("POST", "/api/v1/reports", "vic", rep).status, 403)
        r = self.req("POST", "/api/v1/reports", "olga", rep)
        self.assertEqual(r.status, 201, r)
        rid = r.json()["id"]
        self.assertIn(rid, self.ids("/api/v1/reports", "ana", "reports"))   # authority
        self.assertIn(rid, self.ids("/api/v1/reports", "vic", "reports"))   # own org
        self.assertNotIn(rid, self.ids("/api/v1/reports", "paula", "reports"))
        self.assertEqual(self.req("POST", "/api/v1/reports/%d/triage" % rid, "olga",
                                  {"triage": "dismissed"}).status, 403)
        r = self.req("POST", "/api/v1/reports/%d/triage" % rid, "ana", {"triage": "triaged"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.req("GET", "/api/v1/reports/%d" % rid, "olga").json()["triage"],
                         "triaged")
        r = self.req("POST", "/api/v1/reports", "olga", dict(rep, type="drone"))
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"]["field"], "type")

    def test_site_detail_shared_through_a_note(self):
        site = self.srv.sql("SELECT id FROM site WHERE operator='demo-venues' LIMIT 1")[0][0]
        self.assertEqual(self.req("GET", "/api/v1/sites/" + site, "paula").status, 404)
        note = {"tlp": "AMBER", "title": "Stadium delivery gate", "body": "Gate 4 is unguarded",
                "site": site, "orgs": ["demo-power"]}
        r = self.req("POST", "/api/v1/notes", "olga", note)
        self.assertEqual(r.status, 201, r)
        nid = r.json()["id"]
        self.assertEqual(self.req("GET", "/api/v1/sites/" + site, "paula").status, 200)
        self.assertIn(nid, self.ids("/api/v1/notes", "paula", "notes"))
        # AMBER: a recipient may add its clients; AMBER+STRICT only its author.
        r = self.req("POST", "/api/v1/items/%d/share" % nid, "paula", {"orgs": ["demo-telecom"]})
        self.assertEqual(r.status, 200, r)
        strict = dict(note, tlp="AMBER+STRICT")
        sid = self.req("POST", "/api/v1/notes", "olga", strict).json()["id"]
        r = self.req("POST", "/api/v1/items/%d/share" % sid, "paula", {"orgs": ["demo-telecom"]})
        self.assertEqual(r.status, 403, r)
        self.assertIn("AMBER+STRICT", r.json()["error"]["message"])
        # An operator cannot write about a site it may not see.
        other = self.srv.sql("SELECT id FROM site WHERE operator='demo-water' LIMIT 1")[0][0]
        r = self.req("POST", "/api/v1/notes", "olga", dict(note, site=other))
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"]["field"], "site")

    def test_writes_are_audited(self):
        before = self.srv.sql("SELECT count(*) FROM audit")[0][0]
        self.req("GET", "/api/v1/warnings", "olga")
        self.req("GET", "/api/v1/warnings", "ana")
        # Reads are appended by the server's audit writer within a batch interval.
        for _ in range(100):
            rows = self.srv.sql("SELECT actor, action FROM audit WHERE id > ?", (before,))
            if ("ana", "warning.list") in rows:
                break
            time.sleep(0.05)
        self.assertIn(("ana", "warning.list"), rows)
        # Every read is counted: identical reads close together may share one entry
        # whose detail says how many ("reads"), so the reads sum to the requests made.
        before = self.srv.sql("SELECT max(id) FROM audit")[0][0]
        for _ in range(20):
            self.assertEqual(self.req("GET", "/api/v1/warnings", "bob").status, 200)
        total = 0
        for _ in range(100):
            rows = self.srv.sql("SELECT detail FROM audit WHERE id > ? AND actor='bob' AND "
                                "action='warning.list'", (before,))
            total = sum(json.loads(d).get("reads", 1) for (d,) in rows)
            if total >= 20:
                break
            time.sleep(0.05)
        self.assertEqual(total, 20)
        rc, out, err = bwapi.cli(["audit", "verify"], self.srv.db, check=False)
        self.assertEqual(rc, 0, out + err)


if __name__ == "__main__":
    bwapi.main()
