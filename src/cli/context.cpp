#include "cli/context.h"

#include <iostream>

#include "host/state.h"

namespace ensign::cli {

Result<std::string> Context::home() {
  if (home_.empty()) {
    ENSIGN_TRY(dir, host::state_dir());
    home_ = std::move(dir);
  }
  return home_;
}

Result<host::store::Store*> Context::store() {
  if (!store_) {
    ENSIGN_TRY(dir, home());
    ENSIGN_TRY(opened, host::open_store(dir, host::store::OpenMode::kExisting));
    store_ = std::move(opened);
  }
  return store_.get();
}

Result<host::EnclaveClient*> Context::enclave() {
  if (!enclave_) {
    ENSIGN_TRY(dir, home());
    ENSIGN_TRY(enclave_path, host::default_enclave_path());
    host::EnclaveLaunch launch;
    launch.enclave_path = enclave_path;
    launch.state_dir = dir;
    launch.verbose = verbose;
    // The platform is the one `ensign init` chose; before init there is only sim.
    if (auto opened = store()) {
      ENSIGN_TRY(platform, (*opened)->get_meta(host::kMetaPlatform));
      ENSIGN_TRY(tcti, (*opened)->get_meta(host::kMetaTcti));
      if (platform && tcti) {
        launch.platform = *platform;
        launch.tcti = *tcti;
      }
    }
    ENSIGN_TRY(started, host::EnclaveClient::start(launch));
    enclave_ = std::move(started);
  }
  return enclave_.get();
}

Result<RemoteClient*> Context::remote() {
  if (!remote_) {
    ENSIGN_TRY(client, RemoteClient::from_environment());
    remote_ = client ? std::move(*client) : nullptr;
  }
  return remote_->get();
}

int report_error(const Error& error) {
  std::cerr << "ensign: " << error.message() << "\n";
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kResourceExhausted:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

void print_json(const nlohmann::json& document) {
  std::cout << document.dump(2) << "\n";
}

}  // namespace ensign::cli
