// scopes.h: what a bearer token may do. A token holds scopes: "admin" (everything), "read"
// (public material: keys' public parts, the log, attestation) and "sign:KEY" (sign with KEY).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ensign::host::auth {

inline constexpr std::string_view kScopeAdmin = "admin";
inline constexpr std::string_view kScopeRead = "read";
inline constexpr std::string_view kScopeSignPrefix = "sign:";
inline constexpr std::size_t kMaxScopes = 64;

// validate_scopes refuses an empty list, more than kMaxScopes, and any scope that is not one of
// the three forms with a valid key name (enclave/protocol's key id rule).
Status validate_scopes(const std::vector<std::string>& scopes);

// sign_scope returns "sign:<key>".
std::string sign_scope(std::string_view key);

// allows tells whether `granted` covers `required`: admin covers everything, read covers only
// read, sign:KEY covers only itself.
bool allows(const std::vector<std::string>& granted, std::string_view required);

}  // namespace ensign::host::auth
