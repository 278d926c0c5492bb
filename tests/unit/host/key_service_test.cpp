#include "host/key_service.h"

#include <gtest/gtest.h>

#include <fstream>

#include "formats/verify.h"
#include "host_fixture.h"
#include "tee/sim/report.h"

namespace ensign::host {
namespace {

class KeyServiceTest : public HostFixture {
 protected:
  void SetUp() override {
    HostFixture::SetUp();
    service_ = std::make_unique<KeyService>(*store_, *enclave_, "local:test");
    artifact_ = home_ + "/artifact.bin";
    std::ofstream(artifact_) << "the artifact";
  }
  void TearDown() override {
    service_.reset();
    HostFixture::TearDown();
  }

  std::unique_ptr<KeyService> service_;
  std::string artifact_;
};

TEST_F(KeyServiceTest, CreatedKeysCarryAKeyAttestationBindingThem) {
  auto key = service_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->version, 1u);
  EXPECT_EQ(key->fingerprint, crypto::key_fingerprint(key->public_key));
  auto report = tee::sim::parse_sim_report(key->key_attestation);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_TRUE(tee::sim::verify_sim_report(*report, enclave_->hello().platform_key));
  EXPECT_EQ(report->report_data, tee::sim::key_attestation_report_data(key->public_key));
  EXPECT_EQ(report->measurement, enclave_->hello().measurement);
}

TEST_F(KeyServiceTest, RefusesTakenAndInvalidNames) {
  ASSERT_TRUE(service_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256));
  auto again = service_->create_key("release", crypto::KeyAlgorithm::kEd25519);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  auto bad = service_->create_key("no spaces", crypto::KeyAlgorithm::kEcdsaP256);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(service_->rotate_key("missing"));
}

TEST_F(KeyServiceTest, SignsWithEveryAlgorithmAndTheBundlesVerify) {
  for (auto algorithm : {crypto::KeyAlgorithm::kEcdsaP256, crypto::KeyAlgorithm::kEcdsaP384,
                         crypto::KeyAlgorithm::kEd25519}) {
    std::string name(crypto::key_algorithm_name(algorithm));
    auto key = service_->create_key(name, algorithm);
    ASSERT_TRUE(key) << key.error().message();
    auto blob = service_->sign_file(name, artifact_, {});
    ASSERT_TRUE(blob) << blob.error().message();
    EXPECT_EQ(blob->public_key_hint, key->fingerprint);
    ASSERT_TRUE(blob->key_attestation.has_value());
    auto verdict = formats::verify_bundle(*blob, artifact_, key->public_key);
    ASSERT_TRUE(verdict);
    EXPECT_TRUE(verdict->valid) << name << ": " << verdict->reason;

    auto dsse = service_->sign_dsse(name, "text/plain", as_bytes("payload"), {false});
    ASSERT_TRUE(dsse) << dsse.error().message();
    EXPECT_FALSE(dsse->key_attestation.has_value());
    auto dsse_verdict = formats::verify_bundle(*dsse, std::nullopt, key->public_key);
    ASSERT_TRUE(dsse_verdict);
    EXPECT_TRUE(dsse_verdict->valid) << name << ": " << dsse_verdict->reason;
  }
}

TEST_F(KeyServiceTest, RotationSignsWithTheNewestVersionOnly) {
  auto first = service_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256).value();
  auto second = service_->rotate_key("release");
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->version, 2u);
  EXPECT_NE(second->fingerprint, first.fingerprint);
  auto bundle = service_->sign_file("release", artifact_, {}).value();
  EXPECT_EQ(bundle.public_key_hint, second->fingerprint);
  EXPECT_FALSE(formats::verify_bundle(bundle, artifact_, first.public_key)->valid);
}

TEST_F(KeyServiceTest, EverySignatureAndKeyEventIsAudited) {
  ASSERT_TRUE(service_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256));
  ASSERT_TRUE(service_->rotate_key("release"));
  ASSERT_TRUE(service_->sign_file("release", artifact_, {}));
  auto events = store_->list_audit(std::string("release"), 100);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].action, "key.create");
  EXPECT_EQ((*events)[1].action, "key.rotate");
  EXPECT_EQ((*events)[2].action, "sign");
  EXPECT_EQ((*events)[2].actor, "local:test");
  EXPECT_EQ((*events)[2].key_version, 2u);
  EXPECT_EQ((*events)[2].digest.size(), 64u);
}

TEST_F(KeyServiceTest, FailedSignaturesAreNotAudited) {
  ASSERT_TRUE(service_->create_key("release", crypto::KeyAlgorithm::kEcdsaP256));
  EXPECT_FALSE(service_->sign_file("release", home_ + "/missing.bin", {}));
  EXPECT_FALSE(service_->sign_file("missing", artifact_, {}));
  auto events = store_->list_audit(std::nullopt, 100);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 1u);
}

TEST_F(KeyServiceTest, Ed25519ArtifactsOverTheLimitAreRefused) {
  ASSERT_TRUE(service_->create_key("ed", crypto::KeyAlgorithm::kEd25519));
  std::string big = home_ + "/big.bin";
  std::ofstream(big) << std::string(enclave::protocol::kMaxSignMessageSize + 1, 'x');
  auto bundle = service_->sign_file("ed", big, {});
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace ensign::host
