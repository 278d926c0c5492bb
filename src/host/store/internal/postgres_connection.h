// postgres_connection.h: one libpqxx connection to the store's PostgreSQL database, configured the
// same way every time (10 s lock timeout, synchronous commit), the write transaction every change
// runs in, and the Session (sql.h) the tables' queries run on. The URL's password is kept out of
// every name and message.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "host/store/internal/sql.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace ensign::host::store::internal {

// PostgresTarget is a parsed postgresql:// (or postgres://) URL.
struct PostgresTarget {
  std::string conninfo;  // libpq keyword/value form, with ensign's defaults added
  std::string name;      // postgresql://user@host:port/dbname: the URL without its password
  std::string password;  // empty when the URL has none
};

// parse_postgres_url parses `url` as libpq does. Fails with InvalidArgument, without quoting the
// password, when libpq refuses it.
Result<PostgresTarget> parse_postgres_url(std::string_view url);

// PostgresSession is PostgreSQL's Session: queries run in the transaction it was made for.
class PostgresSession final : public Session {
 public:
  PostgresSession(pqxx::transaction_base& transaction, const std::string& path)
      : transaction_(transaction), path_(path) {}

  // query prepares one statement, its `?N` parameters turned into `$N`.
  [[nodiscard]] Result<std::unique_ptr<Query>> query(std::string_view sql) const override;

  // execute runs SQL text without parameters or result rows (DDL, several statements separated
  // by semicolons); fails with the server's error, naming the database and `what`.
  [[nodiscard]] Status execute(const std::string& sql, std::string_view what) const;

  [[nodiscard]] const std::string& path() const override { return path_; }

 private:
  pqxx::transaction_base& transaction_;
  const std::string& path_;
};

// PostgresFunction is the body a PostgresConnection runs in one of its transactions.
using PostgresFunction = std::function<Status(const PostgresSession&)>;

class PostgresConnection {
 public:
  // open connects to the database at `url` and sets the session's settings. Fails with
  // InvalidArgument for a URL libpq refuses, and with Unavailable naming the host and database
  // (never the password) when the server cannot be reached or refuses the login.
  static Result<PostgresConnection> open(std::string_view url);

  // another opens a second connection to the same database, with the same settings. It reads
  // only target_, which never changes, so it may run beside this connection's own calls.
  [[nodiscard]] Result<PostgresConnection> another() const;

  // in_write_transaction and in_read first connect again when the server has ended the
  // connection since the last call (a restart, an idle timeout), failing as open does.
  //
  // in_write_transaction runs `body` in a READ COMMITTED transaction that first takes the store's
  // write lock (a transaction-level advisory lock), so writers of the database take turns as
  // SQLite's BEGIN IMMEDIATE makes them, and commits it when `body` succeeds. Fails with
  // Unavailable when the lock stays taken for 10 s or the connection is lost; on any failure
  // nothing is changed.
  Status in_write_transaction(const PostgresFunction& body);

  // in_read runs `body` outside a transaction: each query sees what was committed when it began.
  Status in_read(const PostgresFunction& body);

  // path returns the database's name: its URL without the password.
  [[nodiscard]] const std::string& path() const { return target_.name; }

  ~PostgresConnection();
  PostgresConnection(PostgresConnection&&) noexcept;
  PostgresConnection& operator=(PostgresConnection&&) = delete;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

 private:
  struct Handle;  // the pqxx::connection, kept out of this header

  PostgresConnection(PostgresTarget target, std::unique_ptr<Handle> handle);

  // connect opens a connection to `target` with the session's settings.
  static Result<std::unique_ptr<Handle>> connect(const PostgresTarget& target);
  Status reconnect_if_lost();
  Status reconnect();  // replaces the connection with a new one to target_

  PostgresTarget target_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace ensign::host::store::internal
