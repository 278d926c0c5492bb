#include "host/store/internal/rows.h"

#include <limits>
#include <string>
#include <utility>

#include "crypto/keys.h"

namespace ensign::host::store::internal {
namespace {

// in_row puts the row's name into a failed result's message, keeping the path first:
// "<path>: key 'x' version 2: <problem>".
template <typename T>
Result<T> in_row(const Row& statement, std::string_view row, Result<T> result) {
  if (result) {
    return result;
  }
  std::string_view problem = result.error().message();
  std::string prefix = statement.path() + ": ";
  if (problem.substr(0, prefix.size()) == prefix) {
    problem.remove_prefix(prefix.size());
  }
  return fail(result.error().code(), prefix + std::string(row) + ": " + std::string(problem));
}

Result<std::uint32_t> decode_version(const Row& statement, int column, std::int64_t minimum) {
  ENSIGN_TRY(value, statement.integer(column));
  if (value < minimum || value > std::numeric_limits<std::uint32_t>::max()) {
    return fail(
        data_loss(statement.path(), "version " + std::to_string(value) + " is out of range"));
  }
  return static_cast<std::uint32_t>(value);
}

Result<crypto::KeyAlgorithm> decode_algorithm(const Row& statement, int column) {
  ENSIGN_TRY(name, statement.text(column));
  auto algorithm = crypto::parse_key_algorithm(name);
  if (!algorithm) {
    // The stored text is not echoed: a tampered value could be anything, of any length.
    return fail(data_loss(statement.path(), "unknown key algorithm"));
  }
  return *algorithm;
}

// decode_key_material reads columns 2..8 of a kKeyVersionColumns row.
Result<KeyVersion> decode_key_material(const Row& statement) {
  KeyVersion version;
  ENSIGN_TRY(algorithm, decode_algorithm(statement, 2));
  version.algorithm = algorithm;
  ENSIGN_TRY(public_key, statement.blob(3));
  version.public_key = std::move(public_key);
  ENSIGN_TRY(sealed_key, statement.blob(4));
  version.sealed_key = std::move(sealed_key);
  ENSIGN_TRY(key_attestation, statement.blob(5));
  version.key_attestation = std::move(key_attestation);
  ENSIGN_TRY(platform, statement.text(6));
  version.platform = std::move(platform);
  ENSIGN_TRY(fingerprint, statement.text(7));
  version.fingerprint = std::move(fingerprint);
  ENSIGN_TRY(created_at, statement.integer(8));
  version.created_at = created_at;
  if (version.fingerprint != crypto::key_fingerprint(version.public_key)) {
    return fail(data_loss(statement.path(), "stored fingerprint does not match the public key"));
  }
  return version;
}

// decode_key_summary reads columns 1..4 of a kKeyInfoColumns row.
Result<KeyInfo> decode_key_summary(const Row& statement) {
  KeyInfo info;
  ENSIGN_TRY(algorithm, decode_algorithm(statement, 1));
  info.algorithm = algorithm;
  ENSIGN_TRY(current_version, decode_version(statement, 2, 1));
  info.current_version = current_version;
  ENSIGN_TRY(created_at, statement.integer(3));
  info.created_at = created_at;
  ENSIGN_TRY(updated_at, statement.integer(4));
  info.updated_at = updated_at;
  return info;
}

// decode_audit_fields reads columns 1..7 of a kAuditColumns row.
Result<AuditEvent> decode_audit_fields(const Row& statement) {
  AuditEvent event;
  ENSIGN_TRY(at, statement.integer(1));
  event.at = at;
  ENSIGN_TRY(actor, statement.text(2));
  event.actor = std::move(actor);
  ENSIGN_TRY(action, statement.text(3));
  event.action = std::move(action);
  ENSIGN_TRY(key_name, statement.text(4));
  event.key_name = std::move(key_name);
  ENSIGN_TRY(key_version, decode_version(statement, 5, 0));
  event.key_version = key_version;
  ENSIGN_TRY(digest, statement.text(6));
  event.digest = std::move(digest);
  ENSIGN_TRY(detail, statement.text(7));
  event.detail = std::move(detail);
  return event;
}

}  // namespace

Result<KeyVersion> decode_key_version(const Row& statement) {
  ENSIGN_TRY(name, statement.text(0));
  std::string row = "key '" + name + "'";
  ENSIGN_TRY(number, in_row(statement, row, decode_version(statement, 1, 1)));
  row += " version " + std::to_string(number);
  ENSIGN_TRY(version, in_row(statement, row, decode_key_material(statement)));
  version.name = std::move(name);
  version.version = number;
  return version;
}

Result<KeyInfo> decode_key_info(const Row& statement) {
  ENSIGN_TRY(name, statement.text(0));
  ENSIGN_TRY(info, in_row(statement, "key '" + name + "'", decode_key_summary(statement)));
  info.name = std::move(name);
  return info;
}

Result<AuditEvent> decode_audit_event(const Row& statement) {
  ENSIGN_TRY(id, statement.integer(0));
  ENSIGN_TRY(
      event,
      in_row(statement, "audit event " + std::to_string(id), decode_audit_fields(statement)));
  event.id = id;
  return event;
}

}  // namespace ensign::host::store::internal
