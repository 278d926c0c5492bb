#include "enclave/hardening.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/secret_bytes.h"
#include "enclave/protocol/messages.h"

namespace ensign::enclave {
namespace {

Unexpected system_error(const std::string& what) {
  return fail(ErrorCode::kInternal, what + ": " + std::strerror(errno));
}

}  // namespace

Status close_inherited_descriptors(int last_kept) {
  if (::close_range(static_cast<unsigned>(last_kept) + 1, ~0u, 0) != 0) {
    return system_error("cannot close inherited descriptors");
  }
  return {};
}

Status redirect_standard_streams() {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) {
    return fail(ErrorCode::kUnavailable,
                std::string("/dev/null: cannot open: ") + std::strerror(errno));
  }
  bool redirected = ::dup2(null, STDIN_FILENO) >= 0 && ::dup2(null, STDOUT_FILENO) >= 0;
  int saved = errno;
  if (null > STDERR_FILENO) {
    ::close(null);
  }
  if (!redirected) {
    return fail(ErrorCode::kUnavailable,
                std::string("cannot redirect stdin/stdout to /dev/null: ") + std::strerror(saved));
  }
  return {};
}

Status check_socket(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) {
    return fail(ErrorCode::kFailedPrecondition,
                "descriptor " + std::to_string(fd) +
                    " is not the host's socket; ensign-enclave is started by ensign, not by hand");
  }
  return {};
}

bool init_secure_heap() {
  return ensign::init_secure_heap(kSecureHeapSize, kSecureHeapMinimumAllocation);
}

Result<std::uint32_t> restrict_process() {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return system_error("cannot make the process not dumpable");
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return system_error("cannot set no_new_privs");
  }
  return protocol::kHardenedNotDumpable | protocol::kHardenedNoNewPrivileges;
}

}  // namespace ensign::enclave
