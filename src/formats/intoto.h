// intoto.h: in-toto Statement v1 (https://in-toto.io/Statement/v1), the payload ensign signs in
// a DSSE envelope: reading its subjects to match an artifact, and writing a statement.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::formats {

inline constexpr char kIntotoPayloadType[] = "application/vnd.in-toto+json";
inline constexpr char kIntotoStatementType[] = "https://in-toto.io/Statement/v1";
// A statement is a DSSE payload, so it is bounded like one; its subject list is bounded too.
inline constexpr std::size_t kMaxIntotoSubjects = 4096;

// Subject is one entry of a statement's subject list: a name and a digest set mapping algorithm
// names ("sha256", "sha512", ...) to lowercase hex.
struct Subject {
  std::string name;
  std::map<std::string, std::string> digest;
};

// intoto_subjects returns the subjects of a Statement v1 (or the v0.1 statements older tools
// still write, whose subjects are alike) of at most kMaxDssePayloadSize bytes. Fails with
// InvalidArgument when it is not such a statement, has no subjects or more than
// kMaxIntotoSubjects, or a subject lacks a digest set of non-empty strings.
Result<std::vector<Subject>> intoto_subjects(ByteView statement);

// intoto_statement writes a Statement v1 with `subjects`, `predicate_type` and the JSON object
// `predicate_json`, as compact JSON. Fails with InvalidArgument when there are no subjects, a
// subject has no digest, the predicate type is empty or the predicate is not a JSON object.
Result<Bytes> intoto_statement(const std::vector<Subject>& subjects,
                               std::string_view predicate_type,
                               std::string_view predicate_json);

}  // namespace ensign::formats
