# The local test receiver (tests/receiver/receiver.js) for the scripts that
# show or measure the agent against it: demo, footprint benchmark, soak.
# Source it after setting $repo (the source tree) and $work (a scratch dir).

receiver_pid=

# Makes the test CA and server certificate in $work/certs and a node key
# $work/pulse_id with BINARY, whose public half the receiver trusts.
prepare_receiver_files() {
  local binary=$1
  bash "$repo/tests/receiver/make-certs.sh" "$work/certs" >/dev/null
  mkdir -p "$work/keys"
  "$binary" keygen --key "$work/pulse_id" --state-dir "$work/state" >/dev/null
  cp "$work/pulse_id.pub" "$work/keys/"
}

# Starts the receiver on port $1 (default 0: any free port), logging what it
# verified to $work/received.jsonl, and sets $port.
start_receiver() {
  : >"$work/receiver.out"
  node "$repo/tests/receiver/receiver.js" --port "${1:-0}" --cert "$work/certs/server.pem" \
    --key "$work/certs/server.key" --keys-dir "$work/keys" --log "$work/received.jsonl" \
    >"$work/receiver.out" 2>>"$work/receiver.err" &
  receiver_pid=$!
  for _ in $(seq 100); do grep -q port "$work/receiver.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/receiver.out")
  [ -n "$port" ] || { echo "the test receiver did not start: $(cat "$work/receiver.err")" >&2; return 1; }
}

stop_receiver() {
  [ -n "$receiver_pid" ] || return 0
  kill -TERM "$receiver_pid" 2>/dev/null
  wait "$receiver_pid" 2>/dev/null || true
  receiver_pid=
}

# Writes $work/pulse.toml: the agent reporting to this receiver every $1,
# without jitter, with its key and state in $work.
write_agent_config() {
  cat >"$work/pulse.toml" <<TOML
[server]
url = "https://127.0.0.1:$port"
ca_file = "$work/certs/ca.pem"

[identity]
key_file = "$work/pulse_id"

[heartbeat]
interval = "$1"
jitter = "0s"

[state]
dir = "$work/state"
TOML
}
