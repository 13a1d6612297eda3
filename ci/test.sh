#!/usr/bin/env bash
# Sets up, builds with warnings as errors, and runs the whole test suite (unit, property,
# end-to-end over loopback, lint and format checks), then replays every scenario file against
# the reference client, then against the real third-party client @medplum/cli as a report.
# Extra arguments go to both ctest runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# No -g: debug info is about a tenth of the compile time and CI never reads it (-O2 stays, so
# bench/ figures from this build are still honest).
"$here/ci/setup.sh" "$here/build" -DBH_WERROR=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"
"$here/ci/install_medplum.sh" "$here/build"
cd "$here/build"
ctest --output-on-failure --timeout 900 -j"$(nproc)" -LE scenario "$@"
# Scenario replays mostly wait on (scaled) timers, not on the CPU: run several per core.
ctest --output-on-failure --timeout 900 -j"$(( $(nproc) * 4 ))" -L scenario "$@"

# Every scenario against @medplum/cli. It fails most of them (docs/clients/medplum.md); what it
# must fail is asserted in tests/e2e/test_medplum_findings.py. Here the report is kept, and the
# run itself must work: replay.py exits 0 or 1 (judged), never 2 (usage) or a crash.
mkdir -p reports
set +e
python3 "$here/ci/replay.py" --bulkharness "$here/build/app/bulkharness" \
  --client "$here/ci/clients/medplum-export.sh {base_url} {out_dir} {timeout}" \
  --timeout 30 --jobs "$(( $(nproc) * 4 ))" \
  --junit reports/medplum.junit.xml --json reports/medplum.json >reports/medplum.txt 2>&1
status=$?
set -e
tail -n 1 reports/medplum.txt
if [ "$status" -gt 1 ]; then
  cat reports/medplum.txt >&2
  echo "test: the @medplum/cli replay did not run (exit $status)" >&2
  exit 1
fi
echo "test: @medplum/cli replay report in build/reports/medplum.{txt,junit.xml,json}"
