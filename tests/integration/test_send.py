"""`pharos-pulse send` against the test receiver (contract §4, §5, §6, §8).

Every row of the outcome table with its exit code, trust (CA file, pins,
untrusted certificates), configuration errors that must stop before any
connection, the spool (order after an outage, bound, corrupt files, two
concurrent senders), tampered requests the receiver's verifier must reject,
the secrecy of the private key, and the signing example published in
docs/PROTOCOL.md, checked with Node's crypto.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402

CERTS = None
CERTS_DIR = None


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-send-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def header_value(headers, name):
    values = [v for k, v in headers if k.lower() == name.lower()]
    if len(values) != 1:
        raise AssertionError("%d %s headers in %r" % (len(values), name, headers))
    return values[0]


def replace_header(headers, name, value):
    return [(k, value if k.lower() == name.lower() else v) for k, v in headers]


def nonce_of(signature_input):
    return re.search(r';nonce="([^"]+)"', signature_input).group(1)


class SendTestCase(unittest.TestCase):
    """A fresh node (key, state dir, empty config) and a receiver that trusts its key."""

    receiver_pair = "server"

    def setUp(self):
        self.node = pulse_cli.Node(prefix="pulse-send-")
        self.addCleanup(self.node.cleanup)
        cert, key = CERTS.pair(self.receiver_pair)
        self.rx = rh.Receiver(cert, key, ca=CERTS.ca).start()
        self.addCleanup(self.rx.__exit__, None, None, None)
        self.rx.add_key(self.node.pub)

    def send(self, event="heartbeat", *extra, server=None, ca_file=None, **options):
        return self.node.run("send", event, *extra,
                             server=self.rx.url if server is None else server,
                             ca_file=CERTS.ca if ca_file is None else ca_file, **options)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code, repr(result))

    def assertSpooled(self, count=1):
        files = self.node.spool_files()
        self.assertEqual(len(files), count, files)
        return files

    def assertNothingSpooled(self):
        self.assertEqual(self.node.spool_entries(), [])

    def assertNoRequest(self):
        self.assertEqual(self.rx.records(), [])
        self.assertEqual(self.rx.stats()["records"], 0)


class Outcomes(SendTestCase):
    """Contract §5, one status at a time."""

    def test_200_is_delivered_and_exits_0(self):
        r = self.send("heartbeat")
        self.assertExit(r, 0)
        self.assertIn("delivered HEARTBEAT", r.stderr)
        recs = self.rx.requests()
        self.assertEqual(len(recs), 1)
        rec = recs[0]
        self.assertTrue(rec["verified"], rec["error"])
        self.assertEqual((rec["method"], rec["path"], rec["status_sent"]), ("POST", "/v1/presence", 200))
        self.assertEqual(rec["keyid"], self.node.fingerprint())
        self.assertFalse(rec["duplicate"])
        self.assertTrue(rec["headers"]["user-agent"].startswith("pharos-pulse/"))
        body = json.loads(rec["body"])
        self.assertEqual(list(body), ["event", "identity", "metadata", "timestamp"])
        self.assertEqual(body["event"], "HEARTBEAT")
        self.assertEqual(body["identity"]["ssh_pubkey_fingerprint"], self.node.fingerprint())
        self.assertNothingSpooled()

    def test_401_is_refused_with_the_servers_message(self):
        self.rx.control(mode="status", status=401, body='{"error":"key revoked by admin"}')
        r = self.send()
        self.assertExit(r, 77)
        errors = [l for l in r.stderr.splitlines() if "error:" in l]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("401", errors[0])
        self.assertIn("key revoked by admin", errors[0])
        self.assertNothingSpooled()

    def test_403_is_refused(self):
        self.rx.control(mode="status", status=403)
        r = self.send()
        self.assertExit(r, 77)
        self.assertIn("Forbidden", r.stderr)
        self.assertNothingSpooled()

    def test_404_is_a_protocol_error(self):
        self.rx.control(mode="status", status=404)
        r = self.send()
        self.assertExit(r, 76)
        self.assertIn("404", r.stderr)
        self.assertNothingSpooled()

    def test_302_is_not_followed(self):
        self.rx.control(mode="status", status=302, count=1,
                        headers={"Location": self.rx.url + "/other/v1/presence"})
        r = self.send()
        self.assertExit(r, 76)
        self.assertIn("redirects are not followed", r.stderr)
        self.assertEqual([rec["path"] for rec in self.rx.records()], ["/v1/presence"])
        self.assertNothingSpooled()

    def test_429_with_retry_after_exits_69_at_once_and_spools(self):
        self.rx.control(mode="status", status=429, headers={"Retry-After": "3600"})
        r = self.send(process_timeout=30)  # waiting for Retry-After would time out
        self.assertExit(r, 69)
        self.assertIn("429", r.stderr)
        self.assertIn("spooled", r.stderr)
        self.assertSpooled(1)

    def test_503_exits_69_and_spools_the_payload_as_sent(self):
        self.rx.control(mode="status", status=503)
        r = self.send("online")
        self.assertExit(r, 69)
        (name,) = self.assertSpooled(1)
        rec = self.rx.requests()[0]
        self.assertTrue(rec["verified"], rec["error"])
        self.assertEqual(self.node.read_spool(name), rec["body"])
        timestamp, event_id = pulse_cli.split_spool_name(name)
        self.assertEqual(event_id, rec["idempotency_key"])
        self.assertEqual(timestamp, json.loads(rec["body"])["timestamp"])
        st = os.stat(os.path.join(self.node.spool_dir, name))
        self.assertEqual(st.st_mode & 0o777, 0o600)

    def test_stall_times_out_with_69_and_spools(self):
        self.rx.control(mode="stall")
        r = self.send(timeout="2s", process_timeout=30)
        self.assertExit(r, 69)
        self.assertLess(r.seconds, 8, "the 2 s timeout was not honoured")
        self.assertIn("no answer within 2s", r.stderr)
        self.assertSpooled(1)
        (rec,) = self.rx.records()
        self.assertTrue(rec["stalled"])

    def test_connection_refused_exits_69_and_spools(self):
        r = self.send(server="https://127.0.0.1:%d" % pulse_cli.unused_port())
        self.assertExit(r, 69)
        self.assertIn("check server.url and that the server is up", r.stderr)
        self.assertSpooled(1)

    def test_no_spool_with_503_writes_nothing_and_sends_only_the_event(self):
        self.rx.control(mode="status", status=503)
        self.assertExit(self.send("online"), 69)
        (older,) = self.assertSpooled(1)
        self.rx.reset()
        self.rx.control(mode="status", status=503)
        r = self.send("heartbeat", "--no-spool")
        self.assertExit(r, 69)
        self.assertNotIn("spooled", r.stderr)
        self.assertEqual(self.node.spool_files(), [older])
        (rec,) = self.rx.requests()
        self.assertEqual(json.loads(rec["body"])["event"], "HEARTBEAT")

    def test_no_spool_to_a_fresh_state_dir_creates_no_spool(self):
        self.rx.control(mode="status", status=503)
        self.assertExit(self.send("heartbeat", "--no-spool"), 69)
        self.assertFalse(os.path.exists(self.node.spool_dir))


class DryRun(SendTestCase):

    def test_dry_run_verifies_and_sends_nothing(self):
        r = self.send("online", "--dry-run")
        self.assertExit(r, 0)
        self.assertTrue(r.stdout.startswith("POST %s/v1/presence HTTP/1.1\n" % self.rx.url), r.stdout)
        self.assertEqual(rh.verify_dry_run(r.stdout, self.node.pub), (True, "verified"))
        _, _, headers, body = pulse_cli.parse_dry_run(r.stdout)
        self.assertEqual([k for k, _ in headers],
                         ["Content-Type", "Content-Digest", "Signature-Input", "Signature",
                          "User-Agent", "Idempotency-Key"])
        self.assertEqual(json.loads(body)["event"], "ONLINE")
        self.assertNoRequest()
        self.assertNothingSpooled()

    def test_dry_run_fails_verification_with_another_key(self):
        other = pulse_cli.Node(prefix="pulse-send-other-")
        self.addCleanup(other.cleanup)
        r = self.send("online", "--dry-run")
        ok, message = rh.verify_dry_run(r.stdout, other.pub)
        self.assertFalse(ok)
        self.assertIn("unknown keyid", message)

    def test_path_prefix_is_sent_and_signed(self):
        r = self.send("online", "--dry-run", server=self.rx.url + "/pharos/")
        self.assertTrue(r.stdout.startswith("POST %s/pharos/v1/presence HTTP/1.1\n" % self.rx.url))
        self.assertEqual(rh.verify_dry_run(r.stdout, self.node.pub), (True, "verified"))
        r = self.send("online", server=self.rx.url + "/pharos")
        self.assertExit(r, 0)
        # The success line names the URL as used, prefix included (issue 14).
        self.assertIn("delivered ONLINE to %s/pharos/v1/presence (200)" % self.rx.url, r.stderr)
        (rec,) = self.rx.records()
        self.assertEqual(rec["path"], "/pharos/v1/presence")
        self.assertTrue(rec["verified"], rec["error"])


class Inventory(SendTestCase):
    """Contract §3's inventory: with ONLINE only, as the system states it."""

    INVENTORY_KEYS = {"os_name", "os_version", "cpu_brand", "cpu_cores", "mem_total_kb",
                      "serial_number", "manufacturer", "product_name", "mac_addrs"}

    def inspect_json(self, event):
        r = self.node.run("inspect", "--json", "--event", event)
        self.assertExit(r, 0)
        return json.loads(r.stdout)

    def test_inspect_online_holds_what_the_system_says(self):
        payload = self.inspect_json("online")
        self.assertEqual(list(payload), ["event", "identity", "metadata", "inventory", "timestamp"])
        inventory = payload["inventory"]
        self.assertLessEqual(set(inventory), self.INVENTORY_KEYS)
        for name, value in pulse_cli.system_inventory().items():
            self.assertEqual(inventory.get(name), value, name)
        self.assertIsInstance(inventory["cpu_cores"], int)
        self.assertIsInstance(inventory["mem_total_kb"], int)
        self.assertEqual(inventory.get("mac_addrs", []), sorted(set(inventory.get("mac_addrs", []))))
        for event in ("heartbeat", "offline"):
            self.assertNotIn("inventory", self.inspect_json(event), event)

    def test_inspect_shows_the_inventory_to_a_person(self):
        r = self.node.run("inspect")
        self.assertExit(r, 0)
        block = r.stdout.split("inventory (sent with ONLINE)\n", 1)[1].split("\nserver\n", 1)[0]
        rows = dict(line.split(None, 1) for line in block.splitlines())
        facts = pulse_cli.system_inventory()
        self.assertEqual(rows["cpu_cores"], str(facts["cpu_cores"]))
        self.assertEqual(rows["mem_total_kb"], str(facts["mem_total_kb"]))
        self.assertEqual(rows["os_name"], facts["os_name"])
        self.assertEqual(set(rows), self.INVENTORY_KEYS)

    def test_only_online_carries_the_inventory_to_the_server(self):
        for event in ("online", "heartbeat", "offline"):
            self.assertExit(self.send(event), 0)
        recs = self.rx.requests()
        self.assertEqual(len(recs), 3)
        for rec in recs:
            self.assertTrue(rec["verified"], rec["error"])
        bodies = [json.loads(rec["body"]) for rec in recs]
        self.assertEqual(bodies[0]["inventory"]["cpu_cores"], os.sysconf("SC_NPROCESSORS_ONLN"))
        self.assertEqual([("inventory" in body) for body in bodies], [True, False, False])

    def test_dry_run_shows_the_inventory(self):
        r = self.send("online", "--dry-run")
        self.assertExit(r, 0)
        body = json.loads(pulse_cli.parse_dry_run(r.stdout)[3])
        self.assertEqual(body["inventory"]["mem_total_kb"],
                         pulse_cli.system_inventory()["mem_total_kb"])

    def test_a_spooled_online_keeps_the_inventory_it_was_made_with(self):
        self.rx.control(mode="status", status=503)
        self.assertExit(self.send("online"), 69)
        [name] = self.assertSpooled(1)
        spooled = self.node.read_spool(name)
        self.assertIn("inventory", json.loads(spooled))
        self.rx.control(mode="ok")
        self.assertExit(self.send("heartbeat"), 0)
        delivered = [rec for rec in self.rx.requests() if rec["status_sent"] == 200]
        self.assertEqual(delivered[0]["body"], spooled)
        self.assertNotIn("inventory", json.loads(delivered[1]["body"]))


class Trust(SendTestCase):

    def test_right_pin_delivers(self):
        r = self.send(pin=CERTS.pin)
        self.assertExit(r, 0)
        self.assertEqual(len(self.rx.requests()), 1)

    def test_one_right_pin_among_several_delivers(self):
        self.assertExit(self.send(pin=CERTS.other_pin + ";" + CERTS.pin), 0)

    def test_wrong_pin_exits_69_before_any_request(self):
        r = self.send(pin=CERTS.other_pin)
        self.assertExit(r, 69)
        self.assertIn("pinned_pubkey", r.stderr)
        self.assertNoRequest()
        self.assertSpooled(1)

    def test_malformed_pin_is_a_configuration_error(self):
        # Before issue 14 these were 69 with every event spooled forever, and a
        # path was read as a key file.
        pem = os.path.join(self.node.dir, "hub.pem")
        for pin in ("hello", "sha256/" + CERTS.pin[len("sha256//"):], CERTS.pin + ";", "sha256//AAAA",
                    pem):
            with self.subTest(pin=pin):
                r = self.send(pin=pin)
                self.assertExit(r, 78)
                self.assertIn("--pin: ", r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("looks like a file", r.stderr)
        env = pulse_cli.clean_environment(PHAROS_PULSE_PIN="hello")
        r = self.node.run("send", "heartbeat", server=self.rx.url, ca_file=CERTS.ca, env=env)
        self.assertExit(r, 78)
        self.assertIn("PHAROS_PULSE_PIN: 'hello'", r.stderr)
        self.assertNoRequest()
        self.assertNothingSpooled()

    def test_rust_agents_server_format_names_the_variable(self):
        env = pulse_cli.clean_environment(PHAROS_SERVER="hub:2378")
        r = self.node.run("send", "heartbeat", env=env)
        self.assertExit(r, 78)
        self.assertIn("PHAROS_SERVER", r.stderr)
        self.assertIn("ph://hub:2378", r.stderr)
        r = self.send(server="hub.example:8443")
        self.assertExit(r, 78)
        self.assertIn("(--server)", r.stderr)
        self.node.write_config('[server]\nurl = "hub.example"\n')
        r = self.node.run("send", "heartbeat")
        self.assertExit(r, 78)
        self.assertIn("(server.url)", r.stderr)
        self.assertIn("https://hub.example", r.stderr)

    def test_ca_file_that_did_not_sign_the_server_exits_69(self):
        r = self.send(ca_file=CERTS.other_ca)
        self.assertExit(r, 69)
        self.assertIn("not trusted by server.ca_file '%s'" % CERTS.other_ca, r.stderr)
        self.assertNoRequest()
        self.assertSpooled(1)

    def test_unreadable_ca_file_exits_78(self):
        missing = os.path.join(self.node.dir, "no-such-ca.pem")
        r = self.send(ca_file=missing)
        self.assertExit(r, 78)
        self.assertIn("cannot read CA file '%s'" % missing, r.stderr)
        r = self.send(ca_file=self.node.dir)  # a directory is not a CA file either
        self.assertExit(r, 78)
        self.assertIn("cannot read CA file", r.stderr)
        garbage = os.path.join(self.node.dir, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("this is no certificate\n")
        r = self.send(ca_file=garbage)
        self.assertExit(r, 78)
        self.assertIn("CA file '%s' holds no PEM certificate" % garbage, r.stderr)
        self.assertNoRequest()
        self.assertNothingSpooled()


class UntrustedServers(unittest.TestCase):
    """Certificates that must fail verification: no request may reach the server."""

    def check(self, pair):
        node = pulse_cli.Node(prefix="pulse-send-")
        self.addCleanup(node.cleanup)
        cert, key = CERTS.pair(pair)
        with rh.Receiver(cert, key, ca=CERTS.ca) as rx:
            rx.add_key(node.pub)
            r = node.run("send", "heartbeat", server=rx.url, ca_file=CERTS.ca)
            self.assertEqual(r.returncode, 69, repr(r))
            self.assertIn("cannot reach", r.stderr)
            self.assertEqual(rx.records(), [])
        self.assertEqual(len(node.spool_files()), 1)

    def test_server_cert_from_another_ca(self):
        self.check("other-server")

    def test_expired_server_cert(self):
        self.check("expired")

    def test_server_cert_for_another_host(self):
        self.check("wrong-host")


class Configuration(SendTestCase):
    """Errors found before any connection: exit 78, nothing sent, nothing spooled."""

    def assertConfigurationError(self, result, fragment):
        self.assertExit(result, 78)
        self.assertIn(fragment, result.stderr)
        self.assertNoRequest()
        self.assertNothingSpooled()

    def test_http_to_a_non_loopback_host(self):
        # 192.0.2.1 (TEST-NET-1) never answers: a connection attempt would hang.
        for url in ("http://192.0.2.1:%d" % self.rx.port, "http://pharos.example.net"):
            with self.subTest(url=url):
                r = self.send(server=url, timeout="30s", process_timeout=20)
                self.assertConfigurationError(r, "http:// is only allowed to a loopback host")

    def test_bad_urls_and_schemes(self):
        for url, fragment in (("ftp://127.0.0.1:%d" % self.rx.port, "scheme 'ftp' is not supported"),
                              ("127.0.0.1:%d" % self.rx.port, "bad server url"),
                              ("https://user:pw@127.0.0.1:%d" % self.rx.port, "credentials"),
                              (self.rx.url + "/?x=1", "query")):
            with self.subTest(url=url):
                self.assertConfigurationError(self.send(server=url), fragment)

    def test_no_server_url(self):
        r = self.node.run("send", "heartbeat")
        self.assertConfigurationError(r, "no server url")

    def test_missing_key_says_how_to_make_one(self):
        node = pulse_cli.Node(keygen=False, prefix="pulse-send-nokey-")
        self.addCleanup(node.cleanup)
        r = node.run("send", "heartbeat", server=self.rx.url, ca_file=CERTS.ca)
        self.assertExit(r, 78)
        self.assertIn(node.key, r.stderr)
        self.assertIn("pharos-pulse keygen", r.stderr)
        self.assertNoRequest()
        self.assertEqual(node.spool_entries(), [])

    def test_settings_come_from_the_config_file(self):
        self.node.write_config('[server]\nurl = "%s/pharos"\nca_file = "%s"\npinned_pubkey = "%s"\n'
                               % (self.rx.url, CERTS.ca, CERTS.pin))
        r = self.node.run("send", "online")
        self.assertExit(r, 0)
        (rec,) = self.rx.records()
        self.assertEqual(rec["path"], "/pharos/v1/presence")


class Spool(SendTestCase):
    """Contract §6."""

    def test_outage_then_recovery_keeps_order_ids_and_times(self):
        self.rx.control(mode="status", status=503)
        for event in ("online", "heartbeat", "heartbeat"):
            self.assertExit(self.send(event), 69)
        files = self.assertSpooled(3)
        spooled = [(pulse_cli.split_spool_name(n), self.node.read_spool(n)) for n in files]
        self.assertEqual([json.loads(body)["event"] for _, body in spooled],
                         ["ONLINE", "HEARTBEAT", "HEARTBEAT"])
        # While the server is down each send retries only the oldest event.
        outage = self.rx.requests()
        online_id = spooled[0][0][1]
        self.assertEqual([r["idempotency_key"] for r in outage], [online_id] * 3)

        self.rx.reset()
        r = self.send("offline")
        self.assertExit(r, 0)
        recs = self.rx.requests()
        self.assertEqual([json.loads(r["body"])["event"] for r in recs],
                         ["ONLINE", "HEARTBEAT", "HEARTBEAT", "OFFLINE"])
        for rec, ((timestamp, event_id), body) in zip(recs, spooled):
            self.assertTrue(rec["verified"], rec["error"])
            self.assertEqual(rec["body"], body)  # original payload, original timestamp
            self.assertEqual(json.loads(rec["body"])["timestamp"], timestamp)
            self.assertEqual(rec["idempotency_key"], event_id)
            self.assertFalse(rec["duplicate"])
        nonces = [nonce_of(r["headers"]["signature-input"]) for r in outage + recs]
        self.assertEqual(len(set(nonces)), len(nonces), "a signature was reused")
        self.assertEqual(len({r["idempotency_key"] for r in recs}), 4)
        self.assertNothingSpooled()

    def test_spool_keeps_at_most_max_events(self):
        self.node.write_config("[spool]\nmax_events = 3\n")
        self.rx.control(mode="status", status=503)
        added = []
        for i in range(5):
            before = set(self.node.spool_files())
            r = self.send()
            self.assertExit(r, 69)
            if i < 3:
                self.assertNotIn("warning:", r.stderr)
            else:
                self.assertIn("spool.max_events", r.stderr)
                self.assertIn("dropped the oldest, " + added[i - 3], r.stderr)
            new = set(self.node.spool_files()) - before
            self.assertEqual(len(new), 1, new)
            added += new
            self.assertLessEqual(len(self.node.spool_files()), 3)
        self.assertEqual(self.node.spool_files(), added[2:])

    def test_corrupt_spool_file_is_moved_aside_and_not_retried(self):
        self.rx.control(mode="status", status=503)
        self.assertExit(self.send("online"), 69)
        (good,) = self.assertSpooled(1)
        corrupt = "2020-01-01T00:00:00.000Z-AAAAAAAAAAAAAAAAAAAAAA.json"
        with open(os.path.join(self.node.spool_dir, corrupt), "w") as f:
            f.write('{"event": "ONLI')
        self.rx.reset()
        r = self.send("heartbeat")
        self.assertExit(r, 0)
        self.assertIn("warning:", r.stderr)
        self.assertIn(corrupt, r.stderr)
        self.assertEqual(self.node.spool_entries(), [corrupt + ".corrupt"])
        keys = [rec["idempotency_key"] for rec in self.rx.requests()]
        self.assertEqual(keys[0], pulse_cli.split_spool_name(good)[1])
        self.assertEqual(len(keys), 2)

        self.rx.reset()
        r = self.send("heartbeat")
        self.assertExit(r, 0)
        self.assertNotIn("warning:", r.stderr)
        self.assertEqual(len(self.rx.requests()), 1)
        self.assertEqual(self.node.spool_entries(), [corrupt + ".corrupt"])

    def test_concurrent_sends_deliver_each_event_once(self):
        self.rx.control(mode="status", status=503)
        for _ in range(20):
            self.assertExit(self.send(), 69)
        spooled = [pulse_cli.split_spool_name(n)[1] for n in self.assertSpooled(20)]
        self.rx.reset()
        self.rx.control(mode="ok", delay_ms=20)  # widen the window for a race
        procs = [self.node.popen("send", "heartbeat", server=self.rx.url, ca_file=CERTS.ca,
                                 timeout="10s") for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        recs = self.rx.requests()
        keys = [r["idempotency_key"] for r in recs]
        self.assertEqual(len(keys), 22)
        self.assertEqual(len(set(keys)), 22, "an event was delivered twice")
        self.assertTrue(set(spooled) <= set(keys))
        self.assertEqual([k for k in keys if k in spooled], spooled, "spool order not kept")
        self.assertEqual([r for r in recs if r["duplicate"] or not r["verified"]], [])
        self.assertNothingSpooled()


class Tampering(SendTestCase):
    """Real pharos-pulse requests, changed in flight, must be rejected."""

    def dry_run(self):
        r = self.send("online", "--dry-run")
        self.assertExit(r, 0)
        _, url, headers, body = pulse_cli.parse_dry_run(r.stdout)
        return urllib.parse.urlsplit(url).path, headers, body

    def post(self, path, headers, body):
        ctx = ssl.create_default_context(cafile=CERTS.ca)
        conn = http.client.HTTPSConnection("127.0.0.1", self.rx.port, timeout=10, context=ctx)
        try:
            conn.putrequest("POST", path)
            data = body.encode()
            for name, value in headers:
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(data)))
            conn.endheaders(data)
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        finally:
            conn.close()

    def assertRejected(self, request, fragment):
        status, answer = self.post(*request)
        self.assertEqual(status, 400, answer)
        self.assertIn(fragment, answer["error"])
        self.assertFalse(self.rx.records()[-1]["verified"])

    def test_untampered_request_is_accepted_once(self):
        request = self.dry_run()
        self.assertEqual(self.post(*request), (200, {"ok": True}))
        self.assertTrue(self.rx.records()[-1]["verified"])
        self.assertRejected(request, "nonce replayed")

    def test_changed_body_is_rejected(self):
        path, headers, body = self.dry_run()
        self.assertRejected((path, headers, body.replace('"ONLINE"', '"OFFLINE"')), "content-digest")

    def test_changed_body_with_a_matching_digest_is_rejected(self):
        path, headers, body = self.dry_run()
        body = body.replace('"ONLINE"', '"OFFLINE"')
        digest = "sha-256=:%s:" % base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        self.assertRejected((path, replace_header(headers, "Content-Digest", digest), body),
                            "signature verification failed")

    def test_changed_signature_is_rejected(self):
        path, headers, body = self.dry_run()
        raw = bytearray(base64.b64decode(header_value(headers, "Signature")[len("pulse=:"):-1]))
        raw[0] ^= 0x01
        signature = "pulse=:%s:" % base64.b64encode(bytes(raw)).decode()
        self.assertRejected((path, replace_header(headers, "Signature", signature), body),
                            "signature verification failed")

    def test_changed_signature_parameters_are_rejected(self):
        path, headers, body = self.dry_run()
        params = header_value(headers, "Signature-Input")
        created = int(re.search(r";created=(\d+)", params).group(1))
        params = params.replace(";created=%d" % created, ";created=%d" % (created - 1))
        self.assertRejected((path, replace_header(headers, "Signature-Input", params), body),
                            "signature verification failed")

    def test_other_path_is_rejected(self):
        path, headers, body = self.dry_run()
        self.assertRejected(("/pharos" + path, headers, body), "signature verification failed")


class Secrecy(SendTestCase):

    def test_private_key_never_appears_in_output_spool_or_requests(self):
        secrets = self.node.private_key_secrets()
        self.assertGreater(len(secrets), 6)
        seen = [self.node.keygen_result.stdout, self.node.keygen_result.stderr]
        runs = [self.send("online", "-v"), self.send("heartbeat", "--dry-run", "-v"),
                self.node.run("inspect"), self.node.run("inspect", "--json")]
        self.rx.control(mode="status", status=503)
        runs.append(self.send("offline", "-v"))
        self.assertExit(runs[0], 0)
        self.assertExit(runs[-1], 69)
        for r in runs:
            seen += [r.stdout, r.stderr]
        seen += [self.node.read_spool(n) for n in self.assertSpooled(1)]
        seen.append(json.dumps(self.rx.records()))
        text = "\n".join(seen)
        for secret in secrets:
            self.assertNotIn(secret, text)


class PublishedVector(unittest.TestCase):
    """docs/PROTOCOL.md's worked example, checked with Node's crypto and the receiver's verifier."""

    CHECK_JS = r"""
'use strict';
const crypto = require('crypto');
const verify = require(process.env.VERIFY_JS);
const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const seed = Buffer.from(v.seed_hex, 'hex');
const priv = crypto.createPrivateKey({ key: Buffer.concat([
  Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const pub = crypto.createPublicKey(priv);
const raw = pub.export({ format: 'der', type: 'spki' }).subarray(12);
const sshString = (b) => { const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); };
const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
const out = { blob: blob.toString('base64'),
  fingerprint: 'SHA256:' + crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, ''),
  requests: [] };
for (const r of v.requests) {
  const body = Buffer.from(r.body, 'utf8');
  const digest = 'sha-256=:' + crypto.createHash('sha256').update(body).digest('base64') + ':';
  const params = r.signature_input.slice('pulse='.length);
  const base = ['"@method": POST', '"@authority": ' + r.authority, '"@path": ' + r.path,
    '"content-type": ' + r.content_type, '"content-digest": ' + digest,
    '"idempotency-key": ' + r.idempotency_key, '"@signature-params": ' + params].join('\n');
  const member = verify.parseDictionary(r.signature_input).members.get('pulse');
  const receiverBase = verify.buildSignatureBase(member, { method: 'POST', target: r.path,
    headers: { 'content-type': r.content_type, 'content-digest': r.content_digest,
      'idempotency-key': r.idempotency_key }, authority: r.authority });
  const sig = Buffer.from(r.signature.slice('pulse=:'.length, -1), 'base64');
  out.requests.push({ digest, base, receiver_base: receiverBase,
    signature: 'pulse=:' + crypto.sign(null, Buffer.from(base), priv).toString('base64') + ':',
    verifies: crypto.verify(null, Buffer.from(r.base != null ? r.base : base), pub, sig) });
}
process.stdout.write(JSON.stringify(out));
"""

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(pulse_cli.SOURCE_DIR, "docs", "PROTOCOL.md")) as f:
            cls.doc = f.read()
        cls.blocks = re.findall(r"^```[a-z]*\n(.*?)\n```$", cls.doc, re.S | re.M)
        cls.tmp = tempfile.mkdtemp(prefix="pulse-send-vector-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def block(self, start):
        found = [b for b in self.blocks if b.startswith(start)]
        self.assertEqual(len(found), 1, "docs/PROTOCOL.md: one block starting %r" % start)
        return found[0]

    def vector(self):
        seed = re.search(r"seed \(hex\): `([0-9a-f]{64})`", self.doc)
        self.assertIsNotNone(seed, "docs/PROTOCOL.md: the seed in hex")
        requests = []
        for prefix in ("", "/pharos"):
            text = self.block("POST https://hub.example:8443%s/v1/presence HTTP/1.1\n" % prefix) + "\n"
            _, url, headers, body = pulse_cli.parse_dry_run(text)
            request = {"text": text, "path": urllib.parse.urlsplit(url).path, "body": body,
                       "authority": urllib.parse.urlsplit(url).netloc,
                       "idempotency_key": header_value(headers, "Idempotency-Key"),
                       "content_type": header_value(headers, "Content-Type"),
                       "content_digest": header_value(headers, "Content-Digest"),
                       "signature_input": header_value(headers, "Signature-Input"),
                       "signature": header_value(headers, "Signature"), "base": None}
            if not prefix:
                request["base"] = self.block('"@method": POST\n"@authority": hub.example:8443\n')
            requests.append(request)
        return {"seed_hex": seed.group(1), "pub": self.block("ssh-ed25519 "), "requests": requests}

    def test_vector_checks_out_with_node_crypto(self):
        v = self.vector()
        env = dict(os.environ, VERIFY_JS=os.path.join(rh.RECEIVER_DIR, "verify.js"))
        p = subprocess.run([rh.node_binary(), "-e", self.CHECK_JS], input=json.dumps(v).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        got = json.loads(p.stdout)
        self.assertEqual(v["pub"].split()[1], got["blob"])
        self.assertIn("keyid=\"%s\"" % got["fingerprint"], v["requests"][0]["signature_input"])
        for request, check in zip(v["requests"], got["requests"]):
            with self.subTest(path=request["path"]):
                self.assertEqual(request["content_digest"], check["digest"])
                self.assertEqual(check["base"], check["receiver_base"])
                if request["base"] is not None:
                    self.assertEqual(request["base"], check["base"])
                self.assertTrue(check["verifies"])
                self.assertEqual(request["signature"], check["signature"])  # Ed25519 is deterministic

    def test_vector_passes_the_receivers_verifier(self):
        v = self.vector()
        pub = os.path.join(self.tmp, "vector.pub")
        with open(pub, "w") as f:
            f.write(v["pub"] + "\n")
        out = subprocess.run(["ssh-keygen", "-l", "-f", pub], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        self.assertIn("keyid=\"%s\"" % out.split()[1], v["requests"][0]["signature_input"])
        for request in v["requests"]:
            self.assertEqual(rh.verify_dry_run(request["text"], pub, ignore_time=True),
                             (True, "verified"))
            tampered = request["text"].replace('"HEARTBEAT"', '"OFFLINE"')
            self.assertFalse(rh.verify_dry_run(tampered, pub, ignore_time=True)[0])


if __name__ == "__main__":
    unittest.main()
