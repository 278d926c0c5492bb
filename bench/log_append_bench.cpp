// log_append_bench.cpp: log appends per second on SQLite and PostgreSQL, side by side in one run
// with the database's own durable commit rate.
//   BM_LogAppend/<db>/<batch>   host::LogService::sign on a batch of digests: the enclave signs
//                               them, integrates the leaves and signs a checkpoint; the host
//                               checks the checkpoint, rebuilds the tree's new nodes and commits
//                               entries, nodes, checkpoint and sealed state in one transaction.
//   BM_BareCommit/<db>/<batch>  the peer: one transaction inserting the same number of rows of
//                               the same size (entry text and leaf hash) through the database's
//                               own C API, committed with the same durability, nothing else.
// SQLite uses a file in a temporary directory (WAL, synchronous=FULL, as the store does).
// PostgreSQL runs when ENSIGN_BENCH_POSTGRES_URL names a database (see bench/README.md).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "enclave_session.h"
#include "host/log_service.h"
#include "host/store/store.h"
#include "ratio_reporter.h"

namespace ensign {
namespace {

namespace protocol = enclave::protocol;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "log_append_bench: %s\n", why.c_str());
  std::exit(1);
}

bench::EnclaveSession& session() {
  static bench::EnclaveSession instance;
  return instance;
}

// database_url returns the URL of backend `db` ("sqlite" or "postgres"), or "" when it is not
// configured.
std::string database_url(const std::string& db, const std::string& file) {
  if (db == "sqlite") {
    return "sqlite:" + session().state_dir() + "/" + file;
  }
  const char* url = std::getenv("ENSIGN_BENCH_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// sign_item is a P-256 digest to sign with one key made for the whole run.
protocol::SignItem sign_item() {
  static const protocol::SignItem item = [] {
    protocol::GenerateKeyRequest generate{"bench", 1, crypto::KeyAlgorithm::kEcdsaP256};
    auto key = session().client().generate_key(generate);
    if (!key) {
      die(key.error().message());
    }
    return protocol::SignItem{"bench",
                              1,
                              generate.algorithm,
                              key->sealed_key,
                              key->public_key,
                              "token:0123456789abcdef",
                              protocol::SignInput::kDigest,
                              "",
                              crypto::random_bytes(32).value()};
  }();
  return item;
}

// The entry size of one logged digest, measured on the first append, for the bare peer's rows.
std::size_t entry_size = 0;

void BM_LogAppend(benchmark::State& state, const std::string& db) {
  std::string url = database_url(db, "log.db");
  if (url.empty()) {
    state.SkipWithError("ENSIGN_BENCH_POSTGRES_URL is not set");
    return;
  }
  auto store = host::store::Store::open_url(url, host::store::OpenMode::kCreate);
  if (!store) {
    state.SkipWithError(store.error().message().c_str());
    return;
  }
  host::LogService log(**store, session().client());
  std::vector<protocol::SignItem> items(static_cast<std::size_t>(state.range(0)), sign_item());
  for (auto _ : state) {
    auto logged = log.sign(items);
    if (!logged) {
      state.SkipWithError(logged.error().message().c_str());
      return;
    }
    entry_size = logged->front().entry.size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// BareTable is the peer's table, in the database of backend `db`.
class BareTable {
 public:
  virtual ~BareTable() = default;
  // commit inserts `count` rows of `body` and a 32-byte hash in one durable transaction.
  virtual void commit(std::int64_t count, const std::string& body) = 0;

 protected:
  std::int64_t next_ = 0;  // the next row's key
};

class SqliteTable : public BareTable {
 public:
  explicit SqliteTable(const std::string& path) {
    if (sqlite3_open(path.c_str(), &database_) != SQLITE_OK) {
      die("cannot open " + path);
    }
    exec(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
        "CREATE TABLE IF NOT EXISTS bare (idx INTEGER PRIMARY KEY, body TEXT, leaf_hash BLOB)");
    if (sqlite3_prepare_v2(database_, "INSERT INTO bare VALUES (?, ?, ?)", -1, &insert_, nullptr) !=
        SQLITE_OK) {
      die(sqlite3_errmsg(database_));
    }
  }
  ~SqliteTable() override {
    sqlite3_finalize(insert_);
    sqlite3_close(database_);
  }
  void commit(std::int64_t count, const std::string& body) override {
    exec("BEGIN IMMEDIATE");
    unsigned char hash[32] = {};
    for (std::int64_t i = 0; i < count; ++i) {
      sqlite3_bind_int64(insert_, 1, next_++);
      sqlite3_bind_text(insert_, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      sqlite3_bind_blob(insert_, 3, hash, sizeof hash, SQLITE_STATIC);
      if (sqlite3_step(insert_) != SQLITE_DONE) {
        die(sqlite3_errmsg(database_));
      }
      sqlite3_reset(insert_);
    }
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(database_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      die(sqlite3_errmsg(database_));
    }
  }
  sqlite3* database_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

class PostgresTable : public BareTable {
 public:
  explicit PostgresTable(const std::string& url) : connection_(url) {
    pqxx::work work(connection_);
    work.exec0("SET synchronous_commit = on");
    work.exec0("DROP TABLE IF EXISTS bare");
    work.exec0("CREATE TABLE bare (idx BIGINT PRIMARY KEY, body TEXT, leaf_hash BYTEA)");
    work.commit();
    connection_.prepare("insert", "INSERT INTO bare VALUES ($1, $2, $3)");
  }
  void commit(std::int64_t count, const std::string& body) override {
    pqxx::work work(connection_);
    pqxx::binarystring hash(std::string(32, '\0'));
    for (std::int64_t i = 0; i < count; ++i) {
      work.exec_prepared0("insert", next_++, body, hash);
    }
    work.commit();
  }

 private:
  pqxx::connection connection_;
};

void BM_BareCommit(benchmark::State& state, const std::string& db) {
  std::string url = database_url(db, "bare.db");
  if (url.empty()) {
    state.SkipWithError("ENSIGN_BENCH_POSTGRES_URL is not set");
    return;
  }
  static std::map<std::string, std::unique_ptr<BareTable>> tables;
  auto& table = tables[db];
  if (!table) {
    table = db == "sqlite" ? std::unique_ptr<BareTable>(new SqliteTable(url.substr(7)))
                           : std::unique_ptr<BareTable>(new PostgresTable(url));
  }
  std::string body(entry_size != 0 ? entry_size : 600, 'e');
  for (auto _ : state) {
    table->commit(state.range(0), body);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Each database's log runs before its peer, so the peer's rows have the entries' size.
BENCHMARK_CAPTURE(BM_LogAppend, sqlite, std::string("sqlite"))->Arg(1)->Arg(64)->UseRealTime();
BENCHMARK_CAPTURE(BM_BareCommit, sqlite, std::string("sqlite"))->Arg(1)->Arg(64)->UseRealTime();
BENCHMARK_CAPTURE(BM_LogAppend, postgres, std::string("postgres"))->Arg(1)->Arg(64)->UseRealTime();
BENCHMARK_CAPTURE(BM_BareCommit, postgres, std::string("postgres"))->Arg(1)->Arg(64)->UseRealTime();

// print_ratios prints, per database and batch size, log appends / bare row commits.
void print_ratios(const bench::RatioReporter::Rates& rates) {
  for (const char* db : {"sqlite", "postgres"}) {
    for (const char* batch : {"1", "64"}) {
      std::string suffix = std::string(db) + "/" + batch + "/real_time";
      auto log = rates.find("BM_LogAppend/" + suffix);
      auto bare = rates.find("BM_BareCommit/" + suffix);
      if (log == rates.end() || bare == rates.end()) {
        continue;
      }
      std::printf(
          "ratio %-8s batch %-3s log %8.0f entries/s  bare commit %8.0f rows/s  "
          "log/bare = %.2f\n",
          db,
          batch,
          log->second,
          bare->second,
          log->second / bare->second);
    }
  }
}

}  // namespace
}  // namespace ensign

int main(int argc, char** argv) {
  return ensign::bench::run_benchmarks(argc, argv, ensign::print_ratios);
}
