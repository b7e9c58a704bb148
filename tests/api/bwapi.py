"""Shared helpers for the API tests: a real `bulwark serve` on 127.0.0.1, over HTTP.

Every test file is run as `python3 tests/api/test_x.py PATH/TO/bulwark`. Server() builds
a fresh database in a temporary directory (`bulwark demo`: 17 organisations, 179 sites),
adds users with the CLI, starts `bulwark serve --listen 127.0.0.1:0`, reads the port from
the line it prints, and stops it with SIGTERM. Requests go through http.client, one
connection per request unless a test keeps its own. Python 3 standard library only.
"""

import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = None  # set by main()

PASSWORD = "correct-horse-battery"


def main():
    """Strips the binary path from argv and runs unittest; exits non-zero on failure."""
    global BIN
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.stderr.write("usage: %s PATH/TO/bulwark [unittest args]\n" % sys.argv[0])
        sys.exit(2)
    BIN = os.path.abspath(sys.argv.pop(1))
    os.environ.setdefault("BULWARK_HOME", SOURCE_ROOT)
    os.environ.pop("BULWARK_DB", None)
    unittest.main(verbosity=2)


def cli(args, db, stdin=None, check=True):
    """Runs `bulwark --db DB ARGS`; returns (rc, stdout, stderr)."""
    p = subprocess.run([BIN, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("bulwark %s -> %d\n%s%s" % (" ".join(args), p.returncode,
                                                       p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "HTTP %d %s" % (self.status, self.body[:500])


class Server:
    """A database in a temporary directory and a `bulwark serve` on it."""

    def __init__(self, users=(), threads=2):
        self.dir = tempfile.mkdtemp(prefix="bwapi-")
        self.db = os.path.join(self.dir, "api.db")
        self.log = os.path.join(self.dir, "access.log")
        cli(["demo"], self.db)
        for name, org, role in users:
            cli(["user", "add", name, "--org", org, "--role", role], self.db,
                stdin=PASSWORD + "\n")
        self.threads = threads
        self.proc = None
        self.stderr = ""
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--threads", str(self.threads), "--access-log", self.log],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "serving on http://127.0.0.1:" not in line:
            self.proc.kill()
            raise AssertionError("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(line.rsplit(":", 1)[1])

    def stop(self, timeout=30):
        """SIGTERM; returns the exit code."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "timeout"
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None
        return rc

    def close(self):
        """Stops the server and removes the directory; fails when the server did not
        exit 0 or a sanitizer reported anything."""
        rc = self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        if rc not in (0, None) or "runtime error" in self.stderr or "Sanitizer" in self.stderr:
            raise AssertionError("server exit %s:\n%s" % (rc, self.stderr[-4000:]))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def request(self, method, path, body=None, token=None, headers=None, ctype=None,
                timeout=60):
        """One request on a fresh connection; @body is JSON-encoded unless bytes/str."""
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                            r.read().decode("utf-8", "replace"))
        finally:
            c.close()

    def login(self, user, password=PASSWORD):
        return self.request("POST", "/api/v1/login", {"user": user, "password": password})

    def token(self, user):
        r = self.login(user)
        if r.status != 200:
            raise AssertionError("login %s: %r" % (user, r))
        return r.json()["token"]

    def sql(self, query, args=()):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
