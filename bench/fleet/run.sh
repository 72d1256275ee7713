#!/usr/bin/env bash
# Reproduces every row of docs/FLEET.md's results table and every plot:
# the four scenarios for 1 000, 10 000 and 100 000 nodes, under the daemon's
# current rules and the rules before the fleet simulation changed them.
#
#   bench/fleet/run.sh [BUILD_DIR]      # default: build
#
# Writes bench/fleet/results.tsv and bench/fleet/<scenario>[-before].png
# (plots for 100 000 nodes); needs gnuplot (scripts/install-deps.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build=${1:-$source_dir/build}
[[ $build = /* ]] || build=$source_dir/$build

cmake -S "$source_dir" -B "$build" >/dev/null
cmake --build "$build" -j2 --target pulse-fleet >/dev/null
fleet=$build/bench/fleet/pulse-fleet
command -v gnuplot >/dev/null || { echo "run.sh: gnuplot is missing (scripts/install-deps.sh)" >&2; exit 1; }

csv=$(mktemp -d)
trap 'rm -rf "$csv"' EXIT

"$fleet" --header > "$here/results.tsv"
for scenario in power-cut hub-outage retry-after config-change; do
  for agents in 1000 10000 100000; do
    for rules in current before; do
      "$fleet" --scenario "$scenario" --agents "$agents" --rules "$rules" \
        --out "$csv/$scenario-$agents-$rules" | tee -a "$here/results.tsv"
    done
  done
  for rules in current before; do
    steady=$(awk -F'\t' -v s="$scenario" -v r="$rules" \
      '$1 == s && $2 == r && $3 == 100000 { print $21 }' "$here/results.tsv")
    png=$scenario.png
    [[ $rules = before ]] && png=$scenario-before.png
    (cd "$here" && gnuplot -e "run='$csv/$scenario-100000-$rules'; png='$png'; steady=$steady; \
      title='$scenario, 100 000 nodes, $rules rules (bench/fleet/run.sh)'" plot.gp)
  done
done
echo "run.sh: wrote $here/results.tsv and the plots"
