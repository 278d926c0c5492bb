// enclave_process.h: EnclaveProcess, the real ensign-enclave started for a test exactly as
// launch.h says (socketpair end on descriptor 3, every other descriptor closed but stderr,
// empty environment), with helpers to talk to it and to watch it exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "enclave/protocol/messages.h"

namespace ensign::test {

// EnclaveOptions says how to start the enclave.
struct EnclaveOptions {
  std::string binary = ENSIGN_BIN_DIR "/ensign-enclave";
  std::string state_dir;
  bool create_root = true;
  bool verbose = false;
  // When set, replaces the arguments built from the fields above (argv[0] excluded).
  std::vector<std::string> arguments_override;
  bool use_arguments_override = false;
  // true: the enclave's stderr goes to a pipe that read_stderr() drains; false: inherited.
  bool capture_stderr = true;
  // How long a receive waits for a reply before failing with Unavailable.
  std::chrono::seconds reply_timeout{60};
};

class EnclaveProcess {
 public:
  // start forks and executes the enclave. Fails with Unavailable when the socketpair, the pipe
  // or the fork fails; a failing exec shows as exit status 127.
  static Result<EnclaveProcess> start(const EnclaveOptions& options);

  EnclaveProcess(EnclaveProcess&& other) noexcept;
  EnclaveProcess& operator=(EnclaveProcess&& other) = delete;
  EnclaveProcess(const EnclaveProcess&) = delete;
  EnclaveProcess& operator=(const EnclaveProcess&) = delete;
  // The destructor kills the enclave if it still runs and reaps it.
  ~EnclaveProcess();

  pid_t pid() const { return pid_; }

  // send_raw writes bytes as they are to the enclave's socket (for malformed frames).
  Status send_raw(ByteView bytes);

  // receive reads and decodes the next reply frame.
  Result<enclave::protocol::Envelope> receive();

  // call sends `request` with `request_id` and returns the decoded reply.
  Result<enclave::protocol::Envelope> call(std::uint32_t request_id,
                                           const enclave::protocol::Message& request);

  // close_channel closes the host's end of the socket: the enclave sees end of stream.
  void close_channel();

  // wait_for_exit waits up to `timeout` for the enclave to end and returns its waitpid status.
  // Fails with Unavailable (after killing it) when it is still running then.
  Result<int> wait_for_exit(std::chrono::milliseconds timeout);

  // read_stderr returns what the enclave wrote to stderr, reading until the pipe closes (call
  // it after the enclave has ended); empty when stderr was not captured.
  std::string read_stderr();

 private:
  EnclaveProcess(pid_t pid, int socket, int stderr_pipe)
      : pid_(pid), socket_(socket), stderr_pipe_(stderr_pipe) {}

  pid_t pid_ = -1;
  int socket_ = -1;
  int stderr_pipe_ = -1;
  bool reaped_ = false;
};

// frame_of returns the complete frame (length prefix included) for `body`.
Bytes frame_of(ByteView body);

}  // namespace ensign::test
