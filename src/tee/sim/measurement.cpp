#include "tee/sim/measurement.h"

#include "crypto/hash.h"

namespace ensign::tee::sim {

Result<Bytes> measure_file(const std::string& path) {
  return crypto::hash_file(crypto::HashAlgorithm::kSha384, path);
}

}  // namespace ensign::tee::sim
