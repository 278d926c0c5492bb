// verify_command.cpp: `ensign verify` checks a bundle. Exit 0: valid; 1: invalid (reason on
// stderr); 2: usage or input error.
#include <iostream>

#include "attest/key_attestation.h"
#include "cli/commands.h"
#include "host/key_view.h"
#include "core/file.h"
#include "crypto/keys.h"
#include "formats/verify.h"
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

// Outcome is a completed verification: valid or not, and what it found.
struct Outcome {
  bool valid = false;
  std::string reason;
  nlohmann::json report;
};

// SignerCandidate is a public key the bundle may have been made with.
struct SignerCandidate {
  Bytes public_key;
  std::string label;  // "release@v2" or the PEM file name
};

Result<std::vector<SignerCandidate>> candidate_keys(Context& context, const VerifyOptions& options,
                                                    const std::string& hint) {
  std::vector<SignerCandidate> candidates;
  if (!options.public_key_file.empty()) {
    ENSIGN_TRY(text, read_file(options.public_key_file, 64 * 1024));
    auto der = crypto::public_key_der_from_pem_or_der(text);
    if (!der) {
      return fail(der.error().with_context(options.public_key_file));
    }
    candidates.push_back({std::move(der).value(), options.public_key_file});
    return candidates;
  }
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(versions, store->key_versions(options.key));
  for (auto& version : versions) {
    // The hint names the key version; without one, every version is a candidate.
    if (hint.empty() || version.fingerprint == hint) {
      candidates.push_back({std::move(version.public_key), host::key_label(version)});
    }
  }
  return candidates;
}

Result<Bytes> platform_root(Context& context, const VerifyOptions& options) {
  if (!options.sim_root_file.empty()) {
    ENSIGN_TRY(text, read_file(options.sim_root_file, 64 * 1024));
    auto der = crypto::public_key_der_from_pem_or_der(text);
    if (!der) {
      return fail(der.error().with_context(options.sim_root_file));
    }
    return std::move(der).value();
  }
  auto store = context.store();
  if (!store) {
    return fail(ErrorCode::kInvalidArgument,
                "--require-attestation needs the platform root: give --sim-root FILE (the signer's "
                "sim-root.pub.pem) or run where the signing installation is");
  }
  return host::installation_platform_key(**store);
}

Result<Outcome> run_verify(Context& context, const VerifyOptions& options) {
  std::optional<Bytes> expected_measurement;
  if (!options.measurement.empty()) {
    auto decoded = hex_decode(options.measurement);
    if (!decoded) {
      return fail(ErrorCode::kInvalidArgument, "--measurement: " + decoded.error().message());
    }
    expected_measurement = std::move(decoded).value();
  }
  std::string bundle_path = options.bundle.empty() ? options.file + ".sigstore.json" : options.bundle;
  ENSIGN_TRY(bundle_text, read_file(bundle_path, formats::kMaxBundleSize));
  auto bundle = formats::parse_bundle(bundle_text);
  if (!bundle) {
    return fail(bundle.error().with_context(bundle_path));
  }
  ENSIGN_TRY(candidates, candidate_keys(context, options, bundle->public_key_hint));
  Outcome outcome;
  outcome.report = {{"artifact", options.file}, {"bundle", bundle_path}};
  if (candidates.empty()) {
    outcome.reason = "the bundle was made by key id " + bundle->public_key_hint +
                     ", which is no version of key '" + options.key + "'";
    return outcome;
  }
  const SignerCandidate* signer = nullptr;
  std::string first_reason;
  for (const auto& candidate : candidates) {
    ENSIGN_TRY(verdict, formats::verify_bundle(*bundle, options.file, candidate.public_key));
    if (verdict.valid) {
      signer = &candidate;
      break;
    }
    if (first_reason.empty()) {
      first_reason = verdict.reason;
    }
  }
  if (signer == nullptr) {
    outcome.reason = first_reason;
    return outcome;
  }
  outcome.report["signer"] = signer->label;
  outcome.report["key_id"] = crypto::key_fingerprint(signer->public_key);
  if (options.require_attestation || expected_measurement) {
    if (!bundle->key_attestation) {
      outcome.reason = "the bundle carries no key attestation (signed with --no-attestation?)";
      return outcome;
    }
    ENSIGN_TRY(root, platform_root(context, options));
    auto attestation = attest::verify_key_attestation(bundle->key_attestation->platform,
                                                      bundle->key_attestation->evidence,
                                                      signer->public_key, root, expected_measurement);
    outcome.report["key_attestation"] = host::attestation_json(attestation, bundle->key_attestation->evidence);
    if (!attestation.verified) {
      outcome.reason = "key attestation: " + attestation.reason;
      return outcome;
    }
  }
  outcome.valid = true;
  return outcome;
}

}  // namespace

void add_verify_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  auto* command = app.add_subcommand(
      "verify",
      "Verify FILE against its Sigstore bundle. Exit 0 valid, 1 invalid, 2 usage/input error");
  auto* key = command->add_option("--key", options->key, "Key name (any of its versions)");
  auto* public_key = command->add_option("--public-key", options->public_key_file,
                                         "PEM (or DER) public key file");
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
    auto outcome = run_verify(context, *options);
    if (!outcome) {
      report_error(outcome.error());
      exit_code = kExitUsage;  // the verification could not be carried out
      return;
    }
    auto report = outcome->report;
    report["verified"] = outcome->valid;
    if (!outcome->valid) {
      report["reason"] = outcome->reason;
    }
    if (options->json) {
      print_json(report);
    } else if (outcome->valid) {
      std::cout << "verified " << options->file << ": signed by " << report["signer"].get<std::string>();
      if (report.contains("key_attestation")) {
        std::cout << ", key made in a " << report["key_attestation"]["platform"].get<std::string>()
                  << " enclave with measurement "
                  << report["key_attestation"]["measurement"].get<std::string>();
      }
      std::cout << "\n";
    }
    if (!outcome->valid) {
      std::cerr << "ensign: verification failed: " << outcome->reason << "\n";
      exit_code = kExitFailure;
    }
  });
}

}  // namespace ensign::cli
