"""Shared helpers for the CLI tests: run the real `bulwark` binary in a fresh temp dir.

Every test file is run as `python3 tests/cli/test_x.py PATH/TO/bulwark`; main() takes the
binary path from argv[1] and hands the rest to unittest. Each test gets its own temporary
directory and database (--db), so tests are independent and can run in any order.
Python 3 standard library only.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(SOURCE_ROOT, "tests", "data", "cli")

BIN = None  # set by main()
ENTITIES = ("orgs", "sites", "deps", "roles")  # import order: references resolve


def main():
    """Strips the binary path from argv and runs unittest; exits non-zero on failure."""
    global BIN
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.stderr.write("usage: %s PATH/TO/bulwark [unittest args]\n" % sys.argv[0])
        sys.exit(2)
    BIN = os.path.abspath(sys.argv.pop(1))
    if not os.access(BIN, os.X_OK):
        sys.stderr.write("not an executable: %s\n" % BIN)
        sys.exit(2)
    os.environ.setdefault("BULWARK_HOME", SOURCE_ROOT)
    os.environ.pop("BULWARK_DB", None)
    unittest.main(verbosity=2)


class Result:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "bulwark %s -> %d\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.rc, self.out[:2000], self.err[:2000])


def run(args, cwd=None, timeout=120, binary=False):
    """Runs bulwark with @args; returns a Result (text unless binary)."""
    p = subprocess.run([BIN] + list(args), cwd=cwd, capture_output=True, timeout=timeout)
    if binary:
        return Result(list(args), p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))
    return Result(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


class CliTestCase(unittest.TestCase):
    """A temp dir per test (self.dir) and a database path in it (self.db)."""

    _demo_cache = None  # path of a demo database built once per process

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bwcli-")
        self.db = os.path.join(self.dir, "test.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- running ------------------------------------------------------------------

    def bw(self, *args, db=None, **kw):
        """Runs `bulwark ARGS --db DB` (the test's database unless @db)."""
        return run(list(args) + ["--db", db or self.db], cwd=self.dir, **kw)

    def ok(self, *args, **kw):
        r = self.bw(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data):
        """Writes @data (str or bytes) to a file in the temp dir; returns its path."""
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    # ---- databases ----------------------------------------------------------------

    def init(self, db=None):
        self.ok("init", db=db)

    def load_fixture(self, directory, db=None, fmt="csv"):
        """init, then imports orgs, sites, deps, roles from @directory (present files)."""
        self.init(db=db)
        for e in ENTITIES:
            p = os.path.join(directory, "%s.%s" % (e, fmt))
            if os.path.exists(p):
                self.ok("import", e, p, "--format", fmt, db=db)

    def demo(self, db=None):
        """Copies a demo database built once per process to @db (default self.db)."""
        cls = CliTestCase
        if cls._demo_cache is None:
            d = tempfile.mkdtemp(prefix="bwcli-demo-")
            path = os.path.join(d, "demo.db")
            r = run(["demo", "--db", path], cwd=d)
            self.assertEqual(r.rc, 0, r)
            cls._demo_cache = path
            import atexit
            atexit.register(shutil.rmtree, d, True)
        shutil.copyfile(cls._demo_cache, db or self.db)

    def export(self, entity, fmt="csv", db=None):
        r = self.bw("export", entity, "--format", fmt, db=db, binary=True)
        self.assertEqual(r.rc, 0, r)
        return r.out

    def snapshot(self, db=None, entities=ENTITIES, formats=("csv",)):
        """What is observable about the database: an SQL dump of every table (records,
        spatial index, designation runs, the pack) and the CLI exports of @entities."""
        snap = {(e, f): self.export(e, f, db=db) for e in entities for f in formats}
        con = sqlite3.connect("file:%s?mode=ro" % (db or self.db), uri=True)
        try:
            snap["sql"] = "\n".join(con.iterdump())
        finally:
            con.close()
        return snap

    def assertSnapshotEqual(self, before, after, msg=None):
        self.assertEqual(sorted(before, key=str), sorted(after, key=str))
        for k in before:
            self.assertEqual(before[k], after[k], "%s changed%s" % (k, ": " + msg if msg else ""))

    def counts(self, db=None):
        r = self.bw("sites", "summary", "--json", db=db)
        self.assertEqual(r.rc, 0, r)
        j = r.json()
        return {k: j[k] for k in ("sites", "organisations", "dependencies", "roles")}

    def sites_json(self, db=None):
        r = self.bw("sites", "list", "--json", db=db)
        self.assertEqual(r.rc, 0, r)
        return r.json()
