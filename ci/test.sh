#!/usr/bin/env bash
# Sets up, builds with warnings as errors under AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs the whole test suite on that one build: unit and property tests, end-to-end tests
# over loopback (real server and client processes, instrumented too), lint and format checks,
# every scenario file replayed against the reference client, then against the real third-party
# client @medplum/cli as a report. Extra arguments go to both ctest runs.
#
# One build, not a release build plus a sanitized one: compiling twice was two thirds of CI.
# clang, because its instrumented -O1 compiles in about half the time g++ 12 takes (25 s
# against 48 s for our heaviest test file); the demo and bench/ build with g++ -O2 in build/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build-sanitize"
source "$here/ci/lib.sh"
# chromium: test_html_report renders the HTML reports in a real (headless) browser.
install_debian_packages clang libclang-rt-14-dev chromium
"$here/ci/setup.sh" "$build" -DBH_WERROR=ON -DBH_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"
"$here/ci/install_medplum.sh" "$here/build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest --output-on-failure --timeout 900 -j"$(nproc)" -LE scenario "$@"
# Scenario replays mostly wait on (scaled) timers, not on the CPU: run several per core.
ctest --output-on-failure --timeout 900 -j"$(( $(nproc) * 4 ))" -L scenario "$@"

# Every scenario against @medplum/cli. It fails most of them (docs/clients/medplum.md); what it
# must fail is asserted in tests/e2e/test_medplum_findings.py. Here the report is kept, and the
# run itself must work: replay.py exits 0 or 1 (judged), never 2 (usage) or a crash.
mkdir -p reports
set +e
python3 "$here/ci/replay.py" --bulkharness "$build/app/bulkharness" \
  --client "$here/ci/clients/medplum-export.sh {base_url} {out_dir} {timeout}" \
  --timeout 30 --jobs "$(( $(nproc) * 4 ))" \
  --junit reports/medplum.junit.xml --json reports/medplum.json --html reports/medplum.html \
  >reports/medplum.txt 2>&1
status=$?
set -e
tail -n 1 reports/medplum.txt
if [ "$status" -gt 1 ]; then
  cat reports/medplum.txt >&2
  echo "test: the @medplum/cli replay did not run (exit $status)" >&2
  exit 1
fi
echo "test: @medplum/cli replay report in build-sanitize/reports/medplum.{txt,junit.xml,json,html}"
