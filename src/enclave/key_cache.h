// key_cache.h: KeyCache, a small bounded cache of unsealed signing keys, so that repeated signing
// with one key does not unseal its blob every time. An entry is found only by the key id, the
// version and the SHA-256 of the very sealed blob it was unsealed from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "crypto/keys.h"

namespace ensign::enclave {

inline constexpr std::size_t kDefaultKeyCacheCapacity = 16;

// CachedKey is a private key and the algorithm it was checked to have.
struct CachedKey {
  EVP_PKEY* key = nullptr;  // owned by the cache
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;
  // The key's DER SubjectPublicKeyInfo, kept because OpenSSL 3 encodes a key slowly (its
  // encoder lookup takes locks) and every signature compares it with the request's.
  ByteView public_der;  // owned by the cache
};

class KeyCache {
 public:
  // KeyCache keeps at most `capacity` keys (at least 1), dropping the least recently used.
  explicit KeyCache(std::size_t capacity);

  // find returns the key unsealed from the blob whose SHA-256 is `blob_digest` for
  // `key_id`@`version`, and marks it most recently used; a null key when there is none.
  CachedKey find(const std::string& key_id, std::uint32_t version, ByteView blob_digest);

  // insert adds (or replaces) an entry, dropping the least recently used one when full, and
  // returns the cached key.
  CachedKey insert(const std::string& key_id,
                   std::uint32_t version,
                   ByteView blob_digest,
                   EvpPkeyPtr key,
                   crypto::KeyAlgorithm algorithm,
                   Bytes public_der);

  // size returns the number of cached keys.
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key_id;
    std::uint32_t version = 0;
    Bytes blob_digest;
    EvpPkeyPtr key;
    crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;
    Bytes public_der;
  };

  std::list<Entry>::iterator locate(const std::string& key_id,
                                    std::uint32_t version,
                                    ByteView blob_digest);

  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
};

}  // namespace ensign::enclave
