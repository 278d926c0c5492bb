// Tests of tee/tpm/tpm_platform.h on swtpm: state made once and found again, keys made in the
// TPM whose signatures OpenSSL verifies, key attestations and quotes the attest library
// verifies, and the refusals: missing state, no TPM, another enclave build, another TPM.
#include "tee/tpm/tpm_platform.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "attest/tpm/key_attestation.h"
#include "attest/tpm/verify.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "support/scratch_directory.h"
#include "support/software_tpm.h"
#include "tee/tpm/enclave_pcr.h"

namespace ensign::tee::tpm {
namespace {

const Bytes kMeasurement(48, 0xa5);
const Bytes kOtherMeasurement(48, 0x5a);

class TpmPlatformTest : public test::SoftwareTpmTest {
 protected:
  TpmOptions options(const Bytes& measurement, bool create, const std::string& state = "state") {
    std::filesystem::create_directories(scratch_.path(state));
    return {tpm_->tcti(), scratch_.path(state), measurement, create};
  }

  std::unique_ptr<TpmPlatform> open(const TpmOptions& given) {
    auto platform = TpmPlatform::open(given);
    EXPECT_TRUE(platform.has_value()) << (platform ? "" : platform.error().message());
    return platform ? std::move(platform).value() : nullptr;
  }

};

TEST_F(TpmPlatformTest, MakesItsStateOnceAndFindsItAgain) {
  Bytes ak;
  {
    auto platform = open(options(kMeasurement, true));
    ASSERT_NE(platform, nullptr);
    EXPECT_EQ(platform->identity().platform, "tpm");
    EXPECT_EQ(platform->identity().measurement, kMeasurement);
    ak = platform->identity().platform_key;
  }
  auto again = open(options(kMeasurement, false));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->identity().platform_key, ak);
  EXPECT_EQ(tpm_->tool("tpm2_readpublic -c 0x81000001"), 0) << "no persistent SRK";
}

TEST_F(TpmPlatformTest, WithoutItsStateItAsksForInit) {
  auto platform = TpmPlatform::open(options(kMeasurement, false));
  ASSERT_FALSE(platform);
  EXPECT_EQ(platform.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(platform.error().message().find("ensign init --platform tpm"), std::string::npos);
}

TEST_F(TpmPlatformTest, NoTpmIsUnavailableAndNamesTheTcti) {
  TpmOptions given = options(kMeasurement, true);
  tpm_.reset();  // stopped: nothing listens on its port any more
  auto platform = TpmPlatform::open(given);
  ASSERT_FALSE(platform);
  EXPECT_EQ(platform.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(platform.error().message().find(given.tcti), std::string::npos);
}

TEST_F(TpmPlatformTest, SealsForOnePurposeAndObject) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  auto sealed = platform->seal(SealPurpose::kVerifierKey, "verifier", SecretBytes::copy_of(to_bytes("s3cret")));
  ASSERT_TRUE(sealed) << sealed.error().message();
  auto opened = platform->unseal(SealPurpose::kVerifierKey, "verifier", *sealed);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(as_string(opened->view()), "s3cret");
  auto other = platform->unseal(SealPurpose::kSigningKey, "verifier", *sealed);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), ErrorCode::kDataLoss);
}

TEST_F(TpmPlatformTest, SignsWithKeysMadeInTheTpm) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  for (auto algorithm : {crypto::KeyAlgorithm::kEcdsaP256, crypto::KeyAlgorithm::kEcdsaP384}) {
    auto key = platform->create_key(algorithm, "release@1");
    ASSERT_TRUE(key) << key.error().message();
    Bytes digest = crypto::hash(*crypto::signature_hash(algorithm), to_bytes("artifact"));
    auto signature = platform->sign_digest("release@1", key->key_blob, algorithm, digest);
    ASSERT_TRUE(signature) << signature.error().message();
    auto public_key = crypto::public_key_from_der(key->public_key).value();
    EXPECT_TRUE(crypto::verify_digest(public_key.get(), algorithm, digest, *signature));
    Bytes other = digest;
    other[0] ^= 1;
    EXPECT_FALSE(crypto::verify_digest(public_key.get(), algorithm, other, *signature));
    // The blob names its key: it cannot sign as another one.
    auto renamed = platform->sign_digest("other@1", key->key_blob, algorithm, digest);
    ASSERT_FALSE(renamed);
    EXPECT_EQ(renamed.error().code(), ErrorCode::kDataLoss);
  }
}

TEST_F(TpmPlatformTest, RefusesAlgorithmsTheTpmCannotHold) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  EXPECT_FALSE(platform->holds(crypto::KeyAlgorithm::kEd25519));
  auto key = platform->create_key(crypto::KeyAlgorithm::kEd25519, "ed@1");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
  auto p256 = platform->create_key(crypto::KeyAlgorithm::kEcdsaP256, "p256@1").value();
  auto wrong = platform->sign_digest("p256@1", p256.key_blob, crypto::KeyAlgorithm::kEcdsaP384,
                                     Bytes(48, 1));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TpmPlatformTest, KeyAttestationIsACertificationTheVerifierAccepts) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  auto key = platform->create_key(crypto::KeyAlgorithm::kEcdsaP256, "release@1").value();
  auto other = platform->create_key(crypto::KeyAlgorithm::kEcdsaP256, "other@1").value();
  const Bytes& ak = platform->identity().platform_key;
  auto attestation = attest::tpm::verify_tpm_key_attestation(key.key_attestation, key.public_key, ak);
  ASSERT_TRUE(attestation.verified()) << attestation.errors.front();
  EXPECT_EQ(attestation.measurement, kMeasurement);
  for (const char* attribute : {"fixedTPM", "fixedParent", "sensitiveDataOrigin", "sign"}) {
    EXPECT_NE(std::find(attestation.attributes.begin(), attestation.attributes.end(), attribute),
              attestation.attributes.end())
        << attribute;
  }
  EXPECT_FALSE(attest::tpm::verify_tpm_key_attestation(key.key_attestation, other.public_key, ak)
                   .verified());
  EXPECT_FALSE(attest::tpm::verify_tpm_key_attestation(key.key_attestation, key.public_key,
                                                       other.public_key)
                   .verified());
}

TEST_F(TpmPlatformTest, EvidenceIsAQuoteOfTheEnclavePcr) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  Bytes report_data(64, 0x42);
  auto evidence = platform->evidence(report_data);
  ASSERT_TRUE(evidence) << evidence.error().message();
  attest::tpm::QuoteInputs inputs;
  inputs.ak_public = platform->identity().platform_key;
  auto verification = attest::tpm::verify_quote(*evidence, inputs);
  ASSERT_TRUE(verification.verified()) << verification.errors.front();
  EXPECT_EQ(verification.report_data, report_data);
  EXPECT_EQ(verification.claims["pcrs"]["sha256"]["16"], hex_encode(enclave_pcr_value(kMeasurement)));
  EXPECT_FALSE(platform->evidence(Bytes(32, 0)));
}

TEST_F(TpmPlatformTest, AnotherEnclaveBuildCannotOpenThisBuildsState) {
  std::string state;
  {
    auto platform = open(options(kMeasurement, true));
    ASSERT_NE(platform, nullptr);
  }
  auto missing = TpmPlatform::open(options(kOtherMeasurement, false));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kFailedPrecondition);
  // Given the first build's sealed state under its own name, the other build is refused by the
  // TPM: PCR 16 holds the other measurement.
  std::string dir = scratch_.path("state");
  std::filesystem::copy_file(dir + "/tpm-sealing-" + hex_encode(kMeasurement).substr(0, 16) + ".blob",
                             dir + "/tpm-sealing-" + hex_encode(kOtherMeasurement).substr(0, 16) + ".blob");
  auto refused = TpmPlatform::open(options(kOtherMeasurement, false));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(refused.error().message().find("TPM2_Unseal failed"), std::string::npos)
      << refused.error().message();
}

TEST_F(TpmPlatformTest, KeysAndStateOfOneTpmAreUnusableOnAnother) {
  auto platform = open(options(kMeasurement, true));
  ASSERT_NE(platform, nullptr);
  auto key = platform->create_key(crypto::KeyAlgorithm::kEcdsaP256, "release@1").value();
  test::SoftwareTpm other_tpm(scratch_, "other-tpm");
  ASSERT_TRUE(other_tpm.running()) << other_tpm.error();
  TpmOptions elsewhere = options(kMeasurement, true, "other-state");
  elsewhere.tcti = other_tpm.tcti();
  auto other = open(elsewhere);
  ASSERT_NE(other, nullptr);
  auto signature = other->sign_digest("release@1", key.key_blob, crypto::KeyAlgorithm::kEcdsaP256,
                                      Bytes(32, 7));
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().code(), ErrorCode::kDataLoss);
  // The first TPM's state directory, on the second TPM: its AK was made under another SRK.
  TpmOptions moved = options(kMeasurement, false);
  moved.tcti = other_tpm.tcti();
  auto refused = TpmPlatform::open(moved);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(refused.error().message().find("another TPM's storage root key"), std::string::npos)
      << refused.error().message();
}

}  // namespace
}  // namespace ensign::tee::tpm
