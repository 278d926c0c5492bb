#include "tee/tpm/pcrs.h"

#include <cstring>

#include "tee/tpm/esys.h"

namespace ensign::tee::tpm {

TPML_PCR_SELECTION sha256_selection(const unsigned* pcrs, std::size_t count) {
  TPML_PCR_SELECTION selection{};
  selection.count = 1;
  selection.pcrSelections[0].hash = TPM2_ALG_SHA256;
  selection.pcrSelections[0].sizeofSelect = 3;
  for (std::size_t index = 0; index < count; ++index) {
    selection.pcrSelections[0].pcrSelect[pcrs[index] / 8] |=
        static_cast<BYTE>(1u << (pcrs[index] % 8));
  }
  return selection;
}

TPML_PCR_SELECTION enclave_pcr_selection() {
  constexpr unsigned pcr = kEnclavePcr;
  return sha256_selection(&pcr, 1);
}

TPML_PCR_SELECTION quoted_pcr_selection() {
  return sha256_selection(kQuotedPcrs.data(), kQuotedPcrs.size());
}

Result<std::vector<Bytes>> read_pcrs(ESYS_CONTEXT* esys, const TPML_PCR_SELECTION& selection) {
  // TPM2_PCR_Read returns at most eight values; what it returned is cleared from the request.
  TPML_PCR_SELECTION remaining = selection;
  std::vector<Bytes> values;
  for (int round = 0; round < 8; ++round) {
    bool any = false;
    for (BYTE byte : remaining.pcrSelections[0].pcrSelect) {
      any = any || byte != 0;
    }
    if (!any) {
      return values;
    }
    UINT32 update_counter = 0;
    TPML_PCR_SELECTION* returned_raw = nullptr;
    TPML_DIGEST* digests_raw = nullptr;
    TSS2_RC rc = Esys_PCR_Read(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &remaining,
                               &update_counter, &returned_raw, &digests_raw);
    EsysPtr<TPML_PCR_SELECTION> returned(returned_raw);
    EsysPtr<TPML_DIGEST> digests(digests_raw);
    if (rc != TSS2_RC_SUCCESS) {
      return tpm_failure("TPM2_PCR_Read", rc);
    }
    if (digests->count == 0 || returned->count != 1) {
      break;
    }
    for (UINT32 index = 0; index < digests->count; ++index) {
      values.emplace_back(digests->digests[index].buffer,
                          digests->digests[index].buffer + digests->digests[index].size);
    }
    for (std::size_t byte = 0; byte < sizeof remaining.pcrSelections[0].pcrSelect; ++byte) {
      remaining.pcrSelections[0].pcrSelect[byte] &=
          static_cast<BYTE>(~returned->pcrSelections[0].pcrSelect[byte]);
    }
  }
  return fail(ErrorCode::kInternal, "TPM2_PCR_Read returned fewer SHA-256 PCRs than selected "
                                    "(is the SHA-256 bank allocated?)");
}

Status record_measurement(ESYS_CONTEXT* esys, ByteView measurement) {
  Bytes expected = enclave_pcr_value(measurement);
  ENSIGN_TRY(before, read_pcrs(esys, enclave_pcr_selection()));
  if (before.size() == 1 && before[0] == expected) {
    return {};
  }
  ESYS_TR pcr = ESYS_TR_PCR0 + kEnclavePcr;
  TSS2_RC rc = Esys_PCR_Reset(esys, pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_PCR_Reset of PCR " + std::to_string(kEnclavePcr), rc);
  }
  TPM2B_EVENT event{};
  event.size = static_cast<UINT16>(measurement.size());
  std::memcpy(event.buffer, measurement.data(), measurement.size());
  TPML_DIGEST_VALUES* digests_raw = nullptr;
  rc = Esys_PCR_Event(esys, pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &event,
                      &digests_raw);
  EsysPtr<TPML_DIGEST_VALUES> digests(digests_raw);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("TPM2_PCR_Event of PCR " + std::to_string(kEnclavePcr), rc);
  }
  ENSIGN_TRY(after, read_pcrs(esys, enclave_pcr_selection()));
  if (after.size() != 1 || after[0] != expected) {
    return fail(ErrorCode::kFailedPrecondition,
                "PCR " + std::to_string(kEnclavePcr) + " does not hold this enclave's measurement "
                "after recording it: another enclave build is using this TPM at the same time");
  }
  return {};
}

}  // namespace ensign::tee::tpm
