// Tests of attest/tpm/evidence.h: the three forms of the real vectors, and containers missing
// or mangling their members.
#include "attest/tpm/evidence.h"

#include <gtest/gtest.h>

#include <string>

#include "support/text.h"
#include "support/vectors.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::read_vector;

std::string evidence_refusal(std::string_view evidence) {
  auto parsed = parse_quote_evidence(as_bytes(evidence));
  return parsed.has_value() ? std::string("parsed") : parsed.error().message();
}

using ::ensign::test::contains;

class TpmEvidenceVectorTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(TpmEvidenceVectorTest, ReadsTheTrusteeContainer) {
  auto evidence = parse_quote_evidence(read_vector("tpm/coco_tpm_evidence.json"));
  ASSERT_TRUE(evidence.has_value()) << evidence.error().message();
  EXPECT_EQ(evidence->form, EvidenceForm::kTrusteeJson);
  EXPECT_EQ(evidence->attest, read_vector("tpm/coco_tpm_quote.attest.bin"));
  EXPECT_EQ(evidence->signature, read_vector("tpm/coco_tpm_quote.sig.bin"));
  EXPECT_EQ(evidence->ak_public, read_vector("tpm/coco_tpm_ak_pub.der"));
  ASSERT_TRUE(evidence->pcrs.has_value());
  EXPECT_EQ(evidence->pcrs->size(), 24u);
}

TEST_F(TpmEvidenceVectorTest, ReadsTheAzureQuote) {
  auto evidence = parse_quote_evidence(read_vector("tpm/azure_snp_vtpm_quote.json"));
  ASSERT_TRUE(evidence.has_value()) << evidence.error().message();
  EXPECT_EQ(evidence->form, EvidenceForm::kAzureJson);
  EXPECT_EQ(evidence->attest.size(), 122u);
  EXPECT_EQ(evidence->signature->size(), 256u);
  EXPECT_FALSE(evidence->ak_public.has_value());
  EXPECT_EQ(evidence->pcrs->size(), 24u);
}

TEST_F(TpmEvidenceVectorTest, TakesTpmsAttestBytesAsTheyAre) {
  Bytes attest = read_vector("tpm/coco_tpm_quote.attest.bin");
  auto evidence = parse_quote_evidence(attest);
  ASSERT_TRUE(evidence.has_value()) << evidence.error().message();
  EXPECT_EQ(evidence->form, EvidenceForm::kAttestBytes);
  EXPECT_EQ(evidence->attest, attest);
  EXPECT_FALSE(evidence->signature.has_value());
  EXPECT_FALSE(evidence->pcrs.has_value());
  EXPECT_EQ(evidence_form_name(evidence->form), "TPMS_ATTEST");
}

TEST(TpmEvidenceTest, ReadsContainersWithoutOptionalMembers) {
  auto evidence = parse_quote_evidence(
      as_bytes(R"({"tpm_quote": {"message": "/1RDRw==", "signature": "AAE="}, "other": 1})"));
  ASSERT_TRUE(evidence.has_value()) << evidence.error().message();
  EXPECT_FALSE(evidence->ak_public.has_value());
  EXPECT_FALSE(evidence->pcrs.has_value());
  EXPECT_EQ(evidence->attest, (Bytes{0xff, 0x54, 0x43, 0x47}));
}

TEST(TpmEvidenceTest, RefusesOversizedEvidence) {
  std::string huge(kMaxEvidenceSize + 1, ' ');
  EXPECT_TRUE(contains(evidence_refusal(huge), "exceed the limit of 65536"));
}

TEST(TpmEvidenceTest, RefusesUnknownShapes) {
  EXPECT_TRUE(contains(evidence_refusal("not json"), "evidence: neither TPMS_ATTEST bytes"));
  EXPECT_TRUE(contains(evidence_refusal(""), "evidence: neither TPMS_ATTEST bytes"));
  EXPECT_TRUE(contains(evidence_refusal(R"(["message"])"), "evidence: neither TPMS_ATTEST bytes"));
  EXPECT_TRUE(
      contains(evidence_refusal(R"({"quote": {}})"), "neither trustee's {ak_public, tpm_quote}"));
  EXPECT_TRUE(contains(evidence_refusal(R"( {"message": )"), "evidence: not JSON"));
  EXPECT_TRUE(
      contains(evidence_refusal(R"({"tpm_quote": "AAAA"})"), "evidence.tpm_quote: not an object"));
}

TEST(TpmEvidenceTest, RefusesMissingOrMalformedMembers) {
  EXPECT_EQ(evidence_refusal(R"({"tpm_quote": {"message": "AAAA"}})"),
            "evidence.tpm_quote.signature: missing");
  EXPECT_TRUE(
      contains(evidence_refusal(R"({"tpm_quote": {"message": "A*AA", "signature": "AAAA"}})"),
               "evidence.tpm_quote.message: "));
  EXPECT_TRUE(
      contains(evidence_refusal(
                   R"({"ak_public": 5, "tpm_quote": {"message": "AA==", "signature": "AA=="}})"),
               "evidence.ak_public: not a string"));
  EXPECT_TRUE(contains(evidence_refusal(R"({"message": "ff5443", "signature": "xyz"})"),
                       "evidence.signature: hex string"));
  EXPECT_EQ(evidence_refusal(R"({"message": "ff5443"})"), "evidence.signature: missing");
}

TEST(TpmEvidenceTest, RefusesBadPcrLists) {
  EXPECT_TRUE(contains(evidence_refusal(R"({"message": "ff", "signature": "00", "pcrs": "00"})"),
                       "evidence.pcrs: not an array"));
  EXPECT_TRUE(contains(evidence_refusal(R"({"message": "ff", "signature": "00", "pcrs": ["0g"]})"),
                       "evidence.pcrs[0]: hex string"));
  std::string too_long = std::string(R"({"message": "ff", "signature": "00", "pcrs": [")") +
                         std::string(130, '0') + "\"]}";
  EXPECT_TRUE(contains(evidence_refusal(too_long), "evidence.pcrs[0]: 65 bytes, expected 1..64"));
  std::string too_many = R"({"message": "ff", "signature": "00", "pcrs": [)";
  for (std::size_t index = 0; index <= kMaxPcrValues; ++index) {
    too_many += index == 0 ? "\"00\"" : ",\"00\"";
  }
  EXPECT_TRUE(contains(evidence_refusal(too_many + "]}"), "513 entries exceed the limit of 512"));
}

}  // namespace
}  // namespace ensign::attest::tpm
