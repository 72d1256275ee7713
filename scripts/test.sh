#!/usr/bin/env bash
# Runs the whole test suite (unit and integration) against a build, by
# default the static binary that scripts/build-static.sh makes. On a fresh
# clone it first installs what is missing (scripts/install-deps.sh) and makes
# that build.
#   scripts/test.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-static}
if [ ! -f "$build/CTestTestfile.cmake" ]; then
  echo "test: no build in $build yet; making the static build first" >&2
  bash "$repo/scripts/install-deps.sh"
  bash "$repo/scripts/build-static.sh" "$build"
fi
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
