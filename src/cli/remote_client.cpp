#include "cli/remote_client.h"

#include <httplib.h>
#include <openssl/crypto.h>

#include <cstdlib>

#include "enclave/protocol/messages.h"
#include "formats/json_reader.h"
#include "host/server/http_reply.h"

namespace ensign::cli {
namespace {

// The largest answer the CLI reads: a bundle with a 4 MiB DSSE payload, base64.
constexpr std::size_t kMaxAnswerSize = 8 * 1024 * 1024;

}  // namespace

struct RemoteClient::Connection {
  explicit Connection(const std::string& url) : http(url) {}
  httplib::Client http;
  httplib::Headers headers;
};

RemoteClient::RemoteClient(std::string url, std::unique_ptr<Connection> connection)
    : url_(std::move(url)), connection_(std::move(connection)) {}

RemoteClient::~RemoteClient() {
  for (auto& [name, value] : connection_->headers) {
    OPENSSL_cleanse(value.data(), value.size());
  }
}

Result<std::optional<std::unique_ptr<RemoteClient>>> RemoteClient::from_environment() {
  const char* url = std::getenv("ENSIGN_URL");
  if (url == nullptr || *url == '\0') {
    return std::optional<std::unique_ptr<RemoteClient>>();
  }
  std::string address(url);
  while (address.ends_with('/')) {
    address.pop_back();
  }
  if (!address.starts_with("https://") || address.size() == 8) {
    return fail(ErrorCode::kInvalidArgument,
                "ENSIGN_URL must be https://HOST:PORT, not '" + address + "'");
  }
  auto connection = std::make_unique<Connection>(address);
  if (!connection->http.is_valid()) {
    return fail(ErrorCode::kInvalidArgument, "ENSIGN_URL '" + address + "' is not a URL");
  }
  connection->http.enable_server_certificate_verification(true);
  if (const char* ca = std::getenv("ENSIGN_CA_CERT"); ca != nullptr && *ca != '\0') {
    connection->http.set_ca_cert_path(ca);
  }
  connection->http.set_tcp_nodelay(true);
  connection->http.set_keep_alive(true);
  connection->http.set_read_timeout(60);
  if (const char* token = std::getenv("ENSIGN_TOKEN"); token != nullptr && *token != '\0') {
    connection->headers.emplace("Authorization", std::string("Bearer ") + token);
  }
  return std::optional<std::unique_ptr<RemoteClient>>(
      std::unique_ptr<RemoteClient>(new RemoteClient(address, std::move(connection))));
}

namespace {

Result<std::string> answer_of(const std::string& url, const std::string& path,
                              const httplib::Result& answer) {
  if (!answer) {
    return fail(ErrorCode::kUnavailable,
                url + path + ": " + httplib::to_string(answer.error()) +
                    (answer.error() == httplib::Error::SSLServerVerification
                         ? " (set ENSIGN_CA_CERT to the server's certificate)"
                         : ""));
  }
  if (answer->body.size() > kMaxAnswerSize) {
    return fail(ErrorCode::kResourceExhausted, url + path + ": the answer is too large");
  }
  if (answer->status >= 200 && answer->status < 300) {
    return answer->body;
  }
  std::string message = "HTTP " + std::to_string(answer->status);
  auto error = formats::parse_json(as_bytes(answer->body), kMaxAnswerSize, "error body");
  if (error && error->is_object() && error->contains("error") &&
      (*error)["error"].is_object() && (*error)["error"].contains("message") &&
      (*error)["error"]["message"].is_string()) {
    message = (*error)["error"]["message"].get<std::string>();
  }
  return fail(host::server::error_code_of_status(answer->status), "server: " + message);
}

Result<nlohmann::json> parse_answer(Result<std::string> body) {
  if (!body) {
    return fail(body.error());
  }
  return formats::parse_json(as_bytes(*body), kMaxAnswerSize, "server answer");
}

}  // namespace

Result<std::string> RemoteClient::get(const std::string& path) {
  return answer_of(url_, path, connection_->http.Get(path.c_str(), connection_->headers));
}

Result<std::string> RemoteClient::post(const std::string& path, const std::string& body) {
  return answer_of(url_, path,
                   connection_->http.Post(path.c_str(), connection_->headers, body,
                                          "application/json"));
}

Result<nlohmann::json> RemoteClient::get_json(const std::string& path) {
  return parse_answer(get(path));
}

Result<nlohmann::json> RemoteClient::post_json(const std::string& path,
                                               const std::string& body) {
  return parse_answer(post(path, body));
}

Result<RemoteKey> fetch_key(RemoteClient& remote, const std::string& name) {
  if (!enclave::protocol::is_valid_key_id(name)) {
    return fail(ErrorCode::kInvalidArgument, "'" + name + "' is not a key name");
  }
  std::string path = "/v1/keys/" + name;
  ENSIGN_TRY(key, remote.get_json(path));
  if (!key.is_object() || !key.contains("algorithm") || !key["algorithm"].is_string() ||
      !key.contains("current_version") || !key["current_version"].is_number_unsigned() ||
      key["current_version"].get<std::uint64_t>() > UINT32_MAX) {
    return fail(ErrorCode::kInternal, remote.url() + path + ": not a key description");
  }
  ENSIGN_TRY(algorithm, crypto::parse_key_algorithm(key["algorithm"].get<std::string>()));
  return RemoteKey{algorithm, key["current_version"].get<std::uint32_t>()};
}

}  // namespace ensign::cli
