// json_reader.h: bounded, strict JSON parsing for the formats component, and typed access to
// members that names the failing member's path in every error ("bundle.dsseEnvelope.payload:
// expected a string"), for every parser of outside JSON: the formats and the API's bodies.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::formats {

// JSON nested deeper than this is refused before it is built (in-toto predicates nest a few
// levels; Sigstore bundles five).
inline constexpr int kMaxJsonDepth = 64;

// parse_json parses `text`, which names itself `what` in errors ("bundle", "in-toto statement").
// Fails with InvalidArgument when `text` is longer than `max_size`, is not JSON, nests deeper than
// kMaxJsonDepth or repeats a member name in one object (which parsers resolve differently). Never
// throws.
Result<nlohmann::json> parse_json(ByteView text, std::size_t max_size, std::string_view what);

// invalid returns the InvalidArgument failure "<path>: <problem>" for a member of outside input.
Unexpected invalid(const std::string& path, std::string_view problem);

// quote_for_message returns `text` in double quotes, with control and non-ASCII bytes escaped as
// \xNN and cut to 80 bytes, so that outside input can go into a one-line error message.
std::string quote_for_message(std::string_view text);

// ObjectReader reads the members of one JSON object, which must outlive it; `path` names the
// object in errors.
class ObjectReader {
 public:
  // of returns a reader for `value`; fails with InvalidArgument ("<path>: expected an object")
  // when it is not an object.
  static Result<ObjectReader> of(const nlohmann::json& value, std::string path);

  const std::string& path() const { return path_; }

  // member_path returns "<path>.<key>", the name of a member in errors.
  std::string member_path(std::string_view key) const;

  // has tells whether the member exists and is not null (protobuf JSON treats null as absent).
  bool has(std::string_view key) const;

  // only fails with InvalidArgument naming the first member not among `known`.
  Status only(std::initializer_list<std::string_view> known) const;

  // required returns a member; fails with InvalidArgument ("<path>.<key>: missing") when it is
  // absent or null.
  Result<const nlohmann::json*> required(std::string_view key) const;

  // object returns a reader for a required member; fails when it is missing or not an object.
  Result<ObjectReader> object(std::string_view key) const;

  // string returns a required string member; fails when it is missing, not a string, or empty.
  Result<std::string> string(std::string_view key) const;

  // optional_string returns a string member, or "" when it is absent; fails when it is present
  // and not a string.
  Result<std::string> optional_string(std::string_view key) const;

  // base64 decodes a required string member holding base64 (standard or URL-safe, as protobuf
  // JSON accepts); fails when it is missing, not a string or badly encoded. `allow_empty` admits
  // "" (an empty DSSE payload is legal).
  Result<Bytes> base64(std::string_view key, bool allow_empty = false) const;

  // array returns a required array member; fails when it is missing or not an array.
  Result<const nlohmann::json*> array(std::string_view key) const;

  // optional_empty_array succeeds when the member is absent or an empty array, and fails with
  // InvalidArgument ending in `refusal` when it holds elements, or when it is not an array.
  Status optional_empty_array(std::string_view key, std::string_view refusal) const;

 private:
  ObjectReader(const nlohmann::json& object, std::string path)
      : object_(&object), path_(std::move(path)) {}

  const nlohmann::json* object_;
  std::string path_;
};

// json_type_name returns "a string", "an object", ... for error messages.
std::string_view json_type_name(const nlohmann::json& value);

}  // namespace ensign::formats
