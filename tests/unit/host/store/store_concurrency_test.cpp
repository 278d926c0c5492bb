// Tests of several processes sharing one store file: each opens its own Store, creates its own
// key, and all race to rotate one shared key. Every committed version must survive, none twice,
// and a busy database must be waited for, never reported.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "host/store/store.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::raw_text;
using testing::sample_version;
using testing::ScratchDirectory;

constexpr int kProcesses = 4;
constexpr std::uint32_t kRotationsEach = 25;
constexpr int kMaximumAttempts = 10'000;

// Exit codes of a racing child, one per way it can fail.
enum ChildExit : int {
  kChildOk = 0,
  kChildOpenFailed = 10,
  kChildOwnKeyFailed,
  kChildSharedCreateFailed,
  kChildReadFailed,
  kChildRotateFailed,
  kChildStarved,
};

int report(ChildExit code, const Error& error) {
  static_cast<void>(std::fprintf(
      stderr, "racing child %d: %s\n", static_cast<int>(code), error.message().c_str()));
  return code;
}

// race runs in a child process: open, create an own key and the shared one, then rotate the
// shared key until `kRotationsEach` rotations of this process have won.
int race(const std::string& path, int index) {
  auto opened = Store::open(path, OpenMode::kCreate);
  if (!opened) {
    return report(kChildOpenFailed, opened.error());
  }
  Store& store = **opened;
  std::string actor = "process-" + std::to_string(index);
  auto own = store.add_key_version(sample_version("own-" + std::to_string(index), 1), actor);
  if (!own) {
    return report(kChildOwnKeyFailed, own.error());
  }
  auto shared = store.add_key_version(sample_version("shared", 1, actor), actor);
  if (!shared && shared.error().code() != ErrorCode::kAlreadyExists) {
    return report(kChildSharedCreateFailed, shared.error());
  }
  std::uint32_t wins = 0;
  for (int attempt = 0; attempt < kMaximumAttempts && wins < kRotationsEach; ++attempt) {
    auto info = store.get_key("shared");
    if (!info) {
      return report(kChildReadFailed, info.error());
    }
    auto rotated =
        store.add_key_version(sample_version("shared", info->current_version + 1, actor), actor);
    if (rotated) {
      ++wins;
    } else if (rotated.error().code() != ErrorCode::kFailedPrecondition) {
      return report(kChildRotateFailed, rotated.error());
    }
  }
  return wins == kRotationsEach ? kChildOk : kChildStarved;
}

TEST(StoreConcurrencyTest, RacingProcessesLoseNothingAndNeverSeeBusy) {
  ScratchDirectory directory;
  std::string path = directory.path("state.db");
  std::vector<pid_t> children;
  for (int index = 0; index < kProcesses; ++index) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // _exit: the child must not run the parent's test framework teardown.
      ::_exit(race(path, index));
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "child " << child << " crashed";
    EXPECT_EQ(WEXITSTATUS(status), kChildOk) << "child " << child;
  }

  auto opened = Store::open(path, OpenMode::kExisting);
  ASSERT_TRUE(opened) << opened.error().message();
  Store& store = **opened;
  auto keys = store.list_keys();
  ASSERT_TRUE(keys) << keys.error().message();
  ASSERT_EQ(keys->size(), static_cast<std::size_t>(kProcesses) + 1);
  for (int index = 0; index < kProcesses; ++index) {
    EXPECT_TRUE(store.get_key("own-" + std::to_string(index))) << index;
  }
  const std::uint32_t expected_current = 1 + kProcesses * kRotationsEach;
  auto shared = store.get_key("shared");
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->current_version, expected_current);
  auto versions = store.key_versions("shared");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), expected_current);
  for (std::uint32_t index = 0; index < expected_current; ++index) {
    EXPECT_EQ((*versions)[index].version, index + 1);
  }
  auto audit = store.list_audit(std::string("shared"), 1000);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), expected_current);
  EXPECT_EQ(audit->front().action, "key.create");
  for (std::size_t index = 1; index < audit->size(); ++index) {
    EXPECT_EQ((*audit)[index].action, "key.rotate");
    EXPECT_EQ((*audit)[index].key_version, index + 1);
  }
  opened->reset();
  EXPECT_EQ(raw_text(path, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace ensign::host::store
