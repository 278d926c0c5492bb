// signed_note.h: C2SP signed notes (c2sp.org/signed-note): a text ending in a newline, a blank
// line, and signature lines "— <key name> <base64(4-byte key ID || signature)>".
//
// The log key is ECDSA P-256 and signs the text's bytes (DER ECDSA over SHA-256). Its key ID is
// the first 4 bytes of SHA-256 of its DER SPKI: Sigstore Rekor's convention, which @sigstore/verify
// checks (it matches the ID against the log ID, SHA-256 of the SPKI). C2SP only recommends its own
// derivation and defines none for ECDSA.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::log {

inline constexpr std::size_t kMaxNoteSize = 16 * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 16;

using NoteKeyId = std::array<std::uint8_t, 4>;

struct NoteSignature {
  std::string name;
  NoteKeyId key_id{};
  Bytes signature;
};

struct SignedNote {
  std::string text;  // ends in '\n'
  std::vector<NoteSignature> signatures;
};

// parse_signed_note reads a note of at most kMaxNoteSize bytes; fails with InvalidArgument naming
// the problem (no blank line, a control character, a malformed signature line, too many).
Result<SignedNote> parse_signed_note(std::string_view note);

// format_signed_note writes a note; refuses what parse_signed_note would refuse.
Result<std::string> format_signed_note(const SignedNote& note);

// note_key_id returns SHA-256(public_key_der)[:4].
NoteKeyId note_key_id(ByteView public_key_der);

// sign_note returns `text` signed by the P-256 `key` as `key_name`. `key_id` is the key's
// note_key_id when the caller keeps it (encoding the public key for it costs more than the
// signature); without it, sign_note works it out.
Result<std::string> sign_note(std::string_view text, std::string_view key_name, EVP_PKEY* key,
                              std::optional<NoteKeyId> key_id = std::nullopt);

// open_note verifies the signature line of `key_name` with the key's ID and returns the text.
// Lines of other signers are ignored; fails with InvalidArgument when there is no such line or
// its signature does not verify.
Result<std::string> open_note(std::string_view note, std::string_view key_name,
                              ByteView public_key_der);

}  // namespace ensign::log
