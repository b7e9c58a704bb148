"""Delivery of warnings by `bulwark serve`: webhooks with retries and dead letters,
escalation of overdue acknowledgements, and server-sent events (docs/delivery.md).

A webhook receiver runs in this process (http.server on 127.0.0.1, an ephemeral port).
What it receives is checked independently of bulwark's own code: the HMAC with
Python's hmac module and the organisation's shared secret, the Ed25519 signature with
OpenSSL (`openssl pkeyutl -verify -rawin`, as tests/cli/test_cap.py does) against the
public key the server publishes, and the body byte for byte against the CAP message
`bulwark warning cap --out` writes. The server runs with --retry-base 1
--delivery-attempts 3 --escalate-every 1, so a failing endpoint is tried at t, t + 1 s
and t + 1 + 3 s (retry_base x 1, then x 3) and is dead after the third attempt.

Warnings go to the demo register's area around Vaduz, energy sector and drinking-water
sites: recipients are demo-power (sector), demo-water (category) and the responders
with roles at those sites (demo-police, demo-fire, demo-civil-protection), not
demo-culture, whose user must hear nothing of them (TLP:AMBER).
"""

import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone

import bwapi
from bwapi import cli

# DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")

SECRETS = {"demo-power": "power-shared-secret", "demo-water": "water-shared-secret",
           "demo-police": "police-shared-secret"}

DOC = {"tlp": "AMBER", "national": False, "org": "demo-authority",
       "event": "Credible threat to water and power",
       "headline": "Heightened threat to utilities",
       "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
       "area": {"description": "Vaduz and surroundings",
                "circles": [{"lat": 47.14, "lon": 9.52, "radius_km": 15}]},
       "sectors": ["energy"], "categories": ["drinking-water"]}


def wait_until(pred, timeout, step=0.05):
    """Polls @pred until it returns something true or @timeout seconds pass."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Receiver:
    """A webhook endpoint: /ok/NAME answers 200, /nc/NAME 204, /fail/NAME 500; every POST
    is recorded with its arrival time (monotonic), headers and exact body bytes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = []
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with rec.lock:
                    rec.posts.append({"at": time.monotonic(), "path": self.path,
                                      "headers": {k.lower(): v for k, v in self.headers.items()},
                                      "body": body})
                status = 500 if self.path.startswith("/fail") else \
                    204 if self.path.startswith("/nc") else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def of(self, warning, path_prefix):
        """The POSTs of warning @warning to paths starting with @path_prefix."""
        with self.lock:
            return [p for p in self.posts if p["path"].startswith(path_prefix) and
                    p["headers"].get("x-bulwark-warning", "").split(";")[0] == str(warning)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class EventStream:
    """One GET /api/v1/events, read by a thread into a buffer (http.client undoes the
    chunked encoding)."""

    def __init__(self, port, token, source=None):
        self.conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=120,
            source_address=(source, 0) if source else None)
        h = {"Accept": "text/event-stream"}
        if token:
            h["Authorization"] = "Bearer " + token
        self.conn.request("GET", "/api/v1/events", headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.buf = b""
        self.ended = False
        self.clean_end = False  # the server ended the response (chunked terminator)
        self.lock = threading.Lock()
        if self.status == 200:
            self.thread = threading.Thread(target=self._read, daemon=True)
            self.thread.start()
        else:
            self.buf = self.resp.read()
            self.ended = True

    def _read(self):
        try:
            while True:
                data = self.resp.read1(65536)
                if not data:
                    self.clean_end = True
                    break
                with self.lock:
                    self.buf += data
        except (OSError, http.client.HTTPException, ValueError):
            pass
        self.ended = True

    def text(self):
        with self.lock:
            return self.buf.decode("utf-8")

    def events(self):
        """The complete messages received: dicts of their fields (data parsed as JSON)."""
        out = []
        for block in self.text().split("\n\n")[:-1]:
            fields = {}
            for line in block.split("\n"):
                if line.startswith(":") or ":" not in line:
                    continue
                k, v = line.split(":", 1)
                fields[k] = v[1:] if v.startswith(" ") else v
            if "event" in fields:
                fields["data"] = json.loads(fields["data"])
                out.append(fields)
        return out

    def warnings(self, wid):
        return [e["data"] for e in self.events()
                if e["event"] == "warning" and e["data"]["id"] == wid]

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        self.conn.close()


class DeliveryServer(bwapi.Server):
    """bwapi.Server with the delivery options a test can wait for."""

    EXTRA = ["--retry-base", "1", "--delivery-attempts", "3", "--escalate-every", "1"]

    def start(self):
        self.proc = subprocess.Popen(
            [bwapi.BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--threads", str(self.threads), "--access-log", self.log] + self.EXTRA,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "serving on http://127.0.0.1:" not in line:
            self.proc.kill()
            raise AssertionError("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(line.rsplit(":", 1)[1])


USERS = [("ana", "demo-authority", "analyst"), ("pw", "demo-power", "operator"),
         ("cu", "demo-culture", "operator"), ("cp", "demo-civil-protection", "analyst")]


class DeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rx = Receiver()
        cls.srv = DeliveryServer(users=USERS)
        for org, path in (("demo-power", "/ok/power"), ("demo-water", "/nc/water"),
                          ("demo-police", "/fail/police")):
            cli(["warning", "endpoint", org, cls.rx.url(path), SECRETS[org]], cls.srv.db)
        cls.tok = {u: cls.srv.token(u) for u, _, _ in USERS}

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        cls.rx.close()

    def path(self, name):
        return os.path.join(self.srv.dir, name)

    def issue_api(self, doc=None):
        """Drafts and issues a warning through the API as the analyst; returns its id."""
        r = self.srv.request("POST", "/api/v1/warnings", doc or DOC, token=self.tok["ana"])
        self.assertEqual(r.status, 201, r)
        wid = r.json()["id"]
        r = self.srv.request("POST", "/api/v1/warnings/%d/issue" % wid, {},
                             token=self.tok["ana"])
        self.assertEqual(r.status, 200, r)
        return wid

    def issue_cli(self, extra=(), doc=None):
        """Drafts and issues a warning from the command line (another process)."""
        f = self.path("w-%d.json" % time.monotonic_ns())
        with open(f, "w") as fh:
            json.dump(doc or DOC, fh)
        _, out, _ = cli(["warning", "draft", f], self.srv.db)
        wid = int(out.split()[-1])
        cli(["warning", "issue", str(wid)] + list(extra), self.srv.db)
        return wid

    def deliveries(self, wid, token="ana", state=None):
        q = "/api/v1/deliveries?warning=%d" % wid + ("&state=" + state if state else "")
        r = self.srv.request("GET", q, token=self.tok[token])
        self.assertEqual(r.status, 200, r)
        return {d["org"]: d for d in r.json()["deliveries"]}

    def openssl_verify(self, body, sig_b64, pk_b64):
        openssl = shutil.which("openssl")
        if not openssl:
            self.skipTest("openssl not installed")
        files = {}
        for name, data in (("pk.der", ED25519_SPKI_PREFIX + base64.b64decode(pk_b64)),
                           ("sig.bin", base64.b64decode(sig_b64)), ("msg.xml", body)):
            files[name] = self.path(name)
            with open(files[name], "wb") as fh:
                fh.write(data)
        p = subprocess.run([openssl, "pkeyutl", "-verify", "-pubin", "-inkey", files["pk.der"],
                            "-keyform", "DER", "-rawin", "-in", files["msg.xml"],
                            "-sigfile", files["sig.bin"]], capture_output=True, text=True)
        return p.returncode == 0 and "Signature Verified Successfully" in p.stdout

    # ---- webhooks --------------------------------------------------------------------

    def test_webhooks_carry_the_exact_signed_cap(self):
        wid = self.issue_api()
        got = wait_until(lambda: len(self.rx.of(wid, "/ok/power")) >= 1 and
                         len(self.rx.of(wid, "/nc/water")) >= 1, 20)
        self.assertTrue(got, "both endpoints should have received warning %d" % wid)
        # The exact bytes and signature as stored: `warning cap --out` writes both.
        cap = self.path("w%d.xml" % wid)
        cli(["warning", "cap", str(wid), "--out", cap], self.srv.db)
        with open(cap, "rb") as fh:
            xml = fh.read()
        with open(cap + ".sig") as fh:
            _, keyid, sig = fh.read().split()
        pk = self.srv.request("GET", "/.well-known/bulwark/cap-signing-key").body.strip()
        dl = self.deliveries(wid)
        for org, prefix in (("demo-power", "/ok/power"), ("demo-water", "/nc/water")):
            posts = self.rx.of(wid, prefix)
            self.assertEqual(len(posts), 1, "a delivered message is not sent again")
            p = posts[0]
            h = p["headers"]
            self.assertEqual(p["body"], xml)
            self.assertEqual(h["content-type"], "application/cap+xml")
            self.assertEqual(h["x-bulwark-warning"], "%d; seq=1" % wid)
            self.assertEqual(h["x-bulwark-delivery"], str(dl[org]["id"]))
            self.assertEqual(dl[org]["state"], "sent")
            self.assertEqual(dl[org]["attempts"], 1)
            # HMAC-SHA256 of the body under the organisation's secret, and not another's.
            self.assertTrue(h["x-bulwark-hmac"].startswith("sha256="))
            mac = h["x-bulwark-hmac"][7:]
            want = hmac.new(SECRETS[org].encode(), p["body"], hashlib.sha256).hexdigest()
            self.assertTrue(hmac.compare_digest(mac, want))
            other = "demo-water" if org == "demo-power" else "demo-power"
            self.assertNotEqual(mac, hmac.new(SECRETS[other].encode(), p["body"],
                                              hashlib.sha256).hexdigest())
            # The Ed25519 signature, checked by OpenSSL on the received bytes.
            self.assertEqual(h["x-bulwark-signature"], "ed25519 keyid=%s sig=%s" % (keyid, sig))
            self.assertTrue(self.openssl_verify(p["body"], sig, pk))
            self.assertFalse(self.openssl_verify(p["body"] + b" ", sig, pk),
                             "the check must be able to fail")

    def test_failing_endpoint_is_retried_then_dead(self):
        wid = self.issue_api()
        dead = wait_until(lambda: self.deliveries(wid, state="dead").get("demo-police"), 30,
                          step=0.25)
        self.assertTrue(dead, "the delivery to the failing endpoint should end dead")
        self.assertEqual(dead["attempts"], 3)
        self.assertEqual(dead["last_error"], "HTTP 500 from the endpoint")
        posts = self.rx.of(wid, "/fail/police")
        self.assertEqual(len(posts), 3, "exactly --delivery-attempts POSTs")
        # Waits of at least retry_base x 1 and x 3 between attempts (the worker looks
        # once a second, so each may be up to a second longer).
        gaps = [b["at"] - a["at"] for a, b in zip(posts, posts[1:])]
        self.assertGreaterEqual(gaps[0], 0.9, gaps)
        self.assertGreaterEqual(gaps[1], 2.9, gaps)
        # No fourth attempt after the delivery is dead.
        time.sleep(2.5)
        self.assertEqual(len(self.rx.of(wid, "/fail/police")), 3)
        # The dead-letter list from the command line agrees.
        _, out, _ = cli(["warning", "deliveries", str(wid), "--state", "dead", "--json"],
                        self.srv.db)
        rows = json.loads(out)
        rows = rows.get("deliveries", rows) if isinstance(rows, dict) else rows
        self.assertEqual([r["org"] for r in rows], ["demo-police"])
        # The healthy endpoints of the same warning were delivered.
        sent = self.deliveries(wid, state="sent")
        self.assertEqual(sorted(sent), ["demo-power", "demo-water"])

    def test_deliveries_route_is_for_the_authority(self):
        r = self.srv.request("GET", "/api/v1/deliveries", token=self.tok["pw"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["error"]["field"], "role")
        r = self.srv.request("GET", "/api/v1/deliveries?state=lost", token=self.tok["ana"])
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"]["field"], "state")
        r = self.srv.request("GET", "/api/v1/deliveries?warning=x", token=self.tok["ana"])
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"]["field"], "warning")
        self.assertEqual(self.srv.request("GET", "/api/v1/deliveries").status, 401)
        wid = self.issue_api()
        self.assertTrue(wait_until(lambda: self.deliveries(wid).get("demo-power"), 10))
        r = self.srv.request("GET", "/api/v1/deliveries", token=self.tok["ana"])
        self.assertEqual(r.status, 200, r)
        self.assertIn(wid, [d["warning"] for d in r.json()["deliveries"]])
        self.assertNotIn("-shared-secret", r.body)
        # Who received demo-authority's warning is not another authority's to know.
        r = self.srv.request("GET", "/api/v1/deliveries?warning=%d" % wid, token=self.tok["cp"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["deliveries"], [])

    # ---- escalation ------------------------------------------------------------------

    def test_overdue_recipients_are_escalated(self):
        # One minute to acknowledge, issued 50 s ago: the deadline is 10 s away, time
        # for demo-power to acknowledge before the worker (every second) sweeps.
        past = (datetime.now(timezone.utc) - timedelta(seconds=50)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        wid = self.issue_cli(["--now", past], doc=dict(DOC, ack_minutes=1))
        cli(["warning", "ack", str(wid), "--status", "received", "--org", "demo-power"],
            self.srv.db)

        def acks():
            _, out, _ = cli(["warning", "acks", str(wid), "--json"], self.srv.db)
            j = json.loads(out)
            rows = j.get("acks", j.get("recipients", j)) if isinstance(j, dict) else j
            return {a["org"]: a for a in rows}

        done = wait_until(lambda: acks()["demo-water"].get("escalated_at"), 40, step=0.5)
        self.assertTrue(done, "the worker should escalate an overdue recipient: %r" % acks())
        a = acks()
        # Escalated once, to the organisation's 24/7 contact; not who acknowledged.
        self.assertIsNone(a["demo-power"].get("escalated_at"))
        for org in ("demo-water", "demo-police", "demo-fire", "demo-civil-protection"):
            self.assertTrue(a[org].get("escalated_at"), org)
        rows = self.srv.sql("SELECT e.org, e.contact_phone, e.at >= w.deadline FROM escalation e "
                            "JOIN warning w ON w.item = e.warning WHERE e.warning=?", (wid,))
        self.assertEqual({r[0]: r[1] for r in rows}["demo-water"], "+000 000 0006")
        self.assertEqual(len(rows), len(set(r[0] for r in rows)), "escalated once each")
        self.assertTrue(all(r[2] for r in rows), "never before the deadline: %r" % rows)

    # ---- server-sent events ----------------------------------------------------------

    def test_events_reach_recipients_only(self):
        self.assertEqual(EventStream(self.srv.port, None).status, 401)
        rec = EventStream(self.srv.port, self.tok["pw"])
        other = EventStream(self.srv.port, self.tok["cu"])
        try:
            for s in (rec, other):
                self.assertEqual(s.status, 200)
                self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
                self.assertTrue(wait_until(lambda: "retry:" in s.text(), 5), s.text())
            # Issued from the command line: another process, seen through the database.
            wid = self.issue_cli()
            got = wait_until(lambda: rec.warnings(wid), 10)
            self.assertTrue(got, "the recipient should hear of warning %d: %r" % (wid, rec.text()))
            self.assertEqual(got, [{"id": wid, "status": "issued", "seq": 1, "tlp": "AMBER",
                                    "event": DOC["event"]}])
            # Cancelled through the API: a second event, seq 2.
            r = self.srv.request("POST", "/api/v1/warnings/%d/cancel" % wid, {},
                                 token=self.tok["ana"])
            self.assertEqual(r.status, 200, r)
            got = wait_until(lambda: len(rec.warnings(wid)) == 2 and rec.warnings(wid), 10)
            self.assertTrue(got, rec.text())
            self.assertEqual(got[1]["status"], "cancelled")
            self.assertEqual(got[1]["seq"], 2)
            # The other organisation may not read it, and heard nothing of it.
            time.sleep(1.5)
            self.assertEqual(other.warnings(wid), [])
            self.assertEqual(self.srv.request("GET", "/api/v1/warnings/%d" % wid,
                                              token=self.tok["cu"]).status, 404)
            self.assertEqual(self.srv.request("GET", "/api/v1/warnings/%d" % wid,
                                              token=self.tok["pw"]).status, 200)
            # Parked streams hold no worker thread: the server (2 threads) still answers.
            self.assertEqual(self.srv.request("GET", "/healthz").status, 200)
        finally:
            rec.close()
            other.close()

    def test_revoked_token_ends_the_stream(self):
        tok = self.srv.token("pw")
        s = EventStream(self.srv.port, tok)
        try:
            self.assertEqual(s.status, 200)
            r = self.srv.request("POST", "/api/v1/logout", token=tok)
            self.assertIn(r.status, (200, 204), r)
            wid = self.issue_cli()
            # The next event (or heartbeat) finds the token revoked and ends the stream.
            self.assertTrue(wait_until(lambda: s.ended, 20), s.text())
            self.assertEqual(s.warnings(wid), [])
        finally:
            s.close()


class LimitAndShutdownTest(unittest.TestCase):
    """On a server of its own: no stream of another test may hold a place."""

    def test_stream_limit_then_stop_with_clients_connected(self):
        srv = DeliveryServer(users=[("pw", "demo-power", "operator")])
        streams = []
        try:
            tok = srv.token("pw")
            # 128 streams (SRV_EVENTS_MAX), from two loopback addresses.
            for i in range(128):
                s = EventStream(srv.port, tok, source="127.0.0.%d" % (2 + i // 64))
                self.assertEqual(s.status, 200, s.buf)
                streams.append(s)
            s = EventStream(srv.port, tok, source="127.0.0.9")
            self.assertEqual(s.status, 503)
            self.assertEqual(json.loads(s.buf)["error"]["code"], "too_many_streams")
            # 128 parked streams hold none of the 2 worker threads.
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
            for s in streams:
                self.assertTrue(wait_until(lambda: "retry:" in s.text(), 5))
            # SIGTERM with every stream open: each is ended properly (the chunked
            # response's terminator), none cut, and the server exits 0.
            rc = srv.stop(timeout=30)
            self.assertEqual(rc, 0, srv.stderr)
            self.assertNotIn("Sanitizer", srv.stderr)
            self.assertNotIn("runtime error", srv.stderr)
            for s in streams:
                self.assertTrue(wait_until(lambda: s.ended, 5), "the stream should end")
                self.assertTrue(s.clean_end, "the server should end the stream, not cut it")
        finally:
            for s in streams:
                s.close()
            srv.close()


if __name__ == "__main__":
    bwapi.main()
