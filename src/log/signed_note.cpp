#include "log/signed_note.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/public_key_cache.h"
#include "crypto/signature.h"

namespace ensign::log {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash, space

Unexpected bad_note(std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, "not a signed note: " + std::string(problem));
}

// has_control_character tells whether `text` holds an ASCII control character other than '\n'.
bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\n') || byte == 0x7f;
  });
}

bool is_valid_name(std::string_view name) {
  return !name.empty() && name.find_first_of(" +\n") == std::string_view::npos;
}

Result<NoteSignature> parse_signature_line(std::string_view line, std::size_t number) {
  std::string where = "signature line " + std::to_string(number);
  if (!line.starts_with(kSignaturePrefix)) {
    return bad_note(where + " does not start with an em dash and a space");
  }
  line.remove_prefix(kSignaturePrefix.size());
  auto space = line.find(' ');
  if (space == std::string_view::npos || !is_valid_name(line.substr(0, space))) {
    return bad_note(where + " has no valid key name");
  }
  auto decoded = base64_decode(line.substr(space + 1));
  if (!decoded || decoded->size() < 5) {
    return bad_note(where + " is not base64 of a key ID and a signature");
  }
  NoteSignature signature;
  signature.name = std::string(line.substr(0, space));
  std::copy_n(decoded->begin(), 4, signature.key_id.begin());
  signature.signature.assign(decoded->begin() + 4, decoded->end());
  return signature;
}

}  // namespace

Result<SignedNote> parse_signed_note(std::string_view note) {
  if (note.size() > kMaxNoteSize) {
    return bad_note("over the limit of " + std::to_string(kMaxNoteSize) + " bytes");
  }
  if (has_control_character(note)) {
    return bad_note("it holds a control character");
  }
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.back() != '\n') {
    return bad_note("no blank line before the signatures, or no final newline");
  }
  SignedNote parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  std::string_view lines = note.substr(split + 2);
  std::size_t number = 0;
  while (!lines.empty()) {
    auto end = lines.find('\n');
    if (++number > kMaxNoteSignatures) {
      return bad_note("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    ENSIGN_TRY(signature, parse_signature_line(lines.substr(0, end), number));
    parsed.signatures.push_back(std::move(signature));
    lines.remove_prefix(end + 1);
  }
  if (parsed.signatures.empty()) {
    return bad_note("no signature lines");
  }
  return parsed;
}

Result<std::string> format_signed_note(const SignedNote& note) {
  std::string out = note.text + "\n";
  for (const auto& signature : note.signatures) {
    Bytes blob(signature.key_id.begin(), signature.key_id.end());
    blob.insert(blob.end(), signature.signature.begin(), signature.signature.end());
    out += std::string(kSignaturePrefix) + signature.name + " " + base64_encode(blob) + "\n";
  }
  ENSIGN_TRY(parsed, parse_signed_note(out));
  if (parsed.text != note.text || parsed.signatures.size() != note.signatures.size()) {
    return bad_note("the text or a signature would not read back");
  }
  return out;
}

NoteKeyId note_key_id(ByteView public_key_der) {
  Bytes digest = crypto::sha256(public_key_der);
  NoteKeyId id{};
  std::copy_n(digest.begin(), id.size(), id.begin());
  return id;
}

Result<std::string> sign_note(std::string_view text, std::string_view key_name, EVP_PKEY* key,
                              std::optional<NoteKeyId> key_id) {
  if (!is_valid_name(key_name)) {
    return bad_note("the key name is empty or holds a space, a '+' or a newline");
  }
  if (!key_id) {
    ENSIGN_TRY(public_der, crypto::public_key_to_der(key));
    key_id = note_key_id(public_der);
  }
  ENSIGN_TRY(signature,
             crypto::sign_message(key, crypto::KeyAlgorithm::kEcdsaP256, as_bytes(text)));
  return format_signed_note({std::string(text), {{std::string(key_name), *key_id, signature}}});
}

Result<std::string> open_note(std::string_view note, std::string_view key_name,
                              ByteView public_key_der) {
  ENSIGN_TRY(parsed, parse_signed_note(note));
  NoteKeyId id = note_key_id(public_key_der);
  for (const auto& signature : parsed.signatures) {
    if (signature.name != key_name || signature.key_id != id) {
      continue;
    }
    ENSIGN_TRY(key, crypto::cached_public_key(public_key_der));
    if (!crypto::verify_message(key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                                as_bytes(parsed.text), signature.signature)) {
      return fail(ErrorCode::kInvalidArgument,
                  "the signature of '" + std::string(key_name) + "' on the note does not verify");
    }
    return parsed.text;
  }
  return fail(ErrorCode::kInvalidArgument,
              "the note has no signature by '" + std::string(key_name) + "' with this key");
}

}  // namespace ensign::log
