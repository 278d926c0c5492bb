// Tests of src/formats/json_reader.cpp: bounded, strict JSON parsing and typed member access.
#include "formats/json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace ensign::formats {
namespace {

using nlohmann::json;

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

ObjectReader reader_of(const json& value) {
  auto reader = ObjectReader::of(value, "doc");
  if (!reader) {
    throw std::runtime_error(reader.error().message());
  }
  return *reader;
}

std::string error_of(const Status& status) {
  return status ? std::string("(no error)") : status.error().message();
}

template <typename T>
std::string error_of(const Result<T>& result) {
  return result ? std::string("(no error)") : result.error().message();
}

// --- parse_json ---

TEST(JsonReaderTest, ParsesJsonWithinTheLimits) {
  auto parsed = parse_json(as_bytes(R"({"a":[1,{"a":2}],"b":{"a":3}})"), 100, "doc");
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["b"]["a"], 3);
}

TEST(JsonReaderTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(parse_json(as_bytes(nested(kMaxJsonDepth)), 1000, "doc"));
}

TEST(JsonReaderTest, RefusesNestingBeyondTheLimit) {
  auto parsed = parse_json(as_bytes(nested(kMaxJsonDepth + 1)), 1000, "doc");
  EXPECT_EQ(error_of(parsed), "doc: nested deeper than 64 levels");
}

TEST(JsonReaderTest, RefusesTextOverTheSizeLimit) {
  auto parsed = parse_json(as_bytes("[1, 2]"), 5, "doc");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.error().message(), "doc is 6 bytes, more than the limit of 5");
}

TEST(JsonReaderTest, RefusesARepeatedMemberInANestedObject) {
  auto parsed = parse_json(as_bytes(R"({"a":{"b":1,"c":2,"b":3}})"), 100, "doc");
  EXPECT_EQ(error_of(parsed), "doc: member \"b\" appears twice in one object");
}

TEST(JsonReaderTest, RefusesInvalidJsonAndInvalidUtf8) {
  EXPECT_NE(error_of(parse_json(as_bytes("{\"a\":}"), 100, "doc")).find("doc: not valid JSON"),
            std::string::npos);
  EXPECT_FALSE(parse_json(as_bytes("\"\xff\""), 100, "doc"));
  EXPECT_FALSE(parse_json(as_bytes(""), 100, "doc"));
  EXPECT_FALSE(parse_json(as_bytes("{} {}"), 100, "doc"));
}

// --- quote_for_message ---

TEST(JsonReaderTest, QuotesPrintableText) {
  EXPECT_EQ(quote_for_message("SHA3_256"), "\"SHA3_256\"");
}

TEST(JsonReaderTest, EscapesControlQuoteAndNonAsciiBytes) {
  EXPECT_EQ(quote_for_message("a\nb\"\\\xc3\xa9"), "\"a\\x0ab\\x22\\x5c\\xc3\\xa9\"");
}

TEST(JsonReaderTest, CutsLongText) {
  EXPECT_EQ(quote_for_message(std::string(100, 'x')), "\"" + std::string(80, 'x') + "\"...");
}

// --- ObjectReader ---

TEST(JsonReaderTest, ReadsTypedMembers) {
  json value = {{"s", "text"}, {"b", "AQID"}, {"e", ""}, {"a", json::array()}, {"o", {{"x", 1}}}};
  ObjectReader reader = reader_of(value);
  EXPECT_EQ(*reader.string("s"), "text");
  EXPECT_EQ(*reader.base64("b"), (Bytes{1, 2, 3}));
  EXPECT_EQ(*reader.base64("e", /*allow_empty=*/true), Bytes{});
  EXPECT_EQ(*reader.optional_string("missing"), "");
  EXPECT_TRUE(reader.optional_empty_array("a", "refused"));
  EXPECT_TRUE(reader.optional_empty_array("missing", "refused"));
  EXPECT_EQ(reader.object("o")->path(), "doc.o");
  EXPECT_TRUE(reader.only({"s", "b", "e", "a", "o"}));
}

TEST(JsonReaderTest, TreatsNullAsAbsent) {
  json value = {{"n", nullptr}};
  ObjectReader reader = reader_of(value);
  EXPECT_FALSE(reader.has("n"));
  EXPECT_EQ(error_of(reader.required("n")), "doc.n: missing");
}

TEST(JsonReaderTest, RefusesANonObject) {
  EXPECT_EQ(error_of(ObjectReader::of(json::array(), "doc")),
            "doc: expected an object, found an array");
}

TEST(JsonReaderTest, RefusesAMissingMember) {
  EXPECT_EQ(error_of(reader_of(json::object()).string("s")), "doc.s: missing");
}

TEST(JsonReaderTest, RefusesAMemberOfTheWrongType) {
  json value = {{"s", true}, {"o", 1.5}, {"a", "x"}};
  ObjectReader reader = reader_of(value);
  EXPECT_EQ(error_of(reader.string("s")), "doc.s: expected a string, found a boolean");
  EXPECT_EQ(error_of(reader.object("o")), "doc.o: expected an object, found a number");
  EXPECT_EQ(error_of(reader.array("a")), "doc.a: expected an array, found a string");
  EXPECT_EQ(error_of(reader.optional_empty_array("a", "r")),
            "doc.a: expected an array, found a string");
}

TEST(JsonReaderTest, RefusesAnEmptyString) {
  json value = {{"s", ""}};
  EXPECT_EQ(error_of(reader_of(value).string("s")), "doc.s: is empty");
  EXPECT_EQ(error_of(reader_of(value).base64("s")), "doc.s: is empty");
}

TEST(JsonReaderTest, RefusesBadBase64) {
  json value = {{"b", "AQI*"}};
  EXPECT_NE(error_of(reader_of(value).base64("b")).find("doc.b: base64 string"), std::string::npos);
}

TEST(JsonReaderTest, RefusesAnUnknownMember) {
  json value = {{"s", "x"}, {"new\nline", 1}};
  EXPECT_EQ(error_of(reader_of(value).only({"s"})), "doc: unknown member \"new\\x0aline\"");
}

TEST(JsonReaderTest, RefusesANonEmptyArrayWithTheGivenReason) {
  json value = {{"a", json::array({1})}};
  EXPECT_EQ(error_of(reader_of(value).optional_empty_array("a", "not supported: x")),
            "doc.a: not supported: x");
}

}  // namespace
}  // namespace ensign::formats
