// formats_fixture.h: test helpers for the formats tests: fresh keys, bundles signed the way the
// ensign signer makes them (messageSignature over an artifact, DSSE over a payload), in-toto
// statements naming an artifact, a scratch directory, and running a shell command.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "core/bytes.h"
#include "core/file.h"
#include "core/result.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "formats/bundle.h"
#include "formats/intoto.h"
#include "support/scratch_directory.h"

namespace ensign::formats::testing {

// must returns the value of a Result, or throws (which GoogleTest reports as a failure).
template <typename T>
T must(Result<T> result) {
  if (!result) {
    throw std::runtime_error("unexpected error: " + result.error().message());
  }
  return std::move(result).value();
}

inline void must(Status status) {
  if (!status) {
    throw std::runtime_error("unexpected error: " + status.error().message());
  }
}

// TestKey is a fresh key pair with its DER SPKI and hint (the key fingerprint).
struct TestKey {
  crypto::KeyAlgorithm algorithm;
  EvpPkeyPtr key;
  Bytes public_der;
  std::string hint;
};

inline TestKey make_key(crypto::KeyAlgorithm algorithm) {
  TestKey test_key{algorithm, must(crypto::generate_private_key(algorithm)), {}, {}};
  test_key.public_der = must(crypto::public_key_to_der(test_key.key.get()));
  test_key.hint = crypto::key_fingerprint(test_key.public_der);
  return test_key;
}

// message_signature_bundle signs `artifact` as ensign sign does: the messageDigest in the key's
// algorithm and a signature over the artifact.
inline Bundle message_signature_bundle(const TestKey& key, ByteView artifact) {
  MessageSignature message;
  message.digest_algorithm = message_digest_algorithm(key.algorithm);
  message.digest = crypto::hash(message.digest_algorithm, artifact);
  message.signature = must(crypto::sign_message(key.key.get(), key.algorithm, artifact));
  return Bundle{key.hint, std::move(message), std::nullopt, {}};
}

// dsse_bundle signs PAE(payload_type, payload) with `key`.
inline Bundle dsse_bundle(const TestKey& key, std::string_view payload_type, ByteView payload) {
  DsseEnvelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload = Bytes(payload.begin(), payload.end());
  envelope.keyid = key.hint;
  envelope.signature =
      must(crypto::sign_message(key.key.get(), key.algorithm, dsse_pae(payload_type, payload)));
  return Bundle{key.hint, std::move(envelope), std::nullopt, {}};
}

// statement_for returns an in-toto Statement v1 whose one subject is `artifact` by sha256.
inline Bytes statement_for(const std::string& name, ByteView artifact) {
  Subject subject{name, {{"sha256", hex_encode(crypto::sha256(artifact))}}};
  return must(
      intoto_statement({subject}, "https://slsa.dev/provenance/v1", R"({"buildType":"x"})"));
}

using test::ScratchDirectory;

// CommandResult is what a shell command printed (stdout and stderr) and its exit status.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// run_command runs `command` with /bin/sh and collects its output; exit_code is -1 when it did
// not exit normally.
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed for: " + command);
  }
  std::array<char, 4096> buffer{};
  std::size_t count = 0;
  while ((count = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), count);
  }
  int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

// shell_quote puts `text` in single quotes for /bin/sh.
inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace ensign::formats::testing
