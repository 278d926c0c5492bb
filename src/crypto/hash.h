// hash.h: SHA-2 digests, one-shot and streaming.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"

namespace ensign::crypto {

enum class HashAlgorithm : unsigned char { kSha256, kSha384, kSha512 };

// hash_size returns the digest length in bytes.
std::size_t hash_size(HashAlgorithm algorithm);

// evp_md returns OpenSSL's implementation of `algorithm`.
const EVP_MD* evp_md(HashAlgorithm algorithm);

Bytes sha256(ByteView data);
Bytes sha384(ByteView data);
Bytes hash(HashAlgorithm algorithm, ByteView data);

// Hasher computes a digest over data given in pieces.
class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  void update(ByteView data);
  // finish returns the digest; the Hasher must not be used afterwards.
  Bytes finish();

 private:
  EvpMdCtxPtr context_;
};

// hash_file streams the file at `path` through `algorithm`; errors name the path.
Result<Bytes> hash_file(HashAlgorithm algorithm, const std::string& path);

}  // namespace ensign::crypto
