#!/usr/bin/env bash
# Bundles made by the ensign CLI, locally and through ensignd over HTTPS, verify with
# @sigstore/verify (a verifier we did not write) given only the public key; tampered ones fail
# there as in ensign.
#
# Two combinations @sigstore/verify 3.1.1 (and 4.1.3) cannot verify, whoever made the bundle:
#  - Ed25519 messageSignature: dist/bundle/message.js passes the messageDigest hash name to
#    node's crypto.verify, which refuses any digest for an Ed25519 key (ERR_OSSL_INVALID_DIGEST).
#  - ECDSA P-384 DSSE: dist/bundle/dsse.js calls crypto.verify with no digest, so node hashes
#    the PAE with SHA-256, while PKIX_ECDSA_P384_SHA_384 (and ensign) sign SHA-384.
# The script checks that the peer refuses exactly those with SIGNATURE_ERROR and accepts the rest;
# ensign and openssl verify all of them.
source "$(dirname "$0")/lib.sh"

# peer_limitation ALG KIND: true for the two combinations above.
peer_limitation() {
  [ "$1/$2" = ed25519/blob ] || [ "$1/$2" = ecdsa-p384/dsse ]
}
# expect_peer ALG KIND ARGS...: the peer verifies, or refuses with SIGNATURE_ERROR where it cannot.
expect_peer() {
  local alg=$1 kind=$2
  shift 2
  if peer_limitation "$alg" "$kind"; then
    expect_exit 1 sigstore_verify "$@"
    grep -q SIGNATURE_ERROR "$work/out" || { cat "$work/out"; die "unexpected peer failure for $alg $kind"; }
  else
    expect_exit 0 sigstore_verify "$@"
  fi
}

verifier_dir=$ENSIGN_BUILD_DIR/sigstore-verify
bash "$ENSIGN_SOURCE_DIR/tests/support/npm_peer.sh" sigstore "$verifier_dir" >/dev/null
# Every bundle carries its transparency log entry; the verifier checks it against the log key.
sigstore_verify() { node "$ENSIGN_SOURCE_DIR/tests/support/sigstore/verify.js" "$@" log.der "$log_origin"; }
export NODE_PATH=$verifier_dir/node_modules

expect_exit 0 "$ensign" init
expect_exit 0 "$ensign" log public-key --out log.pem
openssl pkey -pubin -in log.pem -outform DER -out log.der
log_origin=$("$ensign" log checkpoint | head -1)
[ -n "$log_origin" ] || die "ensign log checkpoint printed no origin"
head -c 200000 /dev/urandom > app.bin
digest=$(sha256sum app.bin | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app.bin","digest":{"sha256":"%s"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}' "$digest" > statement.json
cp app.bin tampered.bin && printf 'x' >> tampered.bin
for alg in ecdsa-p256 ecdsa-p384 ed25519; do
  expect_exit 0 "$ensign" key create "$alg" --alg "$alg"
  expect_exit 0 "$ensign" key export-public "$alg" -o "$alg.pem"
  openssl pkey -pubin -in "$alg.pem" -outform DER -out "$alg.der"
  hint=$("$ensign" key show "$alg" --json | grep '"id"' | head -1 | cut -d'"' -f4)
  expect_exit 0 "$ensign" sign --key "$alg" app.bin --bundle "blob.$alg.json"
  expect_peer "$alg" blob "blob.$alg.json" app.bin "$alg.der" "$hint"
  expect_exit 0 "$ensign" verify --public-key "$alg.pem" app.bin --bundle "blob.$alg.json"
  expect_exit 1 sigstore_verify "blob.$alg.json" tampered.bin "$alg.der" "$hint"
  expect_exit 1 "$ensign" verify --key "$alg" tampered.bin --bundle "blob.$alg.json"
  expect_exit 0 "$ensign" sign --key "$alg" --dsse statement.json --bundle "dsse.$alg.json"
  expect_peer "$alg" dsse "dsse.$alg.json" - "$alg.der" "$hint"
  expect_exit 0 "$ensign" verify --public-key "$alg.pem" statement.json --bundle "dsse.$alg.json"
  # A changed payload breaks the signature for both verifiers.
  payload=$(grep -o '"payload": *"[^"]*"' "dsse.$alg.json" | cut -d'"' -f4)
  changed=$(printf '%s' "$payload" | base64 -d | sed 's/provenance/provenancX/' | base64 -w0)
  sed "s#$payload#$changed#" "dsse.$alg.json" > "dsse-tampered.$alg.json"
  expect_exit 1 sigstore_verify "dsse-tampered.$alg.json" - "$alg.der" "$hint"
  expect_exit 1 "$ensign" verify --key "$alg" statement.json --bundle "dsse-tampered.$alg.json"
  # A changed signature fails everywhere, openssl included.
  sig=$(grep -o '"signature": *"[^"]*"' "blob.$alg.json" | cut -d'"' -f4)
  flipped=$(printf '%s' "$sig" | base64 -d | xxd -p | tr -d '\n' | sed 's/..$/00/' | xxd -r -p | base64 -w0)
  [ "$flipped" != "$sig" ] || flipped=$(printf '%s' "$sig" | base64 -d | xxd -p | tr -d '\n' | sed 's/..$/01/' | xxd -r -p | base64 -w0)
  sed "s#$sig#$flipped#" "blob.$alg.json" > "sig-tampered.$alg.json"
  expect_exit 1 sigstore_verify "sig-tampered.$alg.json" app.bin "$alg.der" "$hint"
  expect_exit 1 "$ensign" verify --key "$alg" app.bin --bundle "sig-tampered.$alg.json"
  printf '%s' "$flipped" | base64 -d > flipped.sig
  if [ "$alg" = ed25519 ]; then
    ! openssl pkeyutl -verify -pubin -inkey "$alg.pem" -rawin -in app.bin -sigfile flipped.sig >/dev/null 2>&1 || die "openssl accepted a tampered ed25519 signature"
  else
    hash=sha256; [ "$alg" = ecdsa-p384 ] && hash=sha384
    ! openssl dgst "-$hash" -verify "$alg.pem" -signature flipped.sig app.bin >/dev/null 2>&1 || die "openssl accepted a tampered $alg signature"
  fi
  pass
done

# The log entry is checked, not just carried: a moved index, a changed checkpoint or another
# log's key is refused.
edit_bundle() {  # edit_bundle IN OUT JS: applies JS to the bundle `b`
  node -e "const fs=require('fs'); const b=JSON.parse(fs.readFileSync('$1'));
const e=b.verificationMaterial.tlogEntries[0]; $3; fs.writeFileSync('$2', JSON.stringify(b));"
}
hint=$("$ensign" key show ecdsa-p256 --json | grep '"id"' | head -1 | cut -d'"' -f4)
edit_bundle blob.ecdsa-p256.json moved.json "e.logIndex=String(BigInt(e.logIndex)+1n); e.inclusionProof.logIndex=e.logIndex"
expect_exit 1 sigstore_verify moved.json app.bin ecdsa-p256.der "$hint"
edit_bundle blob.ecdsa-p256.json resized.json "const c=e.inclusionProof.checkpoint; c.envelope=c.envelope.replace(/\n(\d+)\n/, (m, n) => '\n' + (BigInt(n)+1n) + '\n')"
cmp -s blob.ecdsa-p256.json resized.json && die "the checkpoint edit changed nothing"
expect_exit 1 sigstore_verify resized.json app.bin ecdsa-p256.der "$hint"
expect_exit 1 node "$ENSIGN_SOURCE_DIR/tests/support/sigstore/verify.js" blob.ecdsa-p256.json \
  app.bin ecdsa-p256.der "$hint" ecdsa-p256.der "$log_origin"
pass

# Bundles that ensignd signed over HTTPS, for the same CLI in remote mode, verify the same way.
source "$ENSIGN_SOURCE_DIR/tests/e2e/server_lib.sh"
token=$(token_for sign:ecdsa-p256 sign:ecdsa-p384 sign:ed25519 read)
start_server
for alg in ecdsa-p256 ecdsa-p384 ed25519; do
  hint=$("$ensign" key show "$alg" --json | grep '"id"' | head -1 | cut -d'"' -f4)
  ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$token \
    expect_exit 0 "$ensign" sign --key "$alg" app.bin --bundle "remote-blob.$alg.json"
  expect_peer "$alg" blob "remote-blob.$alg.json" app.bin "$alg.der" "$hint"
  expect_exit 1 sigstore_verify "remote-blob.$alg.json" tampered.bin "$alg.der" "$hint"
  ENSIGN_URL=$url ENSIGN_CA_CERT=$ca ENSIGN_TOKEN=$token \
    expect_exit 0 "$ensign" sign --key "$alg" --dsse statement.json --bundle "remote-dsse.$alg.json"
  expect_peer "$alg" dsse "remote-dsse.$alg.json" - "$alg.der" "$hint"
done
stop_server
finish
