// log_verify_commands.cpp: `ensign log verify`, the full audit of the installation's log (and,
// with --from, the check that the log extends a checkpoint kept earlier), and `ensign log
// verify-bundle`, the check of a bundle's tlog entry against the log. The checks themselves are
// host/log_audit.h's and host/log_checks.h's.
// Exit 0: valid; 1: invalid, saying which check failed; 2: usage or bad input.
#include <iostream>

#include "cli/commands.h"
#include "core/file.h"
#include "formats/bundle.h"
#include "host/log_audit.h"
#include "host/log_checks.h"
#include "log/signed_note.h"

namespace ensign::cli {
namespace {

struct LogVerifyOptions {
  std::string from;  // a checkpoint kept earlier; empty: none
  bool json = false;
};

struct BundleEntryOptions {
  std::string bundle;
  std::string checkpoint;  // a newer checkpoint to check consistency with; empty: the latest
  bool json = false;
};

// read_note reads a checkpoint file.
Result<std::string> read_note(const std::string& path) {
  ENSIGN_TRY(note, read_file(path, log::kMaxNoteSize));
  return as_string(note);
}

Result<nlohmann::json> run_log_verify(Context& context, const LogVerifyOptions& options) {
  ENSIGN_TRY(store, context.store());
  host::LogProofs proofs(*store);
  nlohmann::json report;
  if (!options.from.empty()) {
    ENSIGN_TRY(note, read_note(options.from));
    auto kept = host::check_kept_checkpoint(proofs, note);
    if (!kept) {
      return fail(kept.error().with_context(options.from));
    }
    report["from"] = {{"file", options.from},
                      {"old_size", kept->old_tree.checkpoint.size},
                      {"new_size", kept->new_tree.checkpoint.size},
                      {"consistent", true}};
  }
  ENSIGN_TRY(audit, host::audit_log(*store));
  ENSIGN_TRY(head, proofs.head());
  report["origin"] = head.origin;
  report["size"] = audit.size;
  report["checkpoints"] = audit.checkpoints;
  report["valid"] = true;
  return report;
}

void print_log_verify(const nlohmann::json& report) {
  if (report.contains("from")) {
    const auto& from = report["from"];
    std::cout << "old size " << from["old_size"].get<std::uint64_t>() << ", new size "
              << from["new_size"].get<std::uint64_t>() << ": consistent ("
              << from["file"].get<std::string>() << " is a prefix of the latest checkpoint)\n";
  }
  std::cout << "verified: the " << report["size"].get<std::uint64_t>() << " entries of "
            << report["origin"].get<std::string>() << " match its "
            << report["checkpoints"].get<std::uint64_t>() << " signed checkpoints\n";
}

Result<nlohmann::json> run_verify_bundle(Context& context, const BundleEntryOptions& options) {
  ENSIGN_TRY(text, read_file(options.bundle, formats::kMaxBundleSize));
  auto bundle = formats::parse_bundle(text);
  if (!bundle) {
    return fail(bundle.error().with_context(options.bundle));
  }
  ENSIGN_TRY(store, context.store());
  host::LogProofs proofs(*store);
  std::optional<host::SignedCheckpoint> against;
  if (!options.checkpoint.empty()) {
    ENSIGN_TRY(note, read_note(options.checkpoint));
    ENSIGN_TRY(head, proofs.head());
    auto opened = host::open_log_checkpoint(note, head);
    if (!opened) {
      return fail(opened.error().with_context(options.checkpoint));
    }
    against = std::move(opened).value();
  }
  auto checked = host::check_tlog_entry(proofs, *bundle, against ? &*against : nullptr);
  if (!checked) {
    return fail(checked.error().with_context(options.bundle));
  }
  return nlohmann::json{{"bundle", options.bundle},
                        {"valid", true},
                        {"index", checked->index},
                        {"tree_size", checked->tree.checkpoint.size},
                        {"consistent_with_size", checked->against.checkpoint.size}};
}

void print_verify_bundle(const nlohmann::json& report) {
  std::cout << "valid: " << report["bundle"].get<std::string>() << " is log entry "
            << report["index"].get<std::uint64_t>() << " of the signed tree of size "
            << report["tree_size"].get<std::uint64_t>() << ", consistent with the tree of size "
            << report["consistent_with_size"].get<std::uint64_t>() << "\n";
}

}  // namespace

void add_log_verify_commands(CLI::App& log, Context& context, int& exit_code) {
  auto verify = std::make_shared<LogVerifyOptions>();
  auto* verify_command = log.add_subcommand(
      "verify",
      "Audit the stored log: recompute every leaf hash from the entries, rebuild the tree and\n"
      "check it against every checkpoint the enclave signed; with --from, first check that the\n"
      "latest checkpoint extends one kept earlier. Exit 0: valid; 1: invalid; 2: usage or bad "
      "input");
  verify_command->add_option(
      "--from", verify->from, "A checkpoint (signed note) of this log kept earlier");
  verify_command->add_flag("--json", verify->json, "Print as JSON");
  verify_command->callback([&context, &exit_code, verify] {
    finish(run_log_verify(context, *verify), verify->json, exit_code, print_log_verify);
  });

  auto bundle = std::make_shared<BundleEntryOptions>();
  auto* bundle_command = log.add_subcommand(
      "verify-bundle",
      "Check a Sigstore bundle's tlog entry against the log: its inclusion proof, its signed\n"
      "checkpoint, that it logs the bundle's signature, and that its tree is consistent with\n"
      "the latest (or --checkpoint's). Exit 0: valid; 1: invalid; 2: usage or bad input");
  bundle_command->add_option("bundle", bundle->bundle, "The bundle (.sigstore.json)")->required();
  bundle_command->add_option("--checkpoint",
                             bundle->checkpoint,
                             "A checkpoint of this log to check consistency with instead of the "
                             "latest");
  bundle_command->add_flag("--json", bundle->json, "Print as JSON");
  bundle_command->callback([&context, &exit_code, bundle] {
    finish(run_verify_bundle(context, *bundle), bundle->json, exit_code, print_verify_bundle);
  });
}

}  // namespace ensign::cli
