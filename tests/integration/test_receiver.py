"""Self-test of the test receiver (tests/receiver/), without pharos-pulse.

Proves the receiver's verifier is real: requests are signed here by a small
Node.js signer that shares no code with tests/receiver/verify.js (it reads the
ssh-keygen private key itself and builds the RFC 9421 signature base by plain
string concatenation), and the receiver must accept the good ones and reject
every tampered one. Also checks the TLS material, the control API, the record
format and verify-request.js.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver_harness as rh  # noqa: E402

# A signer independent of verify.js: OpenSSH private key -> Ed25519 seed ->
# PKCS#8 -> crypto.sign over the signature base built by concatenation.
SIGNER_JS = r"""
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const spec = JSON.parse(fs.readFileSync(0, 'utf8'));

function sshString(buf, off) {
  const n = buf.readUInt32BE(off);
  return [buf.subarray(off + 4, off + 4 + n), off + 4 + n];
}
function seedOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const b64 = text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  const magic = 'openssh-key-v1\0';
  if (buf.subarray(0, magic.length).toString('latin1') !== magic) throw new Error('not an OpenSSH key');
  let off = magic.length;
  let cipher, kdf, kdfopts, pub, priv;
  [cipher, off] = sshString(buf, off);
  [kdf, off] = sshString(buf, off);
  [kdfopts, off] = sshString(buf, off);
  if (cipher.toString() !== 'none') throw new Error('encrypted key');
  const nkeys = buf.readUInt32BE(off); off += 4;
  if (nkeys !== 1) throw new Error('expected one key');
  [pub, off] = sshString(buf, off);
  [priv, off] = sshString(buf, off);
  let p = 8; // two check ints
  let type, pk, sk;
  [type, p] = sshString(priv, p);
  [pk, p] = sshString(priv, p);
  [sk, p] = sshString(priv, p);
  if (type.toString() !== 'ssh-ed25519' || sk.length !== 64) throw new Error('not an Ed25519 key');
  return sk.subarray(0, 32);
}

const seed = seedOf(spec.key_file);
const key = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der', type: 'pkcs8',
});
const body = Buffer.from(spec.body, 'utf8');
const digest = 'sha-256=:' + crypto.createHash('sha256').update(body).digest('base64') + ':';
const components = spec.components ||
  ['@method', '@authority', '@path', 'content-type', 'content-digest', 'idempotency-key'];
const params = spec.params_text != null ? spec.params_text :
  ';created=' + spec.created + ';keyid="' + spec.keyid + '";alg="' + (spec.alg || 'ed25519') +
  '";nonce="' + spec.nonce + '";tag="' + (spec.tag || 'pharos-pulse') + '"';
const inner = '(' + components.map((c) => '"' + c + '"').join(' ') + ')' + params;
const values = {
  '@method': spec.method || 'POST',
  '@authority': spec.authority,
  '@path': spec.path,
  'content-type': spec.content_type || 'application/json',
  'content-digest': digest,
  'idempotency-key': spec.idempotency_key,
};
const lines = components.map((c) => '"' + c + '": ' + values[c]);
lines.push('"@signature-params": ' + inner);
const base = lines.join('\n');
const sig = crypto.sign(null, Buffer.from(base, 'utf8'), key);
process.stdout.write(JSON.stringify({
  base,
  headers: {
    'Content-Type': spec.content_type || 'application/json',
    'Content-Digest': digest,
    'Signature-Input': 'pulse=' + inner,
    'Signature': 'pulse=:' + sig.toString('base64') + ':',
  },
}));
"""


def b64url(n=16):
    return base64.urlsafe_b64encode(secrets.token_bytes(n)).rstrip(b"=").decode()


def flip_signature(headers, byte=10):
    """Flip one bit of the Signature's bytes."""
    raw = bytearray(base64.b64decode(headers["Signature"][len("pulse=:"):-1]))
    raw[byte] ^= 0x01
    headers["Signature"] = "pulse=:" + base64.b64encode(bytes(raw)).decode() + ":"


def read(path):
    with open(path) as f:
        return f.read()


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


class Node:
    """A test node: an ssh-keygen key and a way to sign requests with it."""

    def __init__(self, directory, name, signer):
        self.key = os.path.join(directory, name)
        self.pub = self.key + ".pub"
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@test", "-f", self.key])
        out = run(["ssh-keygen", "-l", "-f", self.pub]).stdout.decode()
        self.fingerprint = out.split()[1]
        assert self.fingerprint.startswith("SHA256:"), out
        with open(self.pub) as f:
            self.pub_line = f.read().strip()
        self.signer = signer

    def payload(self, **over):
        p = {
            "event": "ONLINE",
            "identity": {"hw_uuid": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "hostname": "test-host",
                         "ssh_pubkey_fingerprint": self.fingerprint},
            "metadata": {"os_family": "linux", "os_version": "Debian GNU/Linux 12 (bookworm)",
                         "kernel_version": "6.1.0-test", "platform": "docker",
                         "local_ips": ["10.0.0.2", "192.168.1.5", "2001:db8::1", "2001:db8::a"]},
            "inventory": {"os_name": "Debian GNU/Linux", "os_version": "12", "cpu_brand": "AMD EPYC",
                          "cpu_cores": 8, "mem_total_kb": 16318480, "serial_number": "7XK9Q53",
                          "manufacturer": "Dell Inc.", "product_name": "PowerEdge R650",
                          "mac_addrs": ["3c:ec:ef:01:02:03", "3c:ec:ef:01:02:04"]},
            "timestamp": "2026-01-02T03:04:05.678Z",
        }
        p.update(over)
        if p.get("event") != "ONLINE" and "inventory" not in over:
            del p["inventory"]  # only an ONLINE carries it
        return p

    def enroll_payload(self, token="good-token", **over):
        p = self.payload()
        del p["event"]
        p = {"token": token, "public_key": self.pub_line, "identity": p["identity"],
             "metadata": p["metadata"], "inventory": p["inventory"], "timestamp": p["timestamp"]}
        p.update(over)
        return p

    def sign(self, body, path="/v1/presence", created=None, nonce=None, keyid=None, idem=None,
             ua="pharos-pulse/0.1.0", authority=None, **spec):
        """Returns (headers dict, body str) of a correctly signed request."""
        if not isinstance(body, str):
            body = json.dumps(body, separators=(",", ":"))
        idem = idem or b64url()
        spec.update({
            "key_file": self.key, "body": body, "path": path, "idempotency_key": idem,
            "authority": authority or self.authority,
            "created": int(time.time()) if created is None else created,
            "nonce": nonce or b64url(), "keyid": keyid or self.fingerprint,
        })
        out = run([rh.node_binary(), self.signer], input=json.dumps(spec).encode()).stdout
        signed = json.loads(out)
        headers = dict(signed["headers"])
        if ua is not None:
            headers["User-Agent"] = ua
        headers["Idempotency-Key"] = idem
        return headers, body


class ReceiverTestBase(unittest.TestCase):
    http_mode = False

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test-receiver-")
        cls.certs = rh.make_certs(os.path.join(cls.tmp, "certs"))
        cls.signer = os.path.join(cls.tmp, "signer.js")
        with open(cls.signer, "w") as f:
            f.write(SIGNER_JS)
        cls.node = Node(cls.tmp, "node1", cls.signer)
        cls.stranger = Node(cls.tmp, "stranger", cls.signer)  # never added to the keys dir
        if cls.http_mode:
            cls.rx = rh.Receiver(http=True)
        else:
            cls.rx = rh.Receiver(cls.certs.server_cert, cls.certs.server_key, ca=cls.certs.ca)
        cls.rx.start()
        cls.rx.add_key(cls.node.pub)
        # The Host header http.client sends, which the receiver verifies as @authority.
        cls.node.authority = cls.stranger.authority = "127.0.0.1:%d" % cls.rx.port

    @classmethod
    def tearDownClass(cls):
        cls.rx.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.rx.reset()

    def post(self, headers, body, path="/v1/presence", timeout=10, method="POST"):
        """Send one request; returns (status, response headers, parsed JSON body or text)."""
        if self.rx.http:
            conn = http.client.HTTPConnection("127.0.0.1", self.rx.port, timeout=timeout)
        else:
            ctx = ssl.create_default_context(cafile=self.certs.ca)
            conn = http.client.HTTPSConnection("127.0.0.1", self.rx.port, timeout=timeout, context=ctx)
        try:
            conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers)
            resp = conn.getresponse()
            data = resp.read().decode()
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = data
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, parsed
        finally:
            conn.close()

    def last(self):
        recs = self.rx.records()
        self.assertTrue(recs, "receiver recorded nothing")
        return recs[-1]

    def assertAccepted(self, status, rec):
        self.assertEqual(status, 200, rec.get("error"))
        self.assertTrue(rec["verified"], rec.get("error"))
        self.assertIsNone(rec["error"])
        self.assertEqual(rec["status_sent"], 200)

    def assertRejected(self, status, body, rec, fragment):
        self.assertEqual(status, 400)
        self.assertFalse(rec["verified"])
        self.assertEqual(rec["status_sent"], 400)
        self.assertIn(fragment, rec["error"])
        self.assertEqual(body, {"error": rec["error"]})


class TestVerification(ReceiverTestBase):

    def test_good_presence_accepted(self):
        h, b = self.node.sign(self.node.payload())
        status, _, body = self.post(h, b)
        rec = self.last()
        self.assertAccepted(status, rec)
        self.assertEqual(body, {"ok": True})
        self.assertEqual(rec["path"], "/v1/presence")
        self.assertEqual(rec["method"], "POST")
        self.assertEqual(rec["kind"], "presence")
        self.assertEqual(rec["body"], b)
        self.assertEqual(rec["keyid"], self.node.fingerprint)
        self.assertEqual(rec["headers"]["signature-input"], h["Signature-Input"])
        self.assertEqual(rec["idempotency_key"], h["Idempotency-Key"])
        self.assertFalse(rec["duplicate"])
        self.assertTrue(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", rec["received_at"]))
        for name in rec["headers"]:
            self.assertEqual(name, name.lower())

    def test_every_event_and_path_prefix_accepted(self):
        for event in ("ONLINE", "HEARTBEAT", "OFFLINE"):
            h, b = self.node.sign(self.node.payload(event=event), path="/pharos/v1/presence")
            status, _, _ = self.post(h, b, path="/pharos/v1/presence")
            self.assertAccepted(status, self.last())

    def test_query_is_not_part_of_path(self):
        h, b = self.node.sign(self.node.payload(), path="/v1/presence")
        status, _, _ = self.post(h, b, path="/v1/presence?x=1")
        self.assertAccepted(status, self.last())

    def test_signed_for_other_path_rejected(self):
        h, b = self.node.sign(self.node.payload(), path="/v1/presence")
        status, body, = self.post(h, b, path="/other/v1/presence")[0::2]
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_tampered_body_rejected(self):
        h, b = self.node.sign(self.node.payload())
        status, _, body = self.post(h, b.replace("test-host", "evil-host"))
        self.assertRejected(status, body, self.last(), "content-digest does not match")

    def test_tampered_content_digest_rejected(self):
        h, b = self.node.sign(self.node.payload())
        other = hashlib.sha256(b"something else").digest()
        h["Content-Digest"] = "sha-256=:" + base64.b64encode(other).decode() + ":"
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "content-digest does not match")

    def test_body_and_digest_both_replaced_rejected(self):
        # The digest matches the new body, but the signature covers the old digest.
        h, b = self.node.sign(self.node.payload())
        nb = b.replace("ONLINE", "OFFLINE")
        h["Content-Digest"] = "sha-256=:" + base64.b64encode(hashlib.sha256(nb.encode()).digest()).decode() + ":"
        status, _, body = self.post(h, nb)
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_tampered_signature_rejected(self):
        h, b = self.node.sign(self.node.payload())
        flip_signature(h)
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_tampered_signature_params_rejected(self):
        h, b = self.node.sign(self.node.payload())
        created = int(re.search(r";created=(\d+)", h["Signature-Input"]).group(1))
        h["Signature-Input"] = h["Signature-Input"].replace("created=%d" % created, "created=%d" % (created + 1))
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_tampered_content_type_rejected(self):
        h, b = self.node.sign(self.node.payload(), content_type="application/json")
        h["Content-Type"] = "text/plain"
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "content-type")

    def test_replayed_nonce_rejected(self):
        h, b = self.node.sign(self.node.payload())
        status, _, _ = self.post(h, b)
        self.assertAccepted(status, self.last())
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "nonce replayed")

    def test_unknown_keyid_rejected(self):
        h, b = self.stranger.sign(self.stranger.payload())
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "unknown keyid")

    def test_keyid_of_another_key_rejected(self):
        # Signed by the stranger but claiming node1's keyid (which is trusted).
        h, b = self.stranger.sign(self.node.payload(), keyid=self.node.fingerprint)
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_keys_dir_reread_on_each_request(self):
        h, b = self.stranger.sign(self.stranger.payload())
        self.assertEqual(self.post(h, b)[0], 400)
        dest = self.rx.add_key(self.stranger.pub)
        try:
            h, b = self.stranger.sign(self.stranger.payload())
            status, _, _ = self.post(h, b)
            self.assertAccepted(status, self.last())
        finally:
            os.unlink(dest)

    def test_stale_or_future_created_rejected(self):
        for delta in (-400, 400):
            h, b = self.node.sign(self.node.payload(), created=int(time.time()) + delta)
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), "from now")

    def test_wrong_tag_alg_components_rejected(self):
        cases = [
            ({"tag": "other"}, "tag is"),
            ({"alg": "rsa-pss-sha512"}, "alg is"),
            ({"components": ["@method", "@path", "content-digest"]}, "covered components"),
            ({"components": ["@path", "@method", "content-type", "content-digest"]}, "covered components"),
            # The list before issue 14: neither the server nor the event id bound.
            ({"components": ["@method", "@path", "content-type", "content-digest"]}, "covered components"),
        ]
        for spec, fragment in cases:
            h, b = self.node.sign(self.node.payload(), **spec)
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), fragment)

    def test_request_signed_for_another_server_rejected(self):
        for authority in ("hub.example:%d" % self.rx.port, "127.0.0.1:%d" % (self.rx.port + 1)):
            h, b = self.node.sign(self.node.payload(), authority=authority)
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_changed_idempotency_key_rejected(self):
        h, b = self.node.sign(self.node.payload())
        h["Idempotency-Key"] = b64url()
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "signature verification failed")

    def test_signature_params_missing_or_extra_rejected(self):
        fp = self.node.fingerprint
        now = int(time.time())
        cases = [
            (';created=%d;keyid="%s";alg="ed25519";tag="pharos-pulse"' % (now, fp), "lack nonce"),
            (';created=%d;keyid="%s";alg="ed25519";nonce="%s";tag="pharos-pulse";expires=%d'
             % (now, fp, b64url(), now + 60), "unexpected signature parameter"),
            (';created=%d;keyid="%s";alg="ed25519";nonce="short";tag="pharos-pulse"' % (now, fp), "fewer than 128"),
        ]
        for params_text, fragment in cases:
            h, b = self.node.sign(self.node.payload(), params_text=params_text)
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), fragment)

    def test_noncanonical_signature_input_rejected(self):
        # Valid RFC 8941, but not its canonical serialization: verifiers that
        # re-serialize and verifiers that copy the text would disagree.
        h, b = self.node.sign(self.node.payload())
        h["Signature-Input"] = h["Signature-Input"].replace('" "', '"  "', 1)
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "canonical")

    def test_missing_headers_rejected(self):
        for name, fragment in (("Idempotency-Key", "idempotency-key"), ("Signature", "signature"),
                               ("Content-Digest", "content-digest")):
            h, b = self.node.sign(self.node.payload())
            del h[name]
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), fragment)

    def test_user_agent_checked(self):
        h, b = self.node.sign(self.node.payload(), ua="curl/8.0")
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "user-agent")

    def test_payload_checked_after_signature(self):
        n = self.node
        md = n.payload()["metadata"]
        inv = n.payload()["inventory"]
        cases = [
            (dict(n.payload(), extra=1), "unexpected key(s) extra"),
            (dict(n.payload(), event="BOOT"), "event is not"),
            (n.payload(timestamp="2026-01-02T03:04:05Z"), "timestamp"),
            (n.payload(timestamp="2026-01-02T03:04:05.678+00:00"), "timestamp"),
            (n.payload(identity=dict(n.payload()["identity"], ssh_pubkey_fingerprint="SHA256:xyz")),
             "does not match the signature keyid"),
            (n.payload(identity=dict(n.payload()["identity"], hw_uuid="3F2A1B4C-5D6E-4F70-8A9B-0C1D2E3F4A5B")),
             "hw_uuid"),
            (n.payload(metadata=dict(md, platform="mainframe")), "platform"),
            (n.payload(metadata=dict(md, os_family="Linux")), "os_family"),
            (n.payload(metadata=dict(md, local_ips=["2001:db8::1", "10.0.0.2"])), "after IPv6"),
            (n.payload(metadata=dict(md, local_ips=["192.168.1.5", "10.0.0.2"])), "out of order"),
            (n.payload(metadata=dict(md, local_ips=["10.0.0.2", "fe80::1"])), "link-local"),
            (n.payload(metadata=dict(md, local_ips=["2001:DB8::1"])), "inet_ntop"),
            (n.payload(metadata=dict(md, local_ips=["2001:db8:0:0:0:0:0:1"])), "inet_ntop"),
            (n.payload(metadata={k: v for k, v in md.items() if k != "kernel_version"}), "lacks kernel_version"),
            ({k: v for k, v in n.payload().items() if k != "inventory"}, "lacks inventory"),
            (n.payload(event="HEARTBEAT", inventory=inv), "unexpected key(s) inventory"),
            (n.payload(inventory=dict(inv, extra="x")), "unexpected key extra"),
            (n.payload(inventory=dict(inv, serial_number="To Be Filled By O.E.M.")), "placeholder"),
            (n.payload(inventory=dict(inv, manufacturer="")), "manufacturer is empty"),
            (n.payload(inventory=dict(inv, cpu_cores="8")), "cpu_cores is not a positive integer"),
            (n.payload(inventory=dict(inv, mac_addrs=["3c:ec:ef:01:02:04", "3c:ec:ef:01:02:03"])),
             "out of order"),
            (n.payload(inventory=dict(inv, mac_addrs=["3C:EC:EF:01:02:03"])), "is not aa:bb"),
            (n.payload(inventory=dict(inv, mac_addrs=[])), "non-empty"),
        ]
        for payload, fragment in cases:
            h, b = n.sign(payload)
            status, _, body = self.post(h, b)
            self.assertRejected(status, body, self.last(), fragment)
        h, b = n.sign("not json")
        status, _, body = self.post(h, b)
        self.assertRejected(status, body, self.last(), "not JSON")

    def test_empty_local_ips_accepted(self):
        md = dict(self.node.payload()["metadata"], local_ips=[])
        h, b = self.node.sign(self.node.payload(metadata=md))
        status, _, _ = self.post(h, b)
        self.assertAccepted(status, self.last())

    def test_duplicate_idempotency_key_flagged(self):
        idem = b64url()
        for dup in (False, True):
            h, b = self.node.sign(self.node.payload(), idem=idem)
            status, _, _ = self.post(h, b)
            rec = self.last()
            self.assertAccepted(status, rec)
            self.assertEqual(rec["duplicate"], dup)

    def test_idempotency_key_not_delivered_until_2xx(self):
        idem = b64url()
        self.rx.control(mode="status", status=503, count=1)
        h, b = self.node.sign(self.node.payload(), idem=idem)
        self.assertEqual(self.post(h, b)[0], 503)
        h, b = self.node.sign(self.node.payload(), idem=idem)
        status, _, _ = self.post(h, b)
        rec = self.last()
        self.assertAccepted(status, rec)
        self.assertFalse(rec["duplicate"])

    def test_get_and_unknown_paths(self):
        status, _, _ = self.post({}, b"", path="/v1/presence", method="GET")
        self.assertEqual(status, 400)
        self.assertIn("not POST", self.last()["error"])
        h, b = self.node.sign(self.node.payload(), path="/v2/presence")
        status, _, _ = self.post(h, b, path="/v2/presence")
        self.assertEqual(status, 404)
        self.assertEqual(self.last()["status_sent"], 404)
        self.assertFalse(self.last()["verified"])

    def test_body_limit(self):
        big = "x" * (1024 * 1024 + 10)
        h, _ = self.node.sign("{}")
        status, _, _ = self.post(h, big)
        self.assertEqual(status, 413)
        # exactly 1 MiB is read in full (and then fails on content, not size)
        body = " " * (1024 * 1024 - 2) + "{}"
        h, b = self.node.sign(body)
        status, _, resp = self.post(h, b)
        self.assertEqual(status, 400)
        self.assertIn("lacks", resp["error"])


class TestEnroll(ReceiverTestBase):

    def test_enroll_with_key_from_body(self):
        # The stranger's key is not in the keys dir: enroll takes it from the body.
        self.rx.control(mode="ok", enroll_response={"node_id": "n-1", "heartbeat_interval": "30m"})
        h, b = self.stranger.sign(self.stranger.enroll_payload(), path="/v1/enroll")
        status, _, body = self.post(h, b, path="/v1/enroll")
        rec = self.last()
        self.assertAccepted(status, rec)
        self.assertEqual(body, {"node_id": "n-1", "heartbeat_interval": "30m"})
        self.assertEqual(rec["kind"], "enroll")
        self.assertEqual(rec["key_source"], "enroll-body")

    def test_enroll_tokens(self):
        self.rx.control(mode="ok", tokens=["good-token"])
        h, b = self.node.sign(self.node.enroll_payload(token="bad-token"), path="/v1/enroll")
        status, _, body = self.post(h, b, path="/v1/enroll")
        self.assertEqual((status, body), (401, {"error": "invalid token"}))
        rec = self.last()
        self.assertTrue(rec["verified"])
        self.assertEqual(rec["status_sent"], 401)
        h, b = self.node.sign(self.node.enroll_payload(token="good-token"), path="/v1/enroll")
        self.assertEqual(self.post(h, b, path="/v1/enroll")[0], 200)

    def test_enroll_public_key_must_match_keyid(self):
        # Signed by the stranger, body names node1's public key.
        payload = self.stranger.enroll_payload(public_key=self.node.pub_line)
        h, b = self.stranger.sign(payload, path="/v1/enroll")
        status, _, body = self.post(h, b, path="/v1/enroll")
        self.assertRejected(status, body, self.last(), "does not match keyid")

    def test_enroll_needs_exact_keys(self):
        payload = self.node.enroll_payload()
        payload["event"] = "ONLINE"
        h, b = self.node.sign(payload, path="/v1/enroll")
        status, _, body = self.post(h, b, path="/v1/enroll")
        self.assertRejected(status, body, self.last(), "unexpected key(s) event")

    def test_enroll_signature_still_checked(self):
        h, b = self.stranger.sign(self.stranger.enroll_payload(), path="/v1/enroll")
        flip_signature(h, 0)
        status, _, body = self.post(h, b, path="/v1/enroll")
        self.assertRejected(status, body, self.last(), "signature verification failed")


class TestControl(ReceiverTestBase):

    def good(self):
        return self.node.sign(self.node.payload())

    def test_status_mode_with_count(self):
        self.rx.control(mode="status", status=503, headers={"Retry-After": "7"}, count=2)
        for _ in range(2):
            status, headers, body = self.post(*self.good())
            self.assertEqual(status, 503)
            self.assertEqual(headers.get("retry-after"), "7")
            self.assertEqual(body, {"error": "Service Unavailable"})
            rec = self.last()
            self.assertTrue(rec["verified"])
            self.assertEqual(rec["status_sent"], 503)
        self.assertEqual(self.post(*self.good())[0], 200)

    def test_status_mode_until_reset(self):
        self.rx.control(mode="status", status=401, body='{"error":"token expired"}')
        for _ in range(3):
            status, _, body = self.post(*self.good())
            self.assertEqual((status, body), (401, {"error": "token expired"}))
        self.rx.control(mode="ok")
        self.assertEqual(self.post(*self.good())[0], 200)

    def test_redirect_and_others(self):
        self.rx.control(mode="status", status=302, headers={"Location": "https://example.invalid/"}, count=1)
        status, headers, _ = self.post(*self.good())
        self.assertEqual((status, headers.get("location")), (302, "https://example.invalid/"))
        for code in (404, 429, 500):
            self.rx.control(mode="status", status=code, count=1)
            self.assertEqual(self.post(*self.good())[0], code)

    def test_bad_request_still_400_in_status_mode(self):
        self.rx.control(mode="status", status=503, count=1)
        h, b = self.good()
        status, _, _ = self.post(h, b + " ")
        self.assertEqual(status, 400)
        self.assertEqual(self.post(*self.good())[0], 503)  # the count was not used up

    def test_stall(self):
        self.rx.control(mode="stall", count=1)
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.post(*self.good(), timeout=1.5)
        rec = self.last()
        self.assertTrue(rec["stalled"])
        self.assertIsNone(rec["status_sent"])
        self.assertTrue(rec["verified"])
        self.assertEqual(self.post(*self.good())[0], 200)

    def test_delay(self):
        self.rx.control(mode="ok", delay_ms=700)
        t = time.monotonic()
        self.assertEqual(self.post(*self.good())[0], 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.6)

    def test_bad_control_rejected(self):
        with self.assertRaises(RuntimeError):
            self.rx.control(mode="explode")
        with self.assertRaises(RuntimeError):
            self.rx.control(mode="status")  # no status

    def test_reset_clears_records_and_mode(self):
        self.rx.control(mode="status", status=503)
        self.post(*self.good())
        self.assertEqual(len(self.rx.records()), 1)
        self.rx.reset()
        self.assertEqual(self.rx.records(), [])
        self.assertEqual(self.post(*self.good())[0], 200)

    def test_log_file_has_every_record(self):
        self.post(*self.good())
        h, b = self.good()
        self.post(h, b + "x")
        with open(self.rx.log_path) as f:
            logged = [json.loads(line) for line in f]
        tail = logged[-2:]
        self.assertEqual(tail, self.rx.records())
        for rec in tail:
            for k in ("path", "method", "headers", "body", "verified", "error", "duplicate",
                      "status_sent", "received_at"):
                self.assertIn(k, rec)


class TestHttpMode(ReceiverTestBase):
    http_mode = True

    def test_plain_http(self):
        self.assertTrue(self.rx.url.startswith("http://127.0.0.1:"))
        h, b = self.node.sign(self.node.payload())
        status, _, _ = self.post(h, b)
        self.assertAccepted(status, self.last())
        h, b = self.node.sign(self.node.payload())
        flip_signature(h)
        self.assertEqual(self.post(h, b)[0], 400)
        self.assertIn("signature verification failed", self.last()["error"])


class TestVerifyRequestCli(ReceiverTestBase):

    def dry_run(self, url="https://hub.example:8443/pharos/v1/presence"):
        parts = urllib.parse.urlsplit(url)
        h, b = self.node.sign(self.node.payload(), path=parts.path, authority=parts.netloc)
        lines = ["POST %s HTTP/1.1" % url] + ["%s: %s" % kv for kv in h.items()]
        return "\n".join(lines) + "\n\n" + b + "\n"

    def test_good_dry_run_verifies(self):
        text = self.dry_run()
        ok, msg = rh.verify_dry_run(text, self.node.pub)
        self.assertTrue(ok, msg)
        self.assertEqual(msg, "verified")
        f = os.path.join(self.tmp, "dry-run.txt")
        with open(f, "w") as fh:
            fh.write(text)
        self.assertEqual(rh.verify_dry_run(f, self.node.pub), (True, "verified"))

    def test_bad_dry_runs_fail(self):
        text = self.dry_run()
        cases = [
            (text.replace("test-host", "evil-host"), "content-digest"),
            (text.replace("/pharos/v1/presence", "/v1/presence", 1), "signature verification failed"),
            (text[:-1], "newline"),
            (text.replace("\n", "\r\n"), "CR"),
        ]
        for bad, fragment in cases:
            ok, msg = rh.verify_dry_run(bad, self.node.pub)
            self.assertFalse(ok)
            self.assertIn(fragment, msg)
        ok, msg = rh.verify_dry_run(text, self.stranger.pub)
        self.assertFalse(ok)
        self.assertIn("unknown keyid", msg)


class TestIndependentChecks(unittest.TestCase):
    """The verifier's building blocks against outside references."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test-receiver-ind-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def node_eval(self, script):
        env = dict(os.environ, VERIFY_JS=os.path.join(rh.RECEIVER_DIR, "verify.js"))
        return run([rh.node_binary(), "-e", script], env=env).stdout.decode().strip()

    def test_fingerprint_matches_ssh_keygen(self):
        key = os.path.join(self.tmp, "k")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
        want = run(["ssh-keygen", "-l", "-f", key + ".pub"]).stdout.decode().split()[1]
        got = self.node_eval(
            "const v=require(process.env.VERIFY_JS);"
            "const fs=require('fs');"
            "console.log(v.parseOpenSshPublicKey(fs.readFileSync(%r,'utf8')).fingerprint)" % (key + ".pub"))
        self.assertEqual(got, want)

    def test_rfc9421_ed25519_example(self):
        # RFC 9421 Appendix B.2.6 (test-key-ed25519 over test-request).
        script = r"""
const v = require(process.env.VERIFY_JS);
const crypto = require('crypto');
const si = v.parseDictionary('sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")' +
  ';created=1618884473;keyid="test-key-ed25519"').members.get('sig-b26');
const base = v.buildSignatureBase(si, { method: 'POST', target: '/foo?param=Value&Pet=dog', authority: 'example.com',
  headers: { date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'content-type': 'application/json', 'content-length': '18' } });
const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' }, format: 'jwk' });
const sig = v.parseDictionary('sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w' +
  '6vuQv5lIp5WPpBKRCw==:').members.get('sig-b26').item.value;
const bad = Buffer.from(sig); bad[5] ^= 1;
console.log(JSON.stringify([crypto.verify(null, Buffer.from(base), key, sig),
  crypto.verify(null, Buffer.from(base), key, bad), base.split('\n').length]));
"""
        self.assertEqual(json.loads(self.node_eval(script)), [True, False, 7])

    def test_ipv6_text_matches_inet_ntop(self):
        samples = []
        rnd = __import__("random").Random(7)
        for _ in range(500):
            words = [rnd.choice([0, 0, 0, 1, 0xffff, rnd.randrange(65536)]) for _ in range(8)]
            samples.append(socket.inet_ntop(socket.AF_INET6, b"".join(w.to_bytes(2, "big") for w in words)))
        f = os.path.join(self.tmp, "ips.json")
        with open(f, "w") as fh:
            json.dump(samples, fh)
        out = self.node_eval(
            "const v=require(process.env.VERIFY_JS);"
            "const ips=JSON.parse(require('fs').readFileSync(%r,'utf8'));"
            "console.log(JSON.stringify(ips.filter(ip=>v.ipv6Text(v.ipv6Bytes(ip))!==ip)))" % f)
        self.assertEqual(json.loads(out), [])


class TestCerts(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test-receiver-certs-")
        cls.certs = rh.make_certs(os.path.join(cls.tmp, "certs"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def handshake(self, pair, ca, hostname="127.0.0.1"):
        cert, key = pair
        with rh.Receiver(cert, key, ca=ca) as r:
            ctx = ssl.create_default_context(cafile=ca)
            with socket.create_connection(("127.0.0.1", r.port), timeout=10) as s:
                with ctx.wrap_socket(s, server_hostname=hostname):
                    return True

    def test_files_and_idempotence(self):
        c = self.certs
        for p in (c.ca, c.ca_key, c.server_cert, c.server_key, c.other_ca, c.expired_cert, c.expired_key,
                  c.wrong_host_cert, c.wrong_host_key):
            self.assertTrue(os.path.getsize(p) > 0, p)
        before = read(c.server_cert)
        out = run(["sh", rh.MAKE_CERTS_SH, c.dir]).stdout.decode().strip()
        self.assertEqual(out, c.pin)
        self.assertEqual(read(c.server_cert), before)

    def test_pin_is_spki_sha256_of_server_cert(self):
        spki = run(["openssl", "x509", "-in", self.certs.server_cert, "-pubkey", "-noout"]).stdout
        der = run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=spki).stdout
        want = "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()
        self.assertEqual(self.certs.pin, want)
        self.assertNotEqual(self.certs.other_pin, want)

    def test_good_server_cert(self):
        self.assertTrue(self.handshake(self.certs.pair("server"), self.certs.ca))
        self.assertTrue(self.handshake(self.certs.pair("server"), self.certs.ca, hostname="localhost"))

    def test_bad_certs_fail_verification(self):
        c = self.certs
        cases = [
            (c.pair("expired"), c.ca, "expired"),
            (c.pair("wrong-host"), c.ca, "mismatch"),
            (c.pair("server"), c.other_ca, "unable to get local issuer"),
            (c.pair("other-server"), c.ca, "unable to get local issuer"),
        ]
        for pair, ca, fragment in cases:
            with self.assertRaises(ssl.SSLCertVerificationError) as cm:
                self.handshake(pair, ca)
            self.assertIn(fragment, str(cm.exception))

    @unittest.skipUnless(shutil.which("curl"), "curl not installed")
    def test_pin_with_curl(self):
        c = self.certs
        with rh.Receiver(c.server_cert, c.server_key, ca=c.ca) as r:
            base = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", c.ca, r.url + "/records"]
            ok = subprocess.run(base + ["--pinnedpubkey", c.pin], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual((ok.returncode, ok.stdout), (0, b"200"), ok.stderr)
            bad = subprocess.run(base + ["--pinnedpubkey", c.other_pin], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            self.assertEqual(bad.returncode, 90, bad.stderr)  # CURLE_SSL_PINNEDPUBKEYNOTMATCH


class TestLifecycle(unittest.TestCase):

    def test_sigterm_with_stalled_request(self):
        r = rh.Receiver(http=True).start()
        try:
            r.control(mode="stall")
            with socket.create_connection(("127.0.0.1", r.port), timeout=5) as s:
                s.sendall(b"POST /v1/presence HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                deadline = time.monotonic() + 5
                while r.stats()["stalled"] < 1 and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertEqual(r.stats()["stalled"], 1)
                t = time.monotonic()
                r.proc.send_signal(signal.SIGTERM)
                self.assertEqual(r.proc.wait(10), 0)
                self.assertLess(time.monotonic() - t, 5)
        finally:
            r.__exit__(None, None, None)

if __name__ == "__main__":
    unittest.main()
