// The event-streams actor on the deterministic scheduler, with the real
// queue actor and a recording sink standing in for each client's
// connection.

#include <memory>
#include <utility>

#include "http/event_streams.hpp"
#include "support/metrics.hpp"
#include "tests/support/queue_fixture.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto keep_alive = 15000ms;

/// What a connection would have written to its client, and whether its
/// stream was ended.
class recording_sink final : public http::event_sink {
public:
  bool send(std::string bytes) override {
    if (gone || full)
      return false;
    written += bytes;
    return true;
  }
  void close() override {
    closed = true;
  }

  std::string written;
  bool closed = false;
  /// The client has left.
  bool gone = false;
  /// The client has left as much unread as a connection allows.
  bool full = false;
};

/// The client's end of a stream.
class client_end {
public:
  /// The connection's sink, handed to the actor.
  http::event_sink_ptr sink() const {
    return sink_;
  }

  /// Everything written since the last call.
  std::string received() {
    return std::exchange(sink_->written, {});
  }

  /// Whether the actor has ended the stream.
  bool closed() const {
    return sink_->closed;
  }

  void hang_up() {
    sink_->gone = true;
  }

  void stop_reading() {
    sink_->full = true;
  }

private:
  std::shared_ptr<recording_sink> sink_ = std::make_shared<recording_sink>();
};

class event_streams_test : public queue_fixture {
protected:
  void SetUp() override {
    start(1, 100);
    streams = sys.spawn(http::event_streams, queue, keep_alive);
    own(streams);
  }

  void open(const client_end& client, const token_view& first) {
    self->send(streams, atom::open_v, client.sink(), first);
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
  stalled.stop_reading();
  auto base = open_streams();
  open(stalled, mine);
  EXPECT_EQ(open_streams(), base);
  EXPECT_TRUE(stalled.closed());
}
