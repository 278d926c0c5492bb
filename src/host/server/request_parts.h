// request_parts.h: the parts of a request that routes read besides the body: the key name in
// the path, bounded integer query parameters, and each route's own bound on its body.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace ensign::host::server {

// kKeyPath matches /v1/keys/NAME with a valid key name (enclave/protocol's rule) as match 1.
inline constexpr std::string_view kKeyPath = R"(/v1/keys/([A-Za-z0-9._-]{1,128}))";

// query_integer reads query parameter `name` as a decimal in 0..`largest`; nothing when it is
// absent, InvalidArgument when it is not such a number.
Result<std::optional<std::uint64_t>> query_integer(const httplib::Request& request,
                                                   const char* name, std::uint64_t largest);

// query_version reads ?version=N (1..2^32-1); 0, the newest, when absent.
Result<std::uint32_t> query_version(const httplib::Request& request);

// body_within fails with ResourceExhausted (413) when the body is longer than `limit`, the
// route's own bound below the transport's (ServerConfig::max_body_size, the largest route's).
Status body_within(const httplib::Request& request, std::size_t limit);

}  // namespace ensign::host::server
