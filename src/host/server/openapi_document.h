// openapi_document.h: docs/api/openapi.yaml, built in, which GET /v1/openapi.yaml serves.
#pragma once

#include <string_view>

namespace ensign::host::server {

extern const std::string_view kOpenApiDocument;

}  // namespace ensign::host::server
