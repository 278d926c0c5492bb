#include "attest/dcap/internal/collateral_json.h"

#include <set>
#include <utility>

#include "attest/dcap/collateral.h"

namespace ensign::attest::dcap::internal {
namespace {

using nlohmann::json;

// Scanner walks one JSON text for its structure only. Each function starts at the first byte of
// what it reads and leaves position_ just after it.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  Result<std::map<std::string_view, std::string_view>> document() {
    std::map<std::string_view, std::string_view> members;
    skip_whitespace();
    if (at_end() || text_[position_] != '{') {
      return refuse("the document is not a JSON object");
    }
    ENSIGN_CHECK(object(1, &members));
    skip_whitespace();
    if (!at_end()) {
      return refuse("text follows the JSON object");
    }
    return members;
  }

 private:
  bool at_end() const { return position_ >= text_.size(); }

  Unexpected refuse(std::string_view problem) const {
    return fail(ErrorCode::kInvalidArgument,
                std::string(problem) + " (at byte " + std::to_string(position_) + ")");
  }

  void skip_whitespace() {
    while (!at_end() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                         text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }

  Status expect(char wanted, std::string_view what) {
    skip_whitespace();
    if (at_end() || text_[position_] != wanted) {
      return refuse(std::string("expected ") + std::string(what));
    }
    ++position_;
    return {};
  }

  // string reads a string and returns the text between its quotes, escapes as written.
  Result<std::string_view> string() {
    std::size_t start = ++position_;
    while (!at_end()) {
      char current = text_[position_];
      if (current == '"') {
        ++position_;
        return text_.substr(start, position_ - 1 - start);
      }
      position_ += current == '\\' ? 2 : 1;
    }
    return refuse("unterminated string");
  }

  // open enters the object or array at nesting `depth` and tells whether `closer` ends it at
  // once (then it is consumed too).
  Result<bool> open(int depth, char closer) {
    if (depth > kMaxCollateralDepth) {
      return refuse("nested deeper than " + std::to_string(kMaxCollateralDepth) + " levels");
    }
    ++position_;
    skip_whitespace();
    if (!at_end() && text_[position_] == closer) {
      ++position_;
      return true;
    }
    return false;
  }

  // object reads an object at nesting `depth`; for the top level it records each member's value.
  Status object(int depth, std::map<std::string_view, std::string_view>* members) {
    ENSIGN_TRY(empty, open(depth, '}'));
    if (empty) {
      return {};
    }
    std::set<std::string_view> names;
    while (true) {
      skip_whitespace();
      if (at_end() || text_[position_] != '"') {
        return refuse("expected a member name");
      }
      ENSIGN_TRY(name, string());
      if (name.find('\\') != std::string_view::npos) {
        return refuse("a member name is written with escapes");
      }
      if (!names.insert(name).second) {
        return refuse("member \"" + std::string(name) + "\" appears twice in one object");
      }
      ENSIGN_CHECK(expect(':', "':' after a member name"));
      ENSIGN_TRY(value_text, value(depth));
      if (members != nullptr) {
        members->emplace(name, value_text);
      }
      skip_whitespace();
      if (!at_end() && text_[position_] == ',') {
        ++position_;
        continue;
      }
      return expect('}', "',' or '}' in an object");
    }
  }

  Status array(int depth) {
    ENSIGN_TRY(empty, open(depth, ']'));
    if (empty) {
      return {};
    }
    while (true) {
      ENSIGN_TRY(element, value(depth));
      (void)element;
      skip_whitespace();
      if (!at_end() && text_[position_] == ',') {
        ++position_;
        continue;
      }
      return expect(']', "',' or ']' in an array");
    }
  }

  // value reads any value inside a container at `depth` and returns its exact text.
  Result<std::string_view> value(int depth) {
    skip_whitespace();
    if (at_end()) {
      return refuse("expected a value");
    }
    std::size_t start = position_;
    char first = text_[position_];
    if (first == '"') {
      ENSIGN_TRY(contents, string());
      (void)contents;
    } else if (first == '{') {
      ENSIGN_CHECK(object(depth + 1, nullptr));
    } else if (first == '[') {
      ENSIGN_CHECK(array(depth + 1));
    } else {
      while (!at_end() && is_scalar_character(text_[position_])) {
        ++position_;
      }
      if (position_ == start) {
        return refuse("expected a value");
      }
    }
    return text_.substr(start, position_ - start);
  }

  // is_scalar_character admits the bytes of numbers, true, false and null.
  static bool is_scalar_character(char character) {
    return (character >= '0' && character <= '9') || (character >= 'a' && character <= 'z') ||
           character == '-' || character == '+' || character == '.' || character == 'E';
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

Unexpected invalid_member(const std::string& path, std::string_view problem) {
  return fail(ErrorCode::kInvalidArgument, path + ": " + std::string(problem));
}

Result<std::map<std::string_view, std::string_view>> top_level_members(std::string_view document) {
  if (document.size() > kMaxCollateralSize) {
    return fail(ErrorCode::kInvalidArgument,
                "collateral document is " + std::to_string(document.size()) +
                    " bytes, more than the limit of " + std::to_string(kMaxCollateralSize));
  }
  return Scanner(document).document();
}

Result<json> parse_json(std::string_view text, std::string_view what) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(what) + ": not valid JSON: " + error.what());
  }
}

Result<Members> Members::of(const json& value, std::string path) {
  if (!value.is_object()) {
    return invalid_member(path, "expected an object");
  }
  return Members(value, std::move(path));
}

std::string Members::member_path(std::string_view name) const {
  return path_ + "." + std::string(name);
}

bool Members::has(std::string_view name) const {
  return object_->contains(name);
}

Result<const json*> Members::member(std::string_view name) const {
  auto found = object_->find(name);
  if (found == object_->end()) {
    return invalid_member(member_path(name), "missing");
  }
  return &*found;
}

Result<std::string> Members::text(std::string_view name) const {
  ENSIGN_TRY(value, member(name));
  if (!value->is_string()) {
    return invalid_member(member_path(name), "expected a string");
  }
  return value->get<std::string>();
}

Result<std::uint64_t> Members::number(std::string_view name, std::uint64_t max) const {
  ENSIGN_TRY(value, member(name));
  if (!value->is_number_unsigned()) {
    return invalid_member(member_path(name), "expected an unsigned integer");
  }
  auto number = value->get<std::uint64_t>();
  if (number > max) {
    return invalid_member(member_path(name),
                          std::to_string(number) + " is more than " + std::to_string(max));
  }
  return number;
}

Result<Bytes> Members::hex(std::string_view name, std::size_t size) const {
  ENSIGN_TRY(text_value, text(name));
  auto bytes = hex_decode(text_value);
  if (!bytes || bytes->size() != size) {
    return invalid_member(member_path(name), "expected " + std::to_string(size) + " bytes as hex");
  }
  return std::move(*bytes);
}

Result<UnixTime> Members::time(std::string_view name) const {
  ENSIGN_TRY(text_value, text(name));
  auto parsed = parse_rfc3339(text_value);
  if (!parsed) {
    return invalid_member(member_path(name), parsed.error().message());
  }
  return *parsed;
}

Result<Members> Members::object(std::string_view name) const {
  ENSIGN_TRY(value, member(name));
  return of(*value, member_path(name));
}

Result<std::vector<Members>> Members::objects(std::string_view name, std::size_t max) const {
  ENSIGN_TRY(value, member(name));
  if (!value->is_array() || value->empty() || value->size() > max) {
    return invalid_member(member_path(name),
                          "expected an array of 1 to " + std::to_string(max) + " objects");
  }
  std::vector<Members> elements;
  elements.reserve(value->size());
  for (std::size_t index = 0; index < value->size(); ++index) {
    ENSIGN_TRY(element, of((*value)[index], member_path(name) + "[" + std::to_string(index) + "]"));
    elements.push_back(std::move(element));
  }
  return elements;
}

Result<std::vector<std::string>> Members::strings(std::string_view name, std::size_t max) const {
  std::vector<std::string> texts;
  if (!has(name)) {
    return texts;
  }
  ENSIGN_TRY(value, member(name));
  if (!value->is_array() || value->size() > max) {
    return invalid_member(member_path(name),
                          "expected an array of at most " + std::to_string(max) + " strings");
  }
  for (const auto& element : *value) {
    if (!element.is_string()) {
      return invalid_member(member_path(name), "expected an array of strings");
    }
    texts.push_back(element.get<std::string>());
  }
  return texts;
}

}  // namespace ensign::attest::dcap::internal
