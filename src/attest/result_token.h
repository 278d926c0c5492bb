// result_token.h: attestation results in the shape of the IETF RATS EAR draft
// (draft-ietf-rats-ear: eat_profile, iat, ear.verifier-id, submods with ear.status), so a
// relying party reads one signed token whatever the evidence format was.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/time.h"

namespace ensign::attest {

// kEarProfile is the EAR profile ensign's tokens follow (the one the EAR reference
// implementations use).
inline constexpr char kEarProfile[] = "tag:github.com,2023:veraison/ear";

// EarStatus is the EAR trust tier of an appraisal.
enum class EarStatus : unsigned char { kAffirming, kWarning, kContraindicated };

// ear_status_name returns "affirming", "warning" or "contraindicated".
std::string_view ear_status_name(EarStatus status);

// ear_status decides the tier: contraindicated when the evidence did not verify, the policy
// failed, or the TCB is Revoked or below every level the collateral lists
// (TCBLevelNotSupported); warning for sim evidence (even when the policy allows it) and for a
// TCB that is out of date or needs hardening or configuration; affirming otherwise.
EarStatus ear_status(const Verification& verification,
                     const std::vector<std::string>& policy_failures);

// ResultContext is what a token says about who appraised, when, and against what.
struct ResultContext {
  UnixTime issued_at = 0;
  std::string verifier_build;     // e.g. "ensign 0.3.0 sim enclave 5f2c..."
  std::string policy_id;          // Policy::id
  std::optional<Bytes> nonce;     // the caller's nonce, echoed as eat_nonce (base64url)
  UnixTime verified_at = 0;       // the time certificates and collateral were checked at
};

// ear_claims returns the JWT claims set of an attestation result: eat_profile, iat,
// ear.verifier-id {developer, build}, eat_nonce when given, and submods with one entry named
// after the evidence format holding ear.status, ear.appraisal-policy-id and, as the extension
// "ensign.verification", the verification's --json form with the policy failures.
nlohmann::json ear_claims(const Verification& verification,
                          const std::vector<std::string>& policy_failures,
                          const ResultContext& context);

}  // namespace ensign::attest
