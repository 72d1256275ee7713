"""Fault injection: the real binary against a misbehaving server and a hostile host.

Network faults (fault_server.py): a server that never starts TLS, stalls in
the headers, dribbles a byte a second, answers 1 GiB, resets the connection,
or shows a certificate for another host name or an expired one. Each `send`
must end within the configured timeout, stay within a few MiB of a normal
send's peak RSS, exit with the contract's code and spool the event, which a
later `send` to a good receiver delivers.

Local faults: the state directory missing or read-only, the spool's file
system full (a tiny tmpfs, and RLIMIT_FSIZE), SIGKILL at random moments of
spool writes and deliveries, a key replaced by garbage under a running
daemon, and the daemon in a time namespace whose boot-time and monotonic
clocks are far apart. Mounts happen in a private mount namespace (unshare,
nsenter), so the tests need root; without it they are skipped and say why.
"""

import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_server  # noqa: E402
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402

CERTS = None
CERTS_DIR = None

TIMEOUT = 2       # seconds: server.timeout for the faults that hit it
SLACK = 4         # seconds on top of it for process start and a loaded machine
RSS_SLACK_KIB = 4 * 1024  # peak RSS above a normal send's; a 1 GiB body must not show
PATIENCE = 30
TIME = "/usr/bin/time"  # GNU time, installed by scripts/install-deps.sh
# When set, each network fault and the crash loop append what they measured
# here (JSON lines), for docs/RELIABILITY.md.
REPORT = os.environ.get("PULSE_FAULT_REPORT")


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-faults-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def needs_root_namespaces():
    if os.geteuid() != 0:
        return "mount and time namespaces need root"
    if not shutil.which("unshare") or not shutil.which("nsenter"):
        return "unshare and nsenter (util-linux) are needed"
    return None


class Measured:
    """What one run did, with its wall time and peak RSS."""

    def __init__(self, argv, returncode, stderr, seconds, peak_kib):
        self.argv = argv
        self.returncode = returncode
        self.stderr = stderr
        self.seconds = seconds
        self.peak_kib = peak_kib

    def __repr__(self):
        return "exit %s after %.1f s, peak %d KiB\n$ %s\n--- stderr\n%s" % (
            self.returncode, self.seconds, self.peak_kib, " ".join(self.argv), self.stderr)


def report(**measured):
    if REPORT:
        with open(REPORT, "a") as f:
            f.write(json.dumps(measured) + "\n")


def run_measured(argv, preexec_fn=None):
    """Runs argv to the end under /usr/bin/time for its peak RSS.

    Not wait4 from here: a child forked from this Python process starts with
    the test's own resident pages on its account. stderr is a pipe, not a
    file, so a file size limit set for the run does not cut it short.
    """
    with tempfile.NamedTemporaryFile(prefix="pulse-faults-rss-") as peak:
        started = time.monotonic()
        proc = subprocess.run([TIME, "-f", "%M", "-o", peak.name] + list(argv),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=pulse_cli.clean_environment(),
                              preexec_fn=preexec_fn, timeout=PATIENCE)
        seconds = time.monotonic() - started
        peak_kib = int(peak.read().decode().split()[-1])
    return Measured(argv, proc.returncode, proc.stderr.decode("utf-8", "replace"), seconds,
                    peak_kib)


class FaultTestCase(unittest.TestCase):
    """A fresh node, and one good receiver for the whole class."""

    @classmethod
    def setUpClass(cls):
        cls.rx = rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca).start()

    @classmethod
    def tearDownClass(cls):
        cls.rx.stop()

    def setUp(self):
        self.rx.reset()
        self.node = pulse_cli.Node(prefix="pulse-faults-")
        self.addCleanup(self.node.cleanup)
        self.rx.add_key(self.node.pub, name=os.path.basename(self.node.dir))

    def send(self, server=None, timeout="10s", wrap=(), preexec_fn=None):
        argv = list(wrap) + self.node.command("send", "heartbeat", server=server or self.rx.url,
                                              ca_file=CERTS.ca, timeout=timeout)
        return run_measured(argv, preexec_fn)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code, repr(result))

    def assertDeliveredLater(self, spooled_names):
        """A send to the good receiver delivers the spooled events first, in order, once each."""
        self.rx.reset()
        self.assertExit(self.send(), 0)
        records = self.rx.requests("presence")
        for record in records:
            self.assertTrue(record["verified"], record["error"])
            self.assertEqual(record["status_sent"], 200)
        delivered = [r["idempotency_key"] for r in records]
        expected = [pulse_cli.split_spool_name(n)[1] for n in spooled_names]
        self.assertEqual(delivered[:len(expected)], expected)
        self.assertEqual(len(delivered), len(expected) + 1)
        self.assertEqual(self.node.spool_entries(), [])


class NetworkFaults(FaultTestCase):
    """Contract §5: each fault is `unavailable` (exit 69, spooled) within the time-out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        node = pulse_cli.Node(prefix="pulse-faults-")
        try:
            cls.rx.add_key(node.pub, name="baseline")
            baseline = run_measured(node.command("send", "heartbeat", server=cls.rx.url,
                                                 ca_file=CERTS.ca))
            if baseline.returncode != 0:
                raise AssertionError("the baseline send failed: %r" % baseline)
            cls.baseline_kib = baseline.peak_kib
        finally:
            node.cleanup()

    def fault(self, mode, timeout):
        with fault_server.FaultServer(mode, CERTS) as server:
            result = self.send(server=server.url, timeout="%ds" % timeout)
        self.assertLess(result.peak_kib, self.baseline_kib + RSS_SLACK_KIB, repr(result))
        report(fault=mode, timeout_s=timeout, exit=result.returncode, seconds=round(result.seconds, 2),
               peak_kib=result.peak_kib, baseline_kib=self.baseline_kib,
               server_bytes_sent=server.bytes_sent)
        return result, server

    def assertTimesOutAndSpools(self, mode):
        result, server = self.fault(mode, TIMEOUT)
        self.assertExit(result, 69)
        self.assertGreaterEqual(result.seconds, TIMEOUT * 0.9, repr(result))
        self.assertLess(result.seconds, TIMEOUT + SLACK, repr(result))
        self.assertIn("no answer within %ds (server.timeout)" % TIMEOUT, result.stderr)
        (spooled,) = self.node.spool_files()
        self.assertDeliveredLater([spooled])
        return server

    def assertFailsFastAndSpools(self, mode, message):
        result, server = self.fault(mode, 10)
        self.assertExit(result, 69)
        self.assertLess(result.seconds, SLACK, repr(result))
        self.assertIn(message, result.stderr)
        (spooled,) = self.node.spool_files()
        self.assertDeliveredLater([spooled])
        return server

    def test_server_that_never_starts_tls(self):
        server = self.assertTimesOutAndSpools("no-tls")
        self.assertEqual(server.handshakes, 0)

    def test_server_that_stalls_in_the_headers(self):
        server = self.assertTimesOutAndSpools("stall-headers")
        self.assertEqual(server.requests_read, 1)

    def test_server_that_dribbles_a_byte_a_second(self):
        server = self.assertTimesOutAndSpools("dribble")
        self.assertLessEqual(server.bytes_sent, TIMEOUT + SLACK)

    def test_1_gib_body_with_200_is_delivered_without_reading_it(self):
        result, server = self.fault("huge-body", 10)
        self.assertExit(result, 0)
        self.assertLess(result.seconds, SLACK, repr(result))
        self.assertEqual(self.node.spool_entries(), [])
        self.assertLess(server.bytes_sent, 64 * 1024 * 1024, "the agent kept reading the body")

    def test_1_gib_body_with_503_is_unavailable_without_reading_it(self):
        server = self.assertFailsFastAndSpools("huge-body-503", "503")
        self.assertLess(server.bytes_sent, 64 * 1024 * 1024, "the agent kept reading the body")

    def test_connection_reset_after_the_request(self):
        server = self.assertFailsFastAndSpools("reset", "cannot reach")
        self.assertEqual(server.requests_read, 1)

    def test_certificate_for_another_host_name(self):
        server = self.assertFailsFastAndSpools("wrong-host", "not trusted by server.ca_file")
        self.assertEqual(server.requests_read, 0)

    def test_expired_certificate(self):
        server = self.assertFailsFastAndSpools("expired", "not trusted by server.ca_file")
        self.assertEqual(server.requests_read, 0)


class TlsVersions(FaultTestCase):
    """TLS 1.3 and 1.2 servers are reached; one that offers only TLS 1.0/1.1 is refused."""

    def deliver_over(self, mode, version):
        with fault_server.FaultServer(mode, CERTS) as server:
            result = self.send(server=server.url)
        self.assertExit(result, 0)
        self.assertEqual(server.requests_read, 1)
        self.assertEqual(server.versions, [version])

    def test_tls_1_3_server(self):
        self.deliver_over("tls-1-3-only", "TLSv1.3")

    def test_tls_1_2_server(self):
        self.deliver_over("tls-1-2-only", "TLSv1.2")

    def test_tls_1_1_server_is_refused(self):
        with fault_server.FaultServer("tls-1-1-only", CERTS) as server:
            # The server does speak TLS 1.1 to a client that allows it ...
            client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            client.check_hostname = False
            client.verify_mode = ssl.CERT_NONE
            fault_server.limit_versions(client, "TLSv1", "TLSv1_1")
            with socket.create_connection(("127.0.0.1", server.port)) as raw:
                with client.wrap_socket(raw) as tls:
                    self.assertEqual(tls.version(), "TLSv1.1")
            # ... and the agent is no such client.
            result = self.send(server=server.url)
        self.assertExit(result, 69)
        self.assertIn("TLS handshake failed", result.stderr)
        self.assertEqual(server.versions, ["TLSv1.1"])
        self.assertEqual(server.requests_read, 0)
        (spooled,) = self.node.spool_files()
        self.assertDeliveredLater([spooled])


class MountNamespace:
    """A private mount namespace kept alive by a sleeping process; runs commands in it."""

    def __init__(self, test):
        self.proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                                      "sleep", "3600"])
        test.addCleanup(self.close)
        deadline = time.monotonic() + PATIENCE
        own = os.readlink("/proc/self/ns/mnt")
        while os.readlink("/proc/%d/ns/mnt" % self.proc.pid) == own:
            if time.monotonic() > deadline:
                raise AssertionError("unshare did not make a mount namespace")
            time.sleep(0.01)

    @property
    def enter(self):
        return ["nsenter", "--target", str(self.proc.pid), "--mount", "--"]

    def run(self, *argv):
        subprocess.run(self.enter + list(argv), check=True)

    def path(self, path):
        """`path` as seen inside the namespace, readable from outside."""
        return "/proc/%d/root%s" % (self.proc.pid, path)

    def close(self):
        self.proc.kill()
        self.proc.wait()


@unittest.skipIf(needs_root_namespaces(), needs_root_namespaces())
class StateDirectoryFaults(FaultTestCase):
    def test_missing_state_directory_is_created_and_holds_the_spool(self):
        self.node.state_dir = os.path.join(self.node.dir, "gone", "deeper", "state")
        self.node.spool_dir = os.path.join(self.node.state_dir, "spool")
        self.rx.control(mode="status", status=503, count=1)
        self.assertExit(self.send(), 69)
        (spooled,) = self.node.spool_files()
        self.assertEqual(os.stat(self.node.spool_dir).st_mode & 0o777, 0o700)
        self.assertDeliveredLater([spooled])

    def state_dir_in_namespace(self):
        """A mount namespace, and the state dir with one event spooled."""
        self.rx.control(mode="status", status=503, count=1)
        self.assertExit(self.send(), 69)
        (spooled,) = self.node.spool_files()
        self.rx.reset()
        return MountNamespace(self), spooled

    def make_read_only(self, ns):
        # A read-only bind mount on top: files a running daemon holds open
        # stay writable below it, as after `mount -o remount,ro` of a busy disk.
        ns.run("mount", "--bind", self.node.state_dir, self.node.state_dir)
        ns.run("mount", "-o", "remount,bind,ro", self.node.state_dir)

    def test_read_only_state_dir_send_refuses_and_keeps_the_spool(self):
        ns, spooled = self.state_dir_in_namespace()
        self.make_read_only(ns)
        result = self.send(wrap=ns.enter)
        self.assertExit(result, 78)
        self.assertIn("check the state directory (--state-dir)", result.stderr)
        self.assertEqual(self.rx.requests(), [])
        self.assertEqual(self.node.spool_files(), [spooled])
        ns.close()
        self.assertDeliveredLater([spooled])

    def run_daemon(self, wrap):
        self.node.write_config('[heartbeat]\ninterval = "1s"\njitter = "0s"\n')
        return Daemon(self, list(wrap) + self.node.command("run", server=self.rx.url,
                                                           ca_file=CERTS.ca))

    def test_read_only_state_dir_run_refuses_to_start(self):
        ns, spooled = self.state_dir_in_namespace()
        self.make_read_only(ns)
        daemon = self.run_daemon(ns.enter)
        self.assertEqual(daemon.proc.wait(PATIENCE), 78, daemon.log())
        self.assertIn("Read-only file system; check state.dir or --state-dir", daemon.log())
        self.assertEqual(self.rx.requests(), [])
        self.assertEqual(self.node.spool_files(), [spooled])

    def test_state_dir_turning_read_only_under_run_delivers_without_the_spool(self):
        ns, spooled = self.state_dir_in_namespace()
        daemon = self.run_daemon(ns.enter)
        daemon.wait_for_log(r"HEARTBEAT delivered")
        self.make_read_only(ns)
        daemon.wait_for_log(r"Read-only file system; delivering without the spool")
        daemon.wait_for_log(r"HEARTBEAT delivered", count=3)
        self.assertEqual(daemon.stop(), 0, daemon.log())
        events = [json.loads(r["body"])["event"] for r in self.rx.requests("presence")]
        self.assertEqual(events[-1], "OFFLINE")
        for record in self.rx.requests("presence"):
            self.assertTrue(record["verified"], record["error"])
            self.assertEqual(record["status_sent"], 200)
        self.assertEqual(self.node.spool_files(), [])

    def spool_on_tmpfs(self, size):
        ns = MountNamespace(self)
        os.makedirs(self.node.spool_dir, mode=0o700)
        ns.run("mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "pulse-spool",
               self.node.spool_dir)
        return ns

    def test_full_spool_file_system_reports_the_lost_event_and_keeps_the_others(self):
        ns = self.spool_on_tmpfs("8k")  # two pages: two events
        spool = ns.path(self.node.spool_dir)
        self.rx.control(mode="status", status=503)
        for _ in range(2):
            self.assertExit(self.send(wrap=ns.enter), 69)
        kept = sorted(os.listdir(spool))
        self.assertEqual(len(kept), 2, kept)
        result = self.send(wrap=ns.enter)
        self.assertExit(result, 69)
        self.assertIn("the event is lost: cannot spool it", result.stderr)
        self.assertIn("No space left on device", result.stderr)
        self.assertEqual(sorted(os.listdir(spool)), kept, "a partial file was left behind")
        self.rx.control(mode="ok")
        self.rx.reset()
        self.assertExit(self.send(wrap=ns.enter), 0)
        delivered = [r["idempotency_key"] for r in self.rx.requests("presence")]
        self.assertEqual(delivered[:2], [pulse_cli.split_spool_name(n)[1] for n in kept])
        self.assertEqual(os.listdir(spool), [])

    def test_file_size_limit_reports_the_lost_event_and_leaves_no_partial_file(self):
        self.rx.control(mode="status", status=503, count=1)
        self.assertExit(self.send(), 69)
        kept = self.node.spool_entries()

        def limit_file_size():
            # Ignored, SIGXFSZ becomes EFBIG from write(2), as for a full disk.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

        self.rx.control(mode="status", status=503, count=1)
        result = self.send(preexec_fn=limit_file_size)
        self.assertExit(result, 69)
        self.assertIn("the event is lost: cannot spool it", result.stderr)
        self.assertIn("File too large", result.stderr)
        self.assertEqual(self.node.spool_entries(), kept)
        self.assertDeliveredLater(kept)


class Daemon:
    """`pharos-pulse run` (argv) in the background, stderr in a file."""

    def __init__(self, test, argv):
        fd, self.stderr_path = tempfile.mkstemp(prefix="pulse-faults-run-")
        test.addCleanup(os.unlink, self.stderr_path)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=fd, env=pulse_cli.clean_environment())
        os.close(fd)
        test.addCleanup(self.kill)

    def log(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def wait_for_log(self, pattern, count=1):
        deadline = time.monotonic() + PATIENCE
        while len(re.findall(pattern, self.log())) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("no %r (x%d); exit %s; log:\n%s"
                                     % (pattern, count, self.proc.poll(), self.log()))
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(PATIENCE)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Crashes(FaultTestCase):
    """SIGKILL at random moments: no partial file read as an event, no spooled event lost."""

    ROUNDS = 50

    def plant_partial_temp_file(self):
        """Half of a spooled event under the name write_file_atomically gives its temp file."""
        self.rx.control(mode="status", status=503, count=1)
        self.assertExit(self.send(), 69)
        name = self.node.spool_files()[-1]
        content = self.node.read_spool(name)
        os.unlink(os.path.join(self.node.spool_dir, name))
        partial = "." + name + ".abcdefgh.tmp"
        with open(os.path.join(self.node.spool_dir, partial), "w") as f:
            f.write(content[:len(content) // 2])
        return partial

    def test_sigkill_during_spool_writes_and_deliveries(self):
        rng = random.Random(os.environ.get("PULSE_FAULT_SEED", "8"))
        ever_spooled = set()
        for round_ in range(self.ROUNDS):
            # Alternate an outage (events spooled) with a slow server (spool
            # delivered, each answer late), so kills land in both.
            if round_ % 4 < 2:
                self.rx.control(mode="status", status=503, delay_ms=rng.randrange(0, 300))
            else:
                self.rx.control(mode="ok", delay_ms=rng.randrange(50, 300))
            proc = subprocess.Popen(self.node.command("send", "heartbeat", server=self.rx.url,
                                                      ca_file=CERTS.ca),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=pulse_cli.clean_environment())
            time.sleep(rng.uniform(0, 0.4))
            proc.kill()
            proc.wait()
            ever_spooled.update(pulse_cli.split_spool_name(n)[1] for n in self.node.spool_files())
        self.assertGreater(len(ever_spooled), 5, "too few kills landed after a spool write")
        # What a kill inside the write window leaves: half a temp file.
        partial = self.plant_partial_temp_file()

        self.rx.control(mode="ok")
        result = self.send()
        self.assertExit(result, 0)
        self.assertNotIn("not a valid event", result.stderr)
        leftovers = self.node.spool_entries()
        self.assertEqual([n for n in leftovers if not n.startswith(".")], [], leftovers)
        self.assertIn(partial, leftovers)
        answered = {}
        for record in self.rx.requests("presence"):
            self.assertTrue(record["verified"], record["error"])
            if record["status_sent"] == 200:
                answered[record["idempotency_key"]] = answered.get(record["idempotency_key"], 0) + 1
        self.assertEqual(ever_spooled - answered.keys(), set(), "spooled events were lost")
        self.assertNotIn(pulse_cli.split_spool_name(partial[1:-len(".abcdefgh.tmp")])[1],
                         answered, "a partial temp file was delivered as an event")
        report(fault="sigkill", rounds=self.ROUNDS, spooled=len(ever_spooled),
               delivered=len(answered), duplicates=sum(n - 1 for n in answered.values()),
               temp_files_left=len(leftovers))


@unittest.skipIf(needs_root_namespaces(), needs_root_namespaces())
class DaemonFaults(FaultTestCase):
    def start(self, wrap=()):
        self.node.write_config('[heartbeat]\ninterval = "1s"\njitter = "0s"\n')
        return Daemon(self, list(wrap) + self.node.command("run", server=self.rx.url,
                                                           ca_file=CERTS.ca))

    def test_key_replaced_by_garbage_is_refused_on_reload_and_the_old_key_kept(self):
        daemon = self.start()
        daemon.wait_for_log(r"HEARTBEAT delivered")
        with open(self.node.key, "w") as f:
            f.write("this is no key\n")
        daemon.proc.send_signal(signal.SIGHUP)
        daemon.wait_for_log(r"config reload failed, keeping the previous config and key: .*")
        self.rx.reset()
        daemon.wait_for_log(r"HEARTBEAT delivered", count=4)
        self.assertEqual(daemon.stop(), 0, daemon.log())
        records = self.rx.requests("presence")
        self.assertGreaterEqual(len(records), 2)
        for record in records:
            self.assertTrue(record["verified"], record["error"])
            self.assertEqual(record["keyid"], self.node.fingerprint())

    def test_boot_time_far_ahead_of_monotonic_is_no_suspend(self):
        # A time namespace moves CLOCK_BOOTTIME a day and CLOCK_MONOTONIC an
        # hour ahead for the daemon alone; the real clocks are not touched.
        daemon = self.start(wrap=["unshare", "--time", "--fork", "--boottime", "86400",
                                  "--monotonic", "3600", "--"])
        daemon.wait_for_log(r"HEARTBEAT delivered", count=3)
        with open("/proc/%d/task/%d/children" % (daemon.proc.pid, daemon.proc.pid)) as f:
            os.kill(int(f.read().split()[0]), signal.SIGTERM)
        self.assertEqual(daemon.proc.wait(PATIENCE), 0, daemon.log())
        self.assertNotIn("resumed after a suspend", daemon.log())
        events = [json.loads(r["body"])["event"] for r in self.rx.requests("presence")]
        self.assertEqual(events[0], "ONLINE")
        self.assertEqual(events[-1], "OFFLINE")
        self.assertEqual(events.count("ONLINE"), 1)


if __name__ == "__main__":
    unittest.main()
