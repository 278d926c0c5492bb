// main.cpp: the ensign command. Local mode: the CLI opens ENSIGN_HOME's database and starts its
// own ensign-enclave; no server is involved.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace ensign::cli;
  CLI::App app{
      "ensign: signing keys born and used only inside a trusted execution environment.\n"
      "State lives in $ENSIGN_HOME (default ~/.local/share/ensign).",
      "ensign"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ensign ") + ENSIGN_VERSION);
  Context context;
  app.add_flag("-v,--verbose", context.verbose, "Log progress (never secrets) to stderr");
  int exit_code = kExitOk;
  add_init_command(app, context, exit_code);
  add_key_commands(app, context, exit_code);
  add_sign_command(app, context, exit_code);
  add_verify_command(app, context, exit_code);
  add_audit_command(app, context, exit_code);
  add_attest_commands(app, context, exit_code);
  add_trust_commands(app, context, exit_code);
  add_log_commands(app, context, exit_code);
  add_token_commands(app, context, exit_code);
  add_serve_command(app, context, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
