// protocol_decoder_fuzzer.cpp: libFuzzer target for the host/enclave protocol, the first code
// that touches bytes crossing the boundary. Each input is used twice:
//   - as one frame body for decode_body, and
//   - as a byte stream fed through a FrameChannel over a socketpair, each frame it yields then
//     going to decode_body.
// Beyond "no crash, no sanitizer report", it checks properties: whatever decodes re-encodes to
// exactly the same bytes (the wire format has one encoding per message), peek_request_id agrees
// with decode_body, and failures carry the documented codes.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "enclave/protocol/channel.h"
#include "enclave/protocol/messages.h"

namespace ensign::enclave::protocol {
namespace {

// kMaxChannelInput bounds what goes through the socketpair: it fits in the default AF_UNIX
// socket buffer, so one thread can write it all before reading without blocking.
constexpr std::size_t kMaxChannelInput = 64 * 1024;

[[noreturn]] void violated(const char* property) {
  std::fprintf(stderr, "protocol_decoder property violated: %s\n", property);
  std::abort();
}

void check_body(ByteView body) {
  std::uint32_t peeked = peek_request_id(body);
  auto decoded = decode_body(body);
  if (!decoded) {
    if (decoded.error().code() != ErrorCode::kInvalidArgument) {
      violated("decode_body failed with a code other than InvalidArgument");
    }
    return;
  }
  if (decoded->request_id != peeked) {
    violated("peek_request_id disagrees with decode_body");
  }
  auto frame = encode_frame(decoded->request_id, decoded->message);
  if (!frame) {
    violated("a decoded message does not re-encode");
  }
  if (frame->size() != body.size() + 4 ||
      !std::equal(body.begin(), body.end(), frame->begin() + 4)) {
    violated("re-encoding a decoded message changes its bytes");
  }
  std::size_t prefix = (std::size_t{(*frame)[0]} << 24) | (std::size_t{(*frame)[1]} << 16) |
                       (std::size_t{(*frame)[2]} << 8) | (*frame)[3];
  if (prefix != body.size()) {
    violated("the length prefix is not the body size");
  }
}

// SocketPair owns both ends of a socketpair for one input.
class SocketPair {
 public:
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds_) != 0) {
      violated("socketpair failed");
    }
  }
  ~SocketPair() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;

  int reader() const { return fds_[0]; }
  int writer() const { return fds_[1]; }

 private:
  int fds_[2] = {-1, -1};
};

void check_channel(ByteView input) {
  SocketPair sockets;
  ByteView fed = input.first(std::min(input.size(), kMaxChannelInput));
  std::size_t written = 0;
  while (written < fed.size()) {
    ssize_t n = ::write(sockets.writer(), fed.data() + written, fed.size() - written);
    if (n <= 0) {
      violated("cannot write the input to the socketpair");
    }
    written += static_cast<std::size_t>(n);
  }
  ::shutdown(sockets.writer(), SHUT_WR);
  FrameChannel channel(sockets.reader());
  for (;;) {
    auto body = channel.receive();
    if (body) {
      check_body(*body);
      continue;
    }
    ErrorCode code = body.error().code();
    if (code == ErrorCode::kUnavailable) {
      return;
    }
    if (code != ErrorCode::kResourceExhausted && code != ErrorCode::kInvalidArgument) {
      violated("FrameChannel::receive failed with an undocumented code");
    }
  }
}

}  // namespace
}  // namespace ensign::enclave::protocol

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ensign::ByteView input(data, size);
  ensign::enclave::protocol::check_body(input);
  ensign::enclave::protocol::check_channel(input);
  return 0;
}
