#include "tee/tpm/esys.h"

#include <tss2/tss2_rc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
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

// The deadline's message, put together before the alarm is armed: the handler only writes it.
char deadline_message[512];
std::size_t deadline_message_size = 0;

void on_deadline(int) {
  ssize_t ignored = ::write(STDERR_FILENO, deadline_message, deadline_message_size);
  (void)ignored;
  ::_exit(kTpmDeadlineExitStatus);
}

}  // namespace

Status ResponseDeadline::install_handler() {
  struct sigaction action {};
  action.sa_handler = on_deadline;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGALRM, &action, nullptr) != 0) {
    return fail(ErrorCode::kInternal,
                std::string("cannot install the TPM deadline handler: ") + std::strerror(errno));
  }
  return {};
}

ResponseDeadline::ResponseDeadline(std::string_view what) {
  std::string message = "ensign-enclave: the TPM did not answer within " +
                        std::to_string(kTpmDeadlineSeconds) + " s: " + std::string(what) + "\n";
  deadline_message_size = std::min(message.size(), sizeof deadline_message);
  std::memcpy(deadline_message, message.data(), deadline_message_size);
  ::alarm(kTpmDeadlineSeconds);
}

ResponseDeadline::~ResponseDeadline() {
  ::alarm(0);
}

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
