// corrupt.h: damaged copies of valid byte strings for negative tests, in the spirit of CCF's
// corrupt(): flip bits, cut short, append. A test takes something that verifies or decodes and
// checks that each damaged copy is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.h"

namespace ensign::test {

// corrupt xors bytes[index] with `mask` in place; throws std::out_of_range when index is outside.
inline void corrupt(Bytes& bytes, std::size_t index, std::uint8_t mask = 0x01) {
  bytes.at(index) ^= mask;
}

// flipped returns a copy of `bytes` with bytes[index] xor'ed with `mask`; throws
// std::out_of_range when index is outside.
inline Bytes flipped(ByteView bytes, std::size_t index, std::uint8_t mask = 0x01) {
  Bytes copy(bytes.begin(), bytes.end());
  corrupt(copy, index, mask);
  return copy;
}

// flipped_copies returns one copy of `bytes` per position, copy i having bytes[i] xor'ed with
// `mask`, so a test can check that no single-byte change goes unnoticed. Empty for empty input.
inline std::vector<Bytes> flipped_copies(ByteView bytes, std::uint8_t mask = 0x01) {
  std::vector<Bytes> copies;
  copies.reserve(bytes.size());
  for (std::size_t index = 0; index < bytes.size(); ++index) {
    copies.push_back(flipped(bytes, index, mask));
  }
  return copies;
}

// truncated returns the first `size` bytes of `bytes` (all of them when size is larger).
inline Bytes truncated(ByteView bytes, std::size_t size) {
  ByteView prefix = bytes.first(size < bytes.size() ? size : bytes.size());
  return {prefix.begin(), prefix.end()};
}

// appended returns a copy of `bytes` followed by `extra`.
inline Bytes appended(ByteView bytes, ByteView extra) {
  Bytes copy(bytes.begin(), bytes.end());
  copy.insert(copy.end(), extra.begin(), extra.end());
  return copy;
}

}  // namespace ensign::test
