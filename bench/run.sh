#!/usr/bin/env bash
# Runs every benchmark against the release build in build/ (built here when missing or stale),
# prints the figures, and regenerates the results table in bench/README.md from them.
# The machine is shared and noisy: each benchmark compares as ratios taken in the same run.
# Usage: bench/run.sh [--quick]   (--quick: shorter runs, for a smoke test of the scripts)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/ci/setup.sh" "$here/build" >/dev/null
"$here/ci/install_bench_tools.sh" "$here/build"
out="$here/build/bench-results"
rm -rf "$out" && mkdir -p "$out"
quick=()
if [ "${1:-}" = "--quick" ]; then quick=(1); fi

run() {  # run NAME SCRIPT ARGS...: prints a heading, keeps the JSON figures
  local name="$1" script="$2"
  shift 2
  echo "== $name"
  python3 "$here/bench/$script" --json "$out/$name.json" "$@"
}
if ((${#quick[@]})); then
  run status status_polling.py --seconds 2 --rounds 1
  run download download.py --resources 100000 --rounds 1
  run datagen datagen_speed.py --members 5000 --rounds 3
  run sim sim_speed.py --runs 2000
  run check check_speed.py --explore 8
else
  run status status_polling.py
  run download download.py
  run datagen datagen_speed.py
  run sim sim_speed.py
  run check check_speed.py
fi
run judge judge_speed.py
echo "== export (client vs raw server, TLS + SMART)"
python3 "$here/bench/export_throughput.py"
echo "== hostile clients"
python3 "$here/bench/hostile_load.py"
python3 "$here/bench/results.py" "$here/bench/README.md" "$out"/*.json
