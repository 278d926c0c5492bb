// little_endian.h: bounds-checked little-endian reads at fixed offsets, for the two layouts here
// that are memory images of little-endian machines (Azure's HCL report, tpm2-tools' PCR file).
// Private to src/attest/tpm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/bytes.h"
#include "core/wire.h"

namespace ensign::attest::tpm::internal {

// read_le16 returns the little-endian u16 at `offset`, or nothing when it does not fit in `bytes`.
inline std::optional<std::uint16_t> read_le16(ByteView bytes, std::size_t offset) {
  auto value = wire::load_le(bytes, offset, 2);
  return value ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*value)) : std::nullopt;
}

// read_le32 returns the little-endian u32 at `offset`, or nothing when it does not fit in `bytes`.
inline std::optional<std::uint32_t> read_le32(ByteView bytes, std::size_t offset) {
  auto value = wire::load_le(bytes, offset, 4);
  return value ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*value)) : std::nullopt;
}

}  // namespace ensign::attest::tpm::internal
