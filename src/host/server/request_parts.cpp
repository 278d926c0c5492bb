#include "host/server/request_parts.h"

#include <charconv>
#include <limits>
#include <string>

namespace ensign::host::server {

Result<std::optional<std::uint64_t>> query_integer(const httplib::Request& request,
                                                   const char* name, std::uint64_t largest) {
  if (!request.has_param(name)) {
    return std::optional<std::uint64_t>();
  }
  std::string text = request.get_param_value(name);
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      value > largest) {
    return fail(ErrorCode::kInvalidArgument, std::string("query parameter ") + name +
                                                 " must be a whole number from 0 to " +
                                                 std::to_string(largest));
  }
  return std::optional<std::uint64_t>(value);
}

Result<std::uint32_t> query_version(const httplib::Request& request) {
  ENSIGN_TRY(version, query_integer(request, "version", std::numeric_limits<std::uint32_t>::max()));
  if (version && *version == 0) {
    return fail(ErrorCode::kInvalidArgument, "query parameter version starts at 1");
  }
  return static_cast<std::uint32_t>(version.value_or(0));
}

}  // namespace ensign::host::server
