// key_view.h: how keys and their attestations are shown, shared by the key, sign and verify
// commands so every command describes a key the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "attest/key_attestation.h"
#include "core/bytes.h"
#include "host/store/store.h"

namespace ensign::host {

// key_label returns "name@vN".
std::string key_label(const store::KeyVersion& key);

// attestation_json describes a verified (or not) key attestation.
nlohmann::json attestation_json(const attest::KeyAttestationResult& result, ByteView evidence);

// key_version_json describes one key version; `attestation` when it was checked.
nlohmann::json key_version_json(const store::KeyVersion& key,
                                const std::optional<attest::KeyAttestationResult>& attestation);

// key_info_json summarises a key, as `key list` and GET /v1/keys show it.
nlohmann::json key_info_json(const store::KeyInfo& key);

// chosen_version returns version `version` of key `name`, or its newest when `version` is 0.
Result<store::KeyVersion> chosen_version(store::Store& store, std::string_view name,
                                         std::uint32_t version);

// key_details_json describes a key version with its key attestation checked against the
// installation's platform root, the key's current version and all its versions, as
// `key show --json` and GET /v1/keys/NAME show it.
Result<nlohmann::json> key_details_json(store::Store& store, std::string_view name,
                                        std::uint32_t version);

// installation_platform_key returns the platform root (DER SPKI) recorded at `ensign init`.
Result<Bytes> installation_platform_key(store::Store& store);

}  // namespace ensign::host
