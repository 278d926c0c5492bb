// tokens.h: the API's bearer tokens. A token is "ens_<id>_<secret>": the id (16 hex digits) is
// public and names the token in logs, audit rows and log entries; the secret (32 random bytes,
// base64url) is shown once when the token is made and kept only as SHA-256(salt || secret).
// The secret has 256 bits of entropy, so a fast salted hash suffices (no password KDF): no
// dictionary can guess it. Checks compare hashes in constant time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/secret_bytes.h"
#include "host/store/store.h"

namespace ensign::host::auth {

inline constexpr std::string_view kTokenPrefix = "ens_";
inline constexpr std::size_t kMaxTokenSize = 128;  // longer Authorization values are refused

// IssuedToken is a new token: its record, as stored, and the whole token text, once.
struct IssuedToken {
  store::TokenRecord record;
  SecretBytes token;  // "ens_<id>_<secret>"
};

// issue_token makes and stores a token with `scopes` (validated), created at `now`.
Result<IssuedToken> issue_token(store::Store& store, std::string_view description,
                                const std::vector<std::string>& scopes, std::int64_t now);

// authenticate returns the record of the token `presented` (the Authorization header's value
// after "Bearer "). Every refusal is Unauthenticated with a message that never holds the
// presented text: malformed, unknown id, wrong secret, revoked.
Result<store::TokenRecord> authenticate(store::Store& store, std::string_view presented);

}  // namespace ensign::host::auth
