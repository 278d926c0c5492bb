#include "tee/tpm/evidence.h"

#include <tss2/tss2_mu.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "tee/tpm/esys.h"
#include "tee/tpm/pcrs.h"

namespace ensign::tee::tpm {
namespace {

Result<TPM2B_DATA> qualifying(ByteView data) {
  TPM2B_DATA qualifying_data{};
  if (data.size() > sizeof qualifying_data.buffer) {
    return fail(ErrorCode::kInvalidArgument, "qualifying data over " +
                                                 std::to_string(sizeof qualifying_data.buffer) +
                                                 " bytes");
  }
  qualifying_data.size = static_cast<UINT16>(data.size());
  std::memcpy(qualifying_data.buffer, data.data(), data.size());
  return qualifying_data;
}

Result<SignedAttest> marshal(std::string_view command, const TPM2B_ATTEST& attest,
                             const TPMT_SIGNATURE& signature) {
  SignedAttest signed_attest;
  signed_attest.message.assign(attest.attestationData, attest.attestationData + attest.size);
  signed_attest.signature.resize(sizeof(TPMT_SIGNATURE));
  std::size_t offset = 0;
  TSS2_RC rc = Tss2_MU_TPMT_SIGNATURE_Marshal(&signature, signed_attest.signature.data(),
                                              signed_attest.signature.size(), &offset);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure(std::string("marshalling the signature of ") + std::string(command), rc);
  }
  signed_attest.signature.resize(offset);
  return signed_attest;
}

nlohmann::json signed_attest_json(const SignedAttest& attest) {
  return {{"message", base64_encode(attest.message)},
          {"signature", base64_encode(attest.signature)}};
}

}  // namespace

Result<SignedAttest> quote(ESYS_CONTEXT* esys, ESYS_TR ak, ByteView qualifying_data,
                           const TPML_PCR_SELECTION& selection) {
  ENSIGN_TRY(data, qualifying(qualifying_data));
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;  // the AK's own: ECDSA with SHA-256
  TPM2B_ATTEST* attest_raw = nullptr;
  TPMT_SIGNATURE* signature_raw = nullptr;
  TSS2_RC rc = Esys_Quote(esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &data, &scheme,
                          &selection, &attest_raw, &signature_raw);
  EsysPtr<TPM2B_ATTEST> attest(attest_raw);
  EsysPtr<TPMT_SIGNATURE> signature(signature_raw);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_Quote", rc);
  }
  return marshal("TPM2_Quote", *attest, *signature);
}

Result<SignedAttest> certify(ESYS_CONTEXT* esys, ESYS_TR object, ESYS_TR ak,
                             ByteView qualifying_data) {
  ENSIGN_TRY(data, qualifying(qualifying_data));
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;
  TPM2B_ATTEST* attest_raw = nullptr;
  TPMT_SIGNATURE* signature_raw = nullptr;
  TSS2_RC rc = Esys_Certify(esys, object, ak, ESYS_TR_PASSWORD, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                            &data, &scheme, &attest_raw, &signature_raw);
  EsysPtr<TPM2B_ATTEST> attest(attest_raw);
  EsysPtr<TPMT_SIGNATURE> signature(signature_raw);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_Certify", rc);
  }
  return marshal("TPM2_Certify", *attest, *signature);
}

Bytes encode_evidence_document(const EvidenceDocument& document) {
  nlohmann::json pcrs = nlohmann::json::array();
  for (const auto& value : document.pcrs) {
    pcrs.push_back(hex_encode(value));
  }
  std::string selection = "sha256:";
  for (unsigned pcr : kQuotedPcrs) {
    selection += std::to_string(pcr) + (pcr == kQuotedPcrs.back() ? "" : ",");
  }
  nlohmann::json quote_json = signed_attest_json(document.quote);
  quote_json["pcrs"] = std::move(pcrs);
  nlohmann::json json = {
      {"platform", "tpm"},
      {"ak_public", base64_encode(document.ak_public)},
      {"tpm_quote", std::move(quote_json)},
      {"pcr_selection", selection},
      {"measurement", hex_encode(document.measurement)},
      {"measurement_pcr", kEnclavePcr},
  };
  if (document.certification) {
    json["certify"] = signed_attest_json(*document.certification);
  }
  if (document.key_public) {
    json["key_public"] = base64_encode(*document.key_public);
  }
  return to_bytes(json.dump());
}

}  // namespace ensign::tee::tpm
