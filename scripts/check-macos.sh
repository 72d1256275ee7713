#!/usr/bin/env bash
# Check the universal macOS binary that scripts/build-macos.sh made, without
# a Mac: what it is built for and what it needs to run.
#
#   scripts/check-macos.sh [BUILD_DIR]     (default: build-macos)
#
# Fails unless BUILD_DIR/pharos-pulse holds exactly an arm64 and an x86_64
# slice, each of which
#   - links no library but /usr/lib/libSystem.B.dylib (every Mac has it; a
#     framework or a Homebrew library would not be there, or not be the same),
#   - says macOS 11.0 as its minimum version (LC_BUILD_VERSION minos).
set -euo pipefail

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
BIN=${1:-build-macos}/pharos-pulse
EXPECTED_ARCHS="arm64 x86_64"
EXPECTED_MINOS=11.0
LIPO=llvm-lipo-14
OBJDUMP=llvm-objdump-14

fail() { printf 'check-macos: %s\n' "$*" >&2; exit 1; }

[[ -f $BIN ]] || fail "no $BIN: run scripts/build-macos.sh first"
archs=$("$LIPO" -archs "$BIN") || fail "$BIN is not a Mach-O universal binary"
archs=$(tr ' ' '\n' <<<"$archs" | sort | xargs)
[[ $archs == "$EXPECTED_ARCHS" ]] || fail "$BIN holds the architectures '$archs', not '$EXPECTED_ARCHS'"

# Each slice is taken out and read on its own: llvm-objdump reads only one
# slice of a universal binary.
slice=$(mktemp)
trap 'rm -f "$slice"' EXIT
for arch in $archs; do
  "$LIPO" -thin "$arch" -output "$slice" "$BIN"
  dylibs=$("$OBJDUMP" --macho --dylibs-used "$slice" | sed -n 's/^\t\([^ ]*\) (compatibility.*/\1/p')
  [[ $dylibs == /usr/lib/libSystem.B.dylib ]] \
    || fail "$BIN ($arch) links $(xargs <<<"$dylibs"), not only /usr/lib/libSystem.B.dylib"
  minos=$("$OBJDUMP" --macho --private-headers "$slice" \
    | awk '/cmd LC_BUILD_VERSION/ { found = 1 } found && $1 == "minos" { print $2; exit }')
  [[ $minos == "$EXPECTED_MINOS" ]] \
    || fail "$BIN ($arch) needs macOS '${minos:-?}' (LC_BUILD_VERSION minos), not $EXPECTED_MINOS"
  printf 'check-macos: %s %s: links only libSystem, macOS %s or later\n' "$BIN" "$arch" "$minos"
done
