#!/usr/bin/env bash
# Sets up, builds with warnings as errors, and runs the whole test suite (unit, property,
# end-to-end over loopback, lint and format checks), then replays every scenario file against
# the reference client. Extra arguments go to both ctest runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/ci/setup.sh" "$here/build" -DBH_WERROR=ON
cd "$here/build"
ctest --output-on-failure --timeout 900 -j"$(nproc)" -LE scenario "$@"
# Scenario replays mostly wait on (scaled) timers, not on the CPU: run several per core.
ctest --output-on-failure --timeout 900 -j"$(( $(nproc) * 4 ))" -L scenario "$@"
