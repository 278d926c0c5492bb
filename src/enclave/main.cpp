// main.cpp: ensign-enclave, started by the host as launch.h describes. It seals itself off
// (descriptors, environment, secure heap, not dumpable, no_new_privs, seccomp), then serves
// requests on descriptor 3 until the host closes it.
#include <unistd.h>

#include <cstdlib>

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

}  // namespace

int main(int argc, char** argv) {
  enclave::Logger logger(STDERR_FILENO, false);
  if (auto closed = enclave::close_inherited_descriptors(kEnclaveSocketFd); !closed) {
    return startup_failure(logger, closed.error());
  }
  if (auto redirected = enclave::redirect_standard_streams(); !redirected) {
    return startup_failure(logger, redirected.error());
  }
  ::clearenv();
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
  auto platform = tee::sim::SimPlatform::open(
      options->state_dir + "/" + enclave::protocol::kSimRootFileName,
      *measurement,
      options->create_root ? tee::sim::RootMode::kCreateIfMissing : tee::sim::RootMode::kLoad);
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
  if (auto filtered = enclave::install_seccomp_filter(kEnclaveSocketFd, STDERR_FILENO); !filtered) {
    return startup_failure(logger, filtered.error());
  }
  hardening |= enclave::protocol::kHardenedSeccomp;
  enclave::Dispatcher dispatcher(**platform, hardening, logger);
  logger.info("serving: platform sim, measurement " + hex_encode(*measurement).substr(0, 16) +
              "..., hardening flags " + std::to_string(hardening));
  return enclave::serve(kEnclaveSocketFd, dispatcher, logger);
}
