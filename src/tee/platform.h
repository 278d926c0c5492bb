// platform.h: tee::Platform, the one interface every trusted execution environment implements:
// the enclave's identity, evidence over 64 bytes of report data, and sealing to that identity.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/keys.h"

namespace ensign::tee {

inline constexpr std::size_t kReportDataSize = 64;

// Identity is what a verifier learns about the running enclave.
struct Identity {
  std::string platform;  // "sim", "tpm", "sev-snp", "tdx", "sgx"
  Bytes measurement;     // the enclave code's measurement (sim: SHA-384 of ensign-enclave)
  Bytes platform_key;    // DER SPKI of the key that signs evidence, when the platform has one
};

// SealPurpose names what a sealed blob holds; it is bound into the blob's associated data, so a
// blob sealed for one purpose cannot be unsealed as another.
enum class SealPurpose : unsigned char {
  kSigningKey = 1,
  kVerifierKey = 2,  // the key that signs attestation results; never usable for SignRequest
  kLogKey = 3,       // the key that signs the transparency log's checkpoints
  kLogState = 4,     // the log's state: origin, size, right edge (enclave/log_state.h)
};

// HeldKey is a signing key a platform made and holds: its DER SPKI, the blob the host keeps for
// it (sealed, see Platform::seal), and its key attestation.
struct HeldKey {
  Bytes public_key;
  Bytes key_blob;
  Bytes key_attestation;
};

// KeyHolder is implemented by platforms whose signing keys live in hardware (tpm): the enclave
// has the platform make and use them instead of making them in its own memory.
class KeyHolder {
 public:
  virtual ~KeyHolder() = default;

  // holds tells whether the platform makes keys of `algorithm`.
  virtual bool holds(crypto::KeyAlgorithm algorithm) const = 0;

  // create_key makes a key of `algorithm` for `object_id` (e.g. "release@2"); fails with
  // InvalidArgument for an algorithm it does not hold.
  virtual Result<HeldKey> create_key(crypto::KeyAlgorithm algorithm,
                                     std::string_view object_id) = 0;

  // sign_digest signs `digest` (the size of the algorithm's hash) with the key of `key_blob`,
  // giving a DER signature. Fails with DataLoss when the blob does not unseal, and with
  // InvalidArgument when the key is not of `algorithm` or the digest has another size.
  virtual Result<Bytes> sign_digest(std::string_view object_id, ByteView key_blob,
                                    crypto::KeyAlgorithm algorithm, ByteView digest) = 0;
};

// Platform is implemented once per TEE. Implementations are not thread-safe: the enclave serves
// one request at a time.
class Platform {
 public:
  virtual ~Platform() = default;

  // identity returns the enclave's identity on this platform.
  virtual const Identity& identity() const = 0;

  // evidence returns the platform's signed report binding `report_data` (exactly 64 bytes);
  // fails with InvalidArgument on another size.
  virtual Result<Bytes> evidence(ByteView report_data) = 0;

  // seal encrypts `plaintext` to this enclave's identity on this platform, binding `purpose` and
  // `object_id` (e.g. "release@2").
  virtual Result<Bytes> seal(SealPurpose purpose, std::string_view object_id,
                             const SecretBytes& plaintext) = 0;

  // unseal reverses seal. Fails with DataLoss, with a message saying why, when the blob was
  // sealed by another enclave build, another installation, for another object, or was modified.
  virtual Result<SecretBytes> unseal(SealPurpose purpose, std::string_view object_id,
                                     ByteView sealed) = 0;

  // key_holder returns the platform's KeyHolder when its signing keys live in hardware; null
  // when the enclave makes them in its memory and seals them.
  virtual KeyHolder* key_holder() { return nullptr; }
};

}  // namespace ensign::tee
