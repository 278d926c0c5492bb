#include "enclave/log_state.h"

#include <bit>

#include "core/wire.h"

namespace ensign::enclave {
namespace {

constexpr std::uint16_t kLogStateVersion = 1;
constexpr std::size_t kHashSize = 32;

Unexpected unreadable(std::string_view why) {
  return fail(ErrorCode::kDataLoss, "log state does not decode: " + std::string(why));
}

}  // namespace

Bytes encode_log_state(const LogState& state) {
  Bytes out;
  wire::append_u16(out, kLogStateVersion);
  out.push_back(static_cast<std::uint8_t>(state.origin.size()));
  wire::append(out, as_bytes(state.origin));
  wire::append(out, state.log_key_digest);
  wire::append_u64(out, state.range.size());
  wire::append_u64(out, state.last_time);
  out.push_back(static_cast<std::uint8_t>(state.range.hashes().size()));
  for (const Bytes& hash : state.range.hashes()) {
    wire::append(out, hash);
  }
  return out;
}

Result<LogState> decode_log_state(ByteView bytes) {
  wire::Cursor cursor(bytes);
  auto version = cursor.u16();
  if (!version || *version != kLogStateVersion) {
    return unreadable("unknown format version");
  }
  auto origin_size = cursor.u8();
  auto origin = origin_size ? cursor.take(*origin_size) : std::nullopt;
  auto key_digest = cursor.take(kHashSize);
  auto size = cursor.u64();
  auto last_time = cursor.u64();
  auto count = cursor.u8();
  if (!origin || origin->empty() || !key_digest || !size || !last_time || !count ||
      *count != std::popcount(*size)) {
    return unreadable("truncated or inconsistent header");
  }
  std::vector<Bytes> hashes;
  for (unsigned index = 0; index < *count; ++index) {
    auto hash = cursor.take(kHashSize);
    if (!hash) {
      return unreadable("truncated right edge");
    }
    hashes.push_back(to_bytes(*hash));
  }
  if (cursor.remaining() != 0) {
    return unreadable("trailing bytes");
  }
  auto range = log::CompactRange::of(*size, std::move(hashes));
  if (!range) {
    return unreadable(range.error().message());
  }
  return LogState{as_string(*origin), to_bytes(*key_digest), std::move(range).value(), *last_time};
}

}  // namespace ensign::enclave
