// audit_command.cpp: `ensign audit` shows the audit table: who created, rotated or signed with
// which key version, over which digest, and when.
#include <cstdio>

#include "cli/commands.h"
#include "core/time.h"

namespace ensign::cli {
namespace {

struct AuditOptions {
  std::string key;
  std::size_t limit = 100;
  bool json = false;
};

Status run_audit(Context& context, const AuditOptions& options) {
  ENSIGN_TRY(store, context.store());
  std::optional<std::string> key;
  if (!options.key.empty()) {
    key = options.key;
  }
  ENSIGN_TRY(events, store->list_audit(key, options.limit));
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& event : events) {
      list.push_back({{"id", event.id},
                      {"at", format_rfc3339(event.at)},
                      {"actor", event.actor},
                      {"action", event.action},
                      {"key", event.key_name},
                      {"version", event.key_version},
                      {"digest", event.digest},
                      {"detail", event.detail}});
    }
    print_json(list);
    return {};
  }
  std::printf("%-20s  %-16s  %-10s  %-20s  %s\n", "TIME", "ACTOR", "ACTION", "KEY", "DIGEST");
  for (const auto& event : events) {
    std::string key_label = event.key_name + "@v" + std::to_string(event.key_version);
    std::printf("%-20s  %-16s  %-10s  %-20s  %s\n", format_rfc3339(event.at).c_str(),
                event.actor.c_str(), event.action.c_str(), key_label.c_str(),
                event.digest.empty() ? "-" : event.digest.c_str());
  }
  return {};
}

}  // namespace

void add_audit_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<AuditOptions>();
  auto* command = app.add_subcommand(
      "audit", "Show the audit table: every key creation, rotation and signature, newest last");
  command->add_option("--key", options->key, "Only events of this key");
  command->add_option("--limit", options->limit, "Show at most the newest N events")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([&context, &exit_code, options] {
    if (auto status = run_audit(context, *options); !status) {
      exit_code = report_error(status.error());
    }
  });
}

}  // namespace ensign::cli
