// host_store_fuzzer.cpp: libFuzzer target for the host store's handling of its database file,
// which anyone with access to the state directory can edit. Each input is written as the file;
// Store::open must refuse it with an error or open it, and an opened store must answer every read
// (keys, versions, audit, meta) and a write with a value or an error -- never crash, hang or
// read out of bounds. The seeds in corpus/ are small valid ensign databases.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/bytes.h"
#include "crypto/keys.h"
#include "host/store/store.h"
#include "support/scratch_directory.h"

namespace {

using ensign::host::store::OpenMode;
using ensign::host::store::Store;

// kMaxInputBytes bounds one input: the database files worth fuzzing are a few pages.
constexpr std::size_t kMaxInputBytes = 1 << 20;

// reset_database replaces the per-process database file with `data`, removing any -wal, -shm or
// -journal file the previous input left, and returns its path. The directory goes when the
// process ends.
std::string reset_database(const std::uint8_t* data, std::size_t size) {
  static const ensign::test::ScratchDirectory directory;
  std::string path = directory.path("state.db");
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    ::unlink((path + suffix).c_str());
  }
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

void exercise(Store& store) {
  static_cast<void>(store.schema_version());
  static_cast<void>(store.get_meta("platform"));
  auto keys = store.list_keys();
  if (keys) {
    for (const auto& key : *keys) {
      static_cast<void>(store.get_key(key.name));
      static_cast<void>(store.key_versions(key.name));
      static_cast<void>(store.key_version(key.name, key.current_version));
    }
  }
  static_cast<void>(store.list_audit(std::nullopt, 64));
  static_cast<void>(store.list_audit(std::string("release"), 64));
  ensign::host::store::KeyVersion version;
  version.name = "release";
  version.version = 1;
  version.public_key = ensign::to_bytes("fuzz public key");
  version.sealed_key = ensign::to_bytes("fuzz sealed key");
  version.platform = "sim";
  version.fingerprint = ensign::crypto::key_fingerprint(version.public_key);
  static_cast<void>(store.add_key_version(version, "fuzzer"));
  static_cast<void>(store.set_meta("fuzz", "value"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  auto store = Store::open(reset_database(data, size), OpenMode::kExisting);
  if (store) {
    exercise(**store);
  }
  return 0;
}
