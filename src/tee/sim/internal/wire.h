// wire.h: helpers private to tee/sim's binary layouts; the reader and writer are core/wire.h.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/wire.h"

namespace ensign::tee::sim::internal {

using wire::append;
using wire::append_u16;
using wire::append_u32;
using wire::Cursor;

// short_hex names a digest or id in an error message by its first 8 bytes in hex, then "...".
inline std::string short_hex(ByteView digest) {
  return hex_encode(digest.first(digest.size() < 8 ? digest.size() : 8)) + "...";
}

}  // namespace ensign::tee::sim::internal
