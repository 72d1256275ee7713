"""Local files a real first boot and a hostile local user throw at the agent
(issue 14): processes racing to create the key, the config enroll writes, a
state directory prepared by someone else, endless files, core dumps.

Tests that need root (chown, other users, mount namespaces) are skipped with
the reason when not run as root.
"""

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402

NOBODY = 65534


def needs_root(test):
    return unittest.skipUnless(os.geteuid() == 0, "needs root")(test)


def ssh_fingerprint(path):
    out = subprocess.run(["ssh-keygen", "-l", "-f", path], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return out.split()[1]


def derived_public_key(key):
    """The public key ssh-keygen derives from the private key, without comment."""
    out = subprocess.run(["ssh-keygen", "-y", "-f", key], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return " ".join(out.split()[:2])


class KeyCreationRace(unittest.TestCase):
    """Contract §2: processes creating the same key at once end with one key."""

    PROCESSES = 16
    ROUNDS = 6

    def race(self, commands):
        """Starts every argv at once; returns their Results."""
        env = pulse_cli.clean_environment()
        procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, text=True, env=env)
                 for argv in commands]
        results = []
        for argv, p in zip(commands, procs):
            out, err = p.communicate(timeout=60)
            results.append(pulse_cli.Result(argv, p.returncode, out, err, 0))
        return results

    def check_one_key(self, node):
        self.assertEqual(sorted(n for n in os.listdir(os.path.dirname(node.key))),
                         ["pulse_id", "pulse_id.pub"])
        with open(node.pub) as f:
            public_line = f.read()
        self.assertEqual(" ".join(public_line.split()[:2]), derived_public_key(node.key))
        return ssh_fingerprint(node.pub)

    def test_parallel_keygen_makes_one_key_and_the_losers_exit_73(self):
        for _ in range(self.ROUNDS):
            node = pulse_cli.Node(keygen=False)
            self.addCleanup(node.cleanup)
            results = self.race([node.command("keygen", timeout=None)] * self.PROCESSES)
            winners = [r for r in results if r.returncode == 0]
            self.assertEqual(len(winners), 1, results)
            for r in results:
                if r.returncode != 0:
                    self.assertEqual(r.returncode, 73, r)
                    self.assertIn("already exists", r.stderr)
            fingerprint = self.check_one_key(node)
            self.assertIn("fingerprint " + fingerprint, winners[0].stdout)

    def test_parallel_enroll_and_keygen_all_use_the_one_key(self):
        for _ in range(self.ROUNDS):
            node = pulse_cli.Node(keygen=False)
            self.addCleanup(node.cleanup)
            enroll = node.command("enroll", "--preprovisioned", "--json", "--no-write-config",
                                  server="https://pharos.example:8443", timeout=None)
            keygen = node.command("keygen", timeout=None)
            results = self.race([enroll, keygen] * (self.PROCESSES // 2))
            fingerprint = self.check_one_key(node)
            for r in results:
                if "keygen" in r.args:
                    self.assertIn(r.returncode, (0, 73), r)
                    if r.returncode == 0:
                        self.assertIn("fingerprint " + fingerprint, r.stdout)
                else:
                    self.assertEqual(r.returncode, 0, r)
                    self.assertEqual(json.loads(r.stdout)["ssh_pubkey_fingerprint"],
                                     fingerprint, r)

    def test_force_still_replaces_the_key(self):
        node = pulse_cli.Node()
        self.addCleanup(node.cleanup)
        before = ssh_fingerprint(node.pub)
        r = node.run("keygen", "--force", timeout=None)
        self.assertEqual(r.returncode, 0, r)
        self.assertNotEqual(ssh_fingerprint(node.pub), before)
        self.check_one_key(node)


if __name__ == "__main__":
    unittest.main()
