// Tests of src/attest/snp/verify.cpp: the five real SEV-SNP reports of ../shared/vectors (read in
// place) verify with the certificates the manifest names, at its verify_at; tampering, wrong or
// missing certificates, expired ones and unpinned roots each fail naming what failed.
#include "attest/snp/verify.h"

#include <gtest/gtest.h>

#include "../pki/test_authority.h"
#include "attest/snp/report.h"
#include "snp_vectors.h"

namespace ensign::attest::snp {
namespace {

using test::contains;
using test::error_containing;
using test::errors_text;

class SnpVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }

  static nlohmann::json report_entry(const std::string& file) { return test::entry(file); }

  // verify_bytes checks `evidence` with the endorsements the manifest names for `file`.
  static Verification verify_bytes(const std::string& file, ByteView evidence) {
    return verify_report(evidence, test::endorsements_for(report_entry(file)));
  }
  // verify_with_key checks `file` with its endorsements but for the signing certificate, which
  // is the first certificate of `key_file` instead.
  static Verification verify_with_key(const std::string& file, const std::string& key_file) {
    Endorsements endorsements = test::endorsements_for(report_entry(file));
    endorsements.certificates.at(0) = test::certificates_of(key_file).at(0);
    return verify_report(ensign::test::read_vector(file), endorsements);
  }
};

// expect_only_error checks that `verification` failed with exactly one error containing `part`.
void expect_only_error(const Verification& verification, const std::string& part) {
  EXPECT_FALSE(verification.verified());
  ASSERT_EQ(verification.errors.size(), 1u) << errors_text(verification);
  EXPECT_TRUE(contains(verification.errors[0], part)) << verification.errors[0];
}

TEST_F(SnpVerifyTest, EveryRealReportVerifiesWithTheCertificatesTheManifestNames) {
  auto reports = test::real_reports();
  ASSERT_EQ(reports.size(), 5u);
  for (const auto& entry : reports) {
    std::string file = entry["file"];
    Verification verification =
        verify_report(ensign::test::read_vector(file), test::endorsements_for(entry));
    EXPECT_TRUE(verification.verified()) << file << errors_text(verification);
    EXPECT_EQ(verification.format, EvidenceFormat::kSevSnp);
    const auto& expected = entry["expected"];
    ASSERT_EQ(verification.chain.size(), 3u) << file;
    EXPECT_EQ(verification.chain[0].sha256, expected["vcek"]["sha256"]) << file;
    EXPECT_EQ(verification.chain[0].subject, expected["vcek"]["subject"]) << file;
    EXPECT_TRUE(contains(verification.chain[2].subject, "CN=ARK-")) << file;
    EXPECT_EQ(test::expect_claims_match(expected, verification.claims, file), 29u);
    EXPECT_EQ(hex_encode(verification.measurement), expected["measurement"]) << file;
    EXPECT_EQ(hex_encode(verification.report_data), expected["report_data"]) << file;
    EXPECT_EQ(verification.debug, expected["policy_debug_allowed"]) << file;
    EXPECT_FALSE(verification.signer.has_value()) << file;  // no report has an author key
    EXPECT_EQ(verification.tcb_status, "unknown");
  }
}

TEST_F(SnpVerifyTest, FindsTheSigningKeyAmongOtherCertificates) {
  auto entry = report_entry("snp/coco_milan_report.bin");
  Endorsements endorsements = test::endorsements_for(entry);
  // Another chip's VCEK first, and a chain of another generation.
  auto others = test::certificates_of("snp/gosev_milan_vcek.der");
  for (auto& certificate : test::certificates_of("snp/amd_genoa_ask_ark.pem")) {
    others.push_back(std::move(certificate));
  }
  endorsements.certificates.insert(endorsements.certificates.begin(), others.begin(), others.end());
  Verification verification =
      verify_report(ensign::test::read_vector("snp/coco_milan_report.bin"), endorsements);
  EXPECT_TRUE(verification.verified()) << errors_text(verification);
  ASSERT_FALSE(verification.chain.empty());
  EXPECT_EQ(verification.chain[0].sha256,
            "3430987528a9feebc90c1ba5cfac5849926ace82ae652a1bbf464d33bdc36d45");
}

TEST_F(SnpVerifyTest, AChainCacheGivesTheSameAnswers) {
  pki::ChainCache cache;
  for (int round = 0; round < 2; ++round) {
    for (const char* file : {"snp/gosev_milan_report.bin", "snp/azure_genoa_report.bin"}) {
      Endorsements endorsements = test::endorsements_for(report_entry(file));
      endorsements.chain_cache = &cache;
      Verification verification = verify_report(ensign::test::read_vector(file), endorsements);
      EXPECT_TRUE(verification.verified()) << file << errors_text(verification);
      EXPECT_EQ(verification.chain.size(), 3u);
    }
  }
  // The cache does not mix up endorsements: an expired VLEK stays expired.
  Endorsements expired = test::endorsements_for(report_entry("snp/coco_milan_vlek_report.bin"));
  expired.at = test::at("2026-01-01T00:00:00Z");
  expired.chain_cache = &cache;
  for (int round = 0; round < 2; ++round) {
    Verification verification =
        verify_report(ensign::test::read_vector("snp/coco_milan_vlek_report.bin"), expired);
    EXPECT_FALSE(error_containing(verification, "certificate chain:").empty());
  }
}

TEST_F(SnpVerifyTest, TamperedReportsFailNamingTheSignature) {
  for (const char* file :
       {"snp/gosev_milan_report.tampered.bin", "snp/gosev_milan_report.sigflip.tampered.bin"}) {
    Verification verification =
        verify_bytes("snp/gosev_milan_report.bin", ensign::test::read_vector(file));
    expect_only_error(verification, "report signature: does not verify with the VCEK (CN=SEV-VCEK");
    EXPECT_TRUE(contains(verification.errors.at(0), "sha256 0d057f9b")) << file;
  }
}

TEST_F(SnpVerifyTest, ABitFlipAnywhereInTheSignedBodyFails) {
  Bytes original = ensign::test::read_vector("snp/gosev_milan_report.bin");
  // GUEST_SVN, POLICY, FAMILY_ID, VMPL, REPORT_DATA, HOST_DATA, REPORT_ID, CURRENT_BUILD,
  // COMMITTED_TCB, LAUNCH_TCB.
  for (std::size_t offset :
       {0x004, 0x008, 0x010, 0x030, 0x050, 0x08F, 0x0C0, 0x140, 0x1E8, 0x1E0, 0x1F7}) {
    Verification verification =
        verify_bytes("snp/gosev_milan_report.bin", test::flip_bit(original, offset, 1));
    expect_only_error(verification, "report signature: does not verify with the VCEK");
  }
}

TEST_F(SnpVerifyTest, ABitFlipInFieldsTheCertificateBindsFailsTwice) {
  Bytes original = ensign::test::read_vector("snp/gosev_milan_report.bin");
  Verification chip =
      verify_bytes("snp/gosev_milan_report.bin", test::flip_bit(original, 0x1A0, 0));
  EXPECT_FALSE(error_containing(chip, "report signature:").empty()) << errors_text(chip);
  EXPECT_FALSE(error_containing(chip, "hwID 3ac3fe21").empty()) << errors_text(chip);
  Verification tcb = verify_bytes("snp/gosev_milan_report.bin", test::flip_bit(original, 0x180, 0));
  EXPECT_FALSE(error_containing(tcb, "report signature:").empty()) << errors_text(tcb);
  EXPECT_FALSE(error_containing(tcb, "blSPL 2 is not REPORTED_TCB BOOT_LOADER 3").empty())
      << errors_text(tcb);
}

TEST_F(SnpVerifyTest, AFlippedSignatureBitFails) {
  Bytes original = ensign::test::read_vector("snp/coco_milan_report.bin");
  for (std::size_t offset : {kSignatureOffset + 10,
                             kSignatureOffset + kSignatureComponentSize,
                             kSignatureOffset + 2 * kSignatureComponentSize - 30}) {
    Verification verification =
        verify_bytes("snp/coco_milan_report.bin", test::flip_bit(original, offset, 7));
    expect_only_error(verification, "report signature: does not verify with the VCEK");
  }
  // The top 24 bytes of each 72-byte component are zero in any P-384 signature.
  Verification oversized =
      verify_bytes("snp/coco_milan_report.bin", test::flip_bit(original, kSignatureOffset + 71, 0));
  expect_only_error(oversized, "report signature: R or S does not fit in 48 bytes");
}

TEST_F(SnpVerifyTest, TruncatedAndOverLongInputsFailToParse) {
  Bytes original = ensign::test::read_vector("snp/gosev_milan_report.bin");
  expect_only_error(
      verify_bytes("snp/gosev_milan_report.bin", ByteView(original).first(kReportSize - 1)),
      "structure: SEV-SNP report: 1183 bytes, expected 1184");
  Bytes longer = original;
  longer.push_back(0);
  Verification verification = verify_bytes("snp/gosev_milan_report.bin", longer);
  expect_only_error(verification, "structure: ");
  EXPECT_TRUE(verification.chain.empty());
  EXPECT_EQ(verification.format, EvidenceFormat::kSevSnp);
  expect_only_error(verify_bytes("snp/gosev_milan_report.bin", {}), "structure: ");
}

TEST_F(SnpVerifyTest, AWrongVersionFails) {
  Bytes evidence = ensign::test::read_vector("snp/gosev_milan_report.bin");
  evidence[0] = 9;
  expect_only_error(verify_bytes("snp/gosev_milan_report.bin", evidence),
                    "structure: SEV-SNP report: unsupported VERSION 9");
  evidence[0] = 3;  // parses (CPUID bytes are zero), but it is not what was signed
  Verification verification = verify_bytes("snp/gosev_milan_report.bin", evidence);
  EXPECT_FALSE(error_containing(verification, "report signature: does not verify").empty())
      << errors_text(verification);
}

TEST_F(SnpVerifyTest, AnotherChipsVcekFailsNamingItsHardwareId) {
  Endorsements endorsements = test::endorsements_for(report_entry("snp/azure_milan_report.bin"));
  Verification verification =
      verify_report(ensign::test::read_vector("snp/coco_milan_report.bin"), endorsements);
  ASSERT_EQ(verification.errors.size(), 2u) << errors_text(verification);
  EXPECT_TRUE(contains(verification.errors[0],
                       "report signature: does not verify with the VCEK (CN=SEV-VCEK"))
      << verification.errors[0];
  EXPECT_TRUE(contains(verification.errors[0], "sha256 fcd6cc41")) << verification.errors[0];
  EXPECT_TRUE(contains(verification.errors[1], "hwID 19752a44")) << verification.errors[1];
  EXPECT_TRUE(contains(verification.errors[1], "is not the report's CHIP_ID c38427a3"));
  EXPECT_EQ(verification.chain.size(), 3u);  // the VCEK itself is genuine
}

TEST_F(SnpVerifyTest, AVcekOfAnotherTcbFailsNamingEachSpl) {
  Verification verification =
      verify_with_key("snp/coco_milan_report.bin", "snp/gosev_milan_vcek.der");
  EXPECT_FALSE(error_containing(verification, "blSPL 2 is not REPORTED_TCB BOOT_LOADER 3").empty())
      << errors_text(verification);
  EXPECT_FALSE(error_containing(verification, "snpSPL 5 is not REPORTED_TCB SNP 8").empty());
  EXPECT_FALSE(
      error_containing(verification, "ucodeSPL 68 is not REPORTED_TCB MICROCODE 115").empty());
}

TEST_F(SnpVerifyTest, TheVlekFailsAfterItsNotAfter) {
  auto entry = report_entry("snp/coco_milan_vlek_report.bin");
  Endorsements endorsements = test::endorsements_for(entry);
  endorsements.at = test::at("2025-12-11T00:00:00Z");
  Verification verification =
      verify_report(ensign::test::read_vector("snp/coco_milan_vlek_report.bin"), endorsements);
  ASSERT_EQ(verification.errors.size(), 1u) << errors_text(verification);
  EXPECT_TRUE(contains(verification.errors[0], "certificate chain: ")) << verification.errors[0];
  EXPECT_TRUE(contains(verification.errors[0], "SEV-VLEK")) << verification.errors[0];
  EXPECT_TRUE(contains(verification.errors[0], "expired")) << verification.errors[0];
  EXPECT_TRUE(verification.chain.empty());
}

TEST_F(SnpVerifyTest, AnUnpinnedArkIsRefused) {
  pki::test::TestAuthority impostor("ARK-Milan");
  pki::TrustAnchors anchors;
  auto added = anchors.add(impostor.root(), false);
  ASSERT_FALSE(added.has_value());
  EXPECT_EQ(added.error().code(), ErrorCode::kPermissionDenied);

  Endorsements endorsements = test::endorsements_for(report_entry("snp/gosev_milan_report.bin"));
  endorsements.anchors = anchors;  // nothing was trusted
  Verification untrusted =
      verify_report(ensign::test::read_vector("snp/gosev_milan_report.bin"), endorsements);
  ASSERT_EQ(untrusted.errors.size(), 1u) << errors_text(untrusted);
  EXPECT_TRUE(contains(untrusted.errors[0], "certificate chain: ")) << untrusted.errors[0];

  // Trusted on purpose, the impostor still anchors nothing AMD signed.
  ASSERT_TRUE(endorsements.anchors.add(impostor.root(), true).has_value());
  Verification impostor_only =
      verify_report(ensign::test::read_vector("snp/gosev_milan_report.bin"), endorsements);
  ASSERT_EQ(impostor_only.errors.size(), 1u) << errors_text(impostor_only);
  EXPECT_TRUE(contains(impostor_only.errors[0], "certificate chain: ")) << impostor_only.errors[0];
}

TEST_F(SnpVerifyTest, AForgedVcekFailsEveryCheck) {
  // Named SEV-VCEK, but a P-256 key, another issuer and none of AMD's extensions.
  pki::test::TestAuthority forger("SEV-Milan");
  Endorsements endorsements = test::endorsements_for(report_entry("snp/gosev_milan_report.bin"));
  endorsements.certificates.at(0) = forger.issue(
      "SEV-VCEK", 7, test::at("2024-01-01T00:00:00Z"), test::at("2030-01-01T00:00:00Z"), false);
  Verification verification =
      verify_report(ensign::test::read_vector("snp/gosev_milan_report.bin"), endorsements);
  EXPECT_FALSE(error_containing(verification, "report signature: the key of the VCEK").empty())
      << errors_text(verification);
  EXPECT_FALSE(error_containing(verification, "is not ECDSA P-384").empty());
  EXPECT_FALSE(error_containing(verification, "certificate chain: ").empty());
  EXPECT_FALSE(error_containing(verification, "no productName extension").empty());
  EXPECT_FALSE(error_containing(verification, "no hwID extension").empty());
  EXPECT_FALSE(error_containing(verification, "no ucodeSPL extension").empty());
  EXPECT_TRUE(verification.chain.empty());
}

TEST_F(SnpVerifyTest, AMissingSigningCertificateFails) {
  Endorsements endorsements;
  endorsements.certificates = test::certificates_of("snp/amd_milan_ask_ark.pem");
  endorsements.anchors = test::anchors_of("snp/amd_milan_ask_ark.pem");
  endorsements.at = test::at("2025-06-01T00:00:00Z");
  Verification vcek =
      verify_report(ensign::test::read_vector("snp/gosev_milan_report.bin"), endorsements);
  expect_only_error(vcek,
                    "report signature: no VCEK certificate supplied (SIGNING_KEY 0 needs "
                    "one with CN=SEV-VCEK)");
  EXPECT_FALSE(vcek.claims.empty());  // what the report says is still shown

  endorsements.certificates.push_back(test::certificates_of("snp/gosev_milan_vcek.der").at(0));
  Verification vlek =
      verify_report(ensign::test::read_vector("snp/coco_milan_vlek_report.bin"), endorsements);
  expect_only_error(vlek,
                    "report signature: no VLEK certificate supplied (SIGNING_KEY 1 needs "
                    "one with CN=SEV-VLEK)");
}

TEST_F(SnpVerifyTest, TheLegacyVcekDoesNotChainToMilan) {
  Verification verification =
      verify_with_key("snp/coco_milan_report.bin", "snp/coco_vcek_invalid_legacy.der");
  EXPECT_FALSE(error_containing(verification, "certificate chain: ").empty())
      << errors_text(verification);
  EXPECT_FALSE(error_containing(verification, "report signature: does not verify").empty());
}

TEST_F(SnpVerifyTest, AChainOfAnotherGenerationFails) {
  Endorsements endorsements = test::endorsements_for(report_entry("snp/azure_genoa_report.bin"));
  // The Genoa VCEK only, then Milan's ASK and ARK.
  endorsements.certificates.erase(endorsements.certificates.begin() + 1,
                                  endorsements.certificates.end());
  for (auto& certificate : test::certificates_of("snp/amd_milan_ask_ark.pem")) {
    endorsements.certificates.push_back(std::move(certificate));
  }
  endorsements.anchors = test::anchors_of("snp/amd_milan_ask_ark.pem");
  Verification verification =
      verify_report(ensign::test::read_vector("snp/azure_genoa_report.bin"), endorsements);
  expect_only_error(verification, "certificate chain: ");
}

TEST_F(SnpVerifyTest, AVcekOfAnotherGenerationFailsNamingTheCpu) {
  Endorsements endorsements = test::endorsements_for(report_entry("snp/coco_milan_report.bin"));
  Verification verification =
      verify_report(ensign::test::read_vector("snp/azure_genoa_report.bin"), endorsements);
  EXPECT_FALSE(error_containing(verification, "report signature: does not verify").empty());
  std::string product = error_containing(verification, "productName");
  EXPECT_TRUE(contains(product, "VCEK (CN=SEV-VCEK")) << errors_text(verification);
  EXPECT_TRUE(contains(product,
                       "productName Milan is not the report's CPU (CPUID_FAM_MOD_STEP "
                       "191101, Genoa)"))
      << errors_text(verification);
}

TEST_F(SnpVerifyTest, AnAuthorKeyDigestIsTheSignerEvenOfAReportThatFails) {
  Bytes evidence = ensign::test::read_vector("snp/gosev_milan_report.bin");
  evidence[0x048] = 0x1;  // AUTHOR_KEY_EN
  std::fill(evidence.begin() + 0x110, evidence.begin() + 0x140, 0xa5);
  Verification verification = verify_bytes("snp/gosev_milan_report.bin", evidence);
  expect_only_error(verification, "report signature: does not verify with the VCEK");
  ASSERT_TRUE(verification.signer.has_value());
  EXPECT_EQ(*verification.signer, Bytes(48, 0xa5));
  EXPECT_EQ(verification.claims["author_key_en"], true);
}

TEST_F(SnpVerifyTest, AReportNoKeySignedFails) {
  Bytes evidence = ensign::test::read_vector("snp/gosev_milan_report.bin");
  evidence[0x048] = static_cast<std::uint8_t>(kSigningKeyNone << 2);
  expect_only_error(verify_bytes("snp/gosev_milan_report.bin", evidence),
                    "report signature: SIGNING_KEY is 7 (none)");
  evidence[0x048] = static_cast<std::uint8_t>(3 << 2);
  expect_only_error(verify_bytes("snp/gosev_milan_report.bin", evidence),
                    "report signature: SIGNING_KEY 3 is reserved");
  evidence[0x048] = 0x2;  // MASK_CHIP_KEY
  Verification masked = verify_bytes("snp/gosev_milan_report.bin", evidence);
  EXPECT_FALSE(error_containing(masked, "report signature: MASK_CHIP_KEY is set").empty())
      << errors_text(masked);
}

}  // namespace
}  // namespace ensign::attest::snp
