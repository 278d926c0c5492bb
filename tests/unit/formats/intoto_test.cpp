// Tests of src/formats/intoto.cpp: in-toto Statement v1 subjects and statements.
#include "formats/intoto.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "formats/bundle.h"
#include "formats_fixture.h"

namespace ensign::formats {
namespace {

using nlohmann::json;
using testing::must;

constexpr char kSha256Hex[] = "0d7a3e5b0d7a3e5b0d7a3e5b0d7a3e5b0d7a3e5b0d7a3e5b0d7a3e5b0d7a3e5b";

json valid_statement() {
  return {{"_type", kIntotoStatementType},
          {"subject",
           {{{"name", "app.tar.gz"}, {"digest", {{"sha256", kSha256Hex}, {"sha512", "00"}}}},
            {{"name", "app.sig"}, {"digest", {{"sha256", "ff"}}}}}},
          {"predicateType", "https://slsa.dev/provenance/v1"},
          {"predicate", {{"buildDefinition", {{"buildType", "x"}}}}}};
}

Result<std::vector<Subject>> subjects_of(const json& statement) {
  return intoto_subjects(as_bytes(statement.dump()));
}

std::string error_of(const Result<std::vector<Subject>>& result) {
  return result ? std::string("(no error)") : result.error().message();
}

// --- positive cases ---

TEST(IntotoTest, ReadsSubjectsAndDigestSets) {
  auto subjects = must(subjects_of(valid_statement()));
  ASSERT_EQ(subjects.size(), 2u);
  EXPECT_EQ(subjects[0].name, "app.tar.gz");
  EXPECT_EQ(subjects[0].digest.at("sha256"), kSha256Hex);
  EXPECT_EQ(subjects[0].digest.at("sha512"), "00");
  EXPECT_EQ(subjects[1].name, "app.sig");
}

TEST(IntotoTest, ReadsVersion01StatementsAndNamelessSubjects) {
  json statement = valid_statement();
  statement["_type"] = "https://in-toto.io/Statement/v0.1";
  statement["subject"][1].erase("name");
  auto subjects = must(subjects_of(statement));
  EXPECT_EQ(subjects[1].name, "");
}

TEST(IntotoTest, IgnoresUnknownStatementMembers) {
  json statement = valid_statement();
  statement["futureField"] = {{"x", 1}};
  EXPECT_TRUE(subjects_of(statement));
}

TEST(IntotoTest, WritesAStatementItsOwnParserReads) {
  std::vector<Subject> subjects{{"a", {{"sha256", kSha256Hex}}}, {"b", {{"sha512", "ab"}}}};
  Bytes statement =
      must(intoto_statement(subjects, "https://example.com/predicate/v1", R"({"k":[1,2]})"));
  json document = json::parse(as_string(statement));
  EXPECT_EQ(document["_type"], kIntotoStatementType);
  EXPECT_EQ(document["predicateType"], "https://example.com/predicate/v1");
  EXPECT_EQ(document["predicate"]["k"][1], 2);
  auto read_back = must(intoto_subjects(statement));
  ASSERT_EQ(read_back.size(), 2u);
  EXPECT_EQ(read_back[0].name, "a");
  EXPECT_EQ(read_back[0].digest, subjects[0].digest);
  EXPECT_EQ(read_back[1].digest, subjects[1].digest);
}

// --- refusals ---

TEST(IntotoTest, RefusesTextThatIsNotJson) {
  EXPECT_NE(
      error_of(intoto_subjects(as_bytes("not json"))).find("in-toto statement: not valid JSON"),
      std::string::npos);
}

TEST(IntotoTest, RefusesAnotherStatementType) {
  json statement = valid_statement();
  statement["_type"] = "https://in-toto.io/Statement/v2";
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement._type: unsupported statement type \"https://in-toto.io/Statement/v2\" "
            "(expected https://in-toto.io/Statement/v1)");
}

TEST(IntotoTest, RefusesAMissingType) {
  json statement = valid_statement();
  statement.erase("_type");
  EXPECT_EQ(error_of(subjects_of(statement)), "statement._type: missing");
}

TEST(IntotoTest, RefusesAMissingPredicateType) {
  json statement = valid_statement();
  statement.erase("predicateType");
  EXPECT_EQ(error_of(subjects_of(statement)), "statement.predicateType: missing");
}

TEST(IntotoTest, RefusesAMissingSubjectList) {
  json statement = valid_statement();
  statement["subject"] = {{"name", "x"}};
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement.subject: expected an array, found an object");
}

TEST(IntotoTest, RefusesAnEmptySubjectList) {
  json statement = valid_statement();
  statement["subject"] = json::array();
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement.subject: has 0 entries, expected 1 to 4096");
}

TEST(IntotoTest, RefusesTooManySubjects) {
  json statement = valid_statement();
  statement["subject"] = json::array();
  for (std::size_t index = 0; index <= kMaxIntotoSubjects; ++index) {
    statement["subject"].push_back({{"digest", {{"sha256", kSha256Hex}}}});
  }
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement.subject: has 4097 entries, expected 1 to 4096");
}

TEST(IntotoTest, RefusesASubjectWithoutDigest) {
  json statement = valid_statement();
  statement["subject"][1].erase("digest");
  EXPECT_EQ(error_of(subjects_of(statement)), "statement.subject[1].digest: missing");
}

TEST(IntotoTest, RefusesAnEmptyDigestSet) {
  json statement = valid_statement();
  statement["subject"][0]["digest"] = json::object();
  EXPECT_EQ(error_of(subjects_of(statement)), "statement.subject[0].digest: has no digests");
}

TEST(IntotoTest, RefusesADigestThatIsNotAString) {
  json statement = valid_statement();
  statement["subject"][0]["digest"]["sha256"] = 5;
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement.subject[0].digest.sha256: expected a string, found a number");
}

TEST(IntotoTest, RefusesASubjectThatIsNotAnObject) {
  json statement = valid_statement();
  statement["subject"][0] = "app.tar.gz";
  EXPECT_EQ(error_of(subjects_of(statement)),
            "statement.subject[0]: expected an object, found a string");
}

TEST(IntotoTest, RefusesAStatementOverTheSizeLimit) {
  Bytes statement(kMaxDssePayloadSize + 1, ' ');
  EXPECT_NE(error_of(intoto_subjects(statement)).find("more than the limit"), std::string::npos);
}

TEST(IntotoTest, WriterRefusesNoSubjects) {
  EXPECT_FALSE(intoto_statement({}, "https://example.com/p", "{}"));
}

TEST(IntotoTest, WriterRefusesASubjectWithoutDigest) {
  EXPECT_FALSE(intoto_statement({{"a", {}}}, "https://example.com/p", "{}"));
}

TEST(IntotoTest, WriterRefusesAnEmptyPredicateType) {
  EXPECT_FALSE(intoto_statement({{"a", {{"sha256", kSha256Hex}}}}, "", "{}"));
}

TEST(IntotoTest, WriterRefusesAPredicateThatIsNotAnObject) {
  auto statement = intoto_statement({{"a", {{"sha256", kSha256Hex}}}}, "https://x/p", "[1]");
  ASSERT_FALSE(statement);
  EXPECT_EQ(statement.error().message(), "predicate: expected an object, found an array");
  EXPECT_FALSE(intoto_statement({{"a", {{"sha256", kSha256Hex}}}}, "https://x/p", "{"));
}

}  // namespace
}  // namespace ensign::formats
