// sign_batcher.h: SignBatcher puts the sign requests of concurrent callers into shared batches,
// so the enclave signs, logs and checkpoints many signatures at once and the store makes them
// durable with one commit. While a batch is in the enclave the next one fills, and it goes as soon
// as the worker is free (at most `max_items` at a time), so under load batches grow by themselves
// and the enclave is never left waiting. An idle worker that gets a first item waits up to
// `max_wait` (or until `max_items` are queued) for the callers that come with it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"
#include "enclave/protocol/messages.h"
#include "host/log_service.h"

namespace ensign::host {

// BatchSigner signs and logs one batch, as LogService::sign does.
using BatchSigner = std::function<Result<std::vector<LoggedSignature>>(
    std::vector<enclave::protocol::SignItem> items)>;

// BatchStats are the batcher's running totals, for metrics.
struct BatchStats {
  std::uint64_t batches = 0;
  std::uint64_t items = 0;
  std::uint64_t failed_batches = 0;
};

class SignBatcher {
 public:
  // SignBatcher starts its worker thread. max_items is clamped to 1..kMaxSignBatchSize.
  SignBatcher(BatchSigner sign, std::size_t max_items, std::chrono::microseconds max_wait);
  // ~SignBatcher signs what is queued, then stops the worker.
  ~SignBatcher();
  SignBatcher(const SignBatcher&) = delete;
  SignBatcher& operator=(const SignBatcher&) = delete;

  // sign queues `item` and blocks until its batch is signed and durably logged. A failed batch
  // fails each of its items with the batch's error.
  Result<LoggedSignature> sign(enclave::protocol::SignItem item);

  BatchStats stats() const;

 private:
  struct Pending {
    enclave::protocol::SignItem item;
    std::promise<Result<LoggedSignature>> done;
  };

  void run();
  // take_batch waits for the next batch; empty when stopping with nothing queued. Right after a
  // batch (`after_batch`), what is queued goes at once.
  std::vector<Pending> take_batch(bool after_batch);

  BatchSigner sign_;
  std::size_t max_items_;
  std::chrono::microseconds max_wait_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  BatchStats stats_;
  std::thread worker_;
};

}  // namespace ensign::host
