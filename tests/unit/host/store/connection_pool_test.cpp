// Tests of ConnectionPool: connections are reused, opened only while all are busy, never more
// than the bound, and a connection that cannot be opened fails only the call that needed it.
#include "host/store/internal/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>

namespace ensign::host::store::internal {
namespace {

// A Connection is a number: the count of connections opened before it.
using Pool = ConnectionPool<int>;

// Holder keeps one of a pool's connections busy on another thread until released.
class Holder {
 public:
  explicit Holder(Pool& pool)
      : call_(std::async(std::launch::async, [this, &pool] {
          return pool.with([this](int&) {
            inside_.set_value();
            release_.get_future().wait();
            return Status{};
          });
        })) {
    inside_.get_future().wait();
  }

  ~Holder() {
    if (call_.valid()) {
      static_cast<void>(release());  // a failed assertion must not leave the call waiting
    }
  }
  Holder(const Holder&) = delete;
  Holder& operator=(const Holder&) = delete;

  // release lets the connection go and returns the held call's status.
  Status release() {
    release_.set_value();
    return call_.get();
  }

 private:
  std::promise<void> inside_;
  std::promise<void> release_;
  std::future<Status> call_;
};

TEST(ConnectionPoolTest, AnIdleConnectionIsReusedRatherThanANewOneOpened) {
  int opened = 0;
  Pool pool(0, 4, [&opened]() -> Result<int> { return ++opened; });
  for (int call = 0; call < 3; ++call) {
    ASSERT_TRUE(pool.with([](int& connection) {
      EXPECT_EQ(connection, 0);
      return Status{};
    }));
  }
  EXPECT_EQ(opened, 0);
}

TEST(ConnectionPoolTest, ConcurrentCallsGetConnectionsOfTheirOwn) {
  std::atomic<int> opened = 0;
  Pool pool(0, 4, [&opened]() -> Result<int> { return ++opened; });
  // Each call waits inside its body until all three are inside theirs: with a connection at a
  // time this would never happen.
  std::latch all_inside(3);
  std::atomic<int> sum = 0;
  auto call = [&] {
    return pool.with([&](int& connection) {
      sum += connection;
      all_inside.arrive_and_wait();
      return Status{};
    });
  };
  auto first = std::async(std::launch::async, call);
  auto second = std::async(std::launch::async, call);
  ASSERT_TRUE(call());
  ASSERT_TRUE(first.get());
  ASSERT_TRUE(second.get());
  EXPECT_EQ(opened, 2);
  EXPECT_EQ(sum, 0 + 1 + 2);
}

TEST(ConnectionPoolTest, AtTheBoundACallWaitsForAConnectionToBeGivenBack) {
  int opened = 0;
  Pool pool(0, 1, [&opened]() -> Result<int> { return ++opened; });
  Holder holder(pool);
  auto waiter = std::async(std::launch::async, [&] {
    return pool.with([](int& connection) {
      EXPECT_EQ(connection, 0);  // the one connection, given back
      return Status{};
    });
  });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  ASSERT_TRUE(holder.release());
  ASSERT_TRUE(waiter.get());
  EXPECT_EQ(opened, 0);
}

TEST(ConnectionPoolTest, AFailedOpenFailsThatCallAndFreesItsPlace) {
  bool refuse = true;
  Pool pool(0, 2, [&refuse]() -> Result<int> {
    if (refuse) {
      return fail(ErrorCode::kUnavailable, "the server is gone");
    }
    return 7;
  });
  Holder holder(pool);
  auto refused = pool.with([](int&) { return Status{}; });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  refuse = false;
  int seen = -1;
  ASSERT_TRUE(pool.with([&seen](int& connection) {
    seen = connection;
    return Status{};
  }));
  EXPECT_EQ(seen, 7);  // the failed open did not use up the second place
  ASSERT_TRUE(holder.release());
}

TEST(ConnectionPoolTest, TheBodysErrorIsReturnedAndTheConnectionKept) {
  int opened = 0;
  Pool pool(0, 1, [&opened]() -> Result<int> { return ++opened; });
  auto failed = pool.with([](int&) { return Status(fail(ErrorCode::kNotFound, "no such row")); });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(pool.with([](int&) { return Status{}; }));
  EXPECT_EQ(opened, 0);
}

}  // namespace
}  // namespace ensign::host::store::internal
