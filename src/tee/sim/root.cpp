#include "tee/sim/root.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/file.h"
#include "core/secret_bytes.h"
#include "crypto/aead.h"
#include "crypto/keys.h"

namespace ensign::tee::sim {
namespace {

// refuse_password stops OpenSSL from prompting on a terminal for an encrypted PEM.
int refuse_password(char*, int, int, void*) {
  return -1;
}

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// open_root_bio opens the root file and checks it before a byte is read; the BIO owns the
// descriptor and reads it unbuffered, so the PEM text reaches only OpenSSL's secure buffers.
Result<BioPtr> open_root_bio(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int saved = errno;
    if (saved == ENOENT) {
      return fail(ErrorCode::kNotFound,
                  path + ": no sim root here; run `ensign init` to create one");
    }
    return fail(saved == EACCES ? ErrorCode::kPermissionDenied : ErrorCode::kUnavailable,
                path + ": cannot open sim root: " + std::strerror(saved));
  }
  BioPtr bio(BIO_new_fd(fd, BIO_CLOSE));
  if (!bio) {
    ::close(fd);
    return fail(openssl_error(path + ": cannot read sim root"));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return fail(ErrorCode::kUnavailable, path + ": cannot stat sim root: " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return fail(ErrorCode::kInvalidArgument, path + ": sim root is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::kPermissionDenied,
                path + ": sim root has mode " + mode_text(info.st_mode) +
                    ", open to group or others; run `chmod 600 " + path + "`");
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxRootFileSize) {
    return fail(ErrorCode::kInvalidArgument,
                path + ": sim root of " + std::to_string(info.st_size) +
                    " bytes is over the limit of " + std::to_string(kMaxRootFileSize));
  }
  return bio;
}

Status check_root_algorithm(const EVP_PKEY* key, const std::string& path) {
  auto algorithm = crypto::key_algorithm_of(key);
  if (!algorithm || *algorithm != crypto::KeyAlgorithm::kEcdsaP384) {
    return fail(ErrorCode::kDataLoss, path + ": sim root is not an ECDSA P-384 private key");
  }
  return {};
}

}  // namespace

Result<EvpPkeyPtr> load_sim_root(const std::string& path) {
  ENSIGN_TRY(bio, open_root_bio(path));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, nullptr));
  if (!key) {
    return fail(openssl_error(path + ": sim root is not an unencrypted PEM private key",
                              ErrorCode::kDataLoss));
  }
  ENSIGN_CHECK(check_root_algorithm(key.get(), path));
  return key;
}

Result<EvpPkeyPtr> create_sim_root(const std::string& path) {
  ENSIGN_TRY(key, crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP384));
  // A secure-heap memory BIO: the PEM text never sits on the ordinary heap.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(
                  bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(openssl_error(path + ": cannot encode sim root"));
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) {
    return fail(openssl_error(path + ": cannot encode sim root"));
  }
  SecretBytes pem = SecretBytes::copy_of(
      ByteView(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)));
  // Written in full beside the target, then linked into place: link(2) fails when the target
  // exists, so of two racing creators one wins, and no reader ever sees a half-written root.
  ENSIGN_TRY(suffix, crypto::random_bytes(8));
  std::string temporary = path + ".new-" + hex_encode(suffix);
  ENSIGN_CHECK(create_file_exclusive(temporary, pem.view(), 0600));
  int linked = ::link(temporary.c_str(), path.c_str());
  int saved = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    return fail(saved == EEXIST ? ErrorCode::kAlreadyExists : ErrorCode::kUnavailable,
                path + ": cannot create sim root: " + std::strerror(saved));
  }
  return key;
}

}  // namespace ensign::tee::sim
