// logger.h: the enclave's logger: single lines on a descriptor (stderr) with one write(2) each,
// no buffering, no allocation beyond the line itself. Lines carry key ids, versions and digests
// at most, never payloads or key material.
#pragma once

#include <cstddef>
#include <string_view>

namespace ensign::enclave {

// kMaxLogLineSize bounds a line; longer ones are cut, so a line is always one line.
inline constexpr std::size_t kMaxLogLineSize = 1024;

class Logger {
 public:
  // Logger writes to `fd` (borrowed); info lines only when `verbose`.
  Logger(int fd, bool verbose) : fd_(fd), verbose_(verbose) {}

  // info writes "ensign-enclave: <line>" when verbose; failures to write are ignored.
  void info(std::string_view line) const;

  // error writes "ensign-enclave: error: <line>" always; failures to write are ignored.
  void error(std::string_view line) const;

 private:
  void write_line(std::string_view prefix, std::string_view line) const;

  int fd_;
  bool verbose_;
};

}  // namespace ensign::enclave
