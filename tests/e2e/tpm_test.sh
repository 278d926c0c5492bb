#!/bin/bash
# tpm_test.sh: the tpm platform end to end on real TPMs (swtpm), as a user runs it: keys made in
# the TPM, signatures openssl verifies, key attestations with TPM2_Certify, quotes that
# tpm2_checkquote (tpm2-tools) verifies, sealed state bound to PCR 16, and errors that name the
# TPM command. Skipped when swtpm or tpm2-tools is not installed.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
if ! command -v swtpm >/dev/null || ! command -v tpm2_checkquote >/dev/null; then
  echo "tpm_test.sh: SKIPPED: swtpm or tpm2-tools is not installed"
  exit 0
fi
source "$here/swtpm.sh"
export TSS2_LOG=all+NONE

json_field() {  # json_field FILE EXPRESSION: prints a field of a JSON file with node
  node -e "const d=JSON.parse(require('fs').readFileSync('$1','utf8')); console.log($2)"
}
# tpm FUNCTION ARGS...: tpm2-tools on TPM A, flushing what it leaves (swtpm has 3 object slots).
tpm() {
  local status=0
  TPM2TOOLS_TCTI=$tcti_a "$@" || status=$?
  TPM2TOOLS_TCTI=$tcti_a tpm2_flushcontext -t >/dev/null 2>&1
  TPM2TOOLS_TCTI=$tcti_a tpm2_flushcontext -s >/dev/null 2>&1
  return $status
}

start_swtpm a
tcti_a=$SWTPM_TCTI
start_swtpm b
tcti_b=$SWTPM_TCTI

# init makes the SRK, the AK and this build's sealed state; running it again changes nothing.
expect_exit 0 "$ensign" init --platform tpm --tcti "$tcti_a" --json
[ "$(json_field "$work/out" 'd.platform')" = tpm ] || die "init: $(cat "$work/out")"
measurement=$(json_field "$work/out" 'd.measurement')
expect_exit 0 "$ensign" init --platform tpm --tcti "$tcti_a"
tpm tpm2_readpublic -c 0x81000001 >readpublic.txt || die "no persistent SRK"
grep -q "restricted" readpublic.txt && grep -q "decrypt" readpublic.txt || die "SRK: $(cat readpublic.txt)"
pass

# Keys are made in the TPM; signatures are the usual DER ones, which openssl verifies.
echo "release artifact" > app.tar.gz
expect_exit 0 "$ensign" key create release
expect_exit 0 "$ensign" key create release384 --alg ecdsa-p384
expect_exit 2 "$ensign" key create edkey --alg ed25519
expect_stderr "TPM 2.0 has no ed25519"
for key in release release384; do
  expect_exit 0 "$ensign" sign --key $key -o $key.bundle app.tar.gz
  expect_exit 0 "$ensign" verify --key $key --bundle $key.bundle app.tar.gz --require-attestation
  expect_exit 0 "$ensign" key show $key --json
  json_field "$work/out" 'd.public_key_pem' > $key.pem
  bundle_signature $key.bundle $key.sig
  digest=sha256; [ $key = release384 ] && digest=sha384
  openssl dgst -$digest -verify $key.pem -signature $key.sig app.tar.gz >/dev/null ||
    die "openssl does not verify the $key signature"
  pass
done

# The key attestation is a TPM2_Certify by the AK: it verifies and states the key's attributes.
expect_exit 0 "$ensign" key show release --json
cp "$work/out" show.json
[ "$(json_field show.json 'd.key_attestation.verified')" = true ] || die "attestation: $(cat show.json)"
[ "$(json_field show.json 'd.key_attestation.measurement')" = "$measurement" ] || die "measurement"
attributes=$(json_field show.json 'd.key_attestation.tpm.key_attributes.join(",")')
[ "$attributes" = "fixedTPM,fixedParent,sensitiveDataOrigin,userWithAuth,sign" ] ||
  die "attributes: $attributes"
pass

# Evidence: one file that `attest verify` takes, and the files tpm2_checkquote takes.
nonce=$(openssl rand -hex 20)
qualifying=$(printf '%s%0*d' "$nonce" $((128 - ${#nonce})) 0)
expect_exit 0 "$ensign" attest evidence --nonce "$nonce" -o evidence.json --out-dir quote
expect_exit 0 tpm2_checkquote -u quote/ak.pub.pem -m quote/quote.msg -s quote/quote.sig \
  -f quote/quote.pcrs -g sha256 -q "$qualifying"
expect_exit 1 tpm2_checkquote -u quote/ak.pub.pem -m quote/quote.msg -s quote/quote.sig \
  -f quote/quote.pcrs -g sha256 -q "${qualifying/#??/ff}"
expect_exit 0 "$ensign" attest verify --evidence evidence.json --nonce "$nonce" \
  --ak-pub "$ENSIGN_HOME/tpm-ak.pub.pem" --json
[ "$(json_field "$work/out" 'd.claims.pcrs.sha256["16"]')" = \
  "$(json_field evidence.json 'd.tpm_quote.pcrs[8]')" ] || die "PCR 16 claim"
pass
# ensign's verifier refuses another nonce, a changed PCR value and a flipped byte.
expect_exit 1 "$ensign" attest verify --evidence evidence.json --nonce "ff${nonce:2}"
expect_stderr "is not the expected nonce"
node -e "const f=require('fs'); const d=JSON.parse(f.readFileSync('evidence.json','utf8'));
  d.tpm_quote.pcrs[8]='00'.repeat(32); f.writeFileSync('pcr.json', JSON.stringify(d));"
expect_exit 1 "$ensign" attest verify --evidence pcr.json --nonce "$nonce"
expect_stderr "is not the quote's pcrDigest"
cp quote/quote.msg flipped.msg
printf '\x01' | dd of=flipped.msg bs=1 seek=40 conv=notrunc 2>/dev/null
expect_exit 1 "$ensign" attest verify --evidence flipped.msg --signature quote/quote.sig \
  --ak-pub quote/ak.pub.pem --pcrs quote/quote.pcrs
expect_stderr "signature does not verify"

# The sealed state opens under PCR 16's value only: tpm2_unseal (not ensign) opens it, and
# refuses once PCR 16 is extended with something else.
sealed=$(ls "$ENSIGN_HOME"/tpm-sealing-*.blob)
public_size=$((16#$(xxd -p -l 2 "$sealed")))
head -c $((public_size + 2)) "$sealed" > sealed.pub
tail -c +$((public_size + 3)) "$sealed" > sealed.priv
tpm tpm2_load -C 0x81000001 -u sealed.pub -r sealed.priv -c sealed.ctx >/dev/null ||
  die "tpm2_load of the sealed state"
tpm tpm2_unseal -c sealed.ctx -p pcr:sha256:16 -o unsealed.bin 2>/dev/null || die "tpm2_unseal"
[ "$(stat -c %s unsealed.bin)" = 32 ] || die "the sealing key is not 32 bytes"
tpm tpm2_pcrextend 16:sha256="$(openssl rand -hex 32)"
tpm tpm2_load -C 0x81000001 -u sealed.pub -r sealed.priv -c sealed.ctx >/dev/null
if tpm tpm2_unseal -c sealed.ctx -p pcr:sha256:16 -o again.bin 2>unseal.err; then
  die "the sealed state unsealed after PCR 16 was extended"
fi
grep -q "policy check failed" unseal.err || die "tpm2_unseal: $(cat unseal.err)"
pass
# The enclave records its measurement again when it starts, and signs as before.
expect_exit 0 "$ensign" sign --key release -o again.bundle app.tar.gz

# Another enclave build has no sealed state of its own, and cannot open this one's.
cp "$ENSIGN_BIN_DIR/ensign-enclave" other-enclave
printf 'x' >> other-enclave
expect_exit 1 env ENSIGN_ENCLAVE="$work/other-enclave" "$ensign" sign --key release app.tar.gz
expect_stderr "run \`ensign init --platform tpm\`"
other=$(sha384sum other-enclave | cut -c1-16)
cp "$sealed" "$ENSIGN_HOME/tpm-sealing-$other.blob"
expect_exit 1 env ENSIGN_ENCLAVE="$work/other-enclave" "$ensign" sign --key release app.tar.gz
expect_stderr "TPM2_Unseal failed"
grep -qF "policy check failed" "$work/err" || die "unseal error: $(cat "$work/err")"
pass
rm "$ENSIGN_HOME/tpm-sealing-$other.blob"

# The state of one TPM is unusable on another, and says so.
expect_exit 0 env ENSIGN_HOME="$work/home-b" ENSIGN_DB= "$ensign" init --platform tpm --tcti "$tcti_b"
cp -r "$ENSIGN_HOME" home-moved
expect_exit 1 env ENSIGN_HOME="$work/home-moved" "$ensign" init --platform tpm --tcti "$tcti_b"
expect_stderr "made under another TPM's storage root key"

# A TPM that stops answering is an error naming what waited for it, not a hang.
kill -STOP "$(cat "$work/b/swtpm.pid")"
expect_exit 1 timeout 60 env ENSIGN_HOME="$work/home-b" ENSIGN_DB= "$ensign" key create stuck
kill -CONT "$(cat "$work/b/swtpm.pid")"
grep -qF "the TPM did not answer within 15 s" "$work/err" || die "stuck TPM: $(cat "$work/err")"
pass

# A TPM that is gone is an error naming it, not a hang.
stop_swtpm a
expect_exit 1 timeout 60 "$ensign" sign --key release app.tar.gz
expect_stderr "cannot reach a TPM through TCTI \"$tcti_a\""

finish
