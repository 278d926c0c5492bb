// Tests of src/tee/sim/root.cpp: creating and loading the sim root file.
#include "tee/sim/root.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "crypto/keys.h"
#include "support/enclave_process.h"
#include "support/scratch_directory.h"

namespace ensign::tee::sim {
namespace {

class SimRootTest : public ::testing::Test {
 protected:
  std::string path() const { return directory_.path("sim-root.pem"); }

  void expect_refused(ErrorCode code, const std::string& text) {
    auto loaded = load_sim_root(path());
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error().code(), code) << loaded.error().message();
    EXPECT_NE(loaded.error().message().find(text), std::string::npos) << loaded.error().message();
    EXPECT_NE(loaded.error().message().find(path()), std::string::npos);
  }

  test::ScratchDirectory directory_;
};

TEST_F(SimRootTest, CreatesAP384KeyFileOfMode0600) {
  auto created = create_sim_root(path());
  ASSERT_TRUE(created.has_value()) << created.error().message();
  struct stat info {};
  ASSERT_EQ(::stat(path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(*crypto::key_algorithm_of(created->get()), crypto::KeyAlgorithm::kEcdsaP384);
  auto text = read_file(path(), kMaxRootFileSize);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(as_string(*text).rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
}

TEST_F(SimRootTest, LoadsTheKeyItCreated) {
  auto created = create_sim_root(path());
  ASSERT_TRUE(created.has_value());
  auto loaded = load_sim_root(path());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_EQ(crypto::public_key_to_der(created->get()).value(),
            crypto::public_key_to_der(loaded->get()).value());
}

TEST_F(SimRootTest, CreateRefusesAnExistingFileAndLeavesIt) {
  ASSERT_TRUE(create_sim_root(path()).has_value());
  Bytes before = read_file(path(), kMaxRootFileSize).value();
  auto again = create_sim_root(path());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(read_file(path(), kMaxRootFileSize).value(), before);
}

TEST_F(SimRootTest, CreateFailsInAMissingDirectory) {
  auto created = create_sim_root(directory_.path("missing/sim-root.pem"));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code(), ErrorCode::kNotFound);
}

TEST_F(SimRootTest, MissingRootTellsToRunInit) {
  expect_refused(ErrorCode::kNotFound, "run `ensign init`");
}

TEST_F(SimRootTest, RefusesARootReadableByOthers) {
  ASSERT_TRUE(create_sim_root(path()).has_value());
  ASSERT_EQ(::chmod(path().c_str(), 0644), 0);
  expect_refused(ErrorCode::kPermissionDenied, "mode 0644");
  expect_refused(ErrorCode::kPermissionDenied, "chmod 600");
}

TEST_F(SimRootTest, RefusesARootOpenToTheGroup) {
  ASSERT_TRUE(create_sim_root(path()).has_value());
  ASSERT_EQ(::chmod(path().c_str(), 0620), 0);
  expect_refused(ErrorCode::kPermissionDenied, "chmod 600");
}

TEST_F(SimRootTest, RefusesAFileThatIsNotAKey) {
  ASSERT_TRUE(create_file_exclusive(path(), to_bytes("not a key\n"), 0600).has_value());
  expect_refused(ErrorCode::kDataLoss, "not an unencrypted PEM private key");
}

TEST_F(SimRootTest, RefusesAKeyOfAnotherAlgorithm) {
  auto key = crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr),
      1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  ASSERT_TRUE(create_file_exclusive(path(), as_bytes(std::string_view(data, size)), 0600));
  expect_refused(ErrorCode::kDataLoss, "not an ECDSA P-384 private key");
}

TEST_F(SimRootTest, RefusesAnOversizeFile) {
  Bytes large(kMaxRootFileSize + 1, 'A');
  ASSERT_TRUE(create_file_exclusive(path(), large, 0600).has_value());
  expect_refused(ErrorCode::kInvalidArgument, "over the limit");
}

TEST_F(SimRootTest, RefusesADirectory) {
  ASSERT_EQ(::mkdir(path().c_str(), 0700), 0);
  auto loaded = load_sim_root(path());
  ASSERT_FALSE(loaded.has_value());
}

TEST_F(SimRootTest, RefusesASymbolicLink) {
  std::string target = directory_.path("elsewhere.pem");
  ASSERT_TRUE(create_sim_root(target).has_value());
  ASSERT_EQ(::symlink(target.c_str(), path().c_str()), 0);
  auto loaded = load_sim_root(path());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message().find(path()), std::string::npos);
}

}  // namespace
}  // namespace ensign::tee::sim
