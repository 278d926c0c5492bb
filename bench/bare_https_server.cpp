// bare_https_server: the transport ceiling for server_sign_bench.sh. It serves HTTPS exactly as
// ensignd does (the same cpp-httplib build, TLS identity and transport settings, through
// host/server/http_transport.h) and answers POST /v1/keys/NAME/sign with a fixed body of the
// size of a real bundle, doing no other work.
//   bare_https_server CERT_OUT ANSWER_BYTES [THREADS]
// It prints "listening on https://127.0.0.1:PORT" on stderr and serves until killed.
#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "core/file.h"
#include "host/server/http_transport.h"
#include "host/server/tls_identity.h"

namespace server = ensign::host::server;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bare_https_server CERT_OUT ANSWER_BYTES [THREADS]\n";
    return 2;
  }
  auto identity = server::self_signed_identity("127.0.0.1");
  if (!identity) {
    std::cerr << identity.error().message() << "\n";
    return 1;
  }
  auto pem = server::certificate_pem(identity->certificate.get());
  if (!pem || !ensign::write_file_atomic(argv[1], ensign::as_bytes(*pem), 0644)) {
    std::cerr << "cannot write " << argv[1] << "\n";
    return 1;
  }
  std::string answer(std::strtoul(argv[2], nullptr, 10), 'x');
  std::size_t threads = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 16;

  httplib::SSLServer http(identity->certificate.get(), identity->private_key.get());
  server::configure_transport(http, threads, 6 * 1024 * 1024);
  http.Post(R"(/v1/keys/([A-Za-z0-9._-]{1,128})/sign)",
            [&answer](const httplib::Request&, httplib::Response& response) {
              response.set_content(answer, "application/json");
            });
  int port = http.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::cerr << "cannot listen on 127.0.0.1\n";
    return 1;
  }
  std::cerr << "listening on https://127.0.0.1:" << port << std::endl;
  return http.listen_after_bind() ? 0 : 1;
}
