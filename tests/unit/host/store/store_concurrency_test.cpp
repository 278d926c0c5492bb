// Tests of several processes sharing one store, on each backend: each opens its own Store, creates
// its own key, and all race to rotate one shared key, or to extend the one log. Every committed
// version and leaf must survive, none twice, and a busy database must be waited for, never
// reported.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <set>

#include "host/store/store.h"
#include "unit/host/store/store_backends.h"
#include "unit/host/store/store_test_support.h"

namespace ensign::host::store {
namespace {

using testing::next_batch;
using testing::raw_text;
using testing::sample_version;

constexpr int kProcesses = 4;
constexpr std::uint32_t kRotationsEach = 25;
constexpr int kMaximumAttempts = 10'000;
constexpr std::uint64_t kAppendsEach = 20;

// Exit codes of a racing child, one per way it can fail.
enum ChildExit : int {
  kChildOk = 0,
  kChildOpenFailed = 10,
  kChildOwnKeyFailed,
  kChildSharedCreateFailed,
  kChildReadFailed,
  kChildRotateFailed,
  kChildStarved,
  kChildAppendFailed,
};

int report(ChildExit code, const Error& error) {
  static_cast<void>(std::fprintf(
      stderr, "racing child %d: %s\n", static_cast<int>(code), error.message().c_str()));
  return code;
}

// rotate runs in a child process: create an own key and the shared one, then rotate the shared
// key until `kRotationsEach` rotations of this process have won.
int rotate(Store& store, int index) {
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

// append runs in a child process: extend the log `kAppendsEach` times by one leaf naming this
// process, each batch made from the head append_log hands over.
int append(Store& store, int index) {
  for (std::uint64_t count = 0; count < kAppendsEach; ++count) {
    std::string entry = "process " + std::to_string(index) + " leaf " + std::to_string(count);
    auto appended = store.append_log([&](const LogHead& head, const log::NodeReader&) {
      return Result<LogAppend>(next_batch(head, {entry}));
    });
    if (!appended) {
      return report(kChildAppendFailed, appended.error());
    }
  }
  return kChildOk;
}

class StoreConcurrencyTest : public testing::BackendTest {
 protected:
  // race runs `work` in kProcesses child processes, each on a Store of its own, and expects each
  // to succeed.
  void race(const std::function<int(Store&, int)>& work) {
    store_.reset();
    testing::expect_children_succeed(kProcesses, [&](int index) {
      auto opened = open(OpenMode::kCreate);
      return opened ? work(**opened, index) : report(kChildOpenFailed, opened.error());
    });
    reopen(OpenMode::kExisting);
  }
};

TEST_P(StoreConcurrencyTest, RacingRotationsLoseNothingAndNeverSeeBusy) {
  race(rotate);
  Store& store = *store_;
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
  if (GetParam() == testing::Backend::kSqlite) {
    store_.reset();
    EXPECT_EQ(raw_text(name(), "PRAGMA integrity_check"), "ok");
  }
}

TEST_P(StoreConcurrencyTest, RacingAppendsExtendTheLogOneAfterAnother) {
  ASSERT_TRUE(store_->create_log(testing::sample_log_head()));
  race(append);
  const std::uint64_t expected_size = kProcesses * kAppendsEach;
  auto head = store_->log_head();
  ASSERT_TRUE(head && *head) << (head ? "no log" : head.error().message());
  EXPECT_EQ((*head)->size, expected_size);
  EXPECT_EQ((*head)->checkpoint, next_batch(**head, {}).checkpoint);
  auto entries = store_->log_entries(0, expected_size + 1);
  ASSERT_TRUE(entries) << entries.error().message();
  ASSERT_EQ(entries->size(), expected_size);
  std::set<std::string> bodies;
  for (std::uint64_t index = 0; index < expected_size; ++index) {
    EXPECT_EQ((*entries)[index].index, index);
    bodies.insert((*entries)[index].body);
    // Every batch signed a checkpoint of the size it made, so none was lost to another.
    EXPECT_TRUE(store_->log_checkpoint(index + 1)) << index + 1;
  }
  EXPECT_EQ(bodies.size(), expected_size) << "a leaf was stored twice";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConcurrencyTest, testing::kBackends, testing::backend_name);

}  // namespace
}  // namespace ensign::host::store
