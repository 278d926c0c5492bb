// log_audit.h: audit_log, the full audit of the stored transparency log: every leaf hash
// recomputed from the stored entry bodies (RFC 9162), the tree rebuilt from them and compared
// with every checkpoint the enclave signed and the store kept (one per batch). It reads the
// entries a page at a time and keeps only the tree's compact range, so its memory does not grow
// with the log.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "host/store/store.h"

namespace ensign::host {

// LogAudit is what a passed audit covered.
struct LogAudit {
  std::uint64_t size = 0;         // entries audited: the latest checkpoint's size
  std::uint64_t checkpoints = 0;  // signed checkpoints the rebuilt tree matched, size 0 included
};

inline constexpr std::size_t kAuditPageSize = 1024;

// audit_log audits the log in `store`, reading `page_size` entries at a time. Fails with
// DataLoss naming the first entry that does not match the first signed checkpoint the rebuilt
// tree misses ("log entry 17 does not match the signed checkpoint of size 32"): the stored tree
// nodes, each authenticated from that checkpoint's root down, narrow the batch to one entry even
// when the stored leaf hash was rewritten along with the body; the message names the batch's
// range when the stored nodes do not authenticate that far. Also DataLoss when an entry is
// missing or beyond the latest checkpoint, a stored leaf hash is not its body's, or a stored
// checkpoint does not verify with the log key; FailedPrecondition when there is no log.
Result<LogAudit> audit_log(store::Store& store, std::size_t page_size = kAuditPageSize);

}  // namespace ensign::host
