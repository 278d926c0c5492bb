#!/usr/bin/env bash
# `ensign log proof`, `log verify` and `log verify-bundle` on a real installation: a proof that
# `log check-inclusion` accepts, a kept checkpoint the log extends, bundles whose entries are in
# the log, and every kind of tampering refused with its exit code.
source "$(dirname "$0")/lib.sh"

for command in proof verify verify-bundle; do
  expect_exit 0 "$ensign" log "$command" --help
done
expect_exit 0 "$ensign" init
expect_exit 1 "$ensign" log verify          # no log before the first signature
expect_stderr "no transparency log yet"
expect_exit 0 "$ensign" key create release

# sign_artifacts FIRST LAST: signs a FIRST.txt ... a LAST.txt, one log batch each.
sign_artifacts() {
  for n in $(seq "$1" "$2"); do
    echo "artifact $n" > "a$n.txt"
    expect_exit 0 "$ensign" sign --key release "a$n.txt"
  done
}
sign_artifacts 1 3
expect_exit 0 "$ensign" log checkpoint
cp "$work/out" kept.txt
sign_artifacts 4 7

# The log extends the kept checkpoint, and its entries match every signed checkpoint.
expect_exit 0 "$ensign" log verify --from kept.txt
grep -q "^old size 3, new size 7: consistent" "$work/out" ||
  die "log verify --from: $(cat "$work/out")"
grep -q "^verified: the 7 entries of .* match its 8 signed checkpoints" "$work/out" ||
  die "log verify: $(cat "$work/out")"
expect_exit 0 "$ensign" log verify --from kept.txt --json
grep -q '"consistent": true' "$work/out" || die "log verify --json lacks the consistency"
expect_exit 0 "$ensign" log verify

# A proof, pasted into the offline check.
expect_exit 0 "$ensign" log proof --index 1
field() { sed -n "s/^$1: //p" "$work/out"; }
leaf=$(field "leaf hash")
size=$(field "tree size")
root=$(field root)
proof=$(field proof)
[ "$size" = 7 ] || die "log proof is not of the latest tree: $size"
grep -q "^checkpoint:" "$work/out" || die "log proof lacks the checkpoint"
expect_exit 0 "$ensign" log check-inclusion --leaf-hash "$leaf" --index 1 --size "$size" \
  --root "$root" --proof "$proof"
expect_exit 1 "$ensign" log check-inclusion --leaf-hash "$leaf" --index 2 --size "$size" \
  --root "$root" --proof "$proof"
expect_exit 0 "$ensign" log proof --leaf-hash "$leaf" --size 3 --json
grep -q '"tree_size": 3' "$work/out" || die "log proof --size 3 is of another tree"
grep -q '"index": 1' "$work/out" || die "log proof --leaf-hash found another entry"
expect_exit 2 "$ensign" log proof --index 7
expect_stderr "has no log entry 7"
expect_exit 2 "$ensign" log proof --index 1 --size 100
expect_stderr "no signed checkpoint of size 100"
expect_exit 2 "$ensign" log proof --leaf-hash "$(head -c 32 /dev/zero | base64)"
expect_stderr "no log entry has leaf hash"
expect_exit 2 "$ensign" log proof
expect_exit 2 "$ensign" log proof --index 1 --leaf-hash "$leaf"
expect_exit 2 "$ensign" log proof --index -1

# Every bundle's entry is in the log, consistent with the latest tree and the kept one.
for n in $(seq 1 7); do
  expect_exit 0 "$ensign" log verify-bundle "a$n.txt.sigstore.json"
done
expect_exit 0 "$ensign" log verify-bundle a6.txt.sigstore.json --checkpoint kept.txt --json
grep -q '"valid": true' "$work/out" || die "verify-bundle --json does not say valid"
grep -q '"consistent_with_size": 3' "$work/out" || die "verify-bundle ignored --checkpoint"
body=$(grep -o '"canonicalizedBody": *"[^"]*"' a2.txt.sigstore.json | cut -d'"' -f4)
edited=$(printf '%s' "$body" | base64 -d | sed 's/"local:/"local:x/' | base64 -w0)
[ "$edited" != "$body" ] || die "the body edit changed nothing"
sed "s#$body#$edited#" a2.txt.sigstore.json > edited.json
expect_exit 1 "$ensign" log verify-bundle edited.json
expect_stderr "edited.json: the inclusion proof of log entry 1"
expect_exit 2 "$ensign" log verify-bundle missing.json
expect_stderr "missing.json"
printf '{"mediaType": "nonsense"}' > broken.json
expect_exit 2 "$ensign" log verify-bundle broken.json
expect_stderr "broken.json"

# Another installation's checkpoint and bundle are not of this log; a cut checkpoint is no
# checkpoint.
other=(env "ENSIGN_HOME=$work/other" ENSIGN_DB= "$ensign")   # an installation of its own
expect_exit 0 "${other[@]}" init
expect_exit 0 "${other[@]}" key create release
expect_exit 0 "${other[@]}" sign --key release a1.txt --bundle other.json
expect_exit 0 "${other[@]}" log checkpoint
cp "$work/out" other.txt
expect_exit 1 "$ensign" log verify --from other.txt
expect_stderr "other.txt: the checkpoint is of the log"
expect_exit 1 "$ensign" log verify-bundle other.json
expect_stderr "of another log"
expect_exit 1 "$ensign" log verify-bundle a1.txt.sigstore.json --checkpoint other.txt
expect_stderr "not of this installation's log"
head -c 60 kept.txt > cut.txt
expect_exit 2 "$ensign" log verify --from cut.txt
expect_stderr "cut.txt"

# A body rewritten in the database is named, also when its stored leaf hash is rewritten too.
database_sql "UPDATE log_entries SET body = replace(body, '\"local:', '\"local:x') WHERE idx = 4"
expect_exit 1 "$ensign" log verify
expect_stderr "log entry 4 does not match the signed checkpoint of size 5"
body=$(database_sql "SELECT body FROM log_entries WHERE idx = 4")
leaf_hash=$({ printf '\0'; printf '%s' "$body"; } | sha256sum | cut -c1-64)
database_sql "UPDATE log_entries SET leaf_hash = $(sql_blob "$leaf_hash") WHERE idx = 4"
expect_exit 1 "$ensign" log verify
expect_stderr "log entry 4 does not match the signed checkpoint of size 5"
expect_exit 1 "$ensign" log proof --index 4
expect_stderr "does not prove log entry 4"
expect_exit 0 "$ensign" log proof --index 3
finish
