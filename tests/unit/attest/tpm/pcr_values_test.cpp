// Tests of attest/tpm/pcr_values.h: the PCR listings tpm2-tools 5.4 prints and writes (samples
// below are its output format), JSON lists, placing values in a selection and the quote digest.
#include "attest/tpm/pcr_values.h"

#include <gtest/gtest.h>

#include <string>

#include "support/text.h"
#include "tpm_test_support.h"

namespace ensign::attest::tpm {
namespace {

// What `tpm2_pcrread sha1:0,1+sha256:0,1,2,16` prints.
constexpr std::string_view kPcrreadOutput =
    "  sha1:\n"
    "    0 : 0x0000000000000000000000000000000000000000\n"
    "    1 : 0x0000000000000000000000000000000000000000\n"
    "  sha256:\n"
    "    0 : 0x0000000000000000000000000000000000000000000000000000000000000000\n"
    "    1 : 0x0000000000000000000000000000000000000000000000000000000000000000\n"
    "    16: 0x0000000000000000000000000000000000000000000000000000000000000000\n";

// What `tpm2_quote ... -l sha1:0,1+sha256:0,1,16` prints, shortened: the same listing under
// "pcrs:", among other output.
const std::string kQuoteOutput =
    std::string(
        "quoted: ff54434780180022000b\n"
        "signature:\n"
        "  alg: rsassa\n"
        "  sig: 92f0bd87e7dc686ce071\n"
        "pcrs:\n") +
    std::string(kPcrreadOutput) +
    "calcDigest: e3c2af35d1dfc500e16f826a071cc311bf55003a3de77de7ea3376c6b6fa2857\n";

void append_le(Bytes& out, std::uint64_t value, int size) {
  for (int byte = 0; byte < size; ++byte) {
    out.push_back(static_cast<std::uint8_t>((value >> (8 * byte)) & 0xff));
  }
}

// serialized returns tpm2-tools' default -o file for `selections` with `values` in one list.
Bytes serialized(const std::vector<PcrSelection>& selections, const std::vector<Bytes>& values) {
  Bytes file;
  append_le(file, selections.size(), 4);
  for (std::size_t slot = 0; slot < 16; ++slot) {
    Bytes image(8);
    if (slot < selections.size()) {
      image[0] = static_cast<std::uint8_t>(selections[slot].hash_alg & 0xff);
      image[1] = static_cast<std::uint8_t>(selections[slot].hash_alg >> 8);
      image[2] = static_cast<std::uint8_t>(selections[slot].select.size());
      std::copy(selections[slot].select.begin(), selections[slot].select.end(), image.begin() + 3);
    }
    file.insert(file.end(), image.begin(), image.end());
  }
  append_le(file, 1, 4);
  append_le(file, values.size(), 4);
  for (std::size_t slot = 0; slot < 8; ++slot) {
    Bytes image(66);
    if (slot < values.size()) {
      image[0] = static_cast<std::uint8_t>(values[slot].size());
      std::copy(values[slot].begin(), values[slot].end(), image.begin() + 2);
    }
    file.insert(file.end(), image.begin(), image.end());
  }
  return file;
}

std::string pcr_values_refusal(ByteView contents) {
  auto values = parse_pcr_values(contents);
  return values.has_value() ? std::string("parsed") : values.error().message();
}

using ::ensign::test::contains;

TEST(TpmPcrValuesTest, ReadsTpm2PcrreadOutput) {
  auto values = parse_pcr_values(as_bytes(kPcrreadOutput));
  ASSERT_TRUE(values.has_value()) << values.error().message();
  EXPECT_EQ(*values, test::zero_pcr_values());
}

TEST(TpmPcrValuesTest, ReadsTheListingInTpm2QuoteOutput) {
  auto values = parse_pcr_values(as_bytes(kQuoteOutput));
  ASSERT_TRUE(values.has_value()) << values.error().message();
  EXPECT_EQ(*values, test::zero_pcr_values());
}

TEST(TpmPcrValuesTest, ReadsTpm2ToolsSerializedFiles) {
  Bytes file = serialized(test::sample_attest().pcr_select, test::zero_pcr_values());
  EXPECT_EQ(file.size(), 668u);  // as tpm2_quote -o writes it
  auto values = parse_pcr_values(file);
  ASSERT_TRUE(values.has_value()) << values.error().message();
  EXPECT_EQ(*values, test::zero_pcr_values());
}

TEST(TpmPcrValuesTest, ReadsJsonLists) {
  auto values = parse_pcr_values(as_bytes(R"( ["00ff", "0x0102"] )"));
  ASSERT_TRUE(values.has_value()) << values.error().message();
  EXPECT_EQ(*values, (std::vector<Bytes>{{0x00, 0xff}, {0x01, 0x02}}));
}

TEST(TpmPcrValuesTest, DigestsAndNamesValuesInSelectionOrder) {
  QuoteAttest attest = test::sample_attest();
  auto assigned = assign_pcr_values(attest.pcr_select, test::zero_pcr_values());
  ASSERT_TRUE(assigned.has_value()) << assigned.error().message();
  EXPECT_EQ(pcr_digest(*assigned, *find_tpm_hash(kAlgSha256)), attest.pcr_digest);
  auto claims = pcr_claims(*assigned);
  EXPECT_EQ(claims["sha1"]["1"], std::string(40, '0'));
  EXPECT_EQ(claims["sha256"]["16"], std::string(64, '0'));
  EXPECT_EQ(claims["sha256"].size(), 3u);
}

TEST(TpmPcrValuesTest, RefusesTextThatIsNotAListing) {
  EXPECT_TRUE(contains(pcr_values_refusal(as_bytes("hello\n")), "line 1: neither a PCR bank"));
  EXPECT_TRUE(contains(pcr_values_refusal(as_bytes("  sm3_256:\n    0 : 0x00\n")),
                       "line 1: unknown PCR bank \"sm3_256\""));
  EXPECT_TRUE(
      contains(pcr_values_refusal(as_bytes("    0 : 0x00\n")), "PCR 0 comes before any bank"));
  EXPECT_TRUE(contains(pcr_values_refusal(as_bytes("")), "holds no PCR value"));
  EXPECT_TRUE(
      contains(pcr_values_refusal(as_bytes("pcrs:\ncalcDigest: 00\n")), "holds no PCR value"));
}

TEST(TpmPcrValuesTest, RefusesValuesOutOfOrderOrOfTheWrongLength) {
  std::string sha1_zero = "0x" + std::string(40, '0');
  EXPECT_TRUE(
      contains(pcr_values_refusal(as_bytes("sha1:\n  1 : " + sha1_zero + "\n  0 : " + sha1_zero)),
               "line 3: PCR 0 is out of range or not after the previous PCR"));
  EXPECT_TRUE(contains(pcr_values_refusal(as_bytes("sha1:\n  32 : " + sha1_zero)),
                       "PCR 32 is out of range"));
  EXPECT_TRUE(
      contains(pcr_values_refusal(as_bytes("sha1:\n  0 : 0x00")), "PCR 0 is not a sha1 digest"));
  EXPECT_TRUE(contains(pcr_values_refusal(as_bytes("sha1:\n  0 : " + std::string(40, '0'))),
                       "lacks its 0x"));
  EXPECT_TRUE(
      contains(pcr_values_refusal(as_bytes("sha1:\n  123 : " + sha1_zero)), "neither a PCR bank"));
}

TEST(TpmPcrValuesTest, RefusesSerializedFilesThatDisagreeWithThemselves) {
  QuoteAttest attest = test::sample_attest();
  auto values = test::zero_pcr_values();
  values.pop_back();
  EXPECT_TRUE(contains(pcr_values_refusal(serialized(attest.pcr_select, values)),
                       "4 values given for 5 selected PCRs"));
  Bytes file = serialized(attest.pcr_select, test::zero_pcr_values());
  file.push_back(0);
  EXPECT_TRUE(contains(pcr_values_refusal(file), "does not hold 1 digest lists"));
  Bytes counted = serialized(attest.pcr_select, test::zero_pcr_values());
  counted[0] = 17;
  EXPECT_TRUE(contains(pcr_values_refusal(counted), "selection count is missing or exceeds 16"));
  EXPECT_TRUE(contains(pcr_values_refusal(Bytes{0x01, 0x00}), "too few"));
}

TEST(TpmPcrValuesTest, RefusesOversizedInput) {
  Bytes huge(kMaxPcrFileSize + 1, ' ');
  EXPECT_TRUE(contains(pcr_values_refusal(huge), "exceed the limit of 65536"));
}

TEST(TpmPcrValuesTest, RefusesValuesThatDoNotFitTheSelection) {
  QuoteAttest attest = test::sample_attest();
  auto values = test::zero_pcr_values();
  values.push_back(Bytes(32));
  auto extra = assign_pcr_values(attest.pcr_select, values);
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().message(), "PCR values: 6 values given for 5 selected PCRs");
  values = test::zero_pcr_values();
  values[0] = Bytes(32);
  auto wrong_size = assign_pcr_values(attest.pcr_select, values);
  ASSERT_FALSE(wrong_size.has_value());
  EXPECT_EQ(wrong_size.error().message(), "PCR values: sha1 PCR 0 is 32 bytes, expected 20");
  attest.pcr_select[0].hash_alg = 0x0012;
  auto unknown_bank = assign_pcr_values(attest.pcr_select, test::zero_pcr_values());
  ASSERT_FALSE(unknown_bank.has_value());
  EXPECT_EQ(unknown_bank.error().message(), "PCR values: bank 0x12 is not SHA-1 or SHA-2");
}

}  // namespace
}  // namespace ensign::attest::tpm
