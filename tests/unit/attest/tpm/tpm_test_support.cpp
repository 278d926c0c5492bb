#include "tpm_test_support.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "attest/tpm/algorithms.h"
#include "core/wire.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "support/vectors.h"

namespace ensign::attest::tpm::test {
namespace {

void append_u64(Bytes& out, std::uint64_t value) {
  wire::append_u32(out, static_cast<std::uint32_t>(value >> 32));
  wire::append_u32(out, static_cast<std::uint32_t>(value & 0xffffffffU));
}

void append_sized(Bytes& out, ByteView bytes) {
  wire::append_u16(out, static_cast<std::uint16_t>(bytes.size()));
  wire::append(out, bytes);
}

void append_le32(Bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xff));
  }
}

TestAk finish_ak(EVP_PKEY* generated) {
  TestAk ak{EvpPkeyPtr(generated), {}};
  EXPECT_TRUE(ak.key != nullptr) << "key generation failed";
  if (ak.key) {
    ak.public_der = crypto::public_key_to_der(ak.key.get()).value();
  }
  return ak;
}

Bytes bignum_bytes(const BIGNUM* number, int width) {
  Bytes out(static_cast<std::size_t>(width));
  EXPECT_EQ(BN_bn2binpad(number, out.data(), width), width);
  return out;
}

}  // namespace

nlohmann::json manifest_entry(const std::string& file) {
  Bytes text = ensign::test::read_vector("manifest.json");
  auto manifest = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (manifest.is_discarded()) {
    ADD_FAILURE() << "manifest.json is not JSON";
    return nullptr;
  }
  for (const auto& entry : manifest.at("entries")) {
    if (entry.value("file", "") == file) {
      return entry;
    }
  }
  ADD_FAILURE() << "manifest.json has no entry for " << file;
  return nullptr;
}

Bytes marshal_attest(const QuoteAttest& attest) {
  Bytes out;
  wire::append_u32(out, attest.magic);
  wire::append_u16(out, attest.type);
  append_sized(out, attest.qualified_signer);
  append_sized(out, attest.extra_data);
  append_u64(out, attest.clock);
  wire::append_u32(out, attest.reset_count);
  wire::append_u32(out, attest.restart_count);
  out.push_back(attest.safe);
  append_u64(out, attest.firmware_version);
  wire::append_u32(out, static_cast<std::uint32_t>(attest.pcr_select.size()));
  for (const auto& selection : attest.pcr_select) {
    wire::append_u16(out, selection.hash_alg);
    out.push_back(static_cast<std::uint8_t>(selection.select.size()));
    wire::append(out, selection.select);
  }
  append_sized(out, attest.pcr_digest);
  return out;
}

std::vector<Bytes> zero_pcr_values() {
  return {Bytes(20), Bytes(20), Bytes(32), Bytes(32), Bytes(32)};
}

QuoteAttest sample_attest() {
  QuoteAttest attest;
  attest.magic = kTpmGeneratedValue;
  attest.type = kStAttestQuote;
  attest.qualified_signer = Bytes(34, 0x5a);
  attest.qualified_signer[1] = 0x0b;
  attest.extra_data = to_bytes("nonce-0123");
  attest.clock = 0x0000000100000002ULL;
  attest.reset_count = 3;
  attest.restart_count = 4;
  attest.safe = 1;
  attest.firmware_version = 0x2019102300163636ULL;
  attest.pcr_select = {{kAlgSha1, {0x03, 0x00, 0x00}}, {kAlgSha256, {0x03, 0x00, 0x01}}};
  Bytes concatenated;
  for (const auto& value : zero_pcr_values()) {
    wire::append(concatenated, value);
  }
  attest.pcr_digest = crypto::sha256(concatenated);
  return attest;
}

TestAk make_rsa_ak(int bits) {
  return finish_ak(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
}

TestAk make_ec_ak(const char* curve) {
  return finish_ak(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

Bytes marshal_signature(const TpmSignature& signature) {
  Bytes out;
  wire::append_u16(out, signature.sig_alg);
  wire::append_u16(out, signature.hash_alg);
  if (signature.sig_alg == kAlgEcdsa) {
    append_sized(out, signature.ecdsa_r);
    append_sized(out, signature.ecdsa_s);
  } else {
    append_sized(out, signature.rsa_signature);
  }
  return out;
}

Bytes sign_as_tpm(const TestAk& ak,
                  std::uint16_t sig_alg,
                  std::uint16_t hash_alg,
                  ByteView message) {
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  const EVP_MD* md = find_tpm_hash(hash_alg)->evp_md();
  EXPECT_EQ(EVP_DigestSignInit(context.get(), &key_context, md, nullptr, ak.key.get()), 1);
  if (sig_alg == kAlgRsapss) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST), 1);
  }
  std::size_t length = 0;
  EXPECT_EQ(EVP_DigestSign(context.get(), nullptr, &length, message.data(), message.size()), 1);
  Bytes produced(length);
  EXPECT_EQ(EVP_DigestSign(context.get(), produced.data(), &length, message.data(), message.size()),
            1);
  produced.resize(length);
  TpmSignature signature{sig_alg, hash_alg, {}, {}, {}};
  if (sig_alg != kAlgEcdsa) {
    signature.rsa_signature = produced;
    return marshal_signature(signature);
  }
  auto width = static_cast<std::size_t>((EVP_PKEY_get_bits(ak.key.get()) + 7) / 8);
  Bytes raw = crypto::ecdsa_der_to_raw(produced, width).value();
  signature.ecdsa_r.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(width));
  signature.ecdsa_s.assign(raw.begin() + static_cast<std::ptrdiff_t>(width), raw.end());
  return marshal_signature(signature);
}

std::string runtime_json_with_ak(const TestAk& ak) {
  BIGNUM* modulus = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(ak.key.get(), OSSL_PKEY_PARAM_RSA_N, &modulus), 1);
  BignumPtr owned(modulus);
  Bytes n = bignum_bytes(owned.get(), BN_num_bytes(owned.get()));
  nlohmann::json runtime = {
      {"keys",
       {{{"kid", "HCLAkPub"},
         {"key_ops", {"sign"}},
         {"kty", "RSA"},
         {"e", "AQAB"},
         {"n", base64url_encode(n)}}}},
      {"vm-configuration", {{"secure-boot", true}, {"tpm-enabled", true}}},
  };
  return runtime.dump();
}

Bytes make_hcl_report(std::uint32_t hardware_report_type,
                      std::string_view runtime_json,
                      std::uint32_t hash_type,
                      std::size_t padding) {
  constexpr std::size_t kHeaderSize = 0x20;
  constexpr std::size_t kHardwareArea = 0x4a0;
  constexpr std::size_t kRequestDataSize = 20;
  Bytes report;
  wire::append(report, as_bytes("HCLA"));
  append_le32(report, 1);
  append_le32(report,
              static_cast<std::uint32_t>(kHeaderSize + kHardwareArea + kRequestDataSize +
                                         runtime_json.size()));
  append_le32(report, 2);
  report.resize(kHeaderSize + kHardwareArea);
  crypto::HashAlgorithm algorithm = hash_type == 2   ? crypto::HashAlgorithm::kSha384
                                    : hash_type == 3 ? crypto::HashAlgorithm::kSha512
                                                     : crypto::HashAlgorithm::kSha256;
  Bytes digest = crypto::hash(algorithm, as_bytes(runtime_json));
  std::size_t report_data = kHeaderSize + (hardware_report_type == 4 ? 0x80 : 0x50);
  std::copy(
      digest.begin(), digest.end(), report.begin() + static_cast<std::ptrdiff_t>(report_data));
  append_le32(report, static_cast<std::uint32_t>(kRequestDataSize + runtime_json.size()));
  append_le32(report, 1);
  append_le32(report, hardware_report_type);
  append_le32(report, hash_type);
  append_le32(report, static_cast<std::uint32_t>(runtime_json.size()));
  wire::append(report, as_bytes(runtime_json));
  report.resize(report.size() + padding);
  return report;
}

}  // namespace ensign::attest::tpm::test
