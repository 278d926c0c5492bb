// seccomp_filter.h: the enclave's seccomp allow-list. Every system call the serve loop makes is
// listed, with the reason, in seccomp_filter.cpp; any other kills the process.
#pragma once

#include "core/result.h"

namespace ensign::enclave {

// install_seccomp_filter loads the allow-list: reads and sends only on `socket_fd`, writes only
// on `log_fd`, no executable mappings, memory management, randomness and exit. Needs
// no_new_privs (restrict_process). With `tpm_connection`, also what a tpm2-tss TCTI needs:
// stream sockets (swtpm's TCTI connects anew for every command), connect, and read, write, poll
// and close on descriptors above `socket_fd` (the enclave opens no file after the filter, so
// those are the TCTI's). Fails with Internal when libseccomp or the kernel refuses.
Status install_seccomp_filter(int socket_fd, int log_fd, bool tpm_connection = false);

}  // namespace ensign::enclave
