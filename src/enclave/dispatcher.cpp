#include "enclave/dispatcher.h"

#include <exception>
#include <string>
#include <type_traits>

#include "crypto/hash.h"
#include "crypto/keys.h"

#ifndef ENSIGN_VERSION
#error "ENSIGN_VERSION must be defined by the build"
#endif

namespace ensign::enclave {
protocol::ErrorReply error_reply(const Error& error) {
  protocol::ErrorReply reply{error.code(), {}};
  for (char c : std::string_view(error.message()).substr(0, protocol::kMaxErrorMessageSize)) {
    reply.message.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  }
  return reply;
}

namespace {

using protocol::Message;

std::string short_digest(ByteView data) {
  return hex_encode(crypto::sha256(data)).substr(0, 16);
}

template <typename T>
Result<Message> as_message(Result<T> result) {
  if (!result) {
    return fail(result.error());
  }
  return Message(std::move(result).value());
}

}  // namespace

Dispatcher::Dispatcher(tee::Platform& platform, std::uint32_t hardening, const Logger& logger)
    : platform_(platform),
      hardening_(hardening),
      logger_(logger),
      keyring_(platform),
      log_signer_(platform, keyring_),
      result_signer_(platform) {}

Result<Message> Dispatcher::dispatch(const Message& request) {
  return std::visit(
      [&](const auto& typed) -> Result<Message> {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, protocol::HelloRequest>) {
          const tee::Identity& identity = platform_.identity();
          logger_.info("hello");
          return Message(protocol::HelloReply{identity.platform,
                                              identity.measurement,
                                              identity.platform_key,
                                              ENSIGN_VERSION,
                                              hardening_});
        } else if constexpr (std::is_same_v<T, protocol::GenerateKeyRequest>) {
          logger_.info("generate key " + object_id(typed.key_id, typed.version) + " " +
                       std::string(crypto::key_algorithm_name(typed.algorithm)));
          return as_message(keyring_.generate(typed));
        } else if constexpr (std::is_same_v<T, protocol::SignRequest>) {
          const auto& first = typed.items.front();
          logger_.info("sign and log " + std::to_string(typed.items.size()) +
                       " item(s), the first with key " + object_id(first.key_id, first.version) +
                       ", input sha256 " + short_digest(first.data));
          return as_message(log_signer_.sign(typed));
        } else if constexpr (std::is_same_v<T, protocol::CreateLogRequest>) {
          logger_.info("create log " + typed.origin);
          return as_message(log_signer_.create(typed));
        } else if constexpr (std::is_same_v<T, protocol::EvidenceRequest>) {
          logger_.info("evidence over report data sha256 " + short_digest(typed.report_data));
          auto evidence = platform_.evidence(typed.report_data);
          if (!evidence) {
            return fail(evidence.error());
          }
          return Message(protocol::EvidenceReply{std::move(evidence).value()});
        } else if constexpr (std::is_same_v<T, protocol::CreateVerifierKeyRequest>) {
          logger_.info("create verifier key");
          return as_message(result_signer_.create_key());
        } else if constexpr (std::is_same_v<T, protocol::AppraiseRequest>) {
          logger_.info("appraise request sha256 " + short_digest(typed.appraisal_request));
          return as_message(result_signer_.appraise(typed));
        } else {
          return fail(ErrorCode::kInvalidArgument,
                      "message type " +
                          std::to_string(static_cast<unsigned>(protocol::message_type(request))) +
                          " is not a request");
        }
      },
      request);
}

Bytes Dispatcher::handle(Bytes body) noexcept {
  std::uint32_t request_id = protocol::peek_request_id(body);
  Result<Message> reply = fail(ErrorCode::kInternal, "internal error");
  try {
    auto request = protocol::decode_body(std::move(body));
    if (request) {
      request_id = request->request_id;
      reply = dispatch(request->message);
    } else {
      reply = fail(request.error());
    }
  } catch (const std::exception&) {
    // The exception's text is not sent: it could echo data the request carried.
    reply = fail(ErrorCode::kInternal,
                 "internal error while handling request " + std::to_string(request_id));
  } catch (...) {
    reply = fail(ErrorCode::kInternal,
                 "internal error while handling request " + std::to_string(request_id));
  }
  if (!reply) {
    return refuse(request_id, reply.error());
  }
  auto frame = protocol::encode_frame(request_id, *reply);
  if (!frame) {
    return refuse(request_id, frame.error().with_context("reply cannot be encoded"));
  }
  return std::move(frame).value();
}

Bytes Dispatcher::refuse(std::uint32_t request_id, const Error& error) const noexcept {
  // The host receives the error and reports it; logging it here too would double every
  // user-facing error line, so it is an info line (--verbose).
  logger_.info("request " + std::to_string(request_id) +
               " failed: " + std::string(error_code_name(error.code())) + ": " + error.message());
  auto frame = protocol::encode_frame(request_id, error_reply(error));
  // An ErrorReply with a bounded, printable message always encodes.
  return frame ? std::move(frame).value() : Bytes{};
}

}  // namespace ensign::enclave
