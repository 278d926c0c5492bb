// software_tpm.h: SoftwareTpm, one real TPM 2.0 (swtpm, on libtpms) for one test: on free
// loopback TCP ports (the swtpm TCTI finds the control channel at the server port + 1), its
// state in the test's scratch directory, stopped when the test ends. Tests that need it skip
// when swtpm or tpm2-tools is not installed (SoftwareTpm::installed).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "core/file.h"
#include "support/scratch_directory.h"

namespace ensign::test {

class SoftwareTpm {
 public:
  // installed tells whether swtpm and tpm2-tools are on PATH.
  static bool installed() {
    return std::system("command -v swtpm tpm2_createprimary tpm2_flushcontext >/dev/null 2>&1") ==
           0;
  }

  // SoftwareTpm starts swtpm with its state in `scratch`/`name`; running() says whether it did.
  explicit SoftwareTpm(const ScratchDirectory& scratch, const std::string& name = "tpm")
      : scratch_(scratch), dir_(scratch.path(name)) {
    std::filesystem::create_directories(dir_);
    start();
  }
  ~SoftwareTpm() { stop(); }
  SoftwareTpm(const SoftwareTpm&) = delete;
  SoftwareTpm& operator=(const SoftwareTpm&) = delete;

  bool running() const { return pid_ > 0; }
  // tcti returns the tpm2-tss TCTI of this TPM.
  std::string tcti() const { return "swtpm:host=127.0.0.1,port=" + std::to_string(port_); }
  // error returns swtpm's log, for a failed start.
  std::string error() const { return contents(dir_ + "/swtpm.log"); }

  // tool runs a tpm2-tools command line in the scratch directory against this TPM, then flushes
  // what it left loaded (swtpm has three object slots and no resource manager). Returns the exit
  // status; the output goes to tools.log (log()).
  int tool(const std::string& command) const {
    std::string log = " >>" + scratch_.path("tools.log") + " 2>&1";
    std::string script = "export TPM2TOOLS_TCTI='" + tcti() + "' TSS2_LOG=all+NONE; cd " +
                         scratch_.root() + " || exit 1; { " + command + "; }" + log +
                         "; status=$?; tpm2_flushcontext -t" + log + "; tpm2_flushcontext -s" +
                         log + "; exit $status";
    int status = std::system(script.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() const { return contents(scratch_.path("tools.log")); }

 private:
  static std::string contents(const std::string& path) {
    auto bytes = read_file(path, 1024 * 1024);
    return bytes ? std::string(as_string(*bytes)) : std::string();
  }

  void start() {
    std::mt19937 random(std::random_device{}());
    std::string pid_file = dir_ + "/swtpm.pid";
    // A port another test took meanwhile makes swtpm fail to bind: try other ports.
    for (int attempt = 0; attempt < 20 && pid_ <= 0; ++attempt) {
      port_ = 20000 + static_cast<int>(random() % 20000) * 2;
      std::string command =
          "swtpm socket --tpm2 --server type=tcp,port=" + std::to_string(port_) +
          ",bindaddr=127.0.0.1 --ctrl type=tcp,port=" + std::to_string(port_ + 1) +
          ",bindaddr=127.0.0.1 --tpmstate dir=" + dir_ +
          " --flags not-need-init,startup-clear --pid file=" + pid_file + " --daemon >" + dir_ +
          "/swtpm.log 2>&1";
      if (std::system(command.c_str()) != 0) {
        continue;
      }
      for (int wait = 0; wait < 100 && pid_ <= 0; ++wait) {
        std::ifstream pid_stream(pid_file);
        if (!(pid_stream >> pid_)) {
          pid_ = 0;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    }
  }

  // alive tells whether `pid` still runs. A daemonized swtpm is not our child, and where nothing
  // reaps orphans (a container's first process often does not) it stays a zombie after it exits.
  static bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) {
      return false;
    }
    auto state = line.rfind(") ");  // the name in parentheses may itself hold spaces
    return state != std::string::npos && state + 2 < line.size() && line[state + 2] != 'Z';
  }

  void stop() {
    if (pid_ <= 0) {
      return;
    }
    ::kill(pid_, SIGTERM);
    for (int wait = 0; wait < 100 && alive(pid_); ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = 0;
  }

  const ScratchDirectory& scratch_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// SoftwareTpmTest is the fixture of tests on one swtpm: skipped without swtpm and tpm2-tools,
// and with tpm2-tss's log silenced as the enclave silences it.
class SoftwareTpmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SoftwareTpm::installed()) {
      GTEST_SKIP() << "swtpm and tpm2-tools are not installed";
    }
    ::setenv("TSS2_LOG", "all+NONE", 1);
    tpm_ = std::make_unique<SoftwareTpm>(scratch_);
    ASSERT_TRUE(tpm_->running()) << tpm_->error();
  }

  ScratchDirectory scratch_;
  std::unique_ptr<SoftwareTpm> tpm_;
};

}  // namespace ensign::test
