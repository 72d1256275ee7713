"""A node's clock against the server's, refused spooled events, and reloads
that fail (contract §6, §9.8): the real binary, a real HTTPS receiver, real
signals.

The receiver runs its clock an hour ahead (`--clock-offset`), as a server
sees a node that booted with a stale clock before NTP: it answers 400 to a
request whose `created` is that far off, with its own Date header. Events
spooled then must be kept, not dropped, and delivered in order once the two
clocks agree. A spooled event the server refuses for good is kept as
`*.rejected` and the ones behind it go on. A SIGHUP whose settings cannot
be used keeps the old ones, and a delivery that throws (a value the Ph layer
refuses) stays inside the daemon loop, which still tries OFFLINE.

The daemon's following of a wall-clock step (spooled events made before the
step get the time they really happened) needs the wall clock itself to
step, which only a clock_settime on the whole machine can do: time
namespaces move the boot-time and monotonic clocks only. It is tested at
the unit level (tests/clock_step_test.cpp) with real spool files.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402
import test_run as run  # noqa: E402
from test_ph import PhHub  # noqa: E402

HOUR_AHEAD = 3600
SKEW_MESSAGE = (r"the local clock is 3\d\d\d s behind the server's; "
                r"the event is kept and sent once the clock is set")


def setUpModule():
    run.setUpModule()


def tearDownModule():
    run.tearDownModule()


def receiver(test, **options):
    certs = run.CERTS
    rx = rh.Receiver(certs.server_cert, certs.server_key, ca=certs.ca, **options).start()
    test.addCleanup(rx.stop)
    return rx


def ids_of(records):
    return [r["idempotency_key"] for r in records]


class SpoolUnderSkew(unittest.TestCase):
    """`send`: the spool and a server whose clock is an hour ahead."""

    def setUp(self):
        self.node = pulse_cli.Node(prefix="pulse-skew-")
        self.addCleanup(self.node.cleanup)
        self.down = "https://127.0.0.1:%d" % pulse_cli.unused_port()

    def send(self, server, event="heartbeat"):
        return self.node.run("send", event, server=server, ca_file=run.CERTS.ca)

    def spool_while_down(self, count):
        for _ in range(count):
            r = self.send(self.down)
            self.assertEqual(r.returncode, 69, repr(r))
        names = self.node.spool_files()
        self.assertEqual(len(names), count)
        return names

    def test_three_spooled_then_a_server_an_hour_ahead_keeps_all_four(self):
        spooled = self.spool_while_down(3)
        ahead = receiver(self, clock_offset=HOUR_AHEAD)
        ahead.add_key(self.node.pub)

        r = self.send(ahead.url)
        self.assertEqual(r.returncode, 69, repr(r))
        self.assertRegex(r.stderr, r"server answered 400: created \d+ is more than 300 s")
        self.assertRegex(r.stderr, SKEW_MESSAGE)
        # The first spooled event was tried and held; nothing was dropped,
        # and the new event waits behind the three.
        self.assertEqual(len(ahead.requests("presence")), 1)
        now_spooled = self.node.spool_files()
        self.assertEqual(now_spooled[:3], spooled)
        self.assertEqual(len(now_spooled), 4)

        # The clocks agree again: all five, in the order they were made.
        right = receiver(self)
        right.add_key(self.node.pub)
        r = self.send(right.url)
        self.assertEqual(r.returncode, 0, repr(r))
        records = right.requests("presence")
        self.assertTrue(all(rec["verified"] for rec in records), records)
        self.assertEqual(ids_of(records)[:4],
                         [pulse_cli.split_spool_name(n)[1] for n in now_spooled])
        self.assertEqual(len(records), 5)
        self.assertEqual(self.node.spool_entries(), [])

    def test_a_refused_spooled_event_is_kept_as_rejected_and_the_rest_go_on(self):
        first, second = self.spool_while_down(2)
        rejected_payload = self.node.read_spool(first)
        rx = receiver(self)
        rx.add_key(self.node.pub)
        rx.control(mode="status", status=422, count=1)

        r = self.send(rx.url)
        self.assertEqual(r.returncode, 0, repr(r))
        self.assertRegex(r.stderr, re.escape(first) + r" refused: server answered 422.*kept as "
                         + re.escape(first + ".rejected"))
        records = rx.requests("presence")
        self.assertEqual([rec["status_sent"] for rec in records], [422, 200, 200])
        self.assertEqual(ids_of(records)[1], pulse_cli.split_spool_name(second)[1])
        # Kept unchanged for a person; not retried by the next send.
        self.assertEqual(self.node.spool_entries(), [first + ".rejected"])
        self.assertEqual(self.node.read_spool(first + ".rejected"), rejected_payload)
        self.assertEqual(self.send(rx.url).returncode, 0)
        self.assertEqual(len(rx.requests("presence")), 4)

    def test_a_server_with_the_right_clock_still_refuses_with_76(self):
        rx = receiver(self)
        rx.add_key(self.node.pub)
        rx.control(mode="status", status=400, count=1)
        r = self.send(rx.url)
        self.assertEqual(r.returncode, 76, repr(r))
        self.assertNotIn("local clock", r.stderr)
        self.assertEqual(self.node.spool_files(), [])


class DaemonUnderSkew(run.DaemonTestCase):
    """`run` against a server whose clock is an hour ahead, then one that agrees."""

    def test_events_a_skewed_server_refuses_are_kept_and_delivered_in_order_later(self):
        ahead = receiver(self, clock_offset=HOUR_AHEAD)
        node = self.node(ahead, interval="1h")
        # One event spooled by `send` while the server was down.
        down = "https://127.0.0.1:%d" % pulse_cli.unused_port()
        r = subprocess.run([run.BINARY, "--config", node.config, "--server", down, "send",
                            "heartbeat"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60, env=pulse_cli.clean_environment())
        self.assertEqual(r.returncode, 69, repr(r))

        daemon = run.Daemon(self, node)
        daemon.wait_for_log(r"ONLINE unavailable: .*" + SKEW_MESSAGE)
        daemon.wait_for_log(r"retrying in ")
        daemon.signal(signal.SIGUSR1)
        daemon.wait_for_log(r"HEARTBEAT unavailable: .*" + SKEW_MESSAGE)
        spooled = [e["event"] for _, e in node.spooled_events()]
        self.assertEqual(spooled, ["HEARTBEAT", "ONLINE", "HEARTBEAT"])
        ids = [pulse_cli.split_spool_name(n)[1] for n, _ in node.spooled_events()]

        # The server's clock and ours agree again, on the same port.
        port = ahead.port
        ahead.stop()
        right = rh.Receiver(run.CERTS.server_cert, run.CERTS.server_key, ca=run.CERTS.ca,
                            port=port).start()
        self.addCleanup(right.stop)
        right.add_key(node.key + ".pub")
        records = self.wait_for_events(right, 3)
        self.assertEqual(ids_of(records), ids)
        self.assertVerified(records)
        self.assertStopsCleanly(daemon)
        self.assertEqual(node.spooled_events(), [])

    def test_a_refused_spooled_event_is_set_aside_and_the_daemon_goes_on(self):
        rx = self.receiver()
        node = self.node(rx, interval="1h")
        rx.control(mode="stall")
        daemon = run.Daemon(self, node)
        self.wait_for_events(rx, 1, answered=False)
        self.assertStopsCleanly(daemon)  # ONLINE and OFFLINE spooled
        spooled = [n for n, _ in node.spooled_events()]
        self.assertEqual(len(spooled), 2)

        rx.reset()
        rx.control(mode="status", status=403, count=1)
        daemon = run.Daemon(self, node)
        records = self.wait_for_events(rx, 3)
        self.assertEqual([r["status_sent"] for r in records], [403, 200, 200])
        self.assertEqual([run.event_of(r) for r in records], ["ONLINE", "OFFLINE", "ONLINE"])
        daemon.wait_for_log(re.escape(spooled[0]) + r" refused: server answered 403")
        self.assertStopsCleanly(daemon)
        self.assertEqual(sorted(os.listdir(node.spool)), [spooled[0] + ".rejected"])

    def test_a_wait_under_a_second_is_printed_in_milliseconds(self):
        node = run.Node(self, "https://127.0.0.1:%d" % pulse_cli.unused_port())
        node.keygen()
        daemon = run.Daemon(self, node)
        waits = daemon.wait_for_log(r"retrying in (\S+)", count=3)[:3]
        self.assertTrue(any(re.fullmatch(r"\d+ms", w) for w in waits), waits)
        self.assertNotIn("0s", waits)
        self.assertStopsCleanly(daemon)


class ReloadThatFails(run.DaemonTestCase):
    """SIGHUP with settings the daemon cannot use keeps the old ones (§9.8)."""

    def config_text(self, node, url, hostname):
        return ('[server]\nurl = "%s"\nca_file = "%s"\n\n'
                '[identity]\nkey_file = "%s"\nhostname = "%s"\n\n'
                '[heartbeat]\ninterval = "1h"\njitter = "0s"\nshutdown_timeout = "3s"\n\n'
                '[state]\ndir = "%s"\n' % (url, run.CERTS.ca, node.key, hostname, node.state))

    def test_a_line_feed_in_the_hostname_for_a_ph_hub_keeps_the_old_settings(self):
        with PhHub(require_auth=False, cert=run.CERTS.server_cert,
                   key=run.CERTS.server_key) as hub:
            node = run.Node(self, hub.url)
            node.replace_config(self.config_text(node, hub.url, "good-name"))
            node.keygen()
            daemon = run.Daemon(self, node)
            run.wait_until(lambda: "good-name" in hub.records())
            self.assertIn("good-name", hub.records(), daemon.log())

            node.replace_config(self.config_text(node, hub.url, "a\\nb"))  # a TOML escape
            daemon.signal(signal.SIGHUP)
            daemon.wait_for_log(r"config reload failed, keeping the previous config")
            daemon.signal(signal.SIGUSR1)
            # The daemon's word, not the hub's record: a SIGTERM between the
            # hub's 200 and the end of the exchange would send it again.
            daemon.wait_for_log(r"HEARTBEAT delivered")
            self.assertStopsCleanly(daemon)
            events = [dict(a["fields"]).get("pulse_event") for a in hub.adds()]
            self.assertEqual(events, ["ONLINE", "HEARTBEAT", "OFFLINE"], daemon.log())
            self.assertEqual({a["hostname"] for a in hub.adds()}, {"good-name"})
            self.assertEqual(node.spooled_events(), [])

    def test_a_delivery_that_throws_stays_in_the_loop_and_offline_is_still_tried(self):
        # A carriage return in the kernel release, which metadata reads afresh
        # for every event and the ONLINE's Ph add carries: no reload can catch
        # it, the Ph layer refuses it when it builds the `add`. Mounted over
        # /proc/sys/kernel/osrelease in a private mount namespace, so only the
        # daemon sees it. The spooled ONLINE holds the OFFLINE back.
        if os.geteuid() != 0 or not shutil.which("unshare"):
            self.skipTest("needs root for a private mount namespace")
        with PhHub(require_auth=False, cert=run.CERTS.server_cert,
                   key=run.CERTS.server_key) as hub:
            node = run.Node(self, hub.url)
            node.keygen()
            osrelease = os.path.join(node.dir, "osrelease")
            with open(osrelease, "w") as f:
                f.write("6.1.0\r-18-amd64\n")
            daemon = run.Daemon(self, node, wrapper=(
                "unshare", "-m", "sh", "-c",
                'mount --bind "$0" /proc/sys/kernel/osrelease && exec "$@"', osrelease))
            daemon.wait_for_log(r"ONLINE unavailable: cannot deliver: cannot send "
                                r"'kernel_version' over ph://.*; event spooled")
            daemon.wait_for_log(r"retrying in ")
            self.assertTrue(daemon.alive())
            self.assertStopsCleanly(daemon)
            self.assertRegex(daemon.log(), r"OFFLINE unavailable: .*kernel_version")
            self.assertEqual([e["event"] for _, e in node.spooled_events()],
                             ["ONLINE", "OFFLINE"])
            self.assertEqual(hub.adds(), [])

    def test_a_reload_that_fails_over_https_keeps_the_old_settings(self):
        rx = self.receiver()
        node = self.node(rx, interval="1h")
        daemon = run.Daemon(self, node)
        self.wait_for_events(rx, 1)
        # One SIGHUP at a time: two sent together may arrive as one.
        for failed, broken in enumerate(
                ('[server]\nurl = "https://127.0.0.1:1"\nca_file = "%s"\n'
                 % os.path.join(node.dir, "missing-ca.pem"),
                 '[identity]\nkey_file = "%s"\n' % node.dir), start=1):
            node.replace_config(broken)
            daemon.signal(signal.SIGHUP)
            daemon.wait_for_log(r"config reload failed, keeping the previous config",
                                count=failed)
        daemon.signal(signal.SIGUSR1)
        records = self.wait_for_events(rx, 2)
        self.assertEqual([run.event_of(r) for r in records], ["ONLINE", "HEARTBEAT"])
        self.assertStopsCleanly(daemon)
        self.assertEqual([run.event_of(r) for r in rx.requests("presence")],
                         ["ONLINE", "HEARTBEAT", "OFFLINE"])


if __name__ == "__main__":
    unittest.main()
