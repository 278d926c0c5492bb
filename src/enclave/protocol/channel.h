// channel.h: FrameChannel, length-prefixed frames over a stream socket (the host/enclave
// socketpair). It keeps the stream in step even when a peer sends an oversized or empty frame.
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign::enclave::protocol {

class FrameChannel {
 public:
  // FrameChannel borrows `fd`; the caller closes it.
  explicit FrameChannel(int fd) : fd_(fd) {}

  // send writes a complete frame (as made by encode_frame). Fails with Unavailable when the peer
  // is gone.
  Status send(ByteView frame);

  // receive returns the next frame's body. Fails with Unavailable at end of stream or on a read
  // error (the channel is then finished), and with ResourceExhausted or InvalidArgument for a
  // frame over kMaxFrameBodySize or an empty one: such a frame is skipped, and the next receive
  // reads the frame after it.
  Result<Bytes> receive();

 private:
  // fill reads more bytes into the buffer; false at end of stream or error.
  bool fill();
  Result<std::size_t> take(std::uint8_t* out, std::size_t size);

  int fd_;
  Bytes buffer_ = Bytes(64 * 1024);
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool finished_ = false;
};

}  // namespace ensign::enclave::protocol
