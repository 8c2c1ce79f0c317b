// A thousand live-position streams on one event-loop thread: the streams
// are ordinary connections that hold no thread, so other requests are
// still served, and one admission reaches every stream.

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "tests/support/booking.hpp"
#include "tests/support/event_stream_client.hpp"
#include "tests/support/metrics_page.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

constexpr int stream_count = 1000;

/// One WAITING token each for `count` new users, issued from a few threads.
std::vector<std::string> issue_tokens(const server_process& server, int count) {
  std::vector<std::string> tokens(count);
  std::vector<std::thread> threads;
  constexpr int thread_count = 8;
  for (int t = 0; t < thread_count; ++t)
    threads.emplace_back([&, t] {
      booking flow{server};
      for (int i = t; i < count; i += thread_count)
        tokens[i] = flow.issue_token(flow.new_user());
    });
  for (auto& t : threads)
    t.join();
  return tokens;
}

/// The open-streams gauge on the /metrics page, or -1.
double open_streams(booking& flow) {
  auto page = flow.admin.Get("/metrics");
  return page ? sample_value(page->body, "concert_event_streams") : -1;
}

} // namespace

TEST(http_event_stream_scale, a_thousand_open_streams_leave_the_port_serving_everyone_else) {
  ASSERT_TRUE(allow_open_files(stream_count + 512)) << "the hard open-file limit is too low";
  test_database db;
  // One event loop carries every stream and every other client.
  server_process server{db.url(), fast_queue({{"CONCERT_HTTP_THREADS", "1"},
                                              {"CONCERT_QUEUE_BATCH_SIZE", "1000"}})};
  booking flow{server};
  ASSERT_EQ(post(flow.admin, "/admin/queue", R"({"paused": true})").status, 200);
  auto tokens = issue_tokens(server, stream_count);

  std::vector<event_stream_client> streams;
  streams.reserve(stream_count);
  for (const auto& token : tokens)
    streams.emplace_back(server.port(), "/api/queue_tokens/" + token);
  std::vector<int64_t> positions;
  for (auto& s : streams) {
    auto first = s.next_event();
    ASSERT_TRUE(first) << "stream " << positions.size() + 1 << " got no first event";
    positions.push_back(first->at("position").get<int64_t>());
  }
  std::sort(positions.begin(), positions.end());
  EXPECT_EQ(positions.front(), 1);
  EXPECT_EQ(positions.back(), stream_count);

  // With every stream open, the port still serves everyone else.
  EXPECT_EQ(open_streams(flow), stream_count);
  EXPECT_EQ(get(flow.client, "/healthz").status, 200);
  EXPECT_EQ(post(flow.client, "/api/users", "{}").status, 201);
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/" + tokens[0]).body.value("status", ""), "WAITING");

  ASSERT_EQ(post(flow.admin, "/admin/queue", R"({"paused": false})").status, 200);
  int active = 0;
  for (auto& s : streams) {
    auto last = s.next_event();
    ASSERT_TRUE(last);
    active += last->at("status") == "ACTIVE" ? 1 : 0;
    EXPECT_TRUE(s.ends());
  }
  EXPECT_EQ(active, stream_count) << "one admission of the whole line reaches every stream";
  EXPECT_EQ(open_streams(flow), 0);
}
