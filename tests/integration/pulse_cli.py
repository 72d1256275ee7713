"""Running the built pharos-pulse in integration tests. Standard library only.

The binary is $PULSE_BINARY (ctest sets it), the source tree $PULSE_SOURCE_DIR
(default: two levels above this file). Typical use::

    import pulse_cli

    node = pulse_cli.Node()                 # temp dir, empty config, fresh key
    self.addCleanup(node.cleanup)
    r = node.run("send", "online", server=url, ca_file=ca)
    r.returncode, r.stdout, r.stderr
    node.spool_files()                      # names in <state>/spool, oldest first

Every run names its own --config (an empty file unless the test writes one),
--key and --state-dir, and gets an environment without PHAROS_* or proxy
variables, so nothing from the machine running the tests (/etc/pharos,
/var/lib/pharos-pulse, a proxy) leaks in.
"""

import base64
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("PULSE_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))

_STEERING_VARIABLES = ("https_proxy", "http_proxy", "all_proxy", "no_proxy",
                       "journal_stream", "notify_socket", "watchdog_usec", "watchdog_pid")


def binary():
    """Path of the pharos-pulse under test."""
    path = os.environ.get("PULSE_BINARY")
    if not path:
        raise RuntimeError("PULSE_BINARY is not set: run the integration tests through ctest")
    if not os.access(path, os.X_OK):
        raise RuntimeError("PULSE_BINARY '%s' is not an executable" % path)
    return path


def clean_environment(**extra):
    """The caller's environment without anything that would steer pharos-pulse."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PHAROS_") and k.lower() not in _STEERING_VARIABLES}
    env.update(extra)
    return env


def unused_port():
    """A loopback TCP port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Result:
    """What one run of the binary did."""

    def __init__(self, args, returncode, stdout, stderr, seconds):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    def __repr__(self):
        return "exit %s\n$ %s\n--- stdout\n%s--- stderr\n%s" % (
            self.returncode, " ".join(self.args), self.stdout, self.stderr)


def read_private_key_secrets(key_file):
    """Strings that would reveal the private key if they showed up anywhere.

    The armoured key's base64 lines (each holds key material) and the 32-byte
    seed and 64-byte secret in base64, base64url and hex.
    """
    with open(key_file) as f:
        text = f.read()
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("-----")]
    blob = base64.b64decode("".join(lines))

    def string(buf, off):
        n = int.from_bytes(buf[off:off + 4], "big")
        return buf[off + 4:off + 4 + n], off + 4 + n

    off = len(b"openssh-key-v1\0")
    for _ in range(3):  # cipher, kdf, kdf options
        _, off = string(blob, off)
    off += 4  # number of keys
    _, off = string(blob, off)  # public key
    private, _ = string(blob, off)
    p = 8  # two check integers
    _, p = string(private, p)  # key type
    _, p = string(private, p)  # public key
    secret, _ = string(private, p)
    seed = secret[:32]
    found = list(lines)
    for raw in (seed, secret):
        found += [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                  raw.hex()]
    return found


class Node:
    """One node's files in a fresh directory: config, key and state directory."""

    def __init__(self, keygen=True, config_text="", prefix="pulse-node-"):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.config = os.path.join(self.dir, "pulse.toml")
        self.key = os.path.join(self.dir, "keys", "pulse_id")
        self.pub = self.key + ".pub"
        self.state_dir = os.path.join(self.dir, "state")
        self.spool_dir = os.path.join(self.state_dir, "spool")
        self.write_config(config_text)
        self.keygen_result = self.keygen() if keygen else None

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    # -- running the binary ------------------------------------------------

    def command(self, *args, server=None, ca_file=None, pin=None, timeout="5s"):
        """The argv of one run with this node's files and the given global options."""
        argv = [binary(), "--config", self.config, "--key", self.key, "--state-dir", self.state_dir]
        if server is not None:
            argv += ["--server", server]
        if ca_file is not None:
            argv += ["--ca-file", ca_file]
        if pin is not None:
            argv += ["--pin", pin]
        if timeout is not None:
            argv += ["--timeout", timeout]
        return argv + list(args)

    def run(self, *args, env=None, stdin=None, process_timeout=60, **options):
        """Runs the binary to the end; returns a Result (never raises on a failing exit)."""
        argv = self.command(*args, **options)
        started = time.monotonic()
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=process_timeout,
                           env=env if env is not None else clean_environment())
        return Result(argv, p.returncode, p.stdout, p.stderr, time.monotonic() - started)

    def popen(self, *args, env=None, **options):
        """Starts the binary; the caller waits (communicate) for it."""
        return subprocess.Popen(self.command(*args, **options), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                env=env if env is not None else clean_environment())

    def keygen(self, *extra):
        r = self.run("keygen", *extra, timeout=None)
        if r.returncode != 0:
            raise RuntimeError("keygen failed: %r" % r)
        return r

    # -- what the node holds -----------------------------------------------

    def fingerprint(self):
        """The key's SHA256: fingerprint as ssh-keygen prints it."""
        out = subprocess.run(["ssh-keygen", "-l", "-f", self.pub], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return out.split()[1]

    def spool_files(self):
        """Names of the spooled events (no temp or .corrupt files), oldest first."""
        if not os.path.isdir(self.spool_dir):
            return []
        return sorted(n for n in os.listdir(self.spool_dir)
                      if n.endswith(".json") and not n.startswith("."))

    def spool_entries(self):
        """Every name in the spool directory, whatever it is."""
        return sorted(os.listdir(self.spool_dir)) if os.path.isdir(self.spool_dir) else []

    def read_spool(self, name):
        with open(os.path.join(self.spool_dir, name)) as f:
            return f.read()

    def private_key_secrets(self):
        return read_private_key_secrets(self.key)


def system_inventory():
    """What this machine says of itself, read without pharos-pulse's code:
    the inventory values contract §3 names (those the system has)."""
    facts = {"cpu_cores": os.sysconf("SC_NPROCESSORS_ONLN")}
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                facts["mem_total_kb"] = int(line.split()[1])
    with open("/proc/cpuinfo") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name.strip() == "model name" and value.strip():
                facts["cpu_brand"] = value.strip()
                break
    release = {}
    path = "/etc/os-release" if os.path.exists("/etc/os-release") else "/usr/lib/os-release"
    with open(path) as f:
        for line in shlex.split(f.read(), comments=True):
            name, _, value = line.partition("=")
            release[name] = value
    if release.get("NAME"):
        facts["os_name"] = release["NAME"]
    version = release.get("VERSION_ID") or release.get("VERSION")
    if version:
        facts["os_version"] = version
    return facts


def split_spool_name(name):
    """("<timestamp>", "<event id>") of "<timestamp>-<event id>.json"."""
    stem = name[:-len(".json")]
    return stem[:24], stem[25:]


def parse_dry_run(text):
    """(method, url, [(name, value)], body) of `send --dry-run` output."""
    head, sep, rest = text.partition("\n\n")
    if not sep or not rest.endswith("\n"):
        raise ValueError("not a dry-run request: %r" % text)
    lines = head.split("\n")
    method, url, version = lines[0].split(" ")
    if version != "HTTP/1.1":
        raise ValueError("bad request line %r" % lines[0])
    headers = [tuple(line.split(": ", 1)) for line in lines[1:]]
    return method, url, headers, rest[:-1]
