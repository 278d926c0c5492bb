#!/usr/bin/env bash
# Two CLI processes (each with its own enclave) working on one ENSIGN_HOME at once neither corrupt
# the database nor lose a key or a version.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$ensign" init
expect_exit 0 "$ensign" key create shared
worker() {
  local id=$1
  for i in 1 2 3 4 5 6; do
    "$ensign" key create "k$id-$i" >/dev/null || exit 1
    "$ensign" key rotate shared >/dev/null || exit 1
  done
}
worker a & first=$!
worker b & second=$!
wait $first || die "worker a failed"
wait $second || die "worker b failed"
expect_exit 0 "$ensign" key list --json
count=$(grep -c '"name"' "$work/out")
[ "$count" -eq 13 ] || die "expected 13 keys, found $count"
pass
expect_exit 0 "$ensign" key show shared --json
grep -q '"current_version": 13' "$work/out" || die "expected shared at version 13"
[ "$(grep -c '"version":' "$work/out")" -ge 13 ] || die "a version of shared was lost"
pass
if [ "$test_db" = sqlite ]; then
  [ "$(sqlite3 "$ENSIGN_HOME/ensign.db" 'PRAGMA integrity_check;')" = ok ] || die "integrity_check failed"
  pass
fi
finish
