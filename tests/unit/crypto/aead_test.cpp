// Tests of crypto/aead.h: AES-256-GCM, HKDF-SHA256 and random_bytes.
// Vectors: AES-256-GCM test cases 13-16 of McGrew and Viega, "The Galois/Counter Mode of
// Operation (GCM)", revised 2005; HKDF test cases 1-3 of RFC 5869 appendix A.
#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/corrupt.h"

namespace ensign::crypto {
namespace {

struct GcmVector {
  const char* name;
  std::string key;
  std::string nonce;
  std::string associated_data;
  std::string plaintext;
  std::string ciphertext_and_tag;
};

const std::string kGcmKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const std::string kGcmPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";
const std::string kGcmCiphertext =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b105682"
    "8838c5f61e6393ba7a0abcc9f662";

const GcmVector kGcmVectors[] = {
    {"13", std::string(64, '0'), std::string(24, '0'), "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"14",
     std::string(64, '0'),
     std::string(24, '0'),
     "",
     std::string(32, '0'),
     "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"},
    {"15",
     kGcmKey,
     "cafebabefacedbaddecaf888",
     "",
     kGcmPlaintext + "1aafd255",
     kGcmCiphertext + "898015ad" + "b094dac5d93471bdec1a502270e3cc6c"},
    {"16",
     kGcmKey,
     "cafebabefacedbaddecaf888",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     kGcmPlaintext,
     kGcmCiphertext + "76fc6ece0f4e1768cddf8853bb2d551b"},
};

struct HkdfVector {
  const char* name;
  Bytes ikm;
  Bytes salt;
  Bytes info;
  std::string okm;
};

// range returns the bytes first, first+1, ..., last.
Bytes range(unsigned first, unsigned last) {
  Bytes out;
  for (unsigned value = first; value <= last; ++value) {
    out.push_back(static_cast<std::uint8_t>(value));
  }
  return out;
}

const HkdfVector kHkdfVectors[] = {
    {"1",
     Bytes(22, 0x0b),
     range(0x00, 0x0c),
     range(0xf0, 0xf9),
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"2",
     range(0x00, 0x4f),
     range(0x60, 0xaf),
     range(0xb0, 0xff),
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e5"
     "90e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"3",
     Bytes(22, 0x0b),
     {},
     {},
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
};

SecretBytes key_from_hex(const std::string& hex) {
  return SecretBytes::copy_of(hex_decode(hex).value());
}

template <typename T>
void expect_error(const Result<T>& result, ErrorCode code, const std::string& what) {
  ASSERT_FALSE(result.has_value()) << what;
  EXPECT_EQ(result.error().code(), code) << what << ": " << result.error().message();
}

class AeadTest : public ::testing::Test {
 protected:
  const SecretBytes key_ = SecretBytes::copy_of(random_bytes(kAesGcmKeySize).value());
  const Bytes nonce_ = random_bytes(kAesGcmNonceSize).value();
  const Bytes associated_data_ = to_bytes("key k1 version 3");
  const Bytes plaintext_ = to_bytes("sealed signing key material");

  Bytes seal() const { return aes256gcm_seal(key_, nonce_, associated_data_, plaintext_).value(); }

  // expect_invalid_argument checks that both sealing and opening refuse a key or nonce.
  void expect_invalid_argument(const SecretBytes& key,
                               ByteView nonce,
                               ByteView sealed,
                               const std::string& what) const {
    expect_error(aes256gcm_seal(key, nonce, associated_data_, plaintext_),
                 ErrorCode::kInvalidArgument,
                 what);
    expect_error(
        aes256gcm_open(key, nonce, associated_data_, sealed), ErrorCode::kInvalidArgument, what);
  }

  void expect_data_loss(const SecretBytes& key,
                        ByteView nonce,
                        ByteView associated_data,
                        ByteView sealed,
                        const std::string& what) const {
    expect_error(aes256gcm_open(key, nonce, associated_data, sealed), ErrorCode::kDataLoss, what);
  }
};

TEST_F(AeadTest, MatchesGcmSpecificationVectors) {
  for (const auto& vector : kGcmVectors) {
    SecretBytes key = key_from_hex(vector.key);
    Bytes nonce = hex_decode(vector.nonce).value();
    Bytes associated_data = hex_decode(vector.associated_data).value();
    Bytes plaintext = hex_decode(vector.plaintext).value();
    auto sealed = aes256gcm_seal(key, nonce, associated_data, plaintext);
    ASSERT_TRUE(sealed.has_value()) << vector.name << ": " << sealed.error().message();
    EXPECT_EQ(hex_encode(*sealed), vector.ciphertext_and_tag) << vector.name;
    auto opened = aes256gcm_open(key, nonce, associated_data, *sealed);
    ASSERT_TRUE(opened.has_value()) << vector.name << ": " << opened.error().message();
    EXPECT_TRUE(constant_time_equal(opened->view(), plaintext)) << vector.name;
  }
}

TEST_F(AeadTest, RoundTripsEverySize) {
  for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 4096u, 1u << 20}) {
    Bytes plaintext = random_bytes(size).value();
    auto sealed = aes256gcm_seal(key_, nonce_, associated_data_, plaintext);
    ASSERT_TRUE(sealed.has_value()) << size;
    EXPECT_EQ(sealed->size(), size + kAesGcmTagSize);
    auto opened = aes256gcm_open(key_, nonce_, associated_data_, *sealed);
    ASSERT_TRUE(opened.has_value()) << size << ": " << opened.error().message();
    EXPECT_TRUE(constant_time_equal(opened->view(), plaintext)) << size;
  }
}

TEST_F(AeadTest, CiphertextDependsOnTheNonce) {
  Bytes other_nonce = test::flipped(nonce_, 0);
  EXPECT_NE(seal(), aes256gcm_seal(key_, other_nonce, associated_data_, plaintext_).value());
}

TEST_F(AeadTest, EveryChangedCiphertextOrTagByteIsDataLoss) {
  Bytes sealed = seal();
  std::size_t index = 0;
  for (const Bytes& changed : test::flipped_copies(sealed, 0x80)) {
    expect_data_loss(key_, nonce_, associated_data_, changed, "byte " + std::to_string(index++));
  }
}

TEST_F(AeadTest, CutOrExtendedCiphertextIsDataLoss) {
  Bytes sealed = seal();
  for (std::size_t size : {std::size_t{0}, kAesGcmTagSize - 1, kAesGcmTagSize, sealed.size() - 1}) {
    expect_data_loss(key_,
                     nonce_,
                     associated_data_,
                     test::truncated(sealed, size),
                     "cut to " + std::to_string(size));
  }
  expect_data_loss(key_, nonce_, associated_data_, test::appended(sealed, Bytes{0}), "extended");
}

TEST_F(AeadTest, ChangedAssociatedDataIsDataLoss) {
  Bytes sealed = seal();
  expect_data_loss(key_, nonce_, test::flipped(associated_data_, 0), sealed, "flipped");
  expect_data_loss(key_, nonce_, test::appended(associated_data_, Bytes{0}), sealed, "appended");
  expect_data_loss(key_, nonce_, ByteView{}, sealed, "empty");
}

TEST_F(AeadTest, ChangedNonceIsDataLoss) {
  Bytes sealed = seal();
  for (std::size_t index : {std::size_t{0}, kAesGcmNonceSize - 1}) {
    expect_data_loss(key_,
                     test::flipped(nonce_, index),
                     associated_data_,
                     sealed,
                     "nonce byte " + std::to_string(index));
  }
}

TEST_F(AeadTest, WrongKeyIsDataLoss) {
  Bytes sealed = seal();
  SecretBytes other = SecretBytes::copy_of(test::flipped(key_.view(), 31));
  expect_data_loss(other, nonce_, associated_data_, sealed, "other key");
}

TEST_F(AeadTest, WrongKeySizesAreRefused) {
  Bytes sealed = seal();
  for (std::size_t size : {0u, 16u, 24u, 31u, 33u, 64u}) {
    expect_invalid_argument(SecretBytes(size), nonce_, sealed, "key size " + std::to_string(size));
  }
}

TEST_F(AeadTest, WrongNonceSizesAreRefused) {
  Bytes sealed = seal();
  for (std::size_t size : {0u, 8u, 11u, 13u, 16u}) {
    expect_invalid_argument(key_, Bytes(size, 0x42), sealed, "nonce size " + std::to_string(size));
  }
}

TEST(HkdfTest, MatchesRfc5869Vectors) {
  for (const auto& vector : kHkdfVectors) {
    std::size_t length = vector.okm.size() / 2;
    auto okm = hkdf_sha256(vector.ikm, vector.salt, vector.info, length);
    ASSERT_TRUE(okm.has_value()) << vector.name << ": " << okm.error().message();
    EXPECT_EQ(hex_encode(okm->view()), vector.okm) << vector.name;
  }
}

TEST(HkdfTest, DerivesUpToTheRfcLimit) {
  for (std::size_t length : {1u, 32u, 255u * 32u}) {
    auto okm = hkdf_sha256(as_bytes("root"), as_bytes("salt"), as_bytes("info"), length);
    ASSERT_TRUE(okm.has_value()) << length << ": " << okm.error().message();
    EXPECT_EQ(okm->size(), length);
  }
}

TEST(HkdfTest, RefusesMoreThan255Blocks) {
  auto okm = hkdf_sha256(as_bytes("root"), as_bytes("salt"), as_bytes("info"), 255 * 32 + 1);
  EXPECT_FALSE(okm.has_value());
}

TEST(HkdfTest, DifferentSaltOrInfoGivesUnrelatedKeys) {
  auto base = hkdf_sha256(as_bytes("root"), as_bytes("salt"), as_bytes("sealing"), 32).value();
  auto other_info =
      hkdf_sha256(as_bytes("root"), as_bytes("salt"), as_bytes("sealinh"), 32).value();
  auto other_salt =
      hkdf_sha256(as_bytes("root"), as_bytes("salu"), as_bytes("sealing"), 32).value();
  auto other_ikm = hkdf_sha256(as_bytes("rooT"), as_bytes("salt"), as_bytes("sealing"), 32).value();
  EXPECT_FALSE(constant_time_equal(base.view(), other_info.view()));
  EXPECT_FALSE(constant_time_equal(base.view(), other_salt.view()));
  EXPECT_FALSE(constant_time_equal(base.view(), other_ikm.view()));
}

TEST(RandomBytesTest, ReturnsTheRequestedLength) {
  for (std::size_t size : {0u, 1u, 32u, 1000u}) {
    auto bytes = random_bytes(size);
    ASSERT_TRUE(bytes.has_value()) << size;
    EXPECT_EQ(bytes->size(), size);
  }
}

TEST(RandomBytesTest, CallsDoNotRepeat) {
  std::set<Bytes> seen;
  for (int i = 0; i < 64; ++i) {
    seen.insert(random_bytes(16).value());
  }
  EXPECT_EQ(seen.size(), 64u);
}

}  // namespace
}  // namespace ensign::crypto
