#!/usr/bin/env bash
# Measures what contract §10 bounds, on real binaries against the local test
# receiver: peak RSS (/usr/bin/time -v, median of RUNS) of `inspect`,
# `send heartbeat` over TLS and a whole `run` cycle (ONLINE, three
# HEARTBEATs, OFFLINE), the same POST by the curl CLI, binary sizes, and the
# wake-ups and CPU time of an idle `run`.
#   bench/footprint.sh STATIC_BINARY [DYNAMIC_BINARY]   (RUNS=5 IDLE_SECONDS=30)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
idle_seconds=${IDLE_SECONDS:-30}
binaries=("$@")
[ ${#binaries[@]} -ge 1 ] || { echo "usage: $0 STATIC_BINARY [DYNAMIC_BINARY]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "footprint: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d)
source "$repo/scripts/lib/receiver.sh"
cleanup() {
  stop_receiver
  rm -rf "$work"
}
trap cleanup EXIT

prepare_receiver_files "${binaries[0]}"
start_receiver

write_agent_config 1s

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
peak_kib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
mib() { awk '{printf "%.1f MiB", $1/1024}'; }  # from KiB
bytes_in_mib() { awk '{printf "%.1f MiB", $1/1048576}'; }

# One run cycle: ONLINE, three heartbeats at 1 s, then SIGTERM → OFFLINE.
run_cycle() {
  local binary=$1
  /usr/bin/time -v -o "$work/time.txt" "$binary" --config "$work/pulse.toml" -q run &
  local pid=$!
  sleep 3.6
  pkill -TERM -P "$pid" -x "$(basename "$binary")" 2>/dev/null || true
  wait "$pid" || true
  sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt"
}

measure() {
  local label=$1; shift
  local values=()
  for _ in $(seq "$runs"); do values+=("$("$@")"); done
  printf '| %s | %s |\n' "$label" "$(printf '%s\n' "${values[@]}" | median | mib)"
}

echo "| what | peak RSS (median of $runs) |"
echo "| --- | --- |"
for binary in "${binaries[@]}"; do
  kind=$(if ldd "$binary" >/dev/null 2>&1; then echo dynamic; else echo static; fi)
  measure "$kind: inspect" peak_kib "$binary" --config "$work/pulse.toml" inspect
  measure "$kind: send heartbeat (TLS)" peak_kib "$binary" --config "$work/pulse.toml" -q send heartbeat
  measure "$kind: run cycle (ONLINE, 3 HEARTBEATs, OFFLINE)" run_cycle "$binary"
done

"${binaries[0]}" --config "$work/pulse.toml" send heartbeat --dry-run >"$work/request.txt"
curl_args=()
while IFS= read -r line; do
  [ -z "$line" ] && break
  curl_args+=(-H "$line")
done < <(tail -n +2 "$work/request.txt")
sed -n '/^$/,$p' "$work/request.txt" | sed '1d' | head -c -1 >"$work/body.json"
measure "curl CLI: the same POST" peak_kib curl -s -o /dev/null --cacert "$work/certs/ca.pem" \
  "${curl_args[@]}" --data-binary @"$work/body.json" "https://127.0.0.1:$port/v1/presence"

echo
echo "| binary | size | stripped |"
echo "| --- | --- | --- |"
for binary in "${binaries[@]}"; do
  stripped=$(mktemp -p "$work")
  strip -o "$stripped" "$binary"
  printf '| %s | %s | %s |\n' "$binary" "$(stat -c %s "$binary" | bytes_in_mib)" \
    "$(stat -c %s "$stripped" | bytes_in_mib)"
done

echo
# Idle: heartbeat far away, so nothing should wake the process.
sed -i 's/interval = "1s"/interval = "1h"/' "$work/pulse.toml"
"${binaries[0]}" --config "$work/pulse.toml" -q run &
daemon=$!
sleep 2
switches() { sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$daemon/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
before_switches=$(switches); before_ticks=$(cpu_ticks)
sleep "$idle_seconds"
after_switches=$(switches); after_ticks=$(cpu_ticks)
kill -TERM "$daemon"; wait "$daemon" || true
echo "| idle run over ${idle_seconds} s | value |"
echo "| --- | --- |"
echo "| voluntary context switches | $((after_switches - before_switches)) |"
echo "| CPU time | $(( (after_ticks - before_ticks) * 1000 / $(getconf CLK_TCK) )) ms |"
