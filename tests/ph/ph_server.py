#!/usr/bin/env python3
"""A Ph (RFC 2378) test hub that speaks what pharos-server 1.12 speaks.

Written from the description in issue 10 and contract §11, sharing no code
with pharos-pulse. Python 3 standard library only; Ed25519 signatures are
checked by the openssl CLI (`pkeyutl -verify -rawin`), since Python's
standard library has no Ed25519.

    ph_server.py --cert server.pem --key server.key --keys-dir KEYS \
                 --state state.json [--port 0] [--require-auth] [--stall]

Prints {"port": N} on stdout once listening. After every command (and every
connection or TLS failure) it rewrites --state atomically with:

    {"records": {hostname: {field: value, "ip_addr": [...], "mac_addr": [...],
                            "type": ...,
                            "source": ..., "owner": .pub line or null,
                            "last_seen_at": ...}},
     "adds": [{"hostname": ..., "fields": [[name, value], ...]}, ...],
     "transcript": [[connection number, line received], ...],
     "connections": N, "tls_errors": N}

As pharos-server does, an add sets each single-valued field and appends the
values of the multi-valued ones (ip_addr, mac_addr) that the record does not
hold yet: an address once stored stays.

Codes: greeting 200:Database ready; id → 200; add → 200, 506 when
--require-auth and the connection has not authenticated, 511 when another
key owns the host name, 512 for an illegal value (no or changed type, an
address with a zone, no hostname); login ALIAS → 301:<32 hex>; auth "<.pub
line>" "<base64 signature of the hex string>" → 200, 516 for a key not in
--keys-dir (compared verbatim, comment included) or a bad signature, 506
when no challenge is pending; quit → 200:Bye!; 598 unknown command; 599
syntax (unterminated quote, a lone backslash, a token that is not
name=value in an add). --stall accepts connections and never greets (for
time-out tests).
"""

import argparse
import base64
import datetime
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

# DER SubjectPublicKeyInfo of an Ed25519 key, before its 32 bytes (RFC 8410).
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")

MAX_LINE = 64 * 1024

# Fields a record holds a list of; the hub only ever adds to them.
MULTI_VALUED = ("ip_addr", "mac_addr")


class SyntaxError_(Exception):
    pass


def tokenize(line):
    """Split on unquoted white space; "…" groups, \\x stands for x."""
    tokens = []
    current = None
    i = 0
    quoted = False
    while i < len(line):
        c = line[i]
        if c == "\\":
            if i + 1 >= len(line):
                raise SyntaxError_("lone backslash")
            current = (current or "") + line[i + 1]
            i += 2
            continue
        if c == '"':
            quoted = not quoted
            current = current or ""
        elif c in " \t" and not quoted:
            if current is not None:
                tokens.append(current)
            current = None
        else:
            current = (current or "") + c
        i += 1
    if quoted:
        raise SyntaxError_("unterminated quote")
    if current is not None:
        tokens.append(current)
    return tokens


def parse_pub_line(line):
    """32 key bytes of an 'ssh-ed25519 BASE64 comment' line, or None."""
    parts = line.split(" ")
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return None
    def take(offset):
        n = int.from_bytes(blob[offset:offset + 4], "big")
        return blob[offset + 4:offset + 4 + n], offset + 4 + n
    try:
        kind, off = take(0)
        key, off = take(off)
    except ValueError:
        return None
    if kind != b"ssh-ed25519" or len(key) != 32 or off != len(blob):
        return None
    return key


def verify(key, message, signature_b64):
    """Ed25519 check by the openssl CLI: `pkeyutl -verify -rawin`."""
    try:
        raw = base64.b64decode(signature_b64, validate=True)
    except ValueError:
        return False
    if len(raw) != 64:
        return False
    with tempfile.TemporaryDirectory(prefix="ph-verify-") as d:
        pem = base64.encodebytes(ED25519_SPKI_PREFIX + key).decode()
        files = {"key.pem": "-----BEGIN PUBLIC KEY-----\n%s-----END PUBLIC KEY-----\n" % pem,
                 "message": message}
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        with open(os.path.join(d, "signature"), "wb") as f:
            f.write(raw)
        result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                                 os.path.join(d, "key.pem"), "-rawin",
                                 "-in", os.path.join(d, "message"),
                                 "-sigfile", os.path.join(d, "signature")],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=30)
    return result.returncode == 0


class Hub:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.records = {}
        self.adds = []
        self.transcript = []
        self.connections = 0
        self.tls_errors = 0
        self.challenges = {}  # alias -> hex, one per alias server-wide

    def registered_lines(self):
        lines = set()
        for name in sorted(os.listdir(self.args.keys_dir)):
            if not name.endswith(".pub"):
                continue
            with open(os.path.join(self.args.keys_dir, name)) as f:
                lines.add(f.readline().rstrip("\r\n"))
        return lines

    def dump(self):
        state = {"records": self.records, "adds": self.adds, "transcript": self.transcript,
                 "connections": self.connections, "tls_errors": self.tls_errors}
        tmp = self.args.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, self.args.state)

    # -- commands ----------------------------------------------------------

    def add(self, conn, tokens):
        if self.args.require_auth and conn.key is None:
            return "506:Request refused; must be logged in to execute"
        fields = []
        for token in tokens:
            name, eq, value = token.partition("=")
            if not eq or not name:
                return "599:Syntax error"
            fields.append([name, value])
        hostnames = [v for n, v in fields if n == "hostname"]
        if not hostnames or not hostnames[0]:
            return "512:Illegal value: no hostname"
        hostname = hostnames[0]
        record = self.records.get(hostname)
        given_type = next((v for n, v in fields if n == "type"), None)
        if record is None and not given_type:
            return "512:Illegal value: a new record needs a type"
        if record is not None and given_type and record["type"] != given_type:
            return "512:Illegal value: type change"
        addresses = [v for n, v in fields if n == "ip_addr"]
        if any("%" in a for a in addresses):
            return "512:Illegal value: ip_addr"
        if record is not None and record.get("owner") and conn.key is not None \
                and record["owner"] != conn.key:
            return "511:Not authorized: another key owns %s" % hostname
        if record is None:
            record = {"owner": conn.key}
            self.records[hostname] = record
        for name, value in fields:
            if name in MULTI_VALUED:
                values = record.setdefault(name, [])
                if value not in values:
                    values.append(value)
            else:
                record[name] = value
        for name in MULTI_VALUED:
            record.setdefault(name, [])
        record["source"] = conn.source
        record["last_seen_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.adds.append({"hostname": hostname, "fields": fields})
        return "200:Ok"

    def login(self, conn, tokens):
        if len(tokens) != 1:
            return "599:Syntax error"
        challenge = secrets.token_hex(16)
        self.challenges[tokens[0]] = challenge
        conn.alias = tokens[0]
        return "301:" + challenge

    def auth(self, conn, tokens):
        if len(tokens) != 2:
            return "599:Syntax error"
        challenge = self.challenges.pop(conn.alias, None) if conn.alias else None
        if challenge is None:
            return "506:Request refused; no login pending"
        line, signature = tokens
        key = parse_pub_line(line)
        if key is None or line not in self.registered_lines():
            return "516:Key not registered"
        if not verify(key, challenge, signature):
            return "516:Bad signature"
        conn.key = line
        return "200:Ok"

    def execute(self, conn, line):
        try:
            tokens = tokenize(line)
        except SyntaxError_:
            return "599:Syntax error"
        if not tokens:
            return None
        command, rest = tokens[0].lower(), tokens[1:]
        if command == "quit":
            return "200:Bye!"
        if command == "id":
            if len(rest) != 1:
                return "599:Syntax error"
            conn.source = "pharos-pulse" if rest[0].startswith("pulse-") else rest[0]
            return "200:Ok"
        if command == "add":
            return self.add(conn, rest)
        if command == "login":
            return self.login(conn, rest)
        if command == "auth":
            return self.auth(conn, rest)
        return "598:Unknown command"


class Connection:
    def __init__(self, number):
        self.number = number
        self.key = None
        self.alias = None
        self.source = None


def serve(hub, raw, context):
    with hub.lock:
        hub.connections += 1
        conn = Connection(hub.connections)
        hub.dump()
    raw.settimeout(60)
    try:
        tls = context.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        with hub.lock:
            hub.tls_errors += 1
            hub.dump()
        raw.close()
        return
    try:
        if hub.args.stall:
            tls.recv(1)
            return
        tls.sendall(b"200:Database ready\n")
        reader = tls.makefile("rb")
        while True:
            data = reader.readline(MAX_LINE)
            if not data:
                return
            line = data.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
            with hub.lock:
                hub.transcript.append([conn.number, line])
                reply = hub.execute(conn, line)
                hub.dump()
            if reply is not None:
                tls.sendall(reply.encode() + b"\n")
            if reply == "200:Bye!":
                return
    except (ssl.SSLError, OSError):
        pass
    finally:
        try:
            tls.close()
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--keys-dir", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--require-auth", action="store_true")
    parser.add_argument("--stall", action="store_true")
    args = parser.parse_args()
    if not shutil.which("openssl"):
        sys.exit("ph_server: the openssl CLI is needed to verify signatures")

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)

    hub = Hub(args)
    with hub.lock:
        hub.dump()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(hub, raw, context), daemon=True).start()


if __name__ == "__main__":
    main()
