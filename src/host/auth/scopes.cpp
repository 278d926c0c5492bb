#include "host/auth/scopes.h"

#include <algorithm>

#include "enclave/protocol/messages.h"

namespace ensign::host::auth {

Status validate_scopes(const std::vector<std::string>& scopes) {
  if (scopes.empty()) {
    return fail(ErrorCode::kInvalidArgument, "a token needs at least one scope");
  }
  if (scopes.size() > kMaxScopes) {
    return fail(ErrorCode::kInvalidArgument,
                "a token has at most " + std::to_string(kMaxScopes) + " scopes");
  }
  for (const std::string& scope : scopes) {
    if (scope == kScopeAdmin || scope == kScopeRead) {
      continue;
    }
    if (scope.starts_with(kScopeSignPrefix) &&
        enclave::protocol::is_valid_key_id(
            std::string_view(scope).substr(kScopeSignPrefix.size()))) {
      continue;
    }
    return fail(ErrorCode::kInvalidArgument,
                "scope '" + scope + "' is not admin, read or sign:KEY with a valid key name");
  }
  return {};
}

std::string sign_scope(std::string_view key) {
  return std::string(kScopeSignPrefix) + std::string(key);
}

bool allows(const std::vector<std::string>& granted, std::string_view required) {
  return std::any_of(granted.begin(), granted.end(), [required](const std::string& scope) {
    return scope == kScopeAdmin || scope == required;
  });
}

}  // namespace ensign::host::auth
