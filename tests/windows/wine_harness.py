"""Running pharos-pulse.exe under Wine for tests/windows. Standard library only.

The program is $PULSE_WINDOWS_EXE and the Wine prefix $WINEPREFIX, which
scripts/test-windows.sh sets up (wineboot once per prefix). Typical use::

    import wine_harness as wh

    node = wh.Node()                        # temp dir with config, key and state paths
    self.addCleanup(node.cleanup)
    r = node.run("send", "heartbeat", server=url, ca_file=ca)
    r.returncode, r.stdout, r.stderr

Every run names its own --config, --key and --state-dir (as Windows paths:
Wine's Z: drive is the Linux root), so nothing in %ProgramData%\\Pharos of the
prefix is used.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION_DIR = os.path.normpath(os.path.join(HERE, "..", "integration"))


def exe():
    path = os.environ.get("PULSE_WINDOWS_EXE")
    if not path or not os.path.exists(path):
        raise RuntimeError("PULSE_WINDOWS_EXE is not set or missing: run scripts/test-windows.sh")
    return path


def wine_environment():
    if not os.environ.get("WINEPREFIX"):
        raise RuntimeError("WINEPREFIX is not set: run scripts/test-windows.sh")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PHAROS_") and k.lower() not in ("https_proxy", "http_proxy",
                                                                 "all_proxy", "no_proxy")}
    env["WINEDEBUG"] = "-all"
    return env


def windows_path(path):
    """The Windows name of a Linux path: Wine maps the root to drive Z:."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class Result:
    def __init__(self, args, returncode, stdout, stderr):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self):
        return "Result(%r, rc=%d, stdout=%r, stderr=%r)" % (self.args, self.returncode,
                                                            self.stdout, self.stderr)


def wine(*args, timeout=120):
    """Runs a Windows program (or builtin such as sc, net) under Wine."""
    proc = subprocess.run(["wine", *args], env=wine_environment(), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)
    return Result(args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


class KeepAlive:
    """A Wine process that waits on its standard input: Wine ends the services
    of a prefix as soon as no other Wine program runs."""

    def __enter__(self):
        quiet = dict(env=wine_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.proc = subprocess.Popen(["wine", "cmd.exe"], stdin=subprocess.PIPE, **quiet)
        # The first Wine program starts wineserver and the system services,
        # which keep its output open for as long as they run: let that be one
        # whose output goes nowhere, never a test's captured pipe.
        subprocess.run(["wine", "cmd.exe", "/c", "exit"], stdin=subprocess.DEVNULL, check=True,
                       timeout=120, **quiet)
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return False


class Node:
    """A temporary directory holding one agent's config, key and state."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pulse-windows-")
        self.config = os.path.join(self.dir, "pulse.toml")
        self.key = os.path.join(self.dir, "pulse_id")
        self.state = os.path.join(self.dir, "state")
        with open(self.config, "w"):
            pass

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def global_options(self, server=None, ca_file=None, timeout="10s"):
        options = ["--config", windows_path(self.config), "--key", windows_path(self.key),
                   "--state-dir", windows_path(self.state), "--timeout", timeout]
        if server:
            options += ["--server", server]
        if ca_file:
            options += ["--ca-file", windows_path(ca_file)]
        return options

    def run(self, *args, timeout=120, **options):
        return wine(exe(), *self.global_options(**options), *args, timeout=timeout)

    def popen(self, *args, **options):
        return subprocess.Popen(["wine", exe(), *self.global_options(**options), *args],
                                env=wine_environment(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def spool_files(self):
        spool = os.path.join(self.state, "spool")
        if not os.path.isdir(spool):
            return []
        return sorted(n for n in os.listdir(spool) if not n.startswith("."))

    def spooled_events(self):
        """The "event" of each spooled payload, oldest first."""
        events = []
        for name in self.spool_files():
            with open(os.path.join(self.state, "spool", name)) as f:
                events.append(json.load(f)["event"])
        return events


def wait_until(predicate, timeout=60, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
