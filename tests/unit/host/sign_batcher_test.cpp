// sign_batcher_test.cpp: concurrent callers share batches, each gets its own item back, a
// failed batch fails every caller in it, and no batch is larger than asked.
#include "host/sign_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ensign::host {
namespace {

using enclave::protocol::SignItem;

// echo_signer "signs" an item by returning its data as the signature, and records batch sizes.
struct EchoSigner {
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  std::atomic<bool> fail_next = false;

  BatchSigner signer() {
    return [this](std::vector<SignItem> items) -> Result<std::vector<LoggedSignature>> {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      {
        std::lock_guard lock(mutex);
        sizes.push_back(items.size());
      }
      if (fail_next.exchange(false)) {
        return fail(ErrorCode::kUnavailable, "the enclave is gone");
      }
      std::vector<LoggedSignature> out;
      for (auto& item : items) {
        LoggedSignature logged;
        logged.signature = item.data;
        out.push_back(std::move(logged));
      }
      return out;
    };
  }
};

SignItem item_with(const std::string& data) {
  SignItem item;
  item.data = to_bytes(data);
  return item;
}

TEST(SignBatcherTest, ConcurrentCallersShareBatchesAndGetTheirOwnSignature) {
  EchoSigner echo;
  constexpr int kThreads = 16;
  constexpr int kEach = 20;
  {
    SignBatcher batcher(echo.signer(), 8, std::chrono::microseconds(500));
    std::vector<std::thread> threads;
    std::atomic<int> mismatches = 0;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string data = std::to_string(t) + ":" + std::to_string(i);
          auto signed_item = batcher.sign(item_with(data));
          if (!signed_item || as_string(signed_item->signature) != data) {
            ++mismatches;
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    EXPECT_EQ(mismatches, 0);
    BatchStats stats = batcher.stats();
    EXPECT_EQ(stats.items, static_cast<std::uint64_t>(kThreads * kEach));
    EXPECT_LT(stats.batches, stats.items);  // batches were shared
  }
  for (std::size_t size : echo.sizes) {
    EXPECT_LE(size, 8u);
    EXPECT_GE(size, 1u);
  }
}

TEST(SignBatcherTest, AFailedBatchFailsItsCallers) {
  EchoSigner echo;
  SignBatcher batcher(echo.signer(), 64, std::chrono::microseconds(0));
  echo.fail_next = true;
  auto failed = batcher.sign(item_with("a"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  auto next = batcher.sign(item_with("b"));
  ASSERT_TRUE(next);
  EXPECT_EQ(as_string(next->signature), "b");
  EXPECT_EQ(batcher.stats().failed_batches, 1u);
}

TEST(SignBatcherTest, ALoneCallerWaitsAtMostTheBatchWait) {
  EchoSigner echo;
  SignBatcher batcher(echo.signer(), 64, std::chrono::milliseconds(20));
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(batcher.sign(item_with("x")));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(20));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST(SignBatcherTest, ItemsQueuedDuringABatchGoWithoutWaitingAgain) {
  // The first batch is held in the signer until released; an item queued meanwhile must go as
  // soon as that batch is done, not after another max_wait.
  const auto max_wait = std::chrono::milliseconds(400);
  std::atomic<bool> entered = false;
  std::atomic<bool> released = false;
  BatchSigner signer = [&](std::vector<SignItem> items) -> Result<std::vector<LoggedSignature>> {
    entered = true;
    while (!released) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return std::vector<LoggedSignature>(items.size());
  };
  SignBatcher batcher(signer, 64, max_wait);
  std::thread first([&] { EXPECT_TRUE(batcher.sign(item_with("first"))); });
  while (!entered) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::chrono::steady_clock::time_point second_done;
  std::thread second([&] {
    EXPECT_TRUE(batcher.sign(item_with("second")));
    second_done = std::chrono::steady_clock::now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // "second" is queued by now
  auto release_time = std::chrono::steady_clock::now();
  released = true;
  first.join();
  second.join();
  EXPECT_LT(second_done - release_time, max_wait / 2);
}

}  // namespace
}  // namespace ensign::host
