// Tests of src/tee/sim/sealed_blob.cpp: the sealed-blob format, its key derivation and every
// way unseal refuses a blob.
#include "tee/sim/sealed_blob.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"

namespace ensign::tee::sim {
namespace {

SecretBytes root_der() {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP384);
  return std::move(crypto::private_key_to_der(key->get())).value();
}

class SealedBlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = std::move(derive_sealing_key(root_, measurement_)).value();
    blob_ = seal(key_, binding(), "release@2");
  }

  SealBinding binding() const { return {measurement_, root_key_id_}; }

  Bytes seal(const SecretBytes& key, const SealBinding& binding, std::string_view object_id) {
    return std::move(seal_blob(key, binding, SealPurpose::kSigningKey, object_id, secret_)).value();
  }

  void expect_refused(const Result<SecretBytes>& result, const std::string& text) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss);
    EXPECT_NE(result.error().message().find(text), std::string::npos) << result.error().message();
  }

  Result<SecretBytes> unseal(ByteView blob) {
    return unseal_blob(key_, binding(), SealPurpose::kSigningKey, "release@2", blob);
  }

  SecretBytes root_ = root_der();
  Bytes measurement_ = Bytes(48, 0x11);
  Bytes root_key_id_ = Bytes(32, 0x22);
  SecretBytes secret_ = SecretBytes::copy_of(to_bytes("the private key bytes"));
  SecretBytes key_;
  Bytes blob_;
};

TEST_F(SealedBlobTest, RoundTrip) {
  auto opened = unseal(blob_);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  EXPECT_TRUE(constant_time_equal(opened->view(), secret_.view()));
}

TEST_F(SealedBlobTest, LayoutMatchesTheDocumentedOffsets) {
  EXPECT_EQ(as_string(ByteView(blob_).first(4)), "ESLB");
  EXPECT_EQ(blob_[5], 1);
  EXPECT_EQ(Bytes(blob_.begin() + 6, blob_.begin() + 54), measurement_);
  EXPECT_EQ(Bytes(blob_.begin() + 54, blob_.begin() + 86), root_key_id_);
  EXPECT_EQ(blob_[86], static_cast<std::uint8_t>(SealPurpose::kSigningKey));
  EXPECT_EQ(blob_[87], 9);
  EXPECT_EQ(as_string(ByteView(blob_).subspan(88, 9)), "release@2");
  EXPECT_EQ(blob_.size(), 88u + 9 + 12 + secret_.size() + 16);
}

TEST_F(SealedBlobTest, EverySealUsesAFreshNonce) {
  Bytes again = seal(key_, binding(), "release@2");
  EXPECT_NE(Bytes(blob_.begin() + 97, blob_.begin() + 109),
            Bytes(again.begin() + 97, again.begin() + 109));
}

TEST_F(SealedBlobTest, KeyDependsOnRootAndMeasurement) {
  SecretBytes same = std::move(derive_sealing_key(root_, measurement_)).value();
  SecretBytes other_measurement = std::move(derive_sealing_key(root_, Bytes(48, 0x12))).value();
  SecretBytes other_root = std::move(derive_sealing_key(root_der(), measurement_)).value();
  EXPECT_EQ(key_.size(), 32u);
  EXPECT_TRUE(constant_time_equal(key_.view(), same.view()));
  EXPECT_FALSE(constant_time_equal(key_.view(), other_measurement.view()));
  EXPECT_FALSE(constant_time_equal(key_.view(), other_root.view()));
}

TEST_F(SealedBlobTest, RefusesEveryFlippedByte) {
  for (std::size_t index = 0; index < blob_.size(); ++index) {
    Bytes changed = blob_;
    changed[index] ^= 0x80;
    auto opened = unseal(changed);
    ASSERT_FALSE(opened.has_value()) << "flipped byte " << index << " went unnoticed";
    EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
  }
}

TEST_F(SealedBlobTest, FlippedCiphertextOrNonceIsReportedAsCorrupt) {
  for (std::size_t index : {std::size_t{97}, std::size_t{110}, blob_.size() - 1}) {
    Bytes changed = blob_;
    changed[index] ^= 0x01;
    expect_refused(unseal(changed), "modified or corrupt (authentication failed)");
  }
}

TEST_F(SealedBlobTest, RefusesEveryTruncation) {
  for (std::size_t size = 0; size < blob_.size(); ++size) {
    auto opened = unseal(ByteView(blob_).first(size));
    ASSERT_FALSE(opened.has_value()) << "prefix of " << size << " bytes unsealed";
    EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
  }
  expect_refused(unseal(ByteView(blob_).first(50)), "truncated or not a sealed blob");
}

TEST_F(SealedBlobTest, RefusesSomethingThatIsNotABlob) {
  Bytes text = to_bytes(std::string(200, 'x'));
  expect_refused(unseal(text), "truncated or not a sealed blob");
}

TEST_F(SealedBlobTest, RefusesAnotherFormatVersion) {
  Bytes changed = blob_;
  changed[5] = 2;
  expect_refused(unseal(changed), "format version 2");
}

TEST_F(SealedBlobTest, RefusesABlobOverTheLimit) {
  Bytes large = blob_;
  large.resize(kMaxSealedBlobSize + 1);
  expect_refused(unseal(large), "over the limit of 4096");
}

TEST_F(SealedBlobTest, RefusesABlobFromAnotherInstallation) {
  SecretBytes other_key = std::move(derive_sealing_key(root_der(), measurement_)).value();
  Bytes other_id(32, 0x33);
  Bytes blob = seal(other_key, {measurement_, other_id}, "release@2");
  expect_refused(unseal(blob), "sealed by another installation (root key 3333333333333333...");
}

TEST_F(SealedBlobTest, RefusesABlobFromAnotherEnclaveBuild) {
  Bytes other_measurement(48, 0x99);
  SecretBytes other_key = std::move(derive_sealing_key(root_, other_measurement)).value();
  Bytes blob = seal(other_key, {other_measurement, root_key_id_}, "release@2");
  expect_refused(unseal(blob),
                 "sealed by another enclave build (measurement 9999999999999999..., this "
                 "enclave is 1111111111111111...)");
}

TEST_F(SealedBlobTest, RefusesAnotherObjectId) {
  auto opened = unseal_blob(key_, binding(), SealPurpose::kSigningKey, "release@3", blob_);
  expect_refused(opened,
                 "sealed for another key/purpose (signing-key \"release@2\", asked for "
                 "signing-key \"release@3\")");
}

TEST_F(SealedBlobTest, RefusesAnotherPurpose) {
  auto opened = unseal_blob(key_, binding(), static_cast<SealPurpose>(2), "release@2", blob_);
  expect_refused(opened, "sealed for another key/purpose");
}

TEST_F(SealedBlobTest, RefusesAHeaderRewrittenToAnotherObjectId) {
  Bytes changed = blob_;
  changed[96] = '3';  // "release@3" in clear: the associated data no longer matches
  auto opened = unseal_blob(key_, binding(), SealPurpose::kSigningKey, "release@3", changed);
  expect_refused(opened, "modified or corrupt (authentication failed)");
}

TEST_F(SealedBlobTest, SealRefusesBadObjectIds) {
  for (std::string id :
       {std::string(), std::string(kMaxObjectIdSize + 1, 'a'), std::string("line\nbreak")}) {
    auto sealed = seal_blob(key_, binding(), SealPurpose::kSigningKey, id, secret_);
    ASSERT_FALSE(sealed.has_value());
    EXPECT_EQ(sealed.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(SealedBlobTest, SealRefusesAPlaintextThatWouldExceedTheLimit) {
  SecretBytes large(kMaxSealedBlobSize);
  auto sealed = seal_blob(key_, binding(), SealPurpose::kSigningKey, "big@1", large);
  ASSERT_FALSE(sealed.has_value());
  EXPECT_EQ(sealed.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ensign::tee::sim
