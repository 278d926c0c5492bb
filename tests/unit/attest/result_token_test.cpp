#include "attest/result_token.h"

#include <gtest/gtest.h>

namespace ensign::attest {
namespace {

Verification verified(EvidenceFormat format, const std::string& tcb_status) {
  Verification verification;
  verification.format = format;
  verification.tcb_status = tcb_status;
  verification.measurement = Bytes{1, 2, 3};
  return verification;
}

TEST(EarStatus, AffirmsVerifiedHardwareEvidenceThatPassesThePolicy) {
  EXPECT_EQ(ear_status(verified(EvidenceFormat::kTdx, "UpToDate"), {}), EarStatus::kAffirming);
  EXPECT_EQ(ear_status(verified(EvidenceFormat::kSevSnp, "unknown"), {}), EarStatus::kAffirming);
}

TEST(EarStatus, WarnsForSimAndStaleTcb) {
  EXPECT_EQ(ear_status(verified(EvidenceFormat::kSim, "unknown"), {}), EarStatus::kWarning);
  for (const char* status : {"SWHardeningNeeded", "ConfigurationNeeded", "OutOfDate",
                             "ConfigurationAndSWHardeningNeeded", "OutOfDateConfigurationNeeded"}) {
    EXPECT_EQ(ear_status(verified(EvidenceFormat::kSgx, status), {}), EarStatus::kWarning)
        << status;
  }
}

TEST(EarStatus, ContraindicatesFailuresAndRevocation) {
  EXPECT_EQ(ear_status(verified(EvidenceFormat::kTdx, "Revoked"), {}),
            EarStatus::kContraindicated);
  EXPECT_EQ(ear_status(verified(EvidenceFormat::kTdx, "UpToDate"), {"policy: no"}),
            EarStatus::kContraindicated);
  Verification broken = verified(EvidenceFormat::kTdx, "UpToDate");
  broken.errors.push_back("quote signature: does not verify");
  EXPECT_EQ(ear_status(broken, {}), EarStatus::kContraindicated);
}

TEST(EarClaims, HaveTheEarShape) {
  ResultContext context;
  context.issued_at = 1700000000;
  context.verifier_build = "ensign test";
  context.policy_id = "default";
  context.nonce = Bytes{0xfb, 0xff};
  context.verified_at = 1600000000;
  auto claims = ear_claims(verified(EvidenceFormat::kSevSnp, "unknown"), {}, context);
  EXPECT_EQ(claims["eat_profile"], kEarProfile);
  EXPECT_EQ(claims["iat"], 1700000000);
  EXPECT_EQ(claims["ear.verifier-id"]["build"], "ensign test");
  EXPECT_EQ(claims["eat_nonce"], "-_8");
  const auto& submodule = claims["submods"]["sev-snp"];
  EXPECT_EQ(submodule["ear.status"], "affirming");
  EXPECT_EQ(submodule["ear.appraisal-policy-id"], "default");
  EXPECT_EQ(submodule["ensign.verification"]["measurement"], "010203");
  EXPECT_EQ(submodule["ensign.verification"]["verified_at"], "2020-09-13T12:26:40Z");
  auto without_nonce = ear_claims(verified(EvidenceFormat::kSevSnp, "unknown"), {"policy: x"},
                                  ResultContext{});
  EXPECT_FALSE(without_nonce.contains("eat_nonce"));
  EXPECT_EQ(without_nonce["submods"]["sev-snp"]["ear.status"], "contraindicated");
  EXPECT_EQ(without_nonce["submods"]["sev-snp"]["ensign.verification"]["policy_failures"][0],
            "policy: x");
}

}  // namespace
}  // namespace ensign::attest
