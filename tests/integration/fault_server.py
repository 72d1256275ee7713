"""A misbehaving HTTPS server on 127.0.0.1 for the fault-injection tests.

Standard library only. One mode per fault (see MODES); the certificates come
from receiver_harness.make_certs. Typical use::

    with FaultServer("dribble", certs) as server:
        ... run pharos-pulse with --server server.url --ca-file certs.ca ...
        server.requests_read, server.bytes_sent

By hand: python3 fault_server.py MODE CERTS_DIR (prints the URL, runs until
interrupted).
"""

import socket
import ssl
import struct
import sys
import threading
import time
import warnings

MODES = {
    "no-tls": "accepts the connection and never answers the TLS ClientHello",
    "stall-headers": "reads the request, sends half of the response headers, then nothing",
    "dribble": "sends a whole 200 answer, one byte a second",
    "huge-body": "answers 200 with a 1 GiB body",
    "huge-body-503": "answers 503 with a 1 GiB body",
    "reset": "reads the request, then resets the connection (RST)",
    "wrong-host": "answers 200 behind a certificate for another host name",
    "expired": "answers 200 behind an expired certificate",
    "tls-1-1-only": "answers 200 over TLS 1.0 or 1.1 only (weak ciphers allowed)",
    "tls-1-2-only": "answers 200 over TLS 1.2 only",
    "tls-1-3-only": "answers 200 over TLS 1.3 only",
}

GIB = 1 << 30
_CHUNK = 64 * 1024
_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
_CERT_PAIRS = {"wrong-host": "wrong-host", "expired": "expired"}
# The protocol versions a mode allows, lowest and highest.
_VERSIONS = {
    "tls-1-1-only": ("TLSv1", "TLSv1_1"),
    "tls-1-2-only": ("TLSv1_2", "TLSv1_2"),
    "tls-1-3-only": ("TLSv1_3", "TLSv1_3"),
}


def limit_versions(context, lowest, highest):
    """Restricts an SSLContext to TLS versions LOWEST..HIGHEST (ssl.TLSVersion names)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1, on purpose
        context.minimum_version = getattr(ssl.TLSVersion, lowest)
        context.maximum_version = getattr(ssl.TLSVersion, highest)
    if lowest == "TLSv1":
        # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above level 0.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")


class FaultServer:
    """Serves one fault on 127.0.0.1 until stopped; counts what happened."""

    def __init__(self, mode, certs):
        if mode not in MODES:
            raise ValueError("unknown mode %r; one of %s" % (mode, ", ".join(MODES)))
        self.mode = mode
        self._context = None
        if mode != "no-tls":
            cert, key = certs.pair(_CERT_PAIRS.get(mode, "server"))
            self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._context.load_cert_chain(cert, key)
            if mode in _VERSIONS:
                limit_versions(self._context, *_VERSIONS[mode])
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections = []
        self._threads = []
        self.connections = 0
        self.handshakes = 0
        self.versions = []  # the TLS version of each handshake
        self.requests_read = 0
        self.bytes_sent = 0

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def __enter__(self):
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        self._stopping.set()
        _close_quietly(self._listener)
        with self._lock:
            for conn in self._connections:
                _close_quietly(conn)
        for thread in self._threads:
            thread.join(10)

    def _accept(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn):
        try:
            if self._context is None:
                self._stopping.wait()  # the client waits for a ServerHello that never comes
                return
            conn.settimeout(30)
            tls = self._context.wrap_socket(conn, server_side=True)
            with self._lock:
                self.handshakes += 1
                self.versions.append(tls.version())
                self._connections.append(tls)
            _read_request(tls)
            with self._lock:
                self.requests_read += 1
            getattr(self, "_answer_" + self.mode.replace("-", "_"))(tls)
        except (OSError, ssl.SSLError):
            pass  # the client gave up, which is what these faults are for
        finally:
            _close_quietly(conn)

    def _send(self, tls, data):
        tls.sendall(data)
        with self._lock:
            self.bytes_sent += len(data)

    def _answer_stall_headers(self, tls):
        self._send(tls, b"HTTP/1.1 200 OK\r\nContent-Type: appl")
        self._stopping.wait()

    def _answer_dribble(self, tls):
        for i in range(len(_OK)):
            self._send(tls, _OK[i:i + 1])
            if self._stopping.wait(1):
                return

    def _answer_huge(self, tls, status):
        self._send(tls, b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                   % (status, GIB))
        chunk = b" " * _CHUNK
        for _ in range(GIB // _CHUNK):
            if self._stopping.is_set():
                return
            self._send(tls, chunk)

    def _answer_huge_body(self, tls):
        self._answer_huge(tls, b"200 OK")

    def _answer_huge_body_503(self, tls):
        self._answer_huge(tls, b"503 Service Unavailable")

    def _answer_reset(self, tls):
        # SO_LINGER with a zero timeout turns close() into a RST.
        tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        tls.close()

    def _answer_wrong_host(self, tls):
        self._send(tls, _OK)

    _answer_expired = _answer_wrong_host
    _answer_tls_1_1_only = _answer_wrong_host
    _answer_tls_1_2_only = _answer_wrong_host
    _answer_tls_1_3_only = _answer_wrong_host


def _read_request(tls):
    """Reads one request's headers and Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        got = tls.recv(4096)
        if not got:
            raise OSError("the client closed before the end of the headers")
        data += got
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        got = tls.recv(4096)
        if not got:
            raise OSError("the client closed before the end of the body")
        body += got


def _close_quietly(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked on it
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def main(argv):
    import receiver_harness
    if len(argv) != 3 or argv[1] not in MODES:
        print("usage: fault_server.py MODE CERTS_DIR\nmodes:\n" +
              "\n".join("  %-14s %s" % item for item in MODES.items()), file=sys.stderr)
        return 2
    with FaultServer(argv[1], receiver_harness.make_certs(argv[2])) as server:
        print(server.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
