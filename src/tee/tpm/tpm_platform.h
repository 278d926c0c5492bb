// tpm_platform.h: TpmPlatform, a TPM 2.0 (a chip, a firmware TPM, a vTPM or swtpm) as the
// enclave's platform, through tpm2-tss's ESYS API. Signing keys are TPM objects (objects.h); the
// enclave's measurement is recorded in PCR 16 (pcrs.h); the sealing key, which seals key blobs
// and the verifier key as on sim (sealed_blob.h), is a TPM sealed object under a PolicyPCR over
// PCR 16 (pcr_sealing.h); evidence is a TPM2_Quote by the attestation key (evidence.h).
//
// State kept in the state directory beside the database:
//   tpm-ak.blob                    the attestation key's object blob, made by `ensign init`
//   tpm-sealing-<measurement>.blob the sealed object holding this enclave build's sealing key,
//                                  made by `ensign init` (16 hex digits of the measurement)
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "tee/platform.h"
#include "tee/tpm/esys.h"

namespace ensign::tee::tpm {

inline constexpr char kTpmPlatformName[] = "tpm";
inline constexpr char kAkFileName[] = "tpm-ak.blob";

struct TpmOptions {
  std::string tcti;        // e.g. "swtpm:host=127.0.0.1,port=2321", "device:/dev/tpmrm0"
  std::string state_dir;   // where the AK and sealing-key blobs are
  Bytes measurement;       // the enclave binary's, 48 bytes (tee::sim::measure_file)
  bool create = false;     // make the SRK, AK and this build's sealed state when missing
};

class TpmPlatform final : public Platform, public KeyHolder {
 public:
  // open connects to the TPM, finds (or, with `create`, makes and persists) the SRK, records the
  // measurement in PCR 16, loads the AK and unseals this build's sealing key (or, with `create`,
  // makes it). Fails with Unavailable when the TPM cannot be reached, FailedPrecondition when
  // state is missing ("run `ensign init --platform tpm`"), DataLoss when the state belongs to
  // another TPM or another enclave build, and otherwise with the failed TPM command's error.
  static Result<std::unique_ptr<TpmPlatform>> open(const TpmOptions& options);
  ~TpmPlatform() override;

  // identity returns platform "tpm", the measurement and the AK's DER SPKI.
  const Identity& identity() const override { return identity_; }

  // evidence returns the evidence document (evidence.h) of a TPM2_Quote over kQuotedPcrs with
  // `report_data` (64 bytes) as qualifying data.
  Result<Bytes> evidence(ByteView report_data) override;

  Result<Bytes> seal(SealPurpose purpose, std::string_view object_id,
                     const SecretBytes& plaintext) override;
  Result<SecretBytes> unseal(SealPurpose purpose, std::string_view object_id,
                             ByteView sealed) override;
  KeyHolder* key_holder() override { return this; }

  bool holds(crypto::KeyAlgorithm algorithm) const override;
  // create_key makes the key in the TPM under the SRK, certifies it with the AK and quotes: its
  // key attestation is an evidence document with the TPM2_Certify, over
  // key_attestation_report_data(SPKI).
  Result<HeldKey> create_key(crypto::KeyAlgorithm algorithm, std::string_view object_id) override;
  // sign_digest runs TPM2_Sign; the key stays loaded until another is used.
  Result<Bytes> sign_digest(std::string_view object_id, ByteView key_blob,
                            crypto::KeyAlgorithm algorithm, ByteView digest) override;

 private:
  // LoadedKey is the signing key kept loaded: found only by its object id and the SHA-256 of the
  // very blob it was unsealed from.
  struct LoadedKey {
    std::string object_id;
    Bytes blob_digest;
    crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;
    TransientHandle handle;
  };

  TpmPlatform(std::unique_ptr<EsysContext> esys, ESYS_TR srk, Bytes ak_blob, Identity identity);

  Result<TransientHandle> load_attestation_key();
  Result<ESYS_TR> loaded_key(std::string_view object_id, ByteView key_blob,
                             crypto::KeyAlgorithm algorithm);

  std::unique_ptr<EsysContext> esys_;
  ESYS_TR srk_;
  Bytes ak_blob_;
  Identity identity_;
  Bytes root_key_id_;
  SecretBytes sealing_key_;
  LoadedKey loaded_;
};

}  // namespace ensign::tee::tpm
