// sealed_blob.h: the sim platform's sealed-blob format and its sealing key.
//
// Byte layout of a format 1 sealed blob (integers big-endian; m = object id length):
//   offset   size  field
//   0        4     magic "ESLB"
//   4        2     format version, 1
//   6        48    measurement of the enclave that sealed it
//   54       32    root key id of the installation that sealed it (SHA-256 of the root SPKI)
//   86       1     purpose (tee::SealPurpose)
//   87       1     object id length m, 1..kMaxObjectIdSize
//   88       m     object id, printable ASCII (e.g. "release@2")
//   88+m     12    nonce, fresh from the CSPRNG for every blob
//   100+m    c+16  AES-256-GCM ciphertext of the plaintext (c bytes), then the 16-byte tag
// The associated data is bytes [0, 100+m): the whole clear header, so the purpose and object id
// (kept in clear so that unseal can tell "sealed for something else" from "corrupt") and every
// other header byte are authenticated. A whole blob is at most kMaxSealedBlobSize bytes.
//
// The sealing key: HKDF-SHA256 with IKM = the sim root private key as PKCS#8 DER,
// salt = "ensign/sim/seal/salt/v1", info = "ensign/sim/seal/key/v1" || measurement, 32 bytes.
// Another enclave build (measurement) or another installation (root) therefore derives another
// key; the clear header lets unseal say which of the two it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "tee/platform.h"

namespace ensign::tee::sim {

inline constexpr char kSealedBlobMagic[] = "ESLB";
inline constexpr std::uint16_t kSealedBlobVersion = 1;
inline constexpr std::size_t kMaxObjectIdSize = 200;
// Equal to the protocol's kMaxSealedBlobSize, so every blob fits a message.
inline constexpr std::size_t kMaxSealedBlobSize = 4096;

// SealBinding is the identity a blob is sealed to: the enclave's measurement (48 bytes) and the
// installation's root key id (32 bytes), both borrowed.
struct SealBinding {
  ByteView measurement;
  ByteView root_key_id;
};

// derive_sealing_key derives the 32-byte AES-256-GCM sealing key from the root's PKCS#8 DER and
// the measurement (see the banner). Fails with Internal when OpenSSL's HKDF fails.
Result<SecretBytes> derive_sealing_key(const SecretBytes& root_private_key_der,
                                       ByteView measurement);

// seal_blob encrypts `plaintext` under `key` into a format 1 blob bound to `binding`, `purpose`
// and `object_id`. Fails with InvalidArgument when the object id is empty, longer than
// kMaxObjectIdSize or not printable ASCII, and when the blob would exceed kMaxSealedBlobSize.
Result<Bytes> seal_blob(const SecretBytes& key,
                        const SealBinding& binding,
                        SealPurpose purpose,
                        std::string_view object_id,
                        const SecretBytes& plaintext);

// unseal_blob checks and decrypts a blob made by seal_blob. Fails with DataLoss and a message
// saying why: over the size limit, truncated or not a sealed blob, another format version,
// sealed by another installation, sealed by another enclave build, sealed for another
// key/purpose, or modified or corrupt (authentication failed).
Result<SecretBytes> unseal_blob(const SecretBytes& key,
                                const SealBinding& binding,
                                SealPurpose purpose,
                                std::string_view object_id,
                                ByteView blob);

}  // namespace ensign::tee::sim
