#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS: runs every libFuzzer executable in BUILD_DIR/fuzz/ for SECONDS each
# and fails if any of them finds a crash, a leak, a timeout or runs out of memory.
#
# Convention: the fuzzer of tests/fuzz/<folder>/ is the executable fuzz_<folder>; its seed corpus,
# if any, is tests/fuzz/<folder>/corpus/. The corpus is copied to a temporary directory first, so
# the run never writes into the repository. Findings are kept in BUILD_DIR/fuzz-findings/<folder>/
# with the fuzzer's log. One summary line is printed per fuzzer. ENSIGN_FUZZ_JOBS fuzzers run at
# once (default: the number of cores).
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR SECONDS (BUILD_DIR/fuzz/ holds the fuzz_<folder> executables)" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
build_dir=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
fuzz_dir=$build_dir/fuzz
if [[ ! -d $fuzz_dir ]]; then
  echo "run.sh: $fuzz_dir does not exist; configure with -DENSIGN_FUZZ=ON and build first" >&2
  exit 2
fi

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
findings_root=$build_dir/fuzz-findings
work=$(mktemp -d "${TMPDIR:-/tmp}/ensign-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# number_in LOG NAME prints libFuzzer's final "stat::NAME: N" value, or "?".
number_in() {
  local value
  value=$(sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -n 1)
  echo "${value:-?}"
}

# run_fuzzer EXECUTABLE runs one fuzzer and leaves in $work/<folder>/: its log, its summary
# line, and "failed" when it found something. It always returns 0; the caller reads the files.
run_fuzzer() {
  local fuzzer=$1 executable folder corpus artifacts log seeds status started elapsed runs units
  executable=$(basename "$fuzzer")
  folder=${executable#fuzz_}
  corpus=$work/$folder/corpus
  artifacts=$work/$folder/artifacts
  log=$work/$folder/log
  mkdir -p "$corpus" "$artifacts"
  seeds=0
  if [[ -d $source_dir/tests/fuzz/$folder/corpus ]]; then
    cp -R "$source_dir/tests/fuzz/$folder/corpus/." "$corpus/"
    seeds=$(find "$corpus" -type f | wc -l)
  fi

  status=ok
  started=$SECONDS
  # -timeout bounds one input; the outer timeout only guards against a fuzzer that hangs on exit.
  if ! timeout --kill-after=30 $((seconds + 120)) "$fuzzer" -max_total_time="$seconds" \
      -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" >"$log" 2>&1; then
    status=FAILED
  fi
  if [[ -n $(find "$artifacts" -type f) ]]; then
    status=FAILED
  fi

  elapsed=$((SECONDS - started))
  runs=$(number_in "$log" number_of_executed_units)
  units=$(find "$corpus" -type f | wc -l)
  printf '%-28s %-6s %s s, %s runs, corpus %s -> %s\n' \
    "$executable" "$status" "$elapsed" "$runs" "$seeds" "$units" >"$work/$folder/summary"
  if [[ $status != ok ]]; then
    touch "$work/$folder/failed"
  fi
}

# Each fuzzer is one process on one core: as many run at once as there are cores.
parallel=${ENSIGN_FUZZ_JOBS:-$(nproc)}
fuzzers=()
for fuzzer in "$fuzz_dir"/*; do
  [[ -f $fuzzer && -x $fuzzer ]] || continue
  fuzzers+=("$fuzzer")
  while (($(jobs -rp | wc -l) >= parallel)); do
    wait -n || true
  done
  run_fuzzer "$fuzzer" &
done
wait

if [[ ${#fuzzers[@]} -eq 0 ]]; then
  echo "run.sh: no fuzzer executables in $fuzz_dir" >&2
  exit 2
fi
failures=0
for fuzzer in "${fuzzers[@]}"; do
  folder=$(basename "$fuzzer")
  folder=${folder#fuzz_}
  cat "$work/$folder/summary"
  if [[ -e $work/$folder/failed ]]; then
    failures=$((failures + 1))
    kept=$findings_root/$folder
    mkdir -p "$kept"
    cp -R "$work/$folder/artifacts/." "$kept/"
    cp "$work/$folder/log" "$kept/log"
    echo "  findings and log kept in $kept; the log ends with:" >&2
    tail -n 25 "$work/$folder/log" | sed 's/^/  | /' >&2
  fi
done
echo "run.sh: ${#fuzzers[@]} fuzzers, $failures failed"
[[ $failures -eq 0 ]]
