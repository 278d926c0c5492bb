// evidence.h: the forms a TPM quote arrives in and what a caller supplies beside it. A quote is
// the TPMS_ATTEST bytes alone (signature and AK given separately), trustee's JSON container
// (base64, with the AK), or Azure's vTPM quote JSON (hex, raw RSASSA signature, no AK).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "attest/tpm/attest.h"
#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

inline constexpr std::size_t kMaxEvidenceSize = 64 * 1024;

// QuoteInputs is what a caller gives beside the evidence. Each field, when set, must agree with
// the same field of a JSON container.
struct QuoteInputs {
  std::optional<Bytes> ak_public;  // DER SubjectPublicKeyInfo of the attestation key
  std::optional<Bytes> signature;  // TPMT_SIGNATURE, or a raw RSASSA signature
  std::vector<Bytes> pcrs;         // PCR values, selection order; empty when not given
};

// EvidenceForm says which of the three forms the evidence had.
enum class EvidenceForm : unsigned char {
  kAttestBytes = 1,  // TPMS_ATTEST bytes (tpm2_quote -m)
  kTrusteeJson,      // {ak_public, tpm_quote: {message, signature, pcrs}}, base64
  kAzureJson,        // {message, signature, pcrs}, hex
};

// evidence_form_name returns "TPMS_ATTEST", "trustee JSON" or "Azure vTPM JSON".
std::string_view evidence_form_name(EvidenceForm form);

// QuoteEvidence is the content of the evidence, before any structure inside it is checked.
struct QuoteEvidence {
  EvidenceForm form = EvidenceForm::kAttestBytes;
  Bytes attest;                            // the signed TPMS_ATTEST bytes
  std::optional<Bytes> ak_public;          // trustee's ak_public (DER SPKI)
  std::optional<Bytes> signature;          // the container's signature
  std::optional<std::vector<Bytes>> pcrs;  // the container's PCR values
};

// parse_quote_evidence tells the form by its first bytes (TPM_GENERATED_VALUE, else JSON) and
// extracts its members. Members other than the ones named above are ignored. Fails with
// InvalidArgument when the input exceeds kMaxEvidenceSize, is neither form, or a member is
// missing or not valid base64/hex, or there are more than kMaxPcrValues PCR values.
Result<QuoteEvidence> parse_quote_evidence(ByteView evidence);

}  // namespace ensign::attest::tpm
