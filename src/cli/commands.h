// commands.h: each subcommand registers itself on the CLI11 app; its callback sets the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace ensign::cli {

void add_init_command(CLI::App& app, Context& context, int& exit_code);
void add_key_commands(CLI::App& app, Context& context, int& exit_code);
void add_sign_command(CLI::App& app, Context& context, int& exit_code);
void add_verify_command(CLI::App& app, Context& context, int& exit_code);
void add_audit_command(CLI::App& app, Context& context, int& exit_code);
void add_attest_commands(CLI::App& app, Context& context, int& exit_code);
void add_trust_commands(CLI::App& app, Context& context, int& exit_code);
void add_token_commands(CLI::App& app, Context& context, int& exit_code);
void add_serve_command(CLI::App& app, Context& context, int& exit_code);
// The log checks are offline: they need no installation.
void add_log_commands(CLI::App& app, Context& context, int& exit_code);
// `log verify` and `log verify-bundle` read the installation's log; add_log_commands adds them.
void add_log_verify_commands(CLI::App& log, Context& context, int& exit_code);

}  // namespace ensign::cli
