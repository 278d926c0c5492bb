// connection_pool.h: ConnectionPool, the reading connections of a store. Reads are short and
// many (every API request authenticates and looks its key up), so one connection serving them in
// turn would make each request wait for the others' round trips; the pool opens connections as
// concurrent reads need them, up to a bound, and keeps them open for the next reads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "core/result.h"

namespace ensign::host::store::internal {

template <typename Connection>
class ConnectionPool {
 public:
  using Opener = std::function<Result<Connection>()>;

  // ConnectionPool starts with `first` open and opens the others with `open` as they are
  // needed, never more than `max_size` (at least 1) in all.
  ConnectionPool(Connection first, std::size_t max_size, Opener open)
      : max_size_(max_size == 0 ? 1 : max_size), open_(std::move(open)), open_count_(1) {
    idle_.push_back(std::move(first));
  }

  // with runs `body` on a connection no other caller is using: an idle one, else a new one while
  // fewer than max_size are open, else the first one given back. A connection that cannot be
  // opened fails this call only; the next caller tries again.
  Status with(const std::function<Status(Connection&)>& body) {
    ENSIGN_TRY(connection, take());
    Status status = body(connection);
    give_back(std::move(connection));
    return status;
  }

 private:
  Result<Connection> take() {
    std::unique_lock lock(mutex_);
    given_back_.wait(lock, [this] { return !idle_.empty() || open_count_ < max_size_; });
    if (!idle_.empty()) {
      Connection connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_count_;
    lock.unlock();
    auto opened = open_();  // outside the lock: opening may take a network round trip
    if (!opened) {
      lock.lock();
      --open_count_;
      lock.unlock();
      given_back_.notify_one();
    }
    return opened;
  }

  void give_back(Connection connection) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    given_back_.notify_one();
  }

  const std::size_t max_size_;
  const Opener open_;
  std::mutex mutex_;
  std::condition_variable given_back_;
  std::vector<Connection> idle_;
  std::size_t open_count_;
};

}  // namespace ensign::host::store::internal
