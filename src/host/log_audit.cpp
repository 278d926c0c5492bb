#include "host/log_audit.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <optional>
#include <string>

#include "host/log_proofs.h"
#include "log/compact_range.h"
#include "log/merkle.h"
#include "log/proofs.h"

namespace ensign::host {
namespace {

using EntryVisitor = std::function<Status(const store::LogEntryRow&)>;

Unexpected audit_failure(std::string message) {
  return fail(ErrorCode::kDataLoss, std::move(message));
}

class Auditor {
 public:
  Auditor(store::Store& store, std::size_t page_size)
      : store_(store), proofs_(store), page_size_(std::max<std::size_t>(page_size, 1)) {}

  Result<LogAudit> run() {
    ENSIGN_TRY(latest, proofs_.latest());
    audit_.size = latest.checkpoint.size;
    ENSIGN_CHECK(match_stored_checkpoint());  // the empty tree's
    std::optional<std::uint64_t> stale;       // the first entry whose stored leaf hash is wrong
    Status rebuilt = each_entry(0, audit_.size, [&](const store::LogEntryRow& row) -> Status {
      Bytes leaf = log::leaf_hash(as_bytes(row.body));
      if (!stale && leaf != row.leaf_hash) {
        stale = row.index;
      }
      ENSIGN_CHECK(range_.append(leaf));
      return match_stored_checkpoint();
    });
    ENSIGN_CHECK(rebuilt);
    // The head's checkpoint too, which the next batch continues: its row in log_checkpoints may
    // be gone, or hold another tree of the same size.
    if (matched_size_ != audit_.size || range_.root() != latest.checkpoint.root_hash) {
      ENSIGN_CHECK(match(latest));
    }
    ENSIGN_CHECK(check_no_stray_entry());
    if (stale) {
      return audit_failure("the stored leaf hash of log entry " + std::to_string(*stale) +
                           " is not the hash of its body");
    }
    return audit_;
  }

 private:
  // each_entry calls `visit` on the stored entries of [begin, end) in order, a page at a time.
  Status each_entry(std::uint64_t begin, std::uint64_t end, const EntryVisitor& visit) {
    for (std::uint64_t next = begin; next < end;) {
      auto count = static_cast<std::size_t>(std::min<std::uint64_t>(page_size_, end - next));
      ENSIGN_TRY(rows, store_.log_entries(next, count));
      if (rows.empty()) {
        return audit_failure("log entry " + std::to_string(next) + " is missing");
      }
      for (const auto& row : rows) {
        if (row.index != next) {
          return audit_failure("log entry " + std::to_string(next) + " is missing");
        }
        ENSIGN_CHECK(visit(row));
        ++next;
      }
    }
    return {};
  }

  // check_no_stray_entry fails when the store holds an entry past the head. Batches logged since
  // the audit began are not strays: each commits its entries with the head that covers them.
  Status check_no_stray_entry() {
    ENSIGN_TRY(head, proofs_.head());
    ENSIGN_TRY(beyond, store_.log_entries(head.size, 1));
    if (beyond.empty()) {
      return {};
    }
    ENSIGN_TRY(again, proofs_.head());
    if (beyond.front().index < again.size) {
      return {};
    }
    return audit_failure("log entry " + std::to_string(beyond.front().index) +
                         " is beyond the latest signed checkpoint, of size " +
                         std::to_string(again.size));
  }

  // match_stored_checkpoint compares the tree rebuilt so far with the checkpoint the enclave
  // signed of its size, when the store kept one.
  Status match_stored_checkpoint() {
    auto tree = proofs_.checkpoint(range_.size());
    if (!tree && tree.error().code() == ErrorCode::kNotFound) {
      return {};
    }
    ENSIGN_CHECK(tree);
    return match(*tree);
  }

  Status match(const SignedCheckpoint& tree) {
    if (range_.root() == tree.checkpoint.root_hash) {
      ++audit_.checkpoints;
      matched_size_ = range_.size();
      return {};
    }
    std::string size = std::to_string(tree.checkpoint.size);
    if (tree.checkpoint.size == 0) {
      return audit_failure("the signed checkpoint of size 0 does not have the empty tree's root");
    }
    ENSIGN_TRY(bad, first_bad_leaf(tree.checkpoint));
    if (bad) {
      return audit_failure("log entry " + std::to_string(*bad) +
                           " does not match the signed checkpoint of size " + size);
    }
    return audit_failure("one of log entries " + std::to_string(matched_size_) + " to " +
                         std::to_string(tree.checkpoint.size - 1) +
                         " does not match the signed checkpoint of size " + size +
                         " (the stored tree nodes do not narrow it down)");
  }

  // first_bad_leaf descends from the checkpoint's root to the first leaf whose hash, recomputed
  // from its stored body, is not the one the root commits to. At each step the two stored
  // children must hash to the node the step before authenticated (first the signed root), so
  // rewritten leaf hashes or nodes cannot shift the blame; nothing when they do not.
  Result<std::optional<std::uint64_t>> first_bad_leaf(const log::Checkpoint& tree) {
    log::NodeReader stored = [this](log::NodeId id) { return store_.log_node(id); };
    std::uint64_t begin = 0;
    std::uint64_t end = tree.size;
    Bytes trusted = tree.root_hash;
    while (end - begin > 1) {
      std::uint64_t middle = begin + std::bit_floor(end - begin - 1);
      auto left = log::subtree_root(begin, middle, stored);
      auto right = log::subtree_root(middle, end, stored);
      if (!left || !right || log::node_hash(*left, *right) != trusted) {
        return std::optional<std::uint64_t>();
      }
      ENSIGN_TRY(recomputed, recomputed_root(begin, middle));
      if (recomputed != *left) {
        end = middle;
        trusted = std::move(*left);
      } else {
        begin = middle;
        trusted = std::move(*right);
      }
    }
    if (end == begin) {
      return std::optional<std::uint64_t>();
    }
    ENSIGN_TRY(leaf, recomputed_root(begin, end));
    return leaf == trusted ? std::optional<std::uint64_t>() : std::optional(begin);
  }

  // recomputed_root returns the root over the leaves of [begin, end) recomputed from the bodies:
  // RFC 9162's MTH(D[begin:end]), which a compact range of those leaves alone computes.
  Result<Bytes> recomputed_root(std::uint64_t begin, std::uint64_t end) {
    log::CompactRange range;
    ENSIGN_CHECK(each_entry(begin, end, [&range](const store::LogEntryRow& row) -> Status {
      return range.append(log::leaf_hash(as_bytes(row.body)));
    }));
    return range.root();
  }

  store::Store& store_;
  LogProofs proofs_;
  std::size_t page_size_;
  log::CompactRange range_;         // the tree rebuilt from the bodies so far
  std::uint64_t matched_size_ = 0;  // the size of the last checkpoint it matched
  LogAudit audit_;
};

}  // namespace

Result<LogAudit> audit_log(store::Store& store, std::size_t page_size) {
  return Auditor(store, page_size).run();
}

}  // namespace ensign::host
