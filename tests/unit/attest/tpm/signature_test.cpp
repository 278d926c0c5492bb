// Tests of attest/tpm/signature.h: each quote scheme signed by a throwaway AK as a TPM signs,
// Azure's raw signature form on the real vector, and signatures that must not verify.
#include "attest/tpm/signature.h"

#include <gtest/gtest.h>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/azure_hcl.h"
#include "attest/tpm/evidence.h"
#include "crypto/keys.h"
#include "support/corrupt.h"
#include "support/vectors.h"
#include "tpm_test_support.h"

namespace ensign::attest::tpm {
namespace {

const Bytes kMessage = to_bytes("TPMS_ATTEST bytes stand-in");

struct Scheme {
  const char* name;
  std::uint16_t sig_alg;
  std::uint16_t hash_alg;
  bool rsa;
};

class TpmSchemeTest : public ::testing::TestWithParam<Scheme> {
 protected:
  void SetUp() override {
    ak_ = GetParam().rsa ? test::make_rsa_ak(2048) : test::make_ec_ak("P-256");
    ASSERT_TRUE(ak_.key != nullptr);
    auto decoded = decode_quote_signature(
        test::sign_as_tpm(ak_, GetParam().sig_alg, GetParam().hash_alg, kMessage), ak_.key.get());
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
    signature_ = std::move(decoded).value();
  }
  test::TestAk ak_;
  TpmSignature signature_;
};

TEST_P(TpmSchemeTest, Verifies) {
  auto verified = verify_tpm_signature(signature_, ak_.key.get(), kMessage);
  EXPECT_TRUE(verified.has_value()) << verified.error().message();
}

TEST_P(TpmSchemeTest, RefusesAnotherMessage) {
  Bytes other = ensign::test::flipped(kMessage, 3);
  auto verified = verify_tpm_signature(signature_, ak_.key.get(), other);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(verified.error().message().find("signature does not verify"), std::string::npos);
}

TEST_P(TpmSchemeTest, RefusesAnotherKeyOfTheSameType) {
  test::TestAk other = GetParam().rsa ? test::make_rsa_ak(2048) : test::make_ec_ak("P-256");
  EXPECT_FALSE(verify_tpm_signature(signature_, other.key.get(), kMessage).has_value());
}

INSTANTIATE_TEST_SUITE_P(Schemes,
                         TpmSchemeTest,
                         ::testing::Values(Scheme{"rsassa_sha256", kAlgRsassa, kAlgSha256, true},
                                           Scheme{"rsassa_sha384", kAlgRsassa, kAlgSha384, true},
                                           Scheme{"rsapss_sha256", kAlgRsapss, kAlgSha256, true},
                                           Scheme{"ecdsa_sha256", kAlgEcdsa, kAlgSha256, false},
                                           Scheme{"ecdsa_sha512", kAlgEcdsa, kAlgSha512, false}),
                         [](const ::testing::TestParamInfo<Scheme>& parameter) {
                           return std::string(parameter.param.name);
                         });

TEST(TpmSignatureVerifyTest, VerifiesAzuresRawSignatureWithTheHclAk) {
  ENSIGN_REQUIRE_VECTORS();
  auto evidence = parse_quote_evidence(ensign::test::read_vector("tpm/azure_snp_vtpm_quote.json"));
  auto ak_der =
      ak_public_from_file_contents(ensign::test::read_vector("tpm/azure_snp_hcl_report.bin"));
  ASSERT_TRUE(evidence.has_value() && ak_der.has_value());
  auto ak = crypto::public_key_from_der(*ak_der).value();
  auto signature = decode_quote_signature(*evidence->signature, ak.get());
  ASSERT_TRUE(signature.has_value()) << signature.error().message();
  EXPECT_EQ(signature->sig_alg, kAlgRsassa);
  EXPECT_EQ(signature->hash_alg, kAlgSha256);
  EXPECT_TRUE(verify_tpm_signature(*signature, ak.get(), evidence->attest).has_value());
}

TEST(TpmSignatureVerifyTest, RefusesSha1) {
  test::TestAk ak = test::make_rsa_ak(2048);
  auto signature =
      parse_tpm_signature(test::sign_as_tpm(ak, kAlgRsassa, kAlgSha1, kMessage)).value();
  auto verified = verify_tpm_signature(signature, ak.key.get(), kMessage);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().message(),
            "TPM_ALG_RSASSA/SHA1 signature: only SHA256, SHA384 and SHA512 are accepted");
}

TEST(TpmSignatureVerifyTest, RefusesAnUnknownHash) {
  test::TestAk ak = test::make_rsa_ak(2048);
  TpmSignature signature{kAlgRsassa, 0x0012, Bytes(256, 1), {}, {}};
  auto verified = verify_tpm_signature(signature, ak.key.get(), kMessage);
  ASSERT_FALSE(verified.has_value());
  EXPECT_NE(verified.error().message().find("TPM_ALG_RSASSA/0x12"), std::string::npos);
}

TEST(TpmSignatureVerifyTest, RefusesASchemeThatDoesNotSuitTheKey) {
  test::TestAk rsa = test::make_rsa_ak(2048);
  test::TestAk ec = test::make_ec_ak("P-256");
  auto ecdsa = parse_tpm_signature(test::sign_as_tpm(ec, kAlgEcdsa, kAlgSha256, kMessage)).value();
  auto refused = verify_tpm_signature(ecdsa, rsa.key.get(), kMessage);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "TPM_ALG_ECDSA/SHA256 signature does not suit the AK's RSA key");
  auto rsassa = parse_tpm_signature(test::sign_as_tpm(rsa, kAlgRsassa, kAlgSha256, kMessage));
  EXPECT_FALSE(verify_tpm_signature(rsassa.value(), ec.key.get(), kMessage).has_value());
}

TEST(TpmSignatureVerifyTest, ReadsAnythingButTheModulusLengthAsTpmtSignature) {
  test::TestAk ak = test::make_rsa_ak(2048);
  EXPECT_FALSE(decode_quote_signature(Bytes(255, 1), ak.key.get()).has_value());
  EXPECT_TRUE(decode_quote_signature(Bytes(256, 1), ak.key.get()).has_value());
  test::TestAk ec = test::make_ec_ak("P-256");
  EXPECT_FALSE(decode_quote_signature(Bytes(256, 1), ec.key.get()).has_value());
}

}  // namespace
}  // namespace ensign::attest::tpm
