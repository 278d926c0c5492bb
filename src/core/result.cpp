#include "core/result.h"

namespace ensign {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kFailedPrecondition:
      return "FailedPrecondition";
    case ErrorCode::kResourceExhausted:
      return "ResourceExhausted";
    case ErrorCode::kDataLoss:
      return "DataLoss";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Internal";
}

ErrorCode error_code_from_int(unsigned value) {
  if (value >= static_cast<unsigned>(ErrorCode::kInvalidArgument) &&
      value <= static_cast<unsigned>(ErrorCode::kInternal)) {
    return static_cast<ErrorCode>(value);
  }
  return ErrorCode::kInternal;
}

Error Error::with_context(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

}  // namespace ensign
