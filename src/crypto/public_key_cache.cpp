#include "crypto/public_key_cache.h"

#include <openssl/evp.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <utility>

#include "crypto/keys.h"

namespace ensign::crypto {
namespace {

constexpr std::size_t kCapacity = 64;

// The cache is most recently used first; public keys are not secret, so plain comparison will do.
struct Cache {
  std::mutex mutex;
  std::list<std::pair<Bytes, EvpPkeyPtr>> entries;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

EvpPkeyPtr shared(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return EvpPkeyPtr(key);
}

}  // namespace

Result<EvpPkeyPtr> cached_public_key(ByteView spki_der) {
  Cache& keys = cache();
  {
    std::lock_guard lock(keys.mutex);
    auto found = std::find_if(keys.entries.begin(), keys.entries.end(), [&](const auto& entry) {
      return std::ranges::equal(entry.first, spki_der);
    });
    if (found != keys.entries.end()) {
      keys.entries.splice(keys.entries.begin(), keys.entries, found);
      return shared(found->second.get());
    }
  }
  // Decode outside the lock: it is the slow part, and two threads decoding one key is harmless.
  ENSIGN_TRY(key, public_key_from_der(spki_der));
  std::lock_guard lock(keys.mutex);
  if (keys.entries.size() >= kCapacity) {
    keys.entries.pop_back();
  }
  keys.entries.emplace_front(Bytes(spki_der.begin(), spki_der.end()), shared(key.get()));
  return key;
}

}  // namespace ensign::crypto
