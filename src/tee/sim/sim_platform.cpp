#include "tee/sim/sim_platform.h"

#include "crypto/keys.h"
#include "crypto/signature.h"
#include "tee/sim/report.h"
#include "tee/sim/root.h"
#include "tee/sim/sealed_blob.h"

namespace ensign::tee::sim {
namespace {

// obtain_root loads the root, creating it first when asked to and it is missing.
Result<EvpPkeyPtr> obtain_root(const std::string& path, RootMode mode) {
  auto loaded = load_sim_root(path);
  if (loaded || mode == RootMode::kLoad || loaded.error().code() != ErrorCode::kNotFound) {
    return loaded;
  }
  auto created = create_sim_root(path);
  if (!created && created.error().code() == ErrorCode::kAlreadyExists) {
    return load_sim_root(path);  // another process created it between our two calls
  }
  return created;
}

}  // namespace

SimPlatform::SimPlatform(EvpPkeyPtr root,
                         Identity identity,
                         Bytes root_key_id,
                         SecretBytes sealing_key)
    : root_(std::move(root)),
      identity_(std::move(identity)),
      root_key_id_(std::move(root_key_id)),
      sealing_key_(std::move(sealing_key)) {}

Result<std::unique_ptr<SimPlatform>> SimPlatform::open(const std::string& root_path,
                                                       ByteView measurement,
                                                       RootMode mode) {
  if (measurement.size() != kMeasurementSize) {
    return fail(ErrorCode::kInvalidArgument,
                "sim measurement must be 48 bytes, got " + std::to_string(measurement.size()));
  }
  ENSIGN_TRY(root, obtain_root(root_path, mode));
  ENSIGN_TRY(root_public_key, crypto::public_key_to_der(root.get()));
  ENSIGN_TRY(root_private_key, crypto::private_key_to_der(root.get()));
  ENSIGN_TRY(sealing_key, derive_sealing_key(root_private_key, measurement));
  Bytes key_id = root_key_id(root_public_key);
  Identity identity{
      kSimPlatformName, Bytes(measurement.begin(), measurement.end()), std::move(root_public_key)};
  return std::unique_ptr<SimPlatform>(new SimPlatform(
      std::move(root), std::move(identity), std::move(key_id), std::move(sealing_key)));
}

Result<Bytes> SimPlatform::evidence(ByteView report_data) {
  if (report_data.size() != kReportDataSize) {
    return fail(ErrorCode::kInvalidArgument,
                "report data must be 64 bytes, got " + std::to_string(report_data.size()));
  }
  ENSIGN_TRY(claims, encode_sim_report_claims(identity_.measurement, report_data, root_key_id_));
  ENSIGN_TRY(signature,
             crypto::sign_message(root_.get(), crypto::KeyAlgorithm::kEcdsaP384, claims));
  return complete_sim_report(claims, signature);
}

Result<Bytes> SimPlatform::seal(SealPurpose purpose,
                                std::string_view object_id,
                                const SecretBytes& plaintext) {
  return seal_blob(
      sealing_key_, {identity_.measurement, root_key_id_}, purpose, object_id, plaintext);
}

Result<SecretBytes> SimPlatform::unseal(SealPurpose purpose,
                                        std::string_view object_id,
                                        ByteView sealed) {
  return unseal_blob(
      sealing_key_, {identity_.measurement, root_key_id_}, purpose, object_id, sealed);
}

}  // namespace ensign::tee::sim
