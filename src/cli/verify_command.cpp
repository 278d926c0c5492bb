// verify_command.cpp: `ensign verify` checks a bundle, here or (in remote mode, with --key) by
// ensignd, which receives the bundle and the artifact's digest. Exit 0: valid; 1: invalid
// (reason on stderr); 2: usage or input error.
#include <iostream>
#include <utility>
#include <variant>

#include "cli/commands.h"
#include "core/file.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "enclave/protocol/messages.h"
#include "formats/api_requests.h"
#include "host/bundle_check.h"
#include "host/key_view.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

struct VerifyOptions {
  std::string key;
  std::string public_key_file;
  std::string file;
  std::string bundle;
  bool require_attestation = false;
  std::string measurement;
  std::string sim_root_file;
  bool json = false;
};

Result<Bytes> public_key_file_der(const std::string& path) {
  ENSIGN_TRY(text, read_file(path, 64 * 1024));
  auto der = crypto::public_key_der_from_pem_or_der(text);
  if (!der) {
    return fail(der.error().with_context(path));
  }
  return std::move(der).value();
}

Result<std::vector<host::SignerCandidate>> candidate_keys(Context& context,
                                                          const VerifyOptions& options,
                                                          const std::string& hint) {
  if (!options.public_key_file.empty()) {
    ENSIGN_TRY(der, public_key_file_der(options.public_key_file));
    return std::vector<host::SignerCandidate>{{std::move(der), options.public_key_file}};
  }
  ENSIGN_TRY(store, context.store());
  return host::key_signers(*store, options.key, hint);
}

Result<Bytes> platform_root(Context& context, const VerifyOptions& options) {
  if (!options.sim_root_file.empty()) {
    return public_key_file_der(options.sim_root_file);
  }
  auto store = context.store();
  if (!store) {
    return fail(ErrorCode::kInvalidArgument,
                "--require-attestation needs the platform root: give --sim-root FILE (the signer's "
                "sim-root.pub.pem) or run where the signing installation is");
  }
  return host::installation_platform_key(**store);
}

Result<std::optional<Bytes>> expected_measurement(const VerifyOptions& options) {
  if (options.measurement.empty()) {
    return std::optional<Bytes>();
  }
  auto decoded = hex_decode(options.measurement);
  if (!decoded) {
    return fail(ErrorCode::kInvalidArgument, "--measurement: " + decoded.error().message());
  }
  return std::optional<Bytes>(std::move(decoded).value());
}

Result<formats::Bundle> read_bundle(const std::string& path) {
  ENSIGN_TRY(text, read_file(path, formats::kMaxBundleSize));
  auto bundle = formats::parse_bundle(text);
  if (!bundle) {
    return fail(bundle.error().with_context(path));
  }
  return std::move(bundle).value();
}

// run_local_verify checks the bundle here, against this installation's key or a given public key.
Result<nlohmann::json> run_local_verify(Context& context, const VerifyOptions& options,
                                        const formats::Bundle& bundle) {
  ENSIGN_TRY(measurement, expected_measurement(options));
  ENSIGN_TRY(candidates, candidate_keys(context, options, bundle.public_key_hint));
  host::AttestationCheck attestation{options.require_attestation, std::move(measurement),
                                     [&] { return platform_root(context, options); }};
  ENSIGN_TRY(check, host::check_bundle(bundle, options.file, candidates, options.key, attestation));
  return host::bundle_check_json(check);
}

// add_remote_artifact adds what travels to ensignd: the artifact's digest, except for an Ed25519
// messageSignature, which covers the whole artifact.
Status add_remote_artifact(RemoteClient& remote, const VerifyOptions& options,
                           formats::VerifyRequest& request) {
  using Artifact = formats::VerifyRequest::Artifact;
  crypto::HashAlgorithm digest_algorithm = crypto::HashAlgorithm::kSha256;  // a DSSE subject's
  if (std::holds_alternative<formats::MessageSignature>(request.bundle.content)) {
    ENSIGN_TRY(key, fetch_key(remote, options.key));
    if (!crypto::signature_hash(key.algorithm)) {
      ENSIGN_TRY(message, read_file(options.file, formats::kMaxDssePayloadSize));
      request.artifact = Artifact::kMessage;
      request.data = std::move(message);
      return {};
    }
    digest_algorithm = formats::message_digest_algorithm(key.algorithm);
  }
  ENSIGN_TRY(digest, crypto::hash_file(digest_algorithm, options.file));
  request.artifact = Artifact::kDigest;
  request.data = std::move(digest);
  return {};
}

// run_remote_verify has ensignd check the bundle against its key's versions.
Result<nlohmann::json> run_remote_verify(RemoteClient& remote, const VerifyOptions& options,
                                         formats::Bundle bundle) {
  if (!options.sim_root_file.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "--sim-root is for verifying here; in remote mode (ENSIGN_URL) ensignd checks key "
                "attestations against its installation's platform root");
  }
  if (!enclave::protocol::is_valid_key_id(options.key)) {
    return fail(ErrorCode::kInvalidArgument, "'" + options.key + "' is not a key name");
  }
  formats::VerifyRequest request;
  ENSIGN_TRY(measurement, expected_measurement(options));
  request.bundle = std::move(bundle);
  request.require_attestation = options.require_attestation;
  request.measurement = std::move(measurement);
  ENSIGN_CHECK(add_remote_artifact(remote, options, request));
  std::string path = "/v1/keys/" + options.key + "/verify";
  ENSIGN_TRY(report, remote.post_json(path, formats::encode_verify_request(request)));
  bool well_formed = report.is_object() && report.contains("verified") &&
                     report["verified"].is_boolean() &&
                     report.contains(report["verified"].get<bool>() ? "signer" : "reason");
  if (!well_formed) {
    return fail(ErrorCode::kInternal, remote.url() + path + ": not a verification report");
  }
  report["server"] = remote.url();
  return report;
}

Result<nlohmann::json> run_verify(Context& context, const VerifyOptions& options) {
  std::string bundle_path = options.bundle.empty() ? options.file + ".sigstore.json" : options.bundle;
  ENSIGN_TRY(bundle, read_bundle(bundle_path));
  ENSIGN_TRY(remote, context.remote());
  auto report = remote != nullptr && options.public_key_file.empty()
                    ? run_remote_verify(*remote, options, std::move(bundle))
                    : run_local_verify(context, options, bundle);
  if (report) {
    (*report)["artifact"] = options.file;
    (*report)["bundle"] = bundle_path;
  }
  return report;
}

// text_of is a report member as text, "?" when a server left it out.
std::string text_of(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "?";
}

}  // namespace

void add_verify_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  auto* command = app.add_subcommand(
      "verify",
      "Verify FILE against its Sigstore bundle (in remote mode with --key, ensignd checks it). "
      "Exit 0 valid, 1 invalid, 2 usage/input error");
  auto* key = command->add_option("--key", options->key, "Key name (any of its versions)");
  auto* public_key = command->add_option("--public-key", options->public_key_file,
                                         "PEM (or DER) public key file (always checked here)");
  key->excludes(public_key);
  command->add_option("file", options->file, "The artifact (for DSSE: the payload or a subject)")
      ->required();
  command->add_option("--bundle", options->bundle, "Bundle path (default FILE.sigstore.json)");
  command->add_flag("--require-attestation", options->require_attestation,
                    "Also require a key attestation proving the key was made in an enclave");
  command->add_option("--measurement", options->measurement,
                      "Hex enclave measurement the key attestation must show (implies "
                      "--require-attestation)");
  command->add_option("--sim-root", options->sim_root_file,
                      "The signer's sim platform root public key (default: this installation's)");
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->callback([&context, &exit_code, options] {
    if (options->key.empty() && options->public_key_file.empty()) {
      std::cerr << "ensign: verify needs --key NAME or --public-key FILE\n";
      exit_code = kExitUsage;
      return;
    }
    auto checked = run_verify(context, *options);
    if (!checked) {
      report_error(checked.error());
      exit_code = kExitUsage;  // the verification could not be carried out
      return;
    }
    const nlohmann::json& report = *checked;
    bool valid = report["verified"].get<bool>();
    if (options->json) {
      print_json(report);
    } else if (valid) {
      std::cout << "verified " << options->file << ": signed by " << text_of(report, "signer");
      if (report.contains("key_attestation") && report["key_attestation"].is_object()) {
        const auto& attestation = report["key_attestation"];
        std::cout << ", key made in a " << text_of(attestation, "platform")
                  << " enclave with measurement " << text_of(attestation, "measurement");
      }
      std::cout << "\n";
    }
    if (!valid) {
      std::cerr << "ensign: verification failed: " << text_of(report, "reason") << "\n";
      exit_code = kExitFailure;
    }
  });
}

}  // namespace ensign::cli
