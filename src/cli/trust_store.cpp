#include "cli/trust_store.h"

#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>

#include "core/file.h"
#include "core/openssl_handles.h"
#include "host/state.h"

namespace ensign::cli {
namespace {

constexpr std::size_t kMaxTrustedRootFiles = 64;

std::string file_name_for(const attest::pki::Certificate& root, std::string_view pin_name) {
  if (pin_name == "unpinned") {
    return "unpinned-" + root.sha256().substr(0, 16) + ".pem";
  }
  std::string name;
  for (char c : pin_name) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                : '-';
  }
  return name + ".pem";
}

Result<std::string> to_pem(const attest::pki::Certificate& certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate.get()) != 1) {
    return openssl_error("PEM_write_bio_X509");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

Result<std::string> trust_dir(const std::string& chosen) {
  if (!chosen.empty()) {
    return chosen;
  }
  ENSIGN_TRY(home, host::state_dir());
  return home + "/trust";
}

Result<std::vector<Bytes>> read_trusted_roots(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    return std::vector<Bytes>{};
  }
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() && (extension == ".pem" || extension == ".crt" ||
                                    extension == ".der")) {
      paths.push_back(entry.path().string());
    }
  }
  if (error) {
    return fail(ErrorCode::kInvalidArgument, dir + ": " + error.message());
  }
  if (paths.size() > kMaxTrustedRootFiles) {
    return fail(ErrorCode::kInvalidArgument, dir + ": more than " +
                                                 std::to_string(kMaxTrustedRootFiles) +
                                                 " certificate files");
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Bytes> files;
  for (const auto& path : paths) {
    ENSIGN_TRY(contents, read_file(path, attest::pki::kMaxPemBundleSize));
    files.push_back(std::move(contents));
  }
  return files;
}

Result<std::string> add_trusted_root(const std::string& dir, const attest::pki::Certificate& root,
                                     std::string_view pin_name) {
  ENSIGN_CHECK(host::ensure_state_dir(dir));
  ENSIGN_TRY(pem, to_pem(root));
  std::string path = dir + "/" + file_name_for(root, pin_name);
  ENSIGN_CHECK(write_file_atomic(path, as_bytes(pem), 0644));
  return path;
}

}  // namespace ensign::cli
