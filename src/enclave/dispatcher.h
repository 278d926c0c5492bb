// dispatcher.h: Dispatcher, the enclave's one entry point for requests: it decodes a frame
// body, runs the request against the keyring and the platform, and encodes the reply. Every
// failure, exceptions included, becomes an ErrorReply; nothing escapes it.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "enclave/keyring.h"
#include "enclave/log_signer.h"
#include "enclave/result_signer.h"
#include "enclave/logger.h"
#include "enclave/protocol/messages.h"
#include "tee/platform.h"

namespace ensign::enclave {

// error_reply turns an Error into an ErrorReply that always encodes: its message is cut to the
// protocol's bound and stripped of non-printable characters.
protocol::ErrorReply error_reply(const Error& error);

class Dispatcher {
 public:
  // Dispatcher borrows `platform` and `logger`, which must outlive it; `hardening` is the
  // kHardened* flags the process achieved, reported in HelloReply.
  Dispatcher(tee::Platform& platform, std::uint32_t hardening, const Logger& logger);

  // handle answers one frame body with one complete reply frame, an ErrorReply when the body
  // does not decode, is not a request, or its request fails. It takes the body so a request of
  // several MiB is held once, not twice (see protocol::decode_body(Bytes&&)). Never throws.
  Bytes handle(Bytes body) noexcept;

  // refuse returns the ErrorReply frame for a request that could not be read at all (an empty
  // or oversize frame), carrying `error` and `request_id`.
  Bytes refuse(std::uint32_t request_id, const Error& error) const noexcept;

 private:
  Result<protocol::Message> dispatch(const protocol::Message& request);

  tee::Platform& platform_;
  std::uint32_t hardening_;
  const Logger& logger_;
  Keyring keyring_;
  LogSigner log_signer_;  // signs only through the log, with keyring_
  ResultSigner result_signer_;
};

}  // namespace ensign::enclave
