"""`pharos-pulse status [--json]` against a real daemon (contract §8).

A `run` delivering to the test receiver, one whose server is down with
events in the spool, one that stopped (and one killed, whose status file
stays behind), and a user who may not look: the exit codes of LSB init
scripts (0, 1, 3, 4), the person's view and the JSON, which must validate
against docs/status.schema.json.
"""

import json
import os
import signal
import subprocess
import sys
import unittest

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run  # noqa: E402
from pulse_cli import clean_environment, unused_port  # noqa: E402
from test_run import BINARY, SOURCE_DIR, Daemon, DaemonTestCase, Node, wait_until  # noqa: E402

with open(os.path.join(SOURCE_DIR, "docs", "status.schema.json")) as schema_file:
    SCHEMA = json.load(schema_file)


def setUpModule():
    test_run.setUpModule()


def tearDownModule():
    test_run.tearDownModule()


def as_nobody():
    """A prefix that runs a command as `nobody`, or None when we cannot."""
    if os.geteuid() != 0:
        return None
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]


class Status(DaemonTestCase):
    def status(self, node, *args, prefix=()):
        command = list(prefix) + [BINARY, "--config", node.config, "status"] + list(args)
        return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=60, env=clean_environment())

    def status_json(self, node, prefix=()):
        result = self.status(node, "--json", prefix=prefix)
        report = json.loads(result.stdout)
        jsonschema.validate(report, SCHEMA)
        codes = {"ok": 0, "failing": 1, "stopped": 3, "unknown": 4}
        self.assertEqual(result.returncode, codes[report["status"]], result)
        return result.returncode, report

    def wait_for_status(self, node, wanted):
        """The JSON report once `wanted(report)` holds (the daemon writes as it goes)."""
        reports = []

        def check():
            reports.append(self.status_json(node)[1])
            return wanted(reports[-1])
        if not wait_until(check, interval=0.2):
            self.fail("status never became as wanted; last: %r" % reports[-1])
        return reports[-1]

    def test_delivering_daemon_is_ok(self):
        receiver = self.receiver()
        node = self.node(receiver)
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)

        report = self.wait_for_status(node, lambda r: r["daemon"]["last_event"] is not None)
        self.assertEqual(report["status"], "ok")
        self.assertIs(report["running"], True)
        self.assertEqual(report["state_dir"], node.state)
        self.assertEqual(report["daemon"]["pid"], daemon.pid)
        self.assertEqual(report["daemon"]["server"], receiver.url)
        self.assertEqual(report["daemon"]["transport"], "https")
        self.assertEqual(report["daemon"]["last_event"]["event"], "ONLINE")
        self.assertEqual(report["daemon"]["last_event"]["outcome"], "delivered")
        self.assertIsNone(report["daemon"]["retry_at"])
        self.assertIsNone(report["daemon"]["last_error"])
        self.assertEqual(report["spool"], {"waiting": 0, "rejected": 0, "corrupt": 0})
        self.assertEqual(report["problems"], [])

        # A heartbeat now: the file follows.
        daemon.signal(signal.SIGUSR1)
        self.wait_for_events(receiver, 2)
        self.wait_for_status(node, lambda r: r["daemon"]["last_event"]["event"] == "HEARTBEAT")

        result = self.status(node)
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("pharos-pulse: running (pid %d, since " % daemon.pid, result.stdout)
        self.assertIn("the last delivery succeeded", result.stdout)
        self.assertRegex(result.stdout, r"last event\s+HEARTBEAT delivered at \d{4}-")
        self.assertRegex(result.stdout, r"spool\s+0 waiting, 0 rejected, 0 corrupt")
        self.assertEqual(result.stderr, "")
        self.assertStopsCleanly(daemon)

    def test_server_down_with_a_spool_is_failing(self):
        node = Node(self, "https://127.0.0.1:%d" % unused_port())
        daemon = Daemon(self, node)
        daemon.wait_for_log(r"retrying in", count=2)
        os.makedirs(node.spool, exist_ok=True)
        for name in ("2026-01-01T00:00:00.000Z-a.json.rejected",
                     "2026-01-01T00:00:00.000Z-b.json.corrupt"):
            open(os.path.join(node.spool, name), "w").close()

        code, report = self.status_json(node)
        self.assertEqual(code, 1, report)
        self.assertEqual(report["status"], "failing")
        self.assertEqual(report["daemon"]["last_event"]["event"], "ONLINE")
        self.assertEqual(report["daemon"]["last_event"]["outcome"], "unavailable")
        self.assertIn("127.0.0.1", report["daemon"]["last_error"]["message"])
        self.assertIsNotNone(report["daemon"]["retry_at"])
        self.assertEqual(report["spool"], {"waiting": 1, "rejected": 1, "corrupt": 1})

        result = self.status(node)
        self.assertEqual(result.returncode, 1)
        self.assertIn("the last delivery failed", result.stdout)
        self.assertRegex(result.stdout, r"last event\s+ONLINE unavailable at ")
        self.assertRegex(result.stdout, r"retry at\s+\d{4}-")
        self.assertRegex(result.stdout, r"last error\s+.*127\.0\.0\.1")
        self.assertRegex(result.stdout, r"spool\s+1 waiting, 1 rejected, 1 corrupt")
        daemon.kill()

    def test_stopped_daemon_and_a_status_file_left_behind(self):
        node = Node(self, "https://127.0.0.1:1")
        code, report = self.status_json(node)  # never ran: no state dir at all
        self.assertEqual((code, report["running"], report["daemon"]), (3, False, None))

        receiver = self.receiver()
        node = self.node(receiver)
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)
        self.wait_for_status(node, lambda r: r["status"] == "ok")
        self.assertStopsCleanly(daemon)
        code, report = self.status_json(node)
        self.assertEqual(code, 3)
        self.assertIs(report["running"], False)
        # The last run's file, with its OFFLINE.
        self.assertEqual(report["daemon"]["last_event"]["event"], "OFFLINE")
        result = self.status(node)
        self.assertEqual(result.returncode, 3)
        self.assertIn("not running", result.stdout)
        self.assertRegex(result.stdout, r"last run\s+pid %d, started " % daemon.pid)

        # Killed: its status file still says it was fine, but no run holds the lock.
        daemon = Daemon(self, node)
        self.wait_for_status(node, lambda r: r["running"] and r["daemon"]["pid"] == daemon.pid
                             and r["daemon"]["last_event"] is not None)
        daemon.proc.kill()
        daemon.proc.wait()
        code, report = self.status_json(node)
        self.assertEqual((code, report["running"]), (3, False))
        self.assertEqual(report["daemon"]["pid"], daemon.pid)

    def test_a_user_who_cannot_look_gets_4_and_one_who_can_gets_the_report(self):
        prefix = as_nobody()
        if prefix is None:
            self.skipTest("needs root to run status as nobody")
        receiver = self.receiver()
        node = self.node(receiver)
        os.chmod(node.dir, 0o755)  # nobody can read the config and reach the state dir
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)
        self.wait_for_status(node, lambda r: r["status"] == "ok")

        os.chmod(node.state, 0o700)
        code, report = self.status_json(node, prefix=prefix)
        self.assertEqual(code, 4)
        self.assertIsNone(report["running"])
        self.assertIsNone(report["spool"])
        self.assertTrue(any("pulse.lock" in p and "Permission denied" in p
                            for p in report["problems"]), report["problems"])
        result = self.status(node, prefix=prefix)
        self.assertEqual(result.returncode, 4)
        self.assertIn("cannot tell whether it is running", result.stdout)
        self.assertIn("Permission denied", result.stderr)

        # A state directory others may enter: the lock is seen without opening it.
        os.chmod(node.state, 0o755)
        os.chmod(node.spool if os.path.isdir(node.spool) else node.state, 0o755)
        code, report = self.status_json(node, prefix=prefix)
        self.assertEqual(code, 0, report)
        self.assertEqual(report["daemon"]["pid"], daemon.pid)

        # A config only root may read: say so, and take --state-dir instead.
        os.chmod(node.config, 0o600)
        code, report = self.status_json(node, prefix=prefix)
        self.assertEqual((code, report["state_dir"]), (4, None))
        result = self.status(node, prefix=prefix)
        self.assertEqual(result.returncode, 4, result)
        self.assertIn(node.config, result.stderr)
        self.assertIn("--state-dir", result.stderr)
        result = self.status(node, "--state-dir", node.state, prefix=prefix)
        self.assertEqual(result.returncode, 0, result)
        self.assertStopsCleanly(daemon)


if __name__ == "__main__":
    unittest.main()
