// remote_client.h: the CLI's remote mode. With ENSIGN_URL set (https://HOST:PORT) the commands
// that have a remote form talk to ensignd instead of opening ENSIGN_HOME: the bearer token comes
// from ENSIGN_TOKEN, and ENSIGN_CA_CERT names the PEM file of the certificate(s) to trust
// (a `serve --self-signed` server's server-cert.pem); otherwise the system's CAs are used.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "crypto/keys.h"

namespace ensign::cli {

class RemoteClient {
 public:
  // from_environment returns nothing when ENSIGN_URL is unset, and fails with InvalidArgument
  // when it is not an https:// URL.
  static Result<std::optional<std::unique_ptr<RemoteClient>>> from_environment();

  ~RemoteClient();
  RemoteClient(const RemoteClient&) = delete;
  RemoteClient& operator=(const RemoteClient&) = delete;

  const std::string& url() const { return url_; }

  // get / post return the body of a 2xx answer; any other answer fails with the server's JSON
  // error (its code mapped back from the HTTP status), and a transport failure with Unavailable.
  Result<std::string> get(const std::string& path);
  // `body` is JSON text (formats/api_requests.h encodes the request bodies).
  Result<std::string> post(const std::string& path, const std::string& body);

  // get_json / post_json parse the answer as JSON.
  Result<nlohmann::json> get_json(const std::string& path);
  Result<nlohmann::json> post_json(const std::string& path, const std::string& body);

 private:
  struct Connection;
  RemoteClient(std::string url, std::unique_ptr<Connection> connection);

  std::string url_;
  std::unique_ptr<Connection> connection_;
};

// RemoteKey is what the CLI needs to know of a key ensignd holds.
struct RemoteKey {
  crypto::KeyAlgorithm algorithm;
  std::uint32_t current_version = 0;
};

// fetch_key reads GET /v1/keys/NAME; fails with InvalidArgument when `name` is no key name and
// with Internal when the answer is no key description.
Result<RemoteKey> fetch_key(RemoteClient& remote, const std::string& name);

}  // namespace ensign::cli
