#include "host/log_proof_json.h"

#include "formats/json_reader.h"
#include "log/merkle.h"

namespace ensign::host {
namespace {

Result<std::uint64_t> count_member(const formats::ObjectReader& reader, std::string_view key) {
  ENSIGN_TRY(value, reader.required(key));
  if (!value->is_number_unsigned()) {
    return formats::invalid(reader.member_path(key), "expected a whole number");
  }
  return value->get<std::uint64_t>();
}

Result<std::vector<Bytes>> hashes_member(const formats::ObjectReader& reader,
                                         std::string_view key) {
  ENSIGN_TRY(list, reader.array(key));
  if (list->size() > log::kMaxProofHashes) {
    return formats::invalid(reader.member_path(key), "more hashes than any proof has");
  }
  std::vector<Bytes> hashes;
  for (const auto& item : *list) {
    auto hash = item.is_string() ? base64_decode(item.get<std::string>())
                                 : Result<Bytes>(fail(ErrorCode::kInvalidArgument, "not a string"));
    if (!hash) {
      return fail(hash.error().with_context(reader.member_path(key) + "[" +
                                            std::to_string(hashes.size()) + "]"));
    }
    hashes.push_back(std::move(*hash));
  }
  return hashes;
}

nlohmann::json hashes_json(const std::vector<Bytes>& hashes) {
  nlohmann::json list = nlohmann::json::array();
  for (const Bytes& hash : hashes) {
    list.push_back(base64_encode(hash));
  }
  return list;
}

}  // namespace

nlohmann::json inclusion_proof_json(const InclusionProof& proof) {
  return nlohmann::json{{"index", proof.index},
                        {"tree_size", proof.tree.checkpoint.size},
                        {"leaf_hash", base64_encode(proof.leaf_hash)},
                        {"root_hash", base64_encode(proof.tree.checkpoint.root_hash)},
                        {"proof", hashes_json(proof.hashes)},
                        {"checkpoint", proof.tree.note}};
}

Result<InclusionProof> read_inclusion_proof_json(std::string_view text) {
  ENSIGN_TRY(document,
             formats::parse_json(as_bytes(text), kMaxInclusionProofJsonSize, "inclusion proof"));
  ENSIGN_TRY(reader, formats::ObjectReader::of(document, "inclusion proof"));
  ENSIGN_CHECK(
      reader.only({"index", "tree_size", "leaf_hash", "root_hash", "proof", "checkpoint"}));
  InclusionProof proof;
  ENSIGN_TRY(index, count_member(reader, "index"));
  ENSIGN_TRY(tree_size, count_member(reader, "tree_size"));
  ENSIGN_TRY(leaf_hash, reader.base64("leaf_hash"));
  ENSIGN_TRY(root_hash, reader.base64("root_hash"));
  ENSIGN_TRY(hashes, hashes_member(reader, "proof"));
  ENSIGN_TRY(note, reader.string("checkpoint"));
  ENSIGN_TRY(signed_note, log::parse_signed_note(note));
  ENSIGN_TRY(checkpoint, log::parse_checkpoint_text(signed_note.text));
  if (checkpoint.size != tree_size || checkpoint.root_hash != root_hash) {
    return fail(ErrorCode::kUnauthenticated,
                "inclusion proof: its tree_size and root_hash are not its checkpoint's");
  }
  ENSIGN_CHECK(log::verify_inclusion(index, tree_size, leaf_hash, hashes, root_hash));
  proof.index = index;
  proof.leaf_hash = std::move(leaf_hash);
  proof.hashes = std::move(hashes);
  proof.tree = SignedCheckpoint{std::move(note), std::move(checkpoint)};
  return proof;
}

nlohmann::json consistency_proof_json(const ConsistencyProof& proof) {
  return nlohmann::json{{"first_size", proof.old_tree.checkpoint.size},
                        {"second_size", proof.new_tree.checkpoint.size},
                        {"first_root_hash", base64_encode(proof.old_tree.checkpoint.root_hash)},
                        {"second_root_hash", base64_encode(proof.new_tree.checkpoint.root_hash)},
                        {"proof", hashes_json(proof.hashes)},
                        {"first_checkpoint", proof.old_tree.note},
                        {"second_checkpoint", proof.new_tree.note}};
}

}  // namespace ensign::host
