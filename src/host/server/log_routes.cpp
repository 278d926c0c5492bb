// log_routes.cpp: /v1/log: the latest checkpoint (a C2SP signed note), the log's public key,
// and its entries.
#include "crypto/keys.h"
#include "host/auth/scopes.h"
#include "host/log_service.h"
#include "host/server/api_context.h"
#include "host/server/http_reply.h"
#include "host/server/request_parts.h"

namespace ensign::host::server {
namespace {

constexpr std::uint64_t kMaxEntriesPerPage = 1000;

Result<nlohmann::json> entries(ApiContext& api, const httplib::Request& request) {
  ENSIGN_TRY(start, query_integer(request, "start", std::numeric_limits<std::int64_t>::max()));
  ENSIGN_TRY(count, query_integer(request, "count", kMaxEntriesPerPage));
  ENSIGN_TRY(rows, api.store.log_entries(start.value_or(0), count.value_or(100)));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& row : rows) {
    list.push_back({{"index", row.index},
                    {"leafHash", base64_encode(row.leaf_hash)},
                    {"body", row.body}});
  }
  return nlohmann::json{{"entries", list}};
}

// with_head answers with what `part` takes from the log's head (made on first use).
template <typename Part>
void with_head(ApiContext& api, httplib::Response& response, Part part) {
  LogService log(api.store, api.enclave);
  auto head = log.head();
  if (!head) {
    reply_error(response, head.error());
    return;
  }
  part(*head);
}

}  // namespace

void add_log_routes(httplib::Server& server, ApiContext& api) {
  server.Get("/v1/log/checkpoint",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (authorize(api, request, response, auth::kScopeRead)) {
                 with_head(api, response, [&](const store::LogHead& head) {
                   response.set_content(head.checkpoint, "text/plain; charset=utf-8");
                 });
               }
             });
  server.Get("/v1/log/public-key",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (!authorize(api, request, response, auth::kScopeRead)) {
                 return;
               }
               with_head(api, response, [&](const store::LogHead& head) {
                 auto pem = crypto::public_key_to_pem(head.public_key);
                 if (!pem) {
                   reply_error(response, pem.error());
                   return;
                 }
                 response.set_content(*pem, "application/x-pem-file");
               });
             });
  server.Get("/v1/log/entries",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (authorize(api, request, response, auth::kScopeRead)) {
                 reply_result(response, entries(api, request));
               }
             });
}

}  // namespace ensign::host::server
