// Tests of src/attest/snp/endorsement_key.cpp: decoding the AMD extensions of real VCEK/VLEK
// certificates (../shared/vectors, read in place) and of malformed values, and checking them
// against real and altered reports.
#include "attest/snp/endorsement_key.h"

#include <gtest/gtest.h>

#include "snp_vectors.h"

namespace ensign::attest::snp {
namespace {

using test::contains;

Bytes hex(std::string_view text) {
  auto bytes = hex_decode(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes ? *bytes : Bytes{};
}

AttestationReport report_of(const std::string& file) {
  auto report = parse_report(ensign::test::read_vector(file));
  EXPECT_TRUE(report.has_value()) << file << ": " << report.error().message();
  return report ? *report : AttestationReport{};
}

pki::Certificate certificate(const std::string& file) {
  auto certificates = test::certificates_of(file);
  EXPECT_FALSE(certificates.empty()) << file;
  return certificates.at(0);
}

template <typename T>
void expect_refused(const Result<T>& result, const std::string& text) {
  ASSERT_FALSE(result.has_value()) << "accepted, expected: " << text;
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(result.error().message(), text)) << result.error().message();
}

// turin_report returns a version 3 Turin report whose CHIP_ID and REPORTED_TCB are those of
// virtee's Turin VCEK (hwID 1e550a8ee5cf9f4d, all SPLs 0 but ucodeSPL 9).
AttestationReport turin_report() {
  Bytes evidence(kReportSize, 0);
  evidence[0x000] = 3;
  evidence[0x034] = kSignatureAlgorithmEcdsaP384Sha384;
  evidence[0x187] = 9;  // REPORTED_TCB MICROCODE
  evidence[0x188] = 0x1A;
  evidence[0x189] = 0x02;
  Bytes hardware_id = hex("1e550a8ee5cf9f4d");
  std::copy(hardware_id.begin(), hardware_id.end(), evidence.begin() + 0x1A0);
  auto report = parse_report(evidence);
  EXPECT_TRUE(report.has_value());
  return report ? *report : AttestationReport{};
}

class SnpEndorsementKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST(SnpDecodeTest, ReadsSplValues) {
  EXPECT_EQ(decode_spl(hex("020100")).value(), 0);
  EXPECT_EQ(decode_spl(hex("020103")).value(), 3);
  EXPECT_EQ(decode_spl(hex("020173")).value(), 115);
  EXPECT_EQ(decode_spl(hex("020200d9")).value(), 217);  // a leading zero keeps it positive
}

TEST(SnpDecodeTest, RefusesMalformedSplValues) {
  expect_refused(decode_spl({}), "not one DER value");
  expect_refused(decode_spl(hex("0201")), "not one DER value");
  expect_refused(decode_spl(hex("020103ff")), "not one DER value");
  expect_refused(decode_spl(hex("0403010203")), "not one DER value");
  expect_refused(decode_spl(hex("0201ff")), "0 to 255");
  expect_refused(decode_spl(hex("02020100")), "0 to 255");
  expect_refused(decode_spl(Bytes(kMaxExtensionValueSize + 1, 0x02)), "more than 256");
}

TEST(SnpDecodeTest, ReadsRawAndWrappedHardwareIds) {
  Bytes chip_id(64, 0xab);
  EXPECT_EQ(decode_hardware_id(chip_id).value(), chip_id);
  EXPECT_EQ(decode_hardware_id(hex("1e550a8ee5cf9f4d")).value(), hex("1e550a8ee5cf9f4d"));
  Bytes wrapped(2 + chip_id.size(), 0xab);  // OCTET STRING, 64 bytes
  wrapped[0] = 0x04;
  wrapped[1] = 0x40;
  EXPECT_EQ(decode_hardware_id(wrapped).value(), chip_id);
}

TEST(SnpDecodeTest, RefusesHardwareIdsOfOtherSizes) {
  expect_refused(decode_hardware_id(Bytes(63, 0xab)), "not one DER value");
  Bytes short_wrapped(34, 0xab);  // OCTET STRING, 32 bytes
  short_wrapped[0] = 0x04;
  short_wrapped[1] = 0x20;
  expect_refused(decode_hardware_id(short_wrapped), "32 bytes, not 64 or 8");
  expect_refused(decode_hardware_id({}), "not one DER value");
}

TEST(SnpDecodeTest, ReadsProductNames) {
  EXPECT_EQ(decode_product_name(hex("16084d696c616e2d4230")).value(), "Milan-B0");
  EXPECT_EQ(decode_product_name(hex("160547656e6f61")).value(), "Genoa");
}

TEST(SnpDecodeTest, RefusesMalformedProductNames) {
  expect_refused(decode_product_name(hex("0c0547656e6f61")), "not one DER value");  // UTF8String
  expect_refused(decode_product_name(hex("160547656e6f6100")), "not one DER value");
  expect_refused(decode_product_name(hex("1600")), "not printable ASCII");
  expect_refused(decode_product_name(hex("1602410a")), "not printable ASCII");
}

TEST_F(SnpEndorsementKeyTest, EveryRealKeyMatchesItsReport) {
  for (const auto& entry : test::real_reports()) {
    std::string file = entry["file"];
    AttestationReport report = report_of(file);
    pki::Certificate key = test::vcek_of(entry);
    EndorsementKey kind =
        report.signing_key == kSigningKeyVlek ? EndorsementKey::kVlek : EndorsementKey::kVcek;
    EXPECT_EQ(key.common_name(), std::string(endorsement_key_common_name(kind))) << file;
    auto product = certificate_product(key, kind);
    ASSERT_TRUE(product.has_value()) << file << ": " << product.error().message();
    EXPECT_NE(*product, Product::kUnknown);
    auto hardware_id = check_hardware_id(report, key);
    EXPECT_TRUE(hardware_id.has_value()) << file << ": " << hardware_id.error().message();
    EXPECT_TRUE(check_tcb_extensions(report, key, kind).empty()) << file;
  }
}

TEST_F(SnpEndorsementKeyTest, ReadsTheTurinVcek) {
  pki::Certificate vcek = certificate("snp/virtee_turin_vcek.der");
  EXPECT_EQ(certificate_product(vcek, EndorsementKey::kVcek).value(), Product::kTurin);
  AttestationReport report = turin_report();
  EXPECT_TRUE(check_hardware_id(report, vcek).has_value());
  EXPECT_TRUE(check_tcb_extensions(report, vcek, EndorsementKey::kVcek).empty());
}

TEST_F(SnpEndorsementKeyTest, ReadsTheLegacyVcekWithAZeroSerial) {
  pki::Certificate legacy = certificate("snp/coco_vcek_invalid_legacy.der");
  EXPECT_EQ(legacy.common_name(), std::string("SEV-VCEK"));
  EXPECT_EQ(certificate_product(legacy, EndorsementKey::kVcek).value(), Product::kMilan);
  auto hardware_id = legacy.extension(kOidHardwareId);
  ASSERT_TRUE(hardware_id.has_value());
  EXPECT_EQ(hex_encode(decode_hardware_id(*hardware_id).value()).substr(0, 8), "00010203");
  EXPECT_EQ(decode_spl(legacy.extension(kOidMicrocodeSpl).value()).value(), 169);
}

TEST_F(SnpEndorsementKeyTest, PassesAMaskedChipId) {
  AttestationReport report = report_of("snp/coco_milan_report.bin");
  report.chip_id.fill(0);
  EXPECT_TRUE(check_hardware_id(report, certificate("snp/gosev_milan_vcek.der")).has_value());
}

TEST_F(SnpEndorsementKeyTest, NamesCertificates) {
  pki::Certificate ark = test::certificates_of("snp/amd_milan_ask_ark.pem").at(1);
  EXPECT_EQ(ark.common_name(), std::string("ARK-Milan"));
  std::string described = describe_certificate("ARK", ark);
  EXPECT_TRUE(contains(described, "ARK (CN=ARK-Milan,O=Advanced Micro Devices")) << described;
  EXPECT_TRUE(contains(described, "; sha256 69d063b4")) << described;
  EXPECT_EQ(endorsement_key_name(EndorsementKey::kVlek), "VLEK");
}

TEST_F(SnpEndorsementKeyTest, RefusesAnotherChipsVcek) {
  AttestationReport report = report_of("snp/coco_milan_report.bin");
  auto checked = check_hardware_id(report, certificate("snp/azure_milan_vcek.pem"));
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().code(), ErrorCode::kUnauthenticated);
  const std::string& message = checked.error().message();
  EXPECT_TRUE(contains(message, "VCEK (CN=SEV-VCEK")) << message;
  EXPECT_TRUE(contains(message, "hwID 19752a44")) << message;
  EXPECT_TRUE(contains(message, "is not the report's CHIP_ID c38427a3")) << message;
}

TEST_F(SnpEndorsementKeyTest, RefusesAKeyWithoutTheExtensionsItNeeds) {
  AttestationReport report = report_of("snp/coco_milan_report.bin");
  // The VLEK has no hwID; the ASK has no AMD extension at all.
  expect_refused(check_hardware_id(report, certificate("snp/coco_milan_vlek_vcek.der")),
                 "no hwID extension (1.3.6.1.4.1.3704.1.4)");
  pki::Certificate ask = certificate("snp/amd_milan_ask_ark.pem");
  expect_refused(certificate_product(ask, EndorsementKey::kVcek),
                 "no productName extension (1.3.6.1.4.1.3704.1.2)");
  auto errors = check_tcb_extensions(report, ask, EndorsementKey::kVcek);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_TRUE(contains(errors[0], "VCEK (CN=SEV-Milan")) << errors[0];
  EXPECT_TRUE(contains(errors[0], "no blSPL extension")) << errors[0];
}

TEST_F(SnpEndorsementKeyTest, RefusesAVcekOfAnotherTcb) {
  AttestationReport report = report_of("snp/coco_milan_report.bin");
  pki::Certificate vcek = certificate("snp/coco_milan_vcek.der");
  report.reported_tcb.bootloader = 4;
  auto errors = check_tcb_extensions(report, vcek, EndorsementKey::kVcek);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(contains(errors[0], "blSPL 3 is not REPORTED_TCB BOOT_LOADER 4")) << errors[0];
  // A VCEK certified for another TCB differs in every SPL it has different.
  errors = check_tcb_extensions(report_of("snp/coco_milan_report.bin"),
                                certificate("snp/gosev_milan_vcek.der"),
                                EndorsementKey::kVcek);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_TRUE(contains(errors[0], "blSPL 2 is not REPORTED_TCB BOOT_LOADER 3")) << errors[0];
  EXPECT_TRUE(contains(errors[1], "snpSPL 5 is not REPORTED_TCB SNP 8")) << errors[1];
  EXPECT_TRUE(contains(errors[2], "ucodeSPL 68 is not REPORTED_TCB MICROCODE 115")) << errors[2];
}

TEST_F(SnpEndorsementKeyTest, RefusesATurinVcekForAMilanLayout) {
  AttestationReport report = turin_report();
  use_product(report, Product::kMilan);
  auto errors =
      check_tcb_extensions(report, certificate("snp/virtee_turin_vcek.der"), EndorsementKey::kVcek);
  ASSERT_FALSE(errors.empty());
  EXPECT_TRUE(contains(errors[0], "has fmcSPL, but REPORTED_TCB in the Milan layout has no FMC"))
      << errors[0];
}

// chain_of returns the certificate `leaf_file` names followed by the certificates of `chain_file`.
std::vector<pki::Certificate> chain_of(const std::string& leaf_file,
                                       const std::string& chain_file) {
  std::vector<pki::Certificate> chain = {certificate(leaf_file)};
  for (auto& issuer : test::certificates_of(chain_file)) {
    chain.push_back(std::move(issuer));
  }
  return chain;
}

TEST_F(SnpEndorsementKeyTest, AcceptsEachGenerationsOwnHierarchy) {
  EXPECT_TRUE(
      check_chain_generation(chain_of("snp/coco_milan_vcek.der", "snp/amd_milan_ask_ark.pem"),
                             EndorsementKey::kVcek,
                             Product::kMilan)
          .empty());
  EXPECT_TRUE(
      check_chain_generation(chain_of("snp/coco_milan_vlek_vcek.der", "snp/amd_milan_asvk_ark.pem"),
                             EndorsementKey::kVlek,
                             Product::kMilan)
          .empty());
  EXPECT_TRUE(
      check_chain_generation(chain_of("snp/virtee_turin_vcek.der", "snp/amd_turin_ask_ark.pem"),
                             EndorsementKey::kVcek,
                             Product::kTurin)
          .empty());
}

TEST_F(SnpEndorsementKeyTest, RefusesAHierarchyOfAnotherGenerationOrKey) {
  auto genoa =
      check_chain_generation(chain_of("snp/coco_milan_vcek.der", "snp/amd_genoa_ask_ark.pem"),
                             EndorsementKey::kVcek,
                             Product::kMilan);
  ASSERT_EQ(genoa.size(), 2u);
  EXPECT_TRUE(contains(genoa[0], "ASK (CN=SEV-Genoa")) << genoa[0];
  EXPECT_TRUE(contains(genoa[0], "is not SEV-Milan, the ASK of the VCEK's productName Milan"))
      << genoa[0];
  EXPECT_TRUE(contains(genoa[1], "ARK (CN=ARK-Genoa")) << genoa[1];
  // A VLEK must come from the ASVK, not the ASK.
  auto ask =
      check_chain_generation(chain_of("snp/coco_milan_vlek_vcek.der", "snp/amd_milan_ask_ark.pem"),
                             EndorsementKey::kVlek,
                             Product::kMilan);
  ASSERT_EQ(ask.size(), 1u);
  EXPECT_TRUE(contains(ask[0], "ASVK (CN=SEV-Milan")) << ask[0];
  EXPECT_TRUE(contains(ask[0], "is not SEV-VLEK-Milan")) << ask[0];
  auto short_chain = check_chain_generation(
      test::certificates_of("snp/amd_milan_ask_ark.pem"), EndorsementKey::kVcek, Product::kMilan);
  ASSERT_EQ(short_chain.size(), 1u);
  EXPECT_TRUE(contains(short_chain[0], "VCEK chain has 2 certificates, not the 3"))
      << short_chain[0];
}

}  // namespace
}  // namespace ensign::attest::snp
