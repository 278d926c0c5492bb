// store_test_support.h: fixtures the host store's tests share: directory listings, key versions
// with consistent fingerprints, log heads and batches, whole-file snapshots, and raw SQLite access
// for building foreign or tampered files behind the store's back.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "crypto/keys.h"
#include "host/store/internal/sqlite_handles.h"
#include "host/store/store.h"
#include "log/merkle.h"
#include "support/scratch_directory.h"
#include "support/text.h"

namespace ensign::host::store::testing {

using ensign::test::ScratchDirectory;

// entries returns the names of the files in `directory`.
inline std::set<std::string> entries(const ScratchDirectory& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory.root())) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// sample_version returns a consistent KeyVersion: its public key bytes depend on the name, the
// version and `salt`, and its fingerprint is their SHA-256, as the store requires. The store
// treats the key material as opaque, so the bytes need not be a real SPKI.
inline KeyVersion sample_version(
    const std::string& name,
    std::uint32_t version,
    const std::string& salt = "",
    crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256) {
  KeyVersion key;
  key.name = name;
  key.version = version;
  key.algorithm = algorithm;
  key.public_key = to_bytes("spki:" + name + ":" + std::to_string(version) + ":" + salt);
  key.sealed_key = to_bytes("sealed:" + name + ":" + std::to_string(version));
  key.key_attestation = to_bytes("evidence:" + name + ":" + std::to_string(version));
  key.platform = "sim";
  key.fingerprint = crypto::key_fingerprint(key.public_key);
  key.created_at = 1'700'000'000 + version;
  return key;
}

// sample_log_head returns the head of a new, empty log with the origin `origin`.
inline LogHead sample_log_head(const std::string& origin = "ensign.test/log") {
  LogHead head;
  head.origin = origin;
  head.public_key = to_bytes("log spki");
  head.sealed_key = to_bytes("sealed log key");
  head.key_attestation = to_bytes("log key evidence");
  head.sealed_state = to_bytes("state 0");
  head.checkpoint = origin + "\n0\n";
  return head;
}

// next_batch returns the batch that appends `entries` to `head`: their leaf hashes, the leaves
// as level-0 nodes, and a state and checkpoint naming the new size. The store keeps the nodes
// without checking them, so no inner node is needed.
inline LogAppend next_batch(const LogHead& head, const std::vector<std::string>& entries) {
  LogAppend batch;
  batch.first_index = head.size;
  batch.entries = entries;
  for (std::size_t offset = 0; offset < entries.size(); ++offset) {
    Bytes hash = log::leaf_hash(to_bytes(entries[offset]));
    batch.leaf_hashes.push_back(hash);
    batch.nodes.emplace_back(log::NodeId{.level = 0, .index = head.size + offset}, hash);
  }
  std::string size = std::to_string(head.size + entries.size());
  batch.sealed_state = to_bytes("state " + size);
  batch.checkpoint = head.origin + "\n" + size + "\n";
  return batch;
}

// expect_children_succeed runs `work(index)` for index 0..count-1, each in a child process of its
// own and all at once, and expects each to exit with 0 (work's result is the exit code).
inline void expect_children_succeed(int count, const std::function<int(int)>& work) {
  std::vector<pid_t> children;
  for (int index = 0; index < count; ++index) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // _exit: the child must not run the parent's test framework teardown.
      ::_exit(work(index));
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "child " << child << " crashed";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "child " << child;
  }
}

// read_all returns the bytes of the file at `path`, or nothing when it cannot be read.
inline std::string read_all(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// write_all replaces the file at `path` with `data`.
inline void write_all(const std::string& path, const std::string& data) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// raw_open opens (creating) a SQLite file directly, bypassing the store's checks.
inline internal::ConnectionPtr raw_open(const std::string& path) {
  sqlite3* raw = nullptr;
  int result_code = sqlite3_open(path.c_str(), &raw);
  internal::ConnectionPtr connection(raw);
  EXPECT_EQ(result_code, SQLITE_OK) << path;
  return connection;
}

// memory_connection opens a private in-memory database with extended result codes, for tests of
// statements and row decoding that need no file.
inline internal::ConnectionPtr memory_connection() {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  internal::ConnectionPtr connection(raw);
  sqlite3_extended_result_codes(raw, 1);
  return connection;
}

// raw_execute runs SQL on the file at `path` directly and returns SQLite's result code.
inline int raw_execute(const std::string& path, const std::string& sql) {
  auto connection = raw_open(path);
  return sqlite3_exec(connection.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

// raw_text returns the first column of the first row of `sql` on the file at `path` as text, or
// "<error>" when the query fails.
inline std::string raw_text(const std::string& path, const std::string& sql) {
  auto connection = raw_open(path);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(connection.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return "<error>";
  }
  internal::StatementPtr statement(raw);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) {
    return "<error>";
  }
  const unsigned char* text = sqlite3_column_text(statement.get(), 0);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

// contains tells whether `text` has `part` in it, for readable message assertions.
using ::ensign::test::contains;

// expect_error checks that `result` failed with `code` and a message containing `phrase`.
template <typename T>
void expect_error(const Result<T>& result, ErrorCode code, const std::string& phrase = "") {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), code) << result.error().message();
  EXPECT_TRUE(contains(result.error().message(), phrase)) << result.error().message();
}

}  // namespace ensign::host::store::testing
