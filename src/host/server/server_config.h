// server_config.h: what `ensign serve` is told: where to listen, its TLS identity, who may read
// without a token, and how signatures are batched.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "formats/api_requests.h"

namespace ensign::host::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8443;
  std::string tls_certificate;  // PEM files; or self_signed
  std::string tls_key;
  bool self_signed = false;
  std::string self_signed_certificate_out;  // where the self-signed certificate is written
  bool anonymous_reads = false;  // read-scope routes answer requests without a token
  std::size_t threads = 16;      // connections served at once
  std::size_t batch_max_items = 64;
  std::chrono::microseconds batch_max_wait{1000};
  // The largest request body: the largest verify request (a bundle beside a 4 MiB message).
  std::size_t max_body_size = formats::kMaxVerifyRequestSize;
};

}  // namespace ensign::host::server
