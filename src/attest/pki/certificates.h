// certificates.h: the X.509 layer every hardware verifier shares: reading certificates and CRLs
// (PEM or DER), the vendor roots ensign pins, and checking a chain to them at a given time.
// No I/O: callers pass file contents.
#pragma once

#include <openssl/x509.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace ensign::attest::pki {

inline constexpr std::size_t kMaxCertificateSize = 16 * 1024;      // one DER certificate or CRL
inline constexpr std::size_t kMaxCrlSize = 1024 * 1024;            // one DER CRL
inline constexpr std::size_t kMaxPemBundleSize = 2 * 1024 * 1024;  // one file of PEM blocks
inline constexpr std::size_t kMaxCertificatesPerBundle = 32;

// Certificate is an immutable parsed X.509 certificate; copies share the parsed object.
class Certificate {
 public:
  // from_der parses one DER certificate of at most kMaxCertificateSize bytes, with nothing after
  // it. Fails with InvalidArgument. Certificates with a zero or negative serial number parse (AMD
  // issues such VCEKs).
  static Result<Certificate> from_der(ByteView der);

  X509* get() const { return x509_.get(); }  // borrowed; lives as long as any copy
  const Bytes& der() const { return der_; }
  const std::string& sha256() const { return sha256_; }  // hex SHA-256 of der()
  const std::string& subject() const { return summary_->subject; }  // RFC 2253
  const std::string& issuer() const { return summary_->issuer; }    // RFC 2253
  // common_name returns the subject's one CN (UTF-8), or nothing when it has none or several.
  std::optional<std::string> common_name() const;
  // public_key returns the subject public key, borrowed from the certificate; null if absent.
  EVP_PKEY* public_key() const;
  const CertificateSummary& summary() const { return *summary_; }  // made once, at parsing
  // extension returns the value (the contents of extnValue's OCTET STRING) of the extension
  // with dotted object identifier `oid`, or nothing when the certificate has none.
  std::optional<Bytes> extension(std::string_view oid) const;
  bool is_self_issued() const;

 private:
  Certificate(std::shared_ptr<X509> x509, Bytes der, std::string sha256,
              std::shared_ptr<const CertificateSummary> summary)
      : x509_(std::move(x509)),
        der_(std::move(der)),
        sha256_(std::move(sha256)),
        summary_(std::move(summary)) {}

  std::shared_ptr<X509> x509_;
  Bytes der_;
  std::string sha256_;
  std::shared_ptr<const CertificateSummary> summary_;
};

// Crl is an immutable parsed certificate revocation list.
class Crl {
 public:
  // from_der parses one DER CRL of at most kMaxCrlSize bytes. Fails with InvalidArgument.
  static Result<Crl> from_der(ByteView der);

  X509_CRL* get() const { return crl_.get(); }
  std::string issuer() const;  // RFC 2253

 private:
  explicit Crl(std::shared_ptr<X509_CRL> crl) : crl_(std::move(crl)) {}
  std::shared_ptr<X509_CRL> crl_;
};

// parse_certificates reads the contents of a certificate file: one DER certificate, or one or
// more PEM "CERTIFICATE" blocks (text around the blocks is ignored), at most
// kMaxCertificatesPerBundle of them. Fails with InvalidArgument when the input is over
// kMaxPemBundleSize, holds no certificate, or a block does not parse.
Result<std::vector<Certificate>> parse_certificates(ByteView pem_or_der);

// parse_crls reads the contents of a CRL file: one DER CRL or PEM "X509 CRL" blocks. Fails with
// InvalidArgument like parse_certificates.
Result<std::vector<Crl>> parse_crls(ByteView pem_or_der);

// RootPin is a vendor root certificate ensign trusts, named and identified by the SHA-256 of its
// DER encoding (a fact the vendor publishes).
struct RootPin {
  std::string_view name;    // e.g. "AMD ARK-Milan"
  std::string_view sha256;  // lowercase hex
};

// vendor_root_pins returns the pinned roots: AMD ARK-Milan, ARK-Genoa, ARK-Turin and the Intel
// SGX Root CA.
std::span<const RootPin> vendor_root_pins();

// TrustAnchors is the set of root certificates a chain may end in.
class TrustAnchors {
 public:
  // add accepts `root` as an anchor when it is self-issued and self-signed, and its fingerprint
  // is pinned or `allow_unpinned` is set. Fails with PermissionDenied naming the certificate and
  // its fingerprint when it is not pinned, InvalidArgument when it is not a self-signed root.
  Status add(const Certificate& root, bool allow_unpinned);

  std::span<const Certificate> roots() const { return roots_; }
  // pin_name returns the pinned name of an anchor ("AMD ARK-Milan"), or "unpinned".
  std::string_view pin_name(const Certificate& root) const;

 private:
  std::vector<Certificate> roots_;
};

// verify_chain checks that `leaf` chains through some of `intermediates` to one of `anchors` at
// time `at`: every signature, every validity period, CA constraints and path lengths; and, for
// each certificate whose issuer has a CRL in `crls`, that the CRL is signed by that issuer, is
// current at `at` and does not list the certificate. Returns the chain, leaf first and root
// last. Fails with Unauthenticated naming the certificate that failed and why (expired, not yet
// valid, bad signature, no path to a pinned root, revoked, stale CRL).
Result<std::vector<Certificate>> verify_chain(const Certificate& leaf,
                                              std::span<const Certificate> intermediates,
                                              const TrustAnchors& anchors,
                                              std::span<const Crl> crls, UnixTime at);

// summarize returns the summaries of a chain, in order.
std::vector<CertificateSummary> summarize(std::span<const Certificate> chain);

// ChainCache memoizes chain checks for a verifier that sees the same certificates again and
// again (a service, a benchmark). Thread-safe. The caller chooses the key: it must identify
// every input of the check (e.g. the SHA-256 of the chain's bytes), and `at` is added to it.
class ChainCache {
 public:
  using Check = std::function<Result<std::vector<Certificate>>()>;

  // verify returns the cached result for (key, at), or runs `check` and caches what it returns.
  Result<std::vector<Certificate>> verify(const std::string& key, UnixTime at, const Check& check);

  // remember returns what `compute` made for `key` the first time it was asked, for what a
  // verifier derives from a verified certificate (e.g. the PCK extensions): `key` must identify
  // it and its type.
  template <typename T, typename Compute>
  std::shared_ptr<const T> remember(const std::string& key, const Compute& compute) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = remembered_.find(key);
      if (found != remembered_.end()) {
        return std::static_pointer_cast<const T>(found->second);
      }
    }
    auto made = std::make_shared<const T>(compute());
    std::lock_guard<std::mutex> lock(mutex_);
    remembered_.emplace(key, made);
    return made;
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, UnixTime>, Result<std::vector<Certificate>>> results_;
  std::map<std::string, std::shared_ptr<const void>> remembered_;
};

}  // namespace ensign::attest::pki
