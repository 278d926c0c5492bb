// Tests of the DCAP quote parser on the real SGX and TDX quotes of ../shared/vectors (read in
// place; expected claims from manifest.json) and on damaged copies of them.
#include "attest/dcap/quote.h"

#include <gtest/gtest.h>

#include <string>

#include "dcap_test_support.h"
#include "support/corrupt.h"
#include "support/text.h"

namespace ensign::attest::dcap {
namespace {

using test::json;

using ::ensign::test::contains;

class DcapQuoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ENSIGN_REQUIRE_VECTORS();
    ASSERT_FALSE(test::quote_entries().empty()) << "no TDX/SGX quotes in the manifest";
  }

  // evidence_of_version returns the first real quote of `version`.
  static Bytes evidence_of_version(int version) {
    json entry = test::quote_entry_of_version(version);
    return entry.empty() ? Bytes{} : test::quote_evidence(entry);
  }

  // expect_refused checks that `evidence` does not parse, with InvalidArgument naming `part`.
  static void expect_refused(ByteView evidence, const std::string& part) {
    auto quote = parse_quote(evidence);
    ASSERT_FALSE(quote.has_value()) << "expected an error naming: " << part;
    EXPECT_EQ(quote.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(contains(quote.error().message(), part)) << quote.error().message();
  }
};

TEST_F(DcapQuoteTest, EveryRealQuoteParsesWithTheManifestsClaims) {
  for (const auto& entry : test::quote_entries()) {
    SCOPED_TRACE(entry["file"].get<std::string>());
    Bytes evidence = test::quote_evidence(entry);
    auto quote = parse_quote(evidence);
    ASSERT_TRUE(quote.has_value()) << quote.error().message();
    json claims = quote_claims(*quote);
    std::size_t compared = test::expect_claims_match(entry["expected"], claims, "expected");
    // header (7), report (9 or more), qe_report (9), and the lengths, type and trailing count.
    EXPECT_GE(compared, 30u);
    EXPECT_EQ(claims["signed_len"], quote->signed_bytes.size());
    EXPECT_EQ(test::offsets_of(*quote).end + quote->trailing, evidence.size());
  }
}

TEST_F(DcapQuoteTest, ReadsEachVersionsLayout) {
  Bytes sgx_evidence = evidence_of_version(3);
  auto sgx = test::parsed_quote(sgx_evidence);
  ASSERT_TRUE(sgx.enclave_report.has_value());
  EXPECT_FALSE(sgx.is_tdx());
  EXPECT_EQ(sgx.signed_bytes.size(), kQuoteHeaderSize + kEnclaveReportSize);
  EXPECT_FALSE(sgx.body_type.has_value());
  json sgx_report = quote_claims(sgx)["report"];
  for (const char* field : {"isvextprodid", "configid", "configsvn", "isvfamilyid"}) {
    EXPECT_TRUE(sgx_report.contains(field)) << field;
  }

  Bytes tdx10_evidence = evidence_of_version(4);
  auto tdx10 = test::parsed_quote(tdx10_evidence);
  ASSERT_TRUE(tdx10.td_report.has_value());
  EXPECT_TRUE(tdx10.is_tdx());
  EXPECT_EQ(tdx10.signed_bytes.size(), kQuoteHeaderSize + kTdReport10Size);
  EXPECT_FALSE(tdx10.td_report->tee_tcb_svn_2.has_value());
  EXPECT_FALSE(quote_claims(tdx10)["report"].contains("mrservicetd"));

  Bytes tdx15_evidence = evidence_of_version(5);
  auto tdx15 = test::parsed_quote(tdx15_evidence);
  ASSERT_TRUE(tdx15.td_report.has_value());
  EXPECT_EQ(tdx15.body_type, kBodyTypeTdReport15);
  EXPECT_EQ(tdx15.signed_bytes.size(), kQuoteHeaderSize + 6 + kTdReport15Size);
  ASSERT_TRUE(tdx15.td_report->mr_servicetd.has_value());
  EXPECT_EQ(tdx15.td_report->mr_servicetd->size(), 48u);

  // A version 5 quote may carry a TDX 1.0 body (type 2): the same quote cut down to one.
  Bytes v5 = evidence_of_version(5);
  Bytes v5_tdx10(v5.begin(), v5.begin() + kQuoteHeaderSize);
  v5_tdx10.resize(kQuoteHeaderSize + 6);
  test::put_u16(v5_tdx10, kQuoteHeaderSize, kBodyTypeTdReport10);
  test::put_u32(v5_tdx10, kQuoteHeaderSize + 2, kTdReport10Size);
  auto body = v5.begin() + kQuoteHeaderSize + 6;
  v5_tdx10.insert(v5_tdx10.end(), body, body + kTdReport10Size);
  v5_tdx10.insert(v5_tdx10.end(), body + kTdReport15Size, v5.end());
  auto tdx10_in_v5 = test::parsed_quote(v5_tdx10);
  ASSERT_TRUE(tdx10_in_v5.td_report.has_value());
  EXPECT_EQ(tdx10_in_v5.body_type, kBodyTypeTdReport10);
  EXPECT_FALSE(tdx10_in_v5.td_report->mr_servicetd.has_value());
  EXPECT_EQ(tdx10_in_v5.td_report->mrtd, tdx15.td_report->mrtd);
  EXPECT_EQ(as_string_view(tdx10_in_v5.pck_chain), as_string_view(tdx15.pck_chain));

  for (const Quote* quote : {&sgx, &tdx10, &tdx15}) {
    EXPECT_EQ(quote->certification_data_type, kCertificationDataPckChain);
    EXPECT_EQ(quote->qe_report_bytes.size(), kEnclaveReportSize);
    EXPECT_TRUE(contains(as_string(quote->pck_chain), "-----BEGIN CERTIFICATE-----"));
  }
}

TEST_F(DcapQuoteTest, CountsZeroPaddingAsTrailing) {
  Bytes evidence = evidence_of_version(4);
  std::size_t before = test::parsed_quote(evidence).trailing;
  Bytes padded = ensign::test::appended(evidence, Bytes(100, 0));
  auto quote = parse_quote(padded);
  ASSERT_TRUE(quote.has_value()) << quote.error().message();
  EXPECT_EQ(quote->trailing, before + 100);
  EXPECT_EQ(quote_claims(*quote)["trailing"], before + 100);
}

TEST_F(DcapQuoteTest, ReadsTheDebugBitsAndSpellsCodes) {
  EnclaveReport enclave;
  enclave.attributes = {};
  EXPECT_FALSE(enclave.debug());
  enclave.attributes[0] = 0x02;
  EXPECT_TRUE(enclave.debug());
  enclave.attributes[0] = 0x05;  // INIT | MODE64BIT, no DEBUG
  EXPECT_FALSE(enclave.debug());

  TdReport td;
  td.td_attributes = {};
  EXPECT_FALSE(td.debug());
  td.td_attributes[0] = 0x01;
  EXPECT_TRUE(td.debug());
  td.td_attributes = {0x00, 0x00, 0x00, 0x10, 0, 0, 0, 0};  // SEPT_VE_DISABLE only
  EXPECT_FALSE(td.debug());

  EXPECT_EQ(hex_code(0x81), "0x81");
  EXPECT_EQ(hex_code(0), "0x0");
  EXPECT_EQ(hex_code(0xb0000), "0xb0000");
}

TEST_F(DcapQuoteTest, TrailingBytesAreCountedWhateverTheyHold) {
  std::size_t nonzero = 0;
  for (const auto& entry : test::quote_entries()) {
    SCOPED_TRACE(entry["file"].get<std::string>());
    Bytes file = ensign::test::read_vector(entry["file"].get<std::string>());
    std::size_t trailing = test::trailing_of(entry);
    ASSERT_LE(trailing, file.size());
    ByteView tail = ByteView(file).last(trailing);
    nonzero += std::any_of(tail.begin(), tail.end(), [](std::uint8_t b) { return b != 0; });
    auto quote = parse_quote(file);
    ASSERT_TRUE(quote.has_value()) << quote.error().message();
    EXPECT_EQ(quote->trailing, trailing);
  }
  // gotdx_v4_spr_e4_quote.bin carries go-tdx-guest's text suffix, not zero padding.
  EXPECT_GE(nonzero, 1u);
}

TEST_F(DcapQuoteTest, CountsNonzeroTrailingBytesWithoutReadingThem) {
  Bytes evidence = evidence_of_version(4);
  std::size_t end = test::offsets_of(test::parsed_quote(evidence)).end;
  Bytes padded = ensign::test::appended(evidence, Bytes{0, 0, 0, 0x01});
  auto quote = parse_quote(padded);
  ASSERT_TRUE(quote.has_value()) << quote.error().message();
  EXPECT_EQ(quote->trailing, padded.size() - end);
  EXPECT_EQ(as_string_view(quote->signed_bytes),
            as_string_view(test::parsed_quote(evidence).signed_bytes));
}

TEST_F(DcapQuoteTest, RefusesEveryTruncation) {
  for (int version : {3, 4, 5}) {
    SCOPED_TRACE(version);
    Bytes evidence = evidence_of_version(version);
    auto offsets = test::offsets_of(test::parsed_quote(evidence));
    for (std::size_t size : {std::size_t{0},
                             std::size_t{1},
                             kQuoteHeaderSize - 1,
                             kQuoteHeaderSize,
                             offsets.signature_data_size,
                             offsets.signature + 10,
                             offsets.qe_report + 100,
                             offsets.qe_auth_data,
                             offsets.pck_chain + 1,
                             offsets.end - 1}) {
      SCOPED_TRACE(size);
      expect_refused(ensign::test::truncated(evidence, size), "truncated in ");
    }
  }
}

TEST_F(DcapQuoteTest, RefusesUnsupportedVersions) {
  Bytes evidence = evidence_of_version(4);
  for (std::uint16_t version : std::initializer_list<std::uint16_t>{0, 1, 2, 6, 0xffff}) {
    Bytes changed = evidence;
    test::put_u16(changed, 0, version);
    expect_refused(changed, "version " + std::to_string(version) + " is not supported");
  }
}

TEST_F(DcapQuoteTest, RefusesOtherAttestationKeyTypes) {
  for (int version : {3, 4}) {
    Bytes changed = evidence_of_version(version);
    test::put_u16(changed, 2, 3);  // ECDSA-384-with-P-384
    expect_refused(changed, "attestation key type 3 is not supported");
  }
}

TEST_F(DcapQuoteTest, RefusesTheWrongTeeType) {
  Bytes tdx = evidence_of_version(4);
  test::put_u32(tdx, 4, kTeeTypeSgx);
  expect_refused(tdx, "TEE type 0x0 is not supported in a version 4 quote");
  Bytes sgx = evidence_of_version(3);
  test::put_u32(sgx, 4, kTeeTypeTdx);
  expect_refused(sgx, "TEE type 0x81 is not supported in a version 3 quote");
}

TEST_F(DcapQuoteTest, RefusesAnUnknownBodyTypeOrSize) {
  Bytes evidence = evidence_of_version(5);
  Bytes sgx_body = evidence;
  test::put_u16(sgx_body, kQuoteHeaderSize, 1);
  expect_refused(sgx_body, "body type 1 is not supported");
  Bytes wrong_size = evidence;
  test::put_u32(wrong_size, kQuoteHeaderSize + 2, kTdReport10Size);
  expect_refused(wrong_size, "body size 584 does not match body type 3");
}

TEST_F(DcapQuoteTest, RefusesOtherCertificationDataTypes) {
  Bytes v4 = evidence_of_version(4);
  auto v4_offsets = test::offsets_of(test::parsed_quote(v4));
  Bytes outer = v4;
  test::put_u16(outer, v4_offsets.certification_data_type, kCertificationDataPckChain);
  expect_refused(outer, "certification data type 5 is not supported in a version 4 quote");
  Bytes inner = v4;
  test::put_u16(inner, v4_offsets.pck_type, 3);  // encrypted PPID, RSA-3072
  expect_refused(inner, "certification data type 3 is not supported where the PCK chain");

  Bytes v3 = evidence_of_version(3);
  Bytes nested = v3;
  test::put_u16(
      nested, test::offsets_of(test::parsed_quote(v3)).pck_type, kCertificationDataQeReport);
  expect_refused(nested, "certification data type 6 is not supported where the PCK chain");
}

TEST_F(DcapQuoteTest, RefusesLengthsThatDisagreeWithTheContents) {
  for (int version : {3, 4}) {
    SCOPED_TRACE(version);
    Bytes evidence = evidence_of_version(version);
    Quote quote = test::parsed_quote(evidence);
    auto offsets = test::offsets_of(quote);
    // One byte more signature data than its parts fill (the extra byte is a zero).
    Bytes longer = ensign::test::truncated(evidence, offsets.end);
    longer.push_back(0);
    test::put_u32(longer, offsets.signature_data_size, quote.signature_data_size + 1);
    expect_refused(longer, "the signature data has 1 bytes more than its contents");
    // The PCK chain's length runs past the signature data.
    Bytes overrun = evidence;
    test::put_u32(
        overrun, offsets.pck_size, static_cast<std::uint32_t>(quote.pck_chain.size() + 1));
    expect_refused(overrun, "truncated in the PCK certification data");
    // The signature data's length runs past the input.
    Bytes beyond = evidence;
    test::put_u32(beyond, offsets.signature_data_size, 0x00ffffff);
    expect_refused(beyond, "truncated in the signature data");
  }
  Bytes v4 = evidence_of_version(4);
  Quote quote = test::parsed_quote(v4);
  auto offsets = test::offsets_of(quote);
  Bytes outer_longer = ensign::test::truncated(v4, offsets.end);
  outer_longer.push_back(0);
  test::put_u32(outer_longer, offsets.signature_data_size, quote.signature_data_size + 1);
  test::put_u32(outer_longer,
                offsets.certification_data_type + 2,
                static_cast<std::uint32_t>(offsets.end + 1 - offsets.qe_report));
  expect_refused(outer_longer, "the QE report certification data has 1 bytes more");
}

TEST_F(DcapQuoteTest, RefusesOversizeParts) {
  Bytes evidence = evidence_of_version(4);
  auto offsets = test::offsets_of(test::parsed_quote(evidence));
  Bytes auth = evidence;
  test::put_u16(auth, offsets.qe_auth_size, static_cast<std::uint16_t>(kMaxQeAuthDataSize + 1));
  expect_refused(auth, "QE authentication data of 4097 bytes is over the limit");
  Bytes chain = evidence;
  test::put_u32(
      chain, offsets.pck_size, static_cast<std::uint32_t>(kMaxPckCertificationDataSize + 1));
  expect_refused(chain, "PCK certification data of 32769 bytes is over the limit");
  Bytes huge = ensign::test::appended(evidence, Bytes(kMaxQuoteSize, 0));
  expect_refused(huge, "is over the limit of 65536");
}

TEST_F(DcapQuoteTest, RefusesEmptyInput) {
  expect_refused({}, "truncated in the header's version at offset 0");
}

}  // namespace
}  // namespace ensign::attest::dcap
