// Tests of core/result.h: Result<T>, Status, Error, ENSIGN_TRY and ENSIGN_CHECK.
#include "core/result.h"

#include <gtest/gtest.h>

#include <climits>
#include <memory>
#include <set>
#include <string>

namespace ensign {
namespace {

constexpr ErrorCode kEveryCode[] = {
    ErrorCode::kInvalidArgument,
    ErrorCode::kNotFound,
    ErrorCode::kAlreadyExists,
    ErrorCode::kPermissionDenied,
    ErrorCode::kUnauthenticated,
    ErrorCode::kFailedPrecondition,
    ErrorCode::kResourceExhausted,
    ErrorCode::kDataLoss,
    ErrorCode::kUnavailable,
    ErrorCode::kInternal,
};

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') {
    return fail(ErrorCode::kInvalidArgument, std::string("not a digit: ") + c);
  }
  return c - '0';
}

Status require_even(int value) {
  if (value % 2 != 0) {
    return fail(ErrorCode::kFailedPrecondition, std::to_string(value) + " is odd");
  }
  return {};
}

// add_digits uses two ENSIGN_TRYs in one function; `evaluated` counts the parses that ran.
Result<int> add_digits(char first, char second, int& evaluated) {
  ENSIGN_TRY(a, (++evaluated, parse_digit(first)));
  ENSIGN_TRY(b, (++evaluated, parse_digit(second)));
  return a + b;
}

// even_digit checks with ENSIGN_CHECK after an ENSIGN_TRY, in a function returning Status.
Status even_digit(char c) {
  ENSIGN_TRY(value, parse_digit(c));
  ENSIGN_CHECK(require_even(value));
  return {};
}

Result<std::unique_ptr<int>> boxed(int value) {
  return std::make_unique<int>(value);
}

Result<int> unbox(int value) {
  ENSIGN_TRY(box, boxed(value));
  return *box;
}

TEST(ResultTest, HoldsValue) {
  Result<int> result = 42;
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
}

TEST(ResultTest, HoldsError) {
  Result<int> result = fail(ErrorCode::kNotFound, "key k1 not found");
  ASSERT_FALSE(result.has_value());
  EXPECT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(result.error().message(), "key k1 not found");
}

TEST(ResultTest, ConstructsFromErrorDirectly) {
  Result<std::string> result = Error(ErrorCode::kDataLoss, "blob b1 is damaged");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss);
}

TEST(ResultTest, ArrowReachesMembers) {
  Result<std::string> result = std::string("abc");
  EXPECT_EQ(result->size(), 3u);
  const Result<std::string>& constant = result;
  EXPECT_EQ(constant->front(), 'a');
}

TEST(ResultTest, MovesMoveOnlyValues) {
  Result<std::unique_ptr<int>> result = boxed(7);
  ASSERT_TRUE(result.has_value());
  std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
  EXPECT_EQ(unbox(9).value(), 9);
}

TEST(StatusTest, DefaultIsSuccess) {
  Status status;
  EXPECT_TRUE(status.has_value());
  EXPECT_TRUE(static_cast<bool>(status));
}

TEST(StatusTest, HoldsError) {
  Status status = fail(ErrorCode::kUnavailable, "enclave channel closed");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message(), "enclave channel closed");
  Status from_error = Error(ErrorCode::kInternal, "x");
  EXPECT_FALSE(from_error.has_value());
}

TEST(TryTest, MovesValuesOnSuccess) {
  int evaluated = 0;
  auto sum = add_digits('3', '4', evaluated);
  ASSERT_TRUE(sum.has_value());
  EXPECT_EQ(*sum, 7);
  EXPECT_EQ(evaluated, 2);
}

TEST(TryTest, ReturnsFirstErrorAndStops) {
  int evaluated = 0;
  auto sum = add_digits('x', 'y', evaluated);
  ASSERT_FALSE(sum.has_value());
  EXPECT_EQ(sum.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(sum.error().message(), "not a digit: x");
  EXPECT_EQ(evaluated, 1);
}

TEST(TryTest, ReturnsSecondError) {
  int evaluated = 0;
  auto sum = add_digits('1', 'z', evaluated);
  ASSERT_FALSE(sum.has_value());
  EXPECT_EQ(sum.error().message(), "not a digit: z");
  EXPECT_EQ(evaluated, 2);
}

TEST(CheckTest, PassesOnSuccess) {
  EXPECT_TRUE(even_digit('4').has_value());
}

TEST(CheckTest, ReturnsStatusError) {
  Status status = even_digit('5');
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message(), "5 is odd");
}

TEST(CheckTest, TryInsideStatusFunctionReturnsError) {
  Status status = even_digit('#');
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ErrorTest, WithContextPrefixesAndKeepsCode) {
  Error original(ErrorCode::kPermissionDenied, "caller c1 may not sign");
  Error wrapped = original.with_context("sign key k1");
  EXPECT_EQ(wrapped.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrapped.message(), "sign key k1: caller c1 may not sign");
  EXPECT_EQ(original.message(), "caller c1 may not sign");
  EXPECT_EQ(wrapped.with_context("request 9").message(),
            "request 9: sign key k1: caller c1 may not sign");
}

TEST(ErrorCodeTest, NamesAreDistinct) {
  std::set<std::string_view> names;
  for (ErrorCode code : kEveryCode) {
    names.insert(error_code_name(code));
  }
  EXPECT_EQ(names.size(), std::size(kEveryCode));
  EXPECT_EQ(error_code_name(ErrorCode::kInvalidArgument), "InvalidArgument");
  EXPECT_EQ(error_code_name(ErrorCode::kResourceExhausted), "ResourceExhausted");
  EXPECT_EQ(error_code_name(ErrorCode::kInternal), "Internal");
}

TEST(ErrorCodeTest, WireValuesRoundTrip) {
  for (ErrorCode code : kEveryCode) {
    EXPECT_EQ(error_code_from_int(static_cast<unsigned>(code)), code);
  }
}

TEST(ErrorCodeTest, UnknownWireValuesBecomeInternal) {
  for (unsigned value : {0u, 11u, 100u, 255u, 256u + 1u, UINT_MAX}) {
    EXPECT_EQ(error_code_from_int(value), ErrorCode::kInternal) << value;
  }
}

TEST(ErrorCodeTest, NameOfOutOfRangeCodeIsInternal) {
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(0)), "Internal");
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(200)), "Internal");
}

}  // namespace
}  // namespace ensign
