// Tests of Intel DCAP collateral: parsing, signature and issuer chain, TCB level matching and
// status convergence. Real TCB Info and QE Identity documents come from ../shared/vectors (read
// in place); the platform is the one of tdx/gotdx_v4_spr_e4_quote.bin, as the manifest records
// its PCK certificate extensions and QE report. Synthetic documents (built here, signed with a
// throwaway self-signed "Intel SGX TCB Signing" key or not at all) cover every status and the
// TDX module identity path, which the real documents cannot.
#include "attest/dcap/collateral.h"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/x509v3.h>

#include <map>
#include <string>
#include <tuple>

#include "attest/dcap/internal/collateral_json.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "dcap_test_support.h"
#include "support/corrupt.h"
#include "support/text.h"
#include "support/vectors.h"

namespace ensign::attest::dcap {
namespace {

using test::json;
using Components = std::array<std::uint8_t, 16>;

constexpr const char* kTcbInfo2023 = "tdx/tcbinfo_tdx_fmspc50806f000000_2023-06-18.json";
constexpr const char* kQeIdentity2023 = "tdx/qeidentity_td_qe_2023-06-08.json";
constexpr const char* kTcbInfo2025 = "tdx/tcbinfo_tdx_fmspc00a06d080000_2025-10-27.json";
constexpr const char* kTcbInfo2026 = "tdx/tcbinfo_tdx_fmspc90c06f000000_2026-02-01.json";
constexpr const char* kQeIdentity2025 = "tdx/qeidentity_td_qe_2025-10-28.json";
constexpr const char* kSprE4Quote = "tdx/gotdx_v4_spr_e4_quote.bin";

UnixTime at(const std::string& text) {
  return test::time_of(text);
}

using ::ensign::test::contains;

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const auto& error : errors) {
    text += error + "\n";
  }
  return text;
}

// expect_one_error checks that `errors` is exactly one error containing `part`.
void expect_one_error(const std::vector<std::string>& errors, const std::string& part) {
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_TRUE(contains(errors[0], part)) << "expected \"" << part << "\" in: " << errors[0];
}

std::string vector_text(const std::string& name) {
  return as_string(ensign::test::read_vector(name));
}

Bytes hex_bytes(std::string_view text) {
  auto bytes = hex_decode(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes ? *bytes : Bytes{};
}

Components components(std::initializer_list<std::uint8_t> leading) {
  Components svns{};
  std::copy(leading.begin(), leading.end(), svns.begin());
  return svns;
}

// manifest_entry returns the manifest's entry for `file`.
json manifest_entry(const std::string& file) {
  for (auto& entry : test::entries_where(file.substr(file.find('/')))) {
    if (entry.at("file") == file) {
      return entry;
    }
  }
  ADD_FAILURE() << file << " is not in manifest.json";
  return json::object();
}

// SprE4 is the platform and quoting enclave of tdx/gotdx_v4_spr_e4_quote.bin, from the manifest.
struct SprE4 {
  PlatformTcb platform;
  QeReportIdentity quoting_enclave;
};

SprE4 spr_e4() {
  json expected = manifest_entry(kSprE4Quote).at("expected");
  const json& extensions = expected.at("pck_ext");
  SprE4 result;
  result.platform.fmspc = hex_bytes(extensions.at("4").get<std::string>());
  result.platform.pceid = hex_bytes(extensions.at("3").get<std::string>());
  for (std::size_t index = 0; index < 16; ++index) {
    result.platform.sgx_components[index] =
        extensions.at("tcb").at(std::to_string(index + 1)).get<std::uint8_t>();
  }
  result.platform.pcesvn = extensions.at("tcb").at("17").get<std::uint16_t>();
  Bytes tee_tcb_svn = hex_bytes(expected.at("report").at("tee_tcb_svn").get<std::string>());
  Components tee{};
  std::copy(tee_tcb_svn.begin(), tee_tcb_svn.end(), tee.begin());
  result.platform.tee_tcb_svn = tee;
  result.platform.mrsignerseam =
      hex_bytes(expected.at("report").at("mrsignerseam").get<std::string>());
  result.platform.seam_attributes =
      hex_bytes(expected.at("report").at("seam_attributes").get<std::string>());
  const json& qe_report = expected.at("qe_report");
  Bytes miscselect = hex_bytes(qe_report.at("miscselect").get<std::string>());
  result.quoting_enclave.miscselect = static_cast<std::uint32_t>(miscselect.at(0)) |
                                      static_cast<std::uint32_t>(miscselect.at(1)) << 8 |
                                      static_cast<std::uint32_t>(miscselect.at(2)) << 16 |
                                      static_cast<std::uint32_t>(miscselect.at(3)) << 24;
  result.quoting_enclave.attributes = hex_bytes(qe_report.at("attributes").get<std::string>());
  result.quoting_enclave.mrsigner = hex_bytes(qe_report.at("mrsigner").get<std::string>());
  result.quoting_enclave.isvprodid = qe_report.at("isvprodid").get<std::uint16_t>();
  result.quoting_enclave.isvsvn = qe_report.at("isvsvn").get<std::uint16_t>();
  return result;
}

// intel_endorsements returns the Intel root as anchor, the CRLs and the TCB signing chain.
Endorsements intel_endorsements(UnixTime time) {
  Endorsements endorsements = test::intel_endorsements(time, true);
  endorsements.certificates = test::certificates_of("tdx/intel_tcb_signing_chain.pem");
  return endorsements;
}

TcbInfo tcb_info_of(const std::string& text) {
  auto parsed = parse_tcb_info(text);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : TcbInfo{};
}

QeIdentity qe_identity_of(const std::string& text) {
  auto parsed = parse_qe_identity(text);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : QeIdentity{};
}

// ---- synthetic documents ----

json svn_objects(const Components& svns) {
  json array = json::array();
  for (auto svn : svns) {
    array.push_back({{"svn", svn}});
  }
  return array;
}

json platform_level(const Components& sgx,
                    std::uint16_t pcesvn,
                    std::optional<Components> tdx,
                    const std::string& status) {
  json tcb = {{"sgxtcbcomponents", svn_objects(sgx)}, {"pcesvn", pcesvn}};
  if (tdx) {
    tcb["tdxtcbcomponents"] = svn_objects(*tdx);
  }
  return {{"tcb", tcb},
          {"tcbDate", "2024-03-13T00:00:00Z"},
          {"tcbStatus", status},
          {"advisoryIDs", {"INTEL-SA-00001"}}};
}

json isv_level(std::uint16_t isvsvn, const std::string& status) {
  return {
      {"tcb", {{"isvsvn", isvsvn}}}, {"tcbDate", "2024-03-13T00:00:00Z"}, {"tcbStatus", status}};
}

const std::string kZeroMrsigner(96, '0');

json module_json(const std::string& id, json levels) {
  json module = {{"mrsigner", kZeroMrsigner},
                 {"attributes", "0000000000000000"},
                 {"attributesMask", "FFFFFFFFFFFFFFFF"}};
  if (!id.empty()) {
    module["id"] = id;
    module["tcbLevels"] = std::move(levels);
  }
  return module;
}

// tcb_info_json returns a TCB Info v3 body for the SPR E4 platform's FMSPC, current in 2024.
json tcb_info_json(const std::string& id, json levels) {
  json body = {{"id", id},
               {"version", 3},
               {"issueDate", "2024-04-01T00:00:00Z"},
               {"nextUpdate", "2024-05-01T00:00:00Z"},
               {"fmspc", "50806f000000"},
               {"pceId", "0000"},
               {"tcbType", 0},
               {"tcbEvaluationDataNumber", 16},
               {"tcbLevels", std::move(levels)}};
  if (id == "TDX") {
    body["tdxModule"] = module_json("", json());
  }
  return body;
}

json qe_identity_json(json levels) {
  return {{"id", "TD_QE"},
          {"version", 2},
          {"issueDate", "2024-04-01T00:00:00Z"},
          {"nextUpdate", "2024-05-01T00:00:00Z"},
          {"tcbEvaluationDataNumber", 16},
          {"miscselect", "00000000"},
          {"miscselectMask", "FFFFFFFF"},
          {"attributes", "11000000000000000000000000000000"},
          {"attributesMask", "FBFFFFFFFFFFFFFF0000000000000000"},
          {"mrsigner", "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5"},
          {"isvprodid", 2},
          {"tcbLevels", std::move(levels)}};
}

// document returns {"<member>":<body text>,"signature":"<hex>"} with the body's text as given.
std::string document(const std::string& member, const std::string& body, const Bytes& signature) {
  return "{\"" + member + "\":" + body + ",\"signature\":\"" + hex_encode(signature) + "\"}";
}

std::string unsigned_document(const std::string& member, const json& body) {
  return document(member, body.dump(), Bytes(kCollateralSignatureSize, 0));
}

TcbInfo synthetic_tcb_info(const std::string& id, json levels) {
  return tcb_info_of(unsigned_document("tcbInfo", tcb_info_json(id, std::move(levels))));
}

QeIdentity synthetic_qe_identity(json levels) {
  return qe_identity_of(unsigned_document("enclaveIdentity", qe_identity_json(std::move(levels))));
}

// SelfSignedSigner is a throwaway P-256 key with a self-signed certificate named `common_name`.
struct SelfSignedSigner {
  EvpPkeyPtr key;
  pki::Certificate certificate;

  // sign returns r || s over `text`.
  Bytes sign(std::string_view text) const {
    auto der = crypto::sign_message(key.get(), crypto::KeyAlgorithm::kEcdsaP256, as_bytes(text));
    EXPECT_TRUE(der.has_value());
    const unsigned char* cursor = der->data();
    EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der->size())));
    Bytes raw(kCollateralSignatureSize);
    EXPECT_EQ(BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), raw.data(), 32), 32);
    EXPECT_EQ(BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), raw.data() + 32, 32), 32);
    return raw;
  }
};

SelfSignedSigner self_signed_signer(const std::string& common_name) {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256);
  EXPECT_TRUE(key.has_value());
  X509Ptr x509(X509_new());
  X509_set_version(x509.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 7);
  ASN1_TIME_set(X509_getm_notBefore(x509.get()), static_cast<time_t>(at("2020-01-01T00:00:00Z")));
  ASN1_TIME_set(X509_getm_notAfter(x509.get()), static_cast<time_t>(at("2040-01-01T00:00:00Z")));
  X509_NAME* name = X509_get_subject_name(x509.get());
  X509_NAME_add_entry_by_txt(name,
                             "CN",
                             MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1,
                             -1,
                             0);
  X509_set_issuer_name(x509.get(), name);
  X509_set_pubkey(x509.get(), key->get());
  X509V3_CTX context;
  X509V3_set_ctx(&context, x509.get(), x509.get(), nullptr, nullptr, 0);
  X509_EXTENSION* constraints =
      X509V3_EXT_conf_nid(nullptr, &context, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(x509.get(), constraints, -1);
  X509_EXTENSION_free(constraints);
  EXPECT_GT(X509_sign(x509.get(), key->get(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  int size = i2d_X509(x509.get(), &der);
  auto certificate = pki::Certificate::from_der(ByteView(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  EXPECT_TRUE(certificate.has_value());
  return {std::move(*key), *certificate};
}

// SignedCollateral is a signer trusted as its own root, and documents it signed.
struct SignedCollateral {
  SelfSignedSigner signer;
  Endorsements endorsements;
  Collateral collateral;
};

SignedCollateral signed_collateral(const json& tcb_info, const json& qe_identity) {
  SignedCollateral result{self_signed_signer("Intel SGX TCB Signing"), {}, {}};
  EXPECT_TRUE(result.endorsements.anchors.add(result.signer.certificate, true).has_value());
  result.endorsements.certificates = {result.signer.certificate};
  result.endorsements.at = at("2024-04-15T00:00:00Z");
  for (const auto& [member, body] :
       {std::pair<std::string, json>{"tcbInfo", tcb_info}, {"enclaveIdentity", qe_identity}}) {
    std::string text = body.dump();
    auto added =
        add_collateral(result.collateral, document(member, text, result.signer.sign(text)));
    EXPECT_TRUE(added.has_value()) << (added ? "" : added.error().message());
  }
  return result;
}

// ---- parsing real documents ----

class RealCollateralTest : public ::testing::Test {
 protected:
  void SetUp() override { ENSIGN_REQUIRE_VECTORS(); }
};

TEST_F(RealCollateralTest, ParsesTdxTcbInfoWithItsSignedText) {
  std::string text = vector_text(kTcbInfo2023);
  auto info = tcb_info_of(text);
  EXPECT_EQ(info.id, "TDX");
  EXPECT_EQ(info.version, 3u);
  EXPECT_EQ(format_rfc3339(info.issue_date), "2023-06-18T08:42:58Z");
  EXPECT_EQ(format_rfc3339(info.next_update), "2023-07-18T08:42:58Z");
  EXPECT_EQ(hex_encode(info.fmspc), "50806f000000");
  EXPECT_EQ(hex_encode(info.pce_id), "0000");
  EXPECT_EQ(info.tcb_evaluation_data_number, 15u);
  ASSERT_TRUE(info.tdx_module.has_value());
  EXPECT_EQ(info.tdx_module->mrsigner, Bytes(48, 0));
  EXPECT_EQ(hex_encode(info.tdx_module->attributes_mask), "ffffffffffffffff");
  EXPECT_TRUE(info.tdx_module_identities.empty());
  ASSERT_EQ(info.tcb_levels.size(), 2u);
  EXPECT_EQ(info.tcb_levels[0].sgx_components, components({5, 5, 2, 2, 3, 1, 0, 3}));
  EXPECT_EQ(info.tcb_levels[0].pcesvn, 11);
  EXPECT_EQ(info.tcb_levels[0].tdx_components, components({3, 0, 5}));
  EXPECT_EQ(info.tcb_levels[0].tcb_status, "UpToDate");
  EXPECT_EQ(info.tcb_levels[1].tcb_status, "OutOfDate");
  EXPECT_EQ(info.tcb_levels[1].tcb_date, "2018-01-04T00:00:00Z");
  EXPECT_EQ(info.tcb_levels[1].advisory_ids.size(), 13u);
  EXPECT_EQ(hex_encode(info.signed_body.signature).substr(0, 8), "f6502d6f");
  // The signed text is the tcbInfo value byte for byte.
  EXPECT_TRUE(contains(text, "{\"tcbInfo\":" + info.signed_body.text + ",\"signature\":"));
  EXPECT_EQ(info.signed_body.text.substr(0, 12), "{\"id\":\"TDX\",");
}

TEST_F(RealCollateralTest, ParsesTdxModuleIdentities) {
  auto info = tcb_info_of(vector_text(kTcbInfo2026));
  EXPECT_EQ(info.tcb_evaluation_data_number, 18u);
  ASSERT_EQ(info.tdx_module_identities.size(), 2u);
  EXPECT_EQ(info.tdx_module_identities[0].id, "TDX_03");
  EXPECT_EQ(info.tdx_module_identities[1].id, "TDX_01");
  ASSERT_EQ(info.tdx_module_identities[1].tcb_levels.size(), 3u);
  EXPECT_EQ(info.tdx_module_identities[1].tcb_levels[1].isvsvn, 4);
  EXPECT_EQ(info.tdx_module_identities[1].tcb_levels[1].tcb_status, "OutOfDate");
  EXPECT_EQ(info.tdx_module_identities[1].tcb_levels[1].advisory_ids,
            (std::vector<std::string>{"INTEL-SA-01036", "INTEL-SA-01099"}));
  EXPECT_EQ(info.tcb_levels.size(), 3u);
}

TEST_F(RealCollateralTest, ParsesQeIdentity) {
  auto identity = qe_identity_of(vector_text(kQeIdentity2023));
  EXPECT_EQ(identity.id, "TD_QE");
  EXPECT_EQ(identity.version, 2u);
  EXPECT_EQ(identity.tcb_evaluation_data_number, 15u);
  EXPECT_EQ(identity.miscselect, 0u);
  EXPECT_EQ(identity.miscselect_mask, 0xffffffffu);
  EXPECT_EQ(hex_encode(identity.attributes), "11000000000000000000000000000000");
  EXPECT_EQ(hex_encode(identity.attributes_mask), "fbffffffffffffff0000000000000000");
  EXPECT_EQ(hex_encode(identity.mrsigner),
            "dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5");
  EXPECT_EQ(identity.isvprodid, 2);
  ASSERT_EQ(identity.tcb_levels.size(), 1u);
  EXPECT_EQ(identity.tcb_levels[0].isvsvn, 4);
  EXPECT_EQ(identity.tcb_levels[0].tcb_status, "UpToDate");
  EXPECT_EQ(describe(identity), "QE Identity TD_QE (issued 2023-06-08T07:24:59Z)");
}

TEST_F(RealCollateralTest, AddCollateralSortsTheDocuments) {
  Collateral collateral;
  EXPECT_TRUE(collateral.empty());
  for (const char* file :
       {kTcbInfo2023, kQeIdentity2023, kTcbInfo2025, kTcbInfo2026, kQeIdentity2025}) {
    auto added = add_collateral(collateral, vector_text(file));
    EXPECT_TRUE(added.has_value()) << file << ": " << (added ? "" : added.error().message());
  }
  EXPECT_FALSE(collateral.empty());
  EXPECT_EQ(collateral.tcb_infos.size(), 3u);
  EXPECT_EQ(collateral.qe_identities.size(), 2u);
  EXPECT_EQ(describe(collateral.tcb_infos[2]),
            "TCB Info TDX fmspc 90c06f000000 (issued 2026-02-01T14:49:26Z)");
}

// ---- signature, signer and window ----

TEST_F(RealCollateralTest, CollateralOf2023VerifiesAtItsTime) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  auto tcb_check = verify_tcb_info(tcb_info_of(vector_text(kTcbInfo2023)), endorsements);
  EXPECT_TRUE(tcb_check.errors.empty()) << joined(tcb_check.errors);
  ASSERT_EQ(tcb_check.chain.size(), 2u);
  EXPECT_TRUE(contains(tcb_check.chain[0].subject, "CN=Intel SGX TCB Signing"));
  EXPECT_EQ(tcb_check.chain[0].sha256,
            "ec37d98107bfb7dab6ff8de4d4dda6fde30a6f50b0d7b03eefb5652f1e652969");
  auto qe_check = verify_qe_identity(qe_identity_of(vector_text(kQeIdentity2023)), endorsements);
  EXPECT_TRUE(qe_check.errors.empty()) << joined(qe_check.errors);
}

TEST_F(RealCollateralTest, ChainChecksGoThroughTheCache) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  pki::ChainCache cache;
  endorsements.chain_cache = &cache;
  auto info = tcb_info_of(vector_text(kTcbInfo2023));
  for (int round = 0; round < 2; ++round) {
    auto check = verify_tcb_info(info, endorsements);
    EXPECT_TRUE(check.errors.empty()) << joined(check.errors);
    EXPECT_EQ(check.chain.size(), 2u);
  }
}

// The later documents are signed with the same key, under a renewed certificate that is not in
// the vectors: the signature verifies, the chain is expired (manifest: expect_valid false).
TEST_F(RealCollateralTest, LaterCollateralHasAGoodSignatureAndAnExpiredIssuerChain) {
  struct Case {
    const char* file;
    bool tcb_info;
  };
  for (const auto& [file, is_tcb_info] :
       {Case{kTcbInfo2025, true}, Case{kTcbInfo2026, true}, Case{kQeIdentity2025, false}}) {
    json entry = manifest_entry(file);
    ASSERT_FALSE(entry.at("expect_valid").get<bool>());
    auto endorsements = intel_endorsements(at(entry.at("verify_at").get<std::string>()));
    std::string text = vector_text(file);
    auto check = is_tcb_info ? verify_tcb_info(tcb_info_of(text), endorsements)
                             : verify_qe_identity(qe_identity_of(text), endorsements);
    ASSERT_EQ(check.errors.size(), 1u) << file << "\n" << joined(check.errors);
    const std::string& error = check.errors[0];
    EXPECT_TRUE(contains(error, "issuer chain: certificate '")) << error;
    EXPECT_TRUE(contains(error, "CN=Intel SGX TCB Signing")) << error;
    EXPECT_TRUE(contains(error, "expired")) << error;
    EXPECT_TRUE(contains(error, "2025-05-21T10:50:10Z")) << error;
    EXPECT_FALSE(contains(error, "signature:")) << error;
  }
  auto endorsements = intel_endorsements(at("2026-02-15T00:00:00Z"));
  auto check = verify_tcb_info(tcb_info_of(vector_text(kTcbInfo2026)), endorsements);
  ASSERT_FALSE(check.errors.empty());
  EXPECT_EQ(check.errors[0].rfind("TCB Info TDX fmspc 90c06f000000 (issued 2026-02-01T14:49:26Z): "
                                  "issuer chain: ",
                                  0),
            0u)
      << check.errors[0];
}

TEST_F(RealCollateralTest, RefusesATamperedByteInTheSignedText) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  std::string text = vector_text(kTcbInfo2023);
  std::size_t position = text.find("\"tcbEvaluationDataNumber\":15") + 26;
  text[position] = '6';  // 15 -> 16: still valid JSON, no longer what Intel signed
  auto check = verify_tcb_info(tcb_info_of(text), endorsements);
  ASSERT_EQ(check.errors.size(), 1u) << joined(check.errors);
  EXPECT_TRUE(contains(check.errors[0], "TCB Info TDX fmspc 50806f000000")) << check.errors[0];
  EXPECT_TRUE(contains(check.errors[0],
                       "signature: does not verify with any of the 2 "
                       "certificates given"))
      << check.errors[0];
}

TEST_F(RealCollateralTest, NoSingleByteChangeOfAQeIdentityGoesUnnoticed) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  Bytes original = ensign::test::read_vector(kQeIdentity2023);
  std::size_t body_start = as_string(original).find("{\"id\"");
  std::size_t body_end = as_string(original).find(",\"signature\"");
  for (std::size_t index = body_start; index < body_end; ++index) {
    auto parsed = parse_qe_identity(as_string(ensign::test::flipped(original, index)));
    if (parsed) {
      EXPECT_FALSE(verify_qe_identity(*parsed, endorsements).errors.empty()) << "byte " << index;
    }
  }
}

TEST_F(RealCollateralTest, RefusesCollateralOutsideItsWindow) {
  auto late = verify_tcb_info(tcb_info_of(vector_text(kTcbInfo2023)),
                              intel_endorsements(at("2023-08-01T00:00:00Z")));
  auto early = verify_qe_identity(qe_identity_of(vector_text(kQeIdentity2023)),
                                  intel_endorsements(at("2023-06-01T00:00:00Z")));
  ASSERT_FALSE(late.errors.empty());
  ASSERT_FALSE(early.errors.empty());
  EXPECT_EQ(late.errors[0],
            "TCB Info TDX fmspc 50806f000000 (issued 2023-06-18T08:42:58Z): expired: nextUpdate "
            "2023-07-18T08:42:58Z is before the verification time 2023-08-01T00:00:00Z");
  EXPECT_EQ(early.errors[0],
            "QE Identity TD_QE (issued 2023-06-08T07:24:59Z): not yet valid: issueDate "
            "2023-06-08T07:24:59Z is after the verification time 2023-06-01T00:00:00Z");
}

TEST_F(RealCollateralTest, RefusesWithoutTheSigningCertificate) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  endorsements.certificates.clear();
  auto check = verify_tcb_info(tcb_info_of(vector_text(kTcbInfo2023)), endorsements);
  expect_one_error(check.errors, "does not verify with any of the 0 certificates given");
}

TEST_F(RealCollateralTest, RefusesASignerWithoutATrustedRoot) {
  auto endorsements = intel_endorsements(at("2023-06-20T00:00:00Z"));
  endorsements.anchors = pki::TrustAnchors();
  auto check = verify_tcb_info(tcb_info_of(vector_text(kTcbInfo2023)), endorsements);
  expect_one_error(check.errors, "issuer chain: ");
}

TEST(CollateralSignatureTest, RefusesASignerThatIsNotTheTcbSigningCertificate) {
  auto impostor = self_signed_signer("Intel SGX PCK Certificate");
  Endorsements endorsements;
  ASSERT_TRUE(endorsements.anchors.add(impostor.certificate, true).has_value());
  endorsements.certificates = {impostor.certificate};
  endorsements.at = at("2024-04-15T00:00:00Z");
  std::string body = qe_identity_json(json::array({isv_level(4, "UpToDate")})).dump();
  auto identity = qe_identity_of(document("enclaveIdentity", body, impostor.sign(body)));
  auto check = verify_qe_identity(identity, endorsements);
  expect_one_error(check.errors, "signature: made by 'CN=Intel SGX PCK Certificate'");
  expect_one_error(check.errors, "which is not Intel's 'Intel SGX TCB Signing'");
}

// ---- the real platform against the real collateral ----

// appraise_with_2023_collateral appraises a TDX platform with the 2023 TCB Info and QE Identity
// at the manifest's verify_at for them.
TcbAppraisal appraise_with_2023_collateral(const PlatformTcb& platform,
                                           const QeReportIdentity& quoting_enclave) {
  Collateral collateral;
  EXPECT_TRUE(add_collateral(collateral, vector_text(kTcbInfo2023)).has_value());
  EXPECT_TRUE(add_collateral(collateral, vector_text(kQeIdentity2023)).has_value());
  return appraise_tcb(
      collateral, platform, quoting_enclave, true, intel_endorsements(at("2023-06-20T00:00:00Z")));
}

// go-tdx-guest (verify_test.go, TestNegativeRawQuoteVerifyWithCollateral) and Intel's QVL agree:
// this platform's SGX components (3,3,2,2,2,1,0,2) are below every level of the 2023 TCB Info
// (5,5,2,2,3,1,0,3), so no level matches: QVL's STATUS_TCB_NOT_SUPPORTED. Its QE is UpToDate.
TEST_F(RealCollateralTest, SprE4PlatformIsBelowEveryLevelOf2023Collateral) {
  auto [platform, quoting_enclave] = spr_e4();
  EXPECT_EQ(hex_encode(platform.fmspc), "50806f000000");
  EXPECT_EQ(platform.pcesvn, 11);
  auto appraisal = appraise_with_2023_collateral(platform, quoting_enclave);
  EXPECT_TRUE(appraisal.errors.empty()) << joined(appraisal.errors);
  EXPECT_EQ(appraisal.tcb_status, "TCBLevelNotSupported");
  EXPECT_EQ(appraisal.details.at("platform_tcb_status"), "TCBLevelNotSupported");
  EXPECT_EQ(appraisal.details.at("qe_tcb_status"), "UpToDate");
  EXPECT_EQ(appraisal.details.at("qe_tcb_level").at("tcb_date"), "2023-02-15T00:00:00Z");
  EXPECT_EQ(appraisal.details.at("tcb_info").at("tcb_evaluation_data_number"), 15);
  EXPECT_EQ(appraisal.details.at("tcb_info").at("signer").at("sha256"),
            "ec37d98107bfb7dab6ff8de4d4dda6fde30a6f50b0d7b03eefb5652f1e652969");
}

TEST_F(RealCollateralTest, SprE4QuotingEnclaveMatchesTheRealQeIdentity) {
  auto match =
      match_qe_identity(qe_identity_of(vector_text(kQeIdentity2023)), spr_e4().quoting_enclave);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "UpToDate");
  EXPECT_EQ(match.details.at("qe_tcb_level").at("isvsvn"), 4);
}

// With SVNs the platform meets, the real TCB Info's first level matches (as go-tdx-guest's
// TestVerifyUsingTcbInfoV4 shows by zeroing them).
TEST_F(RealCollateralTest, SprE4PlatformMatchesTheFirstLevelItMeets) {
  auto info = tcb_info_of(vector_text(kTcbInfo2023));
  for (auto& level : info.tcb_levels) {
    level.sgx_components = components({3, 3, 2, 2, 2, 1, 0, 2});
  }
  auto match = match_platform_tcb(info, spr_e4().platform, true);
  EXPECT_EQ(match.status, "TCBLevelNotSupported");  // TEE_TCB_SVN[2] = 4 is below component 5
  EXPECT_TRUE(contains(match.details.at("tcb_level_not_supported").get<std::string>(),
                       "has TDX components at or below TEE_TCB_SVN "
                       "03000400000000000000000000000000"))
      << match.details.dump();
  for (auto& level : info.tcb_levels) {
    level.tdx_components = components({3, 0, 4});
  }
  match = match_platform_tcb(info, spr_e4().platform, true);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "UpToDate");
  EXPECT_EQ(match.details.at("tcb_level").at("tcb_date"), "2023-02-15T00:00:00Z");
}

TEST_F(RealCollateralTest, RefusesAPlatformOfAnotherFmspc) {
  auto [platform, quoting_enclave] = spr_e4();
  platform.fmspc = hex_bytes("90c06f000000");
  auto appraisal = appraise_with_2023_collateral(platform, quoting_enclave);
  ASSERT_EQ(appraisal.errors.size(), 1u) << joined(appraisal.errors);
  EXPECT_EQ(appraisal.errors[0],
            "no TCB Info for TDX fmspc 90c06f000000 pceId 0000 in the collateral given (TCB "
            "Info: TDX 50806f000000)");
  EXPECT_EQ(appraisal.tcb_status, "unknown");

  auto match = match_platform_tcb(tcb_info_of(vector_text(kTcbInfo2023)), platform, true);
  expect_one_error(match.errors, "fmspc is not the platform's 90c06f000000");
  EXPECT_FALSE(match.status.has_value());
}

TEST_F(RealCollateralTest, RefusesAQuoteWithoutItsQeIdentity) {
  auto [platform, quoting_enclave] = spr_e4();
  Collateral collateral;
  ASSERT_TRUE(add_collateral(collateral, vector_text(kTcbInfo2023)).has_value());
  auto appraisal = appraise_tcb(
      collateral, platform, quoting_enclave, true, intel_endorsements(at("2023-06-20T00:00:00Z")));
  EXPECT_TRUE(contains(joined(appraisal.errors),
                       "no QE Identity TD_QE in the collateral given (0 QE Identity documents)"))
      << joined(appraisal.errors);
}

// ---- matching synthetic documents ----

PlatformTcb sgx_platform() {
  PlatformTcb platform;
  platform.fmspc = hex_bytes("50806f000000");
  platform.pceid = hex_bytes("0000");
  platform.sgx_components = components({4, 4, 3});
  platform.pcesvn = 11;
  return platform;
}

PlatformTcb tdx_platform(std::initializer_list<std::uint8_t> tee_tcb_svn) {
  PlatformTcb platform = sgx_platform();
  platform.tee_tcb_svn = components(tee_tcb_svn);
  platform.mrsignerseam = Bytes(48, 0);
  platform.seam_attributes = Bytes(8, 0);
  return platform;
}

class EveryPlatformStatusTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryPlatformStatusTest, TheMatchedLevelGivesItsStatus) {
  std::string status = GetParam();
  json levels = json::array({platform_level(components({9}), 11, std::nullopt, "UpToDate"),
                             platform_level(components({4, 4, 3}), 11, std::nullopt, status),
                             platform_level(components({1}), 1, std::nullopt, "Revoked")});
  auto match = match_platform_tcb(synthetic_tcb_info("SGX", levels), sgx_platform(), false);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, status);
  EXPECT_EQ(match.details.at("tcb_level").at("tcb_status"), status);
  EXPECT_EQ(match.details.at("tcb_level").at("advisory_ids"), json({"INTEL-SA-00001"}));
}

INSTANTIATE_TEST_SUITE_P(Statuses,
                         EveryPlatformStatusTest,
                         ::testing::Values("UpToDate",
                                           "SWHardeningNeeded",
                                           "ConfigurationNeeded",
                                           "ConfigurationAndSWHardeningNeeded",
                                           "OutOfDate",
                                           "OutOfDateConfigurationNeeded",
                                           "Revoked"));

TEST(CollateralMatchTest, ReadsVersion2TcbInfo) {
  json tcb = {{"pcesvn", 10}};
  for (int index = 1; index <= 16; ++index) {
    tcb[std::string("sgxtcbcomp") + (index < 10 ? "0" : "") + std::to_string(index) + "svn"] =
        index == 1 ? 4 : 0;
  }
  json body = {
      {"version", 2},
      {"issueDate", "2024-04-01T00:00:00Z"},
      {"nextUpdate", "2024-05-01T00:00:00Z"},
      {"fmspc", "50806F000000"},
      {"pceId", "0000"},
      {"tcbType", 0},
      {"tcbEvaluationDataNumber", 8},
      {"tcbLevels",
       {{{"tcb", tcb}, {"tcbDate", "2019-12-11T00:00:00Z"}, {"tcbStatus", "SWHardeningNeeded"}}}}};
  auto info = tcb_info_of(unsigned_document("tcbInfo", body));
  EXPECT_EQ(info.id, "SGX");
  EXPECT_EQ(info.version, 2u);
  EXPECT_EQ(info.tcb_levels.at(0).sgx_components, components({4}));
  EXPECT_EQ(match_platform_tcb(info, sgx_platform(), false).status, "SWHardeningNeeded");
}

TEST(CollateralMatchTest, GivesAPlatformBelowEveryLevelTcbLevelNotSupported) {
  json levels = json::array({platform_level(components({5}), 11, std::nullopt, "UpToDate"),
                             platform_level(components({4, 4, 3}), 12, std::nullopt, "OutOfDate")});
  auto match = match_platform_tcb(synthetic_tcb_info("SGX", levels), sgx_platform(), false);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "TCBLevelNotSupported");
  EXPECT_EQ(match.details["tcb_level_not_supported"],
            "no level is at or below the platform's SGX components "
            "04040300000000000000000000000000 and PCESVN 11");
  EXPECT_EQ(converge_tcb_status("TCBLevelNotSupported", "UpToDate"), "TCBLevelNotSupported");
  EXPECT_EQ(converge_tcb_status("UpToDate", "TCBLevelNotSupported"), "TCBLevelNotSupported");
}

TEST(CollateralMatchTest, RefusesAnUnknownStatusOfTheMatchedLevel) {
  json levels = json::array({platform_level(components({4}), 11, std::nullopt, "Fine")});
  auto match = match_platform_tcb(synthetic_tcb_info("SGX", levels), sgx_platform(), false);
  expect_one_error(match.errors, "TCB level status \"Fine\" is not recognized");
}

TEST(CollateralMatchTest, RefusesATcbInfoOfTheOtherTee) {
  json sgx_levels = json::array({platform_level(components({4}), 11, std::nullopt, "UpToDate")});
  auto match = match_platform_tcb(synthetic_tcb_info("SGX", sgx_levels), tdx_platform({}), true);
  ASSERT_FALSE(match.errors.empty());
  EXPECT_TRUE(contains(match.errors[0], "is for SGX (version 3), the quote is TDX"))
      << match.errors[0];
}

TEST(CollateralMatchTest, TdxLevelNeedsTeeTcbSvnAtOrAboveItsComponents) {
  json levels =
      json::array({platform_level(components({4}), 11, components({3, 0, 5}), "UpToDate"),
                   platform_level(components({4}), 11, components({3, 0, 3}), "OutOfDate")});
  auto info = synthetic_tcb_info("TDX", levels);
  auto match = match_platform_tcb(info, tdx_platform({3, 0, 4}), true);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "OutOfDate");
  EXPECT_EQ(match_platform_tcb(info, tdx_platform({3, 0, 5}), true).status, "UpToDate");

  auto below = match_platform_tcb(info, tdx_platform({2, 0, 5}), true);
  EXPECT_TRUE(below.errors.empty()) << joined(below.errors);
  EXPECT_EQ(below.status, "TCBLevelNotSupported");
}

// TEE_TCB_SVN[1] > 0: the module identity TDX_03 gives its own level for TEE_TCB_SVN[0], the
// platform levels' components 0 and 1 are skipped, and the statuses converge.
json module_identity_tcb_info(const std::string& module_status) {
  json levels =
      json::array({platform_level(components({4}), 11, components({9, 9, 2}), "UpToDate")});
  json body = tcb_info_json("TDX", levels);
  body["tdxModuleIdentities"] =
      json::array({module_json("TDX_01", json::array({isv_level(1, "UpToDate")})),
                   module_json("TDX_03",
                               json::array({isv_level(6, "UpToDate"),
                                            isv_level(4, module_status),
                                            isv_level(2, "Revoked")}))});
  return body;
}

TEST(CollateralMatchTest, TdxModuleIdentityGivesItsLevelAndConverges) {
  for (const auto& [module_status, expected] :
       {std::pair<std::string, std::string>{"UpToDate", "UpToDate"},
        {"OutOfDate", "OutOfDate"},
        {"Revoked", "Revoked"}}) {
    auto info = tcb_info_of(unsigned_document("tcbInfo", module_identity_tcb_info(module_status)));
    auto match = match_platform_tcb(info, tdx_platform({5, 3, 2}), true);
    EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
    EXPECT_EQ(match.status, expected) << module_status;
    EXPECT_EQ(match.details.at("tdx_module_tcb_level").at("id"), "TDX_03");
    EXPECT_EQ(match.details.at("tdx_module_tcb_level").at("isvsvn"), 4);
    EXPECT_EQ(match.details.at("tdx_module_tcb_level").at("tcb_status"), module_status);
  }
}

TEST(CollateralMatchTest, RefusesAModuleVersionWithoutIdentity) {
  auto info = tcb_info_of(unsigned_document("tcbInfo", module_identity_tcb_info("UpToDate")));
  auto match = match_platform_tcb(info, tdx_platform({5, 5, 2}), true);
  expect_one_error(match.errors, "TDX module mismatch: no TDX_05 for TEE_TCB_SVN[1] = 5");
}

TEST(CollateralMatchTest, GivesAModuleSvnBelowEveryModuleLevelTcbLevelNotSupported) {
  auto info = tcb_info_of(unsigned_document("tcbInfo", module_identity_tcb_info("UpToDate")));
  auto match = match_platform_tcb(info, tdx_platform({1, 3, 2}), true);
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "TCBLevelNotSupported");
  EXPECT_EQ(match.details["tcb_level_not_supported"],
            "TDX module TDX_03: no level has an ISVSVN at or below TEE_TCB_SVN[0] = 1");
}

TEST(CollateralMatchTest, RefusesAnotherSeamSigner) {
  json levels = json::array({platform_level(components({4}), 11, components({3}), "UpToDate")});
  auto info = synthetic_tcb_info("TDX", levels);
  auto platform = tdx_platform({3});
  platform.mrsignerseam = Bytes(48, 0x01);
  auto match = match_platform_tcb(info, platform, true);
  expect_one_error(match.errors, "TDX module mismatch: MRSIGNERSEAM 0101");
  expect_one_error(match.errors, "is not tdxModule.mrsigner 0000");
}

TEST(CollateralMatchTest, RefusesOtherSeamAttributes) {
  json levels = json::array({platform_level(components({4}), 11, components({3}), "UpToDate")});
  auto platform = tdx_platform({3});
  platform.seam_attributes = hex_bytes("0000000000000080");
  auto match = match_platform_tcb(synthetic_tcb_info("TDX", levels), platform, true);
  expect_one_error(match.errors,
                   "SEAM_ATTRIBUTES 0000000000000080 under attributesMask "
                   "ffffffffffffffff are not tdxModule.attributes");
}

QeReportIdentity td_quoting_enclave(std::uint16_t isvsvn) {
  return {0,
          hex_bytes("1500000000000000e700000000000000"),
          hex_bytes("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5"),
          2,
          isvsvn};
}

TEST(CollateralMatchTest, QeLevelsGiveUpToDateOutOfDateOrRevoked) {
  auto identity = synthetic_qe_identity(json::array({isv_level(8, "UpToDate"),
                                                     isv_level(6, "ConfigurationNeeded"),
                                                     isv_level(4, "OutOfDate"),
                                                     isv_level(2, "Revoked")}));
  EXPECT_EQ(match_qe_identity(identity, td_quoting_enclave(9)).status, "UpToDate");
  EXPECT_EQ(match_qe_identity(identity, td_quoting_enclave(7)).status, "OutOfDate");
  EXPECT_EQ(match_qe_identity(identity, td_quoting_enclave(5)).status, "OutOfDate");
  EXPECT_EQ(match_qe_identity(identity, td_quoting_enclave(3)).status, "Revoked");
}

TEST(CollateralMatchTest, GivesAQeBelowEveryLevelTcbLevelNotSupported) {
  auto identity = synthetic_qe_identity(json::array({isv_level(8, "UpToDate")}));
  auto match = match_qe_identity(identity, td_quoting_enclave(7));
  EXPECT_TRUE(match.errors.empty()) << joined(match.errors);
  EXPECT_EQ(match.status, "TCBLevelNotSupported");
  EXPECT_EQ(match.details["qe_tcb_level_not_supported"],
            "no level has an ISVSVN at or below the QE's 7");
}

TEST(CollateralMatchTest, RefusesAnotherQeSigner) {
  auto identity = synthetic_qe_identity(json::array({isv_level(4, "UpToDate")}));
  auto quoting_enclave = td_quoting_enclave(4);
  quoting_enclave.mrsigner = Bytes(32, 0xaa);
  auto match = match_qe_identity(identity, quoting_enclave);
  expect_one_error(match.errors,
                   "QE Identity TD_QE (issued 2024-04-01T00:00:00Z): MRSIGNER "
                   "aaaa");
  EXPECT_FALSE(match.status.has_value());
}

TEST(CollateralMatchTest, NamesEachQeFieldThatDiffers) {
  auto identity = synthetic_qe_identity(json::array({isv_level(4, "UpToDate")}));
  auto quoting_enclave = td_quoting_enclave(4);
  quoting_enclave.miscselect = 1;
  quoting_enclave.attributes = hex_bytes("1100000000000000e700000000000000");  // no bit 2: fine
  quoting_enclave.attributes[0] = 0x13;  // bit 1 (DEBUG) is under the mask
  quoting_enclave.isvprodid = 3;
  auto match = match_qe_identity(identity, quoting_enclave);
  ASSERT_EQ(match.errors.size(), 3u) << joined(match.errors);
  EXPECT_TRUE(contains(match.errors[0], "MISCSELECT 0x1 under miscselectMask 0xffffffff"));
  EXPECT_TRUE(contains(match.errors[1], "ATTRIBUTES 1300000000000000e700000000000000"));
  EXPECT_TRUE(contains(match.errors[2], "ISVPRODID 3 is not the identity's isvprodid 2"));
}

TEST(CollateralMatchTest, ConvergesAsQvlDoes) {
  struct Case {
    const char* platform;
    const char* quoting_enclave;
    const char* expected;
  };
  for (const auto& [platform, quoting_enclave, expected] : {
           Case{"UpToDate", "UpToDate", "UpToDate"},
           Case{"SWHardeningNeeded", "UpToDate", "SWHardeningNeeded"},
           Case{"UpToDate", "OutOfDate", "OutOfDate"},
           Case{"SWHardeningNeeded", "OutOfDate", "OutOfDate"},
           Case{"ConfigurationNeeded", "OutOfDate", "OutOfDateConfigurationNeeded"},
           Case{"ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded"},
           Case{"OutOfDate", "OutOfDate", "OutOfDate"},
           Case{"OutOfDateConfigurationNeeded", "OutOfDate", "OutOfDateConfigurationNeeded"},
           Case{"UpToDate", "Revoked", "Revoked"},
           Case{"ConfigurationNeeded", "Revoked", "Revoked"},
           Case{"Revoked", "UpToDate", "Revoked"},
       }) {
    EXPECT_EQ(converge_tcb_status(platform, quoting_enclave), expected)
        << platform << " + " << quoting_enclave;
  }
}

TEST(CollateralMatchTest, ConvergesUnknownStatusesToUnknown) {
  EXPECT_EQ(converge_tcb_status("Fine", "UpToDate"), "unknown");
  EXPECT_EQ(converge_tcb_status("UpToDate", "ConfigurationNeeded"), "unknown");
  EXPECT_EQ(converge_tcb_status("", ""), "unknown");
}

// ---- appraisal of signed synthetic collateral ----

TEST(CollateralAppraisalTest, SignedCollateralGivesTheConvergedStatus) {
  json levels = json::array(
      {platform_level(components({4, 4, 3}), 11, components({3}), "SWHardeningNeeded")});
  auto signed_set = signed_collateral(
      tcb_info_json("TDX", levels),
      qe_identity_json(json::array({isv_level(5, "UpToDate"), isv_level(3, "OutOfDate")})));
  // QE ISVSVN 5 is UpToDate, 4 OutOfDate, which turns SWHardeningNeeded into OutOfDate.
  for (const auto& [isvsvn, qe_status, status] :
       {std::tuple<std::uint16_t, std::string, std::string>{5, "UpToDate", "SWHardeningNeeded"},
        {4, "OutOfDate", "OutOfDate"}}) {
    auto appraisal = appraise_tcb(signed_set.collateral,
                                  tdx_platform({3}),
                                  td_quoting_enclave(isvsvn),
                                  true,
                                  signed_set.endorsements);
    EXPECT_TRUE(appraisal.errors.empty()) << joined(appraisal.errors);
    EXPECT_EQ(appraisal.tcb_status, status);
    EXPECT_EQ(appraisal.details.at("qe_tcb_status"), qe_status);
    EXPECT_EQ(appraisal.details.at("platform_tcb_status"), "SWHardeningNeeded");
    EXPECT_EQ(appraisal.details.at("tcb_level").at("advisory_ids"), json({"INTEL-SA-00001"}));
    EXPECT_EQ(appraisal.details.at("tcb_info").at("tcb_evaluation_data_number"), 16);
    EXPECT_EQ(appraisal.details.at("qe_identity").at("signer").at("subject"),
              "CN=Intel SGX TCB Signing");
  }
}

TEST(CollateralAppraisalTest, PrefersTheCurrentNewestTcbInfo) {
  json old_levels = json::array({platform_level(components({4}), 11, std::nullopt, "UpToDate")});
  json new_levels = json::array({platform_level(components({4}), 11, std::nullopt, "OutOfDate")});
  json old_info = tcb_info_json("SGX", old_levels);
  json new_info = tcb_info_json("SGX", new_levels);
  new_info["tcbEvaluationDataNumber"] = 17;
  json future_info = new_info;
  future_info["tcbEvaluationDataNumber"] = 18;
  future_info["issueDate"] = "2024-06-01T00:00:00Z";
  future_info["nextUpdate"] = "2024-07-01T00:00:00Z";
  json qe = qe_identity_json(json::array({isv_level(4, "UpToDate")}));
  qe["id"] = "QE";
  auto signed_set = signed_collateral(old_info, qe);
  for (const json& body : {new_info, future_info}) {
    std::string text = body.dump();
    ASSERT_TRUE(add_collateral(signed_set.collateral,
                               document("tcbInfo", text, signed_set.signer.sign(text)))
                    .has_value());
  }
  auto appraisal = appraise_tcb(
      signed_set.collateral, sgx_platform(), td_quoting_enclave(4), false, signed_set.endorsements);
  EXPECT_TRUE(appraisal.errors.empty()) << joined(appraisal.errors);
  EXPECT_EQ(appraisal.details.at("tcb_info").at("tcb_evaluation_data_number"), 17);
  EXPECT_EQ(appraisal.tcb_status, "OutOfDate");
}

TEST(CollateralAppraisalTest, AnyErrorLeavesTheStatusUnknown) {
  json levels = json::array({platform_level(components({4}), 11, std::nullopt, "UpToDate")});
  json qe = qe_identity_json(json::array({isv_level(4, "UpToDate")}));
  qe["id"] = "QE";
  auto signed_set = signed_collateral(tcb_info_json("SGX", levels), qe);
  signed_set.endorsements.at = at("2024-06-01T00:00:00Z");  // after both nextUpdates
  auto appraisal = appraise_tcb(
      signed_set.collateral, sgx_platform(), td_quoting_enclave(4), false, signed_set.endorsements);
  ASSERT_EQ(appraisal.errors.size(), 2u) << joined(appraisal.errors);
  EXPECT_TRUE(contains(appraisal.errors[0], "TCB Info SGX fmspc 50806f000000"));
  EXPECT_TRUE(contains(appraisal.errors[0], "expired: nextUpdate 2024-05-01T00:00:00Z"));
  EXPECT_TRUE(contains(appraisal.errors[1], "QE Identity QE"));
  EXPECT_EQ(appraisal.tcb_status, "unknown");
  EXPECT_EQ(appraisal.details.at("platform_tcb_status"), "UpToDate");
}

// ---- malformed documents ----

std::string valid_tcb_info_text() {
  json levels = json::array({platform_level(components({4}), 11, components({3}), "UpToDate")});
  return unsigned_document("tcbInfo", tcb_info_json("TDX", levels));
}

// with_member returns the synthetic TDX TCB Info text with tcbInfo.<name> set to `value` (or
// removed when it is null).
std::string with_member(const std::string& name, const json& value) {
  json levels = json::array({platform_level(components({4}), 11, components({3}), "UpToDate")});
  json body = tcb_info_json("TDX", levels);
  if (value.is_null()) {
    body.erase(name);
  } else {
    body[name] = value;
  }
  return unsigned_document("tcbInfo", body);
}

TEST(CollateralParseTest, RefusesMalformedDocuments) {
  std::string valid = valid_tcb_info_text();
  ASSERT_TRUE(parse_tcb_info(valid).has_value());
  std::string body = json::parse(valid).at("tcbInfo").dump();
  std::string signature = std::string(128, '0');
  struct Case {
    std::string text;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"", "not a JSON object"},
      {"[]", "not a JSON object"},
      {valid.substr(0, valid.size() - 1), "expected ',' or '}'"},
      {valid + "x", "text follows the JSON object"},
      {"{\"tcbInfo\":" + body + ",\"tcbInfo\":" + body + ",\"signature\":\"" + signature + "\"}",
       "member \"tcbInfo\" appears twice"},
      {"{\"tcb\\u0049nfo\":" + body + ",\"signature\":\"" + signature + "\"}",
       "written with escapes"},
      {"{\"tcbInfo\":" + body + "}", "signature: missing"},
      {"{\"signature\":\"" + signature + "\"}", "tcbInfo: missing"},
      {"{\"tcbInfo\":[1],\"signature\":\"" + signature + "\"}", "tcbInfo: expected an object"},
      {"{\"tcbInfo\":" + body + ",\"signature\":\"" + signature + "\",\"x\":tru}",
       "not valid JSON"},
      {"{\"tcbInfo\":{\"a\":01},\"signature\":\"" + signature + "\"}", "not valid JSON"},
      {with_member("version", 4), "tcbInfo.version: 4 is not supported"},
      {with_member("version", 3.0), "tcbInfo.version: expected an unsigned integer"},
      {with_member("id", "SEV"), "tcbInfo.id: \"SEV\" is neither SGX nor TDX"},
      {with_member("tcbType", 1), "tcbInfo.tcbType: 1 is not supported"},
      {with_member("fmspc", "50806f0000"), "tcbInfo.fmspc: expected 6 bytes as hex"},
      {with_member("fmspc", "50806f00000g"), "tcbInfo.fmspc: expected 6 bytes as hex"},
      {with_member("fmspc", nullptr), "tcbInfo.fmspc: missing"},
      {with_member("issueDate", "yesterday"), "tcbInfo.issueDate"},
      {with_member("nextUpdate", "2024-03-01T00:00:00Z"), "nextUpdate is before issueDate"},
      {with_member("tdxModule", nullptr), "tcbInfo.tdxModule: missing"},
      {with_member("tcbLevels", json::array()), "tcbInfo.tcbLevels: expected an array of 1 to"},
      {with_member("tcbEvaluationDataNumber", -1),
       "tcbInfo.tcbEvaluationDataNumber: expected an unsigned integer"},
  };
  json too_few = platform_level(components({4}), 11, components({3}), "UpToDate");
  too_few["tcb"]["sgxtcbcomponents"].erase(15);
  cases.push_back({with_member("tcbLevels", json::array({too_few})),
                   "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents: expected 16 components, found 15"});
  json big_svn = platform_level(components({4}), 11, components({3}), "UpToDate");
  big_svn["tcb"]["tdxtcbcomponents"][2]["svn"] = 256;
  cases.push_back({with_member("tcbLevels", json::array({big_svn})),
                   "tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents[2].svn: 256 is more than 255"});
  json no_tdx = platform_level(components({4}), 11, std::nullopt, "UpToDate");
  cases.push_back({with_member("tcbLevels", json::array({no_tdx})),
                   "tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents: missing"});
  json bad_advisories = platform_level(components({4}), 11, components({3}), "UpToDate");
  bad_advisories["advisoryIDs"] = {1};
  cases.push_back({with_member("tcbLevels", json::array({bad_advisories})),
                   "advisoryIDs: expected an array of strings"});
  std::string deep = "{\"tcbInfo\":" + body + ",\"signature\":\"" + signature +
                     "\",\"x\":" + std::string(20, '[') + std::string(20, ']') + "}";
  cases.push_back({deep, "nested deeper than 16 levels"});
  for (const auto& [text, expected] : cases) {
    auto parsed = parse_tcb_info(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_TRUE(contains(parsed.error().message(), expected))
        << "expected \"" << expected << "\" in: " << parsed.error().message();
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(CollateralParseTest, RefusesMalformedQeIdentities) {
  json levels = json::array({isv_level(4, "UpToDate")});
  std::vector<std::pair<json, std::string>> cases;
  auto with = [&](const std::string& name, const json& value, const std::string& expected) {
    json body = qe_identity_json(levels);
    body[name] = value;
    cases.emplace_back(body, expected);
  };
  with("id", "QAE", "enclaveIdentity.id: \"QAE\" is not QE, QVE or TD_QE");
  with("version", 1, "enclaveIdentity.version: 1 is not supported");
  with("mrsigner", "DC9E", "enclaveIdentity.mrsigner: expected 32 bytes as hex");
  with("miscselect", "000000", "enclaveIdentity.miscselect: expected 4 bytes as hex");
  with("attributesMask", 7, "enclaveIdentity.attributesMask: expected a string");
  with("isvprodid", 65536, "enclaveIdentity.isvprodid: 65536 is more than 65535");
  with("tcbLevels",
       json::array({{{"tcb", {{"isvsvn", "4"}}}}}),
       "enclaveIdentity.tcbLevels[0].tcb.isvsvn: expected an unsigned integer");
  with("tcbLevels",
       json::array({{{"tcb", {{"isvsvn", 4}}}, {"tcbStatus", "UpToDate"}}}),
       "enclaveIdentity.tcbLevels[0].tcbDate: missing");
  for (const auto& [body, expected] : cases) {
    auto parsed = parse_qe_identity(unsigned_document("enclaveIdentity", body));
    ASSERT_FALSE(parsed.has_value()) << body.dump();
    EXPECT_TRUE(contains(parsed.error().message(), expected))
        << "expected \"" << expected << "\" in: " << parsed.error().message();
  }
}

TEST(CollateralParseTest, RefusesSignaturesOfTheWrongLength) {
  std::string body = json::parse(valid_tcb_info_text()).at("tcbInfo").dump();
  for (const auto& signature : {std::string(126, 'a'),
                                std::string(130, 'a'),
                                std::string(127, 'a'),
                                std::string(),
                                std::string(127, 'a') + "z"}) {
    auto parsed = parse_tcb_info("{\"tcbInfo\":" + body + ",\"signature\":\"" + signature + "\"}");
    ASSERT_FALSE(parsed.has_value()) << signature;
    EXPECT_TRUE(contains(parsed.error().message(),
                         "signature: expected 64 bytes as hex (ECDSA P-256 r || s), found " +
                             std::to_string(signature.size()) + " characters"))
        << parsed.error().message();
  }
  auto not_a_string = parse_tcb_info("{\"tcbInfo\":" + body + ",\"signature\":[1,2]}");
  ASSERT_FALSE(not_a_string.has_value());
  EXPECT_TRUE(contains(not_a_string.error().message(), "signature: expected a string"));
}

TEST(CollateralParseTest, RefusesOversizeDocuments) {
  std::string valid = valid_tcb_info_text();
  std::string padded = valid.substr(0, valid.size() - 1) + ",\"padding\":\"" +
                       std::string(kMaxCollateralSize, 'x') + "\"}";
  auto parsed = parse_tcb_info(padded);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_TRUE(contains(parsed.error().message(), "more than the limit of 524288"))
      << parsed.error().message();
  Collateral collateral;
  EXPECT_FALSE(add_collateral(collateral, padded).has_value());
  EXPECT_TRUE(collateral.empty());
}

TEST(CollateralParseTest, IgnoresUnknownMembersAndWhitespace) {
  std::string body = json::parse(valid_tcb_info_text()).at("tcbInfo").dump(2);
  std::string text = " {\n \"extra\" : {\"a\":[1,{\"}\":\"]\\\"\"}]},\n \"tcbInfo\" : " + body +
                     " ,\n \"signature\" : \"" + std::string(128, 'F') + "\" }\n";
  auto parsed = parse_tcb_info(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->signed_body.text, body);
  EXPECT_EQ(parsed->signed_body.signature, Bytes(kCollateralSignatureSize, 0xff));
}

TEST(CollateralParseTest, AddCollateralRefusesDocumentsOfNeitherOrBothKinds) {
  Collateral collateral;
  auto neither = add_collateral(collateral, "{\"signature\":\"00\"}");
  ASSERT_FALSE(neither.has_value());
  EXPECT_EQ(neither.error().message(),
            "collateral document holds neither tcbInfo nor enclaveIdentity");
  auto both = add_collateral(collateral, "{\"tcbInfo\":{},\"enclaveIdentity\":{}}");
  ASSERT_FALSE(both.has_value());
  EXPECT_EQ(both.error().message(), "collateral document holds both tcbInfo and enclaveIdentity");
  auto bad = add_collateral(collateral, with_member("fmspc", 5));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "TCB Info: tcbInfo.fmspc: expected a string");
  EXPECT_TRUE(collateral.empty());
}

// ---- the scanner that finds the signed text ----

TEST(CollateralJsonTest, FindsEachTopLevelValueText) {
  auto members = internal::top_level_members(
      " {\"a\" : \"x\\\"}\" , \"b\":[{\"c\":\"]\"}, -1.5e3], \"d\":true,\"e\":{}}");
  ASSERT_TRUE(members.has_value()) << members.error().message();
  EXPECT_EQ(members->size(), 4u);
  EXPECT_EQ(members->at("a"), "\"x\\\"}\"");
  EXPECT_EQ(members->at("b"), "[{\"c\":\"]\"}, -1.5e3]");
  EXPECT_EQ(members->at("d"), "true");
  EXPECT_EQ(members->at("e"), "{}");
  EXPECT_TRUE(internal::top_level_members("{}").has_value());
}

TEST(CollateralJsonTest, RefusesBrokenStructure) {
  for (const char* text : {"{",
                           "{\"a\"",
                           "{\"a\":}",
                           "{\"a\":1,}",
                           "{\"a\":[1,]}",
                           "{\"a\":[1}",
                           "{\"a\":\"x}",
                           "{\"a\":1 \"b\":2}",
                           "{a:1}",
                           "{\"a\":{\"b\":1,\"b\":2}}",
                           "{} {}",
                           "\"a\"",
                           "{\"a\":\"\\"}) {
    auto members = internal::top_level_members(text);
    EXPECT_FALSE(members.has_value()) << text;
    if (!members) {
      EXPECT_TRUE(contains(members.error().message(), "(at byte ")) << members.error().message();
    }
  }
}

}  // namespace
}  // namespace ensign::attest::dcap
