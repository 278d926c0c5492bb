// launch.h: how a host starts ensign-enclave. The host creates a socketpair, places its enclave
// end at kEnclaveSocketFd, closes every other descriptor but stderr, clears the environment and
// runs:
//   ensign-enclave --platform sim --state-dir DIR [--create-root] [--verbose]
// --create-root makes the per-installation sim root (DIR/sim-root.pem, mode 0600) if absent;
// without it a missing root is an error. A startup failure is an ErrorReply with request id 0 on
// the channel (one line on stderr when the channel is unusable) and exit status
// kEnclaveStartupFailure.
#pragma once

namespace ensign::enclave::protocol {

inline constexpr int kEnclaveSocketFd = 3;
inline constexpr char kEnclaveBinaryName[] = "ensign-enclave";
inline constexpr char kSimRootFileName[] = "sim-root.pem";
inline constexpr int kEnclaveStartupFailure = 3;

}  // namespace ensign::enclave::protocol
