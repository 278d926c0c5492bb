// messages.h: every message that crosses the host/enclave boundary, its direction, its version
// and its size bounds. This is the whole contract between ensign-enclave and its host.
//
// Wire format of one frame (all integers big-endian):
//   u32 body_length                     (1 .. kMaxFrameBodySize)
//   body: u16 protocol_version          (kProtocolVersion)
//         u16 message_type              (MessageType)
//         u32 request_id                (echoed in the reply; lets the host pipeline requests)
//         fields of the message, in the order declared below:
//           u8/u32  as is
//           bytes   u32 length, then the bytes (length bounded per field)
//           string  like bytes; printable ASCII only
// A body with trailing bytes, an unknown type, a field over its bound or a value out of range is
// rejected whole. The enclave answers a request it cannot decode with an ErrorReply (request_id 0
// when even the header was unreadable) and keeps serving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/keys.h"

namespace ensign::enclave::protocol {

inline constexpr std::uint16_t kProtocolVersion = 2;  // 2: Sign requests are logged batches

// Size bounds.
inline constexpr std::size_t kMaxKeyIdSize = 128;
inline constexpr std::size_t kMaxSealedBlobSize = 4096;
inline constexpr std::size_t kMaxEvidenceSize = 16 * 1024;
inline constexpr std::size_t kMaxErrorMessageSize = 1024;
inline constexpr std::size_t kMaxTextSize = 256;
// Ed25519 signs whole messages, so a Sign request may carry the message itself.
inline constexpr std::size_t kMaxSignMessageSize = 4 * 1024 * 1024;
// The largest body is a Sign request of one whole message: its sealed blobs, key, texts and a
// longest consistency proof (4 KiB) fit in the 24 KiB beside the message.
inline constexpr std::size_t kMaxFrameBodySize = kMaxSignMessageSize + 24 * 1024;
inline constexpr std::size_t kReportDataSize = 64;
inline constexpr std::size_t kMaxPublicKeySize = 1024;
inline constexpr std::size_t kMaxMeasurementSize = 64;
inline constexpr std::size_t kMaxSignatureSize = 512;
// An appraisal request carries evidence with its certificates, collateral and policy (JSON, see
// attest/appraisal.h); the reply carries the appraisal (JSON) and the signed result token.
inline constexpr std::size_t kMaxAppraisalRequestSize = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxAppraisalSize = 1024 * 1024;
inline constexpr std::size_t kMaxTokenSize = 1024 * 1024;
// The transparency log (see log/entry.h and log/checkpoint.h): a Sign request carries a batch of
// at most kMaxSignBatchSize items; each reply item carries the entry the enclave logged.
inline constexpr std::size_t kMaxSignBatchSize = 64;
inline constexpr std::size_t kMaxLogOriginSize = 255;
inline constexpr std::size_t kMaxLogEntrySize = 4096;
inline constexpr std::size_t kMaxCheckpointSize = 16 * 1024;
// A consistency proof between two trees of at most 2^64 leaves has at most 2 * 64 hashes.
inline constexpr std::size_t kMaxConsistencyProofSize = 128;
inline constexpr std::size_t kLogHashSize = 32;
inline constexpr std::size_t kMaxRequesterSize = 128;

enum class MessageType : std::uint16_t {
  kHelloRequest = 1,        // host -> enclave
  kHelloReply = 2,          // enclave -> host
  kGenerateKeyRequest = 3,  // host -> enclave
  kGenerateKeyReply = 4,    // enclave -> host
  kSignRequest = 5,         // host -> enclave
  kSignReply = 6,           // enclave -> host
  kEvidenceRequest = 7,     // host -> enclave
  kEvidenceReply = 8,       // enclave -> host
  kCreateVerifierKeyRequest = 9,   // host -> enclave
  kCreateVerifierKeyReply = 10,    // enclave -> host
  kAppraiseRequest = 11,           // host -> enclave
  kAppraiseReply = 12,             // enclave -> host
  kCreateLogRequest = 13,          // host -> enclave
  kCreateLogReply = 14,            // enclave -> host
  kErrorReply = 100,        // enclave -> host, in answer to any request
};

// HelloRequest asks the enclave who it is. No fields.
struct HelloRequest {};

// Hardening flags reported in HelloReply.
inline constexpr std::uint32_t kHardenedNotDumpable = 1u << 0;
inline constexpr std::uint32_t kHardenedSeccomp = 1u << 1;
inline constexpr std::uint32_t kHardenedSecureHeap = 1u << 2;
inline constexpr std::uint32_t kHardenedNoNewPrivileges = 1u << 3;

struct HelloReply {
  std::string platform;        // string, <= kMaxTextSize
  Bytes measurement;           // bytes, <= 64
  Bytes platform_key;          // bytes, DER SPKI, <= 1024 (empty when the platform has none)
  std::string enclave_version; // string, <= kMaxTextSize
  std::uint32_t hardening = 0; // u32, kHardened* flags
};

// GenerateKeyRequest asks for a new key pair; the private half never leaves the enclave except
// sealed. key_id is the key's name: 1..kMaxKeyIdSize of [A-Za-z0-9._-]; version >= 1.
struct GenerateKeyRequest {
  std::string key_id;
  std::uint32_t version = 0;
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;  // u8
};

struct GenerateKeyReply {
  Bytes public_key;       // bytes, DER SPKI, <= 1024
  Bytes sealed_key;       // bytes, <= kMaxSealedBlobSize
  Bytes key_attestation;  // bytes, platform evidence over SHA-256(public_key), <= kMaxEvidenceSize
};

// What a sign item's data is, and so which log entry it makes (log/entry.h).
enum class SignInput : std::uint8_t {
  kDigest = 1,   // the hash of the artifact (ECDSA only): 32 bytes for P-256, 48 for P-384
  kMessage = 2,  // the artifact itself, <= kMaxSignMessageSize (any algorithm)
  kDsse = 3,     // a DSSE payload of payload_type: the enclave signs its PAE
};

// SignItem is one signature a Sign request asks for. The enclave signs with the key unsealed from
// sealed_key, checks that public_key is that key's (the log entry names it), and logs who asked.
struct SignItem {
  std::string key_id;
  std::uint32_t version = 0;
  crypto::KeyAlgorithm algorithm = crypto::KeyAlgorithm::kEcdsaP256;  // u8
  Bytes sealed_key;                                                   // bytes
  Bytes public_key;                    // bytes, DER SPKI, <= kMaxPublicKeySize
  std::string requester;               // string, 1..kMaxRequesterSize: token id or local:<user>
  SignInput input = SignInput::kDigest;  // u8
  std::string payload_type;            // string, <= kMaxTextSize; kDsse only, else empty
  Bytes data;                          // bytes, last so a large one is adopted, not copied
};

// SignRequest asks for a batch of signatures, which the enclave releases only together with the
// log entries that record them and a checkpoint, signed with the log key, of the tree that
// includes them. The log's state (its origin, size, right edge and last time) travels sealed:
// the host keeps it, the enclave alone can make or read it. time is the host's clock (Unix
// seconds); the enclave never logs a time before the last one it logged.
//
// When another enclave process (a local `ensign sign`, a second server on the same database)
// moved the log on since this enclave's last reply, the state is not the one this enclave made:
// the host then proves with consistency_proof that the state's tree extends the tree this enclave
// signed last, and the enclave continues from it only if that proof holds (no fork).
struct SignRequest {
  Bytes sealed_log_key;    // bytes, <= kMaxSealedBlobSize, from CreateLogReply
  Bytes sealed_log_state;  // bytes, <= kMaxSealedBlobSize, from the last reply
  std::uint64_t time = 0;  // u64
  std::vector<SignItem> items;  // u32 count (1..kMaxSignBatchSize), then each item's fields
  // On the wire before items: u32 count (<= kMaxConsistencyProofSize), kLogHashSize-byte hashes.
  // The RFC 9162 proof from this enclave's last signed tree to the state's tree; empty when the
  // state is its own.
  std::vector<Bytes> consistency_proof;
};

struct SignedItem {
  Bytes signature;  // bytes, <= kMaxSignatureSize
  Bytes entry;      // bytes, <= kMaxLogEntrySize: the leaf the log holds
};

// SignReply answers every item, in order, or the whole request fails (ErrorReply naming the item)
// and nothing is logged.
struct SignReply {
  std::vector<SignedItem> items;  // u32 count, then each item's fields
  std::uint64_t first_index = 0;  // u64: the log index of items[0]
  Bytes sealed_log_state;         // bytes, <= kMaxSealedBlobSize: replaces the request's
  Bytes checkpoint;               // bytes, <= kMaxCheckpointSize: C2SP signed note
};

// CreateLogRequest asks for a new, empty log named `origin` (C2SP checkpoint origin: printable
// ASCII without spaces, 1..kMaxLogOriginSize) with its own P-256 key, sealed for the log only.
struct CreateLogRequest {
  std::string origin;
};
struct CreateLogReply {
  Bytes public_key;        // bytes, DER SPKI, <= kMaxPublicKeySize
  Bytes sealed_key;        // bytes, <= kMaxSealedBlobSize
  Bytes key_attestation;   // bytes, platform evidence over SHA-256(public_key), <= kMaxEvidenceSize
  Bytes sealed_log_state;  // bytes, <= kMaxSealedBlobSize: the empty tree
  Bytes checkpoint;        // bytes, <= kMaxCheckpointSize: the empty tree's, signed
};

// EvidenceRequest asks for platform evidence over caller-chosen report data.
struct EvidenceRequest {
  Bytes report_data;  // bytes, exactly kReportDataSize
};

struct EvidenceReply {
  Bytes evidence;  // bytes, <= kMaxEvidenceSize
};

// CreateVerifierKeyRequest asks for the key that signs attestation results: an ECDSA P-256 key
// sealed for the verifier purpose only, so no SignRequest can ever use it. No fields.
struct CreateVerifierKeyRequest {};
struct CreateVerifierKeyReply {
  Bytes public_key;       // bytes, DER SPKI, <= 1024
  Bytes sealed_key;       // bytes, <= kMaxSealedBlobSize
  Bytes key_attestation;  // bytes, platform evidence over SHA-256(public_key), <= kMaxEvidenceSize
};

// AppraiseRequest asks the enclave to verify evidence, appraise it against a policy and sign the
// result with the verifier key.
struct AppraiseRequest {
  Bytes sealed_verifier_key;  // bytes, <= kMaxSealedBlobSize, from CreateVerifierKeyReply
  Bytes appraisal_request;    // bytes, JSON AppraisalRequest, <= kMaxAppraisalRequestSize
};
struct AppraiseReply {
  Bytes appraisal;  // bytes, JSON (attest::to_json(Appraisal)), <= kMaxAppraisalSize
  Bytes token;      // bytes, compact JWS (ES256) of the EAR claims, <= kMaxTokenSize
};

struct ErrorReply {
  ErrorCode code = ErrorCode::kInternal;  // u8
  std::string message;                    // string, <= kMaxErrorMessageSize
};

using Message = std::variant<HelloRequest,
                             HelloReply,
                             GenerateKeyRequest,
                             GenerateKeyReply,
                             SignRequest,
                             SignReply,
                             EvidenceRequest,
                             EvidenceReply,
                             CreateVerifierKeyRequest,
                             CreateVerifierKeyReply,
                             AppraiseRequest,
                             AppraiseReply,
                             CreateLogRequest,
                             CreateLogReply,
                             ErrorReply>;

// Envelope is one decoded frame body.
struct Envelope {
  std::uint32_t request_id = 0;
  Message message;
};

// message_type returns the wire type of a message.
MessageType message_type(const Message& message);

// encode_frame returns the complete frame (length prefix included) for `message`. Fails with
// InvalidArgument when a field breaks its bound, so an oversized message is never sent.
Result<Bytes> encode_frame(std::uint32_t request_id, const Message& message);

// decode_body decodes and fully validates one frame body (without its length prefix). Fails with
// InvalidArgument naming the first problem.
Result<Envelope> decode_body(ByteView body);
// decode_body(Bytes&&) decodes a body it may consume: a large bytes field that ends the body
// takes the body's buffer rather than a copy (the enclave's memory budget counts every MiB).
Result<Envelope> decode_body(Bytes&& body);

// peek_request_id returns the request id of a body whose header is readable, so a reply to an
// undecodable request can still name it; 0 otherwise.
std::uint32_t peek_request_id(ByteView body);

// is_valid_log_origin tells whether `origin` is 1..kMaxLogOriginSize printable ASCII characters
// without spaces (a C2SP checkpoint origin, also the log key's name in its signed notes).
bool is_valid_log_origin(std::string_view origin);

// is_valid_key_id tells whether `key_id` is 1..kMaxKeyIdSize characters of [A-Za-z0-9._-].
bool is_valid_key_id(std::string_view key_id);

}  // namespace ensign::enclave::protocol
