// sim_platform.h: SimPlatform, the simulated TEE: evidence is a sim report signed by the
// per-installation sim root, sealing is AES-256-GCM under a key derived from the root and the
// enclave's measurement. Everything it produces says "sim", so no policy can take it for hardware.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/openssl_handles.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "tee/platform.h"

namespace ensign::tee::sim {

// RootMode says what SimPlatform::open does when the root file is missing.
enum class RootMode {
  kLoad,             // fail with NotFound ("run `ensign init`")
  kCreateIfMissing,  // create it (O_EXCL; a root created meanwhile by someone else is loaded)
};

class SimPlatform final : public Platform {
 public:
  // open loads (or creates, see RootMode) the root at `root_path`, for an enclave whose
  // measurement is `measurement` (48 bytes, see measure_file), and derives the sealing key.
  // Fails with InvalidArgument on a measurement of another size, and with the errors of
  // load_sim_root / create_sim_root.
  static Result<std::unique_ptr<SimPlatform>> open(const std::string& root_path,
                                                   ByteView measurement,
                                                   RootMode mode);

  // identity returns platform "sim", the measurement and the root's DER SPKI.
  const Identity& identity() const override { return identity_; }

  // evidence returns a sim report (see report.h) over `report_data`, signed by the root. Fails
  // with InvalidArgument unless report_data is 64 bytes.
  Result<Bytes> evidence(ByteView report_data) override;

  // seal returns a sealed blob (see sealed_blob.h) bound to this measurement and root.
  Result<Bytes> seal(SealPurpose purpose,
                     std::string_view object_id,
                     const SecretBytes& plaintext) override;

  // unseal opens a blob made by seal; fails with DataLoss saying why (see unseal_blob).
  Result<SecretBytes> unseal(SealPurpose purpose,
                             std::string_view object_id,
                             ByteView sealed) override;

 private:
  SimPlatform(EvpPkeyPtr root, Identity identity, Bytes root_key_id, SecretBytes sealing_key);

  EvpPkeyPtr root_;
  Identity identity_;
  Bytes root_key_id_;
  SecretBytes sealing_key_;
};

}  // namespace ensign::tee::sim
