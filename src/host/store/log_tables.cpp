#include "host/store/internal/log_tables.h"

#include <algorithm>
#include <limits>

namespace ensign::host::store::internal {
namespace {

constexpr std::size_t kHashSize = 32;
constexpr auto kLargestIndex = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

Unexpected bad_row(const Session& database, const std::string& what) {
  return fail(data_loss(database.path(), "log " + what));
}

// stored_index reads a non-negative integer column.
Result<std::uint64_t> stored_index(const Session& database, const Row& statement,
                                   int column, const std::string& what) {
  ENSIGN_TRY(value, statement.integer(column));
  if (value < 0) {
    return bad_row(database, what + " is negative");
  }
  return static_cast<std::uint64_t>(value);
}

Status insert_checkpoint(const Session& database, std::uint64_t size,
                         std::string_view checkpoint) {
  ENSIGN_TRY(statement,
             database.query("INSERT INTO log_checkpoints (size, checkpoint) VALUES (?1, ?2)"));
  ENSIGN_CHECK(statement->bind_integer(1, static_cast<std::int64_t>(size)));
  ENSIGN_CHECK(statement->bind_text(2, checkpoint));
  return statement->run("cannot store the log's checkpoint of size " + std::to_string(size));
}

}  // namespace

Status insert_log_head(const Session& database, const LogHead& head) {
  ENSIGN_TRY(existing, read_log_head(database));
  if (existing) {
    return fail(ErrorCode::kAlreadyExists,
                database.path() + ": the log '" + existing->origin + "' already exists");
  }
  ENSIGN_TRY(statement,
             database.query("INSERT INTO log_head (id, origin, public_key, sealed_key, "
                              "key_attestation, size, sealed_state, checkpoint) "
                              "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  ENSIGN_CHECK(statement->bind_text(1, head.origin));
  ENSIGN_CHECK(statement->bind_blob(2, head.public_key));
  ENSIGN_CHECK(statement->bind_blob(3, head.sealed_key));
  ENSIGN_CHECK(statement->bind_blob(4, head.key_attestation));
  ENSIGN_CHECK(statement->bind_integer(5, static_cast<std::int64_t>(head.size)));
  ENSIGN_CHECK(statement->bind_blob(6, head.sealed_state));
  ENSIGN_CHECK(statement->bind_text(7, head.checkpoint));
  ENSIGN_CHECK(statement->run("cannot store the log"));
  return insert_checkpoint(database, head.size, head.checkpoint);
}

Result<std::optional<LogHead>> read_log_head(const Session& database) {
  ENSIGN_TRY(statement, database.query("SELECT origin, public_key, sealed_key, key_attestation, "
                                         "size, sealed_state, checkpoint FROM log_head"));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return std::optional<LogHead>();
  }
  LogHead head;
  ENSIGN_TRY(origin, statement->text(0));
  ENSIGN_TRY(public_key, statement->blob(1));
  ENSIGN_TRY(sealed_key, statement->blob(2));
  ENSIGN_TRY(key_attestation, statement->blob(3));
  ENSIGN_TRY(size, stored_index(database, *statement, 4, "size"));
  ENSIGN_TRY(sealed_state, statement->blob(5));
  ENSIGN_TRY(checkpoint, statement->text(6));
  head.origin = std::move(origin);
  head.public_key = std::move(public_key);
  head.sealed_key = std::move(sealed_key);
  head.key_attestation = std::move(key_attestation);
  head.size = size;
  head.sealed_state = std::move(sealed_state);
  head.checkpoint = std::move(checkpoint);
  return std::optional<LogHead>(std::move(head));
}

Status store_log_append(const Session& database, const LogHead& head, const LogAppend& batch) {
  if (batch.first_index != head.size) {
    return fail(ErrorCode::kFailedPrecondition,
                database.path() + ": the batch starts at leaf " +
                    std::to_string(batch.first_index) + ", the log holds " +
                    std::to_string(head.size));
  }
  if (batch.entries.empty() || batch.entries.size() != batch.leaf_hashes.size() ||
      batch.entries.size() > kLargestIndex - head.size) {
    return fail(ErrorCode::kFailedPrecondition,
                database.path() + ": a log batch needs one leaf hash per entry");
  }
  std::uint64_t size = head.size + batch.entries.size();
  for (std::size_t i = 0; i < batch.entries.size(); ++i) {
    ENSIGN_TRY(statement, database.query("INSERT INTO log_entries (idx, body, leaf_hash) "
                                           "VALUES (?1, ?2, ?3)"));
    ENSIGN_CHECK(statement->bind_integer(1, static_cast<std::int64_t>(head.size + i)));
    ENSIGN_CHECK(statement->bind_text(2, batch.entries[i]));
    ENSIGN_CHECK(statement->bind_blob(3, batch.leaf_hashes[i]));
    ENSIGN_CHECK(statement->run("cannot store log entry " + std::to_string(head.size + i)));
  }
  for (const auto& [id, hash] : batch.nodes) {
    ENSIGN_TRY(statement, database.query("INSERT INTO log_nodes (level, idx, hash) VALUES "
                                           "(?1, ?2, ?3) ON CONFLICT DO NOTHING"));
    ENSIGN_CHECK(statement->bind_integer(1, id.level));
    ENSIGN_CHECK(statement->bind_integer(2, static_cast<std::int64_t>(id.index)));
    ENSIGN_CHECK(statement->bind_blob(3, hash));
    ENSIGN_CHECK(statement->run("cannot store a log node"));
  }
  ENSIGN_CHECK(insert_checkpoint(database, size, batch.checkpoint));
  ENSIGN_TRY(update, database.query("UPDATE log_head SET size = ?1, sealed_state = ?2, "
                                      "checkpoint = ?3 WHERE id = 1"));
  ENSIGN_CHECK(update->bind_integer(1, static_cast<std::int64_t>(size)));
  ENSIGN_CHECK(update->bind_blob(2, batch.sealed_state));
  ENSIGN_CHECK(update->bind_text(3, batch.checkpoint));
  return update->run("cannot move the log head");
}

Result<std::vector<LogEntryRow>> read_log_entries(const Session& database, std::uint64_t first,
                                                  std::size_t count) {
  ENSIGN_TRY(statement, database.query("SELECT idx, body, leaf_hash FROM log_entries "
                                         "WHERE idx >= ?1 ORDER BY idx LIMIT ?2"));
  ENSIGN_CHECK(
      statement->bind_integer(1, static_cast<std::int64_t>(std::min(first, kLargestIndex))));
  ENSIGN_CHECK(statement->bind_integer(
      2, static_cast<std::int64_t>(std::min<std::uint64_t>(count, kLargestIndex))));
  std::vector<LogEntryRow> rows;
  for (;;) {
    ENSIGN_TRY(has_row, statement->step());
    if (!has_row) {
      return rows;
    }
    LogEntryRow row;
    ENSIGN_TRY(index, stored_index(database, *statement, 0, "entry index"));
    ENSIGN_TRY(body, statement->text(1));
    ENSIGN_TRY(leaf_hash, statement->blob(2));
    row.index = index;
    row.body = std::move(body);
    row.leaf_hash = std::move(leaf_hash);
    rows.push_back(std::move(row));
  }
}

Result<std::uint64_t> find_log_entry(const Session& database, ByteView leaf_hash) {
  ENSIGN_TRY(statement,
             database.query("SELECT min(idx) FROM log_entries WHERE leaf_hash = ?1"));
  ENSIGN_CHECK(statement->bind_blob(1, leaf_hash));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row || statement->is_null(0)) {
    return fail(ErrorCode::kNotFound, database.path() + ": no log entry has leaf hash " +
                                          base64_encode(leaf_hash));
  }
  return stored_index(database, *statement, 0, "entry index");
}

Result<Bytes> read_log_node(const Session& database, log::NodeId id) {
  ENSIGN_TRY(statement,
             database.query("SELECT hash FROM log_nodes WHERE level = ?1 AND idx = ?2"));
  ENSIGN_CHECK(statement->bind_integer(1, id.level));
  ENSIGN_CHECK(
      statement->bind_integer(2, static_cast<std::int64_t>(std::min(id.index, kLargestIndex))));
  ENSIGN_TRY(has_row, statement->step());
  std::string name = "node " + std::to_string(id.level) + "/" + std::to_string(id.index);
  if (!has_row) {
    return fail(ErrorCode::kNotFound, database.path() + ": no log " + name);
  }
  ENSIGN_TRY(hash, statement->blob(0));
  if (hash.size() != kHashSize) {
    return bad_row(database, name + " is not a 32-byte hash");
  }
  return hash;
}

Result<std::string> read_log_checkpoint(const Session& database, std::uint64_t size) {
  ENSIGN_TRY(statement, database.query("SELECT checkpoint FROM log_checkpoints WHERE size = ?1"));
  ENSIGN_CHECK(
      statement->bind_integer(1, static_cast<std::int64_t>(std::min(size, kLargestIndex))));
  ENSIGN_TRY(has_row, statement->step());
  if (!has_row) {
    return fail(ErrorCode::kNotFound,
                database.path() + ": no checkpoint of size " + std::to_string(size));
  }
  return statement->text(0);
}

}  // namespace ensign::host::store::internal
