// attest.h: the TPM 2.0 structures of a quote (TCG TPM 2.0 Library Part 2): TPMS_ATTEST of type
// TPM_ST_ATTEST_QUOTE with its TPML_PCR_SELECTION, and the TPMT_SIGNATURE over it. Big-endian,
// every size bounded by the largest the structures allow, nothing left over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

inline constexpr std::uint32_t kTpmGeneratedValue = 0xff544347;  // TPM_GENERATED_VALUE
inline constexpr std::uint16_t kStAttestQuote = 0x8018;          // TPM_ST_ATTEST_QUOTE

// The largest sizes Part 2 allows with SHA-512 as the largest hash, 4096-bit RSA and the
// TPM2_MAX_* limits of tpm2-tss.
inline constexpr std::size_t kMaxNameSize = 66;           // TPM2B_NAME: sizeof(TPMU_NAME)
inline constexpr std::size_t kMaxDataSize = 66;           // TPM2B_DATA: sizeof(TPMT_HA)
inline constexpr std::size_t kMaxDigestSize = 64;         // TPM2B_DIGEST: sizeof(TPMU_HA)
inline constexpr std::size_t kMaxPcrBanks = 16;           // TPML_PCR_SELECTION.count
inline constexpr std::size_t kMaxPcrSelectSize = 4;       // TPMS_PCR_SELECTION.sizeofSelect
inline constexpr std::size_t kMaxRsaSignatureSize = 512;  // TPM2B_PUBLIC_KEY_RSA
inline constexpr std::size_t kMaxEccParameterSize = 128;  // TPM2B_ECC_PARAMETER
// A selection holds at most kMaxPcrBanks banks of kMaxPcrSelectSize * 8 PCRs.
inline constexpr std::size_t kMaxPcrValues = kMaxPcrBanks * kMaxPcrSelectSize * 8;

// PcrSelection is one TPMS_PCR_SELECTION: a bank and the bitmap of its selected PCRs (PCR n is
// bit n % 8 of byte n / 8).
struct PcrSelection {
  std::uint16_t hash_alg = 0;
  Bytes select;

  // pcrs returns the selected PCR indices in ascending order, the order their values are hashed.
  std::vector<unsigned> pcrs() const;
};

// AttestHeader is what every TPMS_ATTEST holds before its attested member: magic, type,
// qualifiedSigner, extraData, clockInfo (TPMS_CLOCK_INFO) and firmwareVersion.
struct AttestHeader {
  std::uint32_t magic = 0;
  std::uint16_t type = 0;
  Bytes qualified_signer;
  Bytes extra_data;
  std::uint64_t clock = 0;
  std::uint32_t reset_count = 0;
  std::uint32_t restart_count = 0;
  std::uint8_t safe = 0;
  std::uint64_t firmware_version = 0;
};

// QuoteAttest is a parsed TPMS_ATTEST whose attested member is a TPMS_QUOTE_INFO.
struct QuoteAttest : AttestHeader {
  std::vector<PcrSelection> pcr_select;
  Bytes pcr_digest;
};

// parse_quote_attest parses the bytes a TPM2_Quote signs (the contents of its TPM2B_ATTEST).
// Fails with InvalidArgument naming the field when the magic is not TPM_GENERATED_VALUE, the type
// is not TPM_ST_ATTEST_QUOTE, a size or count exceeds its maximum, safe is not 0 or 1, the input
// ends early or bytes follow pcrDigest.
Result<QuoteAttest> parse_quote_attest(ByteView bytes);

// TpmSignature is a parsed TPMT_SIGNATURE of one of the schemes quotes use: RSASSA and RSAPSS
// fill `rsa_signature`, ECDSA fills `ecdsa_r` and `ecdsa_s` (big-endian integers).
struct TpmSignature {
  std::uint16_t sig_alg = 0;
  std::uint16_t hash_alg = 0;
  Bytes rsa_signature;
  Bytes ecdsa_r;
  Bytes ecdsa_s;
};

// parse_tpm_signature parses a marshalled TPMT_SIGNATURE (what tpm2_quote -s writes). Fails with
// InvalidArgument for a sigAlg other than RSASSA, RSAPSS or ECDSA, an empty or oversized TPM2B,
// a truncated input or trailing bytes.
Result<TpmSignature> parse_tpm_signature(ByteView bytes);

// attest_claims returns every field of `attest` under its specification name in snake_case:
// magic, type, qualified_signer, extra_data, clock, reset_count, restart_count, safe,
// firmware_version, pcr_select [{hash_alg, pcrs}] and pcr_digest.
nlohmann::json attest_claims(const QuoteAttest& attest);

}  // namespace ensign::attest::tpm
