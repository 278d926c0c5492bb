// sign_command.cpp: `ensign sign --key NAME FILE` writes FILE.sigstore.json.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "core/file.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "formats/api_requests.h"
#include "host/key_service.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

struct SignOptions {
  std::string key;
  std::string file;
  std::string bundle;  // default: FILE.sigstore.json
  bool dsse = false;
  std::string payload_type = "application/vnd.in-toto+json";
  bool no_attestation = false;
  bool json = false;
};

std::string default_bundle_path(const SignOptions& options) {
  return options.bundle.empty() ? options.file + ".sigstore.json" : options.bundle;
}

// sign_body is the POST /v1/keys/NAME/sign body: the DSSE payload, the artifact's digest when
// the key signs digests, else the artifact (Ed25519).
Result<std::string> sign_body(const SignOptions& options, crypto::KeyAlgorithm algorithm) {
  formats::SignRequest request;
  if (options.dsse) {
    ENSIGN_TRY(payload, read_file(options.file, formats::kMaxDssePayloadSize));
    request.input = formats::SignRequest::Input::kDsse;
    request.payload_type = options.payload_type;
    request.data = std::move(payload);
  } else if (auto hash_algorithm = crypto::signature_hash(algorithm)) {
    ENSIGN_TRY(digest, crypto::hash_file(*hash_algorithm, options.file));
    request.input = formats::SignRequest::Input::kDigest;
    request.data = std::move(digest);
  } else {
    ENSIGN_TRY(message, read_file(options.file, enclave::protocol::kMaxSignMessageSize));
    request.input = formats::SignRequest::Input::kMessage;
    request.data = std::move(message);
  }
  request.key_attestation = !options.no_attestation;
  return formats::encode_sign_request(request);
}

// run_remote_sign has ensignd sign: only the digest (or the payload) leaves this machine.
Result<nlohmann::json> run_remote_sign(RemoteClient& remote, const SignOptions& options) {
  ENSIGN_TRY(key, fetch_key(remote, options.key));
  std::string key_path = "/v1/keys/" + options.key;
  ENSIGN_TRY(body, sign_body(options, key.algorithm));
  ENSIGN_TRY(bundle_text, remote.post(key_path + "/sign", body));
  auto bundle = formats::parse_bundle(as_bytes(bundle_text));
  if (!bundle) {
    return fail(bundle.error().with_context(remote.url() + key_path + "/sign"));
  }
  std::string bundle_path = default_bundle_path(options);
  ENSIGN_CHECK(write_file_atomic(bundle_path, as_bytes(bundle_text), 0644));
  return nlohmann::json{
      {"bundle", bundle_path},
      {"key", options.key},
      {"version", key.current_version},
      {"id", bundle->public_key_hint},
      {"kind", options.dsse ? "dsseEnvelope" : "messageSignature"},
      {"server", remote.url()},
  };
}

Result<nlohmann::json> run_sign(Context& context, const SignOptions& options) {
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    return run_remote_sign(*remote, options);
  }
  ENSIGN_TRY(store, context.store());
  ENSIGN_CHECK(store->get_key(options.key));
  // Read the input before starting the enclave, so a bad path fails fast.
  std::optional<Bytes> payload;
  if (options.dsse) {
    ENSIGN_TRY(read, read_file(options.file, formats::kMaxDssePayloadSize));
    payload = std::move(read);
  } else if (::access(options.file.c_str(), R_OK) != 0) {
    ENSIGN_CHECK(read_file(options.file, 0));  // reports why it cannot be read
  }
  ENSIGN_TRY(enclave, context.enclave());
  host::KeyService service(*store, *enclave, host::current_actor());
  host::SignOptions sign_options;
  sign_options.attach_key_attestation = !options.no_attestation;
  auto bundle = payload ? service.sign_dsse(options.key, options.payload_type, *payload, sign_options)
                        : service.sign_file(options.key, options.file, sign_options);
  if (!bundle) {
    return fail(bundle.error());
  }
  std::string bundle_path = default_bundle_path(options);
  ENSIGN_CHECK(write_file_atomic(bundle_path, as_bytes(formats::bundle_to_json(*bundle)), 0644));
  ENSIGN_TRY(info, store->get_key(options.key));
  return nlohmann::json{
      {"bundle", bundle_path},
      {"key", options.key},
      {"version", info.current_version},
      {"id", bundle->public_key_hint},
      {"kind", options.dsse ? "dsseEnvelope" : "messageSignature"},
  };
}

}  // namespace

void add_sign_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<SignOptions>();
  auto* command = app.add_subcommand(
      "sign", "Sign FILE with an enclave-held key into a Sigstore bundle (FILE.sigstore.json)");
  command->add_option("--key", options->key, "Key name")->required();
  command->add_option("file", options->file, "Artifact (or, with --dsse, the payload)")->required();
  command->add_option("--bundle,-o", options->bundle, "Bundle path (default FILE.sigstore.json)");
  command->add_flag("--dsse", options->dsse, "Sign FILE as a DSSE envelope payload");
  command->add_option("--payload-type", options->payload_type, "DSSE payload type")
      ->capture_default_str();
  command->add_flag("--no-attestation", options->no_attestation,
                    "Leave the key attestation out of the bundle (for parsers that reject "
                    "unknown members)");
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->callback([&context, &exit_code, options] {
    finish(run_sign(context, *options), options->json, exit_code, [&](const nlohmann::json& r) {
      std::cout << "wrote " << r["bundle"].get<std::string>() << " (key " << options->key << "@v"
                << r["version"].get<std::uint32_t>() << ", " << r["kind"].get<std::string>()
                << ")\n";
    });
  });
}

}  // namespace ensign::cli
