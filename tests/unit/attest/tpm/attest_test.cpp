// Tests of attest/tpm/attest.h: TPMS_ATTEST and TPMT_SIGNATURE on the real trustee quote
// (../shared/vectors/tpm, claims compared with manifest.json) and on marshalled quotes with each
// field pushed past its bound.
#include "attest/tpm/attest.h"

#include <gtest/gtest.h>

#include "attest/tpm/algorithms.h"
#include "core/wire.h"
#include "support/corrupt.h"
#include "support/vectors.h"
#include "tpm_test_support.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::appended;
using ensign::test::read_vector;
using ensign::test::truncated;

// Offsets in the trustee vector (qualifiedSigner of 34 bytes, extraData of 64).
constexpr std::size_t kQualifiedSignerSize = 6;
constexpr std::size_t kExtraDataSize = 42;
constexpr std::size_t kSafe = 124;
constexpr std::size_t kPcrCount = 133;
constexpr std::size_t kSizeofSelect = 139;

bool mentions(const Result<QuoteAttest>& parsed, const std::string& part) {
  return !parsed.has_value() && parsed.error().message().find(part) != std::string::npos;
}

Bytes with_u16(ByteView bytes, std::size_t offset, std::uint16_t value) {
  Bytes copy(bytes.begin(), bytes.end());
  copy.at(offset) = static_cast<std::uint8_t>(value >> 8);
  copy.at(offset + 1) = static_cast<std::uint8_t>(value & 0xff);
  return copy;
}

class TpmAttestVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    attest_ = read_vector("tpm/coco_tpm_quote.attest.bin");
  }
  Bytes attest_;
};

TEST_F(TpmAttestVectorTest, ClaimsMatchTheManifest) {
  auto parsed = parse_quote_attest(attest_);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  auto expected = test::manifest_entry("tpm/coco_tpm_quote.attest.bin").at("expected").at("attest");
  auto claims = attest_claims(*parsed);
  for (const auto& [key, value] : expected.items()) {
    if (key == "consumed" || key == "len") {  // the vector's parse length, not a field
      EXPECT_EQ(value, attest_.size()) << key;
    } else {
      EXPECT_EQ(claims[key], value) << key;
    }
  }
  EXPECT_EQ(claims.size() + 2, expected.size());
}

TEST_F(TpmAttestVectorTest, ParsesTheTpmtSignature) {
  auto signature = parse_tpm_signature(read_vector("tpm/coco_tpm_quote.sig.bin"));
  ASSERT_TRUE(signature.has_value()) << signature.error().message();
  EXPECT_EQ(signature->sig_alg, kAlgRsassa);
  EXPECT_EQ(signature->hash_alg, kAlgSha256);
  EXPECT_EQ(signature->rsa_signature.size(), 256u);
}

TEST(TpmAttestTest, RoundTripsAMultiBankSelection) {
  QuoteAttest attest = test::sample_attest();
  auto parsed = parse_quote_attest(test::marshal_attest(attest));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(attest_claims(*parsed), attest_claims(attest));
  ASSERT_EQ(parsed->pcr_select.size(), 2u);
  EXPECT_EQ(parsed->pcr_select[0].pcrs(), (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(parsed->pcr_select[1].pcrs(), (std::vector<unsigned>{0, 1, 16}));
  EXPECT_EQ(attest_claims(*parsed)["pcr_select"][0]["hash_alg"], "0x4");
}

TEST(TpmAttestTest, ParsesAnEcdsaSignature) {
  TpmSignature signature{kAlgEcdsa, kAlgSha384, {}, Bytes(48, 1), Bytes(48, 2)};
  auto parsed = parse_tpm_signature(test::marshal_signature(signature));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->ecdsa_r, signature.ecdsa_r);
  EXPECT_EQ(parsed->ecdsa_s, signature.ecdsa_s);
  EXPECT_TRUE(parsed->rsa_signature.empty());
}

TEST_F(TpmAttestVectorTest, RefusesAnotherMagic) {
  EXPECT_TRUE(mentions(parse_quote_attest(ensign::test::flipped(attest_, 0)),
                       "0xfe544347 is not TPM_GENERATED_VALUE"));
}

TEST_F(TpmAttestVectorTest, RefusesAttestationsOtherThanQuotes) {
  EXPECT_TRUE(mentions(parse_quote_attest(with_u16(attest_, 4, 0x8017)),
                       "0x8017 (TPM_ST_ATTEST_CERTIFY) is not TPM_ST_ATTEST_QUOTE"));
  EXPECT_TRUE(mentions(parse_quote_attest(with_u16(attest_, 4, 0x1234)), "type (offset 4) 0x1234"));
}

TEST_F(TpmAttestVectorTest, RefusesEveryTruncation) {
  for (std::size_t size = 0; size < attest_.size(); ++size) {
    EXPECT_TRUE(mentions(parse_quote_attest(truncated(attest_, size)), "input ends inside"))
        << size;
  }
}

TEST_F(TpmAttestVectorTest, RefusesTrailingBytes) {
  EXPECT_TRUE(mentions(parse_quote_attest(appended(attest_, Bytes{0})),
                       "1 trailing bytes after pcrDigest"));
}

TEST_F(TpmAttestVectorTest, RefusesOversizedFields) {
  EXPECT_TRUE(mentions(parse_quote_attest(with_u16(attest_, kQualifiedSignerSize, 67)),
                       "qualifiedSigner (offset 6) size 67 is outside 0..66"));
  EXPECT_TRUE(mentions(parse_quote_attest(with_u16(attest_, kExtraDataSize, 0xffff)),
                       "extraData (offset 42) size 65535"));
  EXPECT_TRUE(mentions(parse_quote_attest(with_u16(attest_, kPcrCount + 2, 17)),
                       "pcrSelect.count (offset 133) 17 exceeds 16"));
  EXPECT_TRUE(mentions(parse_quote_attest(ensign::test::flipped(attest_, kSizeofSelect, 0x04)),
                       "sizeofSelect (offset 139) 7 exceeds 4"));
  QuoteAttest attest = test::sample_attest();
  attest.pcr_digest = Bytes(65);
  EXPECT_TRUE(mentions(parse_quote_attest(test::marshal_attest(attest)),
                       "pcrDigest (offset 95) size 65 is outside 0..64"));
}

TEST_F(TpmAttestVectorTest, RefusesASafeFlagThatIsNotYesOrNo) {
  EXPECT_TRUE(mentions(parse_quote_attest(ensign::test::flipped(attest_, kSafe, 0x02)),
                       "clockInfo.safe (offset 124) 3 is not a TPMI_YES_NO"));
}

TEST(TpmSignatureTest, RefusesSchemesQuotesDoNotUse) {
  for (std::uint16_t scheme : {kAlgNull, std::uint16_t{0x001a}, std::uint16_t{0x0005}}) {
    TpmSignature signature{scheme, kAlgSha256, Bytes(32, 1), {}, {}};
    auto parsed = parse_tpm_signature(test::marshal_signature(signature));
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message().find("is not TPM_ALG_RSASSA"), std::string::npos);
  }
}

TEST(TpmSignatureTest, RefusesMalformedSignatures) {
  TpmSignature rsa{kAlgRsassa, kAlgSha256, Bytes(256, 7), {}, {}};
  Bytes marshalled = test::marshal_signature(rsa);
  EXPECT_FALSE(parse_tpm_signature(truncated(marshalled, marshalled.size() - 1)).has_value());
  EXPECT_FALSE(parse_tpm_signature(appended(marshalled, Bytes{1})).has_value());
  EXPECT_FALSE(parse_tpm_signature(truncated(marshalled, 3)).has_value());
  rsa.rsa_signature = Bytes(513, 7);
  EXPECT_FALSE(parse_tpm_signature(test::marshal_signature(rsa)).has_value());
  rsa.rsa_signature.clear();
  EXPECT_FALSE(parse_tpm_signature(test::marshal_signature(rsa)).has_value());
  TpmSignature ecdsa{kAlgEcdsa, kAlgSha256, {}, Bytes(129, 1), Bytes(32, 2)};
  EXPECT_FALSE(parse_tpm_signature(test::marshal_signature(ecdsa)).has_value());
  ecdsa.ecdsa_r = Bytes(32, 1);
  ecdsa.ecdsa_s.clear();
  EXPECT_FALSE(parse_tpm_signature(test::marshal_signature(ecdsa)).has_value());
}

}  // namespace
}  // namespace ensign::attest::tpm
