#include "enclave/logger.h"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace ensign::enclave {

void Logger::info(std::string_view line) const {
  if (verbose_) {
    write_line("ensign-enclave: ", line);
  }
}

void Logger::error(std::string_view line) const {
  write_line("ensign-enclave: error: ", line);
}

void Logger::write_line(std::string_view prefix, std::string_view line) const {
  std::string text(prefix);
  // Control characters (a newline above all) would let one entry pose as several.
  for (char c : line.substr(0, kMaxLogLineSize)) {
    text.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  }
  text.push_back('\n');
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace ensign::enclave
