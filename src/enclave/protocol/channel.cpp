#include "enclave/protocol/channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "enclave/protocol/messages.h"

namespace ensign::enclave::protocol {

Status FrameChannel::send(ByteView frame) {
  std::size_t written = 0;
  while (written < frame.size()) {
    // MSG_NOSIGNAL: a vanished peer is an error reply, not a SIGPIPE.
    ssize_t n = ::send(fd_, frame.data() + written, frame.size() - written, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ErrorCode::kUnavailable, std::string("enclave channel closed: ") + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

bool FrameChannel::fill() {
  if (finished_) {
    return false;
  }
  if (begin_ == end_) {
    begin_ = end_ = 0;
  }
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      finished_ = true;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

// take copies up to `size` bytes into `out` (or discards them when out is null).
Result<std::size_t> FrameChannel::take(std::uint8_t* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    if (begin_ == end_ && !fill()) {
      return fail(ErrorCode::kUnavailable, "enclave channel closed");
    }
    std::size_t chunk = std::min(size - done, end_ - begin_);
    if (out != nullptr) {
      std::memcpy(out + done, buffer_.data() + begin_, chunk);
    }
    begin_ += chunk;
    done += chunk;
  }
  return done;
}

Result<Bytes> FrameChannel::receive() {
  std::uint8_t prefix[4];
  ENSIGN_CHECK(take(prefix, sizeof prefix));
  std::size_t length = (std::size_t{prefix[0]} << 24) | (std::size_t{prefix[1]} << 16) |
                       (std::size_t{prefix[2]} << 8) | prefix[3];
  if (length == 0) {
    return fail(ErrorCode::kInvalidArgument, "empty frame");
  }
  if (length > kMaxFrameBodySize) {
    ENSIGN_CHECK(take(nullptr, length));
    return fail(ErrorCode::kResourceExhausted, "frame of " + std::to_string(length) +
                                                   " bytes is over the limit of " +
                                                   std::to_string(kMaxFrameBodySize));
  }
  Bytes body(length);
  ENSIGN_CHECK(take(body.data(), length));
  return body;
}

}  // namespace ensign::enclave::protocol
