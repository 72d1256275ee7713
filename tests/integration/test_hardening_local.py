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


def limit_memory():
    """A child's address space capped at 1 GiB, so a read that never ends
    fails there instead of taking the machine's memory."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


class StateDirectoryPreparedByOthers(unittest.TestCase):
    """Contract §1: files in the state directory are opened without following
    symlinks, and a directory others may have prepared is refused (78)."""

    def setUp(self):
        self.node = pulse_cli.Node()
        self.addCleanup(self.node.cleanup)
        os.makedirs(self.node.state_dir, mode=0o755)
        self.victims = tempfile.mkdtemp(prefix="pulse-victims-")
        self.addCleanup(shutil.rmtree, self.victims, True)
        self.server = "https://127.0.0.1:%d" % pulse_cli.unused_port()

    def victim(self, name, content="someone else's file\n"):
        path = os.path.join(self.victims, name)
        with open(path, "w") as f:
            f.write(content)
        return path

    def read(self, path):
        with open(path) as f:
            return f.read()

    def send(self):
        return self.node.run("send", "heartbeat", server=self.server, timeout="1s")

    def test_pulse_lock_symlink_is_refused_and_its_target_untouched(self):
        victim = self.victim("passwd")
        os.symlink(victim, os.path.join(self.node.state_dir, "pulse.lock"))
        daemon = self.node.popen("run", server=self.server, timeout="1s")
        try:
            out, err = daemon.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            out, err = daemon.communicate()
        self.assertEqual(daemon.returncode, 78, err)
        self.assertIn("pulse.lock", err)
        self.assertEqual(self.read(victim), "someone else's file\n")

    def test_spool_lock_symlink_creates_nothing_through_it(self):
        target = os.path.join(self.victims, "created-by-root")
        os.symlink(target, os.path.join(self.node.state_dir, "spool.lock"))
        r = self.send()
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("spool.lock", r.stderr)
        self.assertFalse(os.path.lexists(target))

    def test_symlinked_spool_entry_is_no_event_and_its_target_untouched(self):
        os.makedirs(self.node.spool_dir, mode=0o700)
        victim = self.victim("2026-11-28T10:52:29.123Z-abc.json", "not an event")
        os.symlink(victim, os.path.join(self.node.spool_dir, os.path.basename(victim)))
        r = self.send()
        self.assertEqual(r.returncode, 69, r)
        self.assertEqual(self.read(victim), "not an event")
        self.assertEqual(os.listdir(self.victims), [os.path.basename(victim)])
        self.assertNotIn("corrupt", r.stderr)

    def test_symlinked_spool_directory_is_refused_and_its_files_untouched(self):
        victim = self.victim("2026-11-28T10:52:29.123Z-abc.json", "not an event")
        os.symlink(self.victims, self.node.spool_dir)
        r = self.send()
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("spool directory '%s' is a symbolic link" % self.node.spool_dir, r.stderr)
        self.assertEqual(os.listdir(self.victims), [os.path.basename(victim)])

    def test_group_writable_state_directory_is_refused_with_the_fix(self):
        os.chmod(self.node.state_dir, 0o775)
        r = self.send()
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("state directory '%s' is writable by its group (mode 0775)"
                      % self.node.state_dir, r.stderr)
        self.assertIn("chmod 755 %s" % self.node.state_dir, r.stderr)
        self.assertEqual(self.node.spool_files(), [])

    def test_world_writable_spool_directory_is_refused(self):
        os.makedirs(self.node.spool_dir)
        os.chmod(self.node.spool_dir, 0o777)
        r = self.send()
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("spool directory '%s' is writable by others" % self.node.spool_dir,
                      r.stderr)

    @needs_root
    def test_state_directory_of_another_user_is_refused(self):
        os.chown(self.node.state_dir, NOBODY, NOBODY)
        r = self.send()
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("belongs to uid %d, neither root nor this user" % NOBODY, r.stderr)
        self.assertIn("chown root: %s" % self.node.state_dir, r.stderr)
        daemon = self.node.run("run", server=self.server, timeout="1s", process_timeout=10)
        self.assertEqual(daemon.returncode, 78, daemon)
        self.assertEqual(os.listdir(self.node.state_dir), [])


class KeyMessages(unittest.TestCase):
    """What is wrong with a key file is said first and precisely."""

    def setUp(self):
        self.node = pulse_cli.Node()
        self.addCleanup(self.node.cleanup)

    def inspect_with_key(self, key, *extra):
        argv = self.node.command("inspect", *extra)
        argv[argv.index("--key") + 1] = key
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=pulse_cli.clean_environment(), timeout=30)
        return p

    def test_a_public_key_given_as_the_key_is_called_one_before_any_chmod_advice(self):
        p = self.inspect_with_key(self.node.pub, "--json")
        self.assertEqual(p.returncode, 78, p.stderr)
        self.assertIn("'%s': this is a public key; give the private key file (without .pub)"
                      % self.node.pub, p.stderr)
        self.assertNotIn("chmod", p.stderr)

    def test_pkcs8_ed25519_key_says_how_to_convert_it_and_the_advice_works(self):
        pem = os.path.join(self.node.dir, "pkcs8.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", pem], check=True)
        os.chmod(pem, 0o600)
        p = self.inspect_with_key(pem, "--json")
        self.assertEqual(p.returncode, 78, p.stderr)
        self.assertIn("an Ed25519 key in PKCS#8 PEM; pharos-pulse needs it in the OpenSSH format",
                      p.stderr)
        # What the man page advises: ssh-keygen cannot, Python's cryptography can.
        self.assertNotEqual(subprocess.run(["ssh-keygen", "-y", "-f", pem],
                                           capture_output=True).returncode, 0)
        with open(os.path.join(pulse_cli.SOURCE_DIR, "man", "pharos-pulse.1")) as f:
            man = f.read()
        command = re.search(r"^(\(umask 077; python3 .*\))$", man, re.M).group(1)
        command = command.replace("\\-", "-")
        converted = os.path.join(self.node.dir, "converted")
        try:
            subprocess.run(command.replace("KEY.pem", pem).replace("KEY", converted),
                           shell=True, check=True)
        except subprocess.CalledProcessError:
            self.skipTest("python3-cryptography is not installed")
        p = self.inspect_with_key(converted, "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["identity"]["ssh_pubkey_fingerprint"],
                         ssh_fingerprint(converted))

    def test_a_pub_that_does_not_match_the_key_is_warned_about_naming_both(self):
        other = pulse_cli.Node()
        self.addCleanup(other.cleanup)
        own = self.node.fingerprint()
        shutil.copy(other.pub, self.node.pub)
        for argv in (("inspect",), ("inspect", "--json")):
            r = self.node.run(*argv)
            self.assertEqual(r.returncode, 0, r)
            self.assertIn("warning: '%s' does not match the identity key '%s': it holds %s, the "
                          "key is %s" % (self.node.pub, self.node.key, other.fingerprint(), own),
                          r.stderr)
        server = "https://127.0.0.1:%d" % pulse_cli.unused_port()
        quiet = self.node.run("send", "heartbeat", "--dry-run", server=server)
        self.assertNotIn("does not match", quiet.stderr)
        verbose = self.node.run("-v", "send", "heartbeat", "--dry-run", server=server)
        self.assertEqual(verbose.returncode, 0, verbose)
        self.assertIn("it holds %s, the key is %s" % (other.fingerprint(), own), verbose.stderr)

    def test_a_matching_pub_gives_no_warning(self):
        r = self.node.run("inspect")
        self.assertNotIn("does not match", r.stderr)


class CoreDumps(unittest.TestCase):
    """A running daemon holds the key in memory: it must not be dumpable."""

    @needs_root
    def test_run_is_not_dumpable_once_the_key_is_loaded(self):
        # The kernel makes a process's /proc/PID files root's once it is not
        # dumpable; for a dumpable one they belong to its user, here nobody.
        node = pulse_cli.Node()
        self.addCleanup(node.cleanup)
        for dirpath, dirnames, filenames in os.walk(node.dir):
            for name in [dirpath] + [os.path.join(dirpath, n) for n in filenames]:
                os.chown(name, NOBODY, NOBODY)
        server = "https://127.0.0.1:%d" % pulse_cli.unused_port()
        daemon = subprocess.Popen(node.command("run", server=server, timeout="1s"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  env=pulse_cli.clean_environment(),
                                  user=NOBODY, group=NOBODY, extra_groups=[])
        self.addCleanup(daemon.wait)
        self.addCleanup(daemon.kill)
        line = daemon.stderr.readline()
        self.assertIn("running as", line)
        self.assertEqual(os.stat("/proc/%d/status" % daemon.pid).st_uid, 0)
        with open("/proc/%d/status" % daemon.pid) as f:
            uids = next(l for l in f if l.startswith("Uid:")).split()[1:]
        self.assertEqual(set(uids), {str(NOBODY)})


class BoundedReads(unittest.TestCase):
    """Contract §3: every file read for the payload is bounded (64 KiB)."""

    @needs_root
    def test_os_release_bound_to_dev_zero_is_a_clear_error(self):
        if not shutil.which("unshare"):
            self.skipTest("unshare (util-linux) is needed")
        node = pulse_cli.Node()
        self.addCleanup(node.cleanup)
        argv = node.command("inspect", "--json")
        script = 'mount --bind /dev/zero /etc/os-release && exec "$@"'
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                            "sh"] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60, env=pulse_cli.clean_environment(),
                           preexec_fn=limit_memory)
        self.assertEqual(p.returncode, 78, p.stderr)
        self.assertIn("cannot read '/etc/os-release': it holds more than 64 KiB", p.stderr)
        self.assertNotIn("bad_alloc", p.stderr)


class OversizedConfig(unittest.TestCase):
    """Contract §1: the config file is bounded before toml++ sees it."""

    def setUp(self):
        self.node = pulse_cli.Node()
        self.addCleanup(self.node.cleanup)

    def test_400_kb_of_nested_tables_is_refused_not_a_crash(self):
        self.node.write_config("[" + ".".join(["a"] * 200000) + "]\n")
        r = self.node.run("inspect")
        self.assertEqual(r.returncode, 78, r)
        self.assertEqual(r.stderr, "pharos-pulse: error: %s:1: tables or keys nested deeper "
                         "than 64 levels\n" % self.node.config)

    def test_config_over_1_mib_is_refused_naming_the_file(self):
        self.node.write_config("# padding\n" * 120000)
        r = self.node.run("inspect")
        self.assertEqual(r.returncode, 78, r)
        self.assertIn("config file '%s' is larger than 1 MiB" % self.node.config, r.stderr)


if __name__ == "__main__":
    unittest.main()
