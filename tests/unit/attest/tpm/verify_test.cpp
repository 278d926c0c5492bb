// Tests of attest/tpm/verify.h. The real quotes of ../shared/vectors/tpm verify, each in its own
// form, with claims compared generically against manifest.json's `expected`; then every way a
// quote, its AK, its signature or its PCR values can be wrong is refused with an error naming it.
#include "attest/tpm/verify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/azure_hcl.h"
#include "crypto/keys.h"
#include "support/corrupt.h"
#include "support/vectors.h"
#include "tpm_test_support.h"

namespace ensign::attest::tpm {
namespace {

using ensign::test::read_vector;
using nlohmann::json;

// A manifest entry and the files that come beside it; "" when the evidence carries it.
struct VectorCase {
  std::string file;
  std::string signature_file;
  std::string ak_file;
};

void PrintTo(const VectorCase& vector, std::ostream* out) {
  *out << vector.file;
}

const std::vector<VectorCase> kVectorCases = {
    {"tpm/coco_tpm_evidence.json", "", ""},
    {"tpm/coco_tpm_quote.attest.bin", "tpm/coco_tpm_quote.sig.bin", "tpm/coco_tpm_ak_pub.der"},
    {"tpm/coco_tpm_quote.attest.tampered.bin",
     "tpm/coco_tpm_quote.sig.bin",
     "tpm/coco_tpm_ak_pub.der"},
    {"tpm/azure_snp_vtpm_quote.json", "", "tpm/azure_snp_hcl_report.bin"},
};

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const auto& error : errors) {
    text += error + "\n";
  }
  return text;
}

bool has_error(const Verification& verification, const std::string& part) {
  return joined(verification.errors).find(part) != std::string::npos;
}

QuoteInputs inputs_for(const VectorCase& vector) {
  QuoteInputs inputs;
  if (!vector.signature_file.empty()) {
    inputs.signature = read_vector(vector.signature_file);
  }
  if (!vector.ak_file.empty()) {
    auto ak = ak_public_from_file_contents(read_vector(vector.ak_file));
    EXPECT_TRUE(ak.has_value()) << vector.ak_file << ": " << ak.error().message();
    inputs.ak_public = ak ? *ak : Bytes{};
  }
  return inputs;
}

// expect_matches compares the manifest's expected fields with the verification. Keys that are
// claims compare directly; the others describe the vector and are checked for what they say.
void expect_matches(const json& expected,
                    const VectorCase& vector,
                    const Verification& verification,
                    std::size_t attest_size) {
  const json& claims = verification.claims;
  for (const auto& [key, value] : expected.items()) {
    if (key == "attest") {
      for (const auto& [field, field_value] : value.items()) {
        if (field == "consumed" || field == "len") {
          EXPECT_EQ(field_value, attest_size) << field;
        } else {
          EXPECT_EQ(claims["attest"][field], field_value) << field;
        }
      }
    } else if (key == "pcrs_sha256") {
      ASSERT_TRUE(claims.contains("pcrs")) << joined(verification.errors);
      for (std::size_t index = 0; index < value.size(); ++index) {
        EXPECT_EQ(claims["pcrs"]["sha256"][std::to_string(index)], value[index]) << index;
      }
    } else if (key == "pcr_digest_is_sha256_of_concat_pcr0_23") {
      EXPECT_EQ(claims.contains("pcrs") && claims["hash_alg"] == "SHA256" &&
                    claims["pcrs"]["sha256"].size() == 24,
                value.get<bool>());
    } else if (key == "nonce_extraData_ascii") {
      EXPECT_EQ(as_string(verification.report_data), value);
    } else if (key == "verifies_with") {
      EXPECT_EQ("tpm/" + value.get<std::string>().substr(0, value.get<std::string>().find(' ')),
                vector.ak_file);
    } else if (key != "flipped") {
      EXPECT_EQ(claims[key], value) << key;
    }
  }
}

class TpmVectorTest : public ::testing::TestWithParam<VectorCase> {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_P(TpmVectorTest, VerifiesAsTheManifestSays) {
  const VectorCase& vector = GetParam();
  json entry = test::manifest_entry(vector.file);
  ASSERT_FALSE(entry.is_null());
  Bytes evidence = read_vector(vector.file);
  Verification verification = verify_quote(evidence, inputs_for(vector));
  EXPECT_EQ(verification.format, EvidenceFormat::kTpm);
  if (!entry.at("expect_valid").get<bool>()) {
    EXPECT_FALSE(verification.verified());
    EXPECT_TRUE(has_error(verification,
                          "quote signature: TPM_ALG_RSASSA/SHA256 signature does "
                          "not verify with the AK (sha256 "))
        << joined(verification.errors);
    return;
  }
  ASSERT_TRUE(verification.verified()) << joined(verification.errors);
  auto parsed = parse_quote_evidence(evidence);
  expect_matches(
      entry.value("expected", json::object()), vector, verification, parsed->attest.size());
  EXPECT_EQ(hex_encode(verification.measurement), verification.claims["attest"]["pcr_digest"]);
  EXPECT_EQ(hex_encode(verification.report_data), verification.claims["attest"]["extra_data"]);
  EXPECT_FALSE(verification.debug);
  EXPECT_FALSE(verification.signer.has_value());
  EXPECT_EQ(verification.claims["ak_public_sha256"],
            crypto::key_fingerprint(parsed->ak_public ? *parsed->ak_public
                                                      : *inputs_for(vector).ak_public));
}

INSTANTIATE_TEST_SUITE_P(SharedVectors,
                         TpmVectorTest,
                         ::testing::ValuesIn(kVectorCases),
                         [](const ::testing::TestParamInfo<VectorCase>& parameter) {
                           std::string name = parameter.param.file.substr(4);
                           for (char& character : name) {
                             character = std::isalnum(static_cast<unsigned char>(character))
                                             ? character
                                             : '_';
                           }
                           return name;
                         });

TEST(TpmVectorCoverageTest, EveryTpmQuoteInTheManifestIsTested) {
  ENSIGN_REQUIRE_VECTORS();
  Bytes text = read_vector("manifest.json");
  json manifest = json::parse(text.begin(), text.end());
  for (const auto& entry : manifest.at("entries")) {
    bool quote =
        entry.at("kind") == "tpm" && (entry.value("expected", json::object()).contains("attest") ||
                                      !entry.at("expect_valid").get<bool>());
    if (!quote) {
      continue;
    }
    bool covered = false;
    for (const auto& vector : kVectorCases) {
      covered = covered || vector.file == entry.at("file");
    }
    EXPECT_TRUE(covered) << entry.at("file");
  }
}

class TpmVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    attest_ = read_vector("tpm/coco_tpm_quote.attest.bin");
    inputs_.signature = read_vector("tpm/coco_tpm_quote.sig.bin");
    inputs_.ak_public = read_vector("tpm/coco_tpm_ak_pub.der");
    container_ = read_vector("tpm/coco_tpm_evidence.json");
    pcrs_ = parse_quote_evidence(container_)->pcrs.value();
  }
  Bytes attest_;
  QuoteInputs inputs_;
  Bytes container_;
  std::vector<Bytes> pcrs_;
};

TEST_F(TpmVerifyTest, ChecksPcrValuesGivenBesideTpmsAttest) {
  inputs_.pcrs = pcrs_;
  Verification verification = verify_quote(attest_, inputs_);
  ASSERT_TRUE(verification.verified()) << joined(verification.errors);
  EXPECT_EQ(verification.claims["pcrs"]["sha256"]["23"], std::string(64, '0'));
  EXPECT_EQ(verification.claims["pcrs"]["sha256"]["17"], std::string(64, 'f'));
}

TEST_F(TpmVerifyTest, AcceptsTheContainersOwnAkAndPcrsGivenAgain) {
  inputs_.signature.reset();
  inputs_.pcrs = pcrs_;
  EXPECT_TRUE(verify_quote(container_, inputs_).verified());
}

TEST_F(TpmVerifyTest, VerifiesEachSchemeOfAThrowawayAk) {
  QuoteAttest attest = test::sample_attest();
  Bytes message = test::marshal_attest(attest);
  struct Case {
    test::TestAk ak;
    std::uint16_t sig_alg;
  };
  std::vector<Case> cases;
  cases.push_back({test::make_rsa_ak(3072), kAlgRsapss});
  cases.push_back({test::make_ec_ak("P-384"), kAlgEcdsa});
  for (const auto& [ak, sig_alg] : cases) {
    QuoteInputs inputs{ak.public_der,
                       test::sign_as_tpm(ak, sig_alg, kAlgSha256, message),
                       test::zero_pcr_values()};
    Verification verification = verify_quote(message, inputs);
    ASSERT_TRUE(verification.verified()) << joined(verification.errors);
    EXPECT_EQ(verification.claims["sig_alg"], signature_algorithm_name(sig_alg));
    EXPECT_EQ(verification.claims["pcrs"]["sha1"]["1"], std::string(40, '0'));
  }
}

TEST_F(TpmVerifyTest, RefusesTheTamperedVector) {
  Verification verification =
      verify_quote(read_vector("tpm/coco_tpm_quote.attest.tampered.bin"), inputs_);
  EXPECT_FALSE(verification.verified());
  EXPECT_TRUE(has_error(verification, "quote signature:"));
}

TEST_F(TpmVerifyTest, RefusesBitFlipsAnywhere) {
  for (std::size_t offset : {4u, 9u, 40u, 60u, 110u, 120u, 128u, 140u, 150u, 176u}) {
    Verification verification = verify_quote(ensign::test::flipped(attest_, offset, 0x01), inputs_);
    EXPECT_FALSE(verification.verified()) << offset;
  }
  Verification signature_flip = verify_quote(
      attest_, {inputs_.ak_public, ensign::test::flipped(*inputs_.signature, 100), {}});
  EXPECT_TRUE(has_error(signature_flip, "signature does not verify"));
}

TEST_F(TpmVerifyTest, RefusesAnotherAk) {
  inputs_.ak_public =
      ak_public_from_file_contents(read_vector("tpm/azure_snp_hcl_report.bin")).value();
  Verification verification = verify_quote(attest_, inputs_);
  EXPECT_TRUE(has_error(
      verification,
      "does not verify with the AK (sha256 " + crypto::key_fingerprint(*inputs_.ak_public) + ")"))
      << joined(verification.errors);
}

TEST_F(TpmVerifyTest, RefusesAContainerAkThatIsNotTheGivenOne) {
  inputs_.signature.reset();
  inputs_.ak_public = test::make_rsa_ak(2048).public_der;
  Verification verification = verify_quote(container_, inputs_);
  EXPECT_TRUE(has_error(verification, "AK: the evidence's ak_public (sha256 a517f03f"))
      << joined(verification.errors);
}

TEST_F(TpmVerifyTest, RefusesQuotesWithoutAnAkOrSignature) {
  EXPECT_TRUE(has_error(verify_quote(attest_, {std::nullopt, inputs_.signature, {}}),
                        "AK: none given (--ak-pub) and the TPMS_ATTEST evidence carries none"));
  EXPECT_TRUE(has_error(verify_quote(read_vector("tpm/azure_snp_vtpm_quote.json"), {}),
                        "AK: none given (--ak-pub) and the Azure vTPM JSON evidence"));
  EXPECT_TRUE(has_error(verify_quote(attest_, {inputs_.ak_public, std::nullopt, {}}),
                        "quote signature: none given"));
  EXPECT_TRUE(has_error(verify_quote(container_, {std::nullopt, Bytes(262, 0), {}}),
                        "the evidence's signature is not the one given"));
  EXPECT_TRUE(has_error(verify_quote(attest_, {Bytes{0x30, 0x00}, inputs_.signature, {}}),
                        "malformed public key"));
}

TEST_F(TpmVerifyTest, RefusesPcrValuesThatWereNotQuoted) {
  pcrs_[8][0] ^= 0x01;
  inputs_.pcrs = pcrs_;
  Verification verification = verify_quote(attest_, inputs_);
  EXPECT_TRUE(has_error(verification, "PCR values: their SHA256 digest "));
  EXPECT_TRUE(has_error(verification, " is not the quote's pcrDigest 019de64c"));
  EXPECT_FALSE(verification.claims.contains("pcrs"));
  inputs_.pcrs.pop_back();
  EXPECT_TRUE(has_error(verify_quote(attest_, inputs_), "23 values given for 24 selected PCRs"));
  inputs_.signature.reset();
  EXPECT_TRUE(has_error(verify_quote(container_, inputs_),
                        "PCR values: the evidence's pcrs are not the ones given"));
}

TEST_F(TpmVerifyTest, RefusesMalformedStructure) {
  EXPECT_TRUE(has_error(verify_quote(ensign::test::flipped(attest_, 3), inputs_),
                        "evidence: neither TPMS_ATTEST bytes"));
  Bytes certify = attest_;
  certify[5] = 0x17;
  EXPECT_TRUE(has_error(verify_quote(certify, inputs_), "TPM_ST_ATTEST_CERTIFY"));
  EXPECT_TRUE(has_error(verify_quote(ensign::test::truncated(attest_, 150), inputs_),
                        "TPMS_ATTEST: input ends inside pcrDigest"));
  EXPECT_TRUE(has_error(verify_quote(ensign::test::appended(attest_, Bytes{0}), inputs_),
                        "TPMS_ATTEST: 1 trailing bytes"));
  Bytes oversized = attest_;
  oversized[6] = 0x01;  // qualifiedSigner size 0x0122
  EXPECT_TRUE(has_error(verify_quote(oversized, inputs_), "qualifiedSigner (offset 6) size 290"));
  EXPECT_TRUE(has_error(verify_quote(attest_, {inputs_.ak_public, Bytes{0x00, 0x10}, {}}),
                        "quote signature: TPMT_SIGNATURE: sigAlg"));
}

TEST(TpmVerifyInputTest, ReportsMalformedJsonInPrintableErrors) {
  Verification verification = verify_quote(as_bytes("{\"message\": \"ff\xff\"}"), {});
  ASSERT_EQ(verification.errors.size(), 1u);
  EXPECT_EQ(verification.errors[0], "evidence: not JSON (syntax error at byte 16)");
  EXPECT_NO_THROW((void)to_json(verification).dump());
}

TEST_F(TpmVerifyTest, RefusesSha1Signatures) {
  QuoteAttest attest = test::sample_attest();
  Bytes message = test::marshal_attest(attest);
  test::TestAk ak = test::make_rsa_ak(2048);
  Verification verification = verify_quote(message,
                                           {ak.public_der,
                                            test::sign_as_tpm(ak, kAlgRsassa, kAlgSha1, message),
                                            test::zero_pcr_values()});
  EXPECT_TRUE(has_error(verification, "only SHA256, SHA384 and SHA512 are accepted"));
  EXPECT_FALSE(verification.claims.contains("pcrs"));
}

}  // namespace
}  // namespace ensign::attest::tpm
