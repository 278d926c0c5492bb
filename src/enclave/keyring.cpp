#include "enclave/keyring.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "tee/sim/report.h"

namespace ensign::enclave {

std::string object_id(const std::string& key_id, std::uint32_t version) {
  return key_id + "@" + std::to_string(version);
}

Result<SealedKeyPair> generate_sealed_key(tee::Platform& platform, crypto::KeyAlgorithm algorithm,
                                          tee::SealPurpose purpose, const std::string& object_id) {
  ENSIGN_TRY(key, crypto::generate_private_key(algorithm));
  ENSIGN_TRY(private_der, crypto::private_key_to_der(key.get()));
  ENSIGN_TRY(sealed, platform.seal(purpose, object_id, private_der));
  ENSIGN_TRY(public_der, crypto::public_key_to_der(key.get()));
  ENSIGN_TRY(attestation, platform.evidence(tee::sim::key_attestation_report_data(public_der)));
  return SealedKeyPair{std::move(key), std::move(public_der), std::move(sealed),
                       std::move(attestation)};
}

Keyring::Keyring(tee::Platform& platform, std::size_t cache_capacity)
    : platform_(platform), cache_(cache_capacity) {}

Result<protocol::GenerateKeyReply> Keyring::generate(const protocol::GenerateKeyRequest& request) {
  if (tee::KeyHolder* holder = platform_.key_holder()) {
    ENSIGN_TRY(held, holder->create_key(request.algorithm,
                                        object_id(request.key_id, request.version)));
    return protocol::GenerateKeyReply{std::move(held.public_key), std::move(held.key_blob),
                                      std::move(held.key_attestation)};
  }
  ENSIGN_TRY(pair, generate_sealed_key(platform_, request.algorithm, tee::SealPurpose::kSigningKey,
                                       object_id(request.key_id, request.version)));
  cache_.insert(request.key_id, request.version, crypto::sha256(pair.sealed_key),
                std::move(pair.key), request.algorithm, pair.public_key);
  return protocol::GenerateKeyReply{std::move(pair.public_key), std::move(pair.sealed_key),
                                    std::move(pair.key_attestation)};
}

namespace {

Unexpected wrong_public_key(const std::string& id) {
  return fail(ErrorCode::kInvalidArgument,
              "the public key of the request is not that of key " + id);
}

}  // namespace

Result<Bytes> Keyring::sign_with_holder(tee::KeyHolder& holder, const protocol::SignItem& item,
                                        protocol::SignInput input, ByteView data) {
  std::string id = object_id(item.key_id, item.version);
  auto hash = crypto::signature_hash(item.algorithm);
  if (!hash) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(crypto::key_algorithm_name(item.algorithm)) +
                    " keys are not held by the " + platform_.identity().platform + " platform");
  }
  Bytes digest = input == protocol::SignInput::kMessage ? crypto::hash(*hash, data)
                                                        : to_bytes(data);
  ENSIGN_TRY(signature, holder.sign_digest(id, item.sealed_key, item.algorithm, digest));
  // The key lives in the hardware: it is the item's key when the signature verifies with it.
  ENSIGN_TRY(public_key, crypto::public_key_from_der(item.public_key));
  if (!crypto::verify_digest(public_key.get(), item.algorithm, digest, signature)) {
    return wrong_public_key(id);
  }
  return signature;
}

Result<CachedKey> Keyring::unsealed_key(const protocol::SignItem& item) {
  std::string id = object_id(item.key_id, item.version);
  Bytes blob_digest = crypto::sha256(item.sealed_key);
  CachedKey cached = cache_.find(item.key_id, item.version, blob_digest);
  if (cached.key != nullptr) {
    if (cached.algorithm != item.algorithm) {
      return fail(ErrorCode::kInvalidArgument,
                  "key " + id + " is " + std::string(crypto::key_algorithm_name(cached.algorithm)) +
                      ", the request says " +
                      std::string(crypto::key_algorithm_name(item.algorithm)));
    }
    return cached;
  }
  ENSIGN_TRY(private_der, platform_.unseal(tee::SealPurpose::kSigningKey, id, item.sealed_key));
  // The blob authenticated, so a key that does not decode as the item's algorithm is one of
  // another algorithm: the request is wrong, not the blob.
  auto key = crypto::private_key_from_der(private_der, item.algorithm);
  if (!key) {
    return fail(ErrorCode::kInvalidArgument,
                "key " + id + " does not match the request: " + key.error().message());
  }
  ENSIGN_TRY(public_der, crypto::public_key_to_der(key->get()));
  return cache_.insert(item.key_id, item.version, blob_digest, std::move(key).value(),
                       item.algorithm, std::move(public_der));
}

Result<Bytes> Keyring::sign(const protocol::SignItem& item, protocol::SignInput input,
                            ByteView data) {
  if (tee::KeyHolder* holder = platform_.key_holder()) {
    return sign_with_holder(*holder, item, input, data);
  }
  ENSIGN_TRY(key, unsealed_key(item));
  if (!std::ranges::equal(key.public_der, item.public_key)) {
    return wrong_public_key(object_id(item.key_id, item.version));
  }
  if (input == protocol::SignInput::kDigest) {
    return crypto::sign_digest(key.key, item.algorithm, data);
  }
  return crypto::sign_message(key.key, item.algorithm, data);
}

}  // namespace ensign::enclave
