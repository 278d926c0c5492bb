// key_attestation.h: verifying the key attestation of a key the tpm platform made (the evidence
// document of tee/tpm/evidence.h with a certification): a TPM2_Quote and a TPM2_Certify by the
// installation's attestation key (AK), both over key_attestation_report_data(SPKI), the quoted
// PCR 16 holding the enclave measurement the document names, and the certified key being this
// public key with the attributes of a key that never leaves the TPM.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace ensign::attest::tpm {

inline constexpr std::size_t kMaxKeyAttestationSize = 16 * 1024;

// TpmKeyAttestation is the outcome: verified exactly when `errors` is empty.
struct TpmKeyAttestation {
  std::vector<std::string> errors;
  bool verified() const { return errors.empty(); }

  Bytes measurement;                    // the enclave measurement the document names
  Bytes report_data;                    // the quote's extraData
  std::vector<std::string> attributes;  // the certified key's TPMA_OBJECT names
  nlohmann::json claims = nlohmann::json::object();  // quote, certify and measurement_pcr
};

// verify_tpm_key_attestation checks `evidence` for the key `public_key` (DER SPKI) against the
// AK `ak_public` (DER SPKI). Fails (errors) when the document is over kMaxKeyAttestationSize or
// malformed, the quote or the certification does not verify, either does not carry this key's
// report data, PCR 16 is not the value the measurement gives, or the key lacks fixedTPM,
// fixedParent or sensitiveDataOrigin. Never throws.
TpmKeyAttestation verify_tpm_key_attestation(ByteView evidence, ByteView public_key,
                                             ByteView ak_public);

}  // namespace ensign::attest::tpm
