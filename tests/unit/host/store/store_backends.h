// store_backends.h: the backends the store's behaviour tests run on, as their test parameter: a
// SQLite file in a scratch directory, or a new database in the shared PostgreSQL cluster. A test
// of a BackendTest fixture starts with an open, empty store on its backend; without PostgreSQL
// its PostgreSQL case is skipped, or fails when ENSIGN_REQUIRE_POSTGRES=1.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "host/store/store.h"
#include "support/postgres_cluster.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store::testing {

enum class Backend { kSqlite, kPostgres };

// PrintTo names a backend in test output, instead of its bytes.
inline void PrintTo(Backend backend, std::ostream* stream) {
  *stream << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

// kBackends is the parameter list of every backend test suite.
inline const auto kBackends = ::testing::Values(Backend::kSqlite, Backend::kPostgres);

// backend_name names a case after its backend: "Backends/StoreTest.ReopenKeepsEverything/sqlite".
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return ::testing::PrintToString(info.param);
}

// new_postgres_database sets `url` to a new, empty database in the shared cluster. Without
// PostgreSQL it skips the test, or fails it when ENSIGN_REQUIRE_POSTGRES=1: the caller checks
// IsSkipped() and HasFatalFailure().
inline void new_postgres_database(std::string& url) {
  std::string why;
  test::PostgresCluster* cluster = test::PostgresCluster::shared(why);
  if (cluster == nullptr) {
    if (test::postgres_required()) {
      FAIL() << why << " and ENSIGN_REQUIRE_POSTGRES=1";
    }
    GTEST_SKIP() << why;
  }
  url = cluster->create_database();
}

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      name_ = directory_.path("state.db");
      url_ = "sqlite:" + name_;
    } else {
      new_postgres_database(url_);
      if (IsSkipped() || HasFatalFailure()) {
        return;
      }
      name_ = url_;
    }
    reopen(OpenMode::kCreate);
  }

  // open opens another Store on the test's database.
  [[nodiscard]] Result<std::unique_ptr<Store>> open(OpenMode mode) const {
    return Store::open_url(url_, mode);
  }

  // reopen closes store_ and opens it again with `mode`, failing the test when it cannot.
  void reopen(OpenMode mode) {
    store_.reset();
    auto opened = open(mode);
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(*opened);
  }

  // execute runs `sql` on the database behind the store's back, in the dialect both share.
  void execute(const std::string& sql) const {
    if (GetParam() == Backend::kSqlite) {
      ASSERT_EQ(raw_execute(name_, sql), SQLITE_OK) << sql;
    } else {
      test::PostgresCluster::execute(url_, sql);
    }
  }

  // name is how the store names its database in messages: the file's path, or the URL.
  [[nodiscard]] const std::string& name() const { return name_; }

  // url is what Store::open_url takes for the test's database.
  [[nodiscard]] const std::string& url() const { return url_; }

  ScratchDirectory directory_;
  std::unique_ptr<Store> store_;

 private:
  std::string name_;
  std::string url_;
};

}  // namespace ensign::host::store::testing
