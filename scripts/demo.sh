#!/usr/bin/env bash
# Shows the main job end to end: a local HTTPS receiver with a certificate
# made just now, the daemon sending ONLINE and a few HEARTBEATs, then OFFLINE
# on SIGTERM, and what the receiver's independent verifier made of each.
# Usage: scripts/demo.sh [PHAROS_PULSE_BINARY]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$repo/build-static/pharos-pulse}
[ -x "$binary" ] || { echo "demo: no binary at $binary; run scripts/build-static.sh first" >&2; exit 1; }

work=$(mktemp -d)
source "$repo/scripts/lib/receiver.sh"
cleanup() {
  stop_receiver
  rm -rf "$work"
}
trap cleanup EXIT

prepare_receiver_files "$binary"
start_receiver

write_agent_config 2s

echo "== pharos-pulse inspect"
"$binary" --config "$work/pulse.toml" inspect
echo
echo "== pharos-pulse run (7 seconds, then SIGTERM)"
"$binary" --config "$work/pulse.toml" run &
daemon_pid=$!
sleep 7
kill -TERM "$daemon_pid"
wait "$daemon_pid"
echo
echo "== what the receiver verified (RFC 9421 signature, RFC 9530 digest, payload)"
python3 - "$work/received.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    record = json.loads(line)
    event = json.loads(record["body"]).get("event", "?") if record["body"] else "?"
    verdict = "verified" if record["verified"] else "REJECTED: " + str(record["error"])
    print(f'{record["received_at"]}  {event:<9}  {record["status_sent"]}  {verdict}  key {record["keyid"]}')
PY
