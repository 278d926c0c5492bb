// options.h: the enclave's command line, as launch.h defines it:
//   ensign-enclave --platform sim --state-dir DIR [--create-root] [--verbose]
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace ensign::enclave {

inline constexpr std::size_t kMaxStateDirSize = 4096;

struct Options {
  std::string platform;   // "sim": the only platform this build serves
  std::string state_dir;  // holds the sim root
  bool create_root = false;
  bool verbose = false;
};

// parse_options reads argv[1..argc). Fails with InvalidArgument naming the first unknown,
// repeated or incomplete argument, a platform other than "sim", or a state directory that is
// empty or longer than kMaxStateDirSize.
Result<Options> parse_options(int argc, const char* const* argv);

}  // namespace ensign::enclave
