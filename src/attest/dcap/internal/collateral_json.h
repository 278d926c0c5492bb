// collateral_json.h: the JSON layer under Intel's collateral documents. Intel signs the exact
// text of one member's value, so a scanner finds that text in the document (and checks the whole
// document's structure: nesting, duplicate member names); a small reader then takes typed
// members from the parsed value, naming the member in every error. Private to src/attest/dcap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace ensign::attest::dcap::internal {

// Intel's documents nest five levels (document, tcbInfo, tcbLevels, level, tcb, components...).
inline constexpr int kMaxCollateralDepth = 16;

// top_level_members checks that `document` is one JSON object, at most kMaxCollateralSize bytes,
// with nothing but whitespace around it, nested at most kMaxCollateralDepth levels, with no
// member name repeated or written with escapes in any object, and returns each top-level
// member's name and the exact text of its value (views into `document`). Fails with
// InvalidArgument naming the defect and its byte offset. It checks structure only (strings,
// brackets, commas, colons); parse_json checks the values' grammar.
Result<std::map<std::string_view, std::string_view>> top_level_members(std::string_view document);

// parse_json parses one JSON value whose structure top_level_members has checked; `what` names it
// in errors. Fails with InvalidArgument on invalid JSON. Never throws.
Result<nlohmann::json> parse_json(std::string_view text, std::string_view what);

// invalid_member returns the InvalidArgument failure "<path>: <problem>".
Unexpected invalid_member(const std::string& path, std::string_view problem);

// Members reads typed members of one JSON object, which must outlive it; `path` names the object
// in errors ("tcbInfo.tcbLevels[2].tcb").
class Members {
 public:
  // of returns a reader for `value`; fails with InvalidArgument when it is not an object.
  static Result<Members> of(const nlohmann::json& value, std::string path);

  const std::string& path() const { return path_; }
  bool has(std::string_view name) const;

  // text returns a string member; fails when it is missing or not a string.
  Result<std::string> text(std::string_view name) const;
  // number returns an unsigned integer member of at most `max`; fails when it is missing, not an
  // unsigned integer or larger.
  Result<std::uint64_t> number(std::string_view name, std::uint64_t max) const;
  // hex returns a member holding exactly `size` bytes as hex (either case).
  Result<Bytes> hex(std::string_view name, std::size_t size) const;
  // time returns a member holding an RFC 3339 date-time.
  Result<UnixTime> time(std::string_view name) const;
  // object returns a reader for an object member.
  Result<Members> object(std::string_view name) const;
  // objects returns readers for the elements of an array member of 1 to `max` objects.
  Result<std::vector<Members>> objects(std::string_view name, std::size_t max) const;
  // strings returns an optional array member of at most `max` strings; empty when absent.
  Result<std::vector<std::string>> strings(std::string_view name, std::size_t max) const;

 private:
  Members(const nlohmann::json& object, std::string path)
      : object_(&object), path_(std::move(path)) {}
  std::string member_path(std::string_view name) const;
  Result<const nlohmann::json*> member(std::string_view name) const;

  const nlohmann::json* object_;
  std::string path_;
};

}  // namespace ensign::attest::dcap::internal
