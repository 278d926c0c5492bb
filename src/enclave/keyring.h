// keyring.h: Keyring, the enclave's signing keys: it generates key pairs, seals their private
// halves to the platform and signs with them. There is no path out of it for private key
// material other than a sealed blob.
#pragma once

#include <cstddef>
#include <string>

#include "core/openssl_handles.h"
#include "core/result.h"
#include "crypto/keys.h"
#include "enclave/key_cache.h"
#include "enclave/protocol/messages.h"
#include "tee/platform.h"

namespace ensign::enclave {

// SealedKeyPair is a freshly generated key pair: the private key (to cache), its DER SPKI, its
// private half sealed to the platform, and the key attestation.
struct SealedKeyPair {
  EvpPkeyPtr key;
  Bytes public_key;
  Bytes sealed_key;
  Bytes key_attestation;
};

// generate_sealed_key makes a key pair of `algorithm`, seals its PKCS#8 private key for
// (`purpose`, `object_id`) and attests it: platform evidence whose report data is
// key_attestation_report_data(SPKI). Fails with the platform's or OpenSSL's error.
Result<SealedKeyPair> generate_sealed_key(tee::Platform& platform, crypto::KeyAlgorithm algorithm,
                                          tee::SealPurpose purpose, const std::string& object_id);

class Keyring {
 public:
  // Keyring borrows `platform`, which must outlive it; it caches up to `cache_capacity` unsealed
  // keys.
  explicit Keyring(tee::Platform& platform, std::size_t cache_capacity = kDefaultKeyCacheCapacity);

  // generate makes a key pair (on a platform with a KeyHolder, the platform makes and keeps it),
  // seals its PKCS#8 private key for "<key_id>@<version>" and
  // returns the DER SPKI, the sealed blob and a key attestation: platform evidence whose report
  // data is key_attestation_report_data(SPKI). Fails with the platform's or OpenSSL's error.
  Result<protocol::GenerateKeyReply> generate(const protocol::GenerateKeyRequest& request);

  // sign signs `data`, a digest (kDigest) or a message (kMessage), with the item's key, unsealed
  // from its blob, and checks that the item's public_key is that key's. Fails with DataLoss when
  // the blob does not unseal (see tee::Platform::unseal) and with InvalidArgument when the key is
  // not of the item's algorithm or not the item's public key.
  Result<Bytes> sign(const protocol::SignItem& item, protocol::SignInput input, ByteView data);

 private:
  // sign_with_holder signs with a key the platform holds: over the digest, or the message hashed
  // with the algorithm's hash.
  Result<Bytes> sign_with_holder(tee::KeyHolder& holder, const protocol::SignItem& item,
                                 protocol::SignInput input, ByteView data);
  // unsealed_key returns the item's key, from the cache or by unsealing its blob.
  Result<CachedKey> unsealed_key(const protocol::SignItem& item);

  tee::Platform& platform_;
  KeyCache cache_;
};

// object_id returns the sealing object id of a key version: "<key_id>@<version>".
std::string object_id(const std::string& key_id, std::uint32_t version);

}  // namespace ensign::enclave
