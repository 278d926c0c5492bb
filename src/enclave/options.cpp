#include "enclave/options.h"

#include <string_view>

namespace ensign::enclave {
namespace {

constexpr std::string_view kUsage =
    " (usage: ensign-enclave --platform sim|tpm --state-dir DIR [--tcti TCTI] [--create-root] "
    "[--verbose])";

Unexpected usage_error(const std::string& problem) {
  return fail(ErrorCode::kInvalidArgument, problem + std::string(kUsage));
}

}  // namespace

Result<Options> parse_options(int argc, const char* const* argv) {
  Options options;
  bool seen_platform = false;
  bool seen_state_dir = false;
  bool seen_tcti = false;
  for (int index = 1; index < argc; ++index) {
    std::string_view argument = argv[index];
    bool* flag = argument == "--create-root" ? &options.create_root
                 : argument == "--verbose"   ? &options.verbose
                                             : nullptr;
    bool* seen = argument == "--platform"    ? &seen_platform
                 : argument == "--state-dir" ? &seen_state_dir
                 : argument == "--tcti"      ? &seen_tcti
                                             : nullptr;
    std::string* value = argument == "--platform"    ? &options.platform
                         : argument == "--state-dir" ? &options.state_dir
                                                     : &options.tcti;
    if (flag == nullptr && seen == nullptr) {
      return usage_error("unknown argument \"" + std::string(argument.substr(0, 64)) + "\"");
    }
    if ((flag != nullptr && *flag) || (seen != nullptr && *seen)) {
      return usage_error(std::string(argument) + " given twice");
    }
    if (flag != nullptr) {
      *flag = true;
      continue;
    }
    if (index + 1 >= argc) {
      return usage_error(std::string(argument) + " needs a value");
    }
    *seen = true;
    *value = argv[++index];
  }
  if (!seen_platform || !seen_state_dir) {
    return usage_error("--platform and --state-dir are required");
  }
  if (options.platform != "sim" && options.platform != "tpm") {
    return usage_error("platform \"" + options.platform.substr(0, 64) +
                       "\" is not served by this enclave build (\"sim\" or \"tpm\")");
  }
  if (seen_tcti != (options.platform == "tpm")) {
    return usage_error(seen_tcti ? "--tcti is for the tpm platform only"
                                 : "the tpm platform needs --tcti");
  }
  if (seen_tcti && (options.tcti.empty() || options.tcti.size() > kMaxTctiSize)) {
    return usage_error("--tcti must be 1.." + std::to_string(kMaxTctiSize) + " characters");
  }
  if (options.state_dir.empty() || options.state_dir.size() > kMaxStateDirSize) {
    return usage_error("--state-dir must be 1.." + std::to_string(kMaxStateDirSize) +
                       " characters");
  }
  return options;
}

}  // namespace ensign::enclave
