// metrics.h: ensignd's Prometheus metrics: requests by route and status, their latency as a
// histogram, refused authentications, and the sign batches' totals, in the text exposition
// format (version 0.0.4) that /metrics serves.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "host/sign_batcher.h"

namespace ensign::host::server {

class Metrics {
 public:
  // observe records one answered request; `route` is the route's pattern, not the raw path, so
  // the label set stays bounded.
  void observe(const std::string& method, const std::string& route, int status,
               std::chrono::duration<double> elapsed);
  void count_auth_refusal();

  // render returns the exposition text, with the batcher's totals and the log's size.
  std::string render(const BatchStats& batches, std::uint64_t log_size) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // cumulative at render time
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Latency> latency_;
  std::uint64_t auth_refusals_ = 0;
};

}  // namespace ensign::host::server
