#include "test_authority.h"

#include <openssl/x509v3.h>

#include <stdexcept>

#include "crypto/keys.h"

namespace ensign::attest::pki::test {
namespace {

using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL, X509_CRL_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, OpenSslDeleter<X509_REVOKED, X509_REVOKED_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OpenSslDeleter<ASN1_TIME, ASN1_TIME_free>>;

void require(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("test authority: ") + what);
  }
}

EvpPkeyPtr fresh_key() {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256);
  require(key.has_value(), "generate key");
  return std::move(*key);
}

// parse_encoded DER-encodes `object` with `encode` and parses it back with `parse`.
template <typename Parsed, typename Object, typename Encode, typename Parse>
Parsed parse_encoded(Object* object, Encode encode, Parse parse) {
  unsigned char* der = nullptr;
  int size = encode(object, &der);
  require(size > 0, "DER encoding");
  auto parsed = parse(ByteView(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  require(parsed.has_value(), "parse what was encoded");
  return *parsed;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  require(extension != nullptr, "extension");
  require(X509_add_ext(certificate, extension, -1) == 1, "add extension");
  X509_EXTENSION_free(extension);
}

Certificate make_certificate(const std::string& common_name, long serial, UnixTime not_before,
                             UnixTime not_after, bool is_ca, EVP_PKEY* subject_key,
                             X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr certificate(X509_new());
  require(certificate != nullptr, "X509_new");
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(),
                       issuer != nullptr ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after));
  X509_set_pubkey(certificate.get(), subject_key);
  X509* signer = issuer != nullptr ? issuer : certificate.get();
  add_extension(certificate.get(), signer, NID_basic_constraints,
                is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(certificate.get(), signer, NID_key_usage,
                is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  require(X509_sign(certificate.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return parse_encoded<Certificate>(certificate.get(), i2d_X509,
                                    [](ByteView der) { return Certificate::from_der(der); });
}

}  // namespace

TestAuthority::TestAuthority(const std::string& common_name)
    : key_(fresh_key()),
      root_(make_certificate(common_name, 1, 0, 4102444800 /* 2100-01-01 */, true, key_.get(),
                             nullptr, key_.get())) {}

Certificate TestAuthority::issue(const std::string& common_name, long serial,
                                 UnixTime not_before, UnixTime not_after, bool is_ca) const {
  auto subject_key = fresh_key();
  return make_certificate(common_name, serial, not_before, not_after, is_ca, subject_key.get(),
                          root_.get(), key_.get());
}

Crl TestAuthority::crl(const std::vector<long>& revoked_serials, UnixTime this_update,
                       UnixTime next_update) const {
  X509CrlPtr crl(X509_CRL_new());
  require(crl != nullptr, "X509_CRL_new");
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(root_.get()));
  Asn1TimePtr last(ASN1_TIME_set(nullptr, static_cast<time_t>(this_update)));
  Asn1TimePtr next(ASN1_TIME_set(nullptr, static_cast<time_t>(next_update)));
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (long serial : revoked_serials) {
    X509RevokedPtr revoked(X509_REVOKED_new());
    Asn1IntegerPtr number(ASN1_INTEGER_new());
    ASN1_INTEGER_set(number.get(), serial);
    X509_REVOKED_set_serialNumber(revoked.get(), number.get());
    X509_REVOKED_set_revocationDate(revoked.get(), last.get());
    require(X509_CRL_add0_revoked(crl.get(), revoked.release()) == 1, "add revoked");
  }
  X509_CRL_sort(crl.get());
  require(X509_CRL_sign(crl.get(), key_.get(), EVP_sha256()) > 0, "X509_CRL_sign");
  return parse_encoded<Crl>(crl.get(), i2d_X509_CRL,
                            [](ByteView der) { return Crl::from_der(der); });
}

}  // namespace ensign::attest::pki::test
