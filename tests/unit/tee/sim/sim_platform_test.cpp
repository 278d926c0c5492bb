// Tests of src/tee/sim/sim_platform.cpp: identity, evidence and sealing of the sim platform.
#include "tee/sim/sim_platform.h"

#include <gtest/gtest.h>

#include <thread>

#include "crypto/keys.h"
#include "support/enclave_process.h"
#include "support/scratch_directory.h"
#include "tee/sim/report.h"
#include "tee/sim/root.h"

namespace ensign::tee::sim {
namespace {

const Bytes kMeasurement(48, 0x42);

std::unique_ptr<SimPlatform> open_platform(const test::ScratchDirectory& directory,
                                           ByteView measurement = kMeasurement) {
  auto platform =
      SimPlatform::open(directory.path("sim-root.pem"), measurement, RootMode::kCreateIfMissing);
  EXPECT_TRUE(platform.has_value()) << platform.error().message();
  return platform ? std::move(platform).value() : nullptr;
}

void expect_data_loss(const Result<SecretBytes>& result, const std::string& text) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(result.error().message().find(text), std::string::npos) << result.error().message();
}

class SimPlatformTest : public ::testing::Test {
 protected:
  test::ScratchDirectory directory_;
  std::unique_ptr<SimPlatform> platform_ = open_platform(directory_);
  SecretBytes secret_ = SecretBytes::copy_of(to_bytes("key material"));
};

TEST_F(SimPlatformTest, IdentityIsSimMeasurementAndRootPublicKey) {
  ASSERT_NE(platform_, nullptr);
  const Identity& identity = platform_->identity();
  EXPECT_EQ(identity.platform, "sim");
  EXPECT_EQ(identity.measurement, kMeasurement);
  auto root = load_sim_root(directory_.path("sim-root.pem"));
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(identity.platform_key, crypto::public_key_to_der(root->get()).value());
}

TEST_F(SimPlatformTest, EvidenceVerifiesWithThePlatformKey) {
  ASSERT_NE(platform_, nullptr);
  Bytes report_data(64, 0x07);
  auto evidence = platform_->evidence(report_data);
  ASSERT_TRUE(evidence.has_value()) << evidence.error().message();
  auto report = parse_sim_report(*evidence);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(verify_sim_report(*report, platform_->identity().platform_key).has_value());
  EXPECT_EQ(report->report_data, report_data);
  EXPECT_EQ(report->measurement, kMeasurement);
}

TEST_F(SimPlatformTest, EvidenceRefusesReportDataOfAnotherSize) {
  ASSERT_NE(platform_, nullptr);
  for (std::size_t size : {0, 32, 63, 65}) {
    auto evidence = platform_->evidence(Bytes(size));
    ASSERT_FALSE(evidence.has_value());
    EXPECT_EQ(evidence.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(SimPlatformTest, SealsAndUnsealsAcrossRestarts) {
  ASSERT_NE(platform_, nullptr);
  auto sealed = platform_->seal(SealPurpose::kSigningKey, "release@1", secret_);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().message();
  auto reopened = SimPlatform::open(directory_.path("sim-root.pem"), kMeasurement, RootMode::kLoad);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message();
  auto opened = (*reopened)->unseal(SealPurpose::kSigningKey, "release@1", *sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  EXPECT_TRUE(constant_time_equal(opened->view(), secret_.view()));
}

TEST_F(SimPlatformTest, RefusesABlobOfAnotherInstallation) {
  test::ScratchDirectory other_directory;
  auto other = open_platform(other_directory);
  ASSERT_NE(other, nullptr);
  auto sealed = other->seal(SealPurpose::kSigningKey, "release@1", secret_);
  ASSERT_TRUE(sealed.has_value());
  expect_data_loss(platform_->unseal(SealPurpose::kSigningKey, "release@1", *sealed),
                   "sealed by another installation");
}

TEST_F(SimPlatformTest, RefusesABlobOfAnotherEnclaveBuild) {
  auto other_build = open_platform(directory_, Bytes(48, 0x43));
  ASSERT_NE(other_build, nullptr);
  auto sealed = other_build->seal(SealPurpose::kSigningKey, "release@1", secret_);
  ASSERT_TRUE(sealed.has_value());
  expect_data_loss(platform_->unseal(SealPurpose::kSigningKey, "release@1", *sealed),
                   "sealed by another enclave build (measurement 4343434343434343..., this "
                   "enclave is 4242424242424242...)");
}

TEST_F(SimPlatformTest, RefusesABlobForAnotherObject) {
  auto sealed = platform_->seal(SealPurpose::kSigningKey, "release@1", secret_);
  ASSERT_TRUE(sealed.has_value());
  expect_data_loss(platform_->unseal(SealPurpose::kSigningKey, "release@2", *sealed),
                   "sealed for another key/purpose");
}

TEST_F(SimPlatformTest, MissingRootWithoutCreateTellsToRunInit) {
  test::ScratchDirectory empty;
  auto platform = SimPlatform::open(empty.path("sim-root.pem"), kMeasurement, RootMode::kLoad);
  ASSERT_FALSE(platform.has_value());
  EXPECT_EQ(platform.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(platform.error().message().find("ensign init"), std::string::npos);
}

TEST_F(SimPlatformTest, RefusesAMeasurementOfAnotherSize) {
  auto platform =
      SimPlatform::open(directory_.path("sim-root.pem"), Bytes(32), RootMode::kCreateIfMissing);
  ASSERT_FALSE(platform.has_value());
  EXPECT_EQ(platform.error().code(), ErrorCode::kInvalidArgument);
}

TEST(SimPlatformRaceTest, RacingCreatorsEndWithOneRoot) {
  for (int round = 0; round < 5; ++round) {
    test::ScratchDirectory directory;
    Bytes keys[2];
    auto create = [&](int index) {
      auto platform = SimPlatform::open(
          directory.path("sim-root.pem"), kMeasurement, RootMode::kCreateIfMissing);
      if (platform) {
        keys[index] = (*platform)->identity().platform_key;
      }
    };
    std::thread first(create, 0);
    std::thread second(create, 1);
    first.join();
    second.join();
    ASSERT_FALSE(keys[0].empty());
    EXPECT_EQ(keys[0], keys[1]);
  }
}

}  // namespace
}  // namespace ensign::tee::sim
