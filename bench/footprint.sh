#!/usr/bin/env bash
# Measures what contract §10 bounds, on real binaries against the local test
# receiver (medians of RUNS):
#  - peak RSS of `inspect`, `send heartbeat` over TLS trusting the test CA and
#    trusting Debian's full CA bundle (with the test CA added), and a whole
#    `run` cycle (ONLINE, three HEARTBEATs, OFFLINE) with the full bundle;
#    each with the resident set at exit split into anonymous and file-backed
#    pages (bench/memory_at_exit.py);
#  - an idle daemon after an hour's worth of heartbeats (SIGUSR1 × 60): its
#    resident set, and its wake-ups and CPU time over IDLE_SECONDS;
#  - the curl CLI doing the same POST, and `send`'s wall time against it;
#  - where the static binary's pages go, by library
#    (bench/where_memory_goes.py, from the link map BUILD_DIR/pharos-pulse.map);
#  - binary sizes.
#   bench/footprint.sh STATIC_BINARY [DYNAMIC_BINARY]   (RUNS=5 IDLE_SECONDS=30)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
idle_seconds=${IDLE_SECONDS:-30}
binaries=("$@")
[ ${#binaries[@]} -ge 1 ] || { echo "usage: $0 STATIC_BINARY [DYNAMIC_BINARY]" >&2; exit 2; }
system_bundle=/etc/ssl/certs/ca-certificates.crt
[ -r "$system_bundle" ] || { echo "footprint: needs $system_bundle (ca-certificates)" >&2; exit 1; }
probe=$repo/bench/memory_at_exit.py

work=$(mktemp -d)
source "$repo/scripts/lib/receiver.sh"
cleanup() {
  stop_receiver
  rm -rf "$work"
}
trap cleanup EXIT

prepare_receiver_files "${binaries[0]}"
start_receiver
cat "$system_bundle" "$work/certs/ca.pem" >"$work/full-bundle.pem"
write_agent_config 1s
sed "s|ca_file = .*|ca_file = \"$work/full-bundle.pem\"|" "$work/pulse.toml" >"$work/pulse-full.toml"

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }  # from memory_at_exit.py's JSON
mib() { awk '{printf "%.2f MiB", $1/1024}'; }  # from KiB
bytes_in_mib() { awk '{printf "%.1f MiB", $1/1048576}'; }
received() { wc -l <"$work/received.jsonl"; }
wait_for_requests() {  # until the receiver has logged $1 requests in all
  for _ in $(seq 200); do [ "$(received)" -ge "$1" ] && return 0; sleep 0.05; done
  echo "footprint: the receiver did not get request $1" >&2; return 1
}

# Each measurement prints memory_at_exit.py's JSON line.
probed() { python3 "$probe" "$@"; }
# One run cycle: ONLINE, three heartbeats at 1 s, then SIGTERM → OFFLINE.
run_cycle() {
  local binary=$1; shift
  python3 "$probe" "$@" -- "$binary" --config "$work/pulse-full.toml" -q run >"$work/probe.json" &
  local tracer=$!
  sleep 3.6
  pkill -TERM -P "$tracer"  # the agent, not the tracer
  wait "$tracer" || true
  cat "$work/probe.json"
}

# Prints the row "| LABEL | peak | anon | file |" from RUNS measurements.
measure() {
  local label=$1; shift
  local results=()
  for _ in $(seq "$runs"); do results+=("$("$@")"); done
  local column row="| $label"
  for column in peak_kib anon_kib file_kib; do
    row+=" | $(printf '%s\n' "${results[@]}" | field "$column" | median | mib)"
  done
  echo "$row |"
  printf '%s\n' "${results[@]}" >"$work/last-results.jsonl"
}
wall_time() { field seconds <"$work/last-results.jsonl" | median; }

# The same POST with the curl CLI: the headers and body of a dry run.
"${binaries[0]}" --config "$work/pulse.toml" send heartbeat --dry-run >"$work/request.txt"
curl_args=()
while IFS= read -r line; do
  [ -z "$line" ] && break
  curl_args+=(-H "$line")
done < <(tail -n +2 "$work/request.txt")
sed -n '/^$/,$p' "$work/request.txt" | sed '1d' | head -c -1 >"$work/body.json"
curl_post() {
  probed -- curl -s -o /dev/null --cacert "$1" "${curl_args[@]}" \
    --data-binary @"$work/body.json" "https://127.0.0.1:$port/v1/presence"
}

echo "| what | peak RSS | anonymous at exit | file-backed at exit |"
echo "| --- | --- | --- | --- |"
declare -A send_seconds=()
for binary in "${binaries[@]}"; do
  kind=$(if ldd "$binary" >/dev/null 2>&1; then echo dynamic; else echo static; fi)
  measure "$kind: inspect" probed -- "$binary" --config "$work/pulse.toml" inspect
  measure "$kind: send heartbeat (test CA)" \
    probed -- "$binary" --config "$work/pulse.toml" -q send heartbeat
  send_seconds[$kind]=$(wall_time)
  measure "$kind: send heartbeat (full CA bundle)" \
    probed -- "$binary" --config "$work/pulse-full.toml" -q send heartbeat
  measure "$kind: run cycle (full CA bundle)" run_cycle "$binary"
done
measure "curl CLI: the same POST (test CA)" curl_post "$work/certs/ca.pem"
curl_seconds=$(wall_time)
measure "curl CLI: the same POST (full CA bundle)" curl_post "$work/full-bundle.pem"

echo
echo "| \`send heartbeat\` wall time (test CA, median) | seconds | ratio to the curl CLI |"
echo "| --- | --- | --- |"
for kind in "${!send_seconds[@]}"; do
  printf '| %s | %s | %s |\n' "$kind" "${send_seconds[$kind]}" \
    "$(awk -v a="${send_seconds[$kind]}" -v b="$curl_seconds" 'BEGIN {printf "%.2f", a / b}')"
done
printf '| curl CLI | %s | 1.00 |\n' "$curl_seconds"

# Idle: heartbeats an hour apart, one hour's worth of SIGUSR1 heartbeats
# first, then nothing should wake the process.
sed 's/interval = "1s"/interval = "1h"/' "$work/pulse-full.toml" >"$work/pulse-idle.toml"
idle_daemon() {
  local binary=$1 before
  before=$(received)
  python3 "$probe" -- "$binary" --config "$work/pulse-idle.toml" -q run >"$work/probe.json" &
  local tracer=$! daemon
  wait_for_requests $((before + 1))  # ONLINE
  daemon=$(pgrep -P "$tracer")
  for i in $(seq 60); do
    kill -USR1 "$daemon"
    wait_for_requests $((before + 1 + i))
  done
  sleep 1
  awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%s %s\n", $1, $2}' "/proc/$daemon/status" >"$work/idle.txt"
  switches() { sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$daemon/status"; }
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
  local before_switches before_ticks
  before_switches=$(switches); before_ticks=$(cpu_ticks)
  sleep "$idle_seconds"
  echo "switches $(($(switches) - before_switches))" >>"$work/idle.txt"
  echo "cpu_ms $((($(cpu_ticks) - before_ticks) * 1000 / $(getconf CLK_TCK)))" >>"$work/idle.txt"
  kill -TERM "$daemon"
  wait "$tracer" || true
  printf '{"rss_kib": %s, "anon_kib": %s, "file_kib": %s, "switches": %s, "cpu_ms": %s}\n' \
    "$(sed -n 's/^VmRSS: //p' "$work/idle.txt")" "$(sed -n 's/^RssAnon: //p' "$work/idle.txt")" \
    "$(sed -n 's/^RssFile: //p' "$work/idle.txt")" "$(sed -n 's/^switches //p' "$work/idle.txt")" \
    "$(sed -n 's/^cpu_ms //p' "$work/idle.txt")"
}
echo
echo "| idle \`run\` after SIGUSR1 × 60, full CA bundle (median of $runs) | resident | anonymous | file-backed | wake-ups over ${idle_seconds} s | CPU time |"
echo "| --- | --- | --- | --- | --- | --- |"
for binary in "${binaries[@]}"; do
  kind=$(if ldd "$binary" >/dev/null 2>&1; then echo dynamic; else echo static; fi)
  results=()
  for _ in $(seq "$runs"); do results+=("$(idle_daemon "$binary")"); done
  row="| $kind"
  for column in rss_kib anon_kib file_kib; do
    row+=" | $(printf '%s\n' "${results[@]}" | field "$column" | median | mib)"
  done
  row+=" | $(printf '%s\n' "${results[@]}" | field switches | median)"
  row+=" | $(printf '%s\n' "${results[@]}" | field cpu_ms | median) ms |"
  echo "$row"
done

link_map=$(dirname "${binaries[0]}")/pharos-pulse.map
if [ -e "$link_map" ]; then
  echo
  echo "Where the static binary's resident pages go at the exit of a run cycle (full CA bundle):"
  echo
  run_cycle "${binaries[0]}" --smaps "$work/smaps" --pagemap "$work/pagemap" >/dev/null
  python3 "$repo/bench/where_memory_goes.py" "$work/pagemap" "$work/smaps" "$link_map"
fi

echo
echo "| binary | size | stripped |"
echo "| --- | --- | --- |"
for binary in "${binaries[@]}"; do
  stripped=$(mktemp -p "$work")
  strip -o "$stripped" "$binary"
  printf '| %s | %s | %s |\n' "$binary" "$(stat -c %s "$binary" | bytes_in_mib)" \
    "$(stat -c %s "$stripped" | bytes_in_mib)"
done
