#include "host/key_view.h"

#include "core/time.h"
#include "crypto/keys.h"
#include "host/state.h"

namespace ensign::host {

std::string key_label(const store::KeyVersion& key) {
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

nlohmann::json key_version_json(const store::KeyVersion& key,
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

nlohmann::json key_info_json(const store::KeyInfo& key) {
  return {{"name", key.name},
          {"algorithm", crypto::key_algorithm_name(key.algorithm)},
          {"current_version", key.current_version},
          {"created", format_rfc3339(key.created_at)},
          {"updated", format_rfc3339(key.updated_at)}};
}

Result<store::KeyVersion> chosen_version(store::Store& store, std::string_view name,
                                         std::uint32_t version) {
  if (version == 0) {
    ENSIGN_TRY(info, store.get_key(name));
    version = info.current_version;
  }
  return store.key_version(name, version);
}

Result<nlohmann::json> key_details_json(store::Store& store, std::string_view name,
                                        std::uint32_t version) {
  ENSIGN_TRY(key, chosen_version(store, name, version));
  ENSIGN_TRY(info, store.get_key(name));
  ENSIGN_TRY(platform_key, installation_platform_key(store));
  auto attestation = attest::verify_key_attestation(key.platform, key.key_attestation,
                                                    key.public_key, platform_key, std::nullopt);
  ENSIGN_TRY(versions, store.key_versions(name));
  auto out = key_version_json(key, attestation);
  out["current_version"] = info.current_version;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : versions) {
    list.push_back(
        {{"version", v.version}, {"id", v.fingerprint}, {"created", format_rfc3339(v.created_at)}});
  }
  out["versions"] = list;
  return out;
}

Result<Bytes> installation_platform_key(store::Store& store) {
  ENSIGN_TRY(encoded, store.get_meta(kMetaPlatformKey));
  if (!encoded) {
    return fail(ErrorCode::kFailedPrecondition, "the installation has no platform key (run `ensign init`)");
  }
  auto decoded = base64_decode(*encoded);
  if (!decoded) {
    return fail(ErrorCode::kDataLoss, "the installation's recorded platform key is corrupt");
  }
  return std::move(decoded).value();
}

}  // namespace ensign::host
