// wire.h: the big-endian writer functions and the bounds-checked reader that every binary
// layout in ensign is built and parsed with (protocol frames, sim reports, sealed blobs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/bytes.h"

namespace ensign::wire {

// append_u16 appends `value` big-endian.
inline void append_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

// append_u32 appends `value` big-endian.
inline void append_u32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xff));
  }
}

// append_u64 appends `value` big-endian.
inline void append_u64(Bytes& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xff));
  }
}

// append appends raw bytes.
inline void append(Bytes& out, ByteView bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// load_le returns the `size`-byte (1 to 8) little-endian unsigned integer at `offset` of `bytes`,
// or nothing when it does not fit: the layouts TEEs write from little-endian machines (SNP
// reports, DCAP quotes, Azure HCL reports) are read with it.
inline std::optional<std::uint64_t> load_le(ByteView bytes, std::size_t offset, std::size_t size) {
  if (size == 0 || size > 8 || offset > bytes.size() || bytes.size() - offset < size) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (std::size_t index = size; index > 0; --index) {
    value = (value << 8) | bytes[offset + index - 1];
  }
  return value;
}

// Cursor reads fields front to back; every read returns nothing when fewer bytes remain than
// it needs, so a truncated input can never be read past its end.
class Cursor {
 public:
  explicit Cursor(ByteView input) : input_(input) {}

  // take returns the next `size` bytes, or nothing when fewer remain.
  std::optional<ByteView> take(std::size_t size) {
    if (input_.size() - position_ < size) {
      return std::nullopt;
    }
    ByteView out = input_.subspan(position_, size);
    position_ += size;
    return out;
  }

  // u8 returns the next byte, or nothing at the end.
  std::optional<std::uint8_t> u8() {
    auto bytes = take(1);
    if (!bytes) {
      return std::nullopt;
    }
    return (*bytes)[0];
  }

  // u16 returns the next big-endian u16, or nothing when fewer than 2 bytes remain.
  std::optional<std::uint16_t> u16() {
    auto bytes = take(2);
    if (!bytes) {
      return std::nullopt;
    }
    return static_cast<std::uint16_t>(((*bytes)[0] << 8) | (*bytes)[1]);
  }

  // u32 returns the next big-endian u32, or nothing when fewer than 4 bytes remain.
  std::optional<std::uint32_t> u32() { return big_endian<std::uint32_t>(); }

  // u64 returns the next big-endian u64, or nothing when fewer than 8 bytes remain.
  std::optional<std::uint64_t> u64() { return big_endian<std::uint64_t>(); }

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return input_.size() - position_; }

 private:
  template <typename Unsigned>
  std::optional<Unsigned> big_endian() {
    auto bytes = take(sizeof(Unsigned));
    if (!bytes) {
      return std::nullopt;
    }
    Unsigned value = 0;
    for (std::uint8_t byte : *bytes) {
      value = static_cast<Unsigned>((value << 8) | byte);
    }
    return value;
  }

  ByteView input_;
  std::size_t position_ = 0;
};

}  // namespace ensign::wire
