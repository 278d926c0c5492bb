// Tests of src/enclave/hardening.cpp. Each process-wide step runs in a forked child.
#include "enclave/hardening.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/secret_bytes.h"
#include "enclave/protocol/messages.h"
#include "enclave_test_support.h"

namespace ensign::enclave {
namespace {

TEST(HardeningTest, ClosesEveryDescriptorAboveTheLastKept) {
  int status = run_in_child([] {
    int low = ::open("/dev/null", O_RDONLY);
    int kept = ::dup2(low, 20);
    int high = ::dup2(low, 21);
    int higher = ::dup2(low, 1000);
    if (kept != 20 || high != 21 || higher != 1000 || !close_inherited_descriptors(20)) {
      return 1;
    }
    bool kept_open = ::fcntl(20, F_GETFD) >= 0;
    bool closed = ::fcntl(21, F_GETFD) < 0 && ::fcntl(1000, F_GETFD) < 0;
    return kept_open && closed ? 0 : 2;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(HardeningTest, PointsStdinAndStdoutAtDevNull) {
  int status = run_in_child([] {
    ::close(STDIN_FILENO);
    if (!redirect_standard_streams()) {
      return 1;
    }
    struct stat null_info {};
    struct stat in_info {};
    struct stat out_info {};
    if (::stat("/dev/null", &null_info) != 0 || ::fstat(STDIN_FILENO, &in_info) != 0 ||
        ::fstat(STDOUT_FILENO, &out_info) != 0) {
      return 2;
    }
    return in_info.st_rdev == null_info.st_rdev && out_info.st_rdev == null_info.st_rdev ? 0 : 3;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(HardeningTest, AcceptsOnlyASocket) {
  int sockets[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets), 0);
  EXPECT_TRUE(check_socket(sockets[0]).has_value());
  ::close(sockets[0]);
  ::close(sockets[1]);
  int pipe_ends[2];
  ASSERT_EQ(::pipe2(pipe_ends, O_CLOEXEC), 0);
  auto refused = check_socket(pipe_ends[0]);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("not the host's socket"), std::string::npos);
  ::close(pipe_ends[0]);
  ::close(pipe_ends[1]);
  EXPECT_FALSE(check_socket(-1).has_value());
}

TEST(HardeningTest, MakesTheProcessNotDumpableWithNoNewPrivileges) {
  int status = run_in_child([] {
    auto flags = restrict_process();
    if (!flags || *flags != (protocol::kHardenedNotDumpable | protocol::kHardenedNoNewPrivileges)) {
      return 1;
    }
    return ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 &&
                   ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1
               ? 0
               : 2;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(HardeningTest, SecureHeapHoldsSecretBytes) {
  int status = run_in_child([] {
    if (!init_secure_heap() || CRYPTO_secure_malloc_initialized() != 1) {
      return 1;
    }
    SecretBytes secret(64);
    return CRYPTO_secure_allocated(secret.data()) == 1 ? 0 : 2;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(HardeningTest, WithoutTheSecureHeapSecretsAreOnTheOrdinaryHeap) {
  SecretBytes secret(64);
  EXPECT_EQ(CRYPTO_secure_allocated(secret.data()), 0);
}

}  // namespace
}  // namespace ensign::enclave
