// secret_bytes.h: SecretBytes, the only type that holds plaintext secret bytes (private keys,
// sealing keys, root material).
//
// It is move-only, its pages are locked in memory (OpenSSL's secure heap where initialised,
// otherwise mlock, best effort), it is wiped with OPENSSL_cleanse when destroyed or moved from,
// and it cannot be printed, serialised or compared with ==: use constant_time_equal on view().
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>

#include "core/bytes.h"

namespace ensign {

class SecretBytes {
 public:
  SecretBytes() = default;
  // SecretBytes(size) allocates `size` zero bytes.
  explicit SecretBytes(std::size_t size);
  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // copy_of copies `bytes` into a new secret buffer; the caller remains responsible for wiping
  // the source.
  static SecretBytes copy_of(ByteView bytes);

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_, size_}; }

  // Printing, comparing or serialising a secret is a compile error.
  friend std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;
  bool operator==(const SecretBytes&) const = delete;

 private:
  void release();

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  bool locked_ = false;  // true when we mlock'ed the pages ourselves
};

// init_secure_heap creates OpenSSL's secure heap of `size` bytes (a power of two), from which
// every SecretBytes is then taken: locked, guarded pages, with no system call per secret. Returns
// true only when the pages are locked; when they cannot be, it takes the heap down again, so
// each SecretBytes goes on locking its own pages.
bool init_secure_heap(std::size_t size, std::size_t minimum_allocation);

}  // namespace ensign
