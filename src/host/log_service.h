// log_service.h: LogService, the host's side of the transparency log: it makes the log in the
// enclave on first use, has batches signed and logged there, stores each batch durably before
// any of its signatures is handed out, and answers for them with inclusion proofs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "enclave/protocol/messages.h"
#include "formats/bundle.h"
#include "host/enclave_client.h"
#include "host/store/store.h"
#include "log/proofs.h"

namespace ensign::host {

// LoggedSignature is one signature the enclave released, with the proof that the log holds it.
struct LoggedSignature {
  Bytes signature;
  std::string entry;             // the log's leaf (log/entry.h)
  std::string kind;              // its Rekor kind: "hashedrekord" or "dsse"
  std::uint64_t index = 0;       // the leaf's index
  std::uint64_t tree_size = 0;   // the tree the proof and the checkpoint are of
  Bytes root_hash;
  std::vector<Bytes> proof;      // inclusion proof of `index` in the tree of `tree_size`
  std::string checkpoint;        // the enclave's signed checkpoint of that tree
  Bytes log_id;                  // SHA-256 of the log key's DER SPKI
};

class LogService {
 public:
  // LogService borrows the store and the enclave.
  LogService(store::Store& store, EnclaveClient& enclave) : store_(store), enclave_(enclave) {}

  // head returns the log's head, creating the log (a new origin "ensign.local/log-<random>" and
  // log key) when there is none.
  Result<store::LogHead> head();

  // sign has the enclave sign and log `items` (1..kMaxSignBatchSize) as one batch, stores the
  // batch, and returns the signatures, in order, each with its inclusion proof. Before returning
  // it checks the enclave's checkpoint with the log key and that the stored tree has its root.
  Result<std::vector<LoggedSignature>> sign(std::vector<enclave::protocol::SignItem> items);

  // tlog_entry returns the Sigstore bundle tlog entry of a logged signature.
  static formats::TlogEntry tlog_entry(const LoggedSignature& logged);

 private:
  // extension_proof is the consistency proof from the newest tree the enclave signed to the
  // stored tree of `stored_size` leaves (empty when they are one tree): another process may have
  // appended since. Fails when the enclave is ahead of the store (a commit failed).
  Result<std::vector<Bytes>> extension_proof(std::uint64_t stored_size,
                                             const log::NodeReader& nodes);

  store::Store& store_;
  EnclaveClient& enclave_;
};

}  // namespace ensign::host
