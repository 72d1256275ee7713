'use strict';
// Independent verifier for pharos-pulse requests (contract §3, §4, §7).
//
// Written from the RFCs, sharing nothing with the project's C++ code:
//   RFC 8941 Structured Field Values (dictionary / inner list / items),
//   RFC 9530 Content-Digest, RFC 9421 HTTP Message Signatures (§2.5 base),
//   OpenSSH public keys and SHA256 fingerprints, Ed25519 via node:crypto.
// Node.js 18+ built-ins only.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const net = require('net');

// ---------------------------------------------------------------------------
// RFC 8941 parsing
// Bare items are {type, value}: type is integer | decimal | string | token |
// bytes | boolean. Parameters are arrays of [key, item] (order is kept).

class SFError extends Error {}

function isDigit(c) { return c >= '0' && c <= '9'; }
function isLcAlpha(c) { return c >= 'a' && c <= 'z'; }
function isAlpha(c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
const TCHAR_EXTRA = "!#$%&'*+-.^_`|~";
function isTchar(c) { return isAlpha(c) || isDigit(c) || TCHAR_EXTRA.includes(c); }
const B64_CHARS = /^[A-Za-z0-9+/=]*$/;

class SFParser {
  constructor(text) {
    this.s = text;
    this.i = 0;
    this.duplicates = [];
  }
  peek() { return this.i < this.s.length ? this.s[this.i] : ''; }
  eof() { return this.i >= this.s.length; }
  skipSP() { while (this.peek() === ' ') this.i++; }
  skipOWS() { while (this.peek() === ' ' || this.peek() === '\t') this.i++; }
  fail(what) { throw new SFError(`${what} at offset ${this.i}`); }

  // §4.2: parse a whole field value as a Dictionary.
  parseDictionaryField() {
    this.skipSP();
    const dict = this.parseDictionary();
    this.skipSP();
    if (!this.eof()) this.fail('trailing characters after dictionary');
    return dict;
  }

  // §4.2.2. Members keep their raw text (value and parameters) as received.
  parseDictionary() {
    const members = new Map();
    while (!this.eof()) {
      const key = this.parseKey();
      const start = this.i;
      let member;
      if (this.peek() === '=') {
        this.i++;
        const valueStart = this.i;
        member = this.parseItemOrInnerList();
        member.raw = this.s.slice(valueStart, this.i);
      } else {
        const params = this.parseParameters();
        member = { kind: 'item', item: { type: 'boolean', value: true }, params, raw: this.s.slice(start, this.i) };
      }
      if (members.has(key)) this.duplicates.push(key);
      members.set(key, member);
      this.skipOWS();
      if (this.eof()) return members;
      if (this.peek() !== ',') this.fail('expected "," between dictionary members');
      this.i++;
      this.skipOWS();
      if (this.eof()) this.fail('trailing comma in dictionary');
    }
    return members;
  }

  parseItemOrInnerList() {
    if (this.peek() === '(') return this.parseInnerList();
    const item = this.parseBareItem();
    const params = this.parseParameters();
    return { kind: 'item', item, params };
  }

  // §4.2.1.2
  parseInnerList() {
    if (this.peek() !== '(') this.fail('expected "("');
    this.i++;
    const items = [];
    while (!this.eof()) {
      this.skipSP();
      if (this.peek() === ')') {
        this.i++;
        const params = this.parseParameters();
        return { kind: 'innerlist', items, params };
      }
      const item = this.parseBareItem();
      const params = this.parseParameters();
      items.push({ item, params });
      const c = this.peek();
      if (c !== ' ' && c !== ')') this.fail('expected space or ")" in inner list');
    }
    this.fail('unterminated inner list');
  }

  // §4.2.3.2
  parseParameters() {
    const params = [];
    while (this.peek() === ';') {
      this.i++;
      this.skipSP();
      const key = this.parseKey();
      let value = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.i++;
        value = this.parseBareItem();
      }
      const at = params.findIndex(([k]) => k === key);
      if (at >= 0) { this.duplicates.push(key); params[at][1] = value; } else params.push([key, value]);
    }
    return params;
  }

  // §4.2.3.3
  parseKey() {
    const c = this.peek();
    if (!(isLcAlpha(c) || c === '*')) this.fail('expected a key');
    const start = this.i;
    while (!this.eof()) {
      const d = this.peek();
      if (isLcAlpha(d) || isDigit(d) || '_-.*'.includes(d)) this.i++; else break;
    }
    return this.s.slice(start, this.i);
  }

  // §4.2.3.1
  parseBareItem() {
    const c = this.peek();
    if (c === '-' || isDigit(c)) return this.parseNumber();
    if (c === '"') return this.parseString();
    if (c === '*' || isAlpha(c)) return this.parseToken();
    if (c === ':') return this.parseByteSequence();
    if (c === '?') return this.parseBoolean();
    this.fail('expected an item');
  }

  // §4.2.4
  parseNumber() {
    let sign = 1;
    if (this.peek() === '-') { sign = -1; this.i++; }
    if (!isDigit(this.peek())) this.fail('expected a digit');
    let num = '';
    let isDecimal = false;
    while (!this.eof()) {
      const c = this.peek();
      if (isDigit(c)) { num += c; this.i++; }
      else if (c === '.' && !isDecimal) {
        if (num.length > 12) this.fail('decimal integer part too long');
        num += c; isDecimal = true; this.i++;
      } else break;
      if (!isDecimal && num.length > 15) this.fail('integer too long');
      if (isDecimal && num.length > 16) this.fail('decimal too long');
    }
    if (!isDecimal) return { type: 'integer', value: sign * parseInt(num, 10) };
    if (num.endsWith('.')) this.fail('decimal ends with "."');
    if (num.length - num.indexOf('.') - 1 > 3) this.fail('decimal has more than 3 fractional digits');
    return { type: 'decimal', value: sign * parseFloat(num) };
  }

  // §4.2.5
  parseString() {
    this.i++; // opening quote
    let out = '';
    while (!this.eof()) {
      const c = this.s[this.i++];
      if (c === '\\') {
        if (this.eof()) this.fail('string ends after backslash');
        const n = this.s[this.i++];
        if (n !== '"' && n !== '\\') this.fail('bad escape in string');
        out += n;
      } else if (c === '"') {
        return { type: 'string', value: out };
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail('invalid character in string');
        out += c;
      }
    }
    this.fail('unterminated string');
  }

  // §4.2.6
  parseToken() {
    const start = this.i;
    this.i++;
    while (!this.eof()) {
      const c = this.peek();
      if (isTchar(c) || c === ':' || c === '/') this.i++; else break;
    }
    return { type: 'token', value: this.s.slice(start, this.i) };
  }

  // §4.2.7
  parseByteSequence() {
    this.i++;
    const end = this.s.indexOf(':', this.i);
    if (end < 0) this.fail('unterminated byte sequence');
    const b64 = this.s.slice(this.i, end);
    if (!B64_CHARS.test(b64)) this.fail('invalid base64 in byte sequence');
    this.i = end + 1;
    return { type: 'bytes', value: Buffer.from(b64, 'base64'), b64 };
  }

  // §4.2.8
  parseBoolean() {
    this.i++;
    const c = this.peek();
    if (c === '1') { this.i++; return { type: 'boolean', value: true }; }
    if (c === '0') { this.i++; return { type: 'boolean', value: false }; }
    this.fail('bad boolean');
  }
}

function parseDictionary(text) {
  const p = new SFParser(text);
  const members = p.parseDictionaryField();
  return { members, duplicates: p.duplicates };
}

// RFC 8941 §4.1 serialization (canonical form).
function serializeBareItem(it) {
  switch (it.type) {
    case 'integer': return String(it.value);
    case 'decimal': {
      const r = Math.round(it.value * 1000) / 1000;
      let s = r.toFixed(3).replace(/0+$/, '');
      if (s.endsWith('.')) s += '0';
      return s;
    }
    case 'string': return '"' + it.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    case 'token': return it.value;
    case 'bytes': return ':' + it.value.toString('base64') + ':';
    case 'boolean': return it.value ? '?1' : '?0';
    default: throw new SFError('cannot serialize ' + it.type);
  }
}
function serializeParams(params) {
  return params.map(([k, v]) => (v.type === 'boolean' && v.value === true) ? ';' + k : ';' + k + '=' + serializeBareItem(v)).join('');
}
function serializeInnerList(member) {
  return '(' + member.items.map((x) => serializeBareItem(x.item) + serializeParams(x.params)).join(' ') + ')' +
    serializeParams(member.params);
}

// ---------------------------------------------------------------------------
// OpenSSH public keys

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function readSshString(buf, off) {
  if (off + 4 > buf.length) throw new Error('truncated key blob');
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) throw new Error('truncated key blob');
  return [buf.subarray(off + 4, off + 4 + len), off + 4 + len];
}

function fingerprintOfBlob(blob) {
  return 'SHA256:' + crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

// "ssh-ed25519 AAAA… comment" -> {fingerprint, raw (32 bytes), keyObject, line}
function parseOpenSshPublicKey(line) {
  const parts = String(line).trim().split(/\s+/);
  if (parts.length < 2) throw new Error('not an OpenSSH public key line');
  if (parts[0] !== 'ssh-ed25519') throw new Error(`key type ${parts[0]} is not ssh-ed25519`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1])) throw new Error('public key blob is not base64');
  const blob = Buffer.from(parts[1], 'base64');
  const [type, off1] = readSshString(blob, 0);
  if (type.toString('latin1') !== 'ssh-ed25519') throw new Error('key blob type is not ssh-ed25519');
  const [raw, off2] = readSshString(blob, off1);
  if (raw.length !== 32) throw new Error('Ed25519 key is not 32 bytes');
  if (off2 !== blob.length) throw new Error('trailing bytes in key blob');
  const keyObject = crypto.createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki',
  });
  return { fingerprint: fingerprintOfBlob(blob), raw: Buffer.from(raw), keyObject, line: String(line).trim(),
    comment: parts.slice(2).join(' ') };
}

// Every ssh-ed25519 line of every *.pub file in dir, indexed by fingerprint.
function loadKeysDir(dir) {
  const keys = new Map();
  if (!dir) return keys;
  let names = [];
  try { names = fs.readdirSync(dir); } catch (e) { return keys; }
  for (const name of names.sort()) {
    if (!name.endsWith('.pub')) continue;
    let text;
    try { text = fs.readFileSync(path.join(dir, name), 'utf8'); } catch (e) { continue; }
    for (const line of text.split('\n')) {
      if (!line.trim().startsWith('ssh-ed25519 ')) continue;
      try {
        const k = parseOpenSshPublicKey(line);
        k.file = name;
        keys.set(k.fingerprint, k);
      } catch (e) { /* not a usable key: skip */ }
    }
  }
  return keys;
}

// ---------------------------------------------------------------------------
// RFC 9421 signature base (generic, for the components this profile can meet)

// msg: {method, target (request-target as sent), headers: {lowercase: combined value}, authority}

// RFC 9421 §2.2.3: the authority in lowercase, without the scheme's default port.
function normalizeAuthority(authority, scheme) {
  const a = String(authority).trim().toLowerCase();
  const defaultPort = { https: ':443', http: ':80' }[scheme];
  return defaultPort && a.endsWith(defaultPort) ? a.slice(0, -defaultPort.length) : a;
}
function pathOfTarget(target) {
  let t = target;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(t); // absolute-form
  if (m) t = m[1];
  const q = t.search(/[?#]/);
  if (q >= 0) t = t.slice(0, q);
  return t === '' ? '/' : t;
}

function componentValue(name, params, msg) {
  if (params.length) throw new Error(`component parameters are not supported (${name})`);
  switch (name) {
    case '@method': return msg.method;
    case '@path': return pathOfTarget(msg.target);
    case '@query': {
      const t = msg.target.replace(/#.*$/, '');
      const q = t.indexOf('?');
      return q >= 0 ? t.slice(q) : '?';
    }
    case '@request-target': return msg.target;
    case '@authority': {
      if (msg.authority == null) throw new Error('no authority known');
      return msg.authority.toLowerCase();
    }
    default:
      if (name.startsWith('@')) throw new Error(`unsupported derived component ${name}`);
      if (!Object.prototype.hasOwnProperty.call(msg.headers, name)) {
        throw new Error(`covered header ${name} is missing`);
      }
      return String(msg.headers[name]).trim();
  }
}

// member: a parsed Signature-Input inner list; the @signature-params line is the
// member's canonical serialization (RFC 9421 §2.3).
function buildSignatureBase(member, msg) {
  const lines = [];
  const seen = new Set();
  for (const { item, params } of member.items) {
    if (item.type !== 'string') throw new Error('component identifier is not a string');
    const id = serializeBareItem(item) + serializeParams(params);
    if (seen.has(id)) throw new Error(`component ${id} listed twice`);
    seen.add(id);
    if (item.value === '@signature-params') throw new Error('@signature-params must not be covered');
    const value = componentValue(item.value, params, msg);
    if (/[\r\n]/.test(value)) throw new Error(`component ${id} contains a newline`);
    lines.push(`${id}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(member)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// pharos-pulse payload checks (contract §3, §7)

const PLATFORMS = ['bare-metal', 'proxmox-lxc', 'lxc', 'docker', 'podman', 'kubernetes', 'wsl', 'kvm', 'qemu',
  'vmware', 'hyperv', 'xen', 'virtualbox', 'vm'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isPlainObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

function exactKeys(obj, keys, where) {
  if (!isPlainObject(obj)) return `${where} is not a JSON object`;
  const got = Object.keys(obj);
  const missing = keys.filter((k) => !got.includes(k));
  const extra = got.filter((k) => !keys.includes(k));
  if (missing.length) return `${where} lacks ${missing.join(', ')}`;
  if (extra.length) return `${where} has unexpected key(s) ${extra.join(', ')}`;
  return null;
}

function nonEmptyString(v) { return typeof v === 'string' && v.length > 0; }

function ipv4Bytes(s) { return Buffer.from(s.split('.').map((x) => parseInt(x, 10))); }

function ipv6Bytes(s) {
  let text = s;
  let tail = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = [...ipv4Bytes(text.slice(lastColon + 1))];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  const parse = (h) => (h === '' ? [] : h.split(':').map((x) => parseInt(x, 16)));
  let words;
  if (halves.length === 2) {
    const a = parse(halves[0]);
    const b = parse(halves[1]);
    words = a.concat(new Array(8 - a.length - b.length).fill(0), b);
  } else words = parse(text);
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  if (tail.length) Buffer.from(tail).copy(out, 12);
  return out;
}

// IPv6 text the way glibc's inet_ntop writes it (RFC 5952: lowercase, no
// leading zeros, the longest run of >= 2 zero words — the first on a tie —
// as "::"; IPv4-mapped and IPv4-compatible addresses in mixed notation).
function ipv6Text(bytes) {
  const w = [];
  for (let i = 0; i < 8; i++) w.push(bytes.readUInt16BE(i * 2));
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 }; else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    out += w[i].toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

function checkLocalIps(ips) {
  if (!Array.isArray(ips)) return 'metadata.local_ips is not an array';
  let sawV6 = false;
  let prev = null;
  for (const ip of ips) {
    if (typeof ip !== 'string') return 'metadata.local_ips holds a non-string';
    const fam = net.isIP(ip);
    if (fam === 0) return `metadata.local_ips: ${JSON.stringify(ip)} is not an IP address`;
    let bytes;
    if (fam === 4) {
      if (sawV6) return `metadata.local_ips: IPv4 ${ip} after IPv6 addresses`;
      bytes = ipv4Bytes(ip);
      if (bytes.join('.') !== ip) return `metadata.local_ips: ${ip} is not a plain dotted quad`;
    } else {
      if (!sawV6) { sawV6 = true; prev = null; }
      bytes = ipv6Bytes(ip);
      if (ipv6Text(bytes) !== ip) return `metadata.local_ips: ${ip} is not in inet_ntop form (${ipv6Text(bytes)})`;
      if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return `metadata.local_ips: link-local ${ip} must be left out`;
      if (bytes.equals(Buffer.from('00000000000000000000000000000001', 'hex'))) return 'metadata.local_ips: loopback ::1 listed';
    }
    if (prev) {
      const c = Buffer.compare(prev, bytes);
      if (c === 0) return `metadata.local_ips: ${ip} listed twice`;
      if (c > 0) return `metadata.local_ips: ${ip} out of order (each family sorted by address bytes)`;
    }
    prev = bytes;
  }
  return null;
}

function checkTimestamp(ts, where) {
  if (typeof ts !== 'string' || !TIMESTAMP_RE.test(ts)) return `${where} is not RFC 3339 UTC with milliseconds and Z`;
  const d = new Date(ts);
  if (Number.isNaN(d.getTime()) || d.toISOString() !== ts) return `${where} is not a valid date`;
  return null;
}

function checkIdentity(identity, keyid) {
  let e = exactKeys(identity, ['hw_uuid', 'hostname', 'ssh_pubkey_fingerprint'], 'identity');
  if (e) return e;
  if (typeof identity.hw_uuid !== 'string' || !UUID_RE.test(identity.hw_uuid)) return 'identity.hw_uuid is not a lowercase canonical UUID';
  if (!nonEmptyString(identity.hostname)) return 'identity.hostname is empty or not a string';
  if (typeof identity.ssh_pubkey_fingerprint !== 'string' || !identity.ssh_pubkey_fingerprint.startsWith('SHA256:')) {
    return 'identity.ssh_pubkey_fingerprint is not a SHA256: fingerprint';
  }
  if (identity.ssh_pubkey_fingerprint !== keyid) return 'identity.ssh_pubkey_fingerprint does not match the signature keyid';
  return null;
}

function checkMetadata(md) {
  const e = exactKeys(md, ['os_family', 'os_version', 'kernel_version', 'platform', 'local_ips'], 'metadata');
  if (e) return e;
  if (!['linux', 'macos', 'windows'].includes(md.os_family)) return 'metadata.os_family is not linux, macos or windows';
  if (!nonEmptyString(md.os_version)) return 'metadata.os_version is empty or not a string';
  if (!nonEmptyString(md.kernel_version)) return 'metadata.kernel_version is empty or not a string';
  if (!PLATFORMS.includes(md.platform)) return `metadata.platform ${JSON.stringify(md.platform)} is not a contract value`;
  return checkLocalIps(md.local_ips);
}

const INVENTORY_STRINGS = ['os_name', 'os_version', 'cpu_brand', 'serial_number', 'manufacturer', 'product_name'];
const INVENTORY_NUMBERS = ['cpu_cores', 'mem_total_kb'];
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const PLACEHOLDERS = ['to be filled by o.e.m.', 'default string', 'system serial number', 'system product name',
  'system manufacturer', 'not specified', 'not applicable', 'none', '0'];

// Contract §3's inventory: known keys only, each left out rather than empty
// or a firmware placeholder.
function checkInventory(inv) {
  if (!isPlainObject(inv)) return 'inventory is not a JSON object';
  for (const k of Object.keys(inv)) {
    if (INVENTORY_STRINGS.includes(k)) {
      const v = inv[k];
      if (!nonEmptyString(v)) return `inventory.${k} is empty or not a string`;
      if (v !== v.trim()) return `inventory.${k} is not trimmed`;
      if (Buffer.byteLength(v) > 1024) return `inventory.${k} is over 1 KiB`;
      if (PLACEHOLDERS.includes(v.toLowerCase()) || /^[0fF:. -]+$/.test(v)) return `inventory.${k} is a placeholder`;
    } else if (INVENTORY_NUMBERS.includes(k)) {
      if (!Number.isSafeInteger(inv[k]) || inv[k] <= 0) return `inventory.${k} is not a positive integer`;
    } else if (k === 'mac_addrs') {
      const macs = inv[k];
      if (!Array.isArray(macs) || macs.length === 0) return 'inventory.mac_addrs is not a non-empty array';
      for (let i = 0; i < macs.length; i++) {
        if (typeof macs[i] !== 'string' || !MAC_RE.test(macs[i])) return `inventory.mac_addrs: ${JSON.stringify(macs[i])} is not aa:bb:cc:dd:ee:ff`;
        if (macs[i] === '00:00:00:00:00:00') return 'inventory.mac_addrs lists an all-zero address';
        if (i > 0 && macs[i - 1] >= macs[i]) return `inventory.mac_addrs: ${macs[i]} out of order or listed twice`;
      }
    } else return `inventory has unexpected key ${k}`;
  }
  return null;
}

// Returns an error string or null. For enroll, the key in public_key must be the keyid's.
function checkPayload(kind, payload, keyid) {
  if (kind === 'presence') {
    const event = isPlainObject(payload) ? payload.event : undefined;
    if (event !== undefined && !['ONLINE', 'HEARTBEAT', 'OFFLINE'].includes(event)) return 'event is not ONLINE, HEARTBEAT or OFFLINE';
    // Only an ONLINE carries the inventory.
    const keys = event === 'ONLINE'
      ? ['event', 'identity', 'metadata', 'inventory', 'timestamp']
      : ['event', 'identity', 'metadata', 'timestamp'];
    const e = exactKeys(payload, keys, 'body');
    if (e) return e;
  } else {
    const e = exactKeys(payload, ['token', 'public_key', 'identity', 'metadata', 'inventory', 'timestamp'], 'body');
    if (e) return e;
    if (!nonEmptyString(payload.token)) return 'token is empty or not a string';
    if (typeof payload.public_key !== 'string') return 'public_key is not a string';
    let k;
    try { k = parseOpenSshPublicKey(payload.public_key); } catch (err) { return `public_key: ${err.message}`; }
    if (k.fingerprint !== keyid) return 'public_key fingerprint does not match the signature keyid';
  }
  return checkIdentity(payload.identity, keyid) || checkMetadata(payload.metadata) ||
    ('inventory' in payload ? checkInventory(payload.inventory) : null) ||
    checkTimestamp(payload.timestamp, 'timestamp');
}

// ---------------------------------------------------------------------------
// The whole check of one request

const REQUIRED_COMPONENTS = ['@method', '@authority', '@path', 'content-type', 'content-digest', 'idempotency-key'];
const REQUIRED_PARAMS = ['created', 'keyid', 'alg', 'nonce', 'tag'];
const SINGLE_HEADERS = ['host', 'content-type', 'content-digest', 'signature-input', 'signature', 'user-agent',
  'idempotency-key'];

function kindOfPath(p) {
  if (p.endsWith('/v1/presence')) return 'presence';
  if (p.endsWith('/v1/enroll')) return 'enroll';
  return null;
}

function b64urlBytes(s) {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(s)) return -1;
  return Buffer.from(s.replace(/=+$/, ''), 'base64url').length;
}

// req:  {method, target, scheme ('https' | 'http'), headers: {lowercase: combined value},
//        headerCounts: {lowercase: n}, body: Buffer}; @authority is the Host header received.
// opts: {keys: Map from loadKeysDir, now (unix s), maxSkew (s, default 300),
//        checkTime (default true), seenNonces: Set or null}
// Returns {ok, error, kind, keyid, nonce, created, idempotencyKey, payload, base, keySource}
function verifyRequest(req, opts = {}) {
  const result = { ok: false, error: null, kind: null, keyid: null, nonce: null, created: null,
    idempotencyKey: null, payload: null, base: null, keySource: null };
  const fail = (msg) => { result.error = msg; return result; };
  const h = req.headers || {};
  const counts = req.headerCounts || {};
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body || '', 'utf8');

  const p = pathOfTarget(req.target || '');
  result.kind = kindOfPath(p);
  if (!result.kind) return fail(`path ${p} is neither …/v1/presence nor …/v1/enroll`);
  if (req.method !== 'POST') return fail(`method ${req.method} is not POST`);

  for (const name of SINGLE_HEADERS) {
    if ((counts[name] || 0) > 1) return fail(`header ${name} sent more than once`);
  }
  for (const name of ['host', 'content-type', 'content-digest', 'signature-input', 'signature', 'idempotency-key']) {
    if (!Object.prototype.hasOwnProperty.call(h, name)) return fail(`missing ${name} header`);
  }
  if (h['content-type'] !== 'application/json') return fail(`content-type is ${JSON.stringify(h['content-type'])}, not application/json`);

  // RFC 9530 Content-Digest
  let cd;
  try { cd = parseDictionary(h['content-digest']); } catch (e) { return fail(`content-digest: not an RFC 8941 dictionary (${e.message})`); }
  const sha = cd.members.get('sha-256');
  if (!sha) return fail('content-digest has no sha-256 member');
  if (cd.duplicates.length) return fail('content-digest repeats a member');
  for (const k of cd.members.keys()) if (k !== 'sha-256') return fail(`content-digest has an unexpected member ${k}`);
  if (sha.kind !== 'item' || sha.item.type !== 'bytes') return fail('content-digest sha-256 is not a byte sequence');
  const want = crypto.createHash('sha256').update(body).digest();
  if (!sha.item.value.equals(want)) return fail('content-digest does not match the SHA-256 of the body');

  // RFC 9421 Signature-Input / Signature
  let si;
  let sg;
  try { si = parseDictionary(h['signature-input']); } catch (e) { return fail(`signature-input: not an RFC 8941 dictionary (${e.message})`); }
  try { sg = parseDictionary(h['signature']); } catch (e) { return fail(`signature: not an RFC 8941 dictionary (${e.message})`); }
  if (si.duplicates.length) return fail(`signature-input repeats ${si.duplicates.join(', ')}`);
  if (sg.duplicates.length) return fail(`signature repeats ${sg.duplicates.join(', ')}`);
  const member = si.members.get('pulse');
  if (!member) return fail('signature-input has no "pulse" member');
  for (const k of si.members.keys()) if (k !== 'pulse') return fail(`signature-input has an unexpected member ${k}`);
  for (const k of sg.members.keys()) if (k !== 'pulse') return fail(`signature has an unexpected member ${k}`);
  if (member.kind !== 'innerlist') return fail('signature-input pulse is not an inner list');
  const canonical = serializeInnerList(member);
  if (member.raw !== canonical) {
    return fail(`signature-input pulse is not in canonical RFC 8941 form (got ${member.raw}, canonical ${canonical})`);
  }
  const sigMember = sg.members.get('pulse');
  if (!sigMember) return fail('signature has no "pulse" member');
  if (sigMember.kind !== 'item' || sigMember.item.type !== 'bytes') return fail('signature pulse is not a byte sequence');
  if (sigMember.params.length) return fail('signature pulse carries parameters');
  const signature = sigMember.item.value;
  if (signature.length !== 64) return fail(`signature is ${signature.length} bytes, not 64`);

  const comps = member.items.map((x) => x.item);
  if (member.items.some((x) => x.params.length) || comps.some((c) => c.type !== 'string') ||
      comps.map((c) => c.value).join(' ') !== REQUIRED_COMPONENTS.join(' ')) {
    return fail(`covered components are ${canonical.slice(0, canonical.indexOf(')') + 1)}, not ` +
      `(${REQUIRED_COMPONENTS.map((c) => `"${c}"`).join(' ')})`);
  }
  const params = new Map(member.params.map(([k, v]) => [k, v]));
  const names = member.params.map(([k]) => k);
  const missing = REQUIRED_PARAMS.filter((k) => !params.has(k));
  if (missing.length) return fail(`signature parameters lack ${missing.join(', ')}`);
  const extra = names.filter((k) => !REQUIRED_PARAMS.includes(k));
  if (extra.length) return fail(`unexpected signature parameter(s) ${extra.join(', ')}`);
  const created = params.get('created');
  if (created.type !== 'integer') return fail('created is not an integer');
  for (const k of ['keyid', 'alg', 'nonce', 'tag']) if (params.get(k).type !== 'string') return fail(`${k} is not a string`);
  result.created = created.value;
  result.keyid = params.get('keyid').value;
  result.nonce = params.get('nonce').value;
  if (params.get('alg').value !== 'ed25519') return fail(`alg is ${JSON.stringify(params.get('alg').value)}, not "ed25519"`);
  if (params.get('tag').value !== 'pharos-pulse') return fail(`tag is ${JSON.stringify(params.get('tag').value)}, not "pharos-pulse"`);
  const nonceBytes = b64urlBytes(result.nonce);
  if (nonceBytes < 0) return fail('nonce is not base64url');
  if (nonceBytes < 16) return fail(`nonce has ${nonceBytes * 8} bits, fewer than 128`);
  if (opts.checkTime !== false) {
    const now = opts.now != null ? opts.now : Math.floor(Date.now() / 1000);
    const skew = opts.maxSkew != null ? opts.maxSkew : 300;
    if (Math.abs(now - created.value) > skew) return fail(`created ${created.value} is more than ${skew} s from now (${now})`);
  }

  // Key: the keys directory; for enroll, also the body's public_key.
  let key = (opts.keys || new Map()).get(result.keyid);
  result.keySource = key ? 'keys-dir' : null;
  let payload = null;
  let payloadError = null;
  try { payload = JSON.parse(body.toString('utf8')); } catch (e) { payloadError = `body is not JSON (${e.message})`; }
  if (!key && result.kind === 'enroll' && payload && isPlainObject(payload) && typeof payload.public_key === 'string') {
    try {
      const k = parseOpenSshPublicKey(payload.public_key);
      if (k.fingerprint !== result.keyid) return fail('enroll public_key fingerprint does not match keyid');
      key = k;
      result.keySource = 'enroll-body';
    } catch (e) { return fail(`enroll public_key: ${e.message}`); }
  }
  if (!key) return fail(`unknown keyid ${result.keyid}`);

  let base;
  try {
    base = buildSignatureBase(member, { method: req.method, target: req.target, headers: h,
      authority: normalizeAuthority(h.host, req.scheme) });
  } catch (e) { return fail(`cannot build signature base: ${e.message}`); }
  result.base = base;
  if (!crypto.verify(null, Buffer.from(base, 'utf8'), key.keyObject, signature)) {
    return fail('signature verification failed');
  }

  // Signature is good: now replay, then the rest of the request.
  if (opts.seenNonces) {
    if (opts.seenNonces.has(result.nonce)) return fail('nonce replayed');
    opts.seenNonces.add(result.nonce);
  }
  const idem = h['idempotency-key'];
  result.idempotencyKey = idem;
  if (b64urlBytes(idem) < 16) return fail('idempotency-key is not base64url of at least 128 bits');
  const ua = h['user-agent'] || '';
  if (!ua.startsWith('pharos-pulse/')) return fail(`user-agent ${JSON.stringify(ua)} does not start with pharos-pulse/`);
  if (payloadError) return fail(payloadError);
  result.payload = payload;
  const pe = checkPayload(result.kind, payload, result.keyid);
  if (pe) return fail(pe);
  result.ok = true;
  return result;
}

// Header list [[name, value], …] -> {headers (lowercase, combined with ", "), headerCounts}
function combineHeaders(list) {
  const headers = {};
  const headerCounts = {};
  for (const [n, v] of list) {
    const name = n.toLowerCase();
    const value = String(v).trim();
    headerCounts[name] = (headerCounts[name] || 0) + 1;
    headers[name] = name in headers ? headers[name] + ', ' + value : value;
  }
  return { headers, headerCounts };
}

// The text `pharos-pulse send --dry-run` prints (contract §8).
function parseDryRun(text) {
  if (text.includes('\r')) throw new Error('CR in the output (LF line ends expected)');
  const nl = text.indexOf('\n\n');
  if (nl < 0) throw new Error('no empty line between headers and body');
  const head = text.slice(0, nl).split('\n');
  let body = text.slice(nl + 2);
  if (!body.endsWith('\n')) throw new Error('output does not end with a newline');
  body = body.slice(0, -1);
  const m = /^POST (\S+) HTTP\/1\.1$/.exec(head[0]);
  if (!m) throw new Error(`first line is not "POST <absolute URL> HTTP/1.1": ${head[0]}`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(m[1])) throw new Error(`${m[1]} is not an absolute URL`);
  const list = [];
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    if (c <= 0) throw new Error(`bad header line: ${line}`);
    list.push([line.slice(0, c), line.slice(c + 1)]);
  }
  const url = new URL(m[1]);
  // The Host header curl would send for this URL.
  list.push(['Host', url.host]);
  const { headers, headerCounts } = combineHeaders(list);
  return { method: 'POST', url: m[1], target: m[1], scheme: url.protocol.slice(0, -1), headers, headerCounts,
    body: Buffer.from(body, 'utf8') };
}

module.exports = {
  SFError, parseDictionary, serializeInnerList, serializeBareItem,
  parseOpenSshPublicKey, fingerprintOfBlob, loadKeysDir,
  pathOfTarget, normalizeAuthority, buildSignatureBase, verifyRequest, checkPayload, combineHeaders, parseDryRun, kindOfPath,
  ipv6Text, ipv6Bytes,
};
