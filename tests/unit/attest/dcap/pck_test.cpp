// Tests of the PCK certificate extension parser on the PCK certificates inside the real quotes of
// ../shared/vectors (expected values from manifest.json's pck_ext) and on synthetic extensions
// built with OpenSSL's ASN1_generate_nconf, for what real certificates cannot show.
#include "attest/dcap/pck.h"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/conf.h>

#include <regex>
#include <string>
#include <vector>

#include "dcap_test_support.h"
#include "support/text.h"

namespace ensign::attest::dcap {
namespace {

using test::json;

const std::string kSgx(kSgxExtensionsOid);

using ::ensign::test::contains;

// Entry is one SEQUENCE { OID, value } of a synthetic extension; `value` is in
// ASN1_generate_nconf's syntax, or "SEQUENCE:<section>" for a nested list.
struct Entry {
  std::string oid;
  std::string value;
};

std::vector<Entry> tcb_entries() {
  std::vector<Entry> entries;
  for (int component = 1; component <= 16; ++component) {
    entries.push_back(
        {kSgx + ".2." + std::to_string(component), "INTEGER:" + std::to_string(component)});
  }
  entries.push_back({kSgx + ".2.17", "INTEGER:300"});
  entries.push_back({kSgx + ".2.18", "FORMAT:HEX,OCTETSTRING:0102030405060708090a0b0c0d0e0f10"});
  return entries;
}

// top_entries are valid SGX extensions of a processor PCK certificate (no PlatformInstanceID or
// Configuration); the TCB's entries are tcb_entries().
std::vector<Entry> top_entries() {
  return {
      {kSgx + ".1", "FORMAT:HEX,OCTETSTRING:00112233445566778899aabbccddeeff"},
      {kSgx + ".2", "SEQUENCE:tcb"},
      {kSgx + ".3", "FORMAT:HEX,OCTETSTRING:0000"},
      {kSgx + ".4", "FORMAT:HEX,OCTETSTRING:00906ed50000"},
      {kSgx + ".5", "ENUMERATED:0"},
  };
}

std::string section(const std::string& name, const std::vector<Entry>& entries) {
  std::string text = "[" + name + "]\n";
  std::string pairs;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string pair = name + "_" + std::to_string(i);
    text += "e" + std::to_string(i) + " = SEQUENCE:" + pair + "\n";
    pairs += "[" + pair + "]\noid = OID:" + entries[i].oid + "\nvalue = " + entries[i].value + "\n";
  }
  return text + pairs;
}

// der_of encodes the SGX extensions made of `top` and `tcb` (and `configuration`, when a top
// entry names SEQUENCE:configuration) with OpenSSL's ASN1_generate_nconf.
Bytes der_of(const std::vector<Entry>& top,
             const std::vector<Entry>& tcb = tcb_entries(),
             const std::vector<Entry>& configuration = {}) {
  std::string text =
      section("sgx", top) + section("tcb", tcb) + section("configuration", configuration);
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  std::unique_ptr<CONF, OpenSslDeleter<CONF, NCONF_free>> conf(NCONF_new(nullptr));
  long error_line = 0;
  if (!bio || !conf || NCONF_load_bio(conf.get(), bio.get(), &error_line) != 1) {
    ADD_FAILURE() << "bad test configuration at line " << error_line << ":\n" << text;
    return {};
  }
  std::unique_ptr<ASN1_TYPE, OpenSslDeleter<ASN1_TYPE, ASN1_TYPE_free>> value(
      ASN1_generate_nconf("SEQUENCE:sgx", conf.get()));
  int length = value ? i2d_ASN1_TYPE(value.get(), nullptr) : -1;
  if (length <= 0) {
    ADD_FAILURE() << "ASN1_generate_nconf refused:\n" << text;
    return {};
  }
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* out = der.data();
  i2d_ASN1_TYPE(value.get(), &out);
  return der;
}

// with_top and with_tcb encode the valid extensions with one entry's value replaced.
Bytes with_top(std::size_t index, const std::string& value) {
  auto top = top_entries();
  top.at(index).value = value;
  return der_of(top);
}

Bytes with_tcb(std::size_t index, const std::string& value) {
  auto tcb = tcb_entries();
  tcb.at(index).value = value;
  return der_of(top_entries(), tcb);
}

pki::Certificate certificate_with(const Bytes& sgx_extensions) {
  return test::self_signed({{"CN", "Intel SGX PCK Certificate"}}, sgx_extensions);
}

void expect_refused(const Bytes& sgx_extensions, const std::string& part) {
  auto certificate = certificate_with(sgx_extensions);
  auto extensions = parse_pck_extensions(certificate);
  ASSERT_FALSE(extensions.has_value()) << "expected an error naming: " << part;
  EXPECT_EQ(extensions.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(extensions.error().message(), part)) << extensions.error().message();
  EXPECT_TRUE(contains(extensions.error().message(), certificate.sha256()))
      << extensions.error().message();
}

// configuration_of maps the manifest's text of the Configuration entry, e.g. "Sequence:
// field-0=1.2.840.113741.1.13.1.7.1 field-1=True ...", to claims.
json configuration_of(const std::string& text) {
  const char* names[] = {"dynamic_platform", "cached_keys", "smt_enabled"};
  json configuration = json::object();
  std::regex flag(R"(field-0=1\.2\.840\.113741\.1\.13\.1\.7\.([123])\s+field-1=(True|False))");
  for (std::sregex_iterator it(text.begin(), text.end(), flag), end; it != end; ++it) {
    configuration[names[std::stoi((*it)[1]) - 1]] = (*it)[2] == "True";
  }
  return configuration;
}

class DcapPckTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(DcapPckTest, MatchesTheManifestForEveryRealPckCertificate) {
  auto entries = test::quote_entries();
  ASSERT_FALSE(entries.empty());
  for (const auto& entry : entries) {
    SCOPED_TRACE(entry["file"].get<std::string>());
    Bytes evidence = test::quote_evidence(entry);
    Quote quote = test::parsed_quote(evidence);
    auto chain = pki::parse_certificates(quote.pck_chain);
    ASSERT_TRUE(chain.has_value()) << chain.error().message();
    auto extensions = parse_pck_extensions(chain->front());
    ASSERT_TRUE(extensions.has_value()) << extensions.error().message();
    json claims = pck_claims(*extensions);

    // The manifest numbers the entries by their last arc (see its pck_ext_legend).
    const json& expected = entry["expected"]["pck_ext"];
    EXPECT_EQ(claims["ppid"], expected["1"]);
    for (int component = 1; component <= 16; ++component) {
      EXPECT_EQ(claims["sgx_tcb_components"][static_cast<std::size_t>(component - 1)],
                expected["tcb"][std::to_string(component)])
          << "component " << component;
    }
    EXPECT_EQ(claims["pcesvn"], expected["tcb"]["17"]);
    EXPECT_EQ(claims["cpusvn"], expected["tcb"]["18"]);
    EXPECT_EQ(claims["pceid"], expected["3"]);
    EXPECT_EQ(claims["fmspc"], expected["4"]);
    EXPECT_EQ(claims["platform_instance_id"], expected["6"]);
    json configuration = configuration_of(expected["7"].get<std::string>());
    EXPECT_EQ(configuration.size(), 3u);
    EXPECT_EQ(claims["configuration"], configuration);
    // Not compared: the manifest's "5" (SGX Type) is "00" for every certificate, but each of them
    // encodes ENUMERATED 1 (Scalable), as `openssl asn1parse` shows; sgx_type is checked on
    // synthetic extensions below.
    EXPECT_EQ(claims["sgx_type"], hex_code(extensions->sgx_type));
  }
}

TEST_F(DcapPckTest, ReadsAProcessorCertificateWithoutOptionalEntries) {
  auto extensions = parse_pck_extensions(certificate_with(der_of(top_entries())));
  ASSERT_TRUE(extensions.has_value()) << extensions.error().message();
  EXPECT_EQ(hex_encode(extensions->ppid), "00112233445566778899aabbccddeeff");
  EXPECT_EQ(hex_encode(extensions->fmspc), "00906ed50000");
  EXPECT_EQ(hex_encode(extensions->pceid), "0000");
  EXPECT_EQ(extensions->pcesvn, 300);
  EXPECT_EQ(hex_encode(extensions->cpusvn), "0102030405060708090a0b0c0d0e0f10");
  for (std::size_t i = 0; i < 16; ++i) {
    EXPECT_EQ(extensions->sgx_tcb_components[i], i + 1);
  }
  EXPECT_FALSE(extensions->platform_instance_id.has_value());
  EXPECT_FALSE(extensions->configuration.has_value());
  json claims = pck_claims(*extensions);
  EXPECT_EQ(claims["sgx_type"], "0x0");
  EXPECT_EQ(claims["sgx_tcb_components"].size(), 16u);
  EXPECT_FALSE(claims.contains("platform_instance_id"));
  EXPECT_FALSE(claims.contains("configuration"));
}

TEST_F(DcapPckTest, ReadsOptionalEntriesAndIgnoresUnknownOnes) {
  auto top = top_entries();
  top[4].value = "ENUMERATED:2";
  top.push_back({kSgx + ".6", "FORMAT:HEX,OCTETSTRING:ffeeddccbbaa99887766554433221100"});
  top.push_back({kSgx + ".7", "SEQUENCE:configuration"});
  top.push_back({kSgx + ".99", "UTF8String:a later addition"});
  auto tcb = tcb_entries();
  tcb.push_back({kSgx + ".2.19", "INTEGER:7"});
  auto extensions = parse_pck_extensions(certificate_with(
      der_of(top, tcb, {{kSgx + ".7.1", "BOOLEAN:TRUE"}, {kSgx + ".7.3", "BOOLEAN:FALSE"}})));
  ASSERT_TRUE(extensions.has_value()) << extensions.error().message();
  json claims = pck_claims(*extensions);
  EXPECT_EQ(claims["sgx_type"], "0x2");
  EXPECT_EQ(claims["platform_instance_id"], "ffeeddccbbaa99887766554433221100");
  EXPECT_EQ(claims["configuration"], (json{{"dynamic_platform", true}, {"smt_enabled", false}}));
}

TEST_F(DcapPckTest, RefusesACertificateWithoutSgxExtensions) {
  auto root = test::certificates_of("tdx/intel_sgx_root_ca.pem");
  ASSERT_FALSE(root.empty());
  auto extensions = parse_pck_extensions(root.front());
  ASSERT_FALSE(extensions.has_value());
  EXPECT_TRUE(contains(extensions.error().message(), "absent (no extension " + kSgx + ")"));
}

TEST_F(DcapPckTest, RefusesAValueThatIsNotDer) {
  expect_refused(Bytes{0x30, 0x05, 0x01}, "the SGX extensions is not one DER SEQUENCE");
  Bytes trailing = der_of(top_entries());
  trailing.push_back(0);
  expect_refused(trailing, "the SGX extensions is not one DER SEQUENCE");
}

TEST_F(DcapPckTest, RefusesAMissingRequiredEntry) {
  const char* names[] = {"PPID", "TCB", "PCE-ID", "FMSPC", "SGX Type"};
  for (std::size_t missing = 0; missing < 5; ++missing) {
    auto top = top_entries();
    top.erase(top.begin() + static_cast<std::ptrdiff_t>(missing));
    expect_refused(der_of(top),
                   std::string("no ") + names[missing] + " entry (" + kSgx + "." +
                       std::to_string(missing + 1) + ")");
  }
}

TEST_F(DcapPckTest, RefusesAMissingTcbComponent) {
  for (std::size_t missing : {0, 15, 16, 17}) {
    auto tcb = tcb_entries();
    tcb.erase(tcb.begin() + static_cast<std::ptrdiff_t>(missing));
    expect_refused(der_of(top_entries(), tcb),
                   "has no entry " + kSgx + ".2." + std::to_string(missing + 1));
  }
}

TEST_F(DcapPckTest, RefusesWrongSizes) {
  expect_refused(with_top(3, "FORMAT:HEX,OCTETSTRING:00906ed500"),
                 "FMSPC " + kSgx + ".4 is 5 bytes, expected 6");
  expect_refused(with_top(0, "FORMAT:HEX,OCTETSTRING:00"),
                 "PPID " + kSgx + ".1 is 1 bytes, expected 16");
  expect_refused(with_tcb(17, "FORMAT:HEX,OCTETSTRING:0102"),
                 "CPUSVN " + kSgx + ".2.18 is 2 bytes, expected 16");
}

TEST_F(DcapPckTest, RefusesWrongTypes) {
  expect_refused(with_top(2, "INTEGER:0"), "PCE-ID " + kSgx + ".3 is not an OCTET STRING");
  expect_refused(with_top(4, "INTEGER:1"), "SGX Type " + kSgx + ".5 is not an ENUMERATED");
  expect_refused(with_top(1, "INTEGER:1"), "TCB (" + kSgx + ".2) is not a SEQUENCE");
  auto top = top_entries();
  top.push_back({kSgx + ".7", "SEQUENCE:configuration"});
  expect_refused(der_of(top, tcb_entries(), {{kSgx + ".7.2", "INTEGER:1"}}),
                 "Configuration flag " + kSgx + ".7.2 is not a BOOLEAN");
}

TEST_F(DcapPckTest, RefusesOutOfRangeSvns) {
  expect_refused(with_tcb(4, "INTEGER:256"),
                 "SGX TCB component " + kSgx + ".2.5 is outside 0..255");
  expect_refused(with_tcb(16, "INTEGER:-1"), "PCESVN " + kSgx + ".2.17 is outside 0..65535");
}

TEST_F(DcapPckTest, RefusesARepeatedEntry) {
  auto top = top_entries();
  top.push_back(top[3]);
  expect_refused(der_of(top), "the SGX extensions repeats " + kSgx + ".4");
}

TEST_F(DcapPckTest, RefusesOversizeExtensions) {
  auto top = top_entries();
  top.push_back({kSgx + ".99", "FORMAT:HEX,OCTETSTRING:" + std::string(2 * 4100, 'a')});
  expect_refused(der_of(top), "is over the limit of 4096");
  auto many = top_entries();
  for (int i = 0; i < 30; ++i) {
    many.push_back({kSgx + "." + std::to_string(100 + i), "NULL"});
  }
  expect_refused(der_of(many), "has 35 entries, over the limit of 32");
}

}  // namespace
}  // namespace ensign::attest::dcap
