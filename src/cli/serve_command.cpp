// serve_command.cpp: `ensign serve` runs ensignd, the HTTPS API, on this installation: one
// enclave, the installation's database, until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "core/secret_bytes.h"
#include "host/server/api_server.h"

namespace ensign::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8443";
  std::string database;
  host::server::ServerConfig config;
  std::uint32_t batch_wait_us = 1000;
};

Status parse_listen(const std::string& listen, host::server::ServerConfig& config) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return fail(ErrorCode::kInvalidArgument, "--listen must be HOST:PORT, e.g. 127.0.0.1:8443");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return fail(ErrorCode::kInvalidArgument, "--listen: the port must be 0..65535");
  }
  config.host = host;
  config.port = std::stoi(port);
  return {};
}

// StopOnSignal blocks SIGINT and SIGTERM in every thread started after it and waits for them on
// its own thread, which stops the server: no work happens in a signal handler.
class StopOnSignal {
 public:
  explicit StopOnSignal(host::server::ApiServer& server) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::thread([this, &server] {
      int received = 0;
      sigwait(&signals_, &received);
      if (received != 0 && !done_) {
        std::cerr << "ensignd: stopping (signal " << received << ")\n";
        server.stop();
      }
    });
  }
  ~StopOnSignal() {
    done_ = true;
    pthread_kill(waiter_.native_handle(), SIGTERM);
    waiter_.join();
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  sigset_t signals_{};
  std::atomic<bool> done_ = false;
  std::thread waiter_;
};

// Every request's bearer token passes through SecretBytes: from a locked heap it costs no
// mlock/munlock pair.
constexpr std::size_t kServerSecureHeapSize = 256 * 1024;

Status run_serve(Context& context, ServeOptions& options) {
  ENSIGN_CHECK(parse_listen(options.listen, options.config));
  init_secure_heap(kServerSecureHeapSize, 32);
  if (!options.database.empty()) {
    ::setenv("ENSIGN_DB", options.database.c_str(), 1);
  }
  options.config.batch_max_wait = std::chrono::microseconds(options.batch_wait_us);
  ENSIGN_TRY(home, context.home());
  if (options.config.self_signed && options.config.self_signed_certificate_out.empty()) {
    options.config.self_signed_certificate_out = home + "/server-cert.pem";
  }
  // A client that hangs up mid-answer must cost an error return, not the process.
  ::signal(SIGPIPE, SIG_IGN);
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(enclave, context.enclave());
  ENSIGN_TRY(server, host::server::ApiServer::create(options.config, *store, *enclave));
  StopOnSignal stop_on_signal(*server);
  return server->run([&](int port) {
    std::cerr << "ensignd: listening on https://" << options.config.host << ":" << port
              << " (platform " << enclave->hello().platform << ")";
    if (options.config.self_signed) {
      std::cerr << "; its certificate is " << options.config.self_signed_certificate_out;
    }
    std::cerr << std::endl;
  });
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand("serve", "Run ensignd: the signing service over HTTPS");
  command->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0: any free one)")
      ->capture_default_str();
  command->add_option("--tls-cert", options->config.tls_certificate, "PEM certificate (chain)");
  command->add_option("--tls-key", options->config.tls_key, "PEM private key (mode 0600)");
  command->add_flag("--self-signed", options->config.self_signed,
                    "Make a TLS key in memory and a self-signed certificate, written to "
                    "$ENSIGN_HOME/server-cert.pem for clients (ENSIGN_CA_CERT)");
  command->add_option("--self-signed-cert-out", options->config.self_signed_certificate_out,
                      "Where --self-signed writes its certificate");
  command->add_option("--db", options->database,
                      "Database: sqlite:PATH or postgresql://... (default: $ENSIGN_DB, else "
                      "$ENSIGN_HOME/ensign.db)");
  command->add_flag("--anonymous-reads", options->config.anonymous_reads,
                    "Answer read-scope requests (keys' public parts, the log, attestation, "
                    "metrics) without a token");
  command->add_option("--threads", options->config.threads, "Connections served at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  command->add_option("--batch-size", options->config.batch_max_items,
                      "Most signatures per logged batch")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--batch-wait-us", options->batch_wait_us,
                      "Longest an idle signer waits for a batch to fill, in microseconds (under load, "
                      "batches go as soon as the last one is done)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  command->callback([&context, &exit_code, options] {
    if (auto status = run_serve(context, *options); !status) {
      exit_code = report_error(status.error());
    }
  });
}

}  // namespace ensign::cli
