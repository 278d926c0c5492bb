#!/bin/bash
# attest_test.sh: `ensign trust` and `ensign attest verify|evidence|verifier-key` as a user runs
# them, on the real evidence in the shared vectors (read in place), with exit codes, messages,
# policies, and attestation-result tokens checked by the npm jose package.
source "$(dirname "$0")/lib.sh"
: "${ENSIGN_VECTORS_DIR:?set by CTest}"
V=$ENSIGN_VECTORS_DIR

json_field() {  # json_field FILE EXPRESSION: prints a field of a JSON file with node
  node -e "const d=JSON.parse(require('fs').readFileSync('$1','utf8')); console.log($2)"
}

# verify_token FILE: saves the last command's token in FILE and verifies it with npm jose
# against the verifier key; the verified claims are left in $work/out.
verify_token() {
  json_field "$work/out" 'd.token' | tr -d '\n' > "$1"
  expect_exit 0 node "$jose_dir/verify.mjs" "$1" verifier.jwk
}

expect_exit 0 "$ensign" init

# Without vendor roots nothing hardware verifies, and the user is told what to do.
snp=(--evidence "$V/snp/gosev_milan_report.bin" --cert "$V/snp/gosev_milan_vcek.der"
     --cert "$V/snp/amd_milan_ask_ark.pem" --at 2025-06-01T00:00:00Z)
expect_exit 1 "$ensign" attest verify "${snp[@]}"
grep -qF "trust directory is empty" "$work/err" || die "no hint about the empty trust directory"
pass
expect_exit 0 "$ensign" trust list
grep -qF "ensign trust add" "$work/out" || die "trust list does not say how to add roots"
pass

# Pinned roots go in; intermediates are skipped; an unpinned root needs the explicit flag.
expect_exit 0 "$ensign" trust add "$V/snp/amd_milan_ask_ark.pem" "$V/snp/amd_genoa_ask_ark.pem" \
  "$V/tdx/intel_sgx_root_ca.pem"
grep -qF "trusted AMD ARK-Milan" "$work/out" && grep -qF "skipped CN=SEV-Milan" "$work/out" ||
  die "trust add output: $(cat "$work/out")"
pass
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout own.key -out own.pem \
  -subj /CN=own-root -days 30 2>/dev/null
expect_exit 1 "$ensign" trust add own.pem
expect_stderr "not a pinned vendor root"
expect_exit 0 "$ensign" trust add --trust-dir "$work/other-trust" --allow-unpinned-root own.pem
expect_exit 0 "$ensign" trust list --json
[ "$(json_field "$work/out" 'd.roots.length')" = 3 ] || die "trust list: $(cat "$work/out")"
pass

# Real SEV-SNP evidence verifies; its claims come out under the specification's names.
expect_exit 0 "$ensign" attest verify "${snp[@]}" --json
cp "$work/out" snp.json
[ "$(json_field snp.json 'd.verified')" = true ] || die "SNP did not verify"
[ "$(json_field snp.json 'd.measurement')" = \
  b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01 ] ||
  die "SNP measurement"
[ "$(json_field snp.json 'd.claims.current_tcb.microcode')" = 68 ] || die "SNP current_tcb"
[ "$(json_field snp.json 'd.chain.length')" = 3 ] || die "SNP chain"
pass

# Each failure names what failed, exit 1.
expect_exit 1 "$ensign" attest verify --evidence "$V/snp/gosev_milan_report.tampered.bin" \
  --cert "$V/snp/gosev_milan_vcek.der" --cert "$V/snp/amd_milan_ask_ark.pem" --at 2025-06-01T00:00:00Z
grep -qF "signature" "$work/err" || die "tampered report: $(cat "$work/err")"
pass
expect_exit 1 "$ensign" attest verify "${snp[@]/2025-06-01T00:00:00Z/2030-01-01T00:00:00Z}"
grep -qF "expired" "$work/err" || die "expired VCEK: $(cat "$work/err")"
pass
expect_exit 1 "$ensign" attest verify --evidence "$V/snp/gosev_milan_report.bin" \
  --cert "$V/snp/coco_milan_vcek.der" --cert "$V/snp/amd_milan_ask_ark.pem" --at 2025-06-01T00:00:00Z
pass
expect_exit 1 "$ensign" attest verify "${snp[@]}" --nonce 0102030406
grep -qF "nonce" "$work/err" || die "nonce mismatch: $(cat "$work/err")"
pass
expect_exit 0 "$ensign" attest verify "${snp[@]}" --nonce 0102030405

# Usage and unreadable input: exit 2, one line.
expect_exit 2 "$ensign" attest verify --evidence "$work/absent.bin"
expect_stderr "absent.bin"
expect_exit 2 "$ensign" attest verify "${snp[@]}" --format nitro
expect_stderr "unknown evidence format"
expect_exit 2 "$ensign" attest verify --evidence "$V/snp/gosev_milan_report.bin" --at yesterday
expect_stderr "RFC 3339"
expect_exit 2 "$ensign" attest verify "${snp[@]}" --nonce xyz
expect_exit 2 "$ensign" attest verify --evidence "$V/tdx/tcbinfo_tdx_fmspc50806f000000_2023-06-18.json"
expect_stderr "give --format"
printf '{"alow_debug": true}' > typo.json
expect_exit 2 "$ensign" attest verify "${snp[@]}" --policy typo.json
expect_stderr "unknown policy member 'alow_debug'"

# Policies: every failure listed; the exit code follows the policy only with --policy.
printf '{"allow_debug": true, "measurements": ["%s"], "min_svn": {"reported_tcb.snp": 5}}' \
  b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01 \
  > good-policy.json
expect_exit 0 "$ensign" attest verify "${snp[@]}" --policy good-policy.json
printf '{"measurements": ["00"], "min_svn": {"reported_tcb.snp": 6}, "claims": {"vmpl": 1}}' \
  > bad-policy.json
expect_exit 1 "$ensign" attest verify "${snp[@]}" --policy bad-policy.json
[ "$(grep -c "attestation failed: policy" "$work/err")" = 4 ] || die "policy failures: $(cat "$work/err")"
pass

# Intel: a TDX quote with full collateral gets a TCB status; an SGX quote in debug mode says so.
expect_exit 0 "$ensign" attest verify --evidence "$V/tdx/gotdx_v4_spr_e4_quote.bin" \
  --cert "$V/tdx/intel_tcb_signing_chain.pem" \
  --collateral "$V/tdx/tcbinfo_tdx_fmspc50806f000000_2023-06-18.json" \
  --collateral "$V/tdx/qeidentity_td_qe_2023-06-08.json" \
  --collateral "$V/tdx/intel_root_ca_crl.der" --collateral "$V/tdx/intel_pck_platform_crl.der" \
  --at 2023-06-20T00:00:00Z --json
[ "$(json_field "$work/out" 'd.tcb_status')" != unknown ] || die "TDX TCB status: $(cat "$work/out")"
pass
expect_exit 0 "$ensign" attest verify --evidence "$V/sgx/occlum_sgx_v3_quote.bin" \
  --at 2025-06-01T00:00:00Z --json
[ "$(json_field "$work/out" 'd.debug')" = true ] && [ "$(json_field "$work/out" 'd.format')" = sgx ] ||
  die "SGX: $(cat "$work/out")"
pass
expect_exit 1 "$ensign" attest verify --evidence "$V/sgx/occlum_sgx_v3_quote.tampered.bin" \
  --at 2025-06-01T00:00:00Z

# TPM: a separate signature and attestation key, and a JSON container with its own key.
expect_exit 0 "$ensign" attest verify --evidence "$V/tpm/coco_tpm_quote.attest.bin" \
  --signature "$V/tpm/coco_tpm_quote.sig.bin" --ak-pub "$V/tpm/coco_tpm_ak_pub.der"
expect_exit 1 "$ensign" attest verify --evidence "$V/tpm/coco_tpm_quote.attest.tampered.bin" \
  --signature "$V/tpm/coco_tpm_quote.sig.bin" --ak-pub "$V/tpm/coco_tpm_ak_pub.der"
# An AK in an Azure HCL report counts only with the SEV-SNP report that vouches for it.
expect_exit 1 "$ensign" attest verify --evidence "$V/tpm/azure_snp_vtpm_quote.json" \
  --ak-pub "$V/tpm/azure_snp_hcl_report.bin"
grep -qF "AK report (Azure HCL, SEV-SNP)" "$work/err" || die "HCL report unchecked: $(cat "$work/err")"
pass
expect_exit 0 "$ensign" attest verify --evidence "$V/tpm/azure_snp_vtpm_quote.json" \
  --ak-pub "$V/tpm/azure_snp_hcl_report.bin" --nonce "$(printf challenge | xxd -p)" \
  --cert "$V/snp/azure_milan_vcek.pem" --cert "$V/snp/amd_milan_ask_ark.pem" --json
[ "$(json_field "$work/out" 'd.claims.ak_report.verified')" = true ] || die "HCL claims"
pass

# This enclave's own evidence goes through the same command; no policy refusing sim accepts it.
expect_exit 0 "$ensign" attest evidence --nonce 0a0b0c -o own.bin
expect_exit 0 "$ensign" attest verify --evidence own.bin --nonce 0a0b0c --json
[ "$(json_field "$work/out" 'd.format')" = sim ] &&
  [ "$(json_field "$work/out" 'd.policy.holds')" = false ] || die "sim: $(cat "$work/out")"
pass
printf '{}' > default-policy.json
expect_exit 1 "$ensign" attest verify --evidence own.bin --policy default-policy.json
grep -qF "allow_sim is false" "$work/err" || die "sim accepted by the default policy"
pass
printf '{"allow_sim": true, "allow_debug": true}' > sim-policy.json
expect_exit 0 "$ensign" attest verify --evidence own.bin --policy sim-policy.json
expect_exit 1 "$ensign" attest verify --evidence own.bin --nonce 0a0b0d

# Attestation results: signed in the enclave, verified by the npm jose package.
jose_dir=$ENSIGN_BUILD_DIR/jose-verify
bash "$ENSIGN_SOURCE_DIR/tests/support/npm_peer.sh" jose "$jose_dir" >/dev/null
expect_exit 0 "$ensign" attest verifier-key --jwk
cp "$work/out" verifier.jwk
expect_exit 0 "$ensign" attest verify "${snp[@]}" --policy good-policy.json --token --json
verify_token snp.jwt
cp "$work/out" claims.json
[ "$(json_field claims.json 'd.eat_profile')" = "tag:github.com,2023:veraison/ear" ] &&
  [ "$(json_field claims.json 'd.submods["sev-snp"]["ear.status"]')" = affirming ] &&
  [ "$(json_field claims.json 'd["ear.verifier-id"].developer')" = ensign ] ||
  die "EAR claims: $(cat claims.json)"
pass
# Any changed byte breaks it: in the header, the claims and the signature.
token=$(cat snp.jwt)
for position in 5 $(( ${#token} / 2 )) $(( ${#token} - 5 )); do
  original=${token:$position:1}
  replacement=A
  [ "$original" = A ] && replacement=B
  printf '%s' "${token:0:$position}$replacement${token:$((position + 1))}" > changed.jwt
  expect_exit 1 node "$jose_dir/verify.mjs" changed.jwt verifier.jwk
done
# Every format is appraised inside the seccomp-filtered enclave: Intel's with full collateral,
# CRLs included, and TPM's.
expect_exit 0 "$ensign" attest verify --evidence "$V/tdx/gotdx_v4_spr_e4_quote.bin" \
  --cert "$V/tdx/intel_tcb_signing_chain.pem" \
  --collateral "$V/tdx/tcbinfo_tdx_fmspc50806f000000_2023-06-18.json" \
  --collateral "$V/tdx/qeidentity_td_qe_2023-06-08.json" \
  --collateral "$V/tdx/intel_root_ca_crl.der" --collateral "$V/tdx/intel_pck_platform_crl.der" \
  --at 2023-06-20T00:00:00Z --token --json
verify_token tdx.jwt
[ "$(json_field "$work/out" 'd.submods.tdx["ear.status"]')" = contraindicated ] &&
  [ "$(json_field "$work/out" 'd.submods.tdx["ensign.verification"].tcb_status')" = TCBLevelNotSupported ] ||
  die "TDX token: $(cat "$work/out")"
pass
expect_exit 0 "$ensign" attest verify --evidence "$V/sgx/occlum_sgx_v3_quote.bin" \
  --at 2025-06-01T00:00:00Z --token
expect_exit 0 "$ensign" attest verify --evidence "$V/tpm/coco_tpm_quote.attest.bin" \
  --signature "$V/tpm/coco_tpm_quote.sig.bin" --ak-pub "$V/tpm/coco_tpm_ak_pub.der" --token

# A result for sim evidence is a warning at best; for a failed policy, contraindicated.
expect_exit 0 "$ensign" attest verify --evidence own.bin --policy sim-policy.json --token --json
verify_token sim.jwt
[ "$(json_field "$work/out" 'd.submods.sim["ear.status"]')" = warning ] || die "sim token status"
pass
expect_exit 1 "$ensign" attest verify "${snp[@]}" --policy bad-policy.json --token --json
verify_token bad.jwt
[ "$(json_field "$work/out" 'd.submods["sev-snp"]["ear.status"]')" = contraindicated ] ||
  die "failed policy token status"
pass

finish
