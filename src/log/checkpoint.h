// checkpoint.h: the log's checkpoints (c2sp.org/tlog-checkpoint): a signed note whose text is
// "<origin>\n<tree size>\n<base64 root hash>\n" and optional extension lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "log/signed_note.h"

namespace ensign::log {

inline constexpr std::size_t kMaxOriginSize = 255;
inline constexpr std::size_t kMaxCheckpointExtensions = 8;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Bytes root_hash;  // 32 bytes
  std::vector<std::string> extensions;
};

// checkpoint_text returns the note text; fails with InvalidArgument on an empty or overlong
// origin, a root that is not 32 bytes, or an empty extension line.
Result<std::string> checkpoint_text(const Checkpoint& checkpoint);

// parse_checkpoint_text reads what checkpoint_text writes, and nothing else.
Result<Checkpoint> parse_checkpoint_text(std::string_view text);

// sign_checkpoint returns the checkpoint signed by the P-256 log key as `key_name` (`key_id` as
// sign_note takes it).
Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                    EVP_PKEY* key, std::optional<NoteKeyId> key_id = std::nullopt);

// verify_checkpoint opens a signed checkpoint with the log key and reads it.
Result<Checkpoint> verify_checkpoint(std::string_view note, std::string_view key_name,
                                     ByteView public_key_der);

}  // namespace ensign::log
