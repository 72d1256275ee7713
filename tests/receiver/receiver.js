#!/usr/bin/env node
'use strict';
// A test receiver for pharos-pulse: verifies every presence/enroll request on its
// own (verify.js), records it, and answers as the test tells it to (POST /control).
// Node.js 18+ built-ins only. See README.md.
//
//   node receiver.js --cert F --key F [--port 0] [--http] --keys-dir DIR --log FILE
//                    [--max-skew S] [--clock-offset S]
//
// --clock-offset S runs the receiver's clock S seconds ahead (negative: behind)
// of the machine's, as a server with a wrong clock would: its Date header and
// its check of a request's `created` (400 when more than --max-skew away) both
// use that clock.

const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');
const verify = require('./verify');

const MAX_BODY = 1024 * 1024;

function usage(msg) {
  if (msg) process.stderr.write(`receiver.js: ${msg}\n`);
  process.stderr.write('usage: node receiver.js [--cert FILE --key FILE | --http] [--port N] --keys-dir DIR [--log FILE] [--max-skew S] [--clock-offset S]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { port: 0, http: false, cert: null, key: null, keysDir: null, log: null, maxSkew: 300, clockOffset: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--cert': o.cert = val(); break;
      case '--key': o.key = val(); break;
      case '--port': o.port = parseInt(val(), 10); break;
      case '--http': o.http = true; break;
      case '--keys-dir': o.keysDir = val(); break;
      case '--log': o.log = val(); break;
      case '--max-skew': o.maxSkew = parseInt(val(), 10); break;
      case '--clock-offset': o.clockOffset = parseInt(val(), 10); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.http && (!o.cert || !o.key)) usage('--cert and --key are needed (or --http)');
  if (!o.keysDir) usage('--keys-dir is needed');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) usage('bad --port');
  if (!Number.isInteger(o.clockOffset)) usage('bad --clock-offset');
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------
// State

const DEFAULT_CONTROL = () => ({
  mode: 'ok', // ok | status | stall
  status: null,
  body: null,
  headers: {},
  count: null, // remaining answers in this mode; null = until changed
  delay_ms: 0,
  enroll_response: {},
  presence_response: { ok: true },
  tokens: null, // null = any enrollment token is accepted
});

let control = DEFAULT_CONTROL();
let records = [];
let nextId = 1;
const seenNonces = new Set(); // kept across /reset: nonces must never repeat
let deliveredKeys = new Set(); // Idempotency-Keys already answered with a 2xx
const stats = { connections: 0, tls_errors: [] };
const sockets = new Set();
const stalled = new Set();

if (opts.log) {
  fs.mkdirSync(path.dirname(path.resolve(opts.log)), { recursive: true });
}

function appendRecord(rec) {
  records.push(rec);
  if (opts.log) {
    try { fs.appendFileSync(opts.log, JSON.stringify(rec) + '\n'); } catch (e) {
      process.stderr.write(`receiver.js: cannot write ${opts.log}: ${e.message}\n`);
    }
  }
}

// ---------------------------------------------------------------------------
// HTTP helpers

// The receiver's own clock: the machine's, moved by --clock-offset.
function nowMs() {
  return Date.now() + opts.clockOffset * 1000;
}

function send(res, status, bodyValue, headers = {}) {
  let body = '';
  if (bodyValue != null) body = typeof bodyValue === 'string' ? bodyValue : JSON.stringify(bodyValue);
  const h = {};
  const lower = Object.keys(headers).map((k) => k.toLowerCase());
  if (!lower.includes('content-type') && body !== '') h['Content-Type'] = 'application/json';
  if (!lower.includes('date')) h.Date = new Date(nowMs()).toUTCString();
  Object.assign(h, headers);
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) body = '';
  h['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, h);
  res.end(body);
}

function readBody(req, cb) {
  const chunks = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) { tooBig = true; return; }
    chunks.push(c);
  });
  req.on('end', () => cb(Buffer.concat(chunks), tooBig));
  req.on('error', () => cb(Buffer.concat(chunks), tooBig));
}

function headerPairs(raw) {
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

// ---------------------------------------------------------------------------
// Control plane

function applyControl(c) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new Error('control body must be a JSON object');
  const known = ['mode', 'status', 'body', 'headers', 'count', 'delay_ms', 'enroll_response', 'presence_response', 'tokens'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw new Error(`unknown control field ${k}`);
  const next = { ...control };
  if ('mode' in c) {
    if (!['ok', 'status', 'stall'].includes(c.mode)) throw new Error('mode must be ok, status or stall');
    next.mode = c.mode;
    next.status = null; next.body = null; next.headers = {}; next.count = null; next.delay_ms = 0;
  }
  if ('status' in c) {
    if (next.mode !== 'status') throw new Error('status is only for mode "status"');
    if (!Number.isInteger(c.status) || c.status < 100 || c.status > 599) throw new Error('status must be an integer 100-599');
    next.status = c.status;
  }
  if (next.mode === 'status' && next.status == null) throw new Error('status mode needs an integer status');
  if ('body' in c) next.body = c.body;
  if ('headers' in c) {
    if (c.headers === null || typeof c.headers !== 'object') throw new Error('headers must be an object');
    next.headers = c.headers;
  }
  if ('count' in c) {
    if (c.count !== null && (!Number.isInteger(c.count) || c.count < 1)) throw new Error('count must be a positive integer');
    next.count = c.count;
  }
  if ('delay_ms' in c) {
    if (!Number.isInteger(c.delay_ms) || c.delay_ms < 0) throw new Error('delay_ms must be a non-negative integer');
    next.delay_ms = c.delay_ms;
  }
  if ('enroll_response' in c) next.enroll_response = c.enroll_response;
  if ('presence_response' in c) next.presence_response = c.presence_response;
  if ('tokens' in c) {
    if (c.tokens !== null && !(Array.isArray(c.tokens) && c.tokens.every((t) => typeof t === 'string'))) {
      throw new Error('tokens must be a list of strings or null');
    }
    next.tokens = c.tokens;
  }
  control = next;
}

// Takes one answer from a counted mode; back to ok when used up.
function consumeCount() {
  if (control.count == null) return;
  control.count -= 1;
  if (control.count <= 0) {
    control = { ...control, mode: 'ok', status: null, body: null, headers: {}, count: null, delay_ms: 0 };
  }
}

function handleControlPlane(req, res, p, body) {
  if (p === '/records' && req.method === 'GET') return send(res, 200, records);
  if (p === '/control' && req.method === 'GET') return send(res, 200, control);
  if (p === '/stats' && req.method === 'GET') return send(res, 200, { ...stats, records: records.length, stalled: stalled.size });
  if (p === '/control' && req.method === 'POST') {
    try {
      applyControl(body.length ? JSON.parse(body.toString('utf8')) : {});
    } catch (e) {
      return send(res, 400, { error: e.message });
    }
    return send(res, 200, control);
  }
  if (p === '/reset' && req.method === 'POST') {
    records = [];
    deliveredKeys = new Set();
    control = DEFAULT_CONTROL();
    for (const r of stalled) { try { r.destroy(); } catch (e) { /* gone */ } }
    stalled.clear();
    return send(res, 200, { ok: true });
  }
  return send(res, 405, { error: `${req.method} not allowed on ${p}` });
}

const CONTROL_PATHS = new Set(['/control', '/records', '/reset', '/stats']);

// ---------------------------------------------------------------------------
// Requests

function handle(req, res) {
  const receivedAt = new Date(nowMs()).toISOString();
  readBody(req, (body, tooBig) => {
    const p = verify.pathOfTarget(req.url || '/');
    if (CONTROL_PATHS.has(p)) return handleControlPlane(req, res, p, body);

    const { headers, headerCounts } = verify.combineHeaders(headerPairs(req.rawHeaders));
    const rec = {
      id: nextId++,
      received_at: receivedAt,
      method: req.method,
      path: req.url,
      kind: verify.kindOfPath(p),
      headers,
      body: body.toString('utf8'),
      verified: false,
      error: null,
      keyid: null,
      idempotency_key: headers['idempotency-key'] || null,
      duplicate: false,
      status_sent: null,
    };
    let status;
    let answer;
    let extraHeaders = {};

    if (tooBig) {
      rec.error = `body larger than ${MAX_BODY} bytes`;
      status = 413; answer = { error: rec.error };
    } else if (!rec.kind) {
      rec.error = `unknown path ${p}`;
      status = 404; answer = { error: 'not found' };
    } else {
      const v = verify.verifyRequest(
        { method: req.method, target: req.url, scheme: opts.http ? 'http' : 'https', headers, headerCounts, body },
        { keys: verify.loadKeysDir(opts.keysDir), seenNonces, maxSkew: opts.maxSkew, now: Math.floor(nowMs() / 1000) },
      );
      rec.verified = v.ok;
      rec.error = v.error;
      rec.keyid = v.keyid;
      if (v.keySource) rec.key_source = v.keySource;

      if (control.mode === 'stall') {
        consumeCount();
        rec.stalled = true;
        appendRecord(rec);
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return; // never answered
      }
      if (!v.ok) {
        status = 400; answer = { error: v.error };
      } else if (control.mode === 'status') {
        status = control.status;
        answer = control.body != null ? control.body : { error: http.STATUS_CODES[status] || `status ${status}` };
        extraHeaders = control.headers || {};
        consumeCount();
      } else if (rec.kind === 'enroll' && Array.isArray(control.tokens) && !control.tokens.includes(v.payload.token)) {
        status = 401; answer = { error: 'invalid token' };
      } else {
        status = 200;
        answer = rec.kind === 'enroll' ? control.enroll_response : control.presence_response;
      }
      if (v.ok && status >= 200 && status < 300 && v.idempotencyKey) {
        rec.duplicate = deliveredKeys.has(v.idempotencyKey);
        deliveredKeys.add(v.idempotencyKey);
      }
    }
    rec.status_sent = status;
    appendRecord(rec);
    const delay = control.delay_ms || 0;
    const go = () => send(res, status, answer, extraHeaders);
    if (delay > 0) setTimeout(go, delay); else go();
  });
}

// ---------------------------------------------------------------------------
// Server

let server;
if (opts.http) {
  server = http.createServer(handle);
} else {
  server = https.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) }, handle);
  server.on('tlsClientError', (err) => {
    stats.tls_errors.push(err.code || err.message);
  });
}
server.on('connection', (s) => {
  stats.connections += 1;
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
});

server.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
server.on('error', (e) => {
  process.stderr.write(`receiver.js: ${e.message}\n`);
  process.exit(1);
});

function shutdown() {
  server.close(() => process.exit(0));
  for (const s of sockets) s.destroy();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
