// key_tables.h: the tables of schema migration 1: installation metadata, keys and their versions,
// and the audit table. Each function runs inside the caller's transaction; stored values are
// outside input, so what is read back is checked and fails with DataLoss.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

// validate_key_version refuses, with InvalidArgument naming `path`, a KeyVersion the store must
// never hold: no name, version 0, no key material, or a fingerprint that is not the SHA-256 of
// the public key.
Status validate_key_version(const std::string& path, const KeyVersion& version);

Status write_meta(const Session& database, std::string_view name, std::string_view value);
Result<std::optional<std::string>> read_meta(const Session& database, std::string_view name);

// insert_key_version stores a validated version and its audit event. Fails as
// Store::add_key_version does.
Status insert_key_version(const Session& database,
                          const KeyVersion& version,
                          std::string_view actor);

Result<std::vector<KeyInfo>> read_keys(const Session& database);
Result<KeyInfo> read_key(const Session& database, std::string_view name);
Result<std::vector<KeyVersion>> read_key_versions(const Session& database, std::string_view name);
Result<KeyVersion> read_key_version(const Session& database,
                                    std::string_view name,
                                    std::uint32_t version);

// insert_audit appends one audit row (stamped now when event.at is 0) and returns its id.
Result<std::int64_t> insert_audit(const Session& database, const AuditEvent& event);
Result<std::vector<AuditEvent>> read_audit(const Session& database,
                                           const std::optional<std::string>& key_name,
                                           std::size_t limit);

}  // namespace ensign::host::store::internal
