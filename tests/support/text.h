// text.h: checks on the text of messages and outputs, shared by the tests.
#pragma once

#include <string_view>

namespace ensign::test {

// contains tells whether `part` occurs in `text`: tests check that an error names what failed.
inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace ensign::test
