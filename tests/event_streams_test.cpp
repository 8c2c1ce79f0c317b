// The event-streams actor on the deterministic scheduler, with the real
// queue actor and a socket pair standing in for each client's connection.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/event_streams.hpp"
#include "support/metrics.hpp"
#include "tests/support/queue_fixture.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto keep_alive = 15000ms;

/// The client's end of a stream.
class client_end {
public:
  client_end() {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends_);
    fcntl(ends_[0], F_SETFL, O_NONBLOCK);
  }
  ~client_end() {
    hang_up();
  }

  /// The server's end, handed to the actor, which owns it from then on.
  int32_t server_end() const {
    return ends_[1];
  }

  /// Everything written since the last call.
  std::string received() {
    std::string text;
    char chunk[4096];
    ssize_t n = 0;
    while ((n = recv(ends_[0], chunk, sizeof(chunk), 0)) > 0)
      text.append(chunk, static_cast<size_t>(n));
    closed_ = closed_ || n == 0;
    return text;
  }

  /// Whether the actor has closed its end; call after received().
  bool closed() const {
    return closed_;
  }

  void hang_up() {
    if (ends_[0] >= 0)
      close(ends_[0]);
    ends_[0] = -1;
  }

private:
  int ends_[2] = {-1, -1};
  bool closed_ = false;
};

class event_streams_test : public queue_fixture {
protected:
  void SetUp() override {
    start(1, 100);
    streams = sys.spawn(http::event_streams, queue, keep_alive);
    own(streams);
  }

  void open(const client_end& client, const token_view& first) {
    self->send(streams, atom::open_v, client.server_end(), first);
    run();
  }

  static int64_t open_streams() {
    return metrics::actors().event_streams.load();
  }

  http::event_streams_actor streams;
};

} // namespace

TEST_F(event_streams_test, a_stream_gets_the_token_then_each_change_and_ends_after_active) {
  issue(1);
  auto mine = issue(2);
  client_end client;
  open(client, mine);
  EXPECT_EQ(client.received(), http::token_event(mine))
    << "the first event once, though the queue's answer to watch repeats it";
  advance(tick);
  EXPECT_EQ(client.received(), http::token_event(get(mine)));
  EXPECT_EQ(get(mine).position, 1);
  advance(tick);
  EXPECT_EQ(client.received(), http::token_event(get(mine)));
  EXPECT_EQ(get(mine).status, "ACTIVE");
  EXPECT_TRUE(client.closed());
}

TEST_F(event_streams_test, a_stream_opened_with_an_old_view_catches_up_with_the_queue) {
  issue(1);
  issue(2);
  auto mine = issue(3);
  client_end early;
  open(early, mine);
  advance(tick);
  client_end late;
  open(late, mine);
  EXPECT_EQ(late.received(), http::token_event(mine) + http::token_event(get(mine)));
  EXPECT_EQ(get(mine).position, 2);
}

TEST_F(event_streams_test, an_active_token_gets_one_event_and_the_stream_ends) {
  auto mine = issue(1);
  advance(tick);
  client_end client;
  auto base = open_streams();
  open(client, get(mine));
  EXPECT_EQ(client.received(), http::token_event(get(mine)));
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(open_streams(), base);
}

TEST_F(event_streams_test, keep_alive_comments_reach_live_clients_and_find_gone_ones) {
  issue(1);
  auto mine = issue(2);
  ASSERT_TRUE(ask<queue_status>(queue, atom::update_v, queue_change{1, 0, 0}));
  auto base = open_streams();
  client_end stays;
  client_end leaves;
  open(stays, mine);
  open(leaves, mine);
  EXPECT_EQ(open_streams(), base + 2);
  stays.received();
  leaves.hang_up();
  advance(keep_alive);
  EXPECT_EQ(stays.received(), ": keep-alive\n\n");
  EXPECT_EQ(open_streams(), base + 1) << "the closed client is dropped";
}

TEST_F(event_streams_test, a_client_that_does_not_read_is_dropped_instead_of_waited_for) {
  auto mine = issue(1);
  client_end stalled;
  // Fill the socket's buffers as a client that never reads would.
  fcntl(stalled.server_end(), F_SETFL, O_NONBLOCK);
  std::string filler(65536, 'x');
  while (send(stalled.server_end(), filler.data(), filler.size(), MSG_NOSIGNAL) > 0) {
  }
  auto base = open_streams();
  open(stalled, mine);
  EXPECT_EQ(open_streams(), base);
}
