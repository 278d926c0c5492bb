// keys.h: the signing key algorithms ensign supports and conversions of their keys.
//
// Private keys only ever appear as EVP_PKEY handles or PKCS#8 DER inside SecretBytes; public
// keys travel as DER SubjectPublicKeyInfo (SPKI) or its PEM form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hash.h"

namespace ensign::crypto {

enum class KeyAlgorithm : unsigned char {
  kEcdsaP256 = 1,
  kEcdsaP384 = 2,
  kEd25519 = 3,
};

// key_algorithm_name returns the user-facing name: "ecdsa-p256", "ecdsa-p384" or "ed25519".
std::string_view key_algorithm_name(KeyAlgorithm algorithm);

// parse_key_algorithm maps a user-facing name to the algorithm; fails with InvalidArgument.
Result<KeyAlgorithm> parse_key_algorithm(std::string_view name);

// key_algorithm_from_int maps a wire value; fails with InvalidArgument on an unknown one.
Result<KeyAlgorithm> key_algorithm_from_int(unsigned value);

// signature_hash returns the digest an algorithm signs over: SHA-256 for P-256, SHA-384 for P-384,
// nothing for Ed25519 (which signs the whole message).
std::optional<HashAlgorithm> signature_hash(KeyAlgorithm algorithm);

// generate_private_key makes a fresh key pair from OpenSSL's CSPRNG.
Result<EvpPkeyPtr> generate_private_key(KeyAlgorithm algorithm);

// private_key_to_der encodes a private key as unencrypted PKCS#8 DER, into secret memory.
Result<SecretBytes> private_key_to_der(const EVP_PKEY* key);

// private_key_from_der decodes PKCS#8 DER and checks it holds a key of `algorithm`.
Result<EvpPkeyPtr> private_key_from_der(const SecretBytes& der, KeyAlgorithm algorithm);

// public_key_to_der encodes the public half of `key` as DER SubjectPublicKeyInfo.
Result<Bytes> public_key_to_der(const EVP_PKEY* key);

// public_key_to_pem returns the PEM "PUBLIC KEY" form of a DER SPKI.
Result<std::string> public_key_to_pem(ByteView spki_der);

// public_key_from_der decodes DER SPKI; fails with InvalidArgument on malformed input.
Result<EvpPkeyPtr> public_key_from_der(ByteView spki_der);

// public_key_from_pem_or_der accepts a "PUBLIC KEY" PEM block or raw DER SPKI, returning DER.
Result<Bytes> public_key_der_from_pem_or_der(ByteView text);

// key_algorithm_of tells which supported algorithm a key uses; fails with InvalidArgument for RSA,
// other curves and anything else.
Result<KeyAlgorithm> key_algorithm_of(const EVP_PKEY* key);

// key_fingerprint returns the lowercase hex SHA-256 of a DER SPKI: the id ensign gives a key
// version, and the Sigstore bundle's public key hint.
std::string key_fingerprint(ByteView spki_der);

}  // namespace ensign::crypto
