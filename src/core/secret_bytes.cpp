#include "core/secret_bytes.h"

#include <openssl/crypto.h>
#include <sys/mman.h>

#include <cstring>
#include <new>
#include <utility>

namespace ensign {

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  if (size == 0) {
    return;
  }
  // OPENSSL_secure_zalloc falls back to the ordinary heap when no secure heap is initialised;
  // in that case lock the pages ourselves so the bytes are never swapped out.
  data_ = static_cast<std::uint8_t*>(OPENSSL_secure_zalloc(size));
  if (data_ == nullptr) {
    throw std::bad_alloc();
  }
  if (CRYPTO_secure_allocated(data_) == 0) {
    locked_ = mlock(data_, size_) == 0;
  }
}

SecretBytes::~SecretBytes() {
  release();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      locked_(std::exchange(other.locked_, false)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    locked_ = std::exchange(other.locked_, false);
  }
  return *this;
}

SecretBytes SecretBytes::copy_of(ByteView bytes) {
  SecretBytes secret(bytes.size());
  if (!bytes.empty()) {
    std::memcpy(secret.data_, bytes.data(), bytes.size());
  }
  return secret;
}

void SecretBytes::release() {
  if (data_ == nullptr) {
    return;
  }
  OPENSSL_cleanse(data_, size_);
  if (locked_) {
    munlock(data_, size_);
  }
  OPENSSL_secure_clear_free(data_, size_);
  data_ = nullptr;
  size_ = 0;
  locked_ = false;
}

bool init_secure_heap(std::size_t size, std::size_t minimum_allocation) {
  int made = CRYPTO_secure_malloc_init(size, minimum_allocation);
  if (made == 2) {  // the heap exists but its pages are not locked
    CRYPTO_secure_malloc_done();
  }
  return made == 1;
}

}  // namespace ensign
