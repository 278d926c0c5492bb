// init_command.cpp: `ensign init` makes ENSIGN_HOME, the platform's state (the sim root, or the
// TPM's SRK, attestation key and sealed state) and the database.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "core/file.h"
#include "crypto/keys.h"
#include "enclave/protocol/launch.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

constexpr char kDefaultTcti[] = "device:/dev/tpmrm0";

struct InitOptions {
  std::string platform = "sim";
  std::string tcti;
  bool json = false;
};

Result<nlohmann::json> run_init(Context& context, const InitOptions& options) {
  bool tpm = options.platform == "tpm";
  if (!tpm && !options.tcti.empty()) {
    return fail(ErrorCode::kInvalidArgument, "--tcti is for --platform tpm");
  }
  ENSIGN_TRY(home, context.home());
  ENSIGN_CHECK(host::ensure_state_dir(home));
  std::string root_path = home + "/" + enclave::protocol::kSimRootFileName;
  ENSIGN_TRY(store, host::open_store(home, host::store::OpenMode::kCreate));
  ENSIGN_TRY(recorded_platform, store->get_meta(host::kMetaPlatform));
  if (recorded_platform && *recorded_platform != options.platform) {
    return fail(ErrorCode::kFailedPrecondition,
                home + " was set up for platform " + *recorded_platform +
                    "; its keys cannot move to " + options.platform +
                    ". Use another ENSIGN_HOME for the " + options.platform + " platform");
  }
  ENSIGN_TRY(recorded_key, store->get_meta(host::kMetaPlatformKey));
  if (!tpm && recorded_key && ::access(root_path.c_str(), F_OK) != 0) {
    // Making a new root now would silently orphan every sealed key.
    return fail(ErrorCode::kFailedPrecondition,
                root_path + ": the sim root of this installation is missing; keys sealed under it "
                            "cannot be used. Restore the file, or start over in an empty ENSIGN_HOME");
  }
  ENSIGN_TRY(enclave_path, host::default_enclave_path());
  std::string tcti = tpm ? (options.tcti.empty() ? kDefaultTcti : options.tcti) : "";
  host::EnclaveLaunch launch{enclave_path, home, true, context.verbose, options.platform, tcti};
  ENSIGN_TRY(enclave, host::EnclaveClient::start(launch));
  const auto& hello = enclave->hello();
  std::string platform_key = base64_encode(hello.platform_key);
  std::string measurement = hex_encode(hello.measurement);
  if (recorded_key && *recorded_key != platform_key) {
    return fail(ErrorCode::kFailedPrecondition,
                tpm ? "the TPM's attestation key differs from the one this database was made "
                      "with: another TPM, or " + home + "/tpm-ak.blob was replaced"
                    : root_path + ": the sim root differs from the one this database was made with");
  }
  ENSIGN_TRY(recorded_measurement, store->get_meta(host::kMetaMeasurement));
  if (recorded_measurement && *recorded_measurement != measurement) {
    std::cerr << "ensign: note: the enclave build changed (measurement " << measurement.substr(0, 16)
              << "..., was " << recorded_measurement->substr(0, 16)
              << "...); keys sealed by the old build cannot be used by this one\n";
  }
  ENSIGN_CHECK(store->set_meta(host::kMetaPlatform, hello.platform));
  ENSIGN_CHECK(store->set_meta(host::kMetaMeasurement, measurement));
  ENSIGN_CHECK(store->set_meta(host::kMetaPlatformKey, platform_key));
  if (tpm) {
    ENSIGN_CHECK(store->set_meta(host::kMetaTcti, tcti));
  }
  ENSIGN_TRY(initialized_at, store->get_meta(host::kMetaInitializedAt));
  if (!initialized_at) {
    ENSIGN_CHECK(store->set_meta(host::kMetaInitializedAt, std::to_string(::time(nullptr))));
  }
  ENSIGN_TRY(root_pem, crypto::public_key_to_pem(hello.platform_key));
  ENSIGN_CHECK(write_file_atomic(
      home + "/" + (tpm ? host::kTpmAkPublicFileName : host::kSimRootPublicFileName),
      as_bytes(root_pem), 0644));
  nlohmann::json result{
      {"home", home},
      {"platform", hello.platform},
      {"measurement", measurement},
      {"enclave_version", hello.enclave_version},
      {"platform_key_pem", root_pem},
      {"database", home + "/" + host::kDatabaseFileName},
  };
  if (tpm) {
    result["tcti"] = tcti;
  }
  return result;
}

}  // namespace

void add_init_command(CLI::App& app, Context& context, int& exit_code) {
  auto options = std::make_shared<InitOptions>();
  auto* command = app.add_subcommand(
      "init", "Set up ENSIGN_HOME: the platform root, the database. Safe to run again.");
  command->add_option("--platform", options->platform, "TEE platform")
      ->check(CLI::IsMember({"sim", "tpm"}))
      ->capture_default_str();
  command->add_option("--tcti", options->tcti,
                      "tpm: the tpm2-tss TCTI (default device:/dev/tpmrm0; swtpm: "
                      "swtpm:host=127.0.0.1,port=2321)");
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->callback([&context, &exit_code, options] {
    finish(run_init(context, *options), options->json, exit_code, [](const nlohmann::json& r) {
      bool tpm = r["platform"] == "tpm";
      std::cout << "initialized " << r["home"].get<std::string>() << "\n"
                << "  platform     " << r["platform"].get<std::string>()
                << (tpm ? " (TCTI " + r["tcti"].get<std::string>() + ")"
                        : std::string(" (simulated: development only, production policy rejects it)"))
                << "\n"
                << "  measurement  " << r["measurement"].get<std::string>() << "\n"
                << "  database     " << r["database"].get<std::string>() << "\n";
    });
  });
}

}  // namespace ensign::cli
