// main.cpp: ensign-enclave, started by the host as launch.h describes. It seals itself off
// (descriptors, environment, secure heap, not dumpable, no_new_privs, seccomp), then serves
// requests on descriptor 3 until the host closes it.
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "core/bytes.h"
#include "enclave/dispatcher.h"
#include "enclave/hardening.h"
#include "enclave/logger.h"
#include "enclave/options.h"
#include "enclave/protocol/channel.h"
#include "enclave/protocol/launch.h"
#include "enclave/protocol/messages.h"
#include "enclave/seccomp_filter.h"
#include "enclave/serve.h"
#include "enclave/warm_up.h"
#include "tee/sim/measurement.h"
#include "tee/sim/sim_platform.h"
#include "tee/tpm/tpm_platform.h"

namespace {

using namespace ensign;
using enclave::protocol::kEnclaveSocketFd;

// startup_failure tells the host why the enclave cannot start: as an ErrorReply (request id 0)
// on the channel, which the host reads in place of its Hello reply and reports as its one error
// line; on stderr only when the channel is unusable.
int startup_failure(const enclave::Logger& logger, const Error& error) {
  auto frame = enclave::protocol::encode_frame(0, enclave::error_reply(error));
  enclave::protocol::FrameChannel channel(kEnclaveSocketFd);
  if (!frame || !channel.send(*frame)) {
    logger.error(error.message());
  }
  return enclave::protocol::kEnclaveStartupFailure;
}

// open_platform opens the platform the options name, for an enclave of `measurement`.
Result<std::unique_ptr<tee::Platform>> open_platform(const enclave::Options& options,
                                                     const Bytes& measurement) {
  if (options.platform == tee::tpm::kTpmPlatformName) {
    ENSIGN_TRY(tpm, tee::tpm::TpmPlatform::open(
                        {options.tcti, options.state_dir, measurement, options.create_root}));
    return std::unique_ptr<tee::Platform>(std::move(tpm));
  }
  ENSIGN_TRY(sim, tee::sim::SimPlatform::open(
                      options.state_dir + "/" + enclave::protocol::kSimRootFileName, measurement,
                      options.create_root ? tee::sim::RootMode::kCreateIfMissing
                                          : tee::sim::RootMode::kLoad));
  return std::unique_ptr<tee::Platform>(std::move(sim));
}

}  // namespace

int main(int argc, char** argv) {
  // Frames of up to 4 MiB come and go; a fixed mmap threshold gives each back to the system when
  // it is freed, where glibc's sliding one would keep them in the heap and grow the footprint.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  enclave::Logger logger(STDERR_FILENO, false);
  if (auto closed = enclave::close_inherited_descriptors(kEnclaveSocketFd); !closed) {
    return startup_failure(logger, closed.error());
  }
  if (auto redirected = enclave::redirect_standard_streams(); !redirected) {
    return startup_failure(logger, redirected.error());
  }
  ::clearenv();
  // tpm2-tss writes session secrets to its DEBUG log: none of it, before it is first loaded.
  ::setenv("TSS2_LOG", "all+NONE", 1);
  auto options = enclave::parse_options(argc, argv);
  if (!options) {
    return startup_failure(logger, options.error());
  }
  logger = enclave::Logger(STDERR_FILENO, options->verbose);
  if (auto socket = enclave::check_socket(kEnclaveSocketFd); !socket) {
    return startup_failure(logger, socket.error());
  }
  auto measurement = tee::sim::measure_file("/proc/self/exe");
  if (!measurement) {
    return startup_failure(logger, measurement.error());
  }
  // The secure heap comes before the root is read, so the root's private scalar lives in it.
  std::uint32_t hardening =
      enclave::init_secure_heap() ? enclave::protocol::kHardenedSecureHeap : 0;
  auto platform = open_platform(*options, *measurement);
  if (!platform) {
    return startup_failure(logger, platform.error());
  }
  if (auto warmed = enclave::warm_up(**platform); !warmed) {
    return startup_failure(logger, warmed.error().with_context("warm-up"));
  }
  auto restricted = enclave::restrict_process();
  if (!restricted) {
    return startup_failure(logger, restricted.error());
  }
  hardening |= *restricted;
  // The tpm platform's TCTI talks to the TPM on descriptors of its own, and swtpm's reconnects
  // for every command.
  bool tpm = options->platform == tee::tpm::kTpmPlatformName;
  if (auto filtered = enclave::install_seccomp_filter(kEnclaveSocketFd, STDERR_FILENO, tpm);
      !filtered) {
    return startup_failure(logger, filtered.error());
  }
  hardening |= enclave::protocol::kHardenedSeccomp;
  enclave::Dispatcher dispatcher(**platform, hardening, logger);
  logger.info("serving: platform " + options->platform + ", measurement " + hex_encode(*measurement).substr(0, 16) +
              "..., hardening flags " + std::to_string(hardening));
  return enclave::serve(kEnclaveSocketFd, dispatcher, logger);
}
