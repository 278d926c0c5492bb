#include "enclave/result_signer.h"

#include <gtest/gtest.h>

#include "attest/appraisal.h"
#include "attest/key_attestation.h"
#include "enclave/keyring.h"
#include "enclave_test_support.h"
#include "formats/jose.h"
#include "support/logged_signing.h"

namespace ensign::enclave {
namespace {

class ResultSignerTest : public SimPlatformFixture {
 protected:
  // appraise_own asks `signer` to appraise this platform's own evidence under `policy`.
  Result<protocol::AppraiseReply> appraise_own(ResultSigner& signer, const Bytes& sealed_key,
                                               const std::string& policy) {
    auto evidence = platform_->evidence(Bytes(protocol::kReportDataSize, 7));
    EXPECT_TRUE(evidence.has_value());
    attest::AppraisalRequest request;
    request.evidence = *evidence;
    request.sim_root = platform_->identity().platform_key;
    request.at = 1700000000;
    request.policy = policy;
    request.nonce = Bytes(protocol::kReportDataSize, 7);
    return signer.appraise({sealed_key, to_bytes(attest::encode_appraisal_request(request))});
  }
};

TEST_F(ResultSignerTest, MakesAnAttestedP256Key) {
  ResultSigner signer(*platform_);
  auto key = signer.create_key();
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_TRUE(formats::jose::es256_jwk(key->public_key).has_value());
  auto attestation = attest::verify_key_attestation("sim", key->key_attestation, key->public_key,
                                                    platform_->identity().platform_key,
                                                    platform_->identity().measurement);
  EXPECT_TRUE(attestation.verified) << attestation.reason;
}

TEST_F(ResultSignerTest, SignsTheAppraisalItMade) {
  ResultSigner signer(*platform_);
  auto key = signer.create_key();
  ASSERT_TRUE(key.has_value());
  auto reply = appraise_own(signer, key->sealed_key, R"({"allow_sim": true, "allow_debug": true})");
  ASSERT_TRUE(reply.has_value()) << reply.error().message();
  auto claims = formats::jose::verify_es256_jwt(as_string(reply->token), key->public_key);
  ASSERT_TRUE(claims.has_value()) << claims.error().message();
  EXPECT_EQ((*claims)["submods"]["sim"]["ear.status"], "warning");
  EXPECT_EQ((*claims)["eat_nonce"], base64url_encode(Bytes(protocol::kReportDataSize, 7)));
  EXPECT_NE((*claims)["ear.verifier-id"]["build"].get<std::string>().find("sim enclave"),
            std::string::npos);
  auto appraisal = nlohmann::json::parse(as_string(reply->appraisal));
  EXPECT_EQ(appraisal["verified"], true);
  EXPECT_EQ(appraisal["status"], "warning");
}

TEST_F(ResultSignerTest, ContraindicatesWhatTheDefaultPolicyRefuses) {
  ResultSigner signer(*platform_);
  auto key = signer.create_key();
  ASSERT_TRUE(key.has_value());
  auto reply = appraise_own(signer, key->sealed_key, "{}");
  ASSERT_TRUE(reply.has_value());
  auto claims = formats::jose::verify_es256_jwt(as_string(reply->token), key->public_key);
  ASSERT_TRUE(claims.has_value());
  EXPECT_EQ((*claims)["submods"]["sim"]["ear.status"], "contraindicated");
}

TEST_F(ResultSignerTest, UsesAKeyMadeByAnotherInstance) {
  ResultSigner maker(*platform_);
  auto key = maker.create_key();
  ASSERT_TRUE(key.has_value());
  ResultSigner user(*platform_);
  auto reply = appraise_own(user, key->sealed_key, "{}");
  ASSERT_TRUE(reply.has_value()) << reply.error().message();
  EXPECT_TRUE(formats::jose::verify_es256_jwt(as_string(reply->token), key->public_key));
}

TEST_F(ResultSignerTest, RefusesASigningKeyAsTheVerifierKey) {
  Keyring keyring(*platform_);
  auto signing = keyring.generate({"ensign.verifier", 1, crypto::KeyAlgorithm::kEcdsaP256});
  ASSERT_TRUE(signing.has_value());
  ResultSigner signer(*platform_);
  auto reply = appraise_own(signer, signing->sealed_key, "{}");
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kDataLoss);
}

TEST_F(ResultSignerTest, ItsKeyCannotSignArbitraryData) {
  ResultSigner signer(*platform_);
  auto key = signer.create_key();
  ASSERT_TRUE(key.has_value());
  Keyring keyring(*platform_);
  protocol::GenerateKeyReply as_signing_key{key->public_key, key->sealed_key, {}};
  auto item = test::sign_item(as_signing_key, crypto::KeyAlgorithm::kEcdsaP256,
                              protocol::SignInput::kMessage, {}, "ensign.verifier");
  Bytes forged = to_bytes("a forged result");
  auto signed_data = keyring.sign(item, item.input, forged);
  ASSERT_FALSE(signed_data.has_value());
  EXPECT_EQ(signed_data.error().code(), ErrorCode::kDataLoss);
}

TEST_F(ResultSignerTest, RefusesAModifiedKeyBlobAndAMalformedRequest) {
  ResultSigner signer(*platform_);
  auto key = signer.create_key();
  ASSERT_TRUE(key.has_value());
  Bytes modified = key->sealed_key;
  modified.back() ^= 1;
  ResultSigner fresh(*platform_);
  EXPECT_FALSE(appraise_own(fresh, modified, "{}").has_value());
  auto malformed = signer.appraise({key->sealed_key, to_bytes("{\"evidence\": 1}")});
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  auto bad_policy = appraise_own(signer, key->sealed_key, R"({"allow": true})");
  ASSERT_FALSE(bad_policy.has_value());
  EXPECT_EQ(bad_policy.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ensign::enclave
