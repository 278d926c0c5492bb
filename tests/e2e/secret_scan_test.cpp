// secret_scan_test.cpp: after a session that creates keys, signs and rotates, no file in
// ENSIGN_HOME, no output file and no log line holds any private key material.
//
// How the test learns the private keys without any shipped code path that reveals them: it
// plays the attacker the sim platform documents it cannot stop — someone who can read the sim
// root file. With the root and the enclave binary (whose SHA-384 is the measurement) it derives
// the sealing key exactly as the enclave does, unseals every stored key version, and then looks
// for each private scalar in every encoding a leak could take: raw bytes, hex (either case),
// base64/base64url at every byte alignment (so any base64 of a structure holding the scalar,
// PEM included, is caught; files are also scanned with line breaks removed), and the PKCS#8
// DER. A planted copy proves the scanner finds what it looks for.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/file.h"
#include "crypto/aead.h"
#include "crypto/keys.h"
#include "host/store/store.h"
#include "support/private_key_bytes.h"
#include "support/scratch_directory.h"
#include "tee/sim/measurement.h"
#include "tee/sim/sim_platform.h"

namespace ensign {
namespace {

namespace fs = std::filesystem;

const std::string kEnsign = std::string(ENSIGN_BIN_DIR) + "/ensign";
const std::string kEnclave = std::string(ENSIGN_BIN_DIR) + "/ensign-enclave";

// Pattern is one encoding of secret material, named for the failure message.
struct Pattern {
  std::string name;
  std::string bytes;
};

std::string upper(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

// base64_at_alignments returns the part of base64(x) that is fixed whatever bytes come before
// and after x in the encoded stream, for each of the three byte alignments.
std::vector<std::string> base64_at_alignments(ByteView secret, bool url) {
  std::vector<std::string> out;
  for (std::size_t prefix = 0; prefix < 3; ++prefix) {
    Bytes shifted(prefix, 0);
    shifted.insert(shifted.end(), secret.begin(), secret.end());
    std::string encoded = url ? base64url_encode(shifted) : base64_encode(shifted);
    std::size_t skip = prefix == 0 ? 0 : prefix + 1;
    std::string stable = encoded.substr(skip, encoded.size() - skip - 4);
    out.push_back(stable);
  }
  return out;
}

std::vector<Pattern> patterns_for(const std::string& label, ByteView scalar, ByteView der) {
  std::vector<Pattern> patterns = {
      {label + " raw scalar", as_string(scalar)},
      {label + " scalar hex", hex_encode(scalar)},
      {label + " scalar HEX", upper(hex_encode(scalar))},
      {label + " PKCS#8 DER", as_string(der)},
  };
  for (bool url : {false, true}) {
    for (auto& text : base64_at_alignments(scalar, url)) {
      patterns.push_back({label + (url ? " scalar base64url" : " scalar base64"), text});
    }
  }
  return patterns;
}

// pem_wrapped breaks base64 text into PEM's 64-character lines.
std::string pem_wrapped(const std::string& base64) {
  std::string out;
  for (std::size_t i = 0; i < base64.size(); i += 64) {
    out += base64.substr(i, 64) + "\n";
  }
  return out;
}

// findings returns "file: pattern" for each pattern found in each file under `roots`.
std::vector<std::string> findings(const std::vector<std::string>& roots,
                                  const std::vector<Pattern>& patterns) {
  std::vector<std::string> found;
  for (const auto& root : roots) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) {
        continue;
      }
      auto content = read_file(entry.path().string(), 64 * 1024 * 1024);
      if (!content) {
        continue;
      }
      std::string text = as_string(*content);
      std::string unwrapped;
      for (char c : text) {
        if (c != '\n' && c != '\r') {
          unwrapped.push_back(c);
        }
      }
      for (const auto& pattern : patterns) {
        if (text.find(pattern.bytes) != std::string::npos ||
            unwrapped.find(pattern.bytes) != std::string::npos) {
          found.push_back(entry.path().string() + ": " + pattern.name);
        }
      }
    }
  }
  return found;
}

class SecretScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = scratch_.root();
    home_ = work_ + "/home";
    outputs_ = work_ + "/outputs";
    fs::create_directories(outputs_);
    ::setenv("ENSIGN_HOME", home_.c_str(), 1);
  }

  // run executes an ensign command with --verbose, appending its stdout and stderr (which
  // includes the enclave's log lines) to the session log.
  void run(const std::string& arguments) {
    std::string command = "cd " + outputs_ + " && " + kEnsign + " --verbose " + arguments +
                          " >> " + outputs_ + "/session.log 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  test::ScratchDirectory scratch_;
  std::string pem_leak_;  // a PEM body of one private key, for the control
  std::string work_;
  std::string home_;
  std::string outputs_;
};

TEST_F(SecretScanTest, NoPrivateKeyMaterialInStateOutputsOrLogs) {
  run("init");
  run("key create p256");
  run("key create p384 --alg ecdsa-p384");
  run("key create ed --alg ed25519");
  std::ofstream(outputs_ + "/artifact.bin") << "release artifact contents";
  std::ofstream(outputs_ + "/statement.json") << R"({"_type":"https://in-toto.io/Statement/v1"})";
  for (const char* key : {"p256", "p384", "ed"}) {
    run(std::string("sign --key ") + key + " artifact.bin --bundle " + key + ".json");
    run(std::string("sign --key ") + key + " --dsse statement.json --bundle " + key + ".dsse.json");
    run(std::string("key show ") + key + " --json");
    run(std::string("key export-public ") + key + " -o " + key + ".pem");
  }
  run("key rotate p256");
  run("sign --key p256 artifact.bin");
  run("key list --json");

  // The attacker's view: root file + enclave binary -> sealing key -> every private key.
  auto measurement = tee::sim::measure_file(kEnclave);
  ASSERT_TRUE(measurement) << measurement.error().message();
  auto platform = tee::sim::SimPlatform::open(home_ + "/sim-root.pem", *measurement,
                                              tee::sim::RootMode::kLoad);
  ASSERT_TRUE(platform) << platform.error().message();
  auto store = host::store::Store::open(home_ + "/ensign.db", host::store::OpenMode::kExisting);
  ASSERT_TRUE(store) << store.error().message();
  auto keys = (*store)->list_keys();
  ASSERT_TRUE(keys);
  std::vector<Pattern> patterns;
  std::size_t versions_seen = 0;
  for (const auto& key : *keys) {
    auto versions = (*store)->key_versions(key.name);
    ASSERT_TRUE(versions);
    for (const auto& version : *versions) {
      std::string object_id = version.name + "@" + std::to_string(version.version);
      auto der = (*platform)->unseal(tee::SealPurpose::kSigningKey, object_id, version.sealed_key);
      ASSERT_TRUE(der) << object_id << ": " << der.error().message();
      auto private_key = crypto::private_key_from_der(*der, version.algorithm);
      ASSERT_TRUE(private_key) << private_key.error().message();
      Bytes scalar = test::private_key_bytes(private_key->get());
      ASSERT_FALSE(scalar.empty()) << object_id;
      auto more = patterns_for(object_id, scalar, der->view());
      patterns.insert(patterns.end(), more.begin(), more.end());
      if (pem_leak_.empty()) {
        pem_leak_ = pem_wrapped(base64_encode(der->view()));
      }
      ++versions_seen;
    }
  }
  ASSERT_EQ(versions_seen, 4u);

  auto found = findings({home_, outputs_}, patterns);
  EXPECT_TRUE(found.empty()) << "private key material found:\n" << ::testing::PrintToString(found);

  // Control: the same scanner finds a planted leak in each encoding family.
  fs::create_directories(work_ + "/planted");
  const Pattern& raw = patterns.at(0);
  const Pattern& hex_upper = patterns.at(2);
  std::ofstream(work_ + "/planted/log.txt") << "line before " << hex_upper.bytes << " after\n";
  std::ofstream(work_ + "/planted/blob.bin", std::ios::binary) << "\x01\x02" << raw.bytes << "\x03";
  std::ofstream(work_ + "/planted/key.pem")
      << "-----BEGIN PRIVATE KEY-----\n" << pem_leak_ << "-----END PRIVATE KEY-----\n";
  auto planted = findings({work_ + "/planted"}, patterns);
  for (const char* file : {"log.txt", "blob.bin", "key.pem"}) {
    bool caught = std::any_of(planted.begin(), planted.end(), [&](const std::string& finding) {
      return finding.find(std::string("/planted/") + file + ":") != std::string::npos;
    });
    EXPECT_TRUE(caught) << "the scanner missed the leak planted in " << file;
  }
}

}  // namespace
}  // namespace ensign
