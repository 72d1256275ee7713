#!/usr/bin/env bash
# Runs the whole test suite (unit and integration) against a build, by
# default the static binary that scripts/build-static.sh makes.
#   scripts/test.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-static}
[ -f "$build/CTestTestfile.cmake" ] || { echo "test: no build in $build; run scripts/build-static.sh first" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
