// logged_signer.h: signing through ensign-enclave in benchmarks as the host does. Every Sign
// request is a logged batch of at most kMaxSignBatchSize items that continues the log state the
// previous reply made, so the figures include the log's cost (one checkpoint signature a batch).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/time.h"
#include "host/enclave_client.h"

namespace ensign::bench {

class LoggedSigner {
 public:
  static Result<LoggedSigner> create(host::EnclaveClient& enclave) {
    ENSIGN_TRY(created, enclave.create_log({"ensign.bench/log"}));
    return LoggedSigner(enclave, std::move(created));
  }

  // sign signs every item, in batches of at most kMaxSignBatchSize.
  Status sign(const std::vector<enclave::protocol::SignItem>& items) {
    for (std::size_t first = 0; first < items.size();
         first += enclave::protocol::kMaxSignBatchSize) {
      std::size_t last = std::min(items.size(), first + enclave::protocol::kMaxSignBatchSize);
      enclave::protocol::SignRequest request{
          created_.sealed_key, state_, static_cast<std::uint64_t>(now_unix()),
          {items.begin() + static_cast<std::ptrdiff_t>(first),
           items.begin() + static_cast<std::ptrdiff_t>(last)},
          {}};
      ENSIGN_TRY(reply, enclave_->sign(request));
      state_ = std::move(reply.sealed_log_state);
    }
    return {};
  }

 private:
  LoggedSigner(host::EnclaveClient& enclave, enclave::protocol::CreateLogReply created)
      : enclave_(&enclave), created_(std::move(created)), state_(created_.sealed_log_state) {}

  host::EnclaveClient* enclave_;
  enclave::protocol::CreateLogReply created_;
  Bytes state_;
};

}  // namespace ensign::bench
