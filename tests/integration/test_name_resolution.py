"""Host names resolve from the hosts file the machine has, without glibc's NSS.

The static binary cannot load NSS modules; its libcurl resolves through c-ares,
which reads /etc/hosts and /etc/resolv.conf itself. These tests give the
binary a hosts file of their own, bind-mounted over /etc/hosts in a private
mount namespace, and a resolv.conf whose only name server refuses at once, so
a name can only resolve through that hosts file. `localhost` would prove
nothing: curl answers it without asking the resolver.

Needs root (for the mount namespace), as CI has; skipped otherwise.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402

# The name the test CA's "wrong-host" certificate is issued for.
NAME = "wrong.example"

# Mounts the two files over /etc's, then runs the rest of argv.
MOUNT_AND_EXEC = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"'


def can_make_mount_namespace():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    if not os.path.exists("/etc/resolv.conf"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return probe.returncode == 0


@unittest.skipUnless(can_make_mount_namespace(), "needs root and unshare for a private mount namespace")
class HostsFileResolution(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.certs_dir = tempfile.mkdtemp(prefix="pulse-resolve-certs-")
        cls.certs = rh.make_certs(cls.certs_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs_dir, ignore_errors=True)

    def setUp(self):
        self.node = pulse_cli.Node(prefix="pulse-resolve-")
        self.addCleanup(self.node.cleanup)
        cert, key = self.certs.pair("wrong-host")
        self.rx = rh.Receiver(cert, key, ca=self.certs.ca).start()
        self.addCleanup(self.rx.__exit__, None, None, None)
        self.rx.add_key(self.node.pub)
        self.resolv_conf = self.write("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")

    def write(self, name, text):
        path = os.path.join(self.node.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def send_in_namespace(self, hosts_text):
        hosts = self.write("hosts", hosts_text)
        argv = self.node.command("send", "heartbeat", server="https://%s:%d" % (NAME, self.rx.port),
                                 ca_file=self.certs.ca)
        wrapped = ["unshare", "--mount", "--propagation", "private",
                   "sh", "-c", MOUNT_AND_EXEC, "sh", hosts, self.resolv_conf] + argv
        return subprocess.run(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=pulse_cli.clean_environment(), timeout=60)

    def test_name_from_the_hosts_file_reaches_the_receiver(self):
        r = self.send_in_namespace("127.0.0.1 localhost\n127.0.0.1 %s\n" % NAME)
        self.assertEqual(r.returncode, 0, r.stderr)
        (record,) = self.rx.records()
        self.assertTrue(record["verified"], record)
        self.assertEqual(self.node.spool_files(), [])

    def test_name_missing_from_the_hosts_file_does_not_resolve(self):
        r = self.send_in_namespace("127.0.0.1 localhost\n")
        self.assertEqual(r.returncode, 69, r.stderr)
        self.assertIn(NAME, r.stderr)
        self.assertEqual(self.rx.records(), [])
        self.assertEqual(len(self.node.spool_files()), 1)


if __name__ == "__main__":
    unittest.main()
