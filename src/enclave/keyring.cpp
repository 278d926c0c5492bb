#include "enclave/keyring.h"

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
                std::move(pair.key), request.algorithm);
  return protocol::GenerateKeyReply{std::move(pair.public_key), std::move(pair.sealed_key),
                                    std::move(pair.key_attestation)};
}

Result<protocol::SignReply> Keyring::sign_with_holder(tee::KeyHolder& holder,
                                                      const protocol::SignRequest& request) {
  Bytes digest;
  if (request.input == protocol::SignInput::kMessage) {
    auto hash = crypto::signature_hash(request.algorithm);
    if (!hash) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string(crypto::key_algorithm_name(request.algorithm)) +
                      " keys are not held by the " + platform_.identity().platform + " platform");
    }
    digest = crypto::hash(*hash, request.data);
  }
  const Bytes& signed_digest = request.input == protocol::SignInput::kMessage ? digest : request.data;
  ENSIGN_TRY(signature, holder.sign_digest(object_id(request.key_id, request.version),
                                           request.sealed_key, request.algorithm, signed_digest));
  return protocol::SignReply{std::move(signature)};
}

Result<CachedKey> Keyring::unsealed_key(const protocol::SignRequest& request) {
  std::string id = object_id(request.key_id, request.version);
  Bytes blob_digest = crypto::sha256(request.sealed_key);
  CachedKey cached = cache_.find(request.key_id, request.version, blob_digest);
  if (cached.key != nullptr) {
    if (cached.algorithm != request.algorithm) {
      return fail(ErrorCode::kInvalidArgument,
                  "key " + id + " is " + std::string(crypto::key_algorithm_name(cached.algorithm)) +
                      ", the request says " +
                      std::string(crypto::key_algorithm_name(request.algorithm)));
    }
    return cached;
  }
  ENSIGN_TRY(private_der, platform_.unseal(tee::SealPurpose::kSigningKey, id, request.sealed_key));
  // The blob authenticated, so a key that does not decode as the request's algorithm is one of
  // another algorithm: the request is wrong, not the blob.
  auto key = crypto::private_key_from_der(private_der, request.algorithm);
  if (!key) {
    return fail(ErrorCode::kInvalidArgument,
                "key " + id + " does not match the request: " + key.error().message());
  }
  return cache_.insert(
      request.key_id, request.version, blob_digest, std::move(key).value(), request.algorithm);
}

Result<protocol::SignReply> Keyring::sign(const protocol::SignRequest& request) {
  if (tee::KeyHolder* holder = platform_.key_holder()) {
    return sign_with_holder(*holder, request);
  }
  ENSIGN_TRY(key, unsealed_key(request));
  protocol::SignReply reply;
  if (request.input == protocol::SignInput::kDigest) {
    ENSIGN_TRY(signature, crypto::sign_digest(key.key, request.algorithm, request.data));
    reply.signature = std::move(signature);
  } else {
    ENSIGN_TRY(signature, crypto::sign_message(key.key, request.algorithm, request.data));
    reply.signature = std::move(signature);
  }
  return reply;
}

}  // namespace ensign::enclave
