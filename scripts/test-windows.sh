#!/usr/bin/env bash
# Runs pharos-pulse.exe under Wine: tests/windows against the Node.js test
# receiver (commands, signed delivery over Schannel, console run, service).
#
#   scripts/test-windows.sh [BUILD_DIR]
#
#   BUILD_DIR   the scripts/build-windows.sh build (default: build-windows in
#               the repository root). Its wineprefix/ holds the Wine prefix,
#               made with `wineboot -i` on first use.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-windows}
[ -e "$build/pharos-pulse.exe" ] || { echo "test-windows: no $build/pharos-pulse.exe; run scripts/build-windows.sh first" >&2; exit 1; }
command -v wine >/dev/null || { echo "test-windows: wine is missing: run scripts/install-deps.sh" >&2; exit 1; }
build=$(cd "$build" && pwd)

export WINEPREFIX=$build/wineprefix WINEDEBUG=-all
# No Mono or Gecko: the tests need neither, and wineboot would ask for them.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -e "$WINEPREFIX/system.reg" ]; then
  echo "test-windows: creating the Wine prefix $WINEPREFIX"
  wineboot -i
  # Let Wine finish writing the new prefix: services installed while its
  # first wineserver still runs are not found by the next process.
  wineserver -w
fi
export PULSE_WINDOWS_EXE=$build/pharos-pulse.exe

status=0
(cd "$repo/tests/windows" && python3 -m unittest -v test_windows) || status=$?
# The prefix's own wineserver (and any service left behind) ends with the tests.
wineserver -k 2>/dev/null || true
exit $status
