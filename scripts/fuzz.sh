#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs
# each one on a copy of its seed corpus, so tests/fuzz/corpus/ stays as
# committed. Fails when any target finds a crash, a leak, a timeout or an OOM.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET [SUMMARY_FILE]]
#   scripts/fuzz.sh                             # CI: 20 s each
#   scripts/fuzz.sh 600 docs/fuzz-results.txt   # the long run: 10 min each
#
# Environment: PULSE_FUZZ_BUILD_DIR (default build-fuzz), PULSE_FUZZ_PARALLEL
# (targets run at once, default 2), PULSE_FUZZ_TARGETS (say "config_fuzz
# spool_fuzz" to run only those), CC and CXX (default clang-14, clang++-14).
# Each target's log, grown corpus and findings are in BUILD/fuzz-run/TARGET/;
# rerun a finding with `BUILD/tests/fuzz/TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
summary_file=${2:-}
build=${PULSE_FUZZ_BUILD_DIR:-build-fuzz}
parallel=${PULSE_FUZZ_PARALLEL:-2}
export CC=${CC:-clang-14} CXX=${CXX:-clang++-14}

targets=()
for source in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$source" .cpp)"); done
if [[ -n ${PULSE_FUZZ_TARGETS:-} ]]; then read -ra targets <<<"$PULSE_FUZZ_TARGETS"; fi

echo "fuzz: building ${targets[*]} in $build"
cmake -S . -B "$build" -DPULSE_FUZZ=ON -DPULSE_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$build/fuzz-build.log" ||
  { cat "$build/fuzz-build.log"; exit 1; }

runs=$build/fuzz-run
run_target() {
  local target=$1 name=${1%_fuzz}
  local dir=$runs/$target
  rm -rf "$dir"
  mkdir -p "$dir/artifacts"
  cp -r "tests/fuzz/corpus/$name" "$dir/corpus"
  local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                 -artifact_prefix="$dir/artifacts/")
  if [[ -f tests/fuzz/$name.dict ]]; then options+=(-dict="tests/fuzz/$name.dict"); fi
  # Past findings are read as seeds too (libFuzzer adds new inputs only to the
  # first directory), so every run replays them.
  local corpora=("$dir/corpus")
  if [[ -d tests/fuzz/regressions/$name ]]; then corpora+=("tests/fuzz/regressions/$name"); fi
  local status=0
  nice -n 10 "$build/tests/fuzz/$target" "${options[@]}" "${corpora[@]}" >"$dir/log" 2>&1 ||
    status=$?
  echo "$status" >"$dir/status"
}

echo "fuzz: running each target for $seconds s, $parallel at a time"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n; done
  run_target "$target" &
done
wait

final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
# The last "cov: N" or "corp: N/SIZE" libFuzzer printed.
last_status() { grep -o "$1: [^ ]*" "$2" | tail -n 1 | cut -d' ' -f2; }

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
{
  echo "pharos-pulse fuzzing: $seconds s per target, $("$CXX" --version | head -n 1)"
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  echo "commit $commit, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  printf '%-22s %7s %11s %7s %6s %13s  %s\n' \
    target seconds executions exec/s edges corpus findings
} >"$summary"
failed=()
for target in "${targets[@]}"; do
  dir=$runs/$target
  artifacts=$(cd "$dir/artifacts" && ls | paste -sd ' ')
  elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$dir/log")
  executions=$(final_stat number_of_executed_units "$dir/log")
  rate=$(final_stat average_exec_per_sec "$dir/log")
  printf '%-22s %7s %11s %7s %6s %13s  %s\n' "$target" "${elapsed:-?}" "$executions" "$rate" \
    "$(last_status cov "$dir/log")" "$(last_status corp "$dir/log")" "${artifacts:-none}" >>"$summary"
  if [[ $(cat "$dir/status") != 0 || -n $artifacts ]]; then failed+=("$target"); fi
done

for target in "${failed[@]}"; do
  echo "== $target found something; the end of $runs/$target/log:"
  tail -n 40 "$runs/$target/log"
done
cat "$summary"
if [[ -n $summary_file ]]; then cp "$summary" "$summary_file"; fi
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
