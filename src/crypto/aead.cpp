#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>

#include "core/openssl_handles.h"

namespace ensign::crypto {
namespace {

Status check_key_and_nonce(const SecretBytes& key, ByteView nonce) {
  if (key.size() != kAesGcmKeySize || nonce.size() != kAesGcmNonceSize) {
    return fail(ErrorCode::kInvalidArgument, "AES-256-GCM needs a 32-byte key and 12-byte nonce");
  }
  return {};
}

int as_int(std::size_t size) {
  return static_cast<int>(size);
}

}  // namespace

Result<Bytes> aes256gcm_seal(const SecretBytes& key, ByteView nonce, ByteView associated_data,
                             ByteView plaintext) {
  ENSIGN_CHECK(check_key_and_nonce(key, nonce));
  EvpCipherCtxPtr context(EVP_CIPHER_CTX_new());
  int length = 0;
  Bytes out(plaintext.size() + kAesGcmTagSize);
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) !=
          1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, associated_data.data(),
                        as_int(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), out.data(), &length, plaintext.data(),
                        as_int(plaintext.size())) != 1) {
    return fail(openssl_error("AES-GCM encryption failed"));
  }
  int final_length = 0;
  if (EVP_EncryptFinal_ex(context.get(), out.data() + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, as_int(kAesGcmTagSize),
                          out.data() + plaintext.size()) != 1) {
    return fail(openssl_error("AES-GCM encryption failed"));
  }
  return out;
}

Result<SecretBytes> aes256gcm_open(const SecretBytes& key, ByteView nonce,
                                   ByteView associated_data, ByteView ciphertext_and_tag) {
  ENSIGN_CHECK(check_key_and_nonce(key, nonce));
  if (ciphertext_and_tag.size() < kAesGcmTagSize) {
    return fail(ErrorCode::kDataLoss, "ciphertext is shorter than its tag");
  }
  std::size_t ciphertext_size = ciphertext_and_tag.size() - kAesGcmTagSize;
  std::array<std::uint8_t, kAesGcmTagSize> tag{};
  std::copy(ciphertext_and_tag.begin() + static_cast<std::ptrdiff_t>(ciphertext_size),
            ciphertext_and_tag.end(), tag.begin());
  EvpCipherCtxPtr context(EVP_CIPHER_CTX_new());
  SecretBytes plaintext(ciphertext_size);
  int length = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) !=
          1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, associated_data.data(),
                        as_int(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), plaintext.data(), &length, ciphertext_and_tag.data(),
                        as_int(ciphertext_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, as_int(kAesGcmTagSize),
                          tag.data()) != 1) {
    return fail(openssl_error("AES-GCM decryption failed"));
  }
  int final_length = 0;
  std::uint8_t unused[16];
  if (EVP_DecryptFinal_ex(context.get(), unused, &final_length) != 1) {
    // Authentication failed: the plaintext buffer is wiped when it goes out of scope.
    return fail(ErrorCode::kDataLoss, "authentication tag does not verify");
  }
  return plaintext;
}

Result<SecretBytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) {
    return fail(openssl_error("HKDF unavailable"));
  }
  EvpKdfCtxPtr context(EVP_KDF_CTX_new(kdf.get()));
  if (!context) {
    return fail(openssl_error("HKDF unavailable"));
  }
  char digest_name[] = "SHA256";
  // OSSL_PARAM takes non-const pointers; OpenSSL only reads through them here.
  std::array<OSSL_PARAM, 5> params{};
  std::size_t count = 0;
  params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
  params[count++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ikm.data()), ikm.size());
  // OpenSSL 3.0 refuses an empty octet string, yet RFC 5869 allows an empty salt (HKDF then uses
  // HashLen zero bytes, as OpenSSL does for an absent salt) and an empty info: leave them out.
  if (!salt.empty()) {
    params[count++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  }
  if (!info.empty()) {
    params[count++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size());
  }
  params[count] = OSSL_PARAM_construct_end();
  SecretBytes out(length);
  if (EVP_KDF_derive(context.get(), out.data(), out.size(), params.data()) != 1) {
    return fail(openssl_error("HKDF derivation failed"));
  }
  return out;
}

Result<Bytes> random_bytes(std::size_t size) {
  Bytes out(size);
  if (size > 0 && RAND_bytes(out.data(), static_cast<int>(size)) != 1) {
    return fail(openssl_error("random generator failed"));
  }
  return out;
}

}  // namespace ensign::crypto
