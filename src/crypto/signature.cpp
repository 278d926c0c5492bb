#include "crypto/signature.h"

#include <openssl/err.h>

namespace ensign::crypto {
namespace {

Status check_digest_length(KeyAlgorithm algorithm, ByteView digest) {
  auto hash_algorithm = signature_hash(algorithm);
  if (!hash_algorithm) {
    return fail(ErrorCode::kInvalidArgument, "Ed25519 signs whole messages, not digests");
  }
  if (digest.size() != hash_size(*hash_algorithm)) {
    return fail(ErrorCode::kInvalidArgument,
                "digest is " + std::to_string(digest.size()) + " bytes, " +
                    std::string(key_algorithm_name(algorithm)) + " needs " +
                    std::to_string(hash_size(*hash_algorithm)));
  }
  return {};
}

// check_key_algorithm refuses a key whose type is not `algorithm`, so a mislabelled key cannot
// sign or verify under another algorithm's rules (OpenSSL would pick its own default digest).
Status check_key_algorithm(const EVP_PKEY* key, KeyAlgorithm algorithm) {
  ENSIGN_TRY(actual, key_algorithm_of(key));
  if (actual != algorithm) {
    return fail(ErrorCode::kInvalidArgument,
                "key is " + std::string(key_algorithm_name(actual)) + ", not " +
                    std::string(key_algorithm_name(algorithm)));
  }
  return {};
}

// verify_checked_digest is verify_digest for a key already known to be of `algorithm`.
bool verify_checked_digest(EVP_PKEY* public_key, KeyAlgorithm algorithm, ByteView digest,
                           ByteView signature) {
  if (!check_digest_length(algorithm, digest)) {
    return false;
  }
  EvpPkeyCtxPtr context(EVP_PKEY_CTX_new(public_key, nullptr));
  bool valid = context && EVP_PKEY_verify_init(context.get()) == 1 &&
               EVP_PKEY_CTX_set_signature_md(context.get(), evp_md(*signature_hash(algorithm))) ==
                   1 &&
               EVP_PKEY_verify(context.get(), signature.data(), signature.size(), digest.data(),
                               digest.size()) == 1;
  ERR_clear_error();
  return valid;
}

}  // namespace

Result<Bytes> sign_digest(EVP_PKEY* key, KeyAlgorithm algorithm, ByteView digest) {
  ENSIGN_CHECK(check_digest_length(algorithm, digest));
  ENSIGN_CHECK(check_key_algorithm(key, algorithm));
  EvpPkeyCtxPtr context(EVP_PKEY_CTX_new(key, nullptr));
  if (!context || EVP_PKEY_sign_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(context.get(), evp_md(*signature_hash(algorithm))) != 1) {
    return fail(openssl_error("cannot start signing"));
  }
  std::size_t length = 0;
  if (EVP_PKEY_sign(context.get(), nullptr, &length, digest.data(), digest.size()) != 1) {
    return fail(openssl_error("cannot size signature"));
  }
  Bytes signature(length);
  if (EVP_PKEY_sign(context.get(), signature.data(), &length, digest.data(), digest.size()) != 1) {
    return fail(openssl_error("signing failed"));
  }
  signature.resize(length);
  return signature;
}

Result<Bytes> sign_message(EVP_PKEY* key, KeyAlgorithm algorithm, ByteView message) {
  ENSIGN_CHECK(check_key_algorithm(key, algorithm));
  if (auto hash_algorithm = signature_hash(algorithm)) {
    return sign_digest(key, algorithm, hash(*hash_algorithm, message));
  }
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key) != 1) {
    return fail(openssl_error("cannot start signing"));
  }
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, message.data(), message.size()) != 1) {
    return fail(openssl_error("cannot size signature"));
  }
  Bytes signature(length);
  if (EVP_DigestSign(context.get(), signature.data(), &length, message.data(), message.size()) !=
      1) {
    return fail(openssl_error("signing failed"));
  }
  signature.resize(length);
  return signature;
}

bool verify_digest(EVP_PKEY* public_key, KeyAlgorithm algorithm, ByteView digest,
                   ByteView signature) {
  return check_key_algorithm(public_key, algorithm) &&
         verify_checked_digest(public_key, algorithm, digest, signature);
}

bool verify_message(EVP_PKEY* public_key, KeyAlgorithm algorithm, ByteView message,
                    ByteView signature) {
  if (!check_key_algorithm(public_key, algorithm)) {
    return false;
  }
  if (auto hash_algorithm = signature_hash(algorithm)) {
    return verify_checked_digest(public_key, algorithm, hash(*hash_algorithm, message), signature);
  }
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  bool valid = context &&
               EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, public_key) == 1 &&
               EVP_DigestVerify(context.get(), signature.data(), signature.size(), message.data(),
                                message.size()) == 1;
  ERR_clear_error();
  return valid;
}

}  // namespace ensign::crypto
