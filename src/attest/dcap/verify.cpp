#include "attest/dcap/verify.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "attest/dcap/pck.h"
#include "attest/dcap/quote.h"
#include "attest/pki/certificates.h"
#include "core/openssl_handles.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::attest::dcap {
namespace {

constexpr std::size_t kBindingSize = 32;  // QE report_data: SHA-256, then 32 zero bytes

// verify_p256 checks a raw r || s ECDSA P-256 SHA-256 signature over `message`.
bool verify_p256(EVP_PKEY* key, ByteView message, ByteView raw_signature) {
  ByteView r = raw_signature.first(raw_signature.size() / 2);
  ByteView s = raw_signature.subspan(raw_signature.size() / 2);
  auto der = crypto::ecdsa_raw_to_der(r, s);
  return der && crypto::verify_message(key, crypto::KeyAlgorithm::kEcdsaP256, message, *der);
}

std::string name_of(const pki::Certificate& certificate) {
  return certificate.subject() + "; sha256 " + certificate.sha256();
}

void fill_common_claims(const Quote& quote, Verification& verification) {
  verification.format = quote.is_tdx() ? EvidenceFormat::kTdx : EvidenceFormat::kSgx;
  if (quote.td_report) {
    verification.measurement = to_bytes(quote.td_report->mrtd);
    verification.report_data = to_bytes(quote.td_report->report_data);
    verification.debug = quote.td_report->debug();
  } else if (quote.enclave_report) {
    verification.measurement = to_bytes(quote.enclave_report->mrenclave);
    verification.report_data = to_bytes(quote.enclave_report->report_data);
    verification.debug = quote.enclave_report->debug();
    verification.signer = to_bytes(quote.enclave_report->mrsigner);
  }
  verification.claims = quote_claims(quote);
}

// check_pck_chain verifies the quote's PCK chain and returns its leaf, the PCK certificate;
// when the chain fails it still returns the leaf if it parses, for the checks that only need
// its key.
std::optional<pki::Certificate> check_pck_chain(const Quote& quote,
                                                const Endorsements& endorsements,
                                                Verification& verification) {
  auto check = [&]() -> Result<std::vector<pki::Certificate>> {
    ENSIGN_TRY(certificates, pki::parse_certificates(quote.pck_chain));
    std::vector<pki::Certificate> intermediates(certificates.begin() + 1, certificates.end());
    intermediates.insert(
        intermediates.end(), endorsements.certificates.begin(), endorsements.certificates.end());
    return pki::verify_chain(certificates.front(),
                             intermediates,
                             endorsements.anchors,
                             endorsements.crls,
                             endorsements.at);
  };
  // A cache knows a chain by its bytes: hashing them in full is cheaper than a fingerprint.
  auto chain = pki::checked_chain(
      endorsements.chain_cache, "dcap-pck-chain", as_string_view(quote.pck_chain), endorsements.at,
      check);
  if (*chain) {
    verification.chain = pki::summarize(**chain);
    return (*chain)->front();
  }
  verification.errors.push_back("PCK certificate chain: " + chain->error().message());
  auto certificates = pki::parse_certificates(quote.pck_chain);
  if (!certificates) {
    return std::nullopt;
  }
  return certificates->front();
}

void check_qe_report_signature(const Quote& quote,
                               const pki::Certificate& pck,
                               Verification& verification) {
  EVP_PKEY* key = pck.public_key();
  if (key != nullptr && verify_p256(key, quote.qe_report_bytes, quote.qe_report_signature)) {
    return;
  }
  // Only a failure is worth the time to say why.
  auto algorithm = key != nullptr ? crypto::key_algorithm_of(key)
                                  : fail(ErrorCode::kInvalidArgument, "no public key");
  if (!algorithm || *algorithm != crypto::KeyAlgorithm::kEcdsaP256) {
    verification.errors.push_back(
        "QE report signature: the PCK certificate's key is not ECDSA P-256 (" + name_of(pck) + ")");
    return;
  }
  verification.errors.push_back(
      "QE report signature: does not verify with the PCK certificate (" + name_of(pck) + ")");
}

void check_qe_report_binding(const Quote& quote, Verification& verification) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSha256);
  hasher.update(quote.attestation_key);
  hasher.update(quote.qe_auth_data);
  Bytes expected = hasher.finish();
  ByteView report_data = quote.qe_report.report_data;
  if (!constant_time_equal(report_data.first(kBindingSize), expected)) {
    verification.errors.push_back(
        "QE report data: its first 32 bytes are not SHA-256(attestation key || QE authentication "
        "data) (expected " +
        hex_encode(expected) + ")");
  }
  ByteView rest = report_data.subspan(kBindingSize);
  if (std::any_of(rest.begin(), rest.end(), [](std::uint8_t byte) { return byte != 0; })) {
    verification.errors.push_back("QE report data: its last 32 bytes are not zero");
  }
}

void check_quote_signature(const Quote& quote, const Endorsements& endorsements,
                           Verification& verification) {
  ByteView point = quote.attestation_key;
  // Errors name the key by its SHA-256, made only when there is an error.
  auto key_id = [&] { return hex_encode(crypto::sha256(point)); };
  auto make_key = [&] {
    return crypto::ec_public_key_from_point(crypto::EcCurve::kP256,
                                            point.first(kEcdsaP256PublicKeySize / 2),
                                            point.subspan(kEcdsaP256PublicKeySize / 2));
  };
  // The attestation key lives as long as the quoting enclave: a verifier sees it again and again.
  auto remembered = pki::remembered<Result<EvpPkeyPtr>>(
      endorsements.chain_cache, "dcap-attestation-key", as_string_view(point), make_key);
  const Result<EvpPkeyPtr>& key = *remembered;
  if (!key) {
    verification.errors.push_back("attestation key (sha256 " + key_id() +
                                  "): " + key.error().message());
    return;
  }
  if (!verify_p256(key->get(), quote.signed_bytes, quote.signature)) {
    verification.errors.push_back(
        "quote signature: does not verify with the attestation key (sha256 " + key_id() + ")");
  }
}

void appraise(const Quote& quote,
              const PckExtensions* extensions,
              const Collateral& collateral,
              const Endorsements& endorsements,
              Verification& verification) {
  if (extensions == nullptr) {
    verification.errors.push_back(
        "TCB appraisal: not done, the PCK certificate's SGX extensions are unavailable");
    return;
  }
  PlatformTcb platform;
  platform.fmspc = extensions->fmspc;
  platform.pceid = extensions->pceid;
  platform.sgx_components = extensions->sgx_tcb_components;
  platform.pcesvn = extensions->pcesvn;
  if (quote.td_report) {
    platform.tee_tcb_svn = quote.td_report->tee_tcb_svn;
    platform.mrsignerseam = to_bytes(quote.td_report->mrsignerseam);
    platform.seam_attributes = to_bytes(quote.td_report->seam_attributes);
  }
  QeReportIdentity quoting_enclave;
  quoting_enclave.miscselect = quote.qe_report.miscselect;
  quoting_enclave.attributes = to_bytes(quote.qe_report.attributes);
  quoting_enclave.mrsigner = to_bytes(quote.qe_report.mrsigner);
  quoting_enclave.isvprodid = quote.qe_report.isvprodid;
  quoting_enclave.isvsvn = quote.qe_report.isvsvn;
  TcbAppraisal appraisal =
      appraise_tcb(collateral, platform, quoting_enclave, quote.is_tdx(), endorsements);
  verification.errors.insert(
      verification.errors.end(), appraisal.errors.begin(), appraisal.errors.end());
  verification.tcb_status = appraisal.tcb_status;
  verification.claims["tcb"] = std::move(appraisal.details);
}

}  // namespace

Verification verify_quote(ByteView evidence,
                          const Endorsements& endorsements,
                          const Collateral* collateral) {
  Verification verification;
  // Until the quote parses, its version field (little-endian, first) says which it claims to be.
  bool claims_sgx = evidence.size() >= 2 && evidence[0] == 3 && evidence[1] == 0;
  verification.format = claims_sgx ? EvidenceFormat::kSgx : EvidenceFormat::kTdx;
  auto quote = parse_quote(evidence);
  if (!quote) {
    verification.errors.push_back("structure: " + quote.error().message());
    return verification;
  }
  fill_common_claims(*quote, verification);

  std::shared_ptr<const Result<PckExtensions>> extensions;
  if (auto pck = check_pck_chain(*quote, endorsements, verification)) {
    // A verifier that sees the same platform again parses its PCK extensions once.
    auto parse = [&] { return parse_pck_extensions(*pck); };
    extensions = pki::remembered<Result<PckExtensions>>(
        endorsements.chain_cache, "dcap-pck-extensions", pck->sha256(), parse);
    if (*extensions) {
      verification.claims["pck"] = pck_claims(**extensions);
    } else {
      verification.errors.push_back("PCK certificate extensions: " +
                                    extensions->error().message());
    }
    check_qe_report_signature(*quote, *pck, verification);
  }
  check_qe_report_binding(*quote, verification);
  check_quote_signature(*quote, endorsements, verification);
  if (collateral != nullptr && !collateral->empty()) {
    const PckExtensions* parsed = extensions && *extensions ? &**extensions : nullptr;
    appraise(*quote, parsed, *collateral, endorsements, verification);
  }
  return verification;
}

}  // namespace ensign::attest::dcap
