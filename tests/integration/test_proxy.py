"""Requests through proxies (contract §4, issue 14).

A real proxy, Debian's tinyproxy, started on a free loopback port with a
config written here, carries the well-behaved cases (server.proxy over the
environment, HTTPS_PROXY with NO_PROXY, 407 and 403 answers). A small proxy
in this file plays the hostile parts: a CONNECT answer carrying Retry-After,
and a listener that records whatever reaches it.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402

TOKEN = "proxy-test-token-Zq81"
PASSWORD = "pr0xy-s3cret-Kd2"

CERTS = None
CERTS_DIR = None


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-proxy-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def wait_for_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nothing listens on 127.0.0.1:%d" % port)


class Tinyproxy:
    """tinyproxy in the foreground on a free port, logging every connection."""

    def __init__(self, directory, basic_auth=None, connect_ports=()):
        self.port = pulse_cli.unused_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(directory, "tinyproxy-%d.log" % self.port)
        config = os.path.join(directory, "tinyproxy-%d.conf" % self.port)
        lines = ["Port %d" % self.port, "Listen 127.0.0.1", "Timeout 30", "LogLevel Connect",
                 "MaxClients 16", "Allow 127.0.0.1"]
        if basic_auth:
            lines.append("BasicAuth %s %s" % basic_auth)
        # Without ConnectPort lines tinyproxy tunnels to any port.
        lines += ["ConnectPort %d" % p for p in connect_ports]
        with open(config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["tinyproxy", "-d", "-c", config], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_for_port(self.port)

    def connects(self):
        """The CONNECT targets the proxy was asked for, in order."""
        with open(self.log_path) as f:
            return re.findall(r"Request \(file descriptor \d+\): CONNECT (\S+) ", f.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class ScriptedProxy:
    """Answers every CONNECT with `answer`; tunnels when it starts with a 2xx.

    Records the bytes each client sent before the answer (`received`)."""

    def __init__(self, answer):
        self.answer = answer.encode()
        self.received = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client):
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    break
                head += chunk
            self.received.append(head)
            match = re.match(rb"CONNECT ([^ :]+):(\d+) ", head)
            client.sendall(self.answer)
            if not match or not re.match(rb"HTTP/1\.[01] 2", self.answer):
                return
            with socket.create_connection((match.group(1).decode(), int(match.group(2)))) as up:
                self._splice(client, up)

    @staticmethod
    def _splice(a, b):
        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        other = threading.Thread(target=pump, args=(b, a), daemon=True)
        other.start()
        pump(a, b)
        other.join(timeout=30)

    def close(self):
        self.sock.close()


class ProxyTestCase(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pulse-proxy-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.node = pulse_cli.Node(prefix="pulse-proxy-node-")
        self.addCleanup(self.node.cleanup)

    def https_receiver(self):
        rx = rh.Receiver(CERTS.server_cert, CERTS.server_key, ca=CERTS.ca).start()
        self.addCleanup(rx.__exit__, None, None, None)
        rx.add_key(self.node.pub)
        return rx

    def tinyproxy(self, **kw):
        if shutil.which("tinyproxy") is None:
            self.skipTest("tinyproxy is not installed (apt-get install tinyproxy)")
        proxy = Tinyproxy(self.tmp, **kw)
        self.addCleanup(proxy.stop)
        return proxy

    def scripted_proxy(self, answer):
        proxy = ScriptedProxy(answer)
        self.addCleanup(proxy.close)
        return proxy

    def configure(self, proxy=None):
        self.node.write_config("" if proxy is None else "[server]\nproxy = \"%s\"\n" % proxy)

    def send(self, rx, env=None):
        return self.node.run("send", "heartbeat", server=rx.url, ca_file=CERTS.ca,
                             env=pulse_cli.clean_environment(**(env or {})))

    def inspect_proxy(self, rx, env=None):
        r = self.node.run("inspect", server=rx.url, ca_file=CERTS.ca,
                          env=pulse_cli.clean_environment(**(env or {})))
        self.assertEqual(r.returncode, 0, r)
        return re.search(r"^  proxy +(.*)$", r.stdout, re.M).group(1)

    def assertNoSecret(self, result, secret=PASSWORD):
        self.assertNotIn(secret, result.stdout + result.stderr)
        for name in self.node.spool_files():
            self.assertNotIn(secret, self.node.read_spool(name))


class Choice(ProxyTestCase):

    def test_server_proxy_replaces_the_environment_no_proxy_included(self):
        rx = self.https_receiver()
        proxy = self.tinyproxy()
        self.configure(proxy.url)
        env = {"NO_PROXY": "127.0.0.1,localhost", "HTTPS_PROXY": "http://127.0.0.1:9"}
        r = self.send(rx, env)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(proxy.connects(), ["127.0.0.1:%d" % rx.port])
        self.assertTrue(rx.records()[-1]["verified"])
        self.assertEqual(self.inspect_proxy(rx, env), proxy.url + " (server.proxy)")

    def test_https_proxy_from_the_environment_honours_no_proxy(self):
        rx = self.https_receiver()
        proxy = self.tinyproxy()
        r = self.send(rx, {"HTTPS_PROXY": proxy.url})
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(proxy.connects(), ["127.0.0.1:%d" % rx.port])
        self.assertEqual(self.inspect_proxy(rx, {"HTTPS_PROXY": proxy.url}),
                         proxy.url + " (HTTPS_PROXY)")
        env = {"https_proxy": proxy.url, "no_proxy": "localhost,127.0.0.1"}
        self.assertEqual(self.send(rx, env).returncode, 0)
        self.assertEqual(len(proxy.connects()), 1)
        self.assertEqual(self.inspect_proxy(rx, env), "(none)")

    def test_loopback_http_never_goes_through_a_proxy(self):
        # The enrollment token went to the proxy in clear text before.
        rx = rh.Receiver(http=True).start()
        self.addCleanup(rx.__exit__, None, None, None)
        catcher = self.scripted_proxy("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        self.configure(catcher.url)
        token_file = os.path.join(self.tmp, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        env = {name: catcher.url for name in ("http_proxy", "HTTPS_PROXY", "ALL_PROXY")}
        r = self.node.run("enroll", "--token-file", token_file, "--no-write-config",
                          server=rx.url, env=pulse_cli.clean_environment(**env))
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(catcher.received, [])
        (record,) = rx.records()
        self.assertEqual(record["kind"], "enroll")
        self.assertTrue(record["verified"], record["error"])
        self.assertIn("(none: a loopback http:// url is reached directly)",
                      self.node.run("inspect", server=rx.url,
                                    env=pulse_cli.clean_environment(**env)).stdout)

    def test_inspect_hides_the_proxy_password(self):
        rx = self.https_receiver()
        self.configure("http://user:%s@127.0.0.1:3128" % PASSWORD)
        self.assertEqual(self.inspect_proxy(rx), "http://user:***@127.0.0.1:3128 (server.proxy)")
        env = {"HTTPS_PROXY": "http://ops:%s@proxy.example:8080" % PASSWORD}
        self.configure()
        self.assertEqual(self.inspect_proxy(rx, env),
                         "http://ops:***@proxy.example:8080 (HTTPS_PROXY)")


class Answers(ProxyTestCase):

    def test_retry_after_in_a_connect_answer_is_not_the_servers(self):
        # A proxy's Retry-After: 3000 made run wait 50 minutes before.
        rx = self.https_receiver()
        rx.control(mode="status", status=503)
        proxy = self.scripted_proxy("HTTP/1.1 200 Connection established\r\nRetry-After: 3000\r\n\r\n")
        self.configure(proxy.url)
        proc = self.node.popen("run", server=rx.url, ca_file=CERTS.ca)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(rx.records()) < 2:
                time.sleep(0.1)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertGreaterEqual(len(rx.records()), 2, err)
        self.assertNotIn("50m", err)
        self.assertNotIn("asked to wait", err)

    def test_a_dead_proxy_is_named(self):
        rx = self.https_receiver()
        port = pulse_cli.unused_port()
        self.configure("http://user:%s@127.0.0.1:%d" % (PASSWORD, port))
        r = self.send(rx)
        self.assertEqual(r.returncode, 69, r)
        self.assertIn("the proxy http://user:***@127.0.0.1:%d (server.proxy) does not answer; "
                      "check server.proxy" % port, r.stderr)
        self.assertNotIn("check server.url", r.stderr)
        self.assertNoSecret(r)
        self.assertEqual(len(self.node.spool_files()), 1)

    def test_a_tls_proxy_on_a_plain_url_is_named(self):
        rx = self.https_receiver()
        tls_speaker = self.https_receiver()  # answers TLS where curl speaks HTTP
        r = self.send(rx, {"HTTPS_PROXY": "http://127.0.0.1:%d" % tls_speaker.port})
        self.assertEqual(r.returncode, 69, r)
        self.assertIn("did not answer CONNECT as an HTTP proxy", r.stderr)
        self.assertIn("(HTTPS_PROXY)", r.stderr)
        self.assertNotIn("check server.url", r.stderr)

    def test_407_names_the_credentials(self):
        rx = self.https_receiver()
        proxy = self.tinyproxy(basic_auth=("pulse", PASSWORD))
        self.configure(proxy.url)
        r = self.send(rx)
        self.assertEqual(r.returncode, 69, r)
        self.assertIn("the proxy %s (server.proxy) wants credentials (407): put user:password in "
                      "the proxy URL (server.proxy)" % proxy.url, r.stderr)
        # tinyproxy answers wrong credentials with 401.
        self.configure("http://pulse:wrong-%s@127.0.0.1:%d" % (PASSWORD, proxy.port))
        r = self.send(rx)
        self.assertEqual(r.returncode, 69, r)
        self.assertRegex(r.stderr, r"the proxy http://pulse:\*\*\*@127\.0\.0\.1:%d \(server\.proxy\) "
                         r"refused the credentials in its URL \(40[17]\); check the user and "
                         r"password in server\.proxy" % proxy.port)
        self.assertNoSecret(r)
        self.assertNoSecret(r, "wrong-" + PASSWORD)
        self.configure("http://pulse:%s@127.0.0.1:%d" % (PASSWORD, proxy.port))
        r = self.send(rx)
        self.assertEqual(r.returncode, 0, r)
        self.assertNoSecret(r)
        self.assertEqual(self.node.spool_files(), [])

    def test_403_to_a_port_other_than_443_mentions_squids_rule(self):
        rx = self.https_receiver()
        proxy = self.tinyproxy(connect_ports=(443,))
        r = self.send(rx, {"HTTPS_PROXY": proxy.url})
        self.assertEqual(r.returncode, 69, r)
        self.assertIn("the proxy %s (HTTPS_PROXY) refused to connect to port %d (403)"
                      % (proxy.url, rx.port), r.stderr)
        self.assertIn("allows CONNECT only to port 443", r.stderr)


if __name__ == "__main__":
    unittest.main()
