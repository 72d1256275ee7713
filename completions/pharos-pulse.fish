# fish completion for pharos-pulse(1).
# Installed as share/fish/vendor_completions.d/pharos-pulse.fish.
#
# The option lists below follow `pharos-pulse [COMMAND] --help`;
# tests/integration/test_docs_in_step.py fails when they drift apart.

set -l commands keygen inspect send run enroll status
set -l events online heartbeat offline

complete -c pharos-pulse -f

# Global options, before or after the command.
complete -c pharos-pulse -l config -r -F -d 'Config file (default /etc/pharos/pulse.toml)'
complete -c pharos-pulse -l key -r -F -d 'Identity key (default /etc/pharos/pulse_id)'
complete -c pharos-pulse -l server -x -d 'Server base URL (https://HOST[:PORT][/PREFIX])'
complete -c pharos-pulse -l ca-file -r -F -d "CA bundle to trust instead of the system's"
complete -c pharos-pulse -l pin -x -d 'Server public-key pin (sha256//BASE64[;…])'
complete -c pharos-pulse -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory (default /var/lib/pharos-pulse)'
complete -c pharos-pulse -l timeout -x -d 'Request timeout, e.g. 10s (default 10s)'
complete -c pharos-pulse -s v -l verbose -d 'Log more detail'
complete -c pharos-pulse -s q -l quiet -d 'Log errors only'
complete -c pharos-pulse -s h -l help -d 'Print help and exit'
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and exit'

# Commands.
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a keygen -d "Create the node's Ed25519 identity key"
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a inspect -d 'Show what this node reports'
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a send -d 'Send one presence event now'
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a run -d 'Run the daemon: ONLINE, hourly HEARTBEAT, OFFLINE'
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a enroll -d 'Register this node with the server'
complete -c pharos-pulse -n "not __fish_seen_subcommand_from $commands" -a status -d 'Show what the running agent is doing'

# keygen
complete -c pharos-pulse -n '__fish_seen_subcommand_from keygen' -l force -d 'Replace an existing key'
complete -c pharos-pulse -n '__fish_seen_subcommand_from keygen' -l comment -x -d 'Comment of the public key (default pharos-pulse@HOST)'

# inspect
complete -c pharos-pulse -n '__fish_seen_subcommand_from inspect' -l json -d 'Print exactly the presence payload'
complete -c pharos-pulse -n '__fish_seen_subcommand_from inspect' -l event -x -a "$events" -d 'Event of the JSON payload (default online)'

# send
complete -c pharos-pulse -n "__fish_seen_subcommand_from send; and not __fish_seen_subcommand_from $events" -a online -d 'The node is up'
complete -c pharos-pulse -n "__fish_seen_subcommand_from send; and not __fish_seen_subcommand_from $events" -a heartbeat -d 'The node is still up'
complete -c pharos-pulse -n "__fish_seen_subcommand_from send; and not __fish_seen_subcommand_from $events" -a offline -d 'The node is going down'
complete -c pharos-pulse -n '__fish_seen_subcommand_from send' -l dry-run -d 'Print the signed request instead of sending it'
complete -c pharos-pulse -n '__fish_seen_subcommand_from send' -l no-spool -d 'Do not spool the event when the server is unavailable'

# run
complete -c pharos-pulse -n '__fish_seen_subcommand_from run' -l interval -x -d 'Heartbeat interval (default 60m)'
complete -c pharos-pulse -n '__fish_seen_subcommand_from run' -l jitter -x -d 'Random extra delay per heartbeat (default 5m)'
complete -c pharos-pulse -n '__fish_seen_subcommand_from run' -l shutdown-timeout -x -d 'Time from SIGTERM to exit, OFFLINE included (default 5s)'

# enroll
complete -c pharos-pulse -n '__fish_seen_subcommand_from enroll' -l token-file -r -F -d 'Read the enrollment token from the first line of FILE'
complete -c pharos-pulse -n '__fish_seen_subcommand_from enroll' -l token -x -a '-' -d 'The enrollment token; - reads standard input'
complete -c pharos-pulse -n '__fish_seen_subcommand_from enroll' -l preprovisioned -d 'No network: write the config and print what the server must register'
complete -c pharos-pulse -n '__fish_seen_subcommand_from enroll' -l json -d 'With --preprovisioned: print the registration as JSON'
complete -c pharos-pulse -n '__fish_seen_subcommand_from enroll' -l no-write-config -d 'Leave the config file as it is'

# status
complete -c pharos-pulse -n '__fish_seen_subcommand_from status' -l json -d 'Print one JSON object (docs/status.schema.json)'
