// Tests of core/file.h: bounded reads, atomic writes with an exact mode, exclusive creation.
#include "core/file.h"
#include "support/scratch_directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ensign {
namespace {

// ScopedUmask sets the process umask and restores the previous one when it goes out of scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = scratch_.root();
  }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  static mode_t mode_of(const std::string& file) {
    struct stat info {};
    EXPECT_EQ(::stat(file.c_str(), &info), 0) << file;
    return info.st_mode & 07777;
  }

  std::size_t entry_count() const {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory_)) {
      ++count;
    }
    return count;
  }

  test::ScratchDirectory scratch_;
  std::filesystem::path directory_;
};

Bytes pattern_bytes(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::uint8_t>(i * 7 + 3);
  }
  return out;
}

TEST_F(FileTest, ReadsAFileLargerThanOneBuffer) {
  Bytes data = pattern_bytes(200000);
  ASSERT_TRUE(write_file_atomic(path("large"), data, 0600).has_value());
  auto read = read_file(path("large"), data.size());
  ASSERT_TRUE(read.has_value()) << read.error().message();
  EXPECT_EQ(*read, data);
}

TEST_F(FileTest, ReadsAnEmptyFile) {
  ASSERT_TRUE(write_file_atomic(path("empty"), ByteView{}, 0600).has_value());
  auto read = read_file(path("empty"), 0);
  ASSERT_TRUE(read.has_value()) << read.error().message();
  EXPECT_TRUE(read->empty());
}

TEST_F(FileTest, RefusesAFileOneByteOverTheBound) {
  Bytes data = pattern_bytes(1001);
  ASSERT_TRUE(write_file_atomic(path("big"), data, 0600).has_value());
  EXPECT_TRUE(read_file(path("big"), 1001).has_value());
  auto read = read_file(path("big"), 1000);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(read.error().message().find(path("big")), std::string::npos);
  EXPECT_NE(read.error().message().find("1000"), std::string::npos);
}

TEST_F(FileTest, RefusesAnyContentWithAZeroBound) {
  ASSERT_TRUE(write_file_atomic(path("one"), as_bytes("x"), 0600).has_value());
  auto read = read_file(path("one"), 0);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(FileTest, MissingFileIsNotFound) {
  auto read = read_file(path("absent"), 100);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(read.error().message().find(path("absent")), std::string::npos);
}

TEST_F(FileTest, DirectoryIsRefused) {
  auto read = read_file(directory_.string(), 100);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(read.error().message().find(directory_.string()), std::string::npos);
}

TEST_F(FileTest, AtomicWriteSetsTheModeDespiteTheUmask) {
  ScopedUmask mask(0777);
  ASSERT_TRUE(write_file_atomic(path("secret"), as_bytes("s"), 0600).has_value());
  EXPECT_EQ(mode_of(path("secret")), 0600u);
  ASSERT_TRUE(write_file_atomic(path("public"), as_bytes("p"), 0644).has_value());
  EXPECT_EQ(mode_of(path("public")), 0644u);
}

TEST_F(FileTest, AtomicWriteNarrowsTheModeOfAReplacedFile) {
  ASSERT_TRUE(write_file_atomic(path("state"), as_bytes("old"), 0644).has_value());
  ASSERT_TRUE(write_file_atomic(path("state"), as_bytes("new contents"), 0600).has_value());
  EXPECT_EQ(mode_of(path("state")), 0600u);
  EXPECT_EQ(read_file(path("state"), 100).value(), to_bytes("new contents"));
  EXPECT_EQ(entry_count(), 1u);  // no temporary left beside it
}

TEST_F(FileTest, AtomicWriteIntoAMissingDirectoryFails) {
  auto status = write_file_atomic(path("absent/file"), as_bytes("x"), 0600);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(status.error().message().find(path("absent/file")), std::string::npos);
}

TEST_F(FileTest, AtomicWriteOverADirectoryFailsAndCleansUp) {
  std::filesystem::create_directory(path("occupied"));
  auto status = write_file_atomic(path("occupied"), as_bytes("x"), 0600);
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message().find(path("occupied")), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_directory(path("occupied")));
  EXPECT_EQ(entry_count(), 1u);  // the temporary file was removed
}

TEST_F(FileTest, CreateExclusiveWritesANewFileWithTheMode) {
  ScopedUmask mask(0077);
  ASSERT_TRUE(create_file_exclusive(path("root.pem"), as_bytes("root"), 0640).has_value());
  EXPECT_EQ(mode_of(path("root.pem")), 0640u);
  EXPECT_EQ(read_file(path("root.pem"), 100).value(), to_bytes("root"));
}

TEST_F(FileTest, CreateExclusiveRefusesAnExistingFileAndKeepsIt) {
  ASSERT_TRUE(create_file_exclusive(path("root.pem"), as_bytes("first"), 0600).has_value());
  auto status = create_file_exclusive(path("root.pem"), as_bytes("second"), 0600);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(status.error().message().find(path("root.pem")), std::string::npos);
  EXPECT_EQ(read_file(path("root.pem"), 100).value(), to_bytes("first"));
}

TEST_F(FileTest, CreateExclusiveInAMissingDirectoryFails) {
  auto status = create_file_exclusive(path("absent/root.pem"), as_bytes("x"), 0600);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ensign
