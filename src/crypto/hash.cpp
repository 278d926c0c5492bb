#include "crypto/hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ensign::crypto {

std::size_t hash_size(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha384:
      return 48;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

const EVP_MD* evp_md(HashAlgorithm algorithm) {
  // Fetched once and kept for the process: OpenSSL 3 looks EVP_sha256() and its kind up again,
  // under a lock, every time a digest starts.
  static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static const EVP_MD* const kSha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static const EVP_MD* const kSha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  switch (algorithm) {
    case HashAlgorithm::kSha256:
      return kSha256;
    case HashAlgorithm::kSha384:
      return kSha384;
    case HashAlgorithm::kSha512:
      return kSha512;
  }
  return nullptr;
}

Hasher::Hasher(HashAlgorithm algorithm) : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(context_.get(), evp_md(algorithm), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

void Hasher::update(ByteView data) {
  if (EVP_DigestUpdate(context_.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

Bytes Hasher::finish() {
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_.get(), digest.data(), &length) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  digest.resize(length);
  return digest;
}

Bytes hash(HashAlgorithm algorithm, ByteView data) {
  Hasher hasher(algorithm);
  hasher.update(data);
  return hasher.finish();
}

Bytes sha256(ByteView data) {
  return hash(HashAlgorithm::kSha256, data);
}

Bytes sha384(ByteView data) {
  return hash(HashAlgorithm::kSha384, data);
}

Result<Bytes> hash_file(HashAlgorithm algorithm, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ErrorCode code = errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable;
    return fail(code, path + ": cannot open: " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kInvalidArgument, path + ": is a directory, not a file");
  }
  Hasher hasher(algorithm);
  std::uint8_t buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int saved = errno;
      ::close(fd);
      return fail(ErrorCode::kUnavailable, path + ": cannot read: " + std::strerror(saved));
    }
    if (n == 0) {
      break;
    }
    hasher.update({buffer, static_cast<std::size_t>(n)});
  }
  ::close(fd);
  return hasher.finish();
}

}  // namespace ensign::crypto
