// Tests of src/enclave/key_cache.cpp: lookups by (key id, version, blob digest) and LRU bounds.
#include "enclave/key_cache.h"

#include <gtest/gtest.h>

namespace ensign::enclave {
namespace {

using crypto::KeyAlgorithm;

EvpPkeyPtr new_key() {
  return std::move(crypto::generate_private_key(KeyAlgorithm::kEcdsaP256)).value();
}

const Bytes kDigestA(32, 0xaa);
const Bytes kDigestB(32, 0xbb);

TEST(KeyCacheTest, FindsWhatWasInserted) {
  KeyCache cache(4);
  EvpPkeyPtr key = new_key();
  EVP_PKEY* raw = key.get();
  CachedKey inserted = cache.insert("release", 1, kDigestA, std::move(key),
                                    KeyAlgorithm::kEcdsaP256, Bytes{1, 2, 3});
  EXPECT_EQ(inserted.key, raw);
  CachedKey found = cache.find("release", 1, kDigestA);
  EXPECT_EQ(found.key, raw);
  EXPECT_EQ(Bytes(found.public_der.begin(), found.public_der.end()), (Bytes{1, 2, 3}));
  EXPECT_EQ(found.algorithm, KeyAlgorithm::kEcdsaP256);
}

TEST(KeyCacheTest, MissesOnAnyOtherPartOfTheKey) {
  KeyCache cache(4);
  cache.insert("release", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  EXPECT_EQ(cache.find("release", 1, kDigestB).key, nullptr);
  EXPECT_EQ(cache.find("release", 2, kDigestA).key, nullptr);
  EXPECT_EQ(cache.find("releasf", 1, kDigestA).key, nullptr);
  EXPECT_EQ(cache.find("release", 1, ByteView(kDigestA).first(31)).key, nullptr);
}

TEST(KeyCacheTest, DropsTheLeastRecentlyUsed) {
  KeyCache cache(2);
  cache.insert("a", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  cache.insert("b", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  EXPECT_NE(cache.find("a", 1, kDigestA).key, nullptr);  // "a" is now the most recent
  cache.insert("c", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find("b", 1, kDigestA).key, nullptr);
  EXPECT_NE(cache.find("a", 1, kDigestA).key, nullptr);
  EXPECT_NE(cache.find("c", 1, kDigestA).key, nullptr);
}

TEST(KeyCacheTest, ReinsertingReplacesTheEntry) {
  KeyCache cache(2);
  cache.insert("a", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  EvpPkeyPtr replacement = new_key();
  EVP_PKEY* raw = replacement.get();
  cache.insert("a", 1, kDigestA, std::move(replacement), KeyAlgorithm::kEcdsaP256, {});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("a", 1, kDigestA).key, raw);
}

TEST(KeyCacheTest, CapacityZeroStillHoldsOne) {
  KeyCache cache(0);
  cache.insert("a", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  cache.insert("b", 1, kDigestA, new_key(), KeyAlgorithm::kEcdsaP256, {});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("a", 1, kDigestA).key, nullptr);
  EXPECT_NE(cache.find("b", 1, kDigestA).key, nullptr);
}

}  // namespace
}  // namespace ensign::enclave
