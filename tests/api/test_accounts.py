"""Accounts over HTTP: login, throttling, session and API tokens (expiry, revocation),
disabled users, and who sees which sites — held against `bulwark sites list --json`
and `bulwark orgs show --json`, the independent answers from the CLI."""

import calendar
import json
import time
import unittest

import bwapi
from bwapi import cli

USERS = [
    ("ana", "demo-authority", "analyst"),
    ("adm", "demo-authority", "admin"),
    ("pow", "demo-power", "operator"),
    ("pol", "demo-police", "responder"),
    ("vis", "demo-venues", "viewer"),
    ("gone", "demo-power", "operator"),
    ("guess", "demo-water", "operator"),
]


class AccountsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = bwapi.Server(users=USERS)
        _, out, _ = cli(["sites", "list", "--json"], cls.srv.db)
        cls.all_sites = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def me(self, token):
        return self.srv.request("GET", "/api/v1/me", token=token)

    def test_login_good_and_bad(self):
        r = self.srv.login("ana")
        self.assertEqual(r.status, 200, r)
        s = r.json()
        self.assertEqual((s["user"], s["org"], s["role"], s["kind"]),
                         ("ana", "demo-authority", "analyst", "session"))
        self.assertRegex(s["token"], r"^[A-Za-z0-9_-]{43}$")
        m = self.me(s["token"])
        self.assertEqual(m.status, 200, m)
        self.assertEqual(m.json()["user"], "ana")
        self.assertTrue(m.json()["authority"])
        # Only the hash is stored, never the token.
        rows = self.srv.sql("SELECT hash FROM token WHERE id=?", (s["token_id"],))
        self.assertEqual(len(rows), 1)
        self.assertNotEqual(rows[0][0], s["token"])
        with open(self.srv.db, "rb") as f:
            self.assertNotIn(s["token"].encode(), f.read())
        # Session lifetime: 12 hours.
        exp = calendar.timegm(time.strptime(s["expires"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(exp - time.time(), 12 * 3600, delta=120)

        bad = self.srv.login("ana", "wrong-password-1")
        self.assertEqual(bad.status, 401, bad)
        self.assertEqual(bad.json()["error"]["code"], "invalid_credentials")
        nobody = self.srv.login("nobody", "wrong-password-1")
        self.assertEqual(nobody.status, 401)
        self.assertEqual(nobody.json()["error"]["message"], bad.json()["error"]["message"])

    def test_no_or_forged_token(self):
        r = self.srv.request("GET", "/api/v1/sites")
        self.assertEqual(r.status, 401)
        self.assertIn("Bearer", r.headers["www-authenticate"])
        self.assertEqual(self.srv.request("GET", "/api/v1/me", token="A" * 43).status, 401)
        self.assertEqual(self.srv.request("GET", "/api/v1/me", token="short").status, 401)

    def test_logout_revokes(self):
        tok = self.srv.token("ana")
        self.assertEqual(self.me(tok).status, 200)
        self.assertEqual(self.srv.request("POST", "/api/v1/logout", token=tok).status, 200)
        self.assertEqual(self.me(tok).status, 401)

    def test_throttling_per_account(self):
        for i in range(5):
            r = self.srv.login("guess", "wrong-guess-%d" % i)
            self.assertEqual(r.status, 401, r)
        r = self.srv.login("guess")  # right password, but the account is throttled
        self.assertEqual(r.status, 429, r)
        retry = int(r.headers["retry-after"])
        self.assertTrue(1 <= retry <= 900, retry)
        self.assertEqual(r.json()["error"]["retry_after"], retry)
        # Other accounts are unaffected.
        self.assertEqual(self.srv.login("ana").status, 200)
        # When the window has passed (attempts aged in the database), login works again.
        self.srv.sql("UPDATE login_attempt SET at=at-901 WHERE name='guess'")
        self.assertEqual(self.srv.login("guess").status, 200)

    def test_throttling_per_address(self):
        self.srv.sql("DELETE FROM login_attempt")
        for i in range(20):  # 20 names, so no single account reaches its limit
            r = self.srv.login("probe%d" % i, "wrong-guess-%d" % i)
            self.assertEqual(r.status, 401, r)
        r = self.srv.login("ana")
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers)
        self.srv.sql("DELETE FROM login_attempt")
        self.assertEqual(self.srv.login("ana").status, 200)

    def test_api_token_expiry_and_revocation(self):
        _, out, _ = cli(["user", "token", "pow", "--days", "30", "--json"], self.srv.db)
        t = json.loads(out)
        self.assertEqual(t["kind"], "api")
        m = self.me(t["token"])
        self.assertEqual(m.status, 200, m)
        self.assertEqual(m.json()["token"]["kind"], "api")
        # Expired: move the expiry into the past.
        self.srv.sql("UPDATE token SET expires='2000-01-01T00:00:00Z' WHERE id=?", (t["id"],))
        self.assertEqual(self.me(t["token"]).status, 401)
        # Revoked with the CLI, by id.
        _, out, _ = cli(["user", "token", "pow", "--json"], self.srv.db)
        t2 = json.loads(out)
        exp = calendar.timegm(time.strptime(t2["expires"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(exp - time.time(), 90 * 86400, delta=120)
        self.assertEqual(self.me(t2["token"]).status, 200)
        cli(["user", "revoke", str(t2["id"])], self.srv.db)
        self.assertEqual(self.me(t2["token"]).status, 401)
        rc, _, err = cli(["user", "revoke", str(t2["id"])], self.srv.db, check=False)
        self.assertEqual(rc, 1, err)

    def test_disabled_user(self):
        tok = self.srv.token("gone")
        cli(["user", "disable", "gone"], self.srv.db)
        self.assertEqual(self.me(tok).status, 401)  # its live session is revoked
        r = self.srv.login("gone")
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["error"]["code"], "account_disabled")
        self.assertEqual(self.srv.login("gone", "wrong-password-1").status, 401)
        rc, _, _ = cli(["user", "token", "gone"], self.srv.db, check=False)
        self.assertEqual(rc, 1)

    def sites(self, user):
        r = self.srv.request("GET", "/api/v1/sites", token=self.srv.token(user))
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["count"], len(body["sites"]))
        return body["sites"]

    def test_authority_sees_all_sites(self):
        for user in ("ana", "adm"):
            self.assertEqual(self.sites(user), self.all_sites)

    def test_operator_sees_only_its_sites(self):
        expected = [s for s in self.all_sites if s.get("operator") == "demo-power"]
        self.assertGreater(len(expected), 0)
        self.assertLess(len(expected), len(self.all_sites))
        self.assertEqual(self.sites("pow"), expected)
        tok = self.srv.token("pow")
        mine = expected[0]["id"]
        other = next(s["id"] for s in self.all_sites if s.get("operator") != "demo-power")
        r = self.srv.request("GET", "/api/v1/sites/" + mine, token=tok)
        self.assertEqual((r.status, r.json()), (200, expected[0]))
        r = self.srv.request("GET", "/api/v1/sites/" + other, token=tok)
        self.assertEqual(r.status, 404)  # the same answer as a site that does not exist
        r2 = self.srv.request("GET", "/api/v1/sites/no-such-site", token=tok)
        self.assertEqual(r2.status, 404)
        self.assertEqual(r.json()["error"]["code"], r2.json()["error"]["code"])

    def test_viewer_and_responder(self):
        venues = [s for s in self.all_sites if s.get("operator") == "demo-venues"]
        self.assertEqual(self.sites("vis"), venues)
        _, out, _ = cli(["orgs", "show", "demo-police", "--json"], self.srv.db)
        role_sites = {r["site"] for r in json.loads(out)["roles"]}
        expected = [s for s in self.all_sites
                    if s["id"] in role_sites or s.get("operator") == "demo-police"]
        self.assertGreater(len(expected), 0)
        self.assertEqual(self.sites("pol"), expected)

    def test_orgs(self):
        _, out, _ = cli(["orgs", "list", "--json"], self.srv.db)
        r = self.srv.request("GET", "/api/v1/orgs", token=self.srv.token("vis"))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["orgs"], json.loads(out))

    def test_cli_user_commands(self):
        rc, out, err = cli(["user", "add", "new.user", "--org", "demo-water", "--role",
                            "assessor"], self.srv.db, stdin="short\n", check=False)
        self.assertEqual(rc, 1)
        self.assertIn("password", err)
        rc, _, err = cli(["user", "add", "x", "--org", "demo-water", "--role", "king"],
                         self.srv.db, stdin=bwapi.PASSWORD + "\n", check=False)
        self.assertEqual(rc, 1)
        self.assertIn("not a role", err)
        rc, _, err = cli(["user", "add", "y", "--org", "no-such-org", "--role", "viewer"],
                         self.srv.db, stdin=bwapi.PASSWORD + "\n", check=False)
        self.assertEqual(rc, 1)
        self.assertIn("no-such-org", err)
        rc, _, err = cli(["user", "add", "ana", "--org", "demo-water", "--role", "viewer"],
                         self.srv.db, stdin=bwapi.PASSWORD + "\n", check=False)
        self.assertEqual(rc, 1)
        self.assertIn("already exists", err)
        _, out, _ = cli(["user", "list", "--json"], self.srv.db)
        users = {u["name"]: u for u in json.loads(out)}
        self.assertEqual({n for n, _, _ in USERS} - set(users), set())
        self.assertEqual(users["pow"]["role"], "operator")
        self.assertEqual(users["pow"]["org"], "demo-power")
        self.assertNotIn("password_hash", users["pow"])
        hashes = self.srv.sql("SELECT password_hash FROM user WHERE name='ana'")
        self.assertTrue(hashes[0][0].startswith("$argon2id$"), hashes)


if __name__ == "__main__":
    bwapi.main()
