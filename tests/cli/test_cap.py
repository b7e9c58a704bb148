"""CLI tests of `bulwark cap keygen|sign|check` and `bulwark verify-cap` (docs/cap.md).

The signing key is made with `cap keygen`, a real CAP sample (OASIS's Homeland Security
example, tests/data/cap) is signed with `cap sign`, and `verify-cap` must accept it,
refuse it after a one-byte change, refuse it under another key and refuse a damaged
signature file. OpenSSL (3.x, `openssl pkeyutl -verify -rawin`) is the independent
Ed25519 verifier: the signature bulwark writes must verify there too. `cap check` must
read valid samples and refuse the XXE and billion-laughs files with the message a
partner needs.
"""

import base64
import json
import os
import shutil
import stat
import subprocess

import bwcli
from bwcli import CliTestCase

CAP = os.path.join(bwcli.SOURCE_ROOT, "tests", "data", "cap")
SAMPLE = os.path.join(CAP, "valid", "Oasis_HomelandAlert.xml")
# DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): the 32-byte key follows.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def read_bytes(path):
    with open(path, "rb") as fh:
        return fh.read()


class CapTest(CliTestCase):

    def keygen(self, sub="keys"):
        out = os.path.join(self.dir, sub)
        os.mkdir(out)
        r = self.ok("cap", "keygen", "--out", out)
        self.assertIn("created the CAP signing key", r.out)
        return os.path.join(out, "cap-signing.key"), os.path.join(out, "cap-signing.pub")

    def signed_sample(self, sk):
        f = self.path("alert.xml")
        shutil.copy(SAMPLE, f)
        self.ok("cap", "sign", f, "--key-file", sk)
        return f

    def test_keygen_files(self):
        sk, pk = self.keygen()
        self.assertEqual(stat.S_IMODE(os.stat(sk).st_mode), 0o600)
        with open(pk) as fh:
            raw = base64.b64decode(fh.read().strip(), validate=True)
        self.assertEqual(len(raw), 32)
        # A second keygen in the same place refuses and leaves the key alone.
        before = read_bytes(sk)
        r = self.bw("cap", "keygen", "--out", os.path.dirname(sk))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("refusing to overwrite", r.err)
        self.assertEqual(read_bytes(sk), before)

    def test_sign_and_verify(self):
        sk, pk = self.keygen()
        f = self.signed_sample(sk)
        with open(f + ".sig") as fh:
            line = fh.read()
        alg, keyid, sig = line.rstrip("\n").split(" ")
        self.assertEqual(alg, "ed25519")
        self.assertEqual(len(keyid), 16)
        self.assertEqual(len(base64.b64decode(sig, validate=True)), 64)
        r = self.ok("verify-cap", f, "--key-file", pk)
        self.assertIn("valid: signed by key " + keyid, r.out)
        # The key given as text works the same, and --json says so.
        with open(pk) as fh:
            key_text = fh.read().strip()
        r = self.ok("verify-cap", f, "--key", key_text, "--json")
        j = r.json()
        self.assertTrue(j["valid"])
        self.assertEqual(j["keyid"], keyid)
        self.assertEqual(j["identifier"], "43b080713727")
        # The signature covers the file's exact bytes: it is the file that was copied.
        with open(f, "rb") as a, open(SAMPLE, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_one_byte_change_fails(self):
        sk, pk = self.keygen()
        f = self.signed_sample(sk)
        data = bytearray(read_bytes(f))
        # Change one byte inside the headline: "ORANGE" -> "ORANGF" (still valid CAP).
        i = data.index(b"Code ORANGE") + len("Code ORANG")
        data[i] = ord("F")
        with open(f, "wb") as fh:
            fh.write(bytes(data))
        r = self.bw("verify-cap", f, "--key-file", pk)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("INVALID", r.err)
        self.assertIn("does not match", r.err)
        r = self.bw("verify-cap", f, "--key-file", pk, "--json")
        self.assertEqual(r.rc, 1, r)
        self.assertFalse(r.json()["valid"])
        # One byte appended (a trailing newline) fails as well.
        with open(f, "wb") as fh:
            fh.write(read_bytes(SAMPLE) + b"\n")
        r = self.bw("verify-cap", f, "--key-file", pk)
        self.assertEqual(r.rc, 1, r)

    def test_wrong_key_fails(self):
        sk, _ = self.keygen("a")
        _, other_pk = self.keygen("b")
        f = self.signed_sample(sk)
        r = self.bw("verify-cap", f, "--key-file", other_pk)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("but the public key given is", r.err)

    def test_damaged_signature_file(self):
        sk, pk = self.keygen()
        f = self.signed_sample(sk)
        with open(f + ".sig") as fh:
            alg, keyid, sig = fh.read().split()
        raw = bytearray(base64.b64decode(sig))
        raw[10] ^= 0x40
        self.write("alert.xml.sig", "%s %s %s\n" % (alg, keyid, base64.b64encode(raw).decode()))
        r = self.bw("verify-cap", f, "--key-file", pk)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("does not match", r.err)
        self.write("other.sig", "rsa %s %s\n" % (keyid, sig))
        r = self.bw("verify-cap", f, "--key-file", pk, "--sig", self.path("other.sig"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("expected one line 'ed25519 KEYID SIGNATURE'", r.err)

    def test_signed_but_not_cap_fails(self):
        # A correct signature over something that is not CAP is still refused.
        sk, pk = self.keygen()
        f = self.write("note.xml", "<note>hello</note>\n")
        r = self.bw("cap", "sign", f, "--key-file", sk)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("only valid CAP 1.2 is signed", r.err)
        self.assertFalse(os.path.exists(f + ".sig"))

    def test_secret_key_permissions(self):
        sk, _ = self.keygen()
        os.chmod(sk, 0o644)
        f = self.path("alert.xml")
        shutil.copy(SAMPLE, f)
        r = self.bw("cap", "sign", f, "--key-file", sk)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("chmod 600 it", r.err)

    def test_openssl_verifies_the_signature(self):
        openssl = shutil.which("openssl")
        if not openssl:
            self.skipTest("openssl not installed")
        sk, pk = self.keygen()
        f = self.signed_sample(sk)
        with open(pk) as fh:
            der = ED25519_SPKI_PREFIX + base64.b64decode(fh.read().strip())
        with open(self.path("pk.der"), "wb") as fh:
            fh.write(der)
        with open(f + ".sig") as fh:
            sig = base64.b64decode(fh.read().split()[2])
        with open(self.path("sig.bin"), "wb") as fh:
            fh.write(sig)
        cmd = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", self.path("pk.der"),
               "-keyform", "DER", "-rawin", "-in", f, "-sigfile", self.path("sig.bin")]
        p = subprocess.run(cmd, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Signature Verified Successfully", p.stdout)
        # And OpenSSL refuses the changed file, as bulwark does.
        with open(f, "ab") as fh:
            fh.write(b" ")
        p = subprocess.run(cmd, capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0, p.stdout)

    def test_check_valid_samples(self):
        for name in sorted(os.listdir(os.path.join(CAP, "valid"))):
            r = self.ok("cap", "check", os.path.join(CAP, "valid", name), "--json")
            j = r.json()
            self.assertTrue(j["valid"], name)
        r = self.ok("cap", "check", SAMPLE)
        self.assertIn("valid CAP 1.2", r.out)
        self.assertIn("43b080713727", r.out)
        self.assertIn("Security", r.out)
        j = self.ok("cap", "check", SAMPLE, "--json").json()
        self.assertEqual(j["scope"], "Public")
        self.assertEqual(j["infos"][0]["categories"], ["Security"])
        self.assertEqual(j["infos"][0]["severity"], "Severe")

    def test_check_refuses_xxe_and_bombs(self):
        xxe = os.path.join(CAP, "invalid", "google-xee.cap")
        r = self.bw("cap", "check", xxe)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("google-xee.cap:3: DOCTYPE is not allowed in CAP (entity expansion refused)",
                      r.err)
        r = self.bw("cap", "check", os.path.join(CAP, "invalid", "billion-laughs.xml"), "--json")
        self.assertEqual(r.rc, 1, r)
        j = r.json()
        self.assertFalse(j["valid"])
        self.assertEqual(j["line"], 2)
        self.assertIn("DOCTYPE is not allowed", j["message"])
        r = self.bw("cap", "check", os.path.join(CAP, "cap11", "google-weather.cap"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("CAP 1.1 is not supported; expected urn:oasis:names:tc:emergency:cap:1.2",
                      r.err)
        r = self.bw("cap", "check", os.path.join(CAP, "invalid", "google-invalid.cap"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("required element <scope> is missing", r.err)

    def test_help_and_usage(self):
        for args in (["cap", "--help"], ["verify-cap", "--help"]):
            r = self.ok(*args)
            self.assertIn("usage: bulwark", r.out)
        r = self.bw("verify-cap", SAMPLE)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("--key or --key-file", r.err)
        r = self.bw("cap", "frobnicate")
        self.assertEqual(r.rc, 2, r)


if __name__ == "__main__":
    bwcli.main()
