#include "formats/signing_input.h"

#include <string>

namespace ensign::formats {

Bytes dsse_pae(std::string_view payload_type, ByteView payload) {
  std::string header = "DSSEv1 " + std::to_string(payload_type.size()) + " " +
                       std::string(payload_type) + " " + std::to_string(payload.size()) + " ";
  Bytes encoding = to_bytes(header);
  encoding.insert(encoding.end(), payload.begin(), payload.end());
  return encoding;
}

std::string_view digest_algorithm_name(crypto::HashAlgorithm algorithm) {
  switch (algorithm) {
    case crypto::HashAlgorithm::kSha256:
      return "SHA2_256";
    case crypto::HashAlgorithm::kSha384:
      return "SHA2_384";
    case crypto::HashAlgorithm::kSha512:
      return "SHA2_512";
  }
  return "HASH_ALGORITHM_UNSPECIFIED";
}

crypto::HashAlgorithm message_digest_algorithm(crypto::KeyAlgorithm algorithm) {
  return crypto::signature_hash(algorithm).value_or(crypto::HashAlgorithm::kSha256);
}

}  // namespace ensign::formats
