#include "attest/tpm/verify.h"

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "attest/tpm/algorithms.h"
#include "attest/tpm/attest.h"
#include "attest/tpm/signature.h"
#include "crypto/keys.h"

namespace ensign::attest::tpm {
namespace {

// Agreed is a field that may come beside the evidence, inside it, or both; both and different
// is a conflict.
template <typename T>
struct Agreed {
  std::optional<T> value;
  bool conflict = false;
};

template <typename T>
Agreed<T> agree(const std::optional<T>& given, const std::optional<T>& contained) {
  if (given && contained && *given != *contained) {
    return {std::nullopt, true};
  }
  return {given ? given : contained, false};
}

// check_pcr_values adds the PCR values' claims, or the error saying why they are not the quoted
// ones.
void check_pcr_values(const QuoteAttest& attest,
                      const std::vector<Bytes>& values,
                      const TpmHash& hash,
                      Verification& verification) {
  auto assigned = assign_pcr_values(attest.pcr_select, values);
  if (!assigned) {
    verification.errors.push_back(assigned.error().message());
    return;
  }
  Bytes digest = pcr_digest(*assigned, hash);
  if (digest != attest.pcr_digest) {
    verification.errors.push_back("PCR values: their " + std::string(hash.name) + " digest " +
                                  hex_encode(digest) + " is not the quote's pcrDigest " +
                                  hex_encode(attest.pcr_digest));
    return;
  }
  verification.claims["pcrs"] = pcr_claims(*assigned);
}

void verify_into(ByteView evidence, const QuoteInputs& inputs, Verification& verification) {
  auto&& errors = verification.errors;
  auto parsed = parse_quote_evidence(evidence);
  if (!parsed) {
    errors.push_back(parsed.error().message());
    return;
  }
  auto attest = parse_quote_attest(parsed->attest);
  if (!attest) {
    errors.push_back(attest.error().message());
    return;
  }
  verification.measurement = attest->pcr_digest;
  verification.report_data = attest->extra_data;
  verification.claims["attest"] = attest_claims(*attest);

  auto ak_der = agree(inputs.ak_public, parsed->ak_public);
  if (ak_der.conflict) {
    errors.push_back(
        "AK: the evidence's ak_public (sha256 " + crypto::key_fingerprint(*parsed->ak_public) +
        ") is not the AK given (sha256 " + crypto::key_fingerprint(*inputs.ak_public) + ")");
    return;
  }
  if (!ak_der.value) {
    errors.push_back("AK: none given (--ak-pub) and the " +
                     std::string(evidence_form_name(parsed->form)) + " evidence carries none");
    return;
  }
  std::string ak_sha256 = crypto::key_fingerprint(*ak_der.value);
  std::string ak_name = "the AK (sha256 " + ak_sha256 + ")";
  verification.claims["ak_public_sha256"] = ak_sha256;
  auto ak = crypto::public_key_from_der(*ak_der.value);
  if (!ak) {
    errors.push_back(ak_name + ": " + ak.error().message());
    return;
  }

  auto signature_bytes = agree(inputs.signature, parsed->signature);
  if (signature_bytes.conflict || !signature_bytes.value) {
    errors.push_back(
        signature_bytes.conflict
            ? "quote signature: the evidence's signature is not the one given"
            : "quote signature: none given (--signature) and the evidence carries none");
    return;
  }
  auto signature = decode_quote_signature(*signature_bytes.value, ak->get());
  if (!signature) {
    errors.push_back("quote signature: " + signature.error().message());
    return;
  }
  verification.claims["sig_alg"] = signature_algorithm_name(signature->sig_alg);
  verification.claims["hash_alg"] = hash_algorithm_name(signature->hash_alg);
  auto verified = verify_tpm_signature(*signature, ak->get(), parsed->attest);
  if (!verified) {
    errors.push_back("quote signature: " + verified.error().message() + " with " + ak_name);
  }

  std::optional<std::vector<Bytes>> given_pcrs;
  if (!inputs.pcrs.empty()) {
    given_pcrs = inputs.pcrs;
  }
  auto pcrs = agree(given_pcrs, parsed->pcrs);
  const TpmHash* hash = find_tpm_hash(signature->hash_alg);
  if (pcrs.conflict) {
    errors.push_back("PCR values: the evidence's pcrs are not the ones given");
  } else if (pcrs.value && hash != nullptr) {
    check_pcr_values(*attest, *pcrs.value, *hash, verification);
  }
}

}  // namespace

Verification verify_quote(ByteView evidence, const QuoteInputs& inputs) {
  Verification verification;
  verification.format = EvidenceFormat::kTpm;
  verification.debug = false;
  verification.signer = std::nullopt;
  try {
    verify_into(evidence, inputs, verification);
  } catch (const std::exception& error) {
    verification.errors.push_back(std::string("TPM quote: verification stopped: ") + error.what());
  }
  return verification;
}

}  // namespace ensign::attest::tpm
