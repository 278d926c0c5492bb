#!/usr/bin/env bash
# The README's release-engineer flow, checked step by step, with openssl as the outside verifier.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$ensign" --help
for command in init "key create" "key list" "key show" "key export-public" "key rotate" sign verify audit; do
  # shellcheck disable=SC2086
  expect_exit 0 "$ensign" $command --help
done
expect_exit 1 "$ensign" key list            # not initialised yet: one line saying what to do
expect_stderr "run \`ensign init\`"
expect_exit 2 "$ensign" frobnicate          # usage error

expect_exit 0 "$ensign" init
[ "$(stat -c %a "$ENSIGN_HOME")" = 700 ] || die "ENSIGN_HOME is not 0700"
[ "$(stat -c %a "$ENSIGN_HOME/sim-root.pem")" = 600 ] || die "sim root is not 0600"
expect_exit 0 "$ensign" init --json          # idempotent
grep -q '"platform": "sim"' "$work/out" || die "init --json lacks the platform"

expect_exit 0 "$ensign" key create release
expect_exit 1 "$ensign" key create release   # the name is taken
expect_stderr "already exists"
expect_exit 2 "$ensign" key create 'bad name!'
expect_exit 2 "$ensign" key create other --alg rsa-2048
expect_exit 0 "$ensign" key create p384 --alg ecdsa-p384
expect_exit 0 "$ensign" key create ed --alg ed25519
expect_exit 0 "$ensign" key list
grep -q '^release ' "$work/out" || die "key list lacks release"
expect_exit 0 "$ensign" key list --json
grep -q '"name": "p384"' "$work/out" || die "key list --json lacks p384"
expect_exit 0 "$ensign" key show release --json
grep -q '"verified": true' "$work/out" || die "key attestation does not verify in key show"
grep -q '"algorithm": "ecdsa-p256"' "$work/out" || die "default algorithm is not ecdsa-p256"
expect_exit 0 "$ensign" key show release
grep -q 'BEGIN PUBLIC KEY' "$work/out" || die "key show lacks the PEM"
expect_exit 2 "$ensign" key show missing
expect_stderr "missing"

head -c 300000 /dev/urandom > app.tar.gz
for key in release p384 ed; do
  expect_exit 0 "$ensign" key export-public "$key" -o "$key.pub.pem"
  openssl pkey -pubin -in "$key.pub.pem" -noout || die "$key.pub.pem is not a PEM public key"
  expect_exit 0 "$ensign" sign --key "$key" app.tar.gz --bundle "app.$key.json"
  expect_exit 0 "$ensign" verify --key "$key" app.tar.gz --bundle "app.$key.json"
  expect_exit 0 "$ensign" verify --public-key "$key.pub.pem" app.tar.gz --bundle "app.$key.json"
  bundle_signature "app.$key.json" "app.$key.sig"
  case $key in
    release) openssl dgst -sha256 -verify "$key.pub.pem" -signature "app.$key.sig" app.tar.gz >/dev/null ;;
    p384) openssl dgst -sha384 -verify "$key.pub.pem" -signature "app.$key.sig" app.tar.gz >/dev/null ;;
    ed) openssl pkeyutl -verify -pubin -inkey "$key.pub.pem" -rawin -in app.tar.gz -sigfile "app.$key.sig" >/dev/null ;;
  esac || die "openssl rejects the $key signature"
  pass
done
# Another key's bundle is invalid (exit 1, the reason on stderr).
expect_exit 1 "$ensign" verify --key p384 app.tar.gz --bundle app.release.json
expect_stderr "no version of key 'p384'"
expect_exit 1 "$ensign" verify --public-key p384.pub.pem app.tar.gz --bundle app.release.json
expect_stderr "verification failed"

# Default bundle path, and a tampered artifact, signature and bundle.
expect_exit 0 "$ensign" sign --key release app.tar.gz
[ -f app.tar.gz.sigstore.json ] || die "sign did not write app.tar.gz.sigstore.json"
expect_exit 0 "$ensign" verify --key release app.tar.gz
cp app.tar.gz tampered.tar.gz && printf 'x' >> tampered.tar.gz
expect_exit 1 "$ensign" verify --key release tampered.tar.gz --bundle app.tar.gz.sigstore.json
expect_stderr "digest"
if openssl dgst -sha256 -verify release.pub.pem -signature app.release.sig tampered.tar.gz >/dev/null 2>&1; then
  die "openssl accepted a tampered artifact"
fi
pass
sig=$(grep -o '"signature": *"[^"]*"' app.tar.gz.sigstore.json | cut -d'"' -f4)
head -c 1000 /dev/urandom > other.bin
expect_exit 0 "$ensign" sign --key release other.bin
third=$(grep -o '"signature": *"[^"]*"' other.bin.sigstore.json | cut -d'"' -f4)
sed "s#$sig#$third#" app.tar.gz.sigstore.json > wrong-sig.json
expect_exit 1 "$ensign" verify --key release app.tar.gz --bundle wrong-sig.json
expect_stderr "does not verify"
printf '{"mediaType": "nonsense"}' > broken.json
expect_exit 2 "$ensign" verify --key release app.tar.gz --bundle broken.json
expect_stderr "broken.json"
expect_exit 2 "$ensign" verify --key release app.tar.gz --bundle missing.json
expect_exit 2 "$ensign" verify app.tar.gz
expect_exit 2 "$ensign" verify --key release --public-key release.pub.pem app.tar.gz

# Key attestation: required, pinned to the right and a wrong measurement, and absent.
measurement=$("$ensign" init --json | grep '"measurement"' | cut -d'"' -f4)
expect_exit 0 "$ensign" verify --key release app.tar.gz --require-attestation --measurement "$measurement"
expect_exit 1 "$ensign" verify --key release app.tar.gz --measurement "$(printf '0%.0s' $(seq 96))"
expect_stderr "measurement"
expect_exit 0 "$ensign" verify --public-key release.pub.pem app.tar.gz --require-attestation \
  --sim-root "$ENSIGN_HOME/sim-root.pub.pem" --json
grep -q '"verified": true' "$work/out" || die "verify --json does not say verified"
expect_exit 0 "$ensign" sign --key release app.tar.gz --no-attestation --bundle bare.json
expect_exit 0 "$ensign" verify --key release app.tar.gz --bundle bare.json
expect_exit 1 "$ensign" verify --key release app.tar.gz --bundle bare.json --require-attestation
expect_stderr "no key attestation"

# Rotation: the old bundle still verifies, new signatures use version 2.
expect_exit 0 "$ensign" key rotate release
expect_exit 0 "$ensign" verify --key release app.tar.gz --bundle app.release.json
expect_exit 0 "$ensign" sign --key release app.tar.gz --bundle v2.json --json
grep -q '"version": 2' "$work/out" || die "the rotated key did not sign with version 2"
expect_exit 0 "$ensign" verify --key release app.tar.gz --bundle v2.json
expect_exit 1 "$ensign" verify --public-key release.pub.pem app.tar.gz --bundle v2.json   # v1's key
expect_exit 0 "$ensign" key show release --version 1 --json
grep -q '"current_version": 2' "$work/out" || die "key show does not report the current version"

# The audit table: every creation, rotation and signature, with who and which digest.
expect_exit 0 "$ensign" audit --key release --json
[ "$(grep -c '"action": "sign"' "$work/out")" -ge 5 ] || die "audit lacks the signatures"
grep -q '"action": "key.rotate"' "$work/out" || die "audit lacks the rotation"
grep -q "\"digest\": \"$(sha256sum app.tar.gz | cut -d' ' -f1)\"" "$work/out" || die "audit lacks the artifact digest"
expect_exit 0 "$ensign" audit --limit 3
[ "$(wc -l < "$work/out")" -eq 4 ] || die "audit --limit 3 did not print 3 events"
expect_exit 2 "$ensign" audit --limit 0

# DSSE with an in-toto statement: the payload and its subject both verify.
digest=$(sha256sum app.tar.gz | cut -d' ' -f1)
cat > statement.json <<JSON
{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app.tar.gz","digest":{"sha256":"$digest"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}
JSON
for key in release p384 ed; do
  expect_exit 0 "$ensign" sign --key "$key" --dsse --payload-type application/vnd.in-toto+json statement.json --bundle "st.$key.json"
  expect_exit 0 "$ensign" verify --key "$key" statement.json --bundle "st.$key.json"
  expect_exit 0 "$ensign" verify --key "$key" app.tar.gz --bundle "st.$key.json"
  expect_exit 1 "$ensign" verify --key "$key" tampered.tar.gz --bundle "st.$key.json"
done
finish
