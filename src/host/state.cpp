#include "host/state.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace ensign::host {

Result<std::string> state_dir() {
  if (const char* home = std::getenv("ENSIGN_HOME"); home != nullptr && *home) {
    return std::string(home);
  }
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data) {
    return std::string(data) + "/ensign";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return std::string(home) + "/.local/share/ensign";
  }
  return fail(ErrorCode::kFailedPrecondition, "set ENSIGN_HOME (no HOME to put the state in)");
}

Status ensure_state_dir(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    std::filesystem::create_directories(dir, error);
    if (error) {
      return fail(ErrorCode::kUnavailable, dir + ": cannot create: " + error.message());
    }
    if (::chmod(dir.c_str(), 0700) != 0) {
      return fail(ErrorCode::kUnavailable, dir + ": cannot set mode 0700: " + std::strerror(errno));
    }
    return {};
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    return fail(ErrorCode::kUnavailable, dir + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(info.st_mode)) {
    return fail(ErrorCode::kFailedPrecondition, dir + ": is not a directory");
  }
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                dir + ": state directory is accessible to other users (chmod 700 it)");
  }
  return {};
}

Result<std::unique_ptr<store::Store>> open_store(const std::string& dir, store::OpenMode mode) {
  if (const char* url = std::getenv(kDatabaseVariable); url != nullptr && *url) {
    return store::Store::open_url(url, mode);
  }
  std::string path = dir + "/" + kDatabaseFileName;
  if (mode == store::OpenMode::kExisting && ::access(path.c_str(), F_OK) != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                path + ": no ensign state here (run `ensign init`, or set ENSIGN_HOME)");
  }
  return store::Store::open(path, mode);
}

std::string current_actor() {
  if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr && entry->pw_name != nullptr) {
    return std::string("local:") + entry->pw_name;
  }
  return "local:uid" + std::to_string(::geteuid());
}

}  // namespace ensign::host
