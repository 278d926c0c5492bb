// Tests of src/enclave/dispatcher.cpp: whole frames in, whole frames out, in-process on a
// SimPlatform; every failure is an ErrorReply.
#include "enclave/dispatcher.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "enclave_test_support.h"
#include "log/checkpoint.h"
#include "log/entry.h"
#include "log/merkle.h"
#include "support/logged_signing.h"
#include "tee/sim/report.h"

namespace ensign::enclave {
namespace {

using crypto::KeyAlgorithm;
using protocol::ErrorReply;
using protocol::Message;
using protocol::SignInput;

constexpr std::uint32_t kHardening = protocol::kHardenedNotDumpable | protocol::kHardenedSeccomp;

class DispatcherTest : public SimPlatformFixture {
 protected:
  // handle_body runs one body through the dispatcher and decodes the reply frame.
  protocol::Envelope handle_body(ByteView body) {
    Bytes frame = dispatcher_.handle(Bytes(body.begin(), body.end()));
    EXPECT_GE(frame.size(), 4u);
    auto reply = protocol::decode_body(ByteView(frame).subspan(4));
    EXPECT_TRUE(reply.has_value()) << reply.error().message();
    return reply ? std::move(reply).value() : protocol::Envelope{};
  }

  protocol::Envelope call(std::uint32_t request_id, const Message& request) {
    Bytes frame = protocol::encode_frame(request_id, request).value();
    return handle_body(ByteView(frame).subspan(4));
  }

  // expect_error checks that `reply` is an ErrorReply with `code` whose message has `text`.
  void expect_error(const protocol::Envelope& reply, ErrorCode code, const std::string& text) {
    const auto* error = std::get_if<ErrorReply>(&reply.message);
    ASSERT_NE(error, nullptr) << "not an ErrorReply";
    EXPECT_EQ(error->code, code) << error->message;
    EXPECT_NE(error->message.find(text), std::string::npos) << error->message;
  }

  protocol::GenerateKeyReply generate(KeyAlgorithm algorithm) {
    auto reply = call(1, protocol::GenerateKeyRequest{"release", 1, algorithm});
    const auto* generated = std::get_if<protocol::GenerateKeyReply>(&reply.message);
    EXPECT_NE(generated, nullptr);
    return generated != nullptr ? *generated : protocol::GenerateKeyReply{};
  }

  test::TestLog create_log() {
    auto reply = call(2, protocol::CreateLogRequest{"ensign.test/log"});
    const auto* created = std::get_if<protocol::CreateLogReply>(&reply.message);
    EXPECT_NE(created, nullptr);
    return test::TestLog(created != nullptr ? *created : protocol::CreateLogReply{});
  }

  // sign sends one Sign request on `log` and, when it succeeds, advances the log.
  protocol::Envelope sign(test::TestLog& log, std::vector<protocol::SignItem> items,
                          std::uint32_t request_id = 7) {
    auto reply = call(request_id, log.request(std::move(items)));
    if (const auto* signed_reply = std::get_if<protocol::SignReply>(&reply.message)) {
      log.advance(*signed_reply);
    }
    return reply;
  }

  Bytes header(std::uint16_t version, std::uint16_t type, std::uint32_t request_id) {
    return {static_cast<std::uint8_t>(version >> 8),
            static_cast<std::uint8_t>(version),
            static_cast<std::uint8_t>(type >> 8),
            static_cast<std::uint8_t>(type),
            static_cast<std::uint8_t>(request_id >> 24),
            static_cast<std::uint8_t>(request_id >> 16),
            static_cast<std::uint8_t>(request_id >> 8),
            static_cast<std::uint8_t>(request_id)};
  }

  CapturePipe log_;
  Logger logger_{log_.write_end(), true};
  DelegatingPlatform platform_wrapper_{*platform_};
  Dispatcher dispatcher_{platform_wrapper_, kHardening, logger_};
};

TEST_F(DispatcherTest, HelloReportsIdentityVersionAndHardening) {
  auto reply = call(41, protocol::HelloRequest{});
  EXPECT_EQ(reply.request_id, 41u);
  const auto* hello = std::get_if<protocol::HelloReply>(&reply.message);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->platform, "sim");
  EXPECT_EQ(hello->measurement, Bytes(48, 0x5a));
  EXPECT_EQ(hello->platform_key, platform_->identity().platform_key);
  EXPECT_EQ(hello->enclave_version, ENSIGN_VERSION);
  EXPECT_EQ(hello->hardening, kHardening);
}

TEST_F(DispatcherTest, GenerateThenSignMessageAndDigest) {
  auto log = create_log();
  for (KeyAlgorithm algorithm :
       {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEcdsaP384, KeyAlgorithm::kEd25519}) {
    auto generated = generate(algorithm);
    auto public_key = crypto::public_key_from_der(generated.public_key).value();
    Bytes message = to_bytes("payload");
    auto reply = sign(log, {test::sign_item(generated, algorithm, SignInput::kMessage, message)});
    EXPECT_EQ(reply.request_id, 7u);
    const auto* signed_reply = std::get_if<protocol::SignReply>(&reply.message);
    ASSERT_NE(signed_reply, nullptr);
    EXPECT_TRUE(crypto::verify_message(public_key.get(), algorithm, message,
                                       signed_reply->items.at(0).signature));
    if (auto hash = crypto::signature_hash(algorithm)) {
      reply = sign(log, {test::sign_item(generated, algorithm, SignInput::kDigest,
                                         crypto::hash(*hash, message))});
      signed_reply = std::get_if<protocol::SignReply>(&reply.message);
      ASSERT_NE(signed_reply, nullptr);
      EXPECT_TRUE(crypto::verify_message(public_key.get(), algorithm, message,
                                         signed_reply->items.at(0).signature));
    }
  }
}

TEST_F(DispatcherTest, EverySignatureComesWithItsEntryAndASignedCheckpoint) {
  auto log = create_log();
  auto empty = log::verify_checkpoint(as_string_view(log.created().checkpoint),
                                      "ensign.test/log", log.created().public_key);
  ASSERT_TRUE(empty.has_value()) << empty.error().message();
  EXPECT_EQ(empty->size, 0u);
  EXPECT_EQ(empty->root_hash, log::empty_root());

  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  Bytes digest = crypto::sha256(to_bytes("artifact"));
  std::vector<Bytes> leaves;
  for (int batch = 0; batch < 2; ++batch) {
    auto reply = sign(log, {test::sign_item(generated, KeyAlgorithm::kEcdsaP256,
                                            SignInput::kDigest, digest),
                            test::sign_item(generated, KeyAlgorithm::kEcdsaP256,
                                            SignInput::kDsse, to_bytes("{}")),
                            test::sign_item(generated, KeyAlgorithm::kEcdsaP256,
                                            SignInput::kMessage, to_bytes("artifact"))});
    const auto* signed_reply = std::get_if<protocol::SignReply>(&reply.message);
    ASSERT_NE(signed_reply, nullptr);
    EXPECT_EQ(signed_reply->first_index, leaves.size());
    ASSERT_EQ(signed_reply->items.size(), 3u);
    for (const auto& item : signed_reply->items) {
      auto entry = log::parse_entry(as_string_view(item.entry));
      ASSERT_TRUE(entry.has_value()) << entry.error().message();
      EXPECT_EQ(entry->signature, item.signature);
      EXPECT_EQ(entry->public_key, generated.public_key);
      EXPECT_EQ(entry->key_name, "release");
      EXPECT_EQ(entry->key_version, 1u);
      EXPECT_EQ(entry->requester, "test");
      leaves.push_back(log::leaf_hash(item.entry));
    }
    // The entries name what was signed: the digest, and the DSSE payload's hash.
    EXPECT_EQ(log::parse_entry(as_string_view(signed_reply->items[0].entry))->digest, digest);
    auto dsse = log::parse_entry(as_string_view(signed_reply->items[1].entry)).value();
    EXPECT_EQ(dsse.kind, log::EntryKind::kDsse);
    EXPECT_EQ(dsse.digest, crypto::sha256(to_bytes("{}")));
    EXPECT_EQ(log::parse_entry(as_string_view(signed_reply->items[2].entry))->digest, digest);

    auto checkpoint = log::verify_checkpoint(as_string_view(signed_reply->checkpoint),
                                             "ensign.test/log", log.created().public_key);
    ASSERT_TRUE(checkpoint.has_value()) << checkpoint.error().message();
    EXPECT_EQ(checkpoint->size, leaves.size());
    EXPECT_EQ(checkpoint->root_hash, log::tree_root(leaves));
  }
}

TEST_F(DispatcherTest, OnlyTheNewestLogStateOrAProvenExtensionContinuesTheLog) {
  auto log = create_log();
  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  auto item = test::sign_item(generated, KeyAlgorithm::kEcdsaP256, SignInput::kMessage,
                              to_bytes("x"));
  ASSERT_TRUE(std::holds_alternative<protocol::SignReply>(sign(log, {item}).message));
  test::TestLog stale = log;
  test::TestLog fork = log;
  auto first = std::get<protocol::SignReply>(sign(log, {item}).message);
  expect_error(sign(stale, {item}), ErrorCode::kFailedPrecondition, "older than the newest");

  auto tampered = log.request({item});
  tampered.sealed_log_state[tampered.sealed_log_state.size() - 2] ^= 1;
  expect_error(call(8, tampered), ErrorCode::kDataLoss, "log-state");

  // Another enclave process moves the log on (2 -> 3 entries); this one continues from there
  // only with the proof that the tree of 3 extends the tree of 2 it signed last.
  Dispatcher other{platform_wrapper_, kHardening, logger_};
  Bytes frame = protocol::encode_frame(3, log.request({item})).value();
  Bytes answer = other.handle(Bytes(frame.begin() + 4, frame.end()));
  auto moved_on = protocol::decode_body(ByteView(answer).subspan(4)).value();
  auto second = std::get<protocol::SignReply>(moved_on.message);
  log.advance(second);
  auto unproven = log.request({item});
  expect_error(call(9, unproven), ErrorCode::kFailedPrecondition, "does not extend");
  // The proof from the tree of 2 to the tree of 3 is leaf 2's hash (RFC 9162 section 2.1.4).
  auto proven = log.request({item});
  proven.consistency_proof = {log::leaf_hash(second.items[0].entry)};
  auto continued = call(10, proven);
  ASSERT_TRUE(std::holds_alternative<protocol::SignReply>(continued.message));
  EXPECT_EQ(std::get<protocol::SignReply>(continued.message).first_index, 3u);

  // A state of the newest size (4) with another root is a fork, whatever the proof.
  Dispatcher forker{platform_wrapper_, kHardening, logger_};
  frame = protocol::encode_frame(4, fork.request({item, item, item})).value();
  answer = forker.handle(Bytes(frame.begin() + 4, frame.end()));
  fork.advance(std::get<protocol::SignReply>(protocol::decode_body(ByteView(answer).subspan(4))
                                                 .value()
                                                 .message));
  auto forked = fork.request({item});
  expect_error(call(11, forked), ErrorCode::kFailedPrecondition, "does not extend");
  forked.consistency_proof = {log::leaf_hash(first.items[0].entry)};
  expect_error(call(12, forked), ErrorCode::kFailedPrecondition, "does not extend");
}

TEST_F(DispatcherTest, ATamperedOrForeignLogStateIsRefusedByAFreshEnclave) {
  auto log = create_log();
  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  auto item = test::sign_item(generated, KeyAlgorithm::kEcdsaP256, SignInput::kMessage,
                              to_bytes("x"));
  auto other_log = create_log();  // this dispatcher now continues other_log only
  Dispatcher fresh{platform_wrapper_, kHardening, logger_};
  auto fresh_call = [&](const protocol::SignRequest& request) {
    Bytes frame = protocol::encode_frame(3, request).value();
    Bytes reply = fresh.handle(Bytes(frame.begin() + 4, frame.end()));
    return protocol::decode_body(ByteView(reply).subspan(4)).value();
  };
  Bytes state = log.state();
  state[state.size() - 2] ^= 1;
  auto request = log.request({item});
  request.sealed_log_state = state;
  expect_error(fresh_call(request), ErrorCode::kDataLoss, "log-state");
  request = other_log.request({item});
  request.sealed_log_key = log.created().sealed_key;
  expect_error(fresh_call(request), ErrorCode::kInvalidArgument, "another log key");
}

TEST_F(DispatcherTest, AFailedItemFailsTheBatchAndLogsNothing) {
  auto log = create_log();
  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  auto good = test::sign_item(generated, KeyAlgorithm::kEcdsaP256, SignInput::kMessage,
                              to_bytes("x"));
  auto wrong_key = good;
  wrong_key.public_key = generate(KeyAlgorithm::kEcdsaP256).public_key;
  Bytes before = log.state();
  expect_error(sign(log, {good, wrong_key}), ErrorCode::kInvalidArgument, "item 1");
  EXPECT_EQ(log.state(), before);
  auto reply = sign(log, {good});
  const auto* signed_reply = std::get_if<protocol::SignReply>(&reply.message);
  ASSERT_NE(signed_reply, nullptr);
  EXPECT_EQ(signed_reply->first_index, 0u);
}

TEST_F(DispatcherTest, EvidenceCoversTheReportData) {
  Bytes report_data(64, 0x33);
  auto reply = call(9, protocol::EvidenceRequest{report_data});
  const auto* evidence = std::get_if<protocol::EvidenceReply>(&reply.message);
  ASSERT_NE(evidence, nullptr);
  auto report = tee::sim::parse_sim_report(evidence->evidence);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->report_data, report_data);
  EXPECT_TRUE(tee::sim::verify_sim_report(*report, platform_->identity().platform_key));
}

TEST_F(DispatcherTest, KeyAttestationBindsThePublicKey) {
  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  auto report = tee::sim::parse_sim_report(generated.key_attestation);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(tee::sim::verify_sim_report(*report, platform_->identity().platform_key));
  EXPECT_EQ(report->report_data, tee::sim::key_attestation_report_data(generated.public_key));
}

TEST_F(DispatcherTest, TamperedBlobIsADataLossReply) {
  auto log = create_log();
  auto generated = generate(KeyAlgorithm::kEcdsaP384);
  generated.sealed_key[generated.sealed_key.size() - 3] ^= 0x10;
  auto reply = sign(
      log, {test::sign_item(generated, KeyAlgorithm::kEcdsaP384, SignInput::kMessage, to_bytes("x"))},
      5);
  EXPECT_EQ(reply.request_id, 5u);
  expect_error(reply, ErrorCode::kDataLoss, "modified or corrupt");
}

TEST_F(DispatcherTest, AlgorithmMismatchIsRefused) {
  auto log = create_log();
  auto generated = generate(KeyAlgorithm::kEcdsaP256);
  auto reply = sign(
      log, {test::sign_item(generated, KeyAlgorithm::kEcdsaP384, SignInput::kMessage, to_bytes("x"))},
      6);
  expect_error(reply, ErrorCode::kInvalidArgument, "release@1");
}

TEST_F(DispatcherTest, ShortHeaderIsRefusedWithRequestIdZero) {
  auto reply = handle_body(Bytes{0, 1, 0});
  EXPECT_EQ(reply.request_id, 0u);
  expect_error(reply, ErrorCode::kInvalidArgument, "shorter than its header");
}

TEST_F(DispatcherTest, WrongProtocolVersionIsRefusedWithItsRequestId) {
  auto reply = handle_body(header(1, 1, 77));
  EXPECT_EQ(reply.request_id, 77u);
  expect_error(reply, ErrorCode::kInvalidArgument, "protocol version 1");
}

TEST_F(DispatcherTest, UnknownTypeIsRefused) {
  auto reply = handle_body(header(protocol::kProtocolVersion, 55, 78));
  EXPECT_EQ(reply.request_id, 78u);
  expect_error(reply, ErrorCode::kInvalidArgument, "unknown message type 55");
}

TEST_F(DispatcherTest, TruncatedAndTrailingBodiesAreRefused) {
  Bytes frame =
      protocol::encode_frame(3, protocol::GenerateKeyRequest{"k", 1, KeyAlgorithm::kEd25519})
          .value();
  Bytes body(frame.begin() + 4, frame.end());
  expect_error(handle_body(ByteView(body).first(body.size() - 1)),
               ErrorCode::kInvalidArgument,
               "ends inside");
  body.push_back(0);
  expect_error(handle_body(body), ErrorCode::kInvalidArgument, "trailing bytes");
}

TEST_F(DispatcherTest, InvalidFieldsAreRefused) {
  Bytes body = header(protocol::kProtocolVersion, 3, 4);
  Bytes key_id = to_bytes("bad id!");
  body.insert(body.end(), {0, 0, 0, static_cast<std::uint8_t>(key_id.size())});
  body.insert(body.end(), key_id.begin(), key_id.end());
  body.insert(body.end(), {0, 0, 0, 1, 1});
  expect_error(handle_body(body), ErrorCode::kInvalidArgument, "key_id");
}

TEST_F(DispatcherTest, RepliesSentToTheEnclaveAreNotRequests) {
  for (const Message& message : {Message(protocol::HelloReply{"sim", {}, {}, "0", 0}),
                                 Message(protocol::SignReply{{{Bytes(8, 1), Bytes(8, 1)}}, 0, Bytes(8, 1), Bytes(8, 1)}),
                                 Message(protocol::EvidenceReply{Bytes(8, 1)}),
                                 Message(ErrorReply{ErrorCode::kInternal, "x"})}) {
    auto reply = call(12, message);
    EXPECT_EQ(reply.request_id, 12u);
    expect_error(reply, ErrorCode::kInvalidArgument, "is not a request");
  }
}

TEST_F(DispatcherTest, ExceptionsBecomeInternalErrorReplies) {
  platform_wrapper_.evidence_replacement = [](ByteView) -> Result<Bytes> {
    throw std::runtime_error("secret detail");
  };
  auto reply = call(13, protocol::EvidenceRequest{Bytes(64, 1)});
  EXPECT_EQ(reply.request_id, 13u);
  expect_error(reply, ErrorCode::kInternal, "internal error");
  EXPECT_EQ(std::get<ErrorReply>(reply.message).message.find("secret detail"), std::string::npos);
}

TEST_F(DispatcherTest, ErrorMessagesAreCutAndMadePrintable) {
  platform_wrapper_.evidence_replacement = [](ByteView) -> Result<Bytes> {
    return fail(ErrorCode::kUnavailable, "line\nbreak " + std::string(5000, 'y'));
  };
  auto reply = call(14, protocol::EvidenceRequest{Bytes(64, 1)});
  expect_error(reply, ErrorCode::kUnavailable, "line?break");
  EXPECT_EQ(std::get<ErrorReply>(reply.message).message.size(), protocol::kMaxErrorMessageSize);
}

TEST_F(DispatcherTest, OverlongRepliesBecomeErrorReplies) {
  platform_wrapper_.evidence_replacement = [](ByteView) -> Result<Bytes> {
    return Bytes(protocol::kMaxEvidenceSize + 1, 1);
  };
  auto reply = call(15, protocol::EvidenceRequest{Bytes(64, 1)});
  EXPECT_EQ(reply.request_id, 15u);
  expect_error(reply, ErrorCode::kInvalidArgument, "reply cannot be encoded");
}

TEST_F(DispatcherTest, RefuseAnswersWithTheGivenIdAndError) {
  Bytes frame = dispatcher_.refuse(0, Error(ErrorCode::kResourceExhausted, "frame too big"));
  auto reply = protocol::decode_body(ByteView(frame).subspan(4));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->request_id, 0u);
  expect_error(*reply, ErrorCode::kResourceExhausted, "frame too big");
}

TEST_F(DispatcherTest, LogsNeverCarryPayloadsOrKeys) {
  const std::string canary = "CANARY-7f3a9b-payload";
  auto test_log = create_log();
  auto generated = generate(KeyAlgorithm::kEd25519);
  sign(test_log, {test::sign_item(generated, KeyAlgorithm::kEd25519, SignInput::kMessage,
                             to_bytes(canary))},
       20);
  call(21, protocol::EvidenceRequest{to_bytes(canary + std::string(64 - canary.size(), '!'))});
  auto private_der =
      platform_->unseal(tee::SealPurpose::kSigningKey, "release@1", generated.sealed_key);
  ASSERT_TRUE(private_der.has_value());
  std::string log = log_.drain();
  EXPECT_NE(log.find("release@1"), std::string::npos) << log;  // ids are logged
  EXPECT_EQ(log.find("CANARY"), std::string::npos) << log;
  EXPECT_EQ(log.find(hex_encode(to_bytes(canary))), std::string::npos) << log;
  EXPECT_EQ(log.find(hex_encode(private_der->view().last(16))), std::string::npos);
  EXPECT_EQ(log.find(hex_encode(ByteView(generated.sealed_key).last(16))), std::string::npos);
}

}  // namespace
}  // namespace ensign::enclave
