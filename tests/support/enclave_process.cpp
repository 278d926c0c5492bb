#include "support/enclave_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <utility>

#include "enclave/protocol/channel.h"
#include "enclave/protocol/launch.h"

namespace ensign::test {
namespace {

using enclave::protocol::kEnclaveSocketFd;

Unexpected system_error(const std::string& what) {
  return fail(ErrorCode::kUnavailable, what + ": " + std::strerror(errno));
}

std::vector<std::string> arguments_of(const EnclaveOptions& options) {
  if (options.use_arguments_override) {
    return options.arguments_override;
  }
  std::vector<std::string> arguments = {"--platform", "sim", "--state-dir", options.state_dir};
  if (options.create_root) {
    arguments.push_back("--create-root");
  }
  if (options.verbose) {
    arguments.push_back("--verbose");
  }
  return arguments;
}

// run_child sets up the descriptors as launch.h says and executes the enclave; only
// async-signal-safe calls, as the child of a fork.
[[noreturn]] void run_child(const char* binary,
                            char* const* argv,
                            int enclave_end,
                            int stderr_write) {
  if (stderr_write >= 0 && ::dup2(stderr_write, STDERR_FILENO) < 0) {
    ::_exit(126);
  }
  if (enclave_end == kEnclaveSocketFd) {
    ::fcntl(enclave_end, F_SETFD, 0);
  } else if (::dup2(enclave_end, kEnclaveSocketFd) < 0) {
    ::_exit(126);
  }
  ::close(STDIN_FILENO);
  ::close(STDOUT_FILENO);
  ::close_range(kEnclaveSocketFd + 1, ~0u, 0);
  char* const environment[] = {nullptr};
  ::execve(binary, argv, environment);
  ::_exit(127);
}

}  // namespace

Bytes frame_of(ByteView body) {
  Bytes frame;
  auto size = static_cast<std::uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back(static_cast<std::uint8_t>((size >> shift) & 0xff));
  }
  frame.insert(frame.end(), body.begin(), body.end());
  return frame;
}

Result<EnclaveProcess> EnclaveProcess::start(const EnclaveOptions& options) {
  std::vector<std::string> arguments = arguments_of(options);
  std::vector<char*> argv;
  std::string name = enclave::protocol::kEnclaveBinaryName;
  argv.push_back(name.data());
  for (auto& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);

  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    return system_error("socketpair");
  }
  int pipe_ends[2] = {-1, -1};
  if (options.capture_stderr && ::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    ::close(sockets[0]);
    ::close(sockets[1]);
    return system_error("pipe2");
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    run_child(options.binary.c_str(), argv.data(), sockets[1], pipe_ends[1]);
  }
  int saved = errno;
  ::close(sockets[1]);
  if (pipe_ends[1] >= 0) {
    ::close(pipe_ends[1]);
  }
  if (pid < 0) {
    ::close(sockets[0]);
    if (pipe_ends[0] >= 0) {
      ::close(pipe_ends[0]);
    }
    errno = saved;
    return system_error("fork");
  }
  timeval timeout{static_cast<time_t>(options.reply_timeout.count()), 0};
  ::setsockopt(sockets[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return EnclaveProcess(pid, sockets[0], pipe_ends[0]);
}

EnclaveProcess::EnclaveProcess(EnclaveProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      socket_(std::exchange(other.socket_, -1)),
      stderr_pipe_(std::exchange(other.stderr_pipe_, -1)),
      reaped_(std::exchange(other.reaped_, true)) {}

EnclaveProcess::~EnclaveProcess() {
  close_channel();
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stderr_pipe_ >= 0) {
    ::close(stderr_pipe_);
  }
}

Status EnclaveProcess::send_raw(ByteView bytes) {
  enclave::protocol::FrameChannel channel(socket_);
  return channel.send(bytes);
}

Result<enclave::protocol::Envelope> EnclaveProcess::receive() {
  // A fresh FrameChannel per call would lose bytes it read ahead; read exactly one frame.
  auto read_exactly = [&](std::size_t size) -> Result<Bytes> {
    Bytes out;
    while (out.size() < size) {
      std::uint8_t buffer[65536];
      std::size_t want = std::min(sizeof buffer, size - out.size());
      ssize_t n = ::read(socket_, buffer, want);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return fail(ErrorCode::kUnavailable, "enclave channel closed or timed out");
      }
      out.insert(out.end(), buffer, buffer + n);
    }
    return out;
  };
  ENSIGN_TRY(prefix, read_exactly(4));
  std::size_t size = (std::size_t{prefix[0]} << 24) | (std::size_t{prefix[1]} << 16) |
                     (std::size_t{prefix[2]} << 8) | prefix[3];
  if (size == 0 || size > enclave::protocol::kMaxFrameBodySize) {
    return fail(ErrorCode::kInvalidArgument, "reply frame length " + std::to_string(size));
  }
  ENSIGN_TRY(body, read_exactly(size));
  return enclave::protocol::decode_body(body);
}

Result<enclave::protocol::Envelope> EnclaveProcess::call(
    std::uint32_t request_id, const enclave::protocol::Message& request) {
  ENSIGN_TRY(frame, enclave::protocol::encode_frame(request_id, request));
  ENSIGN_CHECK(send_raw(frame));
  return receive();
}

void EnclaveProcess::close_channel() {
  if (socket_ >= 0) {
    ::close(socket_);
    socket_ = -1;
  }
}

Result<int> EnclaveProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
      return status;
    }
    if (done < 0) {
      return system_error("waitpid");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      reaped_ = true;
      return fail(ErrorCode::kUnavailable, "enclave did not exit in time; killed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string EnclaveProcess::read_stderr() {
  std::string text;
  if (stderr_pipe_ < 0) {
    return text;
  }
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(stderr_pipe_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace ensign::test
