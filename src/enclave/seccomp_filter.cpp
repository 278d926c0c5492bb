#include "enclave/seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <string>

namespace ensign::enclave {
namespace {

struct SeccompRelease {
  void operator()(void* context) const { seccomp_release(context); }
};
using SeccompFilter = std::unique_ptr<void, SeccompRelease>;

// Allowed without conditions on their arguments. The list is what the enclave was seen to call
// after the filter, under strace, through every request type and the largest message
// (tests/unit/enclave/main_test.cpp), plus two fallbacks that are named as such.
constexpr int kAlwaysAllowed[] = {
    SCMP_SYS(brk),            // malloc grows and trims the heap
    SCMP_SYS(munmap),         // free returns large blocks (a 4 MiB message)
    SCMP_SYS(futex),          // glibc's and OpenSSL's once-locks, woken at exit
    SCMP_SYS(getrandom),      // OpenSSL's DRBG reseeding
    SCMP_SYS(getpid),         // OpenSSL's DRBG checks for a fork before every generate
    SCMP_SYS(exit_group),     // the process's end, on EOF from the host
    SCMP_SYS(clock_gettime),  // fallback: the vDSO answers it, except on clock sources it cannot
                              // read (some hypervisors), where the DRBG's time check is a syscall
    SCMP_SYS(mlock),          // fallback: SecretBytes locks its pages itself when the secure
    SCMP_SYS(munlock),        // heap could not be created, and unlocks them when wiped
};

#ifdef ENSIGN_SANITIZED
// Sanitizer builds only (ENSIGN_SANITIZED comes with ENSIGN_SANITIZE and ENSIGN_FUZZ; shipped
// builds never compile this list). Found the same way, with the filter's default action set to
// log: the AddressSanitizer allocator protects and releases its own memory, and at exit
// LeakSanitizer stops the world: it clones a tracer task that ptraces the enclave, lists
// /proc/self/task, reads /proc/self/maps and probes memory through a pipe. Without these calls
// the tracer is killed and the enclave waits for it forever. A sanitizer *error* report may
// still be cut short where its symbolizer needs more.
constexpr int kSanitizerAllowed[] = {
    SCMP_SYS(read),        SCMP_SYS(write),        SCMP_SYS(open),           SCMP_SYS(close),
    SCMP_SYS(lseek),       SCMP_SYS(getdents),     SCMP_SYS(pipe2),          SCMP_SYS(mprotect),
    SCMP_SYS(madvise),     SCMP_SYS(clone),        SCMP_SYS(ptrace),         SCMP_SYS(wait4),
    SCMP_SYS(prctl),       SCMP_SYS(sched_yield),  SCMP_SYS(gettid),         SCMP_SYS(getppid),
    SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(exit),
};
#endif

Status add_rule(scmp_filter_ctx filter, int syscall, unsigned count, const scmp_arg_cmp* args) {
  int result = seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, syscall, count, args);
  if (result != 0) {
    return fail(ErrorCode::kInternal,
                "cannot add seccomp rule for system call " + std::to_string(syscall) + ": " +
                    std::strerror(-result));
  }
  return {};
}

// allow_tpm_connection adds what a tpm2-tss TCTI calls after the filter (seen under strace with
// the swtpm and device TCTIs): a new TCP or Unix stream socket per command, its connect, I/O on
// it, its close, and arming the response deadline (tee/tpm/esys.h).
Status allow_tpm_connection(scmp_filter_ctx filter, scmp_datum_t socket) {
  const scmp_arg_cmp above_socket[] = {{0, SCMP_CMP_GT, socket, 0}};
  for (int syscall : {SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(connect)}) {
    ENSIGN_CHECK(add_rule(filter, syscall, 1, above_socket));
  }
  // poll: the device TCTI's wait; alarm and setitimer: the TPM's response deadline.
  for (int syscall : {SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(alarm), SCMP_SYS(setitimer)}) {
    ENSIGN_CHECK(add_rule(filter, syscall, 0, nullptr));
  }
  // socket(2)'s type may carry SOCK_CLOEXEC or SOCK_NONBLOCK: compare the type bits only.
  constexpr scmp_datum_t kTypeMask = 0xf;
  for (scmp_datum_t domain : {AF_INET, AF_INET6, AF_UNIX}) {
    const scmp_arg_cmp stream[] = {{0, SCMP_CMP_EQ, domain, 0},
                                   {1, SCMP_CMP_MASKED_EQ, kTypeMask, SOCK_STREAM}};
    ENSIGN_CHECK(add_rule(filter, SCMP_SYS(socket), 2, stream));
  }
  return {};
}

}  // namespace

Status install_seccomp_filter(int socket_fd, int log_fd, bool tpm_connection) {
  SeccompFilter filter(seccomp_init(SCMP_ACT_KILL_PROCESS));
  if (!filter) {
    return fail(ErrorCode::kInternal, "cannot create the seccomp filter");
  }
  for (int syscall : kAlwaysAllowed) {
    ENSIGN_CHECK(add_rule(filter.get(), syscall, 0, nullptr));
  }
  auto socket = static_cast<scmp_datum_t>(socket_fd);
  auto log = static_cast<scmp_datum_t>(log_fd);
  // Written out rather than with SCMP_A0(), whose C99 compound literals C++ does not have.
  const scmp_arg_cmp on_socket[] = {{0, SCMP_CMP_EQ, socket, 0}};
  const scmp_arg_cmp on_log[] = {{0, SCMP_CMP_EQ, log, 0}};
  const scmp_arg_cmp not_executable[] = {{2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0}};
  // FrameChannel reads requests from, and sends replies to, the host's socket only.
  ENSIGN_CHECK(add_rule(filter.get(), SCMP_SYS(read), 1, on_socket));
  ENSIGN_CHECK(add_rule(filter.get(), SCMP_SYS(sendto), 1, on_socket));
  // The logger writes to stderr only.
  ENSIGN_CHECK(add_rule(filter.get(), SCMP_SYS(write), 1, on_log));
  // malloc maps large blocks (a 4 MiB message), never executable ones: no new code after the
  // filter. mprotect is not needed at all (a single-threaded malloc never calls it).
  ENSIGN_CHECK(add_rule(filter.get(), SCMP_SYS(mmap), 1, not_executable));
  if (tpm_connection) {
    ENSIGN_CHECK(allow_tpm_connection(filter.get(), socket));
  }
#ifdef ENSIGN_SANITIZED
  for (int syscall : kSanitizerAllowed) {
    ENSIGN_CHECK(add_rule(filter.get(), syscall, 0, nullptr));
  }
#endif
  int result = seccomp_load(filter.get());
  if (result != 0) {
    return fail(ErrorCode::kInternal,
                std::string("cannot load the seccomp filter: ") + std::strerror(-result));
  }
  return {};
}

}  // namespace ensign::enclave
