#!/usr/bin/env bash
# Sets up, builds, and runs the demo: the mock server with the built-in "demo" fault scenario
# (a 3-minute job at time scale 30, Retry-After as an HTTP-date, one transient 503) and the
# reference client against it. Extra arguments go to `bulkharness demo`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/ci/setup.sh" "$here/build" >/dev/null
exec "$here/build/app/bulkharness" demo "$@"
