// trust_commands.cpp: `ensign trust add|list`, the vendor roots hardware evidence chains to.
#include <iostream>

#include "attest/pki/certificates.h"
#include "cli/commands.h"
#include "cli/trust_store.h"
#include "core/file.h"

namespace ensign::cli {
namespace {

struct TrustOptions {
  std::vector<std::string> files;
  std::string dir;
  bool allow_unpinned_root = false;
  bool json = false;
};

nlohmann::json root_json(const attest::pki::Certificate& root, std::string_view pin_name) {
  auto summary = root.summary();
  return {{"pin", pin_name},        {"subject", summary.subject},
          {"sha256", summary.sha256}, {"not_before", summary.not_before},
          {"not_after", summary.not_after}};
}

// run_add adds every self-signed certificate of the files; the others (intermediates such as
// the AMD ASK) are listed as skipped: they are passed to `attest verify --cert` instead.
Result<nlohmann::json> run_add(const TrustOptions& options) {
  ENSIGN_TRY(dir, trust_dir(options.dir));
  nlohmann::json added = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& file : options.files) {
    ENSIGN_TRY(contents, read_file(file, attest::pki::kMaxPemBundleSize));
    auto certificates = attest::pki::parse_certificates(contents);
    if (!certificates) {
      return fail(certificates.error().with_context(file));
    }
    for (const auto& certificate : *certificates) {
      if (!certificate.is_self_issued()) {
        skipped.push_back({{"subject", certificate.subject()},
                           {"why", "not a root (give it to attest verify with --cert)"}});
        continue;
      }
      attest::pki::TrustAnchors check;
      auto accepted = check.add(certificate, options.allow_unpinned_root);
      if (!accepted) {
        return fail(accepted.error().with_context(file));
      }
      std::string_view pin = check.pin_name(certificate);
      ENSIGN_TRY(path, add_trusted_root(dir, certificate, pin));
      auto json = root_json(certificate, pin);
      json["path"] = path;
      added.push_back(std::move(json));
    }
  }
  if (added.empty()) {
    return fail(ErrorCode::kInvalidArgument, "no root certificate in the given files");
  }
  return nlohmann::json{{"trust_dir", dir}, {"added", added}, {"skipped", skipped}};
}

Result<nlohmann::json> run_list(const TrustOptions& options) {
  ENSIGN_TRY(dir, trust_dir(options.dir));
  ENSIGN_TRY(files, read_trusted_roots(dir));
  nlohmann::json roots = nlohmann::json::array();
  attest::pki::TrustAnchors pins;
  for (const auto& file : files) {
    ENSIGN_TRY(certificates, attest::pki::parse_certificates(file));
    for (const auto& certificate : certificates) {
      roots.push_back(root_json(certificate, pins.pin_name(certificate)));
    }
  }
  return nlohmann::json{{"trust_dir", dir}, {"roots", roots}};
}

}  // namespace

void add_trust_commands(CLI::App& app, Context& context, int& exit_code) {
  (void)context;
  auto options = std::make_shared<TrustOptions>();
  auto* trust = app.add_subcommand(
      "trust", "Manage the vendor root certificates hardware evidence must chain to");
  trust->require_subcommand(1);

  auto* add = trust->add_subcommand(
      "add", "Add the root certificates in FILE... (PEM or DER); only pinned vendor roots "
             "(AMD ARK-Milan/Genoa/Turin, Intel SGX Root CA) unless --allow-unpinned-root");
  add->add_option("files", options->files, "Certificate files")->required();
  add->add_flag("--allow-unpinned-root", options->allow_unpinned_root,
                "Also trust self-signed roots whose fingerprint is not pinned");
  add->add_option("--trust-dir", options->dir, "Trust directory (default $ENSIGN_HOME/trust)");
  add->add_flag("--json", options->json, "Print the result as JSON");
  add->callback([&exit_code, options] {
    finish(run_add(*options), options->json, exit_code, [](const nlohmann::json& result) {
      for (const auto& root : result["added"]) {
        std::cout << "trusted " << root["pin"].get<std::string>() << " ("
                  << root["subject"].get<std::string>() << ", sha256 "
                  << root["sha256"].get<std::string>() << ")\n";
      }
      for (const auto& other : result["skipped"]) {
        std::cout << "skipped " << other["subject"].get<std::string>() << ": "
                  << other["why"].get<std::string>() << "\n";
      }
    });
  });

  auto* list = trust->add_subcommand("list", "List the trusted root certificates");
  list->add_option("--trust-dir", options->dir, "Trust directory (default $ENSIGN_HOME/trust)");
  list->add_flag("--json", options->json, "Print the result as JSON");
  list->callback([&exit_code, options] {
    finish(run_list(*options), options->json, exit_code, [](const nlohmann::json& result) {
      if (result["roots"].empty()) {
        std::cout << "no trusted roots in " << result["trust_dir"].get<std::string>()
                  << " (add the vendors' with `ensign trust add FILE`)\n";
        return;
      }
      for (const auto& root : result["roots"]) {
        std::cout << root["pin"].get<std::string>() << "  " << root["subject"].get<std::string>()
                  << "  sha256 " << root["sha256"].get<std::string>() << "  until "
                  << root["not_after"].get<std::string>() << "\n";
      }
    });
  });
}

}  // namespace ensign::cli
