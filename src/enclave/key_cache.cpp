#include "enclave/key_cache.h"

#include <algorithm>

namespace ensign::enclave {

KeyCache::KeyCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::list<KeyCache::Entry>::iterator KeyCache::locate(const std::string& key_id,
                                                      std::uint32_t version,
                                                      ByteView blob_digest) {
  return std::find_if(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.version == version && entry.key_id == key_id &&
           constant_time_equal(entry.blob_digest, blob_digest);
  });
}

CachedKey KeyCache::find(const std::string& key_id, std::uint32_t version, ByteView blob_digest) {
  auto found = locate(key_id, version, blob_digest);
  if (found == entries_.end()) {
    return {};
  }
  entries_.splice(entries_.begin(), entries_, found);
  const Entry& entry = entries_.front();
  return {entry.key.get(), entry.algorithm, entry.public_der};
}

CachedKey KeyCache::insert(const std::string& key_id,
                           std::uint32_t version,
                           ByteView blob_digest,
                           EvpPkeyPtr key,
                           crypto::KeyAlgorithm algorithm,
                           Bytes public_der) {
  auto found = locate(key_id, version, blob_digest);
  if (found != entries_.end()) {
    entries_.erase(found);
  }
  if (entries_.size() >= capacity_) {
    entries_.pop_back();
  }
  entries_.push_front(Entry{key_id,
                            version,
                            Bytes(blob_digest.begin(), blob_digest.end()),
                            std::move(key),
                            algorithm,
                            std::move(public_der)});
  const Entry& entry = entries_.front();
  return {entry.key.get(), entry.algorithm, entry.public_der};
}

}  // namespace ensign::enclave
