#include "host/store/internal/sql_store.h"

#include "host/store/internal/key_tables.h"
#include "host/store/internal/log_tables.h"
#include "host/store/internal/token_tables.h"

namespace ensign::host::store::internal {

Result<int> SqlStore::schema_version() {
  std::lock_guard lock(write_mutex_);  // the schema version is read on the writing connection
  return read_schema_version();
}

Status SqlStore::set_meta(std::string_view name, std::string_view value) {
  if (name.empty()) {
    return fail(ErrorCode::kInvalidArgument, path_ + ": a meta entry needs a name");
  }
  return write([&](const Session& session) { return write_meta(session, name, value); });
}

Result<std::optional<std::string>> SqlStore::get_meta(std::string_view name) {
  return read([&](const Session& session) { return read_meta(session, name); });
}

Status SqlStore::add_key_version(const KeyVersion& version, std::string_view actor) {
  ENSIGN_CHECK(validate_key_version(path_, version));
  return write([&](const Session& session) { return insert_key_version(session, version, actor); });
}

Result<std::vector<KeyInfo>> SqlStore::list_keys() {
  return read([](const Session& session) { return read_keys(session); });
}

Result<KeyInfo> SqlStore::get_key(std::string_view name) {
  return read([&](const Session& session) { return read_key(session, name); });
}

Result<std::vector<KeyVersion>> SqlStore::key_versions(std::string_view name) {
  return read([&](const Session& session) { return read_key_versions(session, name); });
}

Result<KeyVersion> SqlStore::key_version(std::string_view name, std::uint32_t version) {
  return read([&](const Session& session) { return read_key_version(session, name, version); });
}

Result<std::int64_t> SqlStore::append_audit(const AuditEvent& event) {
  if (event.action.empty()) {
    return fail(ErrorCode::kInvalidArgument, path_ + ": an audit event needs an action");
  }
  return write([&](const Session& session) { return insert_audit(session, event); });
}

Result<std::vector<AuditEvent>> SqlStore::list_audit(std::optional<std::string> key_name,
                                                     std::size_t limit) {
  return read([&](const Session& session) { return read_audit(session, key_name, limit); });
}

Status SqlStore::add_token(const TokenRecord& token) {
  return write([&](const Session& session) { return insert_token(session, token); });
}

Result<TokenRecord> SqlStore::get_token(std::string_view id) {
  return read([&](const Session& session) { return read_token(session, id); });
}

Result<std::vector<TokenRecord>> SqlStore::list_tokens() {
  return read([](const Session& session) { return read_tokens(session); });
}

Status SqlStore::revoke_token(std::string_view id, std::int64_t at) {
  return write([&](const Session& session) { return mark_token_revoked(session, id, at); });
}

Status SqlStore::create_log(const LogHead& head) {
  return write([&](const Session& session) { return insert_log_head(session, head); });
}

Result<std::optional<LogHead>> SqlStore::log_head() {
  return read([](const Session& session) { return read_log_head(session); });
}

Result<LogAppend> SqlStore::append_log(
    const std::function<Result<LogAppend>(const LogHead&, const log::NodeReader&)>& make) {
  return write([&](const Session& session) -> Result<LogAppend> {
    ENSIGN_TRY(head, read_log_head(session));
    if (!head) {
      return fail(ErrorCode::kNotFound, session.path() + ": there is no log yet");
    }
    log::NodeReader nodes = [&session](log::NodeId id) { return read_log_node(session, id); };
    ENSIGN_TRY(batch, make(*head, nodes));
    ENSIGN_CHECK(store_log_append(session, *head, batch));
    return batch;
  });
}

Result<std::vector<LogEntryRow>> SqlStore::log_entries(std::uint64_t first, std::size_t count) {
  return read([&](const Session& session) { return read_log_entries(session, first, count); });
}

Result<std::uint64_t> SqlStore::find_log_entry(ByteView leaf_hash) {
  return read([&](const Session& session) { return internal::find_log_entry(session, leaf_hash); });
}

Result<Bytes> SqlStore::log_node(log::NodeId id) {
  return read([&](const Session& session) { return read_log_node(session, id); });
}

Result<std::string> SqlStore::log_checkpoint(std::uint64_t size) {
  return read([&](const Session& session) { return read_log_checkpoint(session, size); });
}

}  // namespace ensign::host::store::internal
