#include "cli/key_view.h"

#include "cli/context.h"
#include "core/time.h"
#include "crypto/keys.h"
#include "host/state.h"

namespace ensign::cli {

std::string key_label(const host::store::KeyVersion& key) {
  return key.name + "@v" + std::to_string(key.version);
}

nlohmann::json attestation_json(const attest::KeyAttestationResult& result, ByteView evidence) {
  nlohmann::json out{
      {"platform", result.platform},
      {"verified", result.verified},
      {"measurement", hex_encode(result.measurement)},
      {"report_data", hex_encode(result.report_data)},
      {"flags", result.flags},
      {"evidence", base64_encode(evidence)},
  };
  if (!result.details.empty()) {
    out[result.platform] = result.details;
  }
  if (!result.verified) {
    out["reason"] = result.reason;
  }
  return out;
}

nlohmann::json key_version_json(const host::store::KeyVersion& key,
                                const std::optional<attest::KeyAttestationResult>& attestation) {
  auto pem = crypto::public_key_to_pem(key.public_key);
  nlohmann::json out{
      {"name", key.name},
      {"version", key.version},
      {"id", key.fingerprint},
      {"algorithm", crypto::key_algorithm_name(key.algorithm)},
      {"platform", key.platform},
      {"created", format_rfc3339(key.created_at)},
      {"public_key_pem", pem ? *pem : ""},
  };
  if (attestation) {
    out["key_attestation"] = attestation_json(*attestation, key.key_attestation);
  }
  return out;
}

Result<Bytes> installation_platform_key(host::store::Store& store) {
  ENSIGN_TRY(encoded, store.get_meta(host::kMetaPlatformKey));
  if (!encoded) {
    return fail(ErrorCode::kFailedPrecondition, "the installation has no platform key (run `ensign init`)");
  }
  auto decoded = base64_decode(*encoded);
  if (!decoded) {
    return fail(ErrorCode::kDataLoss, "the installation's recorded platform key is corrupt");
  }
  return std::move(decoded).value();
}

}  // namespace ensign::cli
