// little_endian.h: bounds-checked little-endian reads at fixed offsets, for the two layouts here
// that are memory images of little-endian machines (Azure's HCL report, tpm2-tools' PCR file).
// Private to src/attest/tpm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/bytes.h"

namespace ensign::attest::tpm::internal {

// read_le16 returns the little-endian u16 at `offset`, or nothing when it does not fit in `bytes`.
inline std::optional<std::uint16_t> read_le16(ByteView bytes, std::size_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < 2) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(bytes[offset] | (bytes[offset + 1] << 8));
}

// read_le32 returns the little-endian u32 at `offset`, or nothing when it does not fit in `bytes`.
inline std::optional<std::uint32_t> read_le32(ByteView bytes, std::size_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < 4) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (std::size_t byte = 4; byte > 0; --byte) {
    value = (value << 8) | bytes[offset + byte - 1];
  }
  return value;
}

}  // namespace ensign::attest::tpm::internal
