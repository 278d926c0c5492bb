#!/usr/bin/env bash
# test.sh: builds ensign and runs every test: the unit and end-to-end tests (dev build), the same
# under AddressSanitizer + UndefinedBehaviorSanitizer, and each libFuzzer target for a bounded
# time. .ci/run runs exactly this. The plain dev run comes last so its summary closes the output.
# ENSIGN_FUZZ_SECONDS sets the time per fuzzer (default 15). With ENSIGN_REQUIRE_POSTGRES=1 (.ci/run
# sets it) the PostgreSQL store's tests fail instead of skipping when PostgreSQL is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# stage NAME closes the previous stage with its wall time and opens the next, so CI logs show
# where the time goes.
stage_name=
stage_started=$SECONDS
stage() {
  [[ -z $stage_name ]] || echo "== $stage_name: $((SECONDS - stage_started)) s"
  stage_name=$1
  stage_started=$SECONDS
  [[ -z $stage_name ]] || echo "== $stage_name"
}

stage "install-deps"
./scripts/install-deps.sh

stage "asan-ubsan build: unit and end-to-end tests under sanitizers"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j"$jobs"
stage "asan-ubsan tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp \
  ctest --preset asan-ubsan -j"$jobs"

stage "fuzz build: each decoder of outside input under libFuzzer"
cmake --preset fuzz >/dev/null
# Only the fuzzers and what they link: the shipped binaries are built and tested twice already.
mapfile -t fuzzers < <(cmake --build --preset fuzz --target help | sed -n 's/^\.\.\. \(fuzz_[a-z_0-9]*\).*/\1/p')
cmake --build --preset fuzz -j"$jobs" --target "${fuzzers[@]}"
stage "fuzz runs"
tests/fuzz/run.sh build/fuzz "${ENSIGN_FUZZ_SECONDS:-15}"

stage "dev build: unit and end-to-end tests"
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$jobs"
stage "dev tests"
ctest --preset dev -j"$jobs"
stage ""

