// rows.h: the column lists the store selects and the decoders that turn their rows into the
// public structs. Stored values are outside input (anyone with the file can edit it), so every
// decoder checks types, ranges, algorithm names and fingerprints, and fails with DataLoss.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

// kKeyVersionColumns is the select list decode_key_version reads, from key_versions.
inline constexpr std::string_view kKeyVersionColumns =
    "name, version, algorithm, public_key, sealed_key, key_attestation, platform, fingerprint, "
    "created_at";

// kKeyInfoColumns is the select list decode_key_info reads, from keys `k` joined with the
// newest of its key_versions `v`.
inline constexpr std::string_view kKeyInfoColumns =
    "k.name, v.algorithm, v.version, k.created_at, v.created_at";

// kAuditColumns is the select list decode_audit_event reads, from audit.
inline constexpr std::string_view kAuditColumns =
    "id, at, actor, action, key_name, key_version, digest, detail";

// decode_key_version reads the current row of a kKeyVersionColumns query. Fails with DataLoss,
// naming the file and the key, on a wrong type, a version outside 1..2^32-1, an unknown algorithm
// or a fingerprint that is not the SHA-256 of the stored public key.
Result<KeyVersion> decode_key_version(const Row& statement);

// decode_key_info reads the current row of a kKeyInfoColumns query; fails like
// decode_key_version.
Result<KeyInfo> decode_key_info(const Row& statement);

// decode_audit_event reads the current row of a kAuditColumns query; fails with DataLoss, naming
// the file and the event id, on a wrong type or a key version outside 0..2^32-1.
Result<AuditEvent> decode_audit_event(const Row& statement);

}  // namespace ensign::host::store::internal
