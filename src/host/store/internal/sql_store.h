// sql_store.h: SqlStore, the Store both backends are: every method's checks and SQL (the
// *_tables files) on a Session, one call at a time. A backend adds only how it opens its database,
// begins and commits a write transaction, reads outside one, and where it keeps the schema
// version.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/result.h"
#include "host/store/internal/sql.h"
#include "host/store/store.h"

namespace ensign::host::store::internal {

// kMaxReadingConnections bounds the connections a store reads on beside its writing one.
inline constexpr std::size_t kMaxReadingConnections = 8;

// SessionFunction is the body a backend runs on its session.
using SessionFunction = std::function<Status(const Session&)>;

class SqlStore : public Store {
 public:
  Result<int> schema_version() final;
  Status set_meta(std::string_view name, std::string_view value) final;
  Result<std::optional<std::string>> get_meta(std::string_view name) final;
  Status add_key_version(const KeyVersion& version, std::string_view actor) final;
  Result<std::vector<KeyInfo>> list_keys() final;
  Result<KeyInfo> get_key(std::string_view name) final;
  Result<std::vector<KeyVersion>> key_versions(std::string_view name) final;
  Result<KeyVersion> key_version(std::string_view name, std::uint32_t version) final;
  Result<std::int64_t> append_audit(const AuditEvent& event) final;
  Result<std::vector<AuditEvent>> list_audit(std::optional<std::string> key_name,
                                             std::size_t limit) final;
  Status add_token(const TokenRecord& token) final;
  Result<TokenRecord> get_token(std::string_view id) final;
  Result<std::vector<TokenRecord>> list_tokens() final;
  Status revoke_token(std::string_view id, std::int64_t at) final;
  Status create_log(const LogHead& head) final;
  Result<std::optional<LogHead>> log_head() final;
  Result<LogAppend> append_log(
      const std::function<Result<LogAppend>(const LogHead&, const log::NodeReader&)>& make) final;
  Result<std::vector<LogEntryRow>> log_entries(std::uint64_t first, std::size_t count) final;
  Result<std::uint64_t> find_log_entry(ByteView leaf_hash) final;
  Result<Bytes> log_node(log::NodeId id) final;
  Result<std::string> log_checkpoint(std::uint64_t size) final;

 protected:
  // `path` names the database in messages (Row::path).
  explicit SqlStore(std::string path) : path_(std::move(path)) {}

  // in_write_transaction runs `body` in one write transaction that no other writer of the
  // database, in this process or another, runs beside, and commits it durably when `body`
  // succeeds; otherwise nothing is changed and the error is returned.
  virtual Status in_write_transaction(const SessionFunction& body) = 0;

  // in_read runs `body` outside a write transaction: each of its queries sees the database as
  // committed when the query began.
  virtual Status in_read(const SessionFunction& body) = 0;

  // read_schema_version returns the applied migration count.
  virtual Result<int> read_schema_version() = 0;

  // reads_beside_writes tells whether in_read runs on connections of its own, one per concurrent
  // read (a ConnectionPool), so that a read need not wait for a write in progress (a signing
  // batch holds its write through the enclave's work and the commit) nor for other reads.
  virtual bool reads_beside_writes() const { return false; }

 private:
  // write and read run `function(session)` (returning a Status or Result) through
  // in_write_transaction / in_read, and return its result or their error.
  template <typename Function>
  auto write(Function&& function) {
    return call(true, std::forward<Function>(function));
  }
  template <typename Function>
  auto read(Function&& function) {
    return call(false, std::forward<Function>(function));
  }
  template <typename Function>
  auto call(bool writes, Function&& function) {
    std::unique_lock lock(write_mutex_, std::defer_lock);
    if (writes || !reads_beside_writes()) {
      lock.lock();
    }
    auto run = [this, writes](const SessionFunction& body) {
      return writes ? in_write_transaction(body) : in_read(body);
    };
    return run_returning(run, std::forward<Function>(function));
  }

  std::string path_;
  // The writing connection runs one call at a time: writes, and reads unless the backend reads
  // beside writes on connections of its own.
  std::mutex write_mutex_;
};

}  // namespace ensign::host::store::internal
