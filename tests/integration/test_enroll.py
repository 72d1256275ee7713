"""`pharos-pulse enroll` against the test receiver (contract §7).

Token enrollment over HTTPS (good, refused, unavailable, untrusted, pinned),
the config it writes and what later commands make of it, the token's secrecy,
and `--preprovisioned`, which must not touch the network.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver_harness as rh  # noqa: E402
from pulse_cli import clean_environment, unused_port  # noqa: E402

BINARY = os.environ.get("PULSE_BINARY", "pharos-pulse")
TOKEN = "enroll-token-5ecr3t-7Qx9"

CERTS = None
CERTS_DIR = None


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-enroll-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


class Node:
    """One node's files: config, key and state directory in a fresh directory."""

    def __init__(self, test):
        self.dir = tempfile.mkdtemp(prefix="pulse-enroll-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.config = os.path.join(self.dir, "etc", "pulse.toml")
        self.key = os.path.join(self.dir, "etc", "pulse_id")
        self.state = os.path.join(self.dir, "state")
        self.token_file = os.path.join(self.dir, "token")
        with open(self.token_file, "w") as f:
            f.write("  %s  \nsecond line\n" % TOKEN)
        # The config is named explicitly, so it must exist; an empty one is
        # what a fresh package installs.
        os.makedirs(os.path.dirname(self.config))
        self.write_config("")

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def config_text(self):
        with open(self.config) as f:
            return f.read()

    def config_toml(self):
        with open(self.config, "rb") as f:
            return tomllib.load(f)

    def run(self, *args, env=None, stdin=None, timeout=60):
        command = [BINARY, "--config", self.config, "--key", self.key,
                   "--state-dir", self.state, "--timeout", "5s"] + list(args)
        return subprocess.run(command, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout,
                              env=env if env is not None else clean_environment())

    def fingerprint(self):
        out = subprocess.run(["ssh-keygen", "-l", "-f", self.key + ".pub"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return out.split()[1]

    def files_under(self, *roots):
        for root in roots:
            for dirpath, _, names in os.walk(root):
                for name in names:
                    yield os.path.join(dirpath, name)


class EnrollTestCase(unittest.TestCase):
    def setUp(self):
        self.node = Node(self)
        self.receiver = rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca)
        self.receiver.start()
        self.addCleanup(self.receiver.stop)

    def enroll(self, *args, **kw):
        return self.node.run("enroll", "--server", self.receiver.url, *args, **kw)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code,
                         "stdout: %s\nstderr: %s" % (result.stdout, result.stderr))

    def assertNothingWritten(self):
        self.assertEqual(self.node.config_text(), "")
        spool = os.path.join(self.node.state, "spool")
        self.assertEqual(os.listdir(spool) if os.path.isdir(spool) else [], [])


class TokenEnrollment(EnrollTestCase):
    def test_good_token_enrolls_and_writes_the_config(self):
        self.receiver.control(tokens=[TOKEN],
                              enroll_response={"node_id": "node-17", "heartbeat_interval": "30m"})
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 0)

        fingerprint = self.node.fingerprint()
        self.assertIn(fingerprint, result.stdout)
        self.assertIn("node-17", result.stdout)
        self.assertIn(os.path.abspath(self.node.config), result.stdout)

        records = self.receiver.requests("enroll")
        self.assertEqual(len(records), 1)
        record = records[0]
        self.assertTrue(record["verified"], record["error"])
        self.assertEqual(record["keyid"], fingerprint)
        self.assertEqual(record["path"], "/v1/enroll")
        self.assertEqual(json.loads(record["body"])["token"], TOKEN)

        config = self.node.config_toml()
        self.assertEqual(config["server"]["url"], self.receiver.url)
        self.assertEqual(config["server"]["ca_file"], CERTS.ca)
        self.assertNotIn("pinned_pubkey", config["server"])
        self.assertEqual(config["identity"]["key_file"], self.node.key)
        self.assertEqual(config["identity"]["node_id"], "node-17")
        self.assertEqual(config["heartbeat"]["interval"], "30m")
        self.assertEqual(stat.S_IMODE(os.stat(self.node.config).st_mode), 0o644)

    def test_token_from_environment_and_standard_input(self):
        self.receiver.control(tokens=[TOKEN])
        result = self.enroll("--ca-file", CERTS.ca, "--no-write-config",
                             env=clean_environment(PHAROS_ENROLL_TOKEN=TOKEN))
        self.assertExit(result, 0)
        result = self.enroll("--ca-file", CERTS.ca, "--no-write-config", "--token", "-",
                             stdin=" %s\nignored\n" % TOKEN)
        self.assertExit(result, 0)
        self.assertEqual(len(self.receiver.requests("enroll")), 2)

    def test_token_on_the_command_line_works_with_a_warning(self):
        self.receiver.control(tokens=[TOKEN])
        result = self.enroll("--ca-file", CERTS.ca, "--no-write-config", "--token", TOKEN)
        self.assertExit(result, 0)
        self.assertIn("process list", result.stderr)
        self.assertNotIn(TOKEN, result.stderr + result.stdout)

    def test_missing_or_empty_token_is_a_usage_error(self):
        result = self.enroll("--ca-file", CERTS.ca)
        self.assertExit(result, 2)
        self.assertIn("--token-file", result.stderr)
        empty = os.path.join(self.node.dir, "empty")
        open(empty, "w").close()
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file", empty), 2)
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token", "-", stdin=""), 2)
        self.assertEqual(self.receiver.requests("enroll"), [])
        self.assertNothingWritten()

    def test_json_needs_preprovisioned(self):
        self.assertExit(self.enroll("--token-file", self.node.token_file, "--json"), 2)

    def test_expired_token_exits_77_with_the_servers_message(self):
        self.receiver.control(mode="status", status=401, body='{"error":"token expired"}')
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 77)
        self.assertIn("token expired", result.stderr)
        self.assertNothingWritten()

    def test_forbidden_exits_77(self):
        self.receiver.control(mode="status", status=403, body='{"error":"node not allowed"}')
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 77)
        self.assertIn("node not allowed", result.stderr)
        self.assertNothingWritten()

    def test_unavailable_exits_69_and_writes_nothing(self):
        self.receiver.control(mode="status", status=503)
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 69)
        self.assertIn("503", result.stderr)
        self.assertNothingWritten()

    def test_malformed_answer_is_a_protocol_error(self):
        for answer in ([1, 2], {"heartbeat_interval": "soon"}, {"node_id": 7},
                       {"heartbeat_interval": "1ms"}, {"heartbeat_interval": "59s"}):
            self.receiver.control(enroll_response=answer)
            result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
            self.assertExit(result, 76)
            self.assertNothingWritten()
        self.assertIn("heartbeat_interval below 1m", result.stderr)

    def test_server_text_is_shown_with_controls_escaped(self):
        # ESC, CR and U+009B (CSI in one character) from the server (issue 14).
        self.receiver.control(enroll_response={"node_id": "n\x1b[2J\r\u009b31m-7"})
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 0)
        self.assertIn("n\\x1b[2J\\x0d\\u009b31m-7", result.stdout)
        for control in ("\x1b", "\r", "\u009b"):
            self.assertNotIn(control, result.stdout + result.stderr)
        self.receiver.control(mode="status", status=401,
                              body={"error": "bad\x1b]0;owned\x07 token\u009b2J"})
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file)
        self.assertExit(result, 77)
        self.assertIn("bad\\x1b]0;owned\\x07 token\\u009b2J", result.stderr)

    def test_non_ascii_from_the_server_is_written_so_that_run_reads_it_back(self):
        node_id = "n\u0153ud-\u00e9 \u2003\U0001F600"
        self.receiver.control(enroll_response={"node_id": node_id, "heartbeat_interval": "30m"})
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        text = self.node.config_text()
        self.assertTrue(text.isascii(), text)
        self.assertIn("\\u0153", text)
        self.assertEqual(self.node.config_toml()["identity"]["node_id"], node_id)
        self.assertExit(self.node.run("inspect"), 0)

    def test_symlinked_config_is_followed_and_keeps_mode_owner_and_group(self):
        target = os.path.join(self.node.dir, "real.toml")
        os.replace(self.node.config, target)
        os.symlink(target, self.node.config)
        os.chmod(target, 0o604)
        if os.geteuid() == 0:
            os.chown(target, 65534, 65534)
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        self.assertTrue(os.path.islink(self.node.config))
        status = os.stat(target)
        self.assertEqual(stat.S_IMODE(status.st_mode), 0o604)
        if os.geteuid() == 0:
            self.assertEqual((status.st_uid, status.st_gid), (65534, 65534))
        self.assertEqual(self.node.config_toml()["server"]["url"], self.receiver.url)

    def test_config_with_a_proxy_password_becomes_0600(self):
        self.node.write_config('[server]\nproxy = "http://user:s3cret@127.0.0.1:9"\n')
        os.chmod(self.node.config, 0o644)
        self.assertExit(self.enroll("--preprovisioned"), 0)
        self.assertEqual(stat.S_IMODE(os.stat(self.node.config).st_mode), 0o600)

    def test_reenrolling_keeps_the_key_and_other_settings(self):
        self.node.write_config('[spool]\nmax_events = 5\n\n[identity]\nhostname = "web-07"\n')
        self.receiver.control(enroll_response={"node_id": "first"})
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        with open(self.node.key, "rb") as f:
            key = f.read()
        self.receiver.control(enroll_response={"node_id": "second"})
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        with open(self.node.key, "rb") as f:
            self.assertEqual(f.read(), key)
        config = self.node.config_toml()
        self.assertEqual(config["identity"]["node_id"], "second")
        self.assertEqual(config["identity"]["hostname"], "web-07")
        self.assertEqual(config["spool"]["max_events"], 5)
        keyids = {r["keyid"] for r in self.receiver.requests("enroll")}
        self.assertEqual(keyids, {self.node.fingerprint()})

    def test_no_write_config_leaves_the_file_alone(self):
        self.receiver.control(enroll_response={"node_id": "n"})
        result = self.enroll("--ca-file", CERTS.ca, "--token-file", self.node.token_file,
                             "--no-write-config")
        self.assertExit(result, 0)
        self.assertIn("not written (--no-write-config)", result.stdout)
        self.assertEqual(self.node.config_text(), "")

    def test_written_config_works_for_inspect_and_send(self):
        self.receiver.control(enroll_response={"node_id": "node-99"})
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        env = clean_environment()
        common = [BINARY, "--config", self.node.config, "--state-dir", self.node.state]
        inspect = subprocess.run(common + ["inspect"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env, timeout=60)
        self.assertExit(inspect, 0)
        self.assertIn("node-99", inspect.stdout)
        self.assertIn(self.receiver.url, inspect.stdout)
        self.assertIn(self.node.fingerprint(), inspect.stdout)

        self.receiver.add_key(self.node.key + ".pub")
        send = subprocess.run(common + ["send", "online"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=60)
        self.assertExit(send, 0)
        presence = self.receiver.requests("presence")
        self.assertEqual(len(presence), 1)
        self.assertTrue(presence[0]["verified"], presence[0]["error"])
        self.assertEqual(presence[0]["keyid"], self.node.fingerprint())

    def test_ph_server_needs_preprovisioned(self):
        result = self.node.run("enroll", "--server", "ph://hub.example.net",
                               "--token-file", self.node.token_file)
        self.assertExit(result, 2)
        self.assertIn("--preprovisioned", result.stderr)
        self.assertNothingWritten()


class Trust(EnrollTestCase):
    def test_untrusted_ca_is_refused_with_a_hint(self):
        for extra in ([], ["--ca-file", CERTS.other_ca]):
            result = self.enroll("--token-file", self.node.token_file, *extra)
            self.assertExit(result, 69)
            self.assertIn("--ca-file", result.stderr)
            self.assertIn("certificate", result.stderr)
            self.assertNothingWritten()
            self.assertIn("--pin", result.stderr)
        self.assertEqual(self.receiver.requests("enroll"), [])

    def test_right_pin_enrolls_and_is_saved(self):
        result = self.enroll("--ca-file", CERTS.ca, "--pin", CERTS.pin,
                             "--token-file", self.node.token_file)
        self.assertExit(result, 0)
        self.assertEqual(self.node.config_toml()["server"]["pinned_pubkey"], CERTS.pin)
        self.assertEqual(self.node.config_toml()["server"]["ca_file"], CERTS.ca)

    def test_wrong_pin_is_refused(self):
        result = self.enroll("--ca-file", CERTS.ca, "--pin", CERTS.other_pin,
                             "--token-file", self.node.token_file)
        self.assertExit(result, 69)
        self.assertIn("pin", result.stderr)
        self.assertNothingWritten()
        self.assertEqual(self.receiver.requests("enroll"), [])

    def test_servers_pin_is_saved_over_verified_tls(self):
        self.receiver.control(enroll_response={"pinned_pubkey": CERTS.pin})
        self.assertExit(self.enroll("--ca-file", CERTS.ca, "--token-file",
                                    self.node.token_file), 0)
        self.assertEqual(self.node.config_toml()["server"]["pinned_pubkey"], CERTS.pin)


class PlainHttp(unittest.TestCase):
    def test_servers_pin_is_not_saved_over_http(self):
        node = Node(self)
        with rh.Receiver(http=True) as receiver:
            receiver.control(enroll_response={"pinned_pubkey": CERTS.pin, "node_id": "h"})
            result = node.run("enroll", "--server", receiver.url,
                              "--token-file", node.token_file)
            self.assertEqual(result.returncode, 0, result.stderr)
        config = node.config_toml()
        self.assertEqual(config["identity"]["node_id"], "h")
        self.assertNotIn("pinned_pubkey", config["server"])


class Secrecy(EnrollTestCase):
    def test_token_never_appears_in_output_or_files(self):
        runs = []
        self.receiver.control(enroll_response={"node_id": "n"})
        runs.append(self.enroll("-v", "--ca-file", CERTS.ca, "--token-file",
                                self.node.token_file))
        self.receiver.control(mode="status", status=401, body='{"error":"token expired"}',
                              count=1)
        runs.append(self.enroll("-v", "--ca-file", CERTS.ca, "--token", "-",
                                stdin=TOKEN + "\n"))
        self.receiver.control(mode="status", status=503, count=1)
        runs.append(self.enroll("-v", "--ca-file", CERTS.ca,
                                env=clean_environment(PHAROS_ENROLL_TOKEN=TOKEN)))
        runs.append(self.enroll("-v", "--ca-file", CERTS.other_ca,
                                "--token-file", self.node.token_file))
        self.assertEqual([r.returncode for r in runs], [0, 77, 69, 69])
        for result in runs:
            self.assertNotIn(TOKEN, result.stdout)
            self.assertNotIn(TOKEN, result.stderr)
        checked = 0
        for path in self.node.files_under(os.path.dirname(self.node.config), self.node.state):
            with open(path, "rb") as f:
                self.assertNotIn(TOKEN.encode(), f.read(), path)
            checked += 1
        self.assertGreaterEqual(checked, 3)  # config, key, key.pub at least


class Preprovisioned(unittest.TestCase):
    def setUp(self):
        self.node = Node(self)

    def test_json_is_what_mdb_ingests_and_nothing_is_sent(self):
        with rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca) as receiver:
            result = self.node.run("enroll", "--preprovisioned", "--json",
                                   "--server", receiver.url, "--ca-file", CERTS.ca,
                                   "--pin", CERTS.pin)
            self.assertEqual(result.returncode, 0, result.stderr)
            stats = receiver.stats()
        # The stats call is itself one connection: pharos-pulse made none.
        self.assertEqual(stats["records"], 0)
        self.assertLessEqual(stats["connections"], 1)

        registration = json.loads(result.stdout)
        self.assertEqual(list(registration),
                         ["hostname", "hw_uuid", "ssh_pubkey_fingerprint", "public_key"])
        self.assertEqual(registration["ssh_pubkey_fingerprint"], self.node.fingerprint())
        with open(self.node.key + ".pub") as f:
            self.assertEqual(registration["public_key"], f.read().strip())
        payload = json.loads(self.node.run("inspect", "--json").stdout)
        self.assertEqual(registration["hostname"], payload["identity"]["hostname"])
        self.assertEqual(registration["hw_uuid"], payload["identity"]["hw_uuid"])

        config = self.node.config_toml()
        self.assertEqual(config["server"]["url"], receiver.url)
        self.assertEqual(config["server"]["ca_file"], CERTS.ca)
        self.assertEqual(config["server"]["pinned_pubkey"], CERTS.pin)
        self.assertEqual(config["identity"]["key_file"], self.node.key)

    def test_readable_block_without_any_server_listening(self):
        url = "https://127.0.0.1:%d" % unused_port()
        result = self.node.run("enroll", "--preprovisioned", "--server", url)
        self.assertEqual(result.returncode, 0, result.stderr)
        for field in ("hostname", "hw_uuid", "ssh_pubkey_fingerprint", "public_key"):
            self.assertIn(field, result.stdout)
        self.assertIn(self.node.fingerprint(), result.stdout)
        self.assertEqual(self.node.config_toml()["server"]["url"], url)

    def test_existing_key_is_kept(self):
        subprocess.run([BINARY, "--key", self.node.key, "--config", self.node.config,
                        "keygen"], check=True, stdout=subprocess.DEVNULL,
                       env=clean_environment())
        before = self.node.fingerprint()
        result = self.node.run("enroll", "--preprovisioned", "--json",
                               "--server", "https://hub.example.net")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["ssh_pubkey_fingerprint"], before)

    def test_ph_server(self):
        result = self.node.run("enroll", "--preprovisioned", "--server", "ph://hub.example.net")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.node.config_toml()["server"]["url"], "ph://hub.example.net")


if __name__ == "__main__":
    unittest.main()
