// log_commands.cpp: `ensign log checkpoint|public-key|proof`, the installation's log as the
// enclave signed it and the inclusion proof of one of its entries, and `ensign log
// check-inclusion|check-consistency`, the offline checks an auditor runs on a proof they were
// given: hashes in standard base64, proofs comma-separated. `log verify` and `verify-bundle` are
// in log_verify_commands.cpp.
// Exit 0: the proof holds; 1: it does not, saying which check failed; 2: usage or bad input.
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/context.h"
#include "core/file.h"
#include "crypto/keys.h"
#include "host/log_proof_json.h"
#include "host/log_proofs.h"
#include "host/log_service.h"
#include "log/merkle.h"

namespace ensign::cli {
namespace {

struct InclusionOptions {
  std::string leaf_hash;
  std::uint64_t index = 0;
  std::uint64_t size = 0;
  std::string root;
  std::optional<std::string> proof;  // absent: a proof of no hashes
};

struct ProofOptions {
  std::optional<std::uint64_t> index;
  std::optional<std::string> leaf_hash;
  std::optional<std::uint64_t> size;  // absent: the latest checkpoint's tree
  bool json = false;
};

struct ConsistencyOptions {
  std::uint64_t size1 = 0;
  std::uint64_t size2 = 0;
  std::string root1;
  std::string root2;
  std::optional<std::string> proof;  // absent: a proof of no hashes
};

// decode_hash reads one base64 hash given as option `name`.
Result<Bytes> decode_hash(std::string_view name, const std::string& text) {
  auto bytes = base64_decode(text);
  if (!bytes) {
    return fail(bytes.error().with_context(name));
  }
  return bytes;
}

// split_proof splits the comma-separated proof, keeping empty items: "a,,b" is three hashes,
// the second empty, and "" is one empty hash, which the check then refuses. Only leaving out
// --proof gives the proof of no hashes, so every list of hashes has exactly one spelling.
std::vector<std::string> split_proof(const std::optional<std::string>& text) {
  std::vector<std::string> items;
  if (!text) {
    return items;
  }
  std::size_t begin = 0;
  while (true) {
    std::size_t comma = text->find(',', begin);
    items.push_back(text->substr(begin, comma - begin));
    if (comma == std::string::npos) {
      return items;
    }
    begin = comma + 1;
  }
}

Result<std::vector<Bytes>> decode_proof(const std::optional<std::string>& text) {
  std::vector<std::string> texts = split_proof(text);
  if (texts.size() > log::kMaxProofHashes) {
    return fail(ErrorCode::kInvalidArgument,
                "--proof: " + std::to_string(texts.size()) + " hashes, more than any path (" +
                    std::to_string(log::kMaxProofHashes) + ")");
  }
  std::vector<Bytes> proof;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ENSIGN_TRY(hash, decode_hash("--proof hash " + std::to_string(i), texts[i]));
    proof.push_back(std::move(hash));
  }
  return proof;
}

Result<std::string> check_inclusion(const InclusionOptions& options) {
  ENSIGN_TRY(leaf, decode_hash("--leaf-hash", options.leaf_hash));
  ENSIGN_TRY(root, decode_hash("--root", options.root));
  ENSIGN_TRY(proof, decode_proof(options.proof));
  ENSIGN_CHECK(log::verify_inclusion(options.index, options.size, leaf, proof, root));
  return "valid: the leaf is at index " + std::to_string(options.index) + " of the tree of " +
         std::to_string(options.size) + " leaves with this root";
}

Result<std::string> check_consistency(const ConsistencyOptions& options) {
  ENSIGN_TRY(root1, decode_hash("--root1", options.root1));
  ENSIGN_TRY(root2, decode_hash("--root2", options.root2));
  ENSIGN_TRY(proof, decode_proof(options.proof));
  ENSIGN_CHECK(log::verify_consistency(options.size1, options.size2, root1, root2, proof));
  return "valid: the tree of " + std::to_string(options.size1) +
         " leaves is a prefix of the tree of " + std::to_string(options.size2) + " leaves";
}

Result<nlohmann::json> run_proof(Context& context, const ProofOptions& options) {
  if (options.index.has_value() == options.leaf_hash.has_value()) {
    return fail(ErrorCode::kInvalidArgument,
                "log proof needs one of --index N and --leaf-hash B64");
  }
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    std::string query;
    if (options.index) {
      query = "index=" + std::to_string(*options.index);
    } else {
      ENSIGN_TRY(leaf, decode_hash("--leaf-hash", *options.leaf_hash));
      query = "leaf_hash=" + base64url_encode(leaf);  // nothing to escape in a URL
    }
    if (options.size) {
      query += "&size=" + std::to_string(*options.size);
    }
    // The server is not trusted: its proof must hold against the checkpoint it comes with.
    ENSIGN_TRY(answer, remote->get("/v1/log/proof/inclusion?" + query));
    auto proof = host::read_inclusion_proof_json(answer);
    if (!proof) {
      return fail(proof.error().with_context(remote->url()));
    }
    return host::inclusion_proof_json(*proof);
  }
  ENSIGN_TRY(store, context.store());
  host::LogProofs proofs(*store);
  auto proof = [&]() -> Result<host::InclusionProof> {
    if (options.index) {
      return proofs.inclusion_proof(*options.index, options.size);
    }
    ENSIGN_TRY(leaf, decode_hash("--leaf-hash", *options.leaf_hash));
    return proofs.inclusion_proof_of(leaf, options.size);
  }();
  ENSIGN_CHECK(proof);
  return host::inclusion_proof_json(*proof);
}

// print_proof prints the proof as check-inclusion takes it: the proof's hashes comma-separated.
void print_proof(const nlohmann::json& proof) {
  std::string hashes;
  for (const auto& hash : proof["proof"]) {
    hashes += (hashes.empty() ? "" : ",") + hash.get<std::string>();
  }
  std::cout << "index: " << proof["index"].get<std::uint64_t>() << "\n"
            << "tree size: " << proof["tree_size"].get<std::uint64_t>() << "\n"
            << "leaf hash: " << proof["leaf_hash"].get<std::string>() << "\n"
            << "root: " << proof["root_hash"].get<std::string>() << "\n"
            << "proof: " << hashes << "\n"
            << "checkpoint:\n"
            << proof["checkpoint"].get<std::string>();
}

// add_proof_option takes the proof as one comma-separated list, split here rather than by
// CLI11, which drops empty items and so would hide a malformed proof.
void add_proof_option(CLI::App& command, std::optional<std::string>& proof) {
  command.add_option_function<std::string>(
      "--proof",
      [&proof](const std::string& text) { proof = text; },
      "The proof's hashes, base64, comma-separated; leave out for a proof of no hashes");
}

// add_count_option adds a required leaf index or tree size; CLI11 alone would wrap "-1" around.
void add_count_option(CLI::App& command,
                      const std::string& name,
                      std::uint64_t& value,
                      const std::string& description) {
  command.add_option(name, value, description)->required()->check(CLI::NonNegativeNumber);
}

// add_optional_count adds a leaf index or tree size that may be left out.
CLI::Option* add_optional_count(CLI::App& command,
                                const std::string& name,
                                std::optional<std::uint64_t>& value,
                                const std::string& description) {
  return command
      .add_option_function<std::uint64_t>(
          name, [&value](const std::uint64_t& given) { value = given; }, description)
      ->check(CLI::NonNegativeNumber);
}

void report(const Result<std::string>& outcome, int& exit_code) {
  if (!outcome) {
    exit_code = report_error(outcome.error());
    return;
  }
  std::cout << *outcome << "\n";
}

// log_head returns the installation's log, made (by the enclave) on first use.
Result<host::store::LogHead> log_head(Context& context) {
  ENSIGN_TRY(store, context.store());
  ENSIGN_TRY(enclave, context.enclave());
  host::LogService service(*store, *enclave);
  return service.head();
}

Status run_checkpoint(Context& context) {
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    ENSIGN_TRY(note, remote->get("/v1/log/checkpoint"));
    std::cout << note;
    return {};
  }
  ENSIGN_TRY(head, log_head(context));
  std::cout << head.checkpoint;
  return {};
}

Result<std::string> log_public_key_pem(Context& context) {
  ENSIGN_TRY(remote, context.remote());
  if (remote != nullptr) {
    return remote->get("/v1/log/public-key");
  }
  ENSIGN_TRY(head, log_head(context));
  return crypto::public_key_to_pem(head.public_key);
}

Status run_public_key(Context& context, const std::string& output) {
  ENSIGN_TRY(pem, log_public_key_pem(context));
  if (output.empty() || output == "-") {
    std::cout << pem;
    return {};
  }
  return write_file_atomic(output, as_bytes(pem), 0644);
}

void report_status(const Status& outcome, int& exit_code) {
  if (!outcome) {
    exit_code = report_error(outcome.error());
  }
}

}  // namespace

void add_log_commands(CLI::App& app, Context& context, int& exit_code) {
  auto* log = app.add_subcommand(
      "log", "The transparency log every signature is in, and offline checks of its proofs");
  log->require_subcommand(1);

  log->add_subcommand("checkpoint",
                      "Print the log's latest checkpoint: a C2SP tlog-checkpoint signed note, "
                      "signed by the enclave's log key")
      ->callback([&context, &exit_code] { report_status(run_checkpoint(context), exit_code); });

  auto output = std::make_shared<std::string>();
  auto* public_key_command = log->add_subcommand(
      "public-key", "Print the log key (PEM SubjectPublicKeyInfo) that signs the checkpoints");
  public_key_command->add_option("--out", *output, "Write the PEM here instead of stdout");
  public_key_command->callback([&context, &exit_code, output] {
    report_status(run_public_key(context, *output), exit_code);
  });

  auto proof = std::make_shared<ProofOptions>();
  auto* proof_command = log->add_subcommand(
      "proof",
      "Print the inclusion proof of a logged entry in the latest checkpoint's tree (or --size's),\n"
      "as `ensign log check-inclusion` takes it. With ENSIGN_URL set, ensignd answers and its "
      "proof\n"
      "is checked against the checkpoint it comes with. Exit 0: printed; 1: the log does not\n"
      "prove it; 2: usage, or no such entry");
  auto* index_option =
      add_optional_count(*proof_command, "--index", proof->index, "The entry's log index");
  proof_command
      ->add_option_function<std::string>(
          "--leaf-hash",
          [proof](const std::string& text) { proof->leaf_hash = text; },
          "The entry's leaf hash, SHA-256(0x00 || entry), base64")
      ->excludes(index_option);
  add_optional_count(*proof_command,
                     "--size",
                     proof->size,
                     "A tree size the log signed a checkpoint of (default: the latest)");
  proof_command->add_flag("--json", proof->json, "Print as JSON");
  proof_command->callback([&context, &exit_code, proof] {
    finish(run_proof(context, *proof), proof->json, exit_code, print_proof);
  });

  auto inclusion = std::make_shared<InclusionOptions>();
  auto* check_inclusion_command =
      log->add_subcommand("check-inclusion",
                          "Check offline that a leaf is at an index of a tree with a given root.\n"
                          "Exit 0: valid; 1: invalid; 2: usage or malformed input");
  check_inclusion_command
      ->add_option("--leaf-hash", inclusion->leaf_hash, "SHA-256(0x00 || entry), base64")
      ->required();
  add_count_option(*check_inclusion_command, "--index", inclusion->index, "The leaf's index");
  add_count_option(*check_inclusion_command, "--size", inclusion->size, "The tree's size (leaves)");
  check_inclusion_command->add_option("--root", inclusion->root, "The tree's root, base64")
      ->required();
  add_proof_option(*check_inclusion_command, inclusion->proof);
  check_inclusion_command->callback(
      [&exit_code, inclusion] { report(check_inclusion(*inclusion), exit_code); });

  auto consistency = std::make_shared<ConsistencyOptions>();
  auto* check_consistency_command = log->add_subcommand(
      "check-consistency",
      "Check offline that the tree of SIZE1 leaves is a prefix of the tree of SIZE2 leaves.\n"
      "Exit 0: valid; 1: invalid; 2: usage or malformed input");
  add_count_option(
      *check_consistency_command, "--size1", consistency->size1, "The older tree's size");
  add_count_option(
      *check_consistency_command, "--size2", consistency->size2, "The newer tree's size");
  check_consistency_command->add_option("--root1", consistency->root1, "The older root, base64")
      ->required();
  check_consistency_command->add_option("--root2", consistency->root2, "The newer root, base64")
      ->required();
  add_proof_option(*check_consistency_command, consistency->proof);
  check_consistency_command->callback(
      [&exit_code, consistency] { report(check_consistency(*consistency), exit_code); });

  add_log_verify_commands(*log, context, exit_code);
}

}  // namespace ensign::cli
