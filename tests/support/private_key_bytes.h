// private_key_bytes.h: private_key_bytes, the raw private scalar (ECDSA, left-padded to the
// field size) or seed (Ed25519) of a key, for tests that search outputs for leaked key material.
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "core/bytes.h"
#include "core/openssl_handles.h"

namespace ensign::test {

// private_key_bytes returns the secret bytes of `key`, or an empty buffer when OpenSSL cannot
// give them.
inline Bytes private_key_bytes(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519") == 1) {
    Bytes seed(32);
    std::size_t size = seed.size();
    if (EVP_PKEY_get_raw_private_key(key, seed.data(), &size) != 1) {
      return {};
    }
    return seed;
  }
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
    return {};
  }
  BignumPtr scalar(raw);
  Bytes out(static_cast<std::size_t>((EVP_PKEY_get_bits(key) + 7) / 8));
  if (BN_bn2binpad(scalar.get(), out.data(), static_cast<int>(out.size())) < 0) {
    return {};
  }
  return out;
}

}  // namespace ensign::test
