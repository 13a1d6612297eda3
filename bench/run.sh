#!/usr/bin/env bash
# Runs every benchmark against the build in build/ (ci/setup.sh builds it) and prints figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/ci/setup.sh" "$here/build" >/dev/null
python3 "$here/bench/export_throughput.py" "$@"
python3 "$here/bench/judge_speed.py"
python3 "$here/bench/sim_speed.py"
python3 "$here/bench/hostile_load.py"
