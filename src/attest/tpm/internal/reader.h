// reader.h: Reader, the bounds-checked reader of big-endian TPM 2.0 structures (TCG TPM 2.0
// Library Part 2) that every parser here is built on; its errors name the structure, the field
// and the offset. Private to src/attest/tpm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/wire.h"

namespace ensign::attest::tpm::internal {

// Reader reads the big-endian fields of one TPM structure; every error names the structure,
// the field and the offset.
class Reader {
 public:
  Reader(ByteView input, std::string_view structure) : cursor_(input), structure_(structure) {}

  Result<std::uint8_t> u8(std::string_view field) { return checked(cursor_.u8(), field); }
  Result<std::uint16_t> u16(std::string_view field) { return checked(cursor_.u16(), field); }
  Result<std::uint32_t> u32(std::string_view field) { return checked(cursor_.u32(), field); }

  Result<std::uint64_t> u64(std::string_view field) {
    auto high = cursor_.u32();
    auto low = cursor_.u32();
    if (!high || !low) {
      return truncated(field);
    }
    return (std::uint64_t{*high} << 32) | *low;
  }

  // sized reads a TPM2B: a u16 size of at most `max_size` (and at least `min_size`) and as many
  // bytes.
  Result<Bytes> sized(std::string_view field, std::size_t max_size, std::size_t min_size = 0) {
    std::size_t start = cursor_.position();
    ENSIGN_TRY(size, u16(field));
    if (size > max_size || size < min_size) {
      return invalid(field,
                     start,
                     "size " + std::to_string(size) + " is outside " + std::to_string(min_size) +
                         ".." + std::to_string(max_size));
    }
    auto bytes = cursor_.take(size);
    if (!bytes) {
      return truncated(field);
    }
    return Bytes(bytes->begin(), bytes->end());
  }

  // finish fails when bytes remain after the structure's last field.
  Status finish(std::string_view last_field) const {
    if (cursor_.remaining() != 0) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string(structure_) + ": " + std::to_string(cursor_.remaining()) +
                      " trailing bytes after " + std::string(last_field));
    }
    return {};
  }

  std::size_t position() const { return cursor_.position(); }

  Error invalid(std::string_view field, std::size_t offset, const std::string& problem) const {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(structure_) + ": " + std::string(field) + " (offset " +
                     std::to_string(offset) + ") " + problem);
  }

 private:
  template <typename T>
  Result<T> checked(std::optional<T> value, std::string_view field) const {
    if (!value) {
      return truncated(field);
    }
    return *value;
  }

  Error truncated(std::string_view field) const {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(structure_) + ": input ends inside " + std::string(field) +
                     " (offset " + std::to_string(cursor_.position()) + ")");
  }

  wire::Cursor cursor_;
  std::string_view structure_;
};

}  // namespace ensign::attest::tpm::internal
