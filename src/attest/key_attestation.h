// key_attestation.h: checking a key attestation, the platform evidence that binds a public key
// to an enclave: the evidence must be signed by the platform's root (sim: the sim root; tpm: the
// installation's attestation key), its report data must be SHA-256 of the key's DER SPKI followed
// by 32 zero bytes, and its measurement may be pinned.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest {

// KeyAttestationResult says what the evidence claims and whether it holds.
struct KeyAttestationResult {
  bool verified = false;
  std::string reason;  // why not, when not verified
  std::string platform;
  Bytes measurement;
  Bytes report_data;
  std::vector<std::string> flags;  // e.g. "simulated", "debug"
  // What the platform adds (tpm: the quote, the certification and the key's TPMA_OBJECT names).
  nlohmann::json details = nlohmann::json::object();
};

// verify_key_attestation checks `evidence` from `platform` against the platform root key
// `platform_key` (DER SPKI) for `public_key` (DER SPKI); when `expected_measurement` is given the
// evidence's measurement must equal it. A platform ensign cannot verify yet gives an unverified
// result with a reason, not an Error.
KeyAttestationResult verify_key_attestation(std::string_view platform, ByteView evidence,
                                            ByteView public_key, ByteView platform_key,
                                            const std::optional<Bytes>& expected_measurement);

}  // namespace ensign::attest
