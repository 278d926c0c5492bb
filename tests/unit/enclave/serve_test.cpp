// Tests of src/enclave/serve.cpp: the serve loop over a real socketpair, in-process.
#include "enclave/serve.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <optional>

#include "enclave/protocol/channel.h"
#include "enclave_test_support.h"

namespace ensign::enclave {
namespace {

class ServeTest : public SimPlatformFixture {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets_), 0);
    host_.emplace(sockets_[0]);
    served_ =
        std::async(std::launch::async, [this] { return serve(sockets_[1], dispatcher_, logger_); });
  }
  void TearDown() override {
    close_host();
    if (served_.valid()) {
      served_.wait();
    }
    ::close(sockets_[1]);
  }

  void close_host() {
    if (sockets_[0] >= 0) {
      ::close(sockets_[0]);
      sockets_[0] = -1;
    }
  }

  protocol::Envelope receive() {
    auto body = host_->receive();
    EXPECT_TRUE(body.has_value()) << body.error().message();
    auto envelope = protocol::decode_body(body ? ByteView(*body) : ByteView());
    EXPECT_TRUE(envelope.has_value()) << envelope.error().message();
    return envelope ? std::move(envelope).value() : protocol::Envelope{};
  }

  void send_hello(std::uint32_t request_id) {
    ASSERT_TRUE(host_->send(protocol::encode_frame(request_id, protocol::HelloRequest{}).value()));
  }

  void expect_hello_reply(std::uint32_t request_id) {
    send_hello(request_id);
    auto reply = receive();
    EXPECT_EQ(reply.request_id, request_id);
    EXPECT_TRUE(std::holds_alternative<protocol::HelloReply>(reply.message));
  }

  int sockets_[2] = {-1, -1};
  CapturePipe log_;
  Logger logger_{log_.write_end(), false};
  Dispatcher dispatcher_{*platform_, 0, logger_};
  std::optional<protocol::FrameChannel> host_;
  std::future<int> served_;
};

TEST_F(ServeTest, AnswersRequestsInOrder) {
  send_hello(1);
  send_hello(2);
  send_hello(3);
  for (std::uint32_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(receive().request_id, id);
  }
}

TEST_F(ServeTest, EndOfStreamEndsTheLoopWithZero) {
  expect_hello_reply(1);
  close_host();
  EXPECT_EQ(served_.get(), 0);
}

TEST_F(ServeTest, EmptyFrameGetsAnErrorReplyAndTheLoopGoesOn) {
  ASSERT_TRUE(host_->send(Bytes{0, 0, 0, 0}));
  auto reply = receive();
  EXPECT_EQ(reply.request_id, 0u);
  ASSERT_TRUE(std::holds_alternative<protocol::ErrorReply>(reply.message));
  EXPECT_EQ(std::get<protocol::ErrorReply>(reply.message).message, "empty frame");
  expect_hello_reply(2);
}

TEST_F(ServeTest, OversizeFrameGetsAnErrorReplyAndTheLoopGoesOn) {
  Bytes frame = test::frame_of(Bytes(protocol::kMaxFrameBodySize + 1, 0x41));
  ASSERT_TRUE(host_->send(frame));
  auto reply = receive();
  EXPECT_EQ(reply.request_id, 0u);
  ASSERT_TRUE(std::holds_alternative<protocol::ErrorReply>(reply.message));
  EXPECT_EQ(std::get<protocol::ErrorReply>(reply.message).code, ErrorCode::kResourceExhausted);
  expect_hello_reply(3);
}

TEST_F(ServeTest, GarbageGetsAnErrorReplyAndTheLoopGoesOn) {
  ASSERT_TRUE(host_->send(test::frame_of(to_bytes("garbage, not a message"))));
  auto reply = receive();
  ASSERT_TRUE(std::holds_alternative<protocol::ErrorReply>(reply.message));
  expect_hello_reply(4);
}

TEST_F(ServeTest, AHostThatLeavesMidRequestEndsTheLoopWithZero) {
  send_hello(5);
  close_host();
  EXPECT_EQ(served_.get(), 0);
}

}  // namespace
}  // namespace ensign::enclave
