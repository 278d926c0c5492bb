// api_server.h: ApiServer, ensignd's HTTPS API (docs/api/openapi.yaml) over one enclave and one
// store, served by a pool of threads; sign requests from all of them share the enclave's
// batches through a SignBatcher.
#pragma once

#include <functional>
#include <memory>

#include "core/result.h"
#include "host/enclave_client.h"
#include "host/server/server_config.h"
#include "host/store/store.h"

namespace ensign::host::server {

class ApiServer {
 public:
  // create sets up TLS (the configured files, or a new self-signed identity whose certificate it
  // writes to config.self_signed_certificate_out) and the routes. It borrows the store and the
  // enclave, which must outlive it.
  static Result<std::unique_ptr<ApiServer>> create(const ServerConfig& config,
                                                   store::Store& store, EnclaveClient& enclave);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // run binds the listen address (port 0: any free port), calls `on_listening` with the bound
  // port, and serves until stop(). Fails with Unavailable when the address cannot be bound.
  Status run(const std::function<void(int port)>& on_listening);

  // stop makes run return once the requests in flight are answered; safe from any thread.
  void stop();

 private:
  struct State;
  explicit ApiServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ensign::host::server
