// Tests of core/bytes.h: hex, base64 and base64url encodings, and constant_time_equal.
// Vectors: RFC 4648 section 10 (base16 and base64 of "", "f", ..., "foobar").
#include "core/bytes.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace ensign {
namespace {

struct Rfc4648Vector {
  std::string_view data;
  std::string_view base16;
  std::string_view base64;
};

constexpr Rfc4648Vector kRfc4648Vectors[] = {
    {"", "", ""},
    {"f", "66", "Zg=="},
    {"fo", "666F", "Zm8="},
    {"foo", "666F6F", "Zm9v"},
    {"foob", "666F6F62", "Zm9vYg=="},
    {"fooba", "666F6F6261", "Zm9vYmE="},
    {"foobar", "666F6F626172", "Zm9vYmFy"},
};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string without_padding(std::string_view text) {
  std::string out(text);
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  return out;
}

// every_byte_value returns `size` bytes cycling through 0..255 from `start`.
Bytes every_byte_value(std::size_t size, unsigned start) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::uint8_t>((start + i) & 0xff);
  }
  return out;
}

void expect_decoded(const Result<Bytes>& result,
                    std::string_view expected,
                    std::string_view input) {
  ASSERT_TRUE(result.has_value()) << "refused '" << input << "': " << result.error().message();
  EXPECT_EQ(as_string(*result), expected) << input;
}

void expect_refused(const Result<Bytes>& result, std::string_view input) {
  ASSERT_FALSE(result.has_value()) << "accepted '" << input << "'";
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument) << input;
}

TEST(HexTest, EncodesRfc4648VectorsInLowercase) {
  for (const auto& vector : kRfc4648Vectors) {
    EXPECT_EQ(hex_encode(as_bytes(vector.data)), lowercase(vector.base16)) << vector.data;
  }
}

TEST(HexTest, DecodesUpperAndLowerCase) {
  for (const auto& vector : kRfc4648Vectors) {
    expect_decoded(hex_decode(vector.base16), vector.data, vector.base16);
    expect_decoded(hex_decode(lowercase(vector.base16)), vector.data, vector.base16);
  }
  EXPECT_EQ(hex_decode("aBcD").value(), (Bytes{0xab, 0xcd}));
}

TEST(HexTest, RoundTripsEveryByteValue) {
  Bytes all = every_byte_value(256, 0);
  std::string text = hex_encode(all);
  EXPECT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 6), "000102");
  EXPECT_EQ(text.substr(506), "fdfeff");
  EXPECT_EQ(hex_decode(text).value(), all);
}

TEST(HexTest, RefusesOddLength) {
  for (std::string_view text : {"0", "abc", "00112"}) {
    expect_refused(hex_decode(text), text);
  }
}

TEST(HexTest, RefusesNonHexCharacters) {
  for (std::string_view text : {"0g", "g0", "0x12", " 0", "0 ", "zz", "+1", "\xc3\xa9"}) {
    expect_refused(hex_decode(text), text);
  }
  expect_refused(hex_decode(std::string_view("0\0", 2)), "0 NUL");
}

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const auto& vector : kRfc4648Vectors) {
    EXPECT_EQ(base64_encode(as_bytes(vector.data)), vector.base64) << vector.data;
  }
}

TEST(Base64Test, DecodesRfc4648VectorsPaddedAndUnpadded) {
  for (const auto& vector : kRfc4648Vectors) {
    expect_decoded(base64_decode(vector.base64), vector.data, vector.base64);
    expect_decoded(base64_decode(without_padding(vector.base64)), vector.data, vector.base64);
  }
}

TEST(Base64Test, UrlAlphabetUsesDashAndUnderscoreWithoutPadding) {
  // 0xfb 0xff encodes to "+/8=" in the standard alphabet.
  Bytes data{0xfb, 0xff};
  EXPECT_EQ(base64_encode(data), "+/8=");
  EXPECT_EQ(base64url_encode(data), "-_8");
  EXPECT_EQ(base64_decode("-_8").value(), data);
  EXPECT_EQ(base64_decode("+/8=").value(), data);
  for (const auto& vector : kRfc4648Vectors) {
    EXPECT_EQ(base64url_encode(as_bytes(vector.data)), without_padding(vector.base64));
  }
}

TEST(Base64Test, RoundTripsEveryLength) {
  for (std::size_t size = 0; size <= 70; ++size) {
    Bytes data = every_byte_value(size, static_cast<unsigned>(size * 37));
    EXPECT_EQ(base64_decode(base64_encode(data)).value(), data) << size;
    EXPECT_EQ(base64_decode(base64url_encode(data)).value(), data) << size;
  }
  Bytes all = every_byte_value(256, 0);
  EXPECT_EQ(base64_decode(base64url_encode(all)).value(), all);
}

TEST(Base64Test, RefusesCharactersOutsideTheAlphabet) {
  for (std::string_view text : {"Zm9v!", "Zm 9v", "Zm9v\n", "Zg=a", "Z=g=", "Zm9v\xff", "Zm.v"}) {
    expect_refused(base64_decode(text), text);
  }
}

TEST(Base64Test, RefusesNonZeroPaddingBits) {
  // "Zg==" is canonical for "f"; "Zh==" sets one of the four unused bits. Likewise "Zm8=" and
  // "Zm9=" for "fo" with two unused bits.
  for (std::string_view text : {"Zh==", "Zh", "Zm9=", "Zm9", "Zm9vYh==", "//9="}) {
    expect_refused(base64_decode(text), text);
  }
}

TEST(Base64Test, RefusesImpossibleLength) {
  for (std::string_view text : {"Z", "Z===", "Zm9vY", "Zm9vY===", "Zm9vYmFyZ"}) {
    expect_refused(base64_decode(text), text);
  }
}

TEST(Base64Test, RefusesWrongPadding) {
  for (std::string_view text :
       {"=", "==", "====", "Zg=", "Zg===", "Zm8==", "Zm9v=", "Zm9v==", "Zm9vYg=", "Zm9vYmE=="}) {
    expect_refused(base64_decode(text), text);
  }
}

TEST(Base64Test, RefusesConcatenatedPaddedStrings) {
  for (std::string_view text : {"Zg==Zg==", "Zm8=Zm8=", "Zg==Zm9v"}) {
    expect_refused(base64_decode(text), text);
  }
}

TEST(ConstantTimeEqualTest, EqualContentsCompareEqual) {
  EXPECT_TRUE(constant_time_equal(as_bytes("tag-123"), as_bytes("tag-123")));
  EXPECT_TRUE(constant_time_equal(ByteView{}, ByteView{}));
  Bytes all = every_byte_value(256, 0);
  EXPECT_TRUE(constant_time_equal(all, every_byte_value(256, 0)));
}

TEST(ConstantTimeEqualTest, DifferentContentsCompareUnequal) {
  Bytes all = every_byte_value(256, 0);
  for (std::size_t index : {std::size_t{0}, std::size_t{128}, std::size_t{255}}) {
    Bytes changed = all;
    changed[index] ^= 0x80;
    EXPECT_FALSE(constant_time_equal(all, changed)) << index;
  }
}

TEST(ConstantTimeEqualTest, DifferentLengthsCompareUnequal) {
  EXPECT_FALSE(constant_time_equal(as_bytes("abc"), as_bytes("abcd")));
  EXPECT_FALSE(constant_time_equal(as_bytes("abcd"), as_bytes("abc")));
  EXPECT_FALSE(constant_time_equal(ByteView{}, as_bytes("a")));
  EXPECT_FALSE(constant_time_equal(as_bytes("a"), ByteView{}));
}

TEST(BytesTest, StringConversionsRoundTrip) {
  std::string text("a\0b\xff", 4);
  Bytes bytes = to_bytes(text);
  EXPECT_EQ(bytes, (Bytes{'a', 0, 'b', 0xff}));
  EXPECT_EQ(as_string(bytes), text);
  EXPECT_EQ(as_bytes(text).size(), 4u);
  EXPECT_EQ(as_bytes(text).data(), reinterpret_cast<const std::uint8_t*>(text.data()));
}

}  // namespace
}  // namespace ensign
