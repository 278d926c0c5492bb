#include "host/auth/tokens.h"

#include <openssl/crypto.h>

#include <cstring>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "host/auth/scopes.h"

namespace ensign::host::auth {
namespace {

constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSaltBytes = 16;

Bytes salted_hash(ByteView salt, ByteView secret) {
  SecretBytes input(salt.size() + secret.size());
  std::memcpy(input.data(), salt.data(), salt.size());
  std::memcpy(input.data() + salt.size(), secret.data(), secret.size());
  return crypto::sha256(input.view());
}

Unexpected refused(std::string_view why) {
  return fail(ErrorCode::kUnauthenticated, "bearer token refused: " + std::string(why));
}

bool is_token_id(std::string_view id) {
  if (id.size() != 2 * kIdBytes) {
    return false;
  }
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<IssuedToken> issue_token(store::Store& store, std::string_view description,
                                const std::vector<std::string>& scopes, std::int64_t now) {
  ENSIGN_CHECK(validate_scopes(scopes));
  ENSIGN_TRY(id, crypto::random_bytes(kIdBytes));
  ENSIGN_TRY(salt, crypto::random_bytes(kSaltBytes));
  SecretBytes secret(kSecretBytes);
  ENSIGN_TRY(random, crypto::random_bytes(kSecretBytes));
  std::memcpy(secret.data(), random.data(), random.size());
  OPENSSL_cleanse(random.data(), random.size());

  IssuedToken issued;
  issued.record.id = hex_encode(id);
  issued.record.description = std::string(description);
  issued.record.scopes = scopes;
  issued.record.secret_hash = salted_hash(salt, secret.view());
  issued.record.salt = std::move(salt);
  issued.record.created_at = now;
  ENSIGN_CHECK(store.add_token(issued.record));

  std::string encoded = base64url_encode(secret.view());
  std::string text = std::string(kTokenPrefix) + issued.record.id + "_" + encoded;
  issued.token = SecretBytes::copy_of(to_bytes(text));
  OPENSSL_cleanse(encoded.data(), encoded.size());
  OPENSSL_cleanse(text.data(), text.size());
  return issued;
}

Result<store::TokenRecord> authenticate(store::Store& store, std::string_view presented) {
  if (presented.size() > kMaxTokenSize || !presented.starts_with(kTokenPrefix)) {
    return refused("not an ensign token");
  }
  std::string_view rest = presented.substr(kTokenPrefix.size());
  std::size_t separator = rest.find('_');
  if (separator == std::string_view::npos || !is_token_id(rest.substr(0, separator))) {
    return refused("not an ensign token");
  }
  std::string id(rest.substr(0, separator));
  auto secret = base64_decode(rest.substr(separator + 1));
  if (!secret || secret->size() != kSecretBytes) {
    return refused("token " + id + " is malformed");
  }
  SecretBytes held = SecretBytes::copy_of(*secret);
  OPENSSL_cleanse(secret->data(), secret->size());
  auto record = store.get_token(id);
  if (!record) {
    if (record.error().code() == ErrorCode::kNotFound) {
      return refused("no token " + id);
    }
    return fail(record.error());
  }
  if (!constant_time_equal(salted_hash(record->salt, held.view()), record->secret_hash)) {
    return refused("token " + id + " has the wrong secret");
  }
  if (record->revoked_at != 0) {
    return refused("token " + id + " is revoked");
  }
  return record;
}

}  // namespace ensign::host::auth
