// platform.h: tee::Platform, the one interface every trusted execution environment implements:
// the enclave's identity, evidence over 64 bytes of report data, and sealing to that identity.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

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
};

}  // namespace ensign::tee
