"""Bad input to the information-sharing endpoints, over real HTTP: each gets the right
status and a clear message naming what is wrong, and the server keeps serving.

Malformed and deeply nested JSON, oversized bodies, a wrong content type, unknown
members, a warning polygon of 10 million points (200 MB of JSON: the 1 MiB body limit
refuses it before it is parsed, while other clients are served; and 150,000 points
written short enough to fit in 1 MiB are refused by the document's own 100,000-point
limit, naming the area), expired, revoked and forged
tokens, password guessing (429 with Retry-After), bad ids, wrong methods (405 with
Allow), and CAP imports of the XXE and billion-laughs documents of tests/data/cap. After
every refusal a normal request must still succeed, and the server must still answer
/healthz quickly while and after it refuses the largest inputs.

Run: python3 tests/api/test_share_input.py build/src/cli/bulwark
"""

import json
import os
import socket
import threading
import time
import unittest

import bwapi

USERS = [
    ("ana", "demo-authority", "analyst"),
    ("adm", "demo-authority", "admin"),
    ("pow", "demo-power", "operator"),
    ("guess", "demo-water", "operator"),
]
CAP_DIR = os.path.join(bwapi.SOURCE_ROOT, "tests", "data", "cap")

GOOD_DOC = {"tlp": "GREEN", "event": "Suspicious drone flights", "urgency": "Expected",
            "severity": "Moderate", "certainty": "Possible", "national": False,
            "area": {"description": "Vaduz",
                     "circles": [{"lat": 47.141, "lon": 9.5215, "radius_km": 1}]}}


class ShareInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = bwapi.Server(users=USERS)
        cls.ana = cls.srv.token("ana")
        cls.adm = cls.srv.token("adm")
        cls.pow = cls.srv.token("pow")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def assertError(self, r, status, code=None, field=None, text=None):
        self.assertEqual(r.status, status, r)
        e = r.json()["error"]
        self.assertEqual(e["status"], status)
        self.assertTrue(e["message"], r)
        if code:
            self.assertEqual(e["code"], code, r)
        if field:
            self.assertEqual(e.get("field"), field, r)
        if text:
            self.assertIn(text, e["message"])
        return e

    def still_serving(self):
        """A normal authenticated request succeeds after the bad one."""
        r = self.srv.request("GET", "/api/v1/warnings", token=self.pow)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(self.srv.alive())

    def post(self, path, body, token=None, ctype="application/json"):
        return self.srv.request("POST", path, body=body, token=token or self.ana, ctype=ctype)

    def test_malformed_json(self):
        cases = [('{"tlp": "GREEN",', "bad_json"), ("[1, 2]", None), ("", "bad_json"),
                 ('{"tlp": "GREEN", "tlp": "RED"}', None), ("\xff\xfe", None),
                 ('{"a":' * 100 + "1" + "}" * 100, "bad_json")]
        for body, code in cases:
            for path in ("/api/v1/warnings", "/api/v1/reports", "/api/v1/notes"):
                r = self.post(path, body.encode("latin-1") if body.startswith("\xff") else body)
                with self.subTest(path=path, body=body[:30]):
                    self.assertError(r, 400, code)
        # Invalid UTF-8 right where the JSON goes wrong: jansson quotes the bytes in its
        # error text, and the answer must still be a 400 with a JSON message (found by
        # tests/fuzz/fuzz_server_body.c; it was a 500 with an empty body).
        for path in ("/api/v1/notes", "/api/v1/reports"):
            r = self.post(path, b'{"title":"\\\xde\xa4"}')
            with self.subTest(path=path, body="invalid UTF-8 in a bad escape"):
                self.assertError(r, 400, "bad_json")
        # Position of the fault is given for the generic JSON reader.
        r = self.post("/api/v1/reports", '{"type": "other",\n "tlp": }')
        e = self.assertError(r, 400, "bad_json")
        self.assertEqual(e["line"], 2)
        self.still_serving()

    def test_warning_document_errors_name_the_member(self):
        cases = [
            ({"event": "x"}, "tlp"),
            (dict(GOOD_DOC, tlp="PURPLE"), "tlp"),
            (dict(GOOD_DOC, urgency="Soon"), "urgency"),
            (dict(GOOD_DOC, ack_minutes=0), "ack_minutes"),
            (dict(GOOD_DOC, ack_minutes=10081), "ack_minutes"),
            (dict(GOOD_DOC, admin=True), "admin"),
            (dict(GOOD_DOC, tlp="RED"), "users"),
            (dict(GOOD_DOC, area={"description": "three points",
                                  "polygons": [[[47.1, 9.5], [47.2, 9.5], [47.1, 9.5]]]}),
             "area"),
            (dict(GOOD_DOC, area={"circles": [{"lat": 47.1, "lon": 9.5, "radius_km": 1}]}),
             "description"),
            (dict(GOOD_DOC, area={"description": "d",
                                  "circles": [{"lat": 95, "lon": 9.5, "radius_km": 1}]}),
             "lat"),
            (dict(GOOD_DOC, orgs=["no-such-org"]), "orgs"),
        ]
        for doc, field in cases:
            r = self.post("/api/v1/warnings", doc)
            with self.subTest(doc=doc):
                self.assertIn(r.status, (400,), r)
                e = r.json()["error"]
                self.assertIn(field, (e.get("field") or "") + " " + e["message"], r)
        self.still_serving()

    def test_unknown_fields(self):
        for path, body, field in (
                ("/api/v1/reports", {"type": "other", "tlp": "GREEN", "lat": 47.1, "lon": 9.5,
                                     "occurred": "2026-11-30T10:00:00Z", "secret": 1}, "secret"),
                ("/api/v1/notes", {"tlp": "GREEN", "title": "t", "body": "b", "is_admin": True},
                 "is_admin"),
                ("/api/v1/warnings/1/ack", {"status": "received", "org": "demo-power"}, "org"),
                ("/api/v1/items/1/share", {"orgs": ["demo-power"], "tlp": "RED"}, "tlp"),
                ("/api/v1/warnings", dict(GOOD_DOC, admin=True), "admin")):
            r = self.post(path, body, token=self.ana if "warnings" in path else self.pow)
            with self.subTest(path=path):
                self.assertError(r, 400, "unknown_field", field, "'%s'" % field)
        self.still_serving()

    def test_wrong_content_type(self):
        for path in ("/api/v1/warnings", "/api/v1/reports", "/api/v1/notes"):
            for ctype in ("text/plain", "application/x-www-form-urlencoded",
                          "application/jsonp"):
                r = self.post(path, json.dumps(GOOD_DOC), ctype=ctype)
                with self.subTest(path=path, ctype=ctype):
                    e = self.assertError(r, 415, "unsupported_media_type", "Content-Type")
                    self.assertIn(ctype, e["message"])
        r = self.post("/api/v1/cap/import", "<alert/>", ctype="application/json")
        self.assertError(r, 415, "unsupported_media_type", "Content-Type")
        self.still_serving()

    def test_oversized_body(self):
        big = json.dumps(dict(GOOD_DOC, description="x" * (2 << 20)))
        for path in ("/api/v1/warnings", "/api/v1/reports", "/api/v1/notes"):
            r = self.post(path, big)
            with self.subTest(path=path):
                self.assertError(r, 413, "body_too_large")
        self.still_serving()

    def test_ten_million_point_polygon(self):
        """10,000,000 points, 20 bytes each: 200 MB of JSON, streamed. The server refuses
        it by its announced length (413, connection closed) and answers /healthz quickly
        meanwhile."""
        n = 10_000_000
        # Stream the body: it is never held whole in this process either.
        head = json.dumps(dict(GOOD_DOC, area={"description": "huge", "polygons": []}))
        head = head[:head.rindex("[]")] + "[["
        point = b"[47.10000, 9.50000],"
        tail = b"[47.10000, 9.50000]]]}}"
        length = len(head) + len(point) * (n - 1) + len(tail)
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
        t0 = time.time()
        s.sendall(("POST /api/v1/warnings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" %
                   (self.ana, length)).encode() + head.encode())
        # Meanwhile the server answers others.
        lat = []
        for _ in range(5):
            t = time.time()
            self.assertEqual(self.srv.request("GET", "/healthz", timeout=5).status, 200)
            lat.append(time.time() - t)
        sent = 0
        chunk = point * 50000
        try:
            while sent < n - 1:
                s.sendall(chunk)
                sent += 50000
        except OSError:
            pass  # the server closed the connection once it had answered: expected
        s.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
                more = s.recv(65536)
                if not more:
                    break
                data += more
        except OSError:
            pass
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:200])
        body = json.loads(data.split(b"\r\n\r\n", 1)[1])
        self.assertEqual(body["error"]["code"], "body_too_large")
        self.assertLess(max(lat), 2.0, "the server stalled while refusing: %s" % lat)
        self.assertLess(time.time() - t0, 60)
        self.still_serving()

    def test_polygon_limit_inside_body_limit(self):
        """The document's own limit (100,000 points in all) holds for a body under 1 MiB:
        150,000 points written as short integers fit in 1 MiB."""
        pts = ",".join("[%d,%d]" % (i % 3, i % 5) for i in range(150_000))
        doc = '{"tlp":"GREEN","event":"e","urgency":"Expected","severity":"Minor",' \
              '"certainty":"Possible","area":{"description":"d","polygons":[[' + pts + \
              ',[0,0]]]}}'
        self.assertLess(len(doc), 1 << 20)
        r = self.post("/api/v1/warnings", doc)
        # Too large for the document's limit (not for the body's): 413, naming the area.
        e = self.assertError(r, 413, "too_large")
        self.assertTrue(e["field"].startswith("area"), e)
        self.assertIn("100000 points", e["message"], e)
        self.still_serving()

    def test_tokens(self):
        # Forged: well-formed but unknown; malformed; wrong scheme.
        for h in ("Bearer " + "A" * 43, "Bearer " + self.pow[:-1] + ("A" if self.pow[-1] != "A"
                                                                    else "B"),
                  "Bearer short", "Basic " + self.pow, "Bearer " + self.pow + "x"):
            r = self.srv.request("GET", "/api/v1/warnings", headers={"Authorization": h})
            with self.subTest(h=h[:20]):
                self.assertError(r, 401)
                self.assertIn("Bearer", r.headers["www-authenticate"])
        # Expired: an API token whose expiry passed.
        _, out, _ = bwapi.cli(["user", "token", "pow", "--days", "1", "--json"], self.srv.db)
        t = json.loads(out)
        self.assertEqual(self.srv.request("GET", "/api/v1/me", token=t["token"]).status, 200)
        self.srv.sql("UPDATE token SET expires='2000-01-01T00:00:00Z' WHERE id=?", (t["id"],))
        r = self.srv.request("POST", "/api/v1/reports", token=t["token"],
                             body={"type": "other", "tlp": "GREEN"})
        e = self.assertError(r, 401, "invalid_token")
        self.assertIn("expired", e["message"])
        # Revoked (logout) tokens stop at once, on writes too.
        tok = self.srv.token("pow")
        self.assertEqual(self.srv.request("POST", "/api/v1/logout", token=tok).status, 200)
        r = self.srv.request("POST", "/api/v1/notes", token=tok,
                             body={"tlp": "GREEN", "title": "t", "body": "b"})
        self.assertError(r, 401, "invalid_token")
        self.still_serving()

    def test_password_guessing(self):
        """After 5 wrong passwords the account is throttled: 429 with Retry-After, even
        for the right password; the others are not affected."""
        for i in range(5):
            r = self.srv.login("guess", "wrong-password-%d" % i)
            self.assertError(r, 401, "invalid_credentials")
        for pw in ("wrong-password-x", bwapi.PASSWORD):
            r = self.srv.login("guess", pw)
            e = self.assertError(r, 429, "too_many_attempts")
            retry = int(r.headers["retry-after"])
            self.assertTrue(1 <= retry <= 900, retry)
            self.assertEqual(e["retry_after"], retry)
        self.assertEqual(self.srv.login("pow").status, 200)
        self.still_serving()

    def test_bad_ids(self):
        for bad in ("0", "-1", "abc", "1e3", "99999999999999999999", "1%20", "x" * 200):
            for method, fmt in (("GET", "/api/v1/warnings/%s"), ("GET", "/api/v1/reports/%s"),
                                ("GET", "/api/v1/notes/%s"), ("GET", "/api/v1/warnings/%s/cap"),
                                ("POST", "/api/v1/warnings/%s/ack")):
                body = {"status": "received"} if method == "POST" else None
                r = self.srv.request(method, fmt % bad, token=self.pow, body=body)
                with self.subTest(path=fmt % bad):
                    self.assertError(r, 400, "bad_id", "id")
        # A well-formed id that does not exist is 404.
        r = self.srv.request("GET", "/api/v1/warnings/424242", token=self.pow)
        self.assertError(r, 404, "not_found")
        # The public CAP path never says 400: it is 404 for anything not public.
        self.assertEqual(self.srv.request("GET", "/cap/warnings/abc").status, 404)
        self.still_serving()

    def test_wrong_methods(self):
        for method, path, allow in (("DELETE", "/api/v1/warnings", "GET, POST"),
                                    ("GET", "/api/v1/warnings/1/ack", "POST"),
                                    ("PUT", "/api/v1/reports/1", "GET"),
                                    ("POST", "/cap/feed.atom", "GET"),
                                    ("PATCH", "/api/v1/warnings/1", "GET, PUT")):
            r = self.srv.request(method, path, token=self.pow)
            with self.subTest(method=method, path=path):
                self.assertError(r, 405, "method_not_allowed")
                self.assertEqual(r.headers["allow"], allow)
        self.still_serving()

    def test_bad_values(self):
        r = self.post("/api/v1/reports", {"type": "alien", "tlp": "GREEN", "lat": 47.1,
                                          "lon": 9.5, "occurred": "2026-11-30T10:00:00Z"},
                      token=self.pow)
        self.assertError(r, 400, field="type")
        r = self.post("/api/v1/reports", {"type": "other", "tlp": "GREEN", "lat": "north",
                                          "lon": 9.5}, token=self.pow)
        self.assertError(r, 400, field="lat")
        r = self.post("/api/v1/notes", {"tlp": "TLP:BLACK", "title": "t"}, token=self.pow)
        self.assertError(r, 400, field="tlp")
        # A bad acknowledgement status is bad input (400), not a state conflict (409).
        r = self.post("/api/v1/warnings/1/ack", {"status": "maybe"}, token=self.pow)
        self.assertError(r, 400, field="status")
        r = self.post("/api/v1/items/1/share", {"orgs": "demo-power"}, token=self.pow)
        self.assertError(r, 400, field="orgs")
        r = self.srv.request("GET", "/api/v1/warnings?status=burning", token=self.pow)
        self.assertError(r, 400)
        self.still_serving()

    def test_cap_import_xxe_and_billion_laughs(self):
        """The importer reads CAP safely: no DTD, no entities, no network. Both attack
        documents are refused with 400 naming the DOCTYPE, nothing is stored, and the
        server keeps serving."""
        before = self.srv.sql("SELECT count(*) FROM item")[0][0]
        for name in ("google-xee.cap", "billion-laughs.xml"):
            with open(os.path.join(CAP_DIR, "invalid", name), "rb") as f:
                xml = f.read()
            t = time.time()
            r = self.srv.request("POST", "/api/v1/cap/import", body=xml, token=self.ana,
                                 ctype="application/cap+xml")
            with self.subTest(name=name):
                e = self.assertError(r, 400)
                self.assertIn("DOCTYPE", e["message"])
                self.assertLess(time.time() - t, 5)
                self.assertNotIn("root:", r.body)  # /etc/passwd was not read
        self.assertEqual(self.srv.sql("SELECT count(*) FROM item")[0][0], before)
        # A valid CAP file still imports.
        with open(os.path.join(CAP_DIR, "valid", "Oasis_HomelandAlert.xml"), "rb") as f:
            r = self.srv.request("POST", "/api/v1/cap/import", body=f.read(), token=self.ana,
                                 ctype="application/cap+xml")
        self.assertEqual(r.status, 201, r)
        self.still_serving()

    def test_garbage_on_the_wire_keeps_serving(self):
        """Raw malformed HTTP and bodies that end early: the server answers or closes, and
        serves the next client."""
        for raw in (b"POST /api/v1/warnings HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n"
                    b"Content-Type: application/json\r\n\r\n{\"tlp\":",
                    b"GARBAGE\r\n\r\n", b"POST /api/v1/notes HTTP/1.1\r\nHost: x\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"):
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            try:
                s.recv(4096)
            except OSError:
                pass
            s.close()
            self.still_serving()

    def test_concurrent_bad_input_does_not_stall(self):
        """Eight clients sending bad bodies as fast as they can while /healthz is timed."""
        stop = threading.Event()
        errors = []

        def hammer():
            while not stop.is_set():
                try:
                    r = self.post("/api/v1/warnings", '{"tlp": [' * 60)
                    if r.status != 400:
                        errors.append(r)
                except OSError as e:
                    errors.append(e)
        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for t in threads:
            t.start()
        worst = 0.0
        try:
            for _ in range(20):
                t0 = time.time()
                self.assertEqual(self.srv.request("GET", "/healthz", timeout=5).status, 200)
                worst = max(worst, time.time() - t0)
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        self.assertEqual(errors, [])
        self.assertLess(worst, 2.0)
        self.still_serving()


if __name__ == "__main__":
    bwapi.main()
