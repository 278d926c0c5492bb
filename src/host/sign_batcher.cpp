#include "host/sign_batcher.h"

#include <algorithm>

namespace ensign::host {

SignBatcher::SignBatcher(BatchSigner sign, std::size_t max_items,
                         std::chrono::microseconds max_wait)
    : sign_(std::move(sign)),
      max_items_(std::clamp<std::size_t>(max_items, 1, enclave::protocol::kMaxSignBatchSize)),
      max_wait_(max_wait),
      worker_([this] { run(); }) {}

SignBatcher::~SignBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  worker_.join();
}

Result<LoggedSignature> SignBatcher::sign(enclave::protocol::SignItem item) {
  std::future<Result<LoggedSignature>> done;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return fail(ErrorCode::kUnavailable, "the signing service is stopping");
    }
    queue_.push_back(Pending{std::move(item), {}});
    done = queue_.back().done.get_future();
  }
  queued_.notify_all();
  return done.get();
}

BatchStats SignBatcher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::vector<SignBatcher::Pending> SignBatcher::take_batch(bool after_batch) {
  std::unique_lock lock(mutex_);
  if (!after_batch || queue_.empty()) {
    // Idle: wait for a first item, then up to max_wait for the callers that come with it.
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return {};
    }
    auto deadline = std::chrono::steady_clock::now() + max_wait_;
    queued_.wait_until(lock, deadline,
                       [this] { return stopping_ || queue_.size() >= max_items_; });
  }
  // Items that queued while the last batch was being signed go at once: they have waited
  // already, and waiting again would leave the enclave idle under load.
  std::size_t count = std::min(queue_.size(), max_items_);
  std::vector<Pending> batch;
  batch.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void SignBatcher::run() {
  for (bool after_batch = false;; after_batch = true) {
    std::vector<Pending> batch = take_batch(after_batch);
    if (batch.empty()) {
      return;
    }
    std::vector<enclave::protocol::SignItem> items;
    items.reserve(batch.size());
    for (Pending& pending : batch) {
      items.push_back(std::move(pending.item));
    }
    auto signed_items = sign_(std::move(items));
    {
      std::lock_guard lock(mutex_);
      ++stats_.batches;
      stats_.items += batch.size();
      stats_.failed_batches += signed_items ? 0 : 1;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (signed_items && i < signed_items->size()) {
        batch[i].done.set_value(std::move((*signed_items)[i]));
      } else if (signed_items) {
        batch[i].done.set_value(
            fail(ErrorCode::kInternal, "the batch came back with fewer signatures than items"));
      } else {
        batch[i].done.set_value(fail(signed_items.error()));
      }
    }
  }
}

}  // namespace ensign::host
