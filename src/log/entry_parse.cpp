// entry_parse.cpp: parse_entry, kept apart from the encoder so that the enclave, which only
// writes entries, links no JSON parser.
#include <nlohmann/json.hpp>

#include "formats/signing_input.h"
#include "log/entry.h"

namespace ensign::log {
namespace {

Unexpected not_an_entry(std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, "not an ensign log entry: " + std::string(problem));
}

// Reader walks a JSON value by member names; a missing member or one of another type fails.
const nlohmann::json* member(const nlohmann::json* object, std::string_view key) {
  if (object == nullptr || !object->is_object()) {
    return nullptr;
  }
  auto found = object->find(key);
  return found == object->end() ? nullptr : &*found;
}

Result<std::string> text(const nlohmann::json* value, std::string_view what) {
  if (value == nullptr || !value->is_string()) {
    return not_an_entry(std::string(what) + " is missing or not a string");
  }
  return value->get<std::string>();
}

Result<Bytes> base64_member(const nlohmann::json* value, std::string_view what) {
  ENSIGN_TRY(encoded, text(value, what));
  auto decoded = base64_decode(encoded);
  if (!decoded) {
    return not_an_entry(std::string(what) + " is not base64");
  }
  return std::move(decoded).value();
}

template <typename Enum, typename Name>
Result<Enum> named(const nlohmann::json* value, std::string_view what,
                   std::initializer_list<Enum> candidates, Name name_of) {
  ENSIGN_TRY(name, text(value, what));
  for (Enum candidate : candidates) {
    if (name == name_of(candidate)) {
      return candidate;
    }
  }
  return not_an_entry(std::string(what) + " '" + name.substr(0, 40) + "' is not known");
}

}  // namespace

Result<Entry> parse_entry(std::string_view body) {
  if (body.size() > kMaxEntrySize) {
    return not_an_entry("over the limit of " + std::to_string(kMaxEntrySize) + " bytes");
  }
  auto root = nlohmann::json::parse(body, nullptr, false);
  if (root.is_discarded()) {
    return not_an_entry("not JSON");
  }
  Entry entry;
  ENSIGN_TRY(kind, named(member(&root, "kind"), "kind",
                         {EntryKind::kHashedRekord, EntryKind::kDsse}, entry_kind_name));
  entry.kind = kind;
  const nlohmann::json* spec = member(&root, "spec");
  const nlohmann::json* digest = nullptr;
  const nlohmann::json* signature = nullptr;
  if (kind == EntryKind::kDsse) {
    const nlohmann::json* dsse = member(spec, "dsseV002");
    digest = member(dsse, "payloadHash");
    const nlohmann::json* signatures = member(dsse, "signatures");
    if (signatures != nullptr && signatures->is_array() && signatures->size() == 1) {
      signature = &(*signatures)[0];
    }
  } else {
    const nlohmann::json* hashed = member(spec, "hashedRekordV002");
    digest = member(hashed, "data");
    signature = member(hashed, "signature");
  }
  ENSIGN_TRY(digest_algorithm,
             named(member(digest, "algorithm"), "digest algorithm",
                   {crypto::HashAlgorithm::kSha256, crypto::HashAlgorithm::kSha384,
                    crypto::HashAlgorithm::kSha512},
                   formats::digest_algorithm_name));
  entry.digest_algorithm = digest_algorithm;
  ENSIGN_TRY(digest_bytes, base64_member(member(digest, "digest"), "digest"));
  entry.digest = std::move(digest_bytes);
  ENSIGN_TRY(signature_bytes, base64_member(member(signature, "content"), "signature"));
  entry.signature = std::move(signature_bytes);
  const nlohmann::json* verifier = member(signature, "verifier");
  ENSIGN_TRY(public_key, base64_member(member(member(verifier, "publicKey"), "rawBytes"),
                                       "public key"));
  entry.public_key = std::move(public_key);
  ENSIGN_TRY(key_algorithm,
             named(member(verifier, "keyDetails"), "keyDetails",
                   {crypto::KeyAlgorithm::kEcdsaP256, crypto::KeyAlgorithm::kEcdsaP384,
                    crypto::KeyAlgorithm::kEd25519},
                   key_details_name));
  entry.key_algorithm = key_algorithm;
  const nlohmann::json* ensign = member(&root, "ensign");
  ENSIGN_TRY(key_name, text(member(ensign, "key"), "ensign.key"));
  entry.key_name = std::move(key_name);
  const nlohmann::json* version = member(ensign, "version");
  if (version == nullptr || !version->is_number_unsigned() ||
      version->get<std::uint64_t>() > UINT32_MAX) {
    return not_an_entry("ensign.version is missing or not a key version");
  }
  entry.key_version = version->get<std::uint32_t>();
  ENSIGN_TRY(requester, text(member(ensign, "requester"), "ensign.requester"));
  entry.requester = std::move(requester);
  ENSIGN_TRY(time_text, text(member(ensign, "time"), "ensign.time"));
  ENSIGN_TRY(time, parse_rfc3339(time_text));
  entry.time = time;
  // Only the exact bytes the enclave writes are an entry: what parses must encode back to them.
  ENSIGN_TRY(again, encode_entry(entry));
  if (again != body) {
    return not_an_entry("not in the canonical form the enclave writes");
  }
  return entry;
}

}  // namespace ensign::log
