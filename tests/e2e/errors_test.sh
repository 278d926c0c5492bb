#!/usr/bin/env bash
# Bad input never loses state: a missing, corrupt or tampered database, sealed blob, bundle, PEM or
# artifact gets a one-line error naming the file and the problem, a non-zero exit, and ENSIGN_HOME
# is left exactly as it was.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$ensign" init
expect_exit 0 "$ensign" key create release
head -c 5000 /dev/urandom > app.bin
expect_exit 0 "$ensign" sign --key release app.bin
expect_exit 0 "$ensign" key export-public release -o release.pub.pem
before=$(state_digest; database_digest)

# Missing artifact, PEM that is not a key, a directory as an artifact.
expect_exit 2 "$ensign" sign --key release missing.bin
expect_stderr "missing.bin"
echo "-----BEGIN PUBLIC KEY-----
not base64 at all
-----END PUBLIC KEY-----" > bad.pem
expect_exit 2 "$ensign" verify --public-key bad.pem app.bin
expect_stderr "bad.pem"
expect_exit 2 "$ensign" verify --public-key missing.pem app.bin
expect_stderr "missing.pem"
mkdir adir
expect_exit 2 "$ensign" sign --key release adir
expect_stderr "adir"
expect_exit 2 "$ensign" sign --key nope app.bin
expect_stderr "nope"
# Truncated and garbled bundles.
head -c 100 app.bin.sigstore.json > truncated.json
expect_exit 2 "$ensign" verify --key release app.bin --bundle truncated.json
expect_stderr "truncated.json"
head -c 3000000 /dev/zero | tr '\0' '[' > deep.json
expect_exit 2 "$ensign" verify --key release app.bin --bundle deep.json
expect_stderr "deep.json"
[ "$(state_digest; database_digest)" = "$before" ] || die "a failed command changed the state"
pass

# A sealed blob with one byte changed is refused by the enclave, and nothing is signed.
if [ "$test_db" = postgres ]; then
  # Flipping the last bit twice puts the blob back.
  flip="UPDATE key_versions SET sealed_key = set_byte(sealed_key, length(sealed_key) - 1,
          get_byte(sealed_key, length(sealed_key) - 1) # 1) WHERE name = 'release'"
  tamper_sealed_key() { bash "$postgres_sh" psql "$work/postgres" -q -c "$flip"; }
  restore_database() { tamper_sealed_key; }
else
  cp "$ENSIGN_HOME/ensign.db" "$work/ensign.db.orig"
  tamper_sealed_key() {
    sqlite3 "$ENSIGN_HOME/ensign.db" \
      "UPDATE key_versions SET sealed_key = CAST(substr(sealed_key, 1, length(sealed_key) - 1) ||
         CASE WHEN substr(sealed_key, -1) = x'00' THEN x'01' ELSE x'00' END AS BLOB) WHERE name = 'release';"
  }
  restore_database() {
    cp "$work/ensign.db.orig" "$ENSIGN_HOME/ensign.db"
    rm -f "$ENSIGN_HOME/ensign.db-wal" "$ENSIGN_HOME/ensign.db-shm"
  }
fi
tamper_sealed_key
expect_exit 1 "$ensign" sign --key release app.bin --bundle should-not-exist.json
expect_stderr "release@v1"
[ ! -e should-not-exist.json ] || die "a bundle was written after a failed signature"
pass
restore_database
expect_exit 0 "$ensign" sign --key release app.bin --bundle ok.json

# A corrupt database file: one line naming the file, and the file is left as it was.
if [ "$test_db" = sqlite ]; then
  before=$(sha256sum "$ENSIGN_HOME/ensign.db")
  head -c 4096 /dev/urandom > "$work/garbage.db"
  cp "$work/garbage.db" "$ENSIGN_HOME/ensign.db"
  rm -f "$ENSIGN_HOME/ensign.db-wal" "$ENSIGN_HOME/ensign.db-shm"
  expect_exit 1 "$ensign" key list
  expect_stderr "ensign.db"
  cmp -s "$work/garbage.db" "$ENSIGN_HOME/ensign.db" || die "a corrupt database was modified"
  pass
  restore_database
fi

# A sim root from another installation: the old keys are refused by name, clearly.
mv "$ENSIGN_HOME/sim-root.pem" "$work/sim-root.pem.orig"
expect_exit 1 "$ensign" init                 # refuses to orphan the sealed keys
expect_stderr "sim root"
expect_exit 1 "$ensign" sign --key release app.bin
expect_stderr "ensign init"
other=$work/other-home
ENSIGN_HOME=$other ENSIGN_DB= "$ensign" init >/dev/null
cp "$other/sim-root.pem" "$ENSIGN_HOME/sim-root.pem"
expect_exit 1 "$ensign" sign --key release app.bin --bundle should-not-exist.json
expect_stderr "another installation"
mv "$work/sim-root.pem.orig" "$ENSIGN_HOME/sim-root.pem"
expect_exit 0 "$ensign" sign --key release app.bin --bundle ok2.json

# A root readable by others is refused.
chmod 644 "$ENSIGN_HOME/sim-root.pem"
expect_exit 1 "$ensign" sign --key release app.bin
expect_stderr "600"
chmod 600 "$ENSIGN_HOME/sim-root.pem"

# A different enclave build (different measurement) cannot unseal the keys.
cp "$ENSIGN_BIN_DIR/ensign-enclave" "$work/ensign-enclave"
printf 'another build' >> "$work/ensign-enclave"
ENSIGN_ENCLAVE=$work/ensign-enclave expect_exit 1 "$ensign" sign --key release app.bin
expect_stderr "another enclave build"
finish
