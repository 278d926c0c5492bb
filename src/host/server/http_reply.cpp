#include "host/server/http_reply.h"

namespace ensign::host::server {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 413;
    case ErrorCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

ErrorCode error_code_of_status(int status) {
  for (ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated,
                         ErrorCode::kPermissionDenied, ErrorCode::kNotFound,
                         ErrorCode::kFailedPrecondition, ErrorCode::kResourceExhausted,
                         ErrorCode::kUnavailable}) {
    if (http_status(code) == status) {
      return code;
    }
  }
  return ErrorCode::kInternal;
}

void reply_json(httplib::Response& response, const nlohmann::json& body, int status) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void reply_error(httplib::Response& response, const Error& error) {
  reply_json(response,
             {{"error", {{"code", ensign::error_code_name(error.code())}, {"message", error.message()}}}},
             http_status(error.code()));
}

void reply_result(httplib::Response& response, const Result<nlohmann::json>& result) {
  if (result) {
    reply_json(response, *result);
  } else {
    reply_error(response, result.error());
  }
}

}  // namespace ensign::host::server
