// attest_token.h: the host's side of the verifier key: it is made in the enclave on first use,
// kept sealed in the installation's database, and handed back to the enclave to sign
// attestation results.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "attest/appraisal.h"
#include "cli/context.h"
#include "core/result.h"

namespace ensign::cli {

// verifier_public_key returns the verifier key, creating it first when the installation has
// none: {"pem", "jwk", "key_id", "key_attestation": {"platform", "evidence" (base64)}}.
Result<nlohmann::json> verifier_public_key(Context& context);

// EnclaveAppraisal is what the enclave returns: its appraisal (attest::to_json form) and the
// signed attestation-result token.
struct EnclaveAppraisal {
  nlohmann::json appraisal;
  std::string token;
};

// appraise_in_enclave has the enclave appraise `request` and sign the result.
Result<EnclaveAppraisal> appraise_in_enclave(Context& context,
                                             const attest::AppraisalRequest& request);

}  // namespace ensign::cli
