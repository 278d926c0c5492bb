#include "crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

namespace ensign::crypto {

std::string_view key_algorithm_name(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256:
      return "ecdsa-p256";
    case KeyAlgorithm::kEcdsaP384:
      return "ecdsa-p384";
    case KeyAlgorithm::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

Result<KeyAlgorithm> parse_key_algorithm(std::string_view name) {
  for (auto algorithm : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384, KeyAlgorithm::kEd25519}) {
    if (name == key_algorithm_name(algorithm)) {
      return algorithm;
    }
  }
  return fail(ErrorCode::kInvalidArgument,
              "unknown key algorithm '" + std::string(name) +
                  "' (expected ecdsa-p256, ecdsa-p384 or ed25519)");
}

Result<KeyAlgorithm> key_algorithm_from_int(unsigned value) {
  if (value >= 1 && value <= 3) {
    return static_cast<KeyAlgorithm>(value);
  }
  return fail(ErrorCode::kInvalidArgument, "unknown key algorithm number " + std::to_string(value));
}

std::optional<HashAlgorithm> signature_hash(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256:
      return HashAlgorithm::kSha256;
    case KeyAlgorithm::kEcdsaP384:
      return HashAlgorithm::kSha384;
    case KeyAlgorithm::kEd25519:
      return std::nullopt;
  }
  return std::nullopt;
}

Result<EvpPkeyPtr> generate_private_key(KeyAlgorithm algorithm) {
  EVP_PKEY* raw = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::kEcdsaP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::kEcdsaP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyAlgorithm::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (raw == nullptr) {
    return fail(openssl_error("key generation failed"));
  }
  return EvpPkeyPtr(raw);
}

Result<SecretBytes> private_key_to_der(const EVP_PKEY* key) {
  // i2d_PrivateKey writes SEC1 for EC keys; PKCS#8 PrivateKeyInfo is the one format for every
  // algorithm. The secure memory BIO wipes its buffer when it grows and when it is freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(openssl_error("cannot encode private key"));
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) {
    return fail(openssl_error("cannot encode private key"));
  }
  return SecretBytes::copy_of(
      {reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(length)});
}

Result<EvpPkeyPtr> private_key_from_der(const SecretBytes& der, KeyAlgorithm algorithm) {
  const unsigned char* in = der.data();
  EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &in, static_cast<long>(der.size())));
  if (!key || in != der.data() + der.size()) {
    return fail(openssl_error("malformed private key", ErrorCode::kDataLoss));
  }
  ENSIGN_TRY(actual, key_algorithm_of(key.get()));
  if (actual != algorithm) {
    return fail(ErrorCode::kDataLoss, "private key is " + std::string(key_algorithm_name(actual)) +
                                          ", expected " + std::string(key_algorithm_name(algorithm)));
  }
  return key;
}

Result<Bytes> public_key_to_der(const EVP_PKEY* key) {
  int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) {
    return fail(openssl_error("cannot encode public key"));
  }
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* out = der.data();
  if (i2d_PUBKEY(key, &out) != length) {
    return fail(openssl_error("cannot encode public key"));
  }
  return der;
}

Result<EvpPkeyPtr> public_key_from_der(ByteView spki_der) {
  const unsigned char* in = spki_der.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(spki_der.size())));
  if (!key || in != spki_der.data() + spki_der.size()) {
    return fail(openssl_error("malformed public key (expected DER SubjectPublicKeyInfo)",
                              ErrorCode::kInvalidArgument));
  }
  return key;
}

Result<std::string> public_key_to_pem(ByteView spki_der) {
  ENSIGN_TRY(key, public_key_from_der(spki_der));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    return fail(openssl_error("cannot write PEM public key"));
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

Result<Bytes> public_key_der_from_pem_or_der(ByteView text) {
  constexpr std::string_view kPemMarker = "-----BEGIN PUBLIC KEY-----";
  std::string_view as_text = as_string_view(text);
  if (as_text.find(kPemMarker) == std::string_view::npos) {
    ENSIGN_TRY(key, public_key_from_der(text));
    ENSIGN_CHECK(key_algorithm_of(key.get()));
    return Bytes(text.begin(), text.end());
  }
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) {
    return fail(openssl_error("out of memory"));
  }
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return fail(openssl_error("malformed PEM public key", ErrorCode::kInvalidArgument));
  }
  ENSIGN_CHECK(key_algorithm_of(key.get()));
  return public_key_to_der(key.get());
}

Result<KeyAlgorithm> key_algorithm_of(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519") == 1) {
    return KeyAlgorithm::kEd25519;
  }
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    char curve[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       &length) != 1) {
      return fail(openssl_error("EC key without a named curve", ErrorCode::kInvalidArgument));
    }
    if (std::strcmp(curve, "prime256v1") == 0 || std::strcmp(curve, "P-256") == 0) {
      return KeyAlgorithm::kEcdsaP256;
    }
    if (std::strcmp(curve, "secp384r1") == 0 || std::strcmp(curve, "P-384") == 0) {
      return KeyAlgorithm::kEcdsaP384;
    }
    return fail(ErrorCode::kInvalidArgument,
                std::string("unsupported EC curve ") + curve + " (expected P-256 or P-384)");
  }
  return fail(ErrorCode::kInvalidArgument,
              "unsupported key type (expected ECDSA P-256, ECDSA P-384 or Ed25519)");
}

std::string key_fingerprint(ByteView spki_der) {
  return hex_encode(sha256(spki_der));
}

}  // namespace ensign::crypto
