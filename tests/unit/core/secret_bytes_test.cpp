// Tests of core/secret_bytes.h: SecretBytes is move-only, moves leave nothing behind in the
// source, and printing, comparing or copying one does not compile.
#include "core/secret_bytes.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

namespace ensign {
namespace {

template <typename T>
concept Printable = requires(std::ostream& out, const T& value) {
  out << value;
};

template <typename T>
concept EqualityComparable = requires(const T& a, const T& b) {
  {a == b};
};

template <typename T>
concept InequalityComparable = requires(const T& a, const T& b) {
  {a != b};
};

// The concepts do detect the operations where they exist, so the refusals below mean something.
static_assert(Printable<std::string>);
static_assert(EqualityComparable<Bytes>);
static_assert(InequalityComparable<Bytes>);

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(std::is_nothrow_move_assignable_v<SecretBytes>);
static_assert(!Printable<SecretBytes>);
static_assert(!EqualityComparable<SecretBytes>);
static_assert(!InequalityComparable<SecretBytes>);
static_assert(!std::is_convertible_v<SecretBytes, ByteView>);
static_assert(!std::is_convertible_v<const SecretBytes&, Bytes>);

const Bytes kKeyMaterial{0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23};

void expect_empty(const SecretBytes& secret) {
  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(secret.size(), 0u);
  EXPECT_EQ(secret.data(), nullptr);
  EXPECT_TRUE(secret.view().empty());
}

TEST(SecretBytesTest, DefaultIsEmpty) {
  SecretBytes secret;
  expect_empty(secret);
}

TEST(SecretBytesTest, SizedConstructorZeroFills) {
  SecretBytes secret(33);
  ASSERT_EQ(secret.size(), 33u);
  ASSERT_NE(secret.data(), nullptr);
  for (std::uint8_t b : secret.view()) {
    EXPECT_EQ(b, 0);
  }
}

TEST(SecretBytesTest, ZeroSizeHoldsNothing) {
  SecretBytes secret(0);
  expect_empty(secret);
}

TEST(SecretBytesTest, CopyOfCopiesIntoItsOwnMemory) {
  Bytes source = kKeyMaterial;
  SecretBytes secret = SecretBytes::copy_of(source);
  ASSERT_EQ(secret.size(), source.size());
  EXPECT_NE(secret.data(), source.data());
  EXPECT_TRUE(constant_time_equal(secret.view(), source));
  source[0] ^= 0xff;
  EXPECT_EQ(secret.view()[0], kKeyMaterial[0]);
}

TEST(SecretBytesTest, CopyOfEmptyIsEmpty) {
  SecretBytes secret = SecretBytes::copy_of(ByteView{});
  expect_empty(secret);
}

TEST(SecretBytesTest, WritesThroughData) {
  SecretBytes secret(4);
  secret.data()[3] = 0x7f;
  EXPECT_EQ(secret.view()[3], 0x7f);
}

TEST(SecretBytesTest, MoveConstructionEmptiesTheSource) {
  SecretBytes source = SecretBytes::copy_of(kKeyMaterial);
  const std::uint8_t* memory = source.data();
  SecretBytes target(std::move(source));
  expect_empty(source);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(target.data(), memory);
  EXPECT_TRUE(constant_time_equal(target.view(), kKeyMaterial));
}

TEST(SecretBytesTest, MoveAssignmentEmptiesTheSourceAndReplacesTheTarget) {
  SecretBytes source = SecretBytes::copy_of(kKeyMaterial);
  SecretBytes target = SecretBytes::copy_of(as_bytes("old secret"));
  target = std::move(source);
  expect_empty(source);  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(constant_time_equal(target.view(), kKeyMaterial));
}

TEST(SecretBytesTest, MoveAssignmentFromEmptyReleasesTheTarget) {
  SecretBytes target = SecretBytes::copy_of(kKeyMaterial);
  target = SecretBytes();
  expect_empty(target);
}

TEST(SecretBytesTest, SelfMoveAssignmentKeepsTheContents) {
  SecretBytes secret = SecretBytes::copy_of(kKeyMaterial);
  SecretBytes& alias = secret;
  secret = std::move(alias);
  EXPECT_TRUE(constant_time_equal(secret.view(), kKeyMaterial));
}

TEST(SecretBytesTest, OutlivesItsMovedFromSource) {
  SecretBytes target;
  {
    SecretBytes source = SecretBytes::copy_of(kKeyMaterial);
    target = std::move(source);
  }
  EXPECT_TRUE(constant_time_equal(target.view(), kKeyMaterial));
}

TEST(SecretBytesTest, DifferentSecretsCompareUnequalInConstantTime) {
  SecretBytes first = SecretBytes::copy_of(kKeyMaterial);
  Bytes changed = kKeyMaterial;
  changed.back() ^= 0x01;
  SecretBytes second = SecretBytes::copy_of(changed);
  EXPECT_FALSE(constant_time_equal(first.view(), second.view()));
  SecretBytes shorter = SecretBytes::copy_of(ByteView(kKeyMaterial).first(4));
  EXPECT_FALSE(constant_time_equal(first.view(), shorter.view()));
}

}  // namespace
}  // namespace ensign
