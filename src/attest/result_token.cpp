#include "attest/result_token.h"

#include <algorithm>

namespace ensign::attest {
namespace {

// Statuses that mean the platform works but should be updated or reconfigured.
constexpr std::string_view kWarningTcbStatuses[] = {
    "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate",
    "OutOfDateConfigurationNeeded",
};

}  // namespace

std::string_view ear_status_name(EarStatus status) {
  switch (status) {
    case EarStatus::kAffirming:
      return "affirming";
    case EarStatus::kWarning:
      return "warning";
    case EarStatus::kContraindicated:
      return "contraindicated";
  }
  return "contraindicated";
}

EarStatus ear_status(const Verification& verification,
                     const std::vector<std::string>& policy_failures) {
  if (!verification.verified() || !policy_failures.empty() ||
      verification.tcb_status == "Revoked" || verification.tcb_status == "TCBLevelNotSupported") {
    return EarStatus::kContraindicated;
  }
  bool stale_tcb = std::find(std::begin(kWarningTcbStatuses), std::end(kWarningTcbStatuses),
                             verification.tcb_status) != std::end(kWarningTcbStatuses);
  if (verification.format == EvidenceFormat::kSim || stale_tcb) {
    return EarStatus::kWarning;
  }
  return EarStatus::kAffirming;
}

nlohmann::json ear_claims(const Verification& verification,
                          const std::vector<std::string>& policy_failures,
                          const ResultContext& context) {
  nlohmann::json evidence = to_json(verification);
  evidence["policy_failures"] = policy_failures;
  evidence["verified_at"] = format_rfc3339(context.verified_at);
  nlohmann::json submodule = {
      {"ear.status", ear_status_name(ear_status(verification, policy_failures))},
      {"ear.appraisal-policy-id", context.policy_id},
      {"ensign.verification", std::move(evidence)},
  };
  nlohmann::json claims = {
      {"eat_profile", kEarProfile},
      {"iat", context.issued_at},
      {"ear.verifier-id", {{"developer", "ensign"}, {"build", context.verifier_build}}},
      {"submods", {{std::string(evidence_format_name(verification.format)), submodule}}},
  };
  if (context.nonce) {
    claims["eat_nonce"] = base64url_encode(*context.nonce);
  }
  return claims;
}

}  // namespace ensign::attest
