// dcap_test_support.h: what the DCAP tests share: the manifest's real quotes (read in place from
// ../shared/vectors), endorsements anchored in Intel's root, the offsets of a quote's parts for
// damaging them, the generic claims comparison, and throwaway certificates.
#pragma once

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attest/dcap/pck.h"
#include "attest/dcap/quote.h"
#include "attest/endorsements.h"
#include "attest/pki/certificates.h"
#include "core/openssl_handles.h"
#include "core/time.h"
#include "crypto/keys.h"
#include "support/vectors.h"

namespace ensign::attest::dcap::test {

using nlohmann::json;

inline const json& manifest() {
  static const json parsed = [] {
    Bytes text = ensign::test::read_vector("manifest.json");
    return json::parse(text.begin(), text.end(), nullptr, false);
  }();
  return parsed;
}

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

inline bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// entries_where returns the manifest entries of TDX and SGX files ending in `suffix`.
inline std::vector<json> entries_where(const std::string& suffix) {
  std::vector<json> found;
  if (!manifest().is_object() || !manifest().contains("entries")) {
    return found;
  }
  for (const auto& entry : manifest()["entries"]) {
    std::string file = entry.value("file", "");
    if ((starts_with(file, "tdx/") || starts_with(file, "sgx/")) && ends_with(file, suffix)) {
      found.push_back(entry);
    }
  }
  return found;
}

// quote_entries returns the real quotes that must verify: every tdx/*_quote.bin and
// sgx/*_quote.bin with expect_valid.
inline std::vector<json> quote_entries() {
  std::vector<json> found;
  for (auto& entry : entries_where("_quote.bin")) {
    if (entry.value("expect_valid", false)) {
      found.push_back(std::move(entry));
    }
  }
  return found;
}

// quote_entry_of_version returns the first of quote_entries() whose quote has `version`.
inline json quote_entry_of_version(int version) {
  for (auto& entry : quote_entries()) {
    if (entry["expected"]["header"]["version"] == version) {
      return entry;
    }
  }
  ADD_FAILURE() << "no version " << version << " quote in the manifest";
  return json::object();
}

inline UnixTime time_of(const std::string& text) {
  auto time = parse_rfc3339(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time ? *time : 0;
}

// trailing_of returns how many bytes the manifest says follow the quote.
inline std::size_t trailing_of(const json& entry) {
  return entry["expected"].value("trailing", std::size_t{0});
}

// quote_evidence returns an entry's quote file as it is (trailing bytes included: the manifest
// calls gotdx_v4_spr_e4's 39 "zero bytes", but they are text go-tdx-guest's tests appended).
inline Bytes quote_evidence(const json& entry) {
  return ensign::test::read_vector(entry["file"].get<std::string>());
}

inline std::vector<pki::Certificate> certificates_of(const std::string& vector) {
  auto parsed = pki::parse_certificates(ensign::test::read_vector(vector));
  EXPECT_TRUE(parsed.has_value()) << vector << ": " << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : std::vector<pki::Certificate>{};
}

inline std::vector<pki::Crl> crls_of(const std::string& vector) {
  auto parsed = pki::parse_crls(ensign::test::read_vector(vector));
  EXPECT_TRUE(parsed.has_value()) << vector << ": " << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : std::vector<pki::Crl>{};
}

// intel_endorsements trusts the pinned Intel SGX Root CA at `at`, with Intel's root CA and PCK
// Platform CA CRLs when `with_crls`.
inline Endorsements intel_endorsements(UnixTime at, bool with_crls) {
  Endorsements endorsements;
  auto root = certificates_of("tdx/intel_sgx_root_ca.pem");
  if (!root.empty()) {
    auto added = endorsements.anchors.add(root.front(), false);
    EXPECT_TRUE(added.has_value()) << (added ? "" : added.error().message());
  }
  if (with_crls) {
    for (const char* file : {"tdx/intel_root_ca_crl.der", "tdx/intel_pck_platform_crl.der"}) {
      auto crls = crls_of(file);
      endorsements.crls.insert(endorsements.crls.end(), crls.begin(), crls.end());
    }
  }
  endorsements.at = at;
  return endorsements;
}

// has_full_collateral says whether the manifest gives an entry collateral and CRLs valid at its
// verify_at ("full: ...").
inline bool has_full_collateral(const json& entry) {
  return starts_with(entry["expected"].value("collateral", ""), "full");
}

// QuoteOffsets are the offsets of a parsed quote's parts, for damaging one of them.
struct QuoteOffsets {
  std::size_t signature_data_size;  // u32
  std::size_t signature;
  std::size_t attestation_key;
  std::size_t certification_data_type;  // v4/v5: the outer type 6 (u16), then its size (u32)
  std::size_t qe_report;
  std::size_t qe_report_signature;
  std::size_t qe_auth_size;  // u16
  std::size_t qe_auth_data;
  std::size_t pck_type;  // u16
  std::size_t pck_size;  // u32
  std::size_t pck_chain;
  std::size_t end;
};

inline QuoteOffsets offsets_of(const Quote& quote) {
  QuoteOffsets offsets{};
  offsets.signature_data_size = quote.signed_bytes.size();
  offsets.signature = offsets.signature_data_size + 4;
  offsets.attestation_key = offsets.signature + kEcdsaP256SignatureSize;
  offsets.certification_data_type = offsets.attestation_key + kEcdsaP256PublicKeySize;
  offsets.qe_report = offsets.certification_data_type + (quote.header.version == 3 ? 0 : 6);
  offsets.qe_report_signature = offsets.qe_report + kEnclaveReportSize;
  offsets.qe_auth_size = offsets.qe_report_signature + kEcdsaP256SignatureSize;
  offsets.qe_auth_data = offsets.qe_auth_size + 2;
  offsets.pck_type = offsets.qe_auth_data + quote.qe_auth_data.size();
  offsets.pck_size = offsets.pck_type + 2;
  offsets.pck_chain = offsets.pck_size + 4;
  offsets.end = offsets.pck_chain + quote.pck_chain.size();
  return offsets;
}

inline void put_u16(Bytes& bytes, std::size_t offset, std::uint16_t value) {
  bytes.at(offset) = static_cast<std::uint8_t>(value & 0xff);
  bytes.at(offset + 1) = static_cast<std::uint8_t>(value >> 8);
}

inline void put_u32(Bytes& bytes, std::size_t offset, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    bytes.at(offset + i) = static_cast<std::uint8_t>((value >> (8 * i)) & 0xff);
  }
}

// expect_claims_match compares every value under `expected` that `actual` also has, recursing
// into objects, and returns how many values it compared.
inline std::size_t expect_claims_match(const json& expected,
                                       const json& actual,
                                       const std::string& path) {
  if (expected.is_object() && actual.is_object()) {
    std::size_t compared = 0;
    for (const auto& [key, value] : expected.items()) {
      if (actual.contains(key)) {
        compared += expect_claims_match(value, actual[key], path + "." + key);
      }
    }
    return compared;
  }
  EXPECT_EQ(actual, expected) << path;
  return 1;
}

// The parsed quote of an entry's evidence; fails the test when it does not parse.
inline Quote parsed_quote(ByteView evidence) {
  auto quote = parse_quote(evidence);
  EXPECT_TRUE(quote.has_value()) << (quote ? "" : quote.error().message());
  return quote ? *quote : Quote{};
}
Quote parsed_quote(Bytes&& evidence) = delete;  // the quote views its evidence

using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using AsnOctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;
using AsnObjectPtr = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<ASN1_OBJECT, ASN1_OBJECT_free>>;

// self_signed returns a fresh self-signed P-256 CA certificate whose subject and issuer are
// `name` (pairs of attribute and value, most significant first), valid 2000 to 2100, carrying
// `sgx_extensions` as the value of the SGX extension when given.
inline pki::Certificate self_signed(const std::vector<std::pair<std::string, std::string>>& name,
                                    const std::optional<Bytes>& sgx_extensions = std::nullopt) {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256);
  X509Ptr x509(X509_new());
  if (!key || !x509) {
    ADD_FAILURE() << "cannot make a key or certificate";
    std::abort();
  }
  X509_NAME* subject = X509_get_subject_name(x509.get());
  for (const auto& [attribute, value] : name) {
    X509_NAME_add_entry_by_txt(subject,
                               attribute.c_str(),
                               MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.c_str()),
                               -1,
                               -1,
                               0);
  }
  bool built = X509_set_version(x509.get(), X509_VERSION_3) == 1 &&
               ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1) == 1 &&
               X509_set_issuer_name(x509.get(), subject) == 1 &&
               ASN1_TIME_set(X509_getm_notBefore(x509.get()), 946684800) != nullptr &&
               ASN1_TIME_set(X509_getm_notAfter(x509.get()), 4102444800) != nullptr &&
               X509_set_pubkey(x509.get(), key->get()) == 1;
  X509ExtensionPtr constraints(
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE"));
  built = built && constraints && X509_add_ext(x509.get(), constraints.get(), -1) == 1;
  if (sgx_extensions) {
    AsnObjectPtr oid(OBJ_txt2obj(std::string(kSgxExtensionsOid).c_str(), 1));
    AsnOctetStringPtr value(ASN1_OCTET_STRING_new());
    built = built && oid && value &&
            ASN1_OCTET_STRING_set(
                value.get(), sgx_extensions->data(), static_cast<int>(sgx_extensions->size())) == 1;
    X509ExtensionPtr extension(
        built ? X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, value.get()) : nullptr);
    built = built && extension && X509_add_ext(x509.get(), extension.get(), -1) == 1;
  }
  built = built && X509_sign(x509.get(), key->get(), EVP_sha256()) > 0;
  int length = built ? i2d_X509(x509.get(), nullptr) : -1;
  Bytes der(length > 0 ? static_cast<std::size_t>(length) : 0);
  unsigned char* out = der.data();
  if (length <= 0 || i2d_X509(x509.get(), &out) != length) {
    ADD_FAILURE() << "cannot build a test certificate";
    std::abort();
  }
  auto certificate = pki::Certificate::from_der(der);
  if (!certificate) {
    ADD_FAILURE() << certificate.error().message();
    std::abort();
  }
  return *certificate;
}

}  // namespace ensign::attest::dcap::test
