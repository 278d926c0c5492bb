// fuzz_log_note: libFuzzer target for what a log client reads from an untrusted log server or
// bundle: signed notes (src/log/signed_note.cpp), checkpoint text (src/log/checkpoint.cpp) and
// log entries (src/log/entry_parse.cpp). The checkpoint and entry parsers accept only the bytes
// their encoders write, so whatever parses must encode back to the input exactly.
//
// Seeds in corpus/: a signed checkpoint and a hashedrekord entry written by ensign.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log/checkpoint.h"
#include "log/entry.h"
#include "log/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto note = ensign::log::parse_signed_note(input)) {
    if (auto inner = ensign::log::parse_checkpoint_text(note->text)) {
      auto again = ensign::log::checkpoint_text(*inner);
      if (!again || *again != note->text) {
        __builtin_trap();
      }
    }
  }
  if (auto checkpoint = ensign::log::parse_checkpoint_text(input)) {
    auto again = ensign::log::checkpoint_text(*checkpoint);
    if (!again || *again != input) {
      __builtin_trap();
    }
  }
  if (auto entry = ensign::log::parse_entry(input)) {
    auto again = ensign::log::encode_entry(*entry);
    if (!again || *again != input) {
      __builtin_trap();
    }
  }
  return 0;
}
