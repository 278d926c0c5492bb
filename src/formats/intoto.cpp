#include "formats/intoto.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "formats/bundle.h"
#include "formats/json_reader.h"

namespace ensign::formats {
namespace {

using nlohmann::json;

// Statements made before in-toto attestation v1; their subjects have the same shape.
constexpr std::string_view kIntotoStatementTypeV01 = "https://in-toto.io/Statement/v0.1";

Result<Subject> parse_subject(const json& value, std::string path) {
  ENSIGN_TRY(subject, ObjectReader::of(value, std::move(path)));
  Subject result;
  ENSIGN_TRY(name, subject.optional_string("name"));
  result.name = std::move(name);
  ENSIGN_TRY(digest, subject.object("digest"));
  ENSIGN_TRY(digest_value, subject.required("digest"));
  for (const auto& item : digest_value->items()) {
    ENSIGN_TRY(text, digest.string(item.key()));
    result.digest.emplace(item.key(), std::move(text));
  }
  if (result.digest.empty()) {
    return invalid(digest.path(), "has no digests");
  }
  return result;
}

}  // namespace

Result<std::vector<Subject>> intoto_subjects(ByteView statement) {
  ENSIGN_TRY(document, parse_json(statement, kMaxDssePayloadSize, "in-toto statement"));
  ENSIGN_TRY(root, ObjectReader::of(document, "statement"));
  ENSIGN_TRY(type, root.string("_type"));
  if (type != kIntotoStatementType && type != kIntotoStatementTypeV01) {
    return invalid(root.member_path("_type"),
                   "unsupported statement type " + quote_for_message(type) + " (expected " +
                       kIntotoStatementType + ")");
  }
  ENSIGN_CHECK(root.string("predicateType"));
  ENSIGN_TRY(subjects, root.array("subject"));
  if (subjects->empty() || subjects->size() > kMaxIntotoSubjects) {
    return invalid(root.member_path("subject"),
                   "has " + std::to_string(subjects->size()) + " entries, expected 1 to " +
                       std::to_string(kMaxIntotoSubjects));
  }
  std::vector<Subject> result;
  result.reserve(subjects->size());
  for (std::size_t index = 0; index < subjects->size(); ++index) {
    ENSIGN_TRY(subject,
               parse_subject((*subjects)[index],
                             root.member_path("subject") + "[" + std::to_string(index) + "]"));
    result.push_back(std::move(subject));
  }
  return result;
}

Result<Bytes> intoto_statement(const std::vector<Subject>& subjects,
                               std::string_view predicate_type,
                               std::string_view predicate_json) {
  if (subjects.empty()) {
    return fail(ErrorCode::kInvalidArgument, "in-toto statement needs at least one subject");
  }
  if (predicate_type.empty()) {
    return fail(ErrorCode::kInvalidArgument, "in-toto statement needs a predicate type");
  }
  ENSIGN_TRY(predicate,
             parse_json(as_bytes(predicate_json), kMaxDssePayloadSize, "predicate"));
  if (!predicate.is_object()) {
    return fail(
        ErrorCode::kInvalidArgument,
        "predicate: expected an object, found " + std::string(json_type_name(predicate)));
  }
  json subject_list = json::array();
  for (const auto& subject : subjects) {
    if (subject.digest.empty()) {
      return fail(ErrorCode::kInvalidArgument,
                  "in-toto subject " + quote_for_message(subject.name) + " has no digest");
    }
    subject_list.push_back({{"name", subject.name}, {"digest", subject.digest}});
  }
  json statement{
      {"_type", kIntotoStatementType},
      {"subject", std::move(subject_list)},
      {"predicateType", predicate_type},
      {"predicate", std::move(predicate)},
  };
  return to_bytes(statement.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace ensign::formats
