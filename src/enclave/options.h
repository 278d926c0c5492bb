// options.h: the enclave's command line, as launch.h defines it:
//   ensign-enclave --platform sim|tpm --state-dir DIR [--tcti TCTI] [--create-root] [--verbose]
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace ensign::enclave {

inline constexpr std::size_t kMaxStateDirSize = 4096;
inline constexpr std::size_t kMaxTctiSize = 1024;

struct Options {
  std::string platform;   // "sim" or "tpm"
  std::string state_dir;  // holds the sim root, or the tpm platform's blobs
  std::string tcti;       // tpm: the tpm2-tss TCTI, e.g. "device:/dev/tpmrm0"
  bool create_root = false;  // make the platform's state when missing (ensign init)
  bool verbose = false;
};

// parse_options reads argv[1..argc). Fails with InvalidArgument naming the first unknown,
// repeated or incomplete argument, a platform other than "sim" and "tpm", a state directory that
// is empty or longer than kMaxStateDirSize, or a --tcti missing on tpm, given on sim, or longer
// than kMaxTctiSize.
Result<Options> parse_options(int argc, const char* const* argv);

}  // namespace ensign::enclave
