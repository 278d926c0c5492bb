// store.h: the host's state in one database, a SQLite file (WAL mode) or a PostgreSQL database:
// key versions (public key, sealed private key, key attestation), installation metadata, the
// audit table, the transparency log and the API tokens. It holds no plaintext secret: sealed
// blobs are opaque bytes to it.
//
// Several processes may use one database at once: every write is one transaction that holds the
// database's write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock), each read sees a
// consistent snapshot, and a busy database is waited for (up to 10 s) rather than reported as an
// error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/keys.h"
#include "log/node_id.h"
#include "log/proofs.h"

namespace ensign::host::store {

// KeyVersion is one generation of a named key.
struct KeyVersion {
  std::string name;
  std::uint32_t version = 0;  // 1, 2, ...
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;
  Bytes public_key;       // DER SPKI
  Bytes sealed_key;       // opaque sealed blob from the enclave
  Bytes key_attestation;  // platform evidence over SHA-256(public_key)
  std::string platform;   // platform that generated it, e.g. "sim"
  std::string fingerprint;  // lowercase hex SHA-256 of public_key: the key version's id
  std::int64_t created_at = 0;  // Unix seconds
};

// KeyInfo summarises a named key.
struct KeyInfo {
  std::string name;
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;
  std::uint32_t current_version = 0;  // the newest version: the only one that signs
  std::int64_t created_at = 0;        // when version 1 was made
  std::int64_t updated_at = 0;        // when the newest version was made
};

// AuditEvent is one row of the append-only audit table.
struct AuditEvent {
  std::int64_t id = 0;          // assigned by append_audit
  std::int64_t at = 0;          // Unix seconds; assigned by append_audit when 0
  std::string actor;            // who: the OS user (local mode) or token id (server)
  std::string action;           // "key.create", "key.rotate", "sign"
  std::string key_name;
  std::uint32_t key_version = 0;
  std::string digest;           // hex digest of what was signed, when action is "sign"
  std::string detail;           // free text without secrets, e.g. "dsse application/vnd.in-toto+json"
};

// LogHead is the transparency log's identity and its newest state: the one row the enclave's next
// batch continues from.
struct LogHead {
  std::string origin;
  Bytes public_key;        // the log key's DER SPKI
  Bytes sealed_key;        // the log key, sealed by the enclave
  Bytes key_attestation;   // platform evidence over SHA-256(public_key)
  std::uint64_t size = 0;  // leaves in the tree
  Bytes sealed_state;      // the enclave's sealed state of that tree
  std::string checkpoint;  // the enclave's signed checkpoint of that tree (C2SP signed note)
};

// LogAppend is one batch the enclave signed: its leaves from `first_index` on, the tree nodes they
// complete, and the state and checkpoint after them.
struct LogAppend {
  std::uint64_t first_index = 0;
  std::vector<std::string> entries;
  std::vector<Bytes> leaf_hashes;  // one per entry
  std::vector<std::pair<log::NodeId, Bytes>> nodes;  // leaves included
  Bytes sealed_state;
  std::string checkpoint;
};

// LogEntryRow is one stored leaf.
struct LogEntryRow {
  std::uint64_t index = 0;
  std::string body;
  Bytes leaf_hash;
};

// TokenRecord is one API bearer token as the store keeps it: never the token's secret, only a
// salted hash of it (host/auth). Its id is public: it names the token in logs and audit rows.
struct TokenRecord {
  std::string id;                   // unique, [a-z0-9]{1,32}
  std::string description;          // free text the operator gave, may be empty
  std::vector<std::string> scopes;  // "admin", "read", "sign:KEY"; each without spaces
  Bytes salt;                       // random, per token
  Bytes secret_hash;                // salted hash of the secret
  std::int64_t created_at = 0;      // Unix seconds
  std::int64_t revoked_at = 0;      // Unix seconds; 0 while the token is valid
};

enum class OpenMode {
  kCreate,    // create the database when missing, then migrate
  kExisting,  // fail with FailedPrecondition ("run `ensign init`") when missing
};

class Store {
 public:
  // open opens (and with kCreate creates) the database at `path`, sets WAL mode and a busy
  // timeout, and applies pending schema migrations in one transaction. Fails with DataLoss naming
  // the file when it is not an ensign database or is corrupt, and with FailedPrecondition when
  // its schema is newer than this build knows.
  static Result<std::unique_ptr<Store>> open(const std::string& path, OpenMode mode);

  // open_url opens the store a URL names: `sqlite:PATH` is open(PATH, mode), and
  // `postgresql://...` or `postgres://...` (libpq's URI form) a PostgreSQL database, which
  // several processes may share as they share a SQLite file. With kExisting, an empty database
  // fails with FailedPrecondition ("run `ensign init`"); otherwise it fails as open does, naming
  // the database by its URL without the password, and with Unavailable when the server cannot
  // be reached or refuses the login. Any other URL is InvalidArgument.
  static Result<std::unique_ptr<Store>> open_url(std::string_view url, OpenMode mode);

  Store() = default;
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) = delete;
  Store& operator=(Store&&) = delete;

  // schema_version returns the applied migration count.
  virtual Result<int> schema_version() = 0;

  // set_meta / get_meta keep installation facts (platform, measurement, platform key, ...).
  virtual Status set_meta(std::string_view name, std::string_view value) = 0;
  virtual Result<std::optional<std::string>> get_meta(std::string_view name) = 0;

  // add_key_version stores a new key version and its audit event ("key.create" for version 1,
  // "key.rotate" otherwise) in one transaction. Version 1 fails with AlreadyExists when the name
  // is taken; version N > 1 fails with FailedPrecondition unless N is the current version + 1,
  // so two racing rotations cannot both win.
  virtual Status add_key_version(const KeyVersion& version, std::string_view actor) = 0;

  // list_keys returns every key, ordered by name.
  virtual Result<std::vector<KeyInfo>> list_keys() = 0;

  // get_key returns one key; NotFound when there is none by that name.
  virtual Result<KeyInfo> get_key(std::string_view name) = 0;

  // key_versions returns all versions of a key, oldest first; NotFound when the key is absent.
  virtual Result<std::vector<KeyVersion>> key_versions(std::string_view name) = 0;

  // key_version returns one version; NotFound when absent.
  virtual Result<KeyVersion> key_version(std::string_view name, std::uint32_t version) = 0;

  // append_audit appends an event and returns its id.
  virtual Result<std::int64_t> append_audit(const AuditEvent& event) = 0;

  // create_log stores a new log's head (of size 0); AlreadyExists when there is one.
  virtual Status create_log(const LogHead& head) = 0;

  // log_head returns the log's head; nothing before create_log.
  virtual Result<std::optional<LogHead>> log_head() = 0;

  // append_log holds the write lock while `make` turns the head, as it then is, into the next
  // batch (reading stored nodes through `nodes`, not through this store, which it holds), and
  // stores the batch (entries, nodes, checkpoint, new head) in the same transaction: when it
  // returns, the batch is durable (SQLite's synchronous = FULL, PostgreSQL's synchronous_commit =
  // on). Fails with NotFound before create_log, FailedPrecondition when the batch does not start
  // at the head's size, or with make's error, storing nothing.
  virtual Result<LogAppend> append_log(
      const std::function<Result<LogAppend>(const LogHead& head, const log::NodeReader& nodes)>&
          make) = 0;

  // log_entries returns up to `count` leaves from `first` on, in order.
  virtual Result<std::vector<LogEntryRow>> log_entries(std::uint64_t first, std::size_t count) = 0;

  // find_log_entry returns the index of the leaf whose hash is `leaf_hash`; NotFound if none.
  virtual Result<std::uint64_t> find_log_entry(ByteView leaf_hash) = 0;

  // log_node returns a stored tree node's hash; NotFound when absent.
  virtual Result<Bytes> log_node(log::NodeId id) = 0;

  // log_checkpoint returns the checkpoint the enclave signed for the tree of `size` leaves;
  // NotFound when none was (every batch signs one of its new size).
  virtual Result<std::string> log_checkpoint(std::uint64_t size) = 0;

  // add_token stores a new token; AlreadyExists when its id is taken.
  virtual Status add_token(const TokenRecord& token) = 0;

  // get_token returns one token, revoked or not; NotFound when absent.
  virtual Result<TokenRecord> get_token(std::string_view id) = 0;

  // list_tokens returns every token, oldest first.
  virtual Result<std::vector<TokenRecord>> list_tokens() = 0;

  // revoke_token marks a token revoked at `at`; NotFound when absent, FailedPrecondition when it
  // is revoked already.
  virtual Status revoke_token(std::string_view id, std::int64_t at) = 0;

  // list_audit returns the newest `limit` events (optionally only those of one key), oldest
  // first.
  virtual Result<std::vector<AuditEvent>> list_audit(std::optional<std::string> key_name,
                                                     std::size_t limit) = 0;
};

}  // namespace ensign::host::store
