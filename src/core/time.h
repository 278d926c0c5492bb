// time.h: UTC instants as Unix seconds and their RFC 3339 text form, the one time type that
// certificates, collateral, tokens and the CLI's --at share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ensign {

// UnixTime is seconds since 1970-01-01T00:00:00Z, leap seconds ignored (as POSIX time).
using UnixTime = std::int64_t;

// now_unix returns the current UTC time.
UnixTime now_unix();

// format_rfc3339 returns `time` as "YYYY-MM-DDTHH:MM:SSZ"; times outside years 0000-9999 are
// clamped to the nearest end of that range.
std::string format_rfc3339(UnixTime time);

// parse_rfc3339 accepts "YYYY-MM-DDTHH:MM:SS" followed by "Z" or a "+HH:MM"/"-HH:MM" offset,
// with optional fractional seconds (dropped), and a lowercase "t"/"z" or a space for "T".
// Fails with InvalidArgument naming the text otherwise, including out-of-range fields and offsets
// that move the instant outside years 0000-9999. What it accepts, format_rfc3339 reproduces.
Result<UnixTime> parse_rfc3339(std::string_view text);

}  // namespace ensign
