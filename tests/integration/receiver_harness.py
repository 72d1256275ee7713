"""Helpers for the integration tests: TLS material and the Node.js test receiver.

Standard library only. Typical use::

    import receiver_harness as rh

    certs = rh.make_certs(tmpdir)                      # once per directory
    with rh.Receiver(certs.server_cert, certs.server_key, ca=certs.ca) as r:
        r.add_key(pub_path)                            # trust a node's key
        r.control(mode="status", status=503, count=1)  # next answer: 503
        ... run pharos-pulse with --server r.url --ca-file certs.ca ...
        recs = r.records()                             # what the receiver saw

See tests/receiver/README.md for the receiver's control API and record format.
"""

import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECEIVER_DIR = os.path.normpath(os.path.join(HERE, "..", "receiver"))
RECEIVER_JS = os.path.join(RECEIVER_DIR, "receiver.js")
VERIFY_REQUEST_JS = os.path.join(RECEIVER_DIR, "verify-request.js")
MAKE_CERTS_SH = os.path.join(RECEIVER_DIR, "make-certs.sh")


def node_binary():
    """Path of the Node.js binary (node, else Debian's nodejs)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        raise RuntimeError("Node.js not found (node or nodejs): run scripts/install-deps.sh")
    return node


class Certs:
    """Paths of what make-certs.sh writes into one directory."""

    def __init__(self, directory):
        d = os.path.abspath(directory)
        self.dir = d
        self.ca = os.path.join(d, "ca.pem")
        self.ca_key = os.path.join(d, "ca.key")
        self.server_cert = os.path.join(d, "server.pem")
        self.server_key = os.path.join(d, "server.key")
        self.other_ca = os.path.join(d, "other-ca.pem")
        self.other_server_cert = os.path.join(d, "other-server.pem")
        self.other_server_key = os.path.join(d, "other-server.key")
        self.expired_cert = os.path.join(d, "expired.pem")
        self.expired_key = os.path.join(d, "expired.key")
        self.wrong_host_cert = os.path.join(d, "wrong-host.pem")
        self.wrong_host_key = os.path.join(d, "wrong-host.key")
        with open(os.path.join(d, "pin.txt")) as f:
            self.pin = f.read().strip()
        with open(os.path.join(d, "other-pin.txt")) as f:
            self.other_pin = f.read().strip()

    def pair(self, name):
        """(cert, key) for "server", "other-server", "expired" or "wrong-host"."""
        return (os.path.join(self.dir, name + ".pem"), os.path.join(self.dir, name + ".key"))


_certs_lock = threading.Lock()
_certs_cache = {}


def make_certs(directory):
    """Run make-certs.sh once for `directory`; returns a Certs."""
    d = os.path.abspath(directory)
    with _certs_lock:
        if d not in _certs_cache:
            subprocess.run(["sh", MAKE_CERTS_SH, d], check=True, stdout=subprocess.DEVNULL)
            _certs_cache[d] = Certs(d)
        return _certs_cache[d]


class Receiver:
    """Runs tests/receiver/receiver.js for the duration of a `with` block.

    cert/key: the server certificate (ignored with http=True); keys_dir: the
    directory of trusted OpenSSH .pub files (a fresh temporary one if None);
    ca: the CA to trust when talking to the control endpoints (default: the
    ca.pem beside cert, if any). If the server's certificate does not verify
    under it (expired, wrong host, other CA), the control calls fall back to an
    unverified connection: the control plane is not what is under test.
    """

    def __init__(self, cert=None, key=None, keys_dir=None, http=False, ca=None,
                 log=None, port=0, max_skew=None, clock_offset=None, start_timeout=15):
        self.http = http
        self.cert = cert
        self.key = key
        if not http and not (cert and key):
            raise ValueError("Receiver needs cert and key unless http=True")
        self._tmp = tempfile.mkdtemp(prefix="pulse-receiver-")
        self.keys_dir = keys_dir or os.path.join(self._tmp, "keys")
        os.makedirs(self.keys_dir, exist_ok=True)
        self.log_path = log or os.path.join(self._tmp, "requests.jsonl")
        self.stderr_path = os.path.join(self._tmp, "receiver.stderr")
        if ca is None and cert:
            guess = os.path.join(os.path.dirname(os.path.abspath(cert)), "ca.pem")
            ca = guess if os.path.exists(guess) else None
        self.ca = ca
        self._port_arg = port
        self._max_skew = max_skew
        self._clock_offset = clock_offset
        self._start_timeout = start_timeout
        self.proc = None
        self.port = None
        self._ctx = None

    # -- lifecycle ---------------------------------------------------------

    def start(self):
        args = [node_binary(), RECEIVER_JS, "--port", str(self._port_arg),
                "--keys-dir", self.keys_dir, "--log", self.log_path]
        if self.http:
            args.append("--http")
        else:
            args += ["--cert", self.cert, "--key", self.key]
        if self._max_skew is not None:
            args += ["--max-skew", str(self._max_skew)]
        if self._clock_offset is not None:
            args += ["--clock-offset", str(self._clock_offset)]
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL)
        line = self._read_line(self._start_timeout)
        try:
            self.port = int(json.loads(line)["port"])
        except (ValueError, KeyError, TypeError):
            self.proc.kill()
            self.proc.wait()
            stderr = self.stderr()
            self.stop()
            raise RuntimeError("receiver did not start: %r; stderr: %s" % (line, stderr))
        return self

    def _read_line(self, timeout):
        result = []
        t = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if not result:
            return b""
        return result[0]

    def stop(self):
        """Stops the receiver and removes its temporary directory (keys, log, stderr)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "_stderr", None):
            self._stderr.close()
            self._stderr = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # -- addresses ---------------------------------------------------------

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("http" if self.http else "https", self.port)

    # -- control plane -----------------------------------------------------

    def _context(self):
        if self._ctx is None:
            if self.ca:
                self._ctx = ssl.create_default_context(cafile=self.ca)
            else:
                self._ctx = ssl._create_unverified_context()  # noqa: SLF001
        return self._ctx

    def _request(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (0, 1):
            if self.http:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            else:
                conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10,
                                                   context=self._context())
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.status >= 400:
                    raise RuntimeError("receiver %s %s: %d %s" % (method, path, resp.status,
                                                                  data.decode("utf-8", "replace")))
                return json.loads(data) if data else None
            except ssl.SSLCertVerificationError:
                if attempt:
                    raise
                self._ctx = ssl._create_unverified_context()  # noqa: SLF001
            finally:
                conn.close()

    def records(self):
        """Every request the receiver got since start or reset(), oldest first."""
        return self._request("GET", "/records")

    def requests(self, kind=None):
        """records() limited to presence/enroll requests (kind "presence" or "enroll")."""
        return [r for r in self.records() if r.get("kind") and (kind is None or r["kind"] == kind)]

    def wait_for_records(self, n, timeout=30, kind=None):
        """Wait until at least n (matching) records exist; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            recs = self.requests(kind) if kind else self.records()
            if len(recs) >= n or time.monotonic() > deadline:
                return recs
            time.sleep(0.1)

    def reset(self):
        """Forget the records and delivered Idempotency-Keys; back to the default behaviour."""
        return self._request("POST", "/reset", {})

    def control(self, **kw):
        """POST /control with these fields, e.g. control(mode="status", status=503, count=1)."""
        return self._request("POST", "/control", kw)

    def stats(self):
        """{connections, tls_errors, records, stalled}."""
        return self._request("GET", "/stats")

    def add_key(self, pub_path, name=None):
        """Trust the key in an OpenSSH .pub file (copied into keys_dir)."""
        dest = os.path.join(self.keys_dir, name or os.path.basename(pub_path))
        if not dest.endswith(".pub"):
            dest += ".pub"
        shutil.copyfile(pub_path, dest)
        return dest

    def remove_key(self, name):
        os.unlink(os.path.join(self.keys_dir, name))


def verify_dry_run(text_or_path, pub_path, ignore_time=False):
    """Check `pharos-pulse send --dry-run` output with verify-request.js.

    Returns (ok, message): message is "verified" or the reason it failed.
    """
    args = [node_binary(), VERIFY_REQUEST_JS]
    data = None
    is_path = isinstance(text_or_path, str) and "\n" not in text_or_path and os.path.exists(text_or_path)
    if is_path:
        args.append(text_or_path)
    else:
        args.append("-")
        data = text_or_path.encode() if isinstance(text_or_path, str) else text_or_path
    args.append(pub_path)
    if ignore_time:
        args.append("--ignore-time")
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    out = (p.stdout + p.stderr).decode("utf-8", "replace").strip()
    return p.returncode == 0, out
