# lib.sh: shared helpers for the end-to-end scripts. Each script runs the real binaries in a fresh
# temporary ENSIGN_HOME. Sourced, not run.
set -euo pipefail

: "${ENSIGN_BIN_DIR:?set by CTest}"
: "${ENSIGN_SOURCE_DIR:?set by CTest}"
: "${ENSIGN_BUILD_DIR:?set by CTest}"
ensign=$ENSIGN_BIN_DIR/ensign
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ENSIGN_HOME=$work/home
cd "$work"

checks=0
die() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() {
  checks=$((checks + 1))
}

# expect_exit CODE COMMAND...: runs COMMAND, keeping its stdout in $work/out and stderr in
# $work/err, and fails unless it exits with CODE.
expect_exit() {
  local expected=$1
  shift
  local actual=0
  "$@" >"$work/out" 2>"$work/err" || actual=$?
  if [ "$actual" -ne "$expected" ]; then
    echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
    die "expected exit $expected, got $actual: $*"
  fi
  pass
}

# expect_stderr TEXT: the last command's stderr contains TEXT.
expect_stderr() {
  grep -qF -- "$1" "$work/err" || { cat "$work/err"; die "stderr lacks '$1'"; }
  # Errors are one line.
  [ "$(wc -l < "$work/err")" -le 1 ] || { cat "$work/err"; die "error is more than one line"; }
  pass
}

# bundle_signature BUNDLE OUT: writes the bundle's decoded signature (messageSignature or DSSE).
bundle_signature() {
  grep -oE '"(signature|sig)": *"[^"]*"' "$1" | head -1 | cut -d'"' -f4 | base64 -d > "$2"
}

# state_digest: a digest of every file in ENSIGN_HOME, to show a failed command changed nothing.
state_digest() {
  (cd "$ENSIGN_HOME" && find . -type f ! -name '*-shm' -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

finish() {
  echo "$(basename "$0"): $checks checks passed"
}
