#!/usr/bin/env bash
# Sets up, builds with warnings as errors, and runs the whole test suite (unit, property,
# end-to-end over loopback, lint and format checks). Extra arguments go to ctest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/ci/setup.sh" "$here/build" -DBH_WERROR=ON
cd "$here/build"
exec ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"
