#include "log/entry.h"

#include "formats/signing_input.h"

namespace ensign::log {
namespace {

// quoted returns text as a JSON string. Entry texts are printable ASCII (checked), so only the
// quote and the backslash need escaping.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool is_printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

Status check(const Entry& entry) {
  if (entry.digest.size() != crypto::hash_size(entry.digest_algorithm)) {
    return fail(ErrorCode::kInvalidArgument,
                "log entry digest is " + std::to_string(entry.digest.size()) + " bytes, not " +
                    std::to_string(crypto::hash_size(entry.digest_algorithm)));
  }
  if (entry.signature.empty() || entry.public_key.empty() || entry.key_name.empty() ||
      entry.key_version == 0) {
    return fail(ErrorCode::kInvalidArgument,
                "log entry needs a signature, a public key, a key name and a version");
  }
  if (entry.requester.empty() || entry.requester.size() > kMaxRequesterSize ||
      !is_printable_ascii(entry.requester) || !is_printable_ascii(entry.key_name)) {
    return fail(ErrorCode::kInvalidArgument,
                "log entry requester must be 1.." + std::to_string(kMaxRequesterSize) +
                    " printable ASCII characters");
  }
  return {};
}

// verifier returns the Rekor v2 Verifier object of the signing key.
std::string verifier(const Entry& entry) {
  return R"({"publicKey":{"rawBytes":)" + quoted(base64_encode(entry.public_key)) +
         R"(},"keyDetails":)" + quoted(key_details_name(entry.key_algorithm)) + "}";
}

std::string hash_output(const Entry& entry) {
  return R"({"algorithm":)" + quoted(formats::digest_algorithm_name(entry.digest_algorithm)) +
         R"(,"digest":)" + quoted(base64_encode(entry.digest)) + "}";
}

}  // namespace

std::string_view entry_kind_name(EntryKind kind) {
  return kind == EntryKind::kDsse ? "dsse" : "hashedrekord";
}

std::string_view key_details_name(crypto::KeyAlgorithm algorithm) {
  switch (algorithm) {
    case crypto::KeyAlgorithm::kEcdsaP256:
      return "PKIX_ECDSA_P256_SHA_256";
    case crypto::KeyAlgorithm::kEcdsaP384:
      return "PKIX_ECDSA_P384_SHA_384";
    case crypto::KeyAlgorithm::kEd25519:
      return "PKIX_ED25519";
  }
  return "PUBLIC_KEY_DETAILS_UNSPECIFIED";
}

Result<std::string> encode_entry(const Entry& entry) {
  ENSIGN_CHECK(check(entry));
  std::string signature = R"({"content":)" + quoted(base64_encode(entry.signature)) +
                          R"(,"verifier":)" + verifier(entry) + "}";
  std::string spec = entry.kind == EntryKind::kDsse
                         ? R"({"dsseV002":{"payloadHash":)" + hash_output(entry) +
                               R"(,"signatures":[)" + signature + "]}}"
                         : R"({"hashedRekordV002":{"data":)" + hash_output(entry) +
                               R"(,"signature":)" + signature + "}}";
  std::string body = R"({"kind":)" + quoted(entry_kind_name(entry.kind)) +
                     R"(,"apiVersion":"0.0.2","spec":)" + spec + R"(,"ensign":{"key":)" +
                     quoted(entry.key_name) + R"(,"version":)" +
                     std::to_string(entry.key_version) + R"(,"requester":)" +
                     quoted(entry.requester) + R"(,"time":)" +
                     quoted(format_rfc3339(entry.time)) + "}}";
  if (body.size() > kMaxEntrySize) {
    return fail(ErrorCode::kInvalidArgument, "log entry is over the limit of " +
                                                 std::to_string(kMaxEntrySize) + " bytes");
  }
  return body;
}

}  // namespace ensign::log
