#include "host/state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/scratch_directory.h"

namespace ensign::host {
namespace {

class StateTest : public ::testing::Test {
 protected:
  test::ScratchDirectory scratch_;
  std::string root_ = scratch_.root();
};

TEST_F(StateTest, StateDirFollowsEnsignHomeThenXdgThenHome) {
  ::setenv("ENSIGN_HOME", "/x/ensign-home", 1);
  EXPECT_EQ(state_dir().value(), "/x/ensign-home");
  ::unsetenv("ENSIGN_HOME");
  ::setenv("XDG_DATA_HOME", "/x/data", 1);
  EXPECT_EQ(state_dir().value(), "/x/data/ensign");
  ::unsetenv("XDG_DATA_HOME");
  ::setenv("HOME", "/x/user", 1);
  EXPECT_EQ(state_dir().value(), "/x/user/.local/share/ensign");
}

TEST_F(StateTest, CreatesPrivateDirectories) {
  std::string dir = root_ + "/a/b";
  ASSERT_TRUE(ensure_state_dir(dir));
  struct stat info {};
  ASSERT_EQ(::stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_TRUE(ensure_state_dir(dir));
}

TEST_F(StateTest, RefusesSharedOrNonDirectories) {
  std::string shared = root_ + "/shared";
  std::filesystem::create_directory(shared);
  ::chmod(shared.c_str(), 0755);
  auto status = ensure_state_dir(shared);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("chmod 700"), std::string::npos);
  std::string file = root_ + "/file";
  std::ofstream(file) << "x";
  EXPECT_FALSE(ensure_state_dir(file));
}

TEST_F(StateTest, OpenStoreWithoutInitPointsToEnsignInit) {
  auto store = open_store(root_, store::OpenMode::kExisting);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("ensign init"), std::string::npos);
  EXPECT_TRUE(open_store(root_, store::OpenMode::kCreate));
}

TEST_F(StateTest, OpenStoreFollowsEnsignDb) {
  std::string elsewhere = root_ + "/elsewhere.db";
  ::setenv("ENSIGN_DB", ("sqlite:" + elsewhere).c_str(), 1);
  auto missing = open_store(root_, store::OpenMode::kExisting);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message().find(elsewhere), std::string::npos);
  EXPECT_TRUE(open_store(root_, store::OpenMode::kCreate));
  EXPECT_TRUE(std::filesystem::exists(elsewhere));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/" + kDatabaseFileName));
  ::setenv("ENSIGN_DB", "", 1);  // empty is unset: the state directory's own file
  EXPECT_TRUE(open_store(root_, store::OpenMode::kCreate));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/" + kDatabaseFileName));
  ::setenv("ENSIGN_DB", "oracle://scott:tiger@db/orcl", 1);
  auto unsupported = open_store(root_, store::OpenMode::kCreate);
  ::unsetenv("ENSIGN_DB");
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unsupported.error().message().find("tiger"), std::string::npos);
}

TEST(CurrentActorTest, NamesTheLocalUser) {
  EXPECT_EQ(current_actor().rfind("local:", 0), 0u);
}

}  // namespace
}  // namespace ensign::host
