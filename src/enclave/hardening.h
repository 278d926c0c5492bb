// hardening.h: the steps that turn a freshly started ensign-enclave into a sealed-off process:
// no inherited descriptors, no environment, a locked secure heap for private keys, not
// dumpable, no new privileges. The seccomp filter is in seccomp_filter.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/result.h"

namespace ensign::enclave {

// The secure heap holds OpenSSL's private scalars and SecretBytes; 64 KiB is room for the key
// cache and a request's temporaries.
inline constexpr std::size_t kSecureHeapSize = 64 * 1024;
inline constexpr std::size_t kSecureHeapMinimumAllocation = 32;

// close_inherited_descriptors closes every descriptor above `last_kept` (close_range). Fails
// with Internal when the kernel refuses.
Status close_inherited_descriptors(int last_kept);

// redirect_standard_streams points stdin and stdout at /dev/null; stderr stays for the log.
// Fails with Unavailable when /dev/null cannot be opened.
Status redirect_standard_streams();

// check_socket fails with FailedPrecondition unless `fd` is an open socket: the enclave is
// started by its host, never by hand.
Status check_socket(int fd);

// init_secure_heap creates OpenSSL's secure heap; returns true only when its pages are locked
// in memory and guarded (false: OpenSSL fell back to a plain or unlocked heap).
bool init_secure_heap();

// restrict_process makes the process not dumpable (no core files, no ptrace by the same user)
// and sets no_new_privs (required for the seccomp filter). Returns the kHardened* flags set;
// fails with Internal when prctl refuses.
Result<std::uint32_t> restrict_process();

}  // namespace ensign::enclave
