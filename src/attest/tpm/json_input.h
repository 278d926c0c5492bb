// json_input.h: bounded parsing of the JSON that TPM evidence arrives in (trustee and Azure quote
// containers, the HCL report's runtime data, PCR value lists), and typed reads of its members
// whose errors name the member.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::attest::tpm {

// The evidence JSON nests three levels and the HCL runtime data four; deeper input is refused
// before it is built.
inline constexpr int kMaxJsonDepth = 8;

// parse_json_input parses `text`, named `what` in errors. Fails with InvalidArgument when it is
// longer than `max_size`, is not JSON, nests deeper than kMaxJsonDepth or repeats a member name
// in one object. Never throws.
Result<nlohmann::json> parse_json_input(ByteView text, std::size_t max_size, std::string_view what);

// string_member returns object[key] when it is a string, named "<path>.<key>" in errors. Fails
// with InvalidArgument when it is missing or not a string.
Result<std::string> string_member(const nlohmann::json& object,
                                  std::string_view key,
                                  const std::string& path);

// decode_member returns the bytes of object[key], a base64 (or, without `base64`, hex) string,
// named "<path>.<key>" in errors. Fails with InvalidArgument when it is missing, not a string or
// not valid base64/hex.
Result<Bytes> decode_member(const nlohmann::json& object,
                            std::string_view key,
                            const std::string& path,
                            bool base64);

// hex_strings returns the byte strings of a JSON array of hex strings (an optional "0x" prefix is
// allowed) of at most `max_count` entries, each 1..`max_length` bytes. Fails with
// InvalidArgument naming the entry.
Result<std::vector<Bytes>> hex_strings(const nlohmann::json& array,
                                       std::size_t max_count,
                                       std::size_t max_length,
                                       const std::string& path);

}  // namespace ensign::attest::tpm
