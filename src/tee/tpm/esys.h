// esys.h: tpm2-tss's ESYS API under RAII: the connection (TCTI and ESYS context), transient
// handles that are flushed when dropped (a bare swtpm has three object slots and no resource
// manager), memory ESYS returns, and errors that name the TPM command and decode its response.
#pragma once

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ensign::tee::tpm {

// A TPM answers in milliseconds; ECC key generation on a slow chip takes a second or two. Past
// this an operation is abandoned instead of waiting for a TPM that is gone or stuck.
inline constexpr unsigned kTpmDeadlineSeconds = 15;
// The exit status of a process whose TPM did not answer in time (see ResponseDeadline).
inline constexpr int kTpmDeadlineExitStatus = 4;

struct EsysFree {
  void operator()(void* memory) const { Esys_Free(memory); }
};
// EsysPtr owns a structure ESYS allocated for an output parameter.
template <typename T>
using EsysPtr = std::unique_ptr<T, EsysFree>;

// tpm_failure is the error of a failed TPM command `command` (e.g. "TPM2_Unseal"): its response
// code decoded by Tss2_RC_Decode, and its hex value. TCTI failures (no TPM, timeout) are
// Unavailable, policy and integrity refusals DataLoss, the rest Internal.
Unexpected tpm_failure(std::string_view command, TSS2_RC rc);

// is_tpm_error tells whether `rc` is the TPM's response code `tpm_rc` (a TPM2_RC_* format-one
// or format-zero code), whichever handle, session or parameter it names.
bool is_tpm_error(TSS2_RC rc, TSS2_RC tpm_rc);

// ResponseDeadline bounds the TPM work of one operation. ESYS's synchronous calls retry for as
// long as the TCTI says "try again", and the swtpm TCTI's start-up handshake reads without a
// timeout, so a TPM that accepts connections and never answers would hang the enclave. While a
// deadline lives, SIGALRM is due after kTpmDeadlineSeconds; when it comes, the process writes
// "ensign-enclave: the TPM did not answer within 15 s: <what>" on stderr and exits with
// kTpmDeadlineExitStatus. Deadlines do not nest.
class ResponseDeadline {
 public:
  // install_handler installs the SIGALRM handler; once, before the seccomp filter.
  static Status install_handler();

  explicit ResponseDeadline(std::string_view what);
  ~ResponseDeadline();
  ResponseDeadline(const ResponseDeadline&) = delete;
  ResponseDeadline& operator=(const ResponseDeadline&) = delete;
};

// EsysContext is one connection to a TPM.
class EsysContext {
 public:
  // connect loads the TCTI `tcti` (tpm2-tss's "name:configuration", e.g.
  // "swtpm:host=127.0.0.1,port=2321" or "device:/dev/tpmrm0"), starts ESYS on it and sends
  // TPM2_Startup(CLEAR) unless the TPM is already started.
  // Fails with Unavailable naming the TCTI when there is no TPM there.
  static Result<std::unique_ptr<EsysContext>> connect(const std::string& tcti);
  ~EsysContext();
  EsysContext(const EsysContext&) = delete;
  EsysContext& operator=(const EsysContext&) = delete;

  ESYS_CONTEXT* get() const { return esys_; }

 private:
  EsysContext(TSS2_TCTI_CONTEXT* tcti, ESYS_CONTEXT* esys) : tcti_(tcti), esys_(esys) {}

  TSS2_TCTI_CONTEXT* tcti_;
  ESYS_CONTEXT* esys_;
};

// TransientHandle is a loaded object or a session, flushed from the TPM when dropped.
class TransientHandle {
 public:
  TransientHandle() = default;
  TransientHandle(ESYS_CONTEXT* esys, ESYS_TR handle) : esys_(esys), handle_(handle) {}
  ~TransientHandle() { reset(); }
  TransientHandle(TransientHandle&& other) noexcept;
  TransientHandle& operator=(TransientHandle&& other) noexcept;
  TransientHandle(const TransientHandle&) = delete;
  TransientHandle& operator=(const TransientHandle&) = delete;

  ESYS_TR get() const { return handle_; }
  explicit operator bool() const { return handle_ != ESYS_TR_NONE; }
  void reset();

 private:
  ESYS_CONTEXT* esys_ = nullptr;
  ESYS_TR handle_ = ESYS_TR_NONE;
};

}  // namespace ensign::tee::tpm
