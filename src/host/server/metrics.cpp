#include "host/server/metrics.h"

#include <sstream>

namespace ensign::host::server {
namespace {

std::string labels(const std::string& method, const std::string& route) {
  return "method=\"" + method + "\",route=\"" + route + "\"";
}

}  // namespace

void Metrics::observe(const std::string& method, const std::string& route, int status,
                      std::chrono::duration<double> elapsed) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  Latency& latency = latency_[{method, route}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (elapsed.count() <= kBuckets[i]) {
      ++latency.buckets[i];
      break;
    }
  }
  ++latency.count;
  latency.sum += elapsed.count();
}

void Metrics::count_auth_refusal() {
  std::lock_guard lock(mutex_);
  ++auth_refusals_;
}

std::string Metrics::render(const BatchStats& batches, std::uint64_t log_size) const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP ensign_http_requests_total Requests answered, by route and status.\n"
      << "# TYPE ensign_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "ensign_http_requests_total{" << labels(method, route) << ",status=\"" << status
        << "\"} " << count << "\n";
  }
  out << "# HELP ensign_http_request_duration_seconds Time to answer a request.\n"
      << "# TYPE ensign_http_request_duration_seconds histogram\n";
  for (const auto& [key, latency] : latency_) {
    std::string label = labels(key.first, key.second);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += latency.buckets[i];
      out << "ensign_http_request_duration_seconds_bucket{" << label << ",le=\"" << kBuckets[i]
          << "\"} " << cumulative << "\n";
    }
    out << "ensign_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
        << latency.count << "\n"
        << "ensign_http_request_duration_seconds_sum{" << label << "} " << latency.sum << "\n"
        << "ensign_http_request_duration_seconds_count{" << label << "} " << latency.count
        << "\n";
  }
  out << "# HELP ensign_auth_refusals_total Requests refused for a missing, wrong or "
         "insufficient token.\n"
      << "# TYPE ensign_auth_refusals_total counter\n"
      << "ensign_auth_refusals_total " << auth_refusals_ << "\n"
      << "# HELP ensign_sign_batches_total Batches the enclave signed and logged.\n"
      << "# TYPE ensign_sign_batches_total counter\n"
      << "ensign_sign_batches_total " << batches.batches << "\n"
      << "# HELP ensign_sign_batch_failures_total Batches that failed.\n"
      << "# TYPE ensign_sign_batch_failures_total counter\n"
      << "ensign_sign_batch_failures_total " << batches.failed_batches << "\n"
      << "# HELP ensign_signatures_total Signatures in those batches.\n"
      << "# TYPE ensign_signatures_total counter\n"
      << "ensign_signatures_total " << batches.items << "\n"
      << "# HELP ensign_log_size Leaves in the transparency log.\n"
      << "# TYPE ensign_log_size gauge\n"
      << "ensign_log_size " << log_size << "\n";
  return out.str();
}

}  // namespace ensign::host::server
