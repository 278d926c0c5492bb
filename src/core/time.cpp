#include "core/time.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ensign {
namespace {

// digits reads exactly `count` decimal digits at `position`.
bool digits(std::string_view text, std::size_t position, std::size_t count, int& value) {
  if (position + count > text.size()) {
    return false;
  }
  value = 0;
  for (std::size_t i = position; i < position + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// The instants RFC 3339's four-digit year can name: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr UnixTime kEarliestRfc3339 = -62167219200;
constexpr UnixTime kLatestRfc3339 = 253402300799;

}  // namespace

UnixTime now_unix() {
  return static_cast<UnixTime>(std::time(nullptr));
}

std::string format_rfc3339(UnixTime time) {
  // Clamped, so that every text this returns is one parse_rfc3339 accepts.
  std::time_t seconds =
      static_cast<std::time_t>(std::clamp(time, kEarliestRfc3339, kLatestRfc3339));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Not strftime: glibc's %Y does not pad years before 1000 to four digits.
  char text[80];  // room for any int in each field, which -Wformat-truncation checks
  std::snprintf(text,
                sizeof text,
                "%04d-%02d-%02dT%02d:%02d:%02dZ",
                utc.tm_year + 1900,
                utc.tm_mon + 1,
                utc.tm_mday,
                utc.tm_hour,
                utc.tm_min,
                utc.tm_sec);
  return text;
}

Result<UnixTime> parse_rfc3339(std::string_view text) {
  auto invalid = [&] {
    // Built by appending: g++ 12 at -O3 misreports operator+ chains here (-Wrestrict, PR105329).
    std::string message = "'";
    message.append(text.substr(0, 64));
    message.append("' is not an RFC 3339 time such as 2025-06-01T00:00:00Z");
    return fail(ErrorCode::kInvalidArgument, std::move(message));
  };
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return invalid();
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return invalid();
  }
  std::size_t position = 19;
  if (text[position] == '.') {
    ++position;
    std::size_t first = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      ++position;
    }
    if (position == first) {
      return invalid();
    }
  }
  int offset_seconds = 0;
  std::string_view zone = text.substr(position);
  if (zone == "Z" || zone == "z") {
    offset_seconds = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int offset_hours = 0;
    int offset_minutes = 0;
    if (!digits(zone, 1, 2, offset_hours) || !digits(zone, 4, 2, offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return invalid();
    }
    offset_seconds = (offset_hours * 60 + offset_minutes) * 60 * (zone[0] == '-' ? -1 : 1);
  } else {
    return invalid();
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  UnixTime time = static_cast<UnixTime>(timegm(&utc)) - offset_seconds;
  // An offset can carry 0000-01-01 or 9999-12-31 out of the four-digit years.
  if (time < kEarliestRfc3339 || time > kLatestRfc3339) {
    return invalid();
  }
  return time;
}

}  // namespace ensign
