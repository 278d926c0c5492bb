#include "attest/tpm/evidence.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "attest/tpm/json_input.h"
#include "core/wire.h"

namespace ensign::attest::tpm {
namespace {

using nlohmann::json;

Result<std::optional<std::vector<Bytes>>> optional_pcrs(const json& object,
                                                        const std::string& path) {
  auto found = object.find("pcrs");
  if (found == object.end()) {
    return std::optional<std::vector<Bytes>>();
  }
  ENSIGN_TRY(values, hex_strings(*found, kMaxPcrValues, kMaxDigestSize, path + ".pcrs"));
  return std::optional<std::vector<Bytes>>(std::move(values));
}

// quote_members reads the members both containers share: message, signature and pcrs, in
// base64 (trustee) or hex (Azure).
Result<QuoteEvidence> quote_members(const json& object,
                                    const std::string& path,
                                    EvidenceForm form) {
  bool base64 = form == EvidenceForm::kTrusteeJson;
  QuoteEvidence evidence;
  evidence.form = form;
  ENSIGN_TRY(attest, decode_member(object, "message", path, base64));
  ENSIGN_TRY(signature, decode_member(object, "signature", path, base64));
  ENSIGN_TRY(pcrs, optional_pcrs(object, path));
  evidence.attest = std::move(attest);
  evidence.signature = std::move(signature);
  evidence.pcrs = std::move(pcrs);
  return evidence;
}

Result<QuoteEvidence> trustee_evidence(const json& root) {
  const json& quote = root.at("tpm_quote");
  if (!quote.is_object()) {
    return fail(ErrorCode::kInvalidArgument, "evidence.tpm_quote: not an object");
  }
  ENSIGN_TRY(evidence, quote_members(quote, "evidence.tpm_quote", EvidenceForm::kTrusteeJson));
  if (root.contains("ak_public")) {
    ENSIGN_TRY(ak_public, decode_member(root, "ak_public", "evidence", true));
    evidence.ak_public = std::move(ak_public);
  }
  return evidence;
}

}  // namespace

std::string_view evidence_form_name(EvidenceForm form) {
  switch (form) {
    case EvidenceForm::kAttestBytes:
      return "TPMS_ATTEST";
    case EvidenceForm::kTrusteeJson:
      return "trustee JSON";
    case EvidenceForm::kAzureJson:
      return "Azure vTPM JSON";
  }
  return "unknown";
}

Result<QuoteEvidence> parse_quote_evidence(ByteView evidence) {
  if (evidence.size() > kMaxEvidenceSize) {
    return fail(ErrorCode::kInvalidArgument,
                "evidence: " + std::to_string(evidence.size()) + " bytes exceed the limit of " +
                    std::to_string(kMaxEvidenceSize));
  }
  if (wire::Cursor(evidence).u32() == kTpmGeneratedValue) {
    QuoteEvidence bytes_only;
    bytes_only.attest.assign(evidence.begin(), evidence.end());
    return bytes_only;
  }
  auto first = std::find_if(
      evidence.begin(), evidence.end(), [](std::uint8_t byte) { return std::isspace(byte) == 0; });
  if (first == evidence.end() || *first != '{') {
    return fail(ErrorCode::kInvalidArgument,
                "evidence: neither TPMS_ATTEST bytes (TPM_GENERATED_VALUE ff544347 first) nor a "
                "JSON object");
  }
  ENSIGN_TRY(root, parse_json_input(evidence, kMaxEvidenceSize, "evidence"));
  if (root.is_object() && root.contains("tpm_quote")) {
    return trustee_evidence(root);
  }
  if (root.is_object() && root.contains("message")) {
    return quote_members(root, "evidence", EvidenceForm::kAzureJson);
  }
  return fail(ErrorCode::kInvalidArgument,
              "evidence: a JSON object that is neither trustee's {ak_public, tpm_quote} nor "
              "Azure's {message, signature, pcrs}");
}

}  // namespace ensign::attest::tpm
