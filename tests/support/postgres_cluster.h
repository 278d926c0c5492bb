// postgres_cluster.h: PostgresCluster, the throwaway PostgreSQL cluster (tests/support/postgres.sh)
// a test binary's tests share, each test with a new database of its own. Under CTest it is the
// cluster a fixture test started for all of them, found through ENSIGN_TEST_POSTGRES_DIR; run by
// hand, the binary starts its own on first use and stops it when the binary exits, whether its
// tests passed or not.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

namespace ensign::test {

// postgres_required tells whether a missing PostgreSQL must fail the tests that need it rather
// than skip them: ENSIGN_REQUIRE_POSTGRES=1, as CI sets.
inline bool postgres_required() {
  const char* required = std::getenv("ENSIGN_REQUIRE_POSTGRES");
  return required != nullptr && std::string(required) == "1";
}

class PostgresCluster {
 public:
  // shared returns the cluster, starting it on first use; nullptr, with `why` saying why, when
  // PostgreSQL is not installed or the cluster did not start.
  static PostgresCluster* shared(std::string& why) {
    static PostgresCluster cluster;
    why = cluster.why_;
    return cluster.url_.empty() ? nullptr : &cluster;
  }

  // create_database makes a new, empty database and returns its URL; throws on failure.
  std::string create_database() {
    std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
    execute(url_, "CREATE DATABASE " + name);
    return url_.substr(0, url_.rfind('/') + 1) + name;
  }

  // execute runs `sql` on the database at `url`, outside any store; throws on failure.
  static void execute(const std::string& url, const std::string& sql) {
    pqxx::connection connection(url);
    pqxx::nontransaction transaction(connection);
    transaction.exec(sql);
  }

  ~PostgresCluster() {
    if (owned_) {
      run("stop");
    }
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

 private:
  PostgresCluster() {
    if (const char* shared = std::getenv("ENSIGN_TEST_POSTGRES_DIR"); shared != nullptr) {
      directory_ = shared;
      std::ifstream stream(directory_ + "/url");
      std::getline(stream, url_);
      why_ = url_.empty() ? "the CTest fixture started no PostgreSQL cluster in " + directory_ +
                                " (is PostgreSQL installed?)"
                          : "";
      return;
    }
    char pattern[] = "/tmp/ensign-test-postgres-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      why_ = "mkdtemp failed";
      return;
    }
    directory_ = pattern;
    owned_ = true;
    url_ = run("start");
    if (url_.empty()) {
      why_ = "tests/support/postgres.sh could not start a cluster (is PostgreSQL installed?)";
    }
  }

  // run runs `postgres.sh COMMAND directory_` and returns the first line it prints.
  std::string run(const std::string& command) const {
    std::string line =
        "bash " ENSIGN_SOURCE_DIR "/tests/support/postgres.sh " + command + " " + directory_;
    FILE* output = ::popen(line.c_str(), "r");
    if (output == nullptr) {
      return {};
    }
    char buffer[512] = {};
    std::string printed;
    if (::fgets(buffer, sizeof buffer, output) != nullptr) {
      printed = buffer;
    }
    while (::fgets(buffer, sizeof buffer, output) != nullptr) {
    }
    int status = ::pclose(output);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return {};
    }
    while (!printed.empty() && printed.back() == '\n') {
      printed.pop_back();
    }
    return printed;
  }

  std::string directory_;
  std::string url_;  // the cluster's ensign_test database; empty when there is no cluster
  std::string why_;
  bool owned_ = false;
  int databases_ = 0;
};

}  // namespace ensign::test
