// launch.h: how a host starts ensign-enclave. The host creates a socketpair, places its enclave
// end at kEnclaveSocketFd, closes every other descriptor but stderr, clears the environment and
// runs:
//   ensign-enclave --platform sim|tpm --state-dir DIR [--tcti TCTI] [--create-root] [--verbose]
// --create-root makes the platform's state if absent: the per-installation sim root
// (DIR/sim-root.pem, mode 0600), or the TPM's SRK, attestation key and this build's sealed state
// (tee/tpm/tpm_platform.h); without it missing state is an error. --tcti (tpm only) names the
// tpm2-tss TCTI. A startup failure is an ErrorReply with request id 0 on
// the channel (one line on stderr when the channel is unusable) and exit status
// kEnclaveStartupFailure.
#pragma once

namespace ensign::enclave::protocol {

inline constexpr int kEnclaveSocketFd = 3;
inline constexpr char kEnclaveBinaryName[] = "ensign-enclave";
inline constexpr char kSimRootFileName[] = "sim-root.pem";
inline constexpr int kEnclaveStartupFailure = 3;

}  // namespace ensign::enclave::protocol
