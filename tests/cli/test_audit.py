"""The hash-chained audit log through the real binary (`bulwark audit verify|show`).

The oracle is an independent implementation of docs/audit.md in Python: hashlib's
BLAKE2b-256 over the documented encoding, reading the rows with sqlite3. A chain written
by the CLI must recompute to the same hashes, and a chain written by this file must pass
`audit verify`. Tampering is done as an attacker holding the file would: on a copy whose
triggers are dropped. Filters are checked against entries whose actors and times are
picked by hand.
"""

import hashlib
import os
import pwd
import re
import shutil
import sqlite3
import subprocess

import bwcli
from bwcli import CliTestCase, DATA, main

BASE = os.path.join(DATA, "base")
ZERO = "0" * 64
TAG = b"bulwark.audit.v1"
COLS = "id,at,actor,org,action,kind,object,tlp,detail,prev,hash"


def field(v):
    """One field of docs/audit.md: 0x00 for NULL, else 0x01, u64 big-endian length, bytes."""
    if v is None:
        return b"\x00"
    b = v.encode("utf-8")
    return b"\x01" + len(b).to_bytes(8, "big") + b


def entry_hash(prev, ident, at, actor, org, action, kind, obj, tlp, detail):
    h = hashlib.blake2b(digest_size=32)
    h.update(TAG)
    for v in (prev, str(ident), at, actor, org, action, kind, obj, tlp, detail):
        h.update(field(v))
    return h.hexdigest()


def rows(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return [dict(zip(COLS.split(","), r))
                for r in con.execute("SELECT %s FROM audit ORDER BY id" % COLS)]
    finally:
        con.close()


def recompute(db):
    """Checks the whole chain independently; returns the head hash."""
    prev = ZERO
    for i, r in enumerate(rows(db), 1):
        assert r["id"] == i, "id %d at position %d" % (r["id"], i)
        assert r["prev"] == prev, "entry %d: prev" % i
        h = entry_hash(prev, r["id"], r["at"], r["actor"], r["org"], r["action"], r["kind"],
                       r["object"], r["tlp"], r["detail"])
        assert h == r["hash"], "entry %d: hash %s, recomputed %s" % (i, r["hash"], h)
        prev = h
    return prev


def append(db, entries):
    """Appends (at, actor, org, action, kind, object, tlp, detail) tuples, hashed here."""
    con = sqlite3.connect(db)
    try:
        last = con.execute("SELECT id,hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        ident, prev = last if last else (0, ZERO)
        for e in entries:
            ident += 1
            h = entry_hash(prev, ident, *e)
            con.execute("INSERT INTO audit(%s) VALUES(?,?,?,?,?,?,?,?,?,?,?)" % COLS,
                        (ident,) + tuple(e) + (prev, h))
            prev = h
        con.commit()
    finally:
        con.close()
    return prev


def login():
    return "cli:" + pwd.getpwuid(os.geteuid()).pw_name


class AuditCase(CliTestCase):
    def verify(self, *args, db=None):
        return self.bw("audit", "verify", *args, db=db)

    def head(self, db=None):
        r = self.verify(db=db)
        self.assertEqual(r.rc, 0, r)
        m = re.fullmatch(r"(\d+) entr(?:y|ies), chain intact, head ([0-9a-f]{64})\n", r.out)
        self.assertTrue(m, r)
        return int(m.group(1)), m.group(2)

    def tampered(self, *sql):
        """A copy of the database changed as by someone holding the file."""
        path = self.path("tampered.db")
        shutil.copyfile(self.db, path)
        con = sqlite3.connect(path)
        con.execute("DROP TRIGGER audit_append_only_update")
        con.execute("DROP TRIGGER audit_append_only_delete")
        for s in sql:
            con.execute(s)
        con.commit()
        con.close()
        return path

    def broken(self, path, message):
        r = self.verify(db=path)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "", r)
        self.assertIn(message, r.err, r)
        return r


class TestChain(AuditCase):
    """Every write path of the CLI leaves its entry, and the chain recomputes in Python."""

    def build(self):
        self.init()
        for e in ("orgs", "sites", "deps", "roles"):
            self.ok("import", e, os.path.join(BASE, e + ".csv"))
        p = subprocess.run([bwcli.BIN, "user", "add", "alice", "--org", "t-op", "--role",
                            "analyst", "--db", self.db], input=b"correct horse battery\n",
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p)
        self.ok("user", "token", "alice")
        self.ok("user", "revoke", "1")
        self.ok("user", "disable", "alice")
        self.ok("threat-level", "set", "--type", "all", "--level", "low", "--from",
                "2026-01-01")
        self.ok("measure", "add", "t-hospital", "cctv-monitoring", "--quality", "0.5")
        self.ok("measure", "rm", "t-hospital", "cctv-monitoring")
        self.ok("framework", "new", "--cycle", "c1")
        self.ok("framework", "answer", "A1.1", "3")
        self.ok("framework", "import", self.write("a.csv", "indicator,level\nA1.2,1\nA2.1,0\n"))
        self.ok("designate")
        self.ok("assess", "--trials", "0", "--no-cascade", "--date", "2026-06-01")

    def test_every_write_is_audited_and_the_chain_recomputes(self):
        self.build()
        got = [(r["action"], r["kind"], r["object"]) for r in rows(self.db)]
        self.assertEqual(got, [
            ("pack.set", "pack", None),
            ("import", "org", None), ("import", "site", None), ("import", "dep", None),
            ("import", "role", None),
            ("user.add", "user", "alice"), ("token.add", "token", "1"),
            ("token.revoke", "token", "1"), ("user.disable", "user", "alice"),
            ("threat_level.set", "threat_level", "1"),
            ("measure.add", "site", "t-hospital"), ("measure.rm", "site", "t-hospital"),
            ("framework.new", "framework", "c1"), ("framework.answer", "framework", "c1"),
            ("framework.import", "framework", "c1"),
            ("designation.run", "designation_run", "1"), ("assess.run", "assess_run", "1"),
        ])
        rs = rows(self.db)
        self.assertTrue(all(r["actor"] == login() and r["org"] is None for r in rs))
        self.assertTrue(all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["at"])
                            for r in rs))
        self.assertEqual([r["at"] for r in rs], sorted(r["at"] for r in rs))
        self.assertEqual(rs[0]["prev"], ZERO)
        # Secrets never reach the log: no password, no token, no hash of either.
        self.assertNotIn("correct horse", "".join(r["detail"] or "" for r in rs))
        self.assertNotIn("hash", "".join(r["detail"] or "" for r in rs).replace(
            "inputs_hash", ""))
        head = recompute(self.db)
        self.assertEqual(self.head(), (17, head))
        j = self.ok("audit", "verify", "--json").json()
        self.assertEqual(j, {"intact": True, "entries": 17, "head": head})

    def test_show(self):
        self.build()
        out = self.ok("audit", "show").out.splitlines()
        self.assertEqual(out[0].split(), ["ID", "AT", "(UTC)", "ACTOR", "ACTION", "OBJECT",
                                          "DETAIL"])
        self.assertEqual(out[-1], "17 entries")
        self.assertEqual(out[6].split()[:5], ["6", out[6].split()[1], login(), "user.add",
                                              "user"])
        self.assertIn('{"org":"t-op","role":"analyst"}', out[6])
        j = self.ok("audit", "show", "--json").json()
        self.assertEqual(len(j), 17)
        self.assertEqual(j[5]["detail"], {"org": "t-op", "role": "analyst"})
        self.assertEqual(j[1]["detail"], {"file": os.path.join(BASE, "orgs.csv"),
                                          "format": "csv", "records": 2, "upsert": False})
        self.assertEqual(j[14]["detail"], {"file": self.path("a.csv"), "answers": 2})
        self.assertEqual(j[-1]["hash"], recompute(self.db))
        self.assertEqual([e["id"] for e in self.ok("audit", "show", "--json", "--limit",
                                                   "3").json()], [15, 16, 17])


class TestImport(AuditCase):
    def test_an_import_is_one_entry(self):
        self.init()
        self.ok("import", "orgs", os.path.join(BASE, "orgs.csv"))
        n = 500
        body = "id,name,category,lat,lon,operator\n" + "".join(
            "s%04d,Site %d,hospital,47.%04d,9.5,t-op\n" % (i, i, i) for i in range(n))
        path = self.write("many.csv", body)
        before = len(rows(self.db))
        self.ok("import", "sites", path)
        new = rows(self.db)[before:]
        self.assertEqual(len(new), 1)
        self.assertEqual((new[0]["action"], new[0]["kind"]), ("import", "site"))
        self.assertEqual(new[0]["detail"], '{"file":"%s","format":"csv","records":%d,'
                                           '"upsert":false}' % (path, n))
        # A failed import writes nothing, its entry included.
        bad = self.write("bad.csv", "id,name,category,lat,lon\nx1,X,hospital,95,9\n")
        self.assertEqual(self.bw("import", "sites", bad).rc, 1)
        self.assertEqual(len(rows(self.db)), before + 1)
        # So does a failed write through a store function.
        self.assertEqual(self.bw("measure", "rm", "s0001", "cctv-monitoring").rc, 1)
        self.assertEqual(len(rows(self.db)), before + 1)
        recompute(self.db)


class TestTamper(AuditCase):
    def setUp(self):
        super().setUp()
        self.init()
        for e in ("orgs", "sites", "deps", "roles"):
            self.ok("import", e, os.path.join(BASE, e + ".csv"))
        for lvl in ("low", "moderate", "severe"):
            self.ok("threat-level", "set", "--type", "all", "--level", lvl)
        self.n, self.h = self.head()
        self.assertEqual(self.n, 8)

    def test_triggers_refuse_update_and_delete(self):
        con = sqlite3.connect(self.db)
        try:
            for sql in ("UPDATE audit SET detail='{}' WHERE id=3", "DELETE FROM audit WHERE id=8",
                        "DELETE FROM audit"):
                with self.assertRaisesRegex(sqlite3.DatabaseError, "append-only"):
                    con.execute(sql)
        finally:
            con.close()
        self.assertEqual(self.head(), (self.n, self.h))

    def test_changed_detail_actor_or_time(self):
        cases = [
            ("UPDATE audit SET detail='{\"records\":3}' WHERE id=3", "entry 3 does not match"),
            ("UPDATE audit SET actor='someone-else' WHERE id=5", "entry 5 does not match"),
            ("UPDATE audit SET org='t-op' WHERE id=2", "entry 2 does not match"),
            ("UPDATE audit SET object=NULL WHERE id=7", "entry 7 does not match"),
            # A later time keeps the order of times up to it: only the hash shows it.
            ("UPDATE audit SET at='2099-01-01T00:00:00.000Z' WHERE id=6",
             "entry 6 does not match"),
            # An earlier one breaks the order of times first.
            ("UPDATE audit SET at='2000-01-01T00:00:00.000Z' WHERE id=4",
             "entry 4 has a time earlier than the entry before it"),
        ]
        for sql, message in cases:
            with self.subTest(sql=sql):
                r = self.broken(self.tampered(sql), message)
                first = re.search(r"entry (\d+)", message).group(1)
                self.assertIn("audit log broken at entry %s:" % first, r.err)
                j = self.bw("audit", "verify", "--json", db=self.path("tampered.db"))
                self.assertEqual(j.rc, 1)
                self.assertEqual(j.json()["first_bad"], int(first))

    def test_deleted_entries(self):
        self.broken(self.tampered("DELETE FROM audit WHERE id=4"),
                    "entry 5 follows entry 3: entry 4 is missing")
        self.broken(self.tampered("DELETE FROM audit WHERE id IN (4,5,6)"),
                    "entry 7 follows entry 3: entries 4 to 6 are missing")
        self.broken(self.tampered("DELETE FROM audit WHERE id=1"),
                    "entry 2 is the first: entries 1 to 1 are missing")

    def test_deleted_and_renumbered(self):
        # Entry 4 removed and the later ids moved down to close the gap: the link breaks.
        path = self.tampered("DELETE FROM audit WHERE id=4",
                             "UPDATE audit SET id=id-1 WHERE id>4")
        self.broken(path, "entry 4 does not link to the entry before it")

    def test_swapped_entries(self):
        # The contents of entries 3 and 6 exchanged, ids kept: entry 3 is the first bad.
        cols = "at,actor,org,action,kind,object,tlp,detail,prev,hash"
        sets = ",".join("%s=(SELECT %s FROM x WHERE x.id=9-audit.id)" % (c, c)
                        for c in cols.split(","))
        path = self.tampered("CREATE TABLE x AS SELECT * FROM audit WHERE id IN (3,6)",
                             "UPDATE audit SET %s WHERE id IN (3,6)" % sets,
                             "DROP TABLE x")
        # 9 - id maps 3 -> 6 and 6 -> 3.
        self.assertEqual(rows(path)[2]["detail"], rows(self.db)[5]["detail"])
        self.broken(path, "entry 3 does not link to the entry before it")

    def test_rewritten_chain_is_caught_by_the_anchor(self):
        # An attacker rewrites entry 3 and recomputes every hash from it on: the chain
        # verifies, but no longer contains the head recorded before.
        path = self.tampered()
        con = sqlite3.connect(path)
        prev = con.execute("SELECT hash FROM audit WHERE id=2").fetchone()[0]
        for r in con.execute("SELECT %s FROM audit WHERE id>=3 ORDER BY id" % COLS).fetchall():
            r = dict(zip(COLS.split(","), r))
            if r["id"] == 3:
                r["detail"] = '{"records":0}'
            h = entry_hash(prev, r["id"], r["at"], r["actor"], r["org"], r["action"],
                           r["kind"], r["object"], r["tlp"], r["detail"])
            con.execute("UPDATE audit SET detail=?,prev=?,hash=? WHERE id=?",
                        (r["detail"], prev, h, r["id"]))
            prev = h
        con.commit()
        con.close()
        self.assertEqual(self.head(db=path)[0], self.n)
        r = self.verify("--expect-head", self.h, db=path)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no longer contains the head %s" % self.h, r.err)
        # The untouched database still contains it, and an earlier anchor too.
        self.assertEqual(self.verify("--expect-head", self.h).rc, 0)
        self.assertEqual(self.verify("--expect-head", self.h.upper()).rc, 0)
        self.assertEqual(self.verify("--expect-head", rows(self.db)[1]["hash"], db=path).rc, 0)

    def test_truncation_is_caught_by_the_anchor(self):
        path = self.tampered("DELETE FROM audit WHERE id>=7")
        self.assertEqual(self.head(db=path)[0], 6)  # a shorter chain is still a chain
        r = self.verify("--expect-head", self.h, db=path)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cut short", r.err)
        j = self.bw("audit", "verify", "--expect-head", self.h, "--json", db=path)
        self.assertEqual((j.rc, j.json()["intact"], j.json()["first_bad"]), (1, False, 0))


class TestFilters(AuditCase):
    """Entries with hand-picked actors and times, written here and verified by bulwark."""

    ENTRIES = [
        ("2026-01-01T09:00:00.000Z", "alice", "t-op", "report.read", "report", "7", "AMBER",
         '{"items":[7]}'),
        ("2026-01-02T10:00:00.000Z", "bob", "t-ops", "warning.issue", "warning", "3", "RED",
         None),
        ("2026-01-03T11:00:00.500Z", "alice", "t-op", "note.create", "note", "9", None, ""),
        ("2026-01-03T11:00:00.900Z", "carol", None, "user.add", "user", "dave", None,
         '{"name":"Zo\u00eb \u2013 \u00e9t\u00e9"}'),
        ("2026-02-01T00:00:00.000Z", "bob", "t-ops", "warning.read", "warning", "3", "RED",
         None),
    ]

    def setUp(self):
        super().setUp()
        open(self.db, "wb").close()  # an empty file: bulwark gives it the schema
        self.assertEqual(self.head(), (0, ZERO))
        self.py_head = append(self.db, self.ENTRIES)
        self.assertEqual(self.head(), (5, self.py_head))
        self.init()  # entry 6, now, by the CLI

    def ids(self, *args):
        return [e["id"] for e in self.ok("audit", "show", "--json", *args).json()]

    def test_filters(self):
        self.assertEqual(self.ids(), [1, 2, 3, 4, 5, 6])
        self.assertEqual(self.ids("--user", "alice"), [1, 3])
        self.assertEqual(self.ids("--user", "bob"), [2, 5])
        self.assertEqual(self.ids("--user", login()), [6])
        self.assertEqual(self.ids("--user", "nobody"), [])
        self.assertEqual(self.ids("--since", "2026-01-03"), [3, 4, 5, 6])
        self.assertEqual(self.ids("--since", "2026-01-03T11:00:00Z"), [3, 4, 5, 6])
        self.assertEqual(self.ids("--since", "2026-01-03T11:00:00.5Z"), [3, 4, 5, 6])
        self.assertEqual(self.ids("--since", "2026-01-03T11:00:00.6"), [4, 5, 6])
        self.assertEqual(self.ids("--since", "2026-01-03T11:00:01"), [5, 6])
        self.assertEqual(self.ids("--since", "2026-02"), [5, 6])
        self.assertEqual(self.ids("--since", "2027"), [])
        self.assertEqual(self.ids("--user", "bob", "--since", "2026-01-02T10:00:00Z"), [2, 5])
        self.assertEqual(self.ids("--user", "bob", "--since", "2026-01-02T10:00:00.001"), [5])
        self.assertEqual(self.ids("--user", "alice", "--limit", "1"), [3])
        self.assertEqual(self.ids("--limit", "2"), [5, 6])
        j = self.ok("audit", "show", "--json", "--user", "carol").json()
        self.assertEqual(j[0]["detail"], {"name": "Zo\u00eb \u2013 \u00e9t\u00e9"})
        self.assertIsNone(j[0]["org"])
        text = self.ok("audit", "show", "--user", "bob").out
        self.assertIn("bob (t-ops)", text)
        self.assertIn("warning 3 TLP:RED", text)
        self.assertTrue(text.endswith("2 entries\n"))
        # The CLI's entry continues the chain written here.
        self.assertEqual(rows(self.db)[5]["prev"], self.py_head)
        self.assertEqual(self.head()[1], recompute(self.db))

    def test_null_and_empty_are_different(self):
        # Entry 3's detail is "" and entry 2's NULL; swapping one for the other is seen.
        path = self.tampered("UPDATE audit SET detail=NULL WHERE id=3")
        self.broken(path, "entry 3 does not match")

    def test_usage(self):
        r = self.ok("audit", "--help")
        self.assertIn("bulwark audit verify", r.out)
        self.assertIn("--expect-head", r.out)
        self.assertIn("bulwark audit show", self.ok("audit", "show", "--help").out)
        self.assertIn("bulwark audit verify", self.ok("audit", "verify", "--help").out)
        for args, message in [
            (["audit"], "expected verify or show"),
            (["audit", "check"], "expected verify or show"),
            (["audit", "show", "--since", "yesterday"], "--since"),
            (["audit", "show", "--since", "2026-1-3"], "--since"),
            (["audit", "show", "--limit", "0"], "--limit"),
            (["audit", "verify", "--expect-head", "abc"], "--expect-head"),
            (["audit", "verify", "--user", "bob"], "verify takes --expect-head only"),
            (["audit", "show", "--expect-head", ZERO], "show does not take"),
        ]:
            with self.subTest(args=args):
                r = self.bw(*args)
                self.assertEqual(r.rc, 2, r)
                self.assertIn(message, r.err)
        r = self.bw("audit", "verify", db=self.path("missing.db"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no such database", r.err)
        self.assertFalse(os.path.exists(self.path("missing.db")))


class TestConcurrency(AuditCase):
    def test_parallel_writers(self):
        """Four processes each setting ten threat levels at once: 40 entries, one chain."""
        self.init()
        script = ("for i in 1 2 3 4 5 6 7 8 9 10; do \"$0\" threat-level set --type all "
                  "--level low --db \"$1\" >/dev/null || exit 1; done")
        procs = [subprocess.Popen(["sh", "-c", script, bwcli.BIN, self.db]) for _ in range(4)]
        self.assertEqual([p.wait(timeout=300) for p in procs], [0, 0, 0, 0])
        rs = rows(self.db)
        self.assertEqual(len(rs), 41)
        self.assertEqual(sum(r["action"] == "threat_level.set" for r in rs), 40)
        self.assertEqual(sorted(int(r["object"]) for r in rs[1:]), list(range(1, 41)))
        self.assertEqual(self.head(), (41, recompute(self.db)))

    def test_kill_9_during_a_burst(self):
        """Writers killed with SIGKILL mid-burst: every acknowledged write and its entry
        are there, nothing half-written is, and the chain verifies."""
        self.init()
        script = ("while :; do \"$0\" threat-level set --type all --level low --db \"$1\" "
                  "|| exit 1; done")
        procs = [subprocess.Popen(["sh", "-c", script, bwcli.BIN, self.db],
                                  stdout=subprocess.PIPE, start_new_session=True)
                 for _ in range(2)]
        acked = []
        for p in procs:  # read acknowledgements until each writer has a few
            while len(acked) < 8 * (procs.index(p) + 1):
                line = p.stdout.readline().decode()
                m = re.match(r"threat level #(\d+):", line)
                self.assertTrue(m, line)
                acked.append(int(m.group(1)))
        for p in procs:
            os.killpg(p.pid, 9)
        for p in procs:
            # What was printed before the kill is acknowledged too.
            for line in p.stdout.read().decode().splitlines():
                m = re.match(r"threat level #(\d+):", line)
                if m:
                    acked.append(int(m.group(1)))
            p.wait()
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        levels = {r[0] for r in con.execute("SELECT id FROM threat_level")}
        con.close()
        self.assertTrue(set(acked) <= levels, (sorted(acked), sorted(levels)))
        audited = {int(r["object"]) for r in rows(self.db) if r["action"] == "threat_level.set"}
        self.assertEqual(audited, levels)  # one entry per level written, no more, no less
        n, head = self.head()
        self.assertEqual((n, head), (1 + len(levels), recompute(self.db)))


if __name__ == "__main__":
    main()
