#include "formats/json_reader.h"

#include <algorithm>
#include <new>
#include <set>
#include <utility>
#include <vector>

namespace ensign::formats {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedLength = 80;

// JsonRefusal carries a refusal out of the parser callback; parse_json catches it.
struct JsonRefusal {
  std::string message;
};

// MemberTracker is the parser callback: it refuses deep nesting and repeated member names.
class MemberTracker {
 public:
  bool operator()(int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth) {
          throw JsonRefusal{"nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
        }
        if (event == json::parse_event_t::object_start) {
          member_names_.emplace_back();
        }
        break;
      case json::parse_event_t::object_end:
        member_names_.pop_back();
        break;
      case json::parse_event_t::key:
        if (!member_names_.back().insert(parsed.get<std::string>()).second) {
          throw JsonRefusal{"member " + quote_for_message(parsed.get<std::string>()) +
                            " appears twice in one object"};
        }
        break;
      case json::parse_event_t::array_end:
      case json::parse_event_t::value:
        break;
    }
    return true;
  }

 private:
  std::vector<std::set<std::string>> member_names_;
};

}  // namespace

Result<json> parse_json(ByteView text, std::size_t max_size, std::string_view what) {
  std::string name(what);
  if (text.size() > max_size) {
    return fail(ErrorCode::kInvalidArgument,
                name + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(max_size));
  }
  try {
    return json::parse(text.begin(), text.end(), MemberTracker());
  } catch (const JsonRefusal& refusal) {
    return fail(ErrorCode::kInvalidArgument, name + ": " + refusal.message);
  } catch (const json::exception& error) {
    return fail(ErrorCode::kInvalidArgument, name + ": not valid JSON: " + error.what());
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kResourceExhausted, name + ": out of memory while parsing");
  }
}

Unexpected invalid(const std::string& path, std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, path + ": " + std::string(problem));
}

std::string quote_for_message(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (std::size_t index = 0; index < text.size() && index < kMaxQuotedLength; ++index) {
    auto byte = static_cast<unsigned char>(text[index]);
    if (byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\') {
      quoted += "\\x";
      quoted += kHex[byte >> 4];
      quoted += kHex[byte & 0x0f];
    } else {
      quoted += static_cast<char>(byte);
    }
  }
  quoted += text.size() > kMaxQuotedLength ? "\"..." : "\"";
  return quoted;
}

std::string_view json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::null:
      return "null";
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  return "an unexpected value";
}

Result<ObjectReader> ObjectReader::of(const json& value, std::string path) {
  if (!value.is_object()) {
    return invalid(path, "expected an object, found " + std::string(json_type_name(value)));
  }
  return ObjectReader(value, std::move(path));
}

std::string ObjectReader::member_path(std::string_view key) const {
  return path_ + "." + std::string(key);
}

bool ObjectReader::has(std::string_view key) const {
  auto found = object_->find(key);
  return found != object_->end() && !found->is_null();
}

Status ObjectReader::only(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object_->items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return invalid(path_, "unknown member " + quote_for_message(key));
    }
  }
  return {};
}

Result<const json*> ObjectReader::required(std::string_view key) const {
  auto found = object_->find(key);
  if (found == object_->end() || found->is_null()) {
    return invalid(member_path(key), "missing");
  }
  return &*found;
}

Result<ObjectReader> ObjectReader::object(std::string_view key) const {
  ENSIGN_TRY(value, required(key));
  return of(*value, member_path(key));
}

Result<std::string> ObjectReader::optional_string(std::string_view key) const {
  if (!has(key)) {
    return std::string();
  }
  const json& value = object_->at(key);
  if (!value.is_string()) {
    return invalid(member_path(key),
                   "expected a string, found " + std::string(json_type_name(value)));
  }
  return value.get<std::string>();
}

Result<std::string> ObjectReader::string(std::string_view key) const {
  ENSIGN_CHECK(required(key));
  ENSIGN_TRY(text, optional_string(key));
  if (text.empty()) {
    return invalid(member_path(key), "is empty");
  }
  return text;
}

Result<Bytes> ObjectReader::base64(std::string_view key, bool allow_empty) const {
  ENSIGN_CHECK(required(key));
  ENSIGN_TRY(text, optional_string(key));
  if (text.empty() && !allow_empty) {
    return invalid(member_path(key), "is empty");
  }
  auto decoded = base64_decode(text);
  if (!decoded) {
    return invalid(member_path(key), decoded.error().message());
  }
  return std::move(decoded).value();
}

Result<const json*> ObjectReader::array(std::string_view key) const {
  ENSIGN_TRY(value, required(key));
  if (!value->is_array()) {
    return invalid(member_path(key),
                   "expected an array, found " + std::string(json_type_name(*value)));
  }
  return value;
}

Status ObjectReader::optional_empty_array(std::string_view key, std::string_view refusal) const {
  if (!has(key)) {
    return {};
  }
  ENSIGN_TRY(value, array(key));
  if (!value->empty()) {
    return invalid(member_path(key), refusal);
  }
  return {};
}

}  // namespace ensign::formats
