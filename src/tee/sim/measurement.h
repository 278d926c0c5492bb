// measurement.h: the sim platform's measurement of an enclave binary, which the host computes to
// predict what a running enclave will report.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::tee::sim {

// measure_file returns the SHA-384 of the file at `path` (48 bytes), the measurement the sim
// platform gives an enclave built from it. Fails with NotFound or Unavailable naming the path.
Result<Bytes> measure_file(const std::string& path);

}  // namespace ensign::tee::sim
