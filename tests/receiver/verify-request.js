#!/usr/bin/env node
'use strict';
// verify-request.js FILE PUBFILE [--ignore-time]
// Checks a request printed by `pharos-pulse send --dry-run` (contract §8) with
// the receiver's own verifier: digest, RFC 9421 signature against PUBFILE,
// signature parameters, headers and payload. Prints "verified" and exits 0, or
// prints the reason on stderr and exits 1. FILE may be "-" for stdin.

const fs = require('fs');
const verify = require('./verify');

const args = process.argv.slice(2);
const ignoreTime = args.includes('--ignore-time');
const pos = args.filter((a) => a !== '--ignore-time');
if (pos.length !== 2) {
  process.stderr.write('usage: verify-request.js FILE PUBFILE [--ignore-time]\n');
  process.exit(2);
}

function die(msg) {
  process.stderr.write(`not verified: ${msg}\n`);
  process.exit(1);
}

let text;
let keys;
try {
  text = fs.readFileSync(pos[0] === '-' ? 0 : pos[0], 'utf8');
} catch (e) { die(`cannot read ${pos[0]}: ${e.message}`); }
try {
  const k = verify.parseOpenSshPublicKey(fs.readFileSync(pos[1], 'utf8').split('\n')[0]);
  keys = new Map([[k.fingerprint, k]]);
} catch (e) { die(`cannot use ${pos[1]}: ${e.message}`); }

let req;
try { req = verify.parseDryRun(text); } catch (e) { die(e.message); }
const v = verify.verifyRequest(req, { keys, checkTime: !ignoreTime });
if (!v.ok) die(v.error);
if (v.keySource !== 'keys-dir') die(`keyid ${v.keyid} is not the key in ${pos[1]}`);
process.stdout.write('verified\n');
