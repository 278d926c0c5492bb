#include "log/checkpoint.h"

#include <cerrno>
#include <cstdlib>

#include "log/merkle.h"

namespace ensign::log {
namespace {

Unexpected bad_checkpoint(std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, "not a checkpoint: " + std::string(problem));
}

}  // namespace

Result<std::string> checkpoint_text(const Checkpoint& checkpoint) {
  if (checkpoint.origin.empty() || checkpoint.origin.size() > kMaxOriginSize ||
      checkpoint.origin.find('\n') != std::string::npos) {
    return bad_checkpoint("the origin must be one line of 1.." + std::to_string(kMaxOriginSize) +
                          " bytes");
  }
  if (checkpoint.root_hash.size() != kHashSize) {
    return bad_checkpoint("the root hash must be 32 bytes");
  }
  if (checkpoint.extensions.size() > kMaxCheckpointExtensions) {
    return bad_checkpoint("more than " + std::to_string(kMaxCheckpointExtensions) +
                          " extension lines");
  }
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     base64_encode(checkpoint.root_hash) + "\n";
  for (const auto& extension : checkpoint.extensions) {
    if (extension.empty() || extension.find('\n') != std::string::npos) {
      return bad_checkpoint("an extension must be one non-empty line");
    }
    text += extension + "\n";
  }
  return text;
}

Result<Checkpoint> parse_checkpoint_text(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    if (end == std::string_view::npos) {
      return bad_checkpoint("the text does not end in a newline");
    }
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() < 3) {
    return bad_checkpoint("fewer than three lines");
  }
  Checkpoint checkpoint;
  checkpoint.origin = lines[0];
  const std::string& size = lines[1];
  bool decimal = !size.empty() && size.size() <= 20 && (size == "0" || size[0] != '0') &&
                 size.find_first_not_of("0123456789") == std::string::npos;
  if (!decimal) {
    return bad_checkpoint("the tree size is not a decimal number");
  }
  errno = 0;
  checkpoint.size = std::strtoull(size.c_str(), nullptr, 10);
  if (errno == ERANGE) {
    return bad_checkpoint("the tree size is too large");
  }
  auto root = base64_decode(lines[2]);
  if (!root) {
    return bad_checkpoint("the root hash is not base64");
  }
  checkpoint.root_hash = std::move(root).value();
  checkpoint.extensions.assign(lines.begin() + 3, lines.end());
  // Only the canonical form is a checkpoint: it must write back to the same text.
  ENSIGN_TRY(again, checkpoint_text(checkpoint));
  std::string original;
  for (const auto& line : lines) {
    original += line + "\n";
  }
  if (again != original) {
    return bad_checkpoint("not in canonical form");
  }
  return checkpoint;
}

Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                    EVP_PKEY* key, std::optional<NoteKeyId> key_id) {
  ENSIGN_TRY(text, checkpoint_text(checkpoint));
  return sign_note(text, key_name, key, key_id);
}

Result<Checkpoint> verify_checkpoint(std::string_view note, std::string_view key_name,
                                     ByteView public_key_der) {
  ENSIGN_TRY(text, open_note(note, key_name, public_key_der));
  return parse_checkpoint_text(text);
}

}  // namespace ensign::log
