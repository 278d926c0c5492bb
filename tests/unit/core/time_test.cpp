#include "core/time.h"

#include <gtest/gtest.h>

namespace ensign {
namespace {

TEST(Time, ParsesUtcAndOffsets) {
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("2025-06-01T00:00:00Z"), 1748736000);
  EXPECT_EQ(*parse_rfc3339("2025-06-01T02:00:00+02:00"), 1748736000);
  EXPECT_EQ(*parse_rfc3339("2025-05-31T19:30:00-04:30"), 1748736000);
  EXPECT_EQ(*parse_rfc3339("2025-06-01t00:00:00.123456z"), 1748736000);
  EXPECT_EQ(*parse_rfc3339("2025-06-01 00:00:00Z"), 1748736000);
  EXPECT_EQ(*parse_rfc3339("2024-02-29T00:00:00Z"), 1709164800);
}

TEST(Time, FormatsWhatItParses) {
  for (UnixTime time : {UnixTime{0}, UnixTime{1748736000}, UnixTime{4102444799}}) {
    auto parsed = parse_rfc3339(format_rfc3339(time));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, time);
  }
  EXPECT_EQ(format_rfc3339(1748736000), "2025-06-01T00:00:00Z");
}

// Found by fuzz_appraisal_request: years before 1000 and offsets at either end of the range
// produced text that did not parse back.
TEST(Time, RoundTripsAtTheEndsOfTheFourDigitYears) {
  for (const char* text : {"0000-01-01T00:00:00Z",
                           "0999-12-31T23:59:59Z",
                           "0001-01-01T00:00:00+00:59",
                           "9999-12-31T23:59:59Z",
                           "9999-12-31T00:00:00-23:59"}) {
    auto parsed = parse_rfc3339(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    auto again = parse_rfc3339(format_rfc3339(*parsed));
    ASSERT_TRUE(again.has_value()) << format_rfc3339(*parsed);
    EXPECT_EQ(*again, *parsed) << text;
  }
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("0999-06-01T00:00:00Z")), "0999-06-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(INT64_MIN), "0000-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(INT64_MAX), "9999-12-31T23:59:59Z");
}

TEST(Time, RefusesMalformedText) {
  for (const char* text : {"",
                           "2025-06-01",
                           "2025-06-01T00:00:00",
                           "2025-06-01T00:00Z",
                           "2025-13-01T00:00:00Z",
                           "2025-02-29T00:00:00Z",
                           "2025-06-31T00:00:00Z",
                           "2025-06-01T24:00:00Z",
                           "2025-06-01T00:60:00Z",
                           "2025-06-01T00:00:00+2:00",
                           "2025-06-01T00:00:00.Z",
                           "2025-06-01T00:00:00Zjunk",
                           "2025/06/01T00:00:00Z",
                           "２025-06-01T00:00:00Z",
                           "2025-06-01T00:00:00+24:00",
                           "0000-01-01T00:00:00+00:01",     // before year 0000 in UTC
                           "9999-12-31T23:59:59-00:01"}) {  // after year 9999 in UTC
    auto parsed = parse_rfc3339(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Time, NowIsAfterThisCodeWasWritten) {
  EXPECT_GT(now_unix(), *parse_rfc3339("2026-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace ensign
