#!/usr/bin/env bash
# server_test.sh: ensignd over HTTPS on loopback. Remote signing with the same CLI, the bundle
# checked with openssl and ensign verify; bearer tokens and their scopes (no, wrong, revoked and
# other-key tokens refused, none of them in the server's log); bad bodies answered 4xx with a
# JSON error and nothing signed; metrics and the OpenAPI document served; the log's inclusion and
# consistency proofs checked by an independent RFC 9162 verifier and by the remote CLI.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"

expect_exit 0 "$ensign" init
expect_exit 0 "$ensign" key create release
expect_exit 0 "$ensign" key create other
expect_exit 0 "$ensign" key create edkey --alg ed25519
release_token=$(token_for sign:release read)
ed_token=$(token_for sign:edkey)
other_token=$(token_for sign:other)
read_token=$(token_for read)
revoked_token=$(token_for sign:release)
revoked_id=$(echo "$revoked_token" | cut -d_ -f2)
expect_exit 0 "$ensign" token revoke "$revoked_id"
expect_exit 0 "$ensign" token list --json
grep -q '"revoked"' "$work/out" || die "token list does not show the revocation"
pass
# The database keeps no token secret.
for token in "$release_token" "$other_token" "$read_token"; do
  secret=${token:21}
  ! database_text | grep -aqF "$secret" || die "a token secret is in the database"
  pass
done

start_server

# call METHOD PATH TOKEN [BODY]: curl, the answer in $work/body, prints the HTTP status.
call() {
  local auth=()
  [ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
  curl -sS --cacert "$ca" -o "$work/body" -w '%{http_code}' -X "$1" "${auth[@]}" \
       -H 'Content-Type: application/json' ${4:+--data-binary "$4"} "$url$2"
}
expect_status() {
  local want=$1
  shift
  local got
  got=$(call "$@")
  [ "$got" = "$want" ] || { cat "$work/body"; die "expected HTTP $want, got $got: $*"; }
  pass
}
expect_json_error() {
  grep -q '"error":{"code":"[A-Za-z]*","message":"' "$work/body" || { cat "$work/body"; die "not a JSON error"; }
  pass
}

expect_status 200 GET /v1/health ""
grep -q '"status":"ok"' "$work/body" || die "health"
expect_status 200 GET /v1/openapi.yaml ""
grep -q '^openapi: 3' "$work/body" || die "the OpenAPI document is not served"
pass

# Remote signing with the same CLI: only the digest travels.
echo "release artifact" > app.tar.gz
export ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$release_token
expect_exit 0 "$ensign" sign --key release app.tar.gz
[ -s app.tar.gz.sigstore.json ] || die "no bundle written"
grep -q '"tlogEntries"' app.tar.gz.sigstore.json || die "the bundle has no log entry"
pass
echo "dsse payload" > statement.json
expect_exit 0 "$ensign" sign --key release --dsse --payload-type application/json statement.json
# Remote verification: ensignd checks the bundle against its key's versions; the artifact's
# digest travels (the whole artifact only for Ed25519, whose signature covers it).
expect_exit 0 "$ensign" verify --key release app.tar.gz
grep -q "signed by release@v1" "$work/out" || die "remote verify names no signer"
pass
expect_exit 0 "$ensign" verify --key release --json --require-attestation app.tar.gz
grep -q "\"server\": \"$url\"" "$work/out" || die "the remote report names no server"
grep -q '"key_attestation"' "$work/out" || die "the remote report shows no key attestation"
pass
expect_exit 0 "$ensign" verify --key release statement.json
echo "another artifact" > tampered.tar.gz
expect_exit 1 "$ensign" verify --key release --bundle app.tar.gz.sigstore.json tampered.tar.gz
expect_stderr "does not match the bundle's messageDigest"
expect_exit 1 "$ensign" verify --key release --bundle statement.json.sigstore.json tampered.tar.gz
expect_stderr "is not the DSSE payload"
expect_exit 1 "$ensign" verify --key other app.tar.gz
expect_stderr "which is no version of key 'other'"
expect_exit 1 "$ensign" verify --key release --measurement 00 app.tar.gz
expect_stderr "key attestation"
expect_exit 2 "$ensign" verify --key release --sim-root release.pub.pem --require-attestation app.tar.gz
expect_stderr "--sim-root is for verifying here"
ENSIGN_TOKEN=$ed_token expect_exit 0 "$ensign" sign --key edkey app.tar.gz --bundle app.ed.sigstore.json
ENSIGN_TOKEN=$ed_token expect_exit 0 "$ensign" verify --key edkey --bundle app.ed.sigstore.json app.tar.gz
ENSIGN_TOKEN=$ed_token expect_exit 1 "$ensign" verify --key edkey --bundle app.ed.sigstore.json tampered.tar.gz
expect_stderr "does not match the bundle's messageDigest"
unset ENSIGN_URL ENSIGN_CA_CERT ENSIGN_TOKEN
# A local signature on the same store moves the log on behind the server's enclave: the server
# continues from the stored log, proving to its enclave that it extends the tree it signed.
expect_exit 0 "$ensign" sign --key release --bundle app.local.sigstore.json app.tar.gz
ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$release_token \
  expect_exit 0 "$ensign" sign --key release --bundle app.after.sigstore.json app.tar.gz
expect_exit 0 "$ensign" log verify
pass
# The bundle verifies locally and with openssl.
expect_exit 0 "$ensign" verify --key release --bundle app.tar.gz.sigstore.json app.tar.gz
expect_exit 0 "$ensign" verify --key release --bundle statement.json.sigstore.json statement.json
expect_exit 0 "$ensign" key export-public release -o release.pub.pem
bundle_signature app.tar.gz.sigstore.json app.sig
expect_exit 0 openssl dgst -sha256 -verify release.pub.pem -signature app.sig app.tar.gz
# The remote CLI refuses a server it cannot authenticate.
ENSIGN_URL=$url ENSIGN_TOKEN=$release_token expect_exit 1 "$ensign" sign --key release app.tar.gz
expect_stderr "ENSIGN_CA_CERT"

digest=$(openssl dgst -sha256 -binary app.tar.gz | base64 -w0)
body="{\"digest\":\"$digest\"}"
log_size() { call GET /v1/health "" >/dev/null; sed -n 's/.*"logSize":\([0-9]*\).*/\1/p' "$work/body"; }
size_before=$(log_size)

# Authentication and scopes: all refused, and nothing is signed.
expect_status 401 POST /v1/keys/release/sign "" "$body"
expect_json_error
expect_status 401 POST /v1/keys/release/sign "ens_0123456789abcdef_$(head -c32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d =)" "$body"
expect_status 401 POST /v1/keys/release/sign "not-a-token" "$body"
expect_status 401 POST /v1/keys/release/sign "${release_token%?}x" "$body"
expect_status 401 POST /v1/keys/release/sign "$revoked_token" "$body"
expect_status 403 POST /v1/keys/release/sign "$other_token" "$body"
expect_json_error
expect_status 403 POST /v1/keys/release/sign "$read_token" "$body"
expect_status 403 POST /v1/keys "$release_token" '{"name":"sneaky"}'
expect_status 401 GET /v1/keys ""
expect_status 200 GET /v1/keys "$read_token"
expect_status 200 GET /v1/keys/release "$release_token"

# Bad input: 4xx with a JSON error body.
expect_status 400 POST /v1/keys/release/sign "$release_token" '{"digest":'
expect_json_error
expect_status 400 POST /v1/keys/release/sign "$release_token" "{\"digest\":\"$digest\",\"extra\":1}"
expect_status 400 POST /v1/keys/release/sign "$release_token" '{"digest":"AAAA"}'
expect_status 400 POST /v1/keys/release/sign "$release_token" '{"digest":"not base64!"}'
expect_status 400 POST /v1/keys/release/sign "$release_token" "{\"digest\":\"$digest\",\"message\":\"AA==\"}"
expect_status 400 POST /v1/keys/release/sign "$release_token" '[]'
expect_status 400 POST /v1/keys/release/sign "$release_token" "$(printf '%.0s[' $(seq 100))"
expect_status 404 POST /v1/keys/absent/sign "$(token_for admin)" "$body"
expect_json_error
expect_status 404 GET /v1/nothing-here ""
expect_json_error
head -c 7000000 /dev/zero | tr '\0' 'A' > big.json
got=$(curl -sS --cacert "$ca" -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $release_token" \
  --data-binary @big.json "$url/v1/keys/release/sign")
[ "$got" = 413 ] || die "an oversize body got HTTP $got"
pass
head -c 13000000 /dev/zero | tr '\0' 'A' > bigger.json
got=$(curl -sS --cacert "$ca" -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $release_token" \
  --data-binary @bigger.json "$url/v1/keys/release/verify")
[ "$got" = 413 ] || die "a body over the transport's bound got HTTP $got"
pass
# The verify route: scopes, and bad bodies refused before any check.
verify_body="{\"bundle\":$(cat app.tar.gz.sigstore.json),\"digest\":\"$digest\"}"
expect_status 200 POST /v1/keys/release/verify "$read_token" "$verify_body"
grep -q '"verified":true' "$work/body" || { cat "$work/body"; die "the verify route did not verify"; }
pass
expect_status 401 POST /v1/keys/release/verify "" "$verify_body"
expect_status 403 POST /v1/keys/release/verify "$other_token" "$verify_body"
expect_status 400 POST /v1/keys/release/verify "$read_token" '{"bundle":{}}'
expect_json_error
expect_status 400 POST /v1/keys/release/verify "$read_token" "{\"bundle\":$(cat app.tar.gz.sigstore.json),\"digest\":\"AAAA\"}"
expect_status 404 POST /v1/keys/absent/verify "$read_token" "$verify_body"
expect_status 400 GET "/v1/keys/release?version=abc" "$read_token"
expect_status 400 GET "/v1/attestation?nonce=" "$read_token"
[ "$(log_size)" = "$size_before" ] || die "a refused request reached the log"
pass

# One good request through curl, an attestation, the log.
expect_status 200 POST /v1/keys/release/sign "$release_token" "$body"
grep -q '"tlogEntries"' "$work/body" || die "the signed bundle has no log entry"
pass
cp "$work/body" curl.sigstore.json
[ "$(log_size)" = "$((size_before + 1))" ] || die "the log did not grow by one"
pass
expect_status 200 GET "/v1/attestation?nonce=$(echo -n nonce | base64)" "$read_token"
grep -q '"evidence":"' "$work/body" || die "no evidence"
pass
expect_status 200 GET /v1/log/checkpoint "$read_token"
head -1 "$work/body" | grep -q '^ensign.local/log-' || die "not a checkpoint"
pass
expect_status 200 GET "/v1/log/entries?start=0&count=2" "$read_token"
expect_status 400 GET "/v1/log/entries?count=100000" "$read_token"

# An auditor's check over HTTPS with code of its own (tests/support/rfc9162_check.js): the
# entry curl's bundle names is in the signed tree, and an early tree is a prefix of today's.
json_field() { node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1]));
  process.stdout.write(String(process.argv[2].split(".").reduce((o, k) => o[k], v)))' "$@"; }
index=$(json_field curl.sigstore.json verificationMaterial.tlogEntries.0.logIndex)
expect_status 200 GET /v1/log/public-key "$read_token"
cp "$work/body" log.pub.pem
expect_status 200 GET "/v1/log/entries?start=$index&count=1" "$read_token"
json_field "$work/body" entries.0.body > entry.json
check=$ENSIGN_SOURCE_DIR/tests/support/rfc9162_check.js
expect_status 200 GET "/v1/log/proof/inclusion?index=$index" "$read_token"
expect_exit 0 node "$check" inclusion "$work/body" entry.json log.pub.pem
leaf=$(json_field "$work/body" leaf_hash | tr '+/' '-_' | tr -d =)
expect_status 200 GET "/v1/log/proof/inclusion?leaf_hash=$leaf" "$read_token"
expect_exit 0 node "$check" inclusion "$work/body" entry.json log.pub.pem
echo '{"tampered":true}' > tampered.json
expect_exit 1 node "$check" inclusion "$work/body" tampered.json log.pub.pem
expect_exit 1 node "$check" inclusion "$work/body" entry.json release.pub.pem   # not the log key
size=$(log_size)
expect_status 200 GET "/v1/log/proof/consistency?first=1&second=$size" "$read_token"
expect_exit 0 node "$check" consistency "$work/body" log.pub.pem
expect_status 200 GET "/v1/log/proof/consistency?first=2" "$read_token"
expect_exit 0 node "$check" consistency "$work/body" log.pub.pem
node -e 'const fs = require("fs"), p = JSON.parse(fs.readFileSync(process.argv[1]));
  p.proof[0] = Buffer.alloc(32).toString("base64"); fs.writeFileSync(process.argv[1], JSON.stringify(p))' "$work/body"
expect_exit 1 node "$check" consistency "$work/body" log.pub.pem   # a changed hash
expect_status 200 GET "/v1/log/checkpoint?size=1" "$read_token"
sed -n 2p "$work/body" | grep -qx 1 || die "the checkpoint of size 1 is not of size 1"
pass
expect_status 400 GET "/v1/log/proof/inclusion?index=0&leaf_hash=$leaf" "$read_token"
expect_json_error
expect_status 400 GET "/v1/log/proof/inclusion" "$read_token"
expect_status 404 GET "/v1/log/proof/inclusion?index=$size" "$read_token"
expect_status 400 GET "/v1/log/proof/consistency?first=0" "$read_token"
expect_status 400 GET "/v1/log/proof/consistency" "$read_token"
expect_status 401 GET "/v1/log/proof/inclusion?index=0" ""
# The remote CLI asks the server, and checks the proof it answers.
ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$read_token \
  expect_exit 0 "$ensign" log proof --index "$index" --json
grep -q "\"index\": *$index" "$work/out" || die "the remote proof is not of entry $index"
pass
ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$read_token expect_exit 0 "$ensign" log checkpoint
head -1 "$work/out" | grep -q '^ensign.local/log-' || die "the remote checkpoint is not one"
pass
expect_status 200 GET /metrics "$read_token"
grep -q '^ensign_signatures_total [1-9]' "$work/body" || die "metrics lack the signatures"
grep -q '^ensign_auth_refusals_total [1-9]' "$work/body" || die "metrics lack the refusals"
pass

# The server's log names refusals but holds no presented token.
stop_server
grep -q "refused POST /v1/keys/release/sign" "$work/server.log" || die "refusals are not logged"
pass
for token in "$release_token" "$other_token" "$read_token" "$revoked_token"; do
  ! grep -qF "${token:21}" "$work/server.log" || die "a token is in the server's log"
  pass
done
finish
