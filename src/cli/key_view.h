// key_view.h: how keys and their attestations are shown, shared by the key, sign and verify
// commands so every command describes a key the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "attest/key_attestation.h"
#include "core/bytes.h"
#include "host/store/store.h"

namespace ensign::cli {

// key_label returns "name@vN".
std::string key_label(const host::store::KeyVersion& key);

// attestation_json describes a verified (or not) key attestation.
nlohmann::json attestation_json(const attest::KeyAttestationResult& result, ByteView evidence);

// key_version_json describes one key version; `attestation` when it was checked.
nlohmann::json key_version_json(const host::store::KeyVersion& key,
                                const std::optional<attest::KeyAttestationResult>& attestation);

// installation_platform_key returns the platform root (DER SPKI) recorded at `ensign init`.
Result<Bytes> installation_platform_key(host::store::Store& store);

}  // namespace ensign::cli
