#include "attest/tpm/key_attestation.h"

#include <algorithm>

#include "attest/tpm/certify.h"
#include "attest/tpm/json_input.h"
#include "attest/tpm/verify.h"
#include "tee/sim/report.h"
#include "tee/tpm/enclave_pcr.h"

namespace ensign::attest::tpm {
namespace {

constexpr const char* kRequiredAttributes[] = {"fixedTPM", "fixedParent", "sensitiveDataOrigin"};

// Members is what the document holds beside its quote.
struct Members {
  Bytes measurement;
  Bytes certify_message;
  Bytes certify_signature;
  Bytes key_public;
};

Result<Members> parse_members(ByteView evidence) {
  ENSIGN_TRY(root, parse_json_input(evidence, kMaxKeyAttestationSize, "key attestation"));
  if (!root.is_object() || !root.contains("certify") || !root["certify"].is_object()) {
    return fail(ErrorCode::kInvalidArgument,
                "key attestation: not a tpm key attestation (no certify object)");
  }
  Members members;
  ENSIGN_TRY(measurement, decode_member(root, "measurement", "key attestation", false));
  ENSIGN_TRY(message, decode_member(root["certify"], "message", "key attestation.certify", true));
  ENSIGN_TRY(signature, decode_member(root["certify"], "signature", "key attestation.certify", true));
  ENSIGN_TRY(key_public, decode_member(root, "key_public", "key attestation", true));
  return Members{std::move(measurement), std::move(message), std::move(signature),
                 std::move(key_public)};
}

// quoted_enclave_pcr returns the quoted value of the enclave's PCR, empty when not quoted.
Bytes quoted_enclave_pcr(const Verification& quote) {
  const auto& pcrs = quote.claims.value("pcrs", nlohmann::json::object());
  auto bank = pcrs.find("sha256");
  if (bank == pcrs.end()) {
    return {};
  }
  auto value = bank->find(std::to_string(tee::tpm::kEnclavePcr));
  if (value == bank->end() || !value->is_string()) {
    return {};
  }
  auto bytes = hex_decode(value->get<std::string>());
  return bytes ? *bytes : Bytes{};
}

}  // namespace

TpmKeyAttestation verify_tpm_key_attestation(ByteView evidence, ByteView public_key,
                                             ByteView ak_public) {
  TpmKeyAttestation result;
  auto members = parse_members(evidence);
  if (!members) {
    result.errors.push_back(members.error().message());
    return result;
  }
  result.measurement = members->measurement;
  Bytes report_data = tee::sim::key_attestation_report_data(public_key);

  QuoteInputs inputs;
  inputs.ak_public = Bytes(ak_public.begin(), ak_public.end());
  Verification quote = verify_quote(evidence, inputs);
  result.report_data = quote.report_data;
  for (auto& error : quote.errors) {
    result.errors.push_back("quote: " + error);
  }
  if (quote.verified() && quote.report_data != report_data) {
    result.errors.emplace_back("quote: the qualifying data does not bind this public key");
  }
  Bytes expected_pcr = tee::tpm::enclave_pcr_value(members->measurement);
  if (quote.verified() && quoted_enclave_pcr(quote) != expected_pcr) {
    result.errors.push_back("quote: PCR " + std::to_string(tee::tpm::kEnclavePcr) +
                            " is not the value of enclave measurement " +
                            hex_encode(members->measurement) + " (" + hex_encode(expected_pcr) +
                            ")");
  }

  Certification certification =
      verify_certification(members->certify_message, members->certify_signature, ak_public,
                           members->key_public, public_key, ByteView(report_data));
  for (auto& error : certification.errors) {
    result.errors.push_back("certify: " + error);
  }
  result.attributes = certification.attributes;
  for (const char* required : kRequiredAttributes) {
    if (certification.verified() &&
        std::find(result.attributes.begin(), result.attributes.end(), required) ==
            result.attributes.end()) {
      result.errors.push_back(std::string("certify: the key is not ") + required);
    }
  }
  result.claims = {{"quote", quote.claims},
                   {"certify", certification.claims},
                   {"key_attributes", result.attributes},
                   {"measurement_pcr", tee::tpm::kEnclavePcr}};
  return result;
}

}  // namespace ensign::attest::tpm
