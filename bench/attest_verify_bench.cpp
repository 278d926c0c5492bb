// attest_verify_bench.cpp: evidence appraisals per second per format (verify the evidence, then
// appraise it against a policy), with the certificates parsed once and the chain checks cached
// (as a verifier service runs), side by side in one run with the bare signature verifications
// each format needs, measured here with OpenSSL: one ECDSA P-384 verification for an SEV-SNP
// report, two ECDSA P-256 verifications (the quote by the attestation key, the QE report by the
// PCK key) for TDX and SGX quotes. At the end it prints, per format, how much parsing, chain
// lookup, claim building and policy add to the bare signatures.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "attest/dcap/quote.h"
#include "attest/dcap/verify.h"
#include "attest/policy.h"
#include "attest/snp/verify.h"
#include "core/file.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "ratio_reporter.h"

namespace ensign {
namespace {

std::string vectors_dir() {
  const char* from_environment = std::getenv("ENSIGN_VECTORS_DIR");
  return from_environment != nullptr ? from_environment : ENSIGN_VECTORS_DIR_DEFAULT;
}

Bytes vector(const std::string& name) {
  auto contents = read_file(vectors_dir() + "/" + name, 1 << 20);
  if (!contents) {
    std::fprintf(stderr, "%s\n", contents.error().message().c_str());
    std::exit(1);
  }
  return *contents;
}

void add_certificates(attest::Endorsements& endorsements, const std::string& name, bool roots) {
  auto certificates = attest::pki::parse_certificates(vector(name)).value();
  for (const auto& certificate : certificates) {
    if (roots && certificate.is_self_issued()) {
      (void)endorsements.anchors.add(certificate, false);
    } else if (!roots) {
      endorsements.certificates.push_back(certificate);
    }
  }
}

// Case is one piece of real evidence with everything needed to verify it, and the policy it is
// appraised against.
struct Case {
  Bytes evidence;
  attest::Endorsements endorsements;
  attest::pki::ChainCache cache;
  attest::Policy policy;
};

// policy_for returns a policy that `verification` meets and that reads what policies usually
// do: the format, the measurement, debug, a minimum SVN and one claim by path.
attest::Policy policy_for(const attest::Verification& verification, const char* svn_path,
                          const char* claim_path) {
  const nlohmann::json* svn = &verification.claims;
  const nlohmann::json* claim = &verification.claims;
  for (auto [path, node] : {std::pair{svn_path, &svn}, std::pair{claim_path, &claim}}) {
    std::string rest = path;
    for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
      *node = &(**node).at(rest.substr(0, dot));
      rest = rest.substr(dot + 1);
    }
    *node = &(**node).at(rest);
  }
  nlohmann::json policy = {
      {"formats", {std::string(attest::evidence_format_name(verification.format))}},
      {"measurements", {hex_encode(verification.measurement)}},
      {"allow_debug", verification.debug},
      {"min_svn", {{svn_path, *svn}}},
      {"claims", {{claim_path, *claim}}},
  };
  auto parsed = attest::parse_policy(policy.dump());
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message().c_str());
    std::exit(1);
  }
  return *parsed;
}

Case& snp_case() {
  static Case instance;
  if (instance.evidence.empty()) {
    instance.evidence = vector("snp/gosev_milan_report.bin");
    add_certificates(instance.endorsements, "snp/amd_milan_ask_ark.pem", true);
    add_certificates(instance.endorsements, "snp/amd_milan_ask_ark.pem", false);
    add_certificates(instance.endorsements, "snp/gosev_milan_vcek.der", false);
    instance.endorsements.at = parse_rfc3339("2025-06-01T00:00:00Z").value();
    instance.endorsements.chain_cache = &instance.cache;
    instance.policy =
        policy_for(attest::snp::verify_report(instance.evidence, instance.endorsements),
                   "reported_tcb.snp", "vmpl");
  }
  return instance;
}

Case& dcap_case(const std::string& name) {
  static std::map<std::string, Case> cases;
  auto found = cases.find(name);
  if (found == cases.end()) {
    Case& c = cases[name];
    c.evidence = vector(name);
    add_certificates(c.endorsements, "tdx/intel_sgx_root_ca.pem", true);
    c.endorsements.at = parse_rfc3339("2025-06-01T00:00:00Z").value();
    c.endorsements.chain_cache = &c.cache;
    c.policy = policy_for(attest::dcap::verify_quote(c.evidence, c.endorsements, nullptr),
                          "header.qe_svn", "header.qe_vendor_id");
    return c;
  }
  return found->second;
}

// appraise is what a verifier does with each piece of evidence once it is verified.
void appraise(benchmark::State& state, const Case& c, const attest::Verification& verification) {
  if (!verification.verified()) {
    state.SkipWithError(verification.errors.front().c_str());
    return;
  }
  auto failures = attest::appraise(c.policy, verification);
  benchmark::DoNotOptimize(failures);
  if (!failures.empty()) {
    state.SkipWithError(failures.front().c_str());
  }
}

void BM_Appraise_SevSnp(benchmark::State& state) {
  Case& c = snp_case();
  for (auto _ : state) {
    auto verification = attest::snp::verify_report(c.evidence, c.endorsements);
    appraise(state, c, verification);
  }
  state.SetItemsProcessed(state.iterations());
}

// BM_Bare_SevSnp: the report's ECDSA P-384 signature over its first 0x2A0 bytes, by the VCEK.
void BM_Bare_SevSnp(benchmark::State& state) {
  Case& c = snp_case();
  ByteView report(c.evidence);
  ByteView r = report.subspan(0x2A0, 72);
  ByteView s = report.subspan(0x2A0 + 72, 72);
  Bytes signature = crypto::ecdsa_raw_to_der(crypto::reversed(r), crypto::reversed(s)).value();
  EVP_PKEY* vcek = c.endorsements.certificates.back().public_key();
  for (auto _ : state) {
    bool ok = crypto::verify_message(vcek, crypto::KeyAlgorithm::kEcdsaP384,
                                     report.first(0x2A0), signature);
    benchmark::DoNotOptimize(ok);
    if (!ok) {
      state.SkipWithError("the bare SNP signature does not verify");
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Appraise_Dcap(benchmark::State& state, const std::string& name) {
  Case& c = dcap_case(name);
  for (auto _ : state) {
    auto verification = attest::dcap::verify_quote(c.evidence, c.endorsements, nullptr);
    appraise(state, c, verification);
  }
  state.SetItemsProcessed(state.iterations());
}

// BM_Bare_Dcap: the quote's signature by the attestation key and the QE report's by the PCK key.
void BM_Bare_Dcap(benchmark::State& state, const std::string& name) {
  Case& c = dcap_case(name);
  auto quote = attest::dcap::parse_quote(c.evidence).value();
  ByteView key(quote.attestation_key);
  auto attestation_key =
      crypto::ec_public_key_from_point(crypto::EcCurve::kP256, key.first(32), key.subspan(32))
          .value();
  auto pck = attest::pki::parse_certificates(to_bytes(as_string(quote.pck_chain))).value().front();
  auto der = [](ByteView raw) { return crypto::ecdsa_raw_to_der(raw.first(32), raw.subspan(32)).value(); };
  Bytes quote_signature = der(quote.signature);
  Bytes qe_signature = der(quote.qe_report_signature);
  for (auto _ : state) {
    bool ok = crypto::verify_message(attestation_key.get(), crypto::KeyAlgorithm::kEcdsaP256,
                                     quote.signed_bytes, quote_signature) &&
              crypto::verify_message(pck.public_key(), crypto::KeyAlgorithm::kEcdsaP256,
                                     quote.qe_report_bytes, qe_signature);
    benchmark::DoNotOptimize(ok);
    if (!ok) {
      state.SkipWithError("the bare quote signatures do not verify");
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Bare_SevSnp)->UseRealTime();
BENCHMARK(BM_Appraise_SevSnp)->UseRealTime();
BENCHMARK_CAPTURE(BM_Bare_Dcap, tdx, std::string("tdx/gotdx_v4_cos113_quote.bin"))->UseRealTime();
BENCHMARK_CAPTURE(BM_Appraise_Dcap, tdx, std::string("tdx/gotdx_v4_cos113_quote.bin"))->UseRealTime();
BENCHMARK_CAPTURE(BM_Bare_Dcap, sgx, std::string("sgx/occlum_sgx_v3_quote.bin"))->UseRealTime();
BENCHMARK_CAPTURE(BM_Appraise_Dcap, sgx, std::string("sgx/occlum_sgx_v3_quote.bin"))->UseRealTime();

// print_overheads prints, per format, the verifier's time over the bare signatures' time.
void print_overheads(const bench::RatioReporter::Rates& rates) {
  const std::pair<const char*, const char*> kFormats[] = {
      {"BM_Bare_SevSnp/real_time", "BM_Appraise_SevSnp/real_time"},
      {"BM_Bare_Dcap/tdx/real_time", "BM_Appraise_Dcap/tdx/real_time"},
      {"BM_Bare_Dcap/sgx/real_time", "BM_Appraise_Dcap/sgx/real_time"},
  };
  for (const auto& [bare_name, verify_name] : kFormats) {
    auto bare = rates.find(bare_name);
    auto verify = rates.find(verify_name);
    if (bare == rates.end() || verify == rates.end()) {
      continue;
    }
    std::printf("overhead %-30s appraise %8.0f/s  bare signatures %8.0f/s  added %+5.1f%%\n",
                verify_name, verify->second, bare->second,
                100.0 * (bare->second / verify->second - 1.0));
  }
}

}  // namespace
}  // namespace ensign

int main(int argc, char** argv) {
  return ensign::bench::run_benchmarks(argc, argv, ensign::print_overheads);
}
