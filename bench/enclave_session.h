// enclave_session.h: one ensign-enclave on a throwaway state directory, for a benchmark's
// process to share between its benchmarks.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "host/enclave_client.h"

namespace ensign::bench {

class EnclaveSession {
 public:
  // The enclave runs on `platform` ("sim", or "tpm" through `tcti`); exits the process when it
  // cannot start.
  explicit EnclaveSession(const std::string& platform = "sim", const std::string& tcti = "") {
    char pattern[] = "/tmp/ensign-bench-XXXXXX";
    state_dir_ = ::mkdtemp(pattern);
    host::EnclaveLaunch launch{
        std::string(ENSIGN_BIN_DIR) + "/ensign-enclave", state_dir_, true, false, platform, tcti};
    auto started = host::EnclaveClient::start(launch);
    if (!started) {
      std::fprintf(stderr, "cannot start the enclave: %s\n", started.error().message().c_str());
      std::exit(1);
    }
    client_ = std::move(started).value();
  }
  ~EnclaveSession() {
    client_.reset();
    std::filesystem::remove_all(state_dir_);
  }
  EnclaveSession(const EnclaveSession&) = delete;
  EnclaveSession& operator=(const EnclaveSession&) = delete;

  host::EnclaveClient& client() { return *client_; }
  const std::string& state_dir() const { return state_dir_; }

 private:
  std::string state_dir_;
  std::unique_ptr<host::EnclaveClient> client_;
};

}  // namespace ensign::bench
