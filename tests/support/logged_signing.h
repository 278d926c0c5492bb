// logged_signing.h: building the enclave's Sign requests in tests. Every signature is logged, so
// a request names a log (made by a CreateLog request) and its newest sealed state; TestLog keeps
// that state from one reply to the next request, as the host's store does.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "enclave/protocol/messages.h"

namespace ensign::test {

// sign_item asks for a signature by key `key_id`@`version`, made as `key`, logged as requested
// by "test".
inline enclave::protocol::SignItem sign_item(const enclave::protocol::GenerateKeyReply& key,
                                             crypto::KeyAlgorithm algorithm,
                                             enclave::protocol::SignInput input, Bytes data,
                                             std::string key_id = "release",
                                             std::uint32_t version = 1) {
  enclave::protocol::SignItem item;
  item.key_id = std::move(key_id);
  item.version = version;
  item.algorithm = algorithm;
  item.sealed_key = key.sealed_key;
  item.public_key = key.public_key;
  item.requester = "test";
  item.input = input;
  if (input == enclave::protocol::SignInput::kDsse) {
    item.payload_type = "application/vnd.in-toto+json";
  }
  item.data = std::move(data);
  return item;
}

class TestLog {
 public:
  explicit TestLog(enclave::protocol::CreateLogReply created)
      : created_(std::move(created)), state_(created_.sealed_log_state) {}

  // request returns a Sign request for `items` continuing the newest state.
  enclave::protocol::SignRequest request(std::vector<enclave::protocol::SignItem> items) const {
    return {created_.sealed_key, state_, static_cast<std::uint64_t>(now_unix()),
            std::move(items), {}};
  }

  // advance takes the state a reply made.
  void advance(const enclave::protocol::SignReply& reply) { state_ = reply.sealed_log_state; }

  const enclave::protocol::CreateLogReply& created() const { return created_; }
  const Bytes& state() const { return state_; }

 private:
  enclave::protocol::CreateLogReply created_;
  Bytes state_;
};

}  // namespace ensign::test
