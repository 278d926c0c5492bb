#include "host/enclave_client.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "enclave/protocol/launch.h"

namespace ensign::host {
namespace protocol = enclave::protocol;

namespace {

// SpawnFileActions owns a posix_spawn_file_actions_t.
class SpawnFileActions {
 public:
  SpawnFileActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

}  // namespace

Result<std::string> default_enclave_path() {
  if (const char* configured = std::getenv("ENSIGN_ENCLAVE");
      configured != nullptr && *configured) {
    if (::access(configured, X_OK) != 0) {
      return fail(ErrorCode::kNotFound,
                  std::string(configured) + " (from ENSIGN_ENCLAVE): not an executable file");
    }
    return std::string(configured);
  }
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    return fail(ErrorCode::kInternal, "cannot find the running executable: " + error.message());
  }
  std::string path = (self.parent_path() / protocol::kEnclaveBinaryName).string();
  if (::access(path.c_str(), X_OK) != 0) {
    return fail(ErrorCode::kNotFound,
                path + ": ensign-enclave is not installed beside ensign (or set ENSIGN_ENCLAVE)");
  }
  return path;
}

Result<std::unique_ptr<EnclaveClient>> EnclaveClient::start(const EnclaveLaunch& launch) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    return fail(ErrorCode::kUnavailable, std::string("socketpair: ") + std::strerror(errno));
  }
  int host_end = sockets[0];
  int enclave_end = sockets[1];

  // The child gets: stdin/stdout on /dev/null, our stderr, its socket end on fd 3, nothing else
  // (every other descriptor is close-on-exec or closed by addclosefrom), and an empty environment.
  SpawnFileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), enclave_end, protocol::kEnclaveSocketFd);
  posix_spawn_file_actions_addclosefrom_np(actions.get(), protocol::kEnclaveSocketFd + 1);

  std::vector<std::string> arguments = {
      launch.enclave_path, "--platform", launch.platform, "--state-dir", launch.state_dir};
  if (!launch.tcti.empty()) {
    arguments.insert(arguments.end(), {"--tcti", launch.tcti});
  }
  if (launch.create_root) {
    arguments.emplace_back("--create-root");
  }
  if (launch.verbose) {
    arguments.emplace_back("--verbose");
  }
  std::vector<char*> argv;
  for (auto& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  char* empty_environment[] = {nullptr};

  pid_t pid = 0;
  int spawn_error = ::posix_spawn(
      &pid, launch.enclave_path.c_str(), actions.get(), nullptr, argv.data(), empty_environment);
  ::close(enclave_end);
  if (spawn_error != 0) {
    ::close(host_end);
    return fail(ErrorCode::kUnavailable,
                launch.enclave_path + ": cannot start: " + std::strerror(spawn_error));
  }
  std::unique_ptr<EnclaveClient> client(new EnclaveClient(pid, host_end));
  auto hello = client->call<protocol::HelloReply>(protocol::HelloRequest{});
  if (!hello) {
    return fail(hello.error().code(), hello.error().message());
  }
  client->hello_ = std::move(hello).value();
  return client;
}

EnclaveClient::~EnclaveClient() {
  ::close(fd_);
  if (!reaped_) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string EnclaveClient::exit_description() {
  int status = 0;
  pid_t done = 0;
  // The enclave exits right after closing its end; give it a moment to be reaped.
  for (int attempt = 0; attempt < 50; ++attempt) {
    done = ::waitpid(pid_, &status, WNOHANG);
    if (done != 0) {
      break;
    }
    ::usleep(10000);
  }
  if (done != pid_) {
    return "ensign-enclave closed the channel";
  }
  reaped_ = true;
  if (WIFEXITED(status)) {
    return "ensign-enclave exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "ensign-enclave was killed by signal " + std::to_string(WTERMSIG(status)) +
           (WTERMSIG(status) == SIGSYS ? " (a system call outside its seccomp allow-list)" : "");
  }
  return "ensign-enclave ended";
}

Result<std::uint32_t> EnclaveClient::send(const protocol::Message& request) {
  std::uint32_t request_id = next_request_id_++;
  ENSIGN_TRY(frame, protocol::encode_frame(request_id, request));
  auto sent = channel_.send(frame);
  if (!sent) {
    return fail(ErrorCode::kUnavailable, exit_description());
  }
  return request_id;
}

Result<protocol::Message> EnclaveClient::receive(std::uint32_t request_id) {
  auto body = channel_.receive();
  if (!body) {
    if (body.error().code() == ErrorCode::kUnavailable) {
      return fail(ErrorCode::kUnavailable, exit_description());
    }
    return fail(body.error().with_context("enclave reply"));
  }
  ENSIGN_TRY(envelope, protocol::decode_body(*body));
  // Request id 0 is the enclave's own report, chiefly why it could not start: the installation
  // is not in a state it can serve, whatever the enclave's own code for it.
  if (auto* error = std::get_if<protocol::ErrorReply>(&envelope.message);
      error != nullptr && envelope.request_id == 0) {
    return fail(ErrorCode::kFailedPrecondition, "ensign-enclave: " + error->message);
  }
  if (envelope.request_id != request_id) {
    return fail(ErrorCode::kInternal,
                "enclave replied to request " + std::to_string(envelope.request_id) +
                    ", expected " + std::to_string(request_id));
  }
  if (auto* error = std::get_if<protocol::ErrorReply>(&envelope.message)) {
    return fail(error->code, "enclave: " + error->message);
  }
  return std::move(envelope.message);
}

template <typename Reply>
Result<Reply> EnclaveClient::receive_as(std::uint32_t request_id) {
  ENSIGN_TRY(message, receive(request_id));
  if (auto* reply = std::get_if<Reply>(&message)) {
    return std::move(*reply);
  }
  return fail(ErrorCode::kInternal, "enclave sent an unexpected reply type");
}

template <typename Reply>
Result<Reply> EnclaveClient::call(const protocol::Message& request) {
  std::lock_guard lock(mutex_);
  ENSIGN_TRY(request_id, send(request));
  return receive_as<Reply>(request_id);
}

Result<protocol::GenerateKeyReply> EnclaveClient::generate_key(
    const protocol::GenerateKeyRequest& request) {
  return call<protocol::GenerateKeyReply>(request);
}

Result<protocol::SignReply> EnclaveClient::sign(const protocol::SignRequest& request) {
  auto reply = call<protocol::SignReply>(request);
  if (reply) {
    signed_log_size_ = static_cast<std::int64_t>(reply->first_index + reply->items.size());
  }
  return reply;
}

Result<protocol::EvidenceReply> EnclaveClient::evidence(const protocol::EvidenceRequest& request) {
  return call<protocol::EvidenceReply>(request);
}

Result<protocol::CreateVerifierKeyReply> EnclaveClient::create_verifier_key() {
  return call<protocol::CreateVerifierKeyReply>(protocol::CreateVerifierKeyRequest{});
}

Result<protocol::AppraiseReply> EnclaveClient::appraise(const protocol::AppraiseRequest& request) {
  return call<protocol::AppraiseReply>(request);
}

Result<protocol::CreateLogReply> EnclaveClient::create_log(
    const protocol::CreateLogRequest& request) {
  auto reply = call<protocol::CreateLogReply>(request);
  if (reply) {
    signed_log_size_ = 0;
  }
  return reply;
}

std::optional<std::uint64_t> EnclaveClient::signed_log_size() const {
  std::int64_t size = signed_log_size_;
  if (size < 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(size);
}

}  // namespace ensign::host
