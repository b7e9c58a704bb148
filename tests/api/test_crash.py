"""Crash safety of the information-sharing network: kill -9 during a burst of writes.

A warning is issued to the six organisations of the writers (named in the document). Six client threads, each an operator or
responder of a different recipient organisation, then acknowledge it over and over (each
acknowledgement with a unique note) and file reports (each with a unique description).
While they run, the server is killed with SIGKILL — no shutdown, no flush. It is
restarted on the same database, and:

- every write that was answered 2xx is there: each acknowledged note in ack_log (and each
  organisation's current ack is one of its acknowledged statuses), each report id with
  its description, readable again over the API by its author;
- nothing half-written: the database passes PRAGMA integrity_check, every ack_log row
  belongs to an ack row, every report has its item row;
- `bulwark audit verify` passes: the hash chain was never left torn, and every
  acknowledged write has its audit entry (the write and its entry commit together).

Run: python3 tests/api/test_crash.py build/src/cli/bulwark
"""

import json
import signal
import threading
import time
import unittest

import bwapi
from bwapi import cli

WRITERS = [("w-power", "demo-power", "operator"), ("w-water", "demo-water", "operator"),
           ("w-health", "demo-health", "operator"), ("w-police", "demo-police", "responder"),
           ("w-fire", "demo-fire", "responder"), ("w-venues", "demo-venues", "operator")]
USERS = [("ana", "demo-authority", "analyst")] + WRITERS
STATUSES = ["received", "acting", "not-concerned"]


class CrashTest(unittest.TestCase):
    def test_kill_9_during_write_burst(self):
        srv = bwapi.Server(users=USERS, threads=4)
        try:
            self.run_burst(srv)
        finally:
            srv.close()

    def run_burst(self, srv):
        ana = srv.token("ana")
        doc = {"tlp": "AMBER", "national": False, "event": "Crash test warning",
               "urgency": "Immediate", "severity": "Severe", "certainty": "Likely",
               "orgs": sorted({o for _, o, _ in WRITERS})}
        r = srv.request("POST", "/api/v1/warnings", doc, token=ana)
        self.assertEqual(r.status, 201, r)
        wid = r.json()["id"]
        r = srv.request("POST", "/api/v1/warnings/%d/issue" % wid, token=ana)
        self.assertEqual(r.status, 200, r)
        tokens = {u: srv.token(u) for u, _, _ in WRITERS}
        # Everything acknowledged by the server: (kind, key, value).
        acked_notes, acked_reports, unexpected = [], [], []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(user, org):
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 2:
                        st = STATUSES[i % 3]
                        note = "%s-%d" % (user, i)
                        r = srv.request("POST", "/api/v1/warnings/%d/ack" % wid,
                                        {"status": st, "note": note}, token=tokens[user],
                                        timeout=10)
                        if r.status == 200:
                            with lock:
                                acked_notes.append((org, st, note))
                            continue
                    else:
                        desc = "report %s-%d" % (user, i)
                        r = srv.request("POST", "/api/v1/reports",
                                        {"type": "hostile-reconnaissance", "tlp": "AMBER",
                                         "lat": 47.14, "lon": 9.52,
                                         "occurred": "2026-11-30T10:00:00Z",
                                         "description": desc}, token=tokens[user], timeout=10)
                        if r.status == 201:
                            with lock:
                                acked_reports.append((r.json()["id"], user, desc))
                            continue
                    with lock:
                        unexpected.append(r)
                except (OSError, ConnectionError, json.JSONDecodeError):
                    # The server died under this request: it was never acknowledged.
                    if not srv.alive():
                        return
                    time.sleep(0.01)

        threads = [threading.Thread(target=writer, args=(u, o)) for u, o, _ in WRITERS]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while len(acked_notes) + len(acked_reports) < 150 and time.time() < deadline:
            time.sleep(0.02)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        for t in threads:
            t.join(30)
        srv.proc.stdout.close()
        srv.proc.stderr.close()
        srv.proc = None
        self.assertEqual(unexpected, [])
        self.assertGreaterEqual(len(acked_notes), 20)
        self.assertGreaterEqual(len(acked_reports), 20)

        # The database is whole before anything opens it for writing again.
        self.assertEqual(srv.sql("PRAGMA integrity_check"), [("ok",)])
        srv.start()
        self.assertEqual(srv.request("GET", "/healthz").status, 200)

        # Every acknowledged acknowledgement is in the log with its note and status.
        log = {(o, s, n) for o, s, n in srv.sql(
            "SELECT org, status, note FROM ack_log WHERE warning=?", (wid,))}
        missing = [a for a in acked_notes if a not in log]
        self.assertEqual(missing, [], "acknowledged but lost")
        # The current ack of each organisation is the last one written for it (the log's
        # newest row), and one of those it was answered for.
        for org, status in srv.sql("SELECT org, status FROM ack WHERE warning=?", (wid,)):
            last = srv.sql("SELECT status FROM ack_log WHERE warning=? AND org=? "
                           "ORDER BY rowid DESC LIMIT 1", (wid, org))
            self.assertEqual(last, [(status,)], org)
        orphans = srv.sql("SELECT count(*) FROM ack_log l WHERE warning=? AND NOT EXISTS("
                          "SELECT 1 FROM ack a WHERE a.warning=l.warning AND a.org=l.org)",
                          (wid,))
        self.assertEqual(orphans, [(0,)])

        # Every acknowledged report is there, whole, and its author reads it.
        for rid, user, desc in acked_reports:
            rows = srv.sql("SELECT i.kind, r.description FROM item i JOIN report r ON "
                           "r.item=i.id WHERE i.id=?", (rid,))
            self.assertEqual(rows, [("report", desc)], rid)
        tok = srv.token(acked_reports[-1][1])
        r = srv.request("GET", "/api/v1/reports/%d" % acked_reports[-1][0], token=tok)
        self.assertEqual(r.status, 200, r)

        # The audit chain verifies, and holds an entry for every acknowledged write.
        rc, out, err = cli(["audit", "verify", "--json"], srv.db, check=False)
        self.assertEqual(rc, 0, out + err)
        acks_audited = srv.sql("SELECT count(*) FROM audit WHERE action='warning.ack' AND "
                               "object=?", (str(wid),))[0][0]
        self.assertGreaterEqual(acks_audited, len(acked_notes))
        self.assertGreaterEqual(
            srv.sql("SELECT count(*) FROM audit WHERE action='report.create'")[0][0],
            len(acked_reports))
        # The server restarted on the database still takes writes.
        r = srv.request("POST", "/api/v1/warnings/%d/ack" % wid, {"status": "acting"},
                        token=srv.token("w-power"))
        self.assertEqual(r.status, 200, r)
        rc, out, err = cli(["audit", "verify"], srv.db, check=False)
        self.assertEqual(rc, 0, out + err)


if __name__ == "__main__":
    bwapi.main()
