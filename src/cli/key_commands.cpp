// key_commands.cpp: `ensign key create|list|show|export-public|rotate`.
#include <iostream>

#include "cli/commands.h"
#include "host/key_view.h"
#include "core/file.h"
#include "core/time.h"
#include "crypto/keys.h"
#include "formats/api_requests.h"
#include "host/key_service.h"
#include "enclave/protocol/messages.h"
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

void print_key_version(const nlohmann::json& key, std::string_view verb) {
  std::cout << verb << " key " << key.value("name", "") << "@v" << key.value("version", 0u)
            << " (" << key.value("algorithm", "") << ", id " << key.value("id", "") << ")\n";
}

// run_create_or_rotate returns the new version as key_version_json describes it.
Result<nlohmann::json> run_create_or_rotate(Context& context, const KeyOptions& options,
                                            bool rotate) {
  std::optional<crypto::KeyAlgorithm> algorithm;
  if (!rotate) {
    ENSIGN_TRY(parsed, crypto::parse_key_algorithm(options.algorithm));
    algorithm = parsed;
  }
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    if (!enclave::protocol::is_valid_key_id(options.name)) {
      return fail(ErrorCode::kInvalidArgument, "'" + options.name + "' is not a key name");
    }
    return rotate ? remote->post_json("/v1/keys/" + options.name + "/rotate", "{}")
                  : remote->post_json("/v1/keys", formats::encode_create_key_request(
                                                      {options.name, *algorithm}));
  }
  ENSIGN_TRY(store, context.store());
  if (!rotate) {
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
  ENSIGN_TRY(created, rotate ? service.rotate_key(options.name)
                             : service.create_key(options.name, *algorithm));
  return host::key_version_json(created, std::nullopt);
}

// key_list_json is every key as key_info_json describes it, from ensignd in remote mode.
Result<nlohmann::json> key_list_json(Context& context) {
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    ENSIGN_TRY(answer, remote->get_json("/v1/keys"));
    if (!answer.is_object() || !answer.contains("keys") || !answer["keys"].is_array()) {
      return fail(ErrorCode::kInternal, remote->url() + "/v1/keys: not a key list");
    }
    return answer["keys"];
  }
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(keys, store->list_keys());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& key : keys) {
    list.push_back(host::key_info_json(key));
  }
  return list;
}

Status run_list(Context& context, const KeyOptions& options) {
  ENSIGN_TRY(list, key_list_json(context));
  if (options.json) {
    print_json(list);
    return {};
  }
  if (list.empty()) {
    std::cout << "no keys (create one with `ensign key create NAME`)\n";
    return {};
  }
  std::printf("%-24s %-11s %7s  %s\n", "NAME", "ALGORITHM", "VERSION", "CREATED");
  for (const auto& key : list) {
    std::printf("%-24s %-11s %7s  %s\n", key.value("name", "").c_str(),
                key.value("algorithm", "").c_str(),
                std::to_string(key.value("current_version", 0u)).c_str(),
                key.value("created", "").c_str());
  }
  return {};
}

Status run_show(Context& context, const KeyOptions& options) {
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    if (!options.json) {
      return fail(ErrorCode::kInvalidArgument, "in remote mode (ENSIGN_URL) `key show` needs --json");
    }
    if (!enclave::protocol::is_valid_key_id(options.name)) {
      return fail(ErrorCode::kInvalidArgument, "'" + options.name + "' is not a key name");
    }
    std::string query = options.version != 0 ? "?version=" + std::to_string(options.version) : "";
    ENSIGN_TRY(details, remote->get_json("/v1/keys/" + options.name + query));
    print_json(details);
    return {};
  }
  ENSIGN_TRY(store, context.store());
  if (options.json) {
    ENSIGN_TRY(details, host::key_details_json(*store, options.name, options.version));
    print_json(details);
    return {};
  }
  ENSIGN_TRY(key, host::chosen_version(*store, options.name, options.version));
  ENSIGN_TRY(info, store->get_key(options.name));
  ENSIGN_TRY(platform_key, host::installation_platform_key(*store));
  auto attestation = attest::verify_key_attestation(key.platform, key.key_attestation,
                                                    key.public_key, platform_key, std::nullopt);
  ENSIGN_TRY(versions, store->key_versions(options.name));
  ENSIGN_TRY(pem, crypto::public_key_to_pem(key.public_key));
  std::cout << "key        " << host::key_label(key) << (key.version == info.current_version ? " (signs)" : " (verifies only)")
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
  ENSIGN_TRY(key, host::chosen_version(*store, options.name, options.version));
  ENSIGN_TRY(pem, crypto::public_key_to_pem(key.public_key));
  if (options.output.empty() || options.output == "-") {
    std::cout << pem;
    return {};
  }
  return write_file_atomic(options.output, as_bytes(pem), 0644);
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
      print_json(created);
    } else {
      print_key_version(created, rotate ? "rotated" : "created");
    }
    return {};
  };

  auto* create = add_status_subcommand(*key, "create",
                                    "Generate a key inside the enclave (the private key never leaves it)",
                                    exit_code, [create_or_rotate] { return create_or_rotate(false); });
  create->add_option("name", options->name, "Key name: [A-Za-z0-9._-], at most 128")->required();
  create->add_option("--alg", options->algorithm, "ecdsa-p256, ecdsa-p384 or ed25519")
      ->check(CLI::IsMember({"ecdsa-p256", "ecdsa-p384", "ed25519"}))
      ->capture_default_str();
  create->add_flag("--json", options->json, "Print the new key as JSON");

  auto* list = add_status_subcommand(*key, "list", "List keys", exit_code,
                                  [ctx, options] { return run_list(*ctx, *options); });
  list->add_flag("--json", options->json, "Print as JSON");

  auto* show = add_status_subcommand(
      *key, "show", "Show a key version: public key, algorithm, version, created, key attestation",
      exit_code, [ctx, options] { return run_show(*ctx, *options); });
  show->add_option("name", options->name, "Key name")->required();
  show->add_option("--version", options->version, "Key version (default: the newest)");
  show->add_flag("--json", options->json, "Print as JSON");

  auto* export_public = add_status_subcommand(
      *key, "export-public", "Write the public key as PEM SubjectPublicKeyInfo", exit_code,
      [ctx, options] { return run_export(*ctx, *options); });
  export_public->add_option("name", options->name, "Key name")->required();
  export_public->add_option("-o,--output", options->output, "Output file (default: stdout)");
  export_public->add_option("--version", options->version, "Key version (default: the newest)");

  auto* rotate = add_status_subcommand(
      *key, "rotate", "Make a new version; old versions still verify, only the newest signs",
      exit_code, [create_or_rotate] { return create_or_rotate(true); });
  rotate->add_option("name", options->name, "Key name")->required();
  rotate->add_flag("--json", options->json, "Print the new version as JSON");
}

}  // namespace ensign::cli
