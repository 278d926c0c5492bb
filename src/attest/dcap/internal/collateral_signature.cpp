// Checking a collateral item (collateral.h): its validity window, Intel's signature over the
// exact text of its inner object, and the signer: Intel's TCB Signing certificate, chained to a
// trusted root at the verification time. A PCK certificate also chains to Intel's root, and its
// key sits in a platform, so the signer's name is checked as well as its chain.
#include <openssl/x509.h>

#include <string>

#include "attest/dcap/collateral.h"
#include "core/openssl_handles.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/signature.h"

namespace ensign::attest::dcap {
namespace {

constexpr std::string_view kTcbSigningCommonName = "Intel SGX TCB Signing";
constexpr std::size_t kScalarSize = kCollateralSignatureSize / 2;

// der_signature converts r || s (big-endian) to the DER ECDSA-Sig-Value OpenSSL verifies.
Result<Bytes> der_signature(ByteView raw) {
  if (raw.size() != kCollateralSignatureSize) {
    return fail(ErrorCode::kInvalidArgument,
                "signature is " + std::to_string(raw.size()) + " bytes, not " +
                    std::to_string(kCollateralSignatureSize));
  }
  return crypto::ecdsa_raw_to_der(raw.first(kScalarSize), raw.subspan(kScalarSize));
}

std::string describe_certificate(const pki::Certificate& certificate) {
  return "'" + certificate.subject() + "' (sha256 " + certificate.sha256() + ")";
}

// chain_cache_identity names every input of the signer's chain check: the signer, the other
// certificates, the roots and the CRLs.
std::string chain_cache_identity(const pki::Certificate& signer, const Endorsements& endorsements) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSha256);
  auto add = [&hasher](std::string_view part) {
    hasher.update(as_bytes(part));
    hasher.update(as_bytes(";"));
  };
  add(signer.sha256());
  for (const auto& certificate : endorsements.certificates) {
    add(certificate.sha256());
  }
  add("roots");
  for (const auto& root : endorsements.anchors.roots()) {
    add(root.sha256());
  }
  add("crls");
  for (const auto& crl : endorsements.crls) {
    unsigned char* der = nullptr;
    int length = i2d_X509_CRL(crl.get(), &der);
    if (length > 0) {
      hasher.update(ByteView(der, static_cast<std::size_t>(length)));
    }
    OPENSSL_free(der);
    add("");
  }
  return hex_encode(hasher.finish());
}

// find_signer returns the first certificate whose key verifies `body`.
std::optional<pki::Certificate> find_signer(const SignedBody& body,
                                            ByteView der,
                                            const Endorsements& endorsements) {
  for (const auto& certificate : endorsements.certificates) {
    EVP_PKEY* key = certificate.public_key();
    if (key != nullptr &&
        crypto::verify_message(key, crypto::KeyAlgorithm::kEcdsaP256, as_bytes(body.text), der)) {
      return certificate;
    }
  }
  return std::nullopt;
}

Result<std::vector<pki::Certificate>> verify_signer_chain(const pki::Certificate& signer,
                                                          const Endorsements& endorsements) {
  auto check = [&signer, &endorsements] {
    return pki::verify_chain(signer,
                             endorsements.certificates,
                             endorsements.anchors,
                             endorsements.crls,
                             endorsements.at);
  };
  return *pki::checked_chain(endorsements.chain_cache,
                             "dcap-collateral-signer-chain",
                             chain_cache_identity(signer, endorsements),
                             endorsements.at,
                             check);
}

// check_signed_item is verify_tcb_info and verify_qe_identity, for any item.
CollateralCheck check_signed_item(const std::string& label,
                                  const SignedBody& body,
                                  UnixTime issue_date,
                                  UnixTime next_update,
                                  const Endorsements& endorsements) {
  CollateralCheck check;
  auto report = [&check, &label](const std::string& what) {
    check.errors.push_back(label + ": " + what);
  };
  std::string at = format_rfc3339(endorsements.at);
  if (endorsements.at < issue_date) {
    report("not yet valid: issueDate " + format_rfc3339(issue_date) +
           " is after the verification time " + at);
  }
  if (endorsements.at > next_update) {
    report("expired: nextUpdate " + format_rfc3339(next_update) +
           " is before the verification time " + at);
  }
  auto der = der_signature(body.signature);
  if (!der) {
    report("signature: " + der.error().message());
    return check;
  }
  auto signer = find_signer(body, *der, endorsements);
  if (!signer) {
    report("signature: does not verify with any of the " +
           std::to_string(endorsements.certificates.size()) + " certificates given (Intel's '" +
           std::string(kTcbSigningCommonName) +
           "' certificate is needed, from the PCS issuer chain)");
    return check;
  }
  if (signer->common_name() != kTcbSigningCommonName) {
    report("signature: made by " + describe_certificate(*signer) + ", which is not Intel's '" +
           std::string(kTcbSigningCommonName) + "' certificate");
    return check;
  }
  auto chain = verify_signer_chain(*signer, endorsements);
  if (!chain) {
    report("issuer chain: " + chain.error().message());
    return check;
  }
  check.chain = pki::summarize(*chain);
  return check;
}

// check_item is check_signed_item for a TcbInfo or a QeIdentity.
template <typename Item>
CollateralCheck check_item(const Item& item, const Endorsements& endorsements) {
  return check_signed_item(
      describe(item), item.signed_body, item.issue_date, item.next_update, endorsements);
}

}  // namespace

CollateralCheck verify_tcb_info(const TcbInfo& tcb_info, const Endorsements& endorsements) {
  return check_item(tcb_info, endorsements);
}

CollateralCheck verify_qe_identity(const QeIdentity& identity, const Endorsements& endorsements) {
  return check_item(identity, endorsements);
}

}  // namespace ensign::attest::dcap
