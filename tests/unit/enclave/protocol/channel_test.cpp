// Tests of enclave/protocol/channel.h over real socketpairs: frames in and out, pipelining,
// frames split into one-byte pieces, frames larger than the channel's buffer, the skipping of
// oversize and empty frames, and end of stream.
#include "enclave/protocol/channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "enclave/protocol/messages.h"
#include "support/corrupt.h"

namespace ensign::enclave::protocol {
namespace {

// SocketPair owns both ends of an AF_UNIX socketpair.
class SocketPair {
 public:
  explicit SocketPair(int type) {
    EXPECT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds_), 0);
  }
  ~SocketPair() {
    close_peer();
    close_end(fds_[0]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;

  // host is the end the channel under test reads; peer is the end the test writes.
  int host() const { return fds_[0]; }
  int peer() const { return fds_[1]; }
  void close_peer() { close_end(fds_[1]); }

 private:
  // close_end shuts the socket down first, which wakes a writer blocked on the other end.
  static void close_end(int& fd) {
    if (fd >= 0) {
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
      fd = -1;
    }
  }
  int fds_[2] = {-1, -1};
};

// write_in_pieces writes `data` to `fd` in pieces of at most `piece` bytes; false on error.
bool write_in_pieces(int fd, ByteView data, std::size_t piece) {
  std::size_t written = 0;
  while (written < data.size()) {
    std::size_t size = std::min(piece, data.size() - written);
    ssize_t n = ::send(fd, data.data() + written, size, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  return true;
}

Bytes length_prefix(std::uint32_t length) {
  return {static_cast<std::uint8_t>(length >> 24),
          static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length)};
}

// frame_of encodes a message known to be valid.
Bytes frame_of(std::uint32_t request_id, const Message& message) {
  return encode_frame(request_id, message).value();
}

Bytes body_of_frame(ByteView frame) {
  return {frame.begin() + 4, frame.end()};
}

Bytes raw_frame(std::size_t body_size, std::uint8_t fill) {
  Bytes frame = length_prefix(static_cast<std::uint32_t>(body_size));
  frame.resize(4 + body_size, fill);
  return frame;
}

const Bytes kHello = frame_of(1, HelloRequest{});
const Bytes kError = frame_of(2, ErrorReply{ErrorCode::kNotFound, "key k1 not found"});
const Bytes kEvidence = frame_of(3, EvidenceRequest{Bytes(kReportDataSize, 0x5a)});

void expect_unavailable(const Result<Bytes>& result) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable) << result.error().message();
}

void expect_body(const Result<Bytes>& result, ByteView frame) {
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(*result, body_of_frame(frame));
}

class ChannelTest : public ::testing::Test {
 protected:
  // write_in_background writes from a thread, for data larger than the socket buffer.
  void write_in_background(Bytes data, std::size_t piece = 1 << 20) {
    writer_ = std::jthread([fd = sockets_.peer(), data = std::move(data), piece] {
      write_in_pieces(fd, data, piece);
    });
  }
  void write_now(ByteView data) { ASSERT_TRUE(write_in_pieces(sockets_.peer(), data, 1 << 20)); }

  // The writer is declared first so it is joined last, after the sockets have closed.
  std::jthread writer_;
  SocketPair sockets_{SOCK_STREAM};
  FrameChannel channel_{sockets_.host()};
};

TEST_F(ChannelTest, SendsAndReceivesAFrame) {
  FrameChannel sender(sockets_.peer());
  ASSERT_TRUE(sender.send(kError).has_value());
  auto body = channel_.receive();
  expect_body(body, kError);
  auto decoded = decode_body(*body);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(decoded->request_id, 2u);
}

TEST_F(ChannelTest, RepliesTravelTheOtherWay) {
  FrameChannel enclave(sockets_.peer());
  ASSERT_TRUE(channel_.send(kHello).has_value());
  expect_body(enclave.receive(), kHello);
  ASSERT_TRUE(enclave.send(kError).has_value());
  expect_body(channel_.receive(), kError);
}

TEST_F(ChannelTest, PipelinedFramesArriveInOrder) {
  write_now(test::appended(test::appended(kHello, kError), kEvidence));
  expect_body(channel_.receive(), kHello);
  expect_body(channel_.receive(), kError);
  expect_body(channel_.receive(), kEvidence);
  sockets_.close_peer();
  expect_unavailable(channel_.receive());
}

TEST_F(ChannelTest, FramesWrittenOneByteAtATimeArrive) {
  write_in_background(test::appended(kEvidence, kError), 1);
  expect_body(channel_.receive(), kEvidence);
  expect_body(channel_.receive(), kError);
}

// Over SOCK_SEQPACKET each read returns one packet, so one-byte packets force the channel to
// refill its buffer after every byte, deterministically.
TEST(ChannelPacketTest, FramesSplitIntoOneBytePacketsArrive) {
  std::jthread writer;
  SocketPair sockets(SOCK_SEQPACKET);
  FrameChannel channel(sockets.host());
  writer = std::jthread(
      [fd = sockets.peer()] { write_in_pieces(fd, test::appended(kHello, kError), 1); });
  expect_body(channel.receive(), kHello);
  expect_body(channel.receive(), kError);
}

TEST_F(ChannelTest, FramesLargerThanTheBufferArrive) {
  Bytes large = raw_frame(1 << 20, 0x11);
  write_in_background(test::appended(large, kHello), 4096);
  expect_body(channel_.receive(), large);
  expect_body(channel_.receive(), kHello);
}

TEST_F(ChannelTest, FrameAtTheLimitArrives) {
  Bytes largest = raw_frame(kMaxFrameBodySize, 0x22);
  write_in_background(test::appended(largest, kHello));
  expect_body(channel_.receive(), largest);
  expect_body(channel_.receive(), kHello);
}

TEST_F(ChannelTest, OversizeFrameIsSkippedAndTheNextOneArrives) {
  write_in_background(test::appended(raw_frame(kMaxFrameBodySize + 1, 0x33), kHello));
  auto skipped = channel_.receive();
  ASSERT_FALSE(skipped.has_value());
  EXPECT_EQ(skipped.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(skipped.error().message().find(std::to_string(kMaxFrameBodySize + 1)),
            std::string::npos);
  expect_body(channel_.receive(), kHello);
}

TEST_F(ChannelTest, HugeLengthPrefixFollowedByEndOfStreamIsUnavailable) {
  write_now(test::appended(length_prefix(0xffffffff), Bytes(100, 0x44)));
  sockets_.close_peer();
  expect_unavailable(channel_.receive());
  expect_unavailable(channel_.receive());
}

TEST_F(ChannelTest, EmptyFrameIsSkippedAndTheNextOneArrives) {
  write_now(test::appended(length_prefix(0), kError));
  auto skipped = channel_.receive();
  ASSERT_FALSE(skipped.has_value());
  EXPECT_EQ(skipped.error().code(), ErrorCode::kInvalidArgument);
  expect_body(channel_.receive(), kError);
}

TEST_F(ChannelTest, EndOfStreamIsUnavailable) {
  sockets_.close_peer();
  expect_unavailable(channel_.receive());
  expect_unavailable(channel_.receive());
}

TEST_F(ChannelTest, EndOfStreamInsideThePrefixIsUnavailable) {
  write_now(test::truncated(kHello, 2));
  sockets_.close_peer();
  expect_unavailable(channel_.receive());
}

TEST_F(ChannelTest, EndOfStreamInsideTheBodyIsUnavailable) {
  write_now(test::truncated(kError, kError.size() - 1));
  sockets_.close_peer();
  expect_unavailable(channel_.receive());
}

TEST_F(ChannelTest, SendingToAClosedPeerIsUnavailable) {
  sockets_.close_peer();
  auto status = channel_.send(kHello);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
}

TEST(ChannelDescriptorTest, InvalidDescriptorIsUnavailable) {
  FrameChannel channel(-1);
  auto status = channel.send(kHello);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  expect_unavailable(channel.receive());
}

}  // namespace
}  // namespace ensign::enclave::protocol
