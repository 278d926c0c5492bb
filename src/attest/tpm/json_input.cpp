#include "attest/tpm/json_input.h"

#include <new>
#include <set>

namespace ensign::attest::tpm {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedSize = 60;

// printable returns at most kMaxQuotedSize bytes of `text` with every byte that is not printable
// ASCII replaced by '?', so that outside input can go into a one-line error message.
std::string printable(std::string_view text) {
  std::string out(text.substr(0, kMaxQuotedSize));
  for (char& character : out) {
    auto byte = static_cast<unsigned char>(character);
    character = byte >= 0x20 && byte < 0x7f ? character : '?';
  }
  return out;
}

// Refusal carries a refusal out of the parser callback to parse_json_input.
struct Refusal {
  std::string reason;
};

// DepthAndDuplicateGuard is the parser callback that refuses deep nesting and repeated members.
class DepthAndDuplicateGuard {
 public:
  bool operator()(int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) {
      if (depth >= kMaxJsonDepth) {
        throw Refusal{"nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
      }
    }
    if (event == json::parse_event_t::object_start) {
      open_objects_.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open_objects_.pop_back();
    } else if (event == json::parse_event_t::key &&
               !open_objects_.back().insert(parsed.get<std::string>()).second) {
      throw Refusal{"member \"" + printable(parsed.get<std::string>()) + "\" repeated"};
    }
    return true;
  }

 private:
  std::vector<std::set<std::string>> open_objects_;
};

}  // namespace

Result<json> parse_json_input(ByteView text, std::size_t max_size, std::string_view what) {
  std::string name(what);
  if (text.size() > max_size) {
    return fail(ErrorCode::kInvalidArgument,
                name + ": " + std::to_string(text.size()) + " bytes exceed the limit of " +
                    std::to_string(max_size));
  }
  try {
    return json::parse(text.begin(), text.end(), DepthAndDuplicateGuard());
  } catch (const Refusal& refusal) {
    return fail(ErrorCode::kInvalidArgument, name + ": " + refusal.reason);
  } catch (const json::parse_error& error) {
    // Its what() quotes the input, which may hold any byte.
    return fail(ErrorCode::kInvalidArgument,
                name + ": not JSON (syntax error at byte " + std::to_string(error.byte) + ")");
  } catch (const json::exception& error) {
    return fail(ErrorCode::kInvalidArgument, name + ": not JSON (" + printable(error.what()) + ")");
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kResourceExhausted, name + ": out of memory while parsing");
  }
}

Result<std::string> string_member(const json& object,
                                  std::string_view key,
                                  const std::string& path) {
  std::string member = path + "." + std::string(key);
  auto found = object.find(key);
  if (found == object.end()) {
    return fail(ErrorCode::kInvalidArgument, member + ": missing");
  }
  if (!found->is_string()) {
    return fail(ErrorCode::kInvalidArgument, member + ": not a string");
  }
  return found->get<std::string>();
}

Result<Bytes> decode_member(const nlohmann::json& object,
                            std::string_view key,
                            const std::string& path,
                            bool base64) {
  ENSIGN_TRY(text, string_member(object, key, path));
  auto decoded = base64 ? base64_decode(text) : hex_decode(text);
  if (!decoded) {
    return fail(ErrorCode::kInvalidArgument,
                path + "." + std::string(key) + ": " + decoded.error().message());
  }
  return std::move(decoded).value();
}

Result<std::vector<Bytes>> hex_strings(const json& array,
                                       std::size_t max_count,
                                       std::size_t max_length,
                                       const std::string& path) {
  if (!array.is_array()) {
    return fail(ErrorCode::kInvalidArgument, path + ": not an array");
  }
  if (array.size() > max_count) {
    return fail(ErrorCode::kInvalidArgument,
                path + ": " + std::to_string(array.size()) + " entries exceed the limit of " +
                    std::to_string(max_count));
  }
  std::vector<Bytes> values;
  for (std::size_t index = 0; index < array.size(); ++index) {
    std::string entry = path + "[" + std::to_string(index) + "]";
    if (!array[index].is_string()) {
      return fail(ErrorCode::kInvalidArgument, entry + ": not a string");
    }
    std::string_view text = array[index].get_ref<const std::string&>();
    if (text.starts_with("0x") || text.starts_with("0X")) {
      text.remove_prefix(2);
    }
    auto bytes = hex_decode(text);
    if (!bytes) {
      return fail(ErrorCode::kInvalidArgument, entry + ": " + bytes.error().message());
    }
    if (bytes->empty() || bytes->size() > max_length) {
      return fail(ErrorCode::kInvalidArgument,
                  entry + ": " + std::to_string(bytes->size()) + " bytes, expected 1.." +
                      std::to_string(max_length));
    }
    values.push_back(std::move(bytes).value());
  }
  return values;
}

}  // namespace ensign::attest::tpm
