// attest_commands.cpp: `ensign attest verify|evidence|verifier-key`: verifying TEE evidence
// offline against the vendors' roots and a policy, this enclave's own evidence, and the key that
// signs attestation results.
#include <iostream>

#include "attest/appraisal.h"
#include "attest/dcap/collateral.h"
#include "attest/policy.h"
#include "attest/tpm/azure_hcl.h"
#include "attest/tpm/pcr_values.h"
#include "cli/attest_token.h"
#include "cli/commands.h"
#include "host/key_view.h"
#include "cli/tpm_evidence_files.h"
#include "cli/trust_store.h"
#include "core/file.h"
#include "crypto/keys.h"

namespace ensign::cli {
namespace {

constexpr std::size_t kMaxSmallFileSize = 64 * 1024;

struct AttestVerifyOptions {
  std::string evidence;
  std::string format = "auto";
  std::vector<std::string> certificates;
  std::vector<std::string> collateral;
  std::string ak_public;
  std::string signature;
  std::string pcrs;
  std::string nonce;
  std::string at;
  std::string policy;
  std::string trust_dir;
  std::string sim_root;
  bool allow_unpinned_root = false;
  bool json = false;
  bool token = false;
};

Result<Bytes> read_input(const std::string& path, std::size_t max_size) {
  auto contents = read_file(path, max_size);
  if (!contents) {
    return fail(contents.error().with_context(path));
  }
  return contents;
}

Result<std::vector<Bytes>> read_inputs(const std::vector<std::string>& paths,
                                       std::size_t max_size) {
  std::vector<Bytes> files;
  for (const auto& path : paths) {
    ENSIGN_TRY(contents, read_input(path, max_size));
    files.push_back(std::move(contents));
  }
  return files;
}

// sim_root returns --sim-root's key, else this installation's platform key when there is one.
Result<std::optional<Bytes>> sim_root(Context& context, const AttestVerifyOptions& options) {
  if (!options.sim_root.empty()) {
    ENSIGN_TRY(text, read_input(options.sim_root, kMaxSmallFileSize));
    auto der = crypto::public_key_der_from_pem_or_der(text);
    if (!der) {
      return fail(der.error().with_context(options.sim_root));
    }
    return std::optional<Bytes>(std::move(*der));
  }
  auto store = context.store();
  if (!store) {
    return std::optional<Bytes>();
  }
  auto key = host::installation_platform_key(**store);
  return key ? std::optional<Bytes>(std::move(*key)) : std::optional<Bytes>();
}

Result<attest::AppraisalRequest> build_request(Context& context, const AttestVerifyOptions& options) {
  attest::AppraisalRequest request;
  if (options.format != "auto") {
    ENSIGN_TRY(format, attest::parse_evidence_format(options.format));
    request.format = format;
  }
  ENSIGN_TRY(evidence, read_input(options.evidence, attest::kMaxEvidenceSize));
  request.evidence = std::move(evidence);
  ENSIGN_TRY(certificates, read_inputs(options.certificates, attest::pki::kMaxPemBundleSize));
  request.certificates = std::move(certificates);
  ENSIGN_TRY(collateral, read_inputs(options.collateral, attest::dcap::kMaxCollateralSize));
  request.collateral = std::move(collateral);
  ENSIGN_TRY(dir, trust_dir(options.trust_dir));
  ENSIGN_TRY(roots, read_trusted_roots(dir));
  request.trusted_roots = std::move(roots);
  request.allow_unpinned_root = options.allow_unpinned_root;
  if (!options.ak_public.empty()) {
    ENSIGN_TRY(contents, read_input(options.ak_public, attest::kMaxEvidenceSize));
    if (attest::tpm::is_hcl_report(contents)) {
      request.ak_report = std::move(contents);  // verified with its SEV-SNP report
    } else {
      auto ak = attest::tpm::ak_public_from_file_contents(contents);
      if (!ak) {
        return fail(ak.error().with_context(options.ak_public));
      }
      request.ak_public = std::move(*ak);
    }
  }
  if (!options.signature.empty()) {
    ENSIGN_TRY(signature, read_input(options.signature, kMaxSmallFileSize));
    request.tpm_signature = std::move(signature);
  }
  if (!options.pcrs.empty()) {
    ENSIGN_TRY(contents, read_input(options.pcrs, kMaxSmallFileSize));
    auto pcrs = attest::tpm::parse_pcr_values(contents);
    if (!pcrs) {
      return fail(pcrs.error().with_context(options.pcrs));
    }
    request.pcrs = std::move(*pcrs);
  }
  ENSIGN_TRY(root, sim_root(context, options));
  request.sim_root = std::move(root);
  if (!options.nonce.empty()) {
    auto nonce = hex_decode(options.nonce);
    if (!nonce || nonce->empty() || nonce->size() > 64) {
      return fail(ErrorCode::kInvalidArgument, "--nonce must be 1 to 64 bytes of hex");
    }
    request.nonce = std::move(*nonce);
  }
  if (options.at.empty()) {
    request.at = now_unix();
  } else {
    auto at = parse_rfc3339(options.at);
    if (!at) {
      return fail(at.error().with_context("--at"));
    }
    request.at = *at;
  }
  if (!options.policy.empty()) {
    ENSIGN_TRY(policy, read_input(options.policy, attest::kMaxPolicySize));
    request.policy = as_string(policy);
  }
  return request;
}

void print_appraisal_text(const nlohmann::json& result) {
  std::cout << result["format"].get<std::string>() << " evidence "
            << (result["verified"].get<bool>() ? "verified" : "NOT verified") << "\n"
            << "  measurement  " << result["measurement"].get<std::string>() << "\n"
            << "  report data  " << result["report_data"].get<std::string>() << "\n"
            << "  debug        " << (result["debug"].get<bool>() ? "yes" : "no") << "\n"
            << "  TCB status   " << result["tcb_status"].get<std::string>() << "\n";
  for (const auto& certificate : result["chain"]) {
    std::cout << "  chain        " << certificate["subject"].get<std::string>() << "\n";
  }
  std::cout << "  policy       " << result["policy"]["id"].get<std::string>()
            << (result["policy"]["holds"].get<bool>() ? " holds" : " fails") << "\n"
            << "  status       " << result["status"].get<std::string>() << "\n";
  if (result.contains("token")) {
    std::cout << "  token        " << result["token"].get<std::string>() << "\n";
  }
}

// appraise runs the appraisal on the host, or with --token in the enclave, which signs it.
Result<nlohmann::json> appraise(Context& context, const AttestVerifyOptions& options,
                                const attest::AppraisalRequest& request) {
  if (options.token) {
    ENSIGN_TRY(signed_appraisal, appraise_in_enclave(context, request));
    signed_appraisal.appraisal["token"] = signed_appraisal.token;
    return signed_appraisal.appraisal;
  }
  ENSIGN_TRY(appraisal, attest::appraise_evidence(request));
  return attest::to_json(appraisal);
}

void run_verify(Context& context, const AttestVerifyOptions& options, int& exit_code) {
  auto request = build_request(context, options);
  auto result = request ? appraise(context, options, *request)
                        : Result<nlohmann::json>(fail(request.error()));
  if (!result) {
    exit_code = kExitUsage;
    report_error(result.error());
    return;
  }
  if (options.json) {
    print_json(*result);
  } else {
    print_appraisal_text(*result);
  }
  // Without --policy the default policy's findings are shown but do not decide the exit code.
  bool policy_counts = !options.policy.empty();
  bool failed = !(*result)["verified"].get<bool>() ||
                (policy_counts && !(*result)["policy"]["holds"].get<bool>());
  if (failed) {
    for (const auto& error : (*result)["errors"]) {
      std::cerr << "ensign: attestation failed: " << error.get<std::string>() << "\n";
    }
    if (policy_counts) {
      for (const auto& failure : (*result)["policy"]["failures"]) {
        std::cerr << "ensign: attestation failed: " << failure.get<std::string>() << "\n";
      }
    }
    exit_code = kExitFailure;
  }
}

struct EvidenceOptions {
  std::string nonce;
  std::string output;
  std::string out_dir;
};

Status run_evidence(Context& context, const EvidenceOptions& options) {
  auto nonce = hex_decode(options.nonce);
  if (!nonce || nonce->empty() || nonce->size() > 64) {
    return fail(ErrorCode::kInvalidArgument, "--nonce must be 1 to 64 bytes of hex");
  }
  Bytes report_data = *nonce;
  report_data.resize(64, 0);
  ENSIGN_TRY(enclave, context.enclave());
  ENSIGN_TRY(reply, enclave->evidence({report_data}));
  if (!options.out_dir.empty()) {
    ENSIGN_CHECK(write_tpm_evidence_files(reply.evidence, options.out_dir));
    std::cerr << "wrote quote.msg, quote.sig, quote.pcrs and ak.pub.pem to " << options.out_dir
              << "\n";
    if (options.output.empty()) {
      return {};
    }
  }
  if (options.output.empty() || options.output == "-") {
    std::cout.write(reinterpret_cast<const char*>(reply.evidence.data()),
                    static_cast<std::streamsize>(reply.evidence.size()));
    std::cout.flush();
    return {};
  }
  ENSIGN_CHECK(write_file_atomic(options.output, reply.evidence, 0644));
  std::cerr << "wrote " << reply.evidence.size() << " bytes of evidence to " << options.output
            << "\n";
  return {};
}

struct VerifierKeyOptions {
  bool jwk = false;
  bool json = false;
};

}  // namespace

void add_attest_commands(CLI::App& app, Context& context, int& exit_code) {
  auto* attest = app.add_subcommand(
      "attest", "Verify TEE evidence (SEV-SNP, TDX, SGX, TPM, sim), and this enclave's own");
  attest->require_subcommand(1);

  auto verify_options = std::make_shared<AttestVerifyOptions>();
  auto* verify = attest->add_subcommand(
      "verify",
      "Verify evidence offline against the vendor roots and collateral, then a policy.\n"
      "Exit 0: verified (and the --policy holds); 1: not; 2: usage or unreadable input");
  verify->add_option("--evidence", verify_options->evidence, "The report or quote")->required();
  verify->add_option("--format", verify_options->format,
                     "auto|sev-snp|tdx|sgx|tpm|sim (default auto: from the first bytes)");
  verify->add_option("--cert", verify_options->certificates,
                     "Certificates completing the chain (SNP: the VCEK/VLEK and the ASK/ARK "
                     "file; Intel: the TCB signing chain); PEM or DER");
  verify->add_option("--collateral", verify_options->collateral,
                     "Intel TCB Info and QE Identity JSON as Intel PCS serves them, and CRLs");
  verify->add_option("--ak-pub", verify_options->ak_public,
                     "TPM: the attestation key (PEM/DER SPKI), or an Azure HCL report holding it "
                     "(its SEV-SNP report is verified too: give its VCEK and ASK/ARK with --cert)");
  verify->add_option("--signature", verify_options->signature,
                     "TPM: the quote's TPMT_SIGNATURE when it is a separate file");
  verify->add_option("--pcrs", verify_options->pcrs,
                     "TPM: PCR values (JSON list of hex, or tpm2_pcrread/tpm2_quote output)");
  verify->add_option("--nonce", verify_options->nonce,
                     "Hex report data / qualifying data the evidence must carry");
  verify->add_option("--at", verify_options->at,
                     "Verification time, RFC 3339 (default now): certificates, CRLs and "
                     "collateral are checked at it");
  verify->add_option("--policy", verify_options->policy, "Reference values (JSON, see docs)");
  verify->add_option("--trust-dir", verify_options->trust_dir,
                     "Trusted vendor roots (default $ENSIGN_HOME/trust; see `ensign trust`)");
  verify->add_flag("--allow-unpinned-root", verify_options->allow_unpinned_root,
                   "Trust roots in the trust directory whose fingerprint is not pinned");
  verify->add_option("--sim-root", verify_options->sim_root,
                     "sim: the signing installation's sim-root.pub.pem (default: this one's)");
  verify->add_flag("--json", verify_options->json, "Print the result as JSON");
  verify->add_flag("--token", verify_options->token,
                   "Have the enclave appraise the evidence and sign an attestation-result JWT");
  verify->callback([&context, &exit_code, verify_options] {
    run_verify(context, *verify_options, exit_code);
  });

  auto evidence_options = std::make_shared<EvidenceOptions>();
  auto* evidence = attest->add_subcommand(
      "evidence", "Print this enclave's own evidence over NONCE, which `attest verify` accepts");
  evidence->add_option("--nonce", evidence_options->nonce, "Hex, 1 to 64 bytes (zero-padded)")
      ->required();
  evidence->add_option("-o,--output", evidence_options->output, "Write to FILE (default stdout)");
  evidence->add_option("--out-dir", evidence_options->out_dir,
                       "tpm: also write quote.msg, quote.sig, quote.pcrs and ak.pub.pem to DIR, "
                       "as tpm2_checkquote reads them");
  evidence->callback([&context, &exit_code, evidence_options] {
    auto done = run_evidence(context, *evidence_options);
    if (!done) {
      exit_code = report_error(done.error());
    }
  });

  auto key_options = std::make_shared<VerifierKeyOptions>();
  auto* verifier_key = attest->add_subcommand(
      "verifier-key", "Print the public key that signs attestation results (PEM, or --jwk)");
  verifier_key->add_flag("--jwk", key_options->jwk, "Print it as a JWK (for JOSE libraries)");
  verifier_key->add_flag("--json", key_options->json,
                         "Print the PEM, JWK and the key's attestation as JSON");
  verifier_key->callback([&context, &exit_code, key_options] {
    auto key = verifier_public_key(context);
    if (!key) {
      exit_code = report_error(key.error());
      return;
    }
    if (key_options->json) {
      print_json(*key);
    } else if (key_options->jwk) {
      std::cout << (*key)["jwk"].dump() << "\n";
    } else {
      std::cout << (*key)["pem"].get<std::string>();
    }
  });
}

}  // namespace ensign::cli
