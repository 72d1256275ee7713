"""`ph://` hubs (contract §11): the real binary against tests/ph/ph_server.py.

The test hub speaks Ph (RFC 2378) over TLS as pharos-server 1.12 does and
checks Ed25519 logins with the openssl CLI, independently of pharos-pulse. Covers:
every event stored with all its fields, values with quotes, backslashes and
spaces, CR/LF refused, the 506 → login → auth → retry flow, unregistered
keys and host names owned by another key, an untrusted CA, a hub that never
answers, spool redelivery in order, `send --dry-run`, `inspect`, and the
daemon's whole lifecycle ending with status="offline".
"""

import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402
import receiver_harness as rh  # noqa: E402
from test_proxy import Tinyproxy  # noqa: E402

PH_SERVER = os.path.join(pulse_cli.SOURCE_DIR, "tests", "ph", "ph_server.py")
PATIENCE = 30

CERTS = None
CERTS_DIR = None


def setUpModule():
    global CERTS, CERTS_DIR
    CERTS_DIR = tempfile.mkdtemp(prefix="pulse-ph-certs-")
    CERTS = rh.make_certs(CERTS_DIR)


def tearDownModule():
    shutil.rmtree(CERTS_DIR, ignore_errors=True)


def wait_until(predicate, timeout=PATIENCE, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class PhHub:
    """tests/ph/ph_server.py for the duration of a `with` block."""

    def __init__(self, require_auth=True, cert=None, key=None, stall=False):
        self.dir = tempfile.mkdtemp(prefix="pulse-ph-hub-")
        self.keys_dir = os.path.join(self.dir, "keys")
        os.makedirs(self.keys_dir)
        self.state_path = os.path.join(self.dir, "state.json")
        self.args = [sys.executable, PH_SERVER, "--cert", cert or CERTS.server_cert,
                     "--key", key or CERTS.server_key, "--keys-dir", self.keys_dir,
                     "--state", self.state_path]
        if require_auth:
            self.args.append("--require-auth")
        if stall:
            self.args.append("--stall")
        self.proc = None
        self.port = None

    def __enter__(self):
        self.stderr = open(os.path.join(self.dir, "stderr"), "wb")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        try:
            self.port = json.loads(line)["port"]
        except (ValueError, KeyError):
            self.__exit__()
            raise RuntimeError("ph_server did not start: %r" % line)
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if self.proc:
            self.proc.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    @property
    def url(self):
        return "ph://127.0.0.1:%d" % self.port

    def register(self, pub_path, name):
        shutil.copyfile(pub_path, os.path.join(self.keys_dir, name))

    def state(self):
        with open(self.state_path) as f:
            return json.load(f)

    def records(self):
        return self.state()["records"]

    def adds(self):
        return self.state()["adds"]

    def commands(self):
        return [line.split(" ")[0] for _, line in self.state()["transcript"]]

    def talk(self, lines):
        """Sends raw lines on a fresh TLS connection; the replies, greeting first."""
        with PhSession(self.port) as session:
            return [session.greeting] + [session.ask(line) for line in lines]


class PhSession:
    """A raw Ph connection to the test hub, one line asked at a time."""

    def __init__(self, port):
        self.port = port

    def __enter__(self):
        context = ssl.create_default_context(cafile=CERTS.ca)
        self.raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.tls = context.wrap_socket(self.raw, server_hostname="127.0.0.1")
        self.reader = self.tls.makefile("rb")
        self.greeting = self.reader.readline().decode().rstrip("\n")
        return self

    def __exit__(self, *exc):
        self.reader.close()
        self.tls.close()
        return False

    def ask(self, line):
        self.tls.sendall(line.encode() + b"\n")
        return self.reader.readline().decode().rstrip("\n")


def ph_config(node, url, hostname=None, extra="", proxy=None):
    """A config naming the hub, the CA and, if given, an identity.hostname override."""
    text = '[server]\nurl = %s\nca_file = %s\ntimeout = "5s"\n' % (json.dumps(url),
                                                                   json.dumps(CERTS.ca))
    if proxy is not None:
        text += "proxy = %s\n" % json.dumps(proxy)
    if hostname is not None:
        text += "\n[identity]\nhostname = %s\n" % json.dumps(hostname)
    node.write_config(text + extra)


def console_view(record):
    """A hub record as the Pharos console's pulse monitor and node detail page
    show it: fields read by name, memory as GB, the OS as one line."""
    memory = record.get("mem_total_kb")
    return {
        "cpu": record.get("cpu_brand") or "Unknown CPU",
        "cores": int(record["cpu_cores"]) if record.get("cpu_cores") else None,
        "memory": "%.1f GB" % (int(memory) / 1024 / 1024) if memory else "N/A",
        "serial": record.get("serial_number") or "N/A",
        "os": "%s %s" % (record.get("os_name", ""), record.get("os_version", "")),
        "kernel": record.get("kernel_version"),
    }


# Runs the hub and the node in a network namespace of their own (unshare -rn)
# with one interface, pulse0, whose address changes between the ONLINE and the
# HEARTBEAT, as a DHCP lease or a temporary IPv6 address does.
ADDRESS_CHANGE_NAMESPACE = r"""
set -e
ip link set lo up
ip link add pulse0 type bridge
ip addr add 10.77.0.1/24 dev pulse0
ip link set pulse0 up
"$PYTHON" "$PH_SERVER" --cert "$CERT" --key "$KEY" --keys-dir "$DIR/keys" \
    --state "$DIR/state.json" > "$DIR/port" 2> "$DIR/hub.stderr" &
hub=$!
trap 'kill $hub' EXIT
for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.1; done
port=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["port"])' "$DIR/port")
"$@" --server "ph://127.0.0.1:$port" send online
ip addr del 10.77.0.1/24 dev pulse0
ip addr add 10.77.0.2/24 dev pulse0
"$@" --server "ph://127.0.0.1:$port" send heartbeat
"""


class PhTest(unittest.TestCase):

    def run_daemon(self, node, while_running):
        """Starts `run`, calls while_running(proc), stops it with SIGTERM: (exit code, stderr)."""
        proc = node.popen("run", timeout=None)
        try:
            while_running(proc)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=PATIENCE)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        return proc.returncode, err

    def node(self, **kw):
        node = pulse_cli.Node(prefix="pulse-ph-node-", **kw)
        self.addCleanup(node.cleanup)
        return node

    def payload(self, node):
        r = node.run("inspect", "--json")
        self.assertEqual(r.returncode, 0, r)
        return json.loads(r.stdout)

    def test_every_event_is_stored_with_all_fields(self):
        node = self.node()
        with PhHub() as hub:
            hub.register(node.pub, "ph-node-admin_id_ed25519.pub")
            ph_config(node, hub.url, hostname="ph-node")
            payload = self.payload(node)
            for event in ("online", "heartbeat", "offline"):
                r = node.run("send", event)
                self.assertEqual(r.returncode, 0, r)
                record = hub.records()["ph-node"]
                self.assertEqual(record["status"], "offline" if event == "offline" else "online")
                self.assertEqual(record["pulse_event"], event.upper())
            adds = hub.adds()
            self.assertEqual([dict(a["fields"])["pulse_event"] for a in adds],
                             ["ONLINE", "HEARTBEAT", "OFFLINE"])
            record = hub.records()["ph-node"]
            identity, metadata = payload["identity"], payload["metadata"]
            inventory = payload["inventory"]
            self.assertEqual(record["hostname"], "ph-node")
            self.assertEqual(record["type"], "machine")
            self.assertEqual(record["source"], "pharos-pulse")
            self.assertEqual(record["uuid"], identity["hw_uuid"])
            self.assertEqual(record["ssh_pubkey_fingerprint"], node.fingerprint())
            for name in ("os_family", "kernel_version", "platform"):
                self.assertEqual(record[name], metadata[name], name)
            # The Rust agent's os_version, not PRETTY_NAME.
            for name in ("os_name", "os_version", "cpu_brand", "serial_number", "manufacturer",
                         "product_name"):
                self.assertEqual(record.get(name), inventory.get(name), name)
            for name in ("cpu_cores", "mem_total_kb"):
                self.assertEqual(record[name], str(inventory[name]), name)
            self.assertEqual(record["ip_addr"], metadata["local_ips"])
            self.assertEqual(record["mac_addr"], inventory.get("mac_addrs", []))
            self.assertRegex(record["pulse_timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            # ONLINE: the Rust agent's fields in its order, then ours.
            names = [n for n, _ in adds[0]["fields"]]
            rust_order = ["hostname", "type", "status", "uuid", "os_name", "os_version",
                          "kernel_version", "cpu_brand", "cpu_cores", "mem_total_kb",
                          "serial_number", "manufacturer", "product_name", "ip_addr", "mac_addr",
                          "ssh_pubkey_fingerprint", "os_family", "platform", "pulse_event",
                          "pulse_timestamp"]
            self.assertEqual([n for n in names if n not in rust_order], [])
            for name in ("hostname", "type", "status", "uuid", "os_name", "os_version",
                         "kernel_version", "cpu_cores", "mem_total_kb", "ssh_pubkey_fingerprint",
                         "os_family", "platform", "pulse_event", "pulse_timestamp"):
                self.assertEqual(names.count(name), 1, name)
            self.assertEqual(names.count("ip_addr"), len(metadata["local_ips"]))
            self.assertEqual(names.count("mac_addr"), len(inventory.get("mac_addrs", [])))
            self.assertEqual(names, sorted(names, key=rust_order.index))
            # HEARTBEAT and OFFLINE: the host, its status and the event only.
            for add in adds[1:]:
                self.assertEqual([n for n, _ in add["fields"]],
                                 ["hostname", "type", "status", "pulse_event", "pulse_timestamp"])
            # One connection per event: id, add → 506, login, auth, add, quit.
            self.assertEqual(hub.commands()[:6], ["id", "add", "login", "auth", "add", "quit"])
            self.assertEqual(hub.state()["connections"], 3)
            self.assertEqual(hub.state()["transcript"][0][1], 'id "pulse-ph-node"')
            self.assertEqual(node.spool_files(), [])

    def test_the_console_reads_what_the_system_says(self):
        node = self.node()
        with PhHub(require_auth=False) as hub:
            # A record as an earlier pharos-pulse left it: PRETTY_NAME as
            # os_version, so the console read "Debian GNU/Linux Debian …".
            facts = pulse_cli.system_inventory()
            seeded = hub.talk(['add hostname="moved" type="machine" os_name=%s os_version=%s'
                               % (json.dumps(facts["os_name"]),
                                  json.dumps(facts["os_name"] + " 12 (bookworm)"))])
            self.assertEqual(seeded[1], "200:Ok")
            ph_config(node, hub.url, hostname="moved")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 0, r)
            view = console_view(hub.records()["moved"])
        self.assertEqual(view["os"], "%s %s" % (facts["os_name"], facts["os_version"]))
        self.assertEqual(view["cores"], facts["cpu_cores"])
        nproc = subprocess.run(["nproc"], stdout=subprocess.PIPE, text=True, check=True).stdout
        if len(os.sched_getaffinity(0)) == facts["cpu_cores"]:
            self.assertEqual(view["cores"], int(nproc))
        self.assertEqual(view["memory"], "%.1f GB" % (facts["mem_total_kb"] / 1024 / 1024))
        self.assertEqual(view["cpu"], facts.get("cpu_brand", view["cpu"]))
        self.assertNotEqual(view["cpu"], "Unknown CPU")
        self.assertEqual(view["kernel"], os.uname().release)

    def test_a_heartbeat_after_an_address_change_adds_no_address(self):
        unshare, ip = shutil.which("unshare"), shutil.which("ip")
        if not unshare or not ip or subprocess.run([unshare, "-rn", "true"]).returncode != 0:
            self.skipTest("needs unshare(1) with user namespaces, and ip(8)")
        node = self.node()
        hub_dir = tempfile.mkdtemp(prefix="pulse-ph-hub-")
        self.addCleanup(shutil.rmtree, hub_dir, True)
        os.makedirs(os.path.join(hub_dir, "keys"))
        ph_config(node, "ph://127.0.0.1", hostname="roaming")
        env = pulse_cli.clean_environment(DIR=hub_dir, PYTHON=sys.executable, PH_SERVER=PH_SERVER,
                                          CERT=CERTS.server_cert, KEY=CERTS.server_key)
        r = subprocess.run([unshare, "-rn", "sh", "-c", ADDRESS_CHANGE_NAMESPACE, "sh"] +
                           node.command(), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(hub_dir, "state.json")) as f:
            state = json.load(f)
        self.assertEqual(state["records"]["roaming"]["ip_addr"], ["10.77.0.1"])
        online, heartbeat = state["adds"]
        self.assertIn(["ip_addr", "10.77.0.1"], online["fields"])
        self.assertEqual([n for n, _ in heartbeat["fields"]],
                         ["hostname", "type", "status", "pulse_event", "pulse_timestamp"])

    def test_hub_without_authentication_takes_the_add_without_a_login(self):
        node = self.node()
        with PhHub(require_auth=False) as hub:
            ph_config(node, hub.url, hostname="open-node")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(hub.commands(), ["id", "add", "quit"])
            self.assertEqual(hub.records()["open-node"]["status"], "online")

    def test_quotes_backslashes_and_spaces_are_stored_exactly(self):
        node = self.node()
        hostname = 'we"b \\01 x\\"y'
        with PhHub() as hub:
            hub.register(node.pub, "any.pub")
            ph_config(node, hub.url, hostname=hostname)
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(list(hub.records()), [hostname])
            self.assertEqual(hub.records()[hostname]["hostname"], hostname)
            dry = node.run("send", "online", "--dry-run")
            self.assertEqual(dry.returncode, 0, dry)
            self.assertIn('add hostname="we\\"b \\\\01 x\\\\\\"y" type="machine"', dry.stdout)

    def test_a_line_break_in_a_value_is_refused(self):
        node = self.node()
        with PhHub() as hub:
            hub.register(node.pub, "any.pub")
            ph_config(node, hub.url, hostname="web\n01")
            for args in (("send", "online"), ("send", "online", "--dry-run")):
                r = node.run(*args)
                self.assertEqual(r.returncode, 78, r)
                self.assertIn("line break", r.stderr)
                self.assertIn("identity.hostname", r.stderr)
            self.assertEqual(hub.state()["connections"], 0)
            self.assertEqual(node.spool_files(), [])

    def test_an_unregistered_key_is_refused(self):
        node = self.node()
        other = self.node()
        with PhHub() as hub:
            hub.register(other.pub, "other.pub")
            ph_config(node, hub.url, hostname="stranger")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 77, r)
            self.assertIn("516", r.stderr)
            self.assertIn("stranger-admin_id_ed25519.pub", r.stderr)
            self.assertEqual(hub.records(), {})
            self.assertEqual(node.spool_files(), [])

    def test_the_pub_line_is_compared_with_its_comment(self):
        node = self.node()
        with open(node.pub) as f:
            line = f.read().strip()
        altered = os.path.join(node.dir, "altered.pub")
        with open(altered, "w") as f:
            f.write(line + "-changed\n")
        with PhHub() as hub:
            hub.register(altered, "node.pub")
            ph_config(node, hub.url, hostname="commented")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 77, r)

    def test_auth_presents_the_pub_file_line_verbatim(self):
        node = self.node()
        with open(node.pub) as f:
            kind, key, _ = f.read().strip().split(" ", 2)
        # An operator may edit the comment of the .pub the hub registered.
        with open(node.pub, "w") as f:
            f.write("%s %s  edited comment, two spaces\n" % (kind, key))
        with PhHub() as hub:
            hub.register(node.pub, "edited.pub")
            ph_config(node, hub.url, hostname="edited")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 0, r)

    def test_a_second_node_claiming_the_same_host_name_is_refused(self):
        first = self.node()
        second = self.node()
        with PhHub() as hub:
            hub.register(first.pub, "first.pub")
            hub.register(second.pub, "second.pub")
            ph_config(first, hub.url, hostname="shared")
            ph_config(second, hub.url, hostname="shared")
            self.assertEqual(first.run("send", "online").returncode, 0)
            r = second.run("send", "online")
            self.assertEqual(r.returncode, 77, r)
            self.assertIn("511", r.stderr)
            self.assertEqual(len(hub.adds()), 1)
            self.assertEqual(second.spool_files(), [])

    def test_a_changed_type_is_a_protocol_error(self):
        node = self.node()
        with PhHub(require_auth=False) as hub:
            self.assertEqual(hub.talk(['add hostname="typed" type="printer"'])[1], "200:Ok")
            ph_config(node, hub.url, hostname="typed")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 76, r)
            self.assertIn("512", r.stderr)

    def test_an_untrusted_ca_is_unavailable_and_spooled(self):
        node = self.node()
        with PhHub(cert=CERTS.other_server_cert, key=CERTS.other_server_key) as hub:
            hub.register(node.pub, "node.pub")
            ph_config(node, hub.url, hostname="untrusting")
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 69, r)
            self.assertIn("not trusted", r.stderr)
            self.assertEqual(len(node.spool_files()), 1)
            self.assertEqual(hub.records(), {})

    def test_a_pin_mismatch_is_unavailable(self):
        node = self.node()
        with PhHub() as hub:
            hub.register(node.pub, "node.pub")
            ph_config(node, hub.url, hostname="pinned")
            r = node.run("send", "online", "--no-spool", pin=CERTS.other_pin)
            self.assertEqual(r.returncode, 69, r)
            self.assertIn("pin", r.stderr)
            r = node.run("send", "online", pin=CERTS.pin)
            self.assertEqual(r.returncode, 0, r)

    def test_a_proxy_carries_ph_like_https(self):
        # server.proxy and its failure hints apply to ph:// as to https://.
        if shutil.which("tinyproxy") is None:
            self.skipTest("tinyproxy is not installed (apt-get install tinyproxy)")
        node = self.node()
        proxy = Tinyproxy(node.dir)
        self.addCleanup(proxy.stop)
        with PhHub() as hub:
            hub.register(node.pub, "node.pub")
            ph_config(node, hub.url, hostname="proxied", proxy=proxy.url)
            r = node.run("send", "online", env=pulse_cli.clean_environment(NO_PROXY="*"))
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(proxy.connects(), ["127.0.0.1:%d" % hub.port])
            self.assertEqual(hub.records()["proxied"]["status"], "online")
            dead = "http://user:pw-%d@127.0.0.1:%d" % (os.getpid(), pulse_cli.unused_port())
            ph_config(node, hub.url, hostname="proxied", proxy=dead)
            r = node.run("send", "online")
            self.assertEqual(r.returncode, 69, r)
            self.assertIn("(server.proxy) does not answer", r.stderr)
            self.assertNotIn("pw-%d" % os.getpid(), r.stderr)

    def test_a_hub_that_never_greets_times_out(self):
        node = self.node()
        with PhHub(stall=True) as hub:
            ph_config(node, hub.url, hostname="stalled")
            r = node.run("send", "online", timeout="1s")
            self.assertEqual(r.returncode, 69, r)
            self.assertIn("within 1s", r.stderr)
            self.assertLess(r.seconds, 15)
            self.assertEqual(len(node.spool_files()), 1)

    def test_the_spool_is_redelivered_over_ph_in_order(self):
        node = self.node()
        port = pulse_cli.unused_port()
        ph_config(node, "ph://127.0.0.1:%d" % port, hostname="spooler")
        for event in ("online", "heartbeat"):
            r = node.run("send", event)
            self.assertEqual(r.returncode, 69, r)
            time.sleep(0.01)
        spooled = node.spool_files()
        self.assertEqual(len(spooled), 2)
        stamps = [pulse_cli.split_spool_name(n)[0] for n in spooled]
        with PhHub() as hub:
            hub.register(node.pub, "spooler-admin_id_ed25519.pub")
            ph_config(node, hub.url, hostname="spooler")
            r = node.run("send", "offline")
            self.assertEqual(r.returncode, 0, r)
            fields = [dict(a["fields"]) for a in hub.adds()]
            self.assertEqual([f["pulse_event"] for f in fields], ["ONLINE", "HEARTBEAT", "OFFLINE"])
            # Spooled events keep their own time.
            self.assertEqual([f["pulse_timestamp"] for f in fields[:2]], stamps)
            self.assertEqual(hub.records()["spooler"]["status"], "offline")
            self.assertEqual(node.spool_files(), [])

    def test_dry_run_prints_the_lines_and_sends_nothing(self):
        node = self.node()
        with PhHub() as hub:
            hub.register(node.pub, "node.pub")
            ph_config(node, hub.url, hostname="dry")
            r = node.run("send", "heartbeat", "--dry-run")
            self.assertEqual(r.returncode, 0, r)
            lines = r.stdout.split("\n")
            self.assertEqual(lines[0], 'id "pulse-dry"')
            self.assertTrue(lines[1].startswith('add hostname="dry" type="machine" status="online" '),
                            lines[1])
            self.assertIn('pulse_event="HEARTBEAT"', lines[1])
            self.assertEqual(lines[2:], ["quit", ""])
            self.assertNotIn("login", r.stdout)
            self.assertNotIn("auth", r.stdout)
            self.assertEqual(hub.state()["connections"], 0)
            self.assertEqual(node.spool_files(), [])

    def test_inspect_names_the_transport(self):
        node = self.node()
        ph_config(node, "ph://hub.example.net", hostname="insp")
        r = node.run("inspect")
        self.assertEqual(r.returncode, 0, r)
        self.assertRegex(r.stdout, r"transport\s+ph \(RFC 2378 over TLS to hub.example.net:2378\)")
        r = node.run("inspect", server="https://hub.example.net:8443/pharos")
        self.assertRegex(r.stdout,
                         r"transport\s+https \(POST https://hub.example.net:8443/pharos/v1/presence\)")

    def test_the_daemon_lifecycle_ends_offline(self):
        node = self.node()
        with PhHub() as hub:
            hub.register(node.pub, "daemon-admin_id_ed25519.pub")
            ph_config(node, hub.url, hostname="daemon",
                      extra='\n[heartbeat]\ninterval = "1s"\njitter = "0s"\nshutdown_timeout = "15s"\n')
            events = lambda: [dict(a["fields"])["pulse_event"] for a in hub.adds()]

            def while_running(proc):
                self.assertTrue(wait_until(lambda: events().count("HEARTBEAT") >= 2), events())
                self.assertEqual(hub.records()["daemon"]["status"], "online")
            returncode, err = self.run_daemon(node, while_running)
            self.assertEqual(returncode, 0, err)
            seen = events()
            self.assertEqual(node.spool_files(), [], err)
            self.assertEqual(seen[0], "ONLINE")
            self.assertEqual(seen[-1], "OFFLINE")
            self.assertEqual(set(seen[1:-1]), {"HEARTBEAT"})
            self.assertEqual(hub.records()["daemon"]["status"], "offline")

    def test_a_reload_with_a_line_break_in_the_host_name_keeps_the_daemon_up(self):
        # Before issue 14 the reload took it and the next heartbeat threw out of
        # the daemon loop: exit without OFFLINE.
        node = self.node()
        extra = '\n[heartbeat]\ninterval = "1s"\njitter = "0s"\nshutdown_timeout = "15s"\n'
        with PhHub() as hub:
            hub.register(node.pub, "daemon-admin_id_ed25519.pub")
            ph_config(node, hub.url, hostname="daemon", extra=extra)
            events = lambda: [dict(a["fields"])["pulse_event"] for a in hub.adds()]

            def while_running(proc):
                self.assertTrue(wait_until(lambda: events().count("HEARTBEAT") >= 1), events())
                ph_config(node, hub.url, hostname="daemon\n01", extra=extra)
                proc.send_signal(signal.SIGHUP)
                before = events().count("HEARTBEAT")
                self.assertTrue(wait_until(lambda: events().count("HEARTBEAT") >= before + 2),
                                events())
                self.assertIsNone(proc.poll())
            returncode, err = self.run_daemon(node, while_running)
            self.assertEqual(returncode, 0, err)
            self.assertIn("config reload failed", err)
            self.assertIn("line break", err)
            self.assertEqual(events()[-1], "OFFLINE")

    def test_the_daemon_stops_a_stalled_exchange_at_shutdown(self):
        node = self.node()
        with PhHub(stall=True) as hub:
            ph_config(node, hub.url, hostname="stuck",
                      extra='\n[heartbeat]\ninterval = "60s"\njitter = "0s"\nshutdown_timeout = "2s"\n')
            proc = node.popen("run", timeout="60s")
            try:
                self.assertTrue(wait_until(lambda: hub.state()["connections"] >= 1))
                time.sleep(0.5)
                started = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                out, err = proc.communicate(timeout=PATIENCE)
                stopped_in = time.monotonic() - started
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            self.assertEqual(proc.returncode, 0, err)
            self.assertLess(stopped_in, 10, err)
            # ONLINE (interrupted) and OFFLINE (out of time) wait in the spool.
            self.assertEqual(len(node.spool_files()), 2, err)


class PhServerSelfTest(unittest.TestCase):
    """The test hub's own rules, without pharos-pulse."""

    def test_greeting_codes_and_tokenizer(self):
        with PhHub(require_auth=False) as hub:
            replies = hub.talk(['id "pulse-self"', "frobnicate", 'add hostname="x',
                                'add hostname="a \\"q\\" \\\\b" type=machine ip_addr="1.2.3.4"'
                                ' ip_addr="5.6.7.8"',
                                'add hostname="a \\"q\\" \\\\b" type="printer"',
                                'add hostname="z" ip_addr="fe80::1%eth0" type="machine"',
                                "quit"])
            self.assertEqual(replies, ["200:Database ready", "200:Ok", "598:Unknown command",
                                       "599:Syntax error", "200:Ok",
                                       "512:Illegal value: type change",
                                       "512:Illegal value: ip_addr", "200:Bye!"])
            record = hub.records()['a "q" \\b']
            self.assertEqual(record["ip_addr"], ["1.2.3.4", "5.6.7.8"])
            self.assertEqual(record["source"], "pharos-pulse")

    def test_auth_needs_a_login_a_registered_key_and_a_good_signature(self):
        node = pulse_cli.Node(prefix="pulse-ph-self-")
        self.addCleanup(node.cleanup)
        with open(node.pub) as f:
            line = f.read().strip()
        bad = base64.b64encode(bytes(64)).decode()
        with PhHub() as hub:
            hub.register(node.pub, "node.pub")
            replies = hub.talk(['add hostname="h" type="machine"',
                                'auth "%s" "%s"' % (line, bad),
                                "login h"])
            self.assertEqual(replies[1][:4], "506:")
            self.assertEqual(replies[2][:4], "506:")
            self.assertRegex(replies[3], r"^301:[0-9a-f]{32}$")
            replies = hub.talk(["login h", 'auth "%s" "%s"' % (line, bad)])
            self.assertEqual(replies[2], "516:Bad signature")
            replies = hub.talk(["login h", 'auth "%s x" "%s"' % (line, bad)])
            self.assertEqual(replies[2], "516:Key not registered")

    def test_auth_accepts_a_signature_made_without_pharos_pulse(self):
        """An Ed25519 key and signature from the openssl CLI log in."""
        work = tempfile.mkdtemp(prefix="pulse-ph-self-")
        self.addCleanup(shutil.rmtree, work, True)
        key = os.path.join(work, "key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True)
        der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                             check=True, stdout=subprocess.PIPE).stdout
        blob = b"".join(len(part).to_bytes(4, "big") + part
                        for part in (b"ssh-ed25519", der[-32:]))
        line = "ssh-ed25519 %s openssl@self-test" % base64.b64encode(blob).decode()
        pub = os.path.join(work, "self.pub")
        with open(pub, "w") as f:
            f.write(line + "\n")

        def signature_of(challenge):
            message = os.path.join(work, "challenge")
            with open(message, "w") as f:
                f.write(challenge)
            raw = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin",
                                  "-in", message], check=True, stdout=subprocess.PIPE).stdout
            return base64.b64encode(raw).decode()

        with PhHub() as hub:
            hub.register(pub, "self.pub")
            with PhSession(hub.port) as session:
                self.assertEqual(session.ask('add hostname="self" type="machine"')[:4], "506:")
                challenge = session.ask("login self")[len("301:"):]
                self.assertEqual(session.ask('auth "%s" "%s"' % (line, signature_of(challenge))),
                                 "200:Ok")
                self.assertEqual(session.ask('add hostname="self" type="machine"'), "200:Ok")
            self.assertEqual(hub.records()["self"]["owner"], line)


if __name__ == "__main__":
    unittest.main()
