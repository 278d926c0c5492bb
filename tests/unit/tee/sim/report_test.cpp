// Tests of src/tee/sim/report.cpp: sim report layout, parsing bounds and verification.
#include "tee/sim/report.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::tee::sim {
namespace {

class SimReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::move(crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP384)).value();
    root_public_ = crypto::public_key_to_der(root_.get()).value();
    other_root_ = std::move(crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP384)).value();
    other_public_ = crypto::public_key_to_der(other_root_.get()).value();
  }

  // make_report signs a report with `signer` that names the key id of `named_public`.
  Bytes make_report(EVP_PKEY* signer, ByteView named_public) {
    Bytes claims =
        encode_sim_report_claims(measurement_, report_data_, root_key_id(named_public)).value();
    Bytes signature =
        crypto::sign_message(signer, crypto::KeyAlgorithm::kEcdsaP384, claims).value();
    return complete_sim_report(claims, signature).value();
  }
  Bytes make_report() { return make_report(root_.get(), root_public_); }

  EvpPkeyPtr root_;
  Bytes root_public_;
  EvpPkeyPtr other_root_;
  Bytes other_public_;
  Bytes measurement_ = Bytes(kMeasurementSize, 0x4d);
  Bytes report_data_ = Bytes(kSimReportDataSize, 0x52);
};

void expect_malformed(ByteView evidence, const std::string& text) {
  auto parsed = parse_sim_report(evidence);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.error().message().find(text), std::string::npos) << parsed.error().message();
}

TEST_F(SimReportTest, RoundTripCarriesEveryClaim) {
  Bytes evidence = make_report();
  auto report = parse_sim_report(evidence);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->version, kSimReportVersion);
  EXPECT_EQ(report->platform, "sim");
  EXPECT_EQ(report->flags, kSimReportFlagSimulated | kSimReportFlagDebug);
  EXPECT_EQ(report->measurement, measurement_);
  EXPECT_EQ(report->report_data, report_data_);
  EXPECT_EQ(report->root_key_id, crypto::sha256(root_public_));
  EXPECT_EQ(report->signed_bytes.size(), 158u);
  EXPECT_EQ(evidence.size(), 160u + report->signature.size());
}

TEST_F(SimReportTest, LayoutMatchesTheDocumentedOffsets) {
  Bytes evidence = make_report();
  EXPECT_EQ(as_string(ByteView(evidence).first(4)), "ESRP");
  EXPECT_EQ(evidence[4], 0);
  EXPECT_EQ(evidence[5], 1);
  EXPECT_EQ(evidence[6], 3);
  EXPECT_EQ(as_string(ByteView(evidence).subspan(7, 3)), "sim");
  EXPECT_EQ(evidence[13], 3);  // flags, low byte
  EXPECT_EQ(Bytes(evidence.begin() + 14, evidence.begin() + 62), measurement_);
  EXPECT_EQ(Bytes(evidence.begin() + 62, evidence.begin() + 126), report_data_);
  EXPECT_EQ(Bytes(evidence.begin() + 126, evidence.begin() + 158), crypto::sha256(root_public_));
}

TEST_F(SimReportTest, VerifiesWithTheRightRoot) {
  auto report = parse_sim_report(make_report());
  ASSERT_TRUE(report.has_value());
  auto verified = verify_sim_report(*report, root_public_);
  EXPECT_TRUE(verified.has_value()) << verified.error().message();
}

TEST_F(SimReportTest, KeyAttestationReportDataIsSha256ThenZeros) {
  Bytes spki = to_bytes("a public key");
  Bytes data = key_attestation_report_data(spki);
  ASSERT_EQ(data.size(), kSimReportDataSize);
  EXPECT_EQ(Bytes(data.begin(), data.begin() + 32), crypto::sha256(spki));
  EXPECT_EQ(Bytes(data.begin() + 32, data.end()), Bytes(32, 0));
}

TEST_F(SimReportTest, RefusesAnotherRoot) {
  auto report = parse_sim_report(make_report());
  ASSERT_TRUE(report.has_value());
  auto verified = verify_sim_report(*report, other_public_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(verified.error().message().find("names root key"), std::string::npos);
}

TEST_F(SimReportTest, RefusesASignatureByAnotherKeyNamingTheRightRoot) {
  auto report = parse_sim_report(make_report(other_root_.get(), root_public_));
  ASSERT_TRUE(report.has_value());
  auto verified = verify_sim_report(*report, root_public_);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(verified.error().message().find("does not verify"), std::string::npos);
}

TEST_F(SimReportTest, RefusesEveryFlippedByte) {
  Bytes evidence = make_report();
  for (std::size_t index = 0; index < evidence.size(); ++index) {
    Bytes changed = evidence;
    changed[index] ^= 0x01;
    auto report = parse_sim_report(changed);
    bool accepted = report.has_value() && verify_sim_report(*report, root_public_).has_value();
    EXPECT_FALSE(accepted) << "flipped byte " << index << " went unnoticed";
  }
}

TEST_F(SimReportTest, RefusesEveryTruncation) {
  Bytes evidence = make_report();
  for (std::size_t size = 0; size < evidence.size(); ++size) {
    auto parsed = parse_sim_report(ByteView(evidence).first(size));
    ASSERT_FALSE(parsed.has_value()) << "prefix of " << size << " bytes parsed";
    EXPECT_NE(parsed.error().message().find("truncated"), std::string::npos)
        << size << ": " << parsed.error().message();
  }
}

TEST_F(SimReportTest, RefusesTrailingBytes) {
  Bytes evidence = make_report();
  evidence.push_back(0);
  expect_malformed(evidence, "trailing bytes");
}

TEST_F(SimReportTest, RefusesAnotherVersion) {
  Bytes evidence = make_report();
  evidence[5] = 2;
  expect_malformed(evidence, "version 2 is not supported");
}

TEST_F(SimReportTest, RefusesAnotherMagic) {
  Bytes evidence = make_report();
  evidence[0] = 'X';
  expect_malformed(evidence, "wrong magic");
}

TEST_F(SimReportTest, RefusesAnotherPlatform) {
  Bytes evidence = make_report();
  evidence[7] = 't';  // "tim"
  expect_malformed(evidence, "platform");
}

TEST_F(SimReportTest, RefusesFlagsOtherThanSimulatedAndDebug) {
  Bytes evidence = make_report();
  evidence[13] = 1;  // simulated only: a sim report that claims not to be debug
  expect_malformed(evidence, "flags");
}

TEST_F(SimReportTest, RefusesOversizeEvidence) {
  Bytes evidence = make_report();
  evidence.resize(kMaxSimReportSize + 1, 0);
  expect_malformed(evidence, "over the limit");
}

TEST_F(SimReportTest, RefusesSignatureLengthZeroOrOverTheBound) {
  Bytes evidence = make_report();
  Bytes zero(evidence.begin(), evidence.begin() + 158);
  zero.push_back(0);
  zero.push_back(0);
  expect_malformed(zero, "signature length 0");
  Bytes large(evidence.begin(), evidence.begin() + 158);
  large.push_back(0x01);
  large.push_back(0x00);
  large.resize(large.size() + 256, 0);
  expect_malformed(large, "signature length 256");
}

TEST_F(SimReportTest, RefusesARootKeyThatIsNotP384) {
  EvpPkeyPtr other =
      std::move(crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256)).value();
  Bytes other_der = crypto::public_key_to_der(other.get()).value();
  auto report = parse_sim_report(make_report(root_.get(), other_der));
  ASSERT_TRUE(report.has_value());
  auto verified = verify_sim_report(*report, other_der);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SimReportTest, EncodingRefusesFieldsOfTheWrongSize) {
  EXPECT_FALSE(encode_sim_report_claims(Bytes(47), report_data_, Bytes(32)).has_value());
  EXPECT_FALSE(encode_sim_report_claims(measurement_, Bytes(63), Bytes(32)).has_value());
  EXPECT_FALSE(encode_sim_report_claims(measurement_, report_data_, Bytes(31)).has_value());
  EXPECT_FALSE(complete_sim_report(Bytes(158), Bytes()).has_value());
  EXPECT_FALSE(complete_sim_report(Bytes(158), Bytes(kMaxSimReportSignatureSize + 1)).has_value());
}

}  // namespace
}  // namespace ensign::tee::sim
