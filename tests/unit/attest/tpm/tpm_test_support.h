// tpm_test_support.h: what the TPM quote tests share: the manifest entries of the shared vectors,
// a marshaller for TPMS_ATTEST and TPMT_SIGNATURE so tests can make quotes the vectors lack, a
// throwaway AK that signs them as a TPM would, and a synthetic HCL report.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "attest/tpm/attest.h"
#include "core/bytes.h"
#include "core/openssl_handles.h"

namespace ensign::attest::tpm::test {

// manifest_entry returns the entry of ../shared/vectors/manifest.json for `file` ("tpm/x.bin"),
// or null (with a test failure) when there is none.
nlohmann::json manifest_entry(const std::string& file);

// marshal_attest returns `attest` as the TPMS_ATTEST bytes a TPM would sign.
Bytes marshal_attest(const QuoteAttest& attest);

// sample_attest returns a quote of SHA-1 PCRs 0-1 and SHA-256 PCRs 0, 1 and 16 whose pcrDigest is
// the SHA-256 of those PCRs all zero, as swtpm gives after a reset.
QuoteAttest sample_attest();

// zero_pcr_values returns the values sample_attest's pcrDigest covers.
std::vector<Bytes> zero_pcr_values();

// TestAk is a throwaway attestation key.
struct TestAk {
  EvpPkeyPtr key;
  Bytes public_der;
};

// make_rsa_ak and make_ec_ak generate keys; fail the test on error.
TestAk make_rsa_ak(int bits);
TestAk make_ec_ak(const char* curve);

// sign_as_tpm returns a marshalled TPMT_SIGNATURE over `message` with scheme `sig_alg` (RSASSA,
// RSAPSS or ECDSA) and hash `hash_alg`.
Bytes sign_as_tpm(const TestAk& ak,
                  std::uint16_t sig_alg,
                  std::uint16_t hash_alg,
                  ByteView message);

// marshal_signature returns `signature` as a TPMT_SIGNATURE.
Bytes marshal_signature(const TpmSignature& signature);

// make_hcl_report returns an HCL report with `hardware_report_type` (2 or 4) whose hardware report
// binds `runtime_json` with the IGVM hash type `hash_type` (1, 2 or 3), padded with `padding`
// zero bytes.
Bytes make_hcl_report(std::uint32_t hardware_report_type,
                      std::string_view runtime_json,
                      std::uint32_t hash_type = 1,
                      std::size_t padding = 64);

// runtime_json_with_ak returns runtime data whose HCLAkPub JWK is the RSA key `ak`.
std::string runtime_json_with_ak(const TestAk& ak);

}  // namespace ensign::attest::tpm::test
