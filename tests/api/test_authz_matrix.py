"""The authorisation matrix of the information-sharing network, over real HTTP.

Every route of `bulwark serve --routes` x every role x every TLP marking x own/other
organisation: the exact status of every call, and exactly which ids each caller sees in
every list, held against expected_*() functions below that restate docs/sharing.md (the
rule book) in Python. They are written from the rule book, not from the store's SQL
predicate, so a disagreement between the two shows up here as a failure naming the case.

The register is small enough to work out by hand (imported from CSV in setUpClass):

    organisations          sites (category, operator)           roles
    auth-a  authority      b1 energy.electricity op-b 47.100,9.500   resp-d at b1 (respond)
    auth-e  authority      b2 sport-event        op-b 47.102,9.502
    op-b    operator       c1 energy.electricity op-c 47.300,9.700
    op-c    operator       c2 hospital           op-c 47.301,9.701
    resp-d  responder

    users: a-adm (admin), a-ana (analyst), a-view (viewer) of auth-a; e-ana (analyst) of
    auth-e; b-op, b-op2 (operator), b-view (viewer), b-ass (assessor) of op-b; c-op
    (operator), c-view (viewer) of op-c; d-resp (responder) of resp-d.

Warnings (drafted by a-ana, national ones approved by a-adm) target a 1 km circle around
47.101,9.501. Worked out by hand: b1 (about 0.1 km away) and b2 (about 0.1 km) are inside,
c1 and c2 (about 27 km) are outside, so the recipients are op-b (reason area: it operates
them) and resp-d (reason role: it holds a role at b1); auth-a is the issuer and never its
own recipient; op-c, auth-e are not recipients. The RED warning names b-op and d-resp.

Reports are filed by b-op: each goes to op-b and to every authority organisation
(auth-a, auth-e); the RED one names a-ana. Notes are written by c-op; the AMBER one is
about site c1 and shared with resp-d, which therefore also sees c1; the AMBER+STRICT one
is shared with op-b; the RED one names d-resp.

Run: python3 tests/api/test_authz_matrix.py build/src/cli/bulwark
"""

import http.client
import json
import os
import re
import socket
import tempfile
import time
import unittest

import bwapi
from bwapi import cli

TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
AUTHORITY_ROLES = ("admin", "analyst")

ORGS_CSV = """id,name,type,contact_name,contact_phone
auth-a,Authority A,authority,Duty A,+1 555 0100
auth-e,Authority E,authority,Duty E,+1 555 0105
op-b,Operator B,operator,Duty B,+1 555 0101
op-c,Operator C,operator,Duty C,+1 555 0102
resp-d,Responder D,responder,Duty D,+1 555 0103
"""
SITES_CSV = """id,name,category,lat,lon,operator
b1,B plant,energy.electricity,47.100,9.500,op-b
b2,B stadium,sport-event,47.102,9.502,op-b
c1,C plant,energy.electricity,47.300,9.700,op-c
c2,C hospital,hospital,47.301,9.701,op-c
"""
ROLES_CSV = """org,site,phase
resp-d,b1,respond
"""
ORG_TYPE = {"auth-a": "authority", "auth-e": "authority", "op-b": "operator",
            "op-c": "operator", "resp-d": "responder"}
SITES = {"b1": "op-b", "b2": "op-b", "c1": "op-c", "c2": "op-c"}
ROLE_AT = {"resp-d": {"b1"}}

USERS = {  # name: (org, role)
    "a-adm": ("auth-a", "admin"),
    "a-ana": ("auth-a", "analyst"),
    "a-view": ("auth-a", "viewer"),
    "e-ana": ("auth-e", "analyst"),
    "b-op": ("op-b", "operator"),
    "b-op2": ("op-b", "operator"),
    "b-view": ("op-b", "viewer"),
    "b-ass": ("op-b", "assessor"),
    "c-op": ("op-c", "operator"),
    "c-view": ("op-c", "viewer"),
    "d-resp": ("resp-d", "responder"),
}
AREA = {"description": "B's quarter", "circles": [{"lat": 47.101, "lon": 9.501, "radius_km": 1}]}
# Worked out by hand above: the organisations a warning to AREA reaches.
AREA_RECIPIENTS = {"op-b": "area", "resp-d": "role"}


def warning_doc(tlp, national=True, users=(), orgs=(), event=None):
    d = {"tlp": tlp, "national": national, "event": event or ("Threat, " + tlp),
         "headline": "Test warning " + tlp, "urgency": "Expected", "severity": "Severe",
         "certainty": "Likely", "area": AREA, "ack_minutes": 30}
    if users:
        d["users"] = list(users)
    if orgs:
        d["orgs"] = list(orgs)
    return d


# ---- the rule book, restated (docs/sharing.md) -----------------------------------------

def expected_visible(role, org, user, item):
    """May (role, org, user) read @item? TLP 2.0 as the rule book's table says: CLEAR and
    GREEN everyone once published; AMBER and AMBER+STRICT the organisations of the
    distribution; RED the named users only. The author's organisation always reads its own
    items (drafts included) except RED ones, which only the author and the named users
    read. Roles do not matter for reading: the authority is not exempt."""
    del role  # reading never depends on the role (rule book: "not exempt")
    if item["tlp"] == "RED":
        named = user == item["author"] or user in item["users"]
        # A draft is for the author's organisation only, RED or not.
        return named and (item["published"] or org == item["org"])
    if org == item["org"]:
        return True
    if not item["published"]:
        return False
    if item["tlp"] in ("CLEAR", "GREEN"):
        return True
    return org in item["orgs"]


def expected_sites(role, org, user, notes):
    """The sites the caller may see: the authority's roles all of them; a responder the
    ones its organisation operates or holds a role at; operator, assessor and viewer the
    ones its organisation operates (docs/api.md); plus every site a note it may read is
    about (docs/sharing.md, "Sites follow ...")."""
    if role in AUTHORITY_ROLES:
        return set(SITES)
    seen = {s for s, op in SITES.items() if op == org}
    if role == "responder":
        seen |= ROLE_AT.get(org, set())
    for n in notes:
        # A note about a site that the caller may read was shared with it (TLP decides).
        if n["site"] and expected_visible(role, org, user, n):
            seen.add(n["site"])
    return seen


# An item the caller may not read "answers 404, exactly like one that does not exist"
# (rule book): ABSENT stands for "the very answer an id that does not exist gets", which the
# tests fetch and compare, status and message. A role that may never take a step may be
# told so (403) before any lookup, as long as an absent id gets the same 403.
ABSENT = "absent"
ABSENT_ID = 987654321


def expected_step(action, role, org, user, w):
    """Status of a life-cycle step (edit, approve, issue, update, cancel) on warning @w:
    ABSENT when the caller may not read it (its existence is information too); 403 when
    the role may not take steps (only admin and analyst draft, approve, issue, update and
    cancel); 403 when a national warning's drafter approves it (the second-person rule is
    about who acts, like the role: routes_share.c maps "who" to 403, state to 409); 409
    when the state does not allow the step; 200 otherwise."""
    if not expected_visible(role, org, user, w):
        return ABSENT
    if role not in AUTHORITY_ROLES:
        return 403
    if org != w["org"]:
        return 403  # another authority reads the warning but does not act on it
    st = w["status"]
    if action == "edit":
        return 200 if st in ("draft", "approved") else 409
    if action == "approve":
        if st != "draft":
            return 409
        return 403 if user == w["author"] else 200
    if action == "issue":
        return 200 if st == "approved" or (st == "draft" and not w["national"]) else 409
    if action == "update":
        return 200 if st == "issued" else 409
    if action == "cancel":
        return 200 if st in ("draft", "approved", "issued") else 409
    raise ValueError(action)


def expected_ack(role, org, user, w):
    """Each recipient organisation acknowledges an issued warning; viewers and assessors
    read but do not acknowledge. ABSENT when unreadable; 403 for viewers and assessors;
    409 when it is not issued (its state does not allow it); 403 for an organisation that
    is not a recipient (who may act, like the role); 200 otherwise."""
    if role in ("viewer", "assessor"):
        return 403 if expected_visible(role, org, user, w) else ABSENT
    if not expected_visible(role, org, user, w):
        return ABSENT
    if w["status"] != "issued":
        return 409
    return 200 if org in w["recipients"] else 403


def expected_recipients(org, user, w):
    """The recipients list: who else received a warning is the author's organisation's to
    know; any other reader sees only its own organisation's and its own user's rows."""
    rows = set(w["recipient_rows"])
    if org == w["org"]:
        return rows
    return {(o, u, r) for (o, u, r) in rows if o == org or u == user}


def expected_triage(role, org, user, rep):
    """Only the authority's roles triage, reports they may read."""
    if not expected_visible(role, org, user, rep):
        return ABSENT
    return 200 if role in AUTHORITY_ROLES else 403


def expected_share(role, org, user, item):
    """POST /items/{id}/share: a recipient organisation may add clients to AMBER items;
    AMBER+STRICT only the author's organisation extends (another is refused with 403: who
    may act); CLEAR and GREEN are already everyone's and RED is for named users only
    (both refused with 400: nothing to share)."""
    if not expected_visible(role, org, user, item):
        return ABSENT
    if item["tlp"] in ("CLEAR", "GREEN", "RED"):
        return 400
    if item["tlp"] == "AMBER+STRICT" and org != item["org"]:
        return 403
    return 200


# ---- the fixture -----------------------------------------------------------------------

class MatrixServer(bwapi.Server):
    """bwapi.Server on the small hand-checked register instead of the demo."""

    def __init__(self):  # pylint: disable=super-init-not-called
        self.dir = tempfile.mkdtemp(prefix="bwmatrix-")
        self.db = os.path.join(self.dir, "m.db")
        self.log = os.path.join(self.dir, "access.log")
        cli(["init"], self.db)
        for kind, text in (("orgs", ORGS_CSV), ("sites", SITES_CSV), ("roles", ROLES_CSV)):
            path = os.path.join(self.dir, kind + ".csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            cli(["import", kind, path], self.db)
        for name, (org, role) in USERS.items():
            cli(["user", "add", name, "--org", org, "--role", role], self.db,
                stdin=bwapi.PASSWORD + "\n")
        # Webhooks for the recipients, so that issuing queues deliveries. Nothing listens
        # on port 9: the deliveries fail and end dead, but their rows stay.
        for org in ("op-b", "resp-d", "auth-e"):
            cli(["warning", "endpoint", org, "https://127.0.0.1:9/hook", "s3cret-" + org],
                self.db)
        self.threads = 4
        self.proc = None
        self.stderr = ""
        self.start()


class Client:
    """One keep-alive connection (the matrix makes thousands of requests)."""

    def __init__(self, srv):
        self.srv = srv
        self.conn = None

    def request(self, method, path, body=None, token=None, ctype="application/json"):
        h = {}
        if token:
            h["Authorization"] = "Bearer " + token
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            h["Content-Type"] = ctype
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read().decode("utf-8", "replace")
                resp = bwapi.Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                                      data)
                if resp.headers.get("connection", "").lower() == "close":
                    self.close()
                return resp
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class MatrixTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.srv = MatrixServer()
        cls.c = Client(cls.srv)
        cls.tok = {u: cls.srv.token(u) for u in USERS}
        cls.items = {}   # id -> item description (the rule book's view of it)
        cls.absent_cache = {}
        cls.build_items()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.srv.close()

    # -- building items through the API, as their authors -------------------------------

    @classmethod
    def call(cls, user, method, path, body=None, want=None):
        r = cls.c.request(method, path, body, cls.tok[user] if user else None)
        if want is not None and r.status != want:
            raise AssertionError("%s %s %s as %s: want %d, got %r" % (
                method, path, json.dumps(body)[:200] if body else "", user, want, r))
        return r

    @classmethod
    def new_warning(cls, tlp, status, national=None, author="a-ana"):
        """A warning of @tlp brought to @status (draft, approved, issued, cancelled), drafted
        by @author and approved by a second person of auth-a."""
        approver = "a-ana" if author == "a-adm" else "a-adm"
        if national is None:
            national = tlp != "RED"  # a RED warning is local: nobody else could approve it
        users = ("b-op", "d-resp") if tlp == "RED" else ()
        orgs = ("auth-e",) if tlp == "AMBER" else ()  # an AMBER warning also names auth-e
        doc = warning_doc(tlp, national, users=users, orgs=orgs)
        wid = cls.call(author, "POST", "/api/v1/warnings", doc, 201).json()["id"]
        w = {"id": wid, "kind": "warning", "tlp": tlp, "org": USERS[author][0],
             "author": author, "users": set(users), "orgs": set(), "published": False,
             "status": "draft", "national": national, "recipients": {},
             "named_orgs": set(orgs),
             # While a draft, the named organisations and users are its recipients.
             "recipient_rows": {(None, u, "named") for u in users} |
                               {(o, None, "named") for o in orgs}}
        if status in ("approved", "issued", "cancelled") and national:
            cls.call(approver, "POST", "/api/v1/warnings/%d/approve" % wid, None, 200)
            w["status"] = "approved"
        if status in ("issued", "cancelled"):
            r = cls.call(author, "POST", "/api/v1/warnings/%d/issue" % wid, None, 200).json()
            w["status"] = "issued"
            w["published"] = True
            # The distribution: the organisations resolved from the area (worked out by
            # hand in the module comment) and the named users.
            cls.published(w)
            assert r["recipients"] == len(w["recipient_rows"]), r
        if status == "cancelled":
            cls.call(author, "POST", "/api/v1/warnings/%d/cancel" % wid, None, 200)
            w["status"] = "cancelled"
        # Every item made is known, so that every list can be checked exactly.
        cls.items[wid] = w
        return w

    @staticmethod
    def published(w):
        """Issued: the distribution is the organisations resolved from the area (worked
        out by hand in the module comment), the named organisations and the named users;
        each keeps its first reason."""
        w["published"] = True
        w["recipients"] = dict(AREA_RECIPIENTS)
        for o in w["named_orgs"]:
            w["recipients"].setdefault(o, "named")
        w["orgs"] = set(w["recipients"])
        w["recipient_rows"] = {(o, None, why) for o, why in w["recipients"].items()}
        w["recipient_rows"] |= {(None, u, "named") for u in w["users"]}

    @staticmethod
    def after_step(w, action):
        """The rule book's life cycle: the state @w is in after @action succeeded."""
        if action == "edit":
            w["status"] = "draft"
        elif action == "approve":
            w["status"] = "approved"
        elif action in ("issue", "update"):
            w["status"] = "issued"
            w["published"] = True
            MatrixTest.published(w)
        elif action == "cancel":
            w["status"] = "cancelled"

    @classmethod
    def build_items(cls):
        # Warnings of every marking in every state, by auth-a.
        for tlp in TLPS:
            for status in ("draft", "approved", "issued", "cancelled"):
                if tlp == "RED" and status == "approved":
                    continue  # a local warning is issued from draft
                cls.new_warning(tlp, status)
        # Reports by b-op: to op-b and every authority organisation (+ named).
        for tlp in TLPS:
            body = {"type": "hostile-reconnaissance", "tlp": tlp, "lat": 47.1, "lon": 9.5,
                    "occurred": "2026-11-30T10:00:00Z", "description": "Report " + tlp}
            users = {"a-ana"} if tlp == "RED" else set()
            if users:
                body["users"] = sorted(users)
            rid = cls.call("b-op", "POST", "/api/v1/reports", body, 201).json()["id"]
            cls.items[rid] = {"id": rid, "kind": "report", "tlp": tlp, "org": "op-b",
                              "author": "b-op", "users": users,
                              "orgs": {"op-b", "auth-a", "auth-e"}, "published": True,
                              "site": None}
        # Notes by c-op.
        specs = {"CLEAR": (None, (), ()), "GREEN": (None, (), ()),
                 "AMBER": ("c1", ("resp-d",), ()), "AMBER+STRICT": (None, ("op-b",), ()),
                 "RED": (None, (), ("d-resp",))}
        for tlp, (site, orgs, users) in specs.items():
            body = {"tlp": tlp, "title": "Note " + tlp, "body": "About " + tlp}
            if site:
                body["site"] = site
            if orgs:
                body["orgs"] = list(orgs)
            if users:
                body["users"] = list(users)
            nid = cls.call("c-op", "POST", "/api/v1/notes", body, 201).json()["id"]
            cls.items[nid] = {"id": nid, "kind": "note", "tlp": tlp, "org": "op-c",
                              "author": "c-op", "users": set(users),
                              "orgs": set(orgs) | {"op-c"}, "published": True, "site": site}

    # -- helpers -------------------------------------------------------------------------

    def of_kind(self, kind):
        return {i: it for i, it in self.items.items() if it["kind"] == kind}

    def expect_ids(self, user, kind, listing):
        org, role = USERS[user]
        return sorted(i for i, it in self.of_kind(kind).items()
                      if expected_visible(role, org, user, it))

    def absent(self, method, fmt, user, body=None):
        """The answer to @method @fmt for an id that does not exist, as @user."""
        key = (method, fmt, user)
        if key not in self.absent_cache:
            self.absent_cache[key] = self.call(user, method, fmt % ABSENT_ID, body)
        return self.absent_cache[key]

    def check_absent(self, failures, case, r, method, fmt, user, iid, body=None):
        """The answer @r for item @iid must be exactly the one an absent id gets."""
        a = self.absent(method, fmt, user, body)
        if a.status not in (403, 404):
            failures.append("%s: an absent id gets %d" % (case, a.status))
        strip = lambda resp, i: re.sub(r"\b%d\b" % i, "N", resp.body)
        if r.status != a.status or strip(r, iid) != strip(a, ABSENT_ID):
            failures.append("%s: tells an unreadable item from an absent one: %d %s vs %d %s"
                            % (case, r.status, r.body[:160], a.status, a.body[:160]))
            return False
        return True

    def check(self, failures, case, want, r, field=None):
        if r.status != want:
            failures.append("%s: want %d, got %d %s" % (case, want, r.status, r.body[:200]))
            return False
        if r.status >= 400:
            e = r.json().get("error", {})
            if e.get("status") != r.status or not e.get("message"):
                failures.append("%s: error body without status/message: %s" % (case, r.body))
            if field and e.get("field") != field:
                failures.append("%s: error names field %r, want %r" % (case, e.get("field"),
                                                                        field))
        return True

    def report(self, failures):
        if failures:
            self.fail("%d cases disagree with the rule book:\n  %s" % (
                len(failures), "\n  ".join(failures[:60])))

    # -- the matrix ----------------------------------------------------------------------

    def test_every_route_is_in_the_matrix(self):
        """A new route must come with its rows in this matrix."""
        _, out, _ = cli(["serve", "--routes"], self.srv.db)
        routes = {tuple(line.split(" ", 1)) for line in out.splitlines()}
        covered = {
            ("GET", "/healthz"), ("GET", "/api/v1/openapi.json"), ("POST", "/api/v1/login"),
            ("POST", "/api/v1/logout"), ("GET", "/api/v1/me"), ("GET", "/api/v1/sites"),
            ("GET", "/api/v1/sites/{id}"), ("GET", "/api/v1/orgs"),
            ("POST", "/api/v1/cap/import"),
            ("GET", "/api/v1/warnings"), ("POST", "/api/v1/warnings"),
            ("GET", "/api/v1/warnings/{id}"), ("PUT", "/api/v1/warnings/{id}"),
            ("POST", "/api/v1/warnings/{id}/approve"), ("POST", "/api/v1/warnings/{id}/issue"),
            ("POST", "/api/v1/warnings/{id}/update"), ("POST", "/api/v1/warnings/{id}/cancel"),
            ("GET", "/api/v1/warnings/{id}/cap"), ("GET", "/api/v1/warnings/{id}/recipients"),
            ("GET", "/api/v1/warnings/{id}/acks"), ("POST", "/api/v1/warnings/{id}/ack"),
            ("GET", "/api/v1/reports"), ("POST", "/api/v1/reports"),
            ("GET", "/api/v1/reports/{id}"), ("POST", "/api/v1/reports/{id}/triage"),
            ("GET", "/api/v1/notes"), ("POST", "/api/v1/notes"), ("GET", "/api/v1/notes/{id}"),
            ("POST", "/api/v1/items/{id}/share"), ("GET", "/cap/feed.atom"),
            ("GET", "/cap/warnings/{id}"), ("GET", "/.well-known/bulwark/cap-signing-key"),
            ("GET", "/api/v1/events"), ("GET", "/api/v1/deliveries"),
        }
        self.assertEqual(routes - covered, set(), "routes without rows in the matrix")

    def test_token_needed_everywhere_but_public(self):
        """Every route marked in the OpenAPI document as needing a token answers 401
        without one; the public ones answer without."""
        public = {"/healthz", "/api/v1/openapi.json", "/api/v1/login", "/cap/feed.atom",
                  "/cap/warnings/{id}", "/.well-known/bulwark/cap-signing-key"}
        _, out, _ = cli(["serve", "--routes"], self.srv.db)
        failures = []
        wid = min(self.of_kind("warning"))
        for line in out.splitlines():
            method, path = line.split(" ", 1)
            if path in public or path == "/api/v1/events":
                continue
            p = path.replace("{id}", str(wid))
            r = self.c.request(method, p, {} if method in ("POST", "PUT") else None)
            if self.check(failures, "%s %s without a token" % (method, path), 401, r):
                if "Bearer" not in r.headers.get("www-authenticate", ""):
                    failures.append("%s %s: 401 without WWW-Authenticate" % (method, path))
        self.report(failures)

    def test_lists(self):
        """GET /warnings, /reports, /notes: exactly the ids the rule book allows, and
        ?status= filters within them."""
        failures = []
        for user, (org, role) in USERS.items():
            for kind, path, key in (("warning", "/api/v1/warnings", "warnings"),
                                    ("report", "/api/v1/reports", "reports"),
                                    ("note", "/api/v1/notes", "notes")):
                r = self.call(user, "GET", path)
                if not self.check(failures, "GET %s as %s" % (path, user), 200, r):
                    continue
                got = sorted(x["id"] for x in r.json()[key])
                want = self.expect_ids(user, kind, key)
                if got != want:
                    failures.append("GET %s as %s (%s of %s): want %s, got %s" % (
                        path, user, role, org, want, got))
                if r.json()["count"] != len(got):
                    failures.append("GET %s as %s: count %d for %d items" % (
                        path, user, r.json()["count"], len(got)))
            for st in ("draft", "approved", "issued", "cancelled"):
                r = self.call(user, "GET", "/api/v1/warnings?status=" + st)
                got = sorted(x["id"] for x in r.json()["warnings"])
                want = [i for i in self.expect_ids(user, "warning", None)
                        if self.items[i]["status"] == st]
                if got != want:
                    failures.append("GET /warnings?status=%s as %s: want %s, got %s" % (
                        st, user, want, got))
        self.report(failures)

    def test_item_reads(self):
        """GET of one item under each kind's path: 200 exactly when the rule book lets the
        caller read it and the kind matches; otherwise 404 with the same message as an id
        that does not exist (no way to tell 'forbidden' from 'absent')."""
        failures = []
        paths = {"warning": "/api/v1/warnings/%d", "report": "/api/v1/reports/%d",
                 "note": "/api/v1/notes/%d"}
        absent = max(self.items) + 1000
        for user, (org, role) in USERS.items():
            for iid, it in self.items.items():
                for kind, fmt in paths.items():
                    want = 200 if kind == it["kind"] and expected_visible(role, org, user, it) \
                        else 404
                    case = "GET %s as %s (%s %s %s by %s)" % (fmt % iid, user, it["tlp"],
                                                             it["kind"], it.get("status", ""),
                                                             it["org"])
                    r = self.call(user, "GET", fmt % iid)
                    if not self.check(failures, case, want, r):
                        continue
                    if want == 404:
                        gone = self.call(user, "GET", fmt % absent)
                        a = re.sub(r"\b%d\b" % iid, "N", r.json()["error"]["message"])
                        b = re.sub(r"\b%d\b" % absent, "N", gone.json()["error"]["message"])
                        if a != b:
                            failures.append("%s: 404 message %r differs from an absent id's "
                                            "%r" % (case, a, b))
                        continue
                    j = r.json()
                    if j["id"] != iid or j["tlp"] != it["tlp"]:
                        failures.append("%s: body %s" % (case, r.body[:200]))
                    if kind == "warning":
                        self.check_warning_body(failures, case, user, it, j)
        self.report(failures)

    def check_warning_body(self, failures, case, user, w, j):
        """Counts of recipients and acknowledgements are the author organisation's; the
        document a recipient reads names no other recipient."""
        org = USERS[user][0]
        if org != w["org"]:
            for k in ("recipients", "acknowledged", "overdue"):
                if j.get(k) is not None:
                    failures.append("%s: '%s' = %r shown to a non-author" % (case, k, j[k]))
            doc = j.get("document") or {}
            others = set(doc.get("orgs", []))
            if w["tlp"] != "RED":  # RED: the CAP message itself addresses the named users
                others |= set(doc.get("users", []))
            others -= {org, user}
            if others:
                failures.append("%s: the document names other recipients %s" % (
                    case, sorted(others)))
        elif w["status"] in ("issued", "cancelled") and j.get("recipients") != len(
                [r for r in w["recipient_rows"] if r[0]]):
            failures.append("%s: recipients %r, want %d organisations" % (
                case, j.get("recipients"), len([r for r in w["recipient_rows"] if r[0]])))

    def test_recipients_acks_and_cap(self):
        """GET recipients / acks / cap of every warning as every user."""
        failures = []
        for user, (org, role) in USERS.items():
            for wid, w in self.of_kind("warning").items():
                vis = expected_visible(role, org, user, w)
                tag = "as %s (%s %s %s)" % (user, w["tlp"], w["status"], w["org"])
                r = self.call(user, "GET", "/api/v1/warnings/%d/recipients" % wid)
                if self.check(failures, "recipients of %d %s" % (wid, tag), 200 if vis else 404,
                              r) and vis:
                    got = {(x["org"], x["user"], x["reason"]) for x in r.json()["recipients"]}
                    want = expected_recipients(org, user, w)
                    if got != want:
                        failures.append("recipients of %d %s: want %s, got %s" % (
                            wid, tag, sorted(want, key=str), sorted(got, key=str)))
                r = self.call(user, "GET", "/api/v1/warnings/%d/acks" % wid)
                if self.check(failures, "acks of %d %s" % (wid, tag), 200 if vis else 404,
                              r) and vis:
                    # One row per recipient organisation, acknowledged or not.
                    orgs = {o for (o, _, _) in w["recipient_rows"] if o}
                    got = {x["org"] for x in r.json()["acks"]}
                    want = orgs if org == w["org"] else orgs & {org}
                    if got != want:
                        failures.append("acks of %d %s: want %s, got %s" % (
                            wid, tag, sorted(want), sorted(got)))
                # A CAP message exists once the warning was issued.
                has_cap = w["published"]
                r = self.call(user, "GET", "/api/v1/warnings/%d/cap" % wid)
                if self.check(failures, "cap of %d %s" % (wid, tag),
                              200 if vis and has_cap else 404, r) and vis and has_cap:
                    if "<alert" not in r.body or "TLP:%s" % w["tlp"] not in r.body:
                        failures.append("cap of %d %s: not its CAP alert" % (wid, tag))
                    for other in set(USERS) - {user} - w["users"] - {w["author"]}:
                        if re.search(r"\b%s\b" % re.escape(other), r.body):
                            failures.append("cap of %d %s names user %s" % (wid, tag, other))
        self.report(failures)

    def test_public_feed_and_caps(self):
        """Without a token: the feed lists exactly the issued CLEAR warnings; the public CAP
        of anything else is 404, the same 404 as an id that does not exist."""
        failures = []
        public = sorted(i for i, w in self.of_kind("warning").items()
                        if w["tlp"] == "CLEAR" and w["published"])
        r = self.c.request("GET", "/cap/feed.atom")
        self.assertEqual(r.status, 200, r)
        got = sorted(int(m) for m in re.findall(r"/cap/warnings/(\d+)", r.body))
        self.assertEqual(sorted(set(got)), public)
        for tlp in TLPS[1:]:
            self.assertNotIn("Threat, " + tlp, r.body)
        for iid, it in self.items.items():
            want = 200 if iid in public else 404
            r = self.c.request("GET", "/cap/warnings/%d" % iid)
            self.check(failures, "public CAP of %d (%s %s)" % (iid, it["tlp"], it["kind"]),
                       want, r)
            if want == 404 and "%d" % iid in r.body:
                gone = self.c.request("GET", "/cap/warnings/%d" % (max(self.items) + 7))
                if re.sub(r"\b%d\b" % iid, "N", r.body) != re.sub(
                        r"\b%d\b" % (max(self.items) + 7), "N", gone.body):
                    failures.append("public CAP of %d: its 404 differs from an absent one" %
                                    iid)
        r = self.c.request("GET", "/.well-known/bulwark/cap-signing-key")
        self.assertEqual(r.status, 200)
        self.assertRegex(r.body, r"^([^\n]* )?[A-Za-z0-9+/]{43}=\n$")
        self.report(failures)

    def test_sites_and_orgs(self):
        """GET /sites and /sites/{id}: the register's rule plus sites seen through notes;
        an invisible site is the same 404 as an absent one. GET /orgs: every organisation
        to every account (the directory is not secret)."""
        failures = []
        notes = list(self.of_kind("note").values())
        for user, (org, role) in USERS.items():
            want = expected_sites(role, org, user, notes)
            r = self.call(user, "GET", "/api/v1/sites")
            got = {s["id"] for s in r.json()["sites"]}
            if got != want or r.json()["count"] != len(got):
                failures.append("GET /sites as %s (%s of %s): want %s, got %s" % (
                    user, role, org, sorted(want), sorted(got)))
            for sid in SITES:
                r = self.call(user, "GET", "/api/v1/sites/" + sid)
                self.check(failures, "GET /sites/%s as %s (%s of %s)" % (sid, user, role, org),
                           200 if sid in want else 404, r)
                if r.status == 404:
                    a = r.json()["error"]["message"].replace(sid, "X")
                    b = self.call(user, "GET", "/api/v1/sites/zz").json()["error"][
                        "message"].replace("zz", "X")
                    if a != b:
                        failures.append("site %s as %s: 404 %r differs from absent %r" % (
                            sid, user, a, b))
            r = self.call(user, "GET", "/api/v1/orgs")
            if {o["id"] for o in r.json()["orgs"]} != set(ORG_TYPE):
                failures.append("GET /orgs as %s: %s" % (user, r.body[:200]))
            me = self.call(user, "GET", "/api/v1/me").json()
            if (me["user"], me["org"], me["role"]) != (user, org, role):
                failures.append("GET /me as %s: %s" % (user, me))
        self.report(failures)

    def test_life_cycle_steps(self):
        """PUT / approve / issue / update / cancel of every warning as every user. Calls
        the rule book refuses are made on the shared warnings (and must change nothing);
        calls it allows are made on a fresh warning of the same marking and state, so the
        matrix does not disturb itself."""
        failures = []
        paths = {"edit": ("PUT", "/api/v1/warnings/%d"),
                 "approve": ("POST", "/api/v1/warnings/%d/approve"),
                 "issue": ("POST", "/api/v1/warnings/%d/issue"),
                 "update": ("POST", "/api/v1/warnings/%d/update"),
                 "cancel": ("POST", "/api/v1/warnings/%d/cancel")}
        before = self.srv.sql("SELECT item, status, version FROM warning ORDER BY item")
        shared = sorted(self.of_kind("warning").items())
        for user, (org, role) in USERS.items():
            for wid, w in shared:
                for action, (method, fmt) in paths.items():
                    want = expected_step(action, role, org, user, w)
                    target = w
                    if want == 200:
                        target = self.new_warning(w["tlp"], w["status"], w["national"],
                                                  author=w["author"])
                    body = None
                    if action in ("edit", "update"):
                        body = warning_doc(w["tlp"], w["national"], users=sorted(w["users"]),
                                           orgs=sorted(w["named_orgs"]),
                                           event="Edited " + w["tlp"])
                    r = self.call(user, method, fmt % target["id"], body)
                    case = "%s of %s %s warning %d as %s (%s of %s)" % (
                        action, w["tlp"], w["status"], target["id"], user, role, org)
                    if want == ABSENT:
                        self.check_absent(failures, case, r, method, fmt, user, target["id"],
                                          body)
                    elif self.check(failures, case, want, r) and want == 200:
                        self.after_step(target, action)
        after = self.srv.sql("SELECT item, status, version FROM warning WHERE item IN (%s) "
                             "ORDER BY item" % ",".join(str(i) for i, _, _ in before))
        if before != after:
            failures.append("refused steps changed the shared warnings: %s -> %s" % (
                before, after))
        self.report(failures)

    def test_draft_needs_authority(self):
        failures = []
        for user, (org, role) in USERS.items():
            r = self.call(user, "POST", "/api/v1/warnings", warning_doc("GREEN"))
            self.check(failures, "draft as %s (%s)" % (user, role),
                       201 if role in AUTHORITY_ROLES else 403, r,
                       None if role in AUTHORITY_ROLES else "role")
            if r.status == 201:
                self.items[r.json()["id"]] = {
                    "id": r.json()["id"], "kind": "warning", "tlp": "GREEN", "org": org,
                    "author": user, "users": set(), "orgs": set(), "published": False,
                    "named_orgs": set(),
                    "status": "draft", "national": True, "recipients": {},
                    "recipient_rows": set()}
                w = self.call(user, "GET", "/api/v1/warnings/%d" % r.json()["id"]).json()
                if w["org"] != org or w["status"] != "draft":
                    failures.append("draft as %s: %s" % (user, w))
                # Drafts are the author organisation's only.
                for other, (oorg, orole) in USERS.items():
                    s = self.call(other, "GET", "/api/v1/warnings/%d" % r.json()["id"]).status
                    if s != (200 if oorg == org else 404):
                        failures.append("draft of %s read by %s: %d" % (user, other, s))
        self.report(failures)

    def test_acknowledgements(self):
        """POST ack of every warning as every user; acks accepted are listed to the author
        organisation and to the acknowledging one only."""
        failures = []
        for user, (org, role) in USERS.items():
            for wid, w in sorted(self.of_kind("warning").items()):
                want = expected_ack(role, org, user, w)
                body = {"status": "received", "note": "by " + user}
                r = self.call(user, "POST", "/api/v1/warnings/%d/ack" % wid, body)
                case = "ack of %s %s warning %d as %s (%s of %s)" % (
                    w["tlp"], w["status"], wid, user, role, org)
                if want == ABSENT:
                    self.check_absent(failures, case, r, "POST", "/api/v1/warnings/%d/ack",
                                      user, wid, body)
                else:
                    self.check(failures, case, want, r)
        # What was stored: one row per (warning, org) of an accepted ack, no other.
        stored = {(w, o) for w, o in self.srv.sql("SELECT warning, org FROM ack")}
        want = {(wid, org) for wid, w in self.of_kind("warning").items()
                for user, (org, role) in USERS.items() if expected_ack(role, org, user, w) == 200}
        self.assertEqual(stored & {(i, o) for i in self.items for o in ORG_TYPE}, want)
        self.report(failures)

    def test_reports_and_triage(self):
        failures = []
        for user, (org, role) in USERS.items():
            r = self.call(user, "POST", "/api/v1/reports",
                          {"type": "other", "tlp": "AMBER", "lat": 47.3, "lon": 9.7,
                           "occurred": "2026-11-30T11:00:00Z", "description": "by " + user})
            may = role in AUTHORITY_ROLES or role in ("operator", "responder")
            self.check(failures, "file a report as %s (%s)" % (user, role),
                       201 if may else 403, r, None if may else "role")
            if r.status == 201:
                rid = r.json()["id"]
                self.items[rid] = {"id": rid, "kind": "report", "tlp": "AMBER", "org": org,
                                   "author": user, "users": set(),
                                   "orgs": {org, "auth-a", "auth-e"}, "published": True,
                                   "site": None}
                for other, (oorg, orole) in USERS.items():
                    want = 200 if expected_visible(orole, oorg, other, self.items[rid]) else 404
                    s = self.call(other, "GET", "/api/v1/reports/%d" % rid).status
                    if s != want:
                        failures.append("report of %s read by %s: want %d, got %d" % (
                            user, other, want, s))
            for rid, rep in sorted(self.of_kind("report").items()):
                want = expected_triage(role, org, user, rep)
                r = self.call(user, "POST", "/api/v1/reports/%d/triage" % rid,
                              {"triage": "triaged"})
                case = "triage of %s report %d as %s (%s of %s)" % (rep["tlp"], rid, user,
                                                                   role, org)
                if want == ABSENT:
                    self.check_absent(failures, case, r, "POST", "/api/v1/reports/%d/triage",
                                      user, rid, {"triage": "triaged"})
                else:
                    self.check(failures, case, want, r)
        self.report(failures)

    def test_notes_writes(self):
        """Authority, operators and responders write notes, the last two only about sites
        they may see; a site they may not see is refused exactly like one that does not
        exist. Viewers and assessors write none."""
        failures = []
        notes = list(self.of_kind("note").values())
        for user, (org, role) in USERS.items():
            seen = expected_sites(role, org, user, notes)
            absent = self.call(user, "POST", "/api/v1/notes",
                               {"tlp": "GREEN", "title": "t", "body": "b", "site": "nowhere"})
            for sid in sorted(SITES) + [None]:
                body = {"tlp": "AMBER", "title": "by " + user, "body": "b"}
                if sid:
                    body["site"] = sid
                if role in ("viewer", "assessor"):
                    want = 403
                    sid_absent = False
                elif sid is None or role in AUTHORITY_ROLES or sid in seen:
                    want = 201
                else:
                    want = absent.status
                r = self.call(user, "POST", "/api/v1/notes", body)
                case = "note about %s as %s (%s of %s)" % (sid, user, role, org)
                self.check(failures, case, want, r)
                if r.status == 201:
                    self.items[r.json()["id"]] = {
                        "id": r.json()["id"], "kind": "note", "tlp": "AMBER", "org": org,
                        "author": user, "users": set(), "orgs": {org}, "published": True,
                        "site": sid}
                if sid and want == absent.status and want != 201 and r.status == want:
                    a = r.json()["error"]["message"].replace(sid, "X")
                    b = absent.json()["error"]["message"].replace("nowhere", "X")
                    if a != b:
                        failures.append("%s: %r tells an invisible site from an absent one "
                                        "(%r)" % (case, a, b))
        self.report(failures)

    def test_share(self):
        """POST /items/{id}/share of every published item as every user, adding op-c: the
        AMBER rules. An accepted share is checked (op-c's viewer then reads the item) and
        undone in the database, so every case starts from the items as built."""
        failures = []
        last = self.srv.sql("SELECT max(rowid) FROM item_recipient")[0][0]
        for user, (org, role) in USERS.items():
            for iid, it in sorted(self.items.items()):
                if it["kind"] == "warning" and not it["published"]:
                    continue  # drafts: covered by the visibility of drafts
                want = expected_share(role, org, user, it)
                r = self.call(user, "POST", "/api/v1/items/%d/share" % iid, {"orgs": ["op-c"]})
                case = "share %s %s %d as %s (%s of %s)" % (it["tlp"], it["kind"], iid, user,
                                                             role, org)
                if want == ABSENT:
                    self.check_absent(failures, case, r, "POST", "/api/v1/items/%d/share", user,
                                      iid, {"orgs": ["op-c"]})
                else:
                    self.check(failures, case, want, r)
                if r.status == 200:
                    # op-c now reads it: the client was added.
                    c = self.call("c-view", "GET", "/api/v1/%ss/%d" % (it["kind"], iid))
                    if c.status != 200:
                        failures.append("%s: op-c still cannot read it (%d)" % (case, c.status))
                    # Undo, so later cases see the original distribution.
                    self.srv.sql("DELETE FROM item_recipient WHERE rowid > ?", (last,))
        self.report(failures)

    def test_deliveries(self):
        """GET /api/v1/deliveries is the authority's (docs/delivery.md), and like every
        read it is subject to the TLP rule: who received a warning is its author
        organisation's to know, so a caller sees the deliveries of the warnings its own
        organisation issued and may read, never a secret."""
        failures = []
        rows = self.srv.sql("SELECT id, warning FROM delivery")
        self.assertTrue(rows, "the fixture queued no delivery")
        for user, (org, role) in USERS.items():
            r = self.call(user, "GET", "/api/v1/deliveries")
            if role not in AUTHORITY_ROLES:
                self.check(failures, "deliveries as %s (%s)" % (user, role), 403, r, "role")
                continue
            if not self.check(failures, "deliveries as %s (%s)" % (user, role), 200, r):
                continue
            got = sorted(d["id"] for d in r.json()["deliveries"])
            want = sorted(i for i, w in rows if w in self.items and
                          self.items[w]["org"] == org and
                          expected_visible(role, org, user, self.items[w]))
            if got != want:
                leaked = sorted({self.items[w]["tlp"] + " " + self.items[w]["org"]
                                 for i, w in rows if i in set(got) - set(want)})
                failures.append("deliveries as %s (%s of %s): %d rows, want %d; extra rows "
                                "of warnings %s" % (user, role, org, len(got), len(want),
                                                    leaked))
            if "s3cret" in r.body:
                failures.append("deliveries as %s: a webhook secret is shown" % user)
        self.report(failures)

    def test_events(self):
        """GET /api/v1/events: every user holds a stream open while a warning of each
        marking is issued; each receives exactly the warnings it may read."""
        streams = {}
        for user in USERS:
            sock = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
            sock.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                          "%s\r\nAccept: text/event-stream\r\n\r\n" % self.tok[user]).encode())
            streams[user] = [sock, b""]
        try:
            # Wait for every stream's first bytes: it is registered.
            for user, st in streams.items():
                while b": bulwark events" not in st[1]:
                    more = st[0].recv(65536)
                    self.assertTrue(more, "stream of %s closed: %r" % (user, st[1]))
                    st[1] += more
            new = [self.new_warning(tlp, "issued") for tlp in TLPS]
            deadline = time.time() + 10
            want = {u: {w["id"] for w in new if expected_visible(USERS[u][1], USERS[u][0], u, w)}
                    for u in USERS}
            got = {u: set() for u in USERS}
            while time.time() < deadline and any(got[u] < want[u] for u in USERS):
                for user, st in streams.items():
                    st[0].settimeout(0.05)
                    try:
                        more = st[0].recv(65536)
                    except socket.timeout:
                        continue
                    st[1] += more
                    got[user] = {json.loads(m)["id"] for m in
                                 re.findall(rb"event: warning\ndata: (\{.*?\})\n", st[1])}
            # A little longer, to catch events that should never come.
            time.sleep(1.5)
            for user, st in streams.items():
                st[0].settimeout(0.2)
                try:
                    st[1] += st[0].recv(65536)
                except socket.timeout:
                    pass
                got[user] = {json.loads(m)["id"] for m in
                             re.findall(rb"event: warning\ndata: (\{.*?\})\n", st[1])}
            ids = {w["id"] for w in new}
            failures = ["events as %s: want %s, got %s" % (u, sorted(want[u]),
                                                           sorted(got[u] & ids))
                        for u in USERS if got[u] & ids != want[u]]
            self.report(failures)
        finally:
            for st in streams.values():
                st[0].close()

    def test_cap_import_needs_authority(self):
        xml = open(os.path.join(bwapi.SOURCE_ROOT, "tests", "data", "cap", "valid",
                                sorted(os.listdir(os.path.join(bwapi.SOURCE_ROOT, "tests",
                                                               "data", "cap", "valid")))[0]),
                   "rb").read()
        failures = []
        for user, (org, role) in USERS.items():
            r = self.c.request("POST", "/api/v1/cap/import", xml, self.tok[user],
                               ctype="application/cap+xml")
            self.check(failures, "CAP import as %s (%s)" % (user, role),
                       201 if role in AUTHORITY_ROLES else 403, r)
            if r.status == 201:
                nid = r.json()["id"]
                n = self.call(user, "GET", "/api/v1/notes/%d" % nid).json()
                self.items[nid] = {"id": nid, "kind": "note", "tlp": n["tlp"], "org": org,
                                   "author": user, "users": set(), "orgs": {org},
                                   "published": True, "site": n.get("site")}
        self.report(failures)


if __name__ == "__main__":
    bwapi.main()
