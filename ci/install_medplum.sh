#!/usr/bin/env bash
# Installs the pinned @medplum/cli (ci/clients/medplum/package-lock.json) under BUILD_DIR/third_party/
# medplum, with Node.js and npm from Debian when the machine has none. Idempotent: an install
# matching the lock file is kept. Usage: ci/install_medplum.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
mkdir -p "$build"
build="$(cd "$build" && pwd)"
dest="$build/third_party/medplum"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  source "$here/ci/lib.sh"
  install_debian_packages nodejs npm
fi

mkdir -p "$dest"
if [ -x "$dest/node_modules/.bin/medplum" ] && cmp -s "$here/ci/clients/medplum/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi
cp "$here/ci/clients/medplum/package.json" "$here/ci/clients/medplum/package-lock.json" "$dest/"
# The registry is the network's only moving part here: a few tries before failing loudly.
for attempt in 1 2 3; do
  if (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>"$dest/npm.log"); then
    echo "install_medplum: @medplum/cli $(node -p "require('$dest/node_modules/@medplum/cli/package.json').version") in $dest"
    exit 0
  fi
  echo "install_medplum: npm ci failed (attempt $attempt); see $dest/npm.log" >&2
  sleep $((attempt * 5))
done
cat "$dest/npm.log" >&2
exit 1
