#include "core/openssl_handles.h"

#include <openssl/err.h>

#include <array>
#include <string>

namespace ensign {

Error openssl_error(std::string_view what, ErrorCode code) {
  std::string message(what);
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) {
    last = e;
  }
  if (last != 0) {
    std::array<char, 256> text{};
    ERR_error_string_n(last, text.data(), text.size());
    message += " (";
    message += text.data();
    message += ")";
  }
  return Error(code, std::move(message));
}

}  // namespace ensign
