// Tests of src/enclave/seccomp_filter.cpp: what the allow-list lets through and what kills the
// process. Each case runs in a forked child, since a filter cannot be removed.
#include "enclave/seccomp_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "enclave/hardening.h"
#include "enclave_test_support.h"

namespace ensign::enclave {
namespace {

class SeccompFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets_), 0);
  }
  void TearDown() override {
    ::close(sockets_[0]);
    ::close(sockets_[1]);
  }

  // run_filtered installs the filter in a child (socket: sockets_[1], log: the log pipe), runs
  // `action` there and returns the child's status.
  int run_filtered(const std::function<int()>& action) {
    return run_in_child([&] {
      if (!restrict_process() || !install_seccomp_filter(sockets_[1], log_.write_end())) {
        return 100;
      }
      return action();
    });
  }

  static bool killed_by_seccomp(int status) {
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
  }

  int sockets_[2] = {-1, -1};
  CapturePipe log_;
};

TEST_F(SeccompFilterTest, AllowsTheServeLoopsCalls) {
  ASSERT_EQ(::write(sockets_[0], "ping", 4), 4);
  int status = run_filtered([&] {
    char buffer[4];
    if (::read(sockets_[1], buffer, sizeof buffer) != 4) {
      return 1;
    }
    if (::send(sockets_[1], "pong", 4, MSG_NOSIGNAL) != 4) {
      return 2;
    }
    if (::write(log_.write_end(), "log\n", 4) != 4) {
      return 3;
    }
    void* memory =
        ::mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED || ::munmap(memory, 1 << 20) != 0) {
      return 4;
    }
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  char reply[4];
  EXPECT_EQ(::read(sockets_[0], reply, sizeof reply), 4);
  EXPECT_EQ(log_.drain(), "log\n");
}

TEST_F(SeccompFilterTest, KillsOnANewSocket) {
  int status = run_filtered([] { return ::socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}

TEST_F(SeccompFilterTest, KillsOnExec) {
  int status = run_filtered([] {
    char* const argv[] = {nullptr};
    ::execve("/bin/true", argv, argv);
    return 1;
  });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}

#ifndef ENSIGN_SANITIZED
// The sanitizer runtime needs open, write, clone and more without these restrictions (see
// seccomp_filter.cpp), so these hold in shipped builds only.
TEST_F(SeccompFilterTest, KillsOnFork) {
  int status = run_filtered([] { return ::fork() >= 0 ? 0 : 1; });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}

TEST_F(SeccompFilterTest, KillsOnOpeningAFile) {
  int status = run_filtered([] { return ::open("/etc/hostname", O_RDONLY) >= 0 ? 0 : 1; });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}

TEST_F(SeccompFilterTest, KillsOnWritingAnotherDescriptor) {
  int status = run_filtered([&] { return ::write(sockets_[1], "x", 1) == 1 ? 0 : 1; });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}

TEST_F(SeccompFilterTest, KillsOnExecutableMemory) {
  int status = run_filtered([] {
    void* memory = ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? 1 : 0;
  });
  EXPECT_TRUE(killed_by_seccomp(status)) << status;
}
#endif

}  // namespace
}  // namespace ensign::enclave
