// enclave_sign_bench.cpp: signatures per second through the enclave boundary (host library ->
// ensign-enclave over the socketpair, one connection, logged batches of 64), side by side in one
// run with raw in-process OpenSSL signing the same digests. At the end it prints the ratio
// enclave / raw OpenSSL for each algorithm.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "host/enclave_client.h"
#include "enclave_session.h"
#include "logged_signer.h"
#include "ratio_reporter.h"

namespace ensign {
namespace {

namespace protocol = enclave::protocol;

constexpr std::size_t kBatch = 256;   // signatures per benchmark iteration

bench::EnclaveSession& session() {
  static bench::EnclaveSession instance;
  return instance;
}

Bytes test_digest() {
  return crypto::random_bytes(32).value();
}

// BM_RawOpenSsl signs with an in-process OpenSSL key: the peer.
void BM_RawOpenSsl(benchmark::State& state, crypto::KeyAlgorithm algorithm) {
  auto key = crypto::generate_private_key(algorithm).value();
  Bytes digest = test_digest();
  bool ecdsa = crypto::signature_hash(algorithm).has_value();
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      auto signature = ecdsa ? crypto::sign_digest(key.get(), algorithm, digest)
                             : crypto::sign_message(key.get(), algorithm, digest);
      benchmark::DoNotOptimize(signature);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}

// BM_Enclave signs the same kind of input through ensign-enclave, in logged batches.
void BM_Enclave(benchmark::State& state, crypto::KeyAlgorithm algorithm) {
  auto& enclave = session().client();
  protocol::GenerateKeyRequest generate;
  generate.key_id = "bench";
  generate.version = static_cast<std::uint32_t>(algorithm);
  generate.algorithm = algorithm;
  auto key = enclave.generate_key(generate).value();
  protocol::SignItem item;
  item.key_id = generate.key_id;
  item.version = generate.version;
  item.algorithm = algorithm;
  item.sealed_key = key.sealed_key;
  item.public_key = key.public_key;
  item.requester = "bench";
  bool ecdsa = crypto::signature_hash(algorithm).has_value();
  item.input = ecdsa ? protocol::SignInput::kDigest : protocol::SignInput::kMessage;
  item.data = test_digest();
  std::vector<protocol::SignItem> batch(kBatch, item);
  auto signer = bench::LoggedSigner::create(enclave);
  if (!signer) {
    state.SkipWithError(signer.error().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto signed_batch = signer->sign(batch);
    if (!signed_batch) {
      state.SkipWithError(signed_batch.error().message().c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}

BENCHMARK_CAPTURE(BM_RawOpenSsl, ecdsa_p256, crypto::KeyAlgorithm::kEcdsaP256)->UseRealTime();
BENCHMARK_CAPTURE(BM_Enclave, ecdsa_p256, crypto::KeyAlgorithm::kEcdsaP256)->UseRealTime();
BENCHMARK_CAPTURE(BM_RawOpenSsl, ed25519, crypto::KeyAlgorithm::kEd25519)->UseRealTime();
BENCHMARK_CAPTURE(BM_Enclave, ed25519, crypto::KeyAlgorithm::kEd25519)->UseRealTime();

// print_ratios prints enclave / raw OpenSSL for each algorithm.
void print_ratios(const bench::RatioReporter::Rates& rates) {
  for (const char* algorithm : {"ecdsa_p256", "ed25519"}) {
    auto raw = rates.find(std::string("BM_RawOpenSsl/") + algorithm + "/real_time");
    auto enclave = rates.find(std::string("BM_Enclave/") + algorithm + "/real_time");
    if (raw == rates.end() || enclave == rates.end()) {
      continue;
    }
    std::printf("ratio %-10s enclave %8.0f/s  raw OpenSSL %8.0f/s  enclave/raw = %.2f\n",
                algorithm, enclave->second, raw->second, enclave->second / raw->second);
  }
}

}  // namespace
}  // namespace ensign

int main(int argc, char** argv) {
  return ensign::bench::run_benchmarks(argc, argv, ensign::print_ratios);
}
