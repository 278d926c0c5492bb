#include "host/store/internal/postgres_connection.h"

#include <libpq-fe.h>

#include <map>
#include <optional>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "host/store/internal/migrations.h"
#include "host/store/internal/postgres_error.h"

namespace ensign::host::store::internal {

struct PostgresConnection::Handle {
  explicit Handle(const std::string& conninfo) : connection(conninfo) {}
  pqxx::connection connection;
};

namespace {

// Type OIDs (pg_type.oid) of the columns the store reads; they are fixed in every PostgreSQL.
constexpr unsigned kByteaType = 17;
constexpr unsigned kNameType = 19;
constexpr unsigned kBigintType = 20;
constexpr unsigned kSmallintType = 21;
constexpr unsigned kIntegerType = 23;
constexpr unsigned kTextType = 25;
constexpr unsigned kVarcharType = 1043;

// kConnectTimeoutSeconds bounds the wait for an unreachable server, unless the URL sets
// connect_timeout itself.
constexpr std::string_view kConnectTimeoutSeconds = "10";

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoOptionsPtr = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

// url_password returns what stands between user name and host in `url`'s authority
// ("user:PASSWORD@host"), or nothing: the text to keep out of a message about a URL libpq
// could not parse.
std::string_view url_password(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return {};
  }
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find('/'));
  std::size_t at = authority.rfind('@');
  std::size_t colon = authority.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) {
    return {};
  }
  return authority.substr(colon + 1, at - colon - 1);
}

// without replaces every occurrence of `secret` in `text` by "***".
std::string without(std::string text, std::string_view secret) {
  if (secret.empty()) {
    return text;
  }
  for (std::size_t found = text.find(secret); found != std::string::npos;
       found = text.find(secret, found + 3)) {
    text.replace(found, secret.size(), "***");
  }
  return text;
}

// quote_conninfo quotes a value for libpq's keyword='value' form.
std::string quote_conninfo(std::string_view value) {
  std::string quoted = "'";
  for (char character : value) {
    if (character == '\'' || character == '\\') {
      quoted += '\\';
    }
    quoted += character;
  }
  return quoted + "'";
}

// to_dollar_parameters turns the shared SQL's `?N` parameters into PostgreSQL's `$N`. The store's
// SQL has no other question mark.
std::string to_dollar_parameters(std::string_view sql) {
  std::string text(sql);
  for (std::size_t index = 0; index + 1 < text.size(); ++index) {
    if (text[index] == '?' && text[index + 1] >= '0' && text[index + 1] <= '9') {
      text[index] = '$';
    }
  }
  return text;
}

std::string_view postgres_type_name(unsigned type) {
  switch (type) {
    case kBigintType:
    case kIntegerType:
    case kSmallintType:
      return "an integer";
    case kTextType:
    case kVarcharType:
    case kNameType:
      return "text";
    case kByteaType:
      return "a blob";
    default:
      return "a value of another type";
  }
}

class PostgresQuery final : public Query {
 public:
  PostgresQuery(pqxx::transaction_base& transaction, const std::string& path, std::string sql)
      : transaction_(transaction), path_(path), sql_(std::move(sql)) {}

  Status bind_integer(int index, std::int64_t value) override {
    return bind(index, std::to_string(value));
  }

  Status bind_text(int index, std::string_view text) override {
    if (text.find('\0') != std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument,
                  bind_failure(index) + ": PostgreSQL text cannot hold a NUL byte");
    }
    ENSIGN_CHECK(check_size(bind_failure(index) + ": the text", text.size()));
    return bind(index, std::string(text));
  }

  // bind_blob sends the blob in bytea's hex text form: libpqxx 6 binds a list of parameters in
  // one format, and text is the one the other parameters need.
  Status bind_blob(int index, ByteView blob) override {
    ENSIGN_CHECK(check_size(bind_failure(index) + ": the blob", blob.size()));
    return bind(index, "\\x" + hex_encode(blob));
  }

  Result<bool> step_for(std::string_view what) override {
    if (!result_) {
      ENSIGN_CHECK(execute(what));
    }
    if (next_ >= result_->size()) {
      return false;
    }
    row_ = next_++;
    return true;
  }

  [[nodiscard]] Result<std::int64_t> integer(int column) const override {
    ENSIGN_TRY(field, read(column, kBigintType));
    std::int64_t value = 0;
    try {
      value = field.as<std::int64_t>();
    } catch (const std::exception&) {
      return fail(data_loss(path_, column_label(column) + " is not a 64-bit integer"));
    }
    return value;
  }

  [[nodiscard]] Result<std::string> text(int column) const override {
    ENSIGN_TRY(field, read(column, kTextType));
    ENSIGN_CHECK(check_size(path_ + ": " + column_label(column), field.size()));
    return std::string(field.c_str(), field.size());
  }

  [[nodiscard]] Result<Bytes> blob(int column) const override {
    ENSIGN_TRY(field, read(column, kByteaType));
    std::string_view text(field.c_str(), field.size());
    if (text.substr(0, 2) != "\\x") {
      return fail(data_loss(path_, column_label(column) + " is not in bytea's hex form"));
    }
    ENSIGN_CHECK(check_size(path_ + ": " + column_label(column), (text.size() - 2) / 2));
    auto bytes = hex_decode(text.substr(2));
    if (!bytes) {
      return fail(data_loss(path_, column_label(column) + " is not in bytea's hex form"));
    }
    return std::move(*bytes);
  }

  [[nodiscard]] bool is_null(int column) const override {
    return !result_ || row_ >= result_->size() || !valid_column(column) ||
           (*result_)[static_cast<pqxx::row::size_type>(row_)][column].is_null();
  }

  [[nodiscard]] const std::string& path() const override { return path_; }

 private:
  [[nodiscard]] std::string bind_failure(int index) const {
    return path_ + ": cannot bind parameter " + std::to_string(index);
  }

  // check_size refuses, as SQLite's length limit does, a value over kMaxValueBytes: `value`
  // names it in the message.
  [[nodiscard]] static Status check_size(const std::string& value, std::size_t size) {
    if (size > static_cast<std::size_t>(kMaxValueBytes)) {
      return fail(ErrorCode::kResourceExhausted,
                  value + " is larger than " + std::to_string(kMaxValueBytes) + " bytes");
    }
    return {};
  }

  Status bind(int index, std::string value) {
    if (index < 1 || result_) {
      return fail(ErrorCode::kInternal, bind_failure(index) + ": no such parameter");
    }
    auto position = static_cast<std::size_t>(index - 1);
    if (position >= parameters_.size()) {
      parameters_.resize(position + 1);
      bound_.resize(position + 1, false);
    }
    parameters_[position] = std::move(value);
    bound_[position] = true;
    return {};
  }

  Status execute(std::string_view what) {
    for (std::size_t position = 0; position < bound_.size(); ++position) {
      if (!bound_[position]) {
        return fail(
            ErrorCode::kInternal,
            bind_failure(static_cast<int>(position + 1)) + ": the parameter was never bound");
      }
    }
    try {
      result_ = transaction_.exec_params(sql_, pqxx::prepare::make_dynamic_params(parameters_));
    } catch (...) {
      return fail(current_postgres_error(path_, what));
    }
    return {};
  }

  [[nodiscard]] bool valid_column(int column) const {
    return column >= 0 && static_cast<pqxx::row::size_type>(column) < result_->columns();
  }

  [[nodiscard]] std::string column_label(int column) const {
    std::string name = valid_column(column) ? result_->column_name(column) : "?";
    return "column '" + name + "'";
  }

  // read returns column `column` of the current row when its type reads as `expected`'s does;
  // fails with DataLoss for NULL or another type.
  [[nodiscard]] Result<pqxx::field> read(int column, unsigned expected) const {
    if (!result_ || row_ >= result_->size() || !valid_column(column)) {
      return fail(ErrorCode::kInternal,
                  path_ + ": no column " + std::to_string(column) + " in the current row");
    }
    pqxx::field field = (*result_)[static_cast<pqxx::row::size_type>(row_)][column];
    unsigned type = result_->column_type(column);
    std::string_view holds = field.is_null() ? "NULL" : postgres_type_name(type);
    if (field.is_null() || holds != postgres_type_name(expected)) {
      return fail(data_loss(path_,
                            column_label(column) + " holds " + std::string(holds) + ", not " +
                                std::string(postgres_type_name(expected))));
    }
    return field;
  }

  pqxx::transaction_base& transaction_;
  const std::string& path_;
  std::string sql_;
  std::vector<std::string> parameters_;
  std::vector<bool> bound_;
  std::optional<pqxx::result> result_;
  std::size_t next_ = 0;  // the row the next step makes current
  std::size_t row_ = 0;   // the current row
};

}  // namespace

Result<PostgresTarget> parse_postgres_url(std::string_view url) {
  std::string text(url);
  char* raw_error = nullptr;
  ConninfoOptionsPtr options(PQconninfoParse(text.c_str(), &raw_error));
  if (options == nullptr) {
    std::string reason = raw_error != nullptr ? raw_error : "out of memory";
    PQfreemem(raw_error);
    while (!reason.empty() && reason.back() == '\n') {
      reason.pop_back();
    }
    return fail(ErrorCode::kInvalidArgument,
                "not a valid PostgreSQL URL: " + without(reason, url_password(url)));
  }
  std::map<std::string, std::string, std::less<>> values;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val != nullptr && *option->val != '\0') {
      values.emplace(option->keyword, option->val);
    }
  }
  values.try_emplace("connect_timeout", kConnectTimeoutSeconds);
  values.try_emplace("fallback_application_name", "ensign");
  PostgresTarget target;
  for (const auto& [keyword, value] : values) {
    target.conninfo += keyword + "=" + quote_conninfo(value) + " ";
  }
  auto value_of = [&values](std::string_view keyword) -> std::string {
    auto found = values.find(keyword);
    return found != values.end() ? found->second : std::string();
  };
  std::string host = value_of("host").empty() ? value_of("hostaddr") : value_of("host");
  std::string user = value_of("user");
  std::string port = value_of("port");
  target.name = "postgresql://" + (user.empty() ? "" : user + "@") + host +
                (port.empty() ? "" : ":" + port) + "/" + value_of("dbname");
  target.password = value_of("password");
  return target;
}

Result<std::unique_ptr<Query>> PostgresSession::query(std::string_view sql) const {
  return std::unique_ptr<Query>(
      std::make_unique<PostgresQuery>(transaction_, path_, to_dollar_parameters(sql)));
}

Status PostgresSession::execute(const std::string& sql, std::string_view what) const {
  try {
    transaction_.exec(sql);
  } catch (...) {
    return fail(current_postgres_error(path_, what));
  }
  return {};
}

PostgresConnection::PostgresConnection(PostgresTarget target, std::unique_ptr<Handle> handle)
    : target_(std::move(target)), handle_(std::move(handle)) {}
PostgresConnection::~PostgresConnection() = default;
PostgresConnection::PostgresConnection(PostgresConnection&&) noexcept = default;

Result<std::unique_ptr<PostgresConnection::Handle>> PostgresConnection::connect(
    const PostgresTarget& target) {
  try {
    auto handle = std::make_unique<Handle>(target.conninfo);
    // synchronous_commit is on by default; it is set so that a server configured otherwise
    // still makes every commit durable before it returns.
    pqxx::connection& connection = handle->connection;
    connection.set_variable("lock_timeout", std::to_string(kBusyTimeoutMilliseconds));
    connection.set_variable("synchronous_commit", "on");
    connection.set_variable("bytea_output", "hex");
    connection.set_variable("client_min_messages", "warning");
    return handle;
  } catch (...) {
    Error error = current_postgres_error(target.name, "cannot connect");
    return fail(error.code(), without(error.message(), target.password));
  }
}

Result<PostgresConnection> PostgresConnection::open(std::string_view url) {
  ENSIGN_TRY(target, parse_postgres_url(url));
  ENSIGN_TRY(handle, connect(target));
  return PostgresConnection(std::move(target), std::move(handle));
}

Result<PostgresConnection> PostgresConnection::another() const {
  ENSIGN_TRY(handle, connect(target_));
  return PostgresConnection(target_, std::move(handle));
}

Status PostgresConnection::reconnect_if_lost() {
  bool lost = !handle_->connection.is_open();
  if (!lost) {
    // get_notifs reads what the server sent the idle connection without waiting: an ended
    // connection (a restart, pg_terminate_backend) is found here, before a query meets it.
    try {
      handle_->connection.get_notifs();
    } catch (const pqxx::broken_connection&) {
      lost = true;
    }
  }
  return lost ? reconnect() : Status{};
}

Status PostgresConnection::reconnect() {
  ENSIGN_TRY(handle, connect(target_));
  handle_ = std::move(handle);
  return {};
}

Status PostgresConnection::in_write_transaction(const PostgresFunction& body) {
  // READ COMMITTED, not SERIALIZABLE: each statement reads what was committed when it began, so
  // everything after the lock sees the previous writer's commit. A REPEATABLE READ or
  // SERIALIZABLE snapshot would be taken before the lock was granted, and be stale.
  static const std::string kTakeWriteLock =
      "SELECT pg_advisory_xact_lock(" + std::to_string(kApplicationId) + ", 0)";
  constexpr std::string_view kBeginStep = "cannot begin a write transaction";
  constexpr std::string_view kCommitStep = "cannot commit";
  for (bool retried = false;; retried = true) {
    ENSIGN_CHECK(reconnect_if_lost());
    std::string_view step = kBeginStep;
    try {
      pqxx::work transaction(handle_->connection);
      transaction.exec(kTakeWriteLock);
      step = kCommitStep;
      PostgresSession session(transaction, target_.name);
      Status status = body(session);
      if (!status) {
        transaction.abort();
        return status;
      }
      transaction.commit();
      return {};
    } catch (const pqxx::broken_connection&) {
      // The server ended the connection after reconnect_if_lost looked. Beginning again on a
      // new one is safe while `body` has not run: it may have had the enclave sign, which must
      // not happen twice.
      if (retried || step == kCommitStep) {
        return fail(current_postgres_error(target_.name, step));
      }
      ENSIGN_CHECK(reconnect());
    } catch (...) {
      return fail(current_postgres_error(target_.name, step));
    }
  }
}

Status PostgresConnection::in_read(const PostgresFunction& body) {
  ENSIGN_CHECK(reconnect_if_lost());
  try {
    pqxx::nontransaction transaction(handle_->connection);
    return body(PostgresSession(transaction, target_.name));
  } catch (...) {
    return fail(current_postgres_error(target_.name, "cannot read"));
  }
}

}  // namespace ensign::host::store::internal
