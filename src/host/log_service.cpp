#include "host/log_service.h"

#include <openssl/rand.h>

#include "core/time.h"
#include "crypto/hash.h"
#include "log/checkpoint.h"
#include "log/compact_range.h"
#include "log/entry.h"
#include "log/merkle.h"
#include "log/node_map.h"
#include "log/proofs.h"

namespace ensign::host {
namespace protocol = enclave::protocol;

namespace {

Result<std::string> new_origin() {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) {
    return fail(ErrorCode::kInternal, "cannot draw a random log name");
  }
  return "ensign.local/log-" + hex_encode(ByteView(random, sizeof random));
}

// BatchProofs are what append_log's callback works out besides the rows it stores.
struct BatchProofs {
  std::vector<protocol::SignedItem> items;
  std::uint64_t tree_size = 0;
  Bytes root_hash;
  std::vector<std::vector<Bytes>> proofs;
  Bytes log_public_key;
};

}  // namespace

Result<store::LogHead> LogService::head() {
  ENSIGN_TRY(existing, store_.log_head());
  if (existing) {
    return std::move(*existing);
  }
  ENSIGN_TRY(origin, new_origin());
  ENSIGN_TRY(created, enclave_.create_log({origin}));
  ENSIGN_TRY(
      checkpoint,
      log::verify_checkpoint(as_string_view(created.checkpoint), origin, created.public_key));
  if (checkpoint.size != 0 || checkpoint.root_hash != log::empty_root()) {
    return fail(ErrorCode::kInternal, "the enclave's new log is not empty");
  }
  store::LogHead head{origin,
                      created.public_key,
                      created.sealed_key,
                      created.key_attestation,
                      0,
                      created.sealed_log_state,
                      as_string(created.checkpoint)};
  auto stored = store_.create_log(head);
  if (!stored && stored.error().code() == ErrorCode::kAlreadyExists) {
    // Another process made the log first: use that one.
    ENSIGN_TRY(theirs, store_.log_head());
    if (theirs) {
      return std::move(*theirs);
    }
  }
  ENSIGN_CHECK(stored);
  return head;
}

Result<std::vector<Bytes>> LogService::extension_proof(std::uint64_t stored_size,
                                                       const log::NodeReader& nodes) {
  auto signed_size = enclave_.signed_log_size();
  if (!signed_size || *signed_size == stored_size || *signed_size == 0) {
    return std::vector<Bytes>{};  // its own state, or a first state (the empty tree extends)
  }
  if (*signed_size > stored_size) {
    return fail(ErrorCode::kFailedPrecondition,
                "the enclave signed a tree of " + std::to_string(*signed_size) +
                    " entries but the store holds " + std::to_string(stored_size) +
                    " (a batch's commit failed); restart to continue from the stored log");
  }
  return log::consistency_proof(*signed_size, stored_size, nodes);
}

Result<std::vector<LoggedSignature>> LogService::sign(std::vector<protocol::SignItem> items) {
  BatchProofs batch;
  auto make = [&](const store::LogHead& head,
                  const log::NodeReader& nodes) -> Result<store::LogAppend> {
    ENSIGN_TRY(extension, extension_proof(head.size, nodes));
    protocol::SignRequest request{head.sealed_key, head.sealed_state,
                                  static_cast<std::uint64_t>(now_unix()), items,
                                  std::move(extension)};
    ENSIGN_TRY(reply, enclave_.sign(request));
    if (reply.items.size() != items.size() || reply.first_index != head.size) {
      return fail(ErrorCode::kInternal, "the enclave answered another batch than it was asked");
    }
    ENSIGN_TRY(
        checkpoint,
        log::verify_checkpoint(as_string_view(reply.checkpoint), head.origin, head.public_key));
    // The tree the host stores must be the one the enclave signed: rebuild its new nodes from
    // the stored right edge and the new leaves, and compare roots.
    log::NodeMap map;
    std::vector<Bytes> edge;
    for (log::NodeId id : log::range_node_ids(head.size)) {
      ENSIGN_TRY(hash, nodes(id));
      ENSIGN_CHECK(map.add(id, hash));
      edge.push_back(std::move(hash));
    }
    ENSIGN_TRY(range, log::CompactRange::of(head.size, std::move(edge)));
    store::LogAppend append;
    append.first_index = head.size;
    for (auto& item : reply.items) {
      append.entries.push_back(as_string(item.entry));
      append.leaf_hashes.push_back(log::leaf_hash(item.entry));
      ENSIGN_CHECK(range.append(append.leaf_hashes.back()));
    }
    if (checkpoint.size != range.size() || checkpoint.root_hash != range.root()) {
      return fail(ErrorCode::kInternal,
                  "the enclave's checkpoint is not of the stored tree and the new entries");
    }
    ENSIGN_TRY(new_nodes, map.add_leaves(head.size, append.leaf_hashes));
    append.nodes = std::move(new_nodes);
    batch.proofs.clear();
    for (std::uint64_t i = 0; i < reply.items.size(); ++i) {
      ENSIGN_TRY(proof, log::inclusion_proof(head.size + i, range.size(), map.reader()));
      batch.proofs.push_back(std::move(proof));
    }
    append.sealed_state = std::move(reply.sealed_log_state);
    append.checkpoint = as_string(reply.checkpoint);
    batch.items = std::move(reply.items);
    batch.tree_size = range.size();
    batch.root_hash = range.root();
    batch.log_public_key = head.public_key;
    return append;
  };
  auto appended = store_.append_log(make);
  if (!appended && appended.error().code() == ErrorCode::kNotFound) {
    // The first batch: make the log, then append to it.
    ENSIGN_CHECK(head());
    appended = store_.append_log(make);
  }
  ENSIGN_TRY(stored, std::move(appended));
  std::vector<LoggedSignature> logged;
  Bytes log_id = crypto::sha256(batch.log_public_key);
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    auto kind = items[i].input == protocol::SignInput::kDsse ? log::EntryKind::kDsse
                                                             : log::EntryKind::kHashedRekord;
    logged.push_back({std::move(batch.items[i].signature),
                      std::move(stored.entries[i]),
                      std::string(log::entry_kind_name(kind)),
                      stored.first_index + i,
                      batch.tree_size,
                      batch.root_hash,
                      std::move(batch.proofs[i]),
                      stored.checkpoint,
                      log_id});
  }
  return logged;
}

formats::TlogEntry LogService::tlog_entry(const LoggedSignature& logged) {
  formats::TlogEntry entry;
  entry.log_index = logged.index;
  entry.log_id = logged.log_id;
  entry.kind = logged.kind;
  entry.version = "0.0.2";
  entry.canonicalized_body = to_bytes(logged.entry);
  entry.tree_size = logged.tree_size;
  entry.root_hash = logged.root_hash;
  entry.hashes = logged.proof;
  entry.checkpoint = logged.checkpoint;
  return entry;
}

}  // namespace ensign::host
