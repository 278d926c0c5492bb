// log_tables.h: the transparency log's tables (schema migration 2): the head row, the leaves, the
// tree nodes and every checkpoint. Each function runs inside the caller's transaction; stored
// values are outside input, so what is read back is checked and fails with DataLoss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

Status insert_log_head(const Session& database, const LogHead& head);
Result<std::optional<LogHead>> read_log_head(const Session& database);

// store_log_append writes a batch that continues `head` and moves the head on. Fails with
// FailedPrecondition when the batch does not start at head.size or its parts disagree in count.
Status store_log_append(const Session& database, const LogHead& head, const LogAppend& batch);

Result<std::vector<LogEntryRow>> read_log_entries(const Session& database, std::uint64_t first,
                                                  std::size_t count);
Result<std::uint64_t> find_log_entry(const Session& database, ByteView leaf_hash);
Result<Bytes> read_log_node(const Session& database, log::NodeId id);
Result<std::string> read_log_checkpoint(const Session& database, std::uint64_t size);

}  // namespace ensign::host::store::internal
