#include "attest/snp/verify.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "attest/snp/endorsement_key.h"
#include "attest/snp/report.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace ensign::attest::snp {
namespace {

constexpr char kStructure[] = "structure: ";
constexpr char kReportSignature[] = "report signature: ";
constexpr char kCertificateChain[] = "certificate chain: ";

constexpr std::size_t kP384ScalarSize = 48;

// signature_der converts the report's 72-byte little-endian R and S into a DER ECDSA-Sig-Value.
// Their top 24 bytes are zero in any P-384 signature.
Result<Bytes> signature_der(const AttestationReport& report) {
  Bytes r = crypto::reversed(report.signature_r);
  Bytes s = crypto::reversed(report.signature_s);
  auto fits = [](ByteView big_endian) {
    ByteView high = big_endian.first(big_endian.size() - kP384ScalarSize);
    return std::all_of(high.begin(), high.end(), [](std::uint8_t byte) { return byte == 0; });
  };
  if (!fits(r) || !fits(s)) {
    return fail(ErrorCode::kInvalidArgument,
                "R or S does not fit in 48 bytes, so it is no P-384 signature");
  }
  return crypto::ecdsa_raw_to_der(ByteView(r).last(kP384ScalarSize),
                                  ByteView(s).last(kP384ScalarSize));
}

// signature_verifies tells whether `key` signed the report's bytes 0x000-0x29F.
bool signature_verifies(ByteView evidence, ByteView signature, const pki::Certificate& key) {
  return crypto::verify_message(
      key.public_key(), crypto::KeyAlgorithm::kEcdsaP384, evidence.first(kSignedSize), signature);
}

// ReportChecker runs the checks of verify_report over one parsed report, collecting errors.
class ReportChecker {
 public:
  ReportChecker(ByteView evidence,
                AttestationReport report,
                const Endorsements& endorsements,
                Verification& verification)
      : evidence_(evidence),
        report_(std::move(report)),
        endorsements_(endorsements),
        verification_(verification) {}

  void run() {
    auto kind = endorsement_key();
    if (kind) {
      const pki::Certificate* key = choose_key(*kind);
      if (key != nullptr) {
        auto product = certificate_product(*key, *kind);
        check_chain(*key, *kind, product);
        check_extensions(*key, *kind, product);
      }
    }
    fill_common_claims();
  }

 private:
  void error(std::string message) { verification_.errors.push_back(std::move(message)); }

  // endorsement_key maps SIGNING_KEY to the key that must have signed the report.
  std::optional<EndorsementKey> endorsement_key() {
    switch (report_.signing_key) {
      case kSigningKeyVcek:
        return EndorsementKey::kVcek;
      case kSigningKeyVlek:
        return EndorsementKey::kVlek;
      case kSigningKeyNone:
        error(std::string(kReportSignature) +
              "SIGNING_KEY is 7 (none): the firmware did not sign this report");
        return std::nullopt;
      default:
        error(std::string(kReportSignature) + "SIGNING_KEY " + std::to_string(report_.signing_key) +
              " is reserved (0 is the VCEK, 1 the VLEK)");
        return std::nullopt;
    }
  }

  // choose_key returns the supplied certificate of `kind` whose key verifies the signature, or
  // the first of that kind when none does (after recording the failure); null when none is
  // supplied.
  const pki::Certificate* choose_key(EndorsementKey kind) {
    std::vector<const pki::Certificate*> candidates;
    for (const auto& certificate : endorsements_.certificates) {
      if (certificate.common_name() == endorsement_key_common_name(kind)) {
        candidates.push_back(&certificate);
      }
    }
    std::string name(endorsement_key_name(kind));
    if (candidates.empty()) {
      error(std::string(kReportSignature) + "no " + name + " certificate supplied (SIGNING_KEY " +
            std::to_string(report_.signing_key) +
            " needs one with CN=" + std::string(endorsement_key_common_name(kind)) + ")");
      return nullptr;
    }
    if (report_.mask_chip_key) {
      error(std::string(kReportSignature) +
            "MASK_CHIP_KEY is set: the firmware wrote zeros instead of signing the report");
      return candidates.front();
    }
    auto signature = signature_der(report_);
    if (!signature) {
      error(std::string(kReportSignature) + signature.error().message());
      return candidates.front();
    }
    for (const pki::Certificate* candidate : candidates) {
      if (signature_verifies(evidence_, *signature, *candidate)) {
        return candidate;
      }
    }
    for (const pki::Certificate* candidate : candidates) {
      auto algorithm = crypto::key_algorithm_of(candidate->public_key());
      if (!algorithm || *algorithm != crypto::KeyAlgorithm::kEcdsaP384) {
        error(std::string(kReportSignature) + "the key of the " +
              describe_certificate(name, *candidate) + " is not ECDSA P-384");
      } else {
        error(std::string(kReportSignature) + "does not verify with the " +
              describe_certificate(name, *candidate));
      }
    }
    return candidates.front();
  }

  // chain_cache_identity names every certificate the chain check reads.
  std::string chain_cache_identity(const pki::Certificate& key) const {
    std::string cache_key = key.sha256() + ":";
    for (const auto& certificate : endorsements_.certificates) {
      cache_key += certificate.sha256();
    }
    cache_key += ":";
    for (const auto& root : endorsements_.anchors.roots()) {
      cache_key += root.sha256();
    }
    return cache_key;
  }

  void check_chain(const pki::Certificate& key,
                   EndorsementKey kind,
                   const Result<Product>& product) {
    std::vector<pki::Certificate> intermediates;
    for (const auto& certificate : endorsements_.certificates) {
      if (&certificate != &key) {
        intermediates.push_back(certificate);
      }
    }
    auto check = [&]() {
      return pki::verify_chain(
          key, intermediates, endorsements_.anchors, endorsements_.crls, endorsements_.at);
    };
    auto chain = pki::checked_chain(
        endorsements_.chain_cache, "sev-snp-chain", chain_cache_identity(key), endorsements_.at,
        check);
    if (!*chain) {
      error(std::string(kCertificateChain) + chain->error().message());
      return;
    }
    if (product) {
      for (auto& message : check_chain_generation(**chain, kind, *product)) {
        error(kCertificateChain + message);
      }
    }
    verification_.chain = pki::summarize(**chain);
  }

  void check_extensions(const pki::Certificate& key,
                        EndorsementKey kind,
                        const Result<Product>& product) {
    if (!product) {
      error(product.error().message());
    } else if (!report_.cpuid_fam_mod_step) {
      use_product(report_, *product);  // a version 2 report does not name its CPU
    } else if (report_.product != *product) {
      error(describe_certificate(endorsement_key_name(kind), key) + ": productName " +
            std::string(product_name(*product)) + " is not the report's CPU (CPUID_FAM_MOD_STEP " +
            hex_encode(*report_.cpuid_fam_mod_step) + ", " +
            std::string(product_name(report_.product)) + ")");
    }
    if (kind == EndorsementKey::kVcek) {
      auto hardware_id = check_hardware_id(report_, key);
      if (!hardware_id) {
        error(hardware_id.error().message());
      }
    }
    for (auto& message : check_tcb_extensions(report_, key, kind)) {
      error(std::move(message));
    }
  }

  void fill_common_claims() {
    verification_.claims = report_claims(report_);
    verification_.measurement.assign(report_.measurement.begin(), report_.measurement.end());
    verification_.report_data.assign(report_.report_data.begin(), report_.report_data.end());
    verification_.debug = has_bit(report_.policy, kPolicyDebugBit);
    const auto& digest = report_.author_key_digest;
    bool digest_present =
        std::any_of(digest.begin(), digest.end(), [](std::uint8_t byte) { return byte != 0; });
    if (report_.author_key_en || digest_present) {
      verification_.signer = Bytes(digest.begin(), digest.end());
    }
  }

  ByteView evidence_;
  AttestationReport report_;
  const Endorsements& endorsements_;
  Verification& verification_;
};

}  // namespace

Verification verify_report(ByteView evidence, const Endorsements& endorsements) {
  Verification verification;
  verification.format = EvidenceFormat::kSevSnp;
  auto report = parse_report(evidence);
  if (!report) {
    verification.errors.push_back(kStructure + report.error().message());
    return verification;
  }
  ReportChecker(evidence, std::move(*report), endorsements, verification).run();
  return verification;
}

}  // namespace ensign::attest::snp
