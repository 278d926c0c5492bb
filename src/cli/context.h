// context.h: what every ensign subcommand shares: global options, the lazily opened state
// (ENSIGN_HOME, its database, the enclave), the exit-code convention and output helpers.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/remote_client.h"
#include "core/result.h"
#include "host/enclave_client.h"
#include "host/store/store.h"

namespace ensign::cli {

// Exit codes, the same for every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the operation failed (verify: the signature is invalid)
inline constexpr int kExitUsage = 2;    // usage or input error

class Context {
 public:
  bool verbose = false;

  // home returns ENSIGN_HOME (resolved once).
  Result<std::string> home();
  // store opens the installation's database, which must exist.
  Result<host::store::Store*> store();
  // enclave starts ensign-enclave on the installation's state, once.
  Result<host::EnclaveClient*> enclave();
  // remote returns the ensignd client when ENSIGN_URL is set (remote mode), else nullptr.
  Result<RemoteClient*> remote();

 private:
  std::string home_;
  std::unique_ptr<host::store::Store> store_;
  std::unique_ptr<host::EnclaveClient> enclave_;
  std::optional<std::unique_ptr<RemoteClient>> remote_;  // set once remote() has looked
};

// report_error prints "ensign: <message>" on stderr and returns the exit code for `error`:
// kExitUsage for input errors (InvalidArgument, NotFound, ResourceExhausted), else kExitFailure.
int report_error(const Error& error);

// print_json writes one JSON document to stdout.
void print_json(const nlohmann::json& document);

// add_status_subcommand adds subcommand `name` of `parent` whose callback runs `run` (returning
// a Status) and reports its failure through `exit_code`.
template <typename Run>
CLI::App* add_status_subcommand(CLI::App& parent, const char* name, const char* description,
                                int& exit_code, Run run) {
  auto* command = parent.add_subcommand(name, description);
  command->callback([&exit_code, run] {
    if (auto status = run(); !status) {
      exit_code = report_error(status.error());
    }
  });
  return command;
}

// finish reports a failed command (setting `exit_code`), or prints its result: as JSON with
// --json, otherwise through `print_text`.
template <typename PrintText>
void finish(const Result<nlohmann::json>& result, bool json, int& exit_code, PrintText print_text) {
  if (!result) {
    exit_code = report_error(result.error());
  } else if (json) {
    print_json(*result);
  } else {
    print_text(*result);
  }
}


}  // namespace ensign::cli
