// tpm_sign_bench.cpp: TPM2_Sign per second through ensign (host library -> ensign-enclave on the
// tpm platform -> swtpm) side by side in one run with the bare ESYS call on the same swtpm: a key
// of the same template, loaded once, Esys_Sign over a SHA-256 digest in a loop. Both connect to
// swtpm through the same TCTI, which opens a connection per command. At the end it prints
// ensign / bare ESYS. swtpm is started on free loopback ports and stopped after.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <unistd.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "crypto/aead.h"
#include "host/enclave_client.h"
#include "enclave_session.h"
#include "logged_signer.h"
#include "ratio_reporter.h"
#include "tee/tpm/objects.h"

namespace ensign {
namespace {

namespace protocol = enclave::protocol;

constexpr std::size_t kBatch = 32;   // signatures per benchmark iteration

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "tpm_sign_bench: %s\n", message.c_str());
  std::exit(1);
}

// Swtpm is one swtpm on free loopback ports (the server port and, as the swtpm TCTI expects,
// the next one for control) with its state in a temporary directory.
class Swtpm {
 public:
  Swtpm() {
    char pattern[] = "/tmp/ensign-tpm-bench-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    std::mt19937 random(std::random_device{}());
    for (int attempt = 0; attempt < 20 && pid_ <= 0; ++attempt) {
      port_ = 20000 + static_cast<int>(random() % 20000) * 2;
      std::string command = "swtpm socket --tpm2 --server type=tcp,port=" +
                            std::to_string(port_) + ",bindaddr=127.0.0.1 --ctrl type=tcp,port=" +
                            std::to_string(port_ + 1) + ",bindaddr=127.0.0.1 --tpmstate dir=" +
                            dir_ + " --flags not-need-init,startup-clear --pid file=" + dir_ +
                            "/swtpm.pid --daemon 2>/dev/null";
      if (std::system(command.c_str()) != 0) {
        continue;
      }
      for (int wait = 0; wait < 100 && pid_ <= 0; ++wait) {
        std::ifstream pid_file(dir_ + "/swtpm.pid");
        if (!(pid_file >> pid_)) {
          pid_ = 0;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    }
    if (pid_ <= 0) {
      die("swtpm did not start (is it installed?)");
    }
  }
  ~Swtpm() {
    ::kill(pid_, SIGTERM);
    for (int wait = 0; wait < 100 && ::kill(pid_, 0) == 0; ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string tcti() const { return "swtpm:host=127.0.0.1,port=" + std::to_string(port_); }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// Session is the swtpm and an ensign installation on it, shared by both benchmarks.
struct Session {
  Swtpm tpm;
  bench::EnclaveSession enclave{"tpm", tpm.tcti()};
};

Session& session() {
  static Session instance;
  return instance;
}

void check(TSS2_RC rc, const char* what) {
  if (rc != TSS2_RC_SUCCESS) {
    die(std::string(what) + " failed: " + std::to_string(rc));
  }
}

// BM_BareEsys signs with Esys_Sign on a key of the signing template under the SRK ensign made.
void BM_BareEsys(benchmark::State& state) {
  auto& shared = session();
  TSS2_TCTI_CONTEXT* tcti = nullptr;
  check(Tss2_TctiLdr_Initialize(shared.tpm.tcti().c_str(), &tcti), "Tss2_TctiLdr_Initialize");
  ESYS_CONTEXT* esys = nullptr;
  check(Esys_Initialize(&esys, tcti, nullptr), "Esys_Initialize");
  ESYS_TR srk = ESYS_TR_NONE;
  check(Esys_TR_FromTPMPublic(esys, tee::tpm::kSrkHandle, ESYS_TR_NONE, ESYS_TR_NONE,
                              ESYS_TR_NONE, &srk),
        "Esys_TR_FromTPMPublic");
  TPM2B_PUBLIC area = tee::tpm::signing_key_template(crypto::KeyAlgorithm::kEcdsaP256).value();
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcrs{};
  TPM2B_PRIVATE* private_area = nullptr;
  TPM2B_PUBLIC* public_area = nullptr;
  check(Esys_Create(esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &area,
                    &outside, &creation_pcrs, &private_area, &public_area, nullptr, nullptr,
                    nullptr),
        "Esys_Create");
  ESYS_TR key = ESYS_TR_NONE;
  check(Esys_Load(esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, private_area,
                  public_area, &key),
        "Esys_Load");
  Esys_Free(private_area);
  Esys_Free(public_area);
  Bytes random_digest = crypto::random_bytes(32).value();
  TPM2B_DIGEST digest{};
  digest.size = 32;
  std::copy(random_digest.begin(), random_digest.end(), digest.buffer);
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_ECDSA;
  scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
  TPMT_TK_HASHCHECK validation{};
  validation.tag = TPM2_ST_HASHCHECK;
  validation.hierarchy = TPM2_RH_NULL;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      TPMT_SIGNATURE* signature = nullptr;
      check(Esys_Sign(esys, key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &digest, &scheme,
                      &validation, &signature),
            "Esys_Sign");
      Esys_Free(signature);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  Esys_FlushContext(esys, key);
  Esys_Finalize(&esys);
  Tss2_TctiLdr_Finalize(&tcti);
}

// BM_Ensign signs the same kind of digest with a key ensign-enclave made in the TPM.
void BM_Ensign(benchmark::State& state) {
  auto& enclave = session().enclave.client();
  protocol::GenerateKeyRequest generate{"bench", 1, crypto::KeyAlgorithm::kEcdsaP256};
  auto key = enclave.generate_key(generate);
  if (!key) {
    state.SkipWithError(key.error().message().c_str());
    return;
  }
  protocol::SignItem item{"bench",
                          1,
                          crypto::KeyAlgorithm::kEcdsaP256,
                          key->sealed_key,
                          key->public_key,
                          "bench",
                          protocol::SignInput::kDigest,
                          "",
                          crypto::random_bytes(32).value()};
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

BENCHMARK(BM_BareEsys)->UseRealTime();
BENCHMARK(BM_Ensign)->UseRealTime();

void print_ratio(const bench::RatioReporter::Rates& rates) {
  auto bare = rates.find("BM_BareEsys/real_time");
  auto ensign = rates.find("BM_Ensign/real_time");
  if (bare != rates.end() && ensign != rates.end()) {
    std::printf("TPM2_Sign P-256: ensign %.0f/s  bare ESYS %.0f/s  ensign/bare = %.3f "
                "(overhead %+.1f %%)\n",
                ensign->second, bare->second, ensign->second / bare->second,
                (bare->second / ensign->second - 1) * 100);
  }
}

}  // namespace
}  // namespace ensign

int main(int argc, char** argv) {
  return ensign::bench::run_benchmarks(argc, argv, ensign::print_ratio);
}
