"""The macOS launch daemon, its log rotation and the tarball's install scripts.

The plist is parsed as launchd would read it (plistlib) and checked against
the code's defaults: the heartbeat.shutdown_timeout that ExitTimeOut must
exceed (lib/settings.h), the binary's path (packaging/macos/install.sh) and
the log that newsyslog rotates. install.sh and uninstall.sh run here under a
DESTDIR, as they would on a Mac under /. That the example plist is the one
`pharos-pulse service install` writes is a unit test (launchd_plist_test).
"""

import os
import plistlib
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.environ.get(
    "PULSE_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
LAUNCHD = os.path.join(SOURCE_DIR, "examples", "launchd")
PLIST = os.path.join(LAUNCHD, "net.pharos.pulse.plist")
NEWSYSLOG = os.path.join(LAUNCHD, "pharos-pulse.newsyslog.conf")
PACKAGING = os.path.join(SOURCE_DIR, "packaging", "macos")

INSTALLED_FILES = {
    "/usr/local/bin/pharos-pulse": 0o755,
    "/usr/local/share/man/man1/pharos-pulse.1": 0o644,
    "/usr/local/share/man/man5/pharos-pulse.toml.5": 0o644,
    "/usr/local/share/bash-completion/completions/pharos-pulse": 0o644,
    "/usr/local/share/zsh/site-functions/_pharos-pulse": 0o644,
    "/usr/local/share/fish/vendor_completions.d/pharos-pulse.fish": 0o644,
    "/Library/LaunchDaemons/net.pharos.pulse.plist": 0o644,
    "/etc/newsyslog.d/pharos-pulse.conf": 0o644,
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def default_shutdown_timeout_seconds():
    match = re.search(r"Duration shutdown_timeout = std::chrono::seconds\((\d+)\);",
                      read(os.path.join(SOURCE_DIR, "lib", "settings.h")))
    if not match:
        raise AssertionError("lib/settings.h no longer says the shutdown_timeout default")
    return int(match.group(1))


def newsyslog_rule():
    rules = [line.split() for line in read(NEWSYSLOG).splitlines()
             if line.strip() and not line.startswith("#")]
    if len(rules) != 1:
        raise AssertionError("expected one rule in %s, found %d" % (NEWSYSLOG, len(rules)))
    return rules[0]


class LaunchdPlist(unittest.TestCase):
    def setUp(self):
        with open(PLIST, "rb") as f:
            self.job = plistlib.load(f)

    def test_runs_the_installed_binary_at_load_and_after_failures_only(self):
        self.assertEqual(self.job["Label"], "net.pharos.pulse")
        self.assertEqual(self.job["ProgramArguments"], ["/usr/local/bin/pharos-pulse", "run"])
        self.assertIn(self.job["ProgramArguments"][0], INSTALLED_FILES)
        self.assertIs(self.job["RunAtLoad"], True)
        self.assertEqual(self.job["KeepAlive"], {"SuccessfulExit": False})

    def test_leaves_the_offline_time_before_sigkill(self):
        self.assertGreater(self.job["ExitTimeOut"], default_shutdown_timeout_seconds())

    def test_logs_where_newsyslog_rotates(self):
        self.assertEqual(self.job["StandardErrorPath"], "/var/log/pharos-pulse.log")
        self.assertEqual(newsyslog_rule()[0], self.job["StandardErrorPath"])

    def test_keeps_the_generated_key_private(self):
        self.assertEqual(self.job["Umask"], 0o077)


class NewsyslogRule(unittest.TestCase):
    def test_rotates_by_size_without_signalling_anyone(self):
        path, owner, mode, count, size, when, flags = newsyslog_rule()
        self.assertEqual(owner, "root:wheel")
        self.assertEqual(mode, "644")
        self.assertGreater(int(count), 0)
        self.assertGreater(int(size), 0)
        self.assertEqual(when, "*")
        # Without N, newsyslog would send SIGHUP to syslogd for a log it
        # does not write.
        self.assertIn("N", flags)


class InstallScripts(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pulse-macos-")
        self.addCleanup(shutil.rmtree, self.work)
        self.tarball = os.path.join(self.work, "pharos-pulse-0-macos-universal")
        self.root = os.path.join(self.work, "root")
        os.makedirs(os.path.join(self.tarball, "launchd"))
        for script in ("install.sh", "uninstall.sh"):
            shutil.copy(os.path.join(PACKAGING, script), self.tarball)
        with open(os.path.join(self.tarball, "pharos-pulse"), "w") as f:
            f.write("a universal binary\n")
        shutil.copytree(os.path.join(SOURCE_DIR, "man"), os.path.join(self.tarball, "man"))
        shutil.copytree(os.path.join(SOURCE_DIR, "completions"),
                        os.path.join(self.tarball, "completions"))
        for name in os.listdir(LAUNCHD):
            shutil.copy(os.path.join(LAUNCHD, name), os.path.join(self.tarball, "launchd"))

    def run_script(self, name):
        result = subprocess.run(["sh", os.path.join(self.tarball, name)],
                                env=dict(os.environ, DESTDIR=self.root),
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def mode(self, path):
        return stat.S_IMODE(os.stat(self.root + path).st_mode)

    def test_install_puts_every_file_in_place_with_its_mode(self):
        out = self.run_script("install.sh")
        for path, mode in INSTALLED_FILES.items():
            self.assertEqual(self.mode(path), mode, path)
        self.assertEqual(read(self.root + "/Library/LaunchDaemons/net.pharos.pulse.plist"),
                         read(PLIST))
        for directory in ("/etc/pharos", "/var/db/pharos-pulse"):
            self.assertEqual(self.mode(directory), 0o755, directory)
        self.assertIn("launchctl bootstrap system /Library/LaunchDaemons/net.pharos.pulse.plist",
                      out)

    def test_install_leaves_existing_directories_alone(self):
        os.makedirs(self.root + "/etc/pharos")
        os.chmod(self.root + "/etc/pharos", 0o700)
        self.run_script("install.sh")
        self.assertEqual(self.mode("/etc/pharos"), 0o700)

    def test_uninstall_removes_every_file_and_keeps_config_and_state(self):
        self.run_script("install.sh")
        with open(self.root + "/etc/pharos/pulse_id", "w") as f:
            f.write("key\n")
        self.run_script("uninstall.sh")
        left = sorted(os.path.relpath(os.path.join(d, f), self.root)
                      for d, _, files in os.walk(self.root) for f in files)
        self.assertEqual(left, ["etc/pharos/pulse_id"])
        self.assertTrue(os.path.isdir(self.root + "/var/db/pharos-pulse"))

    def test_scripts_pass_shellcheck(self):
        if shutil.which("shellcheck") is None:
            self.skipTest("shellcheck is not installed")
        result = subprocess.run(["shellcheck", "-s", "sh",
                                 os.path.join(PACKAGING, "install.sh"),
                                 os.path.join(PACKAGING, "uninstall.sh")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    unittest.main()
