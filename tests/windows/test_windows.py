"""pharos-pulse.exe under Wine: the commands, signed delivery to the test
receiver over Schannel, the spool's Windows file names, a console run stopped
with Ctrl+C, and the Windows service from install to uninstall.

Schannel under Wine verifies nothing unless given a CA file, so every run
passes --ca-file; curl 7.88's Schannel matches DNS names only, so the server
is https://localhost:PORT (make-certs.sh puts DNS:localhost in the
certificate).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wine_harness as wh  # noqa: E402

sys.path.insert(0, wh.INTEGRATION_DIR)
import receiver_harness as rh  # noqa: E402

CERTS = None
CERTS_DIR = None
KEEP_ALIVE = None
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PLATFORMS = {"bare-metal", "proxmox-lxc", "lxc", "docker", "podman", "kubernetes", "wsl", "kvm",
             "qemu", "vmware", "hyperv", "xen", "virtualbox", "vm"}


def setUpModule():
    global CERTS, CERTS_DIR, KEEP_ALIVE
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-windows-certs-")
    CERTS = rh.make_certs(CERTS_DIR)
    # One Wine session for all tests: the services (and the SCM's state) live
    # as long as it does, and each program starts faster in it.
    KEEP_ALIVE = wh.KeepAlive().__enter__()


def tearDownModule():
    KEEP_ALIVE.__exit__()
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def localhost_url(receiver):
    return "https://localhost:%d" % receiver.port


def presence_events(receiver):
    return [json.loads(r["body"])["event"] for r in receiver.requests("presence")]


class WindowsTestCase(unittest.TestCase):
    def setUp(self):
        self.node = wh.Node()
        self.addCleanup(self.node.cleanup)

    def keygen(self):
        r = self.node.run("keygen")
        self.assertEqual(r.returncode, 0, r)
        return r

    def receiver(self):
        receiver = rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca).start()
        self.addCleanup(receiver.__exit__)
        receiver.add_key(self.node.key + ".pub")
        return receiver

    def assert_all_verified(self, receiver):
        for record in receiver.requests("presence"):
            self.assertTrue(record["verified"], record)
            self.assertIsNone(record["error"], record)


class Commands(WindowsTestCase):
    def test_version(self):
        r = wh.wine(wh.exe(), "--version")
        self.assertEqual(r.returncode, 0, r)
        self.assertRegex(r.stdout.strip(), r"^pharos-pulse \d+\.\d+\.\d+$")

    def test_keygen_seals_the_key_and_keeps_the_openssh_fingerprint(self):
        r = self.keygen()
        with open(self.node.key, "rb") as f:
            self.assertNotIn(b"OPENSSH PRIVATE KEY", f.read(), "the key must be sealed with DPAPI")
        fingerprint = re.search(r"fingerprint (SHA256:\S+)", r.stdout).group(1)
        if shutil.which("ssh-keygen"):
            listed = subprocess.run(["ssh-keygen", "-l", "-f", self.node.key + ".pub"],
                                    capture_output=True, text=True, check=True).stdout
            self.assertIn(fingerprint, listed)
        again = self.node.run("keygen")
        self.assertEqual(again.returncode, 73, again)

    def test_inspect_json_is_the_payload(self):
        self.keygen()
        r = self.node.run("inspect", "--json")
        self.assertEqual(r.returncode, 0, r)
        payload = json.loads(r.stdout)
        self.assertEqual(list(payload),
                         ["event", "identity", "metadata", "inventory", "timestamp"])
        self.assertEqual(payload["event"], "ONLINE")
        self.assertRegex(payload["timestamp"], TIMESTAMP)
        identity = payload["identity"]
        self.assertEqual(set(identity), {"hw_uuid", "hostname", "ssh_pubkey_fingerprint"})
        self.assertRegex(identity["hw_uuid"], UUID)
        self.assertTrue(identity["hostname"])
        self.assertRegex(identity["ssh_pubkey_fingerprint"], r"^SHA256:[A-Za-z0-9+/]{43}$")
        metadata = payload["metadata"]
        self.assertEqual(set(metadata),
                         {"os_family", "os_version", "kernel_version", "platform", "local_ips"})
        self.assertEqual(metadata["os_family"], "windows")
        self.assertRegex(metadata["os_version"], r"^Windows .*\(build \d+\)$")
        self.assertRegex(metadata["kernel_version"], r"^\d+\.\d+\.\d+(\.\d+)?$")
        self.assertIn(metadata["platform"], PLATFORMS)
        self.assertIsInstance(metadata["local_ips"], list)
        for address in metadata["local_ips"]:
            self.assertNotIn(address, ("127.0.0.1", "::1"))
            self.assertFalse(address.lower().startswith("fe80:"), address)
        self.check_inventory(payload["inventory"], metadata)
        heartbeat = json.loads(self.node.run("inspect", "--json", "--event", "heartbeat").stdout)
        self.assertNotIn("inventory", heartbeat)

    def check_inventory(self, inventory, metadata):
        """What Wine provides, from the Linux host: CPU, memory, MACs."""
        self.assertLessEqual(set(inventory), {
            "os_name", "os_version", "cpu_brand", "cpu_cores", "mem_total_kb", "serial_number",
            "manufacturer", "product_name", "mac_addrs"})
        self.assertEqual(inventory["os_name"], "Windows")
        build = re.search(r"\(build (\d+)\)$", metadata["os_version"]).group(1)
        self.assertRegex(inventory["os_version"], r"^\S.* \(%s\)$" % build)
        self.assertEqual(inventory["cpu_cores"], os.sysconf("SC_NPROCESSORS_ONLN"))
        with open("/proc/meminfo") as f:
            mem_total_kb = int(f.readline().split()[1])
        # Wine counts whole pages.
        self.assertAlmostEqual(inventory["mem_total_kb"], mem_total_kb, delta=4)
        self.assertTrue(inventory["cpu_brand"])
        self.assertEqual(inventory["cpu_brand"], inventory["cpu_brand"].strip())
        for name in ("serial_number", "manufacturer", "product_name"):
            if name in inventory:
                self.assertTrue(inventory[name].strip(), name)
        macs = inventory.get("mac_addrs", [])
        self.assertEqual(macs, sorted(set(macs)))
        for mac in macs:
            self.assertRegex(mac, r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
            self.assertNotEqual(mac, "00:00:00:00:00:00")

    def test_a_key_that_others_may_read_is_refused(self):
        self.keygen()
        # Wine shows a file without a stored security descriptor with an ACL
        # made from its mode: "other" bits become an entry for Everyone.
        shared = os.path.join(self.node.dir, "shared_id")
        shutil.copyfile(self.node.key, shared)
        os.chmod(shared, 0o644)
        r = wh.wine(wh.exe(), "--key", wh.windows_path(shared), "--config",
                    wh.windows_path(self.node.config), "inspect", "--json")
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("is readable by Everyone", r.stderr)

    def test_inspect_json_needs_the_key(self):
        r = self.node.run("inspect", "--json")
        self.assertEqual(r.returncode, 78, r)


class Delivery(WindowsTestCase):
    def test_send_heartbeat_is_verified_by_the_receiver(self):
        self.keygen()
        receiver = self.receiver()
        r = self.node.run("send", "heartbeat", server=localhost_url(receiver), ca_file=CERTS.ca)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(presence_events(receiver), ["HEARTBEAT"])
        self.assert_all_verified(receiver)

    def test_wrong_ca_is_refused_and_the_event_spooled_under_a_windows_name(self):
        self.keygen()
        receiver = self.receiver()
        r = self.node.run("send", "online", server=localhost_url(receiver),
                          ca_file=CERTS.other_ca)
        self.assertEqual(r.returncode, 69, r)
        self.assertIn("not trusted", r.stderr)
        self.assertEqual(presence_events(receiver), [])
        spooled = self.node.spool_files()
        self.assertEqual(len(spooled), 1, spooled)
        self.assertNotIn(":", spooled[0])
        self.assertRegex(spooled[0], r"^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[A-Za-z0-9_-]+\.json$")

        r = self.node.run("send", "heartbeat", server=localhost_url(receiver), ca_file=CERTS.ca)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(presence_events(receiver), ["ONLINE", "HEARTBEAT"])
        self.assertEqual(self.node.spool_files(), [])
        self.assert_all_verified(receiver)


class Daemon(WindowsTestCase):
    def test_console_run_sends_offline_on_ctrl_c(self):
        self.keygen()
        receiver = self.receiver()
        proc = self.node.popen("run", "--interval", "1s", "--jitter", "0s",
                               server=localhost_url(receiver), ca_file=CERTS.ca)
        try:
            self.assertTrue(wh.wait_until(lambda: "HEARTBEAT" in presence_events(receiver)),
                            presence_events(receiver))
            # Wine turns SIGINT into the console's CTRL_C_EVENT.
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual(proc.returncode, 0, stderr)
        events = presence_events(receiver)
        self.assertEqual(events[0], "ONLINE")
        self.assertEqual(events[-1], "OFFLINE", events)
        self.assert_all_verified(receiver)

    def test_ctrl_c_interrupts_a_stalled_exchange_within_the_shutdown_budget(self):
        self.keygen()
        receiver = self.receiver()
        receiver.control(mode="stall")
        proc = self.node.popen("run", "--shutdown-timeout", "2s", server=localhost_url(receiver),
                               ca_file=CERTS.ca, timeout="60s")
        try:
            self.assertTrue(wh.wait_until(lambda: receiver.stats()["stalled"] >= 1))
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
            took = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual(proc.returncode, 0, stderr)
        # The 2 s budget and Wine's start-up and exit, far below the 60 s
        # request time-out that a missed wake-up would wait for.
        self.assertLess(took, 10, stderr)
        self.assertIn(b"OFFLINE", stderr)
        self.assertEqual(self.node.spooled_events(), ["ONLINE", "OFFLINE"])

    def test_service_install_start_stop_uninstall(self):
        self.keygen()
        receiver = self.receiver()
        r = self.node.run("service", "install", "--start", "manual",
                          server=localhost_url(receiver), ca_file=CERTS.ca)
        self.assertEqual(r.returncode, 0, r)
        self.addCleanup(lambda: wh.wine("sc", "delete", "pharos-pulse"))

        r = wh.wine("net", "start", "pharos-pulse")
        self.assertEqual(r.returncode, 0, r)
        self.assertTrue(wh.wait_until(lambda: presence_events(receiver) == ["ONLINE"]),
                        presence_events(receiver))
        self.assertIn("RUNNING", wh.wine("sc", "query", "pharos-pulse").stdout)

        r = wh.wine("net", "stop", "pharos-pulse")
        self.assertEqual(r.returncode, 0, r)
        self.assertTrue(wh.wait_until(lambda: "OFFLINE" in presence_events(receiver)),
                        presence_events(receiver))
        self.assertIn("STOPPED", wh.wine("sc", "query", "pharos-pulse").stdout)
        self.assertEqual(presence_events(receiver), ["ONLINE", "OFFLINE"])
        self.assert_all_verified(receiver)

        r = self.node.run("service", "uninstall")
        self.assertEqual(r.returncode, 0, r)
        self.assertNotEqual(wh.wine("sc", "query", "pharos-pulse").returncode, 0)


if __name__ == "__main__":
    unittest.main()
