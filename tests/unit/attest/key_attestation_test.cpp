#include "attest/key_attestation.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/keys.h"
#include "tee/sim/sim_platform.h"
#include "support/scratch_directory.h"
#include "tee/sim/report.h"

namespace ensign::attest {
namespace {

class KeyAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_.root();
    measurement_ = Bytes(48, 0xab);
    auto platform = tee::sim::SimPlatform::open(dir_ + "/root.pem", measurement_,
                                                tee::sim::RootMode::kCreateIfMissing);
    ASSERT_TRUE(platform) << platform.error().message();
    platform_ = std::move(platform).value();
    auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256).value();
    public_key_ = crypto::public_key_to_der(key.get()).value();
    evidence_ = platform_->evidence(tee::sim::key_attestation_report_data(public_key_)).value();
  }

  KeyAttestationResult check(ByteView evidence, ByteView public_key,
                             const std::optional<Bytes>& measurement = std::nullopt) {
    return verify_key_attestation("sim", evidence, public_key, platform_->identity().platform_key,
                                  measurement);
  }

  test::ScratchDirectory scratch_;
  std::string dir_;
  Bytes measurement_;
  std::unique_ptr<tee::sim::SimPlatform> platform_;
  Bytes public_key_;
  Bytes evidence_;
};

TEST_F(KeyAttestationTest, VerifiesAndReportsClaims) {
  auto result = check(evidence_, public_key_, measurement_);
  EXPECT_TRUE(result.verified) << result.reason;
  EXPECT_EQ(result.platform, "sim");
  EXPECT_EQ(result.measurement, measurement_);
  EXPECT_EQ(result.flags, (std::vector<std::string>{"simulated", "debug"}));
}

TEST_F(KeyAttestationTest, RefusesAnotherKey) {
  auto other = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256).value();
  auto result = check(evidence_, crypto::public_key_to_der(other.get()).value());
  EXPECT_FALSE(result.verified);
  EXPECT_NE(result.reason.find("another key"), std::string::npos) << result.reason;
}

TEST_F(KeyAttestationTest, RefusesAnotherMeasurement) {
  auto result = check(evidence_, public_key_, Bytes(48, 0xcd));
  EXPECT_FALSE(result.verified);
  EXPECT_NE(result.reason.find("measurement"), std::string::npos) << result.reason;
}

TEST_F(KeyAttestationTest, RefusesAnotherRoot) {
  auto other = tee::sim::SimPlatform::open(dir_ + "/other.pem", measurement_,
                                           tee::sim::RootMode::kCreateIfMissing)
                   .value();
  auto result = verify_key_attestation("sim", evidence_, public_key_,
                                       other->identity().platform_key, std::nullopt);
  EXPECT_FALSE(result.verified);
}

TEST_F(KeyAttestationTest, RefusesEveryFlippedByte) {
  for (std::size_t i = 0; i < evidence_.size(); ++i) {
    Bytes changed = evidence_;
    changed[i] ^= 0x01;
    EXPECT_FALSE(check(changed, public_key_).verified) << "byte " << i;
  }
}

TEST_F(KeyAttestationTest, RefusesGarbageAndUnknownPlatforms) {
  EXPECT_FALSE(check(Bytes{1, 2, 3}, public_key_).verified);
  auto result = verify_key_attestation("sgx", evidence_, public_key_,
                                       platform_->identity().platform_key, std::nullopt);
  EXPECT_FALSE(result.verified);
  EXPECT_NE(result.reason.find("sgx"), std::string::npos);
}

}  // namespace
}  // namespace ensign::attest
