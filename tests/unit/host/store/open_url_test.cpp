// Tests of Store::open_url, which picks the backend from a store URL (ENSIGN_DB, a server's --db).
#include <gtest/gtest.h>

#include <filesystem>

#include "host/store/store.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::contains;
using testing::expect_error;
using testing::sample_version;
using testing::ScratchDirectory;

TEST(OpenUrlTest, SqliteUrlOpensThatFile) {
  ScratchDirectory directory;
  std::string path = directory.path("elsewhere.db");
  auto opened = Store::open_url("sqlite:" + path, OpenMode::kCreate);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_TRUE((*opened)->add_key_version(sample_version("release", 1), "alice"));
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenUrlTest, MissingSqliteFileWithExistingModeAsksForInit) {
  ScratchDirectory directory;
  std::string path = directory.path("absent.db");
  auto opened = Store::open_url("sqlite:" + path, OpenMode::kExisting);
  expect_error(opened, ErrorCode::kFailedPrecondition, "run `ensign init`");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(OpenUrlTest, SqliteUrlWithoutAPathIsInvalidArgument) {
  expect_error(
      Store::open_url("sqlite:", OpenMode::kCreate), ErrorCode::kInvalidArgument, "names no file");
}

TEST(OpenUrlTest, UnknownSchemeIsInvalidArgumentQuotingOnlyTheScheme) {
  auto opened = Store::open_url("mysql://root:s3cret@db.example/ensign", OpenMode::kCreate);
  expect_error(opened, ErrorCode::kInvalidArgument, "'mysql'");
  EXPECT_FALSE(contains(opened.error().message(), "s3cret")) << opened.error().message();
}

TEST(OpenUrlTest, BarePathIsNotAStoreUrl) {
  expect_error(Store::open_url("/var/lib/ensign/ensign.db", OpenMode::kCreate),
               ErrorCode::kInvalidArgument,
               "expected sqlite:PATH");
}

TEST(OpenUrlTest, PostgresUrlsOfBothSchemesReachLibpq) {
  // Nothing listens on port 1: both spellings get as far as connecting.
  for (std::string scheme : {"postgresql", "postgres"}) {
    auto opened = Store::open_url(scheme + "://ensign@127.0.0.1:1/ensign", OpenMode::kCreate);
    expect_error(opened, ErrorCode::kUnavailable, "postgresql://ensign@127.0.0.1:1/ensign");
  }
}

}  // namespace
}  // namespace ensign::host::store
