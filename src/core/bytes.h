// bytes.h: the byte buffer and view types used across ensign, and their text encodings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ensign {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// FixedBytes is a byte field whose size the format fixes (a digest, a key, a report field):
// held inline, so parsing a structure of them allocates nothing.
template <std::size_t N>
using FixedBytes = std::array<std::uint8_t, N>;

// as_bytes views the characters of a string as bytes.
inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// to_bytes copies a string's characters into a byte buffer.
inline Bytes to_bytes(std::string_view text) {
  auto view = as_bytes(text);
  return {view.begin(), view.end()};
}

// to_bytes copies a view (a FixedBytes field, part of a buffer) into a byte buffer of its own.
inline Bytes to_bytes(ByteView bytes) { return {bytes.begin(), bytes.end()}; }

// as_string_view views bytes as characters.
inline std::string_view as_string_view(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// as_string copies bytes into a std::string.
inline std::string as_string(ByteView bytes) { return std::string(as_string_view(bytes)); }

// hex_encode returns lowercase hexadecimal.
std::string hex_encode(ByteView bytes);

// hex_decode accepts upper- or lowercase hex; fails with InvalidArgument on odd length or a
// non-hex character.
Result<Bytes> hex_decode(std::string_view text);

// base64_encode returns standard base64 with padding (RFC 4648 section 4), as protobuf JSON uses.
std::string base64_encode(ByteView bytes);

// base64_decode accepts standard or URL-safe base64, with or without padding; fails with
// InvalidArgument on anything else.
Result<Bytes> base64_decode(std::string_view text);

// base64url_encode returns unpadded base64url (RFC 4648 section 5), as JOSE uses.
std::string base64url_encode(ByteView bytes);

// constant_time_equal compares two byte strings without a data-dependent early exit; use it for
// MACs, tags and secrets. Unequal lengths compare unequal.
bool constant_time_equal(ByteView a, ByteView b);

}  // namespace ensign
