// log_routes.cpp: /v1/log: the latest checkpoint (a C2SP signed note) or an earlier one, the
// log's public key, its entries, and the inclusion and consistency proofs an auditor checks
// against the checkpoints (host/log_proof_json.h gives their form).
#include "crypto/keys.h"
#include "host/auth/scopes.h"
#include "host/log_proof_json.h"
#include "host/log_proofs.h"
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
    list.push_back(
        {{"index", row.index}, {"leaf_hash", base64_encode(row.leaf_hash)}, {"body", row.body}});
  }
  return nlohmann::json{{"entries", list}};
}

constexpr std::uint64_t kMaxTreeSize = std::numeric_limits<std::int64_t>::max();

// GET /v1/log/proof/inclusion?index=N or ?leaf_hash=B64 (standard or URL-safe), and &size=M
// for a tree other than the latest.
Result<nlohmann::json> inclusion_proof(ApiContext& api, const httplib::Request& request) {
  ENSIGN_TRY(index, query_integer(request, "index", kMaxTreeSize));
  ENSIGN_TRY(size, query_integer(request, "size", kMaxTreeSize));
  bool by_hash = request.has_param("leaf_hash");
  if (index.has_value() == by_hash) {
    return fail(ErrorCode::kInvalidArgument, "give exactly one of index and leaf_hash");
  }
  LogProofs proofs(api.store);
  if (index) {
    ENSIGN_TRY(proof, proofs.inclusion_proof(*index, size));
    return inclusion_proof_json(proof);
  }
  auto leaf_hash = base64_decode(request.get_param_value("leaf_hash"));
  if (!leaf_hash) {
    return fail(ErrorCode::kInvalidArgument, "query parameter leaf_hash is not base64");
  }
  ENSIGN_TRY(proof, proofs.inclusion_proof_of(*leaf_hash, size));
  return inclusion_proof_json(proof);
}

// GET /v1/log/proof/consistency?first=N[&second=M]: the tree of N leaves is a prefix of the
// tree of M (default the latest).
Result<nlohmann::json> consistency_proof(ApiContext& api, const httplib::Request& request) {
  ENSIGN_TRY(first, query_integer(request, "first", kMaxTreeSize));
  ENSIGN_TRY(second, query_integer(request, "second", kMaxTreeSize));
  if (!first) {
    return fail(ErrorCode::kInvalidArgument, "query parameter first (a tree size) is required");
  }
  LogProofs proofs(api.store);
  ENSIGN_TRY(proof, proofs.consistency_proof(*first, second));
  return consistency_proof_json(proof);
}

// checkpoint answers with the latest checkpoint, or with ?size=N the one of that tree.
Result<std::string> checkpoint(ApiContext& api, const httplib::Request& request) {
  ENSIGN_TRY(size, query_integer(request, "size", kMaxTreeSize));
  if (size) {
    LogProofs proofs(api.store);
    ENSIGN_TRY(signed_checkpoint, proofs.checkpoint(*size));
    return signed_checkpoint.note;
  }
  LogService log(api.store, api.enclave);
  ENSIGN_TRY(head, log.head());
  return head.checkpoint;
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
               if (!authorize(api, request, response, auth::kScopeRead)) {
                 return;
               }
               auto note = checkpoint(api, request);
               if (!note) {
                 reply_error(response, note.error());
                 return;
               }
               response.set_content(*note, "text/plain; charset=utf-8");
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
  server.Get("/v1/log/proof/inclusion",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (authorize(api, request, response, auth::kScopeRead)) {
                 reply_result(response, inclusion_proof(api, request));
               }
             });
  server.Get("/v1/log/proof/consistency",
             [&api](const httplib::Request& request, httplib::Response& response) {
               if (authorize(api, request, response, auth::kScopeRead)) {
                 reply_result(response, consistency_proof(api, request));
               }
             });
}

}  // namespace ensign::host::server
