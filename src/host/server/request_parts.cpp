#include "host/server/request_parts.h"

#include <limits>
#include <string>

#include "formats/api_requests.h"

namespace ensign::host::server {

Result<std::optional<std::uint64_t>> query_integer(const httplib::Request& request,
                                                   const char* name, std::uint64_t largest) {
  if (!request.has_param(name)) {
    return std::optional<std::uint64_t>();
  }
  ENSIGN_TRY(value,
             formats::decode_query_integer(request.get_param_value(name), name, largest));
  return std::optional<std::uint64_t>(value);
}

Result<std::uint32_t> query_version(const httplib::Request& request) {
  ENSIGN_TRY(version, query_integer(request, "version", std::numeric_limits<std::uint32_t>::max()));
  if (version && *version == 0) {
    return fail(ErrorCode::kInvalidArgument, "query parameter version starts at 1");
  }
  return static_cast<std::uint32_t>(version.value_or(0));
}

Status body_within(const httplib::Request& request, std::size_t limit) {
  if (request.body.size() > limit) {
    return fail(ErrorCode::kResourceExhausted, "the request body has " +
                                                   std::to_string(request.body.size()) +
                                                   " bytes; this route takes at most " +
                                                   std::to_string(limit));
  }
  return {};
}

}  // namespace ensign::host::server
