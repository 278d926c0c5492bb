// certificates.h: the X.509 layer every hardware verifier shares: reading certificates and CRLs
// (PEM or DER), the vendor roots ensign pins, and checking a chain to them at a given time.
// No I/O: callers pass file contents.
#pragma once

#include <openssl/x509.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attest/verification.h"
#include "core/bytes.h"
#include "core/openssl_handles.h"
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

  X509* get() const { return parsed_->x509.get(); }  // borrowed; lives as long as any copy
  const Bytes& der() const { return parsed_->der; }
  const std::string& sha256() const { return parsed_->summary.sha256; }  // hex, of der()
  const std::string& subject() const { return parsed_->summary.subject; }  // RFC 2253
  const std::string& issuer() const { return parsed_->summary.issuer; }    // RFC 2253
  // common_name returns the subject's one CN (UTF-8), or nothing when it has none or several.
  std::optional<std::string> common_name() const;
  // public_key returns the subject public key, borrowed from the certificate; null if absent.
  EVP_PKEY* public_key() const;
  const CertificateSummary& summary() const { return parsed_->summary; }  // made at parsing
  // extension returns the value (the contents of extnValue's OCTET STRING) of the extension
  // with dotted object identifier `oid`, or nothing when the certificate has none.
  std::optional<Bytes> extension(std::string_view oid) const;
  bool is_self_issued() const;

 private:
  // Parsed is everything parsing makes, shared by all copies: copying a certificate (into a
  // chain, out of a cache) costs one reference count.
  struct Parsed {
    X509Ptr x509;
    Bytes der;
    CertificateSummary summary;
  };

  explicit Certificate(std::shared_ptr<const Parsed> parsed) : parsed_(std::move(parsed)) {}

  std::shared_ptr<const Parsed> parsed_;
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

// ChainCache memoizes chain checks, and what a verifier derives from verified certificates, for a
// verifier that sees the same certificates again and again (a service, a benchmark). Entries are
// found by a kind (what was checked or made, e.g. "dcap-pck") and an identity (the bytes or
// fingerprints of the certificates it came from). A cache belongs with one set of endorsements:
// identities name the certificates the evidence brings, not the anchors, certificates and CRLs
// the caller supplies, so a caller that changes those (a new CRL, another trust directory)
// starts a new cache. Thread-safe. It holds at most kMaxEntries of each kind and starts that kind
// over when full.
class ChainCache {
 public:
  using Chain = Result<std::vector<Certificate>>;
  using Check = std::function<Chain()>;
  static constexpr std::size_t kMaxEntries = 4096;

  // verify returns what `check` says of the certificates `identity` names as of `at`, running
  // it only when they were not last checked at `at`.
  std::shared_ptr<const Chain> verify(std::string_view kind, std::string_view identity,
                                      UnixTime at, const Check& check);

  // remember returns what `compute` made the first time it was asked for (kind, identity), for
  // what a verifier derives from a verified certificate (e.g. its PCK extensions). One kind holds
  // one type T.
  template <typename T, typename Compute>
  std::shared_ptr<const T> remember(std::string_view kind, std::string_view identity,
                                    const Compute& compute) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (const auto* found = find(remembered_, kind, identity)) {
        return std::static_pointer_cast<const T>(*found);
      }
    }
    auto made = std::make_shared<const T>(compute());
    std::lock_guard<std::mutex> lock(mutex_);
    keep(remembered_, kind, identity, std::shared_ptr<const void>(made));
    return made;
  }

 private:
  // KeyHash lets the maps be searched with a string_view, without copying the key.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  template <typename Value>
  using Map = std::unordered_map<std::string, Value, KeyHash, std::equal_to<>>;
  template <typename Value>
  using Kinds = Map<Map<Value>>;

  struct Checked {
    UnixTime at = 0;
    std::shared_ptr<const Chain> chain;
  };

  template <typename Value>
  static const Value* find(const Kinds<Value>& kinds, std::string_view kind,
                           std::string_view identity) {
    auto of_kind = kinds.find(kind);
    if (of_kind == kinds.end()) {
      return nullptr;
    }
    auto found = of_kind->second.find(identity);
    return found == of_kind->second.end() ? nullptr : &found->second;
  }

  template <typename Value>
  static void keep(Kinds<Value>& kinds, std::string_view kind, std::string_view identity,
                   Value value) {
    auto of_kind = kinds.find(kind);
    if (of_kind == kinds.end()) {
      of_kind = kinds.emplace(std::string(kind), Map<Value>()).first;
    }
    if (of_kind->second.size() >= kMaxEntries) {
      of_kind->second.clear();
    }
    of_kind->second.insert_or_assign(std::string(identity), std::move(value));
  }

  std::mutex mutex_;
  Kinds<Checked> checked_;
  Kinds<std::shared_ptr<const void>> remembered_;
};

// remembered runs `compute`, or, when `cache` is not null, returns its memo.
template <typename T, typename Compute>
std::shared_ptr<const T> remembered(ChainCache* cache, std::string_view kind,
                                    std::string_view identity, const Compute& compute) {
  if (cache != nullptr) {
    return cache->remember<T>(kind, identity, compute);
  }
  return std::make_shared<const T>(compute());
}

// checked_chain runs `check`, or, when `cache` is not null, returns its memo.
std::shared_ptr<const ChainCache::Chain> checked_chain(ChainCache* cache, std::string_view kind,
                                                       std::string_view identity, UnixTime at,
                                                       const ChainCache::Check& check);

}  // namespace ensign::attest::pki
