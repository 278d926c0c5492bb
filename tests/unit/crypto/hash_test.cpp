// Tests of crypto/hash.h. Known answers are the SHA-256/384/512 examples of FIPS 180-2
// (NIST CSRC "Cryptographic Standards and Guidelines: Examples with Intermediate Values"):
// "abc", the empty string, the 448- and 896-bit two-block messages and one million 'a'.
#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/file.h"
#include "support/corrupt.h"

namespace ensign::crypto {
namespace {

struct KnownAnswer {
  HashAlgorithm algorithm;
  std::string message;
  std::string digest_hex;
};

const std::string kMillionA(1000000, 'a');

const KnownAnswer kKnownAnswers[] = {
    {HashAlgorithm::kSha256,
     "abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {HashAlgorithm::kSha256,
     "",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {HashAlgorithm::kSha256,
     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {HashAlgorithm::kSha256,
     kMillionA,
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {HashAlgorithm::kSha384,
     "abc",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c8"
     "25a7"},
    {HashAlgorithm::kSha384,
     "",
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898"
     "b95b"},
    {HashAlgorithm::kSha384,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa9174"
     "6039"},
    {HashAlgorithm::kSha384,
     kMillionA,
     "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d"
     "8985"},
    {HashAlgorithm::kSha512,
     "abc",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f"},
};

constexpr HashAlgorithm kEveryAlgorithm[] = {
    HashAlgorithm::kSha256, HashAlgorithm::kSha384, HashAlgorithm::kSha512};

// kLargeFile is a file bigger than hash_file's 64 KiB read buffer: this test binary itself.
constexpr char kLargeFile[] = "/proc/self/exe";

TEST(HashTest, MatchesFips180KnownAnswers) {
  for (const auto& answer : kKnownAnswers) {
    EXPECT_EQ(hex_encode(hash(answer.algorithm, as_bytes(answer.message))), answer.digest_hex)
        << answer.message.substr(0, 16);
  }
  EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))), kKnownAnswers[0].digest_hex);
  EXPECT_EQ(hex_encode(sha384(as_bytes("abc"))), kKnownAnswers[4].digest_hex);
}

TEST(HashTest, SizesMatchOutputsAndOpenssl) {
  EXPECT_EQ(hash_size(HashAlgorithm::kSha256), 32u);
  EXPECT_EQ(hash_size(HashAlgorithm::kSha384), 48u);
  EXPECT_EQ(hash_size(HashAlgorithm::kSha512), 64u);
  for (HashAlgorithm algorithm : kEveryAlgorithm) {
    EXPECT_EQ(hash(algorithm, as_bytes("x")).size(), hash_size(algorithm));
    ASSERT_NE(evp_md(algorithm), nullptr);
    EXPECT_EQ(static_cast<std::size_t>(EVP_MD_get_size(evp_md(algorithm))), hash_size(algorithm));
  }
}

TEST(HasherTest, PiecesGiveTheOneShotDigest) {
  const std::string& message = kKnownAnswers[2].message;
  for (std::size_t split = 0; split <= message.size(); ++split) {
    Hasher hasher(HashAlgorithm::kSha256);
    hasher.update(as_bytes(message).first(split));
    hasher.update(as_bytes(message).subspan(split));
    EXPECT_EQ(hex_encode(hasher.finish()), kKnownAnswers[2].digest_hex) << split;
  }
  Hasher untouched(HashAlgorithm::kSha384);
  EXPECT_EQ(hex_encode(untouched.finish()), kKnownAnswers[5].digest_hex);
}

TEST(HashTest, EverySingleByteChangeChangesTheDigest) {
  Bytes message = to_bytes(kKnownAnswers[2].message);
  std::set<Bytes> digests{sha256(message)};
  for (const Bytes& changed : test::flipped_copies(message)) {
    digests.insert(sha256(changed));
  }
  EXPECT_EQ(digests.size(), message.size() + 1);
}

TEST(HashTest, AppendingOrCuttingChangesTheDigest) {
  Bytes message = to_bytes("abc");
  EXPECT_NE(sha256(test::appended(message, Bytes{0})), sha256(message));
  EXPECT_NE(sha256(test::truncated(message, 2)), sha256(message));
}

TEST(HashFileTest, StreamingEqualsOneShot) {
  auto contents = read_file(kLargeFile, 1024 * 1024 * 1024);
  ASSERT_TRUE(contents.has_value()) << contents.error().message();
  ASSERT_GT(contents->size(), 65536u * 2);
  for (HashAlgorithm algorithm : kEveryAlgorithm) {
    auto digest = hash_file(algorithm, kLargeFile);
    ASSERT_TRUE(digest.has_value()) << digest.error().message();
    EXPECT_EQ(*digest, hash(algorithm, *contents));
  }
}

TEST(HashFileTest, EmptyFileGivesTheEmptyDigest) {
  auto digest = hash_file(HashAlgorithm::kSha256, "/dev/null");
  ASSERT_TRUE(digest.has_value()) << digest.error().message();
  EXPECT_EQ(hex_encode(*digest), kKnownAnswers[1].digest_hex);
}

TEST(HashFileTest, MissingFileIsNotFound) {
  auto digest = hash_file(HashAlgorithm::kSha256, "/nonexistent/ensign-artifact.bin");
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(digest.error().message().find("/nonexistent/ensign-artifact.bin"), std::string::npos);
}

TEST(HashFileTest, DirectoryIsRefused) {
  auto digest = hash_file(HashAlgorithm::kSha256, "/");
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(digest.error().message().rfind("/: is a directory", 0), 0u) << digest.error().message();
}

TEST(HashFileTest, PathThroughAFileIsRefused) {
  auto digest = hash_file(HashAlgorithm::kSha256, "/dev/null/artifact");
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(digest.error().message().find("/dev/null/artifact"), std::string::npos);
}

TEST(HashFileTest, EmptyPathIsNotFound) {
  auto digest = hash_file(HashAlgorithm::kSha384, "");
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ensign::crypto
