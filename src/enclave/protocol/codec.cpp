// codec.cpp: the frame encoder and decoder. Both walk one field list per message (describe()),
// so the two directions cannot drift apart; validate() then checks values both ways.
#include <optional>
#include <type_traits>
#include <vector>

#include "core/wire.h"
#include "crypto/hash.h"
#include "enclave/protocol/messages.h"

namespace ensign::enclave::protocol {
namespace {

constexpr std::size_t kHeaderSize = 8;

// Writer appends fields to a frame body.
class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) { wire::append_u16(out_, value); }
  void u32(std::uint32_t value) { wire::append_u32(out_, value); }
  void u64(std::uint64_t value) { wire::append_u64(out_, value); }
  void raw(ByteView bytes) { wire::append(out_, bytes); }

 private:
  Bytes& out_;
};

// Reader consumes fields from a frame body, refusing to read past its end. When it reads a body
// it owns (`owner`), a large field that ends the body may take the body's buffer instead of a
// copy: a Sign request of several MiB is then held once, not twice.
class Reader : public wire::Cursor {
 public:
  explicit Reader(ByteView input, Bytes* owner = nullptr) : wire::Cursor(input), owner_(owner) {}
  std::optional<ByteView> raw(std::size_t size) { return take(size); }
  bool at_end() const { return remaining() == 0; }

  // adopt moves the owned body into `value` and keeps only `view`, its last bytes, when that
  // saves a large copy. The body must not be read afterwards (only at_end() is asked).
  bool adopt(ByteView view, Bytes& value) {
    constexpr std::size_t kAdoptFrom = 64 * 1024;
    if (owner_ == nullptr || view.size() < kAdoptFrom || remaining() != 0 ||
        view.data() + view.size() != owner_->data() + owner_->size()) {
      return false;
    }
    auto offset = static_cast<std::ptrdiff_t>(view.data() - owner_->data());
    value = std::move(*owner_);
    value.erase(value.begin(), value.begin() + offset);  // shifts in place: no new allocation
    owner_ = nullptr;
    return true;
  }

 private:
  Bytes* owner_;
};

bool is_printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

// describe() (below) lists each message's fields; the visitors' list() describes each element.
template <typename V>
void describe(V& v, SignItem& m);
template <typename V>
void describe(V& v, SignedItem& m);

// EncodeVisitor writes each described field; the first bound violation is kept as the error.
class EncodeVisitor {
 public:
  explicit EncodeVisitor(Bytes& out) : writer_(out) {}

  void u32(std::uint32_t& value, const char*) { writer_.u32(value); }
  void u64(std::uint64_t& value, const char*) { writer_.u64(value); }
  template <typename Item>
  void list(std::vector<Item>& items, std::size_t max_count, const char* name) {
    if (items.size() > max_count) {
      note(std::string(name) + " is a list of " + std::to_string(items.size()) +
           " items, over the limit of " + std::to_string(max_count));
    }
    writer_.u32(static_cast<std::uint32_t>(items.size()));
    for (auto& item : items) {
      describe(*this, item);
    }
  }
  template <typename Enum>
  void u8_enum(Enum& value, const char*) {
    writer_.u8(static_cast<std::uint8_t>(value));
  }
  void bytes(Bytes& value, std::size_t max_size, const char* name) {
    if (value.size() > max_size) {
      note(std::string(name) + " is " + std::to_string(value.size()) + " bytes, over the limit of " +
           std::to_string(max_size));
    }
    writer_.u32(static_cast<std::uint32_t>(value.size()));
    writer_.raw(value);
  }
  void text(std::string& value, std::size_t max_size, const char* name) {
    if (value.size() > max_size) {
      note(std::string(name) + " is over the limit of " + std::to_string(max_size) + " characters");
    }
    if (!is_printable_ascii(value)) {
      note(std::string(name) + " has a non-printable character");
    }
    writer_.u32(static_cast<std::uint32_t>(value.size()));
    writer_.raw(as_bytes(value));
  }
  const std::optional<std::string>& problem() const { return problem_; }

 private:
  void note(std::string problem) {
    if (!problem_) {
      problem_ = std::move(problem);
    }
  }
  Writer writer_;
  std::optional<std::string> problem_;
};

// DecodeVisitor reads each described field; after the first problem it reads nothing more.
class DecodeVisitor {
 public:
  explicit DecodeVisitor(Reader& reader) : reader_(reader) {}

  void u32(std::uint32_t& value, const char* name) {
    if (problem_) {
      return;
    }
    auto read = reader_.u32();
    if (!read) {
      return truncated(name);
    }
    value = *read;
  }
  void u64(std::uint64_t& value, const char* name) {
    if (problem_) {
      return;
    }
    auto read = reader_.u64();
    if (!read) {
      return truncated(name);
    }
    value = *read;
  }
  template <typename Item>
  void list(std::vector<Item>& items, std::size_t max_count, const char* name) {
    std::uint32_t count = 0;
    u32(count, name);
    if (problem_) {
      return;
    }
    if (count > max_count) {
      problem_ = std::string(name) + " is a list of " + std::to_string(count) +
                 " items, over the limit of " + std::to_string(max_count);
      return;
    }
    items.resize(count);
    for (auto& item : items) {
      describe(*this, item);
    }
  }
  template <typename Enum>
  void u8_enum(Enum& value, const char* name) {
    if (problem_) {
      return;
    }
    auto read = reader_.u8();
    if (!read) {
      return truncated(name);
    }
    // The range of each enum is checked in validate().
    value = static_cast<Enum>(*read);
  }
  void bytes(Bytes& value, std::size_t max_size, const char* name) {
    if (problem_) {
      return;
    }
    auto view = sized_field(max_size, name);
    if (view && !reader_.adopt(*view, value)) {
      value.assign(view->begin(), view->end());
    }
  }
  void text(std::string& value, std::size_t max_size, const char* name) {
    if (problem_) {
      return;
    }
    auto view = sized_field(max_size, name);
    if (!view) {
      return;
    }
    value = as_string(*view);
    if (!is_printable_ascii(value)) {
      problem_ = std::string(name) + " has a non-printable character";
    }
  }
  const std::optional<std::string>& problem() const { return problem_; }

 private:
  std::optional<ByteView> sized_field(std::size_t max_size, const char* name) {
    auto size = reader_.u32();
    if (!size) {
      truncated(name);
      return std::nullopt;
    }
    if (*size > max_size) {
      problem_ = std::string(name) + " length " + std::to_string(*size) +
                 " is over the limit of " + std::to_string(max_size);
      return std::nullopt;
    }
    auto view = reader_.raw(*size);
    if (!view) {
      truncated(name);
    }
    return view;
  }
  void truncated(const char* name) { problem_ = std::string("message ends inside ") + name; }

  Reader& reader_;
  std::optional<std::string> problem_;
};

// describe() lists each message's fields, in wire order, for both visitors.
template <typename V>
void describe(V&, HelloRequest&) {}

template <typename V>
void describe(V& v, HelloReply& m) {
  v.text(m.platform, kMaxTextSize, "platform");
  v.bytes(m.measurement, kMaxMeasurementSize, "measurement");
  v.bytes(m.platform_key, kMaxPublicKeySize, "platform_key");
  v.text(m.enclave_version, kMaxTextSize, "enclave_version");
  v.u32(m.hardening, "hardening");
}

template <typename V>
void describe(V& v, GenerateKeyRequest& m) {
  v.text(m.key_id, kMaxKeyIdSize, "key_id");
  v.u32(m.version, "version");
  v.u8_enum(m.algorithm, "algorithm");
}

template <typename V>
void describe(V& v, GenerateKeyReply& m) {
  v.bytes(m.public_key, kMaxPublicKeySize, "public_key");
  v.bytes(m.sealed_key, kMaxSealedBlobSize, "sealed_key");
  v.bytes(m.key_attestation, kMaxEvidenceSize, "key_attestation");
}

template <typename V>
void describe(V& v, SignItem& m) {
  v.text(m.key_id, kMaxKeyIdSize, "key_id");
  v.u32(m.version, "version");
  v.u8_enum(m.algorithm, "algorithm");
  v.bytes(m.sealed_key, kMaxSealedBlobSize, "sealed_key");
  v.bytes(m.public_key, kMaxPublicKeySize, "public_key");
  v.text(m.requester, kMaxRequesterSize, "requester");
  v.u8_enum(m.input, "input");
  v.text(m.payload_type, kMaxTextSize, "payload_type");
  v.bytes(m.data, kMaxSignMessageSize, "data");
}

// A list of Bytes is a list of Merkle tree hashes.
template <typename V>
void describe(V& v, Bytes& hash) {
  v.bytes(hash, kLogHashSize, "hash");
}

template <typename V>
void describe(V& v, SignRequest& m) {
  v.bytes(m.sealed_log_key, kMaxSealedBlobSize, "sealed_log_key");
  v.bytes(m.sealed_log_state, kMaxSealedBlobSize, "sealed_log_state");
  v.u64(m.time, "time");
  // Before the items: the last item's data is the body's last field, which a decoder lends.
  v.list(m.consistency_proof, kMaxConsistencyProofSize, "consistency_proof");
  v.list(m.items, kMaxSignBatchSize, "items");
}

template <typename V>
void describe(V& v, SignedItem& m) {
  v.bytes(m.signature, kMaxSignatureSize, "signature");
  v.bytes(m.entry, kMaxLogEntrySize, "entry");
}

template <typename V>
void describe(V& v, SignReply& m) {
  v.list(m.items, kMaxSignBatchSize, "items");
  v.u64(m.first_index, "first_index");
  v.bytes(m.sealed_log_state, kMaxSealedBlobSize, "sealed_log_state");
  v.bytes(m.checkpoint, kMaxCheckpointSize, "checkpoint");
}

template <typename V>
void describe(V& v, CreateLogRequest& m) {
  v.text(m.origin, kMaxLogOriginSize, "origin");
}

template <typename V>
void describe(V& v, CreateLogReply& m) {
  v.bytes(m.public_key, kMaxPublicKeySize, "public_key");
  v.bytes(m.sealed_key, kMaxSealedBlobSize, "sealed_key");
  v.bytes(m.key_attestation, kMaxEvidenceSize, "key_attestation");
  v.bytes(m.sealed_log_state, kMaxSealedBlobSize, "sealed_log_state");
  v.bytes(m.checkpoint, kMaxCheckpointSize, "checkpoint");
}

template <typename V>
void describe(V& v, EvidenceRequest& m) {
  v.bytes(m.report_data, kReportDataSize, "report_data");
}

template <typename V>
void describe(V& v, EvidenceReply& m) {
  v.bytes(m.evidence, kMaxEvidenceSize, "evidence");
}

template <typename V>
void describe(V&, CreateVerifierKeyRequest&) {}

template <typename V>
void describe(V& v, CreateVerifierKeyReply& m) {
  v.bytes(m.public_key, kMaxPublicKeySize, "public_key");
  v.bytes(m.sealed_key, kMaxSealedBlobSize, "sealed_key");
  v.bytes(m.key_attestation, kMaxEvidenceSize, "key_attestation");
}

template <typename V>
void describe(V& v, AppraiseRequest& m) {
  v.bytes(m.sealed_verifier_key, kMaxSealedBlobSize, "sealed_verifier_key");
  v.bytes(m.appraisal_request, kMaxAppraisalRequestSize, "appraisal_request");
}

template <typename V>
void describe(V& v, AppraiseReply& m) {
  v.bytes(m.appraisal, kMaxAppraisalSize, "appraisal");
  v.bytes(m.token, kMaxTokenSize, "token");
}

template <typename V>
void describe(V& v, ErrorReply& m) {
  v.u8_enum(m.code, "code");
  v.text(m.message, kMaxErrorMessageSize, "message");
}

// validate() checks values beyond their sizes; the empty string means valid.
std::string check_key_reference(const std::string& key_id, std::uint32_t version,
                                crypto::KeyAlgorithm algorithm) {
  if (!is_valid_key_id(key_id)) {
    return "key_id must be 1.." + std::to_string(kMaxKeyIdSize) + " characters of [A-Za-z0-9._-]";
  }
  if (version == 0) {
    return "version must be at least 1";
  }
  if (!crypto::key_algorithm_from_int(static_cast<unsigned>(algorithm))) {
    return "unknown algorithm " + std::to_string(static_cast<unsigned>(algorithm));
  }
  return {};
}

std::string validate(const HelloRequest&) {
  return {};
}
std::string validate(const HelloReply&) {
  return {};
}
std::string validate(const GenerateKeyRequest& m) {
  return check_key_reference(m.key_id, m.version, m.algorithm);
}
std::string validate(const GenerateKeyReply& m) {
  if (m.public_key.empty() || m.sealed_key.empty()) {
    return "public_key and sealed_key must not be empty";
  }
  return {};
}
std::string validate_item(const SignItem& m) {
  if (auto problem = check_key_reference(m.key_id, m.version, m.algorithm); !problem.empty()) {
    return problem;
  }
  if (m.sealed_key.empty() || m.public_key.empty() || m.requester.empty()) {
    return "sealed_key, public_key and requester must not be empty";
  }
  if (m.input != SignInput::kDsse && !m.payload_type.empty()) {
    return "payload_type is for DSSE items only";
  }
  switch (m.input) {
    case SignInput::kDigest: {
      auto hash = crypto::signature_hash(m.algorithm);
      if (!hash) {
        return "ed25519 signs messages, not digests";
      }
      if (m.data.size() != crypto::hash_size(*hash)) {
        return "digest must be " + std::to_string(crypto::hash_size(*hash)) + " bytes for " +
               std::string(crypto::key_algorithm_name(m.algorithm));
      }
      return {};
    }
    case SignInput::kMessage:
      return {};
    case SignInput::kDsse:
      return m.payload_type.empty() ? "a DSSE item needs a payload_type" : "";
  }
  return "unknown sign input " + std::to_string(static_cast<unsigned>(m.input));
}
std::string validate(const SignRequest& m) {
  if (m.sealed_log_key.empty() || m.sealed_log_state.empty()) {
    return "sealed_log_key and sealed_log_state must not be empty";
  }
  if (m.items.empty()) {
    return "a sign request needs at least one item";
  }
  for (std::size_t index = 0; index < m.items.size(); ++index) {
    if (auto problem = validate_item(m.items[index]); !problem.empty()) {
      return "item " + std::to_string(index) + ": " + problem;
    }
  }
  for (const auto& hash : m.consistency_proof) {
    if (hash.size() != kLogHashSize) {
      return "each consistency_proof hash must be " + std::to_string(kLogHashSize) + " bytes";
    }
  }
  return {};
}
std::string validate(const SignReply& m) {
  if (m.items.empty() || m.sealed_log_state.empty() || m.checkpoint.empty()) {
    return "items, sealed_log_state and checkpoint must not be empty";
  }
  for (const auto& item : m.items) {
    if (item.signature.empty() || item.entry.empty()) {
      return "each item needs a signature and an entry";
    }
  }
  return {};
}
std::string validate(const CreateLogRequest& m) {
  if (!is_valid_log_origin(m.origin)) {
    return "origin must be 1.." + std::to_string(kMaxLogOriginSize) +
           " printable ASCII characters without spaces";
  }
  return {};
}
std::string validate(const CreateLogReply& m) {
  if (m.public_key.empty() || m.sealed_key.empty() || m.sealed_log_state.empty() ||
      m.checkpoint.empty()) {
    return "public_key, sealed_key, sealed_log_state and checkpoint must not be empty";
  }
  return {};
}
std::string validate(const EvidenceRequest& m) {
  if (m.report_data.size() != kReportDataSize) {
    return "report_data must be exactly " + std::to_string(kReportDataSize) + " bytes";
  }
  return {};
}
std::string validate(const EvidenceReply& m) {
  return m.evidence.empty() ? "evidence must not be empty" : "";
}
std::string validate(const CreateVerifierKeyRequest&) {
  return {};
}
std::string validate(const CreateVerifierKeyReply& m) {
  if (m.public_key.empty() || m.sealed_key.empty()) {
    return "public_key and sealed_key must not be empty";
  }
  return {};
}
std::string validate(const AppraiseRequest& m) {
  if (m.sealed_verifier_key.empty() || m.appraisal_request.empty()) {
    return "sealed_verifier_key and appraisal_request must not be empty";
  }
  return {};
}
std::string validate(const AppraiseReply& m) {
  return m.appraisal.empty() || m.token.empty() ? "appraisal and token must not be empty" : "";
}
std::string validate(const ErrorReply& m) {
  unsigned code = static_cast<unsigned>(m.code);
  if (error_code_from_int(code) != m.code) {
    return "unknown error code " + std::to_string(code);
  }
  return {};
}

template <typename T>
Result<Message> decode_as(Reader& reader) {
  T message{};
  DecodeVisitor visitor(reader);
  describe(visitor, message);
  if (visitor.problem()) {
    return fail(ErrorCode::kInvalidArgument, *visitor.problem());
  }
  if (!reader.at_end()) {
    return fail(ErrorCode::kInvalidArgument, "trailing bytes after the message");
  }
  if (auto problem = validate(message); !problem.empty()) {
    return fail(ErrorCode::kInvalidArgument, problem);
  }
  return Message(std::move(message));
}

}  // namespace

MessageType message_type(const Message& message) {
  static constexpr MessageType kTypes[] = {
      MessageType::kHelloRequest,    MessageType::kHelloReply,    MessageType::kGenerateKeyRequest,
      MessageType::kGenerateKeyReply, MessageType::kSignRequest,  MessageType::kSignReply,
      MessageType::kEvidenceRequest, MessageType::kEvidenceReply,
      MessageType::kCreateVerifierKeyRequest, MessageType::kCreateVerifierKeyReply,
      MessageType::kAppraiseRequest, MessageType::kAppraiseReply,
      MessageType::kCreateLogRequest, MessageType::kCreateLogReply, MessageType::kErrorReply,
  };
  static_assert(std::size(kTypes) == std::variant_size_v<Message>);
  return kTypes[message.index()];
}

std::uint32_t peek_request_id(ByteView body) {
  if (body.size() < kHeaderSize) {
    return 0;
  }
  Reader reader(body.subspan(4));
  return *reader.u32();
}

bool is_valid_log_origin(std::string_view origin) {
  return !origin.empty() && origin.size() <= kMaxLogOriginSize && is_printable_ascii(origin) &&
         origin.find(' ') == std::string_view::npos;
}

bool is_valid_key_id(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdSize) {
    return false;
  }
  for (char c : key_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Result<Bytes> encode_frame(std::uint32_t request_id, const Message& message) {
  Bytes frame;
  Writer header(frame);
  header.u32(0);  // length, filled in below
  header.u16(kProtocolVersion);
  header.u16(static_cast<std::uint16_t>(message_type(message)));
  header.u32(request_id);
  std::string problem;
  EncodeVisitor visitor(frame);
  std::visit(
      [&](const auto& typed) {
        auto copy = typed;  // describe() takes non-const references for the decoder's sake
        describe(visitor, copy);
        problem = validate(typed);
      },
      message);
  if (visitor.problem()) {
    return fail(ErrorCode::kInvalidArgument, *visitor.problem());
  }
  if (!problem.empty()) {
    return fail(ErrorCode::kInvalidArgument, problem);
  }
  std::size_t body_size = frame.size() - 4;
  if (body_size > kMaxFrameBodySize) {
    return fail(ErrorCode::kInvalidArgument, "message is over the frame limit");
  }
  for (int i = 0; i < 4; ++i) {
    frame[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(body_size >> (24 - 8 * i));
  }
  return frame;
}

namespace {

Result<Envelope> decode_envelope(ByteView body, Bytes* owner) {
  if (body.size() > kMaxFrameBodySize) {
    return fail(ErrorCode::kInvalidArgument, "message is over the frame limit");
  }
  if (body.size() < kHeaderSize) {
    return fail(ErrorCode::kInvalidArgument, "message is shorter than its header");
  }
  Reader reader(body, owner);
  std::uint16_t version = *reader.u16();
  std::uint16_t type = *reader.u16();
  std::uint32_t request_id = *reader.u32();
  if (version != kProtocolVersion) {
    return fail(ErrorCode::kInvalidArgument,
                "protocol version " + std::to_string(version) + " is not supported (this side speaks " +
                    std::to_string(kProtocolVersion) + ")");
  }
  Result<Message> message = fail(ErrorCode::kInvalidArgument, "unknown message type " + std::to_string(type));
  switch (static_cast<MessageType>(type)) {
    case MessageType::kHelloRequest:
      message = decode_as<HelloRequest>(reader);
      break;
    case MessageType::kHelloReply:
      message = decode_as<HelloReply>(reader);
      break;
    case MessageType::kGenerateKeyRequest:
      message = decode_as<GenerateKeyRequest>(reader);
      break;
    case MessageType::kGenerateKeyReply:
      message = decode_as<GenerateKeyReply>(reader);
      break;
    case MessageType::kSignRequest:
      message = decode_as<SignRequest>(reader);
      break;
    case MessageType::kSignReply:
      message = decode_as<SignReply>(reader);
      break;
    case MessageType::kEvidenceRequest:
      message = decode_as<EvidenceRequest>(reader);
      break;
    case MessageType::kEvidenceReply:
      message = decode_as<EvidenceReply>(reader);
      break;
    case MessageType::kCreateVerifierKeyRequest:
      message = decode_as<CreateVerifierKeyRequest>(reader);
      break;
    case MessageType::kCreateVerifierKeyReply:
      message = decode_as<CreateVerifierKeyReply>(reader);
      break;
    case MessageType::kAppraiseRequest:
      message = decode_as<AppraiseRequest>(reader);
      break;
    case MessageType::kAppraiseReply:
      message = decode_as<AppraiseReply>(reader);
      break;
    case MessageType::kCreateLogRequest:
      message = decode_as<CreateLogRequest>(reader);
      break;
    case MessageType::kCreateLogReply:
      message = decode_as<CreateLogReply>(reader);
      break;
    case MessageType::kErrorReply:
      message = decode_as<ErrorReply>(reader);
      break;
  }
  if (!message) {
    return fail(message.error());
  }
  return Envelope{request_id, std::move(message).value()};
}

}  // namespace

Result<Envelope> decode_body(ByteView body) {
  return decode_envelope(body, nullptr);
}

Result<Envelope> decode_body(Bytes&& body) {
  return decode_envelope(body, &body);
}

}  // namespace ensign::enclave::protocol
