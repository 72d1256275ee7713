#!/usr/bin/env bash
# Soak: `pharos-pulse run` with a 1 s heartbeat against the local test
# receiver for MINUTES (default 30). The receiver answers 503 from 40 % to
# 55 % of the time and is down from 55 % to 70 %, so the spool fills and
# drains. VmRSS/VmHWM are sampled every SAMPLE_SECONDS (10) into rss.csv.
# At the end the daemon gets SIGTERM and scripts/soak_check.py checks: exit 0,
# every event the daemon made was verified and answered 2xx by the receiver,
# the spool is empty, and RSS stayed flat.
#
#   PULSE_BINARY=build/pharos-pulse scripts/soak.sh [MINUTES]
#
# SOAK_DIR keeps the work files (default: a fresh temp directory, removed on
# success). SOAK_LEAK_CHECK=valgrind runs the daemon under valgrind
# --leak-check=full (use a dynamically linked build); SOAK_LEAK_CHECK=sanitizer
# expects a -DPULSE_SANITIZE=ON build and turns LeakSanitizer on. Either way
# a leak or memory error fails the soak, and RSS is not judged (the checker's
# own memory dominates it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-30}
binary=${PULSE_BINARY:-$repo/build-static/pharos-pulse}
sample_seconds=${SAMPLE_SECONDS:-10}
[ -x "$binary" ] || { echo "soak: no binary at $binary; set PULSE_BINARY" >&2; exit 1; }

work=${SOAK_DIR:-$(mktemp -d /tmp/pulse-soak-XXXXXX)}
mkdir -p "$work"
source "$repo/scripts/lib/receiver.sh"
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
  stop_receiver
}
trap cleanup EXIT

prepare_receiver_files "$binary"
control_receiver() {
  curl -fsS --cacert "$work/certs/ca.pem" -H 'Content-Type: application/json' \
    -d "$1" "https://127.0.0.1:$port/control" >/dev/null
}

start_receiver 0
cat >"$work/pulse.toml" <<TOML
[server]
url = "https://127.0.0.1:$port"
ca_file = "$work/certs/ca.pem"
timeout = "5s"
[identity]
key_file = "$work/pulse_id"
[heartbeat]
interval = "1s"
jitter = "0s"
shutdown_timeout = "10s"
[state]
dir = "$work/state"
TOML

leak_check=${SOAK_LEAK_CHECK:-none}
wrapper=()
check_args=()
case $leak_check in
  none) ;;
  valgrind)
    wrapper=(valgrind --leak-check=full --show-leak-kinds=definite,indirect
             --errors-for-leak-kinds=definite,indirect --error-exitcode=99
             --log-file="$work/valgrind.txt")
    check_args=(--leak-log "$work/valgrind.txt") ;;
  sanitizer)
    export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    check_args=(--leak-log "$work/daemon.log") ;;
  *) echo "soak: SOAK_LEAK_CHECK is none, valgrind or sanitizer" >&2; exit 2 ;;
esac
"${wrapper[@]}" "$binary" --config "$work/pulse.toml" run 2>"$work/daemon.log" &
daemon_pid=$!

total=$((minutes * 60))
failing_from=$((total * 40 / 100))
down_from=$((total * 55 / 100))
healthy_from=$((total * 70 / 100))
phase=healthy
echo "seconds,phase,vmrss_kib,vmhwm_kib" >"$work/rss.csv"
echo "soak: ${minutes} min in $work (503 from ${failing_from}s, down from ${down_from}s, back at ${healthy_from}s)"
started=$(date +%s)
while :; do
  sleep "$sample_seconds"
  elapsed=$(($(date +%s) - started))
  [ "$elapsed" -ge "$total" ] && break
  if [ "$phase" = healthy ] && [ "$elapsed" -ge "$failing_from" ] && [ "$elapsed" -lt "$down_from" ]; then
    control_receiver '{"mode":"status","status":503}'; phase=failing
  elif [ "$phase" != down ] && [ "$elapsed" -ge "$down_from" ] && [ "$elapsed" -lt "$healthy_from" ]; then
    stop_receiver; phase=down
  elif [ "$phase" = down ] && [ "$elapsed" -ge "$healthy_from" ]; then
    start_receiver "$port"; phase=recovered
  fi
  kill -0 "$daemon_pid" 2>/dev/null || { echo "soak: the daemon died; see $work/daemon.log" >&2; exit 1; }
  awk -v s="$elapsed" -v p="$phase" '/^VmRSS:/ {rss=$2} /^VmHWM:/ {hwm=$2}
    END {print s "," p "," rss "," hwm}' "/proc/$daemon_pid/status" >>"$work/rss.csv"
done

kill -TERM "$daemon_pid"
daemon_status=0
wait "$daemon_pid" || daemon_status=$?
daemon_pid=
stop_receiver

python3 "$repo/scripts/soak_check.py" --daemon-exit "$daemon_status" --state-dir "$work/state" \
  --rss "$work/rss.csv" --daemon-log "$work/daemon.log" --received "$work/received.jsonl" \
  "${check_args[@]}"
[ -n "${SOAK_DIR:-}" ] || rm -rf "$work"
