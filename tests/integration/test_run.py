"""`pharos-pulse run`, the daemon (contract §9), driven as a real process.

Against the test receiver with short intervals: ONLINE, heartbeats and
OFFLINE; backoff while the server is down; Retry-After and its cap; servers
that never answer, never finish the TLS handshake or never greet (ph://),
and a DNS server that never answers, at shutdown; SIGHUP, SIGUSR1; one
instance per state directory; the sd_notify messages received on a real
unix datagram socket, watchdog pings during a stalled exchange included;
journal log prefixes; an idle daemon that never wakes up. Also checks the
service files under examples/.

Timing is asserted one way (at least this late, or before a much longer
alternative), except for the shutdown budget, which is a promise to the
service manager: the daemon must be gone within heartbeat.shutdown_timeout
plus SHUTDOWN_SLACK. The test waits for records instead of sleeping.
"""

import datetime
import email.utils
import json
import os
import plistlib
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver_harness as rh  # noqa: E402
from pulse_cli import clean_environment, unused_port  # noqa: E402

BINARY = os.environ.get("PULSE_BINARY", "pharos-pulse")
SOURCE_DIR = os.environ.get(
    "PULSE_SOURCE_DIR",
    os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
EXAMPLES = os.path.join(SOURCE_DIR, "examples")

# How long to wait for something that should happen in a second or two.
PATIENCE = 30
# What a stop may take beyond heartbeat.shutdown_timeout: exiting, and the
# test's own process handling.
SHUTDOWN_SLACK = 0.5
PH_SERVER = os.path.join(SOURCE_DIR, "tests", "ph", "ph_server.py")

CERTS = None
CERTS_DIR = None


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-run-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def wait_until(predicate, timeout=PATIENCE, interval=0.05):
    """predicate()'s first true value, or its last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def received_at(record):
    return datetime.datetime.strptime(record["received_at"], "%Y-%m-%dT%H:%M:%S.%fZ")


def event_of(record):
    return json.loads(record["body"])["event"]


def parse_seconds(text):
    """A duration as the daemon logs it ("0s", "4s", "1m30s") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(ms|h|m|s)", text))


class Node:
    """One node: config file, key and state directory in a fresh directory."""

    def __init__(self, test, server_url, **heartbeat):
        self.dir = tempfile.mkdtemp(prefix="pulse-run-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.config = os.path.join(self.dir, "pulse.toml")
        self.key = os.path.join(self.dir, "pulse_id")
        self.state = os.path.join(self.dir, "state")
        self.spool = os.path.join(self.state, "spool")
        self.settings = {"server_url": server_url, "timeout": "10s", "interval": "60s",
                         "jitter": "0s", "shutdown_timeout": "3s"}
        self.settings.update(heartbeat)
        self.write_config()

    def write_config(self, **changes):
        self.settings.update(changes)
        s = self.settings
        text = ('[server]\nurl = "%s"\nca_file = "%s"\ntimeout = "%s"\n\n'
                '[identity]\nkey_file = "%s"\n\n'
                '[heartbeat]\ninterval = "%s"\njitter = "%s"\nshutdown_timeout = "%s"\n\n'
                '[state]\ndir = "%s"\n' % (s["server_url"], CERTS.ca, s["timeout"], self.key,
                                           s["interval"], s["jitter"], s["shutdown_timeout"],
                                           self.state))
        self.replace_config(text)

    def replace_config(self, text):
        # Atomically, so a SIGHUP never reads half a file.
        temp = self.config + ".new"
        with open(temp, "w") as f:
            f.write(text)
        os.replace(temp, self.config)

    def keygen(self, receiver=None):
        result = subprocess.run([BINARY, "--config", self.config, "keygen"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=60, env=clean_environment())
        if result.returncode != 0:
            raise AssertionError("keygen failed: %s" % result.stderr)
        if receiver:
            receiver.add_key(self.key + ".pub")

    def spooled_events(self):
        if not os.path.isdir(self.spool):
            return []
        names = sorted(n for n in os.listdir(self.spool)
                       if n.endswith(".json") and not n.startswith("."))
        events = []
        for name in names:
            with open(os.path.join(self.spool, name)) as f:
                events.append((name, json.load(f)))
        return events


class Daemon:
    """`pharos-pulse run` in the background, its stderr in a file."""

    def __init__(self, test, node, *args, env=None, global_args=(), stderr_path=None,
                 wrapper=()):
        self.node = node
        self.stderr_path = stderr_path or os.path.join(
            node.dir, "run-%d.stderr" % len([n for n in os.listdir(node.dir)
                                             if n.startswith("run-")]))
        self._stderr = open(self.stderr_path, "ab")
        command = (list(wrapper) + [BINARY, "--config", node.config] + list(global_args) + ["run"]
                   + list(args))
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self._stderr,
                                     env=env if env is not None else clean_environment())
        self.pid = self.proc.pid
        test.addCleanup(self.kill)

    def log(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_log(self, pattern, count=1, timeout=PATIENCE):
        """Waits until `pattern` (a regex) matched `count` times; returns the matches."""
        def found():
            matches = re.findall(pattern, self.log())
            if len(matches) >= count:
                return matches
            if self.proc.poll() is not None:
                raise AssertionError("daemon exited (%s) before %r; log:\n%s"
                                     % (self.proc.returncode, pattern, self.log()))
            return None
        matches = wait_until(found, timeout)
        if not matches:
            raise AssertionError("no %r (x%d) within %ss; log:\n%s"
                                 % (pattern, count, timeout, self.log()))
        return matches

    def signal(self, signum):
        self.proc.send_signal(signum)

    def stop_counting_cpu(self, timeout=PATIENCE, extra_signals=()):
        """SIGTERM, then `extra_signals` 0.2 s later; (exit code, seconds it
        took, CPU seconds the daemon used in all)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        for signum in extra_signals:
            self.proc.send_signal(signum)
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                raise AssertionError("daemon still running after %ss" % timeout)
            time.sleep(0.01)
        took = time.monotonic() - started
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode, took, usage.ru_utime + usage.ru_stime

    def stop(self, timeout=PATIENCE):
        """SIGTERM; returns (exit code, seconds it took)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - started

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()


class NotifySocket:
    """The service manager's end of NOTIFY_SOCKET: every datagram, timed."""

    def __init__(self, test, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []  # (time.monotonic(), text)
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()
        test.addCleanup(self.close)

    def _receive(self):
        while self._running:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.messages.append((time.monotonic(), data.decode("utf-8", "replace")))

    def received(self, prefix=""):
        with self._lock:
            return [(t, m) for t, m in self.messages if m.startswith(prefix)]

    def wait_for(self, prefix, timeout=PATIENCE, contains=""):
        found = wait_until(lambda: [(t, m) for t, m in self.received(prefix) if contains in m],
                           timeout)
        if not found:
            raise AssertionError("no %r%s message; got %r"
                                 % (prefix, " with " + contains if contains else "",
                                    [m for _, m in self.received()]))
        return found[0]

    def close(self):
        self._running = False
        self._thread.join(5)
        self.sock.close()


class SilentServer:
    """Accepts TCP connections and never sends a byte: a TLS handshake that
    never completes."""

    def __init__(self, test):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        test.addCleanup(self.close)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


class StalledPhHub:
    """tests/ph/ph_server.py --stall: completes TLS, then never greets."""

    def __init__(self, test):
        self.dir = tempfile.mkdtemp(prefix="pulse-run-ph-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        keys = os.path.join(self.dir, "keys")
        os.makedirs(keys)
        self.state = os.path.join(self.dir, "state.json")
        self.proc = subprocess.Popen(
            [sys.executable, PH_SERVER, "--cert", CERTS.server_cert, "--key", CERTS.server_key,
             "--keys-dir", keys, "--state", self.state, "--stall"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        test.addCleanup(self.close)
        self.port = json.loads(self.proc.stdout.readline())["port"]

    def connections(self):
        try:
            with open(self.state) as f:
                return json.load(f)["connections"]
        except (OSError, ValueError):
            return 0

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


# Runs "$@" in network and mount namespaces of its own (unshare -rmn) whose
# DNS server, on 127.0.0.1:53, never answers; $DIR/dns.queried appears once
# it was asked.
SILENT_DNS_NAMESPACE = r"""
ip link set lo up || exit 1
echo "nameserver 127.0.0.1" > "$DIR/resolv.conf" || exit 1
mount --bind "$DIR/resolv.conf" /etc/resolv.conf || exit 1
"$PYTHON" -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[1] + "/dns.ready", "w").close()
s.recv(512)
open(sys.argv[1] + "/dns.queried", "w").close()
while True:
    s.recv(512)
' "$DIR" &
echo $! > "$DIR/dns.pid"
while [ ! -e "$DIR/dns.ready" ]; do sleep 0.05; done
exec "$@"
"""


class DaemonTestCase(unittest.TestCase):
    def receiver(self, port=0):
        receiver = rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca, port=port)
        receiver.start()
        self.addCleanup(receiver.stop)
        return receiver

    def node(self, receiver, **heartbeat):
        node = Node(self, receiver.url, **heartbeat)
        node.keygen(receiver)
        return node

    def wait_for_events(self, receiver, count, timeout=PATIENCE, answered=True):
        """The first `count` presence records (answered ones only, by default)."""
        def enough():
            records = [r for r in receiver.requests("presence")
                       if not answered or r.get("status_sent") is not None]
            return records if len(records) >= count else None
        records = wait_until(enough, timeout)
        if not records:
            self.fail("fewer than %d presence records within %ss: %r"
                      % (count, timeout, [(event_of(r), r["status_sent"])
                                          for r in receiver.requests("presence")]))
        return records

    def assertVerified(self, records):
        for record in records:
            self.assertTrue(record["verified"], record["error"])

    def assertStopsCleanly(self, daemon, within=None):
        code, took = daemon.stop()
        self.assertEqual(code, 0, daemon.log())
        if within is not None:
            self.assertLess(took, within, daemon.log())
        return took

    def assertStopsWithinBudget(self, daemon, budget):
        """SIGTERM (then more signals, which must neither extend the budget
        nor make the wait spin): exit 0 within the shutdown budget."""
        code, took, cpu = daemon.stop_counting_cpu(
            extra_signals=(signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1))
        self.assertEqual(code, 0, daemon.log())
        self.assertLess(took, budget + SHUTDOWN_SLACK,
                        "took %.2fs; log:\n%s" % (took, daemon.log()))
        self.assertLess(cpu, 1.0, "the daemon used %.2fs of CPU time" % cpu)
        return took

    def assertWatchdogKeepsTime(self, manager, seconds=2.0):
        """WATCHDOG_USEC=400000: a ping every 200 ms over the next `seconds`."""
        start = time.monotonic()
        time.sleep(seconds)
        pings = [t for t, _ in manager.received("WATCHDOG=1") if start <= t < start + seconds]
        expected = seconds / 0.2
        self.assertGreaterEqual(len(pings), expected * 0.6,
                                "watchdog pings too rare: %d in %ss" % (len(pings), seconds))
        self.assertLessEqual(len(pings), expected * 1.2 + 1,
                             "watchdog pings too frequent: %d in %ss" % (len(pings), seconds))


class Lifecycle(DaemonTestCase):
    def test_online_then_heartbeats_then_offline_on_sigterm(self):
        receiver = self.receiver()
        node = self.node(receiver, interval="1s")
        daemon = Daemon(self, node)

        records = self.wait_for_events(receiver, 3)
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "HEARTBEAT", "HEARTBEAT"])
        # The first heartbeat comes within one interval of ONLINE (so a fleet
        # that booted together spreads out); each later one waits the interval
        # (jitter 0) after the heartbeat before it.
        self.assertLessEqual((received_at(records[1]) - received_at(records[0])).total_seconds(),
                             1.5)
        for earlier, later in zip(records[1:], records[2:]):
            self.assertGreaterEqual((received_at(later) - received_at(earlier)).total_seconds(),
                                    0.9)

        self.assertStopsCleanly(daemon)
        # A SIGTERM can cut a heartbeat's exchange after the receiver took it:
        # the event is spooled and sent again with the same key (what
        # Idempotency-Key is for), right before the OFFLINE.
        received = receiver.requests("presence")
        records = [r for before, r in zip([None] + received, received)
                   if before is None or before["idempotency_key"] != r["idempotency_key"]]
        events = [event_of(r) for r in records]
        self.assertEqual(events[0], "ONLINE")
        self.assertEqual(events[-1], "OFFLINE")
        self.assertEqual(set(events[1:-1]), {"HEARTBEAT"})
        self.assertVerified(records)
        self.assertEqual([r["status_sent"] for r in records], [200] * len(records))
        # Every event is new: its own id and its own time.
        self.assertEqual(len({r["idempotency_key"] for r in records}), len(records))
        self.assertEqual(len({json.loads(r["body"])["timestamp"] for r in records}), len(records))
        self.assertEqual(node.spooled_events(), [])

        log = daemon.log()
        self.assertRegex(log, r"running as SHA256:\S+, reporting to " + re.escape(receiver.url))
        self.assertIn("SIGTERM received", log)
        for line in log.splitlines():
            # Without a journal, daemon lines carry their time.
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z pharos-pulse: ")

    def test_sigint_stops_like_sigterm(self):
        receiver = self.receiver()
        daemon = Daemon(self, self.node(receiver))
        self.wait_for_events(receiver, 1)
        daemon.signal(signal.SIGINT)
        self.assertEqual(daemon.proc.wait(PATIENCE), 0)
        self.assertEqual([event_of(r) for r in receiver.requests("presence")],
                         ["ONLINE", "OFFLINE"])

    def test_key_is_generated_on_first_start_and_its_fingerprint_logged(self):
        receiver = self.receiver()
        node = Node(self, receiver.url)
        daemon = Daemon(self, node)
        match = daemon.wait_for_log(r"created identity key (\S+) \((SHA256:[A-Za-z0-9+/]+)\)")[0]
        self.assertEqual(match[0], node.key)
        self.assertEqual(stat.S_IMODE(os.stat(node.key).st_mode), 0o600)
        if shutil.which("ssh-keygen"):
            listed = subprocess.run(["ssh-keygen", "-l", "-f", node.key + ".pub"], check=True,
                                    stdout=subprocess.PIPE, text=True).stdout
            self.assertEqual(listed.split()[1], match[1])

        # The receiver did not know the key, so that ONLINE was refused (a
        # protocol answer, not retried); once it does, the daemon carries on.
        self.wait_for_events(receiver, 1)
        receiver.add_key(node.key + ".pub")
        daemon.signal(signal.SIGUSR1)
        records = self.wait_for_events(receiver, 2)
        self.assertEqual(event_of(records[1]), "HEARTBEAT")
        self.assertTrue(records[1]["verified"], records[1]["error"])
        self.assertEqual(records[1]["keyid"], match[1])
        self.assertStopsCleanly(daemon)


class Backoff(DaemonTestCase):
    def test_server_down_at_start_online_delivered_later_after_backoff(self):
        port = unused_port()
        node = Node(self, "https://127.0.0.1:%d" % port)
        daemon = Daemon(self, node)

        delays = daemon.wait_for_log(r"retrying in (\S+)", count=3)
        # Full jitter: attempt n waits at most min(2^n s, 5 min).
        for n, delay in enumerate(delays):
            self.assertLessEqual(parse_seconds(delay), min(2 ** n, 300), delays)
        self.assertIn("ONLINE unavailable", daemon.log())
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["ONLINE"])
        spooled_name, spooled = node.spooled_events()[0]

        # The daemon generated the key; the receiver learns it now.
        receiver = self.receiver(port=port)
        receiver.add_key(node.key + ".pub")
        records = self.wait_for_events(receiver, 1, timeout=60)
        self.assertEqual(event_of(records[0]), "ONLINE")
        self.assertVerified(records)
        # The very event that failed, with its own time, delivered from the spool.
        self.assertEqual(json.loads(records[0]["body"]), spooled)
        self.assertIn(records[0]["idempotency_key"], spooled_name)
        wait_until(lambda: node.spooled_events() == [])
        self.assertEqual(node.spooled_events(), [])
        daemon.wait_for_log(r"delivered spooled event")

        self.assertStopsCleanly(daemon)
        # The first heartbeat falls anywhere in the first interval (docs/FLEET.md),
        # so on a slow machine one may come before the stop: only the ONLINE and
        # the OFFLINE are this test's to count.
        self.assertEqual([event_of(r) for r in receiver.requests("presence")
                          if event_of(r) != "HEARTBEAT"], ["ONLINE", "OFFLINE"])

    def _assert_retry_waits(self, retry_after, at_least):
        """retry_after() gives the header, made just before the daemon starts."""
        receiver = self.receiver()
        node = self.node(receiver)
        receiver.control(mode="status", status=503, count=1,
                         headers={"Retry-After": retry_after()})
        daemon = Daemon(self, node)

        # The first heartbeat may come at any point of the first interval
        # (docs/FLEET.md), so it may follow the ONLINE at once.
        records = self.wait_for_events(receiver, 2)[:2]
        self.assertEqual([r["status_sent"] for r in records], [503, 200])
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "ONLINE"])
        self.assertEqual(records[0]["idempotency_key"], records[1]["idempotency_key"])
        waited = (received_at(records[1]) - received_at(records[0])).total_seconds()
        self.assertGreaterEqual(waited, at_least, daemon.log())
        self.assertStopsCleanly(daemon)

    def test_retry_after_in_seconds_is_honoured(self):
        # Without it the first retry would come within a second.
        self._assert_retry_waits(lambda: "3", 2.9)

    def test_retry_after_as_http_date_is_honoured(self):
        # Generous: the daemon may take a while to start on a busy machine.
        self._assert_retry_waits(
            lambda: email.utils.formatdate(time.time() + 12, usegmt=True), 3.0)

    def test_heartbeats_due_during_a_retry_after_wait_join_the_spool(self):
        # Heartbeats every second, the server asks for 4 s: none of them may
        # reach it before the wait is over, and all arrive after, in order.
        receiver = self.receiver()
        node = self.node(receiver, interval="1s")
        receiver.control(mode="status", status=503, count=1, headers={"Retry-After": "4"})
        daemon = Daemon(self, node)
        daemon.wait_for_log(r"HEARTBEAT spooled behind the events waiting for the retry", count=2)
        records = self.wait_for_events(receiver, 4)
        self.assertEqual([(event_of(r), r["status_sent"]) for r in records[:3]],
                         [("ONLINE", 503), ("ONLINE", 200), ("HEARTBEAT", 200)], daemon.log())
        waited = (received_at(records[1]) - received_at(records[0])).total_seconds()
        self.assertGreaterEqual(waited, 3.9, daemon.log())
        self.assertStopsCleanly(daemon)

    def _assert_retry_after_capped(self, retry_after, asked):
        receiver = self.receiver()
        # No heartbeat falls due (it would join the spool) before the stop.
        node = self.node(receiver, interval="1h")
        receiver.control(mode="status", status=503, count=1, headers={"Retry-After": retry_after})
        daemon = Daemon(self, node)
        daemon.wait_for_log(r"retrying in \S+")
        log = daemon.log()
        self.assertRegex(log, r"warning: the server asked to wait %s before retrying; "
                              r"waiting 1h, the longest Retry-After honoured" % asked)
        # The capped hour plus a jitter of up to half of it (docs/FLEET.md).
        retry = re.search(r"retrying in 1h(?:(\d+)m)?(?:(\d+)s)?\n", log)
        self.assertIsNotNone(retry, log)
        self.assertLessEqual(int(retry.group(1) or 0) * 60 + int(retry.group(2) or 0), 30 * 60)
        # The ONLINE waits in the spool; OFFLINE at shutdown delivers both.
        self.assertStopsCleanly(daemon)
        self.assertEqual([(event_of(r), r["status_sent"]) for r in receiver.requests("presence")],
                         [("ONLINE", 503), ("ONLINE", 200), ("OFFLINE", 200)])

    def test_a_retry_after_of_ten_years_is_capped_at_an_hour(self):
        self._assert_retry_after_capped("315360000", "87600h")

    def test_a_retry_after_date_in_the_year_9999_is_capped_at_an_hour(self):
        # Read as the longest delay-seconds value kept (999999999 s).
        self._assert_retry_after_capped("Fri, 31 Dec 9999 23:59:59 GMT", "277777h46m39s")


class Shutdown(DaemonTestCase):
    def test_server_stalling_the_online_exit_within_shutdown_timeout_and_spool(self):
        receiver = self.receiver()
        receiver.control(mode="stall")
        node = self.node(receiver, timeout="60s", shutdown_timeout="2s")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1, answered=False)

        took = self.assertStopsWithinBudget(daemon, 2)
        # Far below the 60 s request timeout: the transfer was aborted, and
        # the OFFLINE attempt (the spooled ONLINE first) had what was left.
        log = daemon.log()
        self.assertIn("ONLINE unavailable: delivery to %s/v1/presence interrupted" % receiver.url,
                      log)
        self.assertIn("no answer within the 2s shutdown budget (heartbeat.shutdown_timeout)", log)
        # The time-out was the spooled ONLINE's, which the OFFLINE waited behind.
        self.assertRegex(log, r"OFFLINE unavailable: not sent, behind spooled ONLINE event "
                              r"\S+\.json: cannot reach .*no answer within the 2s shutdown budget")
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["ONLINE", "OFFLINE"],
                         "took %.1fs; log:\n%s" % (took, log))

        # The next start delivers the spool first, oldest first, unchanged.
        spooled = node.spooled_events()
        receiver.reset()
        daemon = Daemon(self, node)
        records = self.wait_for_events(receiver, 3)
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "OFFLINE", "ONLINE"])
        self.assertEqual([json.loads(r["body"]) for r in records[:2]], [e for _, e in spooled])
        self.assertVerified(records)
        self.assertStopsCleanly(daemon)
        self.assertEqual(node.spooled_events(), [])

    def test_server_stalling_the_offline_exit_within_shutdown_timeout_and_spool(self):
        receiver = self.receiver()
        node = self.node(receiver, timeout="60s", shutdown_timeout="2s")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)
        receiver.control(mode="stall")

        self.assertStopsWithinBudget(daemon, 2)
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["OFFLINE"])
        stalled = [r for r in receiver.requests("presence") if r.get("stalled")]
        self.assertEqual([event_of(r) for r in stalled], ["OFFLINE"])
        # The limit that applied is named, not server.timeout (1m).
        log = daemon.log()
        self.assertRegex(log, r"OFFLINE unavailable: cannot reach \S+: Operation timed out.*; "
                              r"no answer within the 2s shutdown budget "
                              r"\(heartbeat.shutdown_timeout\); event spooled")
        self.assertNotIn("within 1m", log)

    def _assert_handshake_stall_stops_within_budget(self, scheme):
        server = SilentServer(self)
        node = Node(self, "%s://127.0.0.1:%d" % (scheme, server.port), timeout="60s",
                    shutdown_timeout="2s")
        node.keygen()
        daemon = Daemon(self, node)
        self.assertTrue(wait_until(lambda: len(server.connections) >= 1), daemon.log())
        time.sleep(0.3)

        self.assertStopsWithinBudget(daemon, 2)
        log = daemon.log()
        self.assertIn("ONLINE unavailable: delivery to %s://127.0.0.1:%d" % (scheme, server.port),
                      log)
        self.assertIn("no answer within the 2s shutdown budget (heartbeat.shutdown_timeout)", log)
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["ONLINE", "OFFLINE"])
        # The spooled ONLINE was tried again at shutdown, on a new connection.
        self.assertEqual(len(server.connections), 2)

    def test_dns_lookup_that_never_ends_exit_within_shutdown_timeout(self):
        unshare, ip = shutil.which("unshare"), shutil.which("ip")
        if not unshare or not ip or subprocess.run([unshare, "-rmn", "true"]).returncode != 0:
            self.skipTest("needs unshare(1) with user namespaces, and ip(8)")
        node = Node(self, "https://hub.pulse-test.example", timeout="60s", shutdown_timeout="2s")
        node.keygen()
        env = clean_environment(DIR=node.dir, PYTHON=sys.executable)
        daemon = Daemon(self, node, env=env,
                        wrapper=[unshare, "-rmn", "sh", "-c", SILENT_DNS_NAMESPACE, "sh"])
        self.addCleanup(self._kill_pid_in, os.path.join(node.dir, "dns.pid"))
        self.assertTrue(wait_until(lambda: os.path.exists(os.path.join(node.dir, "dns.queried"))),
                        daemon.log())

        self.assertStopsWithinBudget(daemon, 2)
        log = daemon.log()
        self.assertIn("ONLINE unavailable: delivery to https://hub.pulse-test.example/v1/presence "
                      "interrupted", log)
        self.assertRegex(log, r"Resolving timed out .*; no answer within the 2s shutdown budget")
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["ONLINE", "OFFLINE"])

    @staticmethod
    def _kill_pid_in(path):
        try:
            with open(path) as f:
                os.kill(int(f.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def test_tls_handshake_that_never_completes_exit_within_shutdown_timeout(self):
        self._assert_handshake_stall_stops_within_budget("https")

    def test_ph_tls_handshake_that_never_completes_exit_within_shutdown_timeout(self):
        self._assert_handshake_stall_stops_within_budget("ph")


class Signals(DaemonTestCase):
    def test_sighup_applies_a_new_interval_without_restart(self):
        receiver = self.receiver()
        node = self.node(receiver, interval="1h")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)

        node.write_config(interval="1s")
        daemon.signal(signal.SIGHUP)
        daemon.wait_for_log(r"config reloaded; reporting to \S+ every 1s")
        # With the old interval the first heartbeat would come after an hour.
        records = self.wait_for_events(receiver, 3)
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "HEARTBEAT", "HEARTBEAT"])
        self.assertStopsCleanly(daemon)

    def test_sighup_applies_a_new_server(self):
        first = self.receiver()
        second = self.receiver()
        # The first heartbeat comes anywhere within one interval of ONLINE:
        # an hour, so that none reaches the first server before the SIGHUP.
        node = self.node(first, interval="1h")
        second.add_key(node.key + ".pub")
        daemon = Daemon(self, node)
        self.wait_for_events(first, 1)

        node.write_config(server_url=second.url)
        daemon.signal(signal.SIGHUP)
        daemon.wait_for_log(r"config reloaded; reporting to " + re.escape(second.url))
        daemon.signal(signal.SIGUSR1)
        # The daemon's word, not the receiver's record: a SIGTERM between the
        # receiver's 200 and the end of the exchange would send it again.
        daemon.wait_for_log(r"HEARTBEAT delivered")
        self.assertStopsCleanly(daemon)

        self.assertEqual([event_of(r) for r in first.requests("presence")], ["ONLINE"])
        self.assertEqual([event_of(r) for r in second.requests("presence")],
                         ["HEARTBEAT", "OFFLINE"])

    def test_bad_config_on_sighup_is_reported_and_the_old_one_kept(self):
        receiver = self.receiver()
        node = self.node(receiver, interval="1s")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 2)

        node.replace_config('[heartbeat]\ninterval = "soon"\n')
        daemon.signal(signal.SIGHUP)
        daemon.wait_for_log(r"config reload failed, keeping the previous config")
        self.assertRegex(daemon.log(), r"reload failed.*interval")
        before = len(receiver.requests("presence"))
        # Still beating every second to the same server.
        self.wait_for_events(receiver, before + 2)
        self.assertTrue(daemon.alive())

        node.replace_config("[server]\nurl = \"ftp://nowhere\"\n")
        daemon.signal(signal.SIGHUP)
        daemon.wait_for_log(r"config reload failed", count=2)
        self.wait_for_events(receiver, before + 3)
        self.assertStopsCleanly(daemon)

    def test_sigusr1_sends_a_heartbeat_now(self):
        receiver = self.receiver()
        node = self.node(receiver, interval="1h")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)

        daemon.signal(signal.SIGUSR1)
        self.wait_for_events(receiver, 2)
        daemon.signal(signal.SIGUSR1)
        records = self.wait_for_events(receiver, 3)
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "HEARTBEAT", "HEARTBEAT"])
        self.assertVerified(records)
        self.assertStopsCleanly(daemon)

    def test_the_inventory_is_read_at_start_and_on_sighup_not_for_heartbeats(self):
        strace = shutil.which("strace")
        if not strace:
            self.skipTest("needs strace(1)")
        receiver = self.receiver()
        node = self.node(receiver, interval="1h")
        daemon = Daemon(self, node)
        [online] = self.wait_for_events(receiver, 1)
        self.assertIn("inventory", json.loads(online["body"]))

        def files_opened_while(action):
            """The files the daemon opens while `action` runs, seen by strace."""
            trace = os.path.join(node.dir, "strace-%d" % time.monotonic_ns())
            tracer = subprocess.Popen([strace, "-qq", "-e", "trace=openat", "-o", trace,
                                       "-p", str(daemon.pid)], stderr=subprocess.DEVNULL)
            time.sleep(1)  # attached
            action()
            tracer.terminate()
            tracer.wait(PATIENCE)
            with open(trace) as f:
                return f.read()

        def two_heartbeats():
            for count in (2, 3):
                daemon.signal(signal.SIGUSR1)
                self.wait_for_events(receiver, count)

        def reload():
            daemon.signal(signal.SIGHUP)
            daemon.wait_for_log(r"config reloaded")

        heartbeats = files_opened_while(two_heartbeats)
        self.assertIn("/etc/os-release", heartbeats)  # the metadata, afresh for each event
        self.assertNotIn("/proc/cpuinfo", heartbeats)
        self.assertNotIn("/proc/meminfo", heartbeats)
        reloaded = files_opened_while(reload)
        self.assertIn("/proc/cpuinfo", reloaded)
        self.assertIn("/proc/meminfo", reloaded)
        records = receiver.requests("presence")
        self.assertEqual([("inventory" in json.loads(r["body"])) for r in records],
                         [True, False, False])
        self.assertStopsCleanly(daemon)

    def test_signals_during_a_transfer_are_not_lost(self):
        receiver = self.receiver()
        receiver.control(mode="status", status=200, delay_ms=1500, count=1)
        node = self.node(receiver, interval="1h")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1, answered=False)

        # Arrives while ONLINE waits for its answer; acted on right after.
        daemon.signal(signal.SIGUSR1)
        records = self.wait_for_events(receiver, 2)
        self.assertEqual([event_of(r) for r in records], ["ONLINE", "HEARTBEAT"])
        self.assertStopsCleanly(daemon)


class SingleInstance(DaemonTestCase):
    def test_second_run_on_the_same_state_dir_exits_75_naming_the_first(self):
        receiver = self.receiver()
        node = self.node(receiver)
        first = Daemon(self, node)
        self.wait_for_events(receiver, 1)

        second = subprocess.run([BINARY, "--config", node.config, "run"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=PATIENCE, env=clean_environment())
        self.assertEqual(second.returncode, 75, second.stderr)
        self.assertIn("pid %d" % first.pid, second.stderr)
        self.assertIn(node.state, second.stderr)
        self.assertTrue(first.alive())
        self.assertEqual(len(receiver.requests("presence")), 1)
        self.assertStopsCleanly(first)


class ServiceManager(DaemonTestCase):
    def test_notify_socket_ready_status_watchdog_and_stopping(self):
        receiver = self.receiver()
        receiver.control(mode="stall")
        node = self.node(receiver, timeout="2s")
        manager = NotifySocket(self, os.path.join(node.dir, "notify.sock"))
        daemon = Daemon(self, node, env=clean_environment(NOTIFY_SOCKET=manager.path,
                                                          WATCHDOG_USEC="400000"))

        # READY=1 comes while the server is not answering: boot never waits.
        self.wait_for_events(receiver, 1, answered=False)
        manager.wait_for("READY=1", timeout=5)
        self.assertEqual(
            [r for r in receiver.requests("presence") if r.get("status_sent") is not None], [])

        # The stalled ONLINE times out (2 s); the retry gets 503 and a
        # Retry-After that keeps it waiting long enough to show in STATUS.
        receiver.control(mode="status", status=503, headers={"Retry-After": "2"})
        _, status = manager.wait_for("STATUS=", contains="unavailable")
        self.assertRegex(status, r"^STATUS=last: ONLINE unavailable at \S+Z; retry at \S+Z; "
                                 r"next heartbeat at \S+Z$")
        receiver.control(mode="ok")
        _, status = manager.wait_for("STATUS=", contains="ONLINE delivered")
        self.assertRegex(status, r"^STATUS=last: ONLINE delivered from the spool at \S+Z; "
                                 r"next heartbeat at \S+Z$")

        # Idle now: WATCHDOG=1 every 200 ms (half of 400 ms).
        time.sleep(0.5)
        start = time.monotonic()
        time.sleep(2.0)
        pings = [t for t, _ in manager.received("WATCHDOG=1") if start <= t < start + 2.0]
        self.assertGreaterEqual(len(pings), 5, "watchdog pings too rare: %d in 2 s" % len(pings))
        self.assertLessEqual(len(pings), 12, "watchdog pings too frequent: %d in 2 s" % len(pings))

        self.assertStopsCleanly(daemon)
        messages = [m for _, m in manager.received()]
        self.assertIn("STOPPING=1", messages)
        self.assertLess(messages.index("READY=1"), messages.index("STOPPING=1"))
        self.assertEqual(messages.count("READY=1"), 1)

    def test_watchdog_pings_keep_their_rate_during_a_stalled_transfer(self):
        receiver = self.receiver()
        receiver.control(mode="stall")
        node = self.node(receiver, timeout="60s", shutdown_timeout="2s")
        manager = NotifySocket(self, os.path.join(node.dir, "notify.sock"))
        daemon = Daemon(self, node, env=clean_environment(NOTIFY_SOCKET=manager.path,
                                                          WATCHDOG_USEC="400000"))
        self.wait_for_events(receiver, 1, answered=False)
        manager.wait_for("READY=1")

        self.assertWatchdogKeepsTime(manager)
        self.assertEqual([r["status_sent"] for r in receiver.requests("presence")], [None],
                         "the ONLINE was still waiting for its answer")
        self.assertStopsWithinBudget(daemon, 2)

    def test_watchdog_pings_keep_their_rate_while_a_ph_hub_never_greets(self):
        hub = StalledPhHub(self)
        node = Node(self, "ph://127.0.0.1:%d" % hub.port, timeout="60s", shutdown_timeout="2s")
        node.keygen()
        manager = NotifySocket(self, os.path.join(node.dir, "notify.sock"))
        daemon = Daemon(self, node, env=clean_environment(NOTIFY_SOCKET=manager.path,
                                                          WATCHDOG_USEC="400000"))
        self.assertTrue(wait_until(lambda: hub.connections() >= 1), daemon.log())
        manager.wait_for("READY=1")

        self.assertWatchdogKeepsTime(manager)
        self.assertNotIn("ONLINE", daemon.log(), "the ONLINE was still waiting for the greeting")
        self.assertStopsWithinBudget(daemon, 2)
        log = daemon.log()
        self.assertIn("no answer from ph://127.0.0.1:%d within the 2s shutdown budget "
                      "(heartbeat.shutdown_timeout)" % hub.port, log)
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["ONLINE", "OFFLINE"])

    def test_no_watchdog_pings_without_watchdog_usec(self):
        receiver = self.receiver()
        node = self.node(receiver)
        manager = NotifySocket(self, os.path.join(node.dir, "notify.sock"))
        daemon = Daemon(self, node, env=clean_environment(NOTIFY_SOCKET=manager.path))
        manager.wait_for("READY=1")
        self.wait_for_events(receiver, 1)
        time.sleep(1.0)
        self.assertStopsCleanly(daemon)
        self.assertEqual(manager.received("WATCHDOG="), [])

    def test_journal_stream_lines_carry_priority_prefixes_and_no_time(self):
        receiver = self.receiver()
        receiver.control(mode="status", status=503, count=1)
        node = self.node(receiver)
        stderr_path = os.path.join(node.dir, "journal.stderr")
        with open(stderr_path, "wb") as f:
            st = os.fstat(f.fileno())
        daemon = Daemon(self, node, stderr_path=stderr_path,
                        env=clean_environment(JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino)))
        self.wait_for_events(receiver, 2)
        self.assertStopsCleanly(daemon)

        lines = daemon.log().splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^<[3-7]>pharos-pulse: ")
        self.assertTrue(any(re.match(r"<3>pharos-pulse: error: ONLINE unavailable", l)
                            for l in lines), lines)
        self.assertTrue(any(l.startswith("<6>pharos-pulse: delivered spooled event") for l in lines),
                        lines)
        self.assertIn("<6>pharos-pulse: OFFLINE delivered (200)", lines)

    def test_journal_stream_of_another_file_is_ignored(self):
        receiver = self.receiver()
        node = self.node(receiver)
        daemon = Daemon(self, node, env=clean_environment(JOURNAL_STREAM="1:1"))
        self.wait_for_events(receiver, 1)
        self.assertStopsCleanly(daemon)
        for line in daemon.log().splitlines():
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\S+Z pharos-pulse: ")

    def test_quiet_keeps_errors_only_and_verbose_adds_detail(self):
        receiver = self.receiver()
        receiver.control(mode="status", status=503, count=1)
        node = self.node(receiver)
        quiet = Daemon(self, node, global_args=["-q"])
        self.wait_for_events(receiver, 2)
        self.assertStopsCleanly(quiet)
        lines = quiet.log().splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertIn("pharos-pulse: error: ", line)

        receiver.reset()
        verbose = Daemon(self, node, global_args=["-v"])
        self.wait_for_events(receiver, 1)
        verbose.wait_for_log(r"next heartbeat in")
        self.assertStopsCleanly(verbose)
        self.assertIn("received SIGTERM", verbose.log())


class Idle(DaemonTestCase):
    def context_switches(self, pid):
        """Voluntary context switches over all threads, and the thread count."""
        total, threads = 0, 0
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/status" % (pid, task)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
                        threads += 1
        return total, threads

    def test_idle_daemon_does_not_wake_up(self):
        receiver = self.receiver()
        node = self.node(receiver, interval="1h")
        daemon = Daemon(self, node)
        self.wait_for_events(receiver, 1)
        daemon.wait_for_log(r"ONLINE delivered")
        time.sleep(0.5)

        before, threads = self.context_switches(daemon.pid)
        self.assertEqual(threads, 1, "one thread")
        time.sleep(3)
        after, _ = self.context_switches(daemon.pid)
        self.assertEqual(after, before, "the idle daemon woke up")
        self.assertStopsCleanly(daemon)


class ServiceFiles(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pulse-run-units-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def unit(self, name):
        with open(os.path.join(EXAMPLES, *name.split("/"))) as f:
            return f.read()

    def directives(self, text):
        found = {}
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")) and "=" in line:
                key, value = line.split("=", 1)
                found.setdefault(key, []).append(value)
        return found

    def verify(self, name, text):
        analyze = shutil.which("systemd-analyze")
        if not analyze:
            self.skipTest("systemd-analyze not installed (apt-get install systemd)")
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        result = subprocess.run([analyze, "verify", "--man=no", path], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(result.stdout.strip(), "", result.stdout)

    def test_service_unit_verifies_and_has_what_the_daemon_needs(self):
        text = self.unit("systemd/pharos-pulse.service")
        d = self.directives(text)
        self.assertEqual(d["Type"], ["notify"])
        self.assertEqual(d["ExecStart"], ["/usr/bin/pharos-pulse run"])
        self.assertIn("network-online.target", d["Wants"][0].split())
        self.assertIn("network-online.target", d["After"][0].split())
        self.assertEqual(d["Restart"], ["on-failure"])
        self.assertIn("WatchdogSec", d)
        self.assertEqual(d["StateDirectory"], ["pharos-pulse"])
        self.assertIn("/etc/pharos", d["ReadWritePaths"])
        self.assertEqual(d["ProtectSystem"], ["strict"])
        self.assertEqual(d["NoNewPrivileges"], ["yes"])
        self.assertEqual(d["CapabilityBoundingSet"], [""])
        self.assertIn("@system-service", d["SystemCallFilter"])
        self.assertEqual(set(d["RestrictAddressFamilies"][0].split()),
                         {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"})
        self.assertIn("kill -HUP $MAINPID", d["ExecReload"][0])
        # The stop timeout leaves room above heartbeat.shutdown_timeout (5s).
        self.assertGreater(parse_seconds(d["TimeoutStopSec"][0]), 5)

        binary = shutil.which(BINARY) or os.path.abspath(BINARY)
        self.verify("pharos-pulse.service",
                    text.replace("/usr/bin/pharos-pulse", binary))

    def test_offline_hook_unit_verifies(self):
        text = self.unit("shutdown-hook/pharos-pulse-offline.service")
        d = self.directives(text)
        self.assertEqual(d["Type"], ["oneshot"])
        self.assertEqual(d["RemainAfterExit"], ["yes"])
        hook = os.path.join(self.dir, "pharos-pulse-offline")
        shutil.copy(os.path.join(EXAMPLES, "shutdown-hook", "pharos-pulse-offline"), hook)
        self.verify("pharos-pulse-offline.service",
                    text.replace("/usr/lib/pharos-pulse/pharos-pulse-offline", hook))

    def test_launchd_plist(self):
        with open(os.path.join(EXAMPLES, "launchd", "net.pharos.pulse.plist"), "rb") as f:
            plist = plistlib.load(f)
        self.assertEqual(plist["Label"], "net.pharos.pulse")
        self.assertEqual(plist["ProgramArguments"][1:], ["run"])
        self.assertTrue(plist["RunAtLoad"])
        self.assertEqual(plist["KeepAlive"], {"SuccessfulExit": False})
        self.assertGreater(plist["ExitTimeOut"], 5)

    def test_hook_scripts_are_executable_posix_shell(self):
        for name in ("system-sleep/pharos-pulse", "shutdown-hook/pharos-pulse-offline"):
            path = os.path.join(EXAMPLES, *name.split("/"))
            self.assertTrue(os.access(path, os.X_OK), name)
            subprocess.run(["sh", "-n", path], check=True)
            if shutil.which("shellcheck"):
                result = subprocess.run(["shellcheck", path], stdout=subprocess.PIPE, text=True)
                self.assertEqual(result.returncode, 0, result.stdout)


class Hooks(DaemonTestCase):
    """The example hooks run for real, with a stand-in systemctl."""

    def fake_systemctl(self, directory, active):
        bin_dir = os.path.join(directory, "bin")
        os.makedirs(bin_dir)
        calls = os.path.join(directory, "systemctl.calls")
        with open(os.path.join(bin_dir, "systemctl"), "w") as f:
            f.write('#!/bin/sh\necho "$*" >> "%s"\n'
                    'for a in "$@"; do [ "$a" = is-active ] && exit %d; done\nexit 0\n'
                    % (calls, 0 if active else 3))
        os.chmod(os.path.join(bin_dir, "systemctl"), 0o755)
        return bin_dir, calls

    def run_hook(self, name, *args, env):
        path = os.path.join(EXAMPLES, *name.split("/"))
        return subprocess.run([path] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=PATIENCE, env=env)

    def binary(self):
        return shutil.which(BINARY) or os.path.abspath(BINARY)

    def test_sleep_hook_wakes_the_running_service_after_resume(self):
        directory = tempfile.mkdtemp(prefix="pulse-run-hook-")
        self.addCleanup(shutil.rmtree, directory, True)
        bin_dir, calls = self.fake_systemctl(directory, active=True)
        env = clean_environment(PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                                PHAROS_PULSE=os.path.join(directory, "never-run"))

        result = self.run_hook("system-sleep/pharos-pulse", "pre", "suspend", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse(os.path.exists(calls))

        result = self.run_hook("system-sleep/pharos-pulse", "post", "suspend", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(calls) as f:
            self.assertIn("kill --kill-who=main --signal=SIGUSR1 pharos-pulse.service",
                          f.read())

    def test_sleep_hook_sends_online_itself_without_the_service(self):
        receiver = self.receiver()
        node = self.node(receiver)
        bin_dir, _ = self.fake_systemctl(node.dir, active=False)
        env = clean_environment(PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                                PHAROS_PULSE=self.binary(), PHAROS_PULSE_CONFIG=node.config)
        result = self.run_hook("system-sleep/pharos-pulse", "post", "hibernate", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([event_of(r) for r in receiver.requests("presence")], ["ONLINE"])

    def test_shutdown_hook_sends_offline_or_spools_it(self):
        receiver = self.receiver()
        node = self.node(receiver)
        env = clean_environment(PHAROS_PULSE=self.binary(), PHAROS_PULSE_CONFIG=node.config)
        result = self.run_hook("shutdown-hook/pharos-pulse-offline", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        records = receiver.requests("presence")
        self.assertEqual([event_of(r) for r in records], ["OFFLINE"])
        self.assertVerified(records)

        node.write_config(server_url="https://127.0.0.1:%d" % unused_port())
        result = self.run_hook("shutdown-hook/pharos-pulse-offline", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([e["event"] for _, e in node.spooled_events()], ["OFFLINE"])


if __name__ == "__main__":
    unittest.main()
