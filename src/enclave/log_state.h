// log_state.h: LogState, what the enclave knows of its transparency log between two batches:
// the origin, the tree's size and right edge (a compact range of at most 64 hashes), the last
// time it logged, and which log key the state belongs to. The host keeps it sealed for
// tee::SealPurpose::kLogState, so it can store and return the state but not make or alter one.
//
// Encoding (big-endian): u16 format version, u8 origin length, origin, 32-byte SHA-256 of the
// log key's SPKI, u64 size, u64 last time, u8 hash count, that many 32-byte hashes.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "log/compact_range.h"

namespace ensign::enclave {

struct LogState {
  std::string origin;
  Bytes log_key_digest;  // SHA-256 of the log key's DER SPKI
  log::CompactRange range;
  std::uint64_t last_time = 0;  // Unix seconds of the newest entry
};

// encode_log_state returns the state's bytes (to seal).
Bytes encode_log_state(const LogState& state);

// decode_log_state reads what encode_log_state wrote; fails with DataLoss on anything else (a
// state that unsealed yet does not decode was written by another build).
Result<LogState> decode_log_state(ByteView bytes);

}  // namespace ensign::enclave
