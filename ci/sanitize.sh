#!/usr/bin/env bash
# Builds the unit and property tests of the pure components (every tests/unit/<component>)
# with AddressSanitizer and UndefinedBehaviorSanitizer and runs them. The socket edges are
# exercised by the e2e tests of ci/test.sh; leaving their Beast-heavy translation units out keeps
# this stage to a few minutes on two cores. Assumes ci/setup.sh has installed packages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build-sanitize"
cmake -S "$here" -B "$build" -G Ninja -DBH_SANITIZE=ON -DBH_WERROR=ON \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" >/dev/null
# Every unit-test binary (one per tests/unit/<component>), so a new component cannot be missed.
targets=()
for dir in "$here"/tests/unit/*/; do
  targets+=("bh_$(basename "$dir")_tests")
done
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
cd "$build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec ctest --output-on-failure -j"$(nproc)" -E "^(e2e|lint|sim)\."
