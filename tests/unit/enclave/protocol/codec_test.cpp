// Tests of enclave/protocol/codec.cpp against the wire format that messages.h documents: round
// trips of every message at typical and boundary sizes, and refusal of every truncation, every
// field over its bound, bad headers, trailing bytes and out-of-range values, on both the decode
// and the encode side. Bodies are built here by hand from an independent field list, so the
// decoder is tested on inputs the encoder would never produce.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/file.h"
#include "enclave/protocol/messages.h"
#include "support/corrupt.h"

namespace ensign::enclave::protocol {
namespace {

using crypto::KeyAlgorithm;

constexpr std::size_t kHeaderSize = 8;
constexpr std::uint32_t kRequestId = 0x01020304;

// Field is one field of a frame body, laid out as messages.h describes.
struct Field {
  enum class Kind { kU8, kU32, kU64, kBytes, kText };
  Kind kind;
  std::string name;
  std::uint64_t number = 0;  // kU8, kU32 and kU64
  Bytes content;             // kBytes and kText
  std::size_t max_size = 0;  // kBytes and kText
};

Field u8_field(std::string name, unsigned value) {
  return {Field::Kind::kU8, std::move(name), value, {}, 0};
}
Field u32_field(std::string name, std::uint32_t value) {
  return {Field::Kind::kU32, std::move(name), value, {}, 0};
}
Field u64_field(std::string name, std::uint64_t value) {
  return {Field::Kind::kU64, std::move(name), value, {}, 0};
}
Field bytes_field(std::string name, const Bytes& content, std::size_t max_size) {
  return {Field::Kind::kBytes, std::move(name), 0, content, max_size};
}
Field text_field(std::string name, const std::string& content, std::size_t max_size) {
  return {Field::Kind::kText, std::move(name), 0, to_bytes(content), max_size};
}

unsigned wire(KeyAlgorithm algorithm) {
  return static_cast<unsigned>(algorithm);
}

// fields_of lists a message's fields in wire order.
std::vector<Field> fields_of(const HelloRequest&) {
  return {};
}
std::vector<Field> fields_of(const HelloReply& m) {
  return {text_field("platform", m.platform, kMaxTextSize),
          bytes_field("measurement", m.measurement, kMaxMeasurementSize),
          bytes_field("platform_key", m.platform_key, kMaxPublicKeySize),
          text_field("enclave_version", m.enclave_version, kMaxTextSize),
          u32_field("hardening", m.hardening)};
}
std::vector<Field> fields_of(const GenerateKeyRequest& m) {
  return {text_field("key_id", m.key_id, kMaxKeyIdSize),
          u32_field("version", m.version),
          u8_field("algorithm", wire(m.algorithm))};
}
std::vector<Field> fields_of(const GenerateKeyReply& m) {
  return {bytes_field("public_key", m.public_key, kMaxPublicKeySize),
          bytes_field("sealed_key", m.sealed_key, kMaxSealedBlobSize),
          bytes_field("key_attestation", m.key_attestation, kMaxEvidenceSize)};
}
std::vector<Field> fields_of(const SignItem& m) {
  return {text_field("key_id", m.key_id, kMaxKeyIdSize),
          u32_field("version", m.version),
          u8_field("algorithm", wire(m.algorithm)),
          bytes_field("sealed_key", m.sealed_key, kMaxSealedBlobSize),
          bytes_field("public_key", m.public_key, kMaxPublicKeySize),
          text_field("requester", m.requester, kMaxRequesterSize),
          u8_field("input", static_cast<unsigned>(m.input)),
          text_field("payload_type", m.payload_type, kMaxTextSize),
          bytes_field("data", m.data, kMaxSignMessageSize)};
}
std::vector<Field> fields_of(const SignedItem& m) {
  return {bytes_field("signature", m.signature, kMaxSignatureSize),
          bytes_field("entry", m.entry, kMaxLogEntrySize)};
}
// list_fields lays out a list: its u32 count, then each element's fields.
template <typename Item>
void append_list(std::vector<Field>& fields, const std::vector<Item>& items) {
  fields.push_back(u32_field("items", static_cast<std::uint32_t>(items.size())));
  for (const Item& item : items) {
    auto item_fields = fields_of(item);
    fields.insert(fields.end(), item_fields.begin(), item_fields.end());
  }
}
std::vector<Field> fields_of(const SignRequest& m) {
  std::vector<Field> fields = {
      bytes_field("sealed_log_key", m.sealed_log_key, kMaxSealedBlobSize),
      bytes_field("sealed_log_state", m.sealed_log_state, kMaxSealedBlobSize),
      u64_field("time", m.time),
      u32_field("consistency_proof", static_cast<std::uint32_t>(m.consistency_proof.size()))};
  for (const auto& hash : m.consistency_proof) {
    fields.push_back(bytes_field("hash", hash, kLogHashSize));
  }
  append_list(fields, m.items);
  return fields;
}
std::vector<Field> fields_of(const SignReply& m) {
  std::vector<Field> fields;
  append_list(fields, m.items);
  fields.push_back(u64_field("first_index", m.first_index));
  fields.push_back(bytes_field("sealed_log_state", m.sealed_log_state, kMaxSealedBlobSize));
  fields.push_back(bytes_field("checkpoint", m.checkpoint, kMaxCheckpointSize));
  return fields;
}
std::vector<Field> fields_of(const CreateLogRequest& m) {
  return {text_field("origin", m.origin, kMaxLogOriginSize)};
}
std::vector<Field> fields_of(const CreateLogReply& m) {
  return {bytes_field("public_key", m.public_key, kMaxPublicKeySize),
          bytes_field("sealed_key", m.sealed_key, kMaxSealedBlobSize),
          bytes_field("key_attestation", m.key_attestation, kMaxEvidenceSize),
          bytes_field("sealed_log_state", m.sealed_log_state, kMaxSealedBlobSize),
          bytes_field("checkpoint", m.checkpoint, kMaxCheckpointSize)};
}
std::vector<Field> fields_of(const EvidenceRequest& m) {
  return {bytes_field("report_data", m.report_data, kReportDataSize)};
}
std::vector<Field> fields_of(const EvidenceReply& m) {
  return {bytes_field("evidence", m.evidence, kMaxEvidenceSize)};
}
std::vector<Field> fields_of(const CreateVerifierKeyRequest&) {
  return {};
}
std::vector<Field> fields_of(const CreateVerifierKeyReply& m) {
  return {bytes_field("public_key", m.public_key, kMaxPublicKeySize),
          bytes_field("sealed_key", m.sealed_key, kMaxSealedBlobSize),
          bytes_field("key_attestation", m.key_attestation, kMaxEvidenceSize)};
}
std::vector<Field> fields_of(const AppraiseRequest& m) {
  return {bytes_field("sealed_verifier_key", m.sealed_verifier_key, kMaxSealedBlobSize),
          bytes_field("appraisal_request", m.appraisal_request, kMaxAppraisalRequestSize)};
}
std::vector<Field> fields_of(const AppraiseReply& m) {
  return {bytes_field("appraisal", m.appraisal, kMaxAppraisalSize),
          bytes_field("token", m.token, kMaxTokenSize)};
}
std::vector<Field> fields_of(const ErrorReply& m) {
  return {u8_field("code", static_cast<unsigned>(m.code)),
          text_field("message", m.message, kMaxErrorMessageSize)};
}
std::vector<Field> fields_of(const Message& message) {
  return std::visit([](const auto& typed) { return fields_of(typed); }, message);
}

void put(Bytes& out, std::uint64_t value, int size) {
  for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

// build_body lays out a frame body by hand.
Bytes build_body(std::uint16_t type,
                 const std::vector<Field>& fields,
                 std::uint16_t version = kProtocolVersion,
                 std::uint32_t request_id = kRequestId) {
  Bytes body;
  put(body, version, 2);
  put(body, type, 2);
  put(body, request_id, 4);
  for (const Field& field : fields) {
    switch (field.kind) {
      case Field::Kind::kU8:
        put(body, field.number, 1);
        break;
      case Field::Kind::kU32:
        put(body, field.number, 4);
        break;
      case Field::Kind::kU64:
        put(body, field.number, 8);
        break;
      case Field::Kind::kBytes:
      case Field::Kind::kText:
        put(body, static_cast<std::uint32_t>(field.content.size()), 4);
        body.insert(body.end(), field.content.begin(), field.content.end());
        break;
    }
  }
  return body;
}

std::uint16_t type_of(const Message& message) {
  return static_cast<std::uint16_t>(message_type(message));
}

Bytes body_of(const Message& message) {
  return build_body(type_of(message), fields_of(message));
}

// with_content returns `fields` with the content of the field called `name` replaced.
std::vector<Field> with_content(std::vector<Field> fields, const std::string& name, Bytes content) {
  for (Field& field : fields) {
    if (field.name == name) {
      field.content = std::move(content);
    }
  }
  return fields;
}

Bytes filler(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::uint8_t>(seed + i * 13);
  }
  return out;
}

// printable returns `size` characters cycling through printable ASCII, space and '~' included.
std::string printable(std::size_t size) {
  std::string out(size, ' ');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>(0x20 + i % 95);
  }
  return out;
}

// key_id_of returns a valid key id of `size` characters that uses every allowed character class.
std::string key_id_of(std::size_t size) {
  constexpr std::string_view kAllowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  std::string out(size, 'a');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = kAllowed[i % kAllowed.size()];
  }
  return out;
}

HelloReply hello_reply() {
  return {"sim",
          filler(48, 1),
          filler(91, 2),
          "ensign-enclave 0.1.0",
          kHardenedNotDumpable | kHardenedSeccomp};
}
GenerateKeyRequest generate_key_request() {
  return {"release-signing", 1, KeyAlgorithm::kEcdsaP256};
}
GenerateKeyReply generate_key_reply() {
  return {filler(91, 3), filler(200, 4), filler(1000, 5)};
}
// sign_request makes a Sign request of one item.
SignRequest sign_request(SignItem item) {
  return {filler(180, 20), filler(150, 21), 1796601600, {std::move(item)}, {}};
}
SignRequest sign_digest_request(KeyAlgorithm algorithm) {
  std::size_t size = algorithm == KeyAlgorithm::kEcdsaP384 ? 48 : 32;
  return sign_request({"release-signing", 2, algorithm, filler(200, 6), filler(91, 22),
                       "token:4f2a", SignInput::kDigest, "", filler(size, 7)});
}
SignRequest sign_message_request() {
  return sign_request({"ci.key_v2", 7, KeyAlgorithm::kEd25519, filler(120, 8), filler(44, 23),
                       "local:alice", SignInput::kMessage, "", filler(100, 9)});
}
SignRequest sign_dsse_request() {
  return sign_request({"ci.key_v2", 7, KeyAlgorithm::kEd25519, filler(120, 8), filler(44, 23),
                       "local:alice", SignInput::kDsse, "application/vnd.in-toto+json",
                       filler(300, 24)});
}
SignReply sign_reply() {
  return {{{filler(71, 10), filler(400, 25)}}, 41, filler(150, 26), filler(300, 27)};
}
CreateLogReply create_log_reply() {
  return {filler(91, 28), filler(180, 29), filler(1000, 30), filler(120, 31), filler(250, 32)};
}
EvidenceRequest evidence_request() {
  return {filler(kReportDataSize, 11)};
}
EvidenceReply evidence_reply() {
  return {filler(1200, 12)};
}
ErrorReply error_reply() {
  return {ErrorCode::kNotFound, "key release-signing version 2 not found"};
}

// changed returns `message` with one member replaced, as a Message.
template <typename T, typename Member>
Message changed(T message, Member T::*member, std::type_identity_t<Member> value) {
  message.*member = std::move(value);
  return message;
}

// changed_item returns `request` with one member of its first item replaced, as a Message.
template <typename Member>
Message changed_item(SignRequest request,
                     Member SignItem::*member,
                     std::type_identity_t<Member> value) {
  request.items[0].*member = std::move(value);
  return request;
}

struct Sample {
  std::string name;
  std::uint32_t request_id;
  Message message;
};

// typical_samples holds one realistic message of each kind (both sign inputs).
std::vector<Sample> typical_samples() {
  return {
      {"hello_request", 1, HelloRequest{}},
      {"hello_reply", 1, hello_reply()},
      {"generate_key_request", 2, generate_key_request()},
      {"generate_key_reply", 2, generate_key_reply()},
      {"sign_request_p256", 3, sign_digest_request(KeyAlgorithm::kEcdsaP256)},
      {"sign_request_p384", 4, sign_digest_request(KeyAlgorithm::kEcdsaP384)},
      {"sign_request_ed25519", 5, sign_message_request()},
      {"sign_request_dsse", 5, sign_dsse_request()},
      {"sign_reply", 3, sign_reply()},
      {"create_log_request", 10, CreateLogRequest{"ensign.example/log-1"}},
      {"create_log_reply", 10, create_log_reply()},
      {"evidence_request", 6, evidence_request()},
      {"evidence_reply", 6, evidence_reply()},
      {"create_verifier_key_request", 8, CreateVerifierKeyRequest{}},
      {"create_verifier_key_reply", 8,
       CreateVerifierKeyReply{filler(91, 13), filler(200, 14), filler(1000, 15)}},
      {"appraise_request", 9, AppraiseRequest{filler(200, 16), to_bytes("{\"evidence\":\"AA==\"}")}},
      {"appraise_reply", 9, AppraiseReply{to_bytes("{\"verified\":true}"), to_bytes("a.b.c")}},
      {"error_reply", 7, error_reply()},
  };
}

// boundary_samples holds each message with its fields at their smallest and largest.
std::vector<Sample> boundary_samples() {
  std::vector<Sample> samples = {
      {"hello_reply_empty", 0, HelloReply{}},
      {"hello_reply_full",
       0xffffffff,
       HelloReply{printable(kMaxTextSize),
                  filler(kMaxMeasurementSize, 1),
                  filler(kMaxPublicKeySize, 2),
                  printable(kMaxTextSize),
                  0xffffffff}},
      {"generate_key_request_short", 0, GenerateKeyRequest{"k", 1, KeyAlgorithm::kEd25519}},
      {"generate_key_request_long",
       0xffffffff,
       GenerateKeyRequest{key_id_of(kMaxKeyIdSize), 0xffffffff, KeyAlgorithm::kEcdsaP384}},
      {"generate_key_reply_small", 9, GenerateKeyReply{{0x30}, {0x01}, {}}},
      {"generate_key_reply_full",
       9,
       GenerateKeyReply{filler(kMaxPublicKeySize, 3),
                        filler(kMaxSealedBlobSize, 4),
                        filler(kMaxEvidenceSize, 5)}},
      {"sign_request_empty_message",
       10,
       SignRequest{{0x01}, {0x02}, 0,
                   {SignItem{"k", 1, KeyAlgorithm::kEcdsaP256, {0x01}, {0x30}, "r",
                             SignInput::kMessage, "", {}}},
                   {}}},
      {"sign_request_full",
       10,
       SignRequest{filler(kMaxSealedBlobSize, 33),
                   filler(kMaxSealedBlobSize, 34),
                   0xffffffffffffffff,
                   {SignItem{key_id_of(kMaxKeyIdSize), 0xffffffff, KeyAlgorithm::kEd25519,
                             filler(kMaxSealedBlobSize, 6), filler(kMaxPublicKeySize, 35),
                             printable(kMaxRequesterSize), SignInput::kDsse,
                             printable(kMaxTextSize), filler(kMaxSignMessageSize, 7)}},
                   std::vector<Bytes>(kMaxConsistencyProofSize, filler(kLogHashSize, 36))}},
      {"sign_request_most_items",
       10,
       SignRequest{{0x01}, {0x02}, 5,
                   std::vector<SignItem>(kMaxSignBatchSize,
                                         SignItem{"k", 1, KeyAlgorithm::kEd25519, {0x01}, {0x30},
                                                  "r", SignInput::kMessage, "", {0x05}}),
                   {}}},
      {"sign_reply_small", 11, SignReply{{{{0x00}, {0x01}}}, 0, {0x02}, {0x03}}},
      {"sign_reply_full",
       11,
       SignReply{std::vector<SignedItem>(
                     kMaxSignBatchSize,
                     SignedItem{filler(kMaxSignatureSize, 8), filler(kMaxLogEntrySize, 36)}),
                 0xffffffffffffffff, filler(kMaxSealedBlobSize, 37),
                 filler(kMaxCheckpointSize, 38)}},
      {"create_log_request_long", 13, CreateLogRequest{std::string(kMaxLogOriginSize, 'o')}},
      {"create_log_reply_full",
       14,
       CreateLogReply{filler(kMaxPublicKeySize, 39), filler(kMaxSealedBlobSize, 40),
                      filler(kMaxEvidenceSize, 41), filler(kMaxSealedBlobSize, 42),
                      filler(kMaxCheckpointSize, 43)}},
      {"evidence_reply_small", 12, EvidenceReply{{0x00}}},
      {"evidence_reply_full", 12, EvidenceReply{filler(kMaxEvidenceSize, 9)}},
      {"create_verifier_key_reply_full", 14,
       CreateVerifierKeyReply{filler(kMaxPublicKeySize, 10), filler(kMaxSealedBlobSize, 11),
                              filler(kMaxEvidenceSize, 12)}},
      {"appraise_request_small", 15, AppraiseRequest{{0x01}, {0x7b}}},
      {"appraise_request_full", 15,
       AppraiseRequest{filler(kMaxSealedBlobSize, 13), filler(kMaxAppraisalRequestSize, 14)}},
      {"appraise_reply_full", 16,
       AppraiseReply{filler(kMaxAppraisalSize, 15), filler(kMaxTokenSize, 16)}},
      {"error_reply_empty", 13, ErrorReply{ErrorCode::kInternal, ""}},
      {"error_reply_full", 13, ErrorReply{ErrorCode::kInvalidArgument, printable(1024)}},
  };
  for (unsigned code = 1; code <= 10; ++code) {
    samples.push_back({"error_reply_code_" + std::to_string(code),
                       code,
                       ErrorReply{static_cast<ErrorCode>(code), "code"}});
  }
  return samples;
}

void expect_round_trip(const Sample& sample) {
  SCOPED_TRACE(sample.name);
  auto frame = encode_frame(sample.request_id, sample.message);
  ASSERT_TRUE(frame.has_value()) << frame.error().message();
  ASSERT_GE(frame->size(), 4 + kHeaderSize);
  ByteView body = ByteView(*frame).subspan(4);
  Bytes prefix;
  put(prefix, static_cast<std::uint32_t>(body.size()), 4);
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), frame->begin()));
  EXPECT_TRUE(std::ranges::equal(
      body,
      build_body(
          type_of(sample.message), fields_of(sample.message), kProtocolVersion, sample.request_id)))
      << "the encoder does not follow the layout of messages.h";
  EXPECT_EQ(peek_request_id(body), sample.request_id);
  auto decoded = decode_body(body);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(decoded->request_id, sample.request_id);
  EXPECT_EQ(decoded->message.index(), sample.message.index());
  // Every field is on the wire, so equal encodings mean equal messages.
  auto again = encode_frame(decoded->request_id, decoded->message);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(*again, *frame);
}

void expect_refused(const Result<Envelope>& result, const std::string& expected_text) {
  ASSERT_FALSE(result.has_value()) << "accepted; expected: " << expected_text;
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message().find(expected_text), std::string::npos)
      << "message: " << result.error().message() << "; expected: " << expected_text;
}

void expect_decode_refused(const Message& message,
                           const std::vector<Field>& fields,
                           const std::string& expected_text) {
  expect_refused(decode_body(build_body(type_of(message), fields)), expected_text);
}

void expect_encode_refused(const Message& message, const std::string& expected_text) {
  auto frame = encode_frame(kRequestId, message);
  ASSERT_FALSE(frame.has_value()) << "encoded; expected: " << expected_text;
  EXPECT_EQ(frame.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(frame.error().message().find(expected_text), std::string::npos)
      << "message: " << frame.error().message() << "; expected: " << expected_text;
}

// expect_both_refuse checks that the encoder will not send `message` and that the decoder
// refuses its hand-built body, both with `expected_text`.
void expect_both_refuse(const Message& message, const std::string& expected_text) {
  expect_encode_refused(message, expected_text);
  expect_refused(decode_body(body_of(message)), expected_text);
}

// expect_key_reference_refused checks a bad key_id/version/algorithm in both key requests.
void expect_key_reference_refused(
    const std::function<void(std::string&, std::uint32_t&, KeyAlgorithm&)>& change,
    const std::string& expected_text) {
  GenerateKeyRequest generate = generate_key_request();
  change(generate.key_id, generate.version, generate.algorithm);
  SignRequest sign = sign_message_request();
  change(sign.items[0].key_id, sign.items[0].version, sign.items[0].algorithm);
  for (const Message& message : {Message(generate), Message(sign)}) {
    SCOPED_TRACE(static_cast<unsigned>(type_of(message)));
    expect_both_refuse(message, expected_text);
  }
}

TEST(CodecRoundTripTest, TypicalMessages) {
  for (const Sample& sample : typical_samples()) {
    expect_round_trip(sample);
  }
}

TEST(CodecRoundTripTest, BoundaryMessages) {
  for (const Sample& sample : boundary_samples()) {
    expect_round_trip(sample);
  }
}

TEST(CodecRoundTripTest, DecodedFieldsAreTheEncodedOnes) {
  SignRequest request = sign_digest_request(KeyAlgorithm::kEcdsaP384);
  auto decoded = decode_body(ByteView(encode_frame(kRequestId, request).value()).subspan(4));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  const auto* sign = std::get_if<SignRequest>(&decoded->message);
  ASSERT_NE(sign, nullptr);
  EXPECT_EQ(sign->sealed_log_key, request.sealed_log_key);
  EXPECT_EQ(sign->sealed_log_state, request.sealed_log_state);
  EXPECT_EQ(sign->time, request.time);
  ASSERT_EQ(sign->items.size(), 1u);
  const SignItem& item = sign->items[0];
  EXPECT_EQ(item.key_id, request.items[0].key_id);
  EXPECT_EQ(item.version, request.items[0].version);
  EXPECT_EQ(item.algorithm, KeyAlgorithm::kEcdsaP384);
  EXPECT_EQ(item.sealed_key, request.items[0].sealed_key);
  EXPECT_EQ(item.public_key, request.items[0].public_key);
  EXPECT_EQ(item.requester, request.items[0].requester);
  EXPECT_EQ(item.input, SignInput::kDigest);
  EXPECT_EQ(item.data, request.items[0].data);
}

TEST(CodecRoundTripTest, MessageTypesHaveTheirWireValues) {
  EXPECT_EQ(message_type(HelloRequest{}), MessageType::kHelloRequest);
  EXPECT_EQ(message_type(hello_reply()), MessageType::kHelloReply);
  EXPECT_EQ(message_type(generate_key_request()), MessageType::kGenerateKeyRequest);
  EXPECT_EQ(message_type(generate_key_reply()), MessageType::kGenerateKeyReply);
  EXPECT_EQ(message_type(sign_message_request()), MessageType::kSignRequest);
  EXPECT_EQ(message_type(sign_reply()), MessageType::kSignReply);
  EXPECT_EQ(message_type(evidence_request()), MessageType::kEvidenceRequest);
  EXPECT_EQ(message_type(evidence_reply()), MessageType::kEvidenceReply);
  EXPECT_EQ(message_type(CreateVerifierKeyRequest{}), MessageType::kCreateVerifierKeyRequest);
  EXPECT_EQ(message_type(CreateVerifierKeyReply{}), MessageType::kCreateVerifierKeyReply);
  EXPECT_EQ(message_type(AppraiseRequest{}), MessageType::kAppraiseRequest);
  EXPECT_EQ(message_type(AppraiseReply{}), MessageType::kAppraiseReply);
  EXPECT_EQ(message_type(error_reply()), MessageType::kErrorReply);
  EXPECT_EQ(static_cast<unsigned>(MessageType::kAppraiseReply), 12u);
  EXPECT_EQ(static_cast<unsigned>(MessageType::kErrorReply), 100u);
}

TEST(CodecDecodeTest, EveryTruncationIsRefused) {
  for (const Sample& sample : typical_samples()) {
    SCOPED_TRACE(sample.name);
    Bytes body = body_of(sample.message);
    for (std::size_t size = 0; size < body.size(); ++size) {
      EXPECT_FALSE(decode_body(test::truncated(body, size)).has_value()) << size;
    }
  }
}

TEST(CodecDecodeTest, TrailingByteIsRefused) {
  for (const Sample& sample : typical_samples()) {
    SCOPED_TRACE(sample.name);
    expect_refused(decode_body(test::appended(body_of(sample.message), Bytes{0})),
                   "trailing bytes");
  }
}

TEST(CodecDecodeTest, EachFieldOverItsBoundByOneIsRefused) {
  std::size_t checked = 0;
  for (const Sample& sample : typical_samples()) {
    std::vector<Field> fields = fields_of(sample.message);
    for (const Field& field : fields) {
      if (field.kind != Field::Kind::kBytes && field.kind != Field::Kind::kText) {
        continue;
      }
      SCOPED_TRACE(sample.name + "." + field.name);
      Bytes over = to_bytes(printable(field.max_size + 1));
      expect_decode_refused(sample.message,
                            with_content(fields, field.name, over),
                            field.name + " length " + std::to_string(field.max_size + 1) +
                                " is over the limit of " + std::to_string(field.max_size));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60u);  // every sized field of every message, sign requests four times
}

TEST(CodecDecodeTest, HugeLengthPrefixIsRefusedBeforeReading) {
  Bytes body = build_body(static_cast<std::uint16_t>(MessageType::kEvidenceReply), {});
  put(body, 0xffffffff, 4);
  expect_refused(decode_body(body), "evidence length 4294967295 is over the limit");
}

TEST(CodecDecodeTest, WrongProtocolVersionIsRefused) {
  for (std::uint16_t version : std::initializer_list<std::uint16_t>{0, 1, 3, 0x0200, 0xffff}) {
    Bytes body = build_body(static_cast<std::uint16_t>(MessageType::kHelloRequest), {}, version);
    expect_refused(decode_body(body), "protocol version " + std::to_string(version));
  }
}

TEST(CodecDecodeTest, UnknownMessageTypeIsRefused) {
  for (std::uint16_t type : std::initializer_list<std::uint16_t>{0, 15, 99, 101, 0x0101, 0xffff}) {
    expect_refused(decode_body(build_body(type, {})),
                   "unknown message type " + std::to_string(type));
  }
}

TEST(CodecDecodeTest, BodyShorterThanTheHeaderIsRefused) {
  Bytes header = build_body(static_cast<std::uint16_t>(MessageType::kHelloRequest), {});
  ASSERT_EQ(header.size(), kHeaderSize);
  ASSERT_TRUE(decode_body(header).has_value());
  for (std::size_t size = 0; size < kHeaderSize; ++size) {
    expect_refused(decode_body(test::truncated(header, size)), "shorter than its header");
  }
}

TEST(CodecDecodeTest, BodyOverTheFrameLimitIsRefused) {
  Bytes body = build_body(static_cast<std::uint16_t>(MessageType::kHelloRequest), {});
  body.resize(kMaxFrameBodySize + 1);
  expect_refused(decode_body(body), "over the frame limit");
}

TEST(CodecValueTest, InvalidKeyIdCharactersAreRefused) {
  for (std::string key_id : {"key id", "key/id", "key:1", "key@host", "key+1", "key\\1", "~"}) {
    SCOPED_TRACE(key_id);
    expect_key_reference_refused(
        [&](std::string& id, std::uint32_t&, KeyAlgorithm&) { id = key_id; }, "key_id must be");
  }
}

TEST(CodecValueTest, EmptyKeyIdIsRefused) {
  expect_key_reference_refused([](std::string& id, std::uint32_t&, KeyAlgorithm&) { id.clear(); },
                               "key_id must be");
}

TEST(CodecValueTest, TooLongKeyIdIsRefused) {
  GenerateKeyRequest request = generate_key_request();
  request.key_id = key_id_of(kMaxKeyIdSize + 1);
  expect_encode_refused(request, "key_id is over the limit of 128");
}

TEST(CodecValueTest, VersionZeroIsRefused) {
  expect_key_reference_refused(
      [](std::string&, std::uint32_t& version, KeyAlgorithm&) { version = 0; },
      "version must be at least 1");
}

TEST(CodecValueTest, UnknownAlgorithmIsRefused) {
  for (unsigned value : {0u, 4u, 255u}) {
    expect_key_reference_refused(
        [&](std::string&, std::uint32_t&, KeyAlgorithm& algorithm) {
          algorithm = static_cast<KeyAlgorithm>(value);
        },
        "unknown algorithm " + std::to_string(value));
  }
}

TEST(CodecValueTest, DigestOfTheWrongLengthIsRefused) {
  const std::pair<KeyAlgorithm, std::vector<std::size_t>> cases[] = {
      {KeyAlgorithm::kEcdsaP256, {0, 31, 33, 48, 64}},
      {KeyAlgorithm::kEcdsaP384, {0, 32, 47, 49, 64}},
  };
  for (const auto& [algorithm, sizes] : cases) {
    for (std::size_t size : sizes) {
      SCOPED_TRACE(std::to_string(wire(algorithm)) + "/" + std::to_string(size));
      SignRequest request = sign_digest_request(algorithm);
      request.items[0].data = filler(size, 1);
      std::string expected = "digest must be " + std::string(algorithm == KeyAlgorithm::kEcdsaP256
                                                                 ? "32 bytes for ecdsa-p256"
                                                                 : "48 bytes for ecdsa-p384");
      expect_both_refuse(request, "item 0: " + expected);
    }
  }
}

TEST(CodecValueTest, Ed25519DigestInputIsRefused) {
  for (std::size_t size : {32u, 64u}) {
    SignRequest request = sign_message_request();
    request.items[0].input = SignInput::kDigest;
    request.items[0].data = filler(size, 2);
    expect_both_refuse(request, "item 0: ed25519 signs messages, not digests");
  }
}

TEST(CodecValueTest, UnknownSignInputIsRefused) {
  for (unsigned value : {0u, 4u, 255u}) {
    expect_both_refuse(
        changed_item(sign_message_request(), &SignItem::input, static_cast<SignInput>(value)),
        "unknown sign input " + std::to_string(value));
  }
}

TEST(CodecValueTest, UnknownErrorCodeIsRefused) {
  for (unsigned value : {0u, 11u, 255u}) {
    expect_both_refuse(changed(error_reply(), &ErrorReply::code, static_cast<ErrorCode>(value)),
                       "unknown error code " + std::to_string(value));
  }
}

TEST(CodecValueTest, NonPrintableTextIsRefused) {
  const std::pair<Message, std::string> fields[] = {
      {hello_reply(), "platform"},
      {hello_reply(), "enclave_version"},
      {generate_key_request(), "key_id"},
      {sign_message_request(), "key_id"},
      {error_reply(), "message"},
  };
  for (const auto& [message, name] : fields) {
    for (char bad : {'\0', '\t', '\n', '\x1f', '\x7f', '\x80', '\xff'}) {
      SCOPED_TRACE(name + " " + std::to_string(static_cast<unsigned char>(bad)));
      Bytes text = to_bytes(std::string("ab") + bad + "cd");
      expect_decode_refused(message,
                            with_content(fields_of(message), name, text),
                            name + " has a non-printable character");
    }
  }
  expect_encode_refused(changed(error_reply(), &ErrorReply::message, "line one\nline two"),
                        "message has a non-printable character");
  expect_encode_refused(changed(hello_reply(), &HelloReply::platform, std::string("sim\0", 4)),
                        "platform has a non-printable character");
}

TEST(CodecValueTest, EmptyRequiredFieldsAreRefused) {
  const std::pair<Message, std::string> cases[] = {
      {changed(generate_key_reply(), &GenerateKeyReply::public_key, Bytes{}),
       "public_key and sealed_key must not be empty"},
      {changed(generate_key_reply(), &GenerateKeyReply::sealed_key, Bytes{}),
       "public_key and sealed_key must not be empty"},
      {changed_item(sign_message_request(), &SignItem::sealed_key, Bytes{}),
       "item 0: sealed_key, public_key and requester must not be empty"},
      {changed_item(sign_message_request(), &SignItem::public_key, Bytes{}),
       "item 0: sealed_key, public_key and requester must not be empty"},
      {changed_item(sign_message_request(), &SignItem::requester, ""),
       "item 0: sealed_key, public_key and requester must not be empty"},
      {changed_item(sign_message_request(), &SignItem::payload_type, "text/plain"),
       "item 0: payload_type is for DSSE items only"},
      {changed_item(sign_dsse_request(), &SignItem::payload_type, ""),
       "item 0: a DSSE item needs a payload_type"},
      {changed(sign_message_request(), &SignRequest::sealed_log_state, Bytes{}),
       "sealed_log_key and sealed_log_state must not be empty"},
      {changed(sign_message_request(), &SignRequest::items, {}),
       "a sign request needs at least one item"},
      {SignReply{}, "items, sealed_log_state and checkpoint must not be empty"},
      {changed(sign_reply(), &SignReply::items, {SignedItem{{0x01}, {}}}),
       "each item needs a signature and an entry"},
      {CreateLogRequest{"has space"}, "origin must be 1..255 printable ASCII characters"},
      {CreateLogRequest{""}, "origin must be 1..255 printable ASCII characters"},
      {changed(create_log_reply(), &CreateLogReply::checkpoint, Bytes{}),
       "public_key, sealed_key, sealed_log_state and checkpoint must not be empty"},
      {EvidenceReply{}, "evidence must not be empty"},
  };
  for (const auto& [message, expected] : cases) {
    SCOPED_TRACE(expected);
    expect_both_refuse(message, expected);
  }
}

TEST(CodecValueTest, ReportDataOfTheWrongSizeIsRefused) {
  for (std::size_t size : {std::size_t{0}, kReportDataSize - 1}) {
    EvidenceRequest request{filler(size, 3)};
    expect_both_refuse(request, "report_data must be exactly 64 bytes");
  }
}

TEST(CodecEncodeTest, FieldsOverTheirBoundsAreNotEncoded) {
  const std::pair<std::string, Message> cases[] = {
      {"platform", changed(hello_reply(), &HelloReply::platform, printable(kMaxTextSize + 1))},
      {"measurement",
       changed(hello_reply(), &HelloReply::measurement, filler(kMaxMeasurementSize + 1, 0))},
      {"platform_key",
       changed(hello_reply(), &HelloReply::platform_key, filler(kMaxPublicKeySize + 1, 0))},
      {"enclave_version",
       changed(hello_reply(), &HelloReply::enclave_version, printable(kMaxTextSize + 1))},
      {"public_key",
       changed(
           generate_key_reply(), &GenerateKeyReply::public_key, filler(kMaxPublicKeySize + 1, 0))},
      {"sealed_key",
       changed(
           generate_key_reply(), &GenerateKeyReply::sealed_key, filler(kMaxSealedBlobSize + 1, 0))},
      {"key_attestation",
       changed(generate_key_reply(),
               &GenerateKeyReply::key_attestation,
               filler(kMaxEvidenceSize + 1, 0))},
      {"sealed_key",
       changed_item(
           sign_message_request(), &SignItem::sealed_key, filler(kMaxSealedBlobSize + 1, 0))},
      {"data",
       changed_item(sign_message_request(), &SignItem::data, filler(kMaxSignMessageSize + 1, 0))},
      {"requester",
       changed_item(sign_message_request(), &SignItem::requester, printable(kMaxRequesterSize + 1))},
      {"items",
       changed(sign_message_request(), &SignRequest::items,
               std::vector<SignItem>(kMaxSignBatchSize + 1, sign_message_request().items[0]))},
      {"signature",
       changed(sign_reply(), &SignReply::items,
               {SignedItem{filler(kMaxSignatureSize + 1, 0), {0x01}}})},
      {"entry",
       changed(sign_reply(), &SignReply::items,
               {SignedItem{{0x01}, filler(kMaxLogEntrySize + 1, 0)}})},
      {"checkpoint",
       changed(sign_reply(), &SignReply::checkpoint, filler(kMaxCheckpointSize + 1, 0))},
      {"origin",
       changed(CreateLogRequest{"o"}, &CreateLogRequest::origin,
               std::string(kMaxLogOriginSize + 1, 'o'))},
      {"report_data",
       changed(evidence_request(), &EvidenceRequest::report_data, filler(kReportDataSize + 1, 0))},
      {"evidence",
       changed(evidence_reply(), &EvidenceReply::evidence, filler(kMaxEvidenceSize + 1, 0))},
      {"message",
       changed(error_reply(), &ErrorReply::message, printable(kMaxErrorMessageSize + 1))},
  };
  for (const auto& [name, message] : cases) {
    SCOPED_TRACE(name);
    expect_encode_refused(message, name + " is");
  }
}

TEST(PeekRequestIdTest, ReadsTheIdOfAnyBodyWithAHeader) {
  Bytes body = body_of(error_reply());
  EXPECT_EQ(peek_request_id(body), kRequestId);
  EXPECT_EQ(peek_request_id(test::truncated(body, kHeaderSize)), kRequestId);
  Bytes undecodable = build_body(0xffff, {}, 0xffff, 0xfedcba98);
  undecodable.push_back(0x00);
  EXPECT_FALSE(decode_body(undecodable).has_value());
  EXPECT_EQ(peek_request_id(undecodable), 0xfedcba98u);
}

TEST(PeekRequestIdTest, ShortBodiesGiveZero) {
  Bytes body = body_of(error_reply());
  for (std::size_t size = 0; size < kHeaderSize; ++size) {
    EXPECT_EQ(peek_request_id(test::truncated(body, size)), 0u) << size;
  }
}

TEST(KeyIdTest, AcceptsTheAllowedCharacters) {
  EXPECT_TRUE(is_valid_key_id("k"));
  EXPECT_TRUE(is_valid_key_id("release-signing.v2_ECDSA"));
  EXPECT_TRUE(is_valid_key_id(key_id_of(kMaxKeyIdSize)));
}

TEST(KeyIdTest, RefusesEmptyTooLongAndOtherCharacters) {
  EXPECT_FALSE(is_valid_key_id(""));
  EXPECT_FALSE(is_valid_key_id(key_id_of(kMaxKeyIdSize + 1)));
  for (std::string_view key_id : {"a b", "a/b", "a:b", "a\tb", "a~b", "ключ"}) {
    EXPECT_FALSE(is_valid_key_id(key_id)) << key_id;
  }
  EXPECT_FALSE(is_valid_key_id(std::string_view("ab\0", 3)));
}

// The fuzzer's seed corpus holds bodies (body-*) and length-prefixed frame streams (frames-*);
// each must stay valid as the protocol evolves.
TEST(FuzzCorpusTest, SeedsAreValidBodiesAndFrames) {
  std::filesystem::path corpus =
      std::filesystem::path(ENSIGN_SOURCE_DIR) / "tests/fuzz/protocol_decoder/corpus";
  std::size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    Bytes contents = read_file(entry.path().string(), kMaxFrameBodySize + 4).value();
    ++seeds;
    if (name.rfind("body-", 0) == 0) {
      auto decoded = decode_body(contents);
      EXPECT_TRUE(decoded.has_value()) << decoded.error().message();
      continue;
    }
    ASSERT_EQ(name.rfind("frames-", 0), 0u) << "seed names start with body- or frames-";
    ByteView rest(contents);
    std::size_t frames = 0;
    while (!rest.empty()) {
      ASSERT_GE(rest.size(), 4u);
      std::size_t length = (std::size_t{rest[0]} << 24) | (std::size_t{rest[1]} << 16) |
                           (std::size_t{rest[2]} << 8) | rest[3];
      ASSERT_GE(rest.size(), 4 + length);
      auto decoded = decode_body(rest.subspan(4, length));
      EXPECT_TRUE(decoded.has_value()) << decoded.error().message();
      rest = rest.subspan(4 + length);
      ++frames;
    }
    EXPECT_GE(frames, 1u);
  }
  EXPECT_GE(seeds, 10u);
}

}  // namespace
}  // namespace ensign::enclave::protocol

namespace ensign::enclave::protocol {
namespace {

TEST(CodecDecodeTest, AConsumedBodyLendsItsBufferToALargeLastField) {
  Message large = sign_message_request();
  std::get<SignRequest>(large).items[0].data = filler(kMaxSignMessageSize, 3);
  Bytes body = body_of(large);
  const std::uint8_t* buffer = body.data();
  auto decoded = decode_body(std::move(body));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  const auto& request = std::get<SignRequest>(decoded->message);
  EXPECT_EQ(request.items[0].data, filler(kMaxSignMessageSize, 3));
  EXPECT_EQ(request.items[0].data.data(), buffer);  // no second copy of the message
  EXPECT_EQ(request.items[0].key_id, std::get<SignRequest>(large).items[0].key_id);
}

TEST(CodecDecodeTest, AConsumedBodyDecodesSmallAndMalformedMessagesAsAView) {
  for (const Sample& sample : typical_samples()) {
    SCOPED_TRACE(sample.name);
    auto decoded = decode_body(body_of(sample.message));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
    EXPECT_EQ(decoded->message.index(), sample.message.index());
    expect_refused(decode_body(test::appended(body_of(sample.message), Bytes{0})),
                   "trailing bytes after the message");
  }
}

}  // namespace
}  // namespace ensign::enclave::protocol
