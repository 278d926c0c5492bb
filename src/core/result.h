// result.h: ensign::Error and ensign::Result<T>, the error type of every component's public API.
//
// Result<T> follows the member names of std::expected (has_value, value, error, operator*,
// operator->) so the switch to std::expected, once the compiler has it, is mechanical.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ensign {

// ErrorCode is the small canonical set of failure kinds; each maps to one HTTP status and one
// protocol error reply.
enum class ErrorCode : unsigned char {
  kInvalidArgument = 1,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kResourceExhausted,
  kDataLoss,
  kUnavailable,
  kInternal,
};

// error_code_name returns the code's canonical name, e.g. "InvalidArgument".
std::string_view error_code_name(ErrorCode code);

// error_code_from_int returns the code for a wire value, or kInternal for an unknown one.
ErrorCode error_code_from_int(unsigned value);

// Error is a failure kind and a one-line message. Messages carry ids, paths and digests, never
// secret values.
class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // with_context returns the error with "context: " put before its message.
  Error with_context(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

// Unexpected wraps an Error so a function returning Result<T> can `return ensign::fail(...)`.
struct Unexpected {
  Error error;
};

inline Unexpected fail(ErrorCode code, std::string message) {
  return Unexpected{Error(code, std::move(message))};
}
inline Unexpected fail(Error error) {
  return Unexpected{std::move(error)};
}

// Result<T> holds either a T or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected unexpected)                                          // NOLINT: implicit by design
      : state_(std::in_place_index<1>, std::move(unexpected.error)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

// Result<void> holds either success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected unexpected) : error_(std::move(unexpected.error)), failed_(true) {}  // NOLINT
  Result(Error error) : error_(std::move(error)), failed_(true) {}                      // NOLINT

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace ensign

// ENSIGN_TRY(var, expr) evaluates a Result expression, returns its error from the enclosing
// function on failure, and otherwise moves the value into a new variable `var`.
#define ENSIGN_CONCAT_INNER(a, b) a##b
#define ENSIGN_CONCAT(a, b) ENSIGN_CONCAT_INNER(a, b)
#define ENSIGN_TRY(var, expr)                                \
  auto ENSIGN_CONCAT(ensign_result_, __LINE__) = (expr);     \
  if (!ENSIGN_CONCAT(ensign_result_, __LINE__).has_value()) { \
    return ::ensign::fail(ENSIGN_CONCAT(ensign_result_, __LINE__).error()); \
  }                                                          \
  auto var = std::move(ENSIGN_CONCAT(ensign_result_, __LINE__)).value()

// ENSIGN_CHECK(expr) returns the error of a Result<void> expression from the enclosing function.
#define ENSIGN_CHECK(expr)                                   \
  do {                                                       \
    auto ensign_status_ = (expr);                            \
    if (!ensign_status_.has_value()) {                       \
      return ::ensign::fail(ensign_status_.error());         \
    }                                                        \
  } while (false)
