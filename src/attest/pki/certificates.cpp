#include "attest/pki/certificates.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>
#include <ctime>

#include "core/openssl_handles.h"
#include "crypto/hash.h"

namespace ensign::attest::pki {
namespace {

using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL, X509_CRL_free>>;
using AsnObjectPtr = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<ASN1_OBJECT, ASN1_OBJECT_free>>;

void free_x509_stack(STACK_OF(X509) * stack) {
  sk_X509_free(stack);  // the certificates belong to their Certificate objects
}
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OpenSslDeleter<STACK_OF(X509), free_x509_stack>>;

// The vendors' roots, by the SHA-256 of their DER encoding. AMD publishes the ARKs through its
// Key Distribution Service (kdsintf.amd.com/vcek/v1/<product>/cert_chain), Intel its SGX Root CA
// at certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.
constexpr std::array<RootPin, 4> kVendorRootPins = {{
    {"AMD ARK-Milan", "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"},
    {"AMD ARK-Genoa", "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"},
    {"AMD ARK-Turin", "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a"},
    {"Intel SGX Root CA", "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"},
}};

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    return "?";
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<UnixTime> asn1_time_to_unix(const ASN1_TIME* time) {
  std::tm utc{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &utc) != 1) {
    return std::nullopt;
  }
  return static_cast<UnixTime>(timegm(&utc));
}

std::string asn1_time_text(const ASN1_TIME* time) {
  auto unix_time = asn1_time_to_unix(time);
  return unix_time ? format_rfc3339(*unix_time) : "?";
}

// describe names a certificate in an error: its subject and fingerprint.
std::string describe(const Certificate& certificate) {
  return "certificate '" + certificate.subject() + "' (sha256 " + certificate.sha256() + ")";
}

// pem_blocks returns the text of every "-----BEGIN <label>-----" ... "-----END <label>-----"
// block in `text`, markers included.
std::vector<std::string_view> pem_blocks(std::string_view text, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  std::vector<std::string_view> blocks;
  std::size_t position = 0;
  while ((position = text.find(begin, position)) != std::string_view::npos) {
    std::size_t stop = text.find(end, position);
    if (stop == std::string_view::npos) {
      blocks.push_back(text.substr(position));  // unterminated: let the PEM reader refuse it
      break;
    }
    blocks.push_back(text.substr(position, stop + end.size() - position));
    position = stop + end.size();
  }
  return blocks;
}

// pem_to_der decodes one PEM block of `label` with OpenSSL's PEM reader.
Result<Bytes> pem_to_der(std::string_view block, std::string_view label) {
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) {
    return openssl_error("BIO_new_mem_buf");
  }
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
    return openssl_error("malformed PEM " + std::string(label) + " block",
                         ErrorCode::kInvalidArgument);
  }
  Bytes der(data, data + length);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return der;
}

// parse_pem_or_der reads every `label` PEM block of `input`, or `input` as one DER object,
// and parses each with `parse`.
template <typename T, typename Parse>
Result<std::vector<T>> parse_pem_or_der(ByteView input, std::string_view label,
                                        std::string_view what, Parse parse) {
  if (input.size() > kMaxPemBundleSize) {
    return fail(ErrorCode::kInvalidArgument, std::string(what) + " file is over " +
                                                 std::to_string(kMaxPemBundleSize) + " bytes");
  }
  std::string_view text = as_string_view(input);
  std::vector<T> parsed;
  if (text.find("-----BEGIN ") == std::string_view::npos) {
    ENSIGN_TRY(one, parse(input));
    parsed.push_back(std::move(one));
    return parsed;
  }
  auto blocks = pem_blocks(text, label);
  if (blocks.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "no PEM '" + std::string(label) + "' block in the " + std::string(what) + " file");
  }
  if (blocks.size() > kMaxCertificatesPerBundle) {
    return fail(ErrorCode::kInvalidArgument,
                "more than " + std::to_string(kMaxCertificatesPerBundle) + " PEM blocks in the " +
                    std::string(what) + " file");
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    auto der = pem_to_der(blocks[i], label);
    if (!der) {
      return fail(der.error().with_context("PEM block " + std::to_string(i + 1)));
    }
    auto one = parse(*der);
    if (!one) {
      return fail(one.error().with_context("PEM block " + std::to_string(i + 1)));
    }
    parsed.push_back(std::move(*one));
  }
  return parsed;
}

// verify_error turns a failed X509_verify_cert into an Error naming the certificate and why.
Error verify_error(X509_STORE_CTX* context, const Certificate& leaf, UnixTime at) {
  int code = X509_STORE_CTX_get_error(context);
  X509* failed = X509_STORE_CTX_get_current_cert(context);
  std::string who = failed != nullptr
                        ? "certificate '" + name_text(X509_get_subject_name(failed)) + "'"
                        : describe(leaf);
  std::string why = X509_verify_cert_error_string(code);
  if (failed != nullptr && (code == X509_V_ERR_CERT_HAS_EXPIRED ||
                            code == X509_V_ERR_CERT_NOT_YET_VALID)) {
    why += " (valid " + asn1_time_text(X509_get0_notBefore(failed)) + " to " +
           asn1_time_text(X509_get0_notAfter(failed)) + ", checked at " + format_rfc3339(at) + ")";
  }
  if (code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
      code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
      code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
      code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
    why += " (no path to a trusted root: supply the intermediate certificates with --cert and "
           "the vendor root in the trust directory)";
  }
  ERR_clear_error();
  return Error(ErrorCode::kUnauthenticated, who + ": " + why);
}

// find_certificate returns the Certificate among `pools` that is `x509`.
std::optional<Certificate> find_certificate(X509* x509,
                                            std::initializer_list<std::span<const Certificate>> pools) {
  for (auto pool : pools) {
    for (const auto& certificate : pool) {
      if (X509_cmp(certificate.get(), x509) == 0) {
        return certificate;
      }
    }
  }
  return std::nullopt;
}

// check_revocation applies every CRL issued by `issuer` to `subject`.
Status check_revocation(const Certificate& subject, const Certificate& issuer,
                        std::span<const Crl> crls, UnixTime at) {
  for (const auto& crl : crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.get())) != 0) {
      continue;
    }
    std::string which = "CRL of '" + crl.issuer() + "'";
    if (X509_CRL_verify(crl.get(), issuer.public_key()) != 1) {
      ERR_clear_error();
      return fail(ErrorCode::kUnauthenticated,
                  which + ": signature does not verify with " + describe(issuer));
    }
    auto this_update = asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl.get()));
    auto next_update = asn1_time_to_unix(X509_CRL_get0_nextUpdate(crl.get()));
    if (!this_update || *this_update > at || (next_update && *next_update < at)) {
      return fail(ErrorCode::kUnauthenticated,
                  which + ": not current at " + format_rfc3339(at) + " (thisUpdate " +
                      asn1_time_text(X509_CRL_get0_lastUpdate(crl.get())) + ", nextUpdate " +
                      asn1_time_text(X509_CRL_get0_nextUpdate(crl.get())) + ")");
    }
    X509_REVOKED* revoked = nullptr;
    if (X509_CRL_get0_by_cert(crl.get(), &revoked, subject.get()) == 1) {
      return fail(ErrorCode::kUnauthenticated, describe(subject) + ": revoked by the " + which);
    }
  }
  return {};
}

}  // namespace

Result<Certificate> Certificate::from_der(ByteView der) {
  if (der.empty() || der.size() > kMaxCertificateSize) {
    return fail(ErrorCode::kInvalidArgument,
                "a DER certificate must be 1 to " + std::to_string(kMaxCertificateSize) +
                    " bytes, not " + std::to_string(der.size()));
  }
  const unsigned char* cursor = der.data();
  X509Ptr x509(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!x509) {
    return openssl_error("malformed X.509 certificate", ErrorCode::kInvalidArgument);
  }
  if (cursor != der.data() + der.size()) {
    return fail(ErrorCode::kInvalidArgument, "bytes follow the DER certificate");
  }
  CertificateSummary summary{name_text(X509_get_subject_name(x509.get())),
                             name_text(X509_get_issuer_name(x509.get())),
                             asn1_time_text(X509_get0_notBefore(x509.get())),
                             asn1_time_text(X509_get0_notAfter(x509.get())),
                             hex_encode(crypto::sha256(der))};
  return Certificate(std::make_shared<const Parsed>(
      Parsed{std::move(x509), Bytes(der.begin(), der.end()), std::move(summary)}));
}

std::optional<std::string> Certificate::common_name() const {
  X509_NAME* subject = X509_get_subject_name(get());
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) {
    return std::nullopt;
  }
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

EVP_PKEY* Certificate::public_key() const {
  return X509_get0_pubkey(get());
}

std::optional<Bytes> Certificate::extension(std::string_view oid) const {
  AsnObjectPtr object(OBJ_txt2obj(std::string(oid).c_str(), 1));
  if (!object) {
    ERR_clear_error();
    return std::nullopt;
  }
  int index = X509_get_ext_by_OBJ(get(), object.get(), -1);
  if (index < 0) {
    return std::nullopt;
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(get(), index));
  if (data == nullptr) {
    return std::nullopt;
  }
  const unsigned char* bytes = ASN1_STRING_get0_data(data);
  return Bytes(bytes, bytes + ASN1_STRING_length(data));
}

bool Certificate::is_self_issued() const {
  return X509_check_issued(get(), get()) == X509_V_OK;
}

Result<Crl> Crl::from_der(ByteView der) {
  if (der.empty() || der.size() > kMaxCrlSize) {
    return fail(ErrorCode::kInvalidArgument, "a DER CRL must be 1 to " +
                                                 std::to_string(kMaxCrlSize) + " bytes, not " +
                                                 std::to_string(der.size()));
  }
  const unsigned char* cursor = der.data();
  X509_CRL* parsed = d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size()));
  if (parsed == nullptr) {
    return openssl_error("malformed X.509 CRL", ErrorCode::kInvalidArgument);
  }
  std::shared_ptr<X509_CRL> crl(parsed, X509_CRL_free);
  if (cursor != der.data() + der.size()) {
    return fail(ErrorCode::kInvalidArgument, "bytes follow the DER CRL");
  }
  return Crl(std::move(crl));
}

std::string Crl::issuer() const {
  return name_text(X509_CRL_get_issuer(crl_.get()));
}

Result<std::vector<Certificate>> parse_certificates(ByteView pem_or_der) {
  return parse_pem_or_der<Certificate>(pem_or_der, "CERTIFICATE", "certificate",
                                       [](ByteView der) { return Certificate::from_der(der); });
}

Result<std::vector<Crl>> parse_crls(ByteView pem_or_der) {
  return parse_pem_or_der<Crl>(pem_or_der, "X509 CRL", "CRL",
                               [](ByteView der) { return Crl::from_der(der); });
}

std::span<const RootPin> vendor_root_pins() {
  return kVendorRootPins;
}

Status TrustAnchors::add(const Certificate& root, bool allow_unpinned) {
  if (!root.is_self_issued() || X509_verify(root.get(), root.public_key()) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::kInvalidArgument,
                describe(root) + " is not a self-signed root certificate");
  }
  if (pin_name(root) == "unpinned" && !allow_unpinned) {
    std::string pinned;
    for (const auto& pin : kVendorRootPins) {
      pinned += pinned.empty() ? "" : ", ";
      pinned += pin.name;
    }
    return fail(ErrorCode::kPermissionDenied,
                describe(root) + " is not a pinned vendor root (" + pinned +
                    "); pass --allow-unpinned-root to trust it anyway");
  }
  for (const auto& known : roots_) {
    if (known.sha256() == root.sha256()) {
      return {};
    }
  }
  roots_.push_back(root);
  return {};
}

std::string_view TrustAnchors::pin_name(const Certificate& root) const {
  for (const auto& pin : kVendorRootPins) {
    if (pin.sha256 == root.sha256()) {
      return pin.name;
    }
  }
  return "unpinned";
}

Result<std::vector<Certificate>> verify_chain(const Certificate& leaf,
                                              std::span<const Certificate> intermediates,
                                              const TrustAnchors& anchors,
                                              std::span<const Crl> crls, UnixTime at) {
  if (anchors.roots().empty()) {
    return fail(ErrorCode::kUnauthenticated,
                describe(leaf) + ": no trusted root certificates (the trust directory is empty)");
  }
  X509StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr context(X509_STORE_CTX_new());
  if (!store || !untrusted || !context) {
    return openssl_error("allocating a certificate store");
  }
  for (const auto& root : anchors.roots()) {
    if (X509_STORE_add_cert(store.get(), root.get()) != 1) {
      return openssl_error("adding a trusted root");
    }
  }
  for (const auto& certificate : intermediates) {
    if (sk_X509_push(untrusted.get(), certificate.get()) <= 0) {
      return openssl_error("adding an intermediate certificate");
    }
  }
  if (X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return openssl_error("X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(parameters, static_cast<time_t>(at));
  X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_CHECK_SS_SIGNATURE);
  if (X509_verify_cert(context.get()) != 1) {
    return fail(verify_error(context.get(), leaf, at));
  }
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(context.get());
  std::vector<Certificate> chain;
  for (int i = 0; i < sk_X509_num(built); ++i) {
    auto found = find_certificate(sk_X509_value(built, i),
                                  {std::span<const Certificate>(&leaf, 1), intermediates,
                                   anchors.roots()});
    if (!found) {
      return fail(ErrorCode::kInternal, "the verified chain holds a certificate nobody supplied");
    }
    chain.push_back(std::move(*found));
  }
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    ENSIGN_CHECK(check_revocation(chain[i], chain[i + 1], crls, at));
  }
  return chain;
}

std::vector<CertificateSummary> summarize(std::span<const Certificate> chain) {
  std::vector<CertificateSummary> summaries;
  summaries.reserve(chain.size());
  for (const auto& certificate : chain) {
    summaries.push_back(certificate.summary());
  }
  return summaries;
}

std::shared_ptr<const ChainCache::Chain> ChainCache::verify(std::string_view kind,
                                                            std::string_view identity, UnixTime at,
                                                            const Check& check) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const Checked* found = find(checked_, kind, identity);
    if (found != nullptr && found->at == at) {
      return found->chain;
    }
  }
  auto chain = std::make_shared<const Chain>(check());
  std::lock_guard<std::mutex> lock(mutex_);
  keep(checked_, kind, identity, Checked{at, chain});
  return chain;
}

std::shared_ptr<const ChainCache::Chain> checked_chain(ChainCache* cache, std::string_view kind,
                                                       std::string_view identity, UnixTime at,
                                                       const ChainCache::Check& check) {
  if (cache != nullptr) {
    return cache->verify(kind, identity, at, check);
  }
  return std::make_shared<const ChainCache::Chain>(check());
}

}  // namespace ensign::attest::pki
