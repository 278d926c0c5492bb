// enclave_client.h: EnclaveClient, the host's side of the enclave boundary. It starts
// ensign-enclave as a separate process on one socketpair (see enclave/protocol/launch.h) and
// exchanges typed messages with it; it never sees private key material.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "enclave/protocol/channel.h"
#include "enclave/protocol/messages.h"

namespace ensign::host {

// EnclaveLaunch says which enclave binary to start and on what state.
struct EnclaveLaunch {
  std::string enclave_path;  // the ensign-enclave executable
  std::string state_dir;     // ENSIGN_HOME, where the sim root lives
  bool create_root = false;  // make the platform's state if absent (ensign init)
  bool verbose = false;      // let the enclave log info lines to stderr
  std::string platform = "sim";  // "sim" or "tpm"
  std::string tcti;              // tpm: the tpm2-tss TCTI the enclave connects to
};

// default_enclave_path returns $ENSIGN_ENCLAVE when set, else the ensign-enclave beside the
// running executable. Fails with NotFound when that file is not there.
Result<std::string> default_enclave_path();

// EnclaveClient is safe to share between threads: one request and its reply at a time.
class EnclaveClient {
 public:
  // start launches the enclave and completes the Hello exchange. Fails with Unavailable, naming
  // the exit status, when the enclave does not come up (its own one-line reason is on stderr).
  static Result<std::unique_ptr<EnclaveClient>> start(const EnclaveLaunch& launch);

  // ~EnclaveClient closes the channel, which makes the enclave exit, and reaps it.
  ~EnclaveClient();
  EnclaveClient(const EnclaveClient&) = delete;
  EnclaveClient& operator=(const EnclaveClient&) = delete;

  // hello returns what the enclave said about itself at start.
  const enclave::protocol::HelloReply& hello() const { return hello_; }
  pid_t pid() const { return pid_; }

  Result<enclave::protocol::GenerateKeyReply> generate_key(
      const enclave::protocol::GenerateKeyRequest& request);
  // sign has a batch signed and logged (see enclave/log_signer.h).
  Result<enclave::protocol::SignReply> sign(const enclave::protocol::SignRequest& request);
  Result<enclave::protocol::EvidenceReply> evidence(
      const enclave::protocol::EvidenceRequest& request);
  Result<enclave::protocol::CreateVerifierKeyReply> create_verifier_key();
  Result<enclave::protocol::AppraiseReply> appraise(
      const enclave::protocol::AppraiseRequest& request);

  Result<enclave::protocol::CreateLogReply> create_log(
      const enclave::protocol::CreateLogRequest& request);

  // signed_log_size is the size of the newest tree this enclave signed a checkpoint of (by a
  // Sign or CreateLog reply), or nullopt before the first. A Sign request on another state must
  // prove that state extends this tree (enclave::protocol::SignRequest::consistency_proof).
  std::optional<std::uint64_t> signed_log_size() const;

 private:
  EnclaveClient(pid_t pid, int fd) : pid_(pid), fd_(fd), channel_(fd) {}

  // send encodes and writes one request, returning its id.
  Result<std::uint32_t> send(const enclave::protocol::Message& request);
  // receive reads the reply to `request_id` and converts an ErrorReply into an Error.
  Result<enclave::protocol::Message> receive(std::uint32_t request_id);
  template <typename Reply>
  Result<Reply> call(const enclave::protocol::Message& request);
  template <typename Reply>
  Result<Reply> receive_as(std::uint32_t request_id);
  // exit_description says how the enclave process ended, for error messages.
  std::string exit_description();

  pid_t pid_;
  int fd_;
  enclave::protocol::FrameChannel channel_;
  enclave::protocol::HelloReply hello_;
  std::mutex mutex_;  // held from a request's send until its reply is read
  std::uint32_t next_request_id_ = 1;
  bool reaped_ = false;
  std::atomic<std::int64_t> signed_log_size_{-1};
};

}  // namespace ensign::host
