#!/usr/bin/env bash
# Installs what the build needs (Debian 12, as root) when it is missing, then configures and
# builds. Usage: ci/setup.sh [BUILD_DIR] [extra cmake args...]
# Idempotent: a second run installs nothing and only rebuilds what changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
shift || true

packages=(g++ cmake ninja-build python3 libboost1.81-dev nlohmann-json3-dev libsimdjson-dev
          librapidcheck-dev zlib1g-dev
          libssl-dev libcpp-jwt-dev
          libgtest-dev libgmock-dev clang-format)
source "$here/ci/lib.sh"
install_debian_packages "${packages[@]}"

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
