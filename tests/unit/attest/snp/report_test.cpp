// Tests of src/attest/snp/report.cpp: the ATTESTATION_REPORT layout, its bounds and its claims,
// on the real reports of ../shared/vectors (read in place) and on synthetic reports for what no
// real report shows (version 5, Turin, every reserved range).
#include "attest/snp/report.h"

#include <gtest/gtest.h>

#include "snp_vectors.h"

namespace ensign::attest::snp {
namespace {

using test::contains;

void put_u32(Bytes& report, std::size_t offset, std::uint32_t value) {
  for (std::size_t index = 0; index < 4; ++index) {
    report.at(offset + index) = static_cast<std::uint8_t>(value >> (8 * index));
  }
}

void put_u64(Bytes& report, std::size_t offset, std::uint64_t value) {
  for (std::size_t index = 0; index < 8; ++index) {
    report.at(offset + index) = static_cast<std::uint8_t>(value >> (8 * index));
  }
}

// synthetic_report returns the smallest well-formed report of `version`: all zero but VERSION and
// SIGNATURE_ALGO (it parses; nothing signed it).
Bytes synthetic_report(std::uint32_t version) {
  Bytes report(kReportSize, 0);
  put_u32(report, 0x000, version);
  put_u32(report, 0x034, kSignatureAlgorithmEcdsaP384Sha384);
  return report;
}

AttestationReport parse_ok(ByteView evidence) {
  auto report = parse_report(evidence);
  EXPECT_TRUE(report.has_value()) << report.error().message();
  return report ? *report : AttestationReport{};
}

void expect_malformed(ByteView evidence, const std::string& text) {
  auto report = parse_report(evidence);
  ASSERT_FALSE(report.has_value()) << "parsed, expected: " << text;
  EXPECT_EQ(report.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(report.error().message(), text)) << report.error().message();
}

class SnpRealReportTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(SnpRealReportTest, EveryRealReportHasTheManifestClaims) {
  auto reports = test::real_reports();
  ASSERT_EQ(reports.size(), 5u);
  for (const auto& entry : reports) {
    std::string file = entry["file"];
    auto report = parse_report(ensign::test::read_vector(file));
    ASSERT_TRUE(report.has_value()) << file << ": " << report.error().message();
    auto claims = report_claims(*report);
    EXPECT_EQ(test::expect_claims_match(entry["expected"], claims, file), 29u) << file;
  }
}

TEST_F(SnpRealReportTest, VersionThreeReportsNameTheirGeneration) {
  auto genoa = parse_ok(ensign::test::read_vector("snp/azure_genoa_report.bin"));
  EXPECT_EQ(genoa.version, 3u);
  EXPECT_EQ(genoa.product, Product::kGenoa);
  auto milan = parse_ok(ensign::test::read_vector("snp/coco_milan_vlek_report.bin"));
  EXPECT_EQ(milan.product, Product::kMilan);
  EXPECT_EQ(milan.signing_key, kSigningKeyVlek);
  EXPECT_TRUE(is_chip_id_masked(milan));
  // A version 2 report does not name its CPU; a 64-byte CHIP_ID keeps the Milan/Genoa layout.
  auto version_two = parse_ok(ensign::test::read_vector("snp/gosev_milan_report.bin"));
  EXPECT_EQ(version_two.product, Product::kUnknown);
  EXPECT_EQ(version_two.reported_tcb.layout, TcbLayout::kMilanGenoa);
  EXPECT_FALSE(version_two.cpuid_fam_mod_step.has_value());
}

TEST(SnpReportTest, DecodesBothTcbLayouts) {
  TcbVersion milan = decode_tcb_version(0x4405000000000002, TcbLayout::kMilanGenoa);
  EXPECT_EQ(milan.bootloader, 2);
  EXPECT_EQ(milan.tee, 0);
  EXPECT_EQ(milan.snp, 5);
  EXPECT_EQ(milan.microcode, 0x44);
  EXPECT_FALSE(milan.fmc.has_value());
  TcbVersion turin = decode_tcb_version(0x0500000004030201, TcbLayout::kTurin);
  EXPECT_EQ(turin.fmc, std::optional<std::uint8_t>(1));
  EXPECT_EQ(turin.bootloader, 2);
  EXPECT_EQ(turin.tee, 3);
  EXPECT_EQ(turin.snp, 4);
  EXPECT_EQ(turin.microcode, 5);
  EXPECT_EQ(turin.raw, 0x0500000004030201u);
}

TEST(SnpReportTest, NamesGenerationsFromCpuidAndProductNames) {
  EXPECT_EQ(product_from_cpuid(0x19, 0x01), Product::kMilan);
  EXPECT_EQ(product_from_cpuid(0x19, 0x11), Product::kGenoa);
  EXPECT_EQ(product_from_cpuid(0x19, 0xA0), Product::kGenoa);
  EXPECT_EQ(product_from_cpuid(0x1A, 0x02), Product::kTurin);
  EXPECT_EQ(product_from_name("Milan-B0"), Product::kMilan);
  EXPECT_EQ(product_from_name("Milan"), Product::kMilan);
  EXPECT_EQ(product_from_name("Genoa"), Product::kGenoa);
  EXPECT_EQ(product_from_name("Turin-B0"), Product::kTurin);
  EXPECT_EQ(product_name(Product::kTurin), "Turin");
}

TEST(SnpReportTest, RefusesUnknownGenerations) {
  EXPECT_EQ(product_from_cpuid(0x17, 0x31), Product::kUnknown);  // Rome: no SEV-SNP
  EXPECT_EQ(product_from_cpuid(0x19, 0x21), Product::kUnknown);  // a desktop Zen 3
  EXPECT_EQ(product_from_cpuid(0x1A, 0x50), Product::kUnknown);
  EXPECT_EQ(product_from_name("Venice"), Product::kUnknown);
  EXPECT_EQ(product_from_name(""), Product::kUnknown);
  EXPECT_EQ(product_from_name("milan"), Product::kUnknown);
  EXPECT_EQ(product_name(Product::kUnknown), "unknown");
}

TEST(SnpReportTest, VersionFiveCarriesMitigationVectorsAndTurinTcbs) {
  Bytes evidence = synthetic_report(5);
  evidence[0x188] = 0x1A;  // Turin
  evidence[0x189] = 0x02;
  put_u64(evidence, 0x180, 0x0900000000030201);
  put_u64(evidence, 0x1F8, 0x5);
  put_u64(evidence, 0x200, 0x7);
  auto report = parse_ok(evidence);
  EXPECT_EQ(report.product, Product::kTurin);
  EXPECT_EQ(report.launch_mit_vector, std::optional<std::uint64_t>(5));
  auto claims = report_claims(report);
  EXPECT_EQ(claims["launch_mit_vector"], "0x5");
  EXPECT_EQ(claims["current_mit_vector"], "0x7");
  EXPECT_EQ(claims["cpuid_fam_mod_step"], "1a0200");
  EXPECT_EQ(claims["reported_tcb"]["fmc"], 1);
  EXPECT_EQ(claims["reported_tcb"]["bootloader"], 2);
  EXPECT_EQ(claims["reported_tcb"]["tee"], 3);
  EXPECT_EQ(claims["reported_tcb"]["snp"], 0);
  EXPECT_EQ(claims["reported_tcb"]["microcode"], 9);
  EXPECT_EQ(claims["reported_tcb"]["raw"], "0x900000000030201");
  EXPECT_EQ(claims["current_tcb"]["fmc"], 0);
}

TEST(SnpReportTest, OlderVersionsHaveNullForLaterFields) {
  auto claims = report_claims(parse_ok(synthetic_report(2)));
  EXPECT_TRUE(claims["cpuid_fam_mod_step"].is_null());
  EXPECT_TRUE(claims["launch_mit_vector"].is_null());
  EXPECT_TRUE(claims["current_mit_vector"].is_null());
  EXPECT_FALSE(claims["reported_tcb"].contains("fmc"));
  // Version 4 has the layout of version 3.
  Bytes version_four = synthetic_report(4);
  version_four[0x188] = 0x19;
  version_four[0x189] = 0x11;
  auto report = parse_ok(version_four);
  EXPECT_EQ(report.product, Product::kGenoa);
  EXPECT_FALSE(report.launch_mit_vector.has_value());
}

TEST(SnpReportTest, DecodesPolicyPlatformAndSignerBits) {
  Bytes evidence = synthetic_report(3);
  put_u64(evidence,
          0x008,
          (1ull << kPolicyDebugBit) | (1ull << kPolicyReservedOneBit) |
              (1ull << kPolicyPageSwapDisableBit) | 0x0301);
  put_u64(evidence, 0x040, (1ull << kPlatformTsmeEnBit) | (1ull << kPlatformTioEnBit));
  put_u32(evidence, 0x048, 0x1 | (kSigningKeyVlek << 2));
  auto claims = report_claims(parse_ok(evidence));
  EXPECT_EQ(claims["policy"], "0x20a0301");
  EXPECT_EQ(claims["policy_abi_major"], 3);
  EXPECT_EQ(claims["policy_abi_minor"], 1);
  EXPECT_EQ(claims["policy_debug_allowed"], true);
  EXPECT_EQ(claims["policy_smt_allowed"], false);
  EXPECT_EQ(claims["policy_page_swap_disable"], true);
  EXPECT_EQ(claims["platform_info"], "0x82");
  EXPECT_EQ(claims["platform_info_tsme_en"], true);
  EXPECT_EQ(claims["platform_info_tio_en"], true);
  EXPECT_EQ(claims["platform_info_smt_en"], false);
  EXPECT_EQ(claims["flags"], "0x5");
  EXPECT_EQ(claims["author_key_en"], true);
  EXPECT_EQ(claims["signing_key"], 1);
}

TEST(SnpReportTest, FollowsATurinChipIdInAVersionTwoReport) {
  Bytes evidence = synthetic_report(2);
  for (std::size_t index = 0; index < 8; ++index) {
    evidence[0x1A0 + index] = static_cast<std::uint8_t>(0x10 + index);
  }
  put_u64(evidence, 0x180, 0x0900000000030201);
  auto report = parse_ok(evidence);
  EXPECT_EQ(report.product, Product::kTurin);
  EXPECT_EQ(report.reported_tcb.fmc, std::optional<std::uint8_t>(1));
  // A verifier that knows better re-decodes.
  use_product(report, Product::kGenoa);
  EXPECT_EQ(report.product, Product::kGenoa);
  EXPECT_FALSE(report.reported_tcb.fmc.has_value());
  EXPECT_EQ(report.reported_tcb.bootloader, 1);
  EXPECT_EQ(report.reported_tcb.microcode, 9);
}

TEST(SnpReportTest, FormatsNumbersAndVersions) {
  EXPECT_EQ(hex_code(0), "0x0");
  EXPECT_EQ(hex_code(0xb0000), "0xb0000");
  EXPECT_EQ(hex_code(0xffffffffffffffff), "0xffffffffffffffff");
  EXPECT_EQ(format_firmware_version({1, 55, 40}), "1.55.40");
  Bytes evidence = synthetic_report(2);
  evidence[0x1E8] = 3;  // CURRENT_BUILD
  evidence[0x1E9] = 49;
  evidence[0x1EA] = 1;
  EXPECT_EQ(report_claims(parse_ok(evidence))["current_fw"], "1.49.3");
}

TEST(SnpReportTest, RefusesTruncatedReports) {
  expect_malformed({}, "0 bytes, expected 1184");
  expect_malformed(ByteView(synthetic_report(2)).first(kReportSize - 1), "1183 bytes");
  expect_malformed(ByteView(synthetic_report(2)).first(kSignedSize), "672 bytes");
}

TEST(SnpReportTest, RefusesTrailingBytes) {
  Bytes longer = synthetic_report(2);
  longer.push_back(0);
  expect_malformed(longer, "1185 bytes");
  Bytes extended = synthetic_report(2);
  extended.resize(2 * kReportSize);
  expect_malformed(extended, "2368 bytes");
}

TEST(SnpReportTest, RefusesUnsupportedVersions) {
  for (std::uint32_t version : {0u, 1u, 6u, 0xffffffffu}) {
    expect_malformed(synthetic_report(version), "unsupported VERSION " + std::to_string(version));
  }
}

TEST(SnpReportTest, RefusesUnknownSignatureAlgorithms) {
  for (std::uint32_t algorithm : {0u, 2u, 0x100u}) {
    Bytes evidence = synthetic_report(2);
    put_u32(evidence, 0x034, algorithm);
    expect_malformed(evidence, "unknown SIGNATURE_ALGO " + std::to_string(algorithm));
  }
}

TEST(SnpReportTest, RefusesNonzeroReservedBytes) {
  struct Case {
    std::uint32_t version;
    std::size_t offset;
    const char* range;
  };
  for (const Case& reserved : {Case{2, 0x04C, "0x04C-0x04F"},
                               Case{2, 0x04F, "0x04C-0x04F"},
                               Case{3, 0x18B, "0x18B-0x19F"},
                               Case{5, 0x19F, "0x18B-0x19F"},
                               Case{2, 0x1EB, "0x1EB-0x1EB"},
                               Case{3, 0x1EF, "0x1EF-0x1EF"},
                               Case{5, 0x208, "0x208-0x29F"},
                               Case{5, 0x29F, "0x208-0x29F"},
                               Case{2, 0x330, "0x330-0x49F"},
                               Case{3, 0x49F, "0x330-0x49F"}}) {
    Bytes evidence = synthetic_report(reserved.version);
    evidence[reserved.offset] = 0x80;
    expect_malformed(evidence, std::string("reserved bytes ") + reserved.range + " are not zero");
  }
}

TEST(SnpReportTest, RefusesFieldsOfLaterVersionsInEarlierOnes) {
  Bytes cpuid = synthetic_report(2);
  cpuid[0x188] = 0x19;
  expect_malformed(cpuid, "reserved bytes 0x188-0x19F are not zero");
  for (std::uint32_t version : {2u, 3u, 4u}) {
    Bytes mitigation = synthetic_report(version);
    mitigation[0x207] = 1;
    expect_malformed(mitigation, "reserved bytes 0x1F8-0x29F are not zero");
  }
}

TEST(SnpReportTest, ReadsFieldsThatWereReservedInOlderVersions) {
  Bytes cpuid = synthetic_report(3);
  cpuid[0x188] = 0x19;
  EXPECT_TRUE(parse_report(cpuid).has_value());
  Bytes mitigation = synthetic_report(5);
  mitigation[0x1F8] = 1;
  mitigation[0x207] = 1;
  EXPECT_TRUE(parse_report(mitigation).has_value());
}

}  // namespace
}  // namespace ensign::attest::snp
