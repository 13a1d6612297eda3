#!/usr/bin/env bash
# Runs every fuzz target (libFuzzer + ASan + UBSan, clang) for SECONDS each, one after another,
# on the seed corpus plus what earlier runs found, with the target's dictionary. Prints each
# target's executions per second and whether it found anything.
#
# Usage: ci/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
# New inputs that add coverage go to build-fuzz/findings/<target>/corpus (merge them into
# fuzz/corpus with `ci/fuzz.sh --merge`); a crash, leak, timeout or broken property is written
# to build-fuzz/findings/<target>/ as crash-*/leak-*/timeout-*: copy it to
# fuzz/regressions/<target>/ with the fix, so ctest replays it from then on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build-fuzz"
source "$here/ci/lib.sh"

merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
seconds="${1:-60}"
shift || true

install_debian_packages clang libclang-rt-14-dev
"$here/ci/setup.sh" "$build" -DCMAKE_CXX_COMPILER=clang++ -DBH_FUZZ=ON -DBH_SANITIZE=ON \
  -DBH_BUILD_TESTS=OFF -DBH_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in "$here"/fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
found=0
printf '%-20s %10s %10s %8s %s\n' target execs/s runs corpus result
for t in "${targets[@]}"; do
  out="$build/findings/$t"
  mkdir -p "$out/corpus"
  if [ "$merge" = 1 ]; then
    "$build/fuzz/$t" -merge=1 "$here/fuzz/corpus/$t" "$out/corpus" >"$out/merge.log" 2>&1
    echo "$t: merged into fuzz/corpus/$t ($(ls "$here/fuzz/corpus/$t" | wc -l) files)"
    continue
  fi
  dirs=("$out/corpus" "$here/fuzz/corpus/$t")
  [ -d "$here/fuzz/regressions/$t" ] && dirs+=("$here/fuzz/regressions/$t")
  set +e
  "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict="$here/fuzz/dict/$t.dict" -artifact_prefix="$out/" -print_final_stats=1 \
    "${dirs[@]}" >"$out/log" 2>&1
  status=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log" | tail -1)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FOUND: $(ls "$out" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ') (log: $out/log)"
    found=1
  fi
  printf '%-20s %10s %10s %8s %s\n' "$t" "${rate:-?}" "${runs:-?}" "$(ls "$out/corpus" | wc -l)" "$result"
done
exit "$found"
