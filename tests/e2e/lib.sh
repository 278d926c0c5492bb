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

# --- the store's database: ENSIGN_TEST_DB ------------------------------------------------------
# With ENSIGN_TEST_DB=postgres the store is a database in a throwaway PostgreSQL cluster of the
# script's own (tests/support/postgres.sh) instead of $ENSIGN_HOME/ensign.db: ENSIGN_DB names it,
# and the cluster is stopped when the script exits. Without PostgreSQL the script is skipped
# (exit 77), or fails when ENSIGN_REQUIRE_POSTGRES=1. A second installation in a script gets a
# store of its own with `ENSIGN_DB=` (empty: its ENSIGN_HOME's ensign.db) on its command line.
test_db=${ENSIGN_TEST_DB:-sqlite}
postgres_sh=$ENSIGN_SOURCE_DIR/tests/support/postgres.sh

# stop_test_database stops the script's PostgreSQL cluster, if it has one; an EXIT trap that
# replaces lib.sh's calls it.
stop_test_database() {
  if [ "$test_db" = postgres ]; then
    bash "$postgres_sh" stop "$work/postgres"
  fi
}

# database_digest: a digest of every row of the store's database when it is not a file in
# ENSIGN_HOME (which state_digest covers), to show a failed command changed nothing.
database_digest() {
  [ "$test_db" = postgres ] || return 0
  local table rows
  for table in $(bash "$postgres_sh" psql "$work/postgres" -At -c \
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"); do
    rows="coalesce(string_agg(t::text, '|' ORDER BY t::text), '')"
    bash "$postgres_sh" psql "$work/postgres" -At -c "SELECT '$table', md5($rows) FROM $table AS t"
  done | sha256sum
}

# database_sql SQL: runs SQL on the store's database (sqlite3 or psql), rows printed unaligned.
database_sql() {
  if [ "$test_db" = postgres ]; then
    bash "$postgres_sh" psql "$work/postgres" -At -c "$1"
  else
    sqlite3 "$ENSIGN_HOME/ensign.db" "$1"
  fi
}

# sql_blob HEX: the SQL literal of the bytes HEX in the store's dialect.
sql_blob() {
  if [ "$test_db" = postgres ]; then echo "'\\x$1'::bytea"; else echo "X'$1'"; fi
}

# database_text: everything the store's database holds, to grep for what it must not: the
# SQLite files as they are on disk, or every row of every PostgreSQL table as text.
database_text() {
  if [ "$test_db" = postgres ]; then
    local table
    for table in $(database_sql \
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"); do
      database_sql "SELECT t::text FROM $table AS t"
    done
  else
    cat "$ENSIGN_HOME"/ensign.db*
  fi
}

case $test_db in
  sqlite) unset ENSIGN_DB ;;
  postgres)
    trap 'stop_test_database 2>/dev/null || true; rm -rf "$work"' EXIT
    postgres_status=0
    ENSIGN_DB=$(bash "$postgres_sh" start "$work/postgres") || postgres_status=$?
    if [ "$postgres_status" -eq 3 ] && [ "${ENSIGN_REQUIRE_POSTGRES:-}" != 1 ]; then
      echo "$(basename "$0"): SKIPPED: PostgreSQL is not installed"
      exit 77
    fi
    [ "$postgres_status" -eq 0 ] || die "no PostgreSQL cluster (postgres.sh exit $postgres_status)"
    export ENSIGN_DB
    ;;
  *) die "ENSIGN_TEST_DB is '$test_db', not sqlite or postgres" ;;
esac
