// merkle_vectors.h: reads the transparency-dev/merkle proof vectors (../shared/vectors/merkle):
// one JSON case per file under merkle/<kind>/, in folders by tree, with base64 hashes.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/file.h"
#include "support/vectors.h"

namespace ensign::test {

// merkle_cases lists the case files of one kind: "inclusion" or "consistency".
inline std::vector<std::filesystem::path> merkle_cases(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(vectors_dir() / "merkle" / kind)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  return files;
}

inline nlohmann::json read_merkle_case(const std::filesystem::path& path) {
  auto text = read_file(path.string(), 1024 * 1024);
  EXPECT_TRUE(text.has_value()) << path;
  return text ? nlohmann::json::parse(as_string(*text)) : nlohmann::json::object();
}

// The case's "proof" is null or a list of base64 strings.
inline std::vector<std::string> merkle_proof_texts(const nlohmann::json& proof) {
  return proof.is_array() ? proof.get<std::vector<std::string>>() : std::vector<std::string>{};
}

inline Bytes merkle_hash(const nlohmann::json& value) {
  auto bytes = base64_decode(value.get<std::string>());
  EXPECT_TRUE(bytes.has_value()) << value;
  return bytes ? *bytes : Bytes{};
}

inline std::vector<Bytes> merkle_proof(const nlohmann::json& proof) {
  std::vector<Bytes> hashes;
  for (const auto& text : merkle_proof_texts(proof)) {
    hashes.push_back(merkle_hash(text));
  }
  return hashes;
}

}  // namespace ensign::test
