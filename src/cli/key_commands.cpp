// key_commands.cpp: `ensign key create|list|show|export-public|rotate`.
#include <iostream>

#include "cli/commands.h"
#include "cli/key_view.h"
#include "core/file.h"
#include "core/time.h"
#include "crypto/keys.h"
#include "host/key_service.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

struct KeyOptions {
  std::string name;
  std::string algorithm = "ecdsa-p256";
  std::uint32_t version = 0;  // 0: the newest
  std::string output;
  bool json = false;
};

void print_key_version(const host::store::KeyVersion& key, std::string_view verb) {
  std::cout << verb << " key " << key_label(key) << " (" << crypto::key_algorithm_name(key.algorithm)
            << ", id " << key.fingerprint << ")\n";
}

Result<host::store::KeyVersion> run_create_or_rotate(Context& context, const KeyOptions& options,
                                               bool rotate) {
  ENSIGN_TRY(store, context.store());
  std::optional<crypto::KeyAlgorithm> algorithm;
  if (!rotate) {
    ENSIGN_TRY(parsed, crypto::parse_key_algorithm(options.algorithm));
    algorithm = parsed;
    // Refuse a taken name before paying for a key generation.
    if (store->get_key(options.name)) {
      return fail(ErrorCode::kAlreadyExists, "key '" + options.name +
                                                 "' already exists (use `ensign key rotate`)");
    }
  } else {
    ENSIGN_CHECK(store->get_key(options.name));
  }
  ENSIGN_TRY(enclave, context.enclave());
  host::KeyService service(*store, *enclave, host::current_actor());
  return rotate ? service.rotate_key(options.name) : service.create_key(options.name, *algorithm);
}

Result<host::store::KeyVersion> chosen_version(host::store::Store& store, const KeyOptions& options) {
  std::uint32_t version = options.version;
  if (version == 0) {
    ENSIGN_TRY(info, store.get_key(options.name));
    version = info.current_version;
  }
  return store.key_version(options.name, version);
}

Status run_list(Context& context, const KeyOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(keys, store->list_keys());
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& key : keys) {
      list.push_back({{"name", key.name},
                      {"algorithm", crypto::key_algorithm_name(key.algorithm)},
                      {"current_version", key.current_version},
                      {"created", format_rfc3339(key.created_at)},
                      {"updated", format_rfc3339(key.updated_at)}});
    }
    print_json(list);
    return {};
  }
  if (keys.empty()) {
    std::cout << "no keys (create one with `ensign key create NAME`)\n";
    return {};
  }
  std::printf("%-24s %-11s %7s  %s\n", "NAME", "ALGORITHM", "VERSION", "CREATED");
  for (const auto& key : keys) {
    std::printf("%-24s %-11s %7u  %s\n", key.name.c_str(),
                std::string(crypto::key_algorithm_name(key.algorithm)).c_str(), key.current_version,
                format_rfc3339(key.created_at).c_str());
  }
  return {};
}

Status run_show(Context& context, const KeyOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(key, chosen_version(*store, options));
  ENSIGN_TRY(info, store->get_key(options.name));
  ENSIGN_TRY(platform_key, installation_platform_key(*store));
  auto attestation = attest::verify_key_attestation(key.platform, key.key_attestation,
                                                    key.public_key, platform_key, std::nullopt);
  ENSIGN_TRY(versions, store->key_versions(options.name));
  if (options.json) {
    auto out = key_version_json(key, attestation);
    out["current_version"] = info.current_version;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : versions) {
      list.push_back({{"version", v.version}, {"id", v.fingerprint}, {"created", format_rfc3339(v.created_at)}});
    }
    out["versions"] = list;
    print_json(out);
    return {};
  }
  ENSIGN_TRY(pem, crypto::public_key_to_pem(key.public_key));
  std::cout << "key        " << key_label(key) << (key.version == info.current_version ? " (signs)" : " (verifies only)")
            << "\n"
            << "algorithm  " << crypto::key_algorithm_name(key.algorithm) << "\n"
            << "id         " << key.fingerprint << "\n"
            << "created    " << format_rfc3339(key.created_at) << "\n"
            << "versions   " << versions.size() << " (newest v" << info.current_version << ")\n"
            << "attestation " << attestation.platform << " evidence, measurement "
            << hex_encode(attestation.measurement) << "\n"
            << "            report data binds this public key: "
            << (attestation.verified ? "verified against the installation's platform root"
                                     : "NOT verified: " + attestation.reason)
            << "\n"
            << pem;
  return {};
}

Status run_export(Context& context, const KeyOptions& options) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(key, chosen_version(*store, options));
  ENSIGN_TRY(pem, crypto::public_key_to_pem(key.public_key));
  if (options.output.empty() || options.output == "-") {
    std::cout << pem;
    return {};
  }
  return write_file_atomic(options.output, as_bytes(pem), 0644);
}

// add_key_subcommand wires one subcommand: `run` does the work and reports failure.
template <typename Run>
CLI::App* add_key_subcommand(CLI::App& parent, const char* name, const char* description,
                             int& exit_code, Run run) {
  auto* command = parent.add_subcommand(name, description);
  command->callback([&exit_code, run] {
    if (auto status = run(); !status) {
      exit_code = report_error(status.error());
    }
  });
  return command;
}

}  // namespace

void add_key_commands(CLI::App& app, Context& context, int& exit_code) {
  auto* key = app.add_subcommand("key", "Create, list, show, export and rotate enclave-held keys");
  key->require_subcommand(1);
  auto options = std::make_shared<KeyOptions>();
  Context* ctx = &context;

  auto create_or_rotate = [ctx, options](bool rotate) -> Status {
    ENSIGN_TRY(created, run_create_or_rotate(*ctx, *options, rotate));
    if (options->json) {
      print_json(key_version_json(created, std::nullopt));
    } else {
      print_key_version(created, rotate ? "rotated" : "created");
    }
    return {};
  };

  auto* create = add_key_subcommand(*key, "create",
                                    "Generate a key inside the enclave (the private key never leaves it)",
                                    exit_code, [create_or_rotate] { return create_or_rotate(false); });
  create->add_option("name", options->name, "Key name: [A-Za-z0-9._-], at most 128")->required();
  create->add_option("--alg", options->algorithm, "ecdsa-p256, ecdsa-p384 or ed25519")
      ->check(CLI::IsMember({"ecdsa-p256", "ecdsa-p384", "ed25519"}))
      ->capture_default_str();
  create->add_flag("--json", options->json, "Print the new key as JSON");

  auto* list = add_key_subcommand(*key, "list", "List keys", exit_code,
                                  [ctx, options] { return run_list(*ctx, *options); });
  list->add_flag("--json", options->json, "Print as JSON");

  auto* show = add_key_subcommand(
      *key, "show", "Show a key version: public key, algorithm, version, created, key attestation",
      exit_code, [ctx, options] { return run_show(*ctx, *options); });
  show->add_option("name", options->name, "Key name")->required();
  show->add_option("--version", options->version, "Key version (default: the newest)");
  show->add_flag("--json", options->json, "Print as JSON");

  auto* export_public = add_key_subcommand(
      *key, "export-public", "Write the public key as PEM SubjectPublicKeyInfo", exit_code,
      [ctx, options] { return run_export(*ctx, *options); });
  export_public->add_option("name", options->name, "Key name")->required();
  export_public->add_option("-o,--output", options->output, "Output file (default: stdout)");
  export_public->add_option("--version", options->version, "Key version (default: the newest)");

  auto* rotate = add_key_subcommand(
      *key, "rotate", "Make a new version; old versions still verify, only the newest signs",
      exit_code, [create_or_rotate] { return create_or_rotate(true); });
  rotate->add_option("name", options->name, "Key name")->required();
  rotate->add_flag("--json", options->json, "Print the new version as JSON");
}

}  // namespace ensign::cli
