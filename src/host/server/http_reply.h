// http_reply.h: how ensignd answers: JSON bodies, and every failure as a JSON error body
// {"error": {"code": "InvalidArgument", "message": "..."}} with the HTTP status its ErrorCode maps to.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.h"

namespace ensign::host::server {

// http_status maps an error to its status: InvalidArgument 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, AlreadyExists and FailedPrecondition 409,
// ResourceExhausted 413, Unavailable 503, anything else 500.
int http_status(ErrorCode code);

// error_code_of_status is http_status's inverse, for clients: 409 reads as FailedPrecondition,
// an unlisted status as Internal.
ErrorCode error_code_of_status(int status);

void reply_json(httplib::Response& response, const nlohmann::json& body, int status = 200);
void reply_error(httplib::Response& response, const Error& error);

// reply_result answers with `result`'s JSON or its error.
void reply_result(httplib::Response& response, const Result<nlohmann::json>& result);

}  // namespace ensign::host::server
