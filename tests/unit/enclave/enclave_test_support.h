// enclave_test_support.h: helpers shared by the enclave's in-process tests: a SimPlatform on a
// temporary state directory, a platform whose evidence or sealing a test can replace, a pipe
// that captures log lines, and running a check in a forked child (for process-wide hardening).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/enclave_process.h"
#include "support/scratch_directory.h"
#include "tee/sim/sim_platform.h"

namespace ensign::enclave {

class SimPlatformFixture : public ::testing::Test {
 protected:
  SimPlatformFixture() {
    auto opened = tee::sim::SimPlatform::open(
        directory_.path("sim-root.pem"), Bytes(48, 0x5a), tee::sim::RootMode::kCreateIfMissing);
    if (!opened) {
      throw std::runtime_error(opened.error().message());
    }
    platform_ = std::move(opened).value();
  }

  test::ScratchDirectory directory_;
  std::unique_ptr<tee::sim::SimPlatform> platform_;
};

// DelegatingPlatform forwards to another platform, except where a test sets a replacement.
class DelegatingPlatform : public tee::Platform {
 public:
  explicit DelegatingPlatform(tee::Platform& inner) : inner_(inner) {}
  const tee::Identity& identity() const override { return inner_.identity(); }
  Result<Bytes> evidence(ByteView report_data) override {
    return evidence_replacement ? evidence_replacement(report_data) : inner_.evidence(report_data);
  }
  Result<Bytes> seal(tee::SealPurpose purpose,
                     std::string_view object_id,
                     const SecretBytes& plaintext) override {
    if (seal_replacement) {
      return seal_replacement();
    }
    return inner_.seal(purpose, object_id, plaintext);
  }
  Result<SecretBytes> unseal(tee::SealPurpose purpose,
                             std::string_view object_id,
                             ByteView sealed) override {
    return inner_.unseal(purpose, object_id, sealed);
  }

  std::function<Result<Bytes>(ByteView)> evidence_replacement;
  std::function<Result<Bytes>()> seal_replacement;

 private:
  tee::Platform& inner_;
};

// CapturePipe collects what is written to its write end.
class CapturePipe {
 public:
  CapturePipe() {
    if (::pipe2(ends_, O_CLOEXEC | O_NONBLOCK) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
  }
  ~CapturePipe() {
    ::close(ends_[0]);
    ::close(ends_[1]);
  }
  CapturePipe(const CapturePipe&) = delete;
  CapturePipe& operator=(const CapturePipe&) = delete;

  int write_end() const { return ends_[1]; }
  // drain returns everything written since the last drain.
  std::string drain() const {
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(ends_[0], buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }

 private:
  int ends_[2] = {-1, -1};
};

// run_in_child runs `check` in a forked child, which exits with its result, and returns the
// child's waitpid status. For checks that change the whole process (prctl, seccomp, fds).
inline int run_in_child(const std::function<int()>& check) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::_exit(check());
  }
  int status = -1;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace ensign::enclave
