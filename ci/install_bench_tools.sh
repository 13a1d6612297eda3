#!/usr/bin/env bash
# Installs what the benchmarks compare against, when missing: wrk and nginx from Debian, and the
# pinned WireMock standalone jar (npm package `wiremock`, bench/wiremock/package-lock.json; it
# runs on the installed Java 17) under BUILD_DIR/third_party/wiremock. Idempotent and quiet on
# success: an install matching the lock file is kept. Debian's nginx package may start a system
# nginx on port 80; the benchmarks never use it (each runs its own nginx, own config, own port).
# Usage: ci/install_bench_tools.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
mkdir -p "$build"
build="$(cd "$build" && pwd)"
dest="$build/third_party/wiremock"
lock="$here/bench/wiremock/package-lock.json"

source "$here/ci/lib.sh"
# Debian's nginx runs its postinst with a policy-rc.d in place, so it is not left serving port 80.
if ! dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "install ok installed" &&
  [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d 2>/dev/null && chmod +x /usr/sbin/policy-rc.d &&
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
install_debian_packages wrk nginx
if ! command -v java >/dev/null; then
  install_debian_packages openjdk-17-jre-headless
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  install_debian_packages nodejs npm
fi

mkdir -p "$dest"
if ls "$dest"/node_modules/wiremock/build/wiremock-standalone-*.jar >/dev/null 2>&1 &&
  cmp -s "$lock" "$dest/package-lock.json"; then
  exit 0
fi
cp "$here/bench/wiremock/package.json" "$lock" "$dest/"
# The registry is the network's only moving part here: a few tries before failing loudly.
for attempt in 1 2 3; do
  if (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>"$dest/npm.log"); then
    echo "install_bench_tools: wiremock $(node -p "require('$dest/node_modules/wiremock/package.json').version") in $dest"
    exit 0
  fi
  echo "install_bench_tools: npm ci failed (attempt $attempt); see $dest/npm.log" >&2
  sleep $((attempt * 5))
done
cat "$dest/npm.log" >&2
exit 1
