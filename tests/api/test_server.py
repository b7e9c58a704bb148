"""The server itself: health, the OpenAPI document against the router, bounded input
(body, headers, URL, JSON depth), error shapes, the access log, and shutdown on SIGTERM
without losing an acknowledged write."""

import json
import os
import socket
import threading
import time
import unittest

import bwapi
from bwapi import cli


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = bwapi.Server(users=[("ana", "demo-authority", "analyst")])
        cls.tok = cls.srv.token("ana")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def assertError(self, r, status, code=None, field=None):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.headers["content-type"].startswith("application/json"), r.headers)
        e = r.json()["error"]
        self.assertEqual(e["status"], status)
        self.assertTrue(e["message"])
        if code:
            self.assertEqual(e["code"], code, e)
        if field:
            self.assertEqual(e.get("field"), field, e)
        return e

    def test_healthz(self):
        r = self.srv.request("GET", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "ok", "db": "ok"})

    def test_openapi_lists_every_route(self):
        r = self.srv.request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200)
        doc = r.json()
        self.assertTrue(doc["openapi"].startswith("3.0"))
        # Served byte for byte from the file in the source tree.
        with open(os.path.join(bwapi.SOURCE_ROOT, "src", "server", "openapi.json"),
                  encoding="utf-8") as f:
            self.assertEqual(r.body, f.read())
        _, out, _ = cli(["serve", "--routes"], self.srv.db)
        routes = [line.split(" ", 1) for line in out.splitlines()]
        self.assertGreaterEqual(len(routes), 8)
        for method, path in routes:
            self.assertIn(path, doc["paths"], "route %s %s not documented" % (method, path))
            self.assertIn(method.lower(), doc["paths"][path],
                          "method %s of %s not documented" % (method, path))
        # ... and nothing documented that the router does not have.
        documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        self.assertEqual(documented, {(m, p) for m, p in routes})

    def test_unknown_route_and_method(self):
        self.assertError(self.srv.request("GET", "/api/v1/nothing-here"), 404, "not_found")
        r = self.srv.request("DELETE", "/api/v1/sites", token=self.tok)
        self.assertError(r, 405, "method_not_allowed")
        self.assertEqual(r.headers["allow"], "GET")

    def test_oversized_body(self):
        body = b'{"user":"ana","password":"' + b"x" * (1 << 20) + b'"}'
        r = self.srv.request("POST", "/api/v1/login", body=body, ctype="application/json")
        self.assertError(r, 413, "body_too_large")
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)

    def test_malformed_json_names_position(self):
        body = '{"user": "ana",\n "password" 1}'
        try:
            json.loads(body)
        except json.JSONDecodeError as err:
            expected = err  # the independent answer: Python's parser, at the '1'
        r = self.srv.request("POST", "/api/v1/login", body=body, ctype="application/json")
        e = self.assertError(r, 400, "bad_json")
        # jansson reports the offset just past the offending token, the '1' (one byte).
        self.assertEqual(e["position"], expected.pos + 1)
        self.assertEqual(e["line"], expected.lineno)
        self.assertEqual(e["column"], expected.colno)
        self.assertIn("byte %d" % e["position"], e["message"])

    def test_deep_json(self):
        body = '{"user":' + "[" * 65 + "]" * 65 + "}"
        e = self.assertError(self.srv.request("POST", "/api/v1/login", body=body,
                                              ctype="application/json"), 400, "bad_json")
        self.assertIn("deeper than 64", e["message"])

    def test_unknown_field_and_duplicates(self):
        r = self.srv.request("POST", "/api/v1/login",
                             {"user": "ana", "password": "x" * 12, "admin": True})
        self.assertError(r, 400, "unknown_field", "admin")
        r = self.srv.request("POST", "/api/v1/login", body='{"user":"ana","user":"bob"}',
                             ctype="application/json")
        self.assertError(r, 400, "bad_json")
        r = self.srv.request("POST", "/api/v1/login", {"user": 7, "password": "x"})
        self.assertError(r, 400, "bad_field", "user")

    def test_wrong_content_type(self):
        r = self.srv.request("POST", "/api/v1/login", body="user=ana&password=x",
                             ctype="application/x-www-form-urlencoded")
        self.assertError(r, 415, "unsupported_media_type", "Content-Type")
        # Parameters after the media type are fine.
        r = self.srv.request("POST", "/api/v1/login", body='{"user":"ana","password":"no"}',
                             ctype="application/json; charset=utf-8")
        self.assertEqual(r.status, 401, r)

    def raw(self, data, timeout=10):
        """Sends raw bytes; returns the status code of the answer (or None if cut, or
        none came within @timeout seconds)."""
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
            except OSError:
                pass
            buf = b""
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            return None
        finally:
            s.close()
        return int(buf.split(b" ")[1]) if buf.startswith(b"HTTP/1.1 ") else None

    def test_header_and_url_limits(self):
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
        r = self.srv.request("GET", "/healthz",
                             headers={"X-H%d" % i: "v" for i in range(150)})
        self.assertError(r, 431, "too_many_headers")
        self.assertEqual(self.raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + many + b"\r\n"), 431)
        huge = b"".join(b"X-H%d: v\r\n" % i for i in range(10000))
        self.assertEqual(self.raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + huge + b"\r\n"), 431)
        r = self.srv.request("GET", "/healthz?" + "a" * 9000)
        self.assertError(r, 414, "uri_too_long")
        self.assertEqual(self.raw(b"GET /healthz?" + b"a" * (1 << 20) +
                                  b" HTTP/1.1\r\nHost: a\r\n\r\n"), 414)
        # Still serving, on new connections and with keep-alive.
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)

    def test_malformed_requests_keep_it_serving(self):
        bad = [
            b"\x00\x01\x02garbage\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET /healthz HTTP/9.9\r\nHost: a\r\n\r\n",
            b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
            b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
            b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n"
            b"Content-Type: application/json\r\n\r\n{}{}{}{}",
            b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/json\r\n\r\nzz\r\n",
            b"GET /api/v1/sites/%00%ff%c0%af HTTP/1.1\r\nHost: a\r\n"
            b"Authorization: Bearer " + self.tok.encode() + b"\r\n\r\n",
            b"GET /api/v1/me HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
        ]
        for req in bad:
            # Garbage without a request line gets no answer: the connection idles until
            # its timeout. The point is that everyone else is still served.
            status = self.raw(req, timeout=2)
            self.assertTrue(status is None or 400 <= status < 500 or status == 505,
                            (req[:60], status))
            self.assertEqual(self.srv.request("GET", "/healthz").status, 200, req[:60])
        # A chunked JSON body is read whole and handled like any other.
        r = self.raw(b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/json\r\n\r\n"
                     b"5\r\n{\"use\r\n1b\r\nr\":\"ana\",\"password\":\"nope\"}\r\n0\r\n\r\n")
        self.assertEqual(r, 401)

    def test_keep_alive(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        for _ in range(3):
            c.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + self.tok})
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
            r.read()
        c.close()

    def test_access_log(self):
        self.srv.request("GET", "/api/v1/me", token=self.tok)
        time.sleep(0.2)
        with open(self.srv.log, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        me = [e for e in lines if e["path"] == "/api/v1/me" and e["user"] == "ana"]
        self.assertTrue(me, lines[-5:])
        e = me[-1]
        self.assertEqual((e["method"], e["status"]), ("GET", 200))
        self.assertGreater(e["bytes"], 0)
        self.assertGreaterEqual(e["duration_us"], 0)
        self.assertRegex(e["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # Secrets never reach the log.
        with open(self.srv.log, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(self.tok, text)
        self.assertNotIn(bwapi.PASSWORD, text)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_keeps_acknowledged_writes(self):
        srv = bwapi.Server(users=[("ana", "demo-authority", "analyst")], threads=2)
        try:
            acked, errors, stop = [], [], threading.Event()

            def burst():
                while not stop.is_set():
                    try:
                        r = srv.login("ana")
                    except OSError:
                        return  # the server went away: the request was not acknowledged
                    if r.status == 200:
                        acked.append(r.json()["token_id"])
                    else:
                        errors.append(r)

            workers = [threading.Thread(target=burst) for _ in range(4)]
            for w in workers:
                w.start()
            deadline = time.time() + 30
            while len(acked) < 6 and time.time() < deadline:
                time.sleep(0.05)
            rc = srv.stop()
            stop.set()
            for w in workers:
                w.join(30)
            self.assertEqual(rc, 0)
            self.assertEqual(errors, [])
            self.assertGreaterEqual(len(acked), 6)
            stored = {row[0] for row in srv.sql("SELECT id FROM token")}
            self.assertTrue(set(acked) <= stored, set(acked) - stored)
            # The database is whole and a restarted server serves it.
            self.assertEqual(srv.sql("PRAGMA integrity_check"), [("ok",)])
            srv.start()
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
        finally:
            srv.close()


if __name__ == "__main__":
    bwapi.main()
