// Tests of Store::open on files it must refuse: missing, empty, foreign, damaged or from a newer
// ensign. Each refusal must leave the file exactly as it was.
#include <gtest/gtest.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/store/internal/schema.h"
#include "host/store/internal/sqlite_error.h"
#include "host/store/store.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::contains;
using testing::expect_error;
using testing::raw_execute;
using testing::read_all;
using testing::sample_version;
using testing::ScratchDirectory;
using testing::write_all;

class StoreRefusalTest : public ::testing::Test {
 protected:
  // make_ensign_database fills a new ensign database with enough keys to span many pages, closes
  // it (folding the WAL into the file) and returns its path.
  std::string make_ensign_database() {
    std::string path = directory_.path("state.db");
    auto store = Store::open(path, OpenMode::kCreate);
    EXPECT_TRUE(store);
    for (int index = 0; index < 40; ++index) {
      KeyVersion version = sample_version("key-" + std::to_string(index), 1);
      version.key_attestation.assign(1500, static_cast<std::uint8_t>(index));
      EXPECT_TRUE((*store)->add_key_version(version, "alice"));
    }
    return path;
  }

  // expect_refused opens `path` with `mode`, expects `code` with a message naming the file and
  // containing `phrase`, and checks that neither the file nor the directory changed.
  void expect_refused(const std::string& path,
                      OpenMode mode,
                      ErrorCode code,
                      const std::string& phrase) {
    std::string before = read_all(path);
    auto listing = testing::entries(directory_);
    auto opened = Store::open(path, mode);
    expect_error(opened, code, phrase);
    expect_error(opened, code, path);
    EXPECT_EQ(read_all(path), before) << "the refused file was modified";
    EXPECT_EQ(testing::entries(directory_), listing);
  }

  ScratchDirectory directory_;
};

TEST_F(StoreRefusalTest, MissingFileWithExistingModeAsksForInit) {
  std::string path = directory_.path("absent.db");
  auto opened = Store::open(path, OpenMode::kExisting);
  expect_error(opened, ErrorCode::kFailedPrecondition, "run `ensign init`");
  EXPECT_TRUE(contains(opened.error().message(), path));
  EXPECT_TRUE(testing::entries(directory_).empty()) << "kExisting created a file";
}

TEST_F(StoreRefusalTest, EmptyFileWithExistingModeAsksForInit) {
  std::string path = directory_.path("empty.db");
  write_all(path, "");
  expect_refused(path, OpenMode::kExisting, ErrorCode::kFailedPrecondition, "ensign init");
}

TEST_F(StoreRefusalTest, EmptyFileWithCreateModeBecomesAStore) {
  std::string path = directory_.path("empty.db");
  write_all(path, "");
  auto opened = Store::open(path, OpenMode::kCreate);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_TRUE((*opened)->add_key_version(sample_version("release", 1), "alice"));
}

TEST_F(StoreRefusalTest, RandomBytesAreDataLossNamingTheFile) {
  std::string path = directory_.path("random.db");
  std::string noise(8192, '\0');
  ASSERT_EQ(RAND_bytes(reinterpret_cast<unsigned char*>(noise.data()), 8192), 1);
  write_all(path, noise);
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    expect_refused(path, mode, ErrorCode::kDataLoss, std::string(internal::kCorruptFile));
  }
}

TEST_F(StoreRefusalTest, ShortTextFileIsDataLoss) {
  std::string path = directory_.path("notes.db");
  write_all(path, "these are not the bytes of a database\n");
  expect_refused(
      path, OpenMode::kExisting, ErrorCode::kDataLoss, std::string(internal::kCorruptFile));
}

TEST_F(StoreRefusalTest, AnotherApplicationsDatabaseIsNotEnsign) {
  std::string path = directory_.path("other.db");
  ASSERT_EQ(raw_execute(path, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x')"),
            SQLITE_OK);
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    expect_refused(path, mode, ErrorCode::kDataLoss, "not an ensign database");
  }
}

TEST_F(StoreRefusalTest, ForeignApplicationIdIsNotEnsign) {
  std::string path = directory_.path("fossil.db");
  ASSERT_EQ(raw_execute(path, "PRAGMA application_id = 1598903374"), SQLITE_OK);
  expect_refused(path, OpenMode::kCreate, ErrorCode::kDataLoss, "not an ensign database");
}

TEST_F(StoreRefusalTest, SchemaFromTheFutureIsFailedPrecondition) {
  std::string path = make_ensign_database();
  int future = static_cast<int>(internal::migrations().size()) + 1;
  ASSERT_EQ(raw_execute(path, "PRAGMA user_version = " + std::to_string(future)), SQLITE_OK);
  expect_refused(path, OpenMode::kExisting, ErrorCode::kFailedPrecondition, "newer ensign");
}

TEST_F(StoreRefusalTest, OverwrittenMiddleIsDataLoss) {
  std::string path = make_ensign_database();
  std::string bytes = read_all(path);
  ASSERT_GT(bytes.size(), 16384U);
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2),
            bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2 + 700),
            '\xa5');
  write_all(path, bytes);
  expect_refused(
      path, OpenMode::kExisting, ErrorCode::kDataLoss, std::string(internal::kCorruptFile));
}

TEST_F(StoreRefusalTest, TruncatedFileIsDataLoss) {
  std::string path = make_ensign_database();
  std::string bytes = read_all(path);
  write_all(path, bytes.substr(0, bytes.size() / 2 + 100));
  expect_refused(
      path, OpenMode::kExisting, ErrorCode::kDataLoss, std::string(internal::kCorruptFile));
}

TEST_F(StoreRefusalTest, InjectedTriggerIsDataLoss) {
  std::string path = make_ensign_database();
  ASSERT_EQ(raw_execute(path,
                        "CREATE TRIGGER erase AFTER INSERT ON audit BEGIN "
                        "DELETE FROM audit; END"),
            SQLITE_OK);
  expect_refused(path, OpenMode::kExisting, ErrorCode::kDataLoss, "trigger 'erase'");
}

TEST_F(StoreRefusalTest, DroppedTableIsDataLoss) {
  std::string path = make_ensign_database();
  ASSERT_EQ(raw_execute(path, "DROP TABLE meta"), SQLITE_OK);
  expect_refused(path, OpenMode::kExisting, ErrorCode::kDataLoss, "table 'meta' is missing");
}

TEST_F(StoreRefusalTest, DirectoryIsRefused) {
  std::string path = directory_.path("subdirectory");
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  auto opened = Store::open(path, OpenMode::kExisting);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(contains(opened.error().message(), path)) << opened.error().message();
}

}  // namespace
}  // namespace ensign::host::store
