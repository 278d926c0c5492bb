// vectors.h: where tests find the shared attestation vectors (../shared/vectors, real evidence
// from real hardware, read in place and never copied into the repository).
//
// The directory is the ENSIGN_VECTORS_DIR environment variable when set, else the one CMake
// found at configure time (ENSIGN_VECTORS_DIR_DEFAULT). Tests that need it call
// ENSIGN_REQUIRE_VECTORS(), which fails the test when the directory is missing: a machine without
// the vectors cannot claim the hardware formats work.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/bytes.h"
#include "core/file.h"

namespace ensign::test {

inline std::filesystem::path vectors_dir() {
  if (const char* from_environment = std::getenv("ENSIGN_VECTORS_DIR")) {
    return from_environment;
  }
  return ENSIGN_VECTORS_DIR_DEFAULT;
}

// read_vector returns the bytes of a file under the vectors directory, e.g. "snp/x.bin".
inline Bytes read_vector(const std::string& relative_path) {
  auto path = vectors_dir() / relative_path;
  auto contents = read_file(path.string(), 64 * 1024 * 1024);
  EXPECT_TRUE(contents.has_value()) << path << ": "
                                    << (contents ? "" : contents.error().message());
  return contents ? *contents : Bytes{};
}

}  // namespace ensign::test

#define ENSIGN_REQUIRE_VECTORS()                                                        \
  ASSERT_TRUE(std::filesystem::is_directory(::ensign::test::vectors_dir()))             \
      << "the attestation vectors are missing: set ENSIGN_VECTORS_DIR to the directory " \
         "holding manifest.json (../shared/vectors)"
