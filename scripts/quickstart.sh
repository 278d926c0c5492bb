#!/usr/bin/env bash
# quickstart.sh: installs what ensign needs, builds it, and runs the main job end to end on the
# embedded default (sim platform, SQLite): init, create a key, sign an artifact, verify it with
# ensign and with openssl. Everything happens in a fresh temporary ENSIGN_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target ensign ensign-enclave

bin=$PWD/build/release/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ENSIGN_HOME=$work/home
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }

step "$bin/ensign" init
step "$bin/ensign" key create release
step "$bin/ensign" key list
head -c 1048576 /dev/urandom > app.tar.gz
step "$bin/ensign" sign --key release app.tar.gz
step "$bin/ensign" verify --key release --require-attestation app.tar.gz
step "$bin/ensign" log checkpoint   # the signature is in the log the enclave signs
step "$bin/ensign" key export-public release -o release.pub.pem
# The bundle's signature is plain DER ECDSA: openssl checks it with the exported public key.
grep -o '"signature": *"[^"]*"' app.tar.gz.sigstore.json | cut -d'"' -f4 | base64 -d > app.sig
step openssl dgst -sha256 -verify release.pub.pem -signature app.sig app.tar.gz
echo tampered >> app.tar.gz
printf '\n$ %s\n' "$bin/ensign verify --key release app.tar.gz   # after tampering: must fail"
if "$bin/ensign" verify --key release app.tar.gz; then
  echo "quickstart: a tampered artifact verified" >&2
  exit 1
fi
printf '\nquickstart: the main job ran end to end (sim platform, SQLite in %s)\n' "$ENSIGN_HOME"
