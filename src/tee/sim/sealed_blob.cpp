#include "tee/sim/sealed_blob.h"

#include <string>

#include "crypto/aead.h"
#include "tee/sim/internal/wire.h"
#include "tee/sim/report.h"

namespace ensign::tee::sim {
namespace {

using internal::short_hex;

constexpr std::size_t kBlobMagicSize = sizeof kSealedBlobMagic - 1;
constexpr std::string_view kSaltLabel = "ensign/sim/seal/salt/v1";
constexpr std::string_view kInfoLabel = "ensign/sim/seal/key/v1";

// The smallest blob: header with a 1-character object id, nonce, empty ciphertext, tag.
constexpr std::size_t kMinimumBlobSize = kBlobMagicSize + 2 + kMeasurementSize + kRootKeyIdSize +
                                         2 + 1 + crypto::kAesGcmNonceSize + crypto::kAesGcmTagSize;

bool is_printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

std::string describe_target(SealPurpose purpose, std::string_view object_id) {
  std::string name;
  switch (purpose) {
    case SealPurpose::kSigningKey:
      name = "signing-key";
      break;
    case SealPurpose::kVerifierKey:
      name = "verifier-key";
      break;
    case SealPurpose::kLogKey:
      name = "log-key";
      break;
    case SealPurpose::kLogState:
      name = "log-state";
      break;
    default:
      name = "purpose " + std::to_string(static_cast<unsigned>(purpose));
  }
  return name + " \"" + std::string(object_id) + "\"";
}

Unexpected data_loss(std::string message) {
  return fail(ErrorCode::kDataLoss, "sealed blob " + std::move(message));
}

// Header is the clear part of a blob, as parsed.
struct Header {
  ByteView measurement;
  ByteView root_key_id;
  SealPurpose purpose = SealPurpose::kSigningKey;
  std::string object_id;
  ByteView nonce;
  std::size_t size = 0;  // bytes of the blob that are associated data
};

Result<Header> parse_header(ByteView blob) {
  if (blob.size() > kMaxSealedBlobSize) {
    return data_loss("of " + std::to_string(blob.size()) + " bytes is over the limit of " +
                     std::to_string(kMaxSealedBlobSize));
  }
  internal::Cursor cursor(blob);
  auto magic = cursor.take(kBlobMagicSize);
  if (blob.size() < kMinimumBlobSize || !magic ||
      as_string(*magic) != std::string_view(kSealedBlobMagic, kBlobMagicSize)) {
    return data_loss("is truncated or not a sealed blob (" + std::to_string(blob.size()) +
                     " bytes)");
  }
  auto version = cursor.u16();
  if (*version != kSealedBlobVersion) {
    return data_loss("has format version " + std::to_string(*version) + ", this enclave reads " +
                     std::to_string(kSealedBlobVersion));
  }
  Header header;
  header.measurement = *cursor.take(kMeasurementSize);
  header.root_key_id = *cursor.take(kRootKeyIdSize);
  header.purpose = static_cast<SealPurpose>(*cursor.u8());
  auto object_id_size = cursor.u8();
  auto object_id = cursor.take(*object_id_size);
  auto nonce = cursor.take(crypto::kAesGcmNonceSize);
  if (*object_id_size == 0 || !object_id || !nonce || cursor.remaining() < crypto::kAesGcmTagSize) {
    return data_loss("is truncated or not a sealed blob (" + std::to_string(blob.size()) +
                     " bytes)");
  }
  header.object_id = as_string(*object_id);
  if (!is_printable_ascii(header.object_id)) {
    return data_loss("is not a sealed blob (object id is not printable)");
  }
  header.nonce = *nonce;
  header.size = cursor.position();
  return header;
}

}  // namespace

Result<SecretBytes> derive_sealing_key(const SecretBytes& root_private_key_der,
                                       ByteView measurement) {
  Bytes info = to_bytes(kInfoLabel);
  internal::append(info, measurement);
  return crypto::hkdf_sha256(
      root_private_key_der.view(), as_bytes(kSaltLabel), info, crypto::kAesGcmKeySize);
}

Result<Bytes> seal_blob(const SecretBytes& key,
                        const SealBinding& binding,
                        SealPurpose purpose,
                        std::string_view object_id,
                        const SecretBytes& plaintext) {
  if (object_id.empty() || object_id.size() > kMaxObjectIdSize || !is_printable_ascii(object_id)) {
    return fail(
        ErrorCode::kInvalidArgument,
        "object id must be 1.." + std::to_string(kMaxObjectIdSize) + " printable characters");
  }
  if (binding.measurement.size() != kMeasurementSize ||
      binding.root_key_id.size() != kRootKeyIdSize) {
    return fail(ErrorCode::kInvalidArgument,
                "seal binding needs a 48-byte measurement and a "
                "32-byte root key id");
  }
  ENSIGN_TRY(nonce, crypto::random_bytes(crypto::kAesGcmNonceSize));
  Bytes blob;
  internal::append(blob, as_bytes(std::string_view(kSealedBlobMagic, kBlobMagicSize)));
  internal::append_u16(blob, kSealedBlobVersion);
  internal::append(blob, binding.measurement);
  internal::append(blob, binding.root_key_id);
  blob.push_back(static_cast<std::uint8_t>(purpose));
  blob.push_back(static_cast<std::uint8_t>(object_id.size()));
  internal::append(blob, as_bytes(object_id));
  internal::append(blob, nonce);
  if (blob.size() + plaintext.size() + crypto::kAesGcmTagSize > kMaxSealedBlobSize) {
    return fail(ErrorCode::kInvalidArgument,
                "sealing " + describe_target(purpose, object_id) +
                    " would exceed the sealed blob limit of " + std::to_string(kMaxSealedBlobSize) +
                    " bytes");
  }
  ENSIGN_TRY(ciphertext, crypto::aes256gcm_seal(key, nonce, blob, plaintext.view()));
  internal::append(blob, ciphertext);
  return blob;
}

Result<SecretBytes> unseal_blob(const SecretBytes& key,
                                const SealBinding& binding,
                                SealPurpose purpose,
                                std::string_view object_id,
                                ByteView blob) {
  ENSIGN_TRY(header, parse_header(blob));
  if (!constant_time_equal(header.root_key_id, binding.root_key_id)) {
    return data_loss("was sealed by another installation (root key " +
                     short_hex(header.root_key_id) + ", this installation is " +
                     short_hex(binding.root_key_id) + ")");
  }
  if (!constant_time_equal(header.measurement, binding.measurement)) {
    return data_loss("was sealed by another enclave build (measurement " +
                     short_hex(header.measurement) + ", this enclave is " +
                     short_hex(binding.measurement) + ")");
  }
  if (header.purpose != purpose || header.object_id != object_id) {
    return data_loss("was sealed for another key/purpose (" +
                     describe_target(header.purpose, header.object_id) + ", asked for " +
                     describe_target(purpose, object_id) + ")");
  }
  auto plaintext =
      crypto::aes256gcm_open(key, header.nonce, blob.first(header.size), blob.subspan(header.size));
  if (!plaintext) {
    return data_loss("for " + describe_target(purpose, object_id) +
                     " is modified or corrupt (authentication failed)");
  }
  return plaintext;
}

}  // namespace ensign::tee::sim
