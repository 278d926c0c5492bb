// Tests of attest/tpm/azure_hcl.h: the real Azure HCL report (checked against manifest.json and
// the SNP report it carries), synthetic reports for TDX and the other hashes, each header field
// out of range, a runtime-data change the binding must catch, and the --ak-pub file forms.
#include "attest/tpm/azure_hcl.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <string>

#include "core/openssl_handles.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "support/corrupt.h"
#include "support/text.h"
#include "support/vectors.h"
#include "tpm_test_support.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::read_vector;

constexpr std::size_t kRuntimeDataOffset = 0x4d4;

std::string hcl_refusal(ByteView report) {
  auto parsed = parse_hcl_report(report);
  return parsed.has_value() ? std::string("parsed") : parsed.error().message();
}

using ::ensign::test::contains;

Bytes with_le32(ByteView bytes, std::size_t offset, std::uint32_t value) {
  Bytes copy(bytes.begin(), bytes.end());
  for (std::size_t byte = 0; byte < 4; ++byte) {
    copy.at(offset + byte) = static_cast<std::uint8_t>((value >> (8 * byte)) & 0xff);
  }
  return copy;
}

class HclVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    report_ = read_vector("tpm/azure_snp_hcl_report.bin");
  }
  Bytes report_;
};

TEST_F(HclVectorTest, MatchesTheManifest) {
  auto parsed = parse_hcl_report(report_);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  auto expected = test::manifest_entry("tpm/azure_snp_hcl_report.bin").at("expected");
  EXPECT_EQ(parsed->runtime_data_offset,
            std::stoul(expected.at("runtime_json_offset").get<std::string>(), nullptr, 16));
  EXPECT_EQ(parsed->runtime_data.size(), expected.at("runtime_json_len").get<std::size_t>());
  EXPECT_EQ(hex_encode(crypto::sha256(parsed->runtime_data)), expected.at("runtime_data_sha256"));
  EXPECT_EQ(parsed->report_type, HardwareReportType::kSevSnp);
}

TEST_F(HclVectorTest, CarriesTheSnpReportAndAnRsaAk) {
  auto parsed = parse_hcl_report(report_);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->hardware_report, read_vector("snp/azure_milan_report.bin"));
  auto key = crypto::public_key_from_der(parsed->ak_public);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(EVP_PKEY_is_a(key->get(), "RSA"), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 2048);
}

TEST_F(HclVectorTest, RefusesAChangedRuntimeData) {
  // "vmUniqueId":"911B0EF8-..." becomes "811B0EF8-...": still JSON, no longer bound.
  std::string runtime = as_string(ByteView(report_).subspan(kRuntimeDataOffset, 1110));
  std::size_t position = runtime.find("911B0EF8");
  ASSERT_NE(position, std::string::npos);
  Bytes changed = ensign::test::flipped(report_, kRuntimeDataOffset + position, 0x01);
  EXPECT_TRUE(contains(hcl_refusal(changed), "HCL report: runtime data hash "));
  EXPECT_TRUE(
      contains(hcl_refusal(changed), "does not match the hardware report's REPORT_DATA b3fbad65"));
}

TEST_F(HclVectorTest, RefusesAChangedReportData) {
  EXPECT_TRUE(contains(hcl_refusal(ensign::test::flipped(report_, 0x20 + 0x50)),
                       "does not match the hardware report's REPORT_DATA"));
}

TEST_F(HclVectorTest, RefusesHeaderFieldsOutOfRange) {
  EXPECT_TRUE(
      contains(hcl_refusal(ensign::test::flipped(report_, 0)), "does not start with \"HCLA\""));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 4, 3)), "header version 3 is not 1 or 2"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 0x4c4, 2)), "request data version 2"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 0x4c8, 3)), "report type 3 is not 2"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 0x4cc, 4)), "IGVM hash type 4"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 0x4d0, 1111)), "runtime data size 1111"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 0x4c0, 1131)), "request data size 1131"));
  EXPECT_TRUE(contains(hcl_refusal(with_le32(report_, 8, 2347)), "the report size 2347"));
}

TEST_F(HclVectorTest, RefusesTruncationAndNonzeroPadding) {
  EXPECT_TRUE(
      contains(hcl_refusal(ensign::test::truncated(report_, 0x4d3)), "1235 bytes, expected"));
  EXPECT_TRUE(
      contains(hcl_refusal(ensign::test::truncated(report_, 2345)), "and the 2345 bytes given"));
  EXPECT_TRUE(contains(hcl_refusal(ensign::test::flipped(report_, report_.size() - 1)),
                       "nonzero byte at offset 2599"));
  Bytes huge(kMaxHclReportSize + 1, 0);
  EXPECT_TRUE(contains(hcl_refusal(huge), "32769 bytes"));
}

TEST(HclReportTest, ReadsTdxReportsAndOtherHashes) {
  test::TestAk ak = test::make_rsa_ak(2048);
  std::string runtime = test::runtime_json_with_ak(ak);
  for (std::uint32_t hash_type : {1U, 2U, 3U}) {
    auto parsed = parse_hcl_report(test::make_hcl_report(4, runtime, hash_type));
    ASSERT_TRUE(parsed.has_value()) << hash_type << ": " << parsed.error().message();
    EXPECT_EQ(parsed->report_type, HardwareReportType::kTdx);
    EXPECT_EQ(parsed->hardware_report.size(), 0x400u);
    EXPECT_EQ(parsed->ak_public, ak.public_der);
  }
}

TEST(HclReportTest, RefusesRuntimeDataWithoutAUsableAk) {
  auto refused = [](const std::string& runtime) {
    return hcl_refusal(test::make_hcl_report(2, runtime));
  };
  EXPECT_TRUE(contains(refused(R"({"keys": []})"), "no key whose kid is HCLAkPub"));
  EXPECT_TRUE(contains(refused(R"({"other": 1})"), "no \"keys\" array"));
  EXPECT_TRUE(contains(refused(R"({"keys": [{"kid": "HCLAkPub", "kty": "EC"}]})"),
                       "HCLAkPub is not an RSA JWK"));
  EXPECT_TRUE(contains(refused(R"({"keys": [{"kid": "HCLAkPub", "kty": "RSA", "e": "AQAB",)"
                               R"( "n": "AQAB"}]})"),
                       "HCLAkPub.n is 3 bytes, expected 256..512"));
  EXPECT_TRUE(contains(refused(R"({"keys": [{"kid": "HCLAkPub", "kty": "RSA", "e": "AQAB"}]})"),
                       "HCLAkPub.n: missing"));
  EXPECT_TRUE(contains(refused("{\"keys\": [}"), "HCL report runtime data: not JSON"));
}

class AkFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(AkFileTest, ReadsDerSpki) {
  Bytes der = read_vector("tpm/coco_tpm_ak_pub.der");
  EXPECT_EQ(ak_public_from_file_contents(der).value(), der);
}

TEST_F(AkFileTest, ReadsPem) {
  Bytes der = read_vector("tpm/coco_tpm_ak_pub.der");
  auto key = crypto::public_key_from_der(der).value();
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), key.get()), 1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  std::string pem =
      "ak.pub from tpm2_createak -f pem\n" + std::string(data, static_cast<std::size_t>(length));
  EXPECT_EQ(ak_public_from_file_contents(as_bytes(pem)).value(), der);
}

TEST_F(AkFileTest, ReadsTheAkOfAnHclReport) {
  auto from_report = ak_public_from_file_contents(read_vector("tpm/azure_snp_hcl_report.bin"));
  ASSERT_TRUE(from_report.has_value()) << from_report.error().message();
  EXPECT_EQ(*from_report, parse_hcl_report(read_vector("tpm/azure_snp_hcl_report.bin"))->ak_public);
}

TEST_F(AkFileTest, RefusesATamperedHclReport) {
  Bytes report = read_vector("tpm/azure_snp_hcl_report.bin");
  auto refused =
      ak_public_from_file_contents(ensign::test::flipped(report, kRuntimeDataOffset + 3));
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(contains(refused.error().message(), "HCL report:"));
}

TEST_F(AkFileTest, RefusesWhatIsNoKey) {
  EXPECT_FALSE(ak_public_from_file_contents(as_bytes("not a key")).has_value());
  EXPECT_FALSE(ak_public_from_file_contents(
                   as_bytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                   .has_value());
  Bytes der = read_vector("tpm/coco_tpm_ak_pub.der");
  EXPECT_FALSE(ak_public_from_file_contents(ensign::test::appended(der, Bytes{0})).has_value());
  Bytes huge(kMaxAkFileSize + 1, 0x30);
  EXPECT_TRUE(contains(ak_public_from_file_contents(huge).error().message(), "exceed the limit"));
}

TEST_F(AkFileTest, RefusesKeysThatAreNeitherRsaNorEc) {
  auto ed25519 = crypto::generate_private_key(crypto::KeyAlgorithm::kEd25519).value();
  auto refused = ak_public_from_file_contents(crypto::public_key_to_der(ed25519.get()).value());
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(contains(refused.error().message(), "key, not RSA or EC"));
}

}  // namespace
}  // namespace ensign::attest::tpm
