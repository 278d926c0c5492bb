// Tests of attest/tpm/json_input.h: the bounds on evidence JSON and the typed member reads.
#include "attest/tpm/json_input.h"

#include <gtest/gtest.h>

#include <string>

namespace ensign::attest::tpm {
namespace {

using nlohmann::json;

bool refused_with(const Result<json>& parsed, const std::string& part) {
  return !parsed.has_value() && parsed.error().message().find(part) != std::string::npos;
}

TEST(TpmJsonInputTest, ParsesShallowJson) {
  auto parsed = parse_json_input(as_bytes(R"({"a": {"b": [1, 2]}, "c": "d"})"), 100, "doc");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ((*parsed)["a"]["b"][1], 2);
}

TEST(TpmJsonInputTest, ReadsStringMembersAndHexArrays) {
  json object = {{"name", "value"}, {"values", {"00ff", "0xABCD"}}};
  EXPECT_EQ(string_member(object, "name", "doc").value(), "value");
  auto values = hex_strings(object["values"], 4, 2, "doc.values");
  ASSERT_TRUE(values.has_value()) << values.error().message();
  EXPECT_EQ(values->at(0), (Bytes{0x00, 0xff}));
  EXPECT_EQ(values->at(1), (Bytes{0xab, 0xcd}));
}

TEST(TpmJsonInputTest, RefusesOversizedInput) {
  EXPECT_TRUE(refused_with(parse_json_input(as_bytes("[1, 2, 3]"), 8, "doc"),
                           "doc: 9 bytes exceed the limit of 8"));
}

TEST(TpmJsonInputTest, RefusesDeepNesting) {
  std::string deep = std::string(9, '[') + std::string(9, ']');
  EXPECT_TRUE(refused_with(parse_json_input(as_bytes(deep), 100, "doc"), "nested deeper"));
  std::string deepest_allowed = std::string(8, '[') + std::string(8, ']');
  EXPECT_TRUE(parse_json_input(as_bytes(deepest_allowed), 100, "doc").has_value());
}

TEST(TpmJsonInputTest, RefusesRepeatedMembers) {
  EXPECT_TRUE(
      refused_with(parse_json_input(as_bytes(R"({"m": 1, "x": {"m": 2}, "m": 3})"), 100, "doc"),
                   "member \"m\" repeated"));
}

TEST(TpmJsonInputTest, RefusesText) {
  EXPECT_TRUE(refused_with(parse_json_input(as_bytes("{\"a\": "), 100, "doc"), "doc: not JSON"));
  EXPECT_TRUE(refused_with(parse_json_input(as_bytes(""), 100, "doc"), "doc: not JSON"));
}

TEST(TpmJsonInputTest, KeepsInputBytesOutOfErrors) {
  auto invalid_utf8 = parse_json_input(as_bytes("[\"ab\xff\"]"), 100, "doc");
  ASSERT_FALSE(invalid_utf8.has_value());
  EXPECT_EQ(invalid_utf8.error().message(), "doc: not JSON (syntax error at byte 5)");
  auto control = parse_json_input(as_bytes(R"({"a\nb": 1, "a\nb": 2})"), 100, "doc");
  ASSERT_FALSE(control.has_value());
  EXPECT_EQ(control.error().message(), "doc: member \"a?b\" repeated");
}

TEST(TpmJsonInputTest, RefusesMissingOrMistypedMembers) {
  json object = {{"number", 1}};
  auto missing = string_member(object, "name", "doc");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), "doc.name: missing");
  auto mistyped = string_member(object, "number", "doc");
  ASSERT_FALSE(mistyped.has_value());
  EXPECT_EQ(mistyped.error().message(), "doc.number: not a string");
}

TEST(TpmJsonInputTest, RefusesBadHexArrays) {
  auto refusal = [](const json& array) {
    auto values = hex_strings(array, 2, 2, "v");
    return values.has_value() ? std::string() : values.error().message();
  };
  EXPECT_EQ(refusal(json::object()), "v: not an array");
  EXPECT_EQ(refusal({"00", "00", "00"}), "v: 3 entries exceed the limit of 2");
  EXPECT_EQ(refusal({"00", 1}), "v[1]: not a string");
  EXPECT_EQ(refusal({"0"}), "v[0]: hex string has an odd number of digits");
  EXPECT_EQ(refusal({"zz"}), "v[0]: hex string has a non-hex character");
  EXPECT_EQ(refusal({""}), "v[0]: 0 bytes, expected 1..2");
  EXPECT_EQ(refusal({"000000"}), "v[0]: 3 bytes, expected 1..2");
}

}  // namespace
}  // namespace ensign::attest::tpm
