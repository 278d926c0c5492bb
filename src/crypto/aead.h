// aead.h: AES-256-GCM authenticated encryption, and HKDF key derivation, composed from OpenSSL.
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace ensign::crypto {

inline constexpr std::size_t kAesGcmKeySize = 32;
inline constexpr std::size_t kAesGcmNonceSize = 12;
inline constexpr std::size_t kAesGcmTagSize = 16;

// aes256gcm_seal encrypts `plaintext` under `key` (32 bytes) with a 12-byte `nonce`, binding
// `associated_data`; returns ciphertext followed by the 16-byte tag.
Result<Bytes> aes256gcm_seal(const SecretBytes& key, ByteView nonce, ByteView associated_data,
                             ByteView plaintext);

// aes256gcm_open decrypts and authenticates ciphertext||tag into secret memory. Fails with
// DataLoss when the tag does not verify: wrong key, wrong associated data, or modified bytes.
Result<SecretBytes> aes256gcm_open(const SecretBytes& key, ByteView nonce,
                                   ByteView associated_data, ByteView ciphertext_and_tag);

// hkdf_sha256 derives `length` bytes (RFC 5869) from input keying material `ikm`.
Result<SecretBytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

// random_bytes returns `size` bytes from OpenSSL's CSPRNG.
Result<Bytes> random_bytes(std::size_t size);

}  // namespace ensign::crypto
