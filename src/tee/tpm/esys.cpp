#include "tee/tpm/esys.h"

#include <tss2/tss2_rc.h>

#include <cstdio>
#include <utility>

namespace ensign::tee::tpm {
namespace {

constexpr TSS2_RC kTpmErrorBits = 0xfff;
constexpr TSS2_RC kFormatOne = 0x080;
// Format-one codes carry the handle, session or parameter number in bits 6 and 8..11.
constexpr TSS2_RC kFormatOneCode = 0x0bf;

ErrorCode error_code_of(TSS2_RC rc) {
  TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;
  if (layer == TSS2_TCTI_RC_LAYER || rc == TSS2_ESYS_RC_TRY_AGAIN) {
    return ErrorCode::kUnavailable;
  }
  if (layer == TSS2_TPM_RC_LAYER &&
      (is_tpm_error(rc, TPM2_RC_POLICY_FAIL) || is_tpm_error(rc, TPM2_RC_INTEGRITY) ||
       is_tpm_error(rc, TPM2_RC_PCR_CHANGED))) {
    return ErrorCode::kDataLoss;
  }
  return ErrorCode::kInternal;
}

}  // namespace

bool is_tpm_error(TSS2_RC rc, TSS2_RC tpm_rc) {
  if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER) {
    return false;
  }
  TSS2_RC code = rc & kTpmErrorBits;
  return (code & kFormatOne) != 0 ? (code & kFormatOneCode) == tpm_rc : code == tpm_rc;
}

Unexpected tpm_failure(std::string_view command, TSS2_RC rc) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(rc));
  return fail(error_code_of(rc),
              std::string(command) + " failed: " + Tss2_RC_Decode(rc) + " (" + hex + ")");
}

Result<std::unique_ptr<EsysContext>> EsysContext::connect(const std::string& tcti) {
  TSS2_TCTI_CONTEXT* tcti_context = nullptr;
  TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti.c_str(), &tcti_context);
  if (rc != TSS2_RC_SUCCESS) {
    return fail(ErrorCode::kUnavailable, "cannot reach a TPM through TCTI \"" + tcti +
                                             "\": " + Tss2_RC_Decode(rc) +
                                             " (is the TPM or swtpm running there?)");
  }
  ESYS_CONTEXT* esys = nullptr;
  rc = Esys_Initialize(&esys, tcti_context, nullptr);
  if (rc != TSS2_RC_SUCCESS) {
    Tss2_TctiLdr_Finalize(&tcti_context);
    return tpm_failure("Esys_Initialize on TCTI \"" + tcti + "\"", rc);
  }
  std::unique_ptr<EsysContext> context(new EsysContext(tcti_context, esys));
  rc = Esys_SetTimeout(esys, kTpmResponseTimeoutMs);
  if (rc != TSS2_RC_SUCCESS) {
    return tpm_failure("Esys_SetTimeout", rc);
  }
  rc = Esys_Startup(esys, TPM2_SU_CLEAR);
  if (rc != TSS2_RC_SUCCESS && !is_tpm_error(rc, TPM2_RC_INITIALIZE)) {
    return tpm_failure("TPM2_Startup on TCTI \"" + tcti + "\"", rc);
  }
  return context;
}

EsysContext::~EsysContext() {
  Esys_Finalize(&esys_);
  Tss2_TctiLdr_Finalize(&tcti_);
}

TransientHandle::TransientHandle(TransientHandle&& other) noexcept
    : esys_(other.esys_), handle_(std::exchange(other.handle_, ESYS_TR_NONE)) {}

TransientHandle& TransientHandle::operator=(TransientHandle&& other) noexcept {
  if (this != &other) {
    reset();
    esys_ = other.esys_;
    handle_ = std::exchange(other.handle_, ESYS_TR_NONE);
  }
  return *this;
}

void TransientHandle::reset() {
  if (handle_ != ESYS_TR_NONE) {
    Esys_FlushContext(esys_, handle_);
    handle_ = ESYS_TR_NONE;
  }
}

}  // namespace ensign::tee::tpm
